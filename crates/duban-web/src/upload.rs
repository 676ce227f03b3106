//! Uploaded files: reading one file out of a multipart form within a size limit, telling its
//! type from its first bytes (never from the name or the browser's claim), and keeping evidence
//! files in the data directory under their SHA-256 (written to a temporary name, then renamed,
//! so a crash never leaves half a file under a real name).

use std::path::{Path, PathBuf};

use axum::extract::Multipart;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// One file from a form.
pub struct UploadedFile {
    /// The name the browser sent (only its last path component is kept later).
    pub file_name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The form's other text fields.
    pub fields: Vec<(String, String)>,
}

/// Reads the first file field (and every text field) of a multipart form, refusing more than
/// `limit` bytes with a Chinese message.
pub async fn read_file(mut form: Multipart, limit: usize) -> Result<UploadedFile, AppError> {
    let too_big = || AppError::BadRequest(format!("文件过大：最大{}", size_label(limit)));
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut fields = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(too_big());
            }
            Err(_) => {
                return Err(AppError::BadRequest(
                    "上传中断或表单格式不正确，请重试".into(),
                ));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) if file.is_none() => {
                let mut field = field;
                let mut bytes = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if bytes.len() + chunk.len() > limit {
                                return Err(too_big());
                            }
                            bytes.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                            return Err(too_big());
                        }
                        Err(_) => {
                            return Err(AppError::BadRequest("上传中断，请重试".into()));
                        }
                    }
                }
                file = Some((file_name, bytes));
            }
            _ => {
                let text = field.text().await.unwrap_or_default();
                fields.push((name, text.chars().take(10_000).collect()));
            }
        }
    }
    match file {
        Some((file_name, bytes)) if !bytes.is_empty() => Ok(UploadedFile {
            file_name,
            bytes,
            fields,
        }),
        _ => Err(AppError::BadRequest("请选择要上传的文件".into())),
    }
}

/// A limit in bytes as people read it: whole MB, else KB (a limit under 1 MB is not "0MB").
fn size_label(bytes: usize) -> String {
    const MB: usize = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{}MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1}MB", bytes as f64 / MB as f64)
    } else {
        format!("{}KB", bytes.div_ceil(1024))
    }
}

/// The content type of an evidence file, from its first bytes; `None` for anything we do not
/// keep (programs, web pages, unknown binaries).
pub fn sniff_evidence(bytes: &[u8], file_name: &str) -> Option<&'static str> {
    let lower = file_name.to_lowercase();
    if bytes.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if bytes.starts_with(b"\xff\xd8\xff") {
        return Some("image/jpeg");
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some("image/gif");
    }
    if bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(if lower.ends_with(".docx") {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        } else if lower.ends_with(".xlsx") {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        } else if lower.ends_with(".pptx") {
            "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        } else {
            "application/zip"
        });
    }
    if bytes.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        return Some("application/octet-stream"); // .doc / .xls (OLE2)
    }
    let looks_like_html = {
        let head: String = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
        head.contains("<html") || head.contains("<script") || head.contains("<!doctype")
    };
    if std::str::from_utf8(bytes).is_ok() && !looks_like_html && lower.ends_with(".txt") {
        return Some("text/plain; charset=utf-8");
    }
    None
}

/// Hex SHA-256 of the bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where the file with this digest lives.
pub fn stored_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(sha256)
}

/// Writes the bytes under their digest (once; a second upload of the same file is free).
pub async fn store_bytes(dir: &Path, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = stored_path(dir, sha256);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(());
    }
    tokio::fs::create_dir_all(dir).await?;
    let tmp = dir.join(format!(".{sha256}.{}.tmp", std::process::id()));
    tokio::fs::write(&tmp, bytes).await?;
    let file = tokio::fs::File::open(&tmp).await?;
    file.sync_all().await?;
    tokio::fs::rename(&tmp, &path).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_limits_read_in_mb_or_kb_never_as_zero() {
        assert_eq!(size_label(10 * 1024 * 1024), "10MB");
        assert_eq!(size_label(16 * 1024), "16KB");
        assert_eq!(size_label(1500), "2KB");
        assert_eq!(size_label(1024 * 1024 + 512 * 1024), "1.5MB");
    }

    #[test]
    fn evidence_type_comes_from_the_bytes_not_the_name() {
        assert_eq!(
            sniff_evidence(b"%PDF-1.7 ...", "x.jpg"),
            Some("application/pdf")
        );
        assert_eq!(
            sniff_evidence(b"\x89PNG\r\n\x1a\nrest", "a.png"),
            Some("image/png")
        );
        assert_eq!(sniff_evidence(b"<html><script>", "a.txt"), None);
        assert_eq!(sniff_evidence(b"MZ\x90\x00", "report.pdf"), None);
        assert_eq!(
            sniff_evidence("进展说明".as_bytes(), "说明.txt"),
            Some("text/plain; charset=utf-8")
        );
        assert!(sniff_evidence(b"PK\x03\x04....", "a.docx").is_some_and(|t| t.contains("word")));
    }
}
