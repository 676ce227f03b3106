//! Robot deliveries against a real local HTTP receiver.

use std::time::{Duration, Instant};

use base64::Engine as _;
use duban_notify::{DeliveryError, Webhook, WebhookKind, send_webhook};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use crate::support::{NOW_MS, Reply, closed_port, message, spawn_receiver};

const TIMEOUT: Duration = Duration::from_secs(5);
const WECOM_KEY: &str = "wecom-key-693axxx6-7aoc";
const DINGTALK_TOKEN: &str = "dingtalk-token-1f2e3d";
const DINGTALK_SECRET: &str = "SECb6f3a9e0c7d2test";

fn wecom(base: &str) -> Webhook {
    Webhook {
        kind: WebhookKind::WeCom,
        url: format!("{base}/cgi-bin/webhook/send?key={WECOM_KEY}"),
        secret: None,
    }
}

fn dingtalk(base: &str, secret: Option<&str>) -> Webhook {
    Webhook {
        kind: WebhookKind::DingTalk,
        url: format!("{base}/robot/send?access_token={DINGTALK_TOKEN}"),
        secret: secret.map(str::to_string),
    }
}

/// Asserts that an error's text and debug form keep none of the robot's secrets.
fn assert_no_secret(err: &DeliveryError) {
    for text in [err.to_string(), format!("{err:?}")] {
        for secret in [WECOM_KEY, DINGTALK_TOKEN, DINGTALK_SECRET] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
    }
}

#[tokio::test]
async fn wecom_delivery_posts_the_markdown_json_to_the_robot_url() {
    let mut receiver = spawn_receiver(Reply::ok()).await;

    send_webhook(&wecom(&receiver.base), &message(), NOW_MS, TIMEOUT)
        .await
        .unwrap();

    let request = receiver.next().await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/cgi-bin/webhook/send");
    assert_eq!(request.query.as_deref(), Some(&*format!("key={WECOM_KEY}")));
    assert!(
        request
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(
        request.json(),
        json!({
            "msgtype": "markdown",
            "markdown": {
                "content": "## 任务“新建幼儿园5所”已逾期\n\n**责任科室**：基础教育科\n> 完成时限：2026年6月30日，请尽快报送进展。\n\n[查看详情](https://duban.example.gov.cn/tasks/42)"
            }
        })
    );
}

#[tokio::test]
async fn dingtalk_delivery_with_a_secret_signs_the_url_and_posts_title_and_text() {
    let mut receiver = spawn_receiver(Reply::ok()).await;

    send_webhook(
        &dingtalk(&receiver.base, Some(DINGTALK_SECRET)),
        &message(),
        NOW_MS,
        TIMEOUT,
    )
    .await
    .unwrap();

    let request = receiver.next().await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/robot/send");
    let names: Vec<String> = request.query_pairs().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["access_token", "timestamp", "sign"]);
    assert_eq!(
        request.query_param("access_token").as_deref(),
        Some(DINGTALK_TOKEN)
    );
    assert_eq!(
        request.query_param("timestamp").as_deref(),
        Some(&*NOW_MS.to_string())
    );
    // Recomputed here from the definition: base64(HMAC-SHA256(secret, "{timestamp}\n{secret}")).
    let mut mac = Hmac::<Sha256>::new_from_slice(DINGTALK_SECRET.as_bytes()).unwrap();
    mac.update(format!("{NOW_MS}\n{DINGTALK_SECRET}").as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(request.query_param("sign"), Some(expected));
    assert!(
        request
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(
        request.json(),
        json!({
            "msgtype": "markdown",
            "markdown": {
                "title": "任务“新建幼儿园5所”已逾期",
                "text": "## 任务“新建幼儿园5所”已逾期\n\n**责任科室**：基础教育科\n> 完成时限：2026年6月30日，请尽快报送进展。\n\n[查看详情](https://duban.example.gov.cn/tasks/42)"
            }
        })
    );
}

#[tokio::test]
async fn dingtalk_delivery_without_a_secret_adds_no_signature() {
    let mut receiver = spawn_receiver(Reply::ok()).await;

    send_webhook(&dingtalk(&receiver.base, None), &message(), NOW_MS, TIMEOUT)
        .await
        .unwrap();

    let request = receiver.next().await;
    assert_eq!(
        request.query.as_deref(),
        Some(&*format!("access_token={DINGTALK_TOKEN}"))
    );
    assert_eq!(request.json()["msgtype"], "markdown");
}

#[tokio::test]
async fn a_nonzero_errcode_is_a_permanent_error_naming_code_and_message_without_secrets() {
    // The robot echoes the token, the secret and the signature, as real gateways sometimes do.
    let echo = format!(
        r#"{{"errcode":310000,"errmsg":"sign not match, token={DINGTALK_TOKEN} secret={DINGTALK_SECRET}"}}"#
    );
    let mut receiver = spawn_receiver(Reply::json(200, &echo)).await;
    let hook = dingtalk(&receiver.base, Some(DINGTALK_SECRET));

    let err = send_webhook(&hook, &message(), NOW_MS, TIMEOUT)
        .await
        .unwrap_err();

    let request = receiver.next().await;
    let sign = request.query_param("sign").unwrap();
    match &err {
        DeliveryError::Rejected { errcode, errmsg } => {
            assert_eq!(*errcode, 310000);
            assert!(errmsg.starts_with("sign not match"), "{errmsg}");
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert!(err.is_permanent());
    assert!(
        err.to_string()
            .starts_with("接收方返回错误 errcode=310000：sign not match"),
        "{err}"
    );
    assert!(!err.to_string().contains(&sign));
    assert_no_secret(&err);
}

#[tokio::test]
async fn a_rate_limit_errcode_is_a_transient_error() {
    let receiver = spawn_receiver(Reply::json(
        200,
        r#"{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}"#,
    ))
    .await;

    let err = send_webhook(&dingtalk(&receiver.base, None), &message(), NOW_MS, TIMEOUT)
        .await
        .unwrap_err();

    assert!(matches!(
        err,
        DeliveryError::Rejected {
            errcode: 130101,
            ..
        }
    ));
    assert!(!err.is_permanent());
}

#[tokio::test]
async fn http_500_is_a_transient_error() {
    let receiver = spawn_receiver(Reply::json(500, r#"{"error":"internal"}"#)).await;

    let err = send_webhook(&wecom(&receiver.base), &message(), NOW_MS, TIMEOUT)
        .await
        .unwrap_err();

    assert!(matches!(err, DeliveryError::HttpStatus { status: 500 }));
    assert_eq!(err.to_string(), "HTTP 状态 500");
    assert!(!err.is_permanent());
}

#[tokio::test]
async fn http_404_is_permanent_and_429_transient() {
    let not_found = spawn_receiver(Reply::json(404, "{}")).await;
    let too_many = spawn_receiver(Reply::json(429, "{}")).await;

    let err_404 = send_webhook(&wecom(&not_found.base), &message(), NOW_MS, TIMEOUT)
        .await
        .unwrap_err();
    let err_429 = send_webhook(&wecom(&too_many.base), &message(), NOW_MS, TIMEOUT)
        .await
        .unwrap_err();

    assert!(matches!(err_404, DeliveryError::HttpStatus { status: 404 }));
    assert!(err_404.is_permanent());
    assert!(matches!(err_429, DeliveryError::HttpStatus { status: 429 }));
    assert!(!err_429.is_permanent());
}

#[tokio::test]
async fn a_receiver_that_never_answers_gives_a_timeout() {
    let mut receiver = spawn_receiver(Reply::Hang).await;
    let started = Instant::now();

    let err = send_webhook(
        &wecom(&receiver.base),
        &message(),
        NOW_MS,
        Duration::from_millis(300),
    )
    .await
    .unwrap_err();

    assert!(matches!(err, DeliveryError::Timeout), "{err:?}");
    assert_eq!(err.to_string(), "超时");
    assert!(!err.is_permanent());
    assert!(started.elapsed() < Duration::from_secs(3));
    // The request did arrive: the timeout is about the answer.
    receiver.next().await;
}

#[tokio::test]
async fn an_unreachable_receiver_gives_a_transient_connection_error_without_the_key() {
    let port = closed_port().await;

    let err = send_webhook(
        &wecom(&format!("http://127.0.0.1:{port}")),
        &message(),
        NOW_MS,
        TIMEOUT,
    )
    .await
    .unwrap_err();

    assert!(matches!(err, DeliveryError::Connection(_)), "{err:?}");
    assert!(err.to_string().starts_with("连接失败："), "{err}");
    assert!(!err.is_permanent());
    assert_no_secret(&err);
}

#[tokio::test]
async fn an_invalid_url_is_a_permanent_configuration_error() {
    for url in ["not a url", "ftp://example.com/robot?key=k"] {
        let hook = Webhook {
            kind: WebhookKind::WeCom,
            url: url.to_string(),
            secret: None,
        };

        let err = send_webhook(&hook, &message(), NOW_MS, TIMEOUT)
            .await
            .unwrap_err();

        assert!(matches!(err, DeliveryError::Config(_)), "{err:?}");
        assert!(err.is_permanent());
        assert!(!err.to_string().contains("key=k"));
    }
}
