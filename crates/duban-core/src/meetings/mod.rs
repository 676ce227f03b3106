//! 周例会 (the weekly leadership meeting, by default the Monday 局党政联席会议): meeting series,
//! meetings, their agenda (菜单议题) and what was decided on each item.
//!
//! The agenda is composed from the live state ([`compose`]): items carried over from the last
//! meeting, red tasks, problems units flagged as needing leadership coordination (需协调解决),
//! pending 办结/延期 requests, yellow tasks, and tasks due within 14 days — each task once, under
//! its most pressing heading. The 督查室 then reorders, adds and removes items. On each item the
//! meeting records one outcome: a decision (议定事项, with responsible unit, co-units and a
//! deadline), a new task (which enters the loop as a 会议议定事项), a 批示 on the task, or a
//! carry-over to the next meeting. Decisions and new tasks make the 确定事项清单.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::org::{OrgUnitId, UserId};
use crate::tasks::records::stored_codes;
use crate::tasks::{Light, RecordError, ReportId, RequestId, TaskId};

/// How far ahead "due soon" looks when composing an agenda.
pub const DUE_SOON_DAYS: i64 = 14;

/// The id of a meeting series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SeriesId(pub i64);

/// The id of a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MeetingId(pub i64);

/// The id of an agenda item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ItemId(pub i64);

macro_rules! display_id {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}
display_id!(SeriesId, MeetingId, ItemId);

/// A recurring meeting: 局党政联席会议 every Monday, say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingSeries {
    /// Assigned by the store.
    pub id: SeriesId,
    /// 局党政联席会议.
    pub name: String,
    /// The day it meets.
    pub weekday: Weekday,
    /// The local time it starts.
    pub start_time: NaiveTime,
}

impl MeetingSeries {
    /// The next meeting day on or after `date`.
    pub fn next_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        use chrono::Datelike;
        let ahead =
            (7 + self.weekday.num_days_from_monday() - date.weekday().num_days_from_monday()) % 7;
        date + chrono::Duration::days(i64::from(ahead))
    }
}

/// Checks a series' name (1–50 characters).
pub fn check_series_name(name: &str) -> Result<String, RecordError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(RecordError("会议名称须为1到50个字".into()));
    }
    Ok(name.to_owned())
}

/// Where a meeting is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingState {
    /// Agenda being prepared or the meeting under way.
    Open,
    /// Closed: minutes final, nothing changes any more.
    Closed,
}

stored_codes!(MeetingState, "会议状态", {
    Open => "open",
    Closed => "closed",
});

/// One meeting of a series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    /// Assigned by the store.
    pub id: MeetingId,
    /// Its series.
    pub series: SeriesId,
    /// The day it is held.
    pub held_on: NaiveDate,
    /// 2026年第10次局党政联席会议, or as the 督查室 names it.
    pub title: String,
    /// 出席/列席 and other notes for the minutes.
    pub attendees: String,
    /// Open or closed.
    pub state: MeetingState,
    /// When the 确定事项清单 went to the units.
    pub decisions_sent_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// Why an item is on the agenda, in the order the agenda takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemSource {
    /// Carried over from the last meeting.
    CarryOver,
    /// A red task.
    Red,
    /// A unit asked for leadership coordination in its report.
    Coordination,
    /// A 办结 or 延期 request waiting for the leader.
    Approval,
    /// A yellow task.
    Yellow,
    /// Due within 14 days.
    DueSoon,
    /// Added by hand.
    Manual,
}

stored_codes!(ItemSource, "议题来源", {
    CarryOver => "carry_over",
    Red => "red",
    Coordination => "coordination",
    Approval => "approval",
    Yellow => "yellow",
    DueSoon => "due_soon",
    Manual => "manual",
});

impl ItemSource {
    /// The heading on the agenda.
    pub fn label(self) -> &'static str {
        match self {
            ItemSource::CarryOver => "上次会议延续议题",
            ItemSource::Red => "红灯任务",
            ItemSource::Coordination => "需协调解决事项",
            ItemSource::Approval => "待审批事项",
            ItemSource::Yellow => "黄灯任务",
            ItemSource::DueSoon => "14日内到期任务",
            ItemSource::Manual => "临时议题",
        }
    }
}

/// An agenda item before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewItem {
    /// Why it is there.
    pub source: ItemSource,
    /// The task it is about, if one.
    pub task: Option<TaskId>,
    /// The request it is about (approvals).
    pub request: Option<RequestId>,
    /// The report that flagged it (coordination).
    pub report: Option<ReportId>,
    /// The item's heading (usually the task's title).
    pub title: String,
    /// Why, in a sentence (the light's reason, the flagged problem, the request).
    pub note: String,
}

impl NewItem {
    /// An item added by hand: a heading of 1–200 characters, an optional note and task.
    pub fn manual(title: &str, note: &str, task: Option<TaskId>) -> Result<Self, RecordError> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(RecordError("议题须为1到200个字".into()));
        }
        if note.chars().count() > 2000 {
            return Err(RecordError("说明不能超过2000个字".into()));
        }
        Ok(NewItem {
            source: ItemSource::Manual,
            task,
            request: None,
            report: None,
            title: title.to_owned(),
            note: note.trim().to_owned(),
        })
    }
}

/// What the meeting decided on an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// 议定事项: decided, with who does it by when.
    Decision,
    /// A new task (会议议定事项) enters the loop.
    NewTask,
    /// A 批示 on the item's task.
    Instruction,
    /// Carried over to the next meeting.
    CarryOver,
}

stored_codes!(OutcomeKind, "议定结果类型", {
    Decision => "decision",
    NewTask => "new_task",
    Instruction => "instruction",
    CarryOver => "carry_over",
});

impl OutcomeKind {
    /// 议定事项 / 新增任务 / 领导批示 / 下次继续.
    pub fn label(self) -> &'static str {
        match self {
            OutcomeKind::Decision => "议定事项",
            OutcomeKind::NewTask => "新增任务（会议议定事项）",
            OutcomeKind::Instruction => "领导批示",
            OutcomeKind::CarryOver => "下次会议继续",
        }
    }

    /// Whether it goes on the 确定事项清单 (who does what by when).
    pub fn is_decided_item(self) -> bool {
        matches!(self, OutcomeKind::Decision | OutcomeKind::NewTask)
    }
}

/// An outcome, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Which kind.
    pub kind: OutcomeKind,
    /// The decision, the new task's title, the 批示, or what is carried over.
    pub text: String,
    /// 责任单位 (decisions and new tasks).
    pub lead_unit: Option<OrgUnitId>,
    /// 配合单位.
    pub co_units: Vec<OrgUnitId>,
    /// 完成时限 (decisions and new tasks).
    pub due: Option<NaiveDate>,
}

impl Outcome {
    /// Checks an outcome: every kind needs its text; decisions and new tasks need a
    /// responsible unit and a deadline not before the meeting; a 批示 needs the item's task.
    pub fn new(
        kind: OutcomeKind,
        text: &str,
        lead_unit: Option<OrgUnitId>,
        co_units: Vec<OrgUnitId>,
        due: Option<NaiveDate>,
        held_on: NaiveDate,
        item_has_task: bool,
    ) -> Result<Self, RecordError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RecordError(format!("请填写{}的内容", kind.label())));
        }
        let max = if kind == OutcomeKind::NewTask {
            200
        } else {
            2000
        };
        if text.chars().count() > max {
            return Err(RecordError(format!("{}不能超过{max}个字", kind.label())));
        }
        let mut co_units = co_units;
        co_units.sort();
        co_units.dedup();
        match kind {
            OutcomeKind::Decision | OutcomeKind::NewTask => {
                let lead = lead_unit.ok_or_else(|| RecordError("请选择责任单位".into()))?;
                co_units.retain(|u| *u != lead);
                let due = due.ok_or_else(|| RecordError("请填写完成时限".into()))?;
                if due < held_on {
                    return Err(RecordError("完成时限不能早于会议日期".into()));
                }
                Ok(Outcome {
                    kind,
                    text: text.to_owned(),
                    lead_unit: Some(lead),
                    co_units,
                    due: Some(due),
                })
            }
            OutcomeKind::Instruction if !item_has_task => Err(RecordError(
                "该议题没有关联任务，不能作批示；可记为议定事项".into(),
            )),
            OutcomeKind::Instruction | OutcomeKind::CarryOver => Ok(Outcome {
                kind,
                text: text.to_owned(),
                lead_unit: None,
                co_units: Vec::new(),
                due: None,
            }),
        }
    }
}

/// A stored agenda item with its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    /// Assigned by the store.
    pub id: ItemId,
    /// Its meeting.
    pub meeting: MeetingId,
    /// Order on the agenda (0, 1, …).
    pub position: i64,
    /// What it is.
    pub item: NewItem,
    /// What was decided, once recorded.
    pub outcome: Option<Outcome>,
    /// The task created by a `NewTask` outcome.
    pub new_task: Option<TaskId>,
    /// Who recorded the outcome, when.
    pub decided_by: Option<UserId>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
}

/// What [`compose`] needs to know about one task.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskState {
    /// The task.
    pub task: TaskId,
    /// Its title.
    pub title: String,
    /// Its light now.
    pub light: Light,
    /// The first reason of its light (a sentence).
    pub reason: String,
    /// Its deadline.
    pub due: NaiveDate,
    /// Whether it is open (published, not completed): only open tasks are discussed.
    pub open: bool,
    /// Whether it is a parent (its children are discussed, not it).
    pub is_parent: bool,
}

/// A pending request, for the agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRequest {
    /// The request.
    pub request: RequestId,
    /// Its task.
    pub task: TaskId,
    /// A sentence: "申请办结：…" / "申请延期至…：…".
    pub note: String,
}

/// A report that asked for coordination, for the agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedReport {
    /// The report.
    pub report: ReportId,
    /// Its task.
    pub task: TaskId,
    /// The problem as the unit wrote it (存在问题, or 进展情况 when that is empty).
    pub problem: String,
}

/// Composes an agenda for a meeting held on `held_on`: carry-overs, then red tasks,
/// coordination requests, pending approvals, yellow tasks, and tasks due within
/// [`DUE_SOON_DAYS`] — each task once, under its first heading in that order.
pub fn compose(
    held_on: NaiveDate,
    tasks: &[TaskState],
    requests: &[PendingRequest],
    flagged: &[FlaggedReport],
    carried: &[AgendaItem],
) -> Vec<NewItem> {
    let mut items: Vec<NewItem> = Vec::new();
    let mut seen: std::collections::HashSet<TaskId> = std::collections::HashSet::new();
    let title_of = |id: TaskId| {
        tasks
            .iter()
            .find(|t| t.task == id)
            .map(|t| t.title.clone())
            .unwrap_or_default()
    };
    for c in carried {
        if let Some(task) = c.item.task {
            seen.insert(task);
        }
        let note = c
            .outcome
            .as_ref()
            .map_or_else(|| c.item.note.clone(), |o| o.text.clone());
        items.push(NewItem {
            source: ItemSource::CarryOver,
            task: c.item.task,
            request: c.item.request,
            report: c.item.report,
            title: c.item.title.clone(),
            note,
        });
    }
    let open: Vec<&TaskState> = tasks.iter().filter(|t| t.open && !t.is_parent).collect();
    for t in open.iter().filter(|t| t.light == Light::Red) {
        if seen.insert(t.task) {
            items.push(task_item(ItemSource::Red, t));
        }
    }
    for f in flagged {
        if seen.insert(f.task) {
            items.push(NewItem {
                source: ItemSource::Coordination,
                task: Some(f.task),
                request: None,
                report: Some(f.report),
                title: title_of(f.task),
                note: f.problem.clone(),
            });
        }
    }
    for r in requests {
        if seen.insert(r.task) {
            items.push(NewItem {
                source: ItemSource::Approval,
                task: Some(r.task),
                request: Some(r.request),
                report: None,
                title: title_of(r.task),
                note: r.note.clone(),
            });
        }
    }
    for t in open.iter().filter(|t| t.light == Light::Yellow) {
        if seen.insert(t.task) {
            items.push(task_item(ItemSource::Yellow, t));
        }
    }
    let horizon = held_on + chrono::Duration::days(DUE_SOON_DAYS);
    let mut due_soon: Vec<&&TaskState> = open
        .iter()
        .filter(|t| t.due >= held_on && t.due <= horizon)
        .collect();
    due_soon.sort_by_key(|t| (t.due, t.task));
    for t in due_soon {
        if seen.insert(t.task) {
            let mut item = task_item(ItemSource::DueSoon, t);
            item.note = format!("完成时限：{}", crate::tasks::format_date(t.due));
            items.push(item);
        }
    }
    items
}

fn task_item(source: ItemSource, t: &TaskState) -> NewItem {
    NewItem {
        source,
        task: Some(t.task),
        request: None,
        report: None,
        title: t.title.clone(),
        note: t.reason.clone(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn t(id: i64, light: Light, due: NaiveDate) -> TaskState {
        TaskState {
            task: TaskId(id),
            title: format!("任务{id}"),
            light,
            reason: format!("原因{id}"),
            due,
            open: true,
            is_parent: false,
        }
    }

    #[test]
    fn the_agenda_takes_each_task_once_under_its_most_pressing_heading() {
        let held = d(3, 9);
        let mut closed = t(9, Light::Red, d(3, 1));
        closed.open = false;
        let tasks = vec![
            t(1, Light::Red, d(3, 1)),
            t(2, Light::Yellow, d(3, 12)),
            t(3, Light::Green, d(3, 20)),
            t(4, Light::Green, d(6, 30)),
            t(5, Light::Yellow, d(6, 30)),
            t(6, Light::Green, d(6, 30)),
            closed,
        ];
        let requests = [PendingRequest {
            request: RequestId(1),
            task: TaskId(5),
            note: "申请延期".into(),
        }];
        let flagged = [FlaggedReport {
            report: ReportId(1),
            task: TaskId(1),
            problem: "已在红灯下".into(),
        }];
        let carried = [AgendaItem {
            id: ItemId(1),
            meeting: MeetingId(1),
            position: 0,
            item: NewItem {
                source: ItemSource::Red,
                task: Some(TaskId(6)),
                request: None,
                report: None,
                title: "任务6".into(),
                note: "旧".into(),
            },
            outcome: Some(Outcome {
                kind: OutcomeKind::CarryOver,
                text: "下周听取专题汇报".into(),
                lead_unit: None,
                co_units: Vec::new(),
                due: None,
            }),
            new_task: None,
            decided_by: None,
            decided_at: None,
        }];
        let items = compose(held, &tasks, &requests, &flagged, &carried);
        let got: Vec<(ItemSource, i64)> = items
            .iter()
            .map(|i| (i.source, i.task.unwrap().0))
            .collect();
        assert_eq!(
            got,
            [
                (ItemSource::CarryOver, 6),
                (ItemSource::Red, 1),
                (ItemSource::Approval, 5),
                (ItemSource::Yellow, 2),
                (ItemSource::DueSoon, 3),
            ]
        );
        assert_eq!(items[0].note, "下周听取专题汇报");
        assert_eq!(items[4].note, "完成时限：2026年3月20日");
    }

    #[test]
    fn outcomes_need_what_they_promise() {
        let held = d(3, 9);
        let unit = OrgUnitId(3);
        let e = Outcome::new(
            OutcomeKind::Decision,
            "  ",
            Some(unit),
            vec![],
            Some(d(3, 31)),
            held,
            true,
        );
        assert!(e.unwrap_err().0.contains("请填写议定事项"));
        let e = Outcome::new(
            OutcomeKind::NewTask,
            "开展专项整治",
            None,
            vec![],
            Some(d(3, 31)),
            held,
            true,
        );
        assert_eq!(e.unwrap_err().0, "请选择责任单位");
        let e = Outcome::new(
            OutcomeKind::NewTask,
            "开展专项整治",
            Some(unit),
            vec![],
            Some(d(3, 1)),
            held,
            true,
        );
        assert_eq!(e.unwrap_err().0, "完成时限不能早于会议日期");
        let e = Outcome::new(
            OutcomeKind::Instruction,
            "抓紧",
            None,
            vec![],
            None,
            held,
            false,
        );
        assert!(e.is_err());
        let ok = Outcome::new(
            OutcomeKind::Decision,
            "由基教科牵头制定方案",
            Some(unit),
            vec![OrgUnitId(5), unit, OrgUnitId(4), OrgUnitId(5)],
            Some(d(3, 31)),
            held,
            true,
        )
        .unwrap();
        assert_eq!(ok.co_units, [OrgUnitId(4), OrgUnitId(5)]);
        assert!(ok.kind.is_decided_item());
        let series = MeetingSeries {
            id: SeriesId(1),
            name: "局党政联席会议".into(),
            weekday: Weekday::Mon,
            start_time: NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
        };
        assert_eq!(series.next_on_or_after(d(3, 9)), d(3, 9));
        assert_eq!(series.next_on_or_after(d(3, 10)), d(3, 16));
        assert_eq!(series.next_on_or_after(d(3, 15)), d(3, 16));
    }
}
