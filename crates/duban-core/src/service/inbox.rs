//! The inbox (站内消息) and notification choices of the signed-in user, and the admins' view of
//! outgoing deliveries (发送记录). Everyone reads only their own inbox.

use super::{Ctx, Error, Result, require};
use crate::access::Action;
use crate::notify::{
    InboxMessage, OutboxEntry, Preference, check_email, preferences_with_defaults,
};

/// How many of the actor's messages are unread (the header's badge).
pub async fn unread(ctx: &Ctx<'_>) -> Result<i64> {
    Ok(ctx.store.unread_count(ctx.actor.id).await?)
}

/// The actor's newest messages.
pub async fn messages(ctx: &Ctx<'_>, limit: i64) -> Result<Vec<InboxMessage>> {
    Ok(ctx.store.list_inbox(ctx.actor.id, limit).await?)
}

/// Marks one of the actor's messages read (`Some`), or all (`None`).
pub async fn mark_read(ctx: &Ctx<'_>, message: Option<i64>) -> Result<()> {
    Ok(ctx.store.mark_read(ctx.actor.id, message, ctx.now).await?)
}

/// The actor's e-mail address and choices (defaults filled in).
pub async fn settings(ctx: &Ctx<'_>) -> Result<(Option<String>, Vec<Preference>)> {
    let email = ctx
        .store
        .list_user_emails()
        .await?
        .into_iter()
        .find(|(u, _)| *u == ctx.actor.id)
        .map(|(_, e)| e);
    let stored: Vec<Preference> = ctx
        .store
        .list_preferences()
        .await?
        .into_iter()
        .filter(|(u, _)| *u == ctx.actor.id)
        .map(|(_, p)| p)
        .collect();
    Ok((email, preferences_with_defaults(&stored)))
}

/// Saves the actor's address (checked; empty removes it) and choices.
pub async fn save_settings(ctx: &Ctx<'_>, email: &str, preferences: &[Preference]) -> Result<()> {
    let email = check_email(email)?;
    ctx.store
        .set_notification_settings(ctx.actor.id, email.as_deref(), preferences)
        .await?;
    Ok(())
}

/// The newest outgoing messages (admins).
pub async fn outbox(ctx: &Ctx<'_>, limit: i64) -> Result<Vec<OutboxEntry>> {
    require(ctx, Action::ManageOrg, None)?;
    Ok(ctx.store.list_outbox(limit).await?)
}

/// Puts an unsent message back in the queue (admins).
pub async fn requeue(ctx: &Ctx<'_>, id: i64) -> Result<()> {
    require(ctx, Action::ManageOrg, None)?;
    ctx.store
        .requeue_outbox(id, ctx.now, Some(ctx.actor.id))
        .await
        .map_err(|e| match e {
            crate::store::StoreError::Conflict { .. } => {
                Error::Conflict("该消息已发送，无需重新发送".into())
            }
            other => other.into(),
        })
}
