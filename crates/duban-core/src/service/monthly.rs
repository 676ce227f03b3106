//! 月汇总: a month at a glance, per 工程 and per 责任科室 — what was completed, what is in
//! progress, behind pace or overdue, what is new, the targets' latest values, excerpts of the
//! month's reports, and how punctually the units reported.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, Months, NaiveDate};

use super::snapshot::{cadence, memoized, snapshot};
use super::tasks::{TaskRow, assessed_tasks};
use super::{Ctx, Error, Result, require};
use crate::access::Action;
use crate::tasks::{
    Light, ReasonCode, ReportRecord, TaskId, TaskStatus, format_number, local_date,
};

/// A month, `2026-03`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    /// First day.
    pub first: NaiveDate,
}

impl Month {
    /// The month containing `date`.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            first: date.with_day(1).unwrap_or(date),
        }
    }

    /// Parses `2026-03`.
    pub fn parse(text: &str) -> Result<Self> {
        NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
            .map(Self::of)
            .map_err(|_| Error::Invalid(format!("“{text}”不是有效月份，格式如 2026-03")))
    }

    /// The first day of the next month.
    pub fn end(self) -> NaiveDate {
        self.first + Months::new(1)
    }

    /// `2026-03`.
    pub fn code(self) -> String {
        self.first.format("%Y-%m").to_string()
    }

    /// `2026年3月`.
    pub fn label(self) -> String {
        format!("{}年{}月", self.first.year(), self.first.month())
    }

    /// The months before and after.
    pub fn neighbours(self) -> (Month, Month) {
        (Self::of(self.first - Months::new(1)), Self::of(self.end()))
    }

    fn contains(self, date: NaiveDate) -> bool {
        self.first <= date && date < self.end()
    }
}

/// How many characters of each of a report's texts an excerpt quotes.
pub const EXCERPT_CHARS: usize = 120;

/// What the month's summary quotes from a task's latest report: the beginning of each of its
/// three texts (empty when the report left one empty), its percent and flag.
#[derive(Debug, Clone, PartialEq)]
pub struct Excerpt {
    /// The task.
    pub task: TaskId,
    /// Its title.
    pub title: String,
    /// 进展情况: its first [`EXCERPT_CHARS`] characters.
    pub progress: String,
    /// 存在问题: its first [`EXCERPT_CHARS`] characters; empty when none were written.
    pub problems: String,
    /// 下步打算: its first [`EXCERPT_CHARS`] characters; empty when none were written.
    pub next_steps: String,
    /// Its 完成进度.
    pub percent: f64,
    /// 需协调解决.
    pub needs_coordination: bool,
}

impl Excerpt {
    /// The excerpt of `report`, a report on the task titled `title`.
    pub fn of(title: &str, report: &ReportRecord) -> Self {
        Self {
            task: report.task,
            title: title.to_owned(),
            progress: shorten(&report.progress_text),
            problems: shorten(&report.problems),
            next_steps: shorten(&report.next_steps),
            percent: report.percent,
            needs_coordination: report.needs_coordination,
        }
    }
}

/// The first [`EXCERPT_CHARS`] characters of `text`, without surrounding blanks.
fn shorten(text: &str) -> String {
    text.trim().chars().take(EXCERPT_CHARS).collect()
}

/// A target's latest measured value.
#[derive(Debug, Clone)]
pub struct TargetLine {
    /// The task.
    pub task: TaskId,
    /// `新增学位 ≥1200个`.
    pub target: String,
    /// The value reported this month, as written (`860`).
    pub value: String,
}

/// The month of one group (a 工程 or a 责任科室).
#[derive(Debug, Clone, Default)]
pub struct MonthlyGroup {
    /// The group's name.
    pub name: String,
    /// Completed this month.
    pub completed: Vec<Arc<TaskRow>>,
    /// Published this month.
    pub new: Vec<Arc<TaskRow>>,
    /// Open, on track.
    pub in_progress: usize,
    /// Open and more than the threshold behind 序时进度.
    pub behind: Vec<Arc<TaskRow>>,
    /// Open and past the deadline.
    pub overdue: Vec<Arc<TaskRow>>,
    /// The month's report excerpts (latest report per task).
    pub excerpts: Vec<Excerpt>,
    /// Target values reported this month.
    pub targets: Vec<TargetLine>,
    /// Report deadlines that fell in the month.
    pub owed_reports: usize,
    /// Of which met.
    pub on_time_reports: usize,
}

impl MonthlyGroup {
    /// 按时报送率 of the month, 0–100.
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.owed_reports > 0).then(|| {
            (self.on_time_reports as f64 * 1000.0 / self.owed_reports as f64).round() / 10.0
        })
    }
}

/// The 月汇总.
#[derive(Debug, Clone)]
pub struct MonthlySummary {
    /// Which month.
    pub month: Month,
    /// Every published leaf task together.
    pub total: MonthlyGroup,
    /// Per 工程, in plan order.
    pub by_programme: Vec<MonthlyGroup>,
    /// Per 责任科室, by name.
    pub by_unit: Vec<MonthlyGroup>,
}

/// Builds the summary of `month` (for those who see the whole picture).
pub async fn monthly_summary(ctx: &Ctx<'_>, month: Month) -> Result<Arc<MonthlySummary>> {
    require(ctx, Action::ViewAll, None)?;
    // Everyone allowed here sees the same month: computed once per data version and minute.
    memoized(ctx, &format!("monthly:{}", month.code()), || {
        compute(ctx, month)
    })
    .await
}

async fn compute(ctx: &Ctx<'_>, month: Month) -> Result<MonthlySummary> {
    let rows = assessed_tasks(ctx, None).await?;
    let snap = snapshot(ctx).await?;
    let cadence = cadence(ctx).await?;
    let reports = ctx
        .store
        .list_reports_in_period(month.first - chrono::Duration::days(6), month.end())
        .await?;
    // The latest submitted report of each task among the periods starting in the month or in
    // the six days before it (a week that began in the previous month ends in this one).
    let mut latest: BTreeMap<TaskId, &ReportRecord> = BTreeMap::new();
    for r in &reports {
        latest
            .entry(r.task)
            .and_modify(|cur| {
                if r.period_start > cur.period_start {
                    *cur = r;
                }
            })
            .or_insert(r);
    }
    let unit_name = |id| {
        snap.units
            .iter()
            .find(|u| Some(u.id) == id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| "未指定科室".into())
    };
    let month_end_instant = crate::tasks::local_day_start(month.end());
    let now = ctx.now.min(month_end_instant);
    let mut total = MonthlyGroup {
        name: "全局".into(),
        ..MonthlyGroup::default()
    };
    let mut programmes: BTreeMap<TaskId, MonthlyGroup> = BTreeMap::new();
    let mut units: BTreeMap<String, MonthlyGroup> = BTreeMap::new();
    for row in rows.iter().filter(|r| !r.is_parent) {
        let t = &row.task;
        if !matches!(t.status, TaskStatus::Published | TaskStatus::Completed) {
            continue;
        }
        let (owed, met) = row.punctuality(now, &cadence, |p| month.contains(local_date(p.due)));
        let completed_here = t
            .timeline
            .completed_at
            .is_some_and(|at| month.contains(local_date(at)));
        let published_here = t.timeline.reporting_from.is_some_and(|d| month.contains(d));
        let excerpt = latest.get(&t.id).map(|r| Excerpt::of(&t.title, r));
        let target_lines: Vec<TargetLine> = latest
            .get(&t.id)
            .map(|r| {
                r.values
                    .iter()
                    .filter_map(|v| {
                        let target = t.targets.iter().find(|x| x.id == v.target)?;
                        Some(TargetLine {
                            task: t.id,
                            target: target.target.describe(),
                            value: format_number(v.value),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let open = t.status == TaskStatus::Published;
        let overdue = open && row.assessment.has(ReasonCode::Overdue);
        let behind = open && !overdue && row.assessment.has(ReasonCode::BehindPace);
        let add = |g: &mut MonthlyGroup| {
            if completed_here {
                g.completed.push(row.clone());
            }
            if published_here {
                g.new.push(row.clone());
            }
            if overdue {
                g.overdue.push(row.clone());
            } else if behind {
                g.behind.push(row.clone());
            } else if open && row.assessment.light != Light::None {
                g.in_progress += 1;
            }
            if let Some(e) = &excerpt {
                g.excerpts.push(e.clone());
            }
            g.targets.extend(target_lines.iter().cloned());
            g.owed_reports += owed;
            g.on_time_reports += met;
        };
        add(&mut total);
        add(programmes.entry(row.root).or_insert_with(|| MonthlyGroup {
            name: row.programme.clone(),
            ..MonthlyGroup::default()
        }));
        let unit = unit_name(t.lead_unit);
        add(units.entry(unit.clone()).or_insert_with(|| MonthlyGroup {
            name: unit,
            ..MonthlyGroup::default()
        }));
    }
    Ok(MonthlySummary {
        month,
        total,
        by_programme: programmes.into_values().collect(),
        by_unit: units.into_values().collect(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn months_parse_and_step() {
        let m = Month::parse("2026-03").unwrap();
        assert_eq!(m.label(), "2026年3月");
        assert_eq!(m.code(), "2026-03");
        assert_eq!(m.end(), NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
        let (prev, next) = Month::parse("2026-01").unwrap().neighbours();
        assert_eq!(
            (prev.code(), next.code()),
            ("2025-12".into(), "2026-02".into())
        );
        assert!(Month::parse("2026-13").is_err());
        assert!(Month::parse("三月").is_err());
    }

    fn report(progress: &str, problems: &str, next_steps: &str) -> ReportRecord {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        ReportRecord {
            id: crate::tasks::ReportId(9),
            task: TaskId(3),
            period_start: day,
            progress_text: progress.into(),
            problems: problems.into(),
            next_steps: next_steps.into(),
            percent: 60.0,
            needs_coordination: true,
            state: crate::tasks::ReportState::Submitted,
            first_submitted_at: None,
            updated_at: day.and_hms_opt(9, 0, 0).unwrap().and_utc(),
            review_comment: None,
            reviewed_by: None,
            returns: 0,
            values: Vec::new(),
        }
    }

    #[test]
    fn an_excerpt_quotes_progress_problems_and_next_steps() {
        let e = Excerpt::of(
            "新建幼儿园5所",
            &report("已开工3所", "征地手续未完成", "协调自然资源局加快审批"),
        );
        assert_eq!(
            e,
            Excerpt {
                task: TaskId(3),
                title: "新建幼儿园5所".into(),
                progress: "已开工3所".into(),
                problems: "征地手续未完成".into(),
                next_steps: "协调自然资源局加快审批".into(),
                percent: 60.0,
                needs_coordination: true,
            }
        );
    }

    #[test]
    fn each_text_of_an_excerpt_is_shortened_alike_and_empty_ones_stay_empty() {
        let long = |c: char| c.to_string().repeat(EXCERPT_CHARS + 30);
        let e = Excerpt::of("任务", &report(&long('进'), &long('问'), &long('下')));
        for (text, c) in [
            (&e.progress, '进'),
            (&e.problems, '问'),
            (&e.next_steps, '下'),
        ] {
            assert_eq!(text.chars().count(), EXCERPT_CHARS);
            assert!(text.chars().all(|x| x == c), "{text}");
        }
        let e = Excerpt::of("任务", &report("已完成方案制定", "", "  "));
        assert_eq!(e.progress, "已完成方案制定");
        assert!(e.problems.is_empty() && e.next_steps.is_empty(), "{e:?}");
    }
}
