//! `duban backup FILE`: a consistent copy of the SQLite database, safe while the server runs.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;

use super::db::{Backend, DbArgs, block_on};

/// Arguments of `duban backup`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 备份文件 (the backup file to create; must not exist yet).
    file: PathBuf,
    #[command(flatten)]
    db: DbArgs,
}

/// Copies the database with `VACUUM INTO`. SQLite only: PostgreSQL has pg_dump.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let url = args.db.url()?;
    match Backend::of(&url) {
        Backend::Sqlite => {}
        Backend::Postgres => bail!(
            "备份命令只支持 SQLite；PostgreSQL 请使用 pg_dump \
             (duban backup supports SQLite only; use pg_dump for PostgreSQL)"
        ),
        Backend::Unknown => {
            bail!("不支持的数据库地址 (unsupported database URL: it must start with `sqlite:`)")
        }
    }
    if args.file.exists() {
        bail!(
            "备份文件已存在，不会覆盖：{} (the backup file already exists; refusing to overwrite)",
            args.file.display()
        );
    }
    block_on(duban_store::backup_url(&url, &args.file))??;
    println!("已备份到 {} (backup written)", args.file.display());
    Ok(ExitCode::SUCCESS)
}
