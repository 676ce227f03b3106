//! `duban export ledger --out FILE`: the same 台账 the task list offers for download, for
//! scheduled jobs and scripts. The file's extension picks the format (.xlsx or .csv). The
//! command reads as a read-only user would: every published task.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use chrono::Utc;
use duban_core::access::Actor;
use duban_core::org::{Role, UserId};
use duban_core::service::{Ctx, ledger};
use duban_core::tasks::CadenceSettings;

use super::db::{DbArgs, block_on};

/// What to export.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum What {
    /// 台账 (task ledger, 任务分解表 layout).
    Ledger,
}

/// Arguments of `duban export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 导出内容 (what to export).
    what: What,
    /// 输出文件 (.xlsx or .csv; an existing file is replaced).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    db: DbArgs,
}

enum Format {
    Xlsx,
    Csv,
}

/// Writes the export.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let format = match args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("xlsx") => Format::Xlsx,
        Some("csv") => Format::Csv,
        _ => bail!(
            "输出文件须以 .xlsx 或 .csv 结尾：{} (the output file must end in .xlsx or .csv)",
            args.out.display()
        ),
    };
    let What::Ledger = args.what;
    let bytes = block_on(async {
        let store = args.db.connect().await?;
        let cadence = CadenceSettings::default();
        let ctx = Ctx {
            store: store.as_ref(),
            actor: Actor {
                id: UserId(0),
                role: Role::Viewer,
                unit: None,
            },
            now: Utc::now(),
            cadence: &cadence,
            snapshots: None,
        };
        let title = ledger::ledger_title(&ctx)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        let rows = ledger::ledger(&ctx).await.map_err(|e| anyhow!("{e}"))?;
        let bytes = match format {
            Format::Xlsx => {
                duban_plan::export::ledger_xlsx(&title, &rows).map_err(|e| anyhow!(e))?
            }
            Format::Csv => duban_plan::export::ledger_csv(&rows).into_bytes(),
        };
        anyhow::Ok((bytes, rows.len()))
    })??;
    let (bytes, count) = bytes;
    // Written next to the target, then renamed: a reader never sees half a file.
    let tmp = args.out.with_extension("partial");
    std::fs::write(&tmp, &bytes).with_context(|| format!("无法写入 {}", tmp.display()))?;
    std::fs::rename(&tmp, &args.out).with_context(|| format!("无法写入 {}", args.out.display()))?;
    println!("已导出台账：{}（{} 行）", args.out.display(), count);
    Ok(ExitCode::SUCCESS)
}
