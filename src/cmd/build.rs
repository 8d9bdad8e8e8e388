//! `scholia build`: the whole pipeline, then the atomic write.

use std::path::Path;

use super::{SUCCESS, print_diagnostics, report_failure};
use crate::cli::{Format, SiteArgs};

pub fn run(args: &SiteArgs, output: Option<&Path>) -> u8 {
    let output = output.map_or_else(|| args.root.join("public"), Path::to_path_buf);
    match crate::build(&args.root, &output, args.options()) {
        Ok(report) => {
            print_diagnostics(&report.warnings, args.format);
            if args.format == Format::Human {
                say!(
                    "Built {} {} into {}. Open {} in a browser.",
                    report.files,
                    crate::diagnostics::plural(report.files, "file", "files"),
                    output.display(),
                    output.join("index.html").display()
                );
            }
            SUCCESS
        }
        Err(failure) => report_failure(&failure, args.format),
    }
}
