//! duban-store: the `Store` trait of duban-core on SQLite (feature `sqlite`, default) and
//! PostgreSQL (feature `postgres`).
//!
//! `connect` picks the backend from the URL scheme and runs the embedded migrations, so callers
//! only ever hold an `Arc<dyn Store>`. Queries are runtime-checked (`sqlx::query_as`, `$1`
//! placeholders in both backends): no `DATABASE_URL` and no `.sqlx/` cache at build time; the
//! conformance story in `tests/story.rs` runs the same calls on both backends instead.
//! This crate only persists: validation lives in duban-core, and no error message carries the
//! database URL (a PostgreSQL URL may hold a password) or a password hash.

use anyhow::bail;
use duban_core::store::{Store, StoreError};
use std::sync::Arc;

#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
compile_error!("duban-store needs at least one backend: feature `sqlite` or `postgres`");

#[macro_use]
mod sql;
#[macro_use]
mod followup_sql;
#[macro_use]
mod meetings_sql;

#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

#[cfg(feature = "sqlite")]
pub use sqlite::backup;

/// [`backup`] from a URL, for callers that hold no pool (`duban backup`): opens the SQLite
/// database named by `url` (running the migrations, like [`connect`]) and copies it to `path`.
/// Refuses an existing `path`; the caller refuses non-SQLite URLs first.
#[cfg(feature = "sqlite")]
pub async fn backup_url(url: &str, path: &std::path::Path) -> anyhow::Result<()> {
    if path.exists() {
        bail!("backup target {} already exists", path.display());
    }
    let store = sqlite::SqliteStore::connect(url).await?;
    backup(store.pool(), path).await
}

/// Opens the database named by `url` and brings its schema up to date.
///
/// `sqlite:` (e.g. `sqlite://data/duban.db`, created when missing) or `postgres:`/`postgresql:`.
/// Anything else, a bare path included, is refused: a typo must not create a stray database.
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    match url.split_once(':').map_or("", |(scheme, _)| scheme) {
        "sqlite" => connect_sqlite(url).await,
        "postgres" | "postgresql" => connect_postgres(url).await,
        _ => bail!(
            "unsupported database URL: it must start with `sqlite:`, `postgres:` or `postgresql:`"
        ),
    }
}

#[cfg(feature = "sqlite")]
async fn connect_sqlite(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    Ok(Arc::new(sqlite::SqliteStore::connect(url).await?))
}

#[cfg(not(feature = "sqlite"))]
async fn connect_sqlite(_url: &str) -> anyhow::Result<Arc<dyn Store>> {
    bail!("this build of duban has no SQLite support (cargo feature `sqlite`)")
}

#[cfg(feature = "postgres")]
async fn connect_postgres(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    Ok(Arc::new(postgres::PgStore::connect(url).await?))
}

#[cfg(not(feature = "postgres"))]
async fn connect_postgres(_url: &str) -> anyhow::Result<Arc<dyn Store>> {
    bail!("this build of duban has no PostgreSQL support (cargo feature `postgres`)")
}

/// Maps a sqlx error to the store's vocabulary: unique and foreign-key violations become
/// `Conflict` (named by constraint where the backend names it), a missing row `NotFound`.
pub(crate) fn map_err(err: sqlx::Error) -> StoreError {
    match err {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() || db.is_foreign_key_violation() => {
            let constraint = match db.constraint() {
                Some(name) => name.to_owned(),
                // SQLite names no constraint; its message names the columns:
                // "UNIQUE constraint failed: users.username".
                None => db
                    .message()
                    .split_once("failed: ")
                    .map_or("foreign key", |(_, columns)| columns)
                    .to_owned(),
            };
            StoreError::Conflict { constraint }
        }
        other => StoreError::Other(other.to_string()),
    }
}

/// Renders an entity as the JSON kept in an audit event's `before`/`after`.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Other(format!("audit json: {e}")))
}
