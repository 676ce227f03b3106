//! `duban audit verify`: checks that the audit log's hash chain is unbroken.

use std::process::ExitCode;

use duban_core::audit::verify_chain;

use super::db::{DbArgs, block_on};

/// How many events to read per query.
const PAGE: i64 = 1000;

/// Subcommands of `duban audit`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// 校验审计链 (verify the audit log's hash chain; exit 1 when broken).
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Runs the subcommand.
pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Verify { db } => verify(&db),
    }
}

fn verify(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let events = block_on(async {
        let store = db.connect().await?;
        let mut events = Vec::new();
        loop {
            let after = events
                .last()
                .map_or(0, |e: &duban_core::audit::AuditEvent| e.seq);
            let page = store.list_audit_events(after, PAGE).await?;
            let done = page.len() < PAGE as usize;
            events.extend(page);
            if done {
                break;
            }
        }
        anyhow::Ok(events)
    })??;
    match verify_chain(&events) {
        Ok(()) => {
            println!("审计链完整：共 {} 条记录", events.len());
            Ok(ExitCode::SUCCESS)
        }
        Err(brk) => {
            println!("审计链在第 {} 条处断开：{}", brk.seq, brk.reason);
            Ok(ExitCode::from(1))
        }
    }
}
