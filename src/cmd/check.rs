//! `scholia check`: the build without the write; with `--fix`, mend drifted quotes first.

use super::{SUCCESS, print_diagnostics, report_failure};
use crate::cli::{Format, SiteArgs};

pub fn run(args: &SiteArgs, fix: bool) -> u8 {
    if fix {
        match crate::fix::fix(&args.root) {
            Ok(outcome) => {
                for fixed in &outcome.fixed {
                    eprintln!("fixed: {fixed}");
                }
                // What was left alone is said before the check that reports it unmended.
                print_left_alone(&outcome.left_alone, args.format);
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

/// Each fix not made, with its reason; without the closing count, which belongs to the
/// check that follows.
fn print_left_alone(list: &[crate::diagnostics::Diagnostic], format: Format) {
    use std::io::IsTerminal;
    match format {
        Format::Human => {
            let styled = std::io::stderr().is_terminal();
            for d in list {
                let text = if styled {
                    d.render_styled()
                } else {
                    d.render()
                };
                eprintln!("{text}\n");
            }
        }
        Format::Json => print_diagnostics(list, format),
    }
}
