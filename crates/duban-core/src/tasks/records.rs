//! The persisted shapes of plans, tasks and progress reports: what goes into the store (`New*`,
//! validated once by their constructors, with Chinese messages) and what comes back (`Plan`,
//! `TaskRecord`, `ReportRecord`), plus the bridges to the rules (`TaskRecord::facts`,
//! `ReportRecord::summary`).
//!
//! No I/O and no clock: times that matter to the rules (submission, completion) are passed in by
//! the caller; `created_at`/`updated_at` are stamped by the store.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

use super::extras::{Milestone, NewTarget, TargetRecord, TargetValue};
use super::model::{
    Frequency, ReportState, ReportSummary, TaskFacts, TaskId, TaskStatus, TaskTimeline, format_date,
};
use crate::org::{OrgUnitId, UserId};

/// Longest task or plan title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest free-text field (task text, source text excluded; each report field), in characters.
pub const MAX_TEXT_CHARS: usize = 5000;
/// Longest 责任人 name or outline marker, in characters.
pub const MAX_NAME_CHARS: usize = 50;

/// Invalid task, plan or report input; the message is Chinese and safe to show to the person who
/// typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RecordError(pub String);

/// A plan's database id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PlanId(pub i64);

/// A progress report's database id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReportId(pub i64);

impl fmt::Display for PlanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Gives a fieldless enum its stable machine names: `ALL` (every variant, in order), `code()`
/// (the name stored in the database, the same as the serde name) and `from_code()` (its inverse,
/// with a Chinese message naming what was unknown).
macro_rules! stored_codes {
    ($ty:ident, $what:literal, { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $ty {
            #[doc = concat!("Every `", stringify!($ty), "`, in order.")]
            pub const ALL: [$ty; [$($code),+].len()] = [$($ty::$variant),+];

            /// The stable machine name stored in the database (same as the serde name).
            pub fn code(self) -> &'static str {
                match self {
                    $($ty::$variant => $code),+
                }
            }

            #[doc = concat!("Parses a name written by [`", stringify!($ty), "::code`].")]
            pub fn from_code(s: &str) -> Result<Self, RecordError> {
                Self::ALL
                    .into_iter()
                    .find(|v| v.code() == s)
                    .ok_or_else(|| RecordError(format!(concat!("未知的", $what, "：{}"), s)))
            }
        }
    };
}
pub(crate) use stored_codes;

stored_codes!(Frequency, "报送频次", {
    Weekly => "weekly",
    Monthly => "monthly",
    Quarterly => "quarterly",
    Once => "once",
});

stored_codes!(TaskStatus, "任务状态", {
    Draft => "draft",
    Published => "published",
    Completed => "completed",
    Cancelled => "cancelled",
});

stored_codes!(ReportState, "报送状态", {
    Draft => "draft",
    Submitted => "submitted",
    Accepted => "accepted",
    Returned => "returned",
});

fn check_title(what: &str, title: &str) -> Result<String, RecordError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(RecordError(format!("{what}不能为空")));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(RecordError(format!("{what}不能超过{MAX_TITLE_CHARS}个字")));
    }
    Ok(title.to_owned())
}

fn check_text(what: &str, text: &str, max: usize) -> Result<String, RecordError> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(RecordError(format!("{what}不能超过{max}个字")));
    }
    Ok(text.to_owned())
}

/// A validated plan that is not stored yet: the imported document and its outline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPlan {
    /// Trimmed, 1–200 characters.
    pub title: String,
    /// The plan's year (e.g. 2026), when known.
    pub year: Option<i32>,
    /// The uploaded file's name.
    pub source_file: String,
    /// The plan's full text as imported; task source offsets point into it.
    pub source_text: String,
    /// The importer's result (outline, targets) as JSON, kept for the preview and re-decomposition.
    pub import_json: String,
}

impl NewPlan {
    /// Validates a plan: a title of 1–200 characters and a plausible year (2000–2100).
    pub fn new(
        title: &str,
        year: Option<i32>,
        source_file: &str,
        source_text: &str,
        import_json: &str,
    ) -> Result<Self, RecordError> {
        let title = check_title("计划标题", title)?;
        if let Some(year) = year
            && !(2000..=2100).contains(&year)
        {
            return Err(RecordError(format!("年份{year}不在2000至2100之间")));
        }
        let source_file = check_text("文件名", source_file, 255)?;
        Ok(Self {
            title,
            year,
            source_file,
            source_text: source_text.to_owned(),
            import_json: import_json.to_owned(),
        })
    }
}

/// A stored plan. The source text and import JSON stay in the store until asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Assigned by the store.
    pub id: PlanId,
    /// The plan's title.
    pub title: String,
    /// The plan's year, when known.
    pub year: Option<i32>,
    /// The uploaded file's name.
    pub source_file: String,
    /// When the plan was imported (stamped by the store).
    pub created_at: DateTime<Utc>,
    /// Whether the plan was published (交办): its tasks are visible to their units.
    pub published: bool,
}

/// A validated task that is not stored yet (a confirmed draft of the 任务分解表).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewTask {
    /// The plan it was decomposed from; `Store::insert_tasks` sets it to its own `plan` argument.
    pub plan: Option<PlanId>,
    /// The parent task (a programme 工程 above its measures), already stored.
    pub parent: Option<TaskId>,
    /// The outline markers leading to it, e.g. `["一、", "（二）", "3."]`.
    pub path: Vec<String>,
    /// Trimmed, 1–200 characters.
    pub title: String,
    /// The full task text (target sentence), at most 5000 characters.
    pub text: String,
    /// Code-point offset of the task's text in the plan's source text (inclusive), when imported.
    pub source_start: Option<u32>,
    /// Code-point offset of the end of the task's text (exclusive); never before `source_start`.
    pub source_end: Option<u32>,
    /// 责任科室 / 牵头单位.
    pub lead_unit: Option<OrgUnitId>,
    /// 配合单位: sorted, without duplicates and without the lead unit.
    pub co_units: Vec<OrgUnitId>,
    /// 牵头领导.
    pub leader: Option<UserId>,
    /// 责任人, a name as written in the plan (not necessarily a user).
    pub owner_name: Option<String>,
    /// First day of work.
    pub start: NaiveDate,
    /// 完成时限; never before `start`.
    pub due: NaiveDate,
    /// How often the units report.
    pub frequency: Frequency,
    /// Weight in the parent's roll-up; finite and ≥ 0.
    pub weight: f64,
    /// Numeric targets (指标) read from the plan or added by the 督查室.
    pub targets: Vec<NewTarget>,
    /// Milestones (节点), by date.
    pub milestones: Vec<Milestone>,
}

impl NewTask {
    /// A task with only the required facts; every other field empty, weight 1. Validated.
    pub fn new(
        title: &str,
        start: NaiveDate,
        due: NaiveDate,
        frequency: Frequency,
    ) -> Result<Self, RecordError> {
        Self {
            plan: None,
            parent: None,
            path: Vec::new(),
            title: title.to_owned(),
            text: String::new(),
            source_start: None,
            source_end: None,
            lead_unit: None,
            co_units: Vec::new(),
            leader: None,
            owner_name: None,
            start,
            due,
            frequency,
            weight: 1.0,
            targets: Vec::new(),
            milestones: Vec::new(),
        }
        .validated()
    }

    /// Checks and normalises every field (after setting fields directly, call this before
    /// storing): title 1–200 characters, text ≤ 5000, due date not before the start date, weight
    /// finite and ≥ 0, source offsets in order, co-units deduplicated and without the lead unit.
    pub fn validated(mut self) -> Result<Self, RecordError> {
        self.title = check_title("任务名称", &self.title)?;
        self.text = check_text("任务内容", &self.text, MAX_TEXT_CHARS)?;
        if self.due < self.start {
            return Err(RecordError(format!(
                "完成时限（{}）不能早于开始日期（{}）",
                format_date(self.due),
                format_date(self.start)
            )));
        }
        if !self.weight.is_finite() || self.weight < 0.0 {
            return Err(RecordError("权重必须是不小于0的数".into()));
        }
        match (self.source_start, self.source_end) {
            (Some(start), Some(end)) if start <= end => {}
            (None, None) => {}
            _ => return Err(RecordError("原文位置不完整或起止颠倒".into())),
        }
        for marker in &self.path {
            if marker.chars().count() > MAX_NAME_CHARS {
                return Err(RecordError(format!("层级编号不能超过{MAX_NAME_CHARS}个字")));
            }
        }
        self.owner_name = match self.owner_name.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) => Some(check_text("责任人", name, MAX_NAME_CHARS)?),
        };
        self.co_units.sort();
        self.co_units.dedup();
        let lead = self.lead_unit;
        self.co_units.retain(|unit| Some(*unit) != lead);
        self.milestones.sort_by_key(|m| m.date);
        if self.targets.len() > 50 || self.milestones.len() > 50 {
            return Err(RecordError("一项任务最多50个指标、50个节点".into()));
        }
        Ok(self)
    }
}

/// A stored task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// Assigned by the store.
    pub id: TaskId,
    /// The plan it was decomposed from.
    pub plan: Option<PlanId>,
    /// The parent task.
    pub parent: Option<TaskId>,
    /// The outline markers leading to it.
    pub path: Vec<String>,
    /// The task's title.
    pub title: String,
    /// The full task text.
    pub text: String,
    /// Code-point offset of its text in the plan's source (inclusive).
    pub source_start: Option<u32>,
    /// Code-point offset of the end of its text (exclusive).
    pub source_end: Option<u32>,
    /// 责任科室 / 牵头单位.
    pub lead_unit: Option<OrgUnitId>,
    /// 配合单位, sorted.
    pub co_units: Vec<OrgUnitId>,
    /// 牵头领导.
    pub leader: Option<UserId>,
    /// 责任人.
    pub owner_name: Option<String>,
    /// Where the task is in its life.
    pub status: TaskStatus,
    /// Dates, cadence, weight; `original_due` survives extensions.
    pub timeline: TaskTimeline,
    /// When it was stored (stamped by the store).
    pub created_at: DateTime<Utc>,
    /// Numeric targets (指标), in input order.
    pub targets: Vec<TargetRecord>,
    /// Milestones (节点), by date.
    pub milestones: Vec<Milestone>,
}

impl TaskRecord {
    /// The facts the light rules ([`crate::tasks::assess`]) work from.
    pub fn facts(&self) -> TaskFacts {
        TaskFacts {
            id: self.id,
            status: self.status,
            timeline: self.timeline.clone(),
        }
    }

    /// Whether `unit` is this task's lead unit or one of its co-units (a unit user's data scope).
    pub fn involves_unit(&self, unit: OrgUnitId) -> bool {
        self.lead_unit == Some(unit) || self.co_units.contains(&unit)
    }
}

/// A validated progress report (or its draft) that is not stored yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReport {
    /// The task reported on.
    pub task: TaskId,
    /// The first local date of the reported period (see [`crate::tasks::Period::start_date`]).
    pub period_start: NaiveDate,
    /// 进展情况, at most 5000 characters.
    pub progress_text: String,
    /// 存在问题, at most 5000 characters.
    pub problems: String,
    /// 下步打算, at most 5000 characters.
    pub next_steps: String,
    /// 完成进度 in percent, 0–100.
    pub percent: f64,
    /// Whether the unit asks the 督查室 to coordinate (需协调解决).
    pub needs_coordination: bool,
    /// The measured value of each of the task's targets that the unit filled in.
    pub values: Vec<TargetValue>,
}

impl NewReport {
    /// Validates a report: every text at most 5000 characters, the percentage 0–100.
    pub fn new(
        task: TaskId,
        period_start: NaiveDate,
        progress_text: &str,
        problems: &str,
        next_steps: &str,
        percent: f64,
        needs_coordination: bool,
    ) -> Result<Self, RecordError> {
        if !percent.is_finite() || !(0.0..=100.0).contains(&percent) {
            return Err(RecordError(format!(
                "完成进度必须在0到100之间（填写的是{percent}）"
            )));
        }
        Ok(Self {
            task,
            period_start,
            progress_text: check_text("进展情况", progress_text, MAX_TEXT_CHARS)?,
            problems: check_text("存在问题", problems, MAX_TEXT_CHARS)?,
            next_steps: check_text("下步打算", next_steps, MAX_TEXT_CHARS)?,
            percent,
            needs_coordination,
            values: Vec::new(),
        })
    }

    /// Adds the measured target values (each finite; one per target).
    pub fn with_values(mut self, mut values: Vec<TargetValue>) -> Result<Self, RecordError> {
        if values.iter().any(|v| !v.value.is_finite()) {
            return Err(RecordError("指标完成值必须是数字".into()));
        }
        values.sort_by_key(|v| v.target);
        values.dedup_by_key(|v| v.target);
        self.values = values;
        Ok(self)
    }
}

/// A stored progress report: one per task and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRecord {
    /// Assigned by the store.
    pub id: ReportId,
    /// The task reported on.
    pub task: TaskId,
    /// The first local date of the reported period.
    pub period_start: NaiveDate,
    /// 进展情况.
    pub progress_text: String,
    /// 存在问题.
    pub problems: String,
    /// 下步打算.
    pub next_steps: String,
    /// 完成进度, 0–100.
    pub percent: f64,
    /// 需协调解决.
    pub needs_coordination: bool,
    /// Where the report is in review.
    pub state: ReportState,
    /// The first submission; kept when a returned report is resubmitted (on time is judged by it).
    pub first_submitted_at: Option<DateTime<Utc>>,
    /// The last change (edit, submission or review).
    pub updated_at: DateTime<Utc>,
    /// The reviewer's comment (the reason of a return, 退回理由).
    pub review_comment: Option<String>,
    /// Who reviewed it last.
    pub reviewed_by: Option<UserId>,
    /// How many times it was returned (退回).
    #[serde(default)]
    pub returns: u32,
    /// The measured target values, by target.
    pub values: Vec<TargetValue>,
}

impl ReportRecord {
    /// What the light rules need to know about this report.
    pub fn summary(&self) -> ReportSummary {
        ReportSummary {
            period_start: self.period_start,
            submitted_at: self.first_submitted_at,
            state: self.state,
            percent: self.percent,
            returns: self.returns,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_task_needs_a_title_and_a_due_date_after_its_start() {
        let (start, due) = (date(2026, 1, 5), date(2026, 6, 30));
        let task = NewTask::new(" 推进集团化办学 ", start, due, Frequency::Weekly).unwrap();
        assert_eq!(task.title, "推进集团化办学");
        assert_eq!(task.weight, 1.0);
        let err = NewTask::new("  ", start, due, Frequency::Weekly).unwrap_err();
        assert_eq!(err.0, "任务名称不能为空");
        let err = NewTask::new("任务", due, start, Frequency::Weekly).unwrap_err();
        assert!(err.0.contains("不能早于开始日期"), "{err}");
        let long = "字".repeat(201);
        assert!(NewTask::new(&long, start, due, Frequency::Once).is_err());
        let mut heavy = task.clone();
        heavy.weight = -1.0;
        assert!(heavy.validated().unwrap_err().0.contains("权重"));
    }

    #[test]
    fn co_units_are_deduplicated_and_exclude_the_lead() {
        let mut task = NewTask::new(
            "任务",
            date(2026, 1, 5),
            date(2026, 2, 5),
            Frequency::Monthly,
        )
        .unwrap();
        task.lead_unit = Some(OrgUnitId(2));
        task.co_units = vec![OrgUnitId(3), OrgUnitId(2), OrgUnitId(3), OrgUnitId(1)];
        let task = task.validated().unwrap();
        assert_eq!(task.co_units, [OrgUnitId(1), OrgUnitId(3)]);
    }

    #[test]
    fn a_report_percent_is_between_zero_and_a_hundred() {
        let ok = NewReport::new(TaskId(1), date(2026, 1, 5), "进展", "", "", 100.0, false);
        assert!(ok.is_ok());
        for bad in [150.0, -1.0, f64::NAN] {
            let err = NewReport::new(TaskId(1), date(2026, 1, 5), "进展", "", "", bad, false)
                .unwrap_err();
            assert!(err.0.contains("完成进度必须在0到100之间"), "{err}");
        }
        let long = "字".repeat(10_000);
        let err =
            NewReport::new(TaskId(1), date(2026, 1, 5), &long, "", "", 50.0, false).unwrap_err();
        assert_eq!(err.0, "进展情况不能超过5000个字");
    }

    #[test]
    fn codes_round_trip() {
        for f in Frequency::ALL {
            assert_eq!(Frequency::from_code(f.code()).unwrap(), f);
        }
        for s in TaskStatus::ALL {
            assert_eq!(TaskStatus::from_code(s.code()).unwrap(), s);
        }
        for r in ReportState::ALL {
            assert_eq!(ReportState::from_code(r.code()).unwrap(), r);
        }
        for k in crate::tasks::RequestKind::ALL {
            assert_eq!(crate::tasks::RequestKind::from_code(k.code()).unwrap(), k);
        }
        for r in crate::tasks::RequestState::ALL {
            assert_eq!(crate::tasks::RequestState::from_code(r.code()).unwrap(), r);
        }
        assert_eq!(
            Frequency::from_code("daily").unwrap_err().0,
            "未知的报送频次：daily"
        );
        // The database names are the serde names, so JSON and rows agree.
        assert_eq!(
            serde_json::to_string(&TaskStatus::Published).unwrap(),
            "\"published\""
        );
        assert_eq!(
            serde_json::to_string(&crate::tasks::RequestState::Pending).unwrap(),
            "\"pending\""
        );
    }
}
