//! 导入计划: upload a plan document (.txt/.docx/.xlsx/.csv) → its tasks are stored as drafts
//! under one parent per programme → the 任务分解表 grid shows every draft with its targets
//! highlighted in the plan's own words, for editing one by one or in bulk (select rows → set
//! 责任科室 / 完成时限 / 频次) → 交办 publishes them to their units.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use duban_core::org::{OrgUnitId, Role, UserId};
use duban_core::service::{Error, plans};
use duban_core::store::TaskEdit;
use duban_core::tasks::{Frequency, Plan, PlanId, TaskId, TaskRecord, TaskStatus, local_date};
use serde::Deserialize;

use super::Names;
use crate::auth::Session;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::upload;
use crate::views::{self, Chrome, html};

/// `/plans`, `/plans/import`, `/plans/{id}`, `/plans/{id}/tasks`, `/plans/{id}/publish`.
pub fn router(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route("/plans", get(plans_page))
        .route(
            "/plans/import",
            post(import).layer(DefaultBodyLimit::max(max_upload + 64 * 1024)),
        )
        .route("/plans/{id}", get(plan_page))
        .route("/plans/{id}/tasks", post(save_grid))
        .route("/plans/{id}/publish", post(publish))
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    chrome: Chrome,
    plans: Vec<Plan>,
    year: i32,
    today: String,
}

async fn plans_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    duban_core::service::require(&ctx, duban_core::access::Action::ManagePlans, None)?;
    let plans = plans::list_plans(&ctx).await?;
    Ok(html(&PlansPage {
        chrome: Chrome::new("导入计划", &session, "/plans").with_notice(q.notice.as_deref()),
        plans,
        year: local_date(ctx.now).year(),
        today: crate::views::date(&local_date(ctx.now)),
    }))
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn date_field(fields: &[(String, String)], name: &str, what: &str) -> Result<NaiveDate, AppError> {
    let text = field(fields, name).trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        AppError::BadRequest(format!(
            "{what}不是有效日期（填写的是“{text}”），格式如 2026-03-01"
        ))
    })
}

async fn import(
    State(state): State<AppState>,
    session: Session,
    form: Multipart,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    duban_core::service::require(&ctx, duban_core::access::Action::ManagePlans, None)?;
    let file = upload::read_file(form, state.settings.max_upload_bytes).await?;
    let start = date_field(&file.fields, "start", "开始日期")?;
    let default_due = date_field(&file.fields, "default_due", "默认完成时限")?;
    if default_due < start {
        return Err(AppError::BadRequest("默认完成时限不能早于开始日期".into()));
    }
    let name = file.file_name.clone();
    // The importer is CPU work on untrusted bytes: run it off the async workers.
    let import = tokio::task::spawn_blocking(move || {
        let plan =
            duban_plan::import_bytes(&file.bytes, &name, &duban_plan::ImportOptions::default())?;
        // The decoded text is kept with the plan: task pages show each task in its context
        // (the drafts' offsets point into it).
        let text = duban_plan::formats::extract(&file.bytes, &name)?.text;
        Ok::<_, duban_plan::ImportError>((plan, text))
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?;
    let (import, source_text) =
        import.map_err(|e| AppError::BadRequest(format!("无法导入“{}”：{e}", file.file_name)))?;
    let (plan, _) = plans::import_plan(&ctx, &import, &source_text, start, default_due).await?;
    Ok(Redirect::to(&format!("/plans/{}?notice=imported", plan.id)).into_response())
}

/// One grid row: the task and its text cut into plain and highlighted (target) pieces.
struct GridRow {
    task: TaskRecord,
    pieces: Vec<(String, bool)>,
    depth: usize,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    error: Option<String>,
    plan: Plan,
    rows: Vec<GridRow>,
    names: Names,
    units: Vec<(OrgUnitId, String)>,
    leaders: Vec<(UserId, String)>,
    frequencies: Vec<(&'static str, &'static str)>,
    drafts: usize,
}

/// Cuts `text` into pieces, marking every occurrence of each target's words.
fn highlight(text: &str, marks: &[&str]) -> Vec<(String, bool)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for m in marks.iter().filter(|m| !m.is_empty()) {
        if let Some(i) = text.find(m) {
            spans.push((i, i + m.len()));
        }
    }
    spans.sort();
    let mut pieces = Vec::new();
    let mut at = 0;
    for (s, e) in spans {
        if s < at {
            continue; // overlapping targets: keep the first
        }
        if s > at {
            pieces.push((text[at..s].to_owned(), false));
        }
        pieces.push((text[s..e].to_owned(), true));
        at = e;
    }
    if at < text.len() {
        pieces.push((text[at..].to_owned(), false));
    }
    pieces
}

async fn plan_page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    render_plan(&state, &session, PlanId(id), q.notice.as_deref(), None).await
}

/// The plan page, with a notice after a redirect or the reason a form was refused.
async fn render_plan(
    state: &AppState,
    session: &Session,
    id: PlanId,
    notice: Option<&str>,
    error: Option<String>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let (plan, tasks) = plans::plan_with_tasks(&ctx, id).await?;
    let names = Names::load(&ctx).await?;
    let mut units: Vec<(OrgUnitId, String)> =
        names.units.iter().map(|(k, v)| (*k, v.clone())).collect();
    units.sort();
    let leaders = names
        .all_users
        .iter()
        .filter(|u| u.role == Role::Leader)
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    let drafts = tasks
        .iter()
        .filter(|t| t.status == TaskStatus::Draft)
        .count();
    // Parents first, each followed by its children (the 任务分解表 order).
    let mut rows = Vec::with_capacity(tasks.len());
    let push = |t: &TaskRecord, depth: usize, rows: &mut Vec<GridRow>| {
        let marks: Vec<&str> = t.targets.iter().map(|x| x.target.text.as_str()).collect();
        rows.push(GridRow {
            pieces: highlight(&t.text, &marks),
            task: t.clone(),
            depth,
        });
    };
    for t in tasks.iter().filter(|t| t.parent.is_none()) {
        push(t, 0, &mut rows);
        for c in tasks.iter().filter(|c| c.parent == Some(t.id)) {
            push(c, 1, &mut rows);
        }
    }
    let page = PlanPage {
        chrome: Chrome::new(plan.title.clone(), session, "/plans").with_notice(notice),
        error,
        plan,
        rows,
        names,
        units,
        leaders,
        frequencies: Frequency::ALL
            .iter()
            .map(|f| (f.code(), f.label()))
            .collect(),
        drafts,
    };
    Ok(views::form_page(&page, page.error.is_some()))
}

async fn save_grid(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let (_, tasks) = plans::plan_with_tasks(&ctx, PlanId(id)).await?;
    let get = |name: String| field(&pairs, &name).trim().to_owned();
    let selected: Vec<TaskId> = pairs
        .iter()
        .filter(|(k, _)| k == "sel")
        .filter_map(|(_, v)| v.parse().ok().map(TaskId))
        .collect();
    let bulk_lead = get("bulk_lead".into());
    let bulk_due = get("bulk_due".into());
    let bulk_freq = get("bulk_freq".into());
    let bulk_co: Vec<OrgUnitId> = pairs
        .iter()
        .filter(|(k, _)| k == "bulk_co")
        .filter_map(|(_, v)| v.parse().ok().map(OrgUnitId))
        .collect();
    let mut edits = Vec::new();
    for t in tasks.iter().filter(|t| t.status == TaskStatus::Draft) {
        let i = t.id;
        let in_bulk = selected.contains(&i);
        let pick = |bulk: &str, own: String| {
            if in_bulk && !bulk.is_empty() {
                bulk.to_owned()
            } else {
                own
            }
        };
        let lead = pick(&bulk_lead, get(format!("lead_{i}")));
        let due = pick(&bulk_due, get(format!("due_{i}")));
        let freq = pick(&bulk_freq, get(format!("freq_{i}")));
        let title = get(format!("title_{i}"));
        let row = format!("“{}”", t.title.chars().take(20).collect::<String>());
        let parse_day = |s: &str, what: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| Error::Invalid(format!("{row}的{what}不是有效日期（填写的是“{s}”）")))
        };
        let start_text = get(format!("start_{i}"));
        edits.push(TaskEdit {
            id: i,
            title: if title.is_empty() {
                t.title.clone()
            } else {
                title
            },
            lead_unit: lead.parse().ok().map(OrgUnitId),
            co_units: if in_bulk && !bulk_co.is_empty() {
                bulk_co.clone()
            } else {
                t.co_units.clone()
            },
            leader: get(format!("leader_{i}")).parse().ok().map(UserId),
            owner_name: Some(get(format!("owner_{i}"))).filter(|o| !o.is_empty()),
            start: if start_text.is_empty() {
                t.timeline.start
            } else {
                parse_day(&start_text, "开始日期")?
            },
            due: if due.is_empty() {
                t.timeline.due
            } else {
                parse_day(&due, "完成时限")?
            },
            frequency: Frequency::from_code(&freq).unwrap_or(t.timeline.frequency),
        });
    }
    plans::edit_tasks(&ctx, &edits).await?;
    Ok(Redirect::to(&format!("/plans/{id}?notice=edited")).into_response())
}

async fn publish(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    match plans::publish(&ctx, PlanId(id)).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}?notice=published")).into_response()),
        // Shown on the grid itself, where the missing 责任科室 can be filled in.
        Err(Error::Invalid(m)) | Err(Error::Conflict(m)) => {
            render_plan(&state, &session, PlanId(id), None, Some(m)).await
        }
        Err(e) => Err(e.into()),
    }
}
