//! 周例会: meetings and their series (list, create with a composed agenda), one meeting's
//! agenda — each item with the reporting unit's latest report — with reorder, add, remove and
//! the outcome form, closing it, sending the 确定事项清单, and the Word/Excel downloads
//! (议题, 纪要, 确定事项清单).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{NaiveDate, NaiveTime, Weekday};
use duban_core::meetings::{
    ItemId, ItemSource, Meeting, MeetingId, MeetingSeries, NewItem, OutcomeKind,
};
use duban_core::org::{OrgUnitId, Role};
use duban_core::service::meetings::{self, Minutes, OutcomeInput};
use duban_core::service::{Error, require};
use duban_core::tasks::{TaskId, local_date};
use serde::Deserialize;
use std::sync::Arc;

use super::Names;
use crate::auth::{Session, form_value, serde_urlencoded_pairs};
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::{Chrome, html};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `/meetings…`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meetings", get(list).post(create))
        .route("/meetings/series", post(add_series))
        .route("/meetings/{id}", get(detail))
        .route("/meetings/{id}/items", post(add_item))
        .route("/meetings/{id}/items/{item}/move", post(move_item))
        .route("/meetings/{id}/items/{item}/remove", post(remove_item))
        .route("/meetings/{id}/items/{item}/outcome", post(outcome))
        .route("/meetings/{id}/notes", post(notes))
        .route("/meetings/{id}/close", post(close))
        .route("/meetings/{id}/send", post(send))
        .route("/meetings/{id}/{file}", get(file))
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

const WEEKDAYS: [(Weekday, &str); 7] = [
    (Weekday::Mon, "周一"),
    (Weekday::Tue, "周二"),
    (Weekday::Wed, "周三"),
    (Weekday::Thu, "周四"),
    (Weekday::Fri, "周五"),
    (Weekday::Sat, "周六"),
    (Weekday::Sun, "周日"),
];

fn weekday_label(w: Weekday) -> &'static str {
    WEEKDAYS
        .iter()
        .find(|(d, _)| *d == w)
        .map_or("", |(_, l)| l)
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    chrome: Chrome,
    series: Vec<MeetingSeries>,
    meetings: Vec<Meeting>,
    can_edit: bool,
    next_days: Vec<(i64, String)>,
    weekdays: Vec<(u32, &'static str)>,
    headings: Vec<(&'static str, &'static str)>,
}

impl MeetingsPage {
    fn series_name(&self, m: &Meeting) -> String {
        self.series
            .iter()
            .find(|s| s.id == m.series)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }
    fn schedule(&self, s: &MeetingSeries) -> String {
        format!(
            "每{} {}",
            weekday_label(s.weekday),
            s.start_time.format("%H:%M")
        )
    }
}

async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let series = meetings::series(&ctx).await?;
    let recent = meetings::recent(&ctx, 100).await?;
    let today = local_date(ctx.now);
    Ok(html(&MeetingsPage {
        chrome: Chrome::new("周例会", &session, "/meetings").with_notice(q.notice.as_deref()),
        can_edit: session.user.role == Role::Supervisor,
        next_days: series
            .iter()
            .map(|s| (s.id.0, s.next_on_or_after(today).to_string()))
            .collect(),
        weekdays: WEEKDAYS
            .iter()
            .map(|(d, l)| (d.number_from_monday(), *l))
            .collect(),
        headings: [
            ItemSource::Red,
            ItemSource::Coordination,
            ItemSource::Approval,
            ItemSource::Yellow,
            ItemSource::DueSoon,
        ]
        .iter()
        .map(|s| (s.code(), s.label()))
        .collect(),
        series,
        meetings: recent,
    }))
}

fn date_field(pairs: &[(String, String)], name: &str, what: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(form_value(pairs, name).trim(), "%Y-%m-%d")
        .map_err(|_| Error::Invalid(format!("请填写{what}")))
}

async fn create(
    State(state): State<AppState>,
    session: Session,
    body: Bytes,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let pairs = serde_urlencoded_pairs(&body);
    let series = form_value(&pairs, "series")
        .trim()
        .parse()
        .map(duban_core::meetings::SeriesId)
        .map_err(|_| Error::Invalid("请选择会议".into()))?;
    let held_on = date_field(&pairs, "held_on", "会议日期")?;
    // One checkbox per heading (`include=red` …); a form without any (an old page, a script)
    // takes them all.
    let mut include: Vec<ItemSource> = pairs
        .iter()
        .filter(|(k, _)| k == "include")
        .filter_map(|(_, v)| ItemSource::from_code(v).ok())
        .collect();
    if include.is_empty() && !pairs.iter().any(|(k, _)| k == "composed") {
        include = ItemSource::ALL.to_vec();
    }
    let m = meetings::create(&ctx, series, held_on, &include).await?;
    Ok(Redirect::to(&format!("/meetings/{}?notice=meeting_created", m.id)).into_response())
}

async fn add_series(
    State(state): State<AppState>,
    session: Session,
    body: Bytes,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let pairs = serde_urlencoded_pairs(&body);
    let weekday = form_value(&pairs, "weekday")
        .parse::<u32>()
        .ok()
        .and_then(|n| WEEKDAYS.iter().find(|(d, _)| d.number_from_monday() == n))
        .map(|(d, _)| *d)
        .ok_or_else(|| Error::Invalid("请选择例会日".into()))?;
    let time = NaiveTime::parse_from_str(form_value(&pairs, "start_time").trim(), "%H:%M")
        .map_err(|_| Error::Invalid("开会时间须为 HH:MM".into()))?;
    meetings::add_series(&ctx, form_value(&pairs, "name"), weekday, time).await?;
    Ok(Redirect::to("/meetings?notice=saved_series").into_response())
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    m: Arc<Minutes>,
    names: Names,
    units: Vec<(OrgUnitId, String)>,
    can_edit: bool,
    /// Leaders decide the pending requests on the agenda from their 审批 page.
    is_leader: bool,
    kinds: Vec<(&'static str, &'static str)>,
}

impl MeetingPage {
    fn open(&self) -> bool {
        self.m.is_open()
    }
    /// The heading to show before the item at `index` (0-based): its source's, when it differs
    /// from the previous item's — the agenda reads as 红灯任务, 需协调解决事项, … as composed.
    fn heading_before(&self, index: &usize) -> Option<&'static str> {
        let this = self.m.items.get(*index)?.item.item.source;
        let previous = index
            .checked_sub(1)
            .and_then(|i| self.m.items.get(i))
            .map(|p| p.item.item.source);
        (previous != Some(this)).then(|| this.label())
    }
    fn unit_name(&self, id: &&OrgUnitId) -> String {
        self.names.unit_by_id(**id)
    }
}

async fn detail(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let m = meetings::minutes(&ctx, MeetingId(id)).await?;
    let names = Names::load(&ctx).await?;
    let mut units: Vec<(OrgUnitId, String)> =
        names.units.iter().map(|(k, v)| (*k, v.clone())).collect();
    units.sort();
    Ok(html(&MeetingPage {
        chrome: Chrome::new(m.meeting.title.clone(), &session, "/meetings")
            .with_notice(q.notice.as_deref()),
        can_edit: session.user.role == Role::Supervisor,
        is_leader: session.user.role == Role::Leader,
        kinds: OutcomeKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        m,
        names,
        units,
    }))
}

fn back(id: i64, notice: &str) -> Response {
    Redirect::to(&format!("/meetings/{id}?notice={notice}")).into_response()
}

async fn add_item(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    body: Bytes,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let pairs = serde_urlencoded_pairs(&body);
    let task = match form_value(&pairs, "task").trim() {
        "" => None,
        t => Some(TaskId(
            t.trim_start_matches('#')
                .parse()
                .map_err(|_| Error::Invalid("任务编号无效".into()))?,
        )),
    };
    let item = NewItem::manual(
        form_value(&pairs, "title"),
        form_value(&pairs, "note"),
        task,
    )
    .map_err(Error::from)?;
    meetings::add_item(&ctx, MeetingId(id), &item).await?;
    Ok(back(id, "agenda_saved"))
}

async fn move_item(
    State(state): State<AppState>,
    session: Session,
    Path((id, item)): Path<(i64, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let pairs = serde_urlencoded_pairs(&body);
    let up = form_value(&pairs, "dir") == "up";
    meetings::move_item(&ctx, MeetingId(id), ItemId(item), up).await?;
    Ok(back(id, "agenda_saved"))
}

async fn remove_item(
    State(state): State<AppState>,
    session: Session,
    Path((id, item)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    meetings::remove_item(&ctx, MeetingId(id), ItemId(item)).await?;
    Ok(back(id, "agenda_saved"))
}

async fn outcome(
    State(state): State<AppState>,
    session: Session,
    Path((id, item)): Path<(i64, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let pairs = serde_urlencoded_pairs(&body);
    let unit = |v: &str| v.trim().parse().ok().map(OrgUnitId);
    let input = OutcomeInput {
        kind: form_value(&pairs, "kind").to_owned(),
        text: form_value(&pairs, "text").to_owned(),
        lead_unit: unit(form_value(&pairs, "lead_unit")),
        co_units: pairs
            .iter()
            .filter(|(k, _)| k == "co_units")
            .filter_map(|(_, v)| unit(v))
            .collect(),
        due: NaiveDate::parse_from_str(form_value(&pairs, "due").trim(), "%Y-%m-%d").ok(),
    };
    meetings::record_outcome(&ctx, MeetingId(id), ItemId(item), &input).await?;
    Ok(back(id, "outcome_saved"))
}

async fn notes(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    body: Bytes,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let pairs = serde_urlencoded_pairs(&body);
    meetings::set_notes(
        &ctx,
        MeetingId(id),
        form_value(&pairs, "title"),
        form_value(&pairs, "attendees"),
    )
    .await?;
    Ok(back(id, "agenda_saved"))
}

async fn close(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    meetings::close(&ctx, MeetingId(id)).await?;
    Ok(back(id, "meeting_closed"))
}

async fn send(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let routing = state.settings.notify.routing();
    let sent = meetings::send_decisions(&ctx, MeetingId(id), &routing).await?;
    Ok(back(
        id,
        if sent {
            "decisions_sent"
        } else {
            "decisions_already_sent"
        },
    ))
}

/// `agenda.docx`, `minutes.docx`, `decisions.docx`, `decisions.xlsx`.
async fn file(
    State(state): State<AppState>,
    session: Session,
    Path((id, file)): Path<(i64, String)>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    require(&ctx, duban_core::access::Action::ViewAll, None)?;
    let m = meetings::minutes(&ctx, MeetingId(id)).await?;
    let date = m.meeting.held_on;
    let (bytes, kind, name) = match file.as_str() {
        "agenda.docx" => (
            duban_plan::export::meeting::meeting_docx(&m, false),
            DOCX,
            format!("{}议题（{date}）.docx", m.series),
        ),
        "minutes.docx" => (
            duban_plan::export::meeting::meeting_docx(&m, true),
            DOCX,
            format!("{}纪要（{date}）.docx", m.series),
        ),
        "decisions.docx" => (
            duban_plan::export::meeting::decided_docx(&m),
            DOCX,
            format!("{}确定事项清单（{date}）.docx", m.series),
        ),
        "decisions.xlsx" => (
            duban_plan::export::meeting::decided_xlsx(&m),
            XLSX,
            format!("{}确定事项清单（{date}）.xlsx", m.series),
        ),
        _ => return Err(Error::NotFound.into()),
    };
    let bytes = bytes.map_err(Error::Internal)?;
    Ok(crate::views::download(kind, &name, bytes))
}
