//! 月汇总: the monthly summary page, one month at a time (`/monthly?month=2026-03`), and the
//! same month as a workbook (`/monthly.xlsx`) or a Word document (`/monthly.docx`).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use duban_core::service::monthly::{Month, MonthlySummary, monthly_summary};
use duban_core::tasks::local_date;
use serde::Deserialize;

use crate::auth::Session;
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::{Chrome, html};

/// `/monthly`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/monthly", get(page))
        .route("/monthly.xlsx", get(download))
        .route("/monthly.docx", get(download_docx))
}

#[derive(Deserialize, Default)]
struct MonthQuery {
    month: Option<String>,
}

#[derive(Template)]
#[template(path = "monthly.html")]
struct MonthlyPage {
    chrome: Chrome,
    m: std::sync::Arc<MonthlySummary>,
    prev: String,
    next: String,
}

/// The month asked for, or the current one.
fn month_of(
    q: &MonthQuery,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Month, duban_core::service::Error> {
    match q.month.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(text) => Month::parse(text),
        None => Ok(Month::of(local_date(now))),
    }
}

/// The month asked for, its summary and the downloads' title (`青禾区文教体局2026年3月工作汇总`).
async fn for_download(
    state: &AppState,
    session: &Session,
    q: &MonthQuery,
) -> AppResult<(String, std::sync::Arc<MonthlySummary>)> {
    let ctx = state.ctx(session.actor());
    let month = month_of(q, ctx.now)?;
    let m = monthly_summary(&ctx, month).await?;
    let bureau = duban_core::service::ledger::bureau_name(&ctx).await?;
    Ok((format!("{bureau}{}工作汇总", month.label()), m))
}

/// `GET /monthly.xlsx?month=2026-03`: the 月汇总 as a workbook.
async fn download(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<MonthQuery>,
) -> AppResult<Response> {
    let (title, m) = for_download(&state, &session, &q).await?;
    let bytes = duban_plan::export::monthly_xlsx(&title, &m)
        .map_err(duban_core::service::Error::Internal)?;
    Ok(crate::views::download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{title}.xlsx"),
        bytes,
    ))
}

/// `GET /monthly.docx?month=2026-03`: the 月汇总 as a Word document, for the same people as
/// the workbook.
async fn download_docx(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<MonthQuery>,
) -> AppResult<Response> {
    let (title, m) = for_download(&state, &session, &q).await?;
    let bytes = duban_plan::export::monthly_docx(&title, &m)
        .map_err(duban_core::service::Error::Internal)?;
    Ok(crate::views::download(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("{title}.docx"),
        bytes,
    ))
}

async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<MonthQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let month = month_of(&q, ctx.now)?;
    let m = monthly_summary(&ctx, month).await?;
    let (prev, next) = month.neighbours();
    Ok(html(&MonthlyPage {
        chrome: Chrome::new(format!("{}工作汇总", month.label()), &session, "/monthly"),
        prev: prev.code(),
        next: next.code(),
        m,
    }))
}
