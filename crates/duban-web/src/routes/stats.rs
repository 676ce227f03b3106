//! 统计: the bureau's figures by 责任科室, 工程 and month, with server-rendered SVG charts.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use duban_core::service::stats::{Figures, Statistics, statistics};

use crate::auth::Session;
use crate::charts::percent_bars;
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::{Chrome, html};

/// `/stats`.
pub fn router() -> Router<AppState> {
    Router::new().route("/stats", get(page))
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    chrome: Chrome,
    s: std::sync::Arc<Statistics>,
    /// Our own SVG (labels escaped in `charts`).
    completion_chart: String,
    reporting_chart: String,
}

/// `53.3%` or `—`.
fn pct(v: Option<f64>) -> String {
    crate::views::percent(v)
}

impl StatsPage {
    fn rate(&self, f: &Figures, which: &str) -> String {
        match which {
            "completion" => pct(f.completion_rate()),
            "on_time" => pct(f.on_time_completion_rate()),
            "reports" => pct(f.on_time_report_rate()),
            _ => f
                .average_days()
                .map(|d| format!("{}天", duban_core::tasks::format_number(d)))
                .unwrap_or_else(|| "—".into()),
        }
    }
}

async fn page(State(state): State<AppState>, session: Session) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let s = statistics(&ctx).await?;
    let bars = |f: fn(&Figures) -> Option<f64>| -> Vec<(String, Option<f64>)> {
        s.by_unit.iter().map(|u| (u.name.clone(), f(u))).collect()
    };
    Ok(html(&StatsPage {
        chrome: Chrome::new("统计", &session, "/stats"),
        completion_chart: percent_bars("各科室办结率", &bars(Figures::completion_rate), None),
        reporting_chart: percent_bars(
            "各科室按时报送率（目标90%）",
            &bars(Figures::on_time_report_rate),
            Some(90.0),
        ),
        s,
    }))
}
