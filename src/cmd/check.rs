//! `scholia check`: the build without the write.

use std::path::Path;

use super::{SUCCESS, print_diagnostics, report_failure};

pub fn run(root: &Path) -> u8 {
    match crate::check(root) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            println!(
                "Checked {} {}: no errors.",
                report.readings,
                crate::diagnostics::plural(report.readings, "reading", "readings")
            );
            SUCCESS
        }
        Err(failure) => report_failure(&failure),
    }
}
