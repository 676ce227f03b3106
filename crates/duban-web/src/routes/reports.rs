//! 我的任务 (the unit's workbench), the report form with its evidence upload, the 审核 queue
//! of the 督查室 and the 审批 queue of the leaders.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use duban_core::org::Role;
use duban_core::service::reports::{ReportInput, current_period, save_report};
use duban_core::service::tasks::{TaskQuery, TaskRow, list_tasks, visible_task};
use duban_core::service::{Error, notices, reports, requests};
use duban_core::supervision::notices::NoticeRecord;
use duban_core::tasks::{
    AttachmentId, MAX_ATTACHMENT_BYTES, NewAttachment, ReportId, ReportRecord, ReportState,
    RequestId, RequestRecord, TargetId, TargetValue, TaskId, TaskRecord,
};
use serde::Deserialize;

use super::Names;
use crate::auth::Session;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::upload;
use crate::views::{self, Chrome, html};

/// `/my`, `/tasks/{id}/report`, `/reports/…`, `/attachments/{id}`, `/reviews`, `/approvals`,
/// `/requests/{id}/decide`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/my", get(workbench))
        .route("/tasks/{id}/report", get(report_form).post(save))
        .route(
            "/reports/{id}/attachments",
            post(upload_attachment).layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES + 64 * 1024)),
        )
        .route("/attachments/{id}", get(download))
        .route("/reviews", get(review_queue))
        .route("/reports/{id}/review", post(review))
        .route("/approvals", get(approval_queue))
        .route("/requests/{id}/decide", post(decide))
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

/// A workbench line: the task and where this period's report stands.
struct WorkItem {
    row: std::sync::Arc<TaskRow>,
    period: Option<String>,
    state: Option<ReportState>,
    leads: bool,
}

/// One line of 我的报送记录.
struct HistoryLine {
    task: TaskId,
    title: String,
    period_start: chrono::NaiveDate,
    submitted_at: chrono::DateTime<chrono::Utc>,
    state: ReportState,
    percent: f64,
}

/// How many of the unit's latest submissions the workbench lists.
const HISTORY_LINES: usize = 20;

/// A 督办单 waiting for the unit (to 签收 or 反馈), as the workbench lists it.
struct OpenNotice {
    notice: NoticeRecord,
    task_title: String,
    /// Today is past its 反馈时限.
    late: bool,
}

#[derive(Template)]
#[template(path = "workbench.html")]
struct WorkbenchPage {
    chrome: Chrome,
    items: Vec<WorkItem>,
    history: Vec<HistoryLine>,
    /// The unit's open 督办单, sharpest first (empty for other roles).
    notices: Vec<OpenNotice>,
}

/// The 督办单 still waiting for a unit's user, sharpest first, then the earliest 反馈时限; none
/// for the other roles.
async fn open_notices(
    ctx: &duban_core::service::Ctx<'_>,
    role: Role,
) -> AppResult<Vec<OpenNotice>> {
    if role != Role::Unit {
        return Ok(Vec::new());
    }
    let found = notices::list(ctx, true).await?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let snap = duban_core::service::snapshot::snapshot(ctx).await?;
    let today = duban_core::tasks::local_date(ctx.now);
    let mut open: Vec<OpenNotice> = found
        .into_iter()
        .map(|n| OpenNotice {
            task_title: snap
                .tasks
                .iter()
                .find(|t| t.id == n.notice.task)
                .map(|t| t.title.clone())
                .unwrap_or_default(),
            late: n.is_late(today),
            notice: n,
        })
        .collect();
    open.sort_by_key(|o| {
        (
            std::cmp::Reverse(o.notice.notice.tier),
            o.notice.notice.reply_by,
            o.notice.id,
        )
    });
    Ok(open)
}

async fn workbench(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let rows = list_tasks(
        &ctx,
        &TaskQuery {
            unit: session.user.unit,
            leaves_only: true,
            ..TaskQuery::default()
        },
    )
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    let cadence = duban_core::service::snapshot::cadence(&ctx).await?;
    for row in rows {
        let period = current_period(&cadence, ctx.now, &row.task);
        // Drafts have no submission time, so the period's state comes from all its reports.
        let state = period.as_ref().and_then(|p| {
            row.reports
                .iter()
                .find(|r| r.period_start == p.start_date())
                .map(|r| r.state)
        });
        items.push(WorkItem {
            leads: row.task.lead_unit == session.user.unit,
            period: period.map(|p| p.label),
            state,
            row,
        });
    }
    // 我的报送记录: the unit's latest submissions across its tasks, newest first.
    let mut history: Vec<HistoryLine> = items
        .iter()
        .filter(|it| it.leads)
        .flat_map(|it| {
            it.row.reports.iter().filter_map(|r| {
                Some(HistoryLine {
                    task: it.row.task.id,
                    title: it.row.task.title.clone(),
                    period_start: r.period_start,
                    submitted_at: r.submitted_at?,
                    state: r.state,
                    percent: r.percent,
                })
            })
        })
        .collect();
    history.sort_by_key(|h| std::cmp::Reverse(h.submitted_at));
    history.truncate(HISTORY_LINES);
    let notices = open_notices(&ctx, session.user.role).await?;
    Ok(html(&WorkbenchPage {
        chrome: Chrome::new("我的任务", &session, "/my").with_notice(q.notice.as_deref()),
        items,
        history,
        notices,
    }))
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct ReportFormPage {
    chrome: Chrome,
    task: TaskRecord,
    period: String,
    report: Option<ReportRecord>,
    form: ReportFields,
    error: Option<String>,
    attachments: Vec<duban_core::tasks::AttachmentRecord>,
    editable: bool,
}

/// What the form shows in its fields (the stored draft, or what was just typed).
#[derive(Debug, Clone, Default)]
struct ReportFields {
    progress_text: String,
    problems: String,
    next_steps: String,
    percent: String,
    needs_coordination: bool,
    values: Vec<(TargetId, String)>,
}

impl ReportFormPage {
    fn value_of(&self, target: &TargetId) -> String {
        self.form
            .values
            .iter()
            .find(|(t, _)| t == target)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

async fn report_form(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    render_form(
        &state,
        &session,
        TaskId(id),
        None,
        None,
        q.notice.as_deref(),
    )
    .await
}

async fn render_form(
    state: &AppState,
    session: &Session,
    id: TaskId,
    typed: Option<ReportFields>,
    error: Option<String>,
    notice: Option<&str>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let task = visible_task(&ctx, id).await?;
    duban_core::service::require(&ctx, duban_core::access::Action::Report, Some(&task))?;
    let cadence = duban_core::service::snapshot::cadence(&ctx).await?;
    let period = current_period(&cadence, ctx.now, &task)
        .ok_or_else(|| Error::Invalid("任务尚未开始，本期无需报送".into()))?;
    let report = ctx
        .store
        .list_reports(id)
        .await?
        .into_iter()
        .find(|r| r.period_start == period.start_date());
    let form = typed.unwrap_or_else(|| match &report {
        Some(r) => ReportFields {
            progress_text: r.progress_text.clone(),
            problems: r.problems.clone(),
            next_steps: r.next_steps.clone(),
            percent: views::number(&r.percent),
            needs_coordination: r.needs_coordination,
            values: r
                .values
                .iter()
                .map(|v| (v.target, views::number(&v.value)))
                .collect(),
        },
        None => ReportFields::default(),
    });
    let attachments = match &report {
        Some(r) => state.store.list_attachments(r.id).await?,
        None => Vec::new(),
    };
    let editable = report
        .as_ref()
        .is_none_or(|r| matches!(r.state, ReportState::Draft | ReportState::Returned));
    let page = ReportFormPage {
        chrome: Chrome::new("填报进展", session, "/my").with_notice(notice),
        period: period.label,
        task,
        report,
        form,
        attachments,
        editable,
        error,
    };
    Ok(views::form_page(&page, page.error.is_some()))
}

async fn save(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = TaskId(id);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let typed = ReportFields {
        progress_text: get("progress_text"),
        problems: get("problems"),
        next_steps: get("next_steps"),
        percent: get("percent"),
        needs_coordination: !get("needs_coordination").is_empty(),
        values: pairs
            .iter()
            .filter_map(|(k, v)| {
                let t = k.strip_prefix("value_")?.parse().ok()?;
                Some((TargetId(t), v.clone()))
            })
            .collect(),
    };
    let submit = get("action") == "submit";
    let parsed: Result<ReportInput, String> = (|| {
        let percent_text = typed.percent.trim();
        let percent: f64 = if percent_text.is_empty() {
            0.0
        } else {
            percent_text
                .trim_end_matches('%')
                .parse()
                .map_err(|_| format!("完成进度须为0到100之间的数字（填写的是“{percent_text}”）"))?
        };
        let mut values = Vec::new();
        for (target, text) in &typed.values {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let value: f64 = text
                .parse()
                .map_err(|_| format!("指标完成值须为数字（填写的是“{text}”）"))?;
            values.push(TargetValue {
                target: *target,
                value,
            });
        }
        Ok(ReportInput {
            task: id,
            progress_text: typed.progress_text.clone(),
            problems: typed.problems.clone(),
            next_steps: typed.next_steps.clone(),
            percent,
            needs_coordination: typed.needs_coordination,
            values,
        })
    })();
    let input = match parsed {
        Ok(i) => i,
        Err(m) => return render_form(&state, &session, id, Some(typed), Some(m), None).await,
    };
    let ctx = state.ctx(session.actor());
    match save_report(&ctx, input, submit).await {
        Ok(_) => {
            let notice = if submit { "submitted" } else { "saved" };
            let to = if submit {
                format!("/my?notice={notice}")
            } else {
                format!("/tasks/{id}/report?notice={notice}")
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(Error::Invalid(m)) | Err(Error::Conflict(m)) => {
            render_form(&state, &session, id, Some(typed), Some(m), None).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn upload_attachment(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    form: Multipart,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let (report, task) = reports::visible_report(&ctx, ReportId(id)).await?;
    duban_core::service::require(&ctx, duban_core::access::Action::Report, Some(&task))?;
    let file = upload::read_file(form, MAX_ATTACHMENT_BYTES).await?;
    let Some(kind) = upload::sniff_evidence(&file.bytes, &file.file_name) else {
        return Err(AppError::BadRequest(
            "不支持该文件类型：请上传 PDF、图片（PNG/JPG/GIF/WebP）、Word/Excel 文档或 TXT 文本"
                .into(),
        ));
    };
    let sha = upload::sha256_hex(&file.bytes);
    let meta = NewAttachment::new(report.id, &file.file_name, kind, file.bytes.len(), &sha)
        .map_err(|e| AppError::BadRequest(e.0))?;
    upload::store_bytes(&state.settings.attachments_dir, &sha, &file.bytes)
        .await
        .map_err(|e| Error::Internal(format!("写入附件失败：{e}")))?;
    reports::attach(&ctx, &meta).await?;
    Ok(Redirect::to(&format!("/tasks/{}/report?notice=attached", task.id)).into_response())
}

async fn download(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let a = reports::visible_attachment(&ctx, AttachmentId(id)).await?;
    let path = upload::stored_path(&state.settings.attachments_dir, &a.attachment.sha256);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| Error::Internal(format!("读取附件失败：{e}")))?;
    let disposition = format!(
        "attachment; filename=\"evidence\"; filename*=UTF-8''{}",
        views::url_encode(&a.attachment.file_name).replace('/', "%2F")
    );
    Ok((
        [
            (header::CONTENT_TYPE, a.attachment.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// Reports shown on one 审核 page.
const REVIEW_PAGE: usize = 30;

#[derive(Template)]
#[template(path = "reviews.html")]
struct ReviewsPage {
    chrome: Chrome,
    items: Vec<(ReportRecord, TaskRecord)>,
    total: usize,
    page: usize,
    pages: usize,
    names: Names,
}

#[derive(Deserialize, Default)]
struct QueueQuery {
    notice: Option<String>,
    page: Option<usize>,
}

async fn review_queue(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<QueueQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    // The oldest first, a page at a time: a clerk works through them in order.
    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let (items, total) = reports::review_queue(&ctx, (page - 1) * REVIEW_PAGE, REVIEW_PAGE).await?;
    let pages = total.div_ceil(REVIEW_PAGE).max(1);
    let names = Names::load(&ctx).await?;
    Ok(html(&ReviewsPage {
        chrome: Chrome::new("审核", &session, "/reviews").with_notice(q.notice.as_deref()),
        items,
        total,
        page,
        pages,
        names,
    }))
}

#[derive(Deserialize)]
struct ReviewForm {
    decision: String,
    comment: Option<String>,
}

async fn review(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let accept = match form.decision.as_str() {
        "accept" => true,
        "return" => false,
        _ => return Err(AppError::BadRequest("请选择通过或退回".into())),
    };
    let reviewed = reports::review_report(
        &ctx,
        ReportId(id),
        accept,
        form.comment.as_deref().unwrap_or(""),
    )
    .await?;
    if !accept {
        let task = state.store.get_task(reviewed.task).await?;
        crate::background::tell_lead_unit(
            &state,
            &format!("returned:{}:{}", reviewed.id, reviewed.returns),
            duban_core::notify::NotifyKind::ReportReturned,
            task.id,
            format!("报告被退回：{}", task.title),
            format!(
                "{}起的一期报告被退回，退回理由：{}。请修改后重新报送。",
                duban_core::tasks::format_date(reviewed.period_start),
                reviewed.review_comment.as_deref().unwrap_or("")
            ),
            format!("/tasks/{}/report", task.id),
        )
        .await;
    }
    let notice = if accept { "accepted" } else { "returned" };
    Ok(Redirect::to(&format!("/reviews?notice={notice}")).into_response())
}

#[derive(Template)]
#[template(path = "approvals.html")]
struct ApprovalsPage {
    chrome: Chrome,
    items: Vec<(RequestRecord, TaskRecord)>,
    names: Names,
}

async fn approval_queue(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    if session.user.role != duban_core::org::Role::Leader {
        return Err(Error::Forbidden.into());
    }
    let items = requests::approval_queue(&ctx).await?;
    let names = Names::load(&ctx).await?;
    Ok(html(&ApprovalsPage {
        chrome: Chrome::new("审批", &session, "/approvals").with_notice(q.notice.as_deref()),
        items,
        names,
    }))
}

async fn decide(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let approve = match form.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::BadRequest("请选择同意或不同意".into())),
    };
    let decided = requests::decide(
        &ctx,
        RequestId(id),
        approve,
        form.comment.as_deref().unwrap_or(""),
    )
    .await?;
    let task = state.store.get_task(decided.request.task).await?;
    let verdict = if approve { "已同意" } else { "未同意" };
    crate::background::tell_lead_unit(
        &state,
        &format!("decided:{}", decided.id),
        duban_core::notify::NotifyKind::RequestDecided,
        task.id,
        format!(
            "{}申请{verdict}：{}",
            decided.request.kind.label(),
            task.title
        ),
        decided
            .decision_comment
            .clone()
            .filter(|c| !c.is_empty())
            .map_or_else(
                || format!("领导{verdict}该申请。"),
                |c| format!("领导意见：{c}"),
            ),
        format!("/tasks/{}", task.id),
    )
    .await;
    let notice = if approve { "approved" } else { "rejected" };
    Ok(Redirect::to(&format!("/approvals?notice={notice}")).into_response())
}
