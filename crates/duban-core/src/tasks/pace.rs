//! 序时进度: how far along a task should be by now if work were spread evenly from its start date
//! to its due date, and a Chinese sentence saying how that number was made.
//!
//! Pure arithmetic on the task's dates; it never reads the clock — callers pass `now`.
//!
//! Definition: linear in time from local midnight of the start date to 24:00 of the current due
//! date (after an extension, the work is re-paced to the new date), clamped to 0–100.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{TaskTimeline, format_number};

const SECONDS_PER_DAY: i64 = 86_400;

/// Expected progress with the figures behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pace {
    /// 序时进度, 0–100.
    pub percent: f64,
    /// Whole days elapsed since the start, clamped to `0..=days_total`.
    pub days_elapsed: i64,
    /// Calendar days from the start date to the due date, both included.
    pub days_total: i64,
    /// "按时间进度应完成 42%（已过 153/365 天）".
    pub explanation: String,
}

/// 序时进度 of `timeline` at `now`, with its explanation.
pub fn pace(timeline: &TaskTimeline, now: DateTime<Utc>) -> Pace {
    let start = timeline.start_instant();
    let due = timeline.due_instant();
    let total_seconds = (due - start).num_seconds();
    let elapsed_seconds = (now - start).num_seconds();
    let percent = if total_seconds <= 0 {
        if now >= due { 100.0 } else { 0.0 }
    } else {
        (elapsed_seconds as f64 / total_seconds as f64 * 100.0).clamp(0.0, 100.0)
    };
    let days_total = (total_seconds / SECONDS_PER_DAY).max(0);
    let days_elapsed = elapsed_seconds
        .div_euclid(SECONDS_PER_DAY)
        .clamp(0, days_total);
    Pace {
        percent,
        days_elapsed,
        days_total,
        explanation: format!(
            "按时间进度应完成 {}%（已过 {}/{} 天）",
            format_number(percent),
            days_elapsed,
            days_total
        ),
    }
}

/// 序时进度 of `timeline` at `now`, 0–100.
pub fn expected_progress(timeline: &TaskTimeline, now: DateTime<Utc>) -> f64 {
    pace(timeline, now).percent
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::tasks::model::{Frequency, local_instant};
    use chrono::{NaiveDate, NaiveTime, TimeDelta};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        local_instant(date(y, m, d), NaiveTime::from_hms_opt(h, 0, 0).unwrap())
    }

    fn year_2026() -> TaskTimeline {
        TaskTimeline::new(date(2026, 1, 1), date(2026, 12, 31), Frequency::Weekly)
    }

    #[test]
    fn expected_progress_is_zero_at_the_start_and_before_it() {
        assert_eq!(expected_progress(&year_2026(), at(2026, 1, 1, 0)), 0.0);
        assert_eq!(expected_progress(&year_2026(), at(2025, 12, 1, 0)), 0.0);
        assert_eq!(
            pace(&year_2026(), at(2026, 1, 1, 0)).explanation,
            "按时间进度应完成 0%（已过 0/365 天）"
        );
    }

    #[test]
    fn expected_progress_grows_linearly_through_the_middle() {
        let pace = pace(&year_2026(), at(2026, 6, 2, 0));
        assert_eq!(pace.days_elapsed, 152);
        assert!((pace.percent - 152.0 / 365.0 * 100.0).abs() < 1e-9);
        assert_eq!(
            pace.explanation,
            "按时间进度应完成 41.6%（已过 152/365 天）"
        );
    }

    #[test]
    fn expected_progress_is_full_at_the_due_date_and_after_it() {
        let timeline = year_2026();
        assert_eq!(expected_progress(&timeline, timeline.due_instant()), 100.0);
        assert_eq!(
            expected_progress(&timeline, timeline.due_instant() + TimeDelta::days(30)),
            100.0
        );
        assert!(expected_progress(&timeline, at(2026, 12, 31, 12)) < 100.0);
        assert_eq!(
            pace(&timeline, at(2027, 3, 1, 0)).explanation,
            "按时间进度应完成 100%（已过 365/365 天）"
        );
    }

    #[test]
    fn an_extension_repaces_the_work_to_the_new_due_date() {
        let mut timeline = TaskTimeline::new(date(2026, 1, 1), date(2026, 1, 10), Frequency::Once);
        timeline.due = date(2026, 1, 20);
        let pace = pace(&timeline, at(2026, 1, 11, 0));
        assert_eq!(pace.days_total, 20);
        assert_eq!(pace.percent, 50.0);
    }

    #[test]
    fn a_task_due_before_it_starts_is_all_or_nothing() {
        let timeline = TaskTimeline::new(date(2026, 5, 1), date(2026, 4, 1), Frequency::Once);
        assert_eq!(expected_progress(&timeline, at(2026, 3, 1, 0)), 0.0);
        assert_eq!(expected_progress(&timeline, at(2026, 4, 15, 0)), 100.0);
        assert_eq!(pace(&timeline, at(2026, 4, 15, 0)).days_total, 0);
    }
}
