//! 登录 / 退出 / 修改密码.

use std::net::SocketAddr;
use std::sync::OnceLock;

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use duban_core::service::{self, users};
use serde::Deserialize;

use crate::auth::{self, Session, hash_password, session_cookie, start_session, verify_password};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::{Chrome, html};

/// `/login`, `/logout`, `/password`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", axum::routing::post(logout))
        .route("/password", get(password_page).post(change_password))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only a path on this site may follow a sign-in (`//evil.example` is another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

async fn login_page(Query(q): Query<NextQuery>) -> Response {
    html(&LoginPage {
        chrome: Chrome::bare("登录"),
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// A hash to verify against when the user name is unknown, so that the answer takes as long as
/// for a known one and does not tell which names exist.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("not-a-real-password-0").unwrap_or_default())
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let now = state.now();
    let username = form.username.trim().to_owned();
    let next = safe_next(form.next.as_deref());
    let refuse = |status: StatusCode, error: &str| {
        let page = LoginPage {
            chrome: Chrome::bare("登录"),
            next: next.clone(),
            username: username.chars().take(64).collect(),
            error: Some(error.to_owned()),
        };
        (status, html(&page)).into_response()
    };
    let ip = addr.ip().to_string();
    if !state.throttle.allowed(&username, &ip, now) {
        return Ok(refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "登录失败次数过多，请15分钟后再试",
        ));
    }
    if form.password.chars().count() > duban_core::auth::MAX_PASSWORD_CHARS {
        state.throttle.failed(&username, &ip, now);
        return Ok(refuse(StatusCode::UNAUTHORIZED, "用户名或密码错误"));
    }
    let found = state.store.get_user_by_username(&username).await?;
    let hash = found
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| dummy_hash().to_owned());
    let password = form.password;
    // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let user = match found {
        Some((user, _)) if ok && user.active => user,
        Some((user, _)) if ok && !user.active => {
            return Ok(refuse(StatusCode::FORBIDDEN, "该账号已停用，请联系管理员"));
        }
        _ => {
            state.throttle.failed(&username, &ip, now);
            return Ok(refuse(StatusCode::UNAUTHORIZED, "用户名或密码错误"));
        }
    };
    state.throttle.succeeded(&username);
    let token = start_session(&state, &user).await?;
    Ok((
        [(
            header::SET_COOKIE,
            session_cookie(Some(&token), state.settings.secure_cookies),
        )],
        Redirect::to(&next),
    )
        .into_response())
}

async fn logout(State(state): State<AppState>, session: Session) -> AppResult<Response> {
    state.store.delete_session(&session.token_hash).await?;
    Ok((
        [(
            header::SET_COOKIE,
            session_cookie(None, state.settings.secure_cookies),
        )],
        Redirect::to("/login"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    error: Option<String>,
}

async fn password_page(session: Session) -> Response {
    html(&PasswordPage {
        chrome: Chrome::new("修改密码", &session, ""),
        error: None,
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    old_password: String,
    new_password: String,
    confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let refuse = |error: String| {
        let page = PasswordPage {
            chrome: Chrome::new("修改密码", &session, ""),
            error: Some(error),
        };
        Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response())
    };
    if form.new_password != form.confirm {
        return refuse("两次输入的新密码不一致".into());
    }
    let Some((_, hash)) = state
        .store
        .get_user_by_username(&session.user.username)
        .await?
    else {
        return Err(AppError::Service(service::Error::NotFound));
    };
    let old = form.old_password;
    let ok = tokio::task::spawn_blocking(move || verify_password(&old, &hash))
        .await
        .unwrap_or(false);
    if !ok {
        return refuse("原密码不正确".into());
    }
    let new_password = form.new_password;
    let ctx = state.ctx(session.actor());
    let hashed = tokio::task::spawn_blocking({
        let p = new_password.clone();
        move || hash_password(&p)
    })
    .await
    .map_err(|e| service::Error::Internal(e.to_string()))?;
    match users::change_own_password(&ctx, &new_password, |_| {
        hashed.map_err(service::Error::Internal)
    })
    .await
    {
        Ok(()) => {}
        Err(service::Error::Invalid(m)) => return refuse(m),
        Err(e) => return Err(e.into()),
    }
    // Changing the password ended every session, this one included: start a fresh one.
    let token = auth::start_session(&state, &session.user).await?;
    Ok((
        [(
            header::SET_COOKIE,
            session_cookie(Some(&token), state.settings.secure_cookies),
        )],
        Redirect::to("/?notice=password"),
    )
        .into_response())
}
