//! The follow-up areas through a real store: 督办单 (numbering, 签收, 反馈, dedupe, escalation),
//! the inbox, the outbox and preferences (`followup_story`, on every backend), and a whole year
//! of scheduler ticks with a fake clock, a restart and downtime (`a_year_of_ticks`, SQLite).
//! Included by `story.rs` (one test binary per crate).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use duban_core::calendar::WorkCalendar;
use duban_core::notify::{
    Dispatch, InboxMessage, Message, NotifyKind, Outgoing, Preference, RobotRoute,
};
use duban_core::org::{NewOrgUnit, NewUser, OrgUnitId, OrgUnitKind, Role, UserId};
use duban_core::service::scheduler::{Routing, SchedulerSettings, tick};
use duban_core::store::{Delivery, NoticeFilter, Store, StoreError, TaskFilter};
use duban_core::supervision::notices::{NewNotice, NoticeState, NoticeTier, NoticeTrigger};
use duban_core::tasks::{
    CadenceSettings, Frequency, NewPlan, NewReport, NewTask, TaskId, local_date, local_instant,
};

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

fn at(date: NaiveDate, h: u32) -> DateTime<Utc> {
    local_instant(date, NaiveTime::from_hms_opt(h, 0, 0).unwrap())
}

struct World {
    unit: OrgUnitId,
    unit_user: UserId,
    supervisor: UserId,
    leader: UserId,
    tasks: Vec<TaskId>,
}

/// A unit, its user, a supervisor and a leader (usernames prefixed, so the story's own users do
/// not collide), and one published plan with `tasks` (title, start, due, frequency).
async fn world(store: &dyn Store, prefix: &str, tasks: &[(&str, NaiveDate, Frequency)]) -> World {
    let units = store.list_org_units().await.unwrap();
    let bureau = match units.iter().find(|u| u.parent.is_none()) {
        Some(b) => b.id,
        None => {
            let b = NewOrgUnit::parse(None, "某区文教体局", OrgUnitKind::Bureau).unwrap();
            store.insert_org_unit(&b, None).await.unwrap().id
        }
    };
    let name = format!("{prefix}督办测试科");
    let unit = store
        .insert_org_unit(
            &NewOrgUnit::parse(Some(bureau), &name, OrgUnitKind::Department).unwrap(),
            None,
        )
        .await
        .unwrap()
        .id;
    let user = |n: &str, role: Role, unit: Option<OrgUnitId>| {
        NewUser::parse(&format!("{prefix}{n}"), n, role, unit).unwrap()
    };
    let unit_user = store
        .insert_user(&user("ke", Role::Unit, Some(unit)), "x", None)
        .await
        .unwrap()
        .id;
    let supervisor = store
        .insert_user(&user("dcs", Role::Supervisor, None), "x", None)
        .await
        .unwrap()
        .id;
    let leader = store
        .insert_user(&user("ld", Role::Leader, None), "x", None)
        .await
        .unwrap()
        .id;
    let plan = NewPlan::new("2026年督办测试", Some(2026), "t.txt", "", "{}").unwrap();
    let plan = store.insert_plan(&plan, None).await.unwrap();
    let batch: Vec<NewTask> = tasks
        .iter()
        .map(|(title, due, frequency)| {
            let mut t = NewTask::new(title, d(1, 5), *due, *frequency).unwrap();
            t.lead_unit = Some(unit);
            t.leader = Some(leader);
            t
        })
        .collect();
    let stored = store.insert_tasks(plan.id, &batch, None).await.unwrap();
    store.publish_plan(plan.id, d(1, 5), None).await.unwrap();
    World {
        unit,
        unit_user,
        supervisor,
        leader,
        tasks: stored.iter().map(|t| t.id).collect(),
    }
}

fn message(kind: NotifyKind, title: &str) -> Message {
    Message {
        kind,
        title: title.into(),
        body: "正文".into(),
        link: None,
    }
}

/// 督办单, jobs, inbox, outbox and preferences on one backend.
pub async fn followup_story(store: &dyn Store) {
    let w = world(
        store,
        "fu_",
        &[("督办单测试任务", d(6, 30), Frequency::Weekly)],
    )
    .await;
    let task = w.tasks[0];
    let now = at(d(3, 2), 10);
    let notice = |tier, key: Option<&str>, escalates| NewNotice {
        task,
        unit: w.unit,
        tier,
        trigger: NoticeTrigger::Manual,
        facts: "请加快推进".into(),
        reply_by: d(3, 5),
        issued_at: now,
        dedupe_key: key.map(str::to_owned),
        escalates,
    };

    // Numbered per year, in order; a dedupe key issues once.
    let first = store
        .issue_notice(
            &notice(NoticeTier::Blue, Some("k1"), None),
            Some(w.supervisor),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!((first.year, first.seq), (2026, 1));
    assert_eq!(first.number(), "督〔2026〕1号");
    assert_eq!(first.state, NoticeState::Issued);
    assert_eq!(first.issued_by, Some(w.supervisor));
    assert!(
        store
            .issue_notice(&notice(NoticeTier::Blue, Some("k1"), None), None)
            .await
            .unwrap()
            .is_none()
    );
    // Escalating marks the earlier one escalated in the same transaction.
    let second = store
        .issue_notice(
            &notice(NoticeTier::Yellow, Some("k2"), Some(first.id)),
            None,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.seq, 2);
    assert_eq!(
        store.get_notice(first.id).await.unwrap().state,
        NoticeState::Escalated
    );
    // An escalated notice cannot be escalated again, nor signed; nothing is stored then.
    let again = store
        .issue_notice(&notice(NoticeTier::Red, Some("k3"), Some(first.id)), None)
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict { .. })),
        "{again:?}"
    );
    assert!(matches!(
        store.sign_notice(first.id, now, Some(w.unit_user)).await,
        Err(StoreError::Conflict { .. })
    ));
    let all = store.list_notices(&NoticeFilter::default()).await.unwrap();
    assert_eq!(all.iter().filter(|n| n.notice.task == task).count(), 2);
    // 签收, then 反馈; answering twice conflicts.
    let signed = store
        .sign_notice(second.id, now + Duration::hours(1), Some(w.unit_user))
        .await
        .unwrap();
    assert_eq!(signed.state, NoticeState::Signed);
    assert_eq!(signed.signed_by, Some(w.unit_user));
    let open = NoticeFilter {
        unit: Some(w.unit),
        open_only: true,
        ..NoticeFilter::default()
    };
    assert_eq!(store.list_notices(&open).await.unwrap().len(), 1);
    let answered = store
        .answer_notice(
            second.id,
            "已召开专题会，本周完成",
            now + Duration::hours(2),
            Some(w.unit_user),
        )
        .await
        .unwrap();
    assert_eq!(answered.state, NoticeState::Answered);
    assert_eq!(answered.answer.as_deref(), Some("已召开专题会，本周完成"));
    assert!(store.list_notices(&open).await.unwrap().is_empty());
    assert!(matches!(
        store
            .answer_notice(second.id, "再答", now, Some(w.unit_user))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // A notice answered without signing first is signed by the answer.
    let third = store
        .issue_notice(&notice(NoticeTier::Red, None, None), Some(w.supervisor))
        .await
        .unwrap()
        .unwrap();
    let direct = store
        .answer_notice(third.id, "已办结", now, Some(w.unit_user))
        .await
        .unwrap();
    assert_eq!(direct.signed_by, Some(w.unit_user));
    // The audit trail has each step.
    let trail = store
        .list_audit_events_for(&[("notice".into(), second.id.to_string())], 10)
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["notice.issue", "notice.sign", "notice.answer"]);

    // A job fires once; its inbox and outbox rows come with it.
    let dispatch = Dispatch {
        inbox: vec![(w.unit_user, message(NotifyKind::ReportReminder, "报送提醒"))],
        outgoing: vec![Outgoing {
            channel: "email".into(),
            recipient: "ke@example.gov.cn".into(),
            message: message(NotifyKind::ReportReminder, "报送提醒"),
        }],
    };
    assert!(
        store
            .fire_job("report:1:2026-03-02:0", now, &dispatch, None)
            .await
            .unwrap()
    );
    assert!(
        !store
            .fire_job("report:1:2026-03-02:0", now, &dispatch, None)
            .await
            .unwrap()
    );
    assert!(
        store
            .list_job_keys_since(now - Duration::days(1))
            .await
            .unwrap()
            .contains(&"report:1:2026-03-02:0".to_owned())
    );
    assert!(
        store
            .list_job_keys_since(now + Duration::days(1))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.unread_count(w.unit_user).await.unwrap(), 1);
    // Escalating through a job needs the notice open; a failure stores nothing.
    let refused = store
        .fire_job("escalate:x", now, &dispatch, Some(first.id))
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict { .. })),
        "{refused:?}"
    );
    assert_eq!(store.unread_count(w.unit_user).await.unwrap(), 1);
    assert!(
        store
            .fire_job("escalate:x", now, &Dispatch::default(), None)
            .await
            .unwrap()
    );

    // The inbox: newest first, read one, read all; another user's message is not found.
    store
        .fire_job(
            "second",
            now + Duration::minutes(1),
            &Dispatch {
                inbox: vec![
                    (w.unit_user, message(NotifyKind::NoticeIssued, "督办单")),
                    (w.leader, message(NotifyKind::NoticeIssued, "督办单")),
                ],
                outgoing: Vec::new(),
            },
            None,
        )
        .await
        .unwrap();
    let inbox: Vec<InboxMessage> = store.list_inbox(w.unit_user, 10).await.unwrap();
    assert_eq!(
        inbox
            .iter()
            .map(|m| m.message.title.as_str())
            .collect::<Vec<_>>(),
        ["督办单", "报送提醒"]
    );
    assert_eq!(store.unread_count(w.unit_user).await.unwrap(), 2);
    let leaders = store.list_inbox(w.leader, 10).await.unwrap();
    assert!(matches!(
        store.mark_read(w.unit_user, Some(leaders[0].id), now).await,
        Err(StoreError::NotFound)
    ));
    store
        .mark_read(w.unit_user, Some(inbox[0].id), now)
        .await
        .unwrap();
    assert_eq!(store.unread_count(w.unit_user).await.unwrap(), 1);
    store.mark_read(w.unit_user, None, now).await.unwrap();
    assert_eq!(store.unread_count(w.unit_user).await.unwrap(), 0);
    assert_eq!(store.unread_count(w.leader).await.unwrap(), 1);

    // The outbox: due now, a failure with retry, a give-up, a requeue, a success.
    let due = store.due_outbox(now, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    let id = due[0].id;
    assert_eq!(due[0].outgoing.recipient, "ke@example.gov.cn");
    store
        .record_delivery(
            id,
            &Delivery::Failed {
                at: now,
                error: "连接失败".into(),
                retry_at: Some(now + Duration::minutes(2)),
            },
        )
        .await
        .unwrap();
    assert!(
        store
            .due_outbox(now + Duration::minutes(1), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let retry = store
        .due_outbox(now + Duration::minutes(2), 10)
        .await
        .unwrap();
    assert_eq!(
        (retry[0].attempts, retry[0].last_error.as_deref()),
        (1, Some("连接失败"))
    );
    store
        .record_delivery(
            id,
            &Delivery::Failed {
                at: now,
                error: "邮件服务器拒绝".into(),
                retry_at: None,
            },
        )
        .await
        .unwrap();
    assert!(
        store
            .due_outbox(now + Duration::days(1), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let listed = store.list_outbox(10).await.unwrap();
    assert_eq!(listed[0].state_label(), "发送失败，已放弃");
    store
        .requeue_outbox(id, now, Some(w.supervisor))
        .await
        .unwrap();
    assert_eq!(store.due_outbox(now, 10).await.unwrap().len(), 1);
    store
        .record_delivery(id, &Delivery::Sent(now))
        .await
        .unwrap();
    assert!(
        store
            .due_outbox(now + Duration::days(1), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store.requeue_outbox(id, now, None).await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(matches!(
        store.requeue_outbox(999_999, now, None).await,
        Err(StoreError::NotFound)
    ));

    // Preferences and the address: replaced as a whole; the address stays out of the audit log.
    let prefs = [Preference {
        kind: NotifyKind::TaskReminder,
        inbox: false,
        email: true,
    }];
    store
        .set_notification_settings(w.unit_user, Some("ke@example.gov.cn"), &prefs)
        .await
        .unwrap();
    store
        .set_notification_settings(w.unit_user, Some("new@example.gov.cn"), &prefs)
        .await
        .unwrap();
    let emails = store.list_user_emails().await.unwrap();
    assert!(emails.contains(&(w.unit_user, "new@example.gov.cn".into())));
    let stored: Vec<Preference> = store
        .list_preferences()
        .await
        .unwrap()
        .into_iter()
        .filter(|(u, _)| *u == w.unit_user)
        .map(|(_, p)| p)
        .collect();
    assert_eq!(stored, prefs);
    store
        .set_notification_settings(w.unit_user, None, &[])
        .await
        .unwrap();
    assert!(
        !store
            .list_user_emails()
            .await
            .unwrap()
            .iter()
            .any(|(u, _)| *u == w.unit_user)
    );
    let events = store.list_audit_events(0, 100_000).await.unwrap();
    assert!(
        !events
            .iter()
            .any(|e| format!("{:?}{:?}", e.before, e.after).contains("example.gov.cn"))
    );
    // Notices issued at the same moment get distinct numbers.
    let same = notice(NoticeTier::Blue, None, None);
    let (a, b, c) = tokio::join!(
        store.issue_notice(&same, None),
        store.issue_notice(&same, None),
        store.issue_notice(&same, None),
    );
    let mut seqs: Vec<i64> = [a, b, c]
        .into_iter()
        .map(|r| r.unwrap().unwrap().seq)
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, [4, 5, 6], "after 督〔2026〕1–3号");
}

/// What one played year produced: inbox messages by user, notices, fired job keys.
struct Played {
    inbox: BTreeMap<i64, Vec<InboxMessage>>,
    notices: Vec<(String, String, String, String)>,
}

async fn open_store(url: &str) -> Arc<dyn Store> {
    duban_store::connect(url).await.unwrap()
}

/// Plays 2026 hour by hour against the SQLite database at `url`: the unit reports task B every
/// Thursday and answers B's notices at once, never reports task A nor answers its notices,
/// reports task C monthly and completes it on 20 June. The server is down from 1 July 00:00
/// to 3 July 12:00; with `restart`, the store is dropped and reopened across the gap.
async fn play(url: &str, restart: bool) -> (Played, World, WorkCalendar) {
    let mut store = open_store(url).await;
    let w = world(
        &*store,
        "yr_",
        &[
            ("沉默任务：推进学区化管理", d(9, 30), Frequency::Weekly),
            ("勤勉任务：推进课后服务提质", d(12, 31), Frequency::Weekly),
            ("月报任务：建设智慧食堂", d(6, 30), Frequency::Monthly),
        ],
    )
    .await;
    let (b, c) = (w.tasks[1], w.tasks[2]);
    let cadence = CadenceSettings::default();
    let settings = SchedulerSettings::default();
    let routing = Routing {
        robots: vec![RobotRoute {
            name: "督查群".into(),
            kinds: vec![NotifyKind::NoticeIssued],
        }],
        email_enabled: false,
    };
    let calendar = WorkCalendar::new(store.list_calendar_days().await.unwrap());
    let (down_from, down_to) = (at(d(7, 1), 0), at(d(7, 3), 12));
    let mut now = at(d(1, 1), 0);
    let end = at(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(), 0);
    let mut restarted = false;
    while now < end {
        if now >= down_from && now < down_to {
            if restart && !restarted {
                drop(store);
                store = open_store(url).await;
                restarted = true;
            }
            now += Duration::hours(1);
            continue;
        }
        let today = local_date(now);
        let hour = (now + Duration::hours(8)).time().format("%H").to_string();
        // The unit's part, before the tick.
        let report =
            |task, period_start, progress: &'static str, next: &'static str, percent: f64| {
                let store = &store;
                let unit_user = w.unit_user;
                async move {
                    let r = NewReport::new(
                        task,
                        period_start,
                        progress,
                        "",
                        next,
                        percent.min(100.0),
                        false,
                    )
                    .unwrap();
                    let draft = store
                        .upsert_report_draft(&r, Some(unit_user))
                        .await
                        .unwrap();
                    store
                        .submit_report(draft.id, now, Some(unit_user))
                        .await
                        .unwrap();
                }
            };
        if hour == "10" && today.weekday() == Weekday::Thu && today >= d(1, 5) {
            let percent = f64::from(today.ordinal()) / 365.0 * 100.0 + 5.0;
            report(
                b,
                today - Duration::days(3),
                "按计划推进",
                "继续推进",
                percent,
            )
            .await;
        }
        if hour == "10" && today.day() == 25 && today < d(6, 20) {
            let percent = f64::from(today.ordinal()) / 181.0 * 100.0;
            report(c, today.with_day(1).unwrap(), "食堂改造推进中", "", percent).await;
        }
        if hour == "10" && today == d(6, 20) {
            store
                .complete_task(c, now, Some(w.supervisor))
                .await
                .unwrap();
        }
        let outcome = tick(&*store, None, now, &cadence, &settings, &routing)
            .await
            .unwrap();
        assert!(outcome.failures.is_empty(), "{now}: {:?}", outcome.failures);
        // The diligent unit answers B's notices as soon as they arrive.
        let open = NoticeFilter {
            task: Some(b),
            open_only: true,
            ..NoticeFilter::default()
        };
        for n in store.list_notices(&open).await.unwrap() {
            store
                .answer_notice(n.id, "已按要求落实", now, Some(w.unit_user))
                .await
                .unwrap();
        }
        now += Duration::hours(1);
    }
    assert_eq!(restarted, restart);
    let mut inbox = BTreeMap::new();
    for user in [w.unit_user, w.supervisor, w.leader] {
        let mut messages = store.list_inbox(user, 100_000).await.unwrap();
        messages.reverse();
        inbox.insert(user.0, messages);
    }
    let mut notices: Vec<_> = store
        .list_notices(&NoticeFilter::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|n| w.tasks.contains(&n.notice.task))
        .map(|n| {
            (
                n.number(),
                n.notice.dedupe_key.clone().unwrap_or_default(),
                n.state.code().to_owned(),
                n.notice.issued_at.to_rfc3339(),
            )
        })
        .collect();
    notices.sort();
    // Sanity: the tasks are where the story left them.
    let tasks = store.list_tasks(&TaskFilter::default()).await.unwrap();
    assert!(
        tasks
            .iter()
            .any(|t| t.id == c && t.timeline.completed_at.is_some())
    );
    (Played { inbox, notices }, w, calendar)
}

fn local_hour(instant: DateTime<Utc>) -> u32 {
    use chrono::Timelike;
    (instant + Duration::hours(8)).hour()
}

/// A year of ticks: every reminder and escalation fires exactly once, none on a day off or
/// before 09:00, a restart across downtime neither repeats nor loses anything.
pub async fn a_year_of_ticks(dir: &std::path::Path) {
    let url = |name: &str| format!("sqlite://{}", dir.join(name).display());
    let (restarted, w, calendar) = play(&url("restart.db"), true).await;
    let (steady, _, _) = play(&url("steady.db"), false).await;

    // A restart changes nothing: the same messages at the same moments, the same notices.
    let shape = |p: &Played| -> Vec<(i64, String, String, String)> {
        p.inbox
            .iter()
            .flat_map(|(u, ms)| {
                ms.iter().map(move |m| {
                    (
                        *u,
                        m.message.kind.code().to_owned(),
                        m.message.title.clone(),
                        m.created_at.to_rfc3339(),
                    )
                })
            })
            .collect()
    };
    assert_eq!(shape(&restarted), shape(&steady));
    assert_eq!(restarted.notices, steady.notices);

    let unit_inbox = &restarted.inbox[&w.unit_user.0];
    let leader_inbox = &restarted.inbox[&w.leader.0];
    assert!(unit_inbox.len() > 40, "{}", unit_inbox.len());
    // Nothing on a day off, nothing before 09:00, nothing during the downtime.
    for m in restarted.inbox.values().flatten() {
        let day = local_date(m.created_at);
        assert!(
            calendar.is_workday(day),
            "sent on a day off: {day} {:?}",
            m.message
        );
        let hour = local_hour(m.created_at);
        assert!(
            (9..18).contains(&hour),
            "sent outside 09:00–18:00: {:?}",
            m.created_at
        );
        assert!(
            !(d(7, 1) <= day && m.created_at < at(d(7, 3), 12)),
            "sent while down"
        );
    }

    // Report reminders for the silent task A: at most one per week, none after its deadline;
    // exactly one on each ordinary Friday (no holiday or make-up day that week).
    let a_reminders: Vec<&InboxMessage> = unit_inbox
        .iter()
        .filter(|m| {
            m.message.kind == NotifyKind::ReportReminder && m.message.title.contains("沉默任务")
        })
        .collect();
    let mut per_week: HashMap<(i32, u32), usize> = HashMap::new();
    for m in &a_reminders {
        let day = local_date(m.created_at);
        *per_week
            .entry((day.iso_week().year(), day.iso_week().week()))
            .or_default() += 1;
        assert!(day <= d(9, 30));
    }
    assert!(per_week.values().all(|n| *n == 1), "{per_week:?}");
    let mut monday = d(1, 5);
    let mut ordinary_fridays = 0;
    while monday + Duration::days(4) <= d(9, 30) {
        let friday = monday + Duration::days(4);
        let week: Vec<NaiveDate> = (0..7).map(|i| monday + Duration::days(i)).collect();
        let ordinary = week.iter().all(|day| {
            calendar.is_workday(*day) == !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
        });
        if ordinary && friday != d(7, 3) {
            ordinary_fridays += 1;
            let on_friday: Vec<_> = a_reminders
                .iter()
                .filter(|m| local_date(m.created_at) == friday)
                .collect();
            assert_eq!(on_friday.len(), 1, "report reminder on {friday}");
            assert_eq!(local_hour(on_friday[0].created_at), 9, "{friday}");
        }
        monday += Duration::days(7);
    }
    assert!(ordinary_fridays > 25, "{ordinary_fridays}");
    // The Friday of the downtime: caught up at 12:00 when the server came back, once.
    let caught_up: Vec<_> = a_reminders
        .iter()
        .filter(|m| local_date(m.created_at) == d(7, 3))
        .collect();
    assert_eq!(caught_up.len(), 1);
    assert_eq!(caught_up[0].created_at, at(d(7, 3), 12));
    // 中秋 (25 September, a Friday off): the reminder came on Thursday 24th instead.
    assert!(
        a_reminders
            .iter()
            .any(|m| local_date(m.created_at) == d(9, 24))
    );

    // The diligent task B reported every Thursday: no report reminder on a Friday, but for the
    // one whose Thursday fell in the downtime.
    let b_fridays: Vec<NaiveDate> = unit_inbox
        .iter()
        .filter(|m| {
            m.message.kind == NotifyKind::ReportReminder
                && m.message.title.contains("勤勉任务")
                && local_date(m.created_at).weekday() == Weekday::Fri
        })
        .map(|m| local_date(m.created_at))
        .collect();
    assert_eq!(b_fridays, [d(7, 3)]);
    // Task reminders: two per task that was open at its deadline (5 and 1 workdays before),
    // none for C after its completion on 20 June.
    let task_reminders = |needle: &str| {
        unit_inbox
            .iter()
            .filter(|m| {
                m.message.kind == NotifyKind::TaskReminder && m.message.title.contains(needle)
            })
            .map(|m| local_date(m.created_at))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        task_reminders("沉默任务"),
        [
            calendar.workdays_before(d(9, 30), 5),
            calendar.workdays_before(d(9, 30), 1)
        ]
    );
    assert_eq!(
        task_reminders("勤勉任务"),
        [
            calendar.workdays_before(d(12, 31), 5),
            calendar.workdays_before(d(12, 31), 1)
        ]
    );
    assert!(task_reminders("月报任务").is_empty());

    // Notices: every dedupe key once; each escalated notice was followed exactly once — by a
    // sharper notice, or (red) by one message to the leader.
    let store = open_store(&url("restart.db")).await;
    let notices = store.list_notices(&NoticeFilter::default()).await.unwrap();
    let mine: Vec<_> = notices
        .iter()
        .filter(|n| w.tasks.contains(&n.notice.task))
        .collect();
    let keys: Vec<&str> = mine
        .iter()
        .filter_map(|n| n.notice.dedupe_key.as_deref())
        .collect();
    assert_eq!(keys.len(), keys.iter().collect::<HashSet<_>>().len());
    assert_eq!(keys.len(), mine.len(), "every automatic notice has its key");
    let numbers: HashSet<String> = mine.iter().map(|n| n.number()).collect();
    assert_eq!(numbers.len(), mine.len());
    let escalated_to_leader = leader_inbox
        .iter()
        .filter(|m| m.message.kind == NotifyKind::NoticeEscalated)
        .count();
    let mut red_escalated = 0;
    for n in mine.iter().filter(|n| n.state == NoticeState::Escalated) {
        let successors = mine
            .iter()
            .filter(|s| s.notice.escalates == Some(n.id))
            .count();
        match n.notice.tier {
            NoticeTier::Red => {
                assert_eq!(successors, 0);
                red_escalated += 1;
            }
            _ => assert_eq!(successors, 1, "{}", n.number()),
        }
        // Escalated only after its reply-by date, on a workday.
        let next = mine.iter().find(|s| s.notice.escalates == Some(n.id));
        if let Some(next) = next {
            assert!(local_date(next.notice.issued_at) > n.notice.reply_by);
        }
    }
    assert!(red_escalated > 0);
    assert_eq!(escalated_to_leader, red_escalated);
    // A (silent) went through all three tiers; B (answers at once) never escalated; the first
    // notice of A was a 黄 for the missing report of the week of 5 January.
    let of = |task: TaskId| mine.iter().filter(move |n| n.notice.task == task);
    let a_tiers: HashSet<NoticeTier> = of(w.tasks[0]).map(|n| n.notice.tier).collect();
    assert!(a_tiers.contains(&NoticeTier::Yellow) && a_tiers.contains(&NoticeTier::Red));
    assert!(of(w.tasks[1]).all(|n| n.state == NoticeState::Answered));
    assert!(of(w.tasks[1]).any(|n| n.notice.trigger == NoticeTrigger::DueSoon));
    let first_a = of(w.tasks[0]).min_by_key(|n| n.seq).unwrap();
    assert_eq!(first_a.notice.trigger, NoticeTrigger::ReportMissing);
    assert_eq!(
        first_a.notice.dedupe_key.as_deref(),
        Some(format!("missing:{}:2026-01-05", w.tasks[0]).as_str())
    );
    // Each notice was announced to the unit exactly once (and to the robot's queue).
    let announced = unit_inbox
        .iter()
        .filter(|m| m.message.kind == NotifyKind::NoticeIssued)
        .count();
    assert_eq!(announced, mine.len());
    let _ = w.unit;
}

/// Meetings on one backend: series, a meeting with its agenda, reorder, add, remove, outcomes
/// (a decided task stored and published with the outcome, a 批示), the decisions sent once,
/// closing.
pub async fn meetings_story(store: &dyn Store) {
    use duban_core::meetings::{ItemSource, MeetingState, NewItem, Outcome, OutcomeKind};
    use duban_core::notify::Dispatch;
    use duban_core::store::DecidedTask;
    use duban_core::tasks::TaskStatus;

    let w = world(
        store,
        "mt_",
        &[("例会测试任务", d(6, 30), Frequency::Weekly)],
    )
    .await;
    let task = w.tasks[0];
    let series = store.list_series().await.unwrap();
    assert_eq!(series[0].name, "局党政联席会议", "seeded by the migration");
    assert_eq!(series[0].weekday, Weekday::Mon);
    let extra = store
        .insert_series(
            "局长办公会",
            Weekday::Thu,
            NaiveTime::from_hms_opt(15, 0, 0).unwrap(),
            Some(w.supervisor),
        )
        .await
        .unwrap();
    assert_eq!(store.list_series().await.unwrap().len(), 2);
    assert!(matches!(
        store
            .insert_series("局长办公会", Weekday::Fri, NaiveTime::MIN, None)
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let item = |title: &str, task: Option<TaskId>| NewItem {
        source: ItemSource::Red,
        task,
        request: None,
        report: None,
        title: title.into(),
        note: "已逾期".into(),
    };
    let m = store
        .create_meeting(
            series[0].id,
            d(3, 9),
            "局党政联席会议（2026年3月9日）",
            &[item("一", Some(task)), item("二", None), item("三", None)],
            Some(w.supervisor),
        )
        .await
        .unwrap();
    assert_eq!(m.state, MeetingState::Open);
    assert!(matches!(
        store
            .create_meeting(series[0].id, d(3, 9), "重复", &[], None)
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // Another series may meet the same day.
    store
        .create_meeting(extra.id, d(3, 9), "局长办公会", &[], None)
        .await
        .unwrap();
    let titles = |items: &[duban_core::meetings::AgendaItem]| {
        items
            .iter()
            .map(|i| i.item.title.clone())
            .collect::<Vec<_>>()
    };
    let (_, items) = store.get_meeting(m.id).await.unwrap();
    assert_eq!(titles(&items), ["一", "二", "三"]);
    store.move_item(items[2].id, true, None).await.unwrap();
    store.move_item(items[0].id, true, None).await.unwrap(); // at the top: nothing moves
    let added = store.add_item(m.id, &item("四", None), None).await.unwrap();
    store.remove_item(items[1].id, None).await.unwrap();
    let (_, items) = store.get_meeting(m.id).await.unwrap();
    assert_eq!(titles(&items), ["一", "三", "四"]);
    assert_eq!(items[2].id, added.id);

    // A decided task, stored and published with its outcome.
    let plan = store
        .meeting_plan(2026, "2026年会议议定事项", None)
        .await
        .unwrap();
    assert_eq!(
        store
            .meeting_plan(2026, "2026年会议议定事项", None)
            .await
            .unwrap(),
        plan,
        "found, not created twice"
    );
    let mut new_task =
        NewTask::new("开展校园周边环境整治", d(3, 9), d(4, 30), Frequency::Weekly).unwrap();
    new_task.lead_unit = Some(w.unit);
    let outcome = Outcome::new(
        OutcomeKind::NewTask,
        "开展校园周边环境整治",
        Some(w.unit),
        vec![],
        Some(d(4, 30)),
        d(3, 9),
        false,
    )
    .unwrap();
    let decided = store
        .record_outcome(
            items[2].id,
            &outcome,
            Some(DecidedTask {
                plan,
                task: &new_task,
                published_on: d(3, 9),
            }),
            at(d(3, 9), 10),
            Some(w.supervisor),
        )
        .await
        .unwrap();
    let created = store.get_task(decided.new_task.unwrap()).await.unwrap();
    assert_eq!(created.status, TaskStatus::Published);
    assert_eq!(created.plan, Some(plan));
    assert_eq!(created.lead_unit, Some(w.unit));
    assert_eq!(created.timeline.reporting_from, Some(d(3, 9)));
    assert_eq!(decided.outcome.as_ref().unwrap().due, Some(d(4, 30)));
    // Once only.
    assert!(matches!(
        store
            .record_outcome(items[2].id, &outcome, None, at(d(3, 9), 11), None)
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // Two people recording an outcome on the same item at once: one wins, the other gets a
    // conflict, and the loser's new task is rolled back with it.
    let race = store
        .add_item(m.id, &item("抢答", None), None)
        .await
        .unwrap();
    let tasks_before = store
        .list_tasks(&TaskFilter::default())
        .await
        .unwrap()
        .len();
    let mut other_task = new_task.clone();
    other_task.title = "另一项议定任务".into();
    let decide = |t: &'static str, task: NewTask| {
        let outcome = Outcome::new(
            OutcomeKind::NewTask,
            t,
            Some(w.unit),
            vec![],
            Some(d(4, 30)),
            d(3, 9),
            false,
        )
        .unwrap();
        async move {
            store
                .record_outcome(
                    race.id,
                    &outcome,
                    Some(DecidedTask {
                        plan,
                        task: &task,
                        published_on: d(3, 9),
                    }),
                    at(d(3, 9), 10),
                    None,
                )
                .await
        }
    };
    let (first, second) = tokio::join!(
        decide("开展校园周边环境整治", new_task.clone()),
        decide("另一项议定任务", other_task)
    );
    let wins = [&first, &second].iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{first:?} {second:?}");
    assert!(
        [&first, &second]
            .iter()
            .any(|r| matches!(r, Err(StoreError::Conflict { .. })))
    );
    assert_eq!(
        store
            .list_tasks(&TaskFilter::default())
            .await
            .unwrap()
            .len(),
        tasks_before + 1,
        "only the winner's task is stored"
    );
    store.remove_item(race.id, None).await.unwrap_err();
    // A 批示 on the first item's task; a decision with co-units on the second.
    let instruction = Outcome::new(
        OutcomeKind::Instruction,
        "月底前完成",
        None,
        vec![],
        None,
        d(3, 9),
        true,
    )
    .unwrap();
    store
        .record_outcome(
            items[0].id,
            &instruction,
            None,
            at(d(3, 9), 10),
            Some(w.leader),
        )
        .await
        .unwrap();
    let on_task = store.list_instructions(Some(task)).await.unwrap();
    assert_eq!(on_task[0].instruction.text, "月底前完成");
    let decision = Outcome::new(
        OutcomeKind::Decision,
        "由督办测试科牵头制定方案",
        Some(w.unit),
        vec![OrgUnitId(1)],
        Some(d(3, 31)),
        d(3, 9),
        false,
    )
    .unwrap();
    store
        .record_outcome(items[1].id, &decision, None, at(d(3, 9), 10), None)
        .await
        .unwrap();
    let (_, items) = store.get_meeting(m.id).await.unwrap();
    assert_eq!(items[1].outcome.as_ref().unwrap().co_units, [OrgUnitId(1)]);
    assert!(matches!(
        store.remove_item(items[1].id, None).await,
        Err(StoreError::Conflict { .. })
    ));
    // The previous meeting of the series, as the next agenda sees it.
    let (prev, prev_items) = store
        .previous_meeting(series[0].id, d(3, 16))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((prev.id, prev_items.len()), (m.id, 4));
    assert!(
        store
            .previous_meeting(series[0].id, d(3, 9))
            .await
            .unwrap()
            .is_none()
    );

    // Sent once; then closed, and nothing changes any more.
    let to = Dispatch {
        inbox: vec![(
            w.unit_user,
            message(NotifyKind::MeetingDecision, "确定事项"),
        )],
        outgoing: Vec::new(),
    };
    assert!(
        store
            .send_decisions(m.id, at(d(3, 9), 12), &to, None)
            .await
            .unwrap()
    );
    assert!(
        !store
            .send_decisions(m.id, at(d(3, 9), 13), &to, None)
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .list_inbox(w.unit_user, 10)
            .await
            .unwrap()
            .iter()
            .filter(|m| m.message.title == "确定事项")
            .count(),
        1
    );
    let notes = store
        .set_meeting_notes(m.id, "第10次局党政联席会议", "出席：王局长等", None)
        .await
        .unwrap();
    assert_eq!(notes.attendees, "出席：王局长等");
    let closed = store.close_meeting(m.id, Some(w.supervisor)).await.unwrap();
    assert_eq!(closed.state, MeetingState::Closed);
    assert!(closed.decisions_sent_at.is_some());
    for refused in [
        store
            .add_item(m.id, &item("五", None), None)
            .await
            .map(|_| ()),
        store.move_item(items[1].id, true, None).await,
        store.close_meeting(m.id, None).await.map(|_| ()),
    ] {
        assert!(
            matches!(refused, Err(StoreError::Conflict { .. })),
            "{refused:?}"
        );
    }
    let listed = store.list_meetings(10).await.unwrap();
    assert!(listed.iter().any(|x| x.id == m.id));
}
