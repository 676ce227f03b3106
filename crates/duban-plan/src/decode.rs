//! Bytes → text: UTF-8 (with or without BOM), UTF-16 LE/BE (with a BOM, or recognised by its
//! NUL-byte pattern or by reading as plausible Chinese text), GB18030/GBK, detected and reported.
//!
//! This module owns encoding detection only. It must not reshape the text: line ends, spaces and
//! width stay exactly as decoded (later offsets point into this text); only a leading BOM is
//! dropped. Binary input is refused with [`ImportError::Binary`] and text that no supported
//! encoding reads cleanly with [`ImportError::Undecodable`]: a guess that would produce mojibake
//! is an error, never a result.

use encoding_rs::{DecoderResult, GB18030};

use crate::ImportError;

/// Decoded text and the encoding it was read in.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The text, BOM removed.
    pub text: String,
    /// The encoding's name (`UTF-8`, `UTF-8 (BOM)`, `UTF-16LE`, `UTF-16BE`, `GB18030`).
    pub encoding: String,
}

/// How many leading bytes the UTF-16 NUL-pattern test looks at.
const SNIFF_BYTES: usize = 64 * 1024;

/// Detects the encoding of `bytes` and decodes them.
///
/// Order matters: a BOM wins; then the NUL pattern of UTF-16 (ASCII-range UTF-16 is also valid
/// UTF-8); then UTF-8; then BOM-less UTF-16 without NULs (all-Chinese text); then GB18030,
/// which accepts almost any byte sequence and so only counts when the result reads as Chinese.
pub fn decode(bytes: &[u8]) -> Result<Decoded, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    let decoded = detect(bytes)?;
    check_text(&decoded.text)?;
    Ok(decoded)
}

fn detect(bytes: &[u8]) -> Result<Decoded, ImportError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok(decoded(text.to_string(), "UTF-8 (BOM)")),
            Err(e) => Err(ImportError::Undecodable {
                byte: 3 + e.valid_up_to(),
            }),
        };
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, Endian::Little, 2).map(|t| decoded(t, "UTF-16LE"));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, Endian::Big, 2).map(|t| decoded(t, "UTF-16BE"));
    }
    if let Some(endian) = utf16_nul_pattern(bytes) {
        let text = utf16(bytes, endian, 0)?;
        if texty_share(&text) >= 0.9 {
            return Ok(decoded(text, endian.name()));
        }
        return Err(binary());
    }

    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(decoded(text.to_string(), "UTF-8")),
        // Only the last character is cut short (a file truncated mid-character): the complete
        // text before it is what the file says.
        Err(e) if e.error_len().is_none() => {
            let text = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            return Ok(decoded(text, "UTF-8"));
        }
        Err(e) => e.valid_up_to(),
    };
    if damaged_utf8(bytes) {
        return Err(ImportError::Undecodable { byte: utf8_error });
    }

    if bytes.len().is_multiple_of(2) {
        for endian in [Endian::Little, Endian::Big] {
            if let Ok(text) = utf16(bytes, endian, 0)
                && plausible_bomless_utf16(&text)
            {
                return Ok(decoded(text, endian.name()));
            }
        }
    }

    if control_heavy_bytes(bytes) {
        return Err(binary());
    }

    match gb18030(bytes) {
        Ok(text) if plausibly_chinese(&text) => Ok(decoded(text, "GB18030")),
        Ok(_) => Err(ImportError::Undecodable { byte: utf8_error }),
        Err(gb_error) => Err(ImportError::Undecodable {
            byte: utf8_error.max(gb_error),
        }),
    }
}

fn decoded(text: String, encoding: &str) -> Decoded {
    Decoded {
        text,
        encoding: encoding.to_string(),
    }
}

fn binary() -> ImportError {
    ImportError::Binary {
        kind: "二进制数据".to_string(),
    }
}

/// Refuses decoded text that is blank, or that holds NULs or many control characters (binary
/// data that happened to decode).
fn check_text(text: &str) -> Result<(), ImportError> {
    if text
        .chars()
        .all(|c| c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}'))
    {
        return Err(ImportError::Empty);
    }
    let mut total = 0usize;
    let mut controls = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return Err(binary());
        }
        if is_control(c) {
            controls += 1;
        }
    }
    if controls >= 3 && controls * 100 > total {
        return Err(binary());
    }
    Ok(())
}

/// Control characters that do not occur in text (tab, line ends and form feed do).
fn is_control(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endian {
    Little,
    Big,
}

impl Endian {
    fn name(self) -> &'static str {
        match self {
            Endian::Little => "UTF-16LE",
            Endian::Big => "UTF-16BE",
        }
    }
}

/// Strict UTF-16: an odd byte count or an unpaired surrogate is an error at its byte offset
/// (`offset` is the length of the BOM already stripped).
fn utf16(bytes: &[u8], endian: Endian, offset: usize) -> Result<String, ImportError> {
    let units = bytes.chunks_exact(2).map(|pair| match endian {
        Endian::Little => u16::from_le_bytes([pair[0], pair[1]]),
        Endian::Big => u16::from_be_bytes([pair[0], pair[1]]),
    });
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut unit_index = 0usize;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                unit_index += c.len_utf16();
                text.push(c);
            }
            Err(_) => {
                return Err(ImportError::Undecodable {
                    byte: offset + unit_index * 2,
                });
            }
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(ImportError::Undecodable {
            byte: offset + bytes.len() - 1,
        });
    }
    Ok(text)
}

/// UTF-16 without a BOM, recognised by its NULs: ASCII-range characters put a zero in the high
/// byte, so the zeros gather on one parity (odd offsets for LE, even for BE). Binary data has
/// zeros on both.
fn utf16_nul_pattern(bytes: &[u8]) -> Option<Endian> {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES) & !1];
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    if odd > 0 && even * 4 <= odd {
        Some(Endian::Little)
    } else if even > 0 && odd * 4 <= even {
        Some(Endian::Big)
    } else {
        None
    }
}

/// Invalid UTF-8 that is still mostly UTF-8: many well-formed multi-byte sequences and few
/// errors. GBK text forms a valid UTF-8 sequence only by chance (a few per hundred characters)
/// and errs far more often than that; a damaged UTF-8 file is the reverse. Reading the damaged
/// file as GBK would turn every character into mojibake, so it is refused instead.
fn damaged_utf8(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    let (mut valid_multibyte, mut errors) = (0usize, 0usize);
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                valid_multibyte += count_leads(s.as_bytes());
                break;
            }
            Err(e) => {
                valid_multibyte += count_leads(&rest[..e.valid_up_to()]);
                errors += 1;
                let skip = e.valid_up_to() + e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                rest = &rest[skip.min(rest.len())..];
                if rest.is_empty() {
                    break;
                }
            }
        }
    }
    valid_multibyte >= 4 && errors * 20 <= valid_multibyte
}

/// Lead bytes of multi-byte sequences in valid UTF-8.
fn count_leads(valid: &[u8]) -> usize {
    valid.iter().filter(|&&b| b >= 0xC0).count()
}

/// C0 control bytes other than tab, line ends, form feed and escape, above 1 % of the input.
fn control_heavy_bytes(bytes: &[u8]) -> bool {
    let controls = bytes
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)) || b == 0x7F)
        .count();
    controls >= 3 && controls * 100 > bytes.len()
}

/// Strict GB18030; on a malformed sequence, the byte offset where it starts.
fn gb18030(bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = GB18030.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(2));
    let mut text = String::with_capacity(capacity);
    let mut consumed = 0usize;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[consumed..], &mut text, true);
        consumed += read;
        match result {
            DecoderResult::InputEmpty => return Ok(text),
            DecoderResult::Malformed(bad, after) => {
                return Err(consumed.saturating_sub(usize::from(bad) + usize::from(after)));
            }
            DecoderResult::OutputFull => text.reserve(bytes.len() - consumed + 16),
        }
    }
}

/// Characters that ordinary Chinese or English text is made of.
fn is_texty(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{c}' | ' '..='~'
        | '\u{a0}'..='\u{24f}'        // Latin-1, Latin extended (pinyin tone marks)
        | '\u{370}'..='\u{4ff}'       // Greek, Cyrillic (both in GB2312)
        | '\u{2000}'..='\u{2bff}'     // punctuation, letterlike, number forms, arrows, math,
                                      // box drawing, enclosed alphanumerics, shapes, symbols
        | '\u{2e80}'..='\u{2fdf}'     // CJK radicals
        | '\u{3000}'..='\u{312f}'     // CJK punctuation, kana, bopomofo
        | '\u{31c0}'..='\u{31ef}'     // CJK strokes
        | '\u{3200}'..='\u{33ff}'     // enclosed CJK, CJK compatibility
        | '\u{feff}'
        | '\u{fe10}'..='\u{fe1f}' | '\u{fe30}'..='\u{fe4f}' | '\u{ff00}'..='\u{ffef}'
    ) || is_cjk(c)
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{3134f}'
    )
}

/// Share of characters that are [`is_texty`].
fn texty_share(text: &str) -> f64 {
    let (mut total, mut texty) = (0usize, 0usize);
    for c in text.chars() {
        total += 1;
        texty += usize::from(is_texty(c));
    }
    if total == 0 {
        1.0
    } else {
        texty as f64 / total as f64
    }
}

/// UTF-16 with neither BOM nor NULs is mostly Chinese: accept it only when it reads as such.
/// GBK bytes read as UTF-16 land in Hangul, Yi, private-use and surrogate ranges.
fn plausible_bomless_utf16(text: &str) -> bool {
    let (mut visible, mut cjk) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        visible += 1;
        cjk += usize::from(is_cjk(c));
    }
    visible >= 2 && cjk * 2 >= visible && texty_share(text) >= 0.97
}

/// GB18030 decodes almost anything; accept the result only if it reads as Chinese text:
/// ordinary characters throughout and Chinese characters a real part of it (Latin-1 text read
/// as GB18030 gives a few stray ideographs among ASCII).
fn plausibly_chinese(text: &str) -> bool {
    let (mut visible, mut cjk) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        visible += 1;
        cjk += usize::from(is_cjk(c));
    }
    cjk >= 1 && cjk * 10 >= visible && texty_share(text) >= 0.95
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn utf16le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn utf16be(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_be_bytes).collect()
    }

    #[test]
    fn decodes_plain_utf8_and_keeps_line_ends() {
        let d = decode("一、总体要求\r\n1.加强党建\r".as_bytes()).unwrap();
        assert_eq!(d.text, "一、总体要求\r\n1.加强党建\r");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn drops_the_utf8_bom() {
        let d = decode("\u{feff}工作要点".as_bytes()).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding.as_str()),
            ("工作要点", "UTF-8 (BOM)")
        );
    }

    #[test]
    fn reads_bomless_utf16_of_pure_chinese() {
        let text = "区文教体局工作意见，全面推进教育现代化。";
        let d = decode(&utf16le(text)).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (text, "UTF-16LE"));
        let d = decode(&utf16be(text)).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (text, "UTF-16BE"));
    }

    #[test]
    fn refuses_a_lone_surrogate_in_utf16() {
        let mut bytes = b"\xFF\xFE".to_vec();
        bytes.extend(utf16le("ab"));
        bytes.extend([0x00, 0xD8]);
        bytes.extend(utf16le("cd"));
        assert_eq!(decode(&bytes), Err(ImportError::Undecodable { byte: 6 }));
    }

    #[test]
    fn a_utf8_file_cut_mid_character_keeps_the_whole_characters() {
        let bytes = "学前教育".as_bytes();
        let d = decode(&bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(d.text, "学前教");
    }

    #[test]
    fn damaged_utf8_is_refused_not_read_as_gbk() {
        let mut bytes = "全面提升教育质量，办好人民满意的教育".as_bytes().to_vec();
        bytes.insert(9, 0xFF);
        assert_eq!(decode(&bytes), Err(ImportError::Undecodable { byte: 9 }));
    }

    #[test]
    fn latin1_text_is_not_taken_for_gbk() {
        assert!(matches!(
            decode(b"Caf\xe9 au lait, cr\xe8me br\xfbl\xe9e and more plain words here"),
            Err(ImportError::Undecodable { .. })
        ));
    }

    #[test]
    fn control_characters_mean_binary() {
        let bytes = b"abc\x01\x02\x03\x04def\x05\x06";
        assert!(matches!(decode(bytes), Err(ImportError::Binary { .. })));
    }
}
