//! 周例会 use cases: the 督查室 creates a meeting (its agenda composed from the live state),
//! reorders, adds and removes items, records outcomes (a new task enters the loop as a
//! 会议议定事项), closes it and sends the 确定事项清单 to the units concerned. Leaders and viewers
//! read meetings; units hear of their decided items in their inbox and see new tasks in their
//! workbench. [`minutes`] gives the document both the page and the exports are made from.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use super::scheduler::{Audience, Routing};
use super::snapshot::snapshot;
use super::{Ctx, Error, Result};
use crate::meetings::{
    AgendaItem, FlaggedReport, ItemId, Meeting, MeetingId, MeetingSeries, MeetingState, NewItem,
    Outcome, OutcomeKind, PendingRequest, SeriesId, TaskState, compose,
};
use crate::notify::{Dispatch, Message, NotifyKind, dispatch};
use crate::org::{OrgUnitId, Role};
use crate::store::{DecidedTask, RequestFilter};
use crate::tasks::{
    Frequency, NewTask, RequestKind, RequestState, TaskStatus, format_date, local_date,
};

/// How far back reports flagged 需协调解决 are looked for.
const FLAGGED_LOOKBACK_DAYS: i64 = 21;
/// How far back an agenda item's "latest report" is looked for.
const LATEST_REPORT_DAYS: i64 = 92;

fn may_read(ctx: &Ctx<'_>) -> Result<()> {
    match ctx.actor.role {
        Role::Supervisor | Role::Leader | Role::Viewer => Ok(()),
        _ => Err(Error::Forbidden),
    }
}

fn may_edit(ctx: &Ctx<'_>) -> Result<()> {
    if ctx.actor.role == Role::Supervisor {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// Every meeting series.
pub async fn series(ctx: &Ctx<'_>) -> Result<Vec<MeetingSeries>> {
    may_read(ctx)?;
    Ok(ctx.store.list_series().await?)
}

/// Adds a series (supervisors).
pub async fn add_series(
    ctx: &Ctx<'_>,
    name: &str,
    weekday: chrono::Weekday,
    start_time: chrono::NaiveTime,
) -> Result<MeetingSeries> {
    may_edit(ctx)?;
    let name = crate::meetings::check_series_name(name)?;
    ctx.store
        .insert_series(&name, weekday, start_time, Some(ctx.actor.id))
        .await
        .map_err(|e| match e {
            crate::store::StoreError::Conflict { .. } => {
                Error::Invalid(format!("已有名为“{name}”的会议"))
            }
            other => other.into(),
        })
}

/// The newest meetings.
pub async fn recent(ctx: &Ctx<'_>, limit: i64) -> Result<Vec<Meeting>> {
    may_read(ctx)?;
    Ok(ctx.store.list_meetings(limit).await?)
}

/// The agenda a meeting of `series` held on `held_on` would have now (nothing stored).
pub async fn compose_agenda(
    ctx: &Ctx<'_>,
    series: SeriesId,
    held_on: NaiveDate,
) -> Result<Vec<NewItem>> {
    may_read(ctx)?;
    let rows = super::tasks::assessed_tasks(ctx, None).await?;
    let states: Vec<TaskState> = rows
        .iter()
        .map(|r| TaskState {
            task: r.task.id,
            title: r.task.title.clone(),
            light: r.assessment.light,
            reason: r
                .assessment
                .reasons
                .first()
                .map(|x| x.message.clone())
                .unwrap_or_default(),
            due: r.task.timeline.due,
            open: r.task.status == TaskStatus::Published,
            is_parent: r.is_parent,
        })
        .collect();
    let pending = ctx
        .store
        .list_requests(&RequestFilter {
            task: None,
            state: Some(RequestState::Pending),
        })
        .await?;
    let requests: Vec<PendingRequest> = pending
        .iter()
        .map(|r| PendingRequest {
            request: r.id,
            task: r.request.task,
            note: match (r.request.kind, r.request.new_due) {
                (RequestKind::Extension, Some(due)) => {
                    format!("申请延期至{}：{}", format_date(due), r.request.reason)
                }
                (kind, _) => format!("申请{}：{}", kind.label(), r.request.reason),
            },
        })
        .collect();
    let from = held_on - chrono::Duration::days(FLAGGED_LOOKBACK_DAYS);
    let flagged: Vec<FlaggedReport> = ctx
        .store
        .list_reports_in_period(from, held_on + chrono::Duration::days(1))
        .await?
        .into_iter()
        .filter(|r| r.needs_coordination)
        .map(|r| FlaggedReport {
            report: r.id,
            task: r.task,
            problem: if r.problems.trim().is_empty() {
                r.progress_text.clone()
            } else {
                r.problems.clone()
            },
        })
        .collect();
    let carried: Vec<AgendaItem> = match ctx.store.previous_meeting(series, held_on).await? {
        Some((_, items)) => items
            .into_iter()
            .filter(|i| {
                i.outcome
                    .as_ref()
                    .is_none_or(|o| o.kind == OutcomeKind::CarryOver)
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(compose(held_on, &states, &requests, &flagged, &carried))
}

/// Creates a meeting of `series` on `held_on` with its composed agenda (supervisors), keeping
/// the headings in `include` (carry-overs always stay: the last meeting asked for them).
pub async fn create(
    ctx: &Ctx<'_>,
    series: SeriesId,
    held_on: NaiveDate,
    include: &[crate::meetings::ItemSource],
) -> Result<Meeting> {
    may_edit(ctx)?;
    let all = ctx.store.list_series().await?;
    let s = all
        .iter()
        .find(|s| s.id == series)
        .ok_or_else(|| Error::Invalid("请选择会议".into()))?;
    let items: Vec<NewItem> = compose_agenda(ctx, series, held_on)
        .await?
        .into_iter()
        .filter(|i| {
            i.source == crate::meetings::ItemSource::CarryOver || include.contains(&i.source)
        })
        .collect();
    let title = format!("{}（{}）", s.name, format_date(held_on));
    ctx.store
        .create_meeting(series, held_on, &title, &items, Some(ctx.actor.id))
        .await
        .map_err(|e| match e {
            crate::store::StoreError::Conflict { .. } => {
                Error::Conflict(format!("{}已有一次{}", format_date(held_on), s.name))
            }
            other => other.into(),
        })
}

/// A meeting and its agenda.
pub async fn get(ctx: &Ctx<'_>, id: MeetingId) -> Result<(Meeting, Vec<AgendaItem>)> {
    may_read(ctx)?;
    Ok(ctx.store.get_meeting(id).await?)
}

fn closed(e: crate::store::StoreError) -> Error {
    match e {
        crate::store::StoreError::Conflict { .. } => {
            Error::Conflict("会议已结束或该议题已有议定结果，不能再修改".into())
        }
        other => other.into(),
    }
}

/// Adds an item by hand (supervisors); a task id given must be a visible task.
pub async fn add_item(ctx: &Ctx<'_>, meeting: MeetingId, item: &NewItem) -> Result<AgendaItem> {
    may_edit(ctx)?;
    if let Some(task) = item.task {
        super::tasks::visible_task(ctx, task).await?;
    }
    ctx.store
        .add_item(meeting, item, Some(ctx.actor.id))
        .await
        .map_err(closed)
}

/// The meeting and the item of it (`NotFound` when the item belongs to another meeting: the
/// page's address names both, and both must agree).
async fn meeting_item(
    ctx: &Ctx<'_>,
    meeting: MeetingId,
    item: ItemId,
) -> Result<(Meeting, AgendaItem)> {
    may_edit(ctx)?;
    let (m, items) = ctx.store.get_meeting(meeting).await?;
    let it = items
        .into_iter()
        .find(|i| i.id == item)
        .ok_or(Error::NotFound)?;
    Ok((m, it))
}

/// Removes an item without an outcome (supervisors).
pub async fn remove_item(ctx: &Ctx<'_>, meeting: MeetingId, item: ItemId) -> Result<()> {
    meeting_item(ctx, meeting, item).await?;
    ctx.store
        .remove_item(item, Some(ctx.actor.id))
        .await
        .map_err(closed)
}

/// Moves an item up or down (supervisors).
pub async fn move_item(ctx: &Ctx<'_>, meeting: MeetingId, item: ItemId, up: bool) -> Result<()> {
    meeting_item(ctx, meeting, item).await?;
    ctx.store
        .move_item(item, up, Some(ctx.actor.id))
        .await
        .map_err(closed)
}

/// The form of an outcome, as typed.
#[derive(Debug, Clone, Default)]
pub struct OutcomeInput {
    /// `decision`, `new_task`, `instruction`, `carry_over`.
    pub kind: String,
    /// The text.
    pub text: String,
    /// 责任单位.
    pub lead_unit: Option<OrgUnitId>,
    /// 配合单位.
    pub co_units: Vec<OrgUnitId>,
    /// 完成时限.
    pub due: Option<NaiveDate>,
}

/// Records what the meeting decided on an item (supervisors). A new task is stored in the
/// year's 会议议定事项 plan and published at once, so the unit sees it in its workbench.
pub async fn record_outcome(
    ctx: &Ctx<'_>,
    meeting: MeetingId,
    item: ItemId,
    input: &OutcomeInput,
) -> Result<AgendaItem> {
    let (m, it) = meeting_item(ctx, meeting, item).await?;
    let kind = OutcomeKind::from_code(&input.kind)?;
    let outcome = Outcome::new(
        kind,
        &input.text,
        input.lead_unit,
        input.co_units.clone(),
        input.due,
        m.held_on,
        it.item.task.is_some(),
    )?;
    let snap = snapshot(ctx).await?;
    for unit in outcome.lead_unit.iter().chain(&outcome.co_units) {
        if !snap.units.iter().any(|u| u.id == *unit) {
            return Err(Error::Invalid("单位不存在".into()));
        }
    }
    let new_task = match (kind, outcome.lead_unit, outcome.due) {
        (OutcomeKind::NewTask, Some(lead), Some(due)) => {
            let mut task = NewTask::new(
                &outcome.text,
                m.held_on,
                due,
                if (due - m.held_on).num_days() <= 92 {
                    Frequency::Weekly
                } else {
                    Frequency::Monthly
                },
            )?;
            task.lead_unit = Some(lead);
            task.co_units = outcome.co_units.clone();
            task.text = format!("{}议定：{}", m.title, outcome.text);
            Some(task)
        }
        _ => None,
    };
    let plan = match new_task {
        Some(_) => Some(
            ctx.store
                .meeting_plan(
                    m.held_on.year(),
                    &format!("{}年会议议定事项", m.held_on.year()),
                    Some(ctx.actor.id),
                )
                .await?,
        ),
        None => None,
    };
    let decided = match (&new_task, plan) {
        (Some(task), Some(plan)) => Some(DecidedTask {
            plan,
            task,
            published_on: local_date(ctx.now).max(m.held_on),
        }),
        _ => None,
    };
    ctx.store
        .record_outcome(item, &outcome, decided, ctx.now, Some(ctx.actor.id))
        .await
        .map_err(closed)
}

/// Sets the meeting's title and attendees (supervisors).
pub async fn set_notes(
    ctx: &Ctx<'_>,
    meeting: MeetingId,
    title: &str,
    attendees: &str,
) -> Result<Meeting> {
    may_edit(ctx)?;
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(Error::Invalid("会议名称须为1到100个字".into()));
    }
    if attendees.chars().count() > 1000 {
        return Err(Error::Invalid("出席人员不能超过1000个字".into()));
    }
    ctx.store
        .set_meeting_notes(meeting, title, attendees.trim(), Some(ctx.actor.id))
        .await
        .map_err(closed)
}

/// Closes the meeting (supervisors).
pub async fn close(ctx: &Ctx<'_>, meeting: MeetingId) -> Result<Meeting> {
    may_edit(ctx)?;
    ctx.store
        .close_meeting(meeting, Some(ctx.actor.id))
        .await
        .map_err(closed)
}

/// One line of the 确定事项清单.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecidedLine {
    /// 序号 (1, 2, …).
    pub number: usize,
    /// 议定事项.
    pub text: String,
    /// 责任单位.
    pub lead_unit: String,
    /// 配合单位, joined with 、.
    pub co_units: String,
    /// 完成时限.
    pub due: NaiveDate,
    /// The lead unit's id (whom to send it to).
    pub lead: OrgUnitId,
    /// The co-units' ids.
    pub co: Vec<OrgUnitId>,
}

/// One item of the minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinutesItem {
    /// The item.
    pub item: AgendaItem,
    /// 汇报单位 (the task's lead unit), if the item has a task.
    pub reporting_unit: Option<String>,
    /// The unit's latest report: 进展情况 / 存在问题 / 下步打算 (what the department reports).
    pub latest_report: Option<(String, String, String)>,
    /// The first local date of that report's period.
    pub report_period: Option<NaiveDate>,
}

/// Everything the minutes and the 确定事项清单 say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minutes {
    /// The meeting.
    pub meeting: Meeting,
    /// Its series' name.
    pub series: String,
    /// The agenda, in order, with the reporting units and their latest reports.
    pub items: Vec<MinutesItem>,
    /// The 确定事项清单.
    pub decided: Vec<DecidedLine>,
}

/// The minutes of a meeting (page and exports use the same). Kept per data version and minute
/// in the server's cache: everyone at the meeting reloads the same page, and every change to it
/// is a write that moves the version.
pub async fn minutes(ctx: &Ctx<'_>, id: MeetingId) -> Result<Arc<Minutes>> {
    may_read(ctx)?;
    let minutes = super::snapshot::memoized(ctx, &format!("minutes:{id}"), || async {
        let (meeting, items) = get(ctx, id).await?;
        Ok(Arc::unwrap_or_clone(minutes_of(ctx, meeting, items).await?))
    })
    .await?;
    Ok(minutes)
}

/// The agenda of the meeting held on `date` (the first series' when several met that day) —
/// or, when none is recorded, the agenda the first series' meeting on that day would have now
/// (`duban export agenda --date`).
pub async fn agenda_on(ctx: &Ctx<'_>, date: NaiveDate) -> Result<Arc<Minutes>> {
    may_read(ctx)?;
    let series = ctx.store.list_series().await?;
    let first = series
        .first()
        .ok_or_else(|| Error::Invalid("还没有设置例会".into()))?;
    let held: Vec<Meeting> = ctx
        .store
        .list_meetings(1000)
        .await?
        .into_iter()
        .filter(|m| m.held_on == date)
        .collect();
    if let Some(m) = held.iter().find(|m| m.series == first.id).or(held.first()) {
        return minutes(ctx, m.id).await;
    }
    let items = compose_agenda(ctx, first.id, date)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, item)| AgendaItem {
            id: ItemId(0),
            meeting: MeetingId(0),
            position: i64::try_from(i).unwrap_or(i64::MAX),
            item,
            outcome: None,
            new_task: None,
            decided_by: None,
            decided_at: None,
        })
        .collect();
    let preview = Meeting {
        id: MeetingId(0),
        series: first.id,
        held_on: date,
        title: format!("{}（{}）", first.name, format_date(date)),
        attendees: String::new(),
        state: MeetingState::Open,
        decisions_sent_at: None,
        created_at: ctx.now,
    };
    minutes_of(ctx, preview, items).await
}

async fn minutes_of(
    ctx: &Ctx<'_>,
    meeting: Meeting,
    items: Vec<AgendaItem>,
) -> Result<Arc<Minutes>> {
    let snap = snapshot(ctx).await?;
    let unit_name = |u: OrgUnitId| {
        snap.units
            .iter()
            .find(|x| x.id == u)
            .map_or_else(|| "—".to_owned(), |x| x.name.clone())
    };
    let series = ctx
        .store
        .list_series()
        .await?
        .into_iter()
        .find(|s| s.id == meeting.series)
        .map(|s| s.name)
        .unwrap_or_default();
    // Each item's task's latest submitted report, in one read: those of the last quarter before
    // the meeting (an older one is no news to report at it).
    let latest: std::collections::HashMap<crate::tasks::TaskId, crate::tasks::ReportRecord> = ctx
        .store
        .list_reports_in_period(
            meeting.held_on - chrono::Duration::days(LATEST_REPORT_DAYS),
            meeting.held_on + chrono::Duration::days(1),
        )
        .await?
        .into_iter()
        .map(|r| (r.task, r))
        .collect();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let task = item.item.task.and_then(|t| snap.task(t));
        let latest = task.and_then(|t| latest.get(&t.id));
        out.push(MinutesItem {
            reporting_unit: task.and_then(|t| t.lead_unit).map(unit_name),
            report_period: latest.map(|r| r.period_start),
            latest_report: latest.map(|r| {
                (
                    r.progress_text.clone(),
                    r.problems.clone(),
                    r.next_steps.clone(),
                )
            }),
            item,
        });
    }
    let decided = out
        .iter()
        .filter_map(|m| m.item.outcome.as_ref())
        .filter(|o| o.kind.is_decided_item())
        .filter_map(|o| Some((o, o.lead_unit?, o.due?)))
        .enumerate()
        .map(|(i, (o, lead, due))| DecidedLine {
            number: i + 1,
            text: o.text.clone(),
            lead_unit: unit_name(lead),
            co_units: o
                .co_units
                .iter()
                .map(|u| unit_name(*u))
                .collect::<Vec<_>>()
                .join("、"),
            due,
            lead,
            co: o.co_units.clone(),
        })
        .collect();
    Ok(Arc::new(Minutes {
        meeting,
        series,
        items: out,
        decided,
    }))
}

/// Sends the 确定事项清单 to the units concerned (each unit's users get the items they lead or
/// support, in their inbox; robots that listen to meeting decisions get the whole list), once.
/// Returns whether it was sent now (false: it had been sent before).
pub async fn send_decisions(ctx: &Ctx<'_>, id: MeetingId, routing: &Routing) -> Result<bool> {
    may_edit(ctx)?;
    let m = minutes(ctx, id).await?;
    if m.decided.is_empty() {
        return Err(Error::Invalid("本次会议还没有议定事项".into()));
    }
    let snap = snapshot(ctx).await?;
    let audience = Audience::load(ctx.store, snap.users.clone()).await?;
    let mut all = Dispatch::default();
    let mut units: Vec<OrgUnitId> = m
        .decided
        .iter()
        .flat_map(|d| std::iter::once(d.lead).chain(d.co.iter().copied()))
        .collect();
    units.sort();
    units.dedup();
    let line = |d: &super::meetings::DecidedLine| {
        format!(
            "{}. {}（责任单位：{}{}；完成时限：{}）",
            d.number,
            d.text,
            d.lead_unit,
            if d.co_units.is_empty() {
                String::new()
            } else {
                format!("；配合单位：{}", d.co_units)
            },
            format_date(d.due)
        )
    };
    for unit in units {
        let mine: Vec<String> = m
            .decided
            .iter()
            .filter(|d| d.lead == unit || d.co.contains(&unit))
            .map(line)
            .collect();
        let message = Message {
            kind: NotifyKind::MeetingDecision,
            title: format!("{} 确定事项", m.meeting.title),
            body: mine.join("\n"),
            link: None,
        };
        let to = dispatch(
            &message,
            &audience.unit(Some(unit)),
            &[],
            routing.email_enabled,
        );
        all.inbox.extend(to.inbox);
        all.outgoing.extend(to.outgoing);
    }
    let whole = Message {
        kind: NotifyKind::MeetingDecision,
        title: format!("{} 确定事项清单", m.meeting.title),
        body: m.decided.iter().map(line).collect::<Vec<_>>().join("\n"),
        link: Some(format!("/meetings/{id}")),
    };
    all.outgoing
        .extend(dispatch(&whole, &[], &routing.robots, false).outgoing);
    Ok(ctx
        .store
        .send_decisions(id, ctx.now, &all, Some(ctx.actor.id))
        .await?)
}

impl Minutes {
    /// Whether the meeting can still change.
    pub fn is_open(&self) -> bool {
        self.meeting.state == MeetingState::Open
    }
}
