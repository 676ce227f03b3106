//! duban-web: the web app of 督办 duban — server-rendered pages in Chinese over the use cases
//! of `duban_core::service`.
//!
//! [`router`] builds the axum router over an [`AppState`]; [`serve`] runs it on a bound listener
//! until the shutdown future resolves (graceful: requests in flight finish). The layers, outermost
//! first: security headers on every response ([`SECURITY_HEADERS`]: a CSP without inline script,
//! frame denial, nosniff, same-origin referrers) → the CSRF guard on every POST
//! ([`auth::csrf_guard`]) → the routes, each taking a [`auth::Session`] (no session: redirect to
//! `/login`).
//!
//! Modules: `auth` (passwords, sessions, CSRF, throttling), `state`, `error` (failures → Chinese
//! pages), `views` (page chrome, formatting), `assets` (our CSS/JS, cache-busted), `upload`
//! (multipart, type sniffing, evidence files), `routes/*` (one module per area).

pub mod assets;
pub mod auth;
pub mod background;
pub mod charts;
pub mod error;
pub mod routes;
pub mod state;
pub mod upload;
pub mod views;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;

pub use state::{AppState, WebSettings};

/// The security headers set on every response (name, value).
pub const SECURITY_HEADERS: [(&str, &str); 4] = [
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
];

/// The router of the whole web app, security headers included.
pub fn router(state: AppState) -> Router {
    let max_upload = state.settings.max_upload_bytes;
    let mut app = Router::new()
        .route("/healthz", get(healthz))
        .route("/static/{file}", get(assets::serve))
        .merge(routes::login::router())
        .merge(routes::tasks::router())
        .merge(routes::reports::router())
        .merge(routes::plans::router(max_upload))
        .merge(routes::admin::router())
        .merge(routes::accountability::router())
        .merge(routes::stats::router())
        .merge(routes::monthly::router())
        .merge(routes::notices::router())
        .merge(routes::inbox::router())
        .merge(routes::meetings::router())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_guard,
        ))
        .with_state(state);
    for (name, value) in SECURITY_HEADERS {
        app = app.layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    app
}

/// Serves [`router`] on `listener` until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// A plain-text response in UTF-8.
fn text(status: StatusCode, body: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

/// `GET /healthz`: `ok` when the database answers; 503 when it does not (the cause stays in the
/// store error, which is not shown: it could name the database).
async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.health().await {
        Ok(()) => text(StatusCode::OK, "ok"),
        Err(_) => text(StatusCode::SERVICE_UNAVAILABLE, "数据库不可用"),
    }
}

/// Every path without a route.
async fn not_found() -> Response {
    error::error_page(
        StatusCode::NOT_FOUND,
        "页面不存在",
        "页面不存在（404），请检查网址".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_and_values_are_valid() {
        for (name, value) in SECURITY_HEADERS {
            assert!(HeaderName::from_bytes(name.as_bytes()).is_ok(), "{name}");
            assert!(HeaderValue::from_str(value).is_ok(), "{value}");
        }
    }
}
