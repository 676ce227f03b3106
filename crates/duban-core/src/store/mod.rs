//! `Store`: the only door to persistence, implemented by `duban-store` (SQLite, PostgreSQL).
//!
//! The trait is object-safe (`Arc<dyn Store>`) through `async_trait`, so core use cases and web
//! handlers never name a backend. Each method is ONE transaction, and every write appends its
//! audit event (chained, see [`crate::audit`]) inside that same transaction: a write without its
//! audit event cannot be committed. Password hashes go in and come out as opaque strings: the
//! store never logs them and never puts them into an audit event.
//!
//! Grouped by area: org and users, sessions, plans and tasks, reports and their evidence,
//! requests and 批示, audit; then, in [`FollowUpStore`], 督办单, the scheduler's job marks, the
//! inbox, the outbox and notification preferences.
//!
//! Writes that move a task or a report from one state to another check the expected current
//! state in the same statement that changes it, so two people acting at once cannot both win:
//! the loser gets `Conflict`.

use crate::audit::AuditEvent;
use crate::auth::SessionRecord;
use crate::org::{NewOrgUnit, NewUser, OrgUnit, OrgUnitId, Role, User, UserId};
use crate::tasks::{
    AttachmentId, AttachmentRecord, Frequency, InstructionRecord, NewAttachment, NewInstruction,
    NewPlan, NewReport, NewRequest, NewTask, Plan, PlanId, ReportId, ReportRecord, ReportState,
    ReportSummary, RequestId, RequestRecord, RequestState, TaskId, TaskRecord, TaskStatus,
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

/// Which requests `Store::list_requests` returns; every `None` means "any".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestFilter {
    /// Only the requests of this task.
    pub task: Option<TaskId>,
    /// Only the requests in this state.
    pub state: Option<RequestState>,
}

/// One row of the 任务分解表 grid as edited before 交办: every field replaces the stored one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskEdit {
    /// The task edited (a `Draft`).
    pub id: TaskId,
    /// 工作任务, validated like `NewTask::title`.
    pub title: String,
    /// 责任科室.
    pub lead_unit: Option<OrgUnitId>,
    /// 配合单位 (deduplicated, without the lead unit).
    pub co_units: Vec<OrgUnitId>,
    /// 牵头领导.
    pub leader: Option<UserId>,
    /// 责任人.
    pub owner_name: Option<String>,
    /// 开始日期.
    pub start: NaiveDate,
    /// 完成时限 (also becomes the original deadline: nothing was promised yet).
    pub due: NaiveDate,
    /// 报送频次.
    pub frequency: Frequency,
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

mod followup;
mod meetings;
pub use followup::{Delivery, FollowUpStore, NoticeFilter};
pub use meetings::{DecidedTask, MeetingStore};

/// Persistence for every area of duban. See the module docs for the rules every method follows.
/// The follow-up areas (督办单, scheduler, inbox, outbox) are in [`FollowUpStore`], meetings in
/// [`MeetingStore`].
#[async_trait]
pub trait Store: FollowUpStore + MeetingStore + Send + Sync {
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

    /// Activates or deactivates a user (deactivating ends their sessions); `NotFound` when
    /// there is no such user.
    async fn set_user_active(
        &self,
        id: UserId,
        active: bool,
        actor: Option<UserId>,
    ) -> Result<User, StoreError>;

    /// The user with this id; `NotFound` when there is none.
    async fn get_user(&self, id: UserId) -> Result<User, StoreError>;

    /// Changes a user's name, role and unit (admin). `Conflict` when the unit does not exist.
    async fn update_user(
        &self,
        id: UserId,
        display_name: &str,
        role: Role,
        unit: Option<OrgUnitId>,
        actor: Option<UserId>,
    ) -> Result<User, StoreError>;

    /// Replaces a user's password hash and ends all of their sessions (the audit event records
    /// that the password changed, never the hash). `NotFound` when there is no such user.
    async fn set_user_password(
        &self,
        id: UserId,
        password_hash: &str,
        actor: Option<UserId>,
    ) -> Result<(), StoreError>;

    /// Stores a new session (sign-in), audited as the user's login; sessions that expired
    /// before it started are deleted in the same transaction.
    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError>;

    /// The session with this token hash and its user, if it exists (expired or not: the caller
    /// checks `is_valid_at`, and an inactive user's sessions are deleted by `set_user_active`).
    async fn get_session(
        &self,
        token_hash: &str,
    ) -> Result<Option<(SessionRecord, User)>, StoreError>;

    /// Deletes a session (sign-out); deleting one that is gone is not an error.
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

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
    /// The tasks published now are stamped `published_on` (their `reporting_from`).
    async fn publish_plan(
        &self,
        plan: PlanId,
        published_on: NaiveDate,
        actor: Option<UserId>,
    ) -> Result<Plan, StoreError>;

    /// Edits `Draft` tasks (the 任务分解表 grid, bulk edits included), all or none. `Conflict`
    /// when one is no longer a draft, a unit or leader does not exist, or a due date is before
    /// its start; `NotFound` when a task does not exist.
    async fn edit_tasks(
        &self,
        edits: &[TaskEdit],
        actor: Option<UserId>,
    ) -> Result<Vec<TaskRecord>, StoreError>;

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

    /// Replaces the milestones (节点) of a task that is not closed, audited before → after.
    /// `Conflict` when the task is completed or cancelled, `NotFound` when there is none.
    async fn set_milestones(
        &self,
        id: TaskId,
        milestones: &[crate::tasks::Milestone],
        actor: Option<UserId>,
    ) -> Result<TaskRecord, StoreError>;

    /// Records a 约谈/通报/问责, audited. `Conflict` when the unit or task does not exist.
    async fn insert_accountability(
        &self,
        record: &crate::supervision::NewAccountability,
        actor: Option<UserId>,
    ) -> Result<crate::supervision::AccountabilityRecord, StoreError>;

    /// The 问责 records (of one unit when given), newest first.
    async fn list_accountability(
        &self,
        unit: Option<OrgUnitId>,
    ) -> Result<Vec<crate::supervision::AccountabilityRecord>, StoreError>;

    /// The exceptional days of the working calendar (holidays, make-up workdays), by date.
    async fn list_calendar_days(&self) -> Result<Vec<crate::calendar::CalendarDay>, StoreError>;

    /// Sets (adds or replaces) the exceptional day on `day.date`, audited.
    async fn set_calendar_day(
        &self,
        day: &crate::calendar::CalendarDay,
        actor: Option<UserId>,
    ) -> Result<(), StoreError>;

    /// Removes the exceptional day on `date` (it becomes an ordinary day), audited;
    /// `NotFound` when there is none.
    async fn delete_calendar_day(
        &self,
        date: NaiveDate,
        actor: Option<UserId>,
    ) -> Result<(), StoreError>;

    /// The text of the plan document as imported (empty when only its structure was kept).
    async fn get_plan_source(&self, id: PlanId) -> Result<String, StoreError>;

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
    /// `Conflict` once it is submitted or accepted, or when the task does not exist or is not
    /// published (a draft has not reached its unit; a completed task is closed).
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

    /// The report with this id; `NotFound` when there is none.
    async fn get_report(&self, id: ReportId) -> Result<ReportRecord, StoreError>;

    /// Reports in `state` across all tasks (the 审核 queue), oldest change first: `limit` of
    /// them after skipping `offset`.
    async fn list_reports_in_state(
        &self,
        state: ReportState,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<ReportRecord>, StoreError>;

    /// For each task, its latest submitted report among those whose period starts in
    /// `[from, to)` (what the 月汇总 quotes), with its values, by task.
    async fn list_reports_in_period(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ReportRecord>, StoreError>;

    /// What the light rules need of every report of every task (a light-weight read for the
    /// dashboard and the task list), by task then period.
    async fn list_report_summaries(&self) -> Result<Vec<(TaskId, ReportSummary)>, StoreError>;

    /// Records an evidence file's metadata for a report (the bytes are already on disk).
    /// `Conflict` when the report does not exist.
    async fn insert_attachment(
        &self,
        attachment: &NewAttachment,
        actor: Option<UserId>,
    ) -> Result<AttachmentRecord, StoreError>;

    /// The attachments of a report, by id.
    async fn list_attachments(&self, report: ReportId)
    -> Result<Vec<AttachmentRecord>, StoreError>;

    /// The attachments of every report of a task, by id (one query for the task page).
    async fn list_task_attachments(
        &self,
        task: TaskId,
    ) -> Result<Vec<AttachmentRecord>, StoreError>;

    /// The seq of the newest audit event (0 when there is none). Every write appends one, so
    /// this number changes exactly when the data changes: caches compare it to know they are
    /// current.
    async fn audit_head(&self) -> Result<i64, StoreError>;

    /// The attachment with this id; `NotFound` when there is none.
    async fn get_attachment(&self, id: AttachmentId) -> Result<AttachmentRecord, StoreError>;

    /// Files a 办结 or 延期 request. `Conflict` when the task is not published or a request of
    /// the same kind is already pending for it.
    async fn insert_request(
        &self,
        request: &NewRequest,
        actor: Option<UserId>,
    ) -> Result<RequestRecord, StoreError>;

    /// Decides a pending request at `now`; approving completes the task (at `now`) or moves
    /// its deadline (keeping the original), in the same transaction. `Conflict` when the
    /// request is no longer pending or the task is no longer published.
    async fn decide_request(
        &self,
        id: RequestId,
        approve: bool,
        comment: Option<&str>,
        now: DateTime<Utc>,
        actor: Option<UserId>,
    ) -> Result<RequestRecord, StoreError>;

    /// The request with this id; `NotFound` when there is none.
    async fn get_request(&self, id: RequestId) -> Result<RequestRecord, StoreError>;

    /// The requests matching `filter`, by id.
    async fn list_requests(&self, filter: &RequestFilter)
    -> Result<Vec<RequestRecord>, StoreError>;

    /// Stores a 批示. `Conflict` when the task does not exist.
    async fn insert_instruction(
        &self,
        instruction: &NewInstruction,
        actor: Option<UserId>,
    ) -> Result<InstructionRecord, StoreError>;

    /// The 批示 on a task (all tasks when `None`), newest first.
    async fn list_instructions(
        &self,
        task: Option<TaskId>,
    ) -> Result<Vec<InstructionRecord>, StoreError>;

    /// The newest `limit` audit events about any of these entities (e.g. `("task", "12")`,
    /// `("report", "40")`), in seq order.
    async fn list_audit_events_for(
        &self,
        entities: &[(String, String)],
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError>;

    /// Up to `limit` audit events with `seq > after_seq`, in seq order.
    async fn list_audit_events(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError>;
}
