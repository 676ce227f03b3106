//! 节假日: the admins keep the working calendar (public holidays and 调休 workdays) current —
//! the published arrangement for a new year is entered here when the State Council announces it.

use chrono::NaiveDate;

use super::{Ctx, Error, Result, require};
use crate::access::Action;
use crate::calendar::{CalendarDay, WorkCalendar};

/// The working calendar as stored.
pub async fn calendar(ctx: &Ctx<'_>) -> Result<WorkCalendar> {
    Ok(WorkCalendar::new(ctx.store.list_calendar_days().await?))
}

/// Adds or replaces an exceptional day (admin).
pub async fn set_day(ctx: &Ctx<'_>, day: &CalendarDay) -> Result<()> {
    require(ctx, Action::ManageOrg, None)?;
    Ok(ctx.store.set_calendar_day(day, Some(ctx.actor.id)).await?)
}

/// Makes `date` an ordinary day again (admin).
pub async fn delete_day(ctx: &Ctx<'_>, date: NaiveDate) -> Result<()> {
    require(ctx, Action::ManageOrg, None)?;
    ctx.store
        .delete_calendar_day(date, Some(ctx.actor.id))
        .await
        .map_err(|e| match e {
            crate::store::StoreError::NotFound => {
                Error::Invalid(format!("{date} 不是节假日或调休上班日"))
            }
            other => other.into(),
        })
}
