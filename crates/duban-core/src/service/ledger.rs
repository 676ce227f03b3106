//! 台账: the task ledger in the 任务分解表 layout — 序号 / 工作任务 / 牵头领导 / 责任科室 /
//! 配合单位 / 责任人 / 完成时限 / 进展情况 / 状态 — one row per task the actor may see, each
//! 工程 followed by its tasks. The file formats (.xlsx, .csv) are written by `duban-plan`.

use chrono::NaiveDate;

use super::snapshot::snapshot;
use super::tasks::assessed_tasks;
use super::{Ctx, Result};
use crate::tasks::{Light, TaskStatus};

/// The ledger's column headings, in order.
pub const LEDGER_HEADINGS: [&str; 9] = [
    "序号",
    "工作任务",
    "牵头领导",
    "责任科室",
    "配合单位",
    "责任人",
    "完成时限",
    "进展情况",
    "状态",
];

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    /// 序号: `一`, `二` … for a 工程, `1`, `2` … for its tasks (restarting in each 工程).
    pub seq: String,
    /// Whether this is a 工程 (a parent task).
    pub is_programme: bool,
    /// 工作任务.
    pub title: String,
    /// 牵头领导 (display name), or empty.
    pub leader: String,
    /// 责任科室, or empty.
    pub lead_unit: String,
    /// 配合单位, joined with `、`.
    pub co_units: String,
    /// 责任人, or empty.
    pub owner: String,
    /// 完成时限.
    pub due: NaiveDate,
    /// 进展情况: the latest submitted report's text (for a 工程: its roll-up).
    pub progress: String,
    /// 状态: 已办结 / 逾期办结 / 红灯 / 黄灯 / 绿灯 / 草稿 / 已撤销.
    pub status: String,
    /// The light, for colouring.
    pub light: Light,
}

/// Chinese numerals for the programmes' 序号 (一 … 九十九).
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", DIGITS[n % 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

/// The ledger of every task the actor may see, 工程 by 工程 in plan order, tasks in id order.
pub async fn ledger(ctx: &Ctx<'_>) -> Result<Vec<LedgerRow>> {
    let rows = assessed_tasks(ctx, None).await?;
    let snap = snapshot(ctx).await?;
    let unit = |id| {
        snap.units
            .iter()
            .find(|u| Some(u.id) == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let user = |id| {
        snap.users
            .iter()
            .find(|u| Some(u.id) == id)
            .map(|u| u.display_name.clone())
            .unwrap_or_default()
    };
    let mut out = Vec::with_capacity(rows.len());
    let mut programme = 0;
    let mut within = 0;
    // Roots first in id order, each followed by its descendants; then tasks whose parent the
    // actor cannot see (a unit's tasks under another unit's 工程) in id order.
    let mut order: Vec<&std::sync::Arc<super::tasks::TaskRow>> = Vec::with_capacity(rows.len());
    for root in rows.iter().filter(|r| r.task.parent.is_none()) {
        order.push(root);
        order.extend(
            rows.iter()
                .filter(|r| r.root == root.task.id && r.task.id != root.task.id),
        );
    }
    for r in &rows {
        if !order.iter().any(|o| o.task.id == r.task.id) {
            order.push(r);
        }
    }
    for r in order {
        let t = &r.task;
        let seq = if r.is_parent && t.parent.is_none() {
            programme += 1;
            within = 0;
            chinese_number(programme)
        } else {
            within += 1;
            within.to_string()
        };
        let progress = if r.is_parent {
            r.rollup
                .as_ref()
                .map(|roll| roll.explanation.clone())
                .unwrap_or_default()
        } else {
            match &r.latest {
                Some(latest) => ctx
                    .store
                    .list_reports(t.id)
                    .await?
                    .into_iter()
                    .find(|rep| rep.period_start == latest.period_start)
                    .map(|rep| rep.progress_text)
                    .unwrap_or_default(),
                None => String::new(),
            }
        };
        let status = match t.status {
            TaskStatus::Completed if r.assessment.was_late => "逾期办结".to_owned(),
            TaskStatus::Completed => "已办结".to_owned(),
            TaskStatus::Draft => "草稿".to_owned(),
            TaskStatus::Cancelled => "已撤销".to_owned(),
            TaskStatus::Published => format!("{}灯", r.assessment.light.label()),
        };
        out.push(LedgerRow {
            seq,
            is_programme: r.is_parent,
            title: t.title.clone(),
            leader: user(t.leader),
            lead_unit: unit(t.lead_unit),
            co_units: t
                .co_units
                .iter()
                .map(|u| unit(Some(*u)))
                .collect::<Vec<_>>()
                .join("、"),
            owner: t.owner_name.clone().unwrap_or_default(),
            due: t.timeline.due,
            progress,
            status,
            light: r.assessment.light,
        });
    }
    Ok(out)
}

/// The bureau's name (the root of the org tree), for titles of exported documents.
pub async fn bureau_name(ctx: &Ctx<'_>) -> Result<String> {
    let snap = snapshot(ctx).await?;
    Ok(snap
        .units
        .iter()
        .find(|u| u.parent.is_none())
        .map(|u| u.name.clone())
        .unwrap_or_default())
}

/// The ledger's title: `青禾区文教体局工作任务台账（2026年11月30日）`.
pub async fn ledger_title(ctx: &Ctx<'_>) -> Result<String> {
    Ok(format!(
        "{}工作任务台账（{}）",
        bureau_name(ctx).await?,
        crate::tasks::format_date(crate::tasks::local_date(ctx.now))
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programme_numbers_read_as_chinese() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(35), "三十五");
    }
}
