//! 月汇总: the monthly summary page, one month at a time (`/monthly?month=2026-03`).

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

/// `GET /monthly.xlsx?month=2026-03`: the 月汇总 as a workbook.
async fn download(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<MonthQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let month = month_of(&q, ctx.now)?;
    let m = monthly_summary(&ctx, month).await?;
    let bureau = duban_core::service::ledger::bureau_name(&ctx).await?;
    let title = format!("{bureau}{}工作汇总", month.label());
    let bytes = duban_plan::export::monthly_xlsx(&title, &m)
        .map_err(duban_core::service::Error::Internal)?;
    Ok(crate::views::download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{title}.xlsx"),
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
