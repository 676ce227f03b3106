//! E-mail over SMTP: one plain-text UTF-8 message to one or more recipients, one connection.
//!
//! Owns the MIME form of a notification (an RFC 2047 encoded Chinese subject and sender name, a
//! base64 `text/plain; charset=utf-8` body with CRLF line ends) and the SMTP dialogue, which
//! `lettre` speaks for us: EHLO, STARTTLS or implicit TLS, AUTH PLAIN/LOGIN when a user name is
//! set, MAIL/RCPT/DATA with dot-stuffing, QUIT.
//!
//! The password never reaches an error or a `Debug` output. TLS trusts the Mozilla roots built
//! into the binary (webpki-roots), not the system store, so a relay with a private CA has to be
//! reached through a trusted certificate or, on an internal network, with
//! [`SmtpSecurity::None`].

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::OutgoingMessage;
use crate::error::{DeliveryError, error_chain, redact};

/// How the connection to the mail server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain text all the way: only for tests and a relay on the internal network. The password,
    /// if any, travels in clear.
    None,
    /// Plain connection upgraded with STARTTLS before anything else is sent (usually port 587);
    /// a server that does not offer STARTTLS is refused.
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

impl SmtpSecurity {
    /// The usual port for this security: 25, 587 or 465.
    pub fn default_port(self) -> u16 {
        match self {
            Self::None => 25,
            Self::StartTls => 587,
            Self::Tls => 465,
        }
    }
}

/// How to reach the mail server and whom the mail comes from.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// The server's host name; with TLS, the name its certificate must carry.
    pub host: String,
    /// The server's port (see [`SmtpSecurity::default_port`]).
    pub port: u16,
    /// Plain, STARTTLS or implicit TLS.
    pub security: SmtpSecurity,
    /// The login; no authentication when `None` or empty.
    pub username: Option<String>,
    /// The password for `username`.
    pub password: Option<String>,
    /// The sender: `督查室 <duban@example.gov.cn>` or a bare address.
    pub from: String,
    /// The whole delivery (connection, TLS, login, sending) must finish within this.
    pub timeout: Duration,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Sends `msg` as one e-mail to all of `to` (each in the `To:` header) over one SMTP connection.
///
/// The subject is the title; the body is the Markdown as is, followed by `查看详情：<link>`.
/// Addresses are checked before connecting (a bad one is a [`DeliveryError::Config`]).
/// `Ok(())` means the server accepted the message for every recipient; a recipient refused by
/// the server fails the whole send, so the caller may split recipients into separate messages if
/// one bad address must not hold back the others.
pub async fn send_email(
    cfg: &SmtpConfig,
    to: &[String],
    msg: &OutgoingMessage,
) -> Result<(), DeliveryError> {
    let secrets = smtp_secrets(cfg);
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let message = build_message(cfg, to, msg)?;
    let transport = build_transport(cfg, &secrets)?;
    match tokio::time::timeout(cfg.timeout, transport.send(message)).await {
        Err(_elapsed) => Err(DeliveryError::Timeout),
        Ok(Err(err)) => Err(smtp_error(&err, &secrets)),
        Ok(Ok(_response)) => Ok(()),
    }
}

fn build_message(
    cfg: &SmtpConfig,
    to: &[String],
    msg: &OutgoingMessage,
) -> Result<Message, DeliveryError> {
    let from: Mailbox = cfg
        .from
        .trim()
        .parse()
        .map_err(|_| DeliveryError::Config(format!("发件人地址无效：{}", cfg.from.trim())))?;
    if to.iter().all(|address| address.trim().is_empty()) {
        return Err(DeliveryError::Config("没有收件人".to_string()));
    }

    // A header cannot hold a line break; lettre would encode one, but it reads badly.
    let subject = msg.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(subject)
        .message_id(Some(message_id(from.email.domain())));
    for address in to.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        let mailbox: Mailbox = address
            .parse()
            .map_err(|_| DeliveryError::Config(format!("收件人地址无效：{address}")))?;
        builder = builder.to(mailbox);
    }

    let body = Body::new_with_encoding(plain_text(msg), ContentTransferEncoding::Base64)
        .map_err(|_| DeliveryError::Config("邮件正文无法编码".to_string()))?;
    builder
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| DeliveryError::Config(format!("邮件无法生成：{e}")))
}

/// The body: the Markdown as is, then the link, with CRLF line ends as MIME text requires.
fn plain_text(msg: &OutgoingMessage) -> String {
    let mut text = msg.markdown.trim_end().to_string();
    if let Some(link) = msg.link.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str("查看详情：");
        text.push_str(link);
    }
    text.push('\n');
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// A unique `Message-ID` in the sender's domain, so that mail systems can thread and de-duplicate.
fn message_id(domain: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("<{nanos}.{}.{count}@{domain}>", std::process::id())
}

fn build_transport(
    cfg: &SmtpConfig,
    secrets: &[&str],
) -> Result<AsyncSmtpTransport<Tokio1Executor>, DeliveryError> {
    let host = cfg.host.trim();
    if host.is_empty() {
        return Err(DeliveryError::Config("邮件服务器地址为空".to_string()));
    }
    let tls_parameters = || {
        TlsParameters::new(host.to_string())
            .map_err(|e| DeliveryError::Config(redact(&error_chain(&e), secrets)))
    };
    let tls = match cfg.security {
        SmtpSecurity::None => Tls::None,
        SmtpSecurity::StartTls => Tls::Required(tls_parameters()?),
        SmtpSecurity::Tls => Tls::Wrapper(tls_parameters()?),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(cfg.port)
        .tls(tls)
        .timeout(Some(cfg.timeout));
    if let Some(username) = cfg.username.as_deref().filter(|u| !u.is_empty()) {
        let password = cfg.password.clone().unwrap_or_default();
        builder = builder
            .credentials(Credentials::new(username.to_string(), password))
            .authentication(vec![Mechanism::Plain, Mechanism::Login]);
    }
    Ok(builder.build())
}

/// The password, and the forms in which it crosses the wire (AUTH PLAIN's token, AUTH LOGIN's
/// base64 line), in case a server echoes them back.
fn smtp_secrets(cfg: &SmtpConfig) -> Vec<String> {
    let Some(password) = cfg.password.as_deref().filter(|p| !p.is_empty()) else {
        return Vec::new();
    };
    let username = cfg.username.as_deref().unwrap_or("");
    let base64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    vec![
        password.to_string(),
        base64(password),
        base64(&format!("\0{username}\0{password}")),
    ]
}

fn smtp_error(err: &lettre::transport::smtp::Error, secrets: &[&str]) -> DeliveryError {
    if err.is_timeout() {
        return DeliveryError::Timeout;
    }
    let source_text = || {
        std::error::Error::source(err)
            .map(error_chain)
            .unwrap_or_default()
    };
    if let Some(code) = err.status() {
        return DeliveryError::SmtpRejected {
            code: u16::from(code),
            message: redact(&source_text(), secrets),
        };
    }
    let text = redact(&source_text(), secrets);
    if err.is_client() {
        // lettre's wording for the two configuration mistakes an admin can actually make.
        let text = if text.contains("STARTTLS is not supported") {
            "邮件服务器不支持 STARTTLS（可改用 465 端口的 TLS）".to_string()
        } else if text.contains("No compatible authentication mechanism") {
            "邮件服务器不支持 PLAIN 或 LOGIN 登录方式".to_string()
        } else {
            text
        };
        DeliveryError::Config(text)
    } else if err.is_response() {
        DeliveryError::UnexpectedResponse(text)
    } else {
        DeliveryError::Connection(text)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn the_body_is_the_markdown_then_the_link_with_crlf() {
        let msg = OutgoingMessage {
            title: "t".into(),
            markdown: "第一行\n第二行\n".into(),
            link: Some("https://duban.example/tasks/7".into()),
        };
        assert_eq!(
            plain_text(&msg),
            "第一行\r\n第二行\r\n\r\n查看详情：https://duban.example/tasks/7\r\n"
        );
    }
}
