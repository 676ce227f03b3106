//! Who may do what: `can(actor, action, task)` is the one place where roles and data scope are
//! decided. Every use case in [`crate::service`] asks it before touching the store, so a handler
//! cannot forget, and a unit user who guesses another unit's task id gets `Forbidden` (and the
//! same answer as for a task that does not exist, so ids cannot be probed).
//!
//! The rules (PRODUCT.md §Roles):
//! - 管理员 admin: users, org units, settings; reads everything.
//! - 局领导 leader: reads everything; decides 办结/延期 requests of the tasks they lead (or of
//!   tasks with no 牵头领导); writes 批示 on any task.
//! - 督查室 supervisor: imports, decomposes and publishes plans; reviews reports; reads everything.
//! - 责任单位 unit: reads the published tasks where its unit is the lead or a co-unit; the lead
//!   unit reports on them and asks for 办结/延期 (配合单位 read, the 牵头科室 reports for all).
//! - 只读 viewer: reads everything published.
//! - 问责 records are written by the 督查室 and leaders; they and the unit concerned read them.

use crate::org::{OrgUnitId, Role, User, UserId};
use crate::tasks::{TaskRecord, TaskStatus};

/// The signed-in user as the rules see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// Who.
    pub id: UserId,
    /// Their role.
    pub role: Role,
    /// Their unit (always set for `Role::Unit`).
    pub unit: Option<OrgUnitId>,
}

impl From<&User> for Actor {
    fn from(user: &User) -> Self {
        Self {
            id: user.id,
            role: user.role,
            unit: user.unit,
        }
    }
}

/// Everything a user can ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read a task with its reports, requests and 批示.
    ViewTask,
    /// Read the whole picture (dashboard across units, every task).
    ViewAll,
    /// Save or submit the task's progress report, upload evidence.
    Report,
    /// Ask for 办结 or 延期 of the task.
    RequestChange,
    /// Accept or return (退回) reports.
    Review,
    /// Approve or reject a 办结/延期 request of the task.
    Decide,
    /// Write a 批示 on the task.
    Instruct,
    /// Import plans, edit the 任务分解表, publish (交办).
    ManagePlans,
    /// Manage users and org units.
    ManageOrg,
    /// Read a task's audit trail.
    ViewAudit,
    /// Record a 约谈/通报/问责 against a unit.
    HoldAccountable,
}

impl Action {
    /// Every action (for the authorisation matrix).
    pub const ALL: [Action; 11] = [
        Action::ViewTask,
        Action::ViewAll,
        Action::Report,
        Action::RequestChange,
        Action::Review,
        Action::Decide,
        Action::Instruct,
        Action::ManagePlans,
        Action::ManageOrg,
        Action::ViewAudit,
        Action::HoldAccountable,
    ];
}

/// Whether `actor` may do `action`, on `task` when the action concerns one. Task-bound actions
/// without a task are refused (except the ones that are about the whole system).
pub fn can(actor: &Actor, action: Action, task: Option<&TaskRecord>) -> bool {
    let published = task.is_some_and(|t| t.status != TaskStatus::Draft);
    let my_unit_involved = match (actor.unit, task) {
        (Some(unit), Some(t)) => t.involves_unit(unit),
        _ => false,
    };
    let my_unit_leads = match (actor.unit, task) {
        (Some(unit), Some(t)) => t.lead_unit == Some(unit),
        _ => false,
    };
    let open = task.is_some_and(|t| t.status == TaskStatus::Published);
    match (actor.role, action) {
        (Role::Unit, Action::ViewTask) => published && my_unit_involved,
        (Role::Viewer, Action::ViewTask) => published,
        (_, Action::ViewTask) => task.is_some(),
        (Role::Unit, Action::ViewAll) => false,
        (_, Action::ViewAll) => true,
        (Role::Unit, Action::Report | Action::RequestChange) => open && my_unit_leads,
        (_, Action::Report | Action::RequestChange) => false,
        (Role::Supervisor, Action::Review | Action::ManagePlans) => true,
        (_, Action::Review | Action::ManagePlans) => false,
        (Role::Leader, Action::Decide) => {
            open && task.is_some_and(|t| t.leader.is_none() || t.leader == Some(actor.id))
        }
        (_, Action::Decide) => false,
        (Role::Leader, Action::Instruct) => published,
        (_, Action::Instruct) => false,
        (Role::Admin, Action::ManageOrg) => true,
        (_, Action::ManageOrg) => false,
        (Role::Admin | Role::Leader | Role::Supervisor, Action::ViewAudit) => task.is_some(),
        (_, Action::ViewAudit) => false,
        (Role::Supervisor | Role::Leader, Action::HoldAccountable) => true,
        (_, Action::HoldAccountable) => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::tasks::{Frequency, NewTask, TaskId, TaskTimeline};
    use chrono::{NaiveDate, TimeZone, Utc};

    fn task(status: TaskStatus, lead: i64, co: &[i64], leader: Option<i64>) -> TaskRecord {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let new =
            NewTask::new("建成智慧校园示范校", d(1, 1), d(12, 31), Frequency::Weekly).unwrap();
        TaskRecord {
            id: TaskId(7),
            plan: None,
            parent: None,
            path: Vec::new(),
            title: new.title,
            text: String::new(),
            source_start: None,
            source_end: None,
            lead_unit: Some(OrgUnitId(lead)),
            co_units: co.iter().copied().map(OrgUnitId).collect(),
            leader: leader.map(UserId),
            owner_name: None,
            status,
            timeline: TaskTimeline {
                start: d(1, 1),
                due: d(12, 31),
                original_due: d(12, 31),
                completed_at: None,
                frequency: Frequency::Weekly,
                weight: 1.0,
                reporting_from: None,
            },
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            targets: Vec::new(),
            milestones: Vec::new(),
        }
    }

    fn actor(id: i64, role: Role, unit: Option<i64>) -> Actor {
        Actor {
            id: UserId(id),
            role,
            unit: unit.map(OrgUnitId),
        }
    }

    #[test]
    fn unit_users_see_only_their_units_published_tasks() {
        let lead = actor(1, Role::Unit, Some(10));
        let co = actor(2, Role::Unit, Some(11));
        let other = actor(3, Role::Unit, Some(12));
        let t = task(TaskStatus::Published, 10, &[11], None);
        assert!(can(&lead, Action::ViewTask, Some(&t)));
        assert!(can(&co, Action::ViewTask, Some(&t)));
        assert!(!can(&other, Action::ViewTask, Some(&t)));
        let draft = task(TaskStatus::Draft, 10, &[], None);
        assert!(!can(&lead, Action::ViewTask, Some(&draft)));
        assert!(!can(&lead, Action::ViewAll, None));
    }

    #[test]
    fn only_the_lead_unit_reports_and_asks_while_the_task_is_open() {
        let lead = actor(1, Role::Unit, Some(10));
        let co = actor(2, Role::Unit, Some(11));
        let t = task(TaskStatus::Published, 10, &[11], None);
        assert!(can(&lead, Action::Report, Some(&t)));
        assert!(can(&lead, Action::RequestChange, Some(&t)));
        assert!(!can(&co, Action::Report, Some(&t)));
        let done = task(TaskStatus::Completed, 10, &[], None);
        assert!(!can(&lead, Action::Report, Some(&done)));
        let sup = actor(4, Role::Supervisor, Some(1));
        assert!(!can(&sup, Action::Report, Some(&t)));
    }

    #[test]
    fn leaders_decide_only_for_the_tasks_they_lead() {
        let mine = task(TaskStatus::Published, 10, &[], Some(5));
        let theirs = task(TaskStatus::Published, 10, &[], Some(6));
        let nobody = task(TaskStatus::Published, 10, &[], None);
        let leader = actor(5, Role::Leader, None);
        assert!(can(&leader, Action::Decide, Some(&mine)));
        assert!(!can(&leader, Action::Decide, Some(&theirs)));
        assert!(can(&leader, Action::Decide, Some(&nobody)));
        assert!(can(&leader, Action::Instruct, Some(&theirs)));
        assert!(!can(
            &actor(4, Role::Supervisor, None),
            Action::Decide,
            Some(&mine)
        ));
    }

    #[test]
    fn task_bound_actions_need_a_task() {
        for role in Role::ALL {
            let a = actor(1, role, Some(10));
            for action in [
                Action::ViewTask,
                Action::Report,
                Action::Decide,
                Action::Instruct,
            ] {
                assert!(!can(&a, action, None), "{role:?} {action:?}");
            }
        }
    }
}
