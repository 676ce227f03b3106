//! `Store`: the only door to persistence, implemented by `duban-store` (SQLite, PostgreSQL).
//!
//! The trait is object-safe (`Arc<dyn Store>`) through `async_trait`, so core use cases and web
//! handlers never name a backend. Each method is ONE transaction, and every write appends its
//! audit event (chained, see [`crate::audit`]) inside that same transaction: a write without its
//! audit event cannot be committed. Password hashes go in and come out as opaque strings: the
//! store never logs them and never puts them into an audit event.
//!
//! Grouped by area; tasks, reports and sessions come later.

use crate::audit::AuditEvent;
use crate::org::{NewOrgUnit, NewUser, OrgUnit, User, UserId};
use async_trait::async_trait;

/// Why a store call failed. Messages never carry a password hash or a connection string.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A unique or foreign-key constraint refused the write (e.g. `users.username`).
    #[error("conflict on {constraint}")]
    Conflict {
        /// The constraint's name, or the column(s) when the backend does not name it.
        constraint: String,
    },
    /// Anything else (connection lost, disk full, a row that no longer decodes…).
    #[error("store error: {0}")]
    Other(String),
}

/// Persistence for every area of duban. See the module docs for the rules every method follows.
#[async_trait]
pub trait Store: Send + Sync {
    /// Checks that the database answers (`GET /healthz`).
    async fn health(&self) -> Result<(), StoreError>;

    /// Inserts an org unit; `Conflict` when its parent does not exist.
    async fn insert_org_unit(
        &self,
        unit: &NewOrgUnit,
        actor: Option<UserId>,
    ) -> Result<OrgUnit, StoreError>;

    /// Every org unit, by id (parents before children, since ids grow).
    async fn list_org_units(&self) -> Result<Vec<OrgUnit>, StoreError>;

    /// Inserts a user with an already computed password hash (argon2id, made by the caller);
    /// `Conflict { constraint }` when the username is taken or the unit does not exist.
    async fn insert_user(
        &self,
        user: &NewUser,
        password_hash: &str,
        actor: Option<UserId>,
    ) -> Result<User, StoreError>;

    /// The user with this username and their password hash, for the login check.
    async fn get_user_by_username(
        &self,
        username: &str,
    ) -> Result<Option<(User, String)>, StoreError>;

    /// Every user, by id.
    async fn list_users(&self) -> Result<Vec<User>, StoreError>;

    /// Activates or deactivates a user; `NotFound` when there is no such user.
    async fn set_user_active(
        &self,
        id: UserId,
        active: bool,
        actor: Option<UserId>,
    ) -> Result<User, StoreError>;

    /// Up to `limit` audit events with `seq > after_seq`, in seq order.
    async fn list_audit_events(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError>;
}
