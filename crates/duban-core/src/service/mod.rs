//! Use cases: what a signed-in person can do, each an `async fn` over `&dyn Store` that first
//! asks [`crate::access::can`], then validates, then calls one store method. The web handlers and
//! the CLI call these and nothing below them, so every door checks the same rules.
//!
//! Every use case takes a [`Ctx`]: the store, the actor, `now` (core never reads the clock) and
//! the bureau's cadence settings.

pub mod accountability;
pub mod calendar;
pub mod inbox;
pub mod ledger;
pub mod meetings;
pub mod monthly;
pub mod notices;
pub mod overview;
pub mod plans;
pub mod reports;
pub mod requests;
pub mod scheduler;
pub mod snapshot;
pub mod stats;
pub mod tasks;
pub mod users;
pub mod yearly;

use chrono::{DateTime, Utc};

use crate::access::{Action, Actor, can};
use crate::org::OrgError;
use crate::store::{Store, StoreError};
use crate::tasks::{CadenceSettings, RecordError, TaskRecord};

/// Everything a use case needs to know about the call.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// Persistence.
    pub store: &'a dyn Store,
    /// Who is acting.
    pub actor: Actor,
    /// The instant of the request.
    pub now: DateTime<Utc>,
    /// Reporting periods and light thresholds.
    pub cadence: &'a CadenceSettings,
    /// The server's shared read snapshot (`None`: load one per call, as the CLI does).
    pub snapshots: Option<&'a snapshot::SnapshotCache>,
}

/// Why a use case refused or failed. Every message is Chinese and safe to show.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No such record — or one the actor may not see (the two are not told apart, so ids cannot
    /// be probed).
    #[error("找不到该记录，或您无权查看")]
    NotFound,
    /// The actor may see the record but not do this.
    #[error("您没有权限执行此操作")]
    Forbidden,
    /// The input is wrong; the message says what to fix.
    #[error("{0}")]
    Invalid(String),
    /// Someone else changed it first, or it is in a state that does not allow this.
    #[error("{0}")]
    Conflict(String),
    /// The store failed; the detail is for the log, not for the page.
    #[error("系统内部错误")]
    Internal(String),
}

/// `Result` with the use-case error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::NotFound,
            StoreError::Conflict { .. } => {
                Error::Conflict("数据已被他人修改，或当前状态不允许此操作，请刷新后重试".into())
            }
            StoreError::Other(detail) => Error::Internal(detail),
        }
    }
}

impl From<RecordError> for Error {
    fn from(e: RecordError) -> Self {
        Error::Invalid(e.0)
    }
}

impl From<OrgError> for Error {
    fn from(e: OrgError) -> Self {
        Error::Invalid(e.0)
    }
}

/// Refuses with `Forbidden` unless the actor may do `action` (on `task`).
pub fn require(ctx: &Ctx<'_>, action: Action, task: Option<&TaskRecord>) -> Result<()> {
    if can(&ctx.actor, action, task) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}
