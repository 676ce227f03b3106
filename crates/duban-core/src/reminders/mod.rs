//! Reminders: which reminder a task calls for at a moment, as pure functions of `now`.
//!
//! - **Report reminders** go to the lead unit before a period's report deadline while that
//!   period's report is not submitted: at `send_at` on the workday `report_workdays_before`
//!   workdays before the deadline (0: the morning of the deadline day).
//! - **Task reminders** go to the lead unit before the task's 完成时限 while it is not completed:
//!   at `send_at`, `n` workdays before it, for each `n` in `task_workdays_before`.
//!
//! A reminder has a stable key (task, period or deadline, slot), a moment it becomes due
//! (`fire_at`) and a moment after which it is pointless (`expires_at`: the deadline it reminds
//! of). [`due_reminders`] returns those due and not expired — the scheduler sends each key once
//! (the store records it), so after downtime a reminder whose moment passed is still sent if
//! its deadline lies ahead, and never twice. When several slots of one task have passed (the
//! server was down, or the task was published late), only the latest is returned: the earlier
//! ones are superseded, not piled up. Slots fall on workdays of the bureau's calendar (holidays
//! and 调休 included); the scheduler itself sends nothing on a day off.

use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
use crate::notify::NotifyKind;
use crate::tasks::model::{format_local, local_date, local_instant};
use crate::tasks::schedule::{belongs_to, task_periods};
use crate::tasks::{CadenceSettings, ReportSummary, TaskId, TaskRecord, TaskStatus, format_date};

/// When reminders go out; part of the bureau's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReminderSettings {
    /// Local time of day reminders are sent (and the 督办单 check runs), default 09:00.
    pub send_at: NaiveTime,
    /// Nothing is sent from this local time until the next working morning (default 18:00):
    /// what becomes due in the evening waits, unless its deadline passes first.
    pub send_until: NaiveTime,
    /// Workdays before a report deadline the report reminder goes out (0: that morning).
    pub report_workdays_before: u32,
    /// Workdays before a task's deadline a reminder goes out, one per entry (default 5 and 1).
    pub task_workdays_before: Vec<u32>,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        ReminderSettings {
            send_at: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
            send_until: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or(NaiveTime::MIN),
            report_workdays_before: 0,
            task_workdays_before: vec![5, 1],
        }
    }
}

/// One reminder a task calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// Unique per reminder: `report:{task}:{period start}:{n}` or `task:{task}:{due}:{n}`.
    pub key: String,
    /// Report or task reminder.
    pub kind: NotifyKind,
    /// The task.
    pub task: TaskId,
    /// When it became due.
    pub fire_at: DateTime<Utc>,
    /// The deadline it reminds of (after it, it is not sent).
    pub expires_at: DateTime<Utc>,
    /// One line.
    pub title: String,
    /// The text.
    pub body: String,
}

/// `send_at` on the workday `n` workdays before the local date of `deadline`.
fn slot(
    deadline: DateTime<Utc>,
    n: u32,
    settings: &ReminderSettings,
    calendar: &WorkCalendar,
) -> DateTime<Utc> {
    // A deadline at 24:00 is the end of the day before in local dates: remind on that day.
    let day = local_date(deadline - chrono::Duration::seconds(1));
    local_instant(calendar.workdays_before(day, n), settings.send_at)
}

/// The reminders `task` calls for at `now`: due (`fire_at <= now`), not expired, condition
/// still true — at most one report reminder and one task reminder (the latest slot).
pub fn due_reminders(
    task: &TaskRecord,
    reports: &[ReportSummary],
    now: DateTime<Utc>,
    cadence: &CadenceSettings,
    settings: &ReminderSettings,
    calendar: &WorkCalendar,
) -> Vec<Reminder> {
    if task.status != TaskStatus::Published || task.lead_unit.is_none() {
        return Vec::new();
    }
    let timeline = &task.timeline;
    let mut found = Vec::new();
    // The period in progress is the last one `task_periods` returns (its deadline may be ahead).
    if let Some(period) = task_periods(timeline, now, cadence).pop()
        && period.due > now
    {
        let n = settings.report_workdays_before;
        let fire_at = slot(period.due, n, settings, calendar);
        let reported = reports
            .iter()
            .any(|r| belongs_to(r, &period, timeline.frequency) && r.is_reported_at(now));
        if fire_at <= now && fire_at >= period.start && !reported {
            found.push(Reminder {
                key: format!("report:{}:{}:{n}", task.id, period.start_date()),
                kind: NotifyKind::ReportReminder,
                task: task.id,
                fire_at,
                expires_at: period.due,
                title: format!("报送提醒：{}", task.title),
                body: format!(
                    "“{}”{}的进展情况尚未报送，报送截止时间为{}，请及时填报。",
                    task.title,
                    period.label,
                    format_local(period.due)
                ),
            });
        }
    }
    let due = timeline.due_instant();
    if due > now {
        let latest = settings
            .task_workdays_before
            .iter()
            .map(|&n| (n, slot(due, n, settings, calendar)))
            .filter(|(_, at)| *at <= now)
            .max_by_key(|(_, at)| *at);
        if let Some((n, fire_at)) = latest {
            found.push(Reminder {
                key: format!("task:{}:{}:{n}", task.id, timeline.due),
                kind: NotifyKind::TaskReminder,
                task: task.id,
                fire_at,
                expires_at: due,
                title: format!("完成时限提醒：{}", task.title),
                body: format!(
                    "“{}”的完成时限为{}，目前尚未办结，请抓紧推进，按期完成后及时提交办结申请。",
                    task.title,
                    format_date(timeline.due)
                ),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::calendar::{CalendarDay, DayKind};
    use crate::tasks::ReportState;
    use chrono::{NaiveDate, TimeZone};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Local (UTC+8) wall time.
    fn local(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap() - chrono::Duration::hours(8)
    }

    fn task(start: NaiveDate, due: NaiveDate) -> TaskRecord {
        crate::tasks::testing::weekly_task(5, start, due)
    }

    #[test]
    fn a_report_reminder_comes_on_the_deadline_morning_until_the_report_is_in() {
        let t = task(date(2026, 3, 2), date(2026, 6, 30));
        let cadence = CadenceSettings::default();
        let cal = WorkCalendar::new([]);
        let s = ReminderSettings::default();
        // Thursday of week 11: nothing yet.
        assert!(due_reminders(&t, &[], local(2026, 3, 12, 10), &cadence, &s, &cal).is_empty());
        // Friday 08:59: still nothing; 09:00: the reminder for the week of 9 March.
        assert!(due_reminders(&t, &[], local(2026, 3, 13, 8), &cadence, &s, &cal).is_empty());
        let due = due_reminders(&t, &[], local(2026, 3, 13, 9), &cadence, &s, &cal);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].key, "report:5:2026-03-09:0");
        assert!(due[0].body.contains("2026年第11周"), "{}", due[0].body);
        // After 17:00 the deadline has passed: too late to remind.
        assert!(due_reminders(&t, &[], local(2026, 3, 13, 18), &cadence, &s, &cal).is_empty());
        // Submitted: no reminder.
        let report = ReportSummary {
            period_start: date(2026, 3, 9),
            submitted_at: Some(local(2026, 3, 12, 15)),
            state: ReportState::Submitted,
            percent: 30.0,
            returns: 0,
        };
        assert!(due_reminders(&t, &[report], local(2026, 3, 13, 9), &cadence, &s, &cal).is_empty());
    }

    #[test]
    fn task_reminders_skip_holidays_and_only_the_latest_passed_slot_is_due() {
        // Due Friday 9 October 2026, just after the National Day holiday (1–7 October off).
        let t = task(date(2026, 9, 1), date(2026, 10, 9));
        let cadence = CadenceSettings::default();
        let holidays = [1, 2, 5, 6, 7]
            .map(|d| CalendarDay::new(date(2026, 10, d), DayKind::Holiday, "国庆节").unwrap());
        let cal = WorkCalendar::new(holidays);
        let s = ReminderSettings {
            report_workdays_before: 0,
            task_workdays_before: vec![5, 1],
            ..ReminderSettings::default()
        };
        // 1 workday before = Thursday 8 Oct; 5 workdays before: 8 Oct, (1–7 off) 30 Sep, 29,
        // 28, (a weekend) 25 Sep.
        let five = slot(t.timeline.due_instant(), 5, &s, &cal);
        assert_eq!(local_date(five), date(2026, 9, 25));
        let one = slot(t.timeline.due_instant(), 1, &s, &cal);
        assert_eq!(local_date(one), date(2026, 10, 8));
        let at = |now| {
            due_reminders(&t, &[], now, &cadence, &s, &cal)
                .into_iter()
                .filter(|r| r.kind == NotifyKind::TaskReminder)
                .map(|r| r.key)
                .collect::<Vec<_>>()
        };
        assert!(at(local(2026, 9, 24, 12)).is_empty());
        assert_eq!(at(local(2026, 9, 25, 9)), vec!["task:5:2026-10-09:5"]);
        // Both slots passed (e.g. the server was down): only the latest is due.
        assert_eq!(at(local(2026, 10, 8, 11)), vec!["task:5:2026-10-09:1"]);
        // After the deadline: nothing.
        assert!(at(local(2026, 10, 10, 9)).is_empty());
    }
}
