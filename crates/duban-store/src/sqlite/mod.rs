//! The SQLite backend: the embedded default, one file in the data directory.
//!
//! Connections run in WAL mode with `foreign_keys=ON`, a 5 s busy timeout and
//! `synchronous=NORMAL` (durable across an application crash; a power cut may lose the last
//! commits but never corrupts the file). Writes begin with `BEGIN IMMEDIATE` so a transaction that
//! reads before it writes takes the write lock up front and waits (busy timeout) instead of
//! failing half-way. Time is stored as RFC 3339 UTC text.

use anyhow::{Context, bail};
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

type DbTime = String;

/// RFC 3339 with exactly six fractional digits and `Z`, so text order is time order.
fn to_db_time(at: DateTime<Utc>) -> DbTime {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn from_db_time(text: DbTime) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Other(format!("bad time in database: {e}")))
}

sql_store! {
    store = SqliteStore,
    db = Sqlite,
    pool = SqlitePool,
    begin = "begin immediate",
    // Writers are already serialised by BEGIN IMMEDIATE.
    lock_audit = None::<&'static str>,
}

followup_sql! {
    store = SqliteStore,
    db = Sqlite,
}

meetings_sql! {
    store = SqliteStore,
    db = Sqlite,
}

impl SqliteStore {
    /// Opens (creating when missing) the SQLite database at `url` and runs the migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .context("parsing the SQLite database URL")?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .synchronous(SqliteSynchronous::Normal);
        // Every connection to `:memory:` is a database of its own: keep to one.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(if in_memory { 1 } else { 8 })
            .connect_with(options)
            .await
            .context("opening the SQLite database")?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .context("migrating the SQLite database")?;
        Ok(Self::from_pool(pool))
    }
}

/// Writes a consistent copy of the live database to `path` (`VACUUM INTO`), safe while the
/// server keeps writing. Refuses to overwrite an existing file.
pub async fn backup(pool: &SqlitePool, path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        bail!("backup target {} already exists", path.display());
    }
    let target = path
        .to_str()
        .with_context(|| format!("backup path {} is not UTF-8", path.display()))?;
    sqlx::query("vacuum into $1")
        .bind(target)
        .execute(pool)
        .await
        .with_context(|| format!("writing backup to {}", path.display()))?;
    Ok(())
}
