//! The audit log: one event per write (who, when, what, before → after), chained by SHA-256.
//!
//! Each event's `hash` covers its own fields and the previous event's hash, so editing an event
//! breaks its own hash and deleting one leaves a gap in `seq`; [`verify_chain`] names the first
//! such event (`duban audit verify`). The chain proves tampering only up to the newest event it
//! is given: deleting the *last* events is invisible without an anchor kept elsewhere (e.g. the
//! head hash printed into a backup log). Pure: the store appends, this module only computes.

use crate::org::UserId;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event (seq 1).
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A stored audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// 1, 2, 3… without gaps.
    pub seq: i64,
    /// When the write happened (UTC, whole microseconds so every backend stores it exactly).
    pub at: DateTime<Utc>,
    /// Who wrote; `None` for the system (migrations, demo data, the scheduler).
    pub actor: Option<UserId>,
    /// What was done, `entity.verb`, e.g. `user.insert`, `user.set_active`.
    pub action: String,
    /// The kind of thing written, e.g. `user`, `org_unit`.
    pub entity: String,
    /// The id of the thing written, as text so any id type fits.
    pub entity_id: String,
    /// The entity as JSON before the write; `None` for an insert.
    pub before: Option<String>,
    /// The entity as JSON after the write; `None` for a delete.
    pub after: Option<String>,
    /// The previous event's `hash` ([`GENESIS_HASH`] for seq 1).
    pub prev_hash: String,
    /// [`chain_hash`] of this event.
    pub hash: String,
}

/// The content of an event about to be appended; the store assigns `seq` and the hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEvent {
    /// See [`AuditEvent::at`].
    pub at: DateTime<Utc>,
    /// See [`AuditEvent::actor`].
    pub actor: Option<UserId>,
    /// See [`AuditEvent::action`].
    pub action: String,
    /// See [`AuditEvent::entity`].
    pub entity: String,
    /// See [`AuditEvent::entity_id`].
    pub entity_id: String,
    /// See [`AuditEvent::before`].
    pub before: Option<String>,
    /// See [`AuditEvent::after`].
    pub after: Option<String>,
}

impl NewAuditEvent {
    /// Seals this content as event `seq` following the event whose hash is `prev_hash`.
    pub fn chain(self, seq: i64, prev_hash: &str) -> AuditEvent {
        let hash = chain_hash(prev_hash, seq, &self);
        AuditEvent {
            seq,
            at: self.at,
            actor: self.actor,
            action: self.action,
            entity: self.entity,
            entity_id: self.entity_id,
            before: self.before,
            after: self.after,
            prev_hash: prev_hash.to_owned(),
            hash,
        }
    }
}

/// The hash of event `seq` with content `event` following `prev_hash`: lowercase hex SHA-256.
///
/// Every field is written as a presence byte plus a big-endian u64 length plus its bytes, so no
/// two different events serialise alike (`("ab", "c")` vs `("a", "bc")`, `None` vs `Some("")`).
/// Time is hashed as RFC 3339 with microseconds: the precision both backends store exactly.
pub fn chain_hash(prev_hash: &str, seq: i64, event: &NewAuditEvent) -> String {
    hash_fields(
        prev_hash,
        seq,
        event.at,
        event.actor,
        [
            Some(event.action.as_str()),
            Some(event.entity.as_str()),
            Some(event.entity_id.as_str()),
            event.before.as_deref(),
            event.after.as_deref(),
        ],
    )
}

impl AuditEvent {
    /// Recomputes this event's hash from its stored fields (including its stored `prev_hash`).
    pub fn computed_hash(&self) -> String {
        hash_fields(
            &self.prev_hash,
            self.seq,
            self.at,
            self.actor,
            [
                Some(self.action.as_str()),
                Some(self.entity.as_str()),
                Some(self.entity_id.as_str()),
                self.before.as_deref(),
                self.after.as_deref(),
            ],
        )
    }
}

fn hash_fields(
    prev_hash: &str,
    seq: i64,
    at: DateTime<Utc>,
    actor: Option<UserId>,
    rest: [Option<&str>; 5],
) -> String {
    // A version tag so a future change of the serialisation cannot collide with this one.
    const DOMAIN: &str = "duban-audit-v1";
    let seq = seq.to_string();
    let at = at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let actor = actor.map(|a| a.0.to_string());
    let mut hasher = Sha256::new();
    let head = [
        Some(DOMAIN),
        Some(prev_hash),
        Some(seq.as_str()),
        Some(at.as_str()),
        actor.as_deref(),
    ];
    for field in head.into_iter().chain(rest) {
        match field {
            None => hasher.update([0u8]),
            Some(value) => {
                hasher.update([1u8]);
                hasher.update((value.len() as u64).to_be_bytes());
                hasher.update(value.as_bytes());
            }
        }
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where the chain breaks: the first event that was edited or deleted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("审计记录第{seq}条：{reason}")]
pub struct ChainBreak {
    /// The seq of the first edited or missing event.
    pub seq: i64,
    /// What is wrong, in Chinese.
    pub reason: String,
}

/// Checks a whole audit log, from seq 1, in seq order (as `list_audit_events(0, …)` returns it).
///
/// Reports the first event that was deleted (a gap in `seq`) or edited: its stored hash no longer
/// matches its fields, or it was rewritten with a fresh hash so the next event no longer links to
/// it.
pub fn verify_chain(events: &[AuditEvent]) -> Result<(), ChainBreak> {
    let mut prev_hash = GENESIS_HASH;
    for (expected_seq, event) in (1..).zip(events) {
        if event.seq > expected_seq {
            let reason = if event.seq == expected_seq + 1 {
                "记录缺失（已被删除）".to_owned()
            } else {
                format!("第{expected_seq}至{}条记录缺失（已被删除）", event.seq - 1)
            };
            return Err(ChainBreak {
                seq: expected_seq,
                reason,
            });
        }
        if event.seq < expected_seq {
            return Err(ChainBreak {
                seq: event.seq,
                reason: "序号重复或顺序错误（记录被插入或改号）".into(),
            });
        }
        if event.computed_hash() != event.hash {
            return Err(ChainBreak {
                seq: event.seq,
                reason: "内容与哈希不符（记录被修改）".into(),
            });
        }
        if event.prev_hash != prev_hash {
            // This event is self-consistent but does not link to its predecessor: the predecessor
            // was rewritten and re-hashed (or, for seq 1, the log does not start where it should).
            let seq = (event.seq - 1).max(1);
            return Err(ChainBreak {
                seq,
                reason: "记录被改写（哈希链与下一条记录不衔接）".into(),
            });
        }
        prev_hash = &event.hash;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use chrono::TimeZone;

    fn log(n: i64) -> Vec<AuditEvent> {
        let mut events: Vec<AuditEvent> = Vec::new();
        for seq in 1..=n {
            let prev = events.last().map_or(GENESIS_HASH, |e| e.hash.as_str());
            let event = NewAuditEvent {
                at: Utc.with_ymd_and_hms(2025, 3, 1, 8, 0, 0).unwrap(),
                actor: Some(UserId(1)),
                action: "user.insert".into(),
                entity: "user".into(),
                entity_id: seq.to_string(),
                before: None,
                after: Some(format!("{{\"id\":{seq}}}")),
            }
            .chain(seq, prev);
            events.push(event);
        }
        events
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify_chain(&log(5)), Ok(()));
        assert_eq!(verify_chain(&[]), Ok(()));
    }

    #[test]
    fn chain_hash_is_length_prefixed_so_shifted_text_differs() {
        let a = &log(1)[0];
        let mut b = a.clone();
        b.action = "user.inser".into();
        b.entity = "tuser".into();
        assert_ne!(a.computed_hash(), b.computed_hash());
        let mut c = a.clone();
        c.before = Some(String::new());
        assert_ne!(a.computed_hash(), c.computed_hash());
        assert_eq!(a.hash.len(), 64);
    }

    #[test]
    fn an_edited_event_is_named() {
        let mut events = log(5);
        events[2].after = Some("{\"id\":999}".into());
        let err = verify_chain(&events).unwrap_err();
        assert_eq!(err.seq, 3);
        assert!(err.reason.contains("修改"));
    }

    #[test]
    fn an_edited_and_rehashed_event_is_named_by_the_broken_link() {
        let mut events = log(5);
        events[1].actor = None;
        events[1].hash = events[1].computed_hash();
        assert_eq!(verify_chain(&events).unwrap_err().seq, 2);
    }

    #[test]
    fn a_deleted_event_is_reported_as_a_gap() {
        let mut events = log(5);
        events.remove(3);
        let err = verify_chain(&events).unwrap_err();
        assert_eq!(err.seq, 4);
        assert!(err.reason.contains("删除"));
        let mut first_gone = log(3);
        first_gone.remove(0);
        assert_eq!(verify_chain(&first_gone).unwrap_err().seq, 1);
    }
}
