//! What every database subcommand shares: `--data-dir` and `--database-url`, resolved to a URL,
//! and a current-thread tokio runtime to run the async store on (`main` stays sync).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use duban_core::store::Store;

/// Where the database is. Flattened into every subcommand that opens it.
#[derive(Debug, clap::Args)]
pub struct DbArgs {
    /// 数据目录 (data directory; holds duban.db unless --database-url says otherwise).
    #[arg(long, env = "DUBAN_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// 数据库地址 (database URL: sqlite://… or postgres://…; default sqlite://{data_dir}/duban.db).
    /// Read from DUBAN_DATABASE_URL; it may hold a password, so duban never prints it.
    #[arg(long, env = "DUBAN_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

/// The database backend a URL names, for messages (never the URL itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    Unknown,
}

impl Backend {
    pub fn of(url: &str) -> Self {
        match url.split_once(':').map_or("", |(scheme, _)| scheme) {
            "sqlite" => Self::Sqlite,
            "postgres" | "postgresql" => Self::Postgres,
            _ => Self::Unknown,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
            Self::Unknown => "unknown",
        }
    }
}

impl DbArgs {
    /// The database URL: `--database-url`, or SQLite in the data directory (created if missing).
    pub fn url(&self) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!(
                "无法创建数据目录 cannot create the data directory {}",
                self.data_dir.display()
            )
        })?;
        let path = self.data_dir.join("duban.db");
        let path = path
            .to_str()
            .context("数据目录路径不是 UTF-8 (the data directory path is not UTF-8)")?;
        Ok(format!("sqlite://{path}"))
    }

    /// Opens the database (running the embedded migrations).
    pub async fn connect(&self) -> anyhow::Result<Arc<dyn Store>> {
        let url = self.url()?;
        duban_store::connect(&url)
            .await
            .context("无法打开数据库 (cannot open the database)")
    }
}

/// Runs `fut` to completion on a fresh current-thread runtime.
pub fn block_on<F: std::future::Future>(fut: F) -> anyhow::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    Ok(runtime.block_on(fut))
}
