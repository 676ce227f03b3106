//! `duban import FILE [--json] [--simplified] [--out FILE]`: read a plan document and print its
//! outline, targets and drafts (readable tree by default, JSON with `--json`).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use duban_plan::{ImportOptions, UnitRules, import_bytes};

/// Arguments of `duban import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 计划文件 (.txt/.docx/.xlsx/.csv).
    file: PathBuf,
    /// 输出 JSON (print JSON instead of the readable tree).
    #[arg(long)]
    json: bool,
    /// 转为简体 (convert titles and texts to simplified characters).
    #[arg(long)]
    simplified: bool,
    /// 写入文件 (write to FILE instead of stdout).
    #[arg(long)]
    out: Option<PathBuf>,
    /// 科室建议规则文件 (TOML keyword rules for suggested lead units; default: built in).
    #[arg(long)]
    rules: Option<PathBuf>,
}

/// Runs the import and prints the result.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("无法读取文件 cannot read {}", args.file.display()))?;
    let name = args.file.to_string_lossy().to_string();
    let rules = match &args.rules {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("无法读取规则文件 cannot read {}", path.display()))?;
            UnitRules::from_toml(&text)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("{}", path.display()))?
        }
        None => UnitRules::default(),
    };
    let options = ImportOptions {
        simplified: args.simplified,
        rules,
    };
    let plan = import_bytes(&bytes, &name, &options)?;
    let out = if args.json {
        serde_json::to_string_pretty(&plan).context("serialising the result")?
    } else {
        let colour = args.out.is_none() && std::io::stdout().is_terminal();
        super::tree::render(&plan, colour)
    };
    match args.out {
        Some(path) => std::fs::write(&path, out)
            .with_context(|| format!("无法写入 cannot write {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{out}").context("writing to stdout")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
