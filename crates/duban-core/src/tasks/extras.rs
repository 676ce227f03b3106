//! What hangs off a task besides its reports: numeric targets (指标) and the values reports
//! measure against them, milestones (节点), completion and extension requests (办结申请 / 延期申请)
//! with their approval, leaders' instructions (批示) and evidence attachments (佐证材料).
//!
//! Like `records`, these are the persisted shapes: `New*` is validated by its constructor with a
//! Chinese message; the `*Record` comes back from the store. No I/O, no clock.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

use super::model::{TaskId, format_date, format_number};
use super::records::{MAX_NAME_CHARS, MAX_TEXT_CHARS, RecordError, ReportId, stored_codes};
use crate::org::UserId;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A task target's database id.
    TargetId
);
id_type!(
    /// A completion or extension request's database id.
    RequestId
);
id_type!(
    /// A 批示's database id.
    InstructionId
);
id_type!(
    /// An attachment's database id.
    AttachmentId
);

/// Longest 批示, 申请理由 or decision comment, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

fn check_note(what: &str, text: &str, required: bool) -> Result<String, RecordError> {
    let text = text.trim();
    if required && text.is_empty() {
        return Err(RecordError(format!("{what}不能为空")));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(RecordError(format!("{what}不能超过{MAX_NOTE_CHARS}个字")));
    }
    Ok(text.to_owned())
}

/// A numeric target of a task as decomposed from the plan (e.g. 新增学位 ≥ 1200 个).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewTarget {
    /// What is measured (指标), e.g. 新增学位.
    pub indicator: String,
    /// The comparison's code as the importer writes it (`>=`, `<=`, `=`, `~`, `range`, `>`).
    pub op: String,
    /// The number aimed at, when the plan gives one.
    pub value: Option<f64>,
    /// Its unit (个, 所, %, 万元 …).
    pub unit: String,
    /// The sentence fragment the target was read from.
    pub text: String,
}

impl NewTarget {
    /// Validates a target: an indicator of 1–200 characters, a finite value, a short unit.
    pub fn new(
        indicator: &str,
        op: &str,
        value: Option<f64>,
        unit: &str,
        text: &str,
    ) -> Result<Self, RecordError> {
        let indicator = indicator.trim();
        if indicator.is_empty() || indicator.chars().count() > 200 {
            return Err(RecordError("指标名称须为1到200个字".into()));
        }
        if value.is_some_and(|v| !v.is_finite()) {
            return Err(RecordError("目标值必须是数字".into()));
        }
        if unit.chars().count() > MAX_NAME_CHARS || op.chars().count() > 16 {
            return Err(RecordError("指标单位过长".into()));
        }
        Ok(Self {
            indicator: indicator.to_owned(),
            op: op.trim().to_owned(),
            value,
            unit: unit.trim().to_owned(),
            text: text.chars().take(MAX_TEXT_CHARS).collect(),
        })
    }

    /// The target as people say it: `新增学位 ≥ 1200个`.
    pub fn describe(&self) -> String {
        let op = match self.op.as_str() {
            ">=" => "≥",
            "<=" => "≤",
            "~" => "约",
            ">" => ">",
            _ => "",
        };
        match self.value {
            Some(v) => format!("{} {}{}{}", self.indicator, op, format_number(v), self.unit),
            None => self.indicator.clone(),
        }
    }
}

/// A stored target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetRecord {
    /// Assigned by the store.
    pub id: TargetId,
    /// The target's facts.
    pub target: NewTarget,
}

/// A milestone (节点) on a task's way: by `date`, `title` should be done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// The date it is due.
    pub date: NaiveDate,
    /// What is due, 1–200 characters.
    pub title: String,
}

impl Milestone {
    /// Validates a milestone title.
    pub fn new(date: NaiveDate, title: &str) -> Result<Self, RecordError> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(RecordError("节点名称须为1到200个字".into()));
        }
        Ok(Self {
            date,
            title: title.to_owned(),
        })
    }
}

impl Milestone {
    /// Reads milestones written one per line as `2026-06-30 完成主体结构封顶` (a date, a space, a
    /// title); blank lines are skipped; at most 50.
    pub fn parse_lines(text: &str) -> Result<Vec<Milestone>, RecordError> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (date, title) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
                RecordError(format!(
                    "第{}行：“{date}”不是有效日期，请按“2026-06-30 节点名称”填写",
                    i + 1
                ))
            })?;
            out.push(
                Milestone::new(date, title)
                    .map_err(|e| RecordError(format!("第{}行：{e}", i + 1)))?,
            );
        }
        if out.len() > 50 {
            return Err(RecordError("一项任务最多50个节点".into()));
        }
        out.sort_by_key(|m| m.date);
        Ok(out)
    }
}

/// A value a report measured for one of its task's targets (e.g. 新增学位: 860).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TargetValue {
    /// The task's target.
    pub target: TargetId,
    /// The value reached so far; finite.
    pub value: f64,
}

/// What a unit asks the task's leader for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// 办结申请: the task is done.
    Completion,
    /// 延期申请: move the deadline to `new_due`.
    Extension,
}

stored_codes!(RequestKind, "申请类型", {
    Completion => "completion",
    Extension => "extension",
});

impl RequestKind {
    /// 办结 or 延期.
    pub fn label(self) -> &'static str {
        match self {
            RequestKind::Completion => "办结",
            RequestKind::Extension => "延期",
        }
    }
}

/// Where a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Waiting for the leader (待审批).
    Pending,
    /// 已同意: the task was completed or its deadline moved.
    Approved,
    /// 未同意.
    Rejected,
}

stored_codes!(RequestState, "审批状态", {
    Pending => "pending",
    Approved => "approved",
    Rejected => "rejected",
});

impl RequestState {
    /// 待审批 / 已同意 / 未同意.
    pub fn label(self) -> &'static str {
        match self {
            RequestState::Pending => "待审批",
            RequestState::Approved => "已同意",
            RequestState::Rejected => "未同意",
        }
    }
}

/// A validated completion or extension request, not stored yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRequest {
    /// The task concerned.
    pub task: TaskId,
    /// 办结 or 延期.
    pub kind: RequestKind,
    /// 申请理由 (required for an extension), at most 2000 characters.
    pub reason: String,
    /// The deadline asked for (extensions only).
    pub new_due: Option<NaiveDate>,
}

impl NewRequest {
    /// A completion request; the reason (办结情况说明) is optional.
    pub fn completion(task: TaskId, reason: &str) -> Result<Self, RecordError> {
        Ok(Self {
            task,
            kind: RequestKind::Completion,
            reason: check_note("办结说明", reason, false)?,
            new_due: None,
        })
    }

    /// An extension request: a reason, and a new deadline after the current one.
    pub fn extension(
        task: TaskId,
        reason: &str,
        new_due: NaiveDate,
        current_due: NaiveDate,
    ) -> Result<Self, RecordError> {
        if new_due <= current_due {
            return Err(RecordError(format!(
                "延期后的完成时限（{}）须晚于现在的完成时限（{}）",
                format_date(new_due),
                format_date(current_due)
            )));
        }
        Ok(Self {
            task,
            kind: RequestKind::Extension,
            reason: check_note("延期理由", reason, true)?,
            new_due: Some(new_due),
        })
    }
}

/// A stored request with its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// Assigned by the store.
    pub id: RequestId,
    /// What was asked.
    pub request: NewRequest,
    /// Where it is.
    pub state: RequestState,
    /// Who asked.
    pub requested_by: Option<UserId>,
    /// When (stamped by the store).
    pub requested_at: DateTime<Utc>,
    /// Who decided.
    pub decided_by: Option<UserId>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// The leader's comment on the decision.
    pub decision_comment: Option<String>,
}

/// A validated 批示 (a leader's written instruction on a task), not stored yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInstruction {
    /// The task concerned.
    pub task: TaskId,
    /// 1–2000 characters.
    pub text: String,
}

impl NewInstruction {
    /// Validates the text.
    pub fn new(task: TaskId, text: &str) -> Result<Self, RecordError> {
        Ok(Self {
            task,
            text: check_note("批示内容", text, true)?,
        })
    }
}

/// A stored 批示.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstructionRecord {
    /// Assigned by the store.
    pub id: InstructionId,
    /// The instruction.
    pub instruction: NewInstruction,
    /// Who wrote it.
    pub author: Option<UserId>,
    /// When (stamped by the store).
    pub created_at: DateTime<Utc>,
}

/// Largest evidence file accepted, in bytes (10 MiB).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// A validated evidence file's metadata, not stored yet; the bytes live in the data directory
/// under their SHA-256 (the web layer writes them before calling the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAttachment {
    /// The report it supports.
    pub report: ReportId,
    /// The name it was uploaded as, 1–100 characters, without path separators.
    pub file_name: String,
    /// The content type sniffed from the bytes (not the one the browser claimed).
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
}

impl NewAttachment {
    /// Validates the metadata: a plain file name, a size within the limit, a hex digest.
    pub fn new(
        report: ReportId,
        file_name: &str,
        content_type: &str,
        size: usize,
        sha256: &str,
    ) -> Result<Self, RecordError> {
        let name = file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(file_name)
            .trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(RecordError("文件名须为1到100个字".into()));
        }
        if size == 0 {
            return Err(RecordError("文件是空的".into()));
        }
        if size > MAX_ATTACHMENT_BYTES {
            return Err(RecordError(format!(
                "文件过大：最大{}MB",
                MAX_ATTACHMENT_BYTES / 1024 / 1024
            )));
        }
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(RecordError("文件摘要无效".into()));
        }
        Ok(Self {
            report,
            file_name: name.to_owned(),
            content_type: content_type.to_owned(),
            size: size as i64,
            sha256: sha256.to_ascii_lowercase(),
        })
    }
}

/// A stored attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRecord {
    /// Assigned by the store.
    pub id: AttachmentId,
    /// Its metadata.
    pub attachment: NewAttachment,
    /// Who uploaded it.
    pub uploaded_by: Option<UserId>,
    /// When (stamped by the store).
    pub uploaded_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn extension_must_move_the_deadline_later_and_say_why() {
        let due = date(2026, 6, 30);
        let err = NewRequest::extension(TaskId(1), "工期延误", date(2026, 6, 1), due).unwrap_err();
        assert!(err.0.contains("须晚于"), "{err}");
        let err = NewRequest::extension(TaskId(1), "  ", date(2026, 7, 31), due).unwrap_err();
        assert!(err.0.contains("延期理由不能为空"), "{err}");
        let ok = NewRequest::extension(TaskId(1), "工期延误", date(2026, 7, 31), due).unwrap();
        assert_eq!(ok.new_due, Some(date(2026, 7, 31)));
        assert_eq!(ok.kind, RequestKind::Extension);
    }

    #[test]
    fn notes_have_a_length_limit() {
        let long = "批".repeat(MAX_NOTE_CHARS + 1);
        assert!(NewInstruction::new(TaskId(1), &long).is_err());
        assert!(NewInstruction::new(TaskId(1), "").is_err());
        assert!(NewRequest::completion(TaskId(1), &long).is_err());
        assert!(NewRequest::completion(TaskId(1), "").is_ok());
    }

    #[test]
    fn attachments_keep_only_the_base_name_and_refuse_oversize() {
        let sha = "a".repeat(64);
        let ok =
            NewAttachment::new(ReportId(1), "C:\\材料\\照片.png", "image/png", 10, &sha).unwrap();
        assert_eq!(ok.file_name, "照片.png");
        let err = NewAttachment::new(
            ReportId(1),
            "a.pdf",
            "application/pdf",
            MAX_ATTACHMENT_BYTES + 1,
            &sha,
        )
        .unwrap_err();
        assert!(err.0.contains("文件过大"), "{err}");
        assert!(NewAttachment::new(ReportId(1), "a.pdf", "x", 1, "zz").is_err());
        assert!(NewAttachment::new(ReportId(1), "a.pdf", "x", 0, &sha).is_err());
    }

    #[test]
    fn milestones_are_read_one_per_line_with_the_bad_line_named() {
        let ok = Milestone::parse_lines("2026-09-30 主体封顶\n\n2026-06-30  完成招标\n").unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].title, "完成招标");
        assert_eq!(ok[1].date, date(2026, 9, 30));
        let err = Milestone::parse_lines("2026-06-30 招标\n2025-02-30 开工").unwrap_err();
        assert!(err.0.starts_with("第2行"), "{err}");
        assert!(Milestone::parse_lines("2026-06-30").is_err());
        assert!(Milestone::parse_lines("").unwrap().is_empty());
    }

    #[test]
    fn targets_read_as_people_say_them() {
        let t = NewTarget::new("新增学位", ">=", Some(1200.0), "个", "新增学位1200个以上").unwrap();
        assert_eq!(t.describe(), "新增学位 ≥1200个");
        assert!(NewTarget::new("x", ">=", Some(f64::NAN), "", "").is_err());
    }
}
