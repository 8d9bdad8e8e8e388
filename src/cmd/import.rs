//! `scholia import annotations`: runs [`crate::import`] and says what it did.

use super::{SUCCESS, print_diagnostics, report_failure};
use crate::cli::{Format, SiteArgs};
use crate::diagnostics::plural;

pub fn run(site: &SiteArgs, file: &std::path::Path, reading: &str, dry_run: bool) -> u8 {
    let options = crate::import::Options {
        reading: reading.to_owned(),
        dry_run,
    };
    match crate::import::import(&site.root, file, &options) {
        Ok(outcome) => {
            print_diagnostics(&outcome.warnings, site.format);
            if dry_run {
                match site.format {
                    // The YAML alone on stdout, so it can be piped or compared.
                    Format::Human => say!("{}", outcome.yaml.trim_end_matches('\n')),
                    // One JSON object a line, as the diagnostics are.
                    Format::Json => say!("{}", serde_json::json!({ "yaml": outcome.yaml })),
                }
            }
            if site.format == Format::Human {
                let entries = outcome.imported.len();
                let orphans = outcome.orphans();
                let verb = if outcome.written {
                    "added to"
                } else if dry_run {
                    "would be added to"
                } else {
                    "for"
                };
                eprintln!(
                    "{} {}: {} of {} {} anchored; {} {} {verb} {}; {} {} not anchored.",
                    outcome.format,
                    plural(outcome.read, "export", "export"),
                    outcome.anchored,
                    outcome.read,
                    plural(outcome.read, "annotation", "annotations"),
                    entries,
                    plural(entries, "entry", "entries"),
                    outcome.file.display(),
                    orphans,
                    plural(orphans, "was", "were"),
                );
            }
            SUCCESS
        }
        Err(failure) => report_failure(&failure, site.format),
    }
}
