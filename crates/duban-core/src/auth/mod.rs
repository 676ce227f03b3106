//! Sign-in rules that do not depend on HTTP: the server-side session as stored, how long it
//! lives, and what a new password must look like. The web layer makes the random tokens and
//! cookies; the store keeps only a SHA-256 of the session token, never the token itself, so a
//! stolen database copy cannot be used to sign in.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::org::UserId;

/// How long a session lasts after sign-in.
pub const SESSION_HOURS: i64 = 12;

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted, in characters (argon2 would take any, but a 1 MB "password" is an
/// attack, not a password).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// Hex SHA-256 of the session token that the browser holds in its cookie.
    pub token_hash: String,
    /// Whose session it is.
    pub user: UserId,
    /// The CSRF token every form of this session must carry.
    pub csrf_token: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops being valid.
    pub expires_at: DateTime<Utc>,
}

impl SessionRecord {
    /// A session for `user` starting at `now`, valid for [`SESSION_HOURS`].
    pub fn new(token_hash: String, user: UserId, csrf_token: String, now: DateTime<Utc>) -> Self {
        Self {
            token_hash,
            user,
            csrf_token,
            created_at: now,
            expires_at: now + Duration::hours(SESSION_HOURS),
        }
    }

    /// Whether the session may still be used at `now`.
    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }
}

/// Checks a new password: 8–128 characters, not all one kind (letters and digits, at least).
pub fn check_new_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!("密码至少{MIN_PASSWORD_CHARS}位"));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("密码不能超过{MAX_PASSWORD_CHARS}位"));
    }
    let has_letter = password.chars().any(|c| c.is_alphabetic());
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if !(has_letter && has_digit) {
        return Err("密码须同时包含字母和数字".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use chrono::TimeZone;

    #[test]
    fn sessions_expire_after_their_hours() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
        let s = SessionRecord::new("h".into(), UserId(1), "c".into(), now);
        assert!(s.is_valid_at(now + Duration::hours(SESSION_HOURS) - Duration::seconds(1)));
        assert!(!s.is_valid_at(now + Duration::hours(SESSION_HOURS)));
    }

    #[test]
    fn passwords_need_length_letters_and_digits() {
        assert!(check_new_password("abc123").is_err());
        assert!(check_new_password("abcdefgh").is_err());
        assert!(check_new_password("12345678").is_err());
        assert!(check_new_password("qinghe2026").is_ok());
        assert!(check_new_password(&"a1".repeat(65)).is_err());
    }
}
