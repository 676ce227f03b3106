//! The background workers of a running server: the scheduler (reminders, automatic 督办单,
//! escalations — `duban_core::service::scheduler::tick` every minute) and the delivery of
//! outgoing messages (robots, e-mail) with retries and backoff.
//!
//! Neither blocks a request: pages only write rows (notices, inbox, outbox) and wake the workers.
//! Both are safe to stop at any moment (a killed process loses nothing: what was not recorded as
//! done is done again by the next run, and the scheduler's keys keep it from happening twice).
//! Errors are printed for the operator (never a secret: the delivery errors are scrubbed by
//! `duban_notify`) and recorded on the outbox row for the admins' 发送记录 page.

use std::time::Duration;

use chrono::{DateTime, Utc};
use duban_core::notify::{Message, NotifyKind, OutboxEntry, dispatch};
use duban_core::service::scheduler::{self, Audience};
use duban_core::store::Delivery;
use duban_core::supervision::notices::NoticeRecord;
use duban_notify::{DeliveryError, MAX_ATTEMPTS, OutgoingMessage, retry_delay};

use crate::state::AppState;

/// How often the scheduler looks at the data when nothing wakes it.
const SCHEDULER_EVERY: Duration = Duration::from_secs(60);
/// How often the outbox is looked at.
const DELIVERY_EVERY: Duration = Duration::from_secs(15);
/// How many outgoing messages one delivery round takes.
const DELIVERY_BATCH: i64 = 50;
/// How long one webhook call may take.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts both workers on the current tokio runtime; they run until it shuts down.
pub fn spawn(state: AppState) {
    let scheduler_state = state.clone();
    tokio::spawn(async move { scheduler_loop(scheduler_state).await });
    tokio::spawn(async move { delivery_loop(state).await });
}

async fn scheduler_loop(state: AppState) {
    let mut woken = false;
    loop {
        if let Err(e) = run_scheduler(&state, woken).await {
            eprintln!("督办调度出错：{e}");
        }
        woken = tokio::select! {
            () = tokio::time::sleep(SCHEDULER_EVERY) => false,
            () = state.wake.notified() => true,
        };
    }
}

/// One scheduler step at the state's `now`; with `announce_now`, notices issued by hand are
/// announced even outside working hours (a person just issued them).
pub async fn run_scheduler(
    state: &AppState,
    announce_now: bool,
) -> duban_core::service::Result<()> {
    let now = state.now();
    let routing = state.settings.notify.routing();
    let outcome = scheduler::tick(
        state.store.as_ref(),
        Some(&state.snapshots),
        now,
        &state.settings.cadence,
        &state.settings.scheduler,
        &routing,
    )
    .await?;
    let mut failures = outcome.failures;
    if announce_now && !outcome.working {
        let snapshot = state.snapshots.get(state.store.as_ref()).await?;
        let audience = Audience::load(state.store.as_ref(), snapshot.users.clone()).await?;
        let (_, more) =
            scheduler::announce_notices(state.store.as_ref(), &snapshot, now, &audience, &routing)
                .await?;
        failures.extend(more);
    }
    for failure in failures {
        eprintln!("督办调度：{failure}（下次调度时重试）");
    }
    Ok(())
}

/// Tells people of something a person just did (a notice answered, a report returned, a request
/// decided): `message` to those `to` picks from the audience, through the inbox, e-mail as each
/// chose, and the robots that listen to its kind — once, under `key`. Failing to tell is printed,
/// not raised: what the person did is saved already.
pub async fn tell(
    state: &AppState,
    key: &str,
    message: Message,
    to: impl FnOnce(
        &Audience,
        &duban_core::service::snapshot::Snapshot,
    ) -> Vec<duban_core::notify::Recipient>,
) {
    let result: duban_core::service::Result<()> = async {
        let snapshot = state.snapshots.get(state.store.as_ref()).await?;
        let audience = Audience::load(state.store.as_ref(), snapshot.users.clone()).await?;
        let routing = state.settings.notify.routing();
        let recipients = to(&audience, &snapshot);
        let out = dispatch(
            &message,
            &recipients,
            &routing.robots,
            routing.email_enabled,
        );
        state.store.fire_job(key, state.now(), &out, None).await?;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        eprintln!("消息“{}”未能发出：{e}", message.title);
    }
}

/// Tells the 督查室 that a unit answered a notice.
pub async fn announce_answer(state: &AppState, notice: &NoticeRecord) {
    let snapshot = state.snapshots.get(state.store.as_ref()).await;
    let unit = snapshot
        .ok()
        .and_then(|s| {
            s.units
                .iter()
                .find(|u| u.id == notice.notice.unit)
                .map(|u| u.name.clone())
        })
        .unwrap_or_default();
    let message = Message {
        kind: NotifyKind::NoticeAnswered,
        title: format!("{} 已反馈（{unit}）", notice.number()),
        body: notice.answer.clone().unwrap_or_default(),
        link: Some(format!("/notices/{}", notice.id)),
    };
    let key = format!("answer:{}", notice.id);
    tell(state, &key, message, |audience, _| audience.supervisors()).await;
}

/// Tells the task's lead unit that its report was returned (with the reason) or its
/// 办结/延期 request decided.
pub async fn tell_lead_unit(
    state: &AppState,
    key: &str,
    kind: NotifyKind,
    task: duban_core::tasks::TaskId,
    title: String,
    body: String,
    link: String,
) {
    let message = Message {
        kind,
        title,
        body,
        link: Some(link),
    };
    tell(state, key, message, |audience, snapshot| {
        audience.unit(snapshot.task(task).and_then(|t| t.lead_unit))
    })
    .await;
}

async fn delivery_loop(state: AppState) {
    loop {
        if let Err(e) = deliver_due(&state).await {
            eprintln!("消息发送出错：{e}");
        }
        tokio::time::sleep(DELIVERY_EVERY).await;
    }
}

/// Sends every outgoing message due now (one round); returns how many were delivered.
pub async fn deliver_due(state: &AppState) -> duban_core::service::Result<usize> {
    let now = state.now();
    let mut delivered = 0;
    for entry in state.store.due_outbox(now, DELIVERY_BATCH).await? {
        let outcome = match send(state, &entry).await {
            Ok(()) => {
                delivered += 1;
                Delivery::Sent(state.now())
            }
            Err(error) => failed(&entry, &error, state.now()),
        };
        state.store.record_delivery(entry.id, &outcome).await?;
    }
    Ok(delivered)
}

/// The record of a failed attempt: retried with backoff, or given up when the failure is
/// permanent or the attempts are used up.
fn failed(entry: &OutboxEntry, error: &DeliveryError, at: DateTime<Utc>) -> Delivery {
    let attempts = entry.attempts.saturating_add(1);
    let retry_at = if error.is_permanent() || attempts >= MAX_ATTEMPTS {
        None
    } else {
        chrono::Duration::from_std(retry_delay(attempts))
            .ok()
            .map(|d| at + d)
    };
    Delivery::Failed {
        at,
        error: error.to_string(),
        retry_at,
    }
}

async fn send(state: &AppState, entry: &OutboxEntry) -> Result<(), DeliveryError> {
    let notify = &state.settings.notify;
    let m = &entry.outgoing.message;
    let message = OutgoingMessage {
        title: m.title.clone(),
        markdown: m.body.clone(),
        link: m
            .link
            .as_ref()
            .map(|path| format!("{}{path}", notify.public_url.trim_end_matches('/'))),
    };
    if entry.outgoing.channel == "email" {
        let smtp = notify
            .smtp
            .as_ref()
            .ok_or_else(|| DeliveryError::Config("未配置邮件服务器（[notify.smtp]）".into()))?;
        return duban_notify::send_email(
            smtp,
            std::slice::from_ref(&entry.outgoing.recipient),
            &message,
        )
        .await;
    }
    let robot = notify
        .robots
        .iter()
        .find(|r| r.name == entry.outgoing.channel)
        .ok_or_else(|| {
            DeliveryError::Config(format!("机器人“{}”已不在配置中", entry.outgoing.channel))
        })?;
    duban_notify::send_webhook(
        &robot.webhook,
        &message,
        state.now().timestamp_millis(),
        WEBHOOK_TIMEOUT,
    )
    .await
}
