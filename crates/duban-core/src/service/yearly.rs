//! 年统筹: the year at a glance — every task the actor may see against the twelve months, with
//! its start, milestones, deadline (moved or not) and completion marked in their months.

use std::sync::Arc;

use chrono::Datelike;

use super::tasks::{TaskQuery, TaskRow, assessed_tasks, filter_rows};
use super::{Ctx, Result};
use crate::tasks::local_date;

/// What happens to a task in a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// Work starts (开始).
    Start,
    /// A milestone (节点) falls due; its title.
    Milestone(String),
    /// The current deadline (完成时限); `moved` when an extension moved it here.
    Due {
        /// The deadline was extended to this month.
        moved: bool,
    },
    /// The original deadline, when an extension moved it to a later month.
    OriginalDue,
    /// Completed (办结); `late` after the original deadline.
    Completed {
        /// Completed after the original deadline.
        late: bool,
    },
}

impl Mark {
    /// The symbol in a month cell: ▷ 开始, ◆ 节点, ▲ 完成时限, △ 原定完成时限, ✓ 办结.
    pub fn symbol(&self) -> &'static str {
        match self {
            Mark::Start => "▷",
            Mark::Milestone(_) => "◆",
            Mark::Due { .. } => "▲",
            Mark::OriginalDue => "△",
            Mark::Completed { .. } => "✓",
        }
    }

    /// What the symbol means, in words.
    pub fn describe(&self) -> String {
        match self {
            Mark::Start => "开始".into(),
            Mark::Milestone(title) => format!("节点：{title}"),
            Mark::Due { moved: false } => "完成时限".into(),
            Mark::Due { moved: true } => "延期后的完成时限".into(),
            Mark::OriginalDue => "原定完成时限".into(),
            Mark::Completed { late: false } => "办结".into(),
            Mark::Completed { late: true } => "逾期办结".into(),
        }
    }
}

/// A task's line in the year.
#[derive(Debug, Clone)]
pub struct YearLine {
    /// The task with its light.
    pub row: Arc<TaskRow>,
    /// Marks per month, January first.
    pub months: [Vec<Mark>; 12],
}

impl YearLine {
    /// A month's marks as text for a spreadsheet cell: `◆完成招标 ▲`.
    pub fn month_text(&self, month0: usize) -> String {
        self.months
            .get(month0)
            .map(|marks| {
                marks
                    .iter()
                    .map(|m| match m {
                        Mark::Milestone(title) => format!("◆{title}"),
                        other => other.symbol().to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    }
}

/// Every task the actor may see that touches `year`, filtered by `query`, in list order
/// (red first, then by deadline).
pub async fn yearly(ctx: &Ctx<'_>, year: i32, query: &TaskQuery) -> Result<Vec<YearLine>> {
    let rows = filter_rows(assessed_tasks(ctx, None).await?, query);
    let mut out = Vec::new();
    for row in rows.into_iter().filter(|r| !r.is_parent) {
        let tl = &row.task.timeline;
        let mut months: [Vec<Mark>; 12] = Default::default();
        let mut put = |date: chrono::NaiveDate, mark: Mark| {
            if date.year() == year {
                months[date.month0() as usize].push(mark);
            }
        };
        put(tl.start, Mark::Start);
        for m in &row.task.milestones {
            put(m.date, Mark::Milestone(m.title.clone()));
        }
        let moved = tl.due != tl.original_due;
        if moved {
            put(tl.original_due, Mark::OriginalDue);
        }
        put(tl.due, Mark::Due { moved });
        if let Some(at) = tl.completed_at {
            put(
                local_date(at),
                Mark::Completed {
                    late: row.assessment.was_late,
                },
            );
        }
        if months.iter().any(|m| !m.is_empty())
            || (tl.start.year() <= year && tl.due.year() >= year)
        {
            out.push(YearLine { row, months });
        }
    }
    Ok(out)
}
