//! `duban serve` as an admin starts it: the real binary on 127.0.0.1:0 over a temporary data
//! directory, spoken to with a tiny HTTP/1.1 client over `std::net::TcpStream`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::support::{Server, start_server};

fn temp_dir(name: &str) -> PathBuf {
    crate::support::temp_dir("serve", name)
}

fn start(dir: &Path, extra: &[&str]) -> Server {
    start_server(dir, extra)
}

/// Status, lower-cased headers and body of `GET path`.
fn get(addr: &str, path: &str) -> (u16, Vec<(String, String)>, String) {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap_or_else(|e| panic!("{e}"));
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("{e}"));
    let raw = String::from_utf8(raw).unwrap_or_else(|e| panic!("{e}"));
    let Some((head, body)) = raw.split_once("\r\n\r\n") else {
        panic!("no header end in {raw:?}");
    };
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line in {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn assert_security_headers(headers: &[(String, String)]) {
    let csp = header(headers, "content-security-policy").unwrap_or_else(|| panic!("no CSP"));
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(header(headers, "x-frame-options"), Some("DENY"));
    assert_eq!(header(headers, "x-content-type-options"), Some("nosniff"));
    assert_eq!(header(headers, "referrer-policy"), Some("same-origin"));
}

fn user_count(dir: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["user", "list", "--data-dir"])
        .arg(dir)
        .env_remove("DUBAN_DATABASE_URL")
        .env_remove("DUBAN_DATA_DIR")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .last()
        .unwrap_or_else(|| panic!("no output"))
        .to_owned()
}

#[test]
fn serve_answers_health_with_security_headers_and_loads_the_demo_once() {
    let dir = temp_dir("demo");
    let server = start(&dir, &[]);

    let (status, headers, body) = get(&server.addr, "/healthz");
    assert_eq!(status, 200);
    assert_eq!(body, "ok");
    assert_security_headers(&headers);

    let (status, headers, body) = get(&server.addr, "/no/such/page");
    assert_eq!(status, 404);
    assert!(body.contains("页面不存在"), "{body}");
    assert_security_headers(&headers);

    let logins = std::fs::read_to_string(dir.join("demo-logins.txt"))
        .unwrap_or_else(|e| panic!("demo-logins.txt: {e}"));
    let lines: Vec<&str> = logins.lines().collect();
    assert!(lines.len() >= 5, "{logins}");
    let mut roles = Vec::new();
    for line in &lines {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 4, "{line:?}");
        assert!(!fields[0].is_empty() && fields[1].len() >= 12, "{line:?}");
        if fields[2] == "unit" {
            assert!(!fields[3].is_empty(), "a unit user needs a unit: {line:?}");
        }
        roles.push(fields[2]);
        // The logins are printed too.
        assert!(
            server.stdout.iter().any(|l| l == line),
            "{line:?} not printed"
        );
    }
    for role in ["admin", "leader", "supervisor", "unit", "viewer"] {
        assert!(roles.contains(&role), "no {role} in {logins}");
    }
    drop(server);
    let users = user_count(&dir);

    // A second start on the same data directory loads nothing.
    let server = start(&dir, &[]);
    let (status, _, body) = get(&server.addr, "/healthz");
    assert_eq!((status, body.as_str()), (200, "ok"));
    assert!(server.stdout.is_empty(), "{:?}", server.stdout);
    drop(server);
    let again = std::fs::read_to_string(dir.join("demo-logins.txt"))
        .unwrap_or_else(|e| panic!("demo-logins.txt: {e}"));
    assert_eq!(again, logins);
    assert_eq!(user_count(&dir), users);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serve_no_demo_starts_empty() {
    let dir = temp_dir("no-demo");
    let server = start(&dir, &["--no-demo"]);
    let (status, headers, body) = get(&server.addr, "/healthz");
    assert_eq!((status, body.as_str()), (200, "ok"));
    assert_security_headers(&headers);
    drop(server);
    assert!(!dir.join("demo-logins.txt").exists());
    assert_eq!(user_count(&dir), "共 0 个用户");
    let _ = std::fs::remove_dir_all(&dir);
}
