//! Reporting periods: which ISO week, month or quarter an instant falls in, when each period's
//! report is due, which periods a task must report in, and whether a report was on time.
//!
//! Pure calendar arithmetic in Asia/Shanghai local time (see `model::SHANGHAI`); it never reads
//! the clock — callers pass `now`.
//!
//! Definitions:
//! - A recurring period runs from local midnight of its first day (Monday of the ISO week, the 1st
//!   of the month, the 1st of the quarter's first month) to local midnight of the next period's
//!   first day, end exclusive.
//! - A period's report is due at the cadence deadline (`CadenceSettings`). For weeks the deadline
//!   falls inside the week (Friday 17:00 by default), so Saturday and Sunday already come after it.
//! - A report is on time when its first submission is at or before the due instant (to the second).

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::model::{
    CadenceSettings, Frequency, PeriodEndDeadline, ReportState, ReportSummary, TaskTimeline,
    format_date, local_date, local_day_start, local_instant,
};

/// One reporting period of a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// Local midnight of the period's first day (inclusive).
    pub start: DateTime<Utc>,
    /// Local midnight after the period's last day (exclusive).
    pub end: DateTime<Utc>,
    /// When the report for this period is due (inclusive: submitting exactly then is on time).
    pub due: DateTime<Utc>,
    /// Chinese label: `2026年第5周`, `2026年3月`, `2026年第1季度`, `一次性报送`.
    pub label: String,
}

impl Period {
    /// The local date the period starts on; reports name their period by it
    /// ([`ReportSummary::period_start`]).
    pub fn start_date(&self) -> NaiveDate {
        local_date(self.start)
    }

    /// Whether `instant` lies inside the period (`start <= instant < end`).
    pub fn contains(&self, instant: DateTime<Utc>) -> bool {
        self.start <= instant && instant < self.end
    }
}

/// The label of a 一次性 task's single period.
const ONCE_LABEL: &str = "一次性报送";

/// First day of the recurring period containing `date`; `None` for [`Frequency::Once`].
fn first_day(frequency: Frequency, date: NaiveDate) -> Option<NaiveDate> {
    let first_of_month = date - Days::new(u64::from(date.day0()));
    match frequency {
        Frequency::Weekly => {
            Some(date - Days::new(u64::from(date.weekday().num_days_from_monday())))
        }
        Frequency::Monthly => Some(first_of_month),
        Frequency::Quarterly => Some(first_of_month - Months::new(date.month0() % 3)),
        Frequency::Once => None,
    }
}

/// `day` moved onto a working day when the settings carry a calendar: the last working day on or
/// before it, unless that lies before the period's `first` day (a week entirely off), then the
/// first working day after it.
fn on_workday(day: NaiveDate, first: NaiveDate, settings: &CadenceSettings) -> NaiveDate {
    match &settings.calendar {
        None => day,
        Some(calendar) => {
            let before = calendar.workday_on_or_before(day);
            if before >= first {
                before
            } else {
                calendar.workday_on_or_after(day)
            }
        }
    }
}

/// The due instant of a month or quarter running from `first` to `next` (exclusive).
fn period_end_due(
    first: NaiveDate,
    next: NaiveDate,
    deadline: PeriodEndDeadline,
    settings: &CadenceSettings,
) -> DateTime<Utc> {
    let last = next - Days::new(1);
    let span = u64::try_from((last - first).num_days()).unwrap_or(0);
    let back = u64::from(deadline.days_before_end).min(span);
    let day = on_workday(last - Days::new(back), first, settings);
    local_instant(day, deadline.time)
}

/// The recurring period whose first day is `first` (already aligned by [`first_day`]).
fn recurring_period(
    frequency: Frequency,
    first: NaiveDate,
    settings: &CadenceSettings,
) -> Option<Period> {
    let (next, due, label) = match frequency {
        Frequency::Weekly => {
            let next = first + Days::new(7);
            let deadline_day = on_workday(
                first + Days::new(u64::from(settings.weekly.weekday.num_days_from_monday())),
                first,
                settings,
            );
            let week = first.iso_week();
            (
                next,
                local_instant(deadline_day, settings.weekly.time),
                format!("{}年第{}周", week.year(), week.week()),
            )
        }
        Frequency::Monthly => {
            let next = first + Months::new(1);
            (
                next,
                period_end_due(first, next, settings.monthly, settings),
                format!("{}年{}月", first.year(), first.month()),
            )
        }
        Frequency::Quarterly => {
            let next = first + Months::new(3);
            (
                next,
                period_end_due(first, next, settings.quarterly, settings),
                format!("{}年第{}季度", first.year(), first.month0() / 3 + 1),
            )
        }
        Frequency::Once => return None,
    };
    Some(Period {
        start: local_day_start(first),
        end: local_day_start(next),
        due,
        label,
    })
}

/// The week, month or quarter containing `now` (in Asia/Shanghai), with its report deadline.
/// `None` for [`Frequency::Once`], whose single period depends on the task (see [`task_periods`]).
pub fn period_containing(
    frequency: Frequency,
    now: DateTime<Utc>,
    settings: &CadenceSettings,
) -> Option<Period> {
    let first = first_day(frequency, local_date(now))?;
    recurring_period(frequency, first, settings)
}

/// Every period overlapping `[from, to)`, in order; when `from == to`, the period containing it.
/// Empty when `to < from`. For [`Frequency::Once`]: one period from `from` to `to`, due at `to`.
pub fn periods_between(
    frequency: Frequency,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    settings: &CadenceSettings,
) -> Vec<Period> {
    if to < from {
        return Vec::new();
    }
    let Some(mut first) = first_day(frequency, local_date(from)) else {
        return vec![Period {
            start: from,
            end: to,
            due: to,
            label: ONCE_LABEL.to_owned(),
        }];
    };
    let mut periods = Vec::new();
    while let Some(period) = recurring_period(frequency, first, settings) {
        if !periods.is_empty() && period.start >= to {
            break;
        }
        first = local_date(period.end);
        periods.push(period);
    }
    periods
}

/// The periods a task must report in as of `now`, oldest first.
///
/// They run from the task's start to the earliest of its current deadline, its completion and
/// `now` (so the period in progress is included, with a due instant that may lie ahead). Two
/// adjustments make partial periods fair:
/// - a report is never due after the task itself: each due instant is capped at the task's
///   deadline (a task due Thursday 31 December reports for that week by Thursday 24:00);
/// - a period whose deadline came before the task started is dropped (a task published on a
///   Saturday owes nothing for the week whose Friday has passed).
///
/// A 一次性 task has one period, from its start to its deadline, due with the task.
///
/// "Start" here is the later of the start date and the day the task was published
/// ([`TaskTimeline::reporting_from`]): a plan published in March owes no reports for January.
pub fn task_periods(
    timeline: &TaskTimeline,
    now: DateTime<Utc>,
    settings: &CadenceSettings,
) -> Vec<Period> {
    // Reports are owed from the later of the start and the 交办 date.
    let start = timeline.reporting_start_instant();
    let deadline = timeline.due_instant();
    let mut end = deadline.min(now);
    if let Some(completed_at) = timeline.completed_at {
        end = end.min(completed_at);
    }
    if end < start {
        return Vec::new();
    }
    if timeline.frequency == Frequency::Once {
        return vec![Period {
            start,
            end: deadline,
            due: deadline,
            label: format!("{ONCE_LABEL}（{}前）", format_date(timeline.due)),
        }];
    }
    periods_between(timeline.frequency, start, end, settings)
        .into_iter()
        .map(|period| Period {
            due: period.due.min(deadline),
            ..period
        })
        .filter(|period| period.due > start)
        .collect()
}

/// When the report for `period` is due.
pub fn report_due(period: &Period) -> DateTime<Utc> {
    period.due
}

/// Whether `report` was submitted on time for `period`: its first submission is at or before the
/// period's due instant. A draft, or a report never submitted, is not on time.
pub fn is_on_time(report: &ReportSummary, period: &Period) -> bool {
    report.state != ReportState::Draft && report.submitted_at.is_some_and(|at| at <= period.due)
}

/// Whether `report` is the report for `period` of a task reporting at `frequency`. A 一次性 task has
/// a single period, so every one of its reports belongs to it.
pub fn belongs_to(report: &ReportSummary, period: &Period, frequency: Frequency) -> bool {
    frequency == Frequency::Once || report.period_start == period.start_date()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::tasks::model::to_local;
    use chrono::{NaiveTime, TimeDelta, Weekday};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
        local_instant(date(y, m, d), NaiveTime::from_hms_opt(h, min, s).unwrap())
    }

    fn local(instant: DateTime<Utc>) -> String {
        to_local(instant).format("%Y-%m-%d %H:%M:%S").to_string()
    }

    fn settings() -> CadenceSettings {
        CadenceSettings::default()
    }

    fn submitted(period_start: NaiveDate, at: DateTime<Utc>) -> ReportSummary {
        ReportSummary {
            period_start,
            submitted_at: Some(at),
            state: ReportState::Submitted,
            percent: 10.0,
            returns: 0,
        }
    }

    #[test]
    fn weekly_period_runs_monday_to_sunday_and_is_due_friday_five_pm_local() {
        let period =
            period_containing(Frequency::Weekly, at(2026, 1, 28, 9, 0, 0), &settings()).unwrap();
        assert_eq!(period.label, "2026年第5周");
        assert_eq!(local(period.start), "2026-01-26 00:00:00");
        assert_eq!(local(period.end), "2026-02-02 00:00:00");
        assert_eq!(local(period.due), "2026-01-30 17:00:00");
        assert_eq!(period.due.to_rfc3339(), "2026-01-30T09:00:00+00:00");
        assert_eq!(period.start_date(), date(2026, 1, 26));
    }

    #[test]
    fn sunday_late_evening_local_is_still_in_the_same_week_although_utc_says_sunday_too() {
        let sunday_night = at(2026, 2, 1, 23, 30, 0);
        let period = period_containing(Frequency::Weekly, sunday_night, &settings()).unwrap();
        assert_eq!(period.label, "2026年第5周");
        let monday_morning = at(2026, 2, 2, 0, 30, 0);
        assert_eq!(monday_morning.date_naive(), date(2026, 2, 1));
        let period = period_containing(Frequency::Weekly, monday_morning, &settings()).unwrap();
        assert_eq!(period.label, "2026年第6周");
    }

    #[test]
    fn iso_week_53_spans_the_new_year_and_week_1_follows() {
        let new_years_day = at(2027, 1, 1, 12, 0, 0);
        let period = period_containing(Frequency::Weekly, new_years_day, &settings()).unwrap();
        assert_eq!(period.label, "2026年第53周");
        assert_eq!(local(period.start), "2026-12-28 00:00:00");
        assert_eq!(local(period.end), "2027-01-04 00:00:00");
        assert_eq!(local(period.due), "2027-01-01 17:00:00");
        let next =
            period_containing(Frequency::Weekly, at(2027, 1, 4, 0, 0, 0), &settings()).unwrap();
        assert_eq!(next.label, "2027年第1周");
        let first_days_of_2026 =
            period_containing(Frequency::Weekly, at(2026, 1, 2, 8, 0, 0), &settings()).unwrap();
        assert_eq!(first_days_of_2026.label, "2026年第1周");
        assert_eq!(local(first_days_of_2026.start), "2025-12-29 00:00:00");
    }

    #[test]
    fn monthly_periods_cross_the_year_boundary_and_are_due_on_the_last_day() {
        let periods = periods_between(
            Frequency::Monthly,
            at(2026, 11, 15, 0, 0, 0),
            at(2027, 2, 10, 0, 0, 0),
            &settings(),
        );
        let labels: Vec<_> = periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(
            labels,
            ["2026年11月", "2026年12月", "2027年1月", "2027年2月"]
        );
        assert_eq!(local(periods[1].due), "2026-12-31 17:00:00");
        assert_eq!(local(periods[1].end), "2027-01-01 00:00:00");
        assert_eq!(local(periods[2].start), "2027-01-01 00:00:00");
        assert_eq!(local(periods[3].due), "2027-02-28 17:00:00");
    }

    #[test]
    fn february_of_a_leap_year_is_due_on_the_29th() {
        let period =
            period_containing(Frequency::Monthly, at(2028, 2, 3, 0, 0, 0), &settings()).unwrap();
        assert_eq!(local(period.due), "2028-02-29 17:00:00");
    }

    #[test]
    fn quarterly_periods_cross_the_year_boundary_and_are_due_on_the_quarters_last_day() {
        let periods = periods_between(
            Frequency::Quarterly,
            at(2026, 8, 20, 0, 0, 0),
            at(2027, 4, 2, 0, 0, 0),
            &settings(),
        );
        let labels: Vec<_> = periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "2026年第3季度",
                "2026年第4季度",
                "2027年第1季度",
                "2027年第2季度"
            ]
        );
        assert_eq!(local(periods[0].start), "2026-07-01 00:00:00");
        assert_eq!(local(periods[0].due), "2026-09-30 17:00:00");
        assert_eq!(local(periods[1].due), "2026-12-31 17:00:00");
        assert_eq!(local(periods[2].start), "2027-01-01 00:00:00");
        assert_eq!(local(periods[2].due), "2027-03-31 17:00:00");
    }

    #[test]
    fn deadlines_follow_the_settings() {
        let mut custom = settings();
        custom.weekly.weekday = Weekday::Thu;
        custom.weekly.time = NaiveTime::from_hms_opt(12, 0, 0).unwrap();
        custom.monthly.days_before_end = 5;
        custom.quarterly.days_before_end = 400;
        let week = period_containing(Frequency::Weekly, at(2026, 1, 28, 0, 0, 0), &custom).unwrap();
        assert_eq!(local(week.due), "2026-01-29 12:00:00");
        let month =
            period_containing(Frequency::Monthly, at(2026, 3, 2, 0, 0, 0), &custom).unwrap();
        assert_eq!(local(month.due), "2026-03-26 17:00:00");
        let quarter =
            period_containing(Frequency::Quarterly, at(2026, 5, 2, 0, 0, 0), &custom).unwrap();
        assert_eq!(
            local(quarter.due),
            "2026-04-01 17:00:00",
            "clamped to the first day"
        );
    }

    #[test]
    fn once_has_no_calendar_period_and_between_gives_one_period_due_at_the_end() {
        assert_eq!(
            period_containing(Frequency::Once, at(2026, 1, 1, 0, 0, 0), &settings()),
            None
        );
        let from = at(2026, 1, 1, 0, 0, 0);
        let to = at(2026, 6, 30, 0, 0, 0);
        let periods = periods_between(Frequency::Once, from, to, &settings());
        assert_eq!(periods.len(), 1);
        assert_eq!(periods[0].due, to);
    }

    #[test]
    fn periods_between_an_instant_and_itself_is_the_period_containing_it() {
        let instant = at(2026, 3, 4, 0, 0, 0);
        let periods = periods_between(Frequency::Weekly, instant, instant, &settings());
        assert_eq!(periods.len(), 1);
        assert_eq!(periods[0].label, "2026年第10周");
        assert!(
            periods_between(
                Frequency::Weekly,
                instant,
                instant - TimeDelta::seconds(1),
                &settings()
            )
            .is_empty()
        );
    }

    #[test]
    fn deadlines_on_days_off_move_to_a_working_day_of_the_period() {
        use crate::calendar::{CalendarDay, DayKind, WorkCalendar};
        let off = |from: NaiveDate, days: i64, name: &'static str| {
            (0..days).map(move |i| CalendarDay {
                date: from + TimeDelta::days(i),
                kind: DayKind::Holiday,
                name: name.to_owned(),
            })
        };
        let mut settings = settings();
        settings.calendar = Some(WorkCalendar::new(
            off(date(2026, 10, 1), 7, "国庆节").chain(off(date(2026, 2, 15), 9, "春节")),
        ));
        // Friday 2 October is 国庆: the week's report is due Wednesday 30 September.
        let week =
            period_containing(Frequency::Weekly, at(2026, 9, 29, 9, 0, 0), &settings).unwrap();
        assert_eq!(local(week.due), "2026-09-30 17:00:00");
        // The week of 16 February is all 春节: due on the first working day after it.
        let week =
            period_containing(Frequency::Weekly, at(2026, 2, 17, 9, 0, 0), &settings).unwrap();
        assert_eq!(local(week.due), "2026-02-24 17:00:00");
        // Saturday 31 January ends the month: the monthly report is due Friday 30th.
        let month =
            period_containing(Frequency::Monthly, at(2026, 1, 10, 9, 0, 0), &settings).unwrap();
        assert_eq!(local(month.due), "2026-01-30 17:00:00");
        // Without a calendar nothing moves.
        let plain = period_containing(
            Frequency::Monthly,
            at(2026, 1, 10, 9, 0, 0),
            &self::settings(),
        )
        .unwrap();
        assert_eq!(local(plain.due), "2026-01-31 17:00:00");
    }

    #[test]
    fn a_task_published_after_its_start_owes_reports_from_its_publication_week() {
        let mut timeline =
            TaskTimeline::new(date(2026, 1, 5), date(2026, 12, 31), Frequency::Weekly);
        timeline.reporting_from = Some(date(2026, 3, 4));
        let periods = task_periods(&timeline, at(2026, 3, 20, 10, 0, 0), &settings());
        let labels: Vec<&str> = periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2026年第10周", "2026年第11周", "2026年第12周"]);
        // Published before its start: the start still counts.
        timeline.reporting_from = Some(date(2025, 12, 1));
        let periods = task_periods(&timeline, at(2026, 1, 20, 10, 0, 0), &settings());
        assert_eq!(
            periods.first().map(|p| p.label.as_str()),
            Some("2026年第2周")
        );
    }

    #[test]
    fn a_weekly_task_reports_in_every_week_from_its_start_to_now() {
        let timeline = TaskTimeline::new(date(2026, 1, 5), date(2026, 12, 31), Frequency::Weekly);
        let now = at(2026, 2, 4, 10, 0, 0);
        let periods = task_periods(&timeline, now, &settings());
        let labels: Vec<_> = periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "2026年第2周",
                "2026年第3周",
                "2026年第4周",
                "2026年第5周",
                "2026年第6周"
            ]
        );
        assert!(
            periods.last().unwrap().due > now,
            "the period in progress is included"
        );
    }

    #[test]
    fn the_last_weeks_report_is_due_with_the_task_not_after_it() {
        let timeline = TaskTimeline::new(date(2026, 1, 5), date(2026, 12, 31), Frequency::Weekly);
        let periods = task_periods(&timeline, at(2027, 3, 1, 0, 0, 0), &settings());
        assert_eq!(periods.len(), 52, "ISO weeks 2 to 53 of 2026");
        let last = periods.last().unwrap();
        assert_eq!(last.label, "2026年第53周");
        assert_eq!(last.due, timeline.due_instant());
        assert_eq!(local(last.due), "2027-01-01 00:00:00");
    }

    #[test]
    fn a_task_started_on_saturday_owes_nothing_for_that_week() {
        let timeline = TaskTimeline::new(date(2026, 1, 10), date(2026, 3, 31), Frequency::Weekly);
        let periods = task_periods(&timeline, at(2026, 1, 13, 0, 0, 0), &settings());
        let labels: Vec<_> = periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2026年第3周"]);
    }

    #[test]
    fn a_completed_task_stops_owing_reports_at_completion() {
        let mut timeline =
            TaskTimeline::new(date(2026, 1, 5), date(2026, 12, 31), Frequency::Monthly);
        timeline.completed_at = Some(at(2026, 3, 10, 9, 0, 0));
        let periods = task_periods(&timeline, at(2026, 9, 1, 0, 0, 0), &settings());
        let labels: Vec<_> = periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2026年1月", "2026年2月", "2026年3月"]);
    }

    #[test]
    fn a_task_not_started_yet_owes_nothing() {
        let timeline = TaskTimeline::new(date(2026, 5, 1), date(2026, 12, 31), Frequency::Weekly);
        assert!(task_periods(&timeline, at(2026, 4, 1, 0, 0, 0), &settings()).is_empty());
    }

    #[test]
    fn a_once_task_has_one_period_due_at_the_end_of_its_due_date() {
        let timeline = TaskTimeline::new(date(2026, 3, 1), date(2026, 6, 30), Frequency::Once);
        let periods = task_periods(&timeline, at(2026, 4, 1, 0, 0, 0), &settings());
        assert_eq!(periods.len(), 1);
        assert_eq!(periods[0].label, "一次性报送（2026年6月30日前）");
        assert_eq!(report_due(&periods[0]), timeline.due_instant());
        let any_report = submitted(date(2020, 1, 1), at(2026, 6, 1, 0, 0, 0));
        assert!(belongs_to(&any_report, &periods[0], Frequency::Once));
    }

    #[test]
    fn a_report_exactly_at_the_deadline_is_on_time_and_one_second_later_is_late() {
        let period =
            period_containing(Frequency::Weekly, at(2026, 1, 28, 0, 0, 0), &settings()).unwrap();
        let key = period.start_date();
        assert!(is_on_time(
            &submitted(key, at(2026, 1, 30, 17, 0, 0)),
            &period
        ));
        assert!(!is_on_time(
            &submitted(key, at(2026, 1, 30, 17, 0, 1)),
            &period
        ));
        assert!(is_on_time(
            &submitted(key, at(2026, 1, 26, 9, 0, 0)),
            &period
        ));
    }

    #[test]
    fn on_time_is_judged_by_the_first_submission_even_after_a_return() {
        let period =
            period_containing(Frequency::Weekly, at(2026, 1, 28, 0, 0, 0), &settings()).unwrap();
        let mut report = submitted(period.start_date(), at(2026, 1, 29, 10, 0, 0));
        report.state = ReportState::Returned;
        assert!(is_on_time(&report, &period));
        report.state = ReportState::Accepted;
        assert!(
            is_on_time(&report, &period),
            "resubmitted after the deadline, still on time"
        );
    }

    #[test]
    fn a_draft_is_never_on_time() {
        let period =
            period_containing(Frequency::Weekly, at(2026, 1, 28, 0, 0, 0), &settings()).unwrap();
        let draft = ReportSummary {
            period_start: period.start_date(),
            submitted_at: None,
            state: ReportState::Draft,
            percent: 30.0,
            returns: 0,
        };
        assert!(!is_on_time(&draft, &period));
    }
}
