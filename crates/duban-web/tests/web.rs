//! The web app over real HTTP: a seeded SQLite store in a temporary directory, `duban_web::serve`
//! on 127.0.0.1:0, and a small HTTP/1.1 client (see `support`). Covers the authorisation matrix
//! (every role × every page and form), sign-in and request protection, bad input, the security
//! headers and evidence files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[path = "followup/mod.rs"]
mod followup;

use duban_core::store::{RequestFilter, TaskFilter};
use duban_core::tasks::{ReportState, RequestState, TaskStatus};
use support::{App, Client, Resp, T1_TITLE, Who};

/// The message of a 403 refusal page.
const FORBIDDEN: &str = "您没有权限执行此操作";
/// The message of a 404 page (missing, or not the caller's to see).
const NOT_FOUND: &str = "找不到该记录，或您无权查看";

/// What one cell of the matrix expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exp {
    /// Allowed: a GET renders its page (200, the expected `<title>`); a POST redirects (303) to
    /// the expected success location.
    Y,
    /// Refused with the 403 page.
    F,
    /// Refused with the 404 page (same as a missing id).
    N,
    /// Not signed in: redirected to the login page.
    L,
}
use Exp::{F, L, N, Y};

/// One row: a request and what each role gets.
struct Row {
    method: &'static str,
    /// With `{t1}`-style placeholders (see `World::fill`).
    path: &'static str,
    form: &'static [(&'static str, &'static str)],
    /// GET: the page title; POST: the `Location` of success.
    ok: &'static str,
    /// Admin, Leader, Supervisor, Lead unit, Co-unit, Other unit, Viewer, Anonymous.
    expect: [Exp; 8],
}

const fn get(path: &'static str, ok: &'static str, expect: [Exp; 8]) -> Row {
    Row {
        method: "GET",
        path,
        form: &[],
        ok,
        expect,
    }
}

const fn post(
    path: &'static str,
    form: &'static [(&'static str, &'static str)],
    ok: &'static str,
    expect: [Exp; 8],
) -> Row {
    Row {
        method: "POST",
        path,
        form,
        ok,
        expect,
    }
}

/// The whole matrix. t1–t3 are published tasks led by unit A (Lead) with unit B (Co) working
/// with it and the Leader as 牵头领导; unit C (Other) has nothing to do with them. d1 is a draft
/// of plan p2; r2/r3 are submitted reports of t2/t3; q3 a pending 办结 request of t3.
/// The POST rows run in this order; in each row the refused roles go first, and the store must
/// be unchanged after each of them.
#[rustfmt::skip]
const MATRIX: &[Row] = &[
    //                                                                Adm Ldr Sup Lead Co Oth View Anon
    get("/",                    "总览",                               [Y, Y, Y, Y, Y, Y, Y, L]),
    get("/tasks",               "任务清单",                           [Y, Y, Y, Y, Y, Y, Y, L]),
    get("/tasks/{t1}",          T1_TITLE,                             [Y, Y, Y, Y, Y, N, Y, L]),
    get("/tasks/{d1}",          "开展校园足球联赛",                   [Y, Y, Y, N, N, N, N, L]),
    get("/tasks/999999",        "",                                   [N, N, N, N, N, N, N, L]),
    get("/my",                  "我的任务",                           [Y, Y, Y, Y, Y, Y, Y, L]),
    get("/tasks/{t1}/report",   "填报进展",                           [F, F, F, Y, F, N, F, L]),
    get("/reviews",             "审核",                               [F, F, Y, F, F, F, F, L]),
    get("/approvals",           "审批",                               [F, Y, F, F, F, F, F, L]),
    get("/plans",               "导入计划",                           [F, F, Y, F, F, F, F, L]),
    get("/plans/{p2}",          "2026年体育工作计划",                 [F, F, Y, F, F, F, F, L]),
    get("/admin",               "用户与组织",                         [Y, F, F, F, F, F, F, L]),
    post("/tasks/{t1}/report",
         &[("progress_text", "已完成10所学校的网络改造"), ("percent", "30"), ("action", "save")],
         "/tasks/{t1}/report?notice=saved",                                        [F, F, F, Y, F, N, F, L]),
    post("/tasks/{t1}/report",
         &[("progress_text", "已完成10所学校的网络改造"), ("percent", "35"), ("action", "submit")],
         "/my?notice=submitted",                                      [F, F, F, Y, F, N, F, L]),
    post("/reports/{r2}/review", &[("decision", "accept"), ("comment", "同意")],
         "/reviews?notice=accepted",                                  [F, F, Y, F, F, N, F, L]),
    post("/reports/{r3}/review", &[("decision", "return"), ("comment", "请补充佐证材料")],
         "/reviews?notice=returned",                                  [F, F, Y, F, F, N, F, L]),
    post("/tasks/{t1}/requests", &[("kind", "completion"), ("reason", "十所学校均已验收")],
         "/tasks/{t1}?notice=requested",                              [F, F, F, Y, F, N, F, L]),
    post("/tasks/{t2}/requests",
         &[("kind", "extension"), ("reason", "评估推迟"), ("new_due", "{due+30}")],
         "/tasks/{t2}?notice=requested",                              [F, F, F, Y, F, N, F, L]),
    post("/requests/{q3}/decide", &[("decision", "approve"), ("comment", "")],
         "/approvals?notice=approved",                                [F, Y, F, F, F, N, F, L]),
    post("/tasks/{t1}/instructions", &[("text", "抓紧推进，月底前见成效")],
         "/tasks/{t1}?notice=instructed",                             [F, Y, F, F, F, N, F, L]),
    post("/plans/{p2}/tasks",
         &[("title_{d1}", "开展校园足球联赛（区级）"), ("lead_{d1}", "{unit_a}"), ("freq_{d1}", "monthly")],
         "/plans/{p2}?notice=edited",                                 [F, F, Y, F, F, F, F, L]),
    post("/plans/{p2}/publish", &[],
         "/plans/{p2}?notice=published",                              [F, F, Y, F, F, F, F, L]),
    post("/admin/users",
         &[("username", "zhangsan"), ("display_name", "张三"), ("role", "viewer"),
           ("unit", ""), ("password", "Zhangsan-2026")],
         "/admin?notice=user_saved",                                  [Y, F, F, F, F, F, F, L]),
];

fn title_of(body: &str) -> &str {
    body.split_once("<title>")
        .and_then(|(_, rest)| rest.split_once(" - 督办</title>"))
        .map(|(t, _)| t)
        .unwrap_or("")
}

/// Checks one response against its cell; `what` names the cell in failures.
fn check_cell(app: &App, row: &Row, exp: Exp, r: &Resp, what: &str) {
    let ok = app.w.fill(row.ok);
    match exp {
        Y if row.method == "GET" => {
            assert_eq!(r.status, 200, "{what}: {}", r.body);
            assert_eq!(title_of(&r.body), ok, "{what}");
        }
        Y => {
            assert_eq!(r.status, 303, "{what}: {}", r.body);
            assert_eq!(r.location(), ok, "{what}");
        }
        F => {
            assert_eq!(r.status, 403, "{what}: {}", r.body);
            assert!(r.body.contains(FORBIDDEN), "{what}: {}", r.body);
            assert!(r.body.contains("无权操作"), "{what}");
        }
        N => {
            assert_eq!(r.status, 404, "{what}: {}", r.body);
            assert!(r.body.contains(NOT_FOUND), "{what}: {}", r.body);
        }
        L => {
            assert_eq!(r.status, 303, "{what}: {}", r.body);
            assert!(
                r.location().starts_with("/login?next="),
                "{what}: {:?}",
                r.location()
            );
        }
    }
}

#[test]
fn every_role_gets_exactly_what_the_matrix_allows_and_refusals_change_nothing() {
    let app = App::start();
    let clients: Vec<(Who, Client)> = Who::ALL.iter().map(|w| (*w, app.login(*w))).collect();
    for row in MATRIX {
        let path = app.w.fill(row.path);
        let form: Vec<(String, String)> = row
            .form
            .iter()
            .map(|(k, v)| (app.w.fill(k), app.w.fill(v)))
            .collect();
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        // Refusals first, so that the allowed write cannot hide a refused one.
        let mut order: Vec<usize> = (0..Who::ALL.len()).collect();
        order.sort_by_key(|i| row.expect[*i] == Y);
        for i in order {
            let (who, client) = &clients[i];
            let exp = row.expect[i];
            let what = format!("{} {} as {who:?}", row.method, row.path);
            let before = app.snapshot();
            let r = match row.method {
                "GET" => client.get(&path),
                _ => client.post(&path, &form),
            };
            check_cell(&app, row, exp, &r, &what);
            let after = app.snapshot();
            if row.method == "POST" && exp == Y {
                assert_ne!(before, after, "{what}: the allowed write changed nothing");
            } else {
                assert_eq!(before, after, "{what}: the store changed");
            }
        }
    }

    // What the allowed writes did.
    let s = app.store.as_ref();
    let w = &app.w;
    let t1_reports = app.block_on(s.list_reports(w.t1)).unwrap();
    assert_eq!(t1_reports.len(), 1);
    assert_eq!(t1_reports[0].state, ReportState::Submitted);
    assert_eq!(t1_reports[0].percent, 35.0);
    assert_eq!(
        app.block_on(s.get_report(w.r2)).unwrap().state,
        ReportState::Accepted
    );
    let r3 = app.block_on(s.get_report(w.r3)).unwrap();
    assert_eq!(r3.state, ReportState::Returned);
    assert_eq!(r3.review_comment.as_deref(), Some("请补充佐证材料"));
    let requests = app
        .block_on(s.list_requests(&RequestFilter::default()))
        .unwrap();
    let pending: Vec<_> = requests
        .iter()
        .filter(|r| r.state == RequestState::Pending)
        .map(|r| r.request.task)
        .collect();
    assert_eq!(pending, vec![w.t1, w.t2]);
    assert_eq!(
        app.block_on(s.get_task(w.t3)).unwrap().status,
        TaskStatus::Completed
    );
    let instructions = app.block_on(s.list_instructions(Some(w.t1))).unwrap();
    assert_eq!(instructions.len(), 1);
    assert_eq!(instructions[0].author, Some(w.user(Who::Leader)));
    let d1 = app.block_on(s.get_task(w.d1)).unwrap();
    assert_eq!(d1.title, "开展校园足球联赛（区级）");
    assert_eq!(d1.status, TaskStatus::Published);
    assert!(app.block_on(s.get_plan(w.p2)).unwrap().published);
    let users = app.block_on(s.list_users()).unwrap();
    assert!(users.iter().any(|u| u.username == "zhangsan"));
}

#[test]
fn unit_users_see_only_their_units_tasks_and_a_guessed_id_looks_missing() {
    let app = App::start();
    for who in [
        Who::Admin,
        Who::Leader,
        Who::Supervisor,
        Who::Lead,
        Who::Co,
        Who::Viewer,
    ] {
        let list = app.login(who).get("/tasks");
        assert_eq!(list.status, 200);
        assert!(list.body.contains(T1_TITLE), "{who:?} should list t1");
    }
    let other = app.login(Who::Other);
    let list = other.get("/tasks");
    assert_eq!(list.status, 200);
    assert!(!list.body.contains(T1_TITLE), "{}", list.body);
    let dash = other.get("/");
    assert!(!dash.body.contains(T1_TITLE), "{}", dash.body);

    // Another unit's task answers exactly like a task that does not exist.
    let w = &app.w;
    for (theirs, missing) in [
        (format!("/tasks/{}", w.t1), "/tasks/999999".to_owned()),
        (
            format!("/tasks/{}/report", w.t1),
            "/tasks/999999/report".to_owned(),
        ),
    ] {
        let a = other.get(&theirs);
        let b = other.get(&missing);
        assert_eq!(a.status, 404);
        assert_eq!((a.status, &a.body), (b.status, &b.body), "{theirs}");
    }
    let before = app.snapshot();
    let a = other.post(
        &format!("/tasks/{}/instructions", w.t1),
        &[("text", "试探")],
    );
    let b = other.post("/tasks/999999/instructions", &[("text", "试探")]);
    assert_eq!(a.status, 404);
    assert_eq!((a.status, &a.body), (b.status, &b.body));
    assert_eq!(before, app.snapshot());
}

// --- Sign-in, sessions, CSRF -------------------------------------------------------------------

#[test]
fn wrong_passwords_are_refused_and_the_sixth_failure_is_throttled() {
    let app = App::start();
    let c = app.anon();
    for attempt in 1..=5 {
        let r = c.post_form(
            "/login",
            &[("username", "leader"), ("password", "wrong-pass-1")],
        );
        assert_eq!(r.status, 401, "attempt {attempt}");
        assert!(r.body.contains("用户名或密码错误"), "{}", r.body);
        assert!(r.session_cookie().is_none());
    }
    let r = c.post_form(
        "/login",
        &[("username", "leader"), ("password", "wrong-pass-1")],
    );
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("登录失败次数过多"), "{}", r.body);
    // Throttled means throttled: even the right password waits.
    let r = c.post_form(
        "/login",
        &[("username", "leader"), ("password", support::PASSWORD)],
    );
    assert_eq!(r.status, 429);
    assert!(r.session_cookie().is_none());
    // An unknown name gets the same answer as a wrong password.
    let r = c.post_form(
        "/login",
        &[("username", "nobody"), ("password", "wrong-pass-1")],
    );
    assert_eq!(r.status, 401);
    assert!(r.body.contains("用户名或密码错误"));
    // Other users are not locked out by someone guessing the leader's password.
    let admin = app.login(Who::Admin);
    assert_eq!(admin.get("/admin").status, 200);
}

#[test]
fn the_session_cookie_is_httponly_and_samesite_lax() {
    let app = App::start();
    let r = app.anon().post_form(
        "/login",
        &[("username", "viewer"), ("password", support::PASSWORD)],
    );
    assert_eq!(r.status, 303);
    let cookie = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("duban_session="))
        .unwrap_or_else(|| panic!("no session cookie: {:?}", r.headers));
    let attrs: Vec<&str> = cookie.split(';').map(str::trim).collect();
    assert!(attrs.contains(&"HttpOnly"), "{cookie}");
    assert!(attrs.contains(&"SameSite=Lax"), "{cookie}");
    assert!(attrs.contains(&"Path=/"), "{cookie}");
    // The token is random and long.
    let token = attrs[0].trim_start_matches("duban_session=");
    assert_eq!(token.len(), 64, "{cookie}");
}

#[test]
fn posts_without_the_right_csrf_token_or_from_another_origin_change_nothing() {
    let app = App::start();
    let leader = app.login(Who::Leader);
    let second_session = app.login(Who::Leader);
    let sup = app.login(Who::Supervisor);
    assert_ne!(second_session.csrf, leader.csrf);
    let path = format!("/tasks/{}/instructions", app.w.t1);
    let before = app.snapshot();
    for (case, fields) in [
        ("no token", vec![("text", "批示一")]),
        (
            "wrong token",
            vec![("_csrf", "0123456789abcdef"), ("text", "批示一")],
        ),
        ("empty token", vec![("_csrf", ""), ("text", "批示一")]),
        // Another session's token is not this session's token.
        (
            "another session's token",
            vec![("_csrf", second_session.csrf.as_str()), ("text", "批示一")],
        ),
    ] {
        let r = leader.post_form(&path, &fields);
        assert_eq!(r.status, 403, "{case}: {}", r.body);
        assert!(
            r.body.contains("表单已过期或来源不明"),
            "{case}: {}",
            r.body
        );
        assert_eq!(before, app.snapshot(), "{case}");
    }
    // A token in the query string of a url-encoded POST counts, so it must be right too.
    let r = leader.post_form(&format!("{path}?_csrf=0123"), &[("text", "批示一")]);
    assert_eq!(r.status, 403);
    // A multipart upload without the token in its query string.
    let r = sup.post_multipart("/plans/import", &[], "计划.txt", "一、工作".as_bytes());
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(before, app.snapshot());
    // A foreign Origin, even with the right token; and a sign-in posted from another site.
    let form = [("_csrf", leader.csrf.as_str()), ("text", "批示一")];
    for origin in [
        "http://evil.example",
        "null",
        &format!("https://{}.evil.example", app.addr),
    ] {
        let r = leader.post_form_with(&path, &form, &[("Origin", origin)]);
        assert_eq!(r.status, 403, "{origin}: {}", r.body);
        assert_eq!(before, app.snapshot(), "{origin}");
    }
    let r = app.anon().post_form_with(
        "/login",
        &[("username", "leader"), ("password", support::PASSWORD)],
        &[("Origin", "https://evil.example")],
    );
    assert_eq!(r.status, 403);
    assert!(r.session_cookie().is_none());
    assert_eq!(before, app.snapshot());
    // The same request from our own origin with the token goes through.
    let own = format!("http://{}", app.addr);
    let r = leader.post_form_with(&path, &form, &[("Origin", &own)]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        app.block_on(app.store.list_instructions(None))
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn after_logout_the_old_cookie_no_longer_works() {
    let app = App::start();
    let c = app.login(Who::Supervisor);
    assert_eq!(c.get("/reviews").status, 200);
    let r = c.post("/logout", &[]);
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/login");
    assert!(
        r.set_cookies()
            .iter()
            .any(|s| s.starts_with("duban_session=;") && s.contains("Max-Age=0")),
        "{:?}",
        r.headers
    );
    // The browser forgot it, but a copy of the old cookie must not work either.
    let r = c.get("/reviews");
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/login?next=/reviews");
    let before = app.snapshot();
    let r = c.post(
        &format!("/reports/{}/review", app.w.r2),
        &[("decision", "accept")],
    );
    assert_eq!(r.status, 303);
    assert!(r.location().starts_with("/login"));
    assert_eq!(before, app.snapshot());
}

#[test]
fn a_password_change_ends_the_old_session() {
    let app = App::start();
    let old = app.login(Who::Lead);
    let other_device = app.login(Who::Lead);
    let r = old.post(
        "/password",
        &[
            ("old_password", support::PASSWORD),
            ("new_password", "Xinmima-2026"),
            ("confirm", "Xinmima-2026"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let mut fresh = old.clone();
    fresh.cookie = Some(r.session_cookie().unwrap());
    assert_ne!(fresh.cookie, old.cookie);
    assert_eq!(fresh.get("/my").status, 200);
    for stale in [&old, &other_device] {
        let r = stale.get("/my");
        assert_eq!(r.status, 303);
        assert!(r.location().starts_with("/login"), "{}", r.location());
    }
    let r = app.anon().post_form(
        "/login",
        &[("username", "unit-a"), ("password", support::PASSWORD)],
    );
    assert_eq!(r.status, 401);
    let r = app.anon().post_form(
        "/login",
        &[("username", "unit-a"), ("password", "Xinmima-2026")],
    );
    assert_eq!(r.status, 303);
    // A wrong old password changes nothing.
    let r = fresh.get("/password");
    fresh.csrf = support::csrf_of(&r.body).unwrap();
    let r = fresh.post(
        "/password",
        &[
            ("old_password", "not-the-password-1"),
            ("new_password", "Another-2026"),
            ("confirm", "Another-2026"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("原密码不正确"), "{}", r.body);
}

#[test]
fn a_deactivated_user_cannot_sign_in_and_loses_their_session() {
    let app = App::start();
    let viewer = app.login(Who::Viewer);
    let admin = app.login(Who::Admin);
    let id = app.w.user(Who::Viewer);
    let r = admin.post(&format!("/admin/users/{id}/active"), &[("active", "0")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let r = viewer.get("/tasks");
    assert_eq!(r.status, 303);
    assert!(r.location().starts_with("/login"));
    let r = app.anon().post_form(
        "/login",
        &[("username", "viewer"), ("password", support::PASSWORD)],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("该账号已停用"), "{}", r.body);
    assert!(r.session_cookie().is_none());
    // Re-activated, they can.
    let r = admin.post(&format!("/admin/users/{id}/active"), &[("active", "1")]);
    assert_eq!(r.status, 303);
    assert_eq!(app.login(Who::Viewer).get("/tasks").status, 200);
}

#[test]
fn sign_in_never_sends_the_browser_to_another_site() {
    let app = App::start();
    for (next, expected) in [
        ("//evil.example", "/"),
        ("//evil.example/tasks", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        ("evil.example", "/"),
        ("/tasks?status=published", "/tasks?status=published"),
    ] {
        let page = app
            .anon()
            .get(&format!("/login?next={}", support::url_encode(next)));
        assert_eq!(page.status, 200);
        let hidden = format!("name=\"next\" value=\"{}\"", expected.replace('&', "&amp;"));
        assert!(page.body.contains(&hidden), "{next}: {}", page.body);
        let r = app.anon().post_form(
            "/login",
            &[
                ("username", "admin"),
                ("password", support::PASSWORD),
                ("next", next),
            ],
        );
        assert_eq!(r.status, 303, "{next}");
        assert_eq!(r.location(), expected, "{next}");
    }
    // Being sent to the login page keeps where the user was going (on this site).
    let r = app.anon().get("/tasks?status=published");
    assert_eq!(r.location(), "/login?next=/tasks%3Fstatus%3Dpublished");
}

// --- Bad input ---------------------------------------------------------------------------------

#[test]
fn bad_report_input_is_refused_in_chinese_and_changes_nothing() {
    let app = App::start();
    let lead = app.login(Who::Lead);
    let path = format!("/tasks/{}/report", app.w.t1);
    let long = "进".repeat(10_000);
    for (case, text, percent, message) in [
        ("negative", "正常进展", "-5", "完成进度必须在0到100之间"),
        ("over 100", "正常进展", "150", "完成进度必须在0到100之间"),
        (
            "not a number",
            "正常进展",
            "abc",
            "完成进度须为0到100之间的数字",
        ),
        ("too long", long.as_str(), "30", "进展情况不能超过5000个字"),
        (
            "script",
            "<script>alert(1)</script>",
            "abc",
            "完成进度须为0到100之间的数字",
        ),
    ] {
        for action in ["save", "submit"] {
            let before = app.snapshot();
            let r = lead.post(
                &path,
                &[
                    ("progress_text", text),
                    ("percent", percent),
                    ("action", action),
                ],
            );
            assert_eq!(r.status, 422, "{case} {action}: {}", r.body);
            assert!(r.body.contains(message), "{case} {action}: {}", r.body);
            assert!(!r.body.contains("<script>alert(1)"), "{case}: not escaped");
            assert_eq!(before, app.snapshot(), "{case} {action}");
        }
    }
    // What was typed comes back, escaped, so nothing is lost.
    let r = lead.post(
        &path,
        &[
            ("progress_text", "<script>alert(1)</script>"),
            ("percent", "abc"),
            ("action", "save"),
        ],
    );
    assert_eq!(
        escaped(&r.body, "<script>alert(1)</script>"),
        1,
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"abc\""), "{}", r.body);
    // The same form with good values is saved (the refusals above were about the values).
    let r = lead.post(
        &path,
        &[
            ("progress_text", "正常进展"),
            ("percent", "50"),
            ("action", "save"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
}

#[test]
fn an_impossible_extension_date_is_refused_and_changes_nothing() {
    let app = App::start();
    let lead = app.login(Who::Lead);
    let path = format!("/tasks/{}/requests", app.w.t1);
    for date in ["2025-02-30", "", "明年"] {
        let before = app.snapshot();
        let r = lead.post(
            &path,
            &[
                ("kind", "extension"),
                ("reason", "场地施工推迟"),
                ("new_due", date),
            ],
        );
        assert_eq!(r.status, 422, "{date}: {}", r.body);
        assert!(
            r.body.contains("请填写有效的延期后完成时限"),
            "{date}: {}",
            r.body
        );
        assert_eq!(before, app.snapshot(), "{date}");
    }
    // A date before the current deadline is refused too, with the reason.
    let before = app.snapshot();
    let r = lead.post(
        &path,
        &[
            ("kind", "extension"),
            ("reason", "场地施工推迟"),
            ("new_due", "2020-01-01"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("须晚于现在的完成时限"), "{}", r.body);
    assert_eq!(before, app.snapshot());
    let r = lead.post(
        &path,
        &[
            ("kind", "extension"),
            ("reason", "场地施工推迟"),
            ("new_due", &app.w.fill("{due+30}")),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
}

/// How often `text` appears HTML-escaped in `body` (`&lt;` or askama's `&#60;`, and the same
/// for `>`, `"`, `'` and `&`).
fn escaped(body: &str, text: &str) -> usize {
    let normal = body
        .replace("&#60;", "&lt;")
        .replace("&#62;", "&gt;")
        .replace("&#34;", "&quot;")
        .replace("&#39;", "&#x27;")
        .replace("&#38;", "&amp;");
    let want = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;");
    normal.matches(&want).count()
}

#[test]
fn script_in_a_report_and_a_instruction_is_shown_escaped() {
    let app = App::start();
    let lead = app.login(Who::Lead);
    let leader = app.login(Who::Leader);
    let script = "<script>alert(1)</script>";
    let t1 = app.w.t1;
    let r = lead.post(
        &format!("/tasks/{t1}/report"),
        &[
            ("progress_text", script),
            ("problems", "<b>x</b>"),
            ("percent", "10"),
            ("action", "submit"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = leader.post(&format!("/tasks/{t1}/instructions"), &[("text", script)]);
    assert_eq!(r.status, 303, "{}", r.body);
    for who in [Who::Supervisor, Who::Lead, Who::Co] {
        let page = app.login(who).get(&format!("/tasks/{t1}"));
        assert_eq!(page.status, 200);
        assert!(!page.body.contains(script), "{who:?}: unescaped script");
        assert!(!page.body.contains("<b>x</b>"), "{who:?}: unescaped markup");
        assert_eq!(
            escaped(&page.body, script),
            2,
            "{who:?}: report and 批示 shown escaped"
        );
    }
    let queue = app.login(Who::Supervisor).get("/reviews");
    assert!(!queue.body.contains(script));
    assert_eq!(escaped(&queue.body, script), 1, "{}", queue.body);
}

fn plan_count(app: &App) -> usize {
    let tasks = app
        .block_on(app.store.list_tasks(&TaskFilter::default()))
        .unwrap();
    let mut plans: Vec<_> = tasks.iter().filter_map(|t| t.plan).collect();
    plans.sort();
    plans.dedup();
    plans.len()
}

#[test]
fn bad_plan_uploads_are_refused_in_chinese_and_store_no_plan() {
    let app = App::start_with(|s| s.max_upload_bytes = 16 * 1024);
    let sup = app.login(Who::Supervisor);
    let path = format!("/plans/import?_csrf={}", sup.csrf);
    let dates = [("start", "2026-01-01"), ("default_due", "2026-12-31")];
    let plan_text = include_str!("../../duban/demo/plan.txt");
    let too_big = plan_text.repeat(3);
    assert!(too_big.len() > 16 * 1024);
    let plans = plan_count(&app);
    for (case, name, bytes, message) in [
        (
            "docx that is not a zip",
            "计划.docx",
            b"this is not a zip".as_slice(),
            "无法导入“计划.docx”",
        ),
        (
            "empty file",
            "计划.txt",
            b"".as_slice(),
            "请选择要上传的文件",
        ),
        (
            "over the limit",
            "计划.txt",
            too_big.as_bytes(),
            "文件过大：最大16KB",
        ),
    ] {
        let before = app.snapshot();
        let r = sup.post_multipart(&path, &dates, name, bytes);
        assert_eq!(r.status, 400, "{case}: {}", r.body);
        assert!(r.body.contains(message), "{case}: {}", r.body);
        assert_eq!(before, app.snapshot(), "{case}");
        assert_eq!(plan_count(&app), plans, "{case}");
    }
    // A bad date is refused in Chinese too.
    let r = sup.post_multipart(
        &path,
        &[("start", "2026-02-30"), ("default_due", "2026-12-31")],
        "计划.txt",
        plan_text.as_bytes(),
    );
    assert_eq!(r.status, 400);
    assert!(r.body.contains("开始日期不是有效日期"), "{}", r.body);
    // The real plan within the limit is imported.
    let r = sup.post_multipart(&path, &dates, "计划.txt", plan_text.as_bytes());
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        r.location().ends_with("?notice=imported"),
        "{}",
        r.location()
    );
    assert_eq!(plan_count(&app), plans + 1);

    // Its tasks show their words inside the plan's own text, and the 督查室 can give them 节点.
    let tasks = app
        .block_on(
            app.store
                .list_tasks(&duban_core::store::TaskFilter::default()),
        )
        .unwrap();
    let task = tasks
        .iter()
        .rev()
        .find(|t| t.parent.is_some() && t.source_start.is_some())
        .expect("an imported task with a source span");
    let page = sup.get(&format!("/tasks/{}", task.id));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(r#"id="task-source""#),
        "no plan context shown"
    );
    let first_words: String = task.text.chars().take(8).collect();
    assert!(
        page.body.contains(&format!("<mark>{first_words}")),
        "the task's span is marked: {first_words}"
    );
    let milestones = format!("/tasks/{}/milestones", task.id);
    let r = sup.post(&milestones, &[("lines", "2026-02-30 招标")]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("第1行"), "{}", r.body);
    let r = sup.post(
        &milestones,
        &[("lines", "2026-09-30 主体封顶\n2026-06-30 完成招标")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let stored = app.block_on(app.store.get_task(task.id)).unwrap();
    let titles: Vec<&str> = stored.milestones.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(titles, ["完成招标", "主体封顶"]);
    // Not a unit's business: the lead unit cannot plan milestones of its own tasks.
    let lead = app.login(Who::Lead);
    let r = lead.post(
        &format!("/tasks/{}/milestones", app.w.t1),
        &[("lines", "2026-09-30 自定节点")],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        app.block_on(app.store.get_task(app.w.t1))
            .unwrap()
            .milestones
            .is_empty()
    );
}

// --- Headers -----------------------------------------------------------------------------------

fn assert_security_headers(r: &Resp, what: &str) {
    let csp = r
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"));
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    assert!(csp.contains("script-src 'self'"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-eval"), "{what}: {csp}");
    assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
}

fn attr_after<'a>(body: &'a str, marker: &str) -> &'a str {
    let at = body.find(marker).unwrap_or_else(|| panic!("no {marker}")) + marker.len();
    let rest = &body[at..];
    &rest[..rest.find('"').unwrap()]
}

#[test]
fn every_page_has_the_security_headers_and_static_files_are_cached_long() {
    let app = App::start();
    let w = &app.w;
    let pages: Vec<(Who, String)> = vec![
        (Who::Anon, "/login".into()),
        (Who::Anon, "/".into()),
        (Who::Anon, "/healthz".into()),
        (Who::Anon, "/no/such/page".into()),
        (Who::Admin, "/".into()),
        (Who::Admin, "/admin".into()),
        (Who::Leader, "/approvals".into()),
        (Who::Leader, format!("/tasks/{}", w.t1)),
        (Who::Supervisor, "/reviews".into()),
        (Who::Supervisor, "/plans".into()),
        (Who::Supervisor, format!("/plans/{}", w.p2)),
        (Who::Lead, "/my".into()),
        (Who::Lead, format!("/tasks/{}/report", w.t1)),
        (Who::Viewer, "/tasks".into()),
        (Who::Viewer, "/admin".into()),
        (Who::Other, format!("/tasks/{}", w.t1)),
        (Who::Lead, "/password".into()),
    ];
    let mut last_page = String::new();
    for (who, path) in &pages {
        let r = app.login(*who).get(path);
        assert_security_headers(&r, &format!("{who:?} {path}"));
        if r.status == 200 && r.body.contains("<link rel=\"stylesheet\"") {
            last_page = r.body.clone();
        }
    }
    // A refused POST carries them too.
    let r = app
        .login(Who::Viewer)
        .post("/admin/users", &[("username", "x")]);
    assert_security_headers(&r, "refused POST");

    let css = attr_after(&last_page, "<link rel=\"stylesheet\" href=\"");
    let js = attr_after(&last_page, "<script src=\"");
    for (url, kind) in [(css, "text/css"), (js, "text/javascript")] {
        let r = app.anon().get(url);
        assert_eq!(r.status, 200, "{url}");
        assert!(
            r.header("content-type").unwrap_or("").starts_with(kind),
            "{url}"
        );
        let cache = r.header("cache-control").unwrap_or("");
        assert!(cache.contains("max-age=31536000"), "{url}: {cache}");
        assert!(cache.contains("immutable"), "{url}: {cache}");
        assert!(!r.bytes.is_empty());
        assert_security_headers(&r, url);
    }
    assert_eq!(app.anon().get("/static/app.00000000.css").status, 404);

    for who in [Who::Anon, Who::Leader] {
        let r = app.login(who).get("/no/such/page");
        assert_eq!(r.status, 404);
        assert!(r.body.contains("页面不存在"), "{}", r.body);
        assert!(
            r.header("content-type")
                .unwrap_or("")
                .starts_with("text/html")
        );
    }
}

// --- Evidence ----------------------------------------------------------------------------------

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

#[test]
fn evidence_is_typed_by_content_and_only_readable_by_those_who_see_the_task() {
    let app = App::start();
    let lead = app.login(Who::Lead);
    let t1 = app.w.t1;
    let r = lead.post(
        &format!("/tasks/{t1}/report"),
        &[
            ("progress_text", "已完成网络改造"),
            ("percent", "20"),
            ("action", "save"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let report = app.block_on(app.store.list_reports(t1)).unwrap()[0].id;
    let upload = format!("/reports/{report}/attachments?_csrf={}", lead.csrf);

    let r = lead.post_multipart(&upload, &[], "现场照片.png", PNG);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), format!("/tasks/{t1}/report?notice=attached"));
    let attachments = app.block_on(app.store.list_attachments(report)).unwrap();
    assert_eq!(attachments.len(), 1);
    let id = attachments[0].id;
    let form = lead.get(&format!("/tasks/{t1}/report"));
    assert!(
        form.body
            .contains(&format!("<a href=\"/attachments/{id}\">现场照片.png</a>")),
        "{}",
        form.body
    );

    // Kept under its SHA-256 in the data directory.
    let stored = app
        .dir
        .path()
        .join("attachments")
        .join(&attachments[0].attachment.sha256);
    assert_eq!(std::fs::read(&stored).unwrap(), PNG);
    let file = lead.get(&format!("/attachments/{id}"));
    assert_eq!(file.status, 200);
    assert_eq!(file.bytes, PNG);
    assert_eq!(file.header("content-type"), Some("image/png"));
    assert!(
        file.header("content-disposition")
            .unwrap_or("")
            .starts_with("attachment")
    );
    assert_security_headers(&file, "attachment");

    // A program renamed .pdf is not evidence.
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.extend_from_slice(&[0u8; 256]);
    let before = app.snapshot();
    let r = lead.post_multipart(&upload, &[], "进展报告.pdf", &exe);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("不支持该文件类型"), "{}", r.body);
    assert_eq!(before, app.snapshot());
    // So is a web page called .txt.
    let r = lead.post_multipart(&upload, &[], "说明.txt", b"<html><script>alert(1)</script>");
    assert_eq!(r.status, 400);
    assert_eq!(before, app.snapshot());

    // Who may read it: those who see the task; another unit gets the same 404 as a missing id.
    for (who, status) in [
        (Who::Co, 200),
        (Who::Supervisor, 200),
        (Who::Viewer, 200),
        (Who::Other, 404),
        (Who::Anon, 303),
    ] {
        let r = app.login(who).get(&format!("/attachments/{id}"));
        assert_eq!(r.status, status, "{who:?}");
        if status == 404 {
            assert!(
                !r.bytes.windows(4).any(|w| w == b"IHDR"),
                "{who:?} got the file"
            );
            assert_eq!(r.body, app.login(who).get("/attachments/999999").body);
        }
    }
    // Another unit cannot add files to the report either, nor a co-unit.
    let other = app.login(Who::Other);
    let co = app.login(Who::Co);
    let before = app.snapshot();
    let r = other.post_multipart(
        &format!("/reports/{report}/attachments?_csrf={}", other.csrf),
        &[],
        "a.png",
        PNG,
    );
    assert_eq!(r.status, 404, "{}", r.body);
    let r = co.post_multipart(
        &format!("/reports/{report}/attachments?_csrf={}", co.csrf),
        &[],
        "a.png",
        PNG,
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(before, app.snapshot());
}

#[test]
fn admin_forms_refuse_non_admins_before_reading_what_they_sent() {
    let app = App::start();
    let target = app.w.user(Who::Viewer);
    let clients: Vec<(Who, Client)> = [Who::Leader, Who::Supervisor, Who::Lead, Who::Viewer]
        .iter()
        .map(|w| (*w, app.login(*w)))
        .collect();
    let before = app.snapshot();
    for (who, c) in &clients {
        for (path, form) in [
            (
                "/admin/users".to_owned(),
                vec![
                    ("username", "x"),
                    ("display_name", ""),
                    ("role", "root"),
                    ("unit", ""),
                    ("password", "1"),
                ],
            ),
            (
                "/admin/users".to_owned(),
                vec![
                    ("username", "mallory"),
                    ("display_name", "某人"),
                    ("role", "admin"),
                    ("unit", ""),
                    ("password", "Mallory-2026"),
                ],
            ),
            (
                format!("/admin/users/{target}"),
                vec![("display_name", "某人"), ("role", "root"), ("unit", "")],
            ),
            (
                format!("/admin/users/{target}/password"),
                vec![("password", "short")],
            ),
            (
                format!("/admin/users/{target}/password"),
                vec![("password", "Mallory-2026")],
            ),
            (
                format!("/admin/users/{target}/active"),
                vec![("active", "0")],
            ),
            (
                "/admin/units".to_owned(),
                vec![("parent", "1"), ("name", ""), ("kind", "castle")],
            ),
        ] {
            let r = c.post(&path, &form);
            assert_eq!(r.status, 403, "{who:?} {path} {form:?}: {}", r.body);
            assert!(r.body.contains(FORBIDDEN), "{who:?} {path}");
        }
    }
    assert_eq!(before, app.snapshot());
    // The admin gets the validation message for the same bad form.
    let admin = app.login(Who::Admin);
    let r = admin.post(
        "/admin/users",
        &[
            ("username", "x"),
            ("display_name", "某人"),
            ("role", "viewer"),
            ("unit", ""),
            ("password", "Mallory-2026"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("用户名长度应为2到32个字符"), "{}", r.body);
}

#[test]
fn the_grid_sets_lead_co_units_and_due_for_the_selected_rows_only() {
    let app = App::start();
    let sup = app.login(Who::Supervisor);
    let d1 = app.w.d1;
    let before = app.block_on(app.store.get_task(d1)).unwrap();
    let units = app.block_on(app.store.list_org_units()).unwrap();
    let other: Vec<String> = units
        .iter()
        .filter(|u| u.id != app.w.unit_a && u.parent.is_some())
        .take(2)
        .map(|u| u.id.to_string())
        .collect();
    let (sel, lead) = (d1.to_string(), app.w.unit_a.to_string());
    let new_due = (before.timeline.due + chrono::Duration::days(30)).to_string();
    let path = format!("/plans/{}/tasks", app.w.p2);
    // Not selected: the bulk values are ignored.
    let r = sup.post(
        &path,
        &[
            ("bulk_co", &other[0]),
            ("bulk_due", &new_due),
            ("lead_{d1}", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let unchanged = app.block_on(app.store.get_task(d1)).unwrap();
    assert_eq!(unchanged.co_units, before.co_units);
    assert_eq!(unchanged.timeline.due, before.timeline.due);
    // Selected: lead, co-units and deadline all change, the lead is never its own co-unit.
    let r = sup.post(
        &path,
        &[
            ("sel", &sel),
            ("bulk_lead", &lead),
            ("bulk_co", &other[0]),
            ("bulk_co", &other[1]),
            ("bulk_co", &lead),
            ("bulk_due", &new_due),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let after = app.block_on(app.store.get_task(d1)).unwrap();
    assert_eq!(after.lead_unit, Some(app.w.unit_a));
    let mut co: Vec<String> = after.co_units.iter().map(|u| u.to_string()).collect();
    co.sort();
    let mut want = other.clone();
    want.sort();
    assert_eq!(co, want);
    assert_eq!(after.timeline.due.to_string(), new_due);
    let page = sup.get(&format!("/plans/{}", app.w.p2));
    assert!(page.body.contains("配合："), "the grid lists the co-units");
}

#[test]
fn the_workbench_lists_the_units_latest_submissions_and_nobody_elses() {
    let app = App::start();
    let t2 = app.block_on(app.store.get_task(app.w.t2)).unwrap();
    let lead = app.login(Who::Lead);
    let page = lead.get("/my");
    assert_eq!(page.status, 200, "{}", page.body);
    let history = page
        .body
        .split(r#"id="my-history""#)
        .nth(1)
        .expect("a 我的报送记录 table");
    assert!(history.contains(&format!("/tasks/{}", t2.id)), "{history}");
    assert!(history.contains("已报送"), "{history}");
    // The co-unit works on the task but did not report it.
    let co = app.login(Who::Co).get("/my");
    assert!(!co.body.contains(r#"id="my-history""#), "{}", co.body);
    assert!(co.body.contains("尚无报送"));
}

#[test]
fn each_report_on_a_task_page_says_whether_it_came_in_on_time() {
    use duban_core::tasks::{
        CadenceSettings, Frequency, NewReport, NewTask, local_date, task_periods,
    };
    let app = App::start();
    let today = local_date(chrono::Utc::now());
    let start = today - chrono::Duration::days(35);
    let mut task = NewTask::new(
        "建成区级教师发展中心",
        start,
        today + chrono::Duration::days(90),
        Frequency::Weekly,
    )
    .unwrap();
    task.lead_unit = Some(app.w.unit_a);
    let task = app
        .block_on(app.store.insert_tasks(app.w.p1, &[task], None))
        .unwrap()
        .remove(0);
    app.block_on(app.store.publish_plan(app.w.p1, start, None))
        .unwrap();
    let task = app.block_on(app.store.get_task(task.id)).unwrap();
    // The same deadlines as the server: its cadence carries the stored holiday calendar.
    let cadence = CadenceSettings {
        calendar: Some(duban_core::calendar::WorkCalendar::new(
            app.block_on(app.store.list_calendar_days()).unwrap(),
        )),
        ..CadenceSettings::default()
    };
    let periods = task_periods(&task.timeline, chrono::Utc::now(), &cadence);
    let past: Vec<_> = periods
        .iter()
        .filter(|p| p.due < chrono::Utc::now())
        .collect();
    assert!(past.len() >= 3, "{past:?}");
    // One report an hour before its deadline, one an hour after.
    for (period, offset) in [(past[0], -1), (past[1], 1)] {
        let report = NewReport::new(
            task.id,
            period.start_date(),
            "按计划推进",
            "",
            "",
            20.0,
            false,
        )
        .unwrap();
        let saved = app
            .block_on(app.store.upsert_report_draft(&report, None))
            .unwrap();
        app.block_on(app.store.submit_report(
            saved.id,
            period.due + chrono::Duration::hours(offset),
            None,
        ))
        .unwrap();
    }
    let page = app
        .login(Who::Supervisor)
        .get(&format!("/tasks/{}", task.id));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.body.matches(r#"class="tag on-time""#).count(),
        1,
        "{}",
        page.body
    );
    assert_eq!(
        page.body.matches(r#"class="tag late""#).count(),
        1,
        "{}",
        page.body
    );
}

#[test]
fn the_review_queue_pages_through_every_waiting_report_oldest_first() {
    use duban_core::tasks::{Frequency, NewReport, NewTask, local_date};
    let app = App::start();
    // 60 more submitted reports, one per new task, on top of the seeded two.
    let today = local_date(chrono::Utc::now());
    let tasks: Vec<NewTask> = (0..60)
        .map(|i| {
            let mut t = NewTask::new(
                &format!("第{i}所学校改薄工程"),
                today - chrono::Duration::days(14),
                today + chrono::Duration::days(60),
                Frequency::Weekly,
            )
            .unwrap();
            t.lead_unit = Some(app.w.unit_a);
            t
        })
        .collect();
    let stored = app
        .block_on(app.store.insert_tasks(app.w.p1, &tasks, None))
        .unwrap();
    app.block_on(app.store.publish_plan(app.w.p1, today, None))
        .unwrap();
    for t in &stored {
        let r = NewReport::new(t.id, today, "已完成招标", "", "", 10.0, false).unwrap();
        let saved = app
            .block_on(app.store.upsert_report_draft(&r, None))
            .unwrap();
        app.block_on(app.store.submit_report(saved.id, chrono::Utc::now(), None))
            .unwrap();
    }
    let sup = app.login(Who::Supervisor);
    let first = sup.get("/reviews");
    assert!(first.body.contains("待审核 62 份"), "{}", first.body);
    assert!(first.body.contains("第 1/3 页"), "{}", first.body);
    assert_eq!(
        first.body.matches(r#"class="card review-item""#).count(),
        30
    );
    assert!(first.body.contains(r#"href="/reviews?page=2""#));
    let second = sup.get("/reviews?page=3");
    assert_eq!(
        second.body.matches(r#"class="card review-item""#).count(),
        2
    );
    assert!(
        second.body.contains("第59所学校改薄工程"),
        "the newest is on the last page"
    );
    let beyond = sup.get("/reviews?page=9");
    assert_eq!(beyond.status, 200);
    assert!(!beyond.body.contains("没有待审核的报告"), "{}", beyond.body);
}

#[test]
fn the_ledger_downloads_as_a_workbook_of_what_the_user_may_see() {
    use calamine::{Data, Reader, Xlsx};
    let app = App::start();
    let read = |client: &Client| {
        let r = client.get("/ledger.xlsx");
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.header("content-disposition")
                .is_some_and(|d| d.starts_with("attachment") && d.contains("UTF-8''")),
            "{:?}",
            r.header("content-disposition")
        );
        let mut book = Xlsx::new(std::io::Cursor::new(r.bytes.clone())).unwrap();
        let sheet = book.worksheet_range("台账").unwrap();
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|row| {
                row.iter()
                    .map(|c| match c {
                        Data::String(s) => s.clone(),
                        _ => String::new(),
                    })
                    .collect()
            })
            .collect();
        rows
    };
    let sup = read(&app.login(Who::Supervisor));
    assert!(sup[0][0].contains("工作任务台账"), "{:?}", sup[0]);
    assert_eq!(sup[1][..3], ["序号", "工作任务", "牵头领导"]);
    assert!(sup.iter().any(|r| r[1] == T1_TITLE), "{sup:?}");
    // The unrelated unit's ledger has its headings and none of the seeded tasks.
    let other = read(&app.login(Who::Other));
    assert_eq!(other.len(), 2, "{other:?}");
    // The lead unit sees its task with its 责任科室 filled in.
    let lead = read(&app.login(Who::Lead));
    let t1 = lead
        .iter()
        .find(|r| r[1] == T1_TITLE)
        .expect("t1 in the lead's ledger");
    assert_eq!(t1[3], "基础教育科");
    let csv = app.login(Who::Lead).get("/ledger.csv");
    assert!(
        csv.body.starts_with("\u{FEFF}序号,工作任务"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains(T1_TITLE));
    assert_eq!(app.anon().get("/ledger.xlsx").status, 303);
}

#[test]
fn admins_keep_the_holiday_calendar_and_nobody_else_can() {
    let app = App::start();
    let admin = app.login(Who::Admin);
    let page = admin.get("/admin/calendar?year=2026");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("2026-02-16") && page.body.contains("春节"));
    assert!(page.body.contains("调休上班"));
    let empty = admin.get("/admin/calendar?year=2027");
    assert!(empty.body.contains("尚未录入"), "{}", empty.body);
    let r = admin.post(
        "/admin/calendar",
        &[
            ("date", "2027-01-01"),
            ("kind", "holiday"),
            ("name", "元旦"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), "/admin/calendar?year=2027&notice=calendar");
    assert!(admin.get("/admin/calendar?year=2027").body.contains("元旦"));
    // A make-up workday on a weekday changes nothing: refused, saying why.
    let r = admin.post(
        "/admin/calendar",
        &[
            ("date", "2027-01-04"),
            ("kind", "workday"),
            ("name", "调休"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("本来就是工作日"), "{}", r.body);
    let r = admin.post(
        "/admin/calendar",
        &[("date", "2027-02-30"), ("kind", "holiday"), ("name", "x")],
    );
    assert_eq!(r.status, 422);
    // Only admins.
    for who in [Who::Supervisor, Who::Leader, Who::Lead] {
        let c = app.login(who);
        assert_eq!(c.get("/admin/calendar").status, 403, "{who:?}");
        let r = c.post("/admin/calendar/delete", &[("date", "2027-01-01")]);
        assert_eq!(r.status, 403, "{who:?}");
    }
    let r = admin.post("/admin/calendar/delete", &[("date", "2027-01-01")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(!admin.get("/admin/calendar?year=2027").body.contains("元旦"));
}

#[test]
fn accountability_is_recorded_by_supervisors_and_read_by_the_unit_concerned() {
    let app = App::start();
    let sup = app.login(Who::Supervisor);
    let (unit, t1) = (app.w.unit_a.to_string(), app.w.t1.to_string());
    let r = sup.post(
        "/accountability",
        &[
            ("unit", &unit),
            ("task", &t1),
            ("kind", "interview"),
            ("reason", "连续两周未报送"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), format!("/tasks/{t1}?notice=accountability"));
    let r = sup.post(
        "/accountability",
        &[("unit", &unit), ("kind", "notice"), ("reason", "  ")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("请写明通报的事由"), "{}", r.body);
    // A unit that has nothing to do with the task cannot be held to account for it.
    let other_unit = app
        .block_on(app.store.list_org_units())
        .unwrap()
        .into_iter()
        .find(|u| u.name == "体卫艺科")
        .unwrap()
        .id
        .to_string();
    let r = sup.post(
        "/accountability",
        &[
            ("unit", &other_unit),
            ("task", &t1),
            ("kind", "notice"),
            ("reason", "x"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let stored = app.block_on(app.store.list_accountability(None)).unwrap();
    assert_eq!(stored.len(), 1);
    // Read by the 督查室, leaders and the unit concerned; nobody else.
    for who in [Who::Supervisor, Who::Leader, Who::Lead] {
        let page = app.login(who).get("/accountability");
        assert_eq!(page.status, 200, "{who:?}");
        assert!(page.body.contains("连续两周未报送"), "{who:?}");
    }
    let other = app.login(Who::Other).get("/accountability");
    assert!(other.body.contains("暂无问责记录"), "{}", other.body);
    for who in [Who::Admin, Who::Viewer] {
        assert_eq!(app.login(who).get("/accountability").status, 403, "{who:?}");
    }
    let r = app.login(Who::Lead).post(
        "/accountability",
        &[("unit", &unit), ("kind", "notice"), ("reason", "自查")],
    );
    assert_eq!(r.status, 403);
    assert_eq!(
        app.block_on(app.store.list_accountability(None))
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn statistics_count_completions_overdue_and_accountability_for_the_whole_picture() {
    let app = App::start();
    let sup = app.login(Who::Supervisor);
    let before = sup.get("/stats");
    assert_eq!(before.status, 200, "{}", before.body);
    assert!(
        before.body.contains(r#"id="completion-rate">0%"#),
        "{}",
        before.body
    );
    app.block_on(app.store.complete_task(app.w.t1, chrono::Utc::now(), None))
        .unwrap();
    let (unit, t2) = (app.w.unit_a.to_string(), app.w.t2.to_string());
    let r = sup.post(
        "/accountability",
        &[
            ("unit", &unit),
            ("task", &t2),
            ("kind", "notice"),
            ("reason", "进度滞后"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let after = sup.get("/stats");
    // Three published tasks, one completed (on time: before its deadline).
    assert!(
        after.body.contains(r#"id="completion-rate">33.3%"#),
        "{}",
        after.body
    );
    let unit_rows = after.body.split(r#"id="by-unit""#).nth(1).unwrap_or("");
    assert!(unit_rows.contains("基础教育科"), "{unit_rows}");
    assert!(after.body.contains("<svg"), "the charts are drawn");
    assert!(after.body.contains("各科室按时报送率"));
    let accountability_total = after
        .body
        .split("<span>问责</span><b>")
        .nth(1)
        .and_then(|s| s.split('<').next());
    assert_eq!(accountability_total, Some("1"));
    // Units report; the whole picture is for the bureau.
    assert_eq!(app.login(Who::Lead).get("/stats").status, 403);
    assert_eq!(app.login(Who::Viewer).get("/stats").status, 200);
}

#[test]
fn the_monthly_summary_shows_the_months_completions_and_report_excerpts() {
    let app = App::start();
    // t1's report names a problem and the next steps (r2's left both empty).
    let r = app.login(Who::Lead).post(
        &format!("/tasks/{}/report", app.w.t1),
        &[
            ("progress_text", "已完成选址论证"),
            ("problems", "征地手续未完成"),
            ("next_steps", "协调自然资源局加快审批"),
            ("percent", "30"),
            ("action", "submit"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    app.block_on(app.store.complete_task(app.w.t1, chrono::Utc::now(), None))
        .unwrap();
    let sup = app.login(Who::Supervisor);
    let page = sup.get("/monthly");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(r#"id="completed">1<"#), "{}", page.body);
    assert!(page.body.contains("本月办结"));
    assert!(page.body.contains(T1_TITLE), "the completed task is named");
    let r2 = app.block_on(app.store.get_report(app.w.r2)).unwrap();
    let first_words: String = r2.progress_text.chars().take(6).collect();
    assert!(
        page.body.contains(&first_words),
        "an excerpt of this month's report"
    );
    // Under each excerpt its 存在问题 and 下步打算, when the report has them.
    assert!(
        page.body.contains("<b>存在问题：</b>征地手续未完成"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<b>下步打算：</b>协调自然资源局加快审批")
    );
    assert_eq!(
        page.body.matches("存在问题：").count(),
        page.body.matches("征地手续未完成").count(),
        "no empty 存在问题 lines"
    );
    let r2_items: Vec<&str> = page
        .body
        .split("<li>")
        .filter(|li| li.contains(&first_words))
        .collect();
    assert!(!r2_items.is_empty());
    for li in r2_items {
        let li = li.split("</li>").next().unwrap_or_default();
        assert!(!li.contains("存在问题") && !li.contains("下步打算"), "{li}");
    }
    assert!(page.body.contains("按责任科室") && page.body.contains("基础教育科"));
    // Another month is just as reachable; a bad one is refused in Chinese.
    let earlier = sup.get("/monthly?month=2025-01");
    assert_eq!(earlier.status, 200);
    assert!(earlier.body.contains("2025年1月工作汇总"));
    assert!(earlier.body.contains(r#"id="completed">0<"#));
    let bad = sup.get("/monthly?month=2026-13");
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("不是有效月份"));
    assert_eq!(app.login(Who::Lead).get("/monthly").status, 403);
}

#[test]
fn the_monthly_summary_downloads_as_a_workbook() {
    use calamine::{Data, Reader, Xlsx};
    let app = App::start();
    let sup = app.login(Who::Supervisor);
    let r = sup.get("/monthly.xlsx?month=2026-11");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment") && d.contains("UTF-8''")),
        "{:?}",
        r.header("content-disposition")
    );
    let mut book = Xlsx::new(std::io::Cursor::new(r.bytes.clone())).unwrap();
    let sheet = book.worksheet_range("汇总").unwrap();
    assert!(
        matches!(sheet.get_value((0, 0)), Some(Data::String(t)) if t.ends_with("2026年11月工作汇总")),
        "{:?}",
        sheet.get_value((0, 0))
    );
    let excerpts = book.worksheet_range("报送摘录").unwrap();
    let headings: Vec<String> = (0..6)
        .map(|c| match excerpts.get_value((0, c)) {
            Some(Data::String(s)) => s.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        headings,
        [
            "工作任务",
            "完成进度",
            "进展情况摘录",
            "存在问题",
            "下步打算",
            "需协调解决"
        ]
    );
    assert_eq!(sup.get("/monthly.xlsx?month=bad").status, 422);
    assert_eq!(app.login(Who::Lead).get("/monthly.xlsx").status, 403);
}

#[test]
fn the_yearly_overview_marks_each_tasks_months() {
    use chrono::Datelike;
    let app = App::start();
    let due = app.w.due;
    let step = due - chrono::Duration::days(1);
    let lines = format!("{} 完成方案论证", step.format("%Y-%m-%d"));
    let sup = app.login(Who::Supervisor);
    let r = sup.post(
        &format!("/tasks/{}/milestones", app.w.t1),
        &[("lines", lines.as_str())],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = sup.get(&format!("/yearly?year={}", due.year()));
    assert_eq!(page.status, 200, "{}", page.body);
    let row = page
        .body
        .split("<tr>")
        .find(|r| r.contains(T1_TITLE))
        .expect("t1 has a line");
    // Its deadline and milestone are marked, in the due month's column.
    let cells: Vec<&str> = row.split(r#"<td class="month">"#).skip(1).collect();
    assert_eq!(cells.len(), 12, "{row}");
    let month = cells[due.month0() as usize];
    assert!(month.contains(r#"title="完成时限""#), "{month}");
    assert!(
        cells[step.month0() as usize].contains("节点：完成方案论证"),
        "{row}"
    );
    // The same grid as a workbook.
    {
        use calamine::{Data, Reader, Xlsx};
        let r = sup.get(&format!("/yearly.xlsx?year={}", due.year()));
        assert_eq!(r.status, 200, "{}", r.body);
        let mut book = Xlsx::new(std::io::Cursor::new(r.bytes.clone())).unwrap();
        let sheet = book.worksheet_range("年统筹").unwrap();
        let text = |row: usize, col: usize| match sheet.get_value((row as u32, col as u32)) {
            Some(Data::String(s)) => s.clone(),
            _ => String::new(),
        };
        let line = (2..sheet.height())
            .find(|r| text(*r, 1) == T1_TITLE)
            .expect("t1 in the workbook");
        assert!(text(line, 5 + due.month0() as usize).contains('▲'));
        assert!(text(line, 5 + step.month0() as usize).contains("◆完成方案论证"));
    }
    // A year without any of it lists nothing of the task.
    let other_year = sup.get(&format!("/yearly?year={}", due.year() + 3));
    assert!(!other_year.body.contains(T1_TITLE));
    // Units see only their own lines.
    let other = app
        .login(Who::Other)
        .get(&format!("/yearly?year={}", due.year()));
    assert_eq!(other.status, 200);
    assert!(!other.body.contains(T1_TITLE));
}

#[test]
fn the_monthly_summary_downloads_as_a_word_document() {
    let app = App::start();
    let sup = app.login(Who::Supervisor);
    let page = sup.get("/monthly?month=2026-11");
    assert!(
        page.body
            .contains(r#"href="/monthly.docx?month=2026-11" id="monthly-docx""#),
        "the page links the document next to the workbook"
    );
    let r = sup.get("/monthly.docx?month=2026-11");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    );
    // The file is named like the workbook, in Chinese, percent-encoded.
    let encoded: String = "2026年11月工作汇总.docx"
        .bytes()
        .map(|b| match b {
            b'0'..=b'9' | b'a'..=b'z' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let disposition = r.header("content-disposition").unwrap_or_default();
    assert!(
        disposition.starts_with("attachment") && disposition.contains("UTF-8''"),
        "{disposition}"
    );
    assert!(disposition.ends_with(&encoded), "{disposition}");
    assert_eq!(&r.bytes[..2], b"PK");
    let text = duban_plan::formats::extract(&r.bytes, "月汇总.docx")
        .unwrap()
        .text;
    let first = text.lines().next().unwrap_or_default();
    assert!(first.ends_with("2026年11月工作汇总"), "{first}");
    assert!(text.contains("（统计时段：2026年11月1日至2026年11月30日）"));
    assert!(text.contains("\n一、总体情况\n"), "{text}");
    assert!(
        text.contains(
            "类别 | 名称 | 本月办结 | 本月新增 | 推进中 | 进度滞后 | 超期 | 按时报送率 |"
        )
    );
    assert!(text.contains("\n全局 | 全局 | "), "{text}");
    assert!(text.contains("\n三、各责任科室情况\n"));
    // Same refusals as the workbook: a bad month, a unit's user, nobody signed in.
    assert_eq!(sup.get("/monthly.docx?month=bad").status, 422);
    let lead = app.login(Who::Lead);
    let (xlsx, docx) = (lead.get("/monthly.xlsx"), lead.get("/monthly.docx"));
    assert_eq!((xlsx.status, docx.status), (403, 403));
    assert!(docx.body.contains(FORBIDDEN));
    let anon = app.anon().get("/monthly.docx");
    assert_eq!(anon.status, 303);
    assert!(anon.location().starts_with("/login"), "{}", anon.location());
}

/// Issues a 督办单 straight into the store: to `unit` about `task`, issued `issued_days_ago`
/// days ago, to answer within `reply_in_days` days of today (negative: already past).
fn issue_notice(
    app: &App,
    task: duban_core::tasks::TaskId,
    unit: duban_core::org::OrgUnitId,
    tier: duban_core::supervision::notices::NoticeTier,
    issued_days_ago: i64,
    reply_in_days: i64,
) -> duban_core::supervision::notices::NoticeRecord {
    use duban_core::supervision::notices::{NewNotice, NoticeTrigger};
    let now = chrono::Utc::now();
    let notice = NewNotice {
        task,
        unit,
        tier,
        trigger: NoticeTrigger::Manual,
        facts: "请加快推进并书面反馈".into(),
        reply_by: duban_core::tasks::local_date(now) + chrono::Duration::days(reply_in_days),
        issued_at: now - chrono::Duration::days(issued_days_ago),
        dedupe_key: None,
        escalates: None,
    };
    app.block_on(app.store.issue_notice(&notice, None))
        .unwrap()
        .expect("issued")
}

/// The text of the first `<td data-label="{label}">` after `from` in `html`.
fn cell<'a>(html: &'a str, from: &str, label: &str) -> &'a str {
    let rest = html
        .split(from)
        .nth(1)
        .unwrap_or_else(|| panic!("no {from} in {html}"));
    let open = format!(r#"<td data-label="{label}">"#);
    rest.split(open.as_str())
        .nth(1)
        .and_then(|s| s.split("</td>").next())
        .unwrap_or_else(|| panic!("no {label} after {from}"))
}

#[test]
fn statistics_count_notices_by_tier_and_the_units_reply_punctuality() {
    use duban_core::supervision::notices::NoticeTier::{Blue, Red, Yellow};
    let app = App::start();
    let sup = app.login(Who::Supervisor);
    let before = sup.get("/stats");
    assert_eq!(before.status, 200, "{}", before.body);
    assert!(
        before.body.contains(r#"id="notices-red">0<"#),
        "{}",
        before.body
    );
    assert!(before.body.contains(r#"id="notice-reply-rate">—<"#));
    assert!(before.body.contains("尚未下发督办单"));

    let (w, unit) = (&app.w, app.w.unit_a);
    // Answered the day it was issued: on time.
    let blue = issue_notice(&app, w.t1, unit, Blue, 0, 5);
    // Issued 40 days ago, its reply-by date 35 days ago, still open: late.
    issue_notice(&app, w.t2, unit, Yellow, 40, -35);
    // Open, still within its time: counted, but no answer is due yet.
    issue_notice(&app, w.t2, unit, Red, 0, 2);
    // Answered now, a week after its reply-by date: late.
    let late = issue_notice(&app, w.t3, unit, Red, 10, -7);
    for n in [&blue, &late] {
        app.block_on(
            app.store
                .answer_notice(n.id, "已落实整改", chrono::Utc::now(), None),
        )
        .unwrap();
    }

    // The figures are kept per data version: the notices (audited writes) show at once.
    let page = sup.get("/stats");
    assert_eq!(page.status, 200, "{}", page.body);
    let body = &page.body;
    for (id, n) in [
        ("notices-blue", 1),
        ("notices-yellow", 1),
        ("notices-red", 2),
    ] {
        assert!(body.contains(&format!(r#"id="{id}">{n}<"#)), "{id}: {body}");
    }
    // Three answers due (two answered, one past its date), one of them on time.
    assert!(body.contains(r#"id="notice-reply-rate">33.3%<"#), "{body}");

    // By unit: all four went to 基础教育科, next to its 问责 count.
    let unit_row = r#"<td data-label="名称">基础教育科</td>"#;
    let by_unit = body.split(r#"id="by-unit""#).nth(1).unwrap();
    assert_eq!(cell(by_unit, unit_row, "问责"), "0");
    assert_eq!(cell(by_unit, unit_row, "蓝色提醒"), "1");
    assert_eq!(cell(by_unit, unit_row, "黄色警示"), "1");
    assert_eq!(cell(by_unit, unit_row, "红色督办"), "2");
    // By 工程: each seeded task is its own; t2 had a yellow and a red one.
    let by_programme = body.split(r#"id="by-programme""#).nth(1).unwrap();
    let t2_row = r#"<td data-label="名称">完成义务教育优质均衡督导评估</td>"#;
    assert_eq!(cell(by_programme, t2_row, "蓝色提醒"), "0");
    assert_eq!(cell(by_programme, t2_row, "黄色警示"), "1");
    assert_eq!(cell(by_programme, t2_row, "红色督办"), "1");
    let t3_row = r#"<td data-label="名称">新建普惠性幼儿园3所</td>"#;
    assert_eq!(cell(by_programme, t3_row, "红色督办"), "1");
    // Not in the months of the deadlines.
    let by_month = body
        .split(r#"id="by-month""#)
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert!(!by_month.contains(r#"data-label="红色督办""#), "{by_month}");

    // By month of issue (Beijing time), with a chart.
    let month_of = |days_ago: i64| {
        use chrono::Datelike;
        let d =
            duban_core::tasks::local_date(chrono::Utc::now() - chrono::Duration::days(days_ago));
        format!("{}年{}月", d.year(), d.month())
    };
    let mut expected: std::collections::BTreeMap<String, [usize; 3]> = Default::default();
    for (days_ago, tier) in [(0, 0), (40, 1), (0, 2), (10, 2)] {
        expected.entry(month_of(days_ago)).or_default()[tier] += 1;
    }
    let months = body.split(r#"id="notices-by-month""#).nth(1).unwrap();
    for (month, [b, y, r]) in &expected {
        let row = format!(r#"<td data-label="月份">{month}</td>"#);
        assert_eq!(cell(months, &row, "蓝色提醒"), b.to_string(), "{month}");
        assert_eq!(cell(months, &row, "黄色警示"), y.to_string(), "{month}");
        assert_eq!(cell(months, &row, "红色督办"), r.to_string(), "{month}");
        assert_eq!(cell(months, &row, "合计"), (b + y + r).to_string());
    }
    assert!(
        body.contains(r#"aria-label="各月下发督办单""#),
        "the chart is drawn"
    );
    assert!(body.contains(r##"fill="#b3261e"><title>"##), "red segments");

    // 反馈及时率 by unit.
    let replies = body.split(r#"id="notice-replies""#).nth(1).unwrap();
    let row = r#"<td data-label="责任科室">基础教育科</td>"#;
    assert_eq!(cell(replies, row, "督办单"), "4");
    assert_eq!(cell(replies, row, "应反馈"), "3");
    assert_eq!(cell(replies, row, "按时反馈"), "1");
    assert_eq!(cell(replies, row, "逾期或未反馈"), "2");
    assert_eq!(cell(replies, row, "反馈及时率"), "33.3%");
    assert!(
        !replies.contains("教研室"),
        "units without notices are left out"
    );
}

#[test]
fn the_units_workbench_lists_its_open_notices_first() {
    use duban_core::supervision::notices::NoticeTier::{Blue, Red, Yellow};
    let app = App::start();
    let w = &app.w;
    let unit_c = app
        .block_on(app.store.list_org_units())
        .unwrap()
        .into_iter()
        .find(|u| u.name == "体卫艺科")
        .unwrap()
        .id;
    // Without notices the section is not there.
    let lead = app.login(Who::Lead);
    let page = lead.get("/my");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains(r#"id="my-notices""#));

    let overdue = issue_notice(&app, w.t1, w.unit_a, Red, 5, -1);
    let waiting = issue_notice(&app, w.t2, w.unit_a, Yellow, 0, 3);
    let answered = issue_notice(&app, w.t3, w.unit_a, Blue, 0, 5);
    app.block_on(
        app.store
            .answer_notice(answered.id, "已落实", chrono::Utc::now(), None),
    )
    .unwrap();
    let elsewhere = issue_notice(&app, w.t1, unit_c, Blue, 0, 5);

    let page = lead.get("/my");
    assert_eq!(page.status, 200, "{}", page.body);
    let section = page
        .body
        .split(r#"id="my-notices""#)
        .nth(1)
        .expect("the section is shown")
        .split("</section>")
        .next()
        .unwrap();
    // At the top: before the task table.
    assert!(
        page.body.find(r#"id="my-notices""#) < page.body.find(r#"id="my-tasks""#),
        "{}",
        page.body
    );
    assert!(section.contains("（2）"), "{section}");
    // The red, overdue one first: number linked, tier badge, task, reply-by date, 已逾期.
    let red = section.find(&overdue.number()).expect("the overdue notice");
    let yellow = section.find(&waiting.number()).expect("the waiting notice");
    assert!(red < yellow, "sharpest first: {section}");
    assert!(section.contains(&format!(
        r#"<a href="/notices/{}">{}</a>"#,
        overdue.id,
        overdue.number()
    )));
    assert!(section.contains(r#"<span class="tier tier-red">红色督办</span>"#));
    assert!(section.contains(r#"<span class="tier tier-yellow">黄色警示</span>"#));
    assert!(section.contains(T1_TITLE));
    assert!(section.contains(&overdue.notice.reply_by.format("%Y-%m-%d").to_string()));
    assert_eq!(section.matches("已逾期").count(), 1, "{section}");
    // Answered notices and other units' notices are not listed.
    assert!(!section.contains(&answered.number()));
    assert!(!section.contains(&elsewhere.number()));
    // The other unit sees its own; the co-unit has none.
    let other = app.login(Who::Other).get("/my");
    assert!(other.body.contains(&elsewhere.number()), "{}", other.body);
    assert!(!other.body.contains(&overdue.number()));
    assert!(
        !app.login(Who::Co)
            .get("/my")
            .body
            .contains(r#"id="my-notices""#)
    );
    // Other roles never get the section.
    for who in [Who::Supervisor, Who::Leader, Who::Viewer] {
        let r = app.login(who).get("/my");
        assert!(
            !r.body.contains(r#"id="my-notices""#),
            "{who:?}: {}",
            r.body
        );
    }
}
