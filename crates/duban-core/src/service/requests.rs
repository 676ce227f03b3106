//! 办结 and 延期 requests and their approval by the task's leader, and 批示.

use super::snapshot::snapshot;
use super::tasks::visible_task;
use super::{Ctx, Error, Result, require};
use crate::access::{Action, can};
use crate::store::RequestFilter;
use crate::tasks::{
    InstructionRecord, NewInstruction, NewRequest, RequestId, RequestRecord, RequestState,
    TaskRecord,
};

/// Files a 办结 or 延期 request for a task the actor's unit leads.
pub async fn request_change(ctx: &Ctx<'_>, request: &NewRequest) -> Result<RequestRecord> {
    let task = visible_task(ctx, request.task).await?;
    require(ctx, Action::RequestChange, Some(&task))?;
    ctx.store
        .insert_request(request, Some(ctx.actor.id))
        .await
        .map_err(|e| match e {
            crate::store::StoreError::Conflict { .. } => {
                Error::Conflict(format!("该任务已有待审批的{}申请", request.kind.label()))
            }
            other => other.into(),
        })
}

/// Approves or rejects a pending request; a rejection needs a reason.
pub async fn decide(
    ctx: &Ctx<'_>,
    id: RequestId,
    approve: bool,
    comment: &str,
) -> Result<RequestRecord> {
    let request = ctx.store.get_request(id).await?;
    let task = visible_task(ctx, request.request.task).await?;
    require(ctx, Action::Decide, Some(&task))?;
    let comment = comment.trim();
    if !approve && comment.is_empty() {
        return Err(Error::Invalid("不同意时请写明理由".into()));
    }
    if comment.chars().count() > 2000 {
        return Err(Error::Invalid("审批意见不能超过2000个字".into()));
    }
    if request.state != RequestState::Pending {
        return Err(Error::Conflict("该申请已审批".into()));
    }
    let comment = (!comment.is_empty()).then_some(comment);
    Ok(ctx
        .store
        .decide_request(id, approve, comment, ctx.now, Some(ctx.actor.id))
        .await?)
}

/// The 审批 queue: pending requests the actor may decide, with their tasks.
pub async fn approval_queue(ctx: &Ctx<'_>) -> Result<Vec<(RequestRecord, TaskRecord)>> {
    let pending = ctx
        .store
        .list_requests(&RequestFilter {
            task: None,
            state: Some(RequestState::Pending),
        })
        .await?;
    let snap = snapshot(ctx).await?;
    let mut out = Vec::new();
    for r in pending {
        let task = match snap.task(r.request.task) {
            Some(t) => t.clone(),
            None => ctx.store.get_task(r.request.task).await?, // newer than the snapshot
        };
        if can(&ctx.actor, Action::Decide, Some(&task)) {
            out.push((r, task));
        }
    }
    Ok(out)
}

/// The requests of a task the actor may see, newest first.
pub async fn task_requests(ctx: &Ctx<'_>, task: &TaskRecord) -> Result<Vec<RequestRecord>> {
    let mut all = ctx
        .store
        .list_requests(&RequestFilter {
            task: Some(task.id),
            state: None,
        })
        .await?;
    all.reverse();
    Ok(all)
}

/// Writes a 批示 on a task.
pub async fn instruct(ctx: &Ctx<'_>, instruction: &NewInstruction) -> Result<InstructionRecord> {
    let task = visible_task(ctx, instruction.task).await?;
    require(ctx, Action::Instruct, Some(&task))?;
    Ok(ctx
        .store
        .insert_instruction(instruction, Some(ctx.actor.id))
        .await?)
}
