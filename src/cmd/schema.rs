//! `scholia schema`: the JSON Schemas of what users write, derived from the Rust types.

use super::SUCCESS;
use crate::cli::SchemaKind;

pub fn run(which: SchemaKind) -> u8 {
    say!("{}", crate::schema::json(which));
    SUCCESS
}
