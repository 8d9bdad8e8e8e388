//! The command line, by clap derive: the doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site [default: <root>/public].
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Check the site as a build would, and write nothing.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Mend in place a quote the text has drifted from, where one passage is the
        /// clear best match; each edit is proven before the file is replaced. Only that
        /// value is rewritten; a repeated quote is reported, never chosen for you.
        #[arg(long)]
        fix: bool,
    },
    /// Build the site, serve it on 127.0.0.1, rebuild on every change and reload the
    /// open pages.
    ///
    /// While the input has errors the last good site stays up, with the errors shown
    /// over the page and in the terminal. The server answers only GET and HEAD
    /// requests addressed to localhost or the bound address; Ctrl-C stops it.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The port to listen on (0: any free port).
        #[arg(long, short, default_value_t = 3000)]
        port: u16,
        /// The address to listen on. Anything but loopback makes the site reachable
        /// from other machines, which must then ask for it by this address.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Create a new site in DIR: site.yaml, a short reading whose annotations show
    /// every field of the format, and a README for the site's author.
    Init {
        /// The folder to create (it must not exist, or be empty).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Create a new reading in content/SLUG/: its index.md, with every front-matter field
    /// shown, and an annotations.yaml with no annotation yet.
    ///
    /// With `--from`, the paragraphs of a plain-text file become the text, as written:
    /// only what Markdown would read as syntax is escaped. A typographic check says
    /// what it left as is (straight quotes, runs of spaces …). Never writes over a
    /// folder that exists.
    New {
        /// The reading's name: its folder and its address (a-z, 0-9 and `-`).
        slug: String,
        /// A plain-text file (UTF-8) whose paragraphs become the reading's text.
        #[arg(long, value_name = "FILE")]
        from: Option<PathBuf>,
        /// The title [default: made from SLUG].
        #[arg(long)]
        title: Option<String>,
        /// The site's folder (the one with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Bring in what was made elsewhere: annotations from Hypothesis or any W3C Web
    /// Annotation tool (see docs/import.md).
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Print the JSON Schemas of site.yaml and of the annotation files, for editors.
    Schema {
        /// Which schema to print.
        #[arg(value_enum, default_value_t = SchemaKind::Annotations)]
        which: SchemaKind,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Append the annotations of an export to a reading's annotations.yaml.
    ///
    /// Reads a Hypothesis API search result (JSON) or W3C Web Annotations (JSON-LD: one
    /// annotation, a list, a page or a collection, as `scholia build` exports them).
    /// Each annotation anchored in the text becomes a note (or a gloss, a source's
    /// citation, a cross-reference: docs/import.md); the others are listed with the
    /// closest passage and not written. Nothing already in the file is changed, and
    /// the result is checked before it is written.
    Annotations {
        /// The export file.
        file: PathBuf,
        /// The reading the annotations are on (its folder name in content/).
        #[arg(long, value_name = "SLUG")]
        reading: String,
        /// Print the YAML that would be added; write nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        site: SiteArgs,
    },
}

/// What every command that reads a site takes.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site's folder (the one with site.yaml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Treat warnings as errors (`--deny warnings`).
    #[arg(long, value_name = "LINT", value_parser = ["warnings"])]
    pub deny: Option<String>,
    /// How to print diagnostics: for people, or one JSON object a line for editors and CI.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

impl SiteArgs {
    pub fn options(&self) -> crate::Options {
        crate::Options {
            deny_warnings: self.deny.is_some(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// `site.yaml`
    Site,
    /// `annotations.yaml`, `glossary.yaml` and `sources.yaml`
    Annotations,
    /// A reading's front matter
    FrontMatter,
}
