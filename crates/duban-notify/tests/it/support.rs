//! Real local peers for the delivery tests: an HTTP/1.1 receiver that records what a robot would
//! receive, and an SMTP sink that records the dialogue and the message. Both listen on
//! 127.0.0.1:0 and speak just enough of their protocol for one client at a time; no mocks.

use std::time::Duration;

use base64::Engine as _;
use duban_notify::OutgoingMessage;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// The `now_ms` the tests pass in: 2023-11-14T22:13:20Z.
pub const NOW_MS: i64 = 1_700_000_000_000;

/// A notification with Chinese text, Markdown and a link.
pub fn message() -> OutgoingMessage {
    OutgoingMessage {
        title: "任务“新建幼儿园5所”已逾期".to_string(),
        markdown: "**责任科室**：基础教育科\n> 完成时限：2026年6月30日，请尽快报送进展。"
            .to_string(),
        link: Some("https://duban.example.gov.cn/tasks/42".to_string()),
    }
}

/// A port on which nothing listens (bound, then released).
pub async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

// ---------------------------------------------------------------------------------------------
// HTTP receiver

/// One request as the receiver saw it.
#[derive(Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// The query's parameters, percent-decoded, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .unwrap()
                .into_owned()
        };
        self.query
            .as_deref()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(name), decode(value))
            })
            .collect()
    }

    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// What the receiver does once it has read a request.
#[derive(Clone)]
pub enum Reply {
    /// Answer with this status and JSON body.
    Answer { status: u16, body: String },
    /// Never answer, keeping the connection open.
    Hang,
}

impl Reply {
    pub fn ok() -> Self {
        Self::json(200, r#"{"errcode":0,"errmsg":"ok"}"#)
    }

    pub fn json(status: u16, body: &str) -> Self {
        Self::Answer {
            status,
            body: body.to_string(),
        }
    }
}

pub struct Receiver {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    requests: mpsc::UnboundedReceiver<Recorded>,
}

impl Receiver {
    /// The next request received, within five seconds.
    pub async fn next(&mut self) -> Recorded {
        tokio::time::timeout(Duration::from_secs(5), self.requests.recv())
            .await
            .expect("the receiver got no request")
            .expect("the receiver stopped")
    }
}

pub async fn spawn_receiver(reply: Reply) -> Receiver {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, requests) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let tx = tx.clone();
            let reply = reply.clone();
            tokio::spawn(async move { serve_http(stream, tx, reply).await });
        }
    });
    Receiver { base, requests }
}

async fn serve_http(stream: TcpStream, tx: mpsc::UnboundedSender<Recorded>, reply: Reply) {
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    stream.read_line(&mut line).await.unwrap();
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_string(), Some(query.to_string())),
        None => (target.clone(), None),
    };

    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await.unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap();
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse::<usize>().unwrap())
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.unwrap();
    let _ = tx.send(Recorded {
        method,
        path,
        query,
        headers,
        body,
    });

    match reply {
        Reply::Hang => std::future::pending::<()>().await,
        Reply::Answer { status, body } => {
            let answer = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let mut stream = stream.into_inner();
            stream.write_all(answer.as_bytes()).await.unwrap();
            stream.shutdown().await.ok();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SMTP sink

/// How the sink behaves.
#[derive(Clone, Default)]
pub struct SinkBehaviour {
    /// Reply to every `RCPT TO` with this line instead of `250 ok`.
    pub rcpt_reply: Option<String>,
    /// Reply to `MAIL FROM` with this line instead of `250 ok`.
    pub mail_reply: Option<String>,
    /// Accept the connection and never send the greeting.
    pub silent: bool,
}

/// One SMTP connection as the sink saw it.
#[derive(Debug, Default)]
pub struct SmtpSession {
    /// Every command line the client sent, without CRLF (message lines not included).
    pub commands: Vec<String>,
    /// The message after `DATA`, dot-stuffing removed, lines joined with CRLF.
    pub data: String,
}

impl SmtpSession {
    pub fn command_starting(&self, prefix: &str) -> Vec<&str> {
        self.commands
            .iter()
            .filter(|c| c.to_ascii_uppercase().starts_with(prefix))
            .map(String::as_str)
            .collect()
    }
}

pub struct Sink {
    pub port: u16,
    sessions: mpsc::UnboundedReceiver<SmtpSession>,
}

impl Sink {
    /// The next finished session, within five seconds.
    pub async fn next(&mut self) -> SmtpSession {
        tokio::time::timeout(Duration::from_secs(5), self.sessions.recv())
            .await
            .expect("the sink saw no session end")
            .expect("the sink stopped")
    }
}

pub async fn spawn_sink(behaviour: SinkBehaviour) -> Sink {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, sessions) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let tx = tx.clone();
            let behaviour = behaviour.clone();
            tokio::spawn(async move {
                let session = serve_smtp(stream, &behaviour).await;
                let _ = tx.send(session);
            });
        }
    });
    Sink { port, sessions }
}

async fn serve_smtp(stream: TcpStream, behaviour: &SinkBehaviour) -> SmtpSession {
    let mut session = SmtpSession::default();
    if behaviour.silent {
        std::future::pending::<()>().await;
    }
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    say(&mut write, "220 sink.test ESMTP\r\n").await;
    loop {
        let mut line = String::new();
        if read.read_line(&mut line).await.unwrap_or(0) == 0 {
            break;
        }
        let command = line.trim_end_matches(['\r', '\n']).to_string();
        let upper = command.to_ascii_uppercase();
        session.commands.push(command.clone());
        let reply = if upper.starts_with("EHLO") {
            "250-sink.test\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000000\r\n".to_string()
        } else if upper.starts_with("HELO") || upper.starts_with("RSET") || upper == "NOOP" {
            "250 ok\r\n".to_string()
        } else if upper.starts_with("AUTH PLAIN") {
            if command.split_whitespace().count() < 3 {
                say(&mut write, "334 \r\n").await;
                let mut token = String::new();
                read.read_line(&mut token).await.unwrap_or(0);
                session
                    .commands
                    .push(format!("AUTH PLAIN {}", token.trim_end()));
            }
            "235 2.7.0 authenticated\r\n".to_string()
        } else if upper.starts_with("MAIL FROM") {
            line_or_ok(&behaviour.mail_reply)
        } else if upper.starts_with("RCPT TO") {
            line_or_ok(&behaviour.rcpt_reply)
        } else if upper == "DATA" {
            say(&mut write, "354 end with <CRLF>.<CRLF>\r\n").await;
            let mut lines = Vec::new();
            loop {
                let mut data_line = String::new();
                if read.read_line(&mut data_line).await.unwrap_or(0) == 0 {
                    break;
                }
                let data_line = data_line.trim_end_matches(['\r', '\n']);
                if data_line == "." {
                    break;
                }
                lines.push(data_line.strip_prefix('.').unwrap_or(data_line).to_string());
            }
            session.data = lines.join("\r\n");
            "250 2.0.0 queued\r\n".to_string()
        } else if upper == "QUIT" {
            say(&mut write, "221 bye\r\n").await;
            break;
        } else {
            "502 command not implemented\r\n".to_string()
        };
        if !say(&mut write, &reply).await {
            break;
        }
    }
    session
}

async fn say(write: &mut tokio::net::tcp::OwnedWriteHalf, text: &str) -> bool {
    write.write_all(text.as_bytes()).await.is_ok()
}

fn line_or_ok(custom: &Option<String>) -> String {
    match custom {
        Some(line) => format!("{line}\r\n"),
        None => "250 ok\r\n".to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading a stored message

/// The message's headers, unfolded, and its body.
pub fn split_message(data: &str) -> (Vec<(String, String)>, String) {
    let (head, body) = data.split_once("\r\n\r\n").unwrap();
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().unwrap();
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_string(), value.trim().to_string()));
        }
    }
    (headers, body.to_string())
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=` and `=?UTF-8?Q?…?=`); whitespace between two
/// encoded words is dropped, as the RFC says.
pub fn decode_rfc2047(value: &str) -> String {
    let mut out: Vec<u8> = Vec::new();
    let mut pending_space = String::new();
    let mut previous_was_word = false;
    let mut rest = value;
    while !rest.is_empty() {
        let space_len = rest.len() - rest.trim_start().len();
        if space_len > 0 {
            pending_space.push_str(&rest[..space_len]);
            rest = &rest[space_len..];
            continue;
        }
        let token_len = rest.find([' ', '\t']).unwrap_or(rest.len());
        let token = &rest[..token_len];
        rest = &rest[token_len..];
        match decode_word(token) {
            Some(bytes) => {
                if !previous_was_word {
                    out.extend_from_slice(pending_space.as_bytes());
                }
                out.extend(bytes);
                previous_was_word = true;
            }
            None => {
                out.extend_from_slice(pending_space.as_bytes());
                out.extend_from_slice(token.as_bytes());
                previous_was_word = false;
            }
        }
        pending_space.clear();
    }
    String::from_utf8(out).unwrap()
}

fn decode_word(token: &str) -> Option<Vec<u8>> {
    let inner = token.strip_prefix("=?")?.strip_suffix("?=")?;
    let mut parts = inner.splitn(3, '?');
    let charset = parts.next()?;
    let encoding = parts.next()?;
    let text = parts.next()?;
    assert!(charset.eq_ignore_ascii_case("utf-8"), "charset {charset}");
    if encoding.eq_ignore_ascii_case("b") {
        Some(
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .unwrap(),
        )
    } else {
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'_' => out.push(b' '),
                b'=' => {
                    out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                    i += 2;
                }
                b => out.push(b),
            }
            i += 1;
        }
        Some(out)
    }
}
