use std::process::ExitCode;

use clap::Parser;
use scholia::cli::{Cli, Command, ImportCommand};
use scholia::cmd;

/// mimalloc (its version 2, without transparent huge pages) instead of glibc's malloc:
/// a build makes and frees millions of small strings on two threads, and this takes a
/// tenth off its time for a fifth more memory at its peak (1,000 readings: 2.33 -> 2.12 s
/// of CPU, 108 -> 128 MiB; docs/performance.md). Its version 3, or huge pages, reach
/// 150-185 MiB.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
