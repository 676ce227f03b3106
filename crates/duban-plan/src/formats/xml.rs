//! A small pull-to-push adapter over quick-xml for the OOXML parts we read ourselves
//! (word/document.xml, numbering.xml, styles.xml).
//!
//! Owns XML well-formedness: a part that is not UTF-8/UTF-16, not XML, not balanced or cut short
//! becomes a [`ImportError::BadContainer`] naming the part, in Chinese. Elements are reported
//! by local name (namespace prefixes dropped: `w:p` → `p`); an empty element is reported as an
//! open immediately followed by its close, so readers only handle one shape. Entity and
//! character references in text are resolved here. No DTD entity is ever expanded.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use crate::ImportError;

use super::bad_container;

/// One step of a walk over an XML part.
pub(crate) enum Node<'a, 'e> {
    /// An element opens; `local` is its name without prefix.
    Open {
        local: &'e [u8],
        element: &'e BytesStart<'a>,
    },
    /// The element opened last closes.
    Close,
    /// Character data (references resolved).
    Text(&'e str),
}

/// Walks the XML in `bytes` (a part named `part` of a `format` package), calling `visit` for
/// every element and text. Returns whether a root element was seen.
pub(crate) fn walk(
    bytes: &[u8],
    part: &str,
    format: &'static str,
    mut visit: impl FnMut(Node<'_, '_>),
) -> Result<(), ImportError> {
    let text = part_text(bytes, part, format)?;
    let mut reader = Reader::from_str(&text);
    reader.config_mut().trim_text(false);
    let mut depth = 0usize;
    let mut saw_root = false;
    loop {
        let event = reader.read_event().map_err(|_| {
            bad_container(
                format,
                format!(
                    "{part} 不是有效的 XML（第 {} 字节附近格式错误）",
                    reader.error_position()
                ),
            )
        })?;
        match event {
            Event::Start(e) => {
                depth += 1;
                saw_root = true;
                visit(Node::Open {
                    local: e.local_name().into_inner(),
                    element: &e,
                });
            }
            Event::Empty(e) => {
                saw_root = true;
                visit(Node::Open {
                    local: e.local_name().into_inner(),
                    element: &e,
                });
                visit(Node::Close);
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                visit(Node::Close);
            }
            Event::Text(t) => {
                if let Ok(s) = t.decode() {
                    visit(Node::Text(&s));
                }
            }
            Event::CData(t) => {
                if let Ok(s) = t.decode() {
                    visit(Node::Text(&s));
                }
            }
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    let mut buf = [0u8; 4];
                    visit(Node::Text(c.encode_utf8(&mut buf)));
                } else if let Ok(name) = r.decode()
                    && let Some(s) = resolve_predefined_entity(&name)
                {
                    visit(Node::Text(s));
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if depth != 0 {
        return Err(bad_container(
            format,
            format!("{part} 内容不完整（XML 未正常结束）"),
        ));
    }
    if !saw_root {
        return Err(bad_container(format, format!("{part} 中没有 XML 内容")));
    }
    Ok(())
}

/// The part as text: UTF-8 (BOM allowed) or UTF-16 with a BOM.
fn part_text<'b>(
    bytes: &'b [u8],
    part: &str,
    format: &'static str,
) -> Result<Cow<'b, str>, ImportError> {
    let not_text = || bad_container(format, format!("{part} 不是有效的 XML（编码无法识别）"));
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes)
            .map(Cow::Owned)
            .ok_or_else(not_text);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes)
            .map(Cow::Owned)
            .ok_or_else(not_text);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes)
        .map(Cow::Borrowed)
        .map_err(|_| not_text())
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    char::decode_utf16(bytes.chunks_exact(2).map(|p| unit([p[0], p[1]])))
        .collect::<Result<String, _>>()
        .ok()
}

/// The value of the attribute whose local name is `key` (`w:val` → `val`), unescaped.
pub(crate) fn attr(element: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    element
        .attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| a.unescape_value().ok().map(Cow::into_owned))
}

/// A numeric attribute, if present and well formed.
pub(crate) fn attr_u32(element: &BytesStart<'_>, key: &[u8]) -> Option<u32> {
    attr(element, key).and_then(|v| v.trim().parse().ok())
}

/// An OOXML on/off attribute (`w:val` absent, `1`, `true` or `on` mean on).
pub(crate) fn on_off(element: &BytesStart<'_>) -> bool {
    !matches!(
        attr(element, b"val").as_deref(),
        Some("0" | "false" | "off")
    )
}
