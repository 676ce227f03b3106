//! `duban serve` killed with SIGKILL in the middle of a burst of report submissions: every
//! submission the server acknowledged (303) is still there after a restart on the same data
//! directory, with its text, and the audit chain still verifies.
//!
//! Five unit users (one thread each, the demo's unit logins) write drafts and submissions to
//! their own tasks; a task belongs to one thread only, so its writes are sequential and "the last
//! acknowledged text" is well defined. A write in flight when the server dies may or may not have
//! been committed, so for each task either the last acknowledged text or the one in flight is
//! accepted; an acknowledged submission must be there exactly.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const COOKIE: &str = "duban_session";
/// At most this many drafts are saved before a task's submission.
const MAX_DRAFTS: usize = 4;

/// How many drafts task `id` gets before its submission (0 to `MAX_DRAFTS`, so that submissions
/// happen all through the burst, not only at its end).
fn drafts_before_submit(id: i64) -> usize {
    id.unsigned_abs() as usize % (MAX_DRAFTS + 1)
}

use crate::support::{Server, start_server};

fn temp_dir(name: &str) -> PathBuf {
    crate::support::temp_dir("crash", name)
}

fn start(dir: &Path) -> Server {
    start_server(dir, &[])
}

/// A response: status, lower-cased headers, body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on a fresh connection; `Err` when the connection fails or breaks (the
/// server was killed).
fn request(
    addr: &str,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(c) = cookie {
        head.push_str(&format!("Cookie: {COOKIE}={c}\r\n"));
    }
    if let Some(body) = form {
        head.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if let Some(body) = form {
        stream.write_all(body.as_bytes())?;
    }
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let broken = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "truncated response");
    let (head, body) = raw.split_once("\r\n\r\n").ok_or_else(broken)?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(broken)?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Reply {
        status,
        headers,
        body: body.to_owned(),
    })
}

/// `GET path` that must succeed with 200.
fn get_ok(addr: &str, path: &str, cookie: &str) -> String {
    let reply = request(addr, "GET", path, Some(cookie), None)
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    assert_eq!(reply.status, 200, "GET {path}: {}", reply.body);
    reply.body
}

/// `application/x-www-form-urlencoded` encoding of `pairs`.
fn form(pairs: &[(&str, &str)]) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Signs in and returns the session cookie's value.
fn login(addr: &str, username: &str, password: &str) -> String {
    let body = form(&[("username", username), ("password", password)]);
    let reply = request(addr, "POST", "/login", None, Some(&body))
        .unwrap_or_else(|e| panic!("login {username}: {e}"));
    assert_eq!(reply.status, 303, "login {username}: {}", reply.body);
    let set = reply
        .header("set-cookie")
        .unwrap_or_else(|| panic!("no cookie for {username}"));
    set.strip_prefix(&format!("{COOKIE}="))
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("bad cookie {set:?}"))
        .to_owned()
}

/// The value of the first `_csrf` hidden input.
fn csrf(page: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = page
        .find(marker)
        .unwrap_or_else(|| panic!("no _csrf in page"))
        + marker.len();
    page[start..]
        .split('"')
        .next()
        .unwrap_or_else(|| panic!("bad _csrf"))
        .to_owned()
}

/// The ids in the `/tasks/{id}/report` links of `/my`.
fn report_links(page: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("href=\"/tasks/") {
        rest = &rest[at + "href=\"/tasks/".len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if rest[digits.len()..].starts_with("/report\"")
            && let Ok(id) = digits.parse()
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// A unit user with a session and the tasks whose report form is still editable.
struct Unit {
    cookie: String,
    csrf: String,
    tasks: Vec<i64>,
}

/// What happened to one task's writes.
#[derive(Default, Clone)]
struct TaskLog {
    /// The text of the last acknowledged write.
    acked: Option<String>,
    /// The text of an acknowledged submission (nothing may replace it).
    submitted: Option<String>,
    /// A write sent but not answered when the server died.
    in_flight: Option<String>,
}

/// Writes drafts and then a submission for each task, round-robin over the tasks, until done or
/// the server is gone. Counts acknowledgements in `acks`.
fn burst(addr: &str, unit: &Unit, acks: &AtomicUsize, logs: &Mutex<HashMap<i64, TaskLog>>) {
    for round in 0..=MAX_DRAFTS {
        for &task in &unit.tasks {
            if round > drafts_before_submit(task) {
                continue;
            }
            let submit = round == drafts_before_submit(task);
            // Bracketed, so no text is a prefix of another.
            let text = format!("断电测试〔任务{task}·第{round}次〕");
            let body = form(&[
                ("_csrf", &unit.csrf),
                ("progress_text", &text),
                ("problems", "无"),
                ("next_steps", &format!("下周继续〔{task}-{round}〕")),
                ("percent", &format!("{}", 10 + round * 5)),
                ("action", if submit { "submit" } else { "save" }),
            ]);
            let path = format!("/tasks/{task}/report");
            let set = |f: &dyn Fn(&mut TaskLog)| {
                let mut logs = logs.lock().unwrap_or_else(|e| panic!("{e}"));
                f(logs.entry(task).or_default());
            };
            set(&|l| l.in_flight = Some(text.clone()));
            match request(addr, "POST", &path, Some(&unit.cookie), Some(&body)) {
                Ok(reply) if reply.status == 303 => {
                    set(&|l| {
                        l.in_flight = None;
                        l.acked = Some(text.clone());
                        if submit {
                            l.submitted = Some(text.clone());
                        }
                    });
                    acks.fetch_add(1, Ordering::SeqCst);
                }
                Ok(reply) => {
                    // Refused (e.g. 422/409) or cut short: not acknowledged, nothing to check.
                    set(&|l| l.in_flight = None);
                    assert!(
                        reply.status >= 400,
                        "POST {path} answered {}: {}",
                        reply.status,
                        reply.body
                    );
                }
                Err(_) => return, // the server is gone; the write stays in flight
            }
        }
    }
}

#[test]
fn acknowledged_reports_survive_sigkill_and_the_audit_chain_verifies() {
    let began = Instant::now();
    let dir = temp_dir("burst");
    let mut server = start(&dir);
    let addr = server.addr.clone();

    let logins = std::fs::read_to_string(dir.join("demo-logins.txt"))
        .unwrap_or_else(|e| panic!("demo-logins.txt: {e}"));
    let accounts: Vec<(String, String, String)> = logins
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() == 4).then(|| (f[0].to_owned(), f[1].to_owned(), f[2].to_owned()))
        })
        .collect();
    let password_of = |role: &str| {
        accounts
            .iter()
            .filter(|(_, _, r)| r == role)
            .map(|(u, p, _)| (u.clone(), p.clone()))
            .collect::<Vec<_>>()
    };
    let supervisor = password_of("supervisor")
        .into_iter()
        .find(|(u, _)| u == "duchashi")
        .unwrap_or_else(|| panic!("no duchashi in {logins}"));

    // Sign in (argon2 is slow in a debug build: all at once) and find the editable tasks.
    let mut units: Vec<Unit> = std::thread::scope(|scope| {
        let handles: Vec<_> = password_of("unit")
            .into_iter()
            .map(|(user, password)| {
                let addr = addr.clone();
                scope.spawn(move || {
                    let cookie = login(&addr, &user, &password);
                    let my = get_ok(&addr, "/my", &cookie);
                    let csrf = csrf(&my);
                    let tasks = report_links(&my)
                        .into_iter()
                        .filter(|id| {
                            let page = get_ok(&addr, &format!("/tasks/{id}/report"), &cookie);
                            page.contains("name=\"progress_text\"")
                        })
                        .collect();
                    Unit {
                        cookie,
                        csrf,
                        tasks,
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| panic!("login thread panicked")))
            .collect()
    });
    units.retain(|u| !u.tasks.is_empty());
    let task_count: usize = units.iter().map(|u| u.tasks.len()).sum();
    assert!(
        units.len() >= 3 && task_count >= 10,
        "the demo should leave editable reports to several units ({task_count} tasks)"
    );
    let supervisor_cookie = login(&addr, &supervisor.0, &supervisor.1);

    // The burst: kill the server once about half of the planned writes are acknowledged.
    let planned: usize = units
        .iter()
        .flat_map(|u| &u.tasks)
        .map(|t| drafts_before_submit(*t) + 1)
        .sum();
    let acks = AtomicUsize::new(0);
    let logs = Mutex::new(HashMap::new());
    let burst_began = Instant::now();
    std::thread::scope(|scope| {
        for unit in &units {
            let (addr, acks, logs) = (&addr, &acks, &logs);
            scope.spawn(move || burst(addr, unit, acks, logs));
        }
        while acks.load(Ordering::SeqCst) < planned / 2 {
            assert!(
                burst_began.elapsed() < Duration::from_secs(20),
                "only {} of {planned} writes acknowledged in 20 s",
                acks.load(Ordering::SeqCst)
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        server.child.kill().unwrap_or_else(|e| panic!("kill: {e}"));
        server.child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
    });
    let acked = acks.load(Ordering::SeqCst);
    let logs = logs.into_inner().unwrap_or_else(|e| panic!("{e}"));
    let submitted = logs.values().filter(|l| l.submitted.is_some()).count();
    let in_flight = logs.values().filter(|l| l.in_flight.is_some()).count();
    assert!(
        acked < planned,
        "the burst finished before the kill ({acked} of {planned})"
    );
    assert!(
        submitted > 0,
        "no submission was acknowledged before the kill"
    );
    drop(server);

    // Restart on the same data directory; the sessions were stored, so the cookies still work.
    let server = start(&dir);
    let addr = server.addr.clone();
    let cookie_of: HashMap<i64, &str> = units
        .iter()
        .flat_map(|u| u.tasks.iter().map(|t| (*t, u.cookie.as_str())))
        .collect();
    for (task, log) in &logs {
        let Some(acked_text) = &log.acked else {
            continue; // nothing acknowledged for this task
        };
        let task_page = get_ok(&addr, &format!("/tasks/{task}"), &supervisor_cookie);
        if let Some(text) = &log.submitted {
            assert!(
                task_page.contains(text.as_str()),
                "acknowledged submission {text:?} lost on task {task}"
            );
            continue;
        }
        let form_page = get_ok(&addr, &format!("/tasks/{task}/report"), cookie_of[task]);
        let found = [Some(acked_text), log.in_flight.as_ref()]
            .into_iter()
            .flatten()
            .any(|t| form_page.contains(t.as_str()) || task_page.contains(t.as_str()));
        assert!(
            found,
            "acknowledged draft {acked_text:?} (or the write in flight {:?}) lost on task {task}",
            log.in_flight
        );
    }
    drop(server);

    let out = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["audit", "verify", "--data-dir"])
        .arg(&dir)
        .env_remove("DUBAN_DATABASE_URL")
        .env_remove("DUBAN_DATA_DIR")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "audit verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "crash test: {task_count} tasks, {acked} of {planned} writes acknowledged \
         ({submitted} submissions, {in_flight} in flight) before SIGKILL; {:.1} s in all",
        began.elapsed().as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
