//! `duban migrate`: brings the database schema up to date (the migrations are embedded).

use std::process::ExitCode;

use super::db::{Backend, DbArgs, block_on};

/// Arguments of `duban migrate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: DbArgs,
}

/// Connects, which runs every pending migration, and reports the backend (never the URL).
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let backend = Backend::of(&args.db.url()?);
    let store = block_on(args.db.connect())??;
    block_on(store.health())??;
    println!(
        "数据库已是最新 (database is up to date): {}",
        backend.name()
    );
    Ok(ExitCode::SUCCESS)
}
