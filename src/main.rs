use std::process::ExitCode;

use clap::Parser;
use scholia::cli::{Cli, Command};
use scholia::cmd;

fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(match &cli.command {
        Command::Build { root, output } => cmd::build::run(root, output.as_deref()),
        Command::Check { root } => cmd::check::run(root),
    })
}
