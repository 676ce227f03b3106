//! The core loop in a real browser: headless Chromium, driven through chromedriver's W3C
//! WebDriver HTTP API by a small client written here (std `TcpStream` + serde_json), against the
//! real `duban serve` over a fresh data directory with the demo loaded.
//!
//! 督查室 imports a plan, assigns and publishes it → the 责任科室 saves a draft and reports → the
//! 督查室 returns it → the unit reports again → the 督查室 accepts → the unit asks for 办结 → the
//! task's leader approves → the task is 已办结. Then the weekly meeting: the 督查室 creates it (the
//! agenda composed from the demo's live state) → records a new task as an item's outcome → issues
//! a 督办单 on it → the unit finds the task in its workbench and signs and answers the notice.
//! Each step leaves a screenshot in `target/e2e/`.
//!
//! Needs /usr/bin/chromium and /usr/bin/chromedriver (`scripts/test` installs them). Without them
//! the test fails when `CI` is set and is skipped otherwise.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const SHOTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/e2e");
/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long to wait for an element or a page to show up.
const WAIT: Duration = Duration::from_secs(10);

/// The plan the 督查室 uploads: two 工程, three tasks. The first task names 基建科, which the
/// bulk edit changes to 基础教育科; the 工程 rows name no unit, so publishing is refused until
/// they get one.
const PLAN: &str = "松川区教育局2026年工作要点

一、学位供给扩容工程
1.加快中小学新建扩建步伐。全年新增公办学位600个，松川路小学秋季开学前投入使用。（牵头单位：基建科）
2.优化招生入学服务。全面推行网上报名，做到入学政策一网查询、入学材料一次提交。

二、督导评估提升工程
1.开展学校发展性督导。年内完成对25所中小学的发展性督导评估，反馈问题整改率达到100%。
";
/// The title the importer gives the task the loop follows.
const TASK: &str = "加快中小学新建扩建步伐";

/// A temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("duban-it-e2e-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process killed (and reaped) when dropped, on every path including panics.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 request with a JSON body to `addr`; the status and the JSON answer.
fn http_json(addr: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    try_http_json(addr, method, path, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

fn try_http_json(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let content = if method == "GET" || method == "DELETE" {
        String::new()
    } else {
        format!(
            "Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n",
            body.len()
        )
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{content}\r\n{body}"
    )
    .map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open: read the head, then Content-Length bytes.
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).map_err(|e| e.to_string())?;
        if n == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let status = head
        .lines()
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line in {head:?}"))?;
    let length = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())?
    });
    let mut raw = Vec::new();
    match length {
        Some(n) => {
            raw.resize(n, 0);
            reader.read_exact(&mut raw).map_err(|e| e.to_string())?;
        }
        None => {
            reader.read_to_end(&mut raw).map_err(|e| e.to_string())?;
        }
    }
    let body = String::from_utf8_lossy(&raw).into_owned();
    let value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    Ok((status, value))
}

/// Standard base64 (the screenshot PNGs).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for six in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(six);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    out
}

/// A free local port (bound, then released for chromedriver to take).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    listener
        .local_addr()
        .unwrap_or_else(|e| panic!("{e}"))
        .port()
}

/// A chromedriver session on a headless Chromium. Dropping it ends the session (which quits the
/// browser), then kills chromedriver.
struct Browser {
    /// chromedriver's address.
    driver: String,
    session: String,
    /// duban's base URL.
    base: String,
    /// Steps taken so far, for the screenshot names.
    shots: usize,
    started: Instant,
    _chromedriver: Process,
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let path = format!("/session/{}", self.session);
            let _ = try_http_json(&self.driver, "DELETE", &path, None);
        }
    }
}

impl Browser {
    /// Starts chromedriver and a session; `base` is set once the server runs.
    fn start(profile: &Path) -> Browser {
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {CHROMEDRIVER}: {e}"));
        let mut browser = Browser {
            driver: format!("127.0.0.1:{port}"),
            session: String::new(),
            base: String::new(),
            shots: 0,
            started: Instant::now(),
            _chromedriver: Process(child),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = try_http_json(&browser.driver, "GET", "/status", None)
                .is_ok_and(|(_, status)| status["value"]["ready"] == json!(true));
            if ready {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver not ready");
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    format!("--user-data-dir={}", profile.display()),
                    "--window-size=1280,1600", "--lang=zh-CN",
                ],
            },
        }}});
        let (status, answer) = http_json(&browser.driver, "POST", "/session", Some(&capabilities));
        assert_eq!(status, 200, "cannot start Chromium: {answer}");
        browser.session = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {answer}"))
            .to_owned();
        browser
    }

    /// A WebDriver command on the session; its `value`, or the error when `status` is not 200.
    fn try_cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, Value> {
        let path = format!("/session/{}{path}", self.session);
        let body = body.or_else(|| (method == "POST").then(|| json!({})));
        let (status, mut answer) = try_http_json(&self.driver, method, &path, body.as_ref())
            .map_err(|e| json!({ "error": e }))?;
        let value = answer["value"].take();
        if status == 200 { Ok(value) } else { Err(value) }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_cmd(method, path, body)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}\non {}", self.where_am_i()))
    }

    /// The current URL and the start of the page text, for failure messages.
    fn where_am_i(&self) -> String {
        let url = self.try_cmd("GET", "/url", None).unwrap_or_default();
        let text = self
            .try_cmd(
                "POST",
                "/execute/sync",
                Some(json!({"script": "return document.body ? document.body.innerText : ''", "args": []})),
            )
            .unwrap_or_default();
        let text: String = text.as_str().unwrap_or("").chars().take(1500).collect();
        format!("{url}\n---\n{text}\n---")
    }

    fn goto(&self, path: &str) {
        self.cmd(
            "POST",
            "/url",
            Some(json!({"url": format!("{}{path}", self.base)})),
        );
    }

    /// The path (and query) of the current page.
    fn path(&self) -> String {
        let url = self.cmd("GET", "/url", None);
        let url = url.as_str().unwrap_or("");
        url.strip_prefix(&self.base).unwrap_or(url).to_owned()
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        let found = self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        element_ids(&found)
    }

    /// The first element matching `css`, waiting for it to appear.
    fn find(&self, css: &str) -> String {
        self.wait(&format!("an element {css}"), || {
            self.find_all(css).into_iter().next()
        })
    }

    /// The elements matching `css` inside `parent`.
    fn find_in(&self, parent: &str, css: &str) -> Vec<String> {
        let found = self.cmd(
            "POST",
            &format!("/element/{parent}/elements"),
            Some(json!({"using": "css selector", "value": css})),
        );
        element_ids(&found)
    }

    /// Polls `probe` until it gives something (at most [`WAIT`]).
    fn wait<T>(&self, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(found) = probe() {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "waited {WAIT:?} for {what}; page: {}",
                self.where_am_i()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the page's path starts with `prefix`.
    fn wait_path(&self, prefix: &str) -> String {
        self.wait(&format!("a page at {prefix}"), || {
            let path = self.path();
            path.starts_with(prefix).then_some(path)
        })
    }

    fn click(&self, element: &str) {
        self.cmd("POST", &format!("/element/{element}/click"), None);
    }

    fn click_css(&self, css: &str) {
        let element = self.find(css);
        self.click(&element);
    }

    /// Clears a field and types `text` into it.
    fn fill(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.cmd("POST", &format!("/element/{element}/clear"), None);
        self.cmd(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// An element's visible text. An element that went stale because the page moved on (a
    /// redirect landing while we look) reads as empty, so the waits around it simply look again.
    fn text(&self, element: &str) -> String {
        match self.try_cmd("GET", &format!("/element/{element}/text"), None) {
            Ok(text) => text.as_str().unwrap_or("").to_owned(),
            Err(e) if e["error"] == "stale element reference" => String::new(),
            Err(e) => panic!("WebDriver text of {element}: {e}\non {}", self.where_am_i()),
        }
    }

    fn text_of(&self, css: &str) -> String {
        let element = self.find(css);
        self.text(&element)
    }

    /// A DOM property (`value`, `checked`, …) of an element, as text.
    fn property(&self, element: &str, name: &str) -> String {
        match self.cmd("GET", &format!("/element/{element}/property/{name}"), None) {
            Value::String(s) => s,
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }

    fn script(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// The whole visible text of the page.
    fn page_text(&self) -> String {
        self.text_of("body")
    }

    /// Picks the option showing `label` in the `<select>` matching `css`.
    fn select(&self, css: &str, label: &str) {
        let select = self.find(css);
        let option = self
            .find_in(&select, "option")
            .into_iter()
            .find(|o| self.text(o).trim() == label)
            .unwrap_or_else(|| panic!("no option {label} in {css}"));
        self.click(&option);
        assert_eq!(self.property(&option, "selected"), "true", "{css} {label}");
    }

    /// Saves a screenshot of the viewport as `target/e2e/NN-name.png`.
    fn shot(&mut self, name: &str) {
        self.shots += 1;
        let png = self.cmd("GET", "/screenshot", None);
        let bytes = base64_decode(png.as_str().unwrap_or(""));
        assert!(bytes.starts_with(b"\x89PNG"), "screenshot {name} is no PNG");
        let path = Path::new(SHOTS).join(format!("{:02}-{name}.png", self.shots));
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let at = self.started.elapsed().as_secs_f64();
        eprintln!("e2e {at:5.1} s  {}", path.display());
    }

    fn login(&self, username: &str, password: &str) {
        self.goto("/login");
        self.fill("#username", username);
        self.fill("#password", password);
        self.click_css("#login-submit");
        self.wait(&format!("{username} signed in"), || {
            self.find_all("#logout").into_iter().next()
        });
    }

    fn logout(&self) {
        self.click_css("#logout");
        self.wait_path("/login");
    }

    /// The first element matching `css` whose text contains `needle`.
    fn find_with_text(&self, css: &str, needle: &str) -> String {
        self.wait(&format!("{css} showing {needle}"), || {
            self.find_all(css)
                .into_iter()
                .find(|e| self.text(e).contains(needle))
        })
    }
}

fn element_ids(found: &Value) -> Vec<String> {
    found
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|e| e[ELEMENT].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `username → password` from the demo's `demo-logins.txt`.
fn password(dir: &Path, username: &str) -> String {
    let logins = std::fs::read_to_string(dir.join("demo-logins.txt"))
        .unwrap_or_else(|e| panic!("demo-logins.txt: {e}"));
    logins
        .lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&username))
        .and_then(|f| f.get(1).map(|p| (*p).to_owned()))
        .unwrap_or_else(|| panic!("no {username} in {logins}"))
}

/// Whether the browser is installed; without it the test fails in CI and is skipped elsewhere.
fn browser_installed() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    assert!(
        !ci,
        "the browser test needs {} (Debian packages chromium and chromium-driver; scripts/test \
         installs them)",
        missing.join(" and ")
    );
    eprintln!(
        "skipping the browser test: {} not installed (apt-get install chromium chromium-driver)",
        missing.join(" and ")
    );
    false
}

#[test]
fn a_plan_goes_from_import_to_completion_in_a_real_browser() {
    if !browser_installed() {
        return;
    }
    let started = Instant::now();
    std::fs::create_dir_all(SHOTS).unwrap_or_else(|e| panic!("{SHOTS}: {e}"));
    let tmp = TempDir::new();
    let data = tmp.0.join("data");
    let profile = tmp.0.join("chromium-profile");
    let plan_file = tmp.0.join("松川区教育局2026年工作要点.txt");
    std::fs::write(&plan_file, PLAN).unwrap_or_else(|e| panic!("{e}"));
    // Chromium starts while the server loads the demo.
    let (_server, mut b) = std::thread::scope(|s| {
        let browser = s.spawn(|| Browser::start(&profile));
        let server = crate::support::start_server(&data, &[]);
        let addr = server.addr.clone();
        let mut browser = browser
            .join()
            .unwrap_or_else(|_| panic!("Chromium did not start"));
        browser.base = format!("http://{addr}");
        (server, browser)
    });
    let pass = |user: &str| password(&data, user);

    // 1. The 督查室 signs in.
    b.goto("/");
    b.wait_path("/login");
    b.fill("#username", "duchashi");
    b.fill("#password", &pass("duchashi"));
    b.shot("login");
    b.click_css("#login-submit");
    b.find("#logout");
    assert!(b.page_text().contains("督查室李明"), "{}", b.where_am_i());

    // 2. Imports the plan: the drafts land in the 任务分解表.
    b.goto("/plans");
    let file = b.find("#plan-file");
    b.cmd(
        "POST",
        &format!("/element/{file}/value"),
        Some(json!({ "text": plan_file.display().to_string() })),
    );
    assert!(!b.property(&b.find("#plan-start"), "value").is_empty());
    assert!(!b.property(&b.find("#plan-due"), "value").is_empty());
    b.click_css("#import-submit");
    let plan_path = b.wait_path("/plans/");
    let plan_path = plan_path.split('?').next().unwrap_or("").to_owned();
    b.find("#grid");
    let text = b.page_text();
    for expected in [
        "松川区教育局2026年工作要点",
        "计划已导入为任务草稿",
        "任务分解表",
    ] {
        assert!(
            text.contains(expected),
            "no {expected} in {}",
            b.where_am_i()
        );
    }
    assert!(b.text_of("#publish").contains("交办"));
    let rows: Vec<(String, String)> = b
        .find_all("input[name=sel]")
        .iter()
        .map(|sel| {
            let id = b.property(sel, "value");
            let title = b.property(&b.find(&format!("input[name=title_{id}]")), "value");
            (id, title)
        })
        .collect();
    assert_eq!(rows.len(), 5, "2 工程 and 3 tasks: {rows:?}");
    assert!(
        rows.iter().any(|(_, t)| t == "学位供给扩容工程"),
        "{rows:?}"
    );
    let task_id = rows
        .iter()
        .find(|(_, t)| t == TASK)
        .map(|(id, _)| id.clone())
        .unwrap_or_else(|| panic!("no draft {TASK} in {rows:?}"));
    let lead_of = |b: &Browser, id: &str| {
        let select = b.find(&format!("select[name=lead_{id}]"));
        let value = b.property(&select, "value");
        let label = b.script(
            "return arguments[0].selectedOptions[0].textContent",
            json!([{ ELEMENT: select }]),
        );
        (value, label.as_str().unwrap_or("").to_owned())
    };
    assert_eq!(lead_of(&b, &task_id).1, "基建科", "the plan names 基建科");
    // The target is highlighted in the source text.
    let mark = b.find("#grid mark.target");
    assert_eq!(
        b.cmd(
            "GET",
            &format!("/element/{mark}/property/textContent"),
            None
        ),
        json!("新增公办学位600个")
    );
    // Open the task's source text: its target is highlighted.
    b.click_css(&format!(
        "tr:has(input[name=title_{task_id}]) details summary"
    ));
    b.shot("import-preview");

    // Publishing with 工程 rows that have no 责任科室 is refused, after the confirm dialog.
    let unassigned: Vec<String> = rows
        .iter()
        .filter(|(id, _)| lead_of(&b, id).0.is_empty())
        .map(|(id, _)| id.clone())
        .collect();
    assert!(!unassigned.is_empty(), "the 工程 rows name no unit");
    b.click_css("#publish");
    let question = b.wait("the confirm dialog", || {
        b.try_cmd("GET", "/alert/text", None).ok()
    });
    assert_eq!(
        question,
        json!("交办后，任务将对各责任单位可见。确定交办？")
    );
    b.cmd("POST", "/alert/accept", None);
    // The refusal is shown on the grid itself, where the 责任科室 can be filled in.
    let refusal = b.text_of("#form-error");
    assert!(b.find_all("#grid").len() == 1, "the grid stays on screen");
    assert!(refusal.contains("未指定责任科室"), "{refusal}");
    assert!(
        refusal.contains(&format!("还有 {} 项任务", unassigned.len())),
        "{refusal}"
    );
    b.shot("publish-refused");

    // Bulk edit: the task and every row without a unit get 基础教育科; the task gets 周副局长.
    b.goto(&plan_path);
    for id in unassigned.iter().chain([&task_id]) {
        b.click_css(&format!("input[name=sel][value='{id}']"));
    }
    b.select("#bulk-lead", "基础教育科");
    b.select(&format!("select[name=leader_{task_id}]"), "周副局长");
    b.click_css("#save-grid");
    b.find_with_text(".notice", "任务分解表已保存");
    for (id, title) in &rows {
        assert!(
            !lead_of(&b, id).0.is_empty(),
            "{title} still has no 责任科室"
        );
    }
    assert_eq!(lead_of(&b, &task_id).1, "基础教育科");
    b.shot("grid-assigned");

    b.click_css("#publish");
    b.wait("the confirm dialog", || {
        b.try_cmd("GET", "/alert/text", None).ok()
    });
    b.cmd("POST", "/alert/accept", None);
    b.find_with_text(".notice", "已交办");
    assert!(b.find_all("#publish").is_empty(), "nothing left to publish");
    assert_eq!(b.text_of("#draft-count"), "0");
    b.shot("published");
    b.logout();

    // 3. The 基础教育科 finds the task among 我的任务 and reports on it.
    b.login("jichu", &pass("jichu"));
    b.goto("/my");
    let row = b.find_with_text("#my-tasks tbody tr", TASK);
    assert!(b.text(&row).contains("未填报"), "{}", b.text(&row));
    b.shot("my-tasks");
    let fill = b.find_in(&row, "a.fill-report");
    assert_eq!(fill.len(), 1, "a 填报 link on {TASK}");
    b.click(&fill[0]);
    let report_path = format!("/tasks/{task_id}/report");
    b.wait_path(&report_path);
    assert!(b.text_of("h1").contains(TASK));

    // A bad input: 150 % is stopped by the browser (max=100) and, past it, by the server,
    // which keeps what was typed.
    let first_text = "松川路小学主体结构已封顶，正在进行室内装修。";
    b.fill("#progress_text", first_text);
    b.fill("#percent", "150");
    b.click_css("#submit-report");
    assert_eq!(b.path(), report_path, "the browser refuses 150");
    assert_eq!(
        b.script(
            "return document.getElementById('percent').validity.rangeOverflow",
            json!([])
        ),
        json!(true)
    );
    b.script(
        "document.querySelector('#progress_text').form.noValidate = true",
        json!([]),
    );
    b.click_css("#submit-report");
    let error = b.text_of("#form-error");
    assert!(error.contains("完成进度必须在0到100之间"), "{error}");
    assert_eq!(b.property(&b.find("#progress_text"), "value"), first_text);
    assert_eq!(b.property(&b.find("#percent"), "value"), "150");
    b.shot("report-bad-percent");

    // The draft first, then the report.
    b.fill("#percent", "40");
    b.fill("#problems", "装修材料进场比计划晚两周。");
    b.fill("#next_steps", "下月完成教室装修和操场铺设。");
    let value = b.find("input[id^=value_]");
    b.cmd("POST", &format!("/element/{value}/clear"), None);
    b.cmd(
        "POST",
        &format!("/element/{value}/value"),
        Some(json!({"text": "240"})),
    );
    b.click_css("#save-draft");
    b.wait("the draft saved", || {
        b.find_all("#report-state")
            .first()
            .is_some_and(|s| b.text(s) == "草稿")
            .then_some(())
    });
    assert_eq!(b.path(), format!("{report_path}?notice=saved"));
    // The save is confirmed, as every other form is.
    b.find_with_text(".notice", "已保存草稿");
    assert!(b.find_all("#form-error").is_empty());
    assert_eq!(b.property(&b.find("#progress_text"), "value"), first_text);
    assert_eq!(b.property(&b.find("#percent"), "value"), "40");
    b.shot("report-draft");
    b.click_css("#submit-report");
    b.find_with_text(".notice", "已提交，等待督查室审核");
    let row = b.find_with_text("#my-tasks tbody tr", TASK);
    assert!(b.text(&row).contains("已报送"), "{}", b.text(&row));
    b.shot("report-submitted");
    b.logout();

    // 4. The 督查室 returns it with a reason.
    b.login("duchashi", &pass("duchashi"));
    b.goto("/reviews");
    let item = b.find_with_text(".review-item", TASK);
    assert!(b.text(&item).contains(first_text), "{}", b.text(&item));
    let form = b.find_in(&item, "form");
    let action = b.property(&form[0], "action");
    let report_id = action
        .rsplit("/reports/")
        .next()
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no report id in {action}"))
        .to_owned();
    let reason = "请补充新增学位的具体数量和投入使用时间。";
    b.fill(&format!("#comment-{report_id}"), reason);
    b.shot("review-return");
    b.click(&b.find_in(&item, ".return")[0]);
    b.find_with_text(".notice", "已退回");
    b.logout();

    // 5. The unit sees the reason, edits and reports again.
    b.login("jichu", &pass("jichu"));
    b.goto("/my");
    let row = b.find_with_text("#my-tasks tbody tr", TASK);
    assert!(b.text(&row).contains("已退回"), "{}", b.text(&row));
    b.goto(&report_path);
    let shown = b.text_of("#return-reason");
    assert!(shown.contains(reason), "{shown}");
    assert_eq!(b.text_of("#report-state"), "已退回");
    let second_text = "松川路小学新增学位240个已具备使用条件，9月1日投入使用。";
    b.fill("#progress_text", second_text);
    b.fill("#percent", "60");
    b.shot("report-returned");
    b.click_css("#submit-report");
    b.find_with_text(".notice", "已提交");
    b.logout();

    // 6. The 督查室 accepts it.
    b.login("duchashi", &pass("duchashi"));
    b.goto("/reviews");
    let item = b.find_with_text(".review-item", TASK);
    assert!(b.text(&item).contains(second_text), "{}", b.text(&item));
    b.click(&b.find_in(&item, ".accept")[0]);
    b.find_with_text(".notice", "已审核通过");
    assert!(
        !b.page_text().contains(TASK),
        "the accepted report left the queue"
    );
    b.shot("review-accepted");
    b.logout();

    // 7. The unit asks for 办结.
    b.login("jichu", &pass("jichu"));
    b.goto(&format!("/tasks/{task_id}"));
    assert!(b.text_of("#task-status").contains("已交办"));
    let report = b.find_with_text("#reports li", second_text);
    assert!(b.text(&report).contains("已审核"), "{}", b.text(&report));
    b.select("#request-kind", "办结");
    assert_eq!(b.property(&b.find("#request-kind"), "value"), "completion");
    b.fill(
        "#request-reason",
        "新增学位600个全部建成并投入使用，验收材料已归档。",
    );
    b.click_css("#submit-request");
    b.find_with_text(".notice", "申请已提交");
    let request = b.find_with_text("#requests li", "办结申请");
    assert!(b.text(&request).contains("待审批"), "{}", b.text(&request));
    b.shot("completion-requested");
    b.logout();

    // 8. Only the task's leader (周副局长 = leader2) sees the request, and approves it.
    b.login("leader", &pass("leader"));
    b.goto(&format!("/tasks/{task_id}"));
    let leader_row = b.find_with_text("tr", "牵头领导");
    assert!(
        b.text(&leader_row).contains("周副局长"),
        "{}",
        b.text(&leader_row)
    );
    b.goto("/approvals");
    b.find("h1");
    assert!(
        !b.page_text().contains(TASK),
        "王局长 does not lead {TASK}: {}",
        b.where_am_i()
    );
    b.logout();
    b.login("leader2", &pass("leader2"));
    b.goto("/approvals");
    let item = b.find_with_text(".approval-item", TASK);
    assert!(b.text(&item).contains("办结申请"), "{}", b.text(&item));
    b.shot("approval");
    b.click(&b.find_in(&item, ".approve")[0]);
    b.find_with_text(".notice", "已同意");
    b.goto(&format!("/tasks/{task_id}"));
    assert!(
        b.text_of("#task-status").contains("已办结"),
        "{}",
        b.where_am_i()
    );
    let request = b.find_with_text("#requests li", "办结申请");
    assert!(b.text(&request).contains("已同意"), "{}", b.text(&request));
    b.shot("task-completed");
    b.logout();

    // 9. The weekly meeting: the 督查室 creates it, the agenda is composed from the demo's
    //    live state, and an item's outcome is a new task for 基础教育科.
    b.login("duchashi", &pass("duchashi"));
    b.goto("/meetings");
    b.click_css("#new-meeting button[type=submit]");
    let meeting_path = b.wait_path("/meetings/");
    b.find_with_text(".notice", "议题已按当前情况自动生成");
    let items = b.find_all("#agenda article.agenda-item");
    assert!(!items.is_empty(), "an empty agenda: {}", b.where_am_i());
    let red = b.find_all("#agenda article.agenda-item[data-source=red]");
    assert!(!red.is_empty(), "the demo has red tasks on the agenda");
    b.shot("meeting-agenda");
    let first = items[0].clone();
    b.click(&b.find_in(&first, "details summary")[0]);
    let form = b.find_in(&first, "form.outcome-form")[0].clone();
    let kind = b.find_in(&form, "select[name=kind]")[0].clone();
    let new_task_option = b
        .find_in(&kind, "option")
        .into_iter()
        .find(|o| b.property(o, "value") == "new_task")
        .unwrap_or_else(|| panic!("no new_task option"));
    b.click(&new_task_option);
    let decided = "组织开展校园食品安全专项检查";
    let text = b.find_in(&form, "textarea[name=text]")[0].clone();
    b.cmd(
        "POST",
        &format!("/element/{text}/value"),
        Some(json!({ "text": decided })),
    );
    let lead = b.find_in(&form, "select[name=lead_unit]")[0].clone();
    let option = b
        .find_in(&lead, "option")
        .into_iter()
        .find(|o| b.text(o).trim() == "基础教育科")
        .unwrap_or_else(|| panic!("no 基础教育科 option"));
    b.click(&option);
    let due = b.find_in(&form, "input[name=due]")[0].clone();
    let due_day = (chrono::Utc::now() + chrono::Duration::days(20))
        .format("%Y-%m-%d")
        .to_string();
    b.script(
        "arguments[0].value = arguments[1]",
        json!([{ ELEMENT: due }, due_day]),
    );
    b.click(&b.find_in(&form, "button[type=submit]")[0]);
    b.find_with_text(".notice", "议定结果已记录");
    let link = b.find_with_text("a.new-task", "查看新增任务");
    let new_task_path = b.property(&link, "pathname");
    assert!(new_task_path.starts_with("/tasks/"), "{new_task_path}");
    b.find_with_text("#decided", decided);
    b.shot("meeting-outcome");

    // 10. The 督查室 issues a 督办单 on the new task.
    b.goto(&new_task_path);
    b.click_css("#task-notices details summary");
    b.fill(
        "#issue-notice textarea[name=facts]",
        "请于本周内制定检查方案并报督查室。",
    );
    b.click_css("#issue-notice button[type=submit]");
    b.wait_path("/notices/");
    b.find_with_text(".notice", "督办单已下发");
    let number = b.text_of("#notice-number");
    assert!(number.starts_with("督〔"), "{number}");
    b.shot("notice-issued");
    b.goto(&meeting_path);
    b.logout();

    // 11. 基础教育科 finds the new task in its workbench and signs and answers the notice.
    b.login("jichu", &pass("jichu"));
    b.goto("/my");
    b.find_with_text("#my-tasks tbody tr", decided);
    let notice_link = b.find_with_text("#my-notices a", &number);
    b.shot("workbench-notice");
    b.click(&notice_link);
    b.wait_path("/notices/");
    b.click_css("#sign-notice");
    b.find_with_text(".notice", "已签收");
    assert!(b.text_of("#notice-signed").contains("签收"));
    b.fill(
        "#answer-notice textarea[name=answer]",
        "已制定检查方案，下周一起开展检查。",
    );
    b.click_css("#answer-notice button[type=submit]");
    b.find_with_text(".notice", "已反馈");
    assert_eq!(b.text_of("#notice-state"), "已反馈");
    b.shot("notice-answered");
    b.logout();

    drop(b);
    eprintln!(
        "browser loop done in {:.1} s; screenshots in {SHOTS}",
        started.elapsed().as_secs_f64()
    );
}
