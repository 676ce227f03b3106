//! Magic-byte sniffing: what a file is, judged by its first bytes and never by its name.
//!
//! Owns the table of known signatures and the Chinese names shown to the user for formats we
//! refuse (images, PDF, legacy Office, archives, programs). It must not decode or parse anything:
//! a zip is only recognised here, and opened by `package`.

/// What the first bytes say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// A zip archive (an OOXML package or some other zip).
    Zip,
    /// A known binary format that is not a plan document; the user-facing name.
    Binary(&'static str),
    /// No known signature: text, or unknown bytes for the decoder to judge.
    Unknown,
}

/// Legacy Word/Excel/WPS files and password-protected OOXML files are all OLE2 compound files.
pub(crate) const OLE2_KIND: &str =
    "旧版 Word/Excel 二进制文件（.doc/.xls）或加密的 Office 文件，请另存为 .docx/.xlsx";

/// Signatures checked at offset 0, with the name of the format.
const SIGNATURES: &[(&[u8], &str)] = &[
    (
        b"%PDF-",
        "PDF 文件，请复制其中的文字另存为 .txt，或上传原始的 .docx 文件",
    ),
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xFF\xD8\xFF", "JPEG 图片"),
    (b"GIF87a", "GIF 图片"),
    (b"GIF89a", "GIF 图片"),
    (b"II*\0", "TIFF 图片"),
    (b"MM\0*", "TIFF 图片"),
    (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", OLE2_KIND),
    (b"Rar!\x1A\x07", "RAR 压缩包"),
    (b"7z\xBC\xAF\x27\x1C", "7z 压缩包"),
    (b"\x1F\x8B", "gzip 压缩包"),
    (b"\x7FELF", "可执行程序"),
    (b"{\\rtf", "RTF 文档，请另存为 .docx 或 .txt"),
];

/// Looks at the first bytes of `bytes`.
pub(crate) fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
        || bytes.starts_with(b"PK\x07\x08")
    {
        return Sniffed::Zip;
    }
    for (magic, kind) in SIGNATURES {
        if bytes.starts_with(magic) {
            return Sniffed::Binary(kind);
        }
    }
    // PDF allows junk before the header within the first kilobyte.
    if bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
    {
        return Sniffed::Binary(SIGNATURES[0].1);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Sniffed::Binary("WebP 图片");
    }
    // "BM" alone is too common at the start of text; require the size field to match.
    if bytes.len() >= 26 && bytes.starts_with(b"BM") {
        let declared = u32::from_le_bytes([bytes[2], bytes[3], bytes[4], bytes[5]]);
        if usize::try_from(declared).is_ok_and(|d| d == bytes.len()) {
            return Sniffed::Binary("BMP 图片");
        }
    }
    if bytes.len() >= 64 && bytes.starts_with(b"MZ") {
        let pe = u32::from_le_bytes([bytes[60], bytes[61], bytes[62], bytes[63]]);
        if let Ok(pe) = usize::try_from(pe)
            && bytes.get(pe..pe.saturating_add(4)) == Some(b"PE\0\0")
        {
            return Sniffed::Binary("Windows 可执行程序");
        }
    }
    Sniffed::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_common_signatures() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniffed::Zip);
        assert!(matches!(sniff(b"%PDF-1.7\n"), Sniffed::Binary(k) if k.starts_with("PDF")));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Sniffed::Binary("PNG 图片"));
        assert_eq!(
            sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
            Sniffed::Binary(OLE2_KIND)
        );
        assert_eq!(sniff("一、总体要求".as_bytes()), Sniffed::Unknown);
        assert_eq!(
            sniff(b"BM is a common start of text and not a bitmap"),
            Sniffed::Unknown
        );
    }
}
