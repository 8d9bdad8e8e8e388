//! `scholia build`: the whole pipeline, then the atomic write.

use std::path::Path;

use super::{SUCCESS, print_diagnostics, report_failure};

pub fn run(root: &Path, output: Option<&Path>) -> u8 {
    let output = output.map_or_else(|| root.join("public"), Path::to_path_buf);
    match crate::build(root, &output) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            let index = output.join("index.html");
            println!(
                "Built {} {} into {}. Open {} in a browser.",
                report.files,
                crate::diagnostics::plural(report.files, "file", "files"),
                output.display(),
                index.display()
            );
            SUCCESS
        }
        Err(failure) => report_failure(&failure),
    }
}
