//! `duban serve`: opens the database (migrations run), loads the demo into an empty database
//! unless `--no-demo`, binds the listener, prints `督办 duban 已启动：http://ADDR` (the bound
//! address, so `--listen 127.0.0.1:0` is usable) and serves the web app until Ctrl-C, then shuts
//! down gracefully.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use duban_web::AppState;

use super::db::{DbArgs, block_on};
use super::demo;

/// Arguments of `duban serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 监听地址 (address to listen on; port 0 picks a free port).
    #[arg(long, env = "DUBAN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// 不加载演示数据 (start with an empty database instead of loading the demo).
    #[arg(long)]
    no_demo: bool,
    /// 配置文件 (TOML settings file; see `duban config example`).
    #[arg(long, env = "DUBAN_CONFIG")]
    config: Option<std::path::PathBuf>,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs the server until Ctrl-C.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // Settings are checked before anything starts, so a typo fails fast with its name.
    let settings = super::config::load(args.config.as_deref(), &args.db.data_dir)?;
    block_on(async {
        let store = args.db.connect().await?;
        if !args.no_demo
            && let Some(logins) = demo::load_if_empty(&store, &args.db.data_dir).await?
        {
            println!(
                "已加载演示数据。演示账号（用户名、密码、角色、单位；已写入 {}）：",
                demo::logins_path(&args.db.data_dir).display()
            );
            for login in &logins {
                println!("{}", login.line());
            }
        }
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("无法监听 {}", args.listen))?;
        let addr = listener.local_addr().context("无法读取监听地址")?;
        println!("督办 duban 已启动：http://{addr}");
        let shutdown = async {
            // If the signal handler cannot be installed, run until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        let state = AppState::new(store, settings);
        // Reminders, 督办单 and outgoing messages run beside the pages, on the same runtime.
        duban_web::background::spawn(state.clone());
        duban_web::serve(listener, state, shutdown)
            .await
            .context("服务器出错")?;
        println!("督办 duban 已停止");
        Ok(ExitCode::SUCCESS)
    })?
}
