//! 用户与组织: the admin's user management, and each user's own password. Password hashing is
//! done by the caller (argon2id in the web layer and the CLI); these take the finished hash.

use super::{Ctx, Error, Result, require};
use crate::access::Action;
use crate::auth::check_new_password;
use crate::org::{NewOrgUnit, NewUser, OrgUnit, OrgUnitId, Role, User, UserId};

/// Creates a user (admin).
pub async fn create_user(ctx: &Ctx<'_>, user: &NewUser, password_hash: &str) -> Result<User> {
    require(ctx, Action::ManageOrg, None)?;
    ctx.store
        .insert_user(user, password_hash, Some(ctx.actor.id))
        .await
        .map_err(|e| match e {
            crate::store::StoreError::Conflict { .. } => {
                Error::Conflict(format!("用户名“{}”已被使用", user.username))
            }
            other => other.into(),
        })
}

/// Changes a user's name, role and unit (admin). An admin cannot take away their own admin role
/// (there would be nobody left to give it back).
pub async fn update_user(
    ctx: &Ctx<'_>,
    id: UserId,
    display_name: &str,
    role: Role,
    unit: Option<OrgUnitId>,
) -> Result<User> {
    require(ctx, Action::ManageOrg, None)?;
    let current = ctx.store.get_user(id).await?;
    let checked = NewUser::parse(&current.username, display_name, role, unit)?;
    if id == ctx.actor.id && role != Role::Admin {
        return Err(Error::Invalid("不能取消自己的管理员角色".into()));
    }
    Ok(ctx
        .store
        .update_user(
            id,
            &checked.display_name,
            checked.role,
            checked.unit,
            Some(ctx.actor.id),
        )
        .await?)
}

/// Activates or deactivates a user (admin); an admin cannot deactivate themselves.
pub async fn set_active(ctx: &Ctx<'_>, id: UserId, active: bool) -> Result<User> {
    require(ctx, Action::ManageOrg, None)?;
    if id == ctx.actor.id && !active {
        return Err(Error::Invalid("不能停用自己的账号".into()));
    }
    Ok(ctx
        .store
        .set_user_active(id, active, Some(ctx.actor.id))
        .await?)
}

/// Resets another user's password (admin); their sessions end.
pub async fn reset_password(
    ctx: &Ctx<'_>,
    id: UserId,
    new_password: &str,
    hash: impl FnOnce(&str) -> Result<String>,
) -> Result<()> {
    require(ctx, Action::ManageOrg, None)?;
    check_new_password(new_password).map_err(Error::Invalid)?;
    ctx.store.get_user(id).await?;
    let hashed = hash(new_password)?;
    Ok(ctx
        .store
        .set_user_password(id, &hashed, Some(ctx.actor.id))
        .await?)
}

/// Changes the actor's own password after the caller verified the old one; every session of
/// the user ends (the caller signs them in again).
pub async fn change_own_password(
    ctx: &Ctx<'_>,
    new_password: &str,
    hash: impl FnOnce(&str) -> Result<String>,
) -> Result<()> {
    check_new_password(new_password).map_err(Error::Invalid)?;
    let hashed = hash(new_password)?;
    Ok(ctx
        .store
        .set_user_password(ctx.actor.id, &hashed, Some(ctx.actor.id))
        .await?)
}

/// Every user (admin).
pub async fn list_users(ctx: &Ctx<'_>) -> Result<Vec<User>> {
    require(ctx, Action::ManageOrg, None)?;
    Ok(ctx.store.list_users().await?)
}

/// Adds an org unit under `parent` (admin).
pub async fn add_unit(ctx: &Ctx<'_>, unit: &NewOrgUnit) -> Result<OrgUnit> {
    require(ctx, Action::ManageOrg, None)?;
    Ok(ctx.store.insert_org_unit(unit, Some(ctx.actor.id)).await?)
}
