//! The index stage under its first name: [`crate::resolve`] holds it now, step by step.
//! Kept so that the stages after it (render, export, links, fix) read as they did.

pub use crate::resolve::{
    CrossRefEntry, GlossEntry, MarkPlace, NoteEntry, NoteRef, Place, ReadingIndex, SiteIndex,
    SourceEntry, gloss_forms, index, is_valid_id, is_web_address,
};
