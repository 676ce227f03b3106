//! What every page shares: the page chrome (title, navigation for the user's role, the CSRF
//! token for forms, a notice after a redirect), rendering a template into a response, and small
//! formatting helpers used by the templates (dates, lights, percentages).

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use duban_core::org::Role;
use duban_core::tasks::{Light, format_number, to_local};

use crate::assets;
use crate::auth::Session;

/// One navigation link.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Where it goes.
    pub href: &'static str,
    /// 中文 label.
    pub label: &'static str,
    /// Whether it is the current section.
    pub active: bool,
}

/// The parts of a page around its content.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The page title (also the `<title>`).
    pub title: String,
    /// The signed-in user's display name and role label.
    pub user: Option<(String, &'static str)>,
    /// The CSRF token for the page's forms.
    pub csrf: String,
    /// Navigation for the user's role.
    pub nav: Vec<NavItem>,
    /// A notice to show once (after a redirect), already chosen from fixed texts.
    pub notice: Option<&'static str>,
    /// The stylesheet URL (cache-busted).
    pub css: &'static str,
    /// The script URL (cache-busted).
    pub js: &'static str,
    /// Unread inbox messages.
    pub unread: i64,
}

impl Chrome {
    /// The chrome of a signed-in page; `section` is the href of the active nav item.
    pub fn new(title: impl Into<String>, session: &Session, section: &str) -> Self {
        let role = session.user.role;
        let mut nav = vec![("/", "总览")];
        match role {
            Role::Unit => nav.extend([
                ("/my", "我的任务"),
                ("/tasks", "任务清单"),
                ("/notices", "督办单"),
                ("/accountability", "问责记录"),
            ]),
            Role::Supervisor => nav.extend([
                ("/tasks", "任务清单"),
                ("/reviews", "审核"),
                ("/meetings", "周例会"),
                ("/notices", "督办单"),
                ("/plans", "导入计划"),
                ("/accountability", "问责"),
                ("/yearly", "年统筹"),
                ("/monthly", "月汇总"),
                ("/stats", "统计"),
            ]),
            Role::Leader => nav.extend([
                ("/tasks", "任务清单"),
                ("/approvals", "审批"),
                ("/meetings", "周例会"),
                ("/notices", "督办单"),
                ("/accountability", "问责"),
                ("/yearly", "年统筹"),
                ("/monthly", "月汇总"),
                ("/stats", "统计"),
            ]),
            Role::Admin => nav.extend([
                ("/tasks", "任务清单"),
                ("/yearly", "年统筹"),
                ("/monthly", "月汇总"),
                ("/stats", "统计"),
                ("/admin", "用户与组织"),
                ("/admin/delivery", "发送记录"),
            ]),
            Role::Viewer => nav.extend([
                ("/tasks", "任务清单"),
                ("/meetings", "周例会"),
                ("/notices", "督办单"),
                ("/yearly", "年统筹"),
                ("/monthly", "月汇总"),
                ("/stats", "统计"),
            ]),
        }
        Self {
            title: title.into(),
            user: Some((session.user.display_name.clone(), role.label())),
            csrf: session.csrf.clone(),
            nav: nav
                .into_iter()
                .map(|(href, label)| NavItem {
                    href,
                    label,
                    active: href == section,
                })
                .collect(),
            notice: None,
            css: assets::css_url(),
            js: assets::js_url(),
            unread: session.unread,
        }
    }

    /// The chrome of a page without a signed-in user (login, errors).
    pub fn bare(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            user: None,
            csrf: String::new(),
            nav: Vec::new(),
            notice: None,
            css: assets::css_url(),
            js: assets::js_url(),
            unread: 0,
        }
    }

    /// Adds the notice named by a `?notice=` code, if it is one we know.
    pub fn with_notice(mut self, code: Option<&str>) -> Self {
        self.notice = code.and_then(notice_text);
        self
    }
}

/// The fixed texts a redirect may ask to show (`?notice=saved`); anything else shows nothing,
/// so a link cannot put words on our pages.
pub fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "已保存草稿",
        "submitted" => "已提交，等待督查室审核",
        "accepted" => "已审核通过",
        "returned" => "已退回，责任单位将看到退回理由",
        "requested" => "申请已提交，等待领导审批",
        "approved" => "已同意",
        "rejected" => "已不同意",
        "instructed" => "批示已发出",
        "imported" => "计划已导入为任务草稿，请在任务分解表中核对后交办",
        "edited" => "任务分解表已保存",
        "published" => "已交办，任务已对责任单位可见",
        "password" => "密码已修改",
        "user_saved" => "用户已保存",
        "unit_saved" => "单位已添加",
        "attached" => "材料已上传",
        "milestones" => "节点已保存",
        "calendar" => "节假日已更新",
        "accountability" => "问责记录已保存",
        "notice_issued" => "督办单已下发，责任单位将收到提醒",
        "notice_signed" => "已签收，请在反馈时限前反馈落实情况",
        "notice_answered" => "已反馈，督查室将看到落实情况",
        "read_all" => "已全部标为已读",
        "prefs" => "提醒设置已保存",
        "requeued" => "已重新排队发送",
        "meeting_created" => "例会已创建，议题已按当前情况自动生成",
        "agenda_saved" => "议题已更新",
        "outcome_saved" => "议定结果已记录",
        "decisions_sent" => "确定事项清单已发送给相关单位",
        "decisions_already_sent" => "确定事项清单此前已发送，未重复发送",
        "meeting_closed" => "会议已结束，纪要已定稿",
        "saved_series" => "例会已添加",
        _ => return None,
    })
}

/// Renders a template as an HTML response (a template error becomes a plain 500).
pub fn html<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            eprintln!("模板渲染失败：{e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面渲染失败").into_response()
        }
    }
}

/// Renders a page that may carry a form's refusal: 422 when it does (the page shows why and
/// keeps what was typed), 200 otherwise.
pub fn form_page<T: Template>(page: &T, refused: bool) -> Response {
    let mut response = html(page);
    if refused {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// A file download: its type, and a `Content-Disposition` naming it (RFC 5987, so Chinese
/// names survive).
pub fn download(
    content_type: &str,
    file_name: &str,
    body: impl Into<axum::body::Body>,
) -> Response {
    let disposition = format!(
        "attachment; filename=\"download\"; filename*=UTF-8''{}",
        url_encode(file_name)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body.into(),
    )
        .into_response()
}

/// Percent-encodes a string for a URL query value.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `2026-03-06`.
pub fn date(d: &NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `03-06 17:00` in Asia/Shanghai.
pub fn instant(t: &DateTime<Utc>) -> String {
    to_local(*t).format("%Y-%m-%d %H:%M").to_string()
}

/// `2026年3月2日`: an instant's local date as documents write it.
pub fn cn_date(t: &DateTime<Utc>) -> String {
    duban_core::tasks::format_date(duban_core::tasks::local_date(*t))
}

/// The CSS class of a light.
pub fn light_class(light: &Light) -> &'static str {
    match light {
        Light::Red => "light red",
        Light::Yellow => "light yellow",
        Light::Green => "light green",
        Light::None => "light none",
    }
}

/// `53.3%`, or `—` when unknown.
pub fn percent(p: Option<f64>) -> String {
    match p {
        Some(v) => format!("{}%", format_number(v)),
        None => "—".into(),
    }
}

/// A number as people write it (`1200`, `99.5`).
pub fn number(v: &f64) -> String {
    format_number(*v)
}
