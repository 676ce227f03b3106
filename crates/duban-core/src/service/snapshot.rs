//! A read snapshot of what the lights need — every task, every report's summary, the org units
//! and users — shared by all requests until the data changes.
//!
//! Each page needs the lights of many tasks, and the lights need every report of those tasks:
//! reading ~15,000 report rows for every page would spend the whole page budget in the
//! database driver. Every write appends an audit event, so the newest audit seq
//! ([`crate::store::Store::audit_head`]) is a version number for the whole database: a request
//! reads that one number and reuses the snapshot while it matches, or loads a fresh one. The
//! version is read *before* loading, so a snapshot is never older than its version says; a
//! write racing the load only causes one extra reload later. Nothing here reads the clock:
//! lights are still computed per request from the snapshot and `now`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use super::tasks::{TaskRow, assess_snapshot};
use super::{Ctx, Result};
use crate::calendar::WorkCalendar;
use crate::org::{OrgUnit, User};
use crate::store::{Store, TaskFilter};
use crate::tasks::{CadenceSettings, ReportSummary, TaskId, TaskRecord};

/// Everything the lights and the page chrome read, as of one version.
#[derive(Debug)]
pub struct Snapshot {
    /// The audit seq it was loaded at.
    pub version: i64,
    /// Every task, by id.
    pub tasks: Vec<TaskRecord>,
    /// Every report's summary, per task, by period.
    pub reports: HashMap<TaskId, Arc<[ReportSummary]>>,
    /// Every org unit.
    pub units: Vec<OrgUnit>,
    /// Every user.
    pub users: Vec<User>,
    /// The working calendar (holidays, 调休 workdays).
    pub calendar: WorkCalendar,
}

impl Snapshot {
    /// Loads a snapshot from the store, labelled with `version`.
    pub async fn load(store: &dyn Store, version: i64) -> Result<Self> {
        let tasks = store.list_tasks(&TaskFilter::default()).await?;
        let mut grouped: HashMap<TaskId, Vec<ReportSummary>> = HashMap::new();
        for (task, summary) in store.list_report_summaries().await? {
            grouped.entry(task).or_default().push(summary);
        }
        Ok(Self {
            version,
            tasks,
            reports: grouped
                .into_iter()
                .map(|(k, v)| (k, Arc::from(v)))
                .collect(),
            units: store.list_org_units().await?,
            users: store.list_users().await?,
            calendar: WorkCalendar::new(store.list_calendar_days().await?),
        })
    }

    /// The bureau's cadence with this snapshot's working calendar: what every deadline is
    /// computed with.
    pub fn cadence(&self, base: &CadenceSettings) -> CadenceSettings {
        CadenceSettings {
            calendar: Some(self.calendar.clone()),
            ..base.clone()
        }
    }

    /// The reports of a task (empty when it has none).
    pub fn reports_of(&self, task: TaskId) -> Arc<[ReportSummary]> {
        self.reports
            .get(&task)
            .cloned()
            .unwrap_or_else(|| Arc::from(Vec::new()))
    }

    /// The task with this id.
    pub fn task(&self, id: TaskId) -> Option<&TaskRecord> {
        self.tasks
            .binary_search_by_key(&id, |t| t.id)
            .ok()
            .and_then(|i| self.tasks.get(i))
    }
}

/// Assessed rows, per snapshot version and minute.
type AssessedRows = (i64, i64, Arc<Vec<Arc<TaskRow>>>);

/// The shared snapshot of a running server, and the lights computed from it.
///
/// Lights depend on the time as well as on the data, so the assessed rows are kept for one
/// snapshot version *and* one minute of `now`: a report or a decision shows at once (it changes
/// the version), a deadline passing shows within a minute.
#[derive(Default)]
pub struct SnapshotCache {
    current: Mutex<Option<Arc<Snapshot>>>,
    rows: Mutex<Option<AssessedRows>>,
    /// Whole-bureau views (statistics, monthly summaries) by name, per version and minute.
    memos: Mutex<HashMap<String, Memo>>,
}

/// A computed view kept for one version and minute.
type Memo = (i64, i64, Arc<dyn std::any::Any + Send + Sync>);

impl std::fmt::Debug for SnapshotCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotCache").finish_non_exhaustive()
    }
}

impl SnapshotCache {
    /// The current snapshot, reloaded when the data changed since it was loaded.
    pub async fn get(&self, store: &dyn Store) -> Result<Arc<Snapshot>> {
        let version = store.audit_head().await?;
        let cached = self.current.lock().ok().and_then(|c| c.clone());
        if let Some(snapshot) = cached
            && snapshot.version == version
        {
            return Ok(snapshot);
        }
        let fresh = Arc::new(Snapshot::load(store, version).await?);
        if let Ok(mut current) = self.current.lock() {
            // Keep the newer of two racing loads.
            if current.as_ref().is_none_or(|c| c.version <= version) {
                *current = Some(fresh.clone());
            }
        }
        Ok(fresh)
    }

    /// A whole-bureau view named `key` computed for `version` within the minute of `now`, if
    /// one is kept.
    pub fn memo<T: std::any::Any + Send + Sync>(
        &self,
        key: &str,
        version: i64,
        now: DateTime<Utc>,
    ) -> Option<Arc<T>> {
        let minute = now.timestamp().div_euclid(60);
        let memos = self.memos.lock().ok()?;
        let (v, m, value) = memos.get(key)?;
        if *v != version || *m != minute {
            return None;
        }
        value.clone().downcast::<T>().ok()
    }

    /// Keeps a whole-bureau view for `version` and the minute of `now` (a handful of keys:
    /// the statistics and the months people look at).
    pub fn keep<T: std::any::Any + Send + Sync>(
        &self,
        key: &str,
        version: i64,
        now: DateTime<Utc>,
        value: Arc<T>,
    ) {
        if let Ok(mut memos) = self.memos.lock() {
            if memos.len() > 64 {
                memos.clear();
            }
            let minute = now.timestamp().div_euclid(60);
            memos.insert(key.to_owned(), (version, minute, value));
        }
    }

    /// Every task of `snap` assessed at `now` (see [`assess_snapshot`]), reused within the
    /// same version and minute.
    pub fn rows(
        &self,
        snap: &Snapshot,
        now: DateTime<Utc>,
        cadence: &CadenceSettings,
    ) -> Arc<Vec<Arc<TaskRow>>> {
        let minute = now.timestamp().div_euclid(60);
        if let Some((version, at, rows)) = self.rows.lock().ok().and_then(|r| r.clone())
            && version == snap.version
            && at == minute
        {
            return rows;
        }
        let rows = Arc::new(assess_snapshot(snap, now, cadence));
        if let Ok(mut slot) = self.rows.lock() {
            *slot = Some((snap.version, minute, rows.clone()));
        }
        rows
    }
}

/// The cadence a use case computes deadlines with: the configured one plus the stored working
/// calendar.
pub async fn cadence(ctx: &Ctx<'_>) -> Result<CadenceSettings> {
    Ok(snapshot(ctx).await?.cadence(ctx.cadence))
}

/// A whole-bureau view (the same for everyone allowed to see it) named `key`: kept in the
/// server's cache for the current data version and minute, or computed by `compute`.
pub async fn memoized<T, F, Fut>(ctx: &Ctx<'_>, key: &str, compute: F) -> Result<Arc<T>>
where
    T: std::any::Any + Send + Sync,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let Some(cache) = ctx.snapshots else {
        return Ok(Arc::new(compute().await?));
    };
    let version = snapshot(ctx).await?.version;
    if let Some(kept) = cache.memo::<T>(key, version, ctx.now) {
        return Ok(kept);
    }
    let computed = Arc::new(compute().await?);
    cache.keep(key, version, ctx.now, computed.clone());
    Ok(computed)
}

/// The snapshot for a use case: from the server's cache when there is one, else freshly loaded.
pub async fn snapshot(ctx: &Ctx<'_>) -> Result<Arc<Snapshot>> {
    match ctx.snapshots {
        Some(cache) => cache.get(ctx.store).await,
        None => {
            let version = ctx.store.audit_head().await?;
            Ok(Arc::new(Snapshot::load(ctx.store, version).await?))
        }
    }
}
