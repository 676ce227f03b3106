//! E-mail deliveries against a real local SMTP sink.

use std::time::{Duration, Instant};

use base64::Engine as _;
use duban_notify::{DeliveryError, SmtpConfig, SmtpSecurity, send_email};

use crate::support::{
    SinkBehaviour, closed_port, decode_rfc2047, header, message, spawn_sink, split_message,
};

const PASSWORD: &str = "pw-Duban#2026";

fn config(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".to_string(),
        port,
        security: SmtpSecurity::None,
        username: Some("duban@example.gov.cn".to_string()),
        password: Some(PASSWORD.to_string()),
        from: "督查室 <duban@example.gov.cn>".to_string(),
        timeout: Duration::from_secs(5),
    }
}

fn recipients() -> Vec<String> {
    vec![
        "jichu@example.gov.cn".to_string(),
        "Leader <leader@example.gov.cn>".to_string(),
    ]
}

fn base64_decode(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

fn assert_no_password(err: &DeliveryError) {
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(PASSWORD), "password leaked in {text}");
    }
}

#[tokio::test]
async fn a_chinese_message_reaches_two_recipients_with_login() {
    let mut sink = spawn_sink(SinkBehaviour::default()).await;

    send_email(&config(sink.port), &recipients(), &message())
        .await
        .unwrap();

    let session = sink.next().await;
    // Login: AUTH PLAIN carries "\0user\0password".
    let auth = session.command_starting("AUTH PLAIN");
    assert_eq!(auth.len(), 1, "{:?}", session.commands);
    let token = auth[0].split_whitespace().nth(2).unwrap();
    assert_eq!(
        base64_decode(token),
        format!("\0duban@example.gov.cn\0{PASSWORD}").into_bytes()
    );
    // Envelope.
    let mail = session.command_starting("MAIL FROM");
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0].starts_with("MAIL FROM:<duban@example.gov.cn>"),
        "{}",
        mail[0]
    );
    let rcpt = session.command_starting("RCPT TO");
    assert_eq!(rcpt.len(), 2, "{:?}", session.commands);
    assert!(
        rcpt[0].starts_with("RCPT TO:<jichu@example.gov.cn>"),
        "{}",
        rcpt[0]
    );
    assert!(
        rcpt[1].starts_with("RCPT TO:<leader@example.gov.cn>"),
        "{}",
        rcpt[1]
    );
    // The order of the dialogue: login before the envelope, the message, then goodbye.
    let position = |prefix: &str| {
        session
            .commands
            .iter()
            .position(|c| c.to_ascii_uppercase().starts_with(prefix))
            .unwrap()
    };
    assert!(position("EHLO") < position("AUTH"));
    assert!(position("AUTH") < position("MAIL FROM"));
    assert!(position("RCPT TO") < position("DATA"));
    assert_eq!(session.commands.last().map(String::as_str), Some("QUIT"));

    // The message: headers are 7-bit, the Chinese is encoded and decodes back.
    assert!(session.data.is_ascii(), "raw 8-bit text in the message");
    let (headers, body) = split_message(&session.data);
    assert_eq!(
        decode_rfc2047(header(&headers, "Subject")),
        "任务“新建幼儿园5所”已逾期"
    );
    assert_eq!(
        decode_rfc2047(header(&headers, "From")),
        "督查室 <duban@example.gov.cn>"
    );
    let to = decode_rfc2047(header(&headers, "To"));
    assert!(to.contains("jichu@example.gov.cn"), "{to}");
    assert!(to.contains("Leader <leader@example.gov.cn>"), "{to}");
    assert!(header(&headers, "Message-ID").ends_with("@example.gov.cn>"));
    assert!(!header(&headers, "Date").is_empty());
    assert_eq!(
        header(&headers, "Content-Type").to_ascii_lowercase(),
        "text/plain; charset=utf-8"
    );
    assert_eq!(header(&headers, "Content-Transfer-Encoding"), "base64");
    let text = String::from_utf8(base64_decode(&body.replace("\r\n", ""))).unwrap();
    assert_eq!(
        text,
        "**责任科室**：基础教育科\r\n> 完成时限：2026年6月30日，请尽快报送进展。\r\n\r\n查看详情：https://duban.example.gov.cn/tasks/42\r\n"
    );
}

#[tokio::test]
async fn without_a_username_there_is_no_login() {
    let mut sink = spawn_sink(SinkBehaviour::default()).await;
    let cfg = SmtpConfig {
        username: None,
        password: None,
        ..config(sink.port)
    };

    send_email(&cfg, &recipients()[..1], &message())
        .await
        .unwrap();

    let session = sink.next().await;
    assert!(session.command_starting("AUTH").is_empty());
    assert_eq!(session.command_starting("RCPT TO").len(), 1);
}

#[tokio::test]
async fn a_recipient_refused_with_550_is_a_permanent_error_without_the_password() {
    // The server echoes the password in its reply; the error must not carry it on.
    let mut sink = spawn_sink(SinkBehaviour {
        rcpt_reply: Some(format!(
            "550 5.1.1 mailbox unavailable (login duban@example.gov.cn / {PASSWORD})"
        )),
        ..SinkBehaviour::default()
    })
    .await;

    let err = send_email(&config(sink.port), &recipients(), &message())
        .await
        .unwrap_err();

    match &err {
        DeliveryError::SmtpRejected { code, message } => {
            assert_eq!(*code, 550);
            assert!(message.contains("mailbox unavailable"), "{message}");
        }
        other => panic!("expected SmtpRejected, got {other:?}"),
    }
    assert!(err.to_string().starts_with("邮件服务器拒绝：550 "), "{err}");
    assert!(err.is_permanent());
    assert_no_password(&err);
    let session = sink.next().await;
    assert!(session.command_starting("DATA").is_empty());
}

#[tokio::test]
async fn a_4xx_reply_is_a_transient_error() {
    let sink = spawn_sink(SinkBehaviour {
        mail_reply: Some("451 4.3.0 try again later".to_string()),
        ..SinkBehaviour::default()
    })
    .await;

    let err = send_email(&config(sink.port), &recipients(), &message())
        .await
        .unwrap_err();

    assert!(
        matches!(err, DeliveryError::SmtpRejected { code: 451, .. }),
        "{err:?}"
    );
    assert!(!err.is_permanent());
}

#[tokio::test]
async fn a_server_that_never_greets_gives_a_timeout() {
    let sink = spawn_sink(SinkBehaviour {
        silent: true,
        ..SinkBehaviour::default()
    })
    .await;
    let cfg = SmtpConfig {
        timeout: Duration::from_millis(300),
        ..config(sink.port)
    };
    let started = Instant::now();

    let err = send_email(&cfg, &recipients(), &message())
        .await
        .unwrap_err();

    assert!(matches!(err, DeliveryError::Timeout), "{err:?}");
    assert!(!err.is_permanent());
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn an_unreachable_server_gives_a_transient_connection_error() {
    let port = closed_port().await;

    let err = send_email(&config(port), &recipients(), &message())
        .await
        .unwrap_err();

    assert!(matches!(err, DeliveryError::Connection(_)), "{err:?}");
    assert!(err.to_string().starts_with("连接失败："), "{err}");
    assert!(!err.is_permanent());
    assert_no_password(&err);
}

#[tokio::test]
async fn bad_addresses_and_no_recipients_are_permanent_configuration_errors() {
    // Nothing listens: these must fail before connecting.
    let cfg = config(closed_port().await);
    let bad_from = SmtpConfig {
        from: "督查室 <not an address>".to_string(),
        ..cfg.clone()
    };

    let errors = [
        send_email(&cfg, &[], &message()).await.unwrap_err(),
        send_email(&cfg, &["  ".to_string()], &message())
            .await
            .unwrap_err(),
        send_email(&cfg, &["jichu@@example".to_string()], &message())
            .await
            .unwrap_err(),
        send_email(&bad_from, &recipients(), &message())
            .await
            .unwrap_err(),
    ];

    for err in &errors {
        assert!(matches!(err, DeliveryError::Config(_)), "{err:?}");
        assert!(err.is_permanent());
        assert!(err.to_string().starts_with("配置错误："), "{err}");
    }
    assert_eq!(errors[0].to_string(), "配置错误：没有收件人");
}

#[tokio::test]
async fn starttls_is_required_when_configured() {
    // The sink offers no STARTTLS: the mail must not go out in clear, password included.
    let mut sink = spawn_sink(SinkBehaviour::default()).await;
    let cfg = SmtpConfig {
        security: SmtpSecurity::StartTls,
        ..config(sink.port)
    };

    let err = send_email(&cfg, &recipients(), &message())
        .await
        .unwrap_err();

    assert!(err.is_permanent(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "配置错误：邮件服务器不支持 STARTTLS（可改用 465 端口的 TLS）"
    );
    assert_no_password(&err);
    let session = sink.next().await;
    assert!(session.command_starting("AUTH").is_empty());
    assert!(session.command_starting("MAIL").is_empty());
}
