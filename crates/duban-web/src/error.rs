//! `AppError`: every failure a handler can meet, turned into a page in Chinese with the right
//! status. Internal details (store errors) are printed to stderr with a request id and never
//! reach the browser; the page shows only the id.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use duban_core::service::Error;

use crate::views::{Chrome, html};

/// A failed request.
#[derive(Debug)]
pub enum AppError {
    /// A use-case refusal or failure.
    Service(Error),
    /// Not signed in: go to the login page, then come back.
    SignIn(String),
    /// A form or upload that cannot be read.
    BadRequest(String),
    /// The CSRF token is missing or wrong.
    Csrf,
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError::Service(e)
    }
}

impl From<duban_core::store::StoreError> for AppError {
    fn from(e: duban_core::store::StoreError) -> Self {
        AppError::Service(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    heading: &'static str,
    message: String,
}

/// A short random id for a 5xx, printed with the cause and shown on the page.
fn request_id() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    format!("{:08x}", OsRng.next_u32())
}

/// The error page (also used by the fallback 404).
pub fn error_page(status: StatusCode, heading: &'static str, message: String) -> Response {
    let page = ErrorPage {
        chrome: Chrome::bare(heading),
        status: status.as_u16(),
        heading,
        message,
    };
    (status, html(&page)).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::SignIn(next) => {
                let next = crate::views::url_encode(&next);
                Redirect::to(&format!("/login?next={next}")).into_response()
            }
            AppError::BadRequest(message) => {
                error_page(StatusCode::BAD_REQUEST, "请求无效", message)
            }
            AppError::Csrf => error_page(
                StatusCode::FORBIDDEN,
                "页面已过期",
                "表单已过期或来源不明，请返回刷新页面后重新提交".into(),
            ),
            AppError::Service(e) => match e {
                Error::NotFound => error_page(StatusCode::NOT_FOUND, "找不到", e.to_string()),
                Error::Forbidden => error_page(StatusCode::FORBIDDEN, "无权操作", e.to_string()),
                Error::Invalid(m) => error_page(StatusCode::UNPROCESSABLE_ENTITY, "填写有误", m),
                Error::Conflict(m) => error_page(StatusCode::CONFLICT, "操作未完成", m),
                Error::Internal(detail) => {
                    let id = request_id();
                    eprintln!("[{id}] 内部错误：{detail}");
                    error_page(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "系统出错",
                        format!(
                            "系统暂时无法完成操作，请稍后重试。如问题持续，请将编号 {id} 告知管理员"
                        ),
                    )
                }
            },
        }
    }
}

/// `Result` of a handler.
pub type AppResult<T> = Result<T, AppError>;
