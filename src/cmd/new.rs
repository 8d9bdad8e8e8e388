//! `scholia new`: a new reading, and what the typographic check left as is.

use super::{INPUT_ERRORS, SUCCESS, print_diagnostics};
use crate::cli::Format;

pub fn run(root: &std::path::Path, options: &crate::new::Options) -> u8 {
    match crate::new::new(root, options) {
        Ok(outcome) => {
            print_diagnostics(&outcome.warnings, Format::Human);
            for file in &outcome.files {
                say!("created {}", root.join(file).display());
            }
            say!(
                "\nNext: annotate it in {}, and run `scholia serve` to see it.",
                root.join(&outcome.files[1]).display()
            );
            SUCCESS
        }
        Err(problems) => {
            print_diagnostics(&problems, Format::Human);
            INPUT_ERRORS
        }
    }
}
