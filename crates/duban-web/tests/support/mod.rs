//! What the web tests share: a seeded SQLite store in a temporary directory, the app served on
//! 127.0.0.1:0 by its own tokio runtime, and a tiny blocking HTTP/1.1 client over
//! `std::net::TcpStream` that keeps the session cookie and the page's CSRF token.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::{Duration as Days, NaiveDate, Utc};
use duban_core::access::Actor;
use duban_core::org::{NewOrgUnit, NewUser, OrgUnitId, OrgUnitKind, Role, UserId};
use duban_core::service::reports::{ReportInput, save_report};
use duban_core::service::{Ctx, requests};
use duban_core::store::{RequestFilter, Store, TaskFilter};
use duban_core::tasks::{
    CadenceSettings, Frequency, NewPlan, NewRequest, NewTask, PlanId, ReportId, RequestId, TaskId,
    local_date,
};
use duban_web::{AppState, WebSettings};

/// The password of every seeded user.
pub const PASSWORD: &str = "Qinghe-2026";
/// The title of the published task everyone in the matrix acts on.
pub const T1_TITLE: &str = "建成智慧校园示范校10所";

/// Who is asking: one column of the authorisation matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// 管理员.
    Admin,
    /// 局领导 (牵头领导 of every seeded task).
    Leader,
    /// 督查室.
    Supervisor,
    /// A user of the lead unit (基础教育科).
    Lead,
    /// A user of the co-unit (教研室).
    Co,
    /// A user of a unit with nothing to do with the tasks (体卫艺科).
    Other,
    /// 只读.
    Viewer,
    /// Nobody signed in.
    Anon,
}

impl Who {
    /// Every column, in the order of the matrix.
    pub const ALL: [Who; 8] = [
        Who::Admin,
        Who::Leader,
        Who::Supervisor,
        Who::Lead,
        Who::Co,
        Who::Other,
        Who::Viewer,
        Who::Anon,
    ];

    /// The login name.
    pub fn username(self) -> &'static str {
        match self {
            Who::Admin => "admin",
            Who::Leader => "leader",
            Who::Supervisor => "supervisor",
            Who::Lead => "unit-a",
            Who::Co => "unit-b",
            Who::Other => "unit-c",
            Who::Viewer => "viewer",
            Who::Anon => "",
        }
    }
}

/// The ids of everything seeded.
#[derive(Debug, Clone)]
pub struct World {
    /// 基础教育科 (lead unit of t1–t3).
    pub unit_a: OrgUnitId,
    /// User ids by [`Who`] (Anon has none).
    pub users: Vec<(Who, UserId)>,
    /// The published plan.
    pub p1: PlanId,
    /// The plan still in draft.
    pub p2: PlanId,
    /// Published task without reports.
    pub t1: TaskId,
    /// Published task with a submitted report (`r2`).
    pub t2: TaskId,
    /// Published task with a submitted report (`r3`) and a pending 办结 request (`q3`).
    pub t3: TaskId,
    /// The draft task of `p2`.
    pub d1: TaskId,
    /// Submitted report of `t2`.
    pub r2: ReportId,
    /// Submitted report of `t3`.
    pub r3: ReportId,
    /// Pending completion request of `t3`.
    pub q3: RequestId,
    /// The seeded tasks' due date.
    pub due: NaiveDate,
}

impl World {
    /// The user id of `who`.
    pub fn user(&self, who: Who) -> UserId {
        self.users
            .iter()
            .find(|(w, _)| *w == who)
            .map(|(_, id)| *id)
            .unwrap_or_else(|| panic!("no user for {who:?}"))
    }

    /// Replaces `{t1}`, `{p2}`, `{unit_a}`, `{due+30}`… in a path, form value or location.
    pub fn fill(&self, text: &str) -> String {
        let later = self.due + Days::days(30);
        [
            ("{t1}", self.t1.0.to_string()),
            ("{t2}", self.t2.0.to_string()),
            ("{t3}", self.t3.0.to_string()),
            ("{d1}", self.d1.0.to_string()),
            ("{p1}", self.p1.0.to_string()),
            ("{p2}", self.p2.0.to_string()),
            ("{r2}", self.r2.0.to_string()),
            ("{r3}", self.r3.0.to_string()),
            ("{q3}", self.q3.0.to_string()),
            ("{unit_a}", self.unit_a.0.to_string()),
            ("{due+30}", later.format("%Y-%m-%d").to_string()),
        ]
        .iter()
        .fold(text.to_owned(), |t, (k, v)| t.replace(k, v))
    }
}

/// The argon2id hash of [`PASSWORD`], computed once (argon2 is slow in a debug build).
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| duban_web::auth::hash_password(PASSWORD).unwrap())
}

/// A running app over a seeded store; stopped when dropped.
pub struct App {
    /// The runtime serving the app (also used to read the store from the tests).
    pub rt: tokio::runtime::Runtime,
    /// Where it listens.
    pub addr: SocketAddr,
    /// The store behind it.
    pub store: Arc<dyn Store>,
    /// What was seeded.
    pub w: World,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// The data directory (kept alive as long as the app).
    pub dir: tempfile::TempDir,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl App {
    /// Seeds a store and serves the app with default settings.
    pub fn start() -> Self {
        Self::start_with(|_| {})
    }

    /// Seeds a store and serves the app with settings adjusted by `adjust`.
    pub fn start_with(adjust: impl FnOnce(&mut WebSettings)) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("duban.db").display());
        let store = rt.block_on(duban_store::connect(&url)).unwrap();
        let w = rt.block_on(seed(store.as_ref()));
        let mut settings = WebSettings::new(dir.path());
        adjust(&mut settings);
        let state = AppState::new(store.clone(), settings);
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        rt.spawn(duban_web::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        Self {
            rt,
            addr,
            store,
            w,
            stop: Some(stop),
            dir,
        }
    }

    /// A client with no session.
    pub fn anon(&self) -> Client {
        Client {
            addr: self.addr,
            cookie: None,
            csrf: String::new(),
        }
    }

    /// Signs `who` in over HTTP and reads the CSRF token from the dashboard.
    pub fn login(&self, who: Who) -> Client {
        let mut c = self.anon();
        if who == Who::Anon {
            return c;
        }
        let r = c.post_form(
            "/login",
            &[("username", who.username()), ("password", PASSWORD)],
        );
        assert_eq!(r.status, 303, "login of {who:?}: {}", r.body);
        c.cookie = Some(
            r.session_cookie()
                .unwrap_or_else(|| panic!("no cookie for {who:?}")),
        );
        c.refresh_csrf();
        c
    }

    /// Everything the store holds that a request could change, as one comparable string (the
    /// audit trail's length included: every store write appends an event).
    pub fn snapshot(&self) -> String {
        self.rt.block_on(snapshot(self.store.as_ref()))
    }

    /// Runs a store read.
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }
}

async fn snapshot(store: &dyn Store) -> String {
    let mut s = String::new();
    let tasks = store.list_tasks(&TaskFilter::default()).await.unwrap();
    writeln!(s, "{tasks:?}").unwrap();
    for t in &tasks {
        let reports = store.list_reports(t.id).await.unwrap();
        writeln!(s, "{reports:?}").unwrap();
        for r in &reports {
            writeln!(s, "{:?}", store.list_attachments(r.id).await.unwrap()).unwrap();
        }
    }
    let requests = store
        .list_requests(&RequestFilter::default())
        .await
        .unwrap();
    writeln!(s, "{requests:?}").unwrap();
    writeln!(s, "{:?}", store.list_instructions(None).await.unwrap()).unwrap();
    writeln!(s, "{:?}", store.list_users().await.unwrap()).unwrap();
    writeln!(s, "{:?}", store.list_org_units().await.unwrap()).unwrap();
    for id in 1..=20 {
        if let Ok(plan) = store.get_plan(PlanId(id)).await {
            writeln!(s, "{plan:?}").unwrap();
        }
    }
    let audit = store.list_audit_events(0, 1_000_000).await.unwrap();
    writeln!(s, "audit events: {}", audit.len()).unwrap();
    s
}

async fn seed(store: &dyn Store) -> World {
    let unit = |parent, name: &str, kind| NewOrgUnit::parse(parent, name, kind).unwrap();
    let bureau = store
        .insert_org_unit(&unit(None, "青禾区教育局", OrgUnitKind::Bureau), None)
        .await
        .unwrap()
        .id;
    let mut ids = Vec::new();
    for name in ["基础教育科", "教研室", "体卫艺科"] {
        let u = store
            .insert_org_unit(&unit(Some(bureau), name, OrgUnitKind::Department), None)
            .await
            .unwrap();
        ids.push(u.id);
    }
    let (unit_a, unit_b, unit_c) = (ids[0], ids[1], ids[2]); // lead, co, unrelated
    let mut users = Vec::new();
    for (who, name, role, unit) in [
        (Who::Admin, "管理员甲", Role::Admin, None),
        (Who::Leader, "王局长", Role::Leader, None),
        (Who::Supervisor, "督查员乙", Role::Supervisor, None),
        (Who::Lead, "基教科丙", Role::Unit, Some(unit_a)),
        (Who::Co, "教研室丁", Role::Unit, Some(unit_b)),
        (Who::Other, "体卫艺戊", Role::Unit, Some(unit_c)),
        (Who::Viewer, "观察员己", Role::Viewer, None),
    ] {
        let new = NewUser::parse(who.username(), name, role, unit).unwrap();
        let user = store
            .insert_user(&new, password_hash(), None)
            .await
            .unwrap();
        users.push((who, user.id));
    }
    let by = |who: Who| users.iter().find(|(w, _)| *w == who).map(|(_, id)| *id);
    let leader = by(Who::Leader);

    let today = local_date(Utc::now());
    let start = today - Days::days(20);
    let due = today + Days::days(150);
    let task = |title: &str| {
        let mut t = NewTask::new(title, start, due, Frequency::Weekly).unwrap();
        t.lead_unit = Some(unit_a);
        t.co_units = vec![unit_b];
        t.leader = leader;
        t.validated().unwrap()
    };
    let p1 = store
        .insert_plan(
            &NewPlan::new("2026年教育工作要点", Some(2026), "要点.txt", "", "{}").unwrap(),
            None,
        )
        .await
        .unwrap()
        .id;
    let tasks = store
        .insert_tasks(
            p1,
            &[
                task(T1_TITLE),
                task("完成义务教育优质均衡督导评估"),
                task("新建普惠性幼儿园3所"),
            ],
            None,
        )
        .await
        .unwrap();
    store
        .publish_plan(p1, duban_core::tasks::local_date(chrono::Utc::now()), None)
        .await
        .unwrap();
    let p2 = store
        .insert_plan(
            &NewPlan::new("2026年体育工作计划", Some(2026), "体育.txt", "", "{}").unwrap(),
            None,
        )
        .await
        .unwrap()
        .id;
    let d1 = store
        .insert_tasks(p2, &[task("开展校园足球联赛")], None)
        .await
        .unwrap()[0]
        .id;
    let (t1, t2, t3) = (tasks[0].id, tasks[1].id, tasks[2].id);

    // The lead unit has submitted reports on t2 and t3 and asked for 办结 of t3 — through the
    // use cases, as the web app would.
    let cadence = CadenceSettings::default();
    let ctx = Ctx {
        store,
        actor: Actor {
            id: by(Who::Lead).unwrap(),
            role: Role::Unit,
            unit: Some(unit_a),
        },
        now: Utc::now(),
        cadence: &cadence,
        snapshots: None,
    };
    let mut reports = Vec::new();
    for t in [t2, t3] {
        let input = ReportInput {
            task: t,
            progress_text: "已完成方案制定，正在组织实施".into(),
            problems: String::new(),
            next_steps: String::new(),
            percent: 40.0,
            needs_coordination: false,
            values: Vec::new(),
        };
        reports.push(save_report(&ctx, input, true).await.unwrap().id);
    }
    let q3 = requests::request_change(&ctx, &NewRequest::completion(t3, "已全部建成").unwrap())
        .await
        .unwrap()
        .id;
    World {
        unit_a,
        users,
        p1,
        p2,
        t1,
        t2,
        t3,
        d1,
        r2: reports[0],
        r3: reports[1],
        q3,
        due,
    }
}

/// An HTTP response.
#[derive(Debug, Clone)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    /// The body's bytes.
    pub bytes: Vec<u8>,
    /// The body as (lossy) UTF-8.
    pub body: String,
}

impl Resp {
    /// The first header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every `Set-Cookie` value.
    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == "set-cookie")
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The `duban_session=…` pair set by this response, if it sets a non-empty one.
    pub fn session_cookie(&self) -> Option<String> {
        self.set_cookies().into_iter().find_map(|c| {
            let pair = c.split(';').next()?.trim();
            let value = pair.strip_prefix("duban_session=")?;
            (!value.is_empty()).then(|| pair.to_owned())
        })
    }

    /// The `Location` header, or "".
    pub fn location(&self) -> &str {
        self.header("location").unwrap_or("")
    }
}

/// A browser stand-in: the session cookie and the CSRF token of the last page read.
#[derive(Debug, Clone)]
pub struct Client {
    /// Server address.
    pub addr: SocketAddr,
    /// `duban_session=…`, once signed in.
    pub cookie: Option<String>,
    /// The `_csrf` value read from a page.
    pub csrf: String,
}

impl Client {
    /// `GET path`.
    pub fn get(&self, path: &str) -> Resp {
        self.send("GET", path, &[], None)
    }

    /// Reads the CSRF token from the dashboard (every signed-in page carries one).
    pub fn refresh_csrf(&mut self) {
        let page = self.get("/");
        assert_eq!(page.status, 200, "{}", page.body);
        self.csrf = csrf_of(&page.body).unwrap_or_else(|| panic!("no _csrf in {}", page.body));
    }

    /// `POST path` with a url-encoded form of `fields` plus this session's `_csrf`.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &self.csrf)];
        all.extend_from_slice(fields);
        self.post_form(path, &all)
    }

    /// `POST path` with exactly these form fields (no token added).
    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        self.post_form_with(path, fields, &[])
    }

    /// `POST path` with exactly these form fields and extra headers.
    pub fn post_form_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Resp {
        let body = form_encode(fields);
        let mut h = vec![("Content-Type", "application/x-www-form-urlencoded")];
        h.extend_from_slice(headers);
        self.send("POST", path, &h, Some(body.as_bytes()))
    }

    /// `POST path` as `multipart/form-data` with text `fields` and one file.
    pub fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        file: &[u8],
    ) -> Resp {
        let boundary = "----dubanTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (k, v) in fields {
            write!(
                body,
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            )
            .unwrap();
        }
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .unwrap();
        body.extend_from_slice(file);
        write!(body, "\r\n--{boundary}--\r\n").unwrap();
        let ct = format!("multipart/form-data; boundary={boundary}");
        self.send("POST", path, &[("Content-Type", &ct)], Some(&body))
    }

    /// One request on a fresh connection (`Connection: close`), read to the end.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Resp {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        if let Some(c) = &self.cookie {
            write!(head, "Cookie: {c}\r\n").unwrap();
        }
        for (k, v) in headers {
            write!(head, "{k}: {v}\r\n").unwrap();
        }
        if let Some(b) = body {
            write!(head, "Content-Length: {}\r\n", b.len()).unwrap();
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        out.extend_from_slice(body.unwrap_or_default());
        // The server may answer (and close) before reading a refused body: keep what it said.
        let _ = stream.write_all(&out);
        let mut raw = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => raw.extend_from_slice(&buf[..n]),
                Err(e) if !raw.is_empty() => {
                    eprintln!("read ended with {e} after {} bytes", raw.len());
                    break;
                }
                Err(e) => panic!("{method} {path}: {e}"),
            }
        }
        parse(&raw).unwrap_or_else(|| panic!("{method} {path}: bad response {raw:?}"))
    }
}

fn parse(raw: &[u8]) -> Option<Resp> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut bytes = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        bytes = dechunk(&bytes)?;
    }
    let body = String::from_utf8_lossy(&bytes).into_owned();
    Some(Resp {
        status,
        headers,
        bytes,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// `application/x-www-form-urlencoded`.
pub fn form_encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes everything but unreserved characters.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the first `name="_csrf"` hidden input of a page.
pub fn csrf_of(body: &str) -> Option<String> {
    let at = body.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    let rest = &body[at..];
    Some(rest[..rest.find('"')?].to_owned())
}
