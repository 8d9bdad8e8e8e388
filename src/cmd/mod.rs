//! One file per subcommand; each only orchestrates the pipeline and reports.

pub mod build;
pub mod check;

use std::io::IsTerminal;

use crate::Failure;
use crate::diagnostics::{self, Diagnostic};

/// Exit codes: success, problems in the user's input, a failure of scholia or the system.
pub const SUCCESS: u8 = 0;
pub const INPUT_ERRORS: u8 = 1;
pub const INTERNAL: u8 = 2;

fn print_diagnostics(list: &[Diagnostic]) {
    if !list.is_empty() {
        eprint!(
            "{}",
            diagnostics::render_all(list, std::io::stderr().is_terminal())
        );
    }
}

/// Prints a failure and returns its exit code.
fn report_failure(failure: &Failure) -> u8 {
    match failure {
        Failure::Input(list) => {
            print_diagnostics(list);
            INPUT_ERRORS
        }
        Failure::Internal(message) => {
            eprintln!("error: {message}");
            INTERNAL
        }
    }
}
