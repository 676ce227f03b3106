//! Outgoing delivery of notifications: one message, one channel, one attempt.
//!
//! This crate owns the wire formats and the sending: the JSON of a 企业微信 (WeCom) group robot
//! and of a 钉钉 (DingTalk) custom robot, DingTalk's signed URL, and a plain-text UTF-8 e-mail
//! over SMTP (plain, STARTTLS or implicit TLS). Each `send_*` call makes exactly one attempt and
//! answers `Ok(())` or a [`DeliveryError`] that says, in 简体中文, what went wrong and whether
//! trying again can help ([`DeliveryError::is_permanent`]).
//!
//! It must not store, queue, schedule or retry anything, and it never reads a database: the
//! caller (the outbox worker) keeps the message, counts the attempts, waits [`retry_delay`]
//! between them and gives up after [`MAX_ATTEMPTS`]. Keeping the state there means a crash or a
//! restart never loses or doubles a notification because of this crate.
//!
//! Secrets (the DingTalk signing secret, the WeCom `key` and DingTalk `access_token` in the
//! robot URL, the SMTP password) never appear in an error message or a `Debug` output, even when
//! the remote side echoes them back, because the messages end up on the admins' screen and in
//! the logs.

mod email;
mod error;
mod webhook;

use std::time::Duration;

pub use email::{SmtpConfig, SmtpSecurity, send_email};
pub use error::DeliveryError;
pub use webhook::{
    WECOM_MARKDOWN_MAX_BYTES, Webhook, WebhookKind, dingtalk_payload, dingtalk_sign, send_webhook,
    signed_url, wecom_payload,
};

/// One notification, already rendered by the caller: the same text goes to every channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// A short headline, e.g. `任务“新建幼儿园5所”已逾期`: the robot card's heading and the
    /// e-mail subject.
    pub title: String,
    /// The body in the small Markdown subset both robots render (headings, bold, lists, links);
    /// e-mail sends it as plain text, as is.
    pub markdown: String,
    /// An absolute link to the page in duban, shown as 查看详情.
    pub link: Option<String>,
}

/// How many attempts the caller makes before it gives up and shows the failure to the admins.
///
/// With [`retry_delay`] the tenth attempt comes about 8½ hours after the first, so a robot or a
/// mail server that is down for a night is still reached.
pub const MAX_ATTEMPTS: u32 = 10;

/// The first wait, after the first failed attempt.
const FIRST_DELAY: Duration = Duration::from_secs(60);
/// No wait is longer than this.
const MAX_DELAY: Duration = Duration::from_secs(6 * 60 * 60);

/// How long to wait before the next attempt, given the number of attempts made so far (counting
/// the one that just failed).
///
/// Exponential backoff that starts at one minute and doubles, capped at six hours:
///
/// | attempts so far | 0 or 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 and more |
/// |---|---|---|---|---|---|---|---|---|---|---|
/// | wait | 1 min | 2 min | 4 min | 8 min | 16 min | 32 min | 64 min | 128 min | 256 min | 6 h |
///
/// There is no jitter: the caller sends few messages, to a few endpoints, so there is no
/// thundering herd to spread out, and a predictable schedule is easier to explain to an admin.
/// It never panics or overflows, whatever the count.
pub fn retry_delay(attempts_so_far: u32) -> Duration {
    let doublings = attempts_so_far.saturating_sub(1);
    // 2^9 minutes is already past the cap, so larger shifts need not be computed.
    if doublings >= 9 {
        return MAX_DELAY;
    }
    let delay = FIRST_DELAY * (1u32 << doublings);
    delay.min(MAX_DELAY)
}
