//! `duban user add|list`: create the first accounts from the command line (before the web app
//! exists) and list them. The password is read from stdin, never from an argument (arguments
//! show up in `ps` and shell history), and is neither echoed nor logged; nor is its hash.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use duban_core::org::{NewUser, Role};
use duban_core::store::StoreError;

use super::db::{DbArgs, block_on};

/// The shortest password `duban user add` accepts, in characters.
const MIN_PASSWORD_CHARS: usize = 8;

/// Subcommands of `duban user`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// 新建用户，密码从标准输入读取一行 (add a user; the password is one line on stdin).
    Add {
        /// 用户名 (login name: 2–32 characters of a-z 0-9 _ . -).
        username: String,
        /// 角色 (role): admin、leader、supervisor、unit、viewer.
        #[arg(long)]
        role: String,
        /// 所属单位名称 (the exact name of the user's org unit; required for role unit).
        #[arg(long)]
        unit: Option<String>,
        /// 姓名 (display name; defaults to the username).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// 列出用户 (list users: username, role, unit, active).
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Runs the subcommand.
pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Add {
            username,
            role,
            unit,
            name,
            db,
        } => add(&username, &role, unit.as_deref(), name.as_deref(), &db),
        Command::List { db } => list(&db),
    }
}

fn add(
    username: &str,
    role: &str,
    unit: Option<&str>,
    name: Option<&str>,
    db: &DbArgs,
) -> anyhow::Result<ExitCode> {
    let role = Role::parse(role)?;
    let password = read_password()?;
    block_on(async {
        let store = db.connect().await?;
        let unit_id =
            match unit {
                None => None,
                Some(unit_name) => {
                    let units = store.list_org_units().await?;
                    let found = units.iter().find(|u| u.name == unit_name);
                    Some(found.map(|u| u.id).ok_or_else(|| {
                        anyhow!("找不到单位：{unit_name}（请使用单位的完整名称）")
                    })?)
                }
            };
        let new_user = NewUser::parse(username, name.unwrap_or(username), role, unit_id)?;
        let hash = hash_password(&password)?;
        let user = store
            .insert_user(&new_user, &hash, None)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { constraint } if constraint.contains("username") => {
                    anyhow!("用户名已存在：{}", new_user.username)
                }
                StoreError::Conflict { .. } => anyhow!("所属单位不存在"),
                other => anyhow::Error::new(other),
            })?;
        println!("已创建用户 {}（{}）", user.username, user.role.label());
        Ok(ExitCode::SUCCESS)
    })?
}

/// One line of stdin, without its line ending; refuses an empty or short password.
fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("无法从标准输入读取密码 (cannot read the password from stdin)")?;
    let password = line
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&line);
    if password.is_empty() {
        bail!("密码不能为空：请从标准输入提供一行密码");
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("密码太短：至少需要{MIN_PASSWORD_CHARS}个字符");
    }
    Ok(password.to_owned())
}

/// argon2id with the crate's default parameters and a random salt, as a PHC string.
pub(crate) fn hash_password(password: &str) -> anyhow::Result<String> {
    // The same function as the web app's, so a CLI-made user signs in on the login page.
    duban_web::auth::hash_password(password)
        .map_err(|_| anyhow!("密码哈希失败 (password hashing failed)"))
}

fn list(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let (users, units) = block_on(async {
        let store = db.connect().await?;
        let users = store.list_users().await?;
        let units = store.list_org_units().await?;
        anyhow::Ok((users, units))
    })??;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "用户名\t角色\t单位\t状态").context("writing to stdout")?;
    for user in &users {
        let unit = user
            .unit
            .and_then(|id| units.iter().find(|u| u.id == id))
            .map_or("—", |u| u.name.as_str());
        let active = if user.active { "启用" } else { "停用" };
        writeln!(
            stdout,
            "{}\t{}\t{}\t{}",
            user.username,
            user.role.label(),
            unit,
            active
        )
        .context("writing to stdout")?;
    }
    writeln!(stdout, "共 {} 个用户", users.len()).context("writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}
