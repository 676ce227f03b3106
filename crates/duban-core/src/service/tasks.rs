//! Reading tasks: one task the actor may see, and the filtered task list with each task's
//! light. Parent tasks (programmes, 工程) take the roll-up of their children rather than being
//! judged on reports of their own.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;

use super::snapshot::{Snapshot, snapshot};
use super::{Ctx, Error, Result, require};
use crate::access::Action;
use crate::org::{OrgUnitId, Role, UserId};
use crate::tasks::{
    Assessment, Light, PlanId, Reason, ReasonCode, ReportSummary, RollUp, RollUpChild, TaskId,
    TaskRecord, TaskStatus, assess, rollup,
};

/// A task as the list and the dashboard show it.
#[derive(Debug, Clone)]
pub struct TaskRow {
    /// The task.
    pub task: TaskRecord,
    /// Its light and the reasons (for a parent: the worst of its children).
    pub assessment: Assessment,
    /// The latest submitted report's summary.
    pub latest: Option<ReportSummary>,
    /// For a parent task: how its percentage is made from its children's.
    pub rollup: Option<RollUp>,
    /// The title of its top-level task (its programme, 工程), or its own.
    pub programme: String,
    /// Whether it has children (then it takes no reports of its own).
    pub is_parent: bool,
    /// Its top-level task (itself when it has no parent).
    pub root: TaskId,
    /// Every report of the task (drafts included), by period.
    pub reports: Arc<[ReportSummary]>,
}

impl TaskRow {
    /// Punctuality of the task's reporting: of its periods whose deadline passed before `now`
    /// and that `counts`, how many were owed and how many were reported on time.
    pub fn punctuality(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        cadence: &crate::tasks::CadenceSettings,
        counts: impl Fn(&crate::tasks::Period) -> bool,
    ) -> (usize, usize) {
        let periods = crate::tasks::task_periods(&self.task.timeline, now, cadence);
        let owed: Vec<_> = periods
            .iter()
            .filter(|p| p.due < now && counts(p))
            .collect();
        let on_time = owed
            .iter()
            .filter(|p| {
                self.reports
                    .iter()
                    .any(|r| r.period_start == p.start_date() && crate::tasks::is_on_time(r, p))
            })
            .count();
        (owed.len(), on_time)
    }

    /// The percentage to show: the roll-up for a parent, else the latest report's.
    pub fn percent(&self) -> Option<f64> {
        match &self.rollup {
            Some(r) => r.percent,
            None => self.latest.as_ref().map(|l| l.percent),
        }
    }
}

/// Filters of the task list; `None`/empty means "any".
#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    /// Only this plan's tasks.
    pub plan: Option<PlanId>,
    /// Only tasks under this programme (its top-level task).
    pub programme: Option<TaskId>,
    /// Only tasks where this unit leads or works with.
    pub unit: Option<OrgUnitId>,
    /// Only tasks led by this leader.
    pub leader: Option<UserId>,
    /// Only tasks with this light.
    pub light: Option<Light>,
    /// Only tasks in this status.
    pub status: Option<TaskStatus>,
    /// Due on or after.
    pub due_from: Option<NaiveDate>,
    /// Due on or before.
    pub due_to: Option<NaiveDate>,
    /// Words that must all appear in the title, text or 责任人 (full-text search).
    pub text: Option<String>,
    /// Leave out parent tasks (for the workbench and the report queue).
    pub leaves_only: bool,
}

/// The task with this id, if the actor may see it; `NotFound` otherwise (see [`Error::NotFound`]).
pub async fn visible_task(ctx: &Ctx<'_>, id: TaskId) -> Result<TaskRecord> {
    let task = ctx.store.get_task(id).await?;
    if require(ctx, Action::ViewTask, Some(&task)).is_err() {
        return Err(Error::NotFound);
    }
    Ok(task)
}

/// Every task the actor may see, with lights, matching `query`; red first, then yellow, then by
/// deadline.
pub async fn list_tasks(ctx: &Ctx<'_>, query: &TaskQuery) -> Result<Vec<Arc<TaskRow>>> {
    Ok(filter_rows(assessed_tasks(ctx, query.plan).await?, query))
}

/// Keeps the rows matching `query`, red first, then yellow, then by deadline.
pub fn filter_rows(mut rows: Vec<Arc<TaskRow>>, query: &TaskQuery) -> Vec<Arc<TaskRow>> {
    let words: Vec<String> = query
        .text
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    rows.retain(|row| {
        let t = &row.task;
        query.plan.is_none_or(|p| t.plan == Some(p))
            && query.programme.is_none_or(|p| row.root == p)
            && query.unit.is_none_or(|u| t.involves_unit(u))
            && query.leader.is_none_or(|l| t.leader == Some(l))
            && query.light.is_none_or(|l| row.assessment.light == l)
            && query.status.is_none_or(|s| t.status == s)
            && query.due_from.is_none_or(|d| t.timeline.due >= d)
            && query.due_to.is_none_or(|d| t.timeline.due <= d)
            && !(query.leaves_only && row.is_parent)
            && words.iter().all(|w| {
                t.title.to_lowercase().contains(w)
                    || t.text.to_lowercase().contains(w)
                    || t.owner_name
                        .as_deref()
                        .is_some_and(|o| o.contains(w.as_str()))
            })
    });
    rows.sort_by(|a, b| {
        b.assessment
            .light
            .cmp(&a.assessment.light)
            .then(a.task.timeline.due.cmp(&b.task.timeline.due))
            .then(a.task.id.cmp(&b.task.id))
    });
    rows
}

/// Every visible task of the actor (of `plan` when given), assessed, in id order.
pub async fn assessed_tasks(ctx: &Ctx<'_>, plan: Option<PlanId>) -> Result<Vec<Arc<TaskRow>>> {
    let snap = snapshot(ctx).await?;
    let cadence = snap.cadence(ctx.cadence);
    let all = match ctx.snapshots {
        Some(cache) => cache.rows(&snap, ctx.now, &cadence),
        None => Arc::new(assess_snapshot(&snap, ctx.now, &cadence)),
    };
    let unit_scope = match ctx.actor.role {
        Role::Unit => Some(ctx.actor.unit.ok_or(Error::Forbidden)?),
        _ => None,
    };
    let visible = |t: &TaskRecord| match unit_scope {
        Some(unit) => t.status != TaskStatus::Draft && t.involves_unit(unit),
        None => crate::access::can(&ctx.actor, Action::ViewTask, Some(t)),
    };
    Ok(all
        .iter()
        .filter(|r| plan.is_none_or(|p| r.task.plan == Some(p)) && visible(&r.task))
        .cloned()
        .collect())
}

/// Every task of the snapshot assessed at `now`, in id order; who may see which row is decided
/// by the caller ([`assessed_tasks`]), so one computation serves every user.
pub fn assess_snapshot(
    snap: &Snapshot,
    now: chrono::DateTime<chrono::Utc>,
    cadence: &crate::tasks::CadenceSettings,
) -> Vec<Arc<TaskRow>> {
    let all: Vec<&TaskRecord> = snap.tasks.iter().collect();
    let by_id: HashMap<TaskId, &TaskRecord> = all.iter().map(|t| (t.id, *t)).collect();
    let mut children: BTreeMap<TaskId, Vec<TaskId>> = BTreeMap::new();
    for t in all.iter() {
        if let Some(p) = t.parent {
            children.entry(p).or_default().push(t.id);
        }
    }
    // Leaves first: assess every leaf, then parents bottom-up (deepest first).
    let mut assessed: HashMap<TaskId, (Assessment, Option<ReportSummary>, Option<RollUp>)> =
        HashMap::new();
    let depth = |mut id: TaskId| {
        let mut d = 0;
        let mut seen = BTreeSet::new();
        while let Some(p) = by_id.get(&id).and_then(|t| t.parent) {
            if !seen.insert(p) {
                break; // a cycle cannot be stored, but never loop on one
            }
            d += 1;
            id = p;
        }
        d
    };
    let mut order: Vec<&TaskRecord> = all.clone();
    order.sort_by_key(|t| std::cmp::Reverse(depth(t.id)));
    for t in order {
        let own = snap.reports_of(t.id);
        let own = &own[..];
        let latest = own
            .iter()
            .filter(|r| r.submitted_at.is_some())
            .max_by_key(|r| (r.period_start, r.submitted_at))
            .cloned();
        match children.get(&t.id) {
            None => {
                let a = assess(&t.facts(), own, now, cadence);
                assessed.insert(t.id, (a, latest, None));
            }
            Some(kids) => {
                let parts: Vec<(&TaskRecord, &Assessment, Option<f64>)> = kids
                    .iter()
                    .filter_map(|k| {
                        let (a, l, r) = assessed.get(k)?;
                        let pct = match r {
                            Some(r) => r.percent,
                            None => match by_id.get(k)?.status {
                                TaskStatus::Completed => Some(100.0),
                                _ => l.as_ref().map(|l| l.percent),
                            },
                        };
                        Some((*by_id.get(k)?, a, pct))
                    })
                    .collect();
                let roll = rollup(
                    &parts
                        .iter()
                        .map(|(k, _, pct)| {
                            RollUpChild::new(k.title.clone(), pct.unwrap_or(0.0))
                                .weighted(k.timeline.weight)
                        })
                        .collect::<Vec<_>>(),
                );
                let a = parent_assessment(t, &parts, now, cadence);
                assessed.insert(t.id, (a, latest, Some(roll)));
            }
        }
    }
    let mut rows = Vec::with_capacity(all.len());
    for t in all.iter().copied() {
        let Some((assessment, latest, roll)) = assessed.remove(&t.id) else {
            continue;
        };
        let mut root = t.id;
        let mut seen = BTreeSet::new();
        while let Some(p) = by_id.get(&root).and_then(|x| x.parent) {
            if !seen.insert(p) {
                break;
            }
            root = p;
        }
        rows.push(Arc::new(TaskRow {
            reports: snap.reports_of(t.id),
            programme: by_id
                .get(&root)
                .map(|r| r.title.clone())
                .unwrap_or_default(),
            is_parent: children.contains_key(&t.id),
            task: t.clone(),
            assessment,
            latest,
            rollup: roll,
            root,
        }));
    }
    rows
}

/// A parent's light: the worst light among its children, with one reason naming how many.
fn parent_assessment(
    parent: &TaskRecord,
    parts: &[(&TaskRecord, &Assessment, Option<f64>)],
    now: chrono::DateTime<chrono::Utc>,
    cadence: &crate::tasks::CadenceSettings,
) -> Assessment {
    let own = assess(&parent.facts(), &[], now, cadence);
    if parent.status != TaskStatus::Published {
        return own;
    }
    let worst = parts
        .iter()
        .map(|(_, a, _)| a.light)
        .max()
        .unwrap_or(Light::Green)
        .max(Light::Green);
    let count = |l: Light| parts.iter().filter(|(_, a, _)| a.light == l).count();
    let (code, message) = match worst {
        Light::Red => (
            ReasonCode::Overdue,
            format!(
                "下属任务中 {} 项红灯、{} 项黄灯",
                count(Light::Red),
                count(Light::Yellow)
            ),
        ),
        Light::Yellow => (
            ReasonCode::DueSoon,
            format!("下属任务中 {} 项黄灯", count(Light::Yellow)),
        ),
        _ => (ReasonCode::OnTrack, "下属任务均正常推进".to_owned()),
    };
    let mut reasons = vec![Reason {
        code,
        light: worst,
        message,
    }];
    // The parent's own deadline still counts (a programme past its date is red).
    reasons.extend(
        own.reasons
            .into_iter()
            .filter(|r| matches!(r.code, ReasonCode::Overdue | ReasonCode::DueSoon)),
    );
    let light = reasons.iter().map(|r| r.light).max().unwrap_or(worst);
    Assessment {
        light,
        reasons,
        was_late: own.was_late,
        expected_percent: own.expected_percent,
        reported_percent: None,
        missing: Vec::new(),
    }
}

/// A task's text as it stands in the plan: some of what comes before, the task's own words,
/// some of what follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceContext {
    /// Up to [`CONTEXT_CHARS`] characters before, from the start of their line.
    pub before: String,
    /// The task's span.
    pub span: String,
    /// Up to [`CONTEXT_CHARS`] characters after, to the end of their line.
    pub after: String,
}

/// How much of the plan is shown around a task, each side.
pub const CONTEXT_CHARS: usize = 160;

/// The task's words in the plan's text, when the plan's text was kept and the offsets fit.
pub async fn source_context(ctx: &Ctx<'_>, task: &TaskRecord) -> Result<Option<SourceContext>> {
    let (Some(plan), Some(start), Some(end)) = (task.plan, task.source_start, task.source_end)
    else {
        return Ok(None);
    };
    let text = ctx.store.get_plan_source(plan).await?;
    Ok(context_in(&text, start as usize, end as usize))
}

/// [`SourceContext`] of the code-point span `start..end` of `text`.
pub fn context_in(text: &str, start: usize, end: usize) -> Option<SourceContext> {
    let chars: Vec<char> = text.chars().collect();
    if start >= end || end > chars.len() {
        return None;
    }
    let mut from = start.saturating_sub(CONTEXT_CHARS);
    if let Some(nl) = chars[from..start].iter().rposition(|c| *c == '\n') {
        from += nl + 1; // begin at a line start rather than mid-sentence
    }
    let mut to = (end + CONTEXT_CHARS).min(chars.len());
    if let Some(nl) = chars[end..to].iter().position(|c| *c == '\n') {
        to = end + nl;
    }
    Some(SourceContext {
        before: chars[from..start].iter().collect(),
        span: chars[start..end].iter().collect(),
        after: chars[end..to].iter().collect(),
    })
}

/// Replaces a task's milestones (节点), for the 督查室.
pub async fn set_milestones(
    ctx: &Ctx<'_>,
    id: TaskId,
    milestones: &[crate::tasks::Milestone],
) -> Result<TaskRecord> {
    let task = visible_task(ctx, id).await?;
    require(ctx, Action::ManagePlans, Some(&task))?;
    ctx.store
        .set_milestones(id, milestones, Some(ctx.actor.id))
        .await
        .map_err(|e| match e {
            crate::store::StoreError::Conflict { .. } => {
                Error::Conflict("任务已办结或撤销，节点不能再修改".into())
            }
            other => other.into(),
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn context_starts_at_a_line_and_ends_at_one() {
        let text =
            "一、总体要求\n（一）扩充学位。新建幼儿园5所，新增学位1200个。其余略。\n二、保障";
        let start = text.chars().position(|c| c == '新').unwrap();
        let end = start + "新建幼儿园5所".chars().count();
        let c = context_in(text, start, end).unwrap();
        assert_eq!(c.before, "（一）扩充学位。");
        assert_eq!(c.span, "新建幼儿园5所");
        assert_eq!(c.after, "，新增学位1200个。其余略。");
        assert!(context_in(text, 5, 500).is_none());
        assert!(context_in(text, 5, 5).is_none());
    }
}
