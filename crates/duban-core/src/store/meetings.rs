//! The store's meeting area: series, meetings, agenda items and their outcomes. Every write is
//! audited (a meeting's decisions are the bureau's record); a new task decided at a meeting is
//! stored in the same transaction as the outcome that created it.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};

use super::StoreError;
use crate::meetings::{
    AgendaItem, ItemId, Meeting, MeetingId, MeetingSeries, NewItem, Outcome, SeriesId,
};
use crate::notify::Dispatch;
use crate::org::UserId;
use crate::tasks::{NewTask, PlanId};

/// A task decided at a meeting: stored in `plan` and published (交办) on `published_on`.
#[derive(Debug, Clone, Copy)]
pub struct DecidedTask<'a> {
    /// The year's plan of meeting decisions (see `MeetingStore::meeting_plan`).
    pub plan: PlanId,
    /// The task.
    pub task: &'a NewTask,
    /// The meeting day.
    pub published_on: NaiveDate,
}

/// Meetings and their agendas.
#[async_trait]
pub trait MeetingStore: Send + Sync {
    /// Every meeting series, by id.
    async fn list_series(&self) -> Result<Vec<MeetingSeries>, StoreError>;

    /// Adds a series; `Conflict` when the name is taken.
    async fn insert_series(
        &self,
        name: &str,
        weekday: Weekday,
        start_time: NaiveTime,
        actor: Option<UserId>,
    ) -> Result<MeetingSeries, StoreError>;

    /// Creates a meeting with its agenda (items in order), all or nothing. `Conflict` when
    /// the series already has a meeting that day.
    async fn create_meeting(
        &self,
        series: SeriesId,
        held_on: NaiveDate,
        title: &str,
        items: &[NewItem],
        actor: Option<UserId>,
    ) -> Result<Meeting, StoreError>;

    /// A meeting and its agenda in order; `NotFound` when there is none.
    async fn get_meeting(&self, id: MeetingId) -> Result<(Meeting, Vec<AgendaItem>), StoreError>;

    /// The newest `limit` meetings (by day, then id), newest first.
    async fn list_meetings(&self, limit: i64) -> Result<Vec<Meeting>, StoreError>;

    /// The latest meeting of `series` held before `before`, with its agenda.
    async fn previous_meeting(
        &self,
        series: SeriesId,
        before: NaiveDate,
    ) -> Result<Option<(Meeting, Vec<AgendaItem>)>, StoreError>;

    /// Adds an item at the end of an open meeting's agenda. `Conflict` when it is closed.
    async fn add_item(
        &self,
        meeting: MeetingId,
        item: &NewItem,
        actor: Option<UserId>,
    ) -> Result<AgendaItem, StoreError>;

    /// Removes an item without an outcome from an open meeting. `Conflict` otherwise.
    async fn remove_item(&self, item: ItemId, actor: Option<UserId>) -> Result<(), StoreError>;

    /// Swaps an item with its neighbour above (`up`) or below; at the edge nothing moves.
    /// `Conflict` when the meeting is closed.
    async fn move_item(
        &self,
        item: ItemId,
        up: bool,
        actor: Option<UserId>,
    ) -> Result<(), StoreError>;

    /// Records the outcome of an item of an open meeting, once (`Conflict` when it has one or
    /// the meeting is closed). With `task`, stores and publishes that task in the same
    /// transaction and links it; for a 批示 outcome, stores the 批示 on the item's task.
    async fn record_outcome(
        &self,
        item: ItemId,
        outcome: &Outcome,
        task: Option<DecidedTask<'_>>,
        now: DateTime<Utc>,
        actor: Option<UserId>,
    ) -> Result<AgendaItem, StoreError>;

    /// Sets the title and the attendees of an open meeting.
    async fn set_meeting_notes(
        &self,
        meeting: MeetingId,
        title: &str,
        attendees: &str,
        actor: Option<UserId>,
    ) -> Result<Meeting, StoreError>;

    /// Closes a meeting (its minutes are final).
    async fn close_meeting(
        &self,
        meeting: MeetingId,
        actor: Option<UserId>,
    ) -> Result<Meeting, StoreError>;

    /// The year's plan that holds the tasks decided at meetings (`title`), created (published)
    /// when missing.
    async fn meeting_plan(
        &self,
        year: i32,
        title: &str,
        actor: Option<UserId>,
    ) -> Result<PlanId, StoreError>;

    /// Sends the 确定事项清单 once: marks the meeting and stores the dispatch in one
    /// transaction. `Ok(false)` when it was sent before.
    async fn send_decisions(
        &self,
        meeting: MeetingId,
        now: DateTime<Utc>,
        dispatch: &Dispatch,
        actor: Option<UserId>,
    ) -> Result<bool, StoreError>;
}
