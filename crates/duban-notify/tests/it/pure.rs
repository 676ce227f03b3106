//! The pure parts of the API: backoff, DingTalk signature, signed URLs, payloads, error texts.

use std::time::Duration;

use base64::Engine as _;
use duban_notify::{
    DeliveryError, MAX_ATTEMPTS, OutgoingMessage, SmtpConfig, SmtpSecurity,
    WECOM_MARKDOWN_MAX_BYTES, Webhook, WebhookKind, dingtalk_payload, dingtalk_sign, retry_delay,
    signed_url, wecom_payload,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::support::message;

const MINUTE: Duration = Duration::from_secs(60);

#[test]
fn retry_delay_doubles_from_one_minute_and_is_capped_at_six_hours() {
    let expected_minutes = [1, 1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360];
    for (attempts, minutes) in expected_minutes.into_iter().enumerate() {
        assert_eq!(
            retry_delay(attempts as u32),
            MINUTE * minutes,
            "after {attempts} attempts"
        );
    }
    let mut previous = Duration::ZERO;
    for attempts in (0..200).chain([u32::MAX - 1, u32::MAX]) {
        let delay = retry_delay(attempts);
        assert!(delay >= previous, "not monotonic at {attempts}");
        assert!(delay <= Duration::from_secs(6 * 3600));
        previous = delay;
    }
    assert_eq!(retry_delay(u32::MAX), Duration::from_secs(6 * 3600));
}

#[test]
fn the_whole_retry_schedule_fits_in_a_working_day() {
    let total: Duration = (1..MAX_ATTEMPTS).map(retry_delay).sum();
    assert_eq!(MAX_ATTEMPTS, 10);
    assert_eq!(total, MINUTE * 511);
}

#[test]
fn dingtalk_sign_matches_vectors_computed_with_python_hmac() {
    // python3: base64.b64encode(hmac.new(s.encode(), f"{ts}\n{s}".encode(), hashlib.sha256).digest())
    assert_eq!(
        dingtalk_sign("SECabc123测试", 1_700_000_000_000),
        "PKoCUU/FpZXMuYomLoSQtwDcYSpd5KH+v7KILf9Py54="
    );
    assert_eq!(
        dingtalk_sign("SEC0123456789abcdef", 1_577_836_800_000),
        "VIkrYXpqM66nY2agvTap17lAqEfAZw77OqD62+Mh1G0="
    );
}

/// HMAC-SHA256 written out from RFC 2104 over plain SHA-256, to check the signature without
/// the `hmac` crate the library uses.
fn hmac_sha256_by_hand(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner_pad: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    let outer_pad: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(&inner_pad)
        .chain_update(data)
        .finalize();
    Sha256::new()
        .chain_update(&outer_pad)
        .chain_update(inner)
        .finalize()
        .to_vec()
}

#[test]
fn dingtalk_sign_matches_a_hand_written_hmac_for_short_and_long_secrets() {
    let long_secret = format!("SEC{}", "9f".repeat(40));
    for (secret, ts) in [
        ("SECshort", 1i64),
        (long_secret.as_str(), 1_767_225_600_000),
    ] {
        let data = format!("{ts}\n{secret}");
        let expected = base64::engine::general_purpose::STANDARD
            .encode(hmac_sha256_by_hand(secret.as_bytes(), data.as_bytes()));
        assert_eq!(dingtalk_sign(secret, ts), expected, "secret {secret}");
    }
}

fn dingtalk_hook(url: &str, secret: Option<&str>) -> Webhook {
    Webhook {
        kind: WebhookKind::DingTalk,
        url: url.to_string(),
        secret: secret.map(str::to_string),
    }
}

#[test]
fn signed_url_appends_timestamp_and_encoded_sign_after_an_existing_query() {
    let hook = dingtalk_hook(
        "https://oapi.dingtalk.com/robot/send?access_token=abc",
        Some("SECabc123测试"),
    );
    assert_eq!(
        signed_url(&hook, 1_700_000_000_000),
        "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign=PKoCUU%2FFpZXMuYomLoSQtwDcYSpd5KH%2Bv7KILf9Py54%3D"
    );
}

#[test]
fn signed_url_starts_a_query_when_the_url_has_none() {
    let hook = dingtalk_hook(
        "https://relay.example/dingtalk",
        Some("SEC0123456789abcdef"),
    );
    assert_eq!(
        signed_url(&hook, 1_577_836_800_000),
        "https://relay.example/dingtalk?timestamp=1577836800000&sign=VIkrYXpqM66nY2agvTap17lAqEfAZw77OqD62%2BMh1G0%3D"
    );
    let trailing = dingtalk_hook(
        "https://relay.example/dingtalk?",
        Some("SEC0123456789abcdef"),
    );
    assert_eq!(
        signed_url(&trailing, 1_577_836_800_000),
        "https://relay.example/dingtalk?timestamp=1577836800000&sign=VIkrYXpqM66nY2agvTap17lAqEfAZw77OqD62%2BMh1G0%3D"
    );
}

#[test]
fn signed_url_leaves_unsigned_and_wecom_urls_unchanged() {
    let url = "https://oapi.dingtalk.com/robot/send?access_token=abc";
    assert_eq!(signed_url(&dingtalk_hook(url, None), 1), url);
    assert_eq!(signed_url(&dingtalk_hook(url, Some("  ")), 1), url);
    let wecom = Webhook {
        kind: WebhookKind::WeCom,
        url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k".to_string(),
        secret: Some("ignored".to_string()),
    };
    assert_eq!(signed_url(&wecom, 1), wecom.url);
}

#[test]
fn payloads_leave_out_the_link_when_there_is_none() {
    let msg = OutgoingMessage {
        link: None,
        ..message()
    };
    let text = "## 任务“新建幼儿园5所”已逾期\n\n**责任科室**：基础教育科\n> 完成时限：2026年6月30日，请尽快报送进展。";
    assert_eq!(
        wecom_payload(&msg),
        json!({"msgtype": "markdown", "markdown": {"content": text}})
    );
    assert_eq!(
        dingtalk_payload(&msg),
        json!({"msgtype": "markdown", "markdown": {"title": "任务“新建幼儿园5所”已逾期", "text": text}})
    );
}

#[test]
fn a_long_wecom_message_is_cut_to_the_limit_and_keeps_heading_and_link() {
    let msg = OutgoingMessage {
        markdown: "进展情况：按计划推进。".repeat(500),
        ..message()
    };

    let payload = wecom_payload(&msg);
    let content = payload["markdown"]["content"].as_str().unwrap();

    assert!(
        content.len() <= WECOM_MARKDOWN_MAX_BYTES,
        "{}",
        content.len()
    );
    assert!(content.len() > WECOM_MARKDOWN_MAX_BYTES - 8);
    assert!(content.starts_with("## 任务“新建幼儿园5所”已逾期\n\n进展情况"));
    assert!(content.ends_with("…\n\n[查看详情](https://duban.example.gov.cn/tasks/42)"));
    // DingTalk has no such limit here: its text stays whole.
    let text = dingtalk_payload(&msg)["markdown"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains(&msg.markdown));
}

#[test]
fn errors_read_in_chinese_and_say_whether_retrying_helps() {
    let cases: [(DeliveryError, &str, bool); 10] = [
        (DeliveryError::Timeout, "超时", false),
        (
            DeliveryError::Connection("refused".into()),
            "连接失败：refused",
            false,
        ),
        (
            DeliveryError::Config("没有收件人".into()),
            "配置错误：没有收件人",
            true,
        ),
        (
            DeliveryError::HttpStatus { status: 500 },
            "HTTP 状态 500",
            false,
        ),
        (
            DeliveryError::HttpStatus { status: 503 },
            "HTTP 状态 503",
            false,
        ),
        (
            DeliveryError::HttpStatus { status: 400 },
            "HTTP 状态 400",
            true,
        ),
        (
            DeliveryError::HttpStatus { status: 408 },
            "HTTP 状态 408",
            false,
        ),
        (
            DeliveryError::Rejected {
                errcode: 310000,
                errmsg: "keywords not in content".into(),
            },
            "接收方返回错误 errcode=310000：keywords not in content",
            true,
        ),
        (
            DeliveryError::SmtpRejected {
                code: 550,
                message: "5.1.1 no such user".into(),
            },
            "邮件服务器拒绝：550 5.1.1 no such user",
            true,
        ),
        (
            DeliveryError::SmtpRejected {
                code: 421,
                message: "4.7.0 try later".into(),
            },
            "邮件服务器拒绝：421 4.7.0 try later",
            false,
        ),
    ];
    for (err, text, permanent) in cases {
        assert_eq!(err.to_string(), text);
        assert_eq!(err.is_permanent(), permanent, "{text}");
    }
    for busy in [-1, 45009, 130101] {
        let err = DeliveryError::Rejected {
            errcode: busy,
            errmsg: String::new(),
        };
        assert!(!err.is_permanent(), "errcode {busy}");
    }
}

#[test]
fn debug_output_hides_the_url_query_and_the_secrets() {
    let hook = dingtalk_hook(
        "https://oapi.dingtalk.com/robot/send?access_token=tok-secret",
        Some("SECsigning"),
    );
    let debug = format!("{hook:?}");
    assert!(
        debug.contains("https://oapi.dingtalk.com/robot/send"),
        "{debug}"
    );
    assert!(
        !debug.contains("tok-secret") && !debug.contains("SECsigning"),
        "{debug}"
    );

    let cfg = SmtpConfig {
        host: "smtp.example.gov.cn".into(),
        port: SmtpSecurity::StartTls.default_port(),
        security: SmtpSecurity::StartTls,
        username: Some("duban".into()),
        password: Some("hunter2-密码".into()),
        from: "督查室 <duban@example.gov.cn>".into(),
        timeout: Duration::from_secs(30),
    };
    let debug = format!("{cfg:?}");
    assert!(
        debug.contains("smtp.example.gov.cn") && debug.contains("587"),
        "{debug}"
    );
    assert!(!debug.contains("hunter2"), "{debug}");
}
