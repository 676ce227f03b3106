//! 督办单: the list (all for the 督查室, leaders and viewers; its own for a unit, open ones
//! first), one notice as a printable A4 page with its 签收 and 反馈 forms, and issuing one by
//! hand from a task page.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use duban_core::org::Role;
use duban_core::service::{Error, notices};
use duban_core::supervision::notices::{NoticeId, NoticeRecord, NoticeTier};
use duban_core::tasks::{TaskId, TaskRecord, local_date};
use serde::Deserialize;

use super::Names;
use crate::auth::Session;
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::{Chrome, html};

/// `/notices`, `/notices/{id}`, its 签收/反馈, and `/tasks/{id}/notices` (issue).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notices", get(list))
        .route("/notices/{id}", get(detail))
        .route("/notices/{id}/sign", post(sign))
        .route("/notices/{id}/answer", post(answer))
        .route("/tasks/{id}/notices", post(issue))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    /// `all` shows answered and escalated ones too; `late` only those past their reply-by date.
    show: Option<String>,
    /// Only this tier (`blue`, `yellow`, `red`).
    tier: Option<String>,
    /// Only this unit (for those who see every unit's).
    unit: Option<String>,
    notice: Option<String>,
}

/// A notice with what the list shows beside it.
struct NoticeLine {
    notice: NoticeRecord,
    task_title: String,
    unit: String,
    late: bool,
}

#[derive(Template)]
#[template(path = "notices.html")]
struct NoticesPage {
    chrome: Chrome,
    lines: Vec<NoticeLine>,
    show: String,
    tier: String,
    unit: String,
    units: Vec<(String, String)>,
    counts: [(&'static str, &'static str, usize); 3],
}

async fn task_titles(
    ctx: &duban_core::service::Ctx<'_>,
) -> AppResult<std::collections::HashMap<TaskId, String>> {
    let snap = duban_core::service::snapshot::snapshot(ctx).await?;
    Ok(snap.tasks.iter().map(|t| (t.id, t.title.clone())).collect())
}

async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let show = match q.show.as_deref() {
        Some("all") => "all",
        Some("late") => "late",
        _ => "open",
    };
    let found = notices::list(&ctx, show != "all").await?;
    let names = Names::load(&ctx).await?;
    let titles = task_titles(&ctx).await?;
    let today = local_date(ctx.now);
    let count = |tier: NoticeTier| {
        found
            .iter()
            .filter(|n| n.notice.tier == tier && n.state.is_open())
            .count()
    };
    let counts = [
        ("red", "红色督办", count(NoticeTier::Red)),
        ("yellow", "黄色警示", count(NoticeTier::Yellow)),
        ("blue", "蓝色提醒", count(NoticeTier::Blue)),
    ];
    let tier = q
        .tier
        .as_deref()
        .and_then(|t| NoticeTier::from_code(t).ok());
    let unit: Option<i64> = q.unit.as_deref().and_then(|u| u.trim().parse().ok());
    // The units that have notices, for the filter.
    let mut units: Vec<(String, String)> = found
        .iter()
        .map(|n| (n.notice.unit.0.to_string(), names.unit_by_id(n.notice.unit)))
        .collect();
    units.sort();
    units.dedup();
    let mut lines: Vec<NoticeLine> = found
        .into_iter()
        .filter(|n| tier.is_none_or(|t| n.notice.tier == t))
        .filter(|n| unit.is_none_or(|u| n.notice.unit.0 == u))
        .filter(|n| show != "late" || n.is_late(today))
        .map(|n| NoticeLine {
            task_title: titles.get(&n.notice.task).cloned().unwrap_or_default(),
            unit: names.unit_by_id(n.notice.unit),
            late: n.is_late(today),
            notice: n,
        })
        .collect();
    // Open ones first, sharpest first, then the newest.
    lines.sort_by(|a, b| {
        (b.notice.state.is_open(), b.notice.notice.tier, b.notice.id).cmp(&(
            a.notice.state.is_open(),
            a.notice.notice.tier,
            a.notice.id,
        ))
    });
    Ok(html(&NoticesPage {
        chrome: Chrome::new("督办单", &session, "/notices").with_notice(q.notice.as_deref()),
        lines,
        show: show.to_owned(),
        tier: tier.map_or_else(String::new, |t| t.code().to_owned()),
        unit: unit.map_or_else(String::new, |u| u.to_string()),
        units: if session.user.role == Role::Unit {
            Vec::new()
        } else {
            units
        },
        counts,
    }))
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    chrome: Chrome,
    n: NoticeRecord,
    task: TaskRecord,
    unit: String,
    names: Names,
    can_act: bool,
    late: bool,
    earlier: Option<NoticeRecord>,
}

async fn detail(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let n = notices::get(&ctx, NoticeId(id)).await?;
    let task = state.store.get_task(n.notice.task).await?;
    let names = Names::load(&ctx).await?;
    let earlier = match n.notice.escalates {
        Some(e) => Some(state.store.get_notice(e).await?),
        None => None,
    };
    let can_act = session.user.role == Role::Unit && session.user.unit == Some(n.notice.unit);
    Ok(html(&NoticePage {
        chrome: Chrome::new(n.number(), &session, "/notices").with_notice(q.notice.as_deref()),
        unit: names.unit_by_id(n.notice.unit),
        late: n.is_late(local_date(ctx.now)),
        can_act,
        earlier,
        task,
        names,
        n,
    }))
}

async fn sign(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    notices::sign(&ctx, NoticeId(id)).await?;
    Ok(Redirect::to(&format!("/notices/{id}?notice=notice_signed")).into_response())
}

#[derive(Deserialize)]
struct AnswerForm {
    answer: String,
}

async fn answer(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let answered = notices::answer(&ctx, NoticeId(id), &form.answer).await?;
    // The 督查室 hears of the answer in its inbox (not through robots: it is routine).
    crate::background::announce_answer(&state, &answered).await;
    Ok(Redirect::to(&format!("/notices/{id}?notice=notice_answered")).into_response())
}

#[derive(Deserialize)]
struct IssueForm {
    tier: String,
    facts: String,
    reply_by: String,
}

async fn issue(
    State(state): State<AppState>,
    session: Session,
    Path(task): Path<i64>,
    Form(form): Form<IssueForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let tier = NoticeTier::from_code(&form.tier).map_err(Error::from)?;
    let reply_by = NaiveDate::parse_from_str(form.reply_by.trim(), "%Y-%m-%d")
        .map_err(|_| Error::Invalid("请填写反馈时限".into()))?;
    let issued = notices::issue(&ctx, TaskId(task), tier, &form.facts, reply_by).await?;
    state.wake.notify_one();
    Ok(Redirect::to(&format!("/notices/{}?notice=notice_issued", issued.id)).into_response())
}
