//! The facts a task's schedule rules work from: ids, frequency, status, timeline, report summaries,
//! the cadence settings, and the one local-time helper (Asia/Shanghai) used everywhere.
//!
//! This module only describes; it never reads the clock. Every rule that depends on "now" takes it
//! as an argument (see `schedule`, `lights`) so tests can play a whole year with a fake clock.
//!
//! Local time: China has used a fixed UTC+8 with no daylight saving since 1991, so Asia/Shanghai is
//! modelled as `FixedOffset` +08:00 instead of pulling in a time-zone database.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// Asia/Shanghai: UTC+8, no daylight saving.
pub const SHANGHAI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// 17:00, the default submission time of every cadence.
const FIVE_PM: NaiveTime = match NaiveTime::from_hms_opt(17, 0, 0) {
    Some(time) => time,
    None => panic!("17:00 is a valid time"),
};

/// An instant seen on a wall clock in Asia/Shanghai.
pub fn to_local(instant: DateTime<Utc>) -> DateTime<FixedOffset> {
    instant.with_timezone(&SHANGHAI)
}

/// The calendar date in Asia/Shanghai at `instant`.
pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    to_local(instant).date_naive()
}

/// The instant when Asia/Shanghai wall clocks show `date` `time`.
///
/// Fixed offsets never have gaps or overlaps, so this is total (it only overflows for years
/// beyond ±262,000, which input validation rejects long before).
pub fn local_instant(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    date.and_time(time).and_utc() - TimeDelta::seconds(i64::from(SHANGHAI.local_minus_utc()))
}

/// Local midnight at the start of `date`.
pub fn local_day_start(date: NaiveDate) -> DateTime<Utc> {
    local_instant(date, NaiveTime::MIN)
}

/// The deadline of a date-only 完成时限: 24:00 (the end) of that local day, i.e. the next local
/// midnight. "完成时限 2026-12-31" means "by the end of 31 December"; on time is at or before it.
pub fn end_of_local_day(date: NaiveDate) -> DateTime<Utc> {
    local_day_start(date) + TimeDelta::days(1)
}

/// A task's database id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaskId(pub i64);

impl std::fmt::Display for TaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// How often the responsible unit reports on a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    /// 每周: one report per ISO week.
    Weekly,
    /// 每月: one report per calendar month.
    Monthly,
    /// 每季度: one report per calendar quarter.
    Quarterly,
    /// 一次性: a single report, due with the task.
    Once,
}

impl Frequency {
    /// The Chinese label shown in the 任务分解表.
    pub fn label(self) -> &'static str {
        match self {
            Frequency::Weekly => "每周",
            Frequency::Monthly => "每月",
            Frequency::Quarterly => "每季度",
            Frequency::Once => "一次性",
        }
    }
}

/// Where a task is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    /// 草稿: decomposed but not yet published; units cannot see it.
    Draft,
    /// 已交办: published to its units, who now report on it.
    Published,
    /// 已办结: completion approved by the lead leader.
    Completed,
    /// 已撤销: withdrawn; kept for the record, never supervised.
    Cancelled,
}

impl TaskStatus {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Draft => "草稿",
            TaskStatus::Published => "已交办",
            TaskStatus::Completed => "已办结",
            TaskStatus::Cancelled => "已撤销",
        }
    }
}

/// The dates of a task. Dates are Asia/Shanghai calendar dates; a due date means "by 24:00 that
/// day" (see [`end_of_local_day`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskTimeline {
    /// First day of work (usually the day it was published, 交办).
    pub start: NaiveDate,
    /// The current 完成时限; an approved extension (延期) moves this one.
    pub due: NaiveDate,
    /// The 完成时限 as first published; never moved by extensions, so lateness stays on record.
    pub original_due: NaiveDate,
    /// When completion (办结) was approved; `None` while open.
    pub completed_at: Option<DateTime<Utc>>,
    /// How often the units report.
    pub frequency: Frequency,
    /// Weight of this task when its parent rolls up its children (default 1).
    pub weight: f64,
    /// The day it was published (交办), when later than `start`: reports are owed from that
    /// day's period on, since nobody could report on a task before it reached them. `None`
    /// (not yet published, or published before it started): from `start`.
    #[serde(default)]
    pub reporting_from: Option<NaiveDate>,
}

impl TaskTimeline {
    /// A timeline with no extension, not completed, weight 1.
    pub fn new(start: NaiveDate, due: NaiveDate, frequency: Frequency) -> Self {
        TaskTimeline {
            start,
            due,
            original_due: due,
            completed_at: None,
            frequency,
            weight: 1.0,
            reporting_from: None,
        }
    }

    /// Local midnight of the first day reports are owed for: the later of the start date and
    /// the day it was published.
    pub fn reporting_start_instant(&self) -> DateTime<Utc> {
        local_day_start(
            self.reporting_from
                .map_or(self.start, |d| d.max(self.start)),
        )
    }

    /// Local midnight of the start date.
    pub fn start_instant(&self) -> DateTime<Utc> {
        local_day_start(self.start)
    }

    /// The current deadline: 24:00 of the current due date.
    pub fn due_instant(&self) -> DateTime<Utc> {
        end_of_local_day(self.due)
    }

    /// The original deadline: 24:00 of the original due date.
    pub fn original_due_instant(&self) -> DateTime<Utc> {
        end_of_local_day(self.original_due)
    }

    /// Whether an extension moved the due date.
    pub fn is_extended(&self) -> bool {
        self.due != self.original_due
    }
}

/// The minimal facts about a task that lights are computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskFacts {
    /// The task.
    pub id: TaskId,
    /// Its life-cycle status.
    pub status: TaskStatus,
    /// Its dates and cadence.
    pub timeline: TaskTimeline,
}

/// Where a progress report is in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportState {
    /// 草稿: saved by the unit, not submitted; counts as not reported.
    Draft,
    /// 已报送: submitted, waiting for review.
    Submitted,
    /// 已审核: accepted by a supervisor.
    Accepted,
    /// 已退回: returned by a supervisor with a comment; the unit must revise and resubmit.
    Returned,
}

impl ReportState {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            ReportState::Draft => "草稿",
            ReportState::Submitted => "已报送",
            ReportState::Accepted => "已审核",
            ReportState::Returned => "已退回",
        }
    }
}

/// What the rules need to know about one progress report.
///
/// One report per task and period: a returned report is revised and resubmitted as the same
/// report, so `submitted_at` is the time of its **first** submission and is kept across returns.
/// On time is judged by that first submission (a unit that reported on time and was asked to
/// improve the text did report on time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportSummary {
    /// The local date the report's period starts on (Monday of the ISO week, the 1st of the month or
    /// quarter); see [`crate::tasks::Period::start_date`]. Ignored for 一次性 tasks, which have one period.
    pub period_start: NaiveDate,
    /// First submission; `None` for a draft that was never submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Review state now.
    pub state: ReportState,
    /// 完成进度 as reported by people, 0–100.
    pub percent: f64,
    /// How many times it was returned (退回) so far; two or more calls for a 督办单.
    #[serde(default)]
    pub returns: u32,
}

impl ReportSummary {
    /// Whether this report counts as reported at `now`: submitted (not a draft) at or before `now`.
    /// A returned report still counts: the unit did report, the return has its own yellow reason.
    pub fn is_reported_at(&self, now: DateTime<Utc>) -> bool {
        self.state != ReportState::Draft && self.submitted_at.is_some_and(|at| at <= now)
    }
}

/// The weekly submission deadline: a weekday of the ISO week being reported on, and a local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyDeadline {
    /// Day of the reported week (Monday-based ISO week); default Friday.
    pub weekday: Weekday,
    /// Local time on that day; default 17:00.
    pub time: NaiveTime,
}

/// A submission deadline counted back from the last day of a month or quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodEndDeadline {
    /// Days before the period's last day: 0 = the last day (default), 5 = five days earlier.
    /// Clamped to the period's first day.
    pub days_before_end: u32,
    /// Local time on that day; default 17:00.
    pub time: NaiveTime,
}

/// The bureau's reporting cadence and light thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CadenceSettings {
    /// Deadline of a weekly report (default Friday 17:00 of the reported week).
    pub weekly: WeeklyDeadline,
    /// Deadline of a monthly report (default the month's last day, 17:00).
    pub monthly: PeriodEndDeadline,
    /// Deadline of a quarterly report (default the quarter's last day, 17:00).
    pub quarterly: PeriodEndDeadline,
    /// 黄: the task is due within this many days (default 7).
    pub yellow_window_days: u32,
    /// 黄: the latest reported % is more than this many points behind 序时进度 (default 20).
    pub behind_pace_points: f64,
    /// The working calendar: when set, a report deadline that falls on a day off moves to the
    /// last working day of its period (or, when the whole period is off, to the first working
    /// day after it). `None` (the default): deadlines fall on the configured days as they are.
    #[serde(skip)]
    pub calendar: Option<crate::calendar::WorkCalendar>,
}

impl Default for CadenceSettings {
    fn default() -> Self {
        CadenceSettings {
            weekly: WeeklyDeadline {
                weekday: Weekday::Fri,
                time: FIVE_PM,
            },
            monthly: PeriodEndDeadline {
                days_before_end: 0,
                time: FIVE_PM,
            },
            quarterly: PeriodEndDeadline {
                days_before_end: 0,
                time: FIVE_PM,
            },
            yellow_window_days: 7,
            behind_pace_points: 20.0,
            calendar: None,
        }
    }
}

/// "2026年12月31日".
pub fn format_date(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// A local wall-clock instant for messages: "2026年1月9日 17:00".
pub fn format_local(instant: DateTime<Utc>) -> String {
    let local = to_local(instant);
    format!(
        "{} {}",
        format_date(local.date_naive()),
        local.format("%H:%M")
    )
}

/// A percentage with at most one decimal and no trailing ".0": 53.3, 40, 0.5.
pub fn format_number(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
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
    fn friday_five_pm_in_shanghai_is_nine_am_utc() {
        let instant = local_instant(date(2026, 1, 9), FIVE_PM);
        assert_eq!(instant.to_rfc3339(), "2026-01-09T09:00:00+00:00");
        assert_eq!(to_local(instant).to_rfc3339(), "2026-01-09T17:00:00+08:00");
    }

    #[test]
    fn local_midnight_is_the_previous_day_at_sixteen_utc() {
        assert_eq!(
            local_day_start(date(2026, 1, 1)).to_rfc3339(),
            "2025-12-31T16:00:00+00:00"
        );
        assert_eq!(
            end_of_local_day(date(2026, 12, 31)).to_rfc3339(),
            "2026-12-31T16:00:00+00:00"
        );
    }

    #[test]
    fn local_date_follows_the_shanghai_calendar_not_utc() {
        let late_utc_evening = local_instant(date(2026, 3, 1), NaiveTime::MIN);
        assert_eq!(local_date(late_utc_evening), date(2026, 3, 1));
        assert_eq!(late_utc_evening.date_naive(), date(2026, 2, 28));
    }

    #[test]
    fn default_cadence_is_friday_five_pm_and_period_ends() {
        let settings = CadenceSettings::default();
        assert_eq!(settings.weekly.weekday, Weekday::Fri);
        assert_eq!(settings.weekly.time, FIVE_PM);
        assert_eq!(settings.monthly.days_before_end, 0);
        assert_eq!(settings.quarterly.days_before_end, 0);
        assert_eq!(settings.yellow_window_days, 7);
        assert_eq!(settings.behind_pace_points, 20.0);
    }

    #[test]
    fn labels_are_chinese() {
        assert_eq!(Frequency::Weekly.label(), "每周");
        assert_eq!(Frequency::Monthly.label(), "每月");
        assert_eq!(Frequency::Quarterly.label(), "每季度");
        assert_eq!(Frequency::Once.label(), "一次性");
        assert_eq!(TaskStatus::Published.label(), "已交办");
        assert_eq!(TaskStatus::Completed.label(), "已办结");
    }

    #[test]
    fn settings_and_ids_round_trip_through_json() {
        let settings = CadenceSettings::default();
        let json = serde_json::to_string(&settings).unwrap();
        assert_eq!(
            serde_json::from_str::<CadenceSettings>(&json).unwrap(),
            settings
        );
        assert_eq!(serde_json::to_string(&TaskId(7)).unwrap(), "7");
        assert_eq!(
            serde_json::to_string(&Frequency::Quarterly).unwrap(),
            "\"quarterly\""
        );
    }

    #[test]
    fn numbers_are_formatted_with_at_most_one_decimal() {
        assert_eq!(format_number(53.333), "53.3");
        assert_eq!(format_number(40.0), "40");
        assert_eq!(format_number(99.96), "100");
        assert_eq!(format_number(0.46), "0.5");
    }
}
