//! 督办单 use cases: the 督查室 issues one by hand; supervisors, leaders and viewers read all of
//! them, a unit reads its own and 签收 / 反馈 them. Automatic notices and escalations are the
//! scheduler's (`service::scheduler`).

use chrono::NaiveDate;

use super::{Ctx, Error, Result};
use crate::org::Role;
use crate::store::{NoticeFilter, StoreError};
use crate::supervision::notices::{NewNotice, NoticeId, NoticeRecord, NoticeTier};
use crate::tasks::TaskId;

/// Issues a notice by hand (supervisors). Its messages go out with the scheduler's next step.
pub async fn issue(
    ctx: &Ctx<'_>,
    task: TaskId,
    tier: NoticeTier,
    facts: &str,
    reply_by: NaiveDate,
) -> Result<NoticeRecord> {
    if ctx.actor.role != Role::Supervisor {
        return Err(Error::Forbidden);
    }
    let task = super::tasks::visible_task(ctx, task).await?;
    let notice = NewNotice::manual(&task, tier, facts, reply_by, ctx.now)?;
    ctx.store
        .issue_notice(&notice, Some(ctx.actor.id))
        .await?
        .ok_or_else(|| Error::Conflict("该督办单已下发".into()))
}

/// The notices the actor may read (a unit: its own), newest first; `open_only` keeps those
/// still waiting for the unit.
pub async fn list(ctx: &Ctx<'_>, open_only: bool) -> Result<Vec<NoticeRecord>> {
    let unit = match ctx.actor.role {
        Role::Supervisor | Role::Leader | Role::Viewer => None,
        Role::Unit => Some(ctx.actor.unit.ok_or(Error::Forbidden)?),
        Role::Admin => return Err(Error::Forbidden),
    };
    Ok(ctx
        .store
        .list_notices(&NoticeFilter {
            unit,
            task: None,
            open_only,
        })
        .await?)
}

/// The notices about one task the actor may read, newest first.
pub async fn of_task(ctx: &Ctx<'_>, task: TaskId) -> Result<Vec<NoticeRecord>> {
    super::tasks::visible_task(ctx, task).await?;
    let unit = match ctx.actor.role {
        Role::Unit => Some(ctx.actor.unit.ok_or(Error::Forbidden)?),
        _ => None,
    };
    Ok(ctx
        .store
        .list_notices(&NoticeFilter {
            unit,
            task: Some(task),
            open_only: false,
        })
        .await?)
}

/// One notice, if the actor may read it (otherwise `NotFound`, so ids cannot be probed).
pub async fn get(ctx: &Ctx<'_>, id: NoticeId) -> Result<NoticeRecord> {
    let notice = ctx.store.get_notice(id).await?;
    let visible = match ctx.actor.role {
        Role::Supervisor | Role::Leader | Role::Viewer => true,
        Role::Unit => ctx.actor.unit == Some(notice.notice.unit),
        Role::Admin => false,
    };
    if visible {
        Ok(notice)
    } else {
        Err(Error::NotFound)
    }
}

fn unit_may_act(ctx: &Ctx<'_>, notice: &NoticeRecord) -> Result<()> {
    if ctx.actor.role == Role::Unit && ctx.actor.unit == Some(notice.notice.unit) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

fn state_conflict(e: StoreError, what: &str) -> Error {
    match e {
        StoreError::Conflict { .. } => {
            Error::Conflict(format!("该督办单当前状态不能{what}，请刷新后查看"))
        }
        other => other.into(),
    }
}

/// 签收 (the unit the notice was sent to).
pub async fn sign(ctx: &Ctx<'_>, id: NoticeId) -> Result<NoticeRecord> {
    let notice = get(ctx, id).await?;
    unit_may_act(ctx, &notice)?;
    ctx.store
        .sign_notice(id, ctx.now, Some(ctx.actor.id))
        .await
        .map_err(|e| state_conflict(e, "签收"))
}

/// 反馈 (the unit the notice was sent to): 1–2000 characters on what was done.
pub async fn answer(ctx: &Ctx<'_>, id: NoticeId, text: &str) -> Result<NoticeRecord> {
    let notice = get(ctx, id).await?;
    unit_may_act(ctx, &notice)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::Invalid("请填写反馈的落实情况".into()));
    }
    if text.chars().count() > 2000 {
        return Err(Error::Invalid("反馈内容不能超过2000个字".into()));
    }
    ctx.store
        .answer_notice(id, text, ctx.now, Some(ctx.actor.id))
        .await
        .map_err(|e| state_conflict(e, "反馈"))
}
