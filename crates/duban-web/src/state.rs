//! What every handler shares: the store, the settings, the login throttle, the clock and the
//! background workers' wake-up call.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use duban_core::access::Actor;
use duban_core::notify::{NotifyKind, RobotRoute};
use duban_core::service::Ctx;
use duban_core::service::scheduler::{Routing, SchedulerSettings};
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
    /// Reminders and automatic 督办单.
    pub scheduler: SchedulerSettings,
    /// Outgoing channels (robots, e-mail).
    pub notify: NotifySettings,
}

/// One group robot of the bureau.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Robot {
    /// Its name (unique; shown to admins, stored in the outbox instead of the URL).
    pub name: String,
    /// Where and how to post.
    pub webhook: duban_notify::Webhook,
    /// The kinds of event it is told.
    pub kinds: Vec<NotifyKind>,
}

/// The bureau's outgoing channels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotifySettings {
    /// Group robots (企业微信, 钉钉).
    pub robots: Vec<Robot>,
    /// The SMTP server, when e-mail is on.
    pub smtp: Option<duban_notify::SmtpConfig>,
    /// The address pages are reached at (e.g. `https://duban.example.gov.cn`), for links in
    /// messages that leave duban; empty: links stay relative paths.
    pub public_url: String,
}

impl NotifySettings {
    /// Where messages go besides the inbox, as the scheduler needs it.
    pub fn routing(&self) -> Routing {
        Routing {
            robots: self
                .robots
                .iter()
                .map(|r| RobotRoute {
                    name: r.name.clone(),
                    kinds: r.kinds.clone(),
                })
                .collect(),
            email_enabled: self.smtp.is_some(),
        }
    }
}

impl WebSettings {
    /// Defaults for a data directory.
    pub fn new(data_dir: &std::path::Path) -> Self {
        Self {
            attachments_dir: data_dir.join("attachments"),
            cadence: CadenceSettings::default(),
            max_upload_bytes: 10 * 1024 * 1024,
            secure_cookies: false,
            scheduler: SchedulerSettings::default(),
            notify: NotifySettings::default(),
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
    /// Wakes the background scheduler (after a notice is issued by hand, say) so its messages
    /// go out now rather than at the next minute.
    pub wake: Arc<tokio::sync::Notify>,
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
            wake: Arc::new(tokio::sync::Notify::new()),
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
