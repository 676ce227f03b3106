//! `duban rules example|check FILE`: print the built-in keyword rules that suggest a lead unit
//! for each task draft (a starting point for a bureau's own file), or check a rules file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use duban_plan::UnitRules;
use duban_plan::drafts::DEFAULT_RULES_TOML;

/// Subcommands of `duban rules`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// 打印内置规则 (print the built-in rules as TOML).
    Example,
    /// 检查规则文件 (check a rules file and list its units).
    Check {
        /// 规则文件 (the TOML file).
        file: PathBuf,
    },
}

/// Runs the subcommand.
pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match cmd {
        Command::Example => {
            write!(stdout, "{DEFAULT_RULES_TOML}").context("writing to stdout")?;
        }
        Command::Check { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("无法读取 cannot read {}", file.display()))?;
            let rules = UnitRules::from_toml(&text).map_err(anyhow::Error::msg)?;
            writeln!(stdout, "规则有效：{} 个科室", rules.rules.len())
                .context("writing to stdout")?;
            for r in &rules.rules {
                writeln!(stdout, "  {}：{}", r.unit, r.keywords.join("、"))
                    .context("writing to stdout")?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
