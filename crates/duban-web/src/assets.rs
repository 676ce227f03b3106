//! Static files embedded in the binary: our own stylesheet and script (no third-party code). Each
//! is served under a URL carrying a hash of its content, so browsers may cache it forever and
//! still see a new version the moment it changes.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");

fn short_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn urls() -> &'static (String, String) {
    static URLS: OnceLock<(String, String)> = OnceLock::new();
    URLS.get_or_init(|| {
        (
            format!("/static/app.{}.css", short_hash(CSS)),
            format!("/static/app.{}.js", short_hash(JS)),
        )
    })
}

/// The stylesheet's URL.
pub fn css_url() -> &'static str {
    &urls().0
}

/// The script's URL.
pub fn js_url() -> &'static str {
    &urls().1
}

/// `GET /static/{file}`.
pub async fn serve(Path(file): Path<String>) -> Response {
    let path = format!("/static/{file}");
    let (body, kind) = if path == css_url() {
        (CSS, "text/css; charset=utf-8")
    } else if path == js_url() {
        (JS, "text/javascript; charset=utf-8")
    } else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response()
}
