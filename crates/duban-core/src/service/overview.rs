//! 总览: what the dashboard shows each role — lights per programme and per department, the red
//! list, what is due this week, whose report for this period is missing, and the reviews and
//! approvals waiting for the viewer.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, Duration};

use super::tasks::{TaskRow, assessed_tasks};
use super::{Ctx, Result};
use crate::access::{Action, can};
use crate::org::{OrgUnitId, Role};
use crate::tasks::{Light, ReasonCode, ReportState, TaskStatus, local_date};

/// Counts of lights in one group (a programme or a unit).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LightCounts {
    /// 红.
    pub red: usize,
    /// 黄.
    pub yellow: usize,
    /// 绿.
    pub green: usize,
    /// 已办结.
    pub done: usize,
}

impl LightCounts {
    fn add(&mut self, row: &TaskRow) {
        if row.task.status == TaskStatus::Completed {
            self.done += 1;
            return;
        }
        match row.assessment.light {
            Light::Red => self.red += 1,
            Light::Yellow => self.yellow += 1,
            Light::Green => self.green += 1,
            Light::None => {}
        }
    }

    /// Every task counted.
    pub fn total(&self) -> usize {
        self.red + self.yellow + self.green + self.done
    }
}

/// The dashboard's content.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    /// All published leaf tasks in scope.
    pub totals: LightCounts,
    /// Per programme (工程), in plan order: (programme task id, title, counts).
    pub by_programme: Vec<(crate::tasks::TaskId, String, LightCounts)>,
    /// Per lead unit: (unit, counts), most red first.
    pub by_unit: Vec<(OrgUnitId, LightCounts)>,
    /// Red tasks.
    pub red: Vec<Arc<TaskRow>>,
    /// Not completed and due within the current local week (Monday–Sunday).
    pub due_this_week: Vec<Arc<TaskRow>>,
    /// Tasks whose last period's report is missing.
    pub missing_reports: Vec<Arc<TaskRow>>,
    /// Tasks whose latest report was returned (the unit must revise it).
    pub returned: Vec<Arc<TaskRow>>,
    /// Submitted reports waiting for review (supervisors).
    pub pending_reviews: usize,
    /// Requests waiting for the viewer's decision (leaders).
    pub pending_approvals: usize,
}

/// Builds the dashboard for the actor (a unit user sees its own tasks only).
pub async fn dashboard(ctx: &Ctx<'_>) -> Result<Dashboard> {
    let rows = assessed_tasks(ctx, None).await?;
    let mut d = Dashboard::default();
    let today = local_date(ctx.now);
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let sunday = monday + Duration::days(6);
    let mut programmes: BTreeMap<crate::tasks::TaskId, (String, LightCounts)> = BTreeMap::new();
    let mut units: BTreeMap<OrgUnitId, LightCounts> = BTreeMap::new();
    for row in &rows {
        if row.is_parent || row.task.status == TaskStatus::Draft {
            continue;
        }
        d.totals.add(row);
        programmes
            .entry(row.root)
            .or_insert_with(|| (row.programme.clone(), LightCounts::default()))
            .1
            .add(row);
        if let Some(unit) = row.task.lead_unit {
            units.entry(unit).or_default().add(row);
        }
        if row.task.status != TaskStatus::Published {
            continue;
        }
        if row.assessment.light == Light::Red {
            d.red.push(row.clone());
        }
        if (monday..=sunday).contains(&row.task.timeline.due) {
            d.due_this_week.push(row.clone());
        }
        if row.assessment.has(ReasonCode::LastPeriodMissing)
            || row.assessment.has(ReasonCode::PeriodsMissing)
        {
            d.missing_reports.push(row.clone());
        }
        if row
            .latest
            .as_ref()
            .is_some_and(|l| l.state == ReportState::Returned)
            || row.assessment.has(ReasonCode::LatestReturned)
        {
            d.returned.push(row.clone());
        }
    }
    d.by_programme = programmes
        .into_iter()
        .map(|(id, (name, counts))| (id, name, counts))
        .collect();
    let mut by_unit: Vec<(OrgUnitId, LightCounts)> = units.into_iter().collect();
    by_unit.sort_by(|a, b| {
        (b.1.red, b.1.yellow)
            .cmp(&(a.1.red, a.1.yellow))
            .then(a.0.cmp(&b.0))
    });
    d.by_unit = by_unit;
    d.due_this_week.sort_by_key(|r| r.task.timeline.due);
    if can(&ctx.actor, Action::Review, None) {
        let snap = super::snapshot::snapshot(ctx).await?;
        d.pending_reviews = snap
            .reports
            .values()
            .flat_map(|r| r.iter())
            .filter(|r| r.state == ReportState::Submitted)
            .count();
    }
    if ctx.actor.role == Role::Leader {
        d.pending_approvals = super::requests::approval_queue(ctx).await?.len();
    }
    Ok(d)
}
