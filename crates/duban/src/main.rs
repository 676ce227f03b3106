//! The `duban` binary: parses the command line and dispatches to a subcommand. It wires crates
//! together and knows nothing else; every subcommand calls the same library functions the web
//! app will call.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("错误 error: {err:#}");
            ExitCode::from(1)
        }
    }
}
