//! `Store`: the only door to persistence, implemented by `duban-store` (SQLite, PostgreSQL).
//!
//! The trait is object-safe (`Arc<dyn Store>`) through `async_trait`, so core use cases and web
//! handlers never name a backend. Each method is ONE transaction, and every write appends its
//! audit event (chained, see [`crate::audit`]) inside that same transaction: a write without its
//! audit event cannot be committed. Password hashes go in and come out as opaque strings: the
//! store never logs them and never puts them into an audit event.
//!
//! Grouped by area: org and users, plans and tasks, reports, audit; sessions come later.
//!
//! Writes that move a task or a report from one state to another check the expected current
//! state in the same statement that changes it, so two people acting at once cannot both win:
//! the loser gets `Conflict`.

use crate::audit::AuditEvent;
use crate::org::{NewOrgUnit, NewUser, OrgUnit, OrgUnitId, User, UserId};
use crate::tasks::{
    NewPlan, NewReport, NewTask, Plan, PlanId, ReportId, ReportRecord, TaskId, TaskRecord,
    TaskStatus,
};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Which tasks `Store::list_tasks` returns; every `None` means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFilter {
    /// Only the tasks of this plan.
    pub plan: Option<PlanId>,
    /// Only the tasks where this unit is the lead unit or a co-unit (a unit user's scope).
    pub lead_or_co_unit: Option<OrgUnitId>,
    /// Only the tasks in this status.
    pub status: Option<TaskStatus>,
}

/// Why a store call failed. Messages never carry a password hash or a connection string.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A unique or foreign-key constraint refused the write (e.g. `users.username`).
    #[error("conflict on {constraint}")]
    Conflict {
        /// The constraint's name, or the column(s) when the backend does not name it.
        constraint: String,
    },
    /// Anything else (connection lost, disk full, a row that no longer decodes…).
    #[error("store error: {0}")]
    Other(String),
}

/// Persistence for every area of duban. See the module docs for the rules every method follows.
#[async_trait]
pub trait Store: Send + Sync {
    /// Checks that the database answers (`GET /healthz`).
    async fn health(&self) -> Result<(), StoreError>;

    /// Inserts an org unit; `Conflict` when its parent does not exist.
    async fn insert_org_unit(
        &self,
        unit: &NewOrgUnit,
        actor: Option<UserId>,
    ) -> Result<OrgUnit, StoreError>;

    /// Every org unit, by id (parents before children, since ids grow).
    async fn list_org_units(&self) -> Result<Vec<OrgUnit>, StoreError>;

    /// Inserts a user with an already computed password hash (argon2id, made by the caller);
    /// `Conflict { constraint }` when the username is taken or the unit does not exist.
    async fn insert_user(
        &self,
        user: &NewUser,
        password_hash: &str,
        actor: Option<UserId>,
    ) -> Result<User, StoreError>;

    /// The user with this username and their password hash, for the login check.
    async fn get_user_by_username(
        &self,
        username: &str,
    ) -> Result<Option<(User, String)>, StoreError>;

    /// Every user, by id.
    async fn list_users(&self) -> Result<Vec<User>, StoreError>;

    /// Activates or deactivates a user; `NotFound` when there is no such user.
    async fn set_user_active(
        &self,
        id: UserId,
        active: bool,
        actor: Option<UserId>,
    ) -> Result<User, StoreError>;

    /// Stores an imported plan (not published).
    async fn insert_plan(&self, plan: &NewPlan, actor: Option<UserId>) -> Result<Plan, StoreError>;

    /// The plan with this id; `NotFound` when there is none.
    async fn get_plan(&self, id: PlanId) -> Result<Plan, StoreError>;

    /// Stores confirmed task drafts as `Draft` tasks of `plan`, all or none (one transaction, one
    /// audit event per task); each task's own `plan` field is ignored. `Conflict` when the plan,
    /// a parent, a unit or a leader does not exist. Returned in input order.
    async fn insert_tasks(
        &self,
        plan: PlanId,
        tasks: &[NewTask],
        actor: Option<UserId>,
    ) -> Result<Vec<TaskRecord>, StoreError>;

    /// Publishes (交办) a plan: marks it published and every `Draft` task of it `Published`.
    /// Publishing again publishes the drafts added since. `NotFound` when there is no such plan.
    async fn publish_plan(&self, plan: PlanId, actor: Option<UserId>) -> Result<Plan, StoreError>;

    /// The task with this id, with its co-units; `NotFound` when there is none.
    async fn get_task(&self, id: TaskId) -> Result<TaskRecord, StoreError>;

    /// The tasks matching `filter`, by id.
    async fn list_tasks(&self, filter: &TaskFilter) -> Result<Vec<TaskRecord>, StoreError>;

    /// Approves completion (办结) of a `Published` task at `at`. `Conflict` when the task is not
    /// published (already completed, a draft, cancelled), `NotFound` when there is none.
    async fn complete_task(
        &self,
        id: TaskId,
        at: DateTime<Utc>,
        actor: Option<UserId>,
    ) -> Result<TaskRecord, StoreError>;

    /// Approves an extension (延期) of a `Published` task: moves `due`, keeps `original_due`.
    /// `Conflict` when the task is not published or `new_due` is before its start.
    async fn extend_task(
        &self,
        id: TaskId,
        new_due: NaiveDate,
        actor: Option<UserId>,
    ) -> Result<TaskRecord, StoreError>;

    /// Saves the unit's report for `report.task` and `report.period_start`: creates the draft, or
    /// edits it while it is a draft or returned (退回; it stays returned until resubmitted).
    /// `Conflict` once it is submitted or accepted, or when the task does not exist.
    async fn upsert_report_draft(
        &self,
        report: &NewReport,
        actor: Option<UserId>,
    ) -> Result<ReportRecord, StoreError>;

    /// Submits a draft or returned report at `now`. The first submission time is kept across
    /// returns. `Conflict` when it is already submitted or accepted, `NotFound` when missing.
    async fn submit_report(
        &self,
        id: ReportId,
        now: DateTime<Utc>,
        actor: Option<UserId>,
    ) -> Result<ReportRecord, StoreError>;

    /// Accepts or returns (退回) a submitted report with the reviewer's comment. `Conflict` when
    /// the report is not (or no longer) submitted, e.g. another reviewer acted first.
    async fn review_report(
        &self,
        id: ReportId,
        accept: bool,
        comment: Option<&str>,
        actor: Option<UserId>,
    ) -> Result<ReportRecord, StoreError>;

    /// The reports of a task, by period.
    async fn list_reports(&self, task: TaskId) -> Result<Vec<ReportRecord>, StoreError>;

    /// Up to `limit` audit events with `seq > after_seq`, in seq order.
    async fn list_audit_events(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError>;
}
