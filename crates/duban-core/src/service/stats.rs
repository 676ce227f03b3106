//! 统计: how the bureau is doing, by 责任科室, by 工程 and by month — 办结率, 按期办结率, 超期数,
//! 平均办结时长, 按时报送率 and 问责 count. Computed from the same snapshot and lights as the
//! pages, for the leaf tasks that have been published.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::snapshot::{cadence, memoized, snapshot};
use super::tasks::assessed_tasks;
use super::{Ctx, Result, require};
use crate::access::Action;
use crate::org::OrgUnitId;
use crate::tasks::{TaskStatus, local_date};

/// The figures of one group of tasks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// What the group is (a unit, a 工程, a month).
    pub name: String,
    /// Published or completed leaf tasks.
    pub tasks: usize,
    /// Of which completed (办结).
    pub completed: usize,
    /// Of which completed by their original deadline.
    pub completed_on_time: usize,
    /// Open and past their deadline (超期).
    pub overdue: usize,
    /// Sum of days from start to completion, for the average.
    completion_days: i64,
    /// Report periods whose deadline has passed.
    pub owed_reports: usize,
    /// Of which reported by the deadline.
    pub on_time_reports: usize,
    /// 约谈/通报/问责 recorded.
    pub accountability: usize,
}

impl Figures {
    fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// 办结率, 0–100 (`None` without tasks).
    pub fn completion_rate(&self) -> Option<f64> {
        ratio(self.completed, self.tasks)
    }

    /// 按期办结率: completed on time among completed, 0–100.
    pub fn on_time_completion_rate(&self) -> Option<f64> {
        ratio(self.completed_on_time, self.completed)
    }

    /// 平均办结时长 in days.
    pub fn average_days(&self) -> Option<f64> {
        (self.completed > 0).then(|| self.completion_days as f64 / self.completed as f64)
    }

    /// 按时报送率, 0–100.
    pub fn on_time_report_rate(&self) -> Option<f64> {
        ratio(self.on_time_reports, self.owed_reports)
    }
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The statistics page's content.
#[derive(Debug, Clone, Default)]
pub struct Statistics {
    /// Every published leaf task.
    pub total: Figures,
    /// Per lead unit, by name.
    pub by_unit: Vec<Figures>,
    /// Per 工程, in plan order.
    pub by_programme: Vec<Figures>,
    /// Per month of the deadline (`2026年3月`), in order: what fell due that month.
    pub by_month: Vec<Figures>,
}

/// Computes the statistics (for those who see the whole picture).
pub async fn statistics(ctx: &Ctx<'_>) -> Result<std::sync::Arc<Statistics>> {
    require(ctx, Action::ViewAll, None)?;
    // Everyone allowed here sees the same figures: computed once per data version and minute.
    memoized(ctx, "stats", || compute(ctx)).await
}

async fn compute(ctx: &Ctx<'_>) -> Result<Statistics> {
    let rows = assessed_tasks(ctx, None).await?;
    let snap = snapshot(ctx).await?;
    let cadence = cadence(ctx).await?;
    let accountability = ctx.store.list_accountability(None).await?;
    let unit_name = |id: OrgUnitId| {
        snap.units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let mut total = Figures::named("全局");
    let mut by_unit: BTreeMap<OrgUnitId, Figures> = BTreeMap::new();
    let mut by_programme: BTreeMap<crate::tasks::TaskId, Figures> = BTreeMap::new();
    let mut by_month: BTreeMap<(i32, u32), Figures> = BTreeMap::new();
    let today = local_date(ctx.now);
    for row in rows.iter().filter(|r| !r.is_parent) {
        let t = &row.task;
        if !matches!(t.status, TaskStatus::Published | TaskStatus::Completed) {
            continue;
        }
        let (owed, on_time) = row.punctuality(ctx.now, &cadence, |_| true);
        let completed_days = t
            .timeline
            .completed_at
            .map(|at| (local_date(at) - t.timeline.start).num_days().max(0));
        let add = |f: &mut Figures| {
            f.tasks += 1;
            if t.status == TaskStatus::Completed {
                f.completed += 1;
                if !row.assessment.was_late {
                    f.completed_on_time += 1;
                }
                f.completion_days += completed_days.unwrap_or(0);
            } else if t.timeline.due < today {
                f.overdue += 1;
            }
            f.owed_reports += owed;
            f.on_time_reports += on_time;
        };
        add(&mut total);
        if let Some(unit) = t.lead_unit {
            add(by_unit
                .entry(unit)
                .or_insert_with(|| Figures::named(unit_name(unit))));
        }
        add(by_programme
            .entry(row.root)
            .or_insert_with(|| Figures::named(row.programme.clone())));
        let due: NaiveDate = t.timeline.due;
        add(by_month
            .entry((due.year(), due.month()))
            .or_insert_with(|| Figures::named(format!("{}年{}月", due.year(), due.month()))));
    }
    for a in &accountability {
        total.accountability += 1;
        by_unit
            .entry(a.record.unit)
            .or_insert_with(|| Figures::named(unit_name(a.record.unit)))
            .accountability += 1;
    }
    let mut by_unit: Vec<Figures> = by_unit.into_values().collect();
    by_unit.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Statistics {
        total,
        by_unit,
        by_programme: by_programme.into_values().collect(),
        by_month: by_month.into_values().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_percentages_with_one_decimal_and_none_without_a_base() {
        let f = Figures {
            tasks: 3,
            completed: 2,
            completed_on_time: 1,
            completion_days: 91,
            owed_reports: 7,
            on_time_reports: 5,
            ..Figures::named("基础教育科")
        };
        assert_eq!(f.completion_rate(), Some(66.7));
        assert_eq!(f.on_time_completion_rate(), Some(50.0));
        assert_eq!(f.average_days(), Some(45.5));
        assert_eq!(f.on_time_report_rate(), Some(71.4));
        let empty = Figures::named("x");
        assert_eq!(empty.completion_rate(), None);
        assert_eq!(empty.average_days(), None);
    }
}
