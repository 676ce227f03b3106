//! From an imported plan to published tasks (交办): the importer's drafts become `Draft` tasks
//! under one parent task per programme (工程), the 督查室 edits them in the 任务分解表 grid, and
//! publishing makes them visible to their units.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Ctx, Error, Result, require};
use crate::access::Action;
use crate::org::{OrgUnit, OrgUnitId, User, UserId};
use crate::plan::{Node, PlanImport};
use crate::store::TaskEdit;
use crate::tasks::{
    Frequency, NewPlan, NewTarget, NewTask, Plan, PlanId, TaskRecord, records::MAX_TEXT_CHARS,
};

/// The org unit named `name`: an exact match, else a unit whose name lists it among `/`-joined
/// names (科室 such as `基础教育科/教研室`), else one whose name contains it.
pub fn find_unit(units: &[OrgUnit], name: &str) -> Option<OrgUnitId> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    units
        .iter()
        .find(|u| u.name == name)
        .or_else(|| units.iter().find(|u| u.name.split('/').any(|p| p == name)))
        .or_else(|| units.iter().find(|u| u.name.contains(name)))
        .map(|u| u.id)
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn parse_due(due: Option<&str>, start: NaiveDate, default_due: NaiveDate) -> NaiveDate {
    due.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .filter(|d| *d >= start)
        .unwrap_or(default_due)
}

/// What an import becomes: one parent task per programme, and the drafts under it (each with
/// the index of its parent in `parents`, when it has one).
#[derive(Debug, Clone)]
pub struct TaskDrafts {
    /// One task per top-level node that has drafts under it.
    pub parents: Vec<NewTask>,
    /// The drafts, with their parent's index.
    pub children: Vec<(Option<usize>, NewTask)>,
}

/// Turns the importer's drafts into tasks: owners matched to org units by name, deadlines from
/// the plan (or `default_due`), targets attached, weekly reporting, `leader` as 牵头领导 when the
/// plan names none that matches a user.
pub fn tasks_from_import(
    import: &PlanImport,
    units: &[OrgUnit],
    leaders: &[User],
    start: NaiveDate,
    default_due: NaiveDate,
    default_leader: Option<UserId>,
) -> Result<TaskDrafts> {
    let leader_of = |name: Option<&str>| {
        name.and_then(|n| {
            leaders
                .iter()
                .find(|u| n.contains(u.display_name.as_str()))
                .map(|u| u.id)
        })
        .or(default_leader)
    };
    let tops: Vec<&Node> = import.nodes.iter().collect();
    let mut parent_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut parents = Vec::new();
    let mut children = Vec::new();
    for draft in &import.drafts {
        let top = draft.path.first().and_then(|marker| {
            tops.iter()
                .find(|n| n.path.first() == Some(marker) && draft.path.len() > 1)
        });
        let parent = match top {
            Some(node) => {
                let key = node.path.join("/");
                match parent_index.get(&key) {
                    Some(i) => Some(*i),
                    None => {
                        let mut p = NewTask::new(
                            &truncate(&node.title, 200),
                            start,
                            parse_due(node.due.as_deref(), start, default_due),
                            Frequency::Monthly,
                        )?;
                        p.path = node.path.clone();
                        p.source_start = u32::try_from(node.start).ok();
                        p.source_end = u32::try_from(node.end).ok();
                        p.lead_unit = node.lead_unit.as_deref().and_then(|n| find_unit(units, n));
                        p.leader = leader_of(node.leader.as_deref());
                        parents.push(p.validated()?);
                        parent_index.insert(key, parents.len() - 1);
                        Some(parents.len() - 1)
                    }
                }
            }
            None => None,
        };
        let mut task = NewTask::new(
            &truncate(&draft.title, 200),
            start,
            parse_due(draft.due.as_deref(), start, default_due),
            Frequency::Weekly,
        )?;
        task.path = draft.path.clone();
        task.text = truncate(&draft.text, MAX_TEXT_CHARS);
        task.source_start = u32::try_from(draft.start).ok();
        task.source_end = u32::try_from(draft.end).ok();
        task.lead_unit = draft
            .lead_unit
            .as_deref()
            .or(draft.suggested_unit.as_deref())
            .and_then(|n| find_unit(units, n));
        task.co_units = draft
            .co_units
            .iter()
            .filter_map(|n| find_unit(units, n))
            .collect();
        task.leader = leader_of(draft.leader.as_deref());
        for i in &draft.targets {
            let Some(t) = import.targets.get(*i) else {
                continue;
            };
            let indicator = if t.indicator.trim().is_empty() {
                truncate(&t.text, 200)
            } else {
                truncate(&t.indicator, 200)
            };
            if let Ok(target) = NewTarget::new(&indicator, t.op.code(), t.value, &t.unit, &t.text) {
                task.targets.push(target);
            }
        }
        children.push((parent, task.validated()?));
    }
    Ok(TaskDrafts { parents, children })
}

/// Stores an imported plan and its tasks as drafts (not yet visible to units).
pub async fn import_plan(
    ctx: &Ctx<'_>,
    import: &PlanImport,
    source_text: &str,
    start: NaiveDate,
    default_due: NaiveDate,
) -> Result<(Plan, Vec<TaskRecord>)> {
    require(ctx, Action::ManagePlans, None)?;
    if import.drafts.is_empty() {
        return Err(Error::Invalid(
            "没有从文件中识别出任何任务，请检查文件内容是否为工作计划".into(),
        ));
    }
    let json = serde_json::to_string(import).map_err(|e| Error::Internal(e.to_string()))?;
    let plan = NewPlan::new(
        &truncate(&import.title, 200),
        import.plan_year,
        &import.source.file,
        source_text,
        &json,
    )?;
    let units = ctx.store.list_org_units().await?;
    let leaders: Vec<User> = ctx
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| u.role == crate::org::Role::Leader && u.active)
        .collect();
    let drafts = tasks_from_import(import, &units, &leaders, start, default_due, None)?;
    let actor = Some(ctx.actor.id);
    let plan = ctx.store.insert_plan(&plan, actor).await?;
    let parents = ctx
        .store
        .insert_tasks(plan.id, &drafts.parents, actor)
        .await?;
    let children: Vec<NewTask> = drafts
        .children
        .into_iter()
        .map(|(p, mut t)| {
            t.parent = p.and_then(|i| parents.get(i)).map(|r| r.id);
            t
        })
        .collect();
    let mut tasks = parents;
    tasks.extend(ctx.store.insert_tasks(plan.id, &children, actor).await?);
    Ok((plan, tasks))
}

/// Every plan that has tasks, newest first.
pub async fn list_plans(ctx: &Ctx<'_>) -> Result<Vec<Plan>> {
    require(ctx, Action::ViewAll, None)?;
    let snap = super::snapshot::snapshot(ctx).await?;
    let mut ids: Vec<PlanId> = snap.tasks.iter().filter_map(|t| t.plan).collect();
    ids.sort();
    ids.dedup();
    let mut plans = Vec::with_capacity(ids.len());
    for id in ids.into_iter().rev() {
        plans.push(ctx.store.get_plan(id).await?);
    }
    Ok(plans)
}

/// A plan and all its tasks (drafts included), for the 任务分解表.
pub async fn plan_with_tasks(ctx: &Ctx<'_>, id: PlanId) -> Result<(Plan, Vec<TaskRecord>)> {
    require(ctx, Action::ManagePlans, None)?;
    let plan = ctx.store.get_plan(id).await?;
    let snap = super::snapshot::snapshot(ctx).await?;
    let tasks = snap
        .tasks
        .iter()
        .filter(|t| t.plan == Some(id))
        .cloned()
        .collect();
    Ok((plan, tasks))
}

/// Saves grid edits of draft tasks, all or none.
pub async fn edit_tasks(ctx: &Ctx<'_>, edits: &[TaskEdit]) -> Result<Vec<TaskRecord>> {
    require(ctx, Action::ManagePlans, None)?;
    for e in edits {
        let mut check = NewTask::new(&e.title, e.start, e.due, e.frequency)?;
        check.owner_name = e.owner_name.clone();
        check.validated()?;
    }
    Ok(ctx.store.edit_tasks(edits, Some(ctx.actor.id)).await?)
}

/// 交办: publishes the plan's draft tasks. Refused while a draft has no 责任科室, since nobody
/// would see it.
pub async fn publish(ctx: &Ctx<'_>, id: PlanId) -> Result<Plan> {
    let (_, tasks) = plan_with_tasks(ctx, id).await?;
    let unowned: Vec<&str> = tasks
        .iter()
        .filter(|t| t.status == crate::tasks::TaskStatus::Draft && t.lead_unit.is_none())
        .map(|t| t.title.as_str())
        .collect();
    if let Some(first) = unowned.first() {
        return Err(Error::Invalid(format!(
            "还有 {} 项任务未指定责任科室（如“{}”），请先在任务分解表中指定",
            unowned.len(),
            truncate(first, 30)
        )));
    }
    let today = crate::tasks::local_date(ctx.now);
    Ok(ctx
        .store
        .publish_plan(id, today, Some(ctx.actor.id))
        .await?)
}
