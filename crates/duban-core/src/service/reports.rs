//! Weekly reports (周有落实): the lead unit fills in this period's report, keeps it as a draft,
//! submits it; the 督查室 accepts it or returns it (退回) with a reason; evidence files hang off
//! a report.

use super::snapshot::snapshot;
use super::tasks::visible_task;
use super::{Ctx, Error, Result, require};
use crate::access::Action;
use crate::tasks::{
    AttachmentId, AttachmentRecord, NewAttachment, NewReport, Period, ReportId, ReportRecord,
    ReportState, TargetValue, TaskId, TaskRecord, task_periods,
};

/// What the report form sends.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportInput {
    /// The task reported on.
    pub task: TaskId,
    /// 进展情况.
    pub progress_text: String,
    /// 存在问题.
    pub problems: String,
    /// 下步打算.
    pub next_steps: String,
    /// 完成进度 %, 0–100.
    pub percent: f64,
    /// 需协调解决.
    pub needs_coordination: bool,
    /// A measured value per target of the task.
    pub values: Vec<TargetValue>,
}

/// The period a report written at `now` is for: the one containing now, or the task's last
/// one once its deadline has passed (a late unit still reports on its last period). `cadence`
/// is the one with the working calendar ([`super::snapshot::cadence`]).
pub fn current_period(
    cadence: &crate::tasks::CadenceSettings,
    now: chrono::DateTime<chrono::Utc>,
    task: &TaskRecord,
) -> Option<Period> {
    let periods = task_periods(&task.timeline, now, cadence);
    periods
        .iter()
        .find(|p| p.contains(now))
        .or(periods.last())
        .cloned()
}

async fn has_children(ctx: &Ctx<'_>, task: &TaskRecord) -> Result<bool> {
    let snap = snapshot(ctx).await?;
    Ok(snap.tasks.iter().any(|t| t.parent == Some(task.id)))
}

/// Saves this period's report as a draft, or submits it (`submit`). Only the lead unit of a
/// published task may; a parent task takes no reports (its progress is its children's).
pub async fn save_report(ctx: &Ctx<'_>, input: ReportInput, submit: bool) -> Result<ReportRecord> {
    let task = visible_task(ctx, input.task).await?;
    require(ctx, Action::Report, Some(&task))?;
    if has_children(ctx, &task).await? {
        return Err(Error::Invalid(
            "该任务的进度由下属任务汇总，请在下属任务中报送".into(),
        ));
    }
    let cadence = super::snapshot::cadence(ctx).await?;
    let period = current_period(&cadence, ctx.now, &task)
        .ok_or_else(|| Error::Invalid("任务尚未开始，本期无需报送".into()))?;
    for v in &input.values {
        if !task.targets.iter().any(|t| t.id == v.target) {
            return Err(Error::Invalid("填写的指标不属于该任务".into()));
        }
    }
    let report = NewReport::new(
        task.id,
        period.start_date(),
        &input.progress_text,
        &input.problems,
        &input.next_steps,
        input.percent,
        input.needs_coordination,
    )?
    .with_values(input.values)?;
    if submit && report.progress_text.is_empty() {
        return Err(Error::Invalid("提交前请填写进展情况".into()));
    }
    let saved = ctx
        .store
        .upsert_report_draft(&report, Some(ctx.actor.id))
        .await
        .map_err(|e| match e {
            crate::store::StoreError::Conflict { .. } => {
                Error::Conflict("本期报告已提交或已通过审核，不能再修改".into())
            }
            other => other.into(),
        })?;
    if !submit {
        return Ok(saved);
    }
    Ok(ctx
        .store
        .submit_report(saved.id, ctx.now, Some(ctx.actor.id))
        .await?)
}

/// The report with this id and its task, if the actor may see the task.
pub async fn visible_report(ctx: &Ctx<'_>, id: ReportId) -> Result<(ReportRecord, TaskRecord)> {
    let report = ctx.store.get_report(id).await?;
    let task = visible_task(ctx, report.task).await?;
    Ok((report, task))
}

/// Accepts or returns a submitted report; a return needs a reason, which the unit will see.
pub async fn review_report(
    ctx: &Ctx<'_>,
    id: ReportId,
    accept: bool,
    comment: &str,
) -> Result<ReportRecord> {
    let (report, task) = visible_report(ctx, id).await?;
    require(ctx, Action::Review, Some(&task))?;
    let comment = comment.trim();
    if !accept && comment.is_empty() {
        return Err(Error::Invalid("退回时请写明理由".into()));
    }
    if comment.chars().count() > 2000 {
        return Err(Error::Invalid("审核意见不能超过2000个字".into()));
    }
    if report.state != ReportState::Submitted {
        return Err(Error::Conflict(
            "该报告不在待审核状态（可能已被他人审核）".into(),
        ));
    }
    let comment = (!comment.is_empty()).then_some(comment);
    Ok(ctx
        .store
        .review_report(id, accept, comment, Some(ctx.actor.id))
        .await?)
}

/// The 审核 queue: `limit` submitted reports after the first `offset`, with their tasks, oldest
/// first, and how many are waiting in all.
pub async fn review_queue(
    ctx: &Ctx<'_>,
    offset: usize,
    limit: usize,
) -> Result<(Vec<(ReportRecord, TaskRecord)>, usize)> {
    require(ctx, Action::Review, None)?;
    let snap = snapshot(ctx).await?;
    let total = snap
        .reports
        .values()
        .flat_map(|r| r.iter())
        .filter(|r| r.state == ReportState::Submitted)
        .count();
    let reports = ctx
        .store
        .list_reports_in_state(
            ReportState::Submitted,
            i64::try_from(offset).unwrap_or(i64::MAX),
            i64::try_from(limit).unwrap_or(i64::MAX),
        )
        .await?;
    let mut out = Vec::with_capacity(reports.len());
    for r in reports {
        let task = match snap.task(r.task) {
            Some(t) => t.clone(),
            None => ctx.store.get_task(r.task).await?, // newer than the snapshot
        };
        out.push((r, task));
    }
    let total = total.max(offset + out.len());
    Ok((out, total))
}

/// Records an evidence file (its bytes already stored by SHA-256) on a report that is still
/// open (not accepted).
pub async fn attach(ctx: &Ctx<'_>, attachment: &NewAttachment) -> Result<AttachmentRecord> {
    let (report, task) = visible_report(ctx, attachment.report).await?;
    require(ctx, Action::Report, Some(&task))?;
    if report.state == ReportState::Accepted || report.state == ReportState::Submitted {
        return Err(Error::Conflict("报告已提交，不能再添加材料".into()));
    }
    if ctx.store.list_attachments(report.id).await?.len() >= 20 {
        return Err(Error::Invalid("每份报告最多20个附件".into()));
    }
    Ok(ctx
        .store
        .insert_attachment(attachment, Some(ctx.actor.id))
        .await?)
}

/// An attachment, if the actor may see its task.
pub async fn visible_attachment(ctx: &Ctx<'_>, id: AttachmentId) -> Result<AttachmentRecord> {
    let attachment = ctx.store.get_attachment(id).await?;
    visible_report(ctx, attachment.attachment.report).await?;
    Ok(attachment)
}
