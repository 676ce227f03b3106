//! 总览 (dashboard), 任务清单 (the filtered task list) and a task's page with its reports,
//! requests, 批示 and audit trail; the 批示 and 办结/延期 forms post here.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use duban_core::access::{Action, can};
use duban_core::audit::AuditEvent;
use duban_core::org::{OrgUnitId, Role, UserId};
use duban_core::service::overview::{Dashboard, dashboard};
use duban_core::service::tasks::{TaskQuery, TaskRow, visible_task};
use duban_core::service::{Error, requests, tasks as task_service};
use duban_core::tasks::{
    AttachmentRecord, InstructionRecord, Light, NewInstruction, NewRequest, Pace, PlanId,
    ReportRecord, RequestRecord, TaskId, TaskRecord, TaskStatus, pace,
};
use serde::Deserialize;

use super::Names;
use crate::auth::Session;
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::{self, Chrome, html};

/// `/`, `/tasks`, `/tasks/{id}` and the task's forms.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard_page))
        .route("/tasks", get(task_list))
        .route("/yearly", get(yearly_page))
        .route("/yearly.xlsx", get(yearly_xlsx))
        .route("/ledger.xlsx", get(ledger_xlsx))
        .route("/ledger.csv", get(ledger_csv))
        .route("/ledger.docx", get(ledger_docx))
        .route("/tasks/{id}", get(task_page))
        .route("/tasks/{id}/instructions", post(add_instruction))
        .route("/tasks/{id}/requests", post(add_request))
        .route("/tasks/{id}/milestones", post(save_milestones))
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    d: Dashboard,
    names: Names,
    role: Role,
    /// Open 督办单 the user may read: (red, yellow, blue, past their reply-by date); `None` for
    /// roles that read none.
    notices: Option<(usize, usize, usize, usize)>,
}

async fn dashboard_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let d = dashboard(&ctx).await?;
    let names = Names::load(&ctx).await?;
    let notices = match duban_core::service::notices::list(&ctx, true).await {
        Ok(open) => {
            use duban_core::supervision::notices::NoticeTier;
            let today = duban_core::tasks::local_date(ctx.now);
            let of = |tier| open.iter().filter(|n| n.notice.tier == tier).count();
            Some((
                of(NoticeTier::Red),
                of(NoticeTier::Yellow),
                of(NoticeTier::Blue),
                open.iter().filter(|n| n.is_late(today)).count(),
            ))
        }
        Err(Error::Forbidden) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(html(&DashboardPage {
        chrome: Chrome::new("总览", &session, "/").with_notice(q.notice.as_deref()),
        d,
        names,
        role: session.user.role,
        notices,
    }))
}

/// The task list's query string. Empty fields mean "any"; bad values are ignored (a filter form
/// should never produce an error page).
#[derive(Deserialize, Default, Clone)]
struct ListQuery {
    year: Option<i32>,
    plan: Option<String>,
    programme: Option<String>,
    unit: Option<String>,
    leader: Option<String>,
    light: Option<String>,
    status: Option<String>,
    due_from: Option<String>,
    due_to: Option<String>,
    q: Option<String>,
}

fn parse_id(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(|v| v.trim().parse().ok())
}

fn parse_date(s: &Option<String>) -> Option<NaiveDate> {
    s.as_deref()
        .and_then(|v| NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok())
}

impl ListQuery {
    fn to_query(&self) -> TaskQuery {
        TaskQuery {
            plan: parse_id(&self.plan).map(PlanId),
            programme: parse_id(&self.programme).map(TaskId),
            unit: parse_id(&self.unit).map(OrgUnitId),
            leader: parse_id(&self.leader).map(UserId),
            light: match self.light.as_deref() {
                Some("red") => Some(Light::Red),
                Some("yellow") => Some(Light::Yellow),
                Some("green") => Some(Light::Green),
                Some("none") => Some(Light::None),
                _ => None,
            },
            status: self
                .status
                .as_deref()
                .and_then(|s| TaskStatus::from_code(s).ok()),
            due_from: parse_date(&self.due_from),
            due_to: parse_date(&self.due_to),
            text: self
                .q
                .as_deref()
                .map(|q| q.chars().take(100).collect::<String>())
                .filter(|q| !q.trim().is_empty()),
            leaves_only: false,
        }
    }

    fn get(&self, field: &str) -> String {
        let v = match field {
            "programme" => &self.programme,
            "unit" => &self.unit,
            "leader" => &self.leader,
            "light" => &self.light,
            "status" => &self.status,
            "due_from" => &self.due_from,
            "due_to" => &self.due_to,
            "q" => &self.q,
            _ => &None,
        };
        v.clone().unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TaskListPage {
    chrome: Chrome,
    rows: Vec<Arc<TaskRow>>,
    names: Names,
    filters: ListQuery,
    programmes: Vec<(TaskId, String)>,
    units: Vec<(OrgUnitId, String)>,
    leaders: Vec<(UserId, String)>,
    statuses: Vec<(&'static str, &'static str)>,
}

async fn task_list(
    State(state): State<AppState>,
    session: Session,
    Query(filters): Query<ListQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let all = task_service::assessed_tasks(&ctx, None).await?;
    let rows = task_service::filter_rows(all.clone(), &filters.to_query());
    let names = Names::load(&ctx).await?;
    let mut programmes: Vec<(TaskId, String)> = all
        .iter()
        .filter(|r| r.task.parent.is_none() && r.is_parent)
        .map(|r| (r.task.id, r.task.title.clone()))
        .collect();
    programmes.dedup();
    let mut units: Vec<(OrgUnitId, String)> = all
        .iter()
        .filter_map(|r| r.task.lead_unit)
        .map(|u| (u, names.unit(&Some(u))))
        .collect();
    units.sort();
    units.dedup();
    let leaders = names
        .all_users
        .iter()
        .filter(|u| u.role == Role::Leader)
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    Ok(html(&TaskListPage {
        chrome: Chrome::new("任务清单", &session, "/tasks"),
        rows,
        names,
        filters,
        programmes,
        units,
        leaders,
        statuses: TaskStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
    }))
}

/// The newest audit events shown on a task page (the whole log stays in the store).
const AUDIT_SHOWN: i64 = 30;

/// A report with its attachments, for the timeline.
struct ReportView {
    report: ReportRecord,
    attachments: Vec<AttachmentRecord>,
    /// Submitted by its period's deadline (`None`: not submitted, or its period is not one
    /// the task owes).
    on_time: Option<bool>,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    chrome: Chrome,
    row: Arc<TaskRow>,
    pace: Pace,
    names: Names,
    children: Vec<Arc<TaskRow>>,
    reports: Vec<ReportView>,
    requests: Vec<RequestRecord>,
    instructions: Vec<InstructionRecord>,
    audit: Vec<AuditEvent>,
    can_report: bool,
    can_request: bool,
    can_instruct: bool,
    can_decide: bool,
    can_plan: bool,
    can_hold: bool,
    involved_units: Vec<(OrgUnitId, String)>,
    context: Option<task_service::SourceContext>,
    milestone_lines: String,
    today: chrono::NaiveDate,
    error: Option<String>,
    notices: Vec<duban_core::supervision::notices::NoticeRecord>,
    can_issue_notice: bool,
    default_reply_by: chrono::NaiveDate,
}

impl TaskPage {
    /// Today in Asia/Shanghai (for "已到期" on milestones).
    fn today(&self) -> chrono::NaiveDate {
        self.today
    }
    /// The kind (办结/延期) of a request still waiting for the leader, if any.
    fn pending_request(&self) -> Option<&'static str> {
        self.requests
            .iter()
            .find(|r| r.state == duban_core::tasks::RequestState::Pending)
            .map(|r| r.request.kind.label())
    }

    fn target_value(&self, target: &duban_core::tasks::TargetId) -> String {
        self.reports
            .iter()
            .rev()
            .find_map(|r| r.report.values.iter().find(|v| v.target == *target))
            .map(|v| views::number(&v.value))
            .unwrap_or_else(|| "—".into())
    }
}

async fn render_task(
    state: &AppState,
    session: &Session,
    id: TaskId,
    notice: Option<&str>,
    error: Option<String>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let task = visible_task(&ctx, id).await?;
    let plan_rows = task_service::assessed_tasks(&ctx, task.plan).await?;
    let Some(row) = plan_rows.iter().find(|r| r.task.id == id).cloned() else {
        return Err(Error::NotFound.into());
    };
    let children: Vec<Arc<TaskRow>> = plan_rows
        .iter()
        .filter(|r| r.task.parent == Some(id))
        .cloned()
        .collect();
    let mut attachments = state.store.list_task_attachments(id).await?;
    let cadence = duban_core::service::snapshot::cadence(&ctx).await?;
    let periods = duban_core::tasks::task_periods(&task.timeline, ctx.now, &cadence);
    let mut reports = Vec::new();
    for report in state.store.list_reports(id).await? {
        let (mine, rest): (Vec<_>, Vec<_>) = attachments
            .into_iter()
            .partition(|a| a.attachment.report == report.id);
        attachments = rest;
        let on_time = periods
            .iter()
            .find(|p| p.start_date() == report.period_start)
            .filter(|_| report.first_submitted_at.is_some())
            .map(|p| duban_core::tasks::is_on_time(&report.summary(), p));
        reports.push(ReportView {
            report,
            attachments: mine,
            on_time,
        });
    }
    reports.reverse();
    let requests = requests::task_requests(&ctx, &task).await?;
    let instructions = state.store.list_instructions(Some(id)).await?;
    let actor = session.actor();
    let audit = if can(&actor, Action::ViewAudit, Some(&task)) {
        let mut entities = vec![("task".to_owned(), id.to_string())];
        entities.extend(
            reports
                .iter()
                .map(|r| ("report".to_owned(), r.report.id.to_string())),
        );
        entities.extend(
            requests
                .iter()
                .map(|r| ("request".to_owned(), r.id.to_string())),
        );
        let mut events = state
            .store
            .list_audit_events_for(&entities, AUDIT_SHOWN)
            .await?;
        events.reverse();
        events
    } else {
        Vec::new()
    };
    let names = Names::load(&ctx).await?;
    let context = task_service::source_context(&ctx, &task).await?;
    let milestone_lines = task
        .milestones
        .iter()
        .map(|m| format!("{} {}", views::date(&m.date), m.title))
        .collect::<Vec<_>>()
        .join("\n");
    let notices = duban_core::service::notices::of_task(&ctx, id).await?;
    let today = duban_core::tasks::local_date(ctx.now);
    let page = TaskPage {
        notices,
        can_issue_notice: actor.role == duban_core::org::Role::Supervisor
            && task.status == TaskStatus::Published
            && task.lead_unit.is_some(),
        default_reply_by: cadence
            .calendar
            .as_ref()
            .map_or(today + chrono::Duration::days(3), |c| {
                c.workdays_after(today, 3)
            }),
        can_hold: can(&actor, Action::HoldAccountable, Some(&task)),
        involved_units: task
            .lead_unit
            .iter()
            .chain(task.co_units.iter())
            .map(|u| (*u, names.unit_by_id(*u)))
            .collect(),
        can_plan: can(&actor, Action::ManagePlans, Some(&task))
            && matches!(task.status, TaskStatus::Draft | TaskStatus::Published),
        context,
        milestone_lines,
        today: duban_core::tasks::local_date(ctx.now),
        chrome: Chrome::new(task.title.clone(), session, "/tasks").with_notice(notice),
        pace: pace(&task.timeline, ctx.now),
        can_report: can(&actor, Action::Report, Some(&task)) && !row.is_parent,
        can_request: can(&actor, Action::RequestChange, Some(&task)),
        can_instruct: can(&actor, Action::Instruct, Some(&task)),
        can_decide: can(&actor, Action::Decide, Some(&task)),
        row,
        names,
        children,
        reports,
        requests,
        instructions,
        audit,
        error,
    };
    Ok(views::form_page(&page, page.error.is_some()))
}

async fn task_page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    render_task(&state, &session, TaskId(id), q.notice.as_deref(), None).await
}

#[derive(Deserialize)]
struct InstructionForm {
    text: String,
}

async fn add_instruction(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<InstructionForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let outcome = match NewInstruction::new(TaskId(id), &form.text) {
        Ok(i) => requests::instruct(&ctx, &i).await.map(|_| ()),
        Err(e) => Err(e.into()),
    };
    finish(&state, &session, TaskId(id), outcome, "instructed").await
}

#[derive(Deserialize)]
struct RequestForm {
    kind: String,
    reason: String,
    new_due: Option<String>,
}

async fn add_request(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let id = TaskId(id);
    let outcome: Result<(), Error> = async {
        let task: TaskRecord = visible_task(&ctx, id).await?;
        let request = match form.kind.as_str() {
            "completion" => NewRequest::completion(id, &form.reason)?,
            "extension" => {
                let new_due = parse_date(&form.new_due).ok_or_else(|| {
                    Error::Invalid("请填写有效的延期后完成时限（如 2026-12-31）".into())
                })?;
                NewRequest::extension(id, &form.reason, new_due, task.timeline.due)?
            }
            _ => return Err(Error::Invalid("请选择申请类型".into())),
        };
        requests::request_change(&ctx, &request).await.map(|_| ())
    }
    .await;
    finish(&state, &session, id, outcome, "requested").await
}

/// After a task form: back to the task with a notice, or the task page again with the error
/// (validation errors keep the page; refusals become error pages).
async fn finish(
    state: &AppState,
    session: &Session,
    id: TaskId,
    outcome: Result<(), Error>,
    notice: &str,
) -> AppResult<Response> {
    match outcome {
        Ok(()) => Ok(axum::response::IntoResponse::into_response(Redirect::to(
            &format!("/tasks/{id}?notice={notice}"),
        ))),
        Err(Error::Invalid(m)) | Err(Error::Conflict(m)) => {
            render_task(state, session, id, None, Some(m)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct MilestonesForm {
    lines: String,
}

async fn save_milestones(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<MilestonesForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let id = TaskId(id);
    let outcome = match duban_core::tasks::Milestone::parse_lines(&form.lines) {
        Ok(list) => task_service::set_milestones(&ctx, id, &list)
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    finish(&state, &session, id, outcome, "milestones").await
}

/// `GET /ledger.xlsx|.docx|.csv`: the 台账 of every task the user may see, in one of its three
/// formats (the same rows and title in each).
async fn ledger_file(state: &AppState, session: &Session, extension: &str) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let title = duban_core::service::ledger::ledger_title(&ctx).await?;
    let rows = duban_core::service::ledger::ledger(&ctx).await?;
    let (kind, bytes) = match extension {
        "csv" => (
            "text/csv; charset=utf-8",
            duban_plan::export::ledger_csv(&rows).into_bytes(),
        ),
        "docx" => (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            duban_plan::export::ledger_docx(&title, &rows).map_err(Error::Internal)?,
        ),
        _ => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            duban_plan::export::ledger_xlsx(&title, &rows).map_err(Error::Internal)?,
        ),
    };
    Ok(views::download(
        kind,
        &format!("{title}.{extension}"),
        bytes,
    ))
}

async fn ledger_xlsx(State(state): State<AppState>, session: Session) -> AppResult<Response> {
    ledger_file(&state, &session, "xlsx").await
}

async fn ledger_docx(State(state): State<AppState>, session: Session) -> AppResult<Response> {
    ledger_file(&state, &session, "docx").await
}

async fn ledger_csv(State(state): State<AppState>, session: Session) -> AppResult<Response> {
    ledger_file(&state, &session, "csv").await
}

#[derive(Template)]
#[template(path = "yearly.html")]
struct YearlyPage {
    chrome: Chrome,
    year: i32,
    lines: Vec<duban_core::service::yearly::YearLine>,
    names: Names,
    filters: ListQuery,
    units: Vec<(OrgUnitId, String)>,
}

/// The year asked for, or the current one.
fn year_of(filters: &ListQuery, now: chrono::DateTime<chrono::Utc>) -> i32 {
    use chrono::Datelike;
    filters
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| duban_core::tasks::local_date(now).year())
}

/// The 年统筹 workbook of `year`: its title (`{局名}{year}年工作统筹`) and one row per task the
/// actor may see that touches the year, filtered by `query`. What `/yearly.xlsx` serves and
/// `duban export yearly` writes: the service's lines with the unit names and status words of
/// the page.
pub async fn yearly_workbook(
    ctx: &duban_core::service::Ctx<'_>,
    year: i32,
    query: &TaskQuery,
) -> AppResult<(String, Vec<duban_plan::export::YearRow>)> {
    let lines = duban_core::service::yearly::yearly(ctx, year, query).await?;
    let names = Names::load(ctx).await?;
    let rows = lines
        .iter()
        .map(|l| duban_plan::export::YearRow {
            title: l.row.task.title.clone(),
            lead_unit: names.unit(&l.row.task.lead_unit),
            due: views::date(&l.row.task.timeline.due),
            status: match l.row.task.status {
                TaskStatus::Published => format!("{}灯", l.row.assessment.light.label()),
                other => other.label().to_owned(),
            },
            light: l.row.assessment.light,
            months: std::array::from_fn(|m| l.month_text(m)),
        })
        .collect();
    let bureau = duban_core::service::ledger::bureau_name(ctx).await?;
    Ok((format!("{bureau}{year}年工作统筹"), rows))
}

/// `GET /yearly.xlsx?year=2026&…`: the 年统筹 grid as a workbook, with the same filters.
async fn yearly_xlsx(
    State(state): State<AppState>,
    session: Session,
    Query(filters): Query<ListQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let year = year_of(&filters, ctx.now);
    let (title, rows) = yearly_workbook(&ctx, year, &filters.to_query()).await?;
    let bytes = duban_plan::export::yearly_xlsx(&title, &rows).map_err(Error::Internal)?;
    Ok(views::download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{title}.xlsx"),
        bytes,
    ))
}

/// `GET /yearly?year=2026&unit=…`: 年统筹, tasks × months.
async fn yearly_page(
    State(state): State<AppState>,
    session: Session,
    Query(filters): Query<ListQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let year = year_of(&filters, ctx.now);
    let lines = duban_core::service::yearly::yearly(&ctx, year, &filters.to_query()).await?;
    let names = Names::load(&ctx).await?;
    let mut units: Vec<(OrgUnitId, String)> = lines
        .iter()
        .filter_map(|l| l.row.task.lead_unit)
        .map(|u| (u, names.unit_by_id(u)))
        .collect();
    units.sort();
    units.dedup();
    Ok(html(&YearlyPage {
        chrome: Chrome::new(format!("{year}年统筹"), &session, "/yearly"),
        year,
        lines,
        names,
        filters,
        units,
    }))
}
