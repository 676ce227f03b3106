//! Command-line interface: the `Cli` and its subcommands, one module per subcommand.

mod audit;
mod backup;
mod bench_data;
mod config;
mod db;
mod demo;
mod eval_import;
mod export;
mod import;
mod migrate;
mod rules;
mod serve;
mod tree;
mod user;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// 督办 duban — 工作计划督查督办平台 (work-plan supervision for education bureaus).
#[derive(Debug, Parser)]
#[command(name = "duban", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 导入计划文件：提纲、目标与任务草稿 (import a plan document: outline, targets, task drafts).
    Import(import::Args),
    /// 按答案文件评估导入效果 (score the importer against answer keys, corpus-expected/v1).
    EvalImport(eval_import::Args),
    /// 科室建议规则 (the keyword rules that suggest lead units).
    #[command(subcommand)]
    Rules(rules::Command),
    /// 更新数据库结构 (bring the database schema up to date).
    Migrate(migrate::Args),
    /// 备份 SQLite 数据库 (a consistent copy of the SQLite database, safe while the server runs).
    Backup(backup::Args),
    /// 用户管理 (add and list users).
    #[command(subcommand)]
    User(user::Command),
    /// 审计日志 (audit log checks).
    #[command(subcommand)]
    Audit(audit::Command),
    /// 启动网页服务 (start the web server; loads the demo into an empty database).
    Serve(serve::Args),
    /// 生成压测数据 (fill an empty database with a year of work for the load benchmark).
    BenchData(bench_data::Args),
    /// 导出台账、月汇总、年统筹 (export the ledger as .xlsx/.csv, the monthly summary as
    /// .xlsx/.docx, the year plan as .xlsx; the output file's extension picks the format).
    Export(export::Args),
    /// 配置文件 (print the example settings file, or check one).
    #[command(subcommand)]
    Config(ConfigCommand),
}

/// `duban config …`.
#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// 打印配置文件示例 (print config.example.toml).
    Example,
    /// 检查配置文件 (check a settings file).
    Check {
        /// 配置文件路径.
        file: std::path::PathBuf,
    },
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Import(args) => import::run(args),
        Command::EvalImport(args) => eval_import::run(args),
        Command::Rules(cmd) => rules::run(cmd),
        Command::Migrate(args) => migrate::run(args),
        Command::Backup(args) => backup::run(args),
        Command::User(cmd) => user::run(cmd),
        Command::Audit(cmd) => audit::run(cmd),
        Command::Serve(args) => serve::run(args),
        Command::Export(args) => export::run(args),
        Command::BenchData(args) => bench_data::run(args),
        Command::Config(ConfigCommand::Example) => {
            print!("{}", config::EXAMPLE);
            Ok(ExitCode::SUCCESS)
        }
        Command::Config(ConfigCommand::Check { file }) => {
            config::load(Some(&file), std::path::Path::new("."))?;
            println!("配置文件有效：{}", file.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
