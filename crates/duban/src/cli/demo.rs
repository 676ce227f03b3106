//! The demo `duban serve` loads into an empty database: the 青禾区文教体局 org (bureau, its
//! departments named like the default unit rules' units, schools, kindergartens and 街道), one
//! user per role with a random password, and `demo/plan.txt` imported through the same importer
//! as any upload (by the 督查室 user, through the same use case as the upload page), decomposed
//! into tasks and published (交办); then the last weeks of the unit's work are played: weekly
//! reports (mostly on time, a few late or missing), reviews (one returned and resubmitted), a
//! pending 办结 and a pending 延期 request, and a leader's 批示; last Monday's 局党政联席会议 with a
//! decision sent to its unit and an item carried over, and a 督办单 on a red task — so every page
//! shows something.
//!
//! The logins go to `DATA_DIR/demo-logins.txt` (username, password, role, unit name; tab
//! separated, one a line).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, anyhow};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use duban_core::access::Actor;
use duban_core::org::{NewOrgUnit, NewUser, OrgUnit, OrgUnitKind, Role, User};
use duban_core::service::{Ctx, plans};
use duban_core::store::{Store, TaskFilter};
use duban_core::tasks::{
    CadenceSettings, NewInstruction, NewReport, NewRequest, TargetValue, TaskRecord, TaskStatus,
    expected_progress, task_periods,
};

use super::user::hash_password;

/// The demo plan document (a 区文教体局 annual plan written for duban).
const PLAN_TXT: &str = include_str!("../../demo/plan.txt");
const PLAN_FILE: &str = "青禾区文教体局2026年工作意见.txt";

const BUREAU: &str = "青禾区文教体局";
/// Departments: the default unit rules' units, plus 教师发展中心 (named by the plan).
const DEPARTMENTS: [&str; 16] = [
    "办公室",
    "学前教育科",
    "基础教育科",
    "人事科",
    "体卫艺科",
    "计财科",
    "安全科",
    "基建科",
    "电教馆/信息中心",
    "督导室",
    "信访办",
    "社区教育科",
    "文化科",
    "体育科",
    "纪检监察室",
    "教师发展中心",
];
const SCHOOLS: [&str; 8] = [
    "青禾区第一高级中学",
    "青禾中学",
    "青禾区职业中专",
    "青禾区第一初级中学",
    "滨河路初级中学",
    "青禾区实验小学",
    "青禾区第二实验小学",
    "东城小学",
];
const KINDERGARTENS: [&str; 3] = ["青禾区实验幼儿园", "青禾区机关幼儿园", "滨河幼儿园"];
const SUBDISTRICTS: [&str; 3] = ["东城街道", "西城街道", "滨河街道"];

/// The demo users: username, display name, role, unit name.
const USERS: [(&str, &str, Role, Option<&str>); 10] = [
    ("admin", "系统管理员", Role::Admin, None),
    ("leader", "王局长", Role::Leader, Some(BUREAU)),
    ("leader2", "周副局长", Role::Leader, Some(BUREAU)),
    ("duchashi", "督查室李明", Role::Supervisor, Some("办公室")),
    ("xueqian", "学前教育科张丽", Role::Unit, Some("学前教育科")),
    ("jichu", "基础教育科陈刚", Role::Unit, Some("基础教育科")),
    ("renshi", "人事科刘芳", Role::Unit, Some("人事科")),
    ("tiweiyi", "体卫艺科赵强", Role::Unit, Some("体卫艺科")),
    ("jijian", "基建科孙伟", Role::Unit, Some("基建科")),
    ("viewer", "局办查看", Role::Viewer, None),
];

const START: Option<NaiveDate> = NaiveDate::from_ymd_opt(2026, 1, 1);
const DEFAULT_DUE: Option<NaiveDate> = NaiveDate::from_ymd_opt(2026, 12, 31);

/// One demo login, as written to `demo-logins.txt`.
pub struct Login {
    pub username: String,
    pub password: String,
    pub role: Role,
    pub unit: String,
}

impl Login {
    /// `username\tpassword\trole\tunit`.
    pub fn line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}",
            self.username,
            self.password,
            self.role.as_str(),
            self.unit
        )
    }
}

/// The path of the logins file in `data_dir`.
pub fn logins_path(data_dir: &Path) -> PathBuf {
    data_dir.join("demo-logins.txt")
}

/// Loads the demo when the database has no org unit yet; returns the logins it created, or
/// `None` when the database was not empty (nothing is loaded twice).
pub async fn load_if_empty(
    store: &Arc<dyn Store>,
    data_dir: &Path,
) -> anyhow::Result<Option<Vec<Login>>> {
    if !store.list_org_units().await?.is_empty() {
        return Ok(None);
    }
    let units = insert_org(store).await?;
    let logins = insert_users(store, &units).await?;
    let tasks = insert_plan(store).await?;
    insert_history(store, &tasks, Utc::now()).await?;
    insert_meeting_and_notice(store, Utc::now()).await?;
    write_logins(data_dir, &logins)?;
    Ok(Some(logins))
}

pub(crate) async fn insert_org(store: &Arc<dyn Store>) -> anyhow::Result<Vec<OrgUnit>> {
    let bureau = store
        .insert_org_unit(&NewOrgUnit::parse(None, BUREAU, OrgUnitKind::Bureau)?, None)
        .await?;
    let mut units = vec![bureau.clone()];
    let children = DEPARTMENTS
        .iter()
        .map(|n| (*n, OrgUnitKind::Department))
        .chain(SCHOOLS.iter().map(|n| (*n, OrgUnitKind::School)))
        .chain(
            KINDERGARTENS
                .iter()
                .map(|n| (*n, OrgUnitKind::Kindergarten)),
        )
        .chain(SUBDISTRICTS.iter().map(|n| (*n, OrgUnitKind::Subdistrict)));
    for (name, kind) in children {
        let unit = NewOrgUnit::parse(Some(bureau.id), name, kind)?;
        units.push(store.insert_org_unit(&unit, None).await?);
    }
    Ok(units)
}

/// A random password of 14 letters and digits (no look-alikes such as 0/O, 1/l).
fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 14];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

pub(crate) async fn insert_users(
    store: &Arc<dyn Store>,
    units: &[OrgUnit],
) -> anyhow::Result<Vec<Login>> {
    let passwords: Vec<String> = USERS.iter().map(|_| random_password()).collect();
    // argon2id is slow on purpose: hash on both cores.
    let hashes: Vec<anyhow::Result<String>> = std::thread::scope(|scope| {
        let (first, second) = passwords.split_at(passwords.len() / 2);
        let a = scope.spawn(|| first.iter().map(|p| hash_password(p)).collect::<Vec<_>>());
        let mut out: Vec<_> = second.iter().map(|p| hash_password(p)).collect();
        let mut all = a
            .join()
            .unwrap_or_else(|_| vec![Err(anyhow!("密码哈希失败"))]);
        all.append(&mut out);
        all
    });
    let mut logins = Vec::new();
    for (((username, name, role, unit_name), password), hash) in
        USERS.iter().zip(passwords).zip(hashes)
    {
        let unit = match unit_name {
            Some(n) => {
                Some(plans::find_unit(units, n).ok_or_else(|| anyhow!("演示单位缺失：{n}"))?)
            }
            None => None,
        };
        let user = NewUser::parse(username, name, *role, unit)?;
        store.insert_user(&user, &hash?, None).await?;
        logins.push(Login {
            username: (*username).to_owned(),
            password,
            role: *role,
            unit: unit_name.unwrap_or("").to_owned(),
        });
    }
    Ok(logins)
}

pub(crate) async fn user(store: &Arc<dyn Store>, username: &str) -> anyhow::Result<User> {
    store
        .get_user_by_username(username)
        .await?
        .map(|(u, _)| u)
        .ok_or_else(|| anyhow!("演示用户缺失：{username}"))
}

/// Imports the demo plan as the 督查室 would, fills in the leaders, and publishes it.
pub(crate) async fn insert_plan(store: &Arc<dyn Store>) -> anyhow::Result<Vec<TaskRecord>> {
    let start = START.context("演示开始日期无效")?;
    let default_due = DEFAULT_DUE.context("演示完成日期无效")?;
    let import = duban_plan::import_bytes(
        PLAN_TXT.as_bytes(),
        PLAN_FILE,
        &duban_plan::ImportOptions::default(),
    )
    .map_err(|e| anyhow!("演示计划导入失败：{e}"))?;
    let supervisor = user(store, "duchashi").await?;
    let leaders = [user(store, "leader").await?, user(store, "leader2").await?];
    let cadence = CadenceSettings::default();
    // The 督查室 imported and published the plan on the first working morning of the year, so
    // the weeks played below were all owed.
    let ctx = Ctx {
        store: store.as_ref(),
        actor: Actor::from(&supervisor),
        now: duban_core::tasks::local_day_start(start) + Duration::hours(9),
        cadence: &cadence,
        snapshots: None,
    };
    let (plan, tasks) = plans::import_plan(&ctx, &import, PLAN_TXT, start, default_due)
        .await
        .map_err(|e| anyhow!("演示计划导入失败：{e}"))?;
    // Alternate the two leaders over the programmes (a programme and its tasks share one);
    // a draft without a unit the rules could guess goes to 办公室 so that the plan can be published.
    let office = store
        .list_org_units()
        .await?
        .into_iter()
        .find(|u| u.name == "办公室")
        .map(|u| u.id);
    let mut leader_of_root = std::collections::HashMap::new();
    let mut edits = Vec::new();
    for t in &tasks {
        let root = t.parent.unwrap_or(t.id);
        let n = leader_of_root.len();
        let leader = *leader_of_root
            .entry(root)
            .or_insert(leaders[n % leaders.len()].id);
        edits.push(duban_core::store::TaskEdit {
            id: t.id,
            title: t.title.clone(),
            lead_unit: t.lead_unit.or(office),
            co_units: t.co_units.clone(),
            leader: Some(leader),
            owner_name: t.owner_name.clone(),
            start: t.timeline.start,
            due: t.timeline.due,
            frequency: t.timeline.frequency,
        });
    }
    plans::edit_tasks(&ctx, &edits)
        .await
        .map_err(|e| anyhow!("演示任务分解失败：{e}"))?;
    plans::publish(&ctx, plan.id)
        .await
        .map_err(|e| anyhow!("演示计划交办失败：{e}"))?;
    Ok(store
        .list_tasks(&TaskFilter {
            plan: Some(plan.id),
            ..TaskFilter::default()
        })
        .await?)
}

/// A small deterministic spread per task and week (no randomness: every demo looks alike).
fn spread(task: i64, week: usize) -> i64 {
    (task * 37 + week as i64 * 11) % 100
}

/// Plays the last weeks of reporting up to `now`: each leaf task's lead unit reports weekly, a
/// few reports late or missing, most accepted; one is returned and resubmitted; then a pending
/// completion and extension request and a 批示.
async fn insert_history(
    store: &Arc<dyn Store>,
    tasks: &[TaskRecord],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const WEEKS: usize = 6;
    let cadence = CadenceSettings::default();
    let supervisor = user(store, "duchashi").await?;
    let leader = user(store, "leader").await?;
    let parents: std::collections::HashSet<_> = tasks.iter().filter_map(|t| t.parent).collect();
    let leaves: Vec<&TaskRecord> = tasks
        .iter()
        .filter(|t| !parents.contains(&t.id) && t.status == TaskStatus::Published)
        .collect();
    let mut returned_one = false;
    for task in &leaves {
        let periods = task_periods(&task.timeline, now, &cadence);
        let past: Vec<_> = periods.iter().filter(|p| p.due < now).collect();
        let recent = &past[past.len().saturating_sub(WEEKS)..];
        for (week, period) in recent.iter().enumerate() {
            let roll = spread(task.id.0, week);
            if roll < 8 {
                continue; // this week's report is missing
            }
            // Most units report a day before the deadline; some a few hours late.
            let submitted = if roll < 14 {
                period.due + Duration::hours(20)
            } else {
                period.due - Duration::hours(24 + roll % 48)
            };
            let pace = expected_progress(&task.timeline, submitted);
            let behind = if task.id.0 % 5 == 0 { 30.0 } else { 0.0 };
            let percent = (pace - behind + (roll % 10) as f64 - 5.0).clamp(0.0, 100.0);
            let percent = (percent * 10.0).round() / 10.0;
            let mut report = NewReport::new(
                task.id,
                period.start_date(),
                &format!("按计划推进，本周完成阶段性工作，累计完成约{percent}%。"),
                if roll % 4 == 0 {
                    "部分经费尚未到位。"
                } else {
                    ""
                },
                "继续按序时进度推进，下周完成既定节点。",
                percent,
                roll % 13 == 0,
            )?;
            if let Some(target) = task.targets.first()
                && let Some(goal) = target.target.value
            {
                report = report.with_values(vec![TargetValue {
                    target: target.id,
                    value: (goal * percent / 100.0).round(),
                }])?;
            }
            let saved = store.upsert_report_draft(&report, None).await?;
            store.submit_report(saved.id, submitted, None).await?;
            let last = week + 1 == recent.len();
            if last && !returned_one && task.id.0 % 3 == 0 {
                // The 督查室 returns this one; it waits for the unit's revision.
                store
                    .review_report(
                        saved.id,
                        false,
                        Some("进展情况过于笼统，请补充本周具体完成的工作量和数据。"),
                        Some(supervisor.id),
                    )
                    .await?;
                returned_one = true;
            } else if !last || task.id.0 % 4 != 0 {
                // Last week's reports are mostly reviewed already; a quarter still wait in
                // the 审核 queue.
                store
                    .review_report(saved.id, true, None, Some(supervisor.id))
                    .await?;
            }
        }
    }
    // The requests come from the lead unit's own demo user, so the 审批 page names who asked.
    let unit_users: std::collections::HashMap<_, _> = store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Unit)
        .filter_map(|u| Some((u.unit?, u.id)))
        .collect();
    let mut open = leaves
        .iter()
        .filter(|t| t.timeline.due > now.date_naive() + Duration::days(20))
        .filter_map(|t| Some((*t, *unit_users.get(&t.lead_unit?)?)));
    if let Some((t, asker)) = open.next() {
        store
            .insert_request(
                &NewRequest::completion(t.id, "各项工作已全部完成，相关材料已归档。")?,
                Some(asker),
            )
            .await?;
    }
    if let Some((t, asker)) = open.next() {
        let new_due = t.timeline.due + Duration::days(60);
        store
            .insert_request(
                &NewRequest::extension(
                    t.id,
                    "受施工许可审批影响，工期顺延两个月。",
                    new_due,
                    t.timeline.due,
                )?,
                Some(asker),
            )
            .await?;
    }
    if let Some(t) = leaves.first() {
        store
            .insert_instruction(
                &NewInstruction::new(t.id, "请抓紧推进，月底前报送阶段成效。")?,
                Some(leader.id),
            )
            .await?;
    }
    Ok(())
}

/// Last Monday's 局党政联席会议 (agenda composed as it stood then, a decision for the first item's
/// unit, the second item carried over, closed and sent) and a 黄色警示 on the first red task.
pub(crate) async fn insert_meeting_and_notice(
    store: &Arc<dyn Store>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use chrono::Datelike;
    use duban_core::service::{meetings, notices};
    let supervisor = user(store, "duchashi").await?;
    let cadence = CadenceSettings::default();
    let today = duban_core::tasks::local_date(now);
    let back = match today.weekday().num_days_from_monday() {
        0 => 7,
        n => i64::from(n),
    };
    let held_on = today - Duration::days(back);
    let at = |day: NaiveDate| duban_core::tasks::local_day_start(day) + Duration::hours(9);
    let ctx = Ctx {
        store: store.as_ref(),
        actor: Actor::from(&supervisor),
        now: at(held_on),
        cadence: &cadence,
        snapshots: None,
    };
    let series = meetings::series(&ctx).await.map_err(|e| anyhow!("{e}"))?;
    let first = series.first().context("没有例会")?;
    let meeting = meetings::create(
        &ctx,
        first.id,
        held_on,
        &duban_core::meetings::ItemSource::ALL,
    )
    .await
    .map_err(|e| anyhow!("演示例会创建失败：{e}"))?;
    let (_, items) = store.get_meeting(meeting.id).await?;
    let tasks = store.list_tasks(&TaskFilter::default()).await?;
    let lead_of = |item: &duban_core::meetings::AgendaItem| {
        item.item
            .task
            .and_then(|t| tasks.iter().find(|x| x.id == t))
            .and_then(|t| t.lead_unit)
    };
    if let Some(item) = items.first() {
        let input = meetings::OutcomeInput {
            kind: "decision".into(),
            text: "责任科室本周内制定整改方案，倒排工期，下周例会汇报进展。".into(),
            lead_unit: lead_of(item),
            co_units: Vec::new(),
            due: Some(held_on + Duration::days(14)),
        };
        meetings::record_outcome(&ctx, meeting.id, item.id, &input)
            .await
            .map_err(|e| anyhow!("演示议定事项失败：{e}"))?;
    }
    if let Some(item) = items.get(1) {
        let input = meetings::OutcomeInput {
            kind: "carry_over".into(),
            text: "下次例会听取专题汇报。".into(),
            ..meetings::OutcomeInput::default()
        };
        meetings::record_outcome(&ctx, meeting.id, item.id, &input)
            .await
            .map_err(|e| anyhow!("演示延续议题失败：{e}"))?;
    }
    meetings::close(&ctx, meeting.id)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let routing = duban_core::service::scheduler::Routing::default();
    if items.first().and_then(lead_of).is_some() {
        meetings::send_decisions(&ctx, meeting.id, &routing)
            .await
            .map_err(|e| anyhow!("演示确定事项发送失败：{e}"))?;
    }
    // The 督查室's own 督办单, issued this morning.
    let ctx = Ctx { now, ..ctx };
    let rows = duban_core::service::tasks::assessed_tasks(&ctx, None)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    if let Some(red) = rows.iter().find(|r| {
        r.assessment.light == duban_core::tasks::Light::Red
            && !r.is_parent
            && r.task.status == TaskStatus::Published
            && r.task.lead_unit.is_some()
    }) {
        notices::issue(
            &ctx,
            red.task.id,
            duban_core::supervision::notices::NoticeTier::Yellow,
            "该任务进度明显滞后，请说明原因，并报送下一步整改措施和完成时间。",
            today + Duration::days(3),
        )
        .await
        .map_err(|e| anyhow!("演示督办单下发失败：{e}"))?;
    }
    Ok(())
}

pub(crate) fn write_logins(data_dir: &Path, logins: &[Login]) -> anyhow::Result<()> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("无法创建数据目录 {}", data_dir.display()))?;
    let path = logins_path(data_dir);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The file holds passwords: only the owner may read it.
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .with_context(|| format!("无法写入 {}", path.display()))?;
    for login in logins {
        writeln!(file, "{}", login.line())
            .with_context(|| format!("无法写入 {}", path.display()))?;
    }
    Ok(())
}
