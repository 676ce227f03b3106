//! Sign-in and request protection: argon2id passwords, server-side sessions (the browser holds
//! a random token in an HttpOnly, SameSite=Lax cookie; the store keeps only its SHA-256), the
//! [`Session`] extractor every page uses, the CSRF guard in front of every state-changing
//! request, and login throttling.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use duban_core::access::Actor;
use duban_core::auth::SessionRecord;
use duban_core::org::User;
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "duban_session";
/// The form field (or, for file uploads, the query parameter) carrying the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// Largest url-encoded form the CSRF guard buffers (reports are at most 3 × 5000 characters).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// argon2id with the crate's default parameters and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("无法计算密码摘要：{e}"))
}

/// Whether `password` matches the stored PHC string (false for a malformed hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// 32 random bytes as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hex SHA-256 of a session token: what the store keeps.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The `Set-Cookie` value that stores `token` (or clears the cookie when `None`).
pub fn session_cookie(token: Option<&str>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(t) => format!(
            "{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            duban_core::auth::SESSION_HOURS * 3600
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// The signed-in user of a request. Pages take it as an argument; without a valid session the
/// request is redirected to `/login?next=…`.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user.
    pub user: User,
    /// The CSRF token to put in every form of the page.
    pub csrf: String,
    /// The stored session's token hash (for sign-out).
    pub token_hash: String,
    /// Unread inbox messages (the header's badge).
    pub unread: i64,
}

impl Session {
    /// The user as the access rules see them.
    pub fn actor(&self) -> Actor {
        Actor::from(&self.user)
    }
}

/// Loads the session of a request, if it has a valid one.
pub async fn load_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Session>, AppError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    if token.len() != 64 {
        return Ok(None);
    }
    let hash = token_hash(&token);
    let Some((record, user)) = state.store.get_session(&hash).await? else {
        return Ok(None);
    };
    if !record.is_valid_at(state.now()) || !user.active {
        return Ok(None);
    }
    let unread = state.store.unread_count(user.id).await?;
    Ok(Some(Session {
        user,
        csrf: record.csrf_token,
        token_hash: hash,
        unread,
    }))
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(session) = parts.extensions.get::<Session>() {
            return Ok(session.clone());
        }
        match load_session(state, &parts.headers).await? {
            Some(s) => Ok(s),
            None => {
                let next = match parts.method {
                    Method::GET => parts
                        .uri
                        .path_and_query()
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_else(|| "/".into()),
                    _ => "/".into(),
                };
                Err(AppError::SignIn(next))
            }
        }
    }
}

/// Starts a session for `user` and returns the cookie token.
pub async fn start_session(state: &AppState, user: &User) -> Result<String, AppError> {
    let token = random_token();
    let record = SessionRecord::new(token_hash(&token), user.id, random_token(), state.now());
    state.store.create_session(&record).await?;
    Ok(token)
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded_pairs(body);
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// The first value of `name` among form `pairs` (empty when absent): for forms read as pairs
/// because they repeat a name (multi-selects) or leave unchecked boxes out.
pub fn form_value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// `application/x-www-form-urlencoded` pairs (invalid percent escapes are kept as they are).
pub fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    body.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let mut it = pair.splitn(2, |b| *b == b'=');
            let k = it.next().unwrap_or_default();
            let v = it.next().unwrap_or_default();
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &[u8]) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < s.len() => {
                let h = std::str::from_utf8(&s[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match h {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true; // old browsers and non-browser clients send none; the token still guards
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

/// Middleware: every POST must come from our own pages. The sign-in form checks the Origin
/// only (there is no session yet); every other POST must carry the session's CSRF token, in the
/// url-encoded body or — for file uploads, whose multipart body is not buffered here — in the
/// query string. The session found is passed on to the handler.
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() == Method::GET || req.method() == Method::HEAD {
        return next.run(req).await;
    }
    if !same_origin(req.headers()) {
        return AppError::Csrf.into_response();
    }
    if req.uri().path() == "/login" {
        return next.run(req).await;
    }
    let session = match load_session(&state, req.headers()).await {
        Ok(Some(s)) => s,
        Ok(None) => return AppError::SignIn("/".into()).into_response(),
        Err(e) => return e.into_response(),
    };
    let from_query = req
        .uri()
        .query()
        .and_then(|q| form_field(q.as_bytes(), CSRF_FIELD));
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (mut parts, body) = req.into_parts();
    let (token, body) = match (from_query, is_form) {
        (Some(t), _) => (Some(t), body),
        (None, true) => {
            let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
                return AppError::BadRequest("提交的内容过长".into()).into_response();
            };
            (form_field(&bytes, CSRF_FIELD), Body::from(bytes))
        }
        (None, false) => (None, body),
    };
    if !token.is_some_and(|t| constant_time_eq(t.as_bytes(), session.csrf.as_bytes())) {
        return AppError::Csrf.into_response();
    }
    parts.extensions.insert(session);
    next.run(Request::from_parts(parts, body)).await
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Failed sign-ins, per user name and per client address: after [`LoginThrottle::MAX_FAILURES`]
/// failures within [`LoginThrottle::WINDOW_MINUTES`], further attempts are refused until the
/// window has passed — without even checking the password, so guessing costs time, not CPU.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
}

impl LoginThrottle {
    /// Failures allowed within the window.
    pub const MAX_FAILURES: usize = 5;
    /// The window, in minutes.
    pub const WINDOW_MINUTES: i64 = 15;

    fn keys(username: &str, addr: &str) -> [String; 2] {
        [
            format!("u:{}", username.to_lowercase()),
            format!("a:{addr}"),
        ]
    }

    /// Whether a sign-in for `username` from `addr` may be tried at `now`.
    pub fn allowed(&self, username: &str, addr: &str, now: DateTime<Utc>) -> bool {
        let Ok(mut map) = self.failures.lock() else {
            return true;
        };
        let since = now - Duration::minutes(Self::WINDOW_MINUTES);
        Self::keys(username, addr).iter().all(|k| {
            let list = map.entry(k.clone()).or_default();
            list.retain(|t| *t > since);
            // An address may try several accounts (a shared office NAT), so it gets more room.
            let limit = if k.starts_with("a:") {
                Self::MAX_FAILURES * 4
            } else {
                Self::MAX_FAILURES
            };
            list.len() < limit
        })
    }

    /// Records a failed attempt.
    pub fn failed(&self, username: &str, addr: &str, now: DateTime<Utc>) {
        if let Ok(mut map) = self.failures.lock() {
            if map.len() > 100_000 {
                map.clear(); // bounded memory under a flood of made-up names
            }
            for k in Self::keys(username, addr) {
                map.entry(k).or_default().push(now);
            }
        }
    }

    /// Clears the user name's failures after a successful sign-in.
    pub fn succeeded(&self, username: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&format!("u:{}", username.to_lowercase()));
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let h = hash_password("qinghe2026").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("qinghe2026", &h));
        assert!(!verify_password("qinghe2027", &h));
        assert!(!verify_password("qinghe2026", "not a hash"));
    }

    #[test]
    fn forms_decode_percent_escapes_and_plus() {
        let pairs = serde_urlencoded_pairs(b"_csrf=ab%2Fc&text=%E8%BF%9B%E5%B1%95+ok&bad=%zz&x");
        assert_eq!(pairs[0], ("_csrf".into(), "ab/c".into()));
        assert_eq!(pairs[1], ("text".into(), "进展 ok".into()));
        assert_eq!(pairs[2], ("bad".into(), "%zz".into()));
        assert_eq!(pairs[3], ("x".into(), "".into()));
        assert_eq!(
            serde_urlencoded_pairs(b"a=%4"),
            vec![("a".into(), "%4".into())]
        );
    }

    #[test]
    fn throttle_blocks_after_five_failures_and_forgets_after_the_window() {
        let t = LoginThrottle::default();
        let now = Utc::now();
        for _ in 0..LoginThrottle::MAX_FAILURES {
            assert!(t.allowed("leader", "1.2.3.4", now));
            t.failed("leader", "1.2.3.4", now);
        }
        assert!(!t.allowed("leader", "5.6.7.8", now));
        assert!(t.allowed("admin", "1.2.3.4", now));
        assert!(t.allowed("leader", "1.2.3.4", now + Duration::minutes(16)));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; duban_session=xyz; b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, "c"), None);
        assert!(session_cookie(Some("t"), false).contains("HttpOnly; SameSite=Lax"));
    }
}
