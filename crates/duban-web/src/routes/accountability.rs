//! 问责记录: the list of 约谈/通报/问责 (everything for the 督查室 and leaders, its own for a
//! unit) and the form to record one.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use duban_core::access::{Action, can};
use duban_core::org::OrgUnitId;
use duban_core::service::{Error, accountability};
use duban_core::supervision::{AccountabilityKind, AccountabilityRecord, NewAccountability};
use duban_core::tasks::TaskId;
use serde::Deserialize;

use super::Names;
use crate::auth::Session;
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::{Chrome, html};

/// `/accountability`.
pub fn router() -> Router<AppState> {
    Router::new().route("/accountability", get(page).post(record))
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "accountability.html")]
struct AccountabilityPage {
    chrome: Chrome,
    records: Vec<AccountabilityRecord>,
    names: Names,
    can_record: bool,
    units: Vec<(OrgUnitId, String)>,
    kinds: Vec<(&'static str, &'static str)>,
}

impl AccountabilityPage {
    /// The name of the record's unit.
    fn unit_name(&self, r: &AccountabilityRecord) -> String {
        self.names.unit_by_id(r.record.unit)
    }
}

async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let records = accountability::records(&ctx).await?;
    let names = Names::load(&ctx).await?;
    let mut units: Vec<(OrgUnitId, String)> =
        names.units.iter().map(|(k, v)| (*k, v.clone())).collect();
    units.sort();
    Ok(html(&AccountabilityPage {
        chrome: Chrome::new("问责记录", &session, "/accountability")
            .with_notice(q.notice.as_deref()),
        can_record: can(&session.actor(), Action::HoldAccountable, None),
        records,
        names,
        units,
        kinds: AccountabilityKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
    }))
}

#[derive(Deserialize)]
struct RecordForm {
    unit: String,
    task: Option<String>,
    kind: String,
    reason: String,
}

async fn record(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<RecordForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    duban_core::service::require(&ctx, Action::HoldAccountable, None)?;
    let unit = form
        .unit
        .trim()
        .parse()
        .map(OrgUnitId)
        .map_err(|_| Error::Invalid("请选择单位".into()))?;
    let task = form
        .task
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().map(TaskId))
        .transpose()
        .map_err(|_| Error::Invalid("任务编号无效".into()))?;
    let kind = AccountabilityKind::from_code(&form.kind).map_err(Error::from)?;
    let new = NewAccountability::new(unit, task, kind, &form.reason).map_err(Error::from)?;
    accountability::record(&ctx, &new).await?;
    let to = match task {
        Some(t) => format!("/tasks/{t}?notice=accountability"),
        None => "/accountability?notice=accountability".to_owned(),
    };
    Ok(Redirect::to(&to).into_response())
}
