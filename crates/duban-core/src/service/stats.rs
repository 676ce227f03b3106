//! 统计: how the bureau is doing, by 责任科室, by 工程 and by month — 办结率, 按期办结率, 超期数,
//! 平均办结时长, 按时报送率, 问责 count and 督办单 by tier with their 反馈及时率. Computed from the
//! same snapshot and lights as the pages, for the leaf tasks that have been published.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::snapshot::{cadence, memoized, snapshot};
use super::tasks::{TaskRow, assessed_tasks};
use super::{Ctx, Result, require};
use crate::access::Action;
use crate::org::OrgUnitId;
use crate::store::NoticeFilter;
use crate::supervision::notices::{NoticeRecord, NoticeState, NoticeTier};
use crate::tasks::{TaskId, TaskStatus, local_date};

/// The 督办单 of one group: how many of each tier were issued, and how their answers went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticeCounts {
    /// 蓝色提醒 issued.
    pub blue: usize,
    /// 黄色警示 issued.
    pub yellow: usize,
    /// 红色督办 issued.
    pub red: usize,
    /// Notices whose answer is due: answered, escalated, or still open past their reply-by
    /// date (those still within their time count in neither of the reply figures).
    pub replies_due: usize,
    /// Of which answered on or before the reply-by date (the local date of the answer).
    pub replied_on_time: usize,
}

impl NoticeCounts {
    /// How many of `tier` were issued.
    pub fn of(&self, tier: NoticeTier) -> usize {
        match tier {
            NoticeTier::Blue => self.blue,
            NoticeTier::Yellow => self.yellow,
            NoticeTier::Red => self.red,
        }
    }

    /// Every notice issued.
    pub fn total(&self) -> usize {
        self.blue + self.yellow + self.red
    }

    /// Answered late, or not answered by the reply-by date.
    pub fn replied_late(&self) -> usize {
        self.replies_due - self.replied_on_time
    }

    /// 督办单反馈及时率, 0–100 (`None` while no answer is due).
    pub fn on_time_reply_rate(&self) -> Option<f64> {
        ratio(self.replied_on_time, self.replies_due)
    }

    /// Counts `notice` as it stands on `today`.
    fn add(&mut self, notice: &NoticeRecord, today: NaiveDate) {
        match notice.notice.tier {
            NoticeTier::Blue => self.blue += 1,
            NoticeTier::Yellow => self.yellow += 1,
            NoticeTier::Red => self.red += 1,
        }
        let reply_by = notice.notice.reply_by;
        let answered = notice.answered_at.map(local_date);
        if answered.is_some() || notice.state == NoticeState::Escalated || today > reply_by {
            self.replies_due += 1;
            if answered.is_some_and(|day| day <= reply_by) {
                self.replied_on_time += 1;
            }
        }
    }
}

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
    /// 督办单 issued, by tier, and their answers.
    pub notices: NoticeCounts,
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
    /// Per month in which 督办单 were issued (Asia/Shanghai), in order; only the notices are
    /// counted here.
    pub notices_by_month: Vec<Figures>,
}

/// Computes the statistics (for those who see the whole picture).
pub async fn statistics(ctx: &Ctx<'_>) -> Result<std::sync::Arc<Statistics>> {
    require(ctx, Action::ViewAll, None)?;
    // Everyone allowed here sees the same figures: computed once per data version and minute.
    memoized(ctx, "stats", || compute(ctx)).await
}

/// The figures being gathered, each group created when first met.
struct Groups<U> {
    total: Figures,
    by_unit: BTreeMap<OrgUnitId, Figures>,
    by_programme: BTreeMap<TaskId, Figures>,
    by_month: BTreeMap<(i32, u32), Figures>,
    notices_by_month: BTreeMap<(i32, u32), Figures>,
    /// A unit's name.
    unit_name: U,
}

/// The group `key` of `groups`, named by `name` when it is new.
fn group<K: Ord>(
    groups: &mut BTreeMap<K, Figures>,
    key: K,
    name: impl FnOnce() -> String,
) -> &mut Figures {
    groups.entry(key).or_insert_with(|| Figures::named(name()))
}

/// The group of a month: its key and its name (`2026年3月`).
fn month_group(groups: &mut BTreeMap<(i32, u32), Figures>, date: NaiveDate) -> &mut Figures {
    group(groups, (date.year(), date.month()), || {
        format!("{}年{}月", date.year(), date.month())
    })
}

impl<U: Fn(OrgUnitId) -> String> Groups<U> {
    fn new(unit_name: U) -> Self {
        Self {
            total: Figures::named("全局"),
            by_unit: BTreeMap::new(),
            by_programme: BTreeMap::new(),
            by_month: BTreeMap::new(),
            notices_by_month: BTreeMap::new(),
            unit_name,
        }
    }

    /// The group of a unit.
    fn unit(&mut self, unit: OrgUnitId) -> &mut Figures {
        let name = &self.unit_name;
        group(&mut self.by_unit, unit, || name(unit))
    }

    /// The group of a 工程: its top-level task and title.
    fn programme(&mut self, root: TaskId, title: &str) -> &mut Figures {
        group(&mut self.by_programme, root, || title.to_owned())
    }

    /// Counts a published (or completed) leaf task in the whole, its lead unit, its 工程 and
    /// the month of its deadline.
    fn add_task(
        &mut self,
        row: &TaskRow,
        now: DateTime<Utc>,
        cadence: &crate::tasks::CadenceSettings,
    ) {
        let t = &row.task;
        let today = local_date(now);
        let (owed, on_time) = row.punctuality(now, cadence, |_| true);
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
        add(&mut self.total);
        if let Some(unit) = t.lead_unit {
            add(self.unit(unit));
        }
        add(self.programme(row.root, &row.programme));
        add(month_group(&mut self.by_month, t.timeline.due));
    }

    /// Counts a 约谈/通报/问责 in the whole and its unit.
    fn add_accountability(&mut self, unit: OrgUnitId) {
        self.total.accountability += 1;
        self.unit(unit).accountability += 1;
    }

    /// Counts a 督办单 in the whole, its unit, its task's 工程 (`programme`: the top-level task
    /// and its title, when the task is known) and the month it was issued.
    fn add_notice(
        &mut self,
        notice: &NoticeRecord,
        programme: Option<(TaskId, &str)>,
        today: NaiveDate,
    ) {
        self.total.notices.add(notice, today);
        self.unit(notice.notice.unit).notices.add(notice, today);
        if let Some((root, title)) = programme {
            self.programme(root, title).notices.add(notice, today);
        }
        month_group(
            &mut self.notices_by_month,
            local_date(notice.notice.issued_at),
        )
        .notices
        .add(notice, today);
    }

    fn finish(self) -> Statistics {
        let mut by_unit: Vec<Figures> = self.by_unit.into_values().collect();
        by_unit.sort_by(|a, b| a.name.cmp(&b.name));
        Statistics {
            total: self.total,
            by_unit,
            by_programme: self.by_programme.into_values().collect(),
            by_month: self.by_month.into_values().collect(),
            notices_by_month: self.notices_by_month.into_values().collect(),
        }
    }
}

async fn compute(ctx: &Ctx<'_>) -> Result<Statistics> {
    let rows = assessed_tasks(ctx, None).await?;
    let snap = snapshot(ctx).await?;
    let cadence = cadence(ctx).await?;
    let accountability = ctx.store.list_accountability(None).await?;
    let notices = ctx.store.list_notices(&NoticeFilter::default()).await?;
    let unit_name = |id: OrgUnitId| {
        snap.units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let mut groups = Groups::new(unit_name);
    for row in rows.iter().filter(|r| !r.is_parent) {
        if matches!(
            row.task.status,
            TaskStatus::Published | TaskStatus::Completed
        ) {
            groups.add_task(row, ctx.now, &cadence);
        }
    }
    for a in &accountability {
        groups.add_accountability(a.record.unit);
    }
    let by_id: HashMap<TaskId, &TaskRow> = rows.iter().map(|r| (r.task.id, &**r)).collect();
    let today = local_date(ctx.now);
    for n in &notices {
        let programme = by_id
            .get(&n.notice.task)
            .map(|r| (r.root, r.programme.as_str()));
        groups.add_notice(n, programme, today);
    }
    Ok(groups.finish())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

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
        assert_eq!(empty.notices.on_time_reply_rate(), None);
    }

    use crate::supervision::notices::{NewNotice, NoticeId, NoticeTrigger};
    use chrono::TimeZone;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    /// An instant at `h` o'clock Beijing time on 2026-`m`-`d`.
    fn beijing(m: u32, d: u32, h: u32) -> DateTime<Utc> {
        chrono::FixedOffset::east_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    /// An issued notice to `unit` about `task` of `tier`, issued at `issued`, to answer by
    /// `reply_by`.
    fn notice(
        (id, unit, task): (i64, i64, i64),
        tier: NoticeTier,
        issued: DateTime<Utc>,
        reply_by: NaiveDate,
    ) -> NoticeRecord {
        NoticeRecord {
            id: NoticeId(id),
            year: 2026,
            seq: id,
            notice: NewNotice {
                task: TaskId(task),
                unit: OrgUnitId(unit),
                tier,
                trigger: NoticeTrigger::Manual,
                facts: "请加快推进".into(),
                reply_by,
                issued_at: issued,
                dedupe_key: None,
                escalates: None,
            },
            issued_by: None,
            state: NoticeState::Issued,
            signed_at: None,
            signed_by: None,
            answer: None,
            answered_at: None,
            answered_by: None,
        }
    }

    /// `n`, answered at `at`.
    fn answered(n: NoticeRecord, at: DateTime<Utc>) -> NoticeRecord {
        NoticeRecord {
            state: NoticeState::Answered,
            signed_at: Some(at),
            answer: Some("已落实".into()),
            answered_at: Some(at),
            ..n
        }
    }

    /// `n`, in `state`.
    fn in_state(n: NoticeRecord, state: NoticeState) -> NoticeRecord {
        NoticeRecord { state, ..n }
    }

    #[test]
    fn notices_count_by_tier_per_unit_programme_and_month_with_their_reply_punctuality() {
        use NoticeState::{Escalated, Signed};
        use NoticeTier::{Blue, Red, Yellow};
        let today = day(4, 10);
        let notices = [
            // 基础教育科 (unit 1), 工程 10 (tasks 11 and 12).
            // Issued 1 March 07:00 Beijing = 28 February 23:00 UTC: a March notice. Answered on
            // the evening of its reply-by day (Beijing), which is on time.
            answered(
                notice((1, 1, 11), Blue, beijing(3, 1, 7), day(3, 6)),
                beijing(3, 6, 23),
            ),
            // Answered a day late.
            answered(
                notice((2, 1, 12), Yellow, beijing(3, 20, 10), day(3, 25)),
                beijing(3, 26, 9),
            ),
            // Not answered, escalated: late.
            in_state(
                notice((3, 1, 12), Yellow, beijing(4, 1, 10), day(4, 3)),
                Escalated,
            ),
            // 教研室 (unit 2), 工程 20 (task 20 itself).
            // Open past its reply-by date: late.
            in_state(
                notice((4, 2, 20), Red, beijing(4, 2, 10), day(4, 8)),
                Signed,
            ),
            // Open and still within its time: counted, but not in the reply figures.
            notice((5, 2, 20), Red, beijing(4, 9, 10), day(4, 14)),
            // A task the statistics do not know: no 工程.
            answered(
                notice((6, 2, 99), Blue, beijing(4, 9, 11), day(4, 16)),
                beijing(4, 9, 15),
            ),
        ];
        let unit_name = |u: OrgUnitId| match u.0 {
            1 => "基础教育科".to_owned(),
            _ => "教研室".to_owned(),
        };
        let programme_of = |task: TaskId| match task.0 {
            11 | 12 => Some((TaskId(10), "智慧校园工程")),
            20 => Some((TaskId(20), "学前教育工程")),
            _ => None,
        };
        let mut groups = Groups::new(unit_name);
        groups.add_accountability(OrgUnitId(2));
        for n in &notices {
            groups.add_notice(n, programme_of(n.notice.task), today);
        }
        let s = groups.finish();

        let counts = |blue, yellow, red, due, on_time| NoticeCounts {
            blue,
            yellow,
            red,
            replies_due: due,
            replied_on_time: on_time,
        };
        assert_eq!(s.total.notices, counts(2, 2, 2, 5, 2));
        assert_eq!(s.total.notices.total(), 6);
        assert_eq!(s.total.notices.replied_late(), 3);
        assert_eq!(s.total.notices.on_time_reply_rate(), Some(40.0));
        assert_eq!(s.total.accountability, 1);

        let units: Vec<(&str, NoticeCounts, usize)> = s
            .by_unit
            .iter()
            .map(|f| (f.name.as_str(), f.notices, f.accountability))
            .collect();
        assert_eq!(
            units,
            [
                ("基础教育科", counts(1, 2, 0, 3, 1), 0),
                ("教研室", counts(1, 0, 2, 2, 1), 1),
            ]
        );
        assert_eq!(s.by_unit[0].notices.on_time_reply_rate(), Some(33.3));
        assert_eq!(s.by_unit[0].notices.of(Yellow), 2);

        let programmes: Vec<(&str, usize, usize, usize)> = s
            .by_programme
            .iter()
            .map(|f| {
                (
                    f.name.as_str(),
                    f.notices.blue,
                    f.notices.yellow,
                    f.notices.red,
                )
            })
            .collect();
        assert_eq!(
            programmes,
            [("智慧校园工程", 1, 2, 0), ("学前教育工程", 0, 0, 2)]
        );
        // Programmes met only through notices have no tasks of their own counted.
        assert!(s.by_programme.iter().all(|f| f.tasks == 0));

        let months: Vec<(&str, usize, usize, usize)> = s
            .notices_by_month
            .iter()
            .map(|f| {
                (
                    f.name.as_str(),
                    f.notices.blue,
                    f.notices.yellow,
                    f.notices.red,
                )
            })
            .collect();
        assert_eq!(months, [("2026年3月", 1, 1, 0), ("2026年4月", 1, 1, 2)]);
        // Notices do not enter the months of the deadlines.
        assert!(s.by_month.is_empty());
    }

    #[test]
    fn an_answer_on_the_reply_by_day_is_on_time_even_before_the_day_is_over() {
        let mut c = NoticeCounts::default();
        let issued = notice((1, 1, 1), NoticeTier::Red, beijing(5, 1, 9), day(5, 6));
        c.add(&answered(issued.clone(), beijing(5, 6, 0)), day(5, 3));
        assert_eq!((c.red, c.replies_due, c.replied_on_time), (1, 1, 1));
        // Past midnight Beijing time on the next day is late, though still the same day in UTC.
        c.add(&answered(issued, beijing(5, 7, 1)), day(5, 3));
        assert_eq!((c.replies_due, c.replied_on_time), (2, 1));
    }
}
