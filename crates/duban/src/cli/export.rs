//! `duban export ledger|monthly|yearly|agenda --out FILE`: the same 台账, 月汇总, 年统筹 and
//! 例会议题/纪要/确定事项清单 the pages offer for download, for scheduled jobs and scripts. The file's extension picks the format:
//! the ledger as .xlsx or .csv, the monthly summary as .xlsx or .docx, the year as .xlsx, the
//! meeting as .docx (agenda or minutes) or .xlsx (确定事项清单). The
//! command reads as a read-only user would: every published task. The file appears whole or not
//! at all: it is written next to the target under a temporary name, then renamed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use chrono::{Datelike, Utc};
use duban_core::access::Actor;
use duban_core::org::{Role, UserId};
use duban_core::service::monthly::{self, Month};
use duban_core::service::tasks::TaskQuery;
use duban_core::service::{Ctx, ledger};
use duban_core::tasks::{CadenceSettings, local_date};

use super::db::{DbArgs, block_on};

/// What to export.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum What {
    /// 台账 (task ledger, 任务分解表 layout; .xlsx, .docx or .csv).
    Ledger,
    /// 月汇总 (monthly summary, .xlsx or .docx; `--period 2026-03`, default this month).
    Monthly,
    /// 年统筹 (the year's tasks against its months, .xlsx; `--year 2026`, default this year).
    Yearly,
    /// 周例会议题 (the meeting of `--date 2026-03-09`, default today: its agenda — or its minutes
    /// once outcomes are recorded — as .docx, its 确定事项清单 as .xlsx; with no meeting recorded
    /// that day, the agenda the first series' meeting would have now).
    Agenda,
}

impl What {
    /// The name in messages, and the formats it can be written as.
    fn describe(self) -> (&'static str, &'static [Format]) {
        match self {
            What::Ledger => ("台账", &[Format::Xlsx, Format::Csv, Format::Docx]),
            What::Monthly => ("月汇总", &[Format::Xlsx, Format::Docx]),
            What::Yearly => ("年统筹", &[Format::Xlsx]),
            What::Agenda => ("例会议题", &[Format::Docx, Format::Xlsx]),
        }
    }
}

/// Arguments of `duban export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 导出内容 (what to export).
    what: What,
    /// 输出文件 (its extension picks the format: .xlsx, .csv or .docx; an existing file is
    /// replaced).
    #[arg(long)]
    out: PathBuf,
    /// 月份 (the month of the 月汇总, e.g. 2026-03; default the current month).
    #[arg(long)]
    period: Option<String>,
    /// 年份 (the year of the 年统筹, e.g. 2026; default the current year).
    #[arg(long)]
    year: Option<i32>,
    /// 会议日期 (the day of the meeting, e.g. 2026-03-09; default today).
    #[arg(long)]
    date: Option<String>,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xlsx,
    Csv,
    Docx,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => ".xlsx",
            Format::Csv => ".csv",
            Format::Docx => ".docx",
        }
    }

    fn of(path: &Path) -> Option<Self> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("xlsx") => Some(Format::Xlsx),
            Some("csv") => Some(Format::Csv),
            Some("docx") => Some(Format::Docx),
            _ => None,
        }
    }
}

/// Writes the export.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (name, formats) = args.what.describe();
    let format = Format::of(&args.out).filter(|f| formats.contains(f));
    let Some(format) = format else {
        let allowed: Vec<&str> = formats.iter().map(|f| f.extension()).collect();
        bail!(
            "{name}只能导出为 {} 文件，请换用相应扩展名：{} (unsupported output file extension)",
            allowed.join(" 或 "),
            args.out.display()
        );
    };
    if let Some(year) = args.year
        && !(2000..=2100).contains(&year)
    {
        bail!("年份须在 2000 至 2100 之间：{year} (the year must be 2000–2100)");
    }
    let (bytes, what) = block_on(async {
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
                    Format::Csv => duban_plan::export::ledger_csv(&rows).into_bytes(),
                    Format::Docx => {
                        duban_plan::export::ledger_docx(&title, &rows).map_err(|e| anyhow!(e))?
                    }
                    _ => duban_plan::export::ledger_xlsx(&title, &rows).map_err(|e| anyhow!(e))?,
                };
                anyhow::Ok((bytes, format!("台账（{} 行）", rows.len())))
            }
            What::Monthly => {
                let month = match args.period.as_deref() {
                    Some(p) => Month::parse(p).map_err(err)?,
                    None => Month::of(local_date(ctx.now)),
                };
                let summary = monthly::monthly_summary(&ctx, month).await.map_err(err)?;
                let bureau = ledger::bureau_name(&ctx).await.map_err(err)?;
                let title = format!("{bureau}{}工作汇总", month.label());
                let bytes = match format {
                    Format::Docx => duban_plan::export::monthly_docx(&title, &summary),
                    _ => duban_plan::export::monthly_xlsx(&title, &summary),
                }
                .map_err(|e| anyhow!(e))?;
                anyhow::Ok((bytes, format!("{}月汇总", month.label())))
            }
            What::Yearly => {
                let year = args.year.unwrap_or_else(|| local_date(ctx.now).year());
                let (title, rows) = year_rows(&ctx, year).await?;
                let bytes =
                    duban_plan::export::yearly_xlsx(&title, &rows).map_err(|e| anyhow!(e))?;
                anyhow::Ok((bytes, format!("{year}年统筹（{} 项任务）", rows.len())))
            }
            What::Agenda => {
                let date = match args.date.as_deref() {
                    Some(d) => chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                        .map_err(|_| anyhow!("会议日期须为 YYYY-MM-DD 格式：{d} (bad --date)"))?,
                    None => local_date(ctx.now),
                };
                let m = duban_core::service::meetings::agenda_on(&ctx, date)
                    .await
                    .map_err(err)?;
                let decided = m.items.iter().any(|i| i.item.outcome.is_some());
                let bytes = match format {
                    Format::Xlsx => duban_plan::export::meeting::decided_xlsx(&m),
                    _ => duban_plan::export::meeting::meeting_docx(&m, decided),
                }
                .map_err(|e| anyhow!(e))?;
                let what = match format {
                    Format::Xlsx => {
                        format!("{}确定事项清单（{} 项）", m.meeting.title, m.decided.len())
                    }
                    _ if decided => format!("{}纪要（{} 项议题）", m.meeting.title, m.items.len()),
                    _ => format!("{}议题（{} 项）", m.meeting.title, m.items.len()),
                };
                anyhow::Ok((bytes, what))
            }
        }
    })??;
    write_whole(&args.out, &bytes)?;
    println!("已导出{what}：{}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

/// The 年统筹 workbook's title and rows, made by the code that makes `/yearly.xlsx` (no
/// filters).
async fn year_rows(
    ctx: &Ctx<'_>,
    year: i32,
) -> anyhow::Result<(String, Vec<duban_plan::export::YearRow>)> {
    match duban_web::routes::tasks::yearly_workbook(ctx, year, &TaskQuery::default()).await {
        Ok(workbook) => Ok(workbook),
        Err(duban_web::error::AppError::Service(e)) => Err(anyhow!("{e}")),
        Err(other) => bail!("无法生成年统筹：{other:?}"),
    }
}

/// Writes `bytes` to `out` whole: into a temporary file in the same directory, then renamed
/// over `out`, so that a reader never sees half a file and a failure leaves none behind.
fn write_whole(out: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let file_name = out
        .file_name()
        .with_context(|| format!("输出路径不是文件：{}", out.display()))?;
    let tmp = out.with_file_name(format!(
        ".{}.{}.partial",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::write(&tmp, bytes)
        .with_context(|| format!("无法写入 {}", out.display()))
        .and_then(|()| {
            std::fs::rename(&tmp, out).with_context(|| format!("无法写入 {}", out.display()))
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
