use std::process::ExitCode;

use clap::Parser;
use scholia::cli::{Cli, Command, ImportCommand};
use scholia::cmd;

fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(match &cli.command {
        Command::Build { site, output } => cmd::build::run(site, output.as_deref()),
        Command::Check { site, fix } => cmd::check::run(site, *fix),
        Command::Serve {
            site,
            port,
            bind,
            open,
        } => cmd::serve::run(site, *bind, *port, *open),
        Command::Init { dir } => cmd::init::run(dir),
        Command::New {
            slug,
            from,
            title,
            root,
        } => cmd::new::run(
            root,
            &scholia::new::Options {
                slug: slug.clone(),
                from: from.clone(),
                title: title.clone(),
            },
        ),
        Command::Import {
            what:
                ImportCommand::Annotations {
                    file,
                    reading,
                    dry_run,
                    site,
                },
        } => cmd::import::run(site, file, reading, *dry_run),
        Command::Schema { which } => cmd::schema::run(*which),
    })
}
