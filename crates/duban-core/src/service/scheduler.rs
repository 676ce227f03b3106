//! The scheduler's one step: [`tick`] looks at the data and the time, and fires what is due —
//! reminders, automatic 督办单, escalations of unanswered ones, and the messages of notices not
//! yet announced. `duban serve` calls it every minute; tests call it with a fake clock.
//!
//! Why it is safe to call at any time, any number of times, from a fresh process:
//! - nothing is kept in memory between ticks: what is due is computed from the data and `now`;
//! - every firing has a key, and the store records the key in the same transaction as the
//!   messages (or the notice, by its dedupe key): a key fires once, whatever crashed or restarted;
//! - a notice and its messages are two steps, but the second is keyed by the notice
//!   (`notice:{id}`) and retried by every tick until done, so a crash between them loses nothing;
//! - after downtime, reminders whose moment passed are still sent while their deadline lies
//!   ahead (only the latest slot of each, see [`crate::reminders`]), escalations are caught up;
//! - on a day off (weekend, holiday, per the bureau's calendar), and outside `send_at` ..
//!   `send_until` on a workday, nothing is sent: what became due waits for the next working
//!   morning.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::Result;
use super::snapshot::{Snapshot, SnapshotCache};
use crate::calendar::WorkCalendar;
use crate::notify::{
    Dispatch, Message, NotifyKind, Preference, Recipient, RobotRoute, dispatch,
    preferences_with_defaults,
};
use crate::org::{Role, User, UserId};
use crate::reminders::{ReminderSettings, due_reminders};
use crate::store::{NoticeFilter, Store};
use crate::supervision::notices::{
    NewNotice, NoticeRecord, NoticeSettings, NoticeTier, NoticeTrigger, candidates,
};
use crate::tasks::model::{local_date, local_instant};
use crate::tasks::{CadenceSettings, TaskRecord, assess, format_date};

/// How far back the fired keys are read: longer than any reminder's window (a quarter).
const KEY_MEMORY_DAYS: i64 = 120;

/// The scheduler's part of the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchedulerSettings {
    /// When reminders go out.
    pub reminders: ReminderSettings,
    /// Which 督办单 go out automatically, and their reply times.
    pub notices: NoticeSettings,
}

/// Where messages go besides the inbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routing {
    /// The bureau's robots and what they hear.
    pub robots: Vec<RobotRoute>,
    /// Whether an SMTP server is configured.
    pub email_enabled: bool,
}

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickOutcome {
    /// Whether it was a working moment at all (a workday, at or after `send_at`).
    pub working: bool,
    /// Reminders fired.
    pub reminders: usize,
    /// Notices issued (automatic and escalations).
    pub notices: usize,
    /// Red notices escalated to the leader.
    pub escalated_to_leaders: usize,
    /// Notices announced (their messages stored).
    pub announced: usize,
    /// Firings that failed (for the log): one bad row must not stop the others, and what failed
    /// is tried again at the next tick. A conflict (someone acted first) is not a failure.
    pub failures: Vec<String>,
}

/// Whether a firing happened: `Ok(true)` counted, a conflict skipped, another error recorded in
/// `failures` (the tick goes on).
fn settle<T>(
    result: std::result::Result<T, crate::store::StoreError>,
    happened: impl FnOnce(&T) -> bool,
    what: &str,
    failures: &mut Vec<String>,
) -> bool {
    match result {
        Ok(value) => happened(&value),
        Err(crate::store::StoreError::Conflict { .. }) => false,
        Err(e) => {
            failures.push(format!("{what}: {e}"));
            false
        }
    }
}

/// Who can be told what: users, their addresses and choices.
pub struct Audience {
    users: Vec<User>,
    emails: HashMap<UserId, String>,
    preferences: HashMap<UserId, Vec<Preference>>,
}

impl Audience {
    /// Loads users, addresses and choices.
    pub async fn load(store: &dyn Store, users: Vec<User>) -> Result<Self> {
        let emails = store.list_user_emails().await?.into_iter().collect();
        let mut preferences: HashMap<UserId, Vec<Preference>> = HashMap::new();
        for (user, p) in store.list_preferences().await? {
            preferences.entry(user).or_default().push(p);
        }
        Ok(Audience {
            users,
            emails,
            preferences,
        })
    }

    fn recipient(&self, user: &User) -> Recipient {
        Recipient {
            user: user.id,
            email: self.emails.get(&user.id).cloned(),
            preferences: preferences_with_defaults(
                self.preferences.get(&user.id).map_or(&[], Vec::as_slice),
            ),
        }
    }

    /// The active users of a unit.
    pub fn unit(&self, unit: Option<crate::org::OrgUnitId>) -> Vec<Recipient> {
        self.users
            .iter()
            .filter(|u| u.active && u.role == Role::Unit && unit.is_some() && u.unit == unit)
            .map(|u| self.recipient(u))
            .collect()
    }

    /// The active supervisors (督查室).
    pub fn supervisors(&self) -> Vec<Recipient> {
        self.users
            .iter()
            .filter(|u| u.active && u.role == Role::Supervisor)
            .map(|u| self.recipient(u))
            .collect()
    }

    /// One user, if active.
    pub fn user(&self, id: Option<UserId>) -> Vec<Recipient> {
        self.users
            .iter()
            .filter(|u| u.active && Some(u.id) == id)
            .map(|u| self.recipient(u))
            .collect()
    }
}

/// The message announcing a notice, and who receives it: the unit; for red notices the task's
/// leader too.
pub fn notice_dispatch(
    notice: &NoticeRecord,
    task: &TaskRecord,
    audience: &Audience,
    routing: &Routing,
) -> Dispatch {
    let message = Message {
        kind: NotifyKind::NoticeIssued,
        title: format!(
            "{} {}：{}",
            notice.number(),
            notice.notice.tier.label(),
            task.title
        ),
        body: format!(
            "{}。请于{}前签收并反馈落实情况。",
            notice.notice.facts.trim_end_matches('。'),
            format_date(notice.notice.reply_by)
        ),
        link: Some(format!("/notices/{}", notice.id)),
    };
    let mut recipients = audience.unit(Some(notice.notice.unit));
    if notice.notice.tier == NoticeTier::Red {
        recipients.extend(audience.user(task.leader));
    }
    dispatch(
        &message,
        &recipients,
        &routing.robots,
        routing.email_enabled,
    )
}

/// Runs one step at `now`. See the module header.
pub async fn tick(
    store: &dyn Store,
    snapshots: Option<&SnapshotCache>,
    now: DateTime<Utc>,
    cadence: &CadenceSettings,
    settings: &SchedulerSettings,
    routing: &Routing,
) -> Result<TickOutcome> {
    let mut outcome = TickOutcome::default();
    let today = local_date(now);
    let reminders = &settings.reminders;
    if now < local_instant(today, reminders.send_at)
        || now >= local_instant(today, reminders.send_until)
    {
        return Ok(outcome);
    }
    // The calendar first (one small read), so that days off cost nothing more.
    let is_workday = match snapshots {
        Some(cache) => cache.get(store).await?.calendar.is_workday(today),
        None => WorkCalendar::new(store.list_calendar_days().await?).is_workday(today),
    };
    if !is_workday {
        return Ok(outcome);
    }
    outcome.working = true;
    let snapshot = match snapshots {
        Some(cache) => cache.get(store).await?,
        None => Arc::new(Snapshot::load(store, store.audit_head().await?).await?),
    };
    let calendar: &WorkCalendar = &snapshot.calendar;
    let cadence = snapshot.cadence(cadence);
    let audience = Audience::load(store, snapshot.users.clone()).await?;
    let fired: HashSet<String> = store
        .list_job_keys_since(now - Duration::days(KEY_MEMORY_DAYS))
        .await?
        .into_iter()
        .collect();

    // 1. Reminders.
    for task in &snapshot.tasks {
        let reports = snapshot.reports_of(task.id);
        for reminder in due_reminders(task, &reports, now, &cadence, &settings.reminders, calendar)
        {
            if fired.contains(&reminder.key) {
                continue;
            }
            let message = Message {
                kind: reminder.kind,
                title: reminder.title,
                body: reminder.body,
                link: Some(format!("/tasks/{}", task.id)),
            };
            let to = dispatch(
                &message,
                &audience.unit(task.lead_unit),
                &routing.robots,
                routing.email_enabled,
            );
            let fired = store.fire_job(&reminder.key, now, &to, None).await;
            if settle(fired, |f| *f, &reminder.key, &mut outcome.failures) {
                outcome.reminders += 1;
            }
        }
    }

    let notices = store.list_notices(&NoticeFilter::default()).await?;
    let issued_keys: HashSet<&str> = notices
        .iter()
        .filter_map(|n| n.notice.dedupe_key.as_deref())
        .collect();
    let mut open_tier: HashMap<crate::tasks::TaskId, NoticeTier> = HashMap::new();
    for n in notices.iter().filter(|n| n.state.is_open()) {
        let tier = open_tier.entry(n.notice.task).or_insert(n.notice.tier);
        *tier = (*tier).max(n.notice.tier);
    }
    let reply_by =
        |tier: NoticeTier| calendar.workdays_after(today, settings.notices.reply_workdays(tier));
    // 2. Escalations of notices not answered by their reply-by date (first, so that the new
    //    notice counts as open below and the same tier is not issued twice).
    if settings.notices.escalate_unanswered {
        for n in notices.iter().filter(|n| n.is_late(today)) {
            let Some(task) = snapshot.task(n.notice.task) else {
                continue;
            };
            match n.notice.tier.next() {
                Some(tier) => {
                    let notice = NewNotice {
                        task: n.notice.task,
                        unit: n.notice.unit,
                        tier,
                        trigger: NoticeTrigger::Unanswered,
                        facts: format!(
                            "{}（{}）要求于{}前反馈，逾期未反馈。原督办事项：{}",
                            n.number(),
                            n.notice.tier.label(),
                            format_date(n.notice.reply_by),
                            n.notice.facts
                        ),
                        reply_by: reply_by(tier),
                        issued_at: now,
                        dedupe_key: Some(format!("escalate:{}", n.id)),
                        escalates: Some(n.id),
                    };
                    let issued = store.issue_notice(&notice, None).await;
                    let what = format!("escalate:{}", n.id);
                    if settle(issued, Option::is_some, &what, &mut outcome.failures) {
                        outcome.notices += 1;
                        let open = open_tier.entry(n.notice.task).or_insert(tier);
                        *open = (*open).max(tier);
                    }
                }
                None => {
                    let message = Message {
                        kind: NotifyKind::NoticeEscalated,
                        title: format!("{} 逾期未反馈，提请领导督办", n.number()),
                        body: format!(
                            "红色督办单{}（{}）要求于{}前反馈，责任单位逾期未反馈，请分管领导督促落实。",
                            n.number(),
                            task.title,
                            format_date(n.notice.reply_by)
                        ),
                        link: Some(format!("/notices/{}", n.id)),
                    };
                    let mut recipients = audience.user(task.leader);
                    recipients.extend(audience.supervisors());
                    let to = dispatch(
                        &message,
                        &recipients,
                        &routing.robots,
                        routing.email_enabled,
                    );
                    let key = format!("escalate:{}", n.id);
                    let fired = store.fire_job(&key, now, &to, Some(n.id)).await;
                    if settle(fired, |f| *f, &key, &mut outcome.failures) {
                        outcome.escalated_to_leaders += 1;
                    }
                }
            }
        }
    }

    // 3. Automatic notices: at most one per task per tick, the sharpest not yet issued, and
    //    none while an open notice of the same or a sharper tier is waiting for the unit.
    for task in &snapshot.tasks {
        let reports = snapshot.reports_of(task.id);
        let assessment = assess(&task.facts(), &reports, now, &cadence);
        let next = candidates(task, &assessment, &reports, today, &settings.notices)
            .into_iter()
            .find(|c| {
                !issued_keys.contains(c.dedupe_key.as_str())
                    && open_tier.get(&task.id).is_none_or(|open| *open < c.tier)
            });
        let (Some(c), Some(unit)) = (next, task.lead_unit) else {
            continue;
        };
        let notice = NewNotice {
            task: task.id,
            unit,
            tier: c.tier,
            trigger: c.trigger,
            facts: c.facts,
            reply_by: reply_by(c.tier),
            issued_at: now,
            dedupe_key: Some(c.dedupe_key),
            escalates: None,
        };
        let key = notice.dedupe_key.clone().unwrap_or_default();
        let issued = store.issue_notice(&notice, None).await;
        if settle(issued, Option::is_some, &key, &mut outcome.failures) {
            outcome.notices += 1;
        }
    }

    // 4. Announce every notice whose messages are not stored yet (issued above, by hand, or
    //    before a crash).
    let (announced, failures) = announce_notices(store, &snapshot, now, &audience, routing).await?;
    outcome.announced = announced;
    outcome.failures.extend(failures);
    Ok(outcome)
}

/// Stores the messages of every notice not yet announced (job `notice:{id}`); returns how many,
/// and the failures (the others are announced all the same).
pub async fn announce_notices(
    store: &dyn Store,
    snapshot: &Snapshot,
    now: DateTime<Utc>,
    audience: &Audience,
    routing: &Routing,
) -> Result<(usize, Vec<String>)> {
    let fired: HashSet<String> = store
        .list_job_keys_since(now - Duration::days(KEY_MEMORY_DAYS))
        .await?
        .into_iter()
        .collect();
    let since = now - Duration::days(KEY_MEMORY_DAYS);
    let mut announced = 0;
    let mut failures = Vec::new();
    for notice in store.list_notices(&NoticeFilter::default()).await? {
        let key = format!("notice:{}", notice.id);
        if notice.notice.issued_at < since || fired.contains(&key) {
            continue;
        }
        // A task created after the snapshot was taken: read it directly.
        let task = match snapshot.task(notice.notice.task) {
            Some(task) => task.clone(),
            None => store.get_task(notice.notice.task).await?,
        };
        let to = notice_dispatch(&notice, &task, audience, routing);
        let fired = store.fire_job(&key, now, &to, None).await;
        if settle(fired, |f| *f, &key, &mut failures) {
            announced += 1;
        }
    }
    Ok((announced, failures))
}
