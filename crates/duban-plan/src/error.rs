//! Import errors: every way a document can be refused, each with a message in Chinese first and
//! English after, and the byte or line where it happened when that is known.
//!
//! These are the only errors the importer returns; a panic on any input is a bug.

use std::fmt;

/// Why a document could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// Zero bytes, or only whitespace.
    Empty,
    /// More than [`crate::MAX_INPUT_BYTES`].
    TooLarge {
        /// The size that was offered.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// Binary content that is not a supported document (image, PDF, executable…).
    Binary {
        /// What the content looks like (`PDF`, `PNG 图片`, `ZIP 压缩包`…).
        kind: String,
    },
    /// Text that is not valid in any supported encoding.
    Undecodable {
        /// Byte offset of the first bad sequence under the most likely encoding.
        byte: usize,
    },
    /// A zip container that is damaged or truncated, or lacks the parts of its format.
    BadContainer {
        /// The format the file claimed to be.
        format: &'static str,
        /// What is wrong, in Chinese.
        detail: String,
    },
    /// A table (xlsx/csv) in which no task column could be recognised.
    NoTaskTable {
        /// What was looked for, in Chinese.
        detail: String,
    },
}

impl ImportError {
    /// The Chinese half of the message.
    pub fn message_zh(&self) -> String {
        match self {
            ImportError::Empty => "文件为空，没有可导入的内容".to_string(),
            ImportError::TooLarge { bytes, limit } => format!(
                "文件过大（{} 字节），单个文件不能超过 {} 字节",
                bytes, limit
            ),
            ImportError::Binary { kind } => format!(
                "无法识别的文件内容（看起来是{kind}），请上传 .txt、.docx、.xlsx 或 .csv 格式的计划文件"
            ),
            ImportError::Undecodable { byte } => format!(
                "无法识别文本编码：第 {byte} 字节起不是有效的 UTF-8、UTF-16 或 GB18030 文本"
            ),
            ImportError::BadContainer { format, detail } => {
                format!("{format} 文件已损坏或不完整：{detail}")
            }
            ImportError::NoTaskTable { detail } => format!("表格中找不到任务列：{detail}"),
        }
    }

    /// The English half of the message.
    pub fn message_en(&self) -> String {
        match self {
            ImportError::Empty => "the file is empty".to_string(),
            ImportError::TooLarge { bytes, limit } => {
                format!("the file is too large ({bytes} bytes; the limit is {limit})")
            }
            ImportError::Binary { kind } => format!(
                "unrecognised binary content ({kind}); expected a .txt, .docx, .xlsx or .csv plan"
            ),
            ImportError::Undecodable { byte } => format!(
                "unknown text encoding: not valid UTF-8, UTF-16 or GB18030 from byte {byte}"
            ),
            ImportError::BadContainer { format, .. } => {
                format!("the {format} file is damaged or incomplete")
            }
            ImportError::NoTaskTable { .. } => "no task column found in the table".to_string(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}（{}）", self.message_zh(), self.message_en())
    }
}

impl std::error::Error for ImportError {}
