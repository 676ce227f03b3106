//! Group robots: 企业微信 (WeCom) and 钉钉 (DingTalk) custom robots reached by a webhook URL.
//!
//! Owns the JSON both robots expect, DingTalk's URL signature, and one HTTP POST with the reading
//! of the robot's answer. Both robots answer `200 {"errcode":0,"errmsg":"ok"}` on success and a
//! non-zero `errcode` on failure, so a 2xx status alone is not a delivery.
//!
//! The robot URL is a credential (WeCom's `key`, DingTalk's `access_token` are in its query), so
//! neither it nor the signing secret is ever put into an error or a `Debug` output.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::OutgoingMessage;
use crate::error::{DeliveryError, error_chain, redact};

/// The longest `markdown.content` a WeCom robot accepts, in bytes of UTF-8 (errcode 40058
/// beyond it). [`wecom_payload`] shortens the body to fit and keeps the heading and the link.
pub const WECOM_MARKDOWN_MAX_BYTES: usize = 4096;

/// The most of a robot's answer that is read; a real answer is a few dozen bytes.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Marks a body that was shortened to fit a robot's limit.
const ELLIPSIS: &str = "…";

/// Which robot a webhook URL belongs to: the two speak slightly different JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookKind {
    /// A 企业微信 group robot: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`.
    WeCom,
    /// A 钉钉 custom robot: `https://oapi.dingtalk.com/robot/send?access_token=…`, optionally
    /// with 加签 (a signing secret starting with `SEC`).
    DingTalk,
}

impl WebhookKind {
    /// A stable lowercase name for storage and configuration: `wecom` or `dingtalk`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WeCom => "wecom",
            Self::DingTalk => "dingtalk",
        }
    }

    /// The kind named by [`as_str`](Self::as_str) (case-insensitive), or `None`.
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "wecom" => Some(Self::WeCom),
            "dingtalk" => Some(Self::DingTalk),
            _ => None,
        }
    }
}

/// One robot endpoint.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Which robot this is.
    pub kind: WebhookKind,
    /// The full webhook URL as the group settings show it, key or token included.
    pub url: String,
    /// DingTalk's 加签 secret (`SEC…`), if the robot has that security setting; ignored for
    /// WeCom, whose key is in the URL.
    pub secret: Option<String>,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = match self.url.split_once('?') {
            Some((base, _)) => format!("{base}?***"),
            None => self.url.clone(),
        };
        f.debug_struct("Webhook")
            .field("kind", &self.kind)
            .field("url", &url)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .finish()
    }
}

/// The WeCom robot message: `{"msgtype":"markdown","markdown":{"content":…}}` with the content
/// `## title\n\nmarkdown\n\n[查看详情](link)` (the parts that are empty or absent are left out).
///
/// The content is kept within [`WECOM_MARKDOWN_MAX_BYTES`]: a longer body is cut on a character
/// boundary and ends with `…`, so the heading and the link always arrive.
pub fn wecom_payload(msg: &OutgoingMessage) -> Value {
    json!({
        "msgtype": "markdown",
        "markdown": { "content": compose(msg, WECOM_MARKDOWN_MAX_BYTES) },
    })
}

/// The DingTalk robot message: `{"msgtype":"markdown","markdown":{"title":…,"text":…}}`.
///
/// `title` is what the chat list shows; DingTalk does not display it in the message itself, so
/// `text` starts with the same `## title` heading as WeCom's content.
pub fn dingtalk_payload(msg: &OutgoingMessage) -> Value {
    json!({
        "msgtype": "markdown",
        "markdown": {
            "title": msg.title.trim(),
            "text": compose(msg, usize::MAX),
        },
    })
}

/// DingTalk's 加签 signature: `base64(HMAC-SHA256(key = secret, data = "{timestamp_ms}\n{secret}"))`.
///
/// The result contains `+`, `/` and `=`; the caller must percent-encode it in the URL, as
/// [`signed_url`] does. DingTalk refuses a timestamp more than an hour away from its clock.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC accepts a key of any length");
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The URL to POST to. For DingTalk with a secret: the URL plus `timestamp=…&sign=…` (the sign
/// percent-encoded), joined with `?` or `&` as the URL needs. Otherwise the URL unchanged
/// (WeCom's key is already in it). Surrounding whitespace of the URL and the secret, as left by
/// a copy and paste, is ignored.
pub fn signed_url(hook: &Webhook, timestamp_ms: i64) -> String {
    let url = hook.url.trim();
    let secret = hook.secret.as_deref().map(str::trim).unwrap_or("");
    if hook.kind != WebhookKind::DingTalk || secret.is_empty() {
        return url.to_string();
    }
    let sign = dingtalk_sign(secret, timestamp_ms);
    let sign = utf8_percent_encode(&sign, NON_ALPHANUMERIC);
    let separator = if !url.contains('?') {
        "?"
    } else if url.ends_with('?') || url.ends_with('&') {
        ""
    } else {
        "&"
    };
    format!("{url}{separator}timestamp={timestamp_ms}&sign={sign}")
}

/// Sends `msg` to one robot: one HTTP POST of [`wecom_payload`] or [`dingtalk_payload`] as
/// `application/json` to [`signed_url`]`(hook, now_ms)`, then reads the robot's answer.
///
/// `Ok(())` only for a 2xx status with `errcode` 0. `timeout` bounds the whole exchange,
/// connection included. Redirects are not followed (a robot never redirects; a redirect means a
/// wrong URL). Proxies from the usual `HTTPS_PROXY`/`NO_PROXY` variables are honoured, since a
/// bureau's network often reaches the Internet only through one, except for a loopback URL.
pub async fn send_webhook(
    hook: &Webhook,
    msg: &OutgoingMessage,
    now_ms: i64,
    timeout: Duration,
) -> Result<(), DeliveryError> {
    let url = hook.url.trim();
    let parsed = reqwest::Url::parse(url)
        .map_err(|_| DeliveryError::Config("机器人 webhook 地址无效".to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(DeliveryError::Config(
            "机器人 webhook 地址必须以 https:// 或 http:// 开头".to_string(),
        ));
    }
    let target = signed_url(hook, now_ms);
    let secrets = hook_secrets(hook, &target);
    let payload = match hook.kind {
        WebhookKind::WeCom => wecom_payload(msg),
        WebhookKind::DingTalk => dingtalk_payload(msg),
    };

    // One client per call: sends are rare, and a client kept in a static would carry pooled
    // connections across tokio runtimes, which hyper does not support.
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("duban-notify/", env!("CARGO_PKG_VERSION")))
        .pool_max_idle_per_host(0);
    if is_loopback(&parsed) {
        // A relay on this machine (or a test receiver) is never behind the outgoing proxy.
        client = client.no_proxy();
    }
    let client = client
        .build()
        .map_err(|e| DeliveryError::Config(redact(&error_chain(&e), &secrets)))?;
    let mut response = client
        .post(&target)
        .timeout(timeout)
        .json(&payload)
        .send()
        .await
        .map_err(|e| http_error(e, &secrets))?;

    let status = response.status();
    if !status.is_success() {
        return Err(DeliveryError::HttpStatus {
            status: status.as_u16(),
        });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| http_error(e, &secrets))?
    {
        let room = MAX_ANSWER_BYTES - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() == MAX_ANSWER_BYTES {
            break;
        }
    }
    read_answer(&body, &secrets)
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Joins heading, body and link with blank lines, cutting the body so the result fits in
/// `max_bytes`.
fn compose(msg: &OutgoingMessage, max_bytes: usize) -> String {
    let title = msg.title.trim();
    let heading = (!title.is_empty()).then(|| format!("## {title}"));
    let link = msg
        .link
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("[查看详情]({})", escape_link(l)));
    let join = |body: &str| {
        [
            heading.as_deref(),
            Some(body).filter(|b| !b.is_empty()),
            link.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n\n")
    };

    let body = msg.markdown.trim_end();
    let full = join(body);
    if full.len() <= max_bytes {
        return full;
    }
    let overflow = full.len() - max_bytes + ELLIPSIS.len();
    let keep = body.floor_char_boundary(body.len().saturating_sub(overflow));
    let shortened = join(&format!("{}{ELLIPSIS}", &body[..keep]));
    if shortened.len() <= max_bytes {
        return shortened;
    }
    // Only an absurdly long title or link gets here: cut the whole text.
    let keep = shortened.floor_char_boundary(max_bytes);
    shortened[..keep].to_string()
}

/// Keeps a link from ending the Markdown `(…)` early.
fn escape_link(link: &str) -> String {
    link.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
}

/// Everything secret in a robot's URL and settings: the URL itself (before and after signing),
/// its query, each query value that looks like a key or token (at least 8 characters, not a
/// number such as the timestamp: redacting `1` everywhere would garble messages), the signing
/// secret and the signature.
fn hook_secrets<'a>(hook: &'a Webhook, target: &'a str) -> Vec<&'a str> {
    let mut secrets = vec![target, hook.url.as_str(), hook.url.trim()];
    for url in [target, hook.url.as_str()] {
        if let Some((_, query)) = url.split_once('?') {
            secrets.push(query);
            secrets.extend(
                query
                    .split('&')
                    .filter_map(|pair| pair.split_once('='))
                    .map(|(_, v)| v)
                    .filter(|v| v.len() >= 8 && !v.bytes().all(|b| b.is_ascii_digit())),
            );
        }
    }
    if let Some(secret) = &hook.secret {
        secrets.push(secret.as_str());
        secrets.push(secret.trim());
    }
    secrets
}

fn http_error(err: reqwest::Error, secrets: &[&str]) -> DeliveryError {
    if err.is_timeout() {
        return DeliveryError::Timeout;
    }
    let is_builder = err.is_builder();
    let text = redact(&error_chain(&err.without_url()), secrets);
    if is_builder {
        DeliveryError::Config(text)
    } else {
        DeliveryError::Connection(text)
    }
}

/// Reads `{"errcode":…,"errmsg":…}`.
fn read_answer(body: &[u8], secrets: &[&str]) -> Result<(), DeliveryError> {
    let Ok(answer) = serde_json::from_slice::<Value>(body) else {
        let text = String::from_utf8_lossy(body);
        return Err(DeliveryError::UnexpectedResponse(format!(
            "不是 JSON：{}",
            redact(&text, secrets)
        )));
    };
    let Some(errcode) = answer.get("errcode").and_then(Value::as_i64) else {
        return Err(DeliveryError::UnexpectedResponse(format!(
            "缺少 errcode：{}",
            redact(&answer.to_string(), secrets)
        )));
    };
    if errcode == 0 {
        return Ok(());
    }
    let errmsg = answer.get("errmsg").and_then(Value::as_str).unwrap_or("");
    Err(DeliveryError::Rejected {
        errcode,
        errmsg: redact(errmsg, secrets),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn an_answer_without_errcode_is_unexpected() {
        let err = read_answer(br#"{"ok":true}"#, &[]).unwrap_err();
        assert!(
            matches!(err, DeliveryError::UnexpectedResponse(_)),
            "{err:?}"
        );
        assert!(!err.is_permanent());
    }

    #[test]
    fn an_html_answer_is_unexpected_and_keeps_no_secret() {
        let err = read_answer(b"<html>key=k-123 login</html>", &["k-123"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "接收方应答无法识别：不是 JSON：<html>key=*** login</html>"
        );
    }

    #[test]
    fn links_with_spaces_or_parentheses_stay_inside_the_markdown_link() {
        assert_eq!(escape_link("https://x/a b(1)"), "https://x/a%20b%281%29");
    }

    #[test]
    fn loopback_urls_are_recognised() {
        for url in [
            "http://127.0.0.1:9/x",
            "http://[::1]:9/x",
            "http://LOCALHOST/x",
        ] {
            assert!(is_loopback(&reqwest::Url::parse(url).unwrap()), "{url}");
        }
        assert!(!is_loopback(
            &reqwest::Url::parse("https://qyapi.weixin.qq.com/cgi-bin/webhook/send").unwrap()
        ));
    }

    #[test]
    fn webhook_kind_names_round_trip() {
        for kind in [WebhookKind::WeCom, WebhookKind::DingTalk] {
            assert_eq!(WebhookKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(
            WebhookKind::parse(" DingTalk "),
            Some(WebhookKind::DingTalk)
        );
        assert_eq!(WebhookKind::parse("feishu"), None);
    }
}
