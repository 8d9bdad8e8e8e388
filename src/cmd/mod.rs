//! One file per subcommand; each only orchestrates the pipeline and reports.

/// `println!` for command output: a reader that went away (`scholia schema | head`) is
/// not an error worth a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod new;
pub mod schema;
pub mod serve;

use std::io::IsTerminal;

use crate::Failure;
use crate::cli::Format;
use crate::diagnostics::{self, Diagnostic};

/// Exit codes: success, problems in the user's input, a failure of scholia or the system.
pub const SUCCESS: u8 = 0;
pub const INPUT_ERRORS: u8 = 1;
pub const INTERNAL: u8 = 2;

/// Prints diagnostics to stderr, for people or as JSON lines (to stdout, for tools).
fn print_diagnostics(list: &[Diagnostic], format: Format) {
    match format {
        Format::Human if !list.is_empty() => eprint!(
            "{}",
            diagnostics::render_all(list, std::io::stderr().is_terminal())
        ),
        Format::Human => {}
        Format::Json => {
            for d in list {
                say!("{}", d.to_json());
            }
        }
    }
}

/// Prints a failure and returns its exit code.
fn report_failure(failure: &Failure, format: Format) -> u8 {
    match failure {
        Failure::Input(list) => {
            print_diagnostics(list, format);
            INPUT_ERRORS
        }
        Failure::Internal(message) => {
            eprintln!("error: {message}");
            INTERNAL
        }
    }
}
