//! 问责: the 督查室 and leaders record a 约谈, 通报 or 问责 against a unit (and a task); they see
//! every record, a unit sees the records against itself, nobody else sees any.

use super::{Ctx, Error, Result, require};
use crate::access::Action;
use crate::org::Role;
use crate::supervision::{AccountabilityRecord, NewAccountability};

/// Records a 约谈/通报/问责 (supervisors and leaders). When it names a task, the task must be one
/// the unit leads or works on.
pub async fn record(ctx: &Ctx<'_>, record: &NewAccountability) -> Result<AccountabilityRecord> {
    require(ctx, Action::HoldAccountable, None)?;
    if let Some(task) = record.task {
        let task = super::tasks::visible_task(ctx, task).await?;
        if !task.involves_unit(record.unit) {
            return Err(Error::Invalid(
                "该单位不是此任务的责任单位或配合单位".into(),
            ));
        }
    }
    ctx.store
        .insert_accountability(record, Some(ctx.actor.id))
        .await
        .map_err(|e| match e {
            crate::store::StoreError::Conflict { .. } => Error::Invalid("单位不存在".into()),
            other => other.into(),
        })
}

/// The records the actor may read, newest first.
pub async fn records(ctx: &Ctx<'_>) -> Result<Vec<AccountabilityRecord>> {
    match ctx.actor.role {
        Role::Supervisor | Role::Leader => Ok(ctx.store.list_accountability(None).await?),
        Role::Unit => {
            let unit = ctx.actor.unit.ok_or(Error::Forbidden)?;
            Ok(ctx.store.list_accountability(Some(unit)).await?)
        }
        Role::Admin | Role::Viewer => Err(Error::Forbidden),
    }
}
