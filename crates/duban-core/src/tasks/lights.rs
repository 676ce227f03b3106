//! Status lights (绿/黄/红): computed from a task's dates, its reports and `now`, never typed in,
//! each with the reasons in Chinese so a page can say why a task is yellow or red.
//!
//! Pure rules; it never reads the clock — callers pass `now`, so tests replay a whole year.
//!
//! Rules for a published (已交办) task, checked in this order, all reasons kept:
//! - 红 `Overdue`: `now` is after the current deadline (24:00 of the due date) and the task is not
//!   completed. The deadline instant itself still counts as on time.
//! - 红 `PeriodsMissing`: the two (or more) latest periods are missing.
//! - 黄 `DueSoon`: the deadline is at most `yellow_window_days` ahead (inclusive: exactly seven
//!   days before the deadline is already yellow).
//! - 黄 `BehindPace`: the latest report's % is more than `behind_pace_points` below the 序时进度 at
//!   that report's first submission (the moment the figure describes). Judging it against `now`
//!   instead would turn every on-pace monthly or quarterly task yellow weeks before its next
//!   report is even due; a unit that stops reporting is caught by the missing-period rules.
//!   Tasks with no submitted report are not judged on pace: missing reports have their own reasons.
//! - 黄 `LastPeriodMissing`: exactly the latest period is missing.
//! - 黄 `LatestReturned`: the latest submitted report was returned (退回) and not yet resubmitted.
//! - otherwise 绿 `OnTrack`.
//!
//! "Missing": a period whose report deadline has passed (`due < now`) and for which no report was
//! submitted by `now` (drafts do not count; a returned report does — the unit did report, the
//! return is its own reason; a late report does, it just is not on time). Periods whose deadline is
//! still ahead are never missing. The run of missing periods is counted back from the latest
//! period; a report already submitted for the period in progress ends the silence at once, so a
//! unit that reports again turns green without waiting for the next deadline.
//!
//! "Latest report": among reports submitted by `now`, the one for the latest period (then the
//! latest first submission).
//!
//! Completed (已办结) tasks get no light; they keep `was_late`: completion after 24:00 of the earlier
//! of the original and the current due date, so an extension never erases lateness. Drafts and
//! cancelled tasks get no light either.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{
    CadenceSettings, ReportState, ReportSummary, TaskFacts, TaskStatus, TaskTimeline,
    end_of_local_day, format_date, format_local, format_number,
};
use super::pace::pace;
use super::schedule::{Period, belongs_to, task_periods};

/// A task's status light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Light {
    /// No light: a draft, a cancelled task or a completed one.
    None,
    /// 绿: on track.
    Green,
    /// 黄: due soon, behind pace, last report missing or returned.
    Yellow,
    /// 红: overdue, or silent for two periods in a row.
    Red,
}

impl Light {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Light::None => "无",
            Light::Green => "绿",
            Light::Yellow => "黄",
            Light::Red => "红",
        }
    }
}

/// Why a task has its light; stable codes for filters and statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// Not yet published (草稿).
    NotPublished,
    /// Cancelled (已撤销).
    Cancelled,
    /// Completed on time.
    Completed,
    /// Completed after the original deadline.
    CompletedLate,
    /// 绿: nothing is wrong.
    OnTrack,
    /// 黄: the deadline is within the yellow window.
    DueSoon,
    /// 黄: the latest reported % is too far below 序时进度.
    BehindPace,
    /// 黄: the latest period's report is missing.
    LastPeriodMissing,
    /// 黄: the latest report was returned.
    LatestReturned,
    /// 红: past the deadline and not completed.
    Overdue,
    /// 红: two or more periods in a row without a report.
    PeriodsMissing,
}

/// One reason, with the light it calls for and a sentence in Chinese.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// What kind of reason.
    pub code: ReasonCode,
    /// The light this reason alone calls for.
    pub light: Light,
    /// A sentence for the page, e.g. "2026年第10周的报告未报送（截止 2026年3月6日 17:00）".
    pub message: String,
}

/// The light of a task at one moment, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// The most severe light among the reasons.
    pub light: Light,
    /// Every reason that applies, most severe first; never empty.
    pub reasons: Vec<Reason>,
    /// Completed after its original deadline (see [`was_late`]); false while not completed.
    pub was_late: bool,
    /// 序时进度 at `now`, 0–100.
    pub expected_percent: f64,
    /// The latest submitted report's %, if any.
    pub reported_percent: Option<f64>,
    /// Every period whose deadline passed without a report, oldest first (for 按时报送率 and the
    /// "reports missing" lists).
    pub missing: Vec<Period>,
}

impl Assessment {
    fn without_light(reason: Reason, was_late: bool, expected_percent: f64) -> Self {
        Assessment {
            light: Light::None,
            reasons: vec![reason],
            was_late,
            expected_percent,
            reported_percent: None,
            missing: Vec::new(),
        }
    }

    /// Whether any reason has `code`.
    pub fn has(&self, code: ReasonCode) -> bool {
        self.reasons.iter().any(|reason| reason.code == code)
    }
}

/// Whether a completed task was completed late: after 24:00 of the earlier of its original and
/// current due date. An extension moves only the current due date, so completing after the
/// original date but before the extended one is still late. False while not completed.
pub fn was_late(timeline: &TaskTimeline) -> bool {
    let strictest = end_of_local_day(timeline.original_due.min(timeline.due));
    timeline.completed_at.is_some_and(|at| at > strictest)
}

fn reason(code: ReasonCode, light: Light, message: String) -> Reason {
    Reason {
        code,
        light,
        message,
    }
}

/// The light of `task` at `now`, given its `reports` (any order; those submitted after `now` are
/// ignored, so history can be replayed). See the module header for the rules.
pub fn assess(
    task: &TaskFacts,
    reports: &[ReportSummary],
    now: DateTime<Utc>,
    settings: &CadenceSettings,
) -> Assessment {
    let timeline = &task.timeline;
    let pace_now = pace(timeline, now);
    match task.status {
        TaskStatus::Draft => {
            return Assessment::without_light(
                reason(
                    ReasonCode::NotPublished,
                    Light::None,
                    "任务尚未交办，不亮灯".to_owned(),
                ),
                false,
                pace_now.percent,
            );
        }
        TaskStatus::Cancelled => {
            return Assessment::without_light(
                reason(
                    ReasonCode::Cancelled,
                    Light::None,
                    "任务已撤销，不亮灯".to_owned(),
                ),
                false,
                pace_now.percent,
            );
        }
        TaskStatus::Completed => return assess_completed(timeline, pace_now.percent),
        TaskStatus::Published => {}
    }

    let reported: Vec<&ReportSummary> = reports
        .iter()
        .filter(|report| report.is_reported_at(now))
        .collect();
    let periods = task_periods(timeline, now, settings);
    let has_report = |period: &Period| {
        reported
            .iter()
            .any(|report| belongs_to(report, period, timeline.frequency))
    };
    let missing: Vec<Period> = periods
        .iter()
        .filter(|period| period.due < now && !has_report(period))
        .cloned()
        .collect();
    let silent_run = trailing_missing(&periods, now, &has_report);
    let latest = reported
        .iter()
        .copied()
        .max_by_key(|report| (report.period_start, report.submitted_at));

    let mut reasons = Vec::new();
    let deadline = timeline.due_instant();
    let due_text = format!("{}24时", format_date(timeline.due));
    if now > deadline {
        let days = (now - deadline).num_days();
        let overdue = if days >= 1 {
            format!("，已逾期 {days} 天")
        } else {
            String::new()
        };
        reasons.push(reason(
            ReasonCode::Overdue,
            Light::Red,
            format!("已超过完成时限（{due_text}），尚未办结{overdue}"),
        ));
    }
    if silent_run.len() >= 2 {
        let labels: Vec<&str> = silent_run.iter().map(|p| p.label.as_str()).collect();
        reasons.push(reason(
            ReasonCode::PeriodsMissing,
            Light::Red,
            // A long silence names its last three periods, not every week of the year.
            if labels.len() > 3 {
                format!(
                    "连续 {} 期未报送（最近：{}）",
                    silent_run.len(),
                    labels[labels.len() - 3..].join("、")
                )
            } else {
                format!("连续 {} 期未报送：{}", silent_run.len(), labels.join("、"))
            },
        ));
    }
    let window = chrono::TimeDelta::days(i64::from(settings.yellow_window_days));
    if now <= deadline && now >= deadline - window {
        reasons.push(reason(
            ReasonCode::DueSoon,
            Light::Yellow,
            format!(
                "距完成时限（{due_text}）不足 {} 天",
                settings.yellow_window_days
            ),
        ));
    }
    if let Some((latest, reported_at)) =
        latest.and_then(|report| report.submitted_at.map(|at| (report, at)))
    {
        // Judged as of the report: the figure describes that moment, and a unit that reported on
        // pace is not behind merely because its next report is not due yet.
        let pace_then = pace(timeline, reported_at);
        let behind = pace_then.percent - latest.percent.clamp(0.0, 100.0);
        if behind > settings.behind_pace_points {
            reasons.push(reason(
                ReasonCode::BehindPace,
                Light::Yellow,
                format!(
                    "最新报送进度 {}%（{} 报送），落后当时序时进度 {}% 共 {} 个百分点（超过 {} 个百分点）",
                    format_number(latest.percent),
                    format_local(reported_at),
                    format_number(pace_then.percent),
                    format_number(behind),
                    format_number(settings.behind_pace_points),
                ),
            ));
        }
    }
    if let [period] = silent_run.as_slice() {
        reasons.push(reason(
            ReasonCode::LastPeriodMissing,
            Light::Yellow,
            format!(
                "{}的报告未报送（截止 {}）",
                period.label,
                format_local(period.due)
            ),
        ));
    }
    if let Some(latest) = latest.filter(|report| report.state == ReportState::Returned) {
        let label = periods
            .iter()
            .find(|period| belongs_to(latest, period, timeline.frequency))
            .map_or_else(
                || format!("{}起的一期", format_date(latest.period_start)),
                |period| period.label.clone(),
            );
        reasons.push(reason(
            ReasonCode::LatestReturned,
            Light::Yellow,
            format!("最新报告（{label}）已被退回，待修改后重新报送"),
        ));
    }
    if reasons.is_empty() {
        let reported_text = latest.map_or_else(
            || "尚无需报送的报告".to_owned(),
            |report| format!("最新报送进度 {}%", format_number(report.percent)),
        );
        reasons.push(reason(
            ReasonCode::OnTrack,
            Light::Green,
            format!("进展正常：{reported_text}；{}", pace_now.explanation),
        ));
    }
    let light = reasons
        .iter()
        .map(|reason| reason.light)
        .max()
        .unwrap_or(Light::Green);
    Assessment {
        light,
        reasons,
        was_late: false,
        expected_percent: pace_now.percent,
        reported_percent: latest.map(|report| report.percent),
        missing,
    }
}

/// The latest run of missing periods, oldest first. Walks back from the latest period: a period in
/// progress without a report is skipped (not missing yet), one with a report ends the run.
fn trailing_missing<'a>(
    periods: &'a [Period],
    now: DateTime<Utc>,
    has_report: &dyn Fn(&Period) -> bool,
) -> Vec<&'a Period> {
    let mut run = Vec::new();
    for period in periods.iter().rev() {
        if has_report(period) {
            break;
        }
        if period.due < now {
            run.push(period);
        } else if !run.is_empty() {
            break;
        }
    }
    run.reverse();
    run
}

fn assess_completed(timeline: &TaskTimeline, expected_percent: f64) -> Assessment {
    let late = was_late(timeline);
    let when = timeline.completed_at.map_or_else(
        || "已办结".to_owned(),
        |at| format!("已于 {} 办结", format_local(at)),
    );
    let original = format_date(timeline.original_due);
    let extended = if timeline.is_extended() {
        format!("（后延期至 {}）", format_date(timeline.due))
    } else {
        String::new()
    };
    let (code, message) = if late {
        (
            ReasonCode::CompletedLate,
            format!("{when}，晚于原定完成时限 {original}{extended}，记为超期办结"),
        )
    } else {
        (
            ReasonCode::Completed,
            format!("{when}，未超过原定完成时限 {original}{extended}"),
        )
    };
    Assessment::without_light(reason(code, Light::None, message), late, expected_percent)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::tasks::model::{Frequency, TaskId, local_instant, to_local};
    use crate::tasks::pace::expected_progress;
    use chrono::{Datelike, NaiveDate, NaiveTime, TimeDelta};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
        local_instant(date(y, m, d), NaiveTime::from_hms_opt(h, min, s).unwrap())
    }

    fn second() -> TimeDelta {
        TimeDelta::seconds(1)
    }

    fn task(start: NaiveDate, due: NaiveDate, frequency: Frequency) -> TaskFacts {
        TaskFacts {
            id: TaskId(1),
            status: TaskStatus::Published,
            timeline: TaskTimeline::new(start, due, frequency),
        }
    }

    fn report(period_start: NaiveDate, submitted_at: DateTime<Utc>, percent: f64) -> ReportSummary {
        ReportSummary {
            period_start,
            submitted_at: Some(submitted_at),
            state: ReportState::Submitted,
            percent,
            returns: 0,
        }
    }

    fn light(task: &TaskFacts, reports: &[ReportSummary], now: DateTime<Utc>) -> Light {
        assess(task, reports, now, &CadenceSettings::default()).light
    }

    fn codes(assessment: &Assessment) -> Vec<ReasonCode> {
        assessment.reasons.iter().map(|r| r.code).collect()
    }

    /// What happens to the weekly task's reports during the played year.
    #[derive(Debug, Clone, Copy)]
    enum Event {
        /// The unit submits the report for the week starting `week` with `percent`.
        Submit { week: NaiveDate, percent: f64 },
        /// A supervisor returns that week's report.
        Return { week: NaiveDate },
        /// The unit resubmits it (first submission time is kept).
        Resubmit { week: NaiveDate },
    }

    /// The year-long weekly task of the replay, and what the unit and supervisors do.
    struct Year {
        task: TaskFacts,
        events: Vec<(DateTime<Utc>, Event)>,
    }

    impl Year {
        /// Weekly task 2026-01-05 … 2026-12-31. The unit reports every Thursday 10:00 at pace,
        /// except: it skips ISO week 10; skips weeks 20 and 21; week 30's report is returned on
        /// Friday 09:00 and resubmitted on Monday 10:00; week 40's report is 25 points behind pace.
        fn play() -> Year {
            let task = task(date(2026, 1, 5), date(2026, 12, 31), Frequency::Weekly);
            let mut events = Vec::new();
            let mut monday = date(2026, 1, 5);
            while monday <= date(2026, 12, 28) {
                let week = monday.iso_week().week();
                let thursday = local_instant(
                    monday + chrono::Days::new(3),
                    NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
                );
                let on_pace = expected_progress(&task.timeline, thursday).round();
                match week {
                    10 | 20 | 21 => {}
                    40 => events.push((
                        thursday,
                        Event::Submit {
                            week: monday,
                            percent: on_pace - 25.0,
                        },
                    )),
                    _ => events.push((
                        thursday,
                        Event::Submit {
                            week: monday,
                            percent: on_pace,
                        },
                    )),
                }
                if week == 30 {
                    events.push((
                        thursday + TimeDelta::hours(23),
                        Event::Return { week: monday },
                    ));
                    events.push((
                        thursday + TimeDelta::days(4),
                        Event::Resubmit { week: monday },
                    ));
                }
                monday = monday + chrono::Days::new(7);
            }
            Year { task, events }
        }

        /// The reports as the store would hold them at `now`.
        fn reports_at(&self, now: DateTime<Utc>) -> Vec<ReportSummary> {
            let mut reports: Vec<ReportSummary> = Vec::new();
            for (when, event) in &self.events {
                if *when > now {
                    continue;
                }
                match *event {
                    Event::Submit { week, percent } => reports.push(report(week, *when, percent)),
                    Event::Return { week } | Event::Resubmit { week } => {
                        let returned = matches!(event, Event::Return { .. });
                        for r in reports.iter_mut().filter(|r| r.period_start == week) {
                            r.state = if returned {
                                ReportState::Returned
                            } else {
                                ReportState::Submitted
                            };
                        }
                    }
                }
            }
            reports
        }

        fn assess(&self, now: DateTime<Utc>) -> Assessment {
            assess(
                &self.task,
                &self.reports_at(now),
                now,
                &CadenceSettings::default(),
            )
        }

        /// The light the rules must give at `now`: green except in these windows.
        fn expected_light(now: DateTime<Utc>) -> Light {
            let windows = [
                // Week 10 missed (due Fri 6 Mar 17:00) until week 11 is reported (Thu 12 Mar).
                (
                    at(2026, 3, 6, 17, 0, 1),
                    at(2026, 3, 12, 10, 0, 0),
                    Light::Yellow,
                ),
                // Week 20 missed (Fri 15 May), then week 21 too (Fri 22 May): red until 28 May.
                (
                    at(2026, 5, 15, 17, 0, 1),
                    at(2026, 5, 22, 17, 0, 1),
                    Light::Yellow,
                ),
                (
                    at(2026, 5, 22, 17, 0, 1),
                    at(2026, 5, 28, 10, 0, 0),
                    Light::Red,
                ),
                // Week 30's report returned on Fri 24 Jul 09:00, resubmitted Mon 27 Jul 10:00.
                (
                    at(2026, 7, 24, 9, 0, 0),
                    at(2026, 7, 27, 10, 0, 0),
                    Light::Yellow,
                ),
                // Week 40 reported 25 points behind pace (Thu 1 Oct) until week 41 (Thu 8 Oct).
                (
                    at(2026, 10, 1, 10, 0, 0),
                    at(2026, 10, 8, 10, 0, 0),
                    Light::Yellow,
                ),
                // Due 31 Dec 24:00: yellow from 7 days before, red the second after.
                (
                    at(2026, 12, 25, 0, 0, 0),
                    at(2027, 1, 1, 0, 0, 1),
                    Light::Yellow,
                ),
                (at(2027, 1, 1, 0, 0, 1), at(2027, 2, 1, 0, 0, 0), Light::Red),
            ];
            windows
                .iter()
                .find(|(from, to, _)| *from <= now && now < *to)
                .map_or(Light::Green, |(_, _, light)| *light)
        }
    }

    #[test]
    fn a_weekly_task_played_hour_by_hour_through_2026_has_the_right_light_every_hour() {
        let year = Year::play();
        let mut now = at(2026, 1, 5, 0, 0, 0);
        let end = at(2027, 1, 10, 0, 0, 0);
        let mut checked = 0;
        while now < end {
            let assessment = year.assess(now);
            assert_eq!(
                assessment.light,
                Year::expected_light(now),
                "at {} (local): {:?}",
                to_local(now),
                assessment.reasons
            );
            checked += 1;
            now += TimeDelta::hours(1);
        }
        assert!(checked > 8_700);
    }

    #[test]
    fn a_weekly_task_changes_light_at_the_exact_second_of_each_boundary() {
        let year = Year::play();
        let boundaries = [
            at(2026, 3, 6, 17, 0, 0),
            at(2026, 3, 12, 10, 0, 0),
            at(2026, 5, 15, 17, 0, 0),
            at(2026, 5, 22, 17, 0, 0),
            at(2026, 5, 28, 10, 0, 0),
            at(2026, 7, 24, 9, 0, 0),
            at(2026, 7, 27, 10, 0, 0),
            at(2026, 10, 1, 10, 0, 0),
            at(2026, 10, 8, 10, 0, 0),
            at(2026, 12, 25, 0, 0, 0),
            at(2027, 1, 1, 0, 0, 0),
        ];
        for boundary in boundaries {
            for now in [boundary - second(), boundary, boundary + second()] {
                assert_eq!(
                    year.assess(now).light,
                    Year::expected_light(now),
                    "at {} (local)",
                    to_local(now)
                );
            }
        }
    }

    #[test]
    fn in_the_played_year_a_missed_friday_is_yellow_on_saturday_with_the_week_named() {
        let year = Year::play();
        let saturday = at(2026, 3, 7, 9, 0, 0);
        let assessment = year.assess(saturday);
        assert_eq!(assessment.light, Light::Yellow);
        assert_eq!(codes(&assessment), [ReasonCode::LastPeriodMissing]);
        assert_eq!(
            assessment.reasons[0].message,
            "2026年第10周的报告未报送（截止 2026年3月6日 17:00）"
        );
        assert_eq!(assessment.missing.len(), 1);
    }

    #[test]
    fn in_the_played_year_two_silent_weeks_are_red_and_stay_on_record_afterwards() {
        let year = Year::play();
        let assessment = year.assess(at(2026, 5, 23, 9, 0, 0));
        assert_eq!(assessment.light, Light::Red);
        assert_eq!(codes(&assessment), [ReasonCode::PeriodsMissing]);
        assert_eq!(
            assessment.reasons[0].message,
            "连续 2 期未报送：2026年第20周、2026年第21周"
        );
        let later = year.assess(at(2026, 6, 1, 9, 0, 0));
        assert_eq!(later.light, Light::Green);
        let missing: Vec<_> = later.missing.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(missing, ["2026年第10周", "2026年第20周", "2026年第21周"]);
    }

    #[test]
    fn in_the_played_year_a_returned_report_is_yellow_until_resubmitted() {
        let year = Year::play();
        let assessment = year.assess(at(2026, 7, 25, 9, 0, 0));
        assert_eq!(codes(&assessment), [ReasonCode::LatestReturned]);
        assert_eq!(
            assessment.reasons[0].message,
            "最新报告（2026年第30周）已被退回，待修改后重新报送"
        );
    }

    #[test]
    fn in_the_played_year_a_report_far_behind_pace_is_yellow() {
        let year = Year::play();
        let assessment = year.assess(at(2026, 10, 2, 9, 0, 0));
        assert_eq!(codes(&assessment), [ReasonCode::BehindPace]);
        assert!(assessment.reasons[0].message.starts_with("最新报送进度 "));
    }

    #[test]
    fn in_the_played_year_the_last_week_is_yellow_then_red_the_second_after_the_deadline() {
        let year = Year::play();
        let due = year.task.timeline.due_instant();
        let at_due = year.assess(due);
        assert_eq!(codes(&at_due), [ReasonCode::DueSoon]);
        assert_eq!(
            at_due.reasons[0].message,
            "距完成时限（2026年12月31日24时）不足 7 天"
        );
        let after = year.assess(due + second());
        assert_eq!(codes(&after), [ReasonCode::Overdue]);
        assert_eq!(
            after.reasons[0].message,
            "已超过完成时限（2026年12月31日24时），尚未办结"
        );
        let week_later = year.assess(due + TimeDelta::days(3));
        assert!(week_later.reasons[0].message.ends_with("已逾期 3 天"));
    }

    #[test]
    fn in_the_played_year_an_ordinary_week_is_green_and_explains_the_pace() {
        let year = Year::play();
        let assessment = year.assess(at(2026, 6, 10, 12, 0, 0));
        assert_eq!(assessment.light, Light::Green);
        assert_eq!(codes(&assessment), [ReasonCode::OnTrack]);
        assert!(
            assessment.reasons[0]
                .message
                .starts_with("进展正常：最新报送进度 ")
        );
        assert!(assessment.reported_percent.is_some());
    }

    #[test]
    fn a_quarterly_task_reported_on_pace_is_not_behind_before_its_next_report_is_due() {
        let task = task(date(2026, 1, 1), date(2026, 12, 31), Frequency::Quarterly);
        let q1_due = at(2026, 3, 31, 17, 0, 0);
        let on_pace = expected_progress(&task.timeline, q1_due);
        let reports = [report(date(2026, 1, 1), q1_due, on_pace)];
        let just_before_q2_due = at(2026, 6, 30, 17, 0, 0);
        assert!(expected_progress(&task.timeline, just_before_q2_due) - on_pace > 20.0);
        assert_eq!(light(&task, &reports, just_before_q2_due), Light::Green);
    }

    #[test]
    fn a_report_more_than_twenty_points_behind_pace_is_yellow_and_twenty_is_not() {
        let task = task(date(2026, 1, 1), date(2026, 12, 31), Frequency::Monthly);
        let when = at(2026, 7, 2, 12, 0, 0);
        let expected = expected_progress(&task.timeline, when);
        let exactly_twenty = [report(date(2026, 7, 1), when, expected - 20.0)];
        assert_eq!(light(&task, &exactly_twenty, when), Light::Green);
        let more = [report(date(2026, 7, 1), when, expected - 20.5)];
        let assessment = assess(&task, &more, when, &CadenceSettings::default());
        assert_eq!(codes(&assessment), [ReasonCode::BehindPace]);
        assert!(
            assessment.reasons[0]
                .message
                .contains("（2026年7月2日 12:00 报送），落后当时序时进度")
        );
    }

    #[test]
    fn yellow_window_is_configurable() {
        let task = task(date(2026, 1, 5), date(2026, 3, 31), Frequency::Once);
        let settings = CadenceSettings {
            yellow_window_days: 14,
            ..CadenceSettings::default()
        };
        let now = at(2026, 3, 20, 0, 0, 0);
        assert_eq!(assess(&task, &[], now, &settings).light, Light::Yellow);
        assert_eq!(light(&task, &[], now), Light::Green);
    }

    #[test]
    fn a_late_report_still_fills_its_period() {
        let task = task(date(2026, 1, 5), date(2026, 12, 31), Frequency::Weekly);
        let mut reports = Vec::new();
        for monday in [date(2026, 1, 5), date(2026, 1, 12)] {
            reports.push(report(monday, local_instant(monday, NaiveTime::MIN), 1.0));
        }
        let saturday = at(2026, 1, 24, 9, 0, 0);
        assert_eq!(light(&task, &reports, saturday), Light::Yellow);
        reports.push(report(date(2026, 1, 19), saturday, 3.0));
        assert_eq!(light(&task, &reports, saturday), Light::Green);
    }

    #[test]
    fn drafts_do_not_count_as_reported() {
        let task = task(date(2026, 1, 5), date(2026, 12, 31), Frequency::Weekly);
        let draft = ReportSummary {
            period_start: date(2026, 1, 5),
            submitted_at: None,
            state: ReportState::Draft,
            percent: 5.0,
            returns: 0,
        };
        let assessment = assess(
            &task,
            &[draft],
            at(2026, 1, 10, 9, 0, 0),
            &CadenceSettings::default(),
        );
        assert_eq!(codes(&assessment), [ReasonCode::LastPeriodMissing]);
        assert_eq!(assessment.reported_percent, None);
    }

    #[test]
    fn a_monthly_task_silent_for_two_months_is_red_across_the_year_boundary() {
        let task = task(date(2026, 11, 1), date(2027, 6, 30), Frequency::Monthly);
        let november = report(date(2026, 11, 1), at(2026, 11, 30, 9, 0, 0), 15.0);
        let reports = [november];
        assert_eq!(
            light(&task, &reports, at(2026, 12, 31, 17, 0, 0)),
            Light::Green
        );
        assert_eq!(
            light(&task, &reports, at(2026, 12, 31, 17, 0, 1)),
            Light::Yellow
        );
        assert_eq!(
            light(&task, &reports, at(2027, 1, 31, 17, 0, 1)),
            Light::Red
        );
        let assessment = assess(
            &task,
            &reports,
            at(2027, 2, 1, 0, 0, 0),
            &CadenceSettings::default(),
        );
        assert_eq!(
            assessment.reasons[0].message,
            "连续 2 期未报送：2026年12月、2027年1月"
        );
    }

    #[test]
    fn a_quarterly_task_is_green_until_its_quarter_deadline_passes() {
        let task = task(date(2026, 1, 1), date(2027, 12, 31), Frequency::Quarterly);
        assert_eq!(light(&task, &[], at(2026, 3, 31, 17, 0, 0)), Light::Green);
        let assessment = assess(
            &task,
            &[],
            at(2026, 3, 31, 17, 0, 1),
            &CadenceSettings::default(),
        );
        assert_eq!(
            assessment.reasons[0].message,
            "2026年第1季度的报告未报送（截止 2026年3月31日 17:00）"
        );
    }

    #[test]
    fn reports_submitted_after_now_are_ignored_so_history_can_be_replayed() {
        let task = task(date(2026, 1, 5), date(2026, 12, 31), Frequency::Weekly);
        let future = report(date(2026, 1, 5), at(2026, 1, 12, 9, 0, 0), 2.0);
        assert_eq!(
            light(&task, &[future], at(2026, 1, 10, 9, 0, 0)),
            Light::Yellow
        );
    }

    #[test]
    fn drafts_and_cancelled_tasks_have_no_light() {
        let mut task = task(date(2026, 1, 5), date(2026, 2, 1), Frequency::Weekly);
        let long_after = at(2026, 6, 1, 0, 0, 0);
        task.status = TaskStatus::Draft;
        let assessment = assess(&task, &[], long_after, &CadenceSettings::default());
        assert_eq!(
            (assessment.light, codes(&assessment)),
            (Light::None, vec![ReasonCode::NotPublished])
        );
        task.status = TaskStatus::Cancelled;
        let assessment = assess(&task, &[], long_after, &CadenceSettings::default());
        assert_eq!(
            (assessment.light, codes(&assessment)),
            (Light::None, vec![ReasonCode::Cancelled])
        );
    }

    #[test]
    fn completed_on_time_has_no_light_and_is_not_late() {
        let mut task = task(date(2026, 1, 5), date(2026, 6, 30), Frequency::Monthly);
        task.status = TaskStatus::Completed;
        task.timeline.completed_at = Some(at(2026, 6, 30, 23, 59, 59));
        let assessment = assess(
            &task,
            &[],
            at(2026, 9, 1, 0, 0, 0),
            &CadenceSettings::default(),
        );
        assert_eq!(assessment.light, Light::None);
        assert!(!assessment.was_late);
        assert_eq!(codes(&assessment), [ReasonCode::Completed]);
        assert_eq!(
            assessment.reasons[0].message,
            "已于 2026年6月30日 23:59 办结，未超过原定完成时限 2026年6月30日"
        );
    }

    #[test]
    fn completed_after_the_due_date_without_an_extension_was_late() {
        let mut timeline =
            TaskTimeline::new(date(2026, 1, 5), date(2026, 6, 30), Frequency::Monthly);
        timeline.completed_at = Some(at(2026, 7, 1, 0, 0, 0));
        assert!(
            !was_late(&timeline),
            "24:00 of the due date is still on time"
        );
        timeline.completed_at = Some(at(2026, 7, 1, 0, 0, 1));
        assert!(was_late(&timeline));
    }

    #[test]
    fn completed_after_the_original_but_before_the_extended_due_date_was_still_late() {
        let mut task = task(date(2026, 1, 5), date(2026, 6, 30), Frequency::Monthly);
        task.timeline.due = date(2026, 8, 31);
        task.timeline.completed_at = Some(at(2026, 7, 15, 10, 0, 0));
        task.status = TaskStatus::Completed;
        assert!(was_late(&task.timeline));
        let assessment = assess(
            &task,
            &[],
            at(2026, 9, 1, 0, 0, 0),
            &CadenceSettings::default(),
        );
        assert!(assessment.was_late);
        assert_eq!(codes(&assessment), [ReasonCode::CompletedLate]);
        assert_eq!(
            assessment.reasons[0].message,
            "已于 2026年7月15日 10:00 办结，晚于原定完成时限 2026年6月30日（后延期至 2026年8月31日），记为超期办结"
        );
    }

    #[test]
    fn completed_before_the_original_due_date_of_an_extended_task_was_not_late() {
        let mut timeline =
            TaskTimeline::new(date(2026, 1, 5), date(2026, 6, 30), Frequency::Monthly);
        timeline.due = date(2026, 8, 31);
        timeline.completed_at = Some(at(2026, 6, 20, 10, 0, 0));
        assert!(!was_late(&timeline));
    }

    #[test]
    fn an_open_task_is_never_marked_late_even_when_overdue() {
        let timeline = TaskTimeline::new(date(2026, 1, 5), date(2026, 6, 30), Frequency::Monthly);
        assert!(!was_late(&timeline));
    }

    #[test]
    fn an_extension_turns_an_overdue_task_back_from_red() {
        let mut task = task(date(2026, 1, 5), date(2026, 3, 31), Frequency::Once);
        let now = at(2026, 4, 2, 9, 0, 0);
        assert_eq!(light(&task, &[], now), Light::Red);
        task.timeline.due = date(2026, 6, 30);
        assert_eq!(light(&task, &[], now), Light::Green);
    }

    #[test]
    fn reasons_are_listed_most_severe_first_and_all_kept() {
        let task = task(date(2026, 1, 5), date(2026, 2, 28), Frequency::Weekly);
        let mut returned = report(date(2026, 2, 2), at(2026, 2, 5, 9, 0, 0), 1.0);
        returned.state = ReportState::Returned;
        let assessment = assess(
            &task,
            &[returned],
            at(2026, 2, 27, 9, 0, 0),
            &CadenceSettings::default(),
        );
        assert_eq!(assessment.light, Light::Red);
        assert_eq!(
            codes(&assessment),
            [
                ReasonCode::PeriodsMissing,
                ReasonCode::DueSoon,
                ReasonCode::BehindPace,
                ReasonCode::LatestReturned,
            ]
        );
    }

    #[test]
    fn light_and_reason_codes_serialise_in_lowercase() {
        assert_eq!(serde_json::to_string(&Light::Yellow).unwrap(), "\"yellow\"");
        assert_eq!(
            serde_json::to_string(&ReasonCode::LastPeriodMissing).unwrap(),
            "\"last_period_missing\""
        );
        assert_eq!(Light::Red.label(), "红");
    }
}
