//! duban-web: the web app of 督办 duban.
//!
//! [`router`] builds the axum router over an [`AppState`] (the store behind `Arc<dyn Store>`);
//! [`serve`] runs it on a bound listener until the shutdown future resolves (graceful: requests in
//! flight finish). Every response — pages, errors and the 404 fallback alike — carries the security
//! headers of [`SECURITY_HEADERS`]: a CSP without inline script, frame denial, nosniff and a
//! same-origin referrer policy.
//!
//! Routes so far: `GET /healthz` (answers `ok` when the database answers, 503 otherwise). The
//! pages of the core loop (login, tasks, reports) come next.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use duban_core::store::Store;
use tower_http::set_header::SetResponseHeaderLayer;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The only door to persistence.
    pub store: Arc<dyn Store>,
}

/// The security headers set on every response (name, value).
pub const SECURITY_HEADERS: [(&str, &str); 4] = [
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    ),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
];

/// The router of the whole web app, security headers included.
pub fn router(state: AppState) -> Router {
    let mut app = Router::new()
        .route("/healthz", get(healthz))
        .fallback(not_found)
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
    axum::serve(listener, router(state))
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
    text(StatusCode::NOT_FOUND, "页面不存在（404）")
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
