//! `DeliveryError`: why one attempt failed, worded for the admins (简体中文), and whether another
//! attempt can help.
//!
//! Every text that comes from outside (a robot's `errmsg`, an SMTP reply, an I/O error) goes
//! through [`redact`] before it is stored in an error, with the secrets of the channel that was
//! used: remote servers do echo tokens and user input back, and these messages are shown in the
//! admin pages and written to the logs.

/// Why one delivery attempt failed.
///
/// The `Display` text is meant for the admins, in 简体中文; it never contains the DingTalk
/// secret, the robot URL's key or token, or the SMTP password.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The channel's settings cannot work (an invalid URL or address, no recipient, a mail server
    /// that does not offer the required STARTTLS or login method). Permanent.
    #[error("配置错误：{0}")]
    Config(String),
    /// The connection could not be made or broke off (DNS, refused, reset, TLS handshake).
    /// Transient.
    #[error("连接失败：{0}")]
    Connection(String),
    /// The other side did not finish within the timeout. Transient.
    #[error("超时")]
    Timeout,
    /// The robot's server answered with a status other than 2xx. Permanent for 3xx and 4xx
    /// (the URL or the request is wrong), except 408 and 429; transient for 5xx, 408 and 429.
    #[error("HTTP 状态 {status}")]
    HttpStatus {
        /// The HTTP status code.
        status: u16,
    },
    /// The robot answered 200 with a non-zero `errcode` (wrong key or token, bad signature,
    /// missing keyword, IP not allowed, message too long, rate limit…). Transient only for the
    /// codes that mean "busy" or "too fast" (see [`DeliveryError::is_permanent`]).
    #[error("接收方返回错误 errcode={errcode}：{errmsg}")]
    Rejected {
        /// The robot's `errcode`.
        errcode: i64,
        /// The robot's `errmsg`, shortened and with the channel's secrets removed.
        errmsg: String,
    },
    /// The mail server refused a command: permanent for a 5xx reply, transient for a 4xx one.
    #[error("邮件服务器拒绝：{code} {message}")]
    SmtpRejected {
        /// The SMTP reply code, e.g. 550.
        code: u16,
        /// The server's reply text, shortened and with the password removed.
        message: String,
    },
    /// The other side answered something this crate cannot read (not JSON, no `errcode`, a
    /// garbled SMTP reply). Transient: it is usually a proxy or gateway page.
    #[error("接收方应答无法识别：{0}")]
    UnexpectedResponse(String),
}

/// Robot `errcode`s that mean "try again later" rather than "this cannot work".
///
/// -1 is 系统繁忙 on both robots; 45009 is WeCom's "api freq out of limit"; 130101 ("send too
/// fast, exceed 20 times per minute"), 410100 (发送速度太快而限流) and 90030 ("webhook over
/// limit") are DingTalk's rate limits.
const TRANSIENT_ERRCODES: [i64; 5] = [-1, 45009, 130101, 410100, 90030];

impl DeliveryError {
    /// Whether another attempt is pointless: the configuration or the request is wrong, or the
    /// receiver refused the message for good. The caller should stop retrying and show the error
    /// to the admins at once.
    ///
    /// Permanent: [`Config`](Self::Config), HTTP 3xx/4xx except 408 and 429, a robot `errcode`
    /// other than the busy/rate-limit ones, an SMTP 5xx reply. Transient: timeouts, connection
    /// failures, HTTP 5xx, 408 and 429, the robots' busy/rate-limit codes, SMTP 4xx replies,
    /// unreadable answers.
    pub fn is_permanent(&self) -> bool {
        match self {
            Self::Config(_) => true,
            Self::Connection(_) | Self::Timeout | Self::UnexpectedResponse(_) => false,
            Self::HttpStatus { status } => *status < 500 && *status != 408 && *status != 429,
            Self::Rejected { errcode, .. } => !TRANSIENT_ERRCODES.contains(errcode),
            Self::SmtpRejected { code, .. } => *code >= 500,
        }
    }
}

/// The longest piece of remote text kept in an error, in characters.
const MAX_REMOTE_TEXT: usize = 300;

/// Removes every secret from `text` (each occurrence becomes `***`) and shortens it to
/// [`MAX_REMOTE_TEXT`] characters. Empty secrets are ignored; longer secrets go first so that a
/// secret containing another one is removed whole.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut secrets: Vec<&str> = secrets.iter().copied().filter(|s| !s.is_empty()).collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.trim().to_string();
    for secret in secrets {
        out = out.replace(secret, "***");
    }
    if out.chars().count() > MAX_REMOTE_TEXT {
        out = out.chars().take(MAX_REMOTE_TEXT).collect();
        out.push('…');
    }
    out
}

/// The `Display` of an error and of all its sources, joined with `: `, so that the useful part
/// ("Connection refused") is not lost behind a generic top level ("error sending request").
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        // Some libraries repeat their source's text in their own `Display`.
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_removes_every_secret_and_the_longest_first() {
        let text = "token abc123 and abc123xyz in abc123xyz";
        assert_eq!(
            redact(text, &["abc123", "abc123xyz", ""]),
            "token *** and *** in ***"
        );
    }

    #[test]
    fn redact_shortens_long_text_on_a_char_boundary() {
        let text = "错".repeat(400);
        let out = redact(&text, &[]);
        assert_eq!(out.chars().count(), MAX_REMOTE_TEXT + 1);
        assert!(out.ends_with('…'));
    }
}
