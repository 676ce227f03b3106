//! 督办单, the inbox, notification settings and outgoing delivery over real HTTP (included by
//! `web.rs`: one test binary).

use std::sync::{Arc, Mutex};

use chrono::{Duration, TimeZone, Utc};
use duban_core::notify::{Dispatch, Message, NotifyKind, Outgoing};
use duban_core::store::NoticeFilter;
use duban_core::supervision::notices::NoticeState;
use duban_web::state::{Robot, WebSettings};
use duban_web::{AppState, background};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{App, Who};

/// A state over the app's store whose clock stands on Sunday 29 November 2026, 10:00 in
/// Beijing: a day off, so the scheduler only announces what people issued.
fn sunday_state(app: &App, adjust: impl FnOnce(&mut WebSettings)) -> AppState {
    let mut settings = WebSettings::new(app.dir.path());
    adjust(&mut settings);
    let mut state = AppState::new(app.store.clone(), settings);
    let sunday = Utc.with_ymd_and_hms(2026, 11, 29, 2, 0, 0).unwrap();
    state.clock = Arc::new(move || sunday);
    state
}

fn notice_id(location: &str) -> i64 {
    location
        .trim_start_matches("/notices/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn a_supervisor_issues_a_notice_the_unit_signs_and_answers_and_the_desk_hears_of_it() {
    let app = App::start();
    let sup = app.login(Who::Supervisor);
    let lead = app.login(Who::Lead);
    let t1 = app.w.t1;
    let reply_by = (Utc::now() + Duration::days(5)).date_naive().to_string();

    // Only the 督查室 issues; bad input is refused in Chinese and stores nothing.
    for who in [Who::Leader, Who::Lead, Who::Viewer, Who::Admin] {
        let r = app.login(who).post(
            &format!("/tasks/{t1}/notices"),
            &[
                ("tier", "red"),
                ("facts", "请加快进度"),
                ("reply_by", &reply_by),
            ],
        );
        assert_eq!(r.status, 403, "{who:?}");
    }
    let r = sup.post(
        &format!("/tasks/{t1}/notices"),
        &[("tier", "red"), ("facts", "  "), ("reply_by", &reply_by)],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("请写明督办事项"));
    let r = sup.post(
        &format!("/tasks/{t1}/notices"),
        &[("tier", "red"), ("facts", "x"), ("reply_by", "2020-01-01")],
    );
    assert!(r.body.contains("反馈时限不能早于今天"), "{}", r.body);
    assert!(
        app.block_on(app.store.list_notices(&NoticeFilter::default()))
            .unwrap()
            .is_empty()
    );

    let r = sup.post(
        &format!("/tasks/{t1}/notices"),
        &[
            ("tier", "red"),
            (
                "facts",
                "该任务已连续两周未报送进展，请说明原因并报送整改措施",
            ),
            ("reply_by", &reply_by),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let id = notice_id(r.location());
    let number = format!(
        "督〔{}〕1号",
        duban_core::tasks::local_date(Utc::now()).format("%Y")
    );

    // The printable sheet: number, unit, facts; the lead unit sees the 签收 button.
    let page = lead.get(&format!("/notices/{id}"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&number), "{}", page.body);
    assert!(page.body.contains("督 办 单"));
    assert!(page.body.contains("红色督办"));
    assert!(page.body.contains("基础教育科"));
    assert!(page.body.contains("id=\"sign-notice\""));
    assert!(lead.get("/notices").body.contains(&number));
    // Who may read it: the 督查室, leaders, viewers and the unit it was sent to — not the
    // co-unit or another unit (404, as for a missing id), not the admin (no list at all).
    for (who, status) in [
        (Who::Leader, 200),
        (Who::Viewer, 200),
        (Who::Co, 404),
        (Who::Other, 404),
        (Who::Admin, 404),
    ] {
        assert_eq!(
            app.login(who).get(&format!("/notices/{id}")).status,
            status,
            "{who:?}"
        );
    }
    assert_eq!(app.login(Who::Admin).get("/notices").status, 403);
    assert!(!app.login(Who::Other).get("/notices").body.contains(&number));
    // The sheet is shown on the task page too.
    assert!(sup.get(&format!("/tasks/{t1}")).body.contains(&number));

    // The scheduler announces it (even on a Sunday: a person issued it); the unit's header
    // shows the unread count.
    let state = sunday_state(&app, |_| {});
    app.block_on(background::run_scheduler(&state, true))
        .unwrap();
    app.block_on(background::run_scheduler(&state, true))
        .unwrap();
    let lead_user = app.w.user(Who::Lead);
    let inbox = app.block_on(app.store.list_inbox(lead_user, 10)).unwrap();
    assert_eq!(inbox.len(), 1, "announced once: {inbox:?}");
    assert_eq!(inbox[0].message.kind, NotifyKind::NoticeIssued);
    assert!(inbox[0].message.title.contains(&number));
    let home = lead.get("/");
    assert!(
        home.body.contains("id=\"unread-count\">1<"),
        "{}",
        home.body
    );
    // The leader (牵头领导) hears of a red notice too.
    let leader_inbox = app
        .block_on(app.store.list_inbox(app.w.user(Who::Leader), 10))
        .unwrap();
    assert_eq!(leader_inbox.len(), 1);

    // Only the unit signs and answers.
    assert_eq!(sup.post(&format!("/notices/{id}/sign"), &[]).status, 403);
    assert_eq!(
        app.login(Who::Co)
            .post(&format!("/notices/{id}/sign"), &[])
            .status,
        404
    );
    let r = lead.post(&format!("/notices/{id}/sign"), &[]);
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), format!("/notices/{id}?notice=notice_signed"));
    let r = lead.post(&format!("/notices/{id}/sign"), &[]);
    assert_eq!(r.status, 409, "signing twice: {}", r.body);
    let r = lead.post(&format!("/notices/{id}/answer"), &[("answer", " ")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请填写反馈的落实情况"));
    let r = lead.post(
        &format!("/notices/{id}/answer"),
        &[("answer", "已补报两周进展，并建立周报提醒机制")],
    );
    assert_eq!(r.status, 303);
    let n = app
        .block_on(
            app.store
                .get_notice(duban_core::supervision::notices::NoticeId(id)),
        )
        .unwrap();
    assert_eq!(n.state, NoticeState::Answered);
    assert_eq!(n.signed_by, Some(lead_user));
    let sheet = sup.get(&format!("/notices/{id}"));
    assert!(sheet.body.contains("已补报两周进展"));
    assert!(sheet.body.contains("已反馈"));
    // The 督查室 hears of the answer.
    let sup_inbox = app
        .block_on(app.store.list_inbox(app.w.user(Who::Supervisor), 10))
        .unwrap();
    assert!(
        sup_inbox
            .iter()
            .any(|m| m.message.kind == NotifyKind::NoticeAnswered)
    );

    // The inbox: opening a message marks it read and goes to its page; another user's
    // message is not found; 全部已读 clears the badge.
    let r = lead.post(&format!("/inbox/{}/open", inbox[0].id), &[]);
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), format!("/notices/{id}"));
    assert_eq!(app.block_on(app.store.unread_count(lead_user)).unwrap(), 0);
    let r = app
        .login(Who::Other)
        .post(&format!("/inbox/{}/open", inbox[0].id), &[]);
    assert_eq!(r.status, 404);
    let leader = app.login(Who::Leader);
    assert!(leader.get("/inbox").body.contains(&number));
    let r = leader.post("/inbox/read-all", &[]);
    assert_eq!(r.location(), "/inbox?notice=read_all");
    assert!(!leader.get("/").body.contains("unread-count"));
}

#[test]
fn notification_settings_are_saved_and_a_bad_address_is_refused() {
    let app = App::start();
    let lead = app.login(Who::Lead);
    let page = lead.get("/settings/notifications");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("收到督办单"));
    let r = lead.post(
        "/settings/notifications",
        &[("email", "zhang@@jyj"), ("inbox_notice_issued", "on")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("电子邮箱格式不正确"), "{}", r.body);
    assert!(
        app.block_on(app.store.list_user_emails())
            .unwrap()
            .is_empty()
    );
    let r = lead.post(
        "/settings/notifications",
        &[
            ("email", "zhang@jyj.example.gov.cn"),
            ("inbox_notice_issued", "on"),
            ("email_notice_issued", "on"),
            ("inbox_report_reminder", "on"),
        ],
    );
    assert_eq!(r.status, 303);
    let user = app.w.user(Who::Lead);
    let emails = app.block_on(app.store.list_user_emails()).unwrap();
    assert_eq!(emails, [(user, "zhang@jyj.example.gov.cn".to_owned())]);
    let prefs: Vec<_> = app
        .block_on(app.store.list_preferences())
        .unwrap()
        .into_iter()
        .filter(|(u, _)| *u == user)
        .map(|(_, p)| (p.kind, p.inbox, p.email))
        .collect();
    assert!(prefs.contains(&(NotifyKind::NoticeIssued, true, true)));
    assert!(prefs.contains(&(NotifyKind::ReportReminder, true, false)));
    assert!(prefs.contains(&(NotifyKind::TaskReminder, false, false)));
    // The page shows what was saved.
    let page = lead.get("/settings/notifications");
    assert!(page.body.contains("zhang@jyj.example.gov.cn"));
}

/// A one-request-at-a-time HTTP receiver: records each body and answers `{"errcode":0}`.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/cgi-bin/webhook/send?key=robot-key-123",
        listener.local_addr().unwrap()
    );
    let got = Arc::new(Mutex::new(Vec::new()));
    let seen = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let body = loop {
                let n = sock.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break None;
                }
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let len = head
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if body.len() >= len {
                        break Some(body.to_owned());
                    }
                }
            };
            if let Some(body) = body {
                seen.lock().unwrap().push(body);
            }
            let answer = r#"{"errcode":0,"errmsg":"ok"}"#;
            let _ = sock
                .write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                        answer.len()
                    )
                    .as_bytes(),
                )
                .await;
        }
    });
    (url, got)
}

#[test]
fn outgoing_messages_reach_a_local_robot_and_failures_are_retried_and_shown_to_admins() {
    let app = App::start();
    let (url, got) = app.block_on(receiver());
    // A port that refuses connections: bind, note, drop.
    let closed = app.block_on(async {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap()
    });
    let state = sunday_state(&app, |s| {
        s.notify.robots = vec![
            Robot {
                name: "督查工作群".into(),
                webhook: duban_notify::Webhook {
                    kind: duban_notify::WebhookKind::WeCom,
                    url: url.clone(),
                    secret: None,
                },
                kinds: vec![NotifyKind::NoticeIssued],
            },
            Robot {
                name: "断线群".into(),
                webhook: duban_notify::Webhook {
                    kind: duban_notify::WebhookKind::WeCom,
                    url: format!("http://{closed}/cgi-bin/webhook/send?key=secret-key-456"),
                    secret: None,
                },
                kinds: vec![NotifyKind::NoticeIssued],
            },
        ];
    });
    let message = Message {
        kind: NotifyKind::NoticeIssued,
        title: "督〔2026〕7号 红色督办：建成智慧校园示范校10所".into(),
        body: "任务已超期，请于2026年12月2日前反馈".into(),
        link: Some("/notices/7".into()),
    };
    let dispatch = Dispatch {
        inbox: Vec::new(),
        outgoing: ["督查工作群", "断线群"]
            .map(|name| Outgoing {
                channel: name.into(),
                recipient: name.into(),
                message: message.clone(),
            })
            .to_vec(),
    };
    let now = state.now();
    assert!(
        app.block_on(app.store.fire_job("test:robots", now, &dispatch, None))
            .unwrap()
    );
    let delivered = app.block_on(background::deliver_due(&state)).unwrap();
    assert_eq!(delivered, 1);
    let bodies = got.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1);
    let json: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(json["msgtype"], "markdown");
    let content = json["markdown"]["content"].as_str().unwrap();
    assert!(content.contains("督〔2026〕7号"), "{content}");
    assert!(content.contains("/notices/7"), "{content}");

    // The failure is recorded with its reason and a later attempt; nothing is due now.
    let outbox = app.block_on(app.store.list_outbox(10)).unwrap();
    let failed = outbox
        .iter()
        .find(|e| e.outgoing.channel == "断线群")
        .unwrap();
    assert_eq!(failed.attempts, 1);
    assert!(
        failed.last_error.as_deref().unwrap().contains("连接失败"),
        "{failed:?}"
    );
    assert!(failed.next_attempt_at > now);
    assert!(failed.gave_up_at.is_none());
    assert_eq!(app.block_on(background::deliver_due(&state)).unwrap(), 0);
    assert_eq!(
        got.lock().unwrap().len(),
        1,
        "the delivered one is not sent again"
    );

    // Admins see it (without the robot's key); others may not look.
    let admin = app.login(Who::Admin);
    let page = admin.get("/admin/delivery");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("发送失败，等待重试"), "{}", page.body);
    assert!(page.body.contains("已发送"));
    assert!(!page.body.contains("secret-key-456"));
    assert!(!page.body.contains("robot-key-123"));
    assert_eq!(
        app.login(Who::Supervisor).get("/admin/delivery").status,
        403
    );
    // 重新发送 puts it back in the queue now.
    let r = admin.post(&format!("/admin/delivery/{}/requeue", failed.id), &[]);
    assert_eq!(r.status, 303);
    let due = app.block_on(app.store.due_outbox(Utc::now(), 10)).unwrap();
    assert!(due.iter().any(|e| e.id == failed.id));
    let sent = outbox
        .iter()
        .find(|e| e.outgoing.channel == "督查工作群")
        .unwrap();
    let r = admin.post(&format!("/admin/delivery/{}/requeue", sent.id), &[]);
    assert_eq!(r.status, 409);
}

/// The text of a .docx's main document (tags dropped).
fn docx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[test]
fn a_meeting_composes_its_agenda_records_a_new_task_and_sends_the_decided_items() {
    use calamine::{Data, Reader, Xlsx};
    let app = App::start();
    let sup = app.login(Who::Supervisor);
    let today = duban_core::tasks::local_date(Utc::now());
    let day = today.to_string();

    // Who may create and read meetings.
    for who in [Who::Lead, Who::Admin] {
        assert_eq!(app.login(who).get("/meetings").status, 403, "{who:?}");
    }
    let r = app
        .login(Who::Leader)
        .post("/meetings", &[("series", "1"), ("held_on", &day)]);
    assert_eq!(r.status, 403);
    let page = sup.get("/meetings");
    assert!(page.body.contains("局党政联席会议"), "the seeded series");

    let r = sup.post("/meetings", &[("series", "1"), ("held_on", &day)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id: i64 = r
        .location()
        .trim_start_matches("/meetings/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // The same series cannot meet twice on one day.
    let again = sup.post("/meetings", &[("series", "1"), ("held_on", &day)]);
    assert_eq!(again.status, 409, "{}", again.body);

    // The agenda holds t3's pending 办结 request, with the unit's latest report.
    let (meeting, items) = app
        .block_on(app.store.get_meeting(duban_core::meetings::MeetingId(id)))
        .unwrap();
    let approval = items
        .iter()
        .find(|i| i.item.task == Some(app.w.t3))
        .expect("t3 on the agenda");
    assert_eq!(
        approval.item.source,
        duban_core::meetings::ItemSource::Approval
    );
    let page = app.login(Who::Leader).get(&format!("/meetings/{id}"));
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<h3 class=\"agenda-heading\">待审批事项</h3>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("已完成方案制定，正在组织实施"),
        "latest report shown"
    );
    assert!(
        !page.body.contains("记录议定结果"),
        "leaders read, the 督查室 edits"
    );
    assert!(
        page.body.contains("到审批页处理该申请"),
        "the leader is pointed to the request"
    );

    // Add an item by hand, move it up, remove it.
    let r = sup.post(
        &format!("/meetings/{id}/items"),
        &[
            ("title", "研究暑期校舍维修安排"),
            ("note", "计财科提请"),
            ("task", ""),
        ],
    );
    assert_eq!(r.status, 303);
    let (_, items) = app.block_on(app.store.get_meeting(meeting.id)).unwrap();
    let added = items.last().unwrap().clone();
    assert_eq!(added.item.title, "研究暑期校舍维修安排");
    let r = sup.post(
        &format!("/meetings/{id}/items/{}/move", added.id.0),
        &[("dir", "up")],
    );
    assert_eq!(r.status, 303);
    let (_, moved) = app.block_on(app.store.get_meeting(meeting.id)).unwrap();
    if items.len() > 1 {
        assert_eq!(moved[moved.len() - 2].id, added.id);
    }
    // An item addressed under another meeting's id is not found there.
    let r = sup.post(&format!("/meetings/999/items/{}/remove", added.id.0), &[]);
    assert_eq!(r.status, 404);
    let r = sup.post(&format!("/meetings/{id}/items/{}/remove", added.id.0), &[]);
    assert_eq!(r.status, 303);
    let (_, after) = app.block_on(app.store.get_meeting(meeting.id)).unwrap();
    assert_eq!(after.len(), items.len() - 1);

    // A new task decided on t3's item: refused without a unit, stored and published with one.
    let outcome_path = format!("/meetings/{id}/items/{}/outcome", approval.id.0);
    let due = (today + Duration::days(30)).to_string();
    let r = sup.post(
        &outcome_path,
        &[
            ("kind", "new_task"),
            ("text", "开展普惠性幼儿园办园质量评估"),
            ("due", &due),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请选择责任单位"), "{}", r.body);
    let unit_a = app.w.unit_a.0.to_string();
    let r = sup.post(
        &outcome_path,
        &[
            ("kind", "new_task"),
            ("text", "开展普惠性幼儿园办园质量评估"),
            ("lead_unit", &unit_a),
            ("due", &due),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let (_, items) = app.block_on(app.store.get_meeting(meeting.id)).unwrap();
    let decided = items.iter().find(|i| i.id == approval.id).unwrap();
    let new_task = decided.new_task.expect("a task was created");
    let task = app.block_on(app.store.get_task(new_task)).unwrap();
    assert_eq!(task.status, duban_core::tasks::TaskStatus::Published);
    assert_eq!(task.lead_unit, Some(app.w.unit_a));
    let plan = app
        .block_on(app.store.get_plan(task.plan.unwrap()))
        .unwrap();
    assert!(plan.title.ends_with("会议议定事项"), "{}", plan.title);
    // It is in the unit's workbench at once.
    let lead = app.login(Who::Lead);
    assert!(
        lead.get("/my")
            .body
            .contains("开展普惠性幼儿园办园质量评估")
    );
    // An outcome is recorded once.
    let r = sup.post(
        &outcome_path,
        &[("kind", "carry_over"), ("text", "下周再议")],
    );
    assert_eq!(r.status, 409);

    // The downloads: minutes and the 确定事项清单, reopened and read.
    let minutes = sup.get(&format!("/meetings/{id}/minutes.docx"));
    assert_eq!(minutes.status, 200);
    let text = docx_text(&minutes.bytes);
    assert!(text.contains("局党政联席会议纪要"), "{text}");
    assert!(text.contains("开展普惠性幼儿园办园质量评估"));
    assert!(text.contains("确定事项清单"));
    let xlsx = sup.get(&format!("/meetings/{id}/decisions.xlsx"));
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx.bytes.clone())).unwrap();
    let sheet = book.worksheet_range("确定事项清单").unwrap();
    let cell = |r: u32, c: u32| match sheet.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        other => format!("{other:?}"),
    };
    assert_eq!(
        (0..5).map(|c| cell(1, c)).collect::<Vec<_>>(),
        ["序号", "议定事项", "责任单位", "配合单位", "完成时限"]
    );
    assert_eq!(cell(2, 0), "1");
    assert_eq!(cell(2, 1), "开展普惠性幼儿园办园质量评估");
    assert_eq!(cell(2, 2), "基础教育科");
    assert_eq!(
        cell(2, 4),
        duban_core::tasks::format_date(today + Duration::days(30))
    );
    assert_eq!(
        app.login(Who::Lead)
            .get(&format!("/meetings/{id}/minutes.docx"))
            .status,
        403
    );

    // Sending the decided items: once, to the unit's inbox.
    let r = sup.post(&format!("/meetings/{id}/send"), &[]);
    assert_eq!(
        r.location(),
        format!("/meetings/{id}?notice=decisions_sent")
    );
    let r = sup.post(&format!("/meetings/{id}/send"), &[]);
    assert_eq!(
        r.location(),
        format!("/meetings/{id}?notice=decisions_already_sent")
    );
    let inbox = app
        .block_on(app.store.list_inbox(app.w.user(Who::Lead), 10))
        .unwrap();
    let decisions: Vec<_> = inbox
        .iter()
        .filter(|m| m.message.kind == NotifyKind::MeetingDecision)
        .collect();
    assert_eq!(decisions.len(), 1);
    assert!(
        decisions[0]
            .message
            .body
            .contains("开展普惠性幼儿园办园质量评估")
    );

    // Closing freezes it.
    assert_eq!(sup.post(&format!("/meetings/{id}/close"), &[]).status, 303);
    let r = sup.post(
        &format!("/meetings/{id}/items"),
        &[("title", "会后补充"), ("note", ""), ("task", "")],
    );
    assert_eq!(r.status, 409);
}

#[test]
fn the_notice_list_filters_by_tier_unit_and_lateness() {
    use duban_core::supervision::notices::{NewNotice, NoticeTier, NoticeTrigger};
    let app = App::start();
    let today = duban_core::tasks::local_date(Utc::now());
    let issue = |task, tier, reply_by| {
        app.block_on(app.store.issue_notice(
            &NewNotice {
                task,
                unit: app.w.unit_a,
                tier,
                trigger: NoticeTrigger::Manual,
                facts: "请加快推进".into(),
                reply_by,
                issued_at: Utc::now() - Duration::days(10),
                dedupe_key: None,
                escalates: None,
            },
            None,
        ))
        .unwrap()
        .unwrap()
        .number()
    };
    let red = issue(app.w.t1, NoticeTier::Red, today - Duration::days(2));
    let blue = issue(app.w.t2, NoticeTier::Blue, today + Duration::days(3));
    let sup = app.login(Who::Supervisor);
    let page = sup.get("/notices");
    assert!(page.body.contains(&red) && page.body.contains(&blue));
    let only_red = sup.get("/notices?tier=red");
    assert!(only_red.body.contains(&red) && !only_red.body.contains(&blue));
    let late = sup.get("/notices?show=late");
    assert!(
        late.body.contains(&red) && !late.body.contains(&blue),
        "{}",
        late.body
    );
    assert!(late.body.contains("已逾期"));
    let other_unit = sup.get(&format!("/notices?unit={}", app.w.unit_a.0 + 1));
    assert!(other_unit.body.contains("没有符合条件的督办单"));
    // The dashboard counts them, with a link to the late ones; the admin reads none.
    let home = sup.get("/");
    assert!(home.body.contains("红色督办 1"), "{}", home.body);
    assert!(home.body.contains("蓝色提醒 1"));
    assert!(home.body.contains("逾期未反馈 1"));
    assert!(
        !app.login(Who::Admin)
            .get("/")
            .body
            .contains("id=\"open-notices\"")
    );
    // Nonsense filters are ignored, not errors.
    assert_eq!(sup.get("/notices?tier=purple&unit=x&show=??").status, 200);
    // A unit sees its own, without the unit filter.
    let lead = app.login(Who::Lead).get("/notices");
    assert!(lead.body.contains(&red));
    assert!(!lead.body.contains("name=\"unit\""));
}

#[test]
fn the_ledger_downloads_as_a_word_document_in_the_users_scope() {
    let app = App::start();
    let r = app.login(Who::Supervisor).get("/ledger.docx");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    );
    assert!(r.header("content-disposition").unwrap().contains(".docx"));
    let text = docx_text(&r.bytes);
    assert!(
        text.contains("工作任务台账") || text.contains("台账"),
        "{text}"
    );
    assert!(text.contains(crate::support::T1_TITLE));
    // Another unit's user gets a ledger without these tasks.
    let other = docx_text(&app.login(Who::Other).get("/ledger.docx").bytes);
    assert!(!other.contains(crate::support::T1_TITLE));
    assert_eq!(app.anon().get("/ledger.docx").status, 303);
}

#[test]
fn a_meeting_takes_only_the_headings_the_desk_ticks() {
    let app = App::start();
    let sup = app.login(Who::Supervisor);
    let day = duban_core::tasks::local_date(Utc::now()).to_string();
    // Without 待审批事项 ticked, t3's pending request stays off the agenda.
    let r = sup.post(
        "/meetings",
        &[
            ("series", "1"),
            ("held_on", &day),
            ("composed", "1"),
            ("include", "red"),
            ("include", "yellow"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let meetings = app.block_on(app.store.list_meetings(10)).unwrap();
    let (_, items) = app.block_on(app.store.get_meeting(meetings[0].id)).unwrap();
    assert!(
        items.iter().all(|i| matches!(
            i.item.source,
            duban_core::meetings::ItemSource::Red | duban_core::meetings::ItemSource::Yellow
        )),
        "{items:?}"
    );
    assert!(!items.iter().any(|i| i.item.task == Some(app.w.t3)));
    // The form offers the five headings, ticked.
    let page = sup.get("/meetings");
    assert_eq!(page.body.matches("name=\"include\"").count(), 5);
}

#[test]
fn the_unit_hears_when_its_report_is_returned_or_its_request_decided() {
    let app = App::start();
    let lead = app.w.user(Who::Lead);
    let r = app.login(Who::Supervisor).post(
        &format!("/reports/{}/review", app.w.r2.0),
        &[("decision", "return"), ("comment", "请补充佐证材料")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = app.login(Who::Leader).post(
        &format!("/requests/{}/decide", app.w.q3.0),
        &[("decision", "approve"), ("comment", "同意办结")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let inbox = app.block_on(app.store.list_inbox(lead, 10)).unwrap();
    let returned = inbox
        .iter()
        .find(|m| m.message.kind == NotifyKind::ReportReturned)
        .expect("told of the return");
    assert!(
        returned.message.body.contains("请补充佐证材料"),
        "{returned:?}"
    );
    assert_eq!(
        returned.message.link.as_deref(),
        Some(format!("/tasks/{}/report", app.w.t2).as_str())
    );
    let decided = inbox
        .iter()
        .find(|m| m.message.kind == NotifyKind::RequestDecided)
        .expect("told of the decision");
    assert!(
        decided.message.title.starts_with("办结申请已同意"),
        "{decided:?}"
    );
    assert!(decided.message.body.contains("同意办结"));
    // The co-unit is not told.
    let co = app
        .block_on(app.store.list_inbox(app.w.user(Who::Co), 10))
        .unwrap();
    assert!(co.is_empty(), "{co:?}");
}
