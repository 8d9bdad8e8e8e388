//! `scholia init`: a new site that builds and checks clean, whose one reading uses every
//! field of the annotation format, with JSON Schemas its YAML files point to.
//!
//! Entry point: [`init`]. It writes nothing unless the folder is new or empty.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::cli::SchemaKind;

pub enum InitError {
    NotEmpty,
    Io(io::Error),
}

/// The files of a new site, by path.
fn files() -> Vec<(&'static str, String)> {
    vec![
        ("site.yaml", include_str!("init/site.yaml").to_owned()),
        (
            "content/gettysburg-address/index.md",
            include_str!("init/index.md").to_owned(),
        ),
        (
            "content/gettysburg-address/annotations.yaml",
            include_str!("init/annotations.yaml").to_owned(),
        ),
        (
            "content/glossary.yaml",
            include_str!("init/glossary.yaml").to_owned(),
        ),
        ("README.md", include_str!("init/README.md").to_owned()),
        (
            "schemas/site.schema.json",
            crate::schema::json(SchemaKind::Site),
        ),
        (
            "schemas/annotations.schema.json",
            crate::schema::json(SchemaKind::Annotations),
        ),
        (
            "schemas/front-matter.schema.json",
            crate::schema::json(SchemaKind::FrontMatter),
        ),
        // The build's lock and staging folders sit beside the output while it runs, and a
        // killed build can leave them there.
        (".gitignore", "/public\n/.public.scholia-*\n".to_owned()),
    ]
}

/// Creates a site in `dir`; returns the paths written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(InitError::Io)?;
        if entries.next().is_some() {
            return Err(InitError::NotEmpty);
        }
    }
    let mut written = Vec::new();
    for (path, text) in files() {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).map_err(InitError::Io)?;
        }
        fs::write(&full, text).map_err(InitError::Io)?;
        written.push(PathBuf::from(path));
    }
    Ok(written)
}
