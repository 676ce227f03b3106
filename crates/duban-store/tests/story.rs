//! The store conformance story: one walk through `Arc<dyn Store>` that every backend must pass.
//!
//! It always runs on a temporary SQLite file. It also runs on PostgreSQL when
//! `DUBAN_TEST_POSTGRES_URL` is set (e.g. `postgres://postgres@127.0.0.1/postgres`), inside a
//! database created for this run and dropped afterwards, so parallel runs never collide.
//! The only test binary of this crate: add to the story rather than adding files here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, NaiveTime};
use duban_core::audit::verify_chain;
use duban_core::auth::SessionRecord;
use duban_core::org::{NewOrgUnit, NewUser, OrgUnitId, OrgUnitKind, Role, UserId};
use duban_core::store::{RequestFilter, Store, StoreError, TaskEdit, TaskFilter};
use duban_core::tasks::{
    AttachmentId, CadenceSettings, Frequency, Light, Milestone, NewAttachment, NewInstruction,
    NewPlan, NewReport, NewRequest, NewTarget, NewTask, ReportId, ReportRecord, ReportState,
    RequestId, RequestState, TargetValue, TaskId, TaskRecord, TaskStatus, assess, local_instant,
};
use std::sync::Arc;

#[path = "followup/mod.rs"]
mod followup;

/// Direct SQL access to the same database, to play the part of someone editing rows by hand.
enum Raw {
    Sqlite(sqlx::SqlitePool),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
}

impl Raw {
    async fn exec(&self, sql: &str) -> u64 {
        match self {
            Raw::Sqlite(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .unwrap()
                .rows_affected(),
            #[cfg(feature = "postgres")]
            Raw::Postgres(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .unwrap()
                .rows_affected(),
        }
    }
}

async fn story(store: Arc<dyn Store>, raw: Raw) {
    // Arrange: an org tree.
    store.health().await.unwrap();
    let admin_actor = None;
    let bureau = store
        .insert_org_unit(
            &NewOrgUnit::parse(None, "某区文教体局", OrgUnitKind::Bureau).unwrap(),
            admin_actor,
        )
        .await
        .unwrap();
    let department = store
        .insert_org_unit(
            &NewOrgUnit::parse(Some(bureau.id), "基础教育科", OrgUnitKind::Department).unwrap(),
            admin_actor,
        )
        .await
        .unwrap();
    let school = store
        .insert_org_unit(
            &NewOrgUnit::parse(Some(bureau.id), "实验小学", OrgUnitKind::School).unwrap(),
            admin_actor,
        )
        .await
        .unwrap();
    assert_eq!(school.parent, Some(bureau.id));
    let units = store.list_org_units().await.unwrap();
    assert_eq!(
        units,
        vec![bureau.clone(), department.clone(), school.clone()]
    );

    // A parent that does not exist is refused and leaves no trace.
    let orphan = NewOrgUnit::parse(Some(OrgUnitId(9999)), "幽灵学校", OrgUnitKind::School).unwrap();
    let err = store
        .insert_org_unit(&orphan, admin_actor)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");

    // Users of every role.
    let admin = store
        .insert_user(
            &NewUser::parse("admin", "系统管理员", Role::Admin, None).unwrap(),
            "$argon2id$admin",
            None,
        )
        .await
        .unwrap();
    let by = Some(admin.id);
    let people = [
        ("leader", "王局长", Role::Leader, Some(bureau.id)),
        ("dcs", "督查室李", Role::Supervisor, Some(bureau.id)),
        ("jjk", "基教科张", Role::Unit, Some(department.id)),
        ("syxx", "实验小学赵", Role::Unit, Some(school.id)),
        ("viewer", "只读用户", Role::Viewer, None),
    ];
    for (username, name, role, unit) in people {
        let new = NewUser::parse(username, name, role, unit).unwrap();
        let user = store
            .insert_user(&new, &format!("$argon2id${username}"), by)
            .await
            .unwrap();
        assert_eq!((user.role, user.unit, user.active), (role, unit, true));
    }

    // Act + assert: a taken username is a conflict on the username constraint.
    let dup = NewUser::parse("dcs", "冒名者", Role::Viewer, None).unwrap();
    match store.insert_user(&dup, "x", by).await {
        Err(StoreError::Conflict { constraint }) => {
            assert!(constraint.contains("username"), "{constraint}")
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let ghost_unit = NewUser::parse("ghost", "无单位", Role::Unit, Some(OrgUnitId(9999))).unwrap();
    let err = store.insert_user(&ghost_unit, "x", by).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");

    // Login lookup returns the hash; unknown users are None.
    let (unit_user, hash) = store.get_user_by_username("syxx").await.unwrap().unwrap();
    assert_eq!(hash, "$argon2id$syxx");
    assert_eq!(unit_user.unit, Some(school.id));
    assert!(
        store
            .get_user_by_username("nobody")
            .await
            .unwrap()
            .is_none()
    );

    // Deactivate a user.
    let off = store
        .set_user_active(unit_user.id, false, by)
        .await
        .unwrap();
    assert!(!off.active);
    let (again, _) = store.get_user_by_username("syxx").await.unwrap().unwrap();
    assert!(!again.active);
    let err = store
        .set_user_active(UserId(9999), false, by)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let users = store.list_users().await.unwrap();
    assert_eq!(users.len(), 6);
    assert_eq!(users.iter().filter(|u| !u.active).count(), 1);

    // One audit event per successful write (3 units + 6 users + 1 deactivation), none for the
    // refused ones, chained, and free of password hashes.
    let events = store.list_audit_events(0, 1000).await.unwrap();
    assert_eq!(events.len(), 10);
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    assert_eq!(verify_chain(&events), Ok(()));
    assert!(events.iter().all(|e| {
        let text = format!("{:?}{:?}", e.before, e.after);
        !text.contains("argon2id")
    }));
    let last = &events[9];
    assert_eq!(
        (last.action.as_str(), last.entity.as_str(), last.actor),
        ("user.set_active", "user", Some(admin.id))
    );
    assert!(last.before.as_deref().unwrap().contains("\"active\":true"));
    assert!(last.after.as_deref().unwrap().contains("\"active\":false"));
    let page = store.list_audit_events(2, 3).await.unwrap();
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 4, 5]);

    plans_tasks_and_reports(&*store, bureau.id, department.id, school.id).await;
    targets_requests_and_sessions(&*store, department.id, school.id).await;
    followup::followup_story(&*store).await;
    followup::meetings_story(&*store).await;

    // Someone edits an audit row by hand: the chain names it.
    let changed = raw
        .exec("update audit_events set after_json = '{\"name\":\"改过\"}' where seq = 3")
        .await;
    assert_eq!(changed, 1);
    let events = store.list_audit_events(0, 1000).await.unwrap();
    let broken = verify_chain(&events).unwrap_err();
    assert_eq!(broken.seq, 3, "{broken}");

    // Someone deletes an earlier row: the gap is the first break now.
    assert_eq!(raw.exec("delete from audit_events where seq = 2").await, 1);
    let events = store.list_audit_events(0, 1000).await.unwrap();
    let broken = verify_chain(&events).unwrap_err();
    assert_eq!(broken.seq, 2, "{broken}");
    assert!(broken.reason.contains("删除"), "{broken}");
}

/// Plans, tasks and reports: decompose, publish (交办), report, return, resubmit, accept, extend,
/// complete. Runs inside `story` on the org it built; every write adds one chained audit event.
async fn plans_tasks_and_reports(
    store: &dyn Store,
    bureau: OrgUnitId,
    department: OrgUnitId,
    school: OrgUnitId,
) {
    let users = store.list_users().await.unwrap();
    let id_of = |name: &str| users.iter().find(|u| u.username == name).unwrap().id;
    let (leader, dcs, jjk) = (id_of("leader"), id_of("dcs"), id_of("jjk"));
    let audit_before = store.list_audit_events(0, 10_000).await.unwrap().len();
    let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    let at = |m: u32, day: u32, h: u32| {
        local_instant(d(m, day), NaiveTime::from_hms_opt(h, 0, 0).unwrap())
    };

    // Bad input never reaches the store: the constructors refuse it, in Chinese.
    let err = NewTask::new("  ", d(1, 5), d(6, 30), Frequency::Weekly).unwrap_err();
    assert_eq!(err.to_string(), "任务名称不能为空");
    let err = NewTask::new("任务", d(6, 30), d(1, 5), Frequency::Weekly).unwrap_err();
    assert!(err.to_string().contains("完成时限"), "{err}");
    let err = NewReport::new(TaskId(1), d(1, 5), "进展", "", "", 150.0, false).unwrap_err();
    assert!(
        err.to_string().contains("完成进度必须在0到100之间"),
        "{err}"
    );

    // Import a plan and confirm its drafts as three tasks, one with a co-unit.
    let source = "一、推进集团化办学。二、建设智慧校园。三、加强师资队伍建设。";
    let new_plan = NewPlan::new("2026年工作要点", Some(2026), "要点.txt", source, "{}").unwrap();
    let plan = store.insert_plan(&new_plan, Some(dcs)).await.unwrap();
    assert!(!plan.published);
    assert_eq!(store.get_plan(plan.id).await.unwrap(), plan);

    let mut group = NewTask::new("推进集团化办学", d(1, 5), d(12, 31), Frequency::Weekly).unwrap();
    group.path = vec!["一、".into()];
    group.text = "推进集团化办学。".into();
    (group.source_start, group.source_end) = (Some(2), Some(10));
    group.lead_unit = Some(department);
    group.co_units = vec![school];
    group.leader = Some(leader);
    group.owner_name = Some("张科长".into());
    let group = group.validated().unwrap();
    let mut smart = NewTask::new("建设智慧校园", d(1, 5), d(6, 30), Frequency::Monthly).unwrap();
    smart.lead_unit = Some(school);
    let mut teachers =
        NewTask::new("加强师资队伍建设", d(1, 5), d(3, 31), Frequency::Weekly).unwrap();
    teachers.lead_unit = Some(department);
    teachers.weight = 2.0;

    // A batch with one bad row stores nothing.
    let mut ghost = teachers.clone();
    ghost.lead_unit = Some(OrgUnitId(9999));
    let batch = [group.clone(), ghost];
    let err = store
        .insert_tasks(plan.id, &batch, Some(dcs))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    let in_plan = TaskFilter {
        plan: Some(plan.id),
        ..TaskFilter::default()
    };
    assert!(store.list_tasks(&in_plan).await.unwrap().is_empty());

    let batch = [group, smart, teachers];
    let tasks = store
        .insert_tasks(plan.id, &batch, Some(dcs))
        .await
        .unwrap();
    assert_eq!(tasks.len(), 3);
    let (group, smart, teachers) = (&tasks[0], &tasks[1], &tasks[2]);
    assert!(tasks.iter().all(|t| t.status == TaskStatus::Draft));
    assert!(tasks.iter().all(|t| t.plan == Some(plan.id)));
    assert_eq!(group.co_units, [school]);
    assert_eq!(group.path, ["一、"]);
    assert_eq!(group.owner_name.as_deref(), Some("张科长"));
    let quoted: String = source.chars().skip(2).take(8).collect();
    assert_eq!(quoted, "推进集团化办学。");
    assert_eq!(teachers.timeline.weight, 2.0);
    assert_eq!(store.get_task(group.id).await.unwrap(), *group);
    let err = store.get_task(TaskId(9999)).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");

    // Before 交办 a unit sees nothing; afterwards, its lead and co-unit tasks and no others.
    let mine = |unit| TaskFilter {
        lead_or_co_unit: Some(unit),
        status: Some(TaskStatus::Published),
        ..TaskFilter::default()
    };
    assert!(store.list_tasks(&mine(school)).await.unwrap().is_empty());
    // Nor can anyone report on a task that has not been published.
    let early = NewReport::new(group.id, d(1, 5), "抢先报送", "", "", 5.0, false).unwrap();
    conflict(store.upsert_report_draft(&early, Some(dcs)).await);
    let published = store
        .publish_plan(plan.id, d(1, 5), Some(dcs))
        .await
        .unwrap();
    assert!(published.published);
    let all = store.list_tasks(&in_plan).await.unwrap();
    assert!(all.iter().all(|t| t.status == TaskStatus::Published));
    // 交办 stamps the day from which reports are owed.
    assert!(
        all.iter()
            .all(|t| t.timeline.reporting_from == Some(d(1, 5)))
    );
    let ids = |tasks: Vec<TaskRecord>| tasks.iter().map(|t| t.id).collect::<Vec<_>>();
    let school_tasks = store.list_tasks(&mine(school)).await.unwrap();
    assert_eq!(school_tasks[0].co_units, [school]);
    assert_eq!(ids(school_tasks), [group.id, smart.id]);
    let department_tasks = store.list_tasks(&mine(department)).await.unwrap();
    assert_eq!(ids(department_tasks), [group.id, teachers.id]);
    assert!(store.list_tasks(&mine(bureau)).await.unwrap().is_empty());

    // A weekly report: drafted, edited, submitted before Friday 17:00.
    let week = d(1, 5);
    let draft = NewReport::new(group.id, week, "已召开推进会", "", "", 10.0, false).unwrap();
    let first = store.upsert_report_draft(&draft, Some(jjk)).await.unwrap();
    assert_eq!(
        (first.state, first.first_submitted_at),
        (ReportState::Draft, None)
    );
    let edited = NewReport::new(
        group.id,
        week,
        "已召开推进会，确定试点校",
        "经费未到位",
        "下周印发方案",
        20.0,
        true,
    )
    .unwrap();
    let report = store.upsert_report_draft(&edited, Some(jjk)).await.unwrap();
    assert_eq!(report.id, first.id);
    assert_eq!(
        (report.percent, report.problems.as_str()),
        (20.0, "经费未到位")
    );
    assert!(report.needs_coordination);
    let submitted_at = at(1, 9, 16);
    let report = store
        .submit_report(report.id, submitted_at, Some(jjk))
        .await
        .unwrap();
    assert_eq!(report.state, ReportState::Submitted);
    assert_eq!(report.first_submitted_at, Some(submitted_at));
    // Submitted: no more edits, no second submission.
    let err = store
        .upsert_report_draft(&edited, Some(jjk))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    let err = store
        .submit_report(report.id, at(1, 9, 17), Some(jjk))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");

    // Returned with a comment, revised, resubmitted: the first submission time is kept.
    let returned = store
        .review_report(report.id, false, Some("请补充试点校名单"), Some(dcs))
        .await
        .unwrap();
    assert_eq!(returned.state, ReportState::Returned);
    assert_eq!(returned.review_comment.as_deref(), Some("请补充试点校名单"));
    assert_eq!(returned.reviewed_by, Some(dcs));
    let revised =
        NewReport::new(group.id, week, "确定试点校：实验小学", "", "", 25.0, false).unwrap();
    let revised = store
        .upsert_report_draft(&revised, Some(jjk))
        .await
        .unwrap();
    assert_eq!(
        (revised.id, revised.state),
        (report.id, ReportState::Returned)
    );
    let resubmitted = store
        .submit_report(report.id, at(1, 12, 10), Some(jjk))
        .await
        .unwrap();
    assert_eq!(resubmitted.state, ReportState::Submitted);
    assert_eq!(resubmitted.first_submitted_at, Some(submitted_at));
    let accepted = store
        .review_report(report.id, true, Some("同意"), Some(dcs))
        .await
        .unwrap();
    assert_eq!(accepted.state, ReportState::Accepted);
    // A second reviewer acting on the same report loses.
    let err = store
        .review_report(report.id, false, Some("晚了"), Some(leader))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    let err = store
        .review_report(ReportId(9999), true, None, Some(dcs))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let reports = store.list_reports(group.id).await.unwrap();
    assert_eq!(reports, std::slice::from_ref(&accepted));
    assert_eq!(reports[0].progress_text, "确定试点校：实验小学");

    // The stored facts feed the light rules: reported on time, on pace, next deadline ahead.
    let group_now = store.get_task(group.id).await.unwrap();
    let summaries: Vec<_> = reports.iter().map(ReportRecord::summary).collect();
    let settings = CadenceSettings::default();
    let assessment = assess(&group_now.facts(), &summaries, at(1, 14, 12), &settings);
    assert_eq!(assessment.light, Light::Green, "{assessment:?}");
    assert_eq!(assessment.reported_percent, Some(25.0));

    // 延期 keeps the original deadline; a due date before the start is refused.
    let extended = store
        .extend_task(smart.id, d(9, 30), Some(leader))
        .await
        .unwrap();
    assert_eq!(extended.timeline.due, d(9, 30));
    assert_eq!(extended.timeline.original_due, d(6, 30));
    assert!(extended.timeline.is_extended());
    let err = store
        .extend_task(smart.id, d(1, 1), Some(leader))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");

    // 办结 sets the status and the time; a completed task cannot be completed or extended again.
    let done_at = at(3, 20, 10);
    let done = store
        .complete_task(teachers.id, done_at, Some(leader))
        .await
        .unwrap();
    assert_eq!(done.status, TaskStatus::Completed);
    assert_eq!(done.timeline.completed_at, Some(done_at));
    let err = store
        .complete_task(teachers.id, done_at, Some(leader))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    let err = store
        .extend_task(teachers.id, d(12, 31), Some(leader))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    let assessment = assess(&done.facts(), &[], at(4, 1, 9), &settings);
    assert_eq!(
        (assessment.light, assessment.was_late),
        (Light::None, false)
    );
    let completed = TaskFilter {
        status: Some(TaskStatus::Completed),
        ..TaskFilter::default()
    };
    assert_eq!(
        ids(store.list_tasks(&completed).await.unwrap()),
        [teachers.id]
    );

    // One audit event per successful write, none for the refused ones, and the chain verifies:
    // plan, 3 tasks, publish, 3 report saves, 2 submissions, 2 reviews, extension, completion.
    let events = store.list_audit_events(0, 10_000).await.unwrap();
    assert_eq!(events.len(), audit_before + 14);
    assert_eq!(verify_chain(&events), Ok(()));
    let actions: Vec<_> = events[audit_before..]
        .iter()
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "plan.insert",
            "task.insert",
            "task.insert",
            "task.insert",
            "plan.publish",
            "report.insert",
            "report.update",
            "report.submit",
            "report.return",
            "report.update",
            "report.submit",
            "report.accept",
            "task.extend",
            "task.complete",
        ]
    );
    let extend = &events[audit_before + 12];
    assert!(
        extend
            .before
            .as_deref()
            .unwrap()
            .contains("\"due\":\"2026-06-30\"")
    );
    assert!(
        extend
            .after
            .as_deref()
            .unwrap()
            .contains("\"due\":\"2026-09-30\"")
    );
}

/// Everything around a task besides its reports' text: targets and milestones, report values,
/// evidence, 办结/延期 requests and their approval, 批示, sessions and account changes, and the
/// per-entity audit history. Runs inside `story` after `plans_tasks_and_reports`.
async fn targets_requests_and_sessions(
    store: &dyn Store,
    department: OrgUnitId,
    school: OrgUnitId,
) {
    let users = store.list_users().await.unwrap();
    let id_of = |name: &str| users.iter().find(|u| u.username == name).unwrap().id;
    let (admin, leader, dcs, jjk, viewer) = (
        id_of("admin"),
        id_of("leader"),
        id_of("dcs"),
        id_of("jjk"),
        id_of("viewer"),
    );
    let audit_before = store.list_audit_events(0, 10_000).await.unwrap().len();
    let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    let at = |m: u32, day: u32, h: u32| {
        local_instant(d(m, day), NaiveTime::from_hms_opt(h, 0, 0).unwrap())
    };

    // Users: read one, rename one; a unit that does not exist is a conflict.
    let jjk_user = store.get_user(jjk).await.unwrap();
    assert_eq!(jjk_user.username, "jjk");
    let err = store.get_user(UserId(9999)).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let renamed = store
        .update_user(
            jjk,
            "基教科张科长",
            Role::Unit,
            Some(department),
            Some(admin),
        )
        .await
        .unwrap();
    assert_eq!(renamed.display_name, "基教科张科长");
    assert_eq!(store.get_user(jjk).await.unwrap(), renamed);
    conflict(
        store
            .update_user(jjk, "x", Role::Unit, Some(OrgUnitId(9999)), Some(admin))
            .await,
    );
    let err = store
        .update_user(UserId(9999), "x", Role::Viewer, None, Some(admin))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");

    // Sessions: signed in twice, out once (twice over), then a password change ends the rest.
    let first_hash = "7e".repeat(32);
    let second_hash = "5d".repeat(32);
    let viewer_hash = "c4".repeat(32);
    let first = SessionRecord::new(
        first_hash.clone(),
        jjk,
        "csrf-first-81f2".into(),
        at(2, 2, 8),
    );
    store.create_session(&first).await.unwrap();
    let (got, user) = store.get_session(&first_hash).await.unwrap().unwrap();
    assert_eq!((got, user), (first.clone(), renamed.clone()));
    assert!(store.get_session(&"00".repeat(32)).await.unwrap().is_none());
    let second = SessionRecord::new(
        second_hash.clone(),
        jjk,
        "csrf-second-9a3c".into(),
        at(2, 2, 9),
    );
    store.create_session(&second).await.unwrap();
    store.delete_session(&first_hash).await.unwrap();
    store.delete_session(&first_hash).await.unwrap();
    assert!(store.get_session(&first_hash).await.unwrap().is_none());
    assert!(store.get_session(&second_hash).await.unwrap().is_some());
    conflict(store.create_session(&second).await);
    let stranger = SessionRecord::new("e1".repeat(32), UserId(9999), "c".into(), at(2, 2, 9));
    conflict(store.create_session(&stranger).await);

    store
        .set_user_password(jjk, "$argon2id$renewed-secret", Some(jjk))
        .await
        .unwrap();
    assert!(store.get_session(&second_hash).await.unwrap().is_none());
    let (_, hash) = store.get_user_by_username("jjk").await.unwrap().unwrap();
    assert_eq!(hash, "$argon2id$renewed-secret");
    let err = store
        .set_user_password(UserId(9999), "x", Some(admin))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");

    // Deactivation ends the user's sessions too.
    let viewer_session = SessionRecord::new(
        viewer_hash.clone(),
        viewer,
        "csrf-viewer-77d0".into(),
        at(2, 3, 8),
    );
    store.create_session(&viewer_session).await.unwrap();
    assert!(store.get_session(&viewer_hash).await.unwrap().is_some());
    store
        .set_user_active(viewer, false, Some(admin))
        .await
        .unwrap();
    assert!(store.get_session(&viewer_hash).await.unwrap().is_none());

    // Sign-ins and sign-outs are the user's own audit events, free of any secret.
    let events = store.list_audit_events(0, 10_000).await.unwrap();
    let secrets = [
        first_hash.as_str(),
        second_hash.as_str(),
        viewer_hash.as_str(),
        "csrf-",
        "argon2id",
        "renewed-secret",
    ];
    for event in &events {
        let text = format!("{:?}{:?}", event.before, event.after);
        for secret in secrets {
            assert!(
                !text.contains(secret),
                "{secret} in audit event {}",
                event.seq
            );
        }
    }
    let jjk_events: Vec<_> = events[audit_before..]
        .iter()
        .filter(|e| e.entity == "user" && e.entity_id == jjk.to_string())
        .map(|e| (e.action.as_str(), e.actor))
        .collect();
    assert_eq!(
        jjk_events,
        [
            ("user.update", Some(admin)),
            ("login", Some(jjk)),
            ("login", Some(jjk)),
            ("logout", Some(jjk)),
            ("user.set_password", Some(jjk)),
        ]
    );
    let password_event = events
        .iter()
        .rfind(|e| e.action == "user.set_password")
        .unwrap();
    assert!(
        password_event
            .after
            .as_deref()
            .unwrap()
            .contains("\"password\":\"changed\"")
    );

    // A plan whose tasks carry targets (in input order) and milestones (by date).
    let new_plan =
        NewPlan::new("2026年民生实事", Some(2026), "实事.txt", "新增学位。", "{}").unwrap();
    let plan = store.insert_plan(&new_plan, Some(dcs)).await.unwrap();
    let mut seats = NewTask::new("新增公办学位", d(1, 5), d(8, 31), Frequency::Monthly).unwrap();
    seats.lead_unit = Some(department);
    seats.targets = vec![
        NewTarget::new("新增学位", ">=", Some(1200.0), "个", "新增学位1200个以上").unwrap(),
        NewTarget::new("改扩建学校", "=", Some(3.0), "所", "改扩建学校3所").unwrap(),
        NewTarget::new("群众满意度", "", None, "", "群众满意").unwrap(),
    ];
    seats.milestones = vec![
        Milestone::new(d(6, 30), "主体完工").unwrap(),
        Milestone::new(d(3, 31), "开工建设").unwrap(),
    ];
    let seats = seats.validated().unwrap();
    let mut canteen = NewTask::new("改造学校食堂", d(1, 5), d(6, 30), Frequency::Monthly).unwrap();
    canteen.lead_unit = Some(school);
    canteen.targets = vec![NewTarget::new("改造食堂", "=", Some(5.5), "个", "").unwrap()];
    let tasks = store
        .insert_tasks(plan.id, &[seats.clone(), canteen], Some(dcs))
        .await
        .unwrap();
    let (seats, canteen) = (tasks[0].clone(), tasks[1].clone());
    let indicators: Vec<_> = seats
        .targets
        .iter()
        .map(|t| t.target.indicator.as_str())
        .collect();
    assert_eq!(indicators, ["新增学位", "改扩建学校", "群众满意度"]);
    assert_eq!(seats.targets[0].target.value, Some(1200.0));
    assert_eq!(seats.targets[2].target.value, None);
    assert_eq!(canteen.targets[0].target.value, Some(5.5));
    let milestones: Vec<_> = seats
        .milestones
        .iter()
        .map(|m| (m.date, m.title.as_str()))
        .collect();
    assert_eq!(milestones, [(d(3, 31), "开工建设"), (d(6, 30), "主体完工")]);
    assert!(canteen.milestones.is_empty());
    assert_eq!(store.get_task(seats.id).await.unwrap(), seats);
    // The batched list reads exactly what the one-task read does.
    let in_plan = TaskFilter {
        plan: Some(plan.id),
        ..TaskFilter::default()
    };
    assert_eq!(store.list_tasks(&in_plan).await.unwrap(), tasks);

    // The 任务分解表 grid before 交办: a batch with one bad row changes nothing.
    let edit = |task: &TaskRecord| TaskEdit {
        id: task.id,
        title: task.title.clone(),
        lead_unit: task.lead_unit,
        co_units: task.co_units.clone(),
        leader: task.leader,
        owner_name: task.owner_name.clone(),
        start: task.timeline.start,
        due: task.timeline.due,
        frequency: task.timeline.frequency,
    };
    let mut seats_edit = edit(&seats);
    seats_edit.title = "  新增公办学位（扩容）  ".into();
    seats_edit.co_units = vec![school, department, school];
    seats_edit.leader = Some(leader);
    seats_edit.owner_name = Some("张科长".into());
    seats_edit.due = d(9, 30);
    seats_edit.frequency = Frequency::Weekly;
    let mut backwards = edit(&canteen);
    backwards.due = d(1, 1);
    conflict(
        store
            .edit_tasks(&[seats_edit.clone(), backwards], Some(dcs))
            .await,
    );
    let mut ghost = edit(&canteen);
    ghost.lead_unit = Some(OrgUnitId(9999));
    conflict(
        store
            .edit_tasks(&[seats_edit.clone(), ghost], Some(dcs))
            .await,
    );
    let mut blank = edit(&canteen);
    blank.title = "   ".into();
    conflict(
        store
            .edit_tasks(&[seats_edit.clone(), blank], Some(dcs))
            .await,
    );
    let mut missing = edit(&canteen);
    missing.id = TaskId(9999);
    let err = store
        .edit_tasks(&[seats_edit.clone(), missing], Some(dcs))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(store.get_task(seats.id).await.unwrap(), seats);

    let mut canteen_edit = edit(&canteen);
    canteen_edit.start = d(2, 1);
    let edited = store
        .edit_tasks(&[seats_edit, canteen_edit], Some(dcs))
        .await
        .unwrap();
    let seats = edited[0].clone();
    assert_eq!(seats.title, "新增公办学位（扩容）");
    assert_eq!(seats.co_units, [school]);
    assert_eq!(seats.leader, Some(leader));
    assert_eq!(seats.owner_name.as_deref(), Some("张科长"));
    assert_eq!(
        (seats.timeline.due, seats.timeline.original_due),
        (d(9, 30), d(9, 30))
    );
    assert_eq!(seats.timeline.frequency, Frequency::Weekly);
    assert_eq!(seats.targets, tasks[0].targets);
    assert_eq!(store.get_task(seats.id).await.unwrap(), seats);
    assert_eq!(edited[1].timeline.start, d(2, 1));

    // Published: no longer a draft, no longer editable.
    store
        .publish_plan(plan.id, d(1, 5), Some(dcs))
        .await
        .unwrap();
    conflict(store.edit_tasks(&[edit(&seats)], Some(dcs)).await);
    let seats = store.get_task(seats.id).await.unwrap();
    let canteen = store.get_task(canteen.id).await.unwrap();

    // Report values: stored by target, replaced as a whole, only for the task's own targets.
    let (seats_goal, schools_goal) = (seats.targets[0].id, seats.targets[1].id);
    let week = d(3, 2);
    let report = NewReport::new(seats.id, week, "已开工2所", "", "", 30.0, false)
        .unwrap()
        .with_values(vec![
            TargetValue {
                target: schools_goal,
                value: 2.0,
            },
            TargetValue {
                target: seats_goal,
                value: 860.5,
            },
        ])
        .unwrap();
    let stored = store.upsert_report_draft(&report, Some(jjk)).await.unwrap();
    assert_eq!(
        stored.values,
        [
            TargetValue {
                target: seats_goal,
                value: 860.5
            },
            TargetValue {
                target: schools_goal,
                value: 2.0
            },
        ]
    );
    assert_eq!(store.get_report(stored.id).await.unwrap(), stored);
    let foreign = report
        .clone()
        .with_values(vec![TargetValue {
            target: canteen.targets[0].id,
            value: 1.0,
        }])
        .unwrap();
    conflict(store.upsert_report_draft(&foreign, Some(jjk)).await);
    assert_eq!(store.get_report(stored.id).await.unwrap(), stored);
    let fewer = report
        .clone()
        .with_values(vec![TargetValue {
            target: seats_goal,
            value: 900.0,
        }])
        .unwrap();
    let stored = store.upsert_report_draft(&fewer, Some(jjk)).await.unwrap();
    assert_eq!(
        stored.values,
        [TargetValue {
            target: seats_goal,
            value: 900.0
        }]
    );
    assert_eq!(
        store.list_reports(seats.id).await.unwrap(),
        std::slice::from_ref(&stored)
    );
    let err = store.get_report(ReportId(9999)).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");

    // The 审核 queue and the light-weight summaries.
    let submitted = store
        .submit_report(stored.id, at(3, 6, 15), Some(jjk))
        .await
        .unwrap();
    assert_eq!(submitted.values, stored.values);
    let canteen_draft = NewReport::new(canteen.id, d(3, 1), "招标中", "", "", 5.0, false).unwrap();
    let canteen_draft = store
        .upsert_report_draft(&canteen_draft, Some(jjk))
        .await
        .unwrap();
    assert_eq!(
        store
            .list_reports_in_state(ReportState::Submitted, 0, 100)
            .await
            .unwrap(),
        std::slice::from_ref(&submitted)
    );
    let drafts = store
        .list_reports_in_state(ReportState::Draft, 0, 100)
        .await
        .unwrap();
    assert_eq!(drafts, std::slice::from_ref(&canteen_draft));
    let summaries = store.list_report_summaries().await.unwrap();
    assert!(summaries.contains(&(seats.id, submitted.summary())));
    assert!(summaries.contains(&(canteen.id, canteen_draft.summary())));
    let mut every_report = Vec::new();
    for task in store.list_tasks(&TaskFilter::default()).await.unwrap() {
        for report in store.list_reports(task.id).await.unwrap() {
            every_report.push((task.id, report.summary()));
        }
    }
    assert_eq!(summaries, every_report);

    // Evidence files.
    let photo = NewAttachment::new(
        stored.id,
        "工地照片.jpg",
        "image/jpeg",
        2048,
        &"ab".repeat(32),
    )
    .unwrap();
    let minutes = NewAttachment::new(
        stored.id,
        "会议纪要.pdf",
        "application/pdf",
        99,
        &"cd".repeat(32),
    )
    .unwrap();
    let photo = store.insert_attachment(&photo, Some(jjk)).await.unwrap();
    let minutes = store.insert_attachment(&minutes, Some(jjk)).await.unwrap();
    assert_eq!(photo.uploaded_by, Some(jjk));
    assert_eq!(store.get_attachment(photo.id).await.unwrap(), photo);
    assert_eq!(
        store.list_attachments(stored.id).await.unwrap(),
        [photo.clone(), minutes.clone()]
    );
    assert!(
        store
            .list_attachments(canteen_draft.id)
            .await
            .unwrap()
            .is_empty()
    );
    let orphan = NewAttachment::new(
        ReportId(9999),
        "a.pdf",
        "application/pdf",
        1,
        &"ef".repeat(32),
    )
    .unwrap();
    conflict(store.insert_attachment(&orphan, Some(jjk)).await);
    let err = store.get_attachment(AttachmentId(9999)).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");

    // Requests: one pending per kind and task, only on published tasks.
    let done = NewRequest::completion(seats.id, "学位已全部交付").unwrap();
    let done = store.insert_request(&done, Some(jjk)).await.unwrap();
    assert_eq!(
        (done.state, done.requested_by),
        (RequestState::Pending, Some(jjk))
    );
    let again = NewRequest::completion(seats.id, "").unwrap();
    conflict(store.insert_request(&again, Some(jjk)).await);
    let later = NewRequest::extension(seats.id, "雨季停工", d(11, 30), d(9, 30)).unwrap();
    let later = store.insert_request(&later, Some(jjk)).await.unwrap();
    assert_eq!(later.request.new_due, Some(d(11, 30)));
    assert_eq!(store.get_request(later.id).await.unwrap(), later);
    let nowhere = NewRequest::completion(TaskId(9999), "").unwrap();
    conflict(store.insert_request(&nowhere, Some(jjk)).await);
    let completed = TaskFilter {
        status: Some(TaskStatus::Completed),
        ..TaskFilter::default()
    };
    let finished = store.list_tasks(&completed).await.unwrap()[0].id;
    conflict(
        store
            .insert_request(&NewRequest::completion(finished, "").unwrap(), Some(jjk))
            .await,
    );
    let of_seats = RequestFilter {
        task: Some(seats.id),
        ..RequestFilter::default()
    };
    assert_eq!(
        store.list_requests(&of_seats).await.unwrap(),
        [done.clone(), later.clone()]
    );

    // Approving the extension moves the deadline and keeps the original; deciding twice fails.
    let decided_at = at(4, 1, 10);
    let approved = store
        .decide_request(later.id, true, Some(" 同意延期 "), decided_at, Some(leader))
        .await
        .unwrap();
    assert_eq!(approved.state, RequestState::Approved);
    assert_eq!(
        (
            approved.decided_by,
            approved.decided_at,
            approved.decision_comment.as_deref()
        ),
        (Some(leader), Some(decided_at), Some("同意延期"))
    );
    let moved = store.get_task(seats.id).await.unwrap();
    assert_eq!(
        (moved.timeline.due, moved.timeline.original_due),
        (d(11, 30), d(9, 30))
    );
    conflict(
        store
            .decide_request(later.id, false, None, decided_at, Some(leader))
            .await,
    );
    let err = store
        .decide_request(RequestId(9999), true, None, decided_at, Some(leader))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let err = store.get_request(RequestId(9999)).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");

    // Approving the completion completes the task at the decision time.
    let closed_at = at(11, 20, 9);
    store
        .decide_request(done.id, true, None, closed_at, Some(leader))
        .await
        .unwrap();
    let closed = store.get_task(seats.id).await.unwrap();
    assert_eq!(closed.status, TaskStatus::Completed);
    assert_eq!(closed.timeline.completed_at, Some(closed_at));

    // Milestones are replaced as a whole on an open task (one audit event), by date; a closed
    // task's milestones are history.
    let plan_steps = [
        Milestone::new(d(9, 30), "设备安装调试").unwrap(),
        Milestone::new(d(7, 15), "完成采购").unwrap(),
    ];
    let planned = store
        .set_milestones(canteen.id, &plan_steps, Some(dcs))
        .await
        .unwrap();
    let titles: Vec<&str> = planned
        .milestones
        .iter()
        .map(|m| m.title.as_str())
        .collect();
    assert_eq!(titles, ["完成采购", "设备安装调试"]);
    assert_eq!(store.get_task(canteen.id).await.unwrap(), planned);
    conflict(store.set_milestones(seats.id, &plan_steps, Some(dcs)).await);

    // On the canteen: a rejected extension moves nothing; once the task is completed, an
    // extension can no longer be approved and stays pending (the whole decision rolled back).
    let ask = NewRequest::extension(canteen.id, "设备未到货", d(8, 31), d(6, 30)).unwrap();
    let ask = store.insert_request(&ask, Some(jjk)).await.unwrap();
    let rejected = store
        .decide_request(ask.id, false, Some("不同意"), decided_at, Some(leader))
        .await
        .unwrap();
    assert_eq!(rejected.state, RequestState::Rejected);
    assert_eq!(
        store.get_task(canteen.id).await.unwrap().timeline.due,
        d(6, 30)
    );
    let ask = NewRequest::extension(canteen.id, "设备仍未到货", d(8, 31), d(6, 30)).unwrap();
    let ask = store.insert_request(&ask, Some(jjk)).await.unwrap();
    let finish = NewRequest::completion(canteen.id, "提前完成").unwrap();
    let finish = store.insert_request(&finish, Some(jjk)).await.unwrap();
    store
        .decide_request(finish.id, true, None, closed_at, Some(leader))
        .await
        .unwrap();
    conflict(
        store
            .decide_request(ask.id, true, None, closed_at, Some(leader))
            .await,
    );
    assert_eq!(store.get_request(ask.id).await.unwrap(), ask);
    let pending = RequestFilter {
        state: Some(RequestState::Pending),
        ..RequestFilter::default()
    };
    assert_eq!(
        store.list_requests(&pending).await.unwrap(),
        std::slice::from_ref(&ask)
    );

    // 批示, newest first.
    let first_note = NewInstruction::new(seats.id, "抓紧推进").unwrap();
    let first_note = store
        .insert_instruction(&first_note, Some(leader))
        .await
        .unwrap();
    let second_note = NewInstruction::new(seats.id, "注意施工安全").unwrap();
    let second_note = store
        .insert_instruction(&second_note, Some(leader))
        .await
        .unwrap();
    let canteen_note = NewInstruction::new(canteen.id, "做好验收").unwrap();
    let canteen_note = store
        .insert_instruction(&canteen_note, Some(leader))
        .await
        .unwrap();
    let canteen_note_id = canteen_note.id.to_string();
    assert_eq!(first_note.author, Some(leader));
    assert_eq!(
        store.list_instructions(Some(seats.id)).await.unwrap(),
        [second_note.clone(), first_note.clone()]
    );
    assert_eq!(
        store.list_instructions(None).await.unwrap(),
        [canteen_note, second_note, first_note]
    );
    conflict(
        store
            .insert_instruction(
                &NewInstruction::new(TaskId(9999), "无").unwrap(),
                Some(leader),
            )
            .await,
    );

    // The history of a task and what hangs off it, in seq order, and nothing else.
    let entities = [
        ("task".to_owned(), seats.id.0.to_string()),
        ("report".to_owned(), stored.id.to_string()),
        ("request".to_owned(), later.id.to_string()),
        ("attachment".to_owned(), photo.id.to_string()),
        ("task".to_owned(), seats.id.0.to_string()),
    ];
    let history = store.list_audit_events_for(&entities, 1000).await.unwrap();
    let actions: Vec<_> = history
        .iter()
        .map(|e| (e.entity.as_str(), e.action.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("task", "task.insert"),
            ("task", "task.edit"),
            ("report", "report.insert"),
            ("report", "report.update"),
            ("report", "report.submit"),
            ("attachment", "attachment.insert"),
            ("request", "request.insert"),
            ("request", "request.approve"),
            ("task", "task.extend"),
            ("task", "task.complete"),
        ]
    );
    assert!(history.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(
        store
            .list_audit_events_for(&[], 1000)
            .await
            .unwrap()
            .is_empty()
    );
    let instruction_events = store
        .list_audit_events_for(&[("instruction".to_owned(), canteen_note_id)], 1000)
        .await
        .unwrap();
    assert_eq!(instruction_events.len(), 1);
    assert_eq!(instruction_events[0].action, "instruction.insert");

    // Every write of this part is audited, chained, and the chain still verifies.
    let events = store.list_audit_events(0, 10_000).await.unwrap();
    assert_eq!(verify_chain(&events), Ok(()));
    assert_eq!(events.len(), audit_before + 35);

    // A sign-in sweeps the sessions that expired before it: a session of 2 February is gone
    // once someone signs in on 3 March, a live one stays.
    let stale_hash = "5a".repeat(32);
    let live_hash = "6b".repeat(32);
    let fresh_hash = "7c".repeat(32);
    let stale = SessionRecord::new(stale_hash.clone(), admin, "c1".into(), at(2, 2, 8));
    store.create_session(&stale).await.unwrap();
    assert!(store.get_session(&stale_hash).await.unwrap().is_some());
    let live = SessionRecord::new(live_hash.clone(), admin, "c2".into(), at(3, 3, 7));
    store.create_session(&live).await.unwrap();
    assert!(store.get_session(&stale_hash).await.unwrap().is_none());
    let fresh = SessionRecord::new(fresh_hash.clone(), admin, "c3".into(), at(3, 3, 8));
    store.create_session(&fresh).await.unwrap();
    assert!(store.get_session(&live_hash).await.unwrap().is_some());
    assert!(store.get_session(&fresh_hash).await.unwrap().is_some());

    // 问责 records: one per measure, newest first, per unit on request; an unknown unit is refused.
    use duban_core::supervision::{AccountabilityKind, NewAccountability};
    let all_units = store.list_org_units().await.unwrap();
    let (school, department) = (all_units[1].id, all_units[2].id);
    let talk = NewAccountability::new(
        school,
        Some(canteen.id),
        AccountabilityKind::Interview,
        "食堂改造连续两周未报送",
    )
    .unwrap();
    let talk = store.insert_accountability(&talk, Some(dcs)).await.unwrap();
    let notice =
        NewAccountability::new(department, None, AccountabilityKind::Notice, "逾期").unwrap();
    let notice = store
        .insert_accountability(&notice, Some(leader))
        .await
        .unwrap();
    assert_eq!(
        store.list_accountability(None).await.unwrap(),
        [notice.clone(), talk.clone()]
    );
    assert_eq!(
        store.list_accountability(Some(school)).await.unwrap(),
        [talk]
    );
    let ghost =
        NewAccountability::new(OrgUnitId(9999), None, AccountabilityKind::Notice, "x").unwrap();
    conflict(store.insert_accountability(&ghost, Some(dcs)).await);

    // Each task's latest submitted report of a range, with its values, for the 月汇总.
    let year = store
        .list_reports_in_period(d(1, 1), d(12, 31))
        .await
        .unwrap();
    assert!(!year.is_empty());
    assert!(year.iter().all(|r| r.first_submitted_at.is_some()));
    let mut tasks_seen: Vec<TaskId> = year.iter().map(|r| r.task).collect();
    tasks_seen.dedup();
    assert_eq!(tasks_seen.len(), year.len(), "one report per task");
    for r in &year {
        let newest = store
            .list_reports(r.task)
            .await
            .unwrap()
            .into_iter()
            .filter(|x| x.first_submitted_at.is_some() && x.period_start < d(12, 31))
            .map(|x| x.period_start)
            .max();
        assert_eq!(newest, Some(r.period_start), "the latest of its task");
    }
    assert!(
        year.iter()
            .all(|r| r.period_start >= d(1, 1) && r.period_start < d(12, 31))
    );
    let one = &year[0];
    let just_it = store
        .list_reports_in_period(
            one.period_start,
            one.period_start + chrono::Duration::days(1),
        )
        .await
        .unwrap();
    assert!(
        just_it.iter().any(|r| r == one),
        "values and all round-trip"
    );
    assert!(
        store
            .list_reports_in_period(d(12, 1), d(12, 1))
            .await
            .unwrap()
            .is_empty()
    );

    // The working calendar comes seeded with the published holidays; admins add and remove days.
    use duban_core::calendar::{CalendarDay, DayKind, WorkCalendar};
    let seeded = store.list_calendar_days().await.unwrap();
    assert!(seeded.len() >= 60, "{}", seeded.len());
    let calendar = WorkCalendar::new(seeded);
    assert!(!calendar.is_workday(d(2, 16)), "春节 2026");
    assert!(
        calendar.is_workday(d(2, 14)),
        "a Saturday worked in its place"
    );
    assert!(!calendar.is_workday(d(10, 1)), "国庆节 2026");
    let new_year = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let day = CalendarDay::new(new_year, DayKind::Holiday, "元旦").unwrap();
    store.set_calendar_day(&day, Some(admin)).await.unwrap();
    let renamed = CalendarDay::new(new_year, DayKind::Holiday, "元旦（2027）").unwrap();
    store.set_calendar_day(&renamed, Some(admin)).await.unwrap();
    let days = store.list_calendar_days().await.unwrap();
    assert_eq!(days.iter().filter(|x| x.date == new_year).count(), 1);
    assert_eq!(days.last(), Some(&renamed));
    store
        .delete_calendar_day(new_year, Some(admin))
        .await
        .unwrap();
    let err = store
        .delete_calendar_day(new_year, Some(admin))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let trail = store
        .list_audit_events_for(&[("calendar_day".to_owned(), new_year.to_string())], 10)
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["calendar.set", "calendar.set", "calendar.delete"]);
    assert_eq!(
        verify_chain(&store.list_audit_events(0, 100_000).await.unwrap()),
        Ok(())
    );
}

/// Asserts that a store call was refused with `Conflict`.
fn conflict<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    match result {
        Err(StoreError::Conflict { .. }) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn org_users_and_audit_story_passes_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("duban.db");
    let url = format!("sqlite://{}", path.display());
    let store = duban_store::connect(&url).await.unwrap();
    let raw = Raw::Sqlite(sqlx::SqlitePool::connect(&url).await.unwrap());
    story(store, raw).await;

    // A second connect runs no migration twice and sees the same data.
    let reopened = duban_store::connect(&url).await.unwrap();
    // (6 from the story, 3 each from the follow-up and meeting stories.)
    assert_eq!(reopened.list_users().await.unwrap().len(), 12);
}

#[tokio::test]
async fn sqlite_backup_is_a_consistent_copy_with_an_intact_chain() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    let store = duban_store::sqlite::SqliteStore::connect(&url)
        .await
        .unwrap();
    let bureau = NewOrgUnit::parse(None, "某区文教体局", OrgUnitKind::Bureau).unwrap();
    store.insert_org_unit(&bureau, None).await.unwrap();

    let copy = dir.path().join("copy.db");
    duban_store::backup(store.pool(), &copy).await.unwrap();
    assert!(duban_store::backup(store.pool(), &copy).await.is_err());

    let restored = duban_store::connect(&format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    let events = restored.list_audit_events(0, 100).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(verify_chain(&events), Ok(()));
}

#[tokio::test]
async fn a_year_of_scheduler_ticks_fires_each_reminder_and_escalation_once() {
    let dir = tempfile::tempdir().unwrap();
    followup::a_year_of_ticks(dir.path()).await;
}

#[tokio::test]
async fn connect_refuses_urls_without_a_known_scheme() {
    for url in ["data/duban.db", "mysql://localhost/duban"] {
        let err = duban_store::connect(url).await.err().unwrap();
        assert!(err.to_string().contains("sqlite:"), "{err}");
    }
}

/// `url` with its database name replaced by `name` (query string kept).
#[cfg(feature = "postgres")]
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn org_users_and_audit_story_passes_on_postgres() {
    let Ok(admin_url) = std::env::var("DUBAN_TEST_POSTGRES_URL") else {
        eprintln!("DUBAN_TEST_POSTGRES_URL is not set: skipping the PostgreSQL story");
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = format!("duban_test_{}_{nanos}", std::process::id());
    let admin = sqlx::PgPool::connect(&admin_url).await.unwrap();
    sqlx::query(&format!("create database {name}"))
        .execute(&admin)
        .await
        .unwrap();

    let url = with_database(&admin_url, &name);
    let store = duban_store::connect(&url).await.unwrap();
    let raw_pool = sqlx::PgPool::connect(&url).await.unwrap();
    story(store, Raw::Postgres(raw_pool.clone())).await;

    raw_pool.close().await;
    sqlx::query(&format!("drop database {name} with (force)"))
        .execute(&admin)
        .await
        .unwrap();
}

#[cfg(feature = "postgres")]
#[test]
fn with_database_replaces_only_the_database_name() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1/postgres", "t1"),
        "postgres://postgres@127.0.0.1/t1"
    );
    assert_eq!(
        with_database("postgresql://u:p@h:5433?sslmode=disable", "t1"),
        "postgresql://u:p@h:5433/t1?sslmode=disable"
    );
}
