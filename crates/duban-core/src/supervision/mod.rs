//! Supervision beyond the lights: 督办单 (in [`notices`]: the written chase that escalates
//! 蓝 → 黄 → 红) and, here, 问责 records — a 约谈 (talk), 通报 (circulated notice) or 问责 (formal
//! accountability) against a unit, optionally about one task, with the reason. Recorded by the
//! 督查室 or a leader; read by them and by the unit concerned; counted in statistics.

pub mod notices;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::org::{OrgUnitId, UserId};
use crate::tasks::{RecordError, TaskId};

/// Which measure was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountabilityKind {
    /// 约谈.
    Interview,
    /// 通报.
    Notice,
    /// 问责.
    Accountability,
}

impl AccountabilityKind {
    /// Every kind, mildest first.
    pub const ALL: [AccountabilityKind; 3] = [
        AccountabilityKind::Interview,
        AccountabilityKind::Notice,
        AccountabilityKind::Accountability,
    ];

    /// The stable machine name stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            AccountabilityKind::Interview => "interview",
            AccountabilityKind::Notice => "notice",
            AccountabilityKind::Accountability => "accountability",
        }
    }

    /// Parses a name written by [`AccountabilityKind::code`].
    pub fn from_code(s: &str) -> Result<Self, RecordError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| RecordError("请选择约谈、通报或问责".into()))
    }

    /// 约谈 / 通报 / 问责.
    pub fn label(self) -> &'static str {
        match self {
            AccountabilityKind::Interview => "约谈",
            AccountabilityKind::Notice => "通报",
            AccountabilityKind::Accountability => "问责",
        }
    }
}

/// A validated 问责 record, not stored yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccountability {
    /// The unit concerned.
    pub unit: OrgUnitId,
    /// The task it is about, if one.
    pub task: Option<TaskId>,
    /// 约谈 / 通报 / 问责.
    pub kind: AccountabilityKind,
    /// Why, 1–2000 characters.
    pub reason: String,
}

impl NewAccountability {
    /// Validates the reason.
    pub fn new(
        unit: OrgUnitId,
        task: Option<TaskId>,
        kind: AccountabilityKind,
        reason: &str,
    ) -> Result<Self, RecordError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(RecordError(format!("请写明{}的事由", kind.label())));
        }
        if reason.chars().count() > 2000 {
            return Err(RecordError("事由不能超过2000个字".into()));
        }
        Ok(Self {
            unit,
            task,
            kind,
            reason: reason.to_owned(),
        })
    }
}

/// A stored 问责 record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountabilityRecord {
    /// Assigned by the store.
    pub id: i64,
    /// What was recorded.
    pub record: NewAccountability,
    /// Who recorded it.
    pub recorded_by: Option<UserId>,
    /// When (stamped by the store).
    pub recorded_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn a_record_needs_a_reason_and_a_known_kind() {
        let k = AccountabilityKind::from_code("interview").unwrap();
        assert_eq!(k.label(), "约谈");
        assert!(AccountabilityKind::from_code("fine").is_err());
        let err = NewAccountability::new(OrgUnitId(1), None, k, "  ").unwrap_err();
        assert_eq!(err.0, "请写明约谈的事由");
        assert!(NewAccountability::new(OrgUnitId(1), None, k, &"x".repeat(2001)).is_err());
        for k in AccountabilityKind::ALL {
            assert_eq!(AccountabilityKind::from_code(k.code()).unwrap(), k);
        }
    }
}
