//! The demo `duban serve` loads into an empty database: the 青禾区文教体局 org (bureau, its
//! departments named like the default unit rules' units, schools, kindergartens and 街道), one
//! user per role with a random password, and `demo/plan.txt` imported through the same importer
//! as any upload, decomposed into tasks and published (交办).
//!
//! The logins go to `DATA_DIR/demo-logins.txt` (username, password, role, unit name; tab
//! separated, one a line). Reports, reviews and requests for the demo come later.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, anyhow};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::NaiveDate;
use duban_core::org::{NewOrgUnit, NewUser, OrgUnit, OrgUnitId, OrgUnitKind, Role};
use duban_core::store::Store;
use duban_core::tasks::{Frequency, NewPlan, NewTask};

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
const USERS: [(&str, &str, Role, Option<&str>); 9] = [
    ("admin", "系统管理员", Role::Admin, None),
    ("leader", "王局长", Role::Leader, Some(BUREAU)),
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
    insert_plan(store, &units).await?;
    write_logins(data_dir, &logins)?;
    Ok(Some(logins))
}

async fn insert_org(store: &Arc<dyn Store>) -> anyhow::Result<Vec<OrgUnit>> {
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

async fn insert_users(store: &Arc<dyn Store>, units: &[OrgUnit]) -> anyhow::Result<Vec<Login>> {
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
            Some(n) => Some(unit_id(units, n).ok_or_else(|| anyhow!("演示单位缺失：{n}"))?),
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

/// The unit named `name`: exactly, or as one of the `/`-separated names of a unit
/// (`电教馆` finds `电教馆/信息中心`).
fn unit_id(units: &[OrgUnit], name: &str) -> Option<OrgUnitId> {
    let name = name.trim();
    units
        .iter()
        .find(|u| u.name == name)
        .or_else(|| units.iter().find(|u| u.name.split('/').any(|p| p == name)))
        .map(|u| u.id)
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

async fn insert_plan(store: &Arc<dyn Store>, units: &[OrgUnit]) -> anyhow::Result<()> {
    let start = START.context("演示开始日期无效")?;
    let default_due = DEFAULT_DUE.context("演示完成日期无效")?;
    let import = duban_plan::import_bytes(
        PLAN_TXT.as_bytes(),
        PLAN_FILE,
        &duban_plan::ImportOptions::default(),
    )
    .map_err(|e| anyhow!("演示计划导入失败：{e}"))?;
    let json = serde_json::to_string(&import).context("演示计划无法序列化")?;
    let plan = NewPlan::new(&import.title, import.plan_year, PLAN_FILE, PLAN_TXT, &json)?;
    let plan = store.insert_plan(&plan, None).await?;
    let leader = store
        .get_user_by_username("leader")
        .await?
        .map(|(user, _)| user.id);
    let mut tasks = Vec::new();
    for draft in &import.drafts {
        let lead = draft
            .lead_unit
            .as_deref()
            .or(draft.suggested_unit.as_deref())
            .and_then(|n| unit_id(units, n));
        let due = draft
            .due
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .filter(|d| *d >= start)
            .unwrap_or(default_due);
        let mut task = NewTask::new(&truncate(&draft.title, 200), start, due, Frequency::Weekly)?;
        task.path = draft.path.clone();
        task.text = truncate(&draft.text, 5000);
        task.source_start = u32::try_from(draft.start).ok();
        task.source_end = u32::try_from(draft.end).ok();
        task.lead_unit = lead;
        task.co_units = draft
            .co_units
            .iter()
            .filter_map(|n| unit_id(units, n))
            .collect();
        task.leader = leader;
        tasks.push(task.validated()?);
    }
    store.insert_tasks(plan.id, &tasks, None).await?;
    store.publish_plan(plan.id, None).await?;
    Ok(())
}

fn write_logins(data_dir: &Path, logins: &[Login]) -> anyhow::Result<()> {
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
