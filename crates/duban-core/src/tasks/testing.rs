//! Test fixtures shared by the rule modules' unit tests.

#![allow(clippy::unwrap_used)]

use chrono::{NaiveDate, TimeZone, Utc};

use super::{Frequency, NewTask, TaskId, TaskRecord, TaskStatus, TaskTimeline};
use crate::org::OrgUnitId;

/// A published weekly task led by unit 3, reporting from its start.
pub(crate) fn weekly_task(id: i64, start: NaiveDate, due: NaiveDate) -> TaskRecord {
    let new = NewTask::new("推进校园安全隐患排查整治", start, due, Frequency::Weekly).unwrap();
    TaskRecord {
        id: TaskId(id),
        plan: None,
        parent: None,
        path: Vec::new(),
        title: new.title,
        text: String::new(),
        source_start: None,
        source_end: None,
        lead_unit: Some(OrgUnitId(3)),
        co_units: Vec::new(),
        leader: None,
        owner_name: None,
        status: TaskStatus::Published,
        timeline: TaskTimeline {
            start,
            due,
            original_due: due,
            frequency: Frequency::Weekly,
            weight: 1.0,
            completed_at: None,
            reporting_from: Some(start),
        },
        created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        targets: Vec::new(),
        milestones: Vec::new(),
    }
}
