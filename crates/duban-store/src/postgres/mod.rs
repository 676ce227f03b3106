//! The PostgreSQL backend, for a province-wide deployment.
//!
//! Audit appends take a transaction-scoped advisory lock so that two concurrent writers cannot
//! read the same chain head and race for the same `seq`; it is held only until commit. Time is
//! `timestamptz`.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres};
use std::time::Duration;

type DbTime = DateTime<Utc>;

fn to_db_time(at: DateTime<Utc>) -> DbTime {
    at
}

fn from_db_time(at: DbTime) -> Result<DateTime<Utc>, StoreError> {
    Ok(at)
}

/// The advisory lock key guarding the head of the audit chain ("duban" + "audit" in ASCII-ish).
const AUDIT_LOCK: &str = "select pg_advisory_xact_lock(6427749146)";

sql_store! {
    store = PgStore,
    db = Postgres,
    pool = PgPool,
    begin = "begin",
    lock_audit = Some(AUDIT_LOCK),
}

followup_sql! {
    store = PgStore,
    db = Postgres,
}

meetings_sql! {
    store = PgStore,
    db = Postgres,
}

impl PgStore {
    /// Connects to the PostgreSQL database at `url` and runs the migrations. The URL (which may
    /// hold a password) is never put into an error message.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .context("connecting to PostgreSQL")?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .context("migrating the PostgreSQL database")?;
        Ok(Self::from_pool(pool))
    }
}
