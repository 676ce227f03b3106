//! Zip containers: opening the archive, telling a .docx from a .xlsx from any other zip, and
//! reading parts under a size limit.
//!
//! Owns every zip failure: a truncated or damaged archive, an encrypted entry, an entry that
//! inflates past [`MAX_PART_BYTES`] (a zip bomb) all become [`ImportError::BadContainer`] with a
//! Chinese detail. Declared sizes are checked first, then every read is capped, because the
//! declared size is written by whoever made the file and may lie.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use duban_core::plan::SourceFormat;
use zip::ZipArchive;
use zip::result::ZipError;

use crate::ImportError;

use super::bad_container;

/// Largest uncompressed size of one zip entry.
pub(crate) const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// What an opened zip holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PackageKind {
    /// A Word document (`word/document.xml`).
    Docx,
    /// An Excel workbook (`xl/workbook.xml`).
    Xlsx,
}

/// An opened OOXML package.
pub(crate) struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Lower-cased part name with `/` separators → entry index (part names are
    /// case-insensitive in OOXML, and some tools write `\`).
    names: HashMap<String, usize>,
    /// `docx` or `xlsx`, for error messages.
    pub format: &'static str,
}

/// Opens the zip in `bytes`; `hint` is the format the file name suggests.
pub(crate) fn open(
    bytes: &[u8],
    hint: Option<SourceFormat>,
) -> Result<(Package<'_>, PackageKind), ImportError> {
    let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        bad_container(
            guess_format(bytes, hint),
            "压缩包结构不完整或已损坏，可能是文件在下载或上传时被截断，请重新保存后再上传"
                .to_string(),
        )
    })?;
    let mut names = HashMap::new();
    for (index, name) in zip.file_names().enumerate() {
        if let Ok(name) = name {
            names.entry(normalise(&name)).or_insert(index);
        }
    }
    let has = |name: &str| names.contains_key(name);
    let kind = if has("word/document.xml") {
        PackageKind::Docx
    } else if has("xl/workbook.xml") {
        PackageKind::Xlsx
    } else if has("ppt/presentation.xml") {
        return Err(ImportError::Binary {
            kind: "PowerPoint 演示文稿（.pptx）".to_string(),
        });
    } else if has("mimetype") && has("content.xml") {
        return Err(ImportError::Binary {
            kind: "OpenDocument 文档（.odt/.ods），请另存为 .docx/.xlsx".to_string(),
        });
    } else {
        return Err(match hint {
            Some(SourceFormat::Docx) => bad_container(
                "docx",
                "压缩包中缺少 word/document.xml，不是有效的 Word 文档".to_string(),
            ),
            Some(SourceFormat::Xlsx) => bad_container(
                "xlsx",
                "压缩包中缺少 xl/workbook.xml，不是有效的 Excel 工作簿".to_string(),
            ),
            _ => ImportError::Binary {
                kind: "ZIP 压缩包".to_string(),
            },
        });
    };
    let format = match kind {
        PackageKind::Docx => "docx",
        PackageKind::Xlsx => "xlsx",
    };
    Ok((Package { zip, names, format }, kind))
}

impl Package<'_> {
    /// Reads a part by name; `None` when the package has no such part.
    pub(crate) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ImportError> {
        let Some(&index) = self.names.get(&normalise(name)) else {
            return Ok(None);
        };
        let format = self.format;
        let mut file = self
            .zip
            .by_index(index)
            .map_err(|e| entry_error(format, name, &e))?;
        if file.size() > MAX_PART_BYTES {
            return Err(bomb(format, name));
        }
        let mut data = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0));
        (&mut file)
            .take(MAX_PART_BYTES + 1)
            .read_to_end(&mut data)
            .map_err(|_| damaged(format, name))?;
        if data.len() as u64 > MAX_PART_BYTES {
            return Err(bomb(format, name));
        }
        Ok(Some(data))
    }

    /// Inflates every entry (discarding the output) to prove that none is damaged, encrypted
    /// or over the size limit. Used before handing the package to a reader that does not cap
    /// its reads.
    pub(crate) fn check_all_entries(&mut self) -> Result<(), ImportError> {
        let format = self.format;
        for index in 0..self.zip.len() {
            let mut file = self
                .zip
                .by_index(index)
                .map_err(|e| entry_error(format, "", &e))?;
            if file.is_dir() {
                continue;
            }
            let name = file.name().map(|n| n.into_owned()).unwrap_or_default();
            if file.size() > MAX_PART_BYTES {
                return Err(bomb(format, &name));
            }
            let inflated = std::io::copy(
                &mut (&mut file).take(MAX_PART_BYTES + 1),
                &mut std::io::sink(),
            )
            .map_err(|_| damaged(format, &name))?;
            if inflated > MAX_PART_BYTES {
                return Err(bomb(format, &name));
            }
        }
        Ok(())
    }
}

fn normalise(name: &str) -> String {
    name.trim_start_matches('/')
        .replace('\\', "/")
        .to_lowercase()
}

/// For a zip that cannot be opened: the format the name claims, else what the raw bytes hint.
fn guess_format(bytes: &[u8], hint: Option<SourceFormat>) -> &'static str {
    match hint {
        Some(SourceFormat::Docx) => "docx",
        Some(SourceFormat::Xlsx) => "xlsx",
        _ if contains(bytes, b"word/") => "docx",
        _ if contains(bytes, b"xl/") => "xlsx",
        _ => "zip",
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn entry_error(format: &'static str, name: &str, error: &ZipError) -> ImportError {
    match error {
        ZipError::UnsupportedArchive(_) | ZipError::InvalidPassword => bad_container(
            format,
            "文件已加密或使用了不支持的压缩方式，请去掉密码并重新保存后再上传".to_string(),
        ),
        ZipError::CompressionMethodNotSupported(_) => bad_container(
            format,
            "文件使用了不支持的压缩方式，请用 Office 或 WPS 重新保存后再上传".to_string(),
        ),
        _ => damaged(format, name),
    }
}

fn damaged(format: &'static str, name: &str) -> ImportError {
    let what = if name.is_empty() {
        "压缩包中的内容".to_string()
    } else {
        format!("压缩包中的 {name}")
    };
    bad_container(
        format,
        format!("{what}已损坏，无法解压，请重新保存后再上传"),
    )
}

fn bomb(format: &'static str, name: &str) -> ImportError {
    bad_container(
        format,
        format!(
            "压缩包中的 {name} 解压后超过 {} MiB，文件异常（可能是恶意构造的压缩包），已拒绝导入",
            MAX_PART_BYTES / 1024 / 1024
        ),
    )
}
