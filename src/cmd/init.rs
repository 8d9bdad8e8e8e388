//! `scholia init`: a new site that builds and checks clean.

use std::path::Path;

use super::{INPUT_ERRORS, INTERNAL, SUCCESS};

pub fn run(dir: &Path) -> u8 {
    match crate::init::init(dir) {
        Ok(files) => {
            for file in &files {
                say!("created {}", dir.join(file).display());
            }
            say!(
                "\nA new site is in {0}. Next:\n  cd {0}\n  scholia serve     # see it, rebuilt as you edit\n  scholia check     # check every annotation",
                dir.display()
            );
            SUCCESS
        }
        Err(crate::init::InitError::NotEmpty) => {
            eprintln!(
                "error: {} is not empty: scholia init only creates a site in a new or empty folder",
                dir.display()
            );
            INPUT_ERRORS
        }
        Err(crate::init::InitError::Io(e)) => {
            eprintln!("error: cannot create the site in {}: {e}", dir.display());
            INTERNAL
        }
    }
}
