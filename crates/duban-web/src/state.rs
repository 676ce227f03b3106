//! What every handler shares: the store, the settings, the login throttle and the clock.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use duban_core::access::Actor;
use duban_core::service::Ctx;
use duban_core::service::snapshot::SnapshotCache;
use duban_core::store::Store;
use duban_core::tasks::CadenceSettings;

use crate::auth::LoginThrottle;

/// Settings of the web app (from `duban serve`'s config, file and `DUBAN_*` variables).
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Where evidence files are kept (`DATA_DIR/attachments`).
    pub attachments_dir: PathBuf,
    /// Reporting periods and light thresholds.
    pub cadence: CadenceSettings,
    /// Largest plan upload, in bytes.
    pub max_upload_bytes: usize,
    /// Mark the session cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
}

impl WebSettings {
    /// Defaults for a data directory.
    pub fn new(data_dir: &std::path::Path) -> Self {
        Self {
            attachments_dir: data_dir.join("attachments"),
            cadence: CadenceSettings::default(),
            max_upload_bytes: 10 * 1024 * 1024,
            secure_cookies: false,
        }
    }
}

/// A source of "now" (the real clock in production; tests may pin it).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The only door to persistence.
    pub store: Arc<dyn Store>,
    /// Settings.
    pub settings: Arc<WebSettings>,
    /// Failed sign-ins per user name and per address.
    pub throttle: Arc<LoginThrottle>,
    /// The clock.
    pub clock: Clock,
    /// The shared read snapshot (tasks, report summaries, units, users) behind every page.
    pub snapshots: Arc<SnapshotCache>,
}

impl AppState {
    /// A state with the real clock.
    pub fn new(store: Arc<dyn Store>, settings: WebSettings) -> Self {
        Self {
            store,
            settings: Arc::new(settings),
            throttle: Arc::new(LoginThrottle::default()),
            clock: Arc::new(Utc::now),
            snapshots: Arc::new(SnapshotCache::default()),
        }
    }

    /// The instant of this request.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// A use-case context for `actor` at the current instant.
    pub fn ctx(&self, actor: Actor) -> Ctx<'_> {
        Ctx {
            store: self.store.as_ref(),
            actor,
            now: self.now(),
            cadence: &self.settings.cadence,
            snapshots: Some(&self.snapshots),
        }
    }
}
