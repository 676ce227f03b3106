//! The organisation: org units (区教育局 → 科室, 学校, 幼儿园, 街道), users and their roles.
//!
//! These types are what every permission and data-scope check reads, so they are validated once
//! here (`NewOrgUnit::parse`, `NewUser::parse`) and trusted afterwards. Error messages are Chinese
//! because they are shown to the admin who typed the input. No I/O: persistence is `Store`'s job,
//! and passwords never pass through this module (the caller hashes them; the store keeps the hash).

use serde::{Deserialize, Serialize};
use std::fmt;

/// The id of an org unit, assigned by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrgUnitId(pub i64);

/// The id of a user, assigned by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

impl fmt::Display for OrgUnitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What kind of unit a node of the org tree is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgUnitKind {
    /// 局: an education bureau (the root of a district; may sit under a city bureau).
    Bureau,
    /// 科室: a department of the bureau.
    Department,
    /// 学校.
    School,
    /// 幼儿园.
    Kindergarten,
    /// 街道: a sub-district office.
    Subdistrict,
}

impl OrgUnitKind {
    /// Every kind, in display order.
    pub const ALL: [OrgUnitKind; 5] = [
        Self::Bureau,
        Self::Department,
        Self::School,
        Self::Kindergarten,
        Self::Subdistrict,
    ];

    /// The stable machine name (stored in the database, used in the API).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bureau => "bureau",
            Self::Department => "department",
            Self::School => "school",
            Self::Kindergarten => "kindergarten",
            Self::Subdistrict => "subdistrict",
        }
    }

    /// Parses the machine name written by [`OrgUnitKind::as_str`].
    pub fn parse(s: &str) -> Result<Self, OrgError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| OrgError(format!("未知的单位类型：{s}")))
    }

    /// The Chinese label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Bureau => "局",
            Self::Department => "科室",
            Self::School => "学校",
            Self::Kindergarten => "幼儿园",
            Self::Subdistrict => "街道",
        }
    }
}

/// A node of the org tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    /// Assigned by the store.
    pub id: OrgUnitId,
    /// The unit above this one; `None` only for a top-level bureau.
    pub parent: Option<OrgUnitId>,
    /// The unit's name, e.g. 基础教育科.
    pub name: String,
    /// What kind of unit this is.
    pub kind: OrgUnitKind,
}

/// A validated org unit that is not stored yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrgUnit {
    /// The unit above this one.
    pub parent: Option<OrgUnitId>,
    /// Trimmed, 1–50 characters.
    pub name: String,
    /// What kind of unit this is.
    pub kind: OrgUnitKind,
}

impl NewOrgUnit {
    /// Validates a new org unit: a non-empty name of at most 50 characters, and a parent for every
    /// kind but a bureau (departments, schools and 街道 always hang under a bureau).
    pub fn parse(
        parent: Option<OrgUnitId>,
        name: &str,
        kind: OrgUnitKind,
    ) -> Result<Self, OrgError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(OrgError("单位名称不能为空".into()));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(OrgError(format!("单位名称不能超过{MAX_NAME_CHARS}个字")));
        }
        if parent.is_none() && kind != OrgUnitKind::Bureau {
            return Err(OrgError(format!("{}必须有上级单位", kind.label())));
        }
        Ok(Self {
            parent,
            name: name.to_owned(),
            kind,
        })
    }
}

/// What a user may do; data scope (which units' tasks) is decided together with `User::unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 管理员: users, org units, settings.
    Admin,
    /// 局领导: sees everything; approves completions and extensions of the tasks they lead.
    Leader,
    /// 督查室: plans, tasks, reviews, notices, meetings.
    Supervisor,
    /// 责任单位: reports on the tasks of its own unit.
    Unit,
    /// 只读.
    Viewer,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 5] = [
        Self::Admin,
        Self::Leader,
        Self::Supervisor,
        Self::Unit,
        Self::Viewer,
    ];

    /// The stable machine name (stored, used by `duban user add --role` and demo-logins.txt).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Leader => "leader",
            Self::Supervisor => "supervisor",
            Self::Unit => "unit",
            Self::Viewer => "viewer",
        }
    }

    /// Parses the machine name written by [`Role::as_str`].
    pub fn parse(s: &str) -> Result<Self, OrgError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                OrgError(format!(
                    "未知的角色：{s}（可选：admin、leader、supervisor、unit、viewer）"
                ))
            })
    }

    /// The Chinese label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "管理员",
            Self::Leader => "局领导",
            Self::Supervisor => "督查室",
            Self::Unit => "责任单位",
            Self::Viewer => "只读",
        }
    }
}

/// A stored user. Carries no password material: the hash only travels next to it, out of the
/// store, for the login check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Assigned by the store.
    pub id: UserId,
    /// The login name: 2–32 characters of `[a-z0-9_.-]`, unique.
    pub username: String,
    /// The name shown in pages, e.g. 张三.
    pub display_name: String,
    /// What the user may do.
    pub role: Role,
    /// The unit the user belongs to (always set for `Role::Unit`).
    pub unit: Option<OrgUnitId>,
    /// A deactivated user cannot log in; it is kept so the audit trail still names it.
    pub active: bool,
}

/// A validated user that is not stored yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// See [`User::username`].
    pub username: String,
    /// Trimmed, 1–50 characters.
    pub display_name: String,
    /// What the user may do.
    pub role: Role,
    /// Required for `Role::Unit`.
    pub unit: Option<OrgUnitId>,
}

const MAX_NAME_CHARS: usize = 50;

impl NewUser {
    /// Validates a new user. The username is kept exactly as typed apart from surrounding spaces:
    /// silently lower-casing it would let an admin believe `ZhangSan` was accepted.
    pub fn parse(
        username: &str,
        display_name: &str,
        role: Role,
        unit: Option<OrgUnitId>,
    ) -> Result<Self, OrgError> {
        let username = username.trim();
        let len = username.chars().count();
        if !(2..=32).contains(&len) {
            return Err(OrgError("用户名长度应为2到32个字符".into()));
        }
        if !username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
        {
            return Err(OrgError(
                "用户名只能包含小写字母、数字、下划线、点和连字符".into(),
            ));
        }
        let display_name = display_name.trim();
        if display_name.is_empty() {
            return Err(OrgError("姓名不能为空".into()));
        }
        if display_name.chars().count() > MAX_NAME_CHARS {
            return Err(OrgError(format!("姓名不能超过{MAX_NAME_CHARS}个字")));
        }
        if role == Role::Unit && unit.is_none() {
            return Err(OrgError("责任单位用户必须指定所属单位".into()));
        }
        Ok(Self {
            username: username.to_owned(),
            display_name: display_name.to_owned(),
            role,
            unit,
        })
    }
}

/// Invalid org input; the message is Chinese and safe to show to the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OrgError(pub String);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn roles_round_trip_through_their_machine_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert_eq!(Role::Supervisor.label(), "督查室");
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn org_unit_kinds_round_trip_and_serialize_as_machine_names() {
        for kind in OrgUnitKind::ALL {
            assert_eq!(OrgUnitKind::parse(kind.as_str()), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(OrgUnitKind::Subdistrict.label(), "街道");
    }

    #[test]
    fn new_user_accepts_a_valid_unit_user() {
        let user = NewUser::parse(" zhang.san-1 ", " 张三 ", Role::Unit, Some(OrgUnitId(3)));
        assert_eq!(
            user,
            Ok(NewUser {
                username: "zhang.san-1".into(),
                display_name: "张三".into(),
                role: Role::Unit,
                unit: Some(OrgUnitId(3)),
            })
        );
    }

    #[test]
    fn new_user_rejects_bad_usernames_with_chinese_messages() {
        for bad in ["a", "ZhangSan", "张三", "a b", &"x".repeat(33)] {
            let err = NewUser::parse(bad, "张三", Role::Viewer, None);
            assert!(err.is_err(), "{bad} should be refused");
        }
        let err = NewUser::parse("ab", "张三", Role::Viewer, None).map(|_| ());
        assert_eq!(err, Ok(()));
    }

    #[test]
    fn new_user_requires_a_unit_for_unit_users_and_a_short_name() {
        let err = NewUser::parse("unit1", "张三", Role::Unit, None);
        assert_eq!(err, Err(OrgError("责任单位用户必须指定所属单位".into())));
        assert!(NewUser::parse("unit1", "", Role::Viewer, None).is_err());
        assert!(NewUser::parse("unit1", &"长".repeat(51), Role::Viewer, None).is_err());
        assert!(NewUser::parse("unit1", &"长".repeat(50), Role::Viewer, None).is_ok());
    }

    #[test]
    fn new_org_unit_requires_a_parent_below_the_bureau() {
        assert!(NewOrgUnit::parse(None, "某区教育局", OrgUnitKind::Bureau).is_ok());
        let err = NewOrgUnit::parse(None, "实验小学", OrgUnitKind::School);
        assert_eq!(err, Err(OrgError("学校必须有上级单位".into())));
        assert!(NewOrgUnit::parse(Some(OrgUnitId(1)), "  ", OrgUnitKind::School).is_err());
    }
}
