//! The command line, by clap derive: the doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// scholia: a static site generator for annotated readings.
///
/// Keep the text in Markdown and the glosses, sources, cross-references and notes
/// beside it in YAML; scholia checks every annotation and builds a static site.
#[derive(Debug, Parser)]
#[command(name = "scholia", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the site and build it into the output folder.
    ///
    /// The site is built into a new folder and swapped in only when everything
    /// succeeded: a failed build leaves the old output as it was.
    Build {
        /// The site's folder (the one with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: <root>/public].
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Check the site as a build would, and write nothing.
    Check {
        /// The site's folder (the one with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}
