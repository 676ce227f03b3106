//! 消息: everyone's inbox (站内消息; opening one marks it read and follows its link), the
//! 提醒设置 page (e-mail address, which events reach the inbox and e-mail), and the admins'
//! 发送记录 (outgoing messages, failures with their reason and next attempt, 重新发送).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use duban_core::notify::{InboxMessage, NotifyKind, OutboxEntry, Preference};
use duban_core::service::inbox;
use serde::Deserialize;

use crate::auth::{Session, form_value, serde_urlencoded_pairs};
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::{Chrome, html};

/// How many messages the inbox shows.
const INBOX_SHOWN: i64 = 200;
/// How many outgoing messages the admins' page shows.
const OUTBOX_SHOWN: i64 = 200;

/// `/inbox`, `/settings/notifications`, `/admin/delivery`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox_page))
        .route("/inbox/{id}/open", post(open))
        .route("/inbox/read-all", post(read_all))
        .route(
            "/settings/notifications",
            get(settings_page).post(save_settings),
        )
        .route("/admin/delivery", get(delivery_page))
        .route("/admin/delivery/{id}/requeue", post(requeue))
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    chrome: Chrome,
    messages: Vec<InboxMessage>,
}

async fn inbox_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let messages = inbox::messages(&ctx, INBOX_SHOWN).await?;
    Ok(html(&InboxPage {
        chrome: Chrome::new("消息", &session, "/inbox").with_notice(q.notice.as_deref()),
        messages,
    }))
}

/// Marks the message read and goes where it points (its own page when it points nowhere).
async fn open(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    inbox::mark_read(&ctx, Some(id)).await?;
    let link = inbox::messages(&ctx, INBOX_SHOWN)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .and_then(|m| m.message.link)
        // Only our own paths: a stored link can never send anyone off-site.
        .filter(|l| l.starts_with('/') && !l.starts_with("//") && !l.contains('\\'))
        .unwrap_or_else(|| "/inbox".into());
    Ok(Redirect::to(&link).into_response())
}

async fn read_all(State(state): State<AppState>, session: Session) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    inbox::mark_read(&ctx, None).await?;
    Ok(Redirect::to("/inbox?notice=read_all").into_response())
}

#[derive(Template)]
#[template(path = "notification_settings.html")]
struct SettingsPage {
    chrome: Chrome,
    email: String,
    preferences: Vec<Preference>,
    email_enabled: bool,
    error: Option<String>,
}

async fn settings_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let (email, preferences) = inbox::settings(&ctx).await?;
    Ok(html(&SettingsPage {
        chrome: Chrome::new("提醒设置", &session, "/settings/notifications")
            .with_notice(q.notice.as_deref()),
        email: email.unwrap_or_default(),
        preferences,
        email_enabled: state.settings.notify.smtp.is_some(),
        error: None,
    }))
}

/// The form has one checkbox per kind and channel (`inbox_<kind>`, `email_<kind>`): a missing
/// box is "off", so the fields are read as pairs rather than into a fixed struct.
async fn save_settings(
    State(state): State<AppState>,
    session: Session,
    body: Bytes,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let pairs = serde_urlencoded_pairs(&body);
    let on = |name: String| pairs.iter().any(|(k, v)| *k == name && v == "on");
    let email = form_value(&pairs, "email").to_owned();
    let preferences: Vec<Preference> = NotifyKind::ALL
        .into_iter()
        .map(|kind| Preference {
            kind,
            inbox: on(format!("inbox_{}", kind.code())),
            email: on(format!("email_{}", kind.code())),
        })
        .collect();
    match inbox::save_settings(&ctx, &email, &preferences).await {
        Ok(()) => Ok(Redirect::to("/settings/notifications?notice=prefs").into_response()),
        Err(duban_core::service::Error::Invalid(message)) => Ok(crate::views::form_page(
            &SettingsPage {
                chrome: Chrome::new("提醒设置", &session, "/settings/notifications"),
                email,
                preferences,
                email_enabled: state.settings.notify.smtp.is_some(),
                error: Some(message),
            },
            true,
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "delivery.html")]
struct DeliveryPage {
    chrome: Chrome,
    entries: Vec<OutboxEntry>,
    robots: Vec<(String, &'static str, String)>,
    smtp: Option<String>,
}

async fn delivery_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let entries = inbox::outbox(&ctx, OUTBOX_SHOWN).await?;
    let notify = &state.settings.notify;
    Ok(html(&DeliveryPage {
        chrome: Chrome::new("发送记录", &session, "/admin/delivery")
            .with_notice(q.notice.as_deref()),
        entries,
        // Names and kinds only: URLs carry keys, and secrets never reach a page.
        robots: notify
            .robots
            .iter()
            .map(|r| {
                let kind = match r.webhook.kind {
                    duban_notify::WebhookKind::WeCom => "企业微信",
                    duban_notify::WebhookKind::DingTalk => "钉钉",
                };
                let kinds = r
                    .kinds
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join("、");
                (r.name.clone(), kind, kinds)
            })
            .collect(),
        smtp: notify
            .smtp
            .as_ref()
            .map(|s| format!("{}:{}（发件人 {}）", s.host, s.port, s.from)),
    }))
}

async fn requeue(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    inbox::requeue(&ctx, id).await?;
    Ok(Redirect::to("/admin/delivery?notice=requeued").into_response())
}
