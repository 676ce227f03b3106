//! `duban export ledger|monthly --out FILE`: the same 台账 and 月汇总 the pages offer for
//! download, for scheduled jobs and scripts. The file's extension picks the format (.xlsx, or
//! .csv for the ledger). The command reads as a read-only user would: every published task.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use chrono::Utc;
use duban_core::access::Actor;
use duban_core::org::{Role, UserId};
use duban_core::service::monthly::{self, Month};
use duban_core::service::{Ctx, ledger};
use duban_core::tasks::CadenceSettings;

use super::db::{DbArgs, block_on};

/// What to export.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum What {
    /// 台账 (task ledger, 任务分解表 layout).
    Ledger,
    /// 月汇总 (monthly summary; `--period 2026-03`, default this month).
    Monthly,
}

/// Arguments of `duban export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 导出内容 (what to export).
    what: What,
    /// 输出文件 (.xlsx or .csv; an existing file is replaced).
    #[arg(long)]
    out: PathBuf,
    /// 月份 (the month of the 月汇总, e.g. 2026-03; default the current month).
    #[arg(long)]
    period: Option<String>,
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
    if matches!(args.what, What::Monthly) && matches!(format, Format::Csv) {
        bail!("月汇总只能导出为 .xlsx (the monthly summary is exported as .xlsx only)");
    }
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
        let err = |e: duban_core::service::Error| anyhow!("{e}");
        match args.what {
            What::Ledger => {
                let title = ledger::ledger_title(&ctx).await.map_err(err)?;
                let rows = ledger::ledger(&ctx).await.map_err(err)?;
                let bytes = match format {
                    Format::Xlsx => {
                        duban_plan::export::ledger_xlsx(&title, &rows).map_err(|e| anyhow!(e))?
                    }
                    Format::Csv => duban_plan::export::ledger_csv(&rows).into_bytes(),
                };
                anyhow::Ok((bytes, format!("台账（{} 行）", rows.len())))
            }
            What::Monthly => {
                let month = match args.period.as_deref() {
                    Some(p) => Month::parse(p).map_err(err)?,
                    None => Month::of(duban_core::tasks::local_date(ctx.now)),
                };
                let summary = monthly::monthly_summary(&ctx, month).await.map_err(err)?;
                let bureau = ledger::bureau_name(&ctx).await.map_err(err)?;
                let title = format!("{bureau}{}工作汇总", month.label());
                let bytes =
                    duban_plan::export::monthly_xlsx(&title, &summary).map_err(|e| anyhow!(e))?;
                anyhow::Ok((bytes, format!("{}月汇总", month.label())))
            }
        }
    })??;
    let (bytes, what) = bytes;
    // Written next to the target, then renamed: a reader never sees half a file.
    let tmp = args.out.with_extension("partial");
    std::fs::write(&tmp, &bytes).with_context(|| format!("无法写入 {}", tmp.display()))?;
    std::fs::rename(&tmp, &args.out).with_context(|| format!("无法写入 {}", args.out.display()))?;
    println!("已导出{what}：{}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
