//! 统计: the bureau's figures by 责任科室, 工程 and month, with server-rendered SVG charts; the
//! 督办单 by tier (by unit, 工程 and month of issue) and their 反馈及时率 by unit.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use duban_core::service::stats::{Figures, NoticeCounts, Statistics, statistics};
use duban_core::supervision::notices::NoticeTier;

use crate::auth::Session;
use crate::charts::{percent_bars, stacked_counts};
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
    notices_chart: String,
    /// The units with 督办单, for the 反馈及时率 table.
    replies: Vec<Figures>,
}

/// The tiers in the order the page shows them, mildest first.
const TIERS: [NoticeTier; 3] = [NoticeTier::Blue, NoticeTier::Yellow, NoticeTier::Red];

/// The colours of the tiers in charts (those of the `tier-…` badges).
fn tier_colour(tier: NoticeTier) -> &'static str {
    match tier {
        NoticeTier::Blue => "#1d5fbf",
        NoticeTier::Yellow => "#c98a00",
        NoticeTier::Red => "#b3261e",
    }
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

    /// 督办单反馈及时率.
    fn reply_rate(&self, n: &NoticeCounts) -> String {
        pct(n.on_time_reply_rate())
    }
}

async fn page(State(state): State<AppState>, session: Session) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let s = statistics(&ctx).await?;
    let bars = |f: fn(&Figures) -> Option<f64>| -> Vec<(String, Option<f64>)> {
        s.by_unit.iter().map(|u| (u.name.clone(), f(u))).collect()
    };
    let series = TIERS.map(|tier| (tier.label(), tier_colour(tier)));
    let by_month: Vec<(String, Vec<usize>)> = s
        .notices_by_month
        .iter()
        .map(|m| {
            let counts = TIERS.iter().map(|tier| m.notices.of(*tier)).collect();
            (m.name.clone(), counts)
        })
        .collect();
    let replies = s
        .by_unit
        .iter()
        .filter(|u| u.notices.total() > 0)
        .cloned()
        .collect();
    Ok(html(&StatsPage {
        chrome: Chrome::new("统计", &session, "/stats"),
        completion_chart: percent_bars("各科室办结率", &bars(Figures::completion_rate), None),
        reporting_chart: percent_bars(
            "各科室按时报送率（目标90%）",
            &bars(Figures::on_time_report_rate),
            Some(90.0),
        ),
        notices_chart: stacked_counts("各月下发督办单", &series, &by_month),
        replies,
        s,
    }))
}
