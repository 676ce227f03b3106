//! The store's follow-up areas: 督办单, the scheduler's record of fired jobs, the in-app inbox,
//! the outgoing queue (outbox) and each user's notification choices. Same rules as the rest of
//! [`super::Store`]: one transaction per method; notices are audited (people act on them),
//! inbox and outbox rows are not (they are deliveries, not decisions, and would drown the log).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::notify::{Dispatch, InboxMessage, OutboxEntry, Preference};
use crate::org::{OrgUnitId, UserId};
use crate::supervision::notices::{NewNotice, NoticeId, NoticeRecord};
use crate::tasks::TaskId;

/// Which notices `FollowUpStore::list_notices` returns; every `None`/`false` means "any".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeFilter {
    /// Only those sent to this unit.
    pub unit: Option<OrgUnitId>,
    /// Only those about this task.
    pub task: Option<TaskId>,
    /// Only those still waiting for the unit (issued or signed).
    pub open_only: bool,
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delivery {
    /// Delivered at this instant.
    Sent(DateTime<Utc>),
    /// Failed; try again at `retry_at`, or never (`None`: given up at `at`).
    Failed {
        /// When the attempt failed.
        at: DateTime<Utc>,
        /// Why, in Chinese, without secrets.
        error: String,
        /// The next attempt, or `None` to give up.
        retry_at: Option<DateTime<Utc>>,
    },
}

/// 督办单, scheduler jobs, inbox, outbox, preferences.
#[async_trait]
pub trait FollowUpStore: Send + Sync {
    /// Issues a 督办单: numbers it (next number of its year), stores it, and — when it
    /// escalates an earlier notice — marks that one `Escalated`, all in one transaction.
    /// `Ok(None)` when a notice with the same dedupe key exists already (it was issued before);
    /// `Conflict` when the escalated notice is no longer open or the task/unit does not exist.
    async fn issue_notice(
        &self,
        notice: &NewNotice,
        actor: Option<UserId>,
    ) -> Result<Option<NoticeRecord>, StoreError>;

    /// The notice with this id; `NotFound` when there is none.
    async fn get_notice(&self, id: NoticeId) -> Result<NoticeRecord, StoreError>;

    /// The notices matching `filter`, newest first.
    async fn list_notices(&self, filter: &NoticeFilter) -> Result<Vec<NoticeRecord>, StoreError>;

    /// 签收: an issued notice becomes signed. `Conflict` unless it is `Issued`.
    async fn sign_notice(
        &self,
        id: NoticeId,
        now: DateTime<Utc>,
        actor: Option<UserId>,
    ) -> Result<NoticeRecord, StoreError>;

    /// 反馈: an issued or signed notice is answered (signing it too if it was not). `Conflict`
    /// unless it is open.
    async fn answer_notice(
        &self,
        id: NoticeId,
        answer: &str,
        now: DateTime<Utc>,
        actor: Option<UserId>,
    ) -> Result<NoticeRecord, StoreError>;

    /// Fires a scheduler job once: records `key` and stores `dispatch` (inbox and outbox rows);
    /// with `escalate`, also marks that notice `Escalated` (it must still be open). All in one
    /// transaction. `Ok(false)` — and nothing stored — when `key` fired before.
    async fn fire_job(
        &self,
        key: &str,
        now: DateTime<Utc>,
        dispatch: &Dispatch,
        escalate: Option<NoticeId>,
    ) -> Result<bool, StoreError>;

    /// The keys of the jobs fired at or after `since`.
    async fn list_job_keys_since(&self, since: DateTime<Utc>) -> Result<Vec<String>, StoreError>;

    /// How many of the user's inbox messages are unread.
    async fn unread_count(&self, user: UserId) -> Result<i64, StoreError>;

    /// The user's newest `limit` inbox messages, newest first.
    async fn list_inbox(&self, user: UserId, limit: i64) -> Result<Vec<InboxMessage>, StoreError>;

    /// Marks one of the user's messages read (`Some(id)`), or all of them (`None`); a message
    /// of someone else is `NotFound`.
    async fn mark_read(
        &self,
        user: UserId,
        message: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Up to `limit` outgoing messages due at `now` (not sent, not given up, next attempt
    /// passed), oldest first.
    async fn due_outbox(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxEntry>, StoreError>;

    /// Records an attempt's outcome (counting the attempt).
    async fn record_delivery(&self, id: i64, outcome: &Delivery) -> Result<(), StoreError>;

    /// The newest `limit` outgoing messages (the admins' 发送记录), failures first.
    async fn list_outbox(&self, limit: i64) -> Result<Vec<OutboxEntry>, StoreError>;

    /// Puts an unsent message back in the queue now (an admin's 重新发送), audited.
    async fn requeue_outbox(
        &self,
        id: i64,
        now: DateTime<Utc>,
        actor: Option<UserId>,
    ) -> Result<(), StoreError>;

    /// Every user's e-mail address (users without one are absent).
    async fn list_user_emails(&self) -> Result<Vec<(UserId, String)>, StoreError>;

    /// Every stored preference (defaults are not stored).
    async fn list_preferences(&self) -> Result<Vec<(UserId, Preference)>, StoreError>;

    /// Replaces a user's e-mail address and preferences, audited (the address is personal data
    /// of the user's own; the audit event records that it changed, not the address).
    async fn set_notification_settings(
        &self,
        user: UserId,
        email: Option<&str>,
        preferences: &[Preference],
    ) -> Result<(), StoreError>;
}
