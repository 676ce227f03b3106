//! Containers → text. Sniffs the format from the content (the extension is only a hint), then
//! hands the bytes to the reader for that format. Every reader produces one plain text that the
//! text pipeline parses and that all offsets point into.
//!
//! Tables (.xlsx, .csv, tables inside .docx) are rendered one row per line, cells separated by
//! ` | ` and the line closed by ` |`, e.g. `序号 | 工作任务 | 牵头单位 |`; newlines inside a cell
//! become spaces; a merged cell's value is repeated in every cell it covers. The outline stage
//! recognises this shape (and the one-cell-per-line shape of tables flattened from web pages).
//!
//! Dispatch, in order: size limit; blank input; magic bytes (`sniff`: images, PDF, legacy
//! Office and archives are refused by name; a zip goes to `package`, which tells .docx from
//! .xlsx by its parts); a .docx/.xlsx name on content that is not a zip is refused as a wrong
//! extension; a .csv/.tsv name is decoded and parsed as a table (`csv`); anything else is
//! decoded as text (`decode`). Every failure is an [`ImportError`] with a Chinese message.

mod csv;
mod docx;
mod numbering;
mod package;
mod sniff;
mod table;
mod xlsx;
mod xml;

use duban_core::plan::SourceFormat;

use crate::ImportError;

use package::PackageKind;
use sniff::Sniffed;

/// Most table rows one document may hold (all sheets together).
pub const MAX_ROWS: usize = 200_000;
/// Most table cells one document may hold (all sheets together, empty cells between filled
/// ones included).
pub const MAX_CELLS: usize = 5_000_000;

/// Encoding reported for .docx and .xlsx.
const OOXML_ENCODING: &str = "UTF-8 (OOXML)";

/// Text extracted from a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    /// The container format.
    pub format: SourceFormat,
    /// The encoding of the text (for .docx/.xlsx: `UTF-8 (OOXML)`).
    pub encoding: String,
    /// The document as plain text.
    pub text: String,
}

/// Reads any supported document.
pub fn extract(bytes: &[u8], file_name: &str) -> Result<Extracted, ImportError> {
    if bytes.len() > crate::MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge {
            bytes: bytes.len(),
            limit: crate::MAX_INPUT_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty);
    }
    let hint = crate::format_from_name(file_name);
    match sniff::sniff(bytes) {
        Sniffed::Binary(kind) => Err(ImportError::Binary {
            kind: kind.to_string(),
        }),
        Sniffed::Zip => {
            let (mut package, kind) = package::open(bytes, hint)?;
            let (format, text) = match kind {
                PackageKind::Docx => (SourceFormat::Docx, docx::extract(&mut package)?),
                PackageKind::Xlsx => (SourceFormat::Xlsx, xlsx::extract(bytes, &mut package)?),
            };
            if text.trim().is_empty() {
                return Err(ImportError::Empty);
            }
            Ok(Extracted {
                format,
                encoding: OOXML_ENCODING.to_string(),
                text,
            })
        }
        Sniffed::Unknown => match hint {
            Some(SourceFormat::Docx) => Err(wrong_extension("docx", "Word 文档")),
            Some(SourceFormat::Xlsx) => Err(wrong_extension("xlsx", "Excel 工作簿")),
            Some(SourceFormat::Csv) => {
                let decoded = crate::decode::decode(bytes)?;
                let tab = file_name.to_ascii_lowercase().ends_with(".tsv");
                let text = csv::render(&decoded.text, tab)?;
                if text.trim().is_empty() {
                    return Err(ImportError::Empty);
                }
                Ok(Extracted {
                    format: SourceFormat::Csv,
                    encoding: decoded.encoding,
                    text,
                })
            }
            Some(SourceFormat::Txt) | None => {
                let decoded = crate::decode::decode(bytes)?;
                Ok(Extracted {
                    format: SourceFormat::Txt,
                    encoding: decoded.encoding,
                    text: decoded.text,
                })
            }
        },
    }
}

/// A [`ImportError::BadContainer`].
pub(crate) fn bad_container(format: &'static str, detail: String) -> ImportError {
    ImportError::BadContainer { format, detail }
}

/// The error for a table over [`MAX_ROWS`] or [`MAX_CELLS`].
pub(crate) fn too_large(format: &'static str) -> ImportError {
    bad_container(
        format,
        format!(
            "表格过大：单个文件最多 {MAX_ROWS} 行、{MAX_CELLS} 个单元格，请拆分成多个文件后再导入"
        ),
    )
}

fn wrong_extension(format: &'static str, what: &str) -> ImportError {
    bad_container(
        format,
        format!(
            "文件扩展名是 .{format}，但内容不是 {what}（可能是改错了扩展名），请用 Office 或 WPS 另存为 .{format} 后再上传，或改回正确的扩展名"
        ),
    )
}
