//! `scholia check`: the build without the write; with `--fix`, mend drifted quotes.

use super::{SUCCESS, print_diagnostics, report_failure};
use crate::cli::{Format, SiteArgs};

pub fn run(args: &SiteArgs, fix: bool) -> u8 {
    if fix {
        match crate::fix::fix(&args.root) {
            Ok(fixes) => {
                for fixed in &fixes {
                    eprintln!("fixed: {fixed}");
                }
            }
            Err(failure) => return report_failure(&failure, args.format),
        }
    }
    match crate::check(&args.root, args.options()) {
        Ok(report) => {
            print_diagnostics(&report.warnings, args.format);
            if args.format == Format::Human {
                say!(
                    "Checked {} {}: no errors.",
                    report.readings,
                    crate::diagnostics::plural(report.readings, "reading", "readings")
                );
            }
            SUCCESS
        }
        Err(failure) => report_failure(&failure, args.format),
    }
}
