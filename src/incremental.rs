//! Incremental: the site rebuilt after an edit, equal to a full build byte for byte,
//! for `serve`'s editing loop.
//!
//! 1. Keep the last good build in memory: each file's bytes by path.
//! 2. On a change, build the site again from what is on disk now ([`crate::render_site_with`]).
//! 3. Compare the new files with the last good ones: the paths whose bytes differ, the
//!    paths that are new, the paths that are gone. Only those change in what is served.
//! 4. A failed build changes nothing: the last good site stays, with its files.
//!
//! Entry point: [`Incremental::rebuild`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::{Failure, Options, Report};

/// The state kept between builds of one site.
pub struct Incremental {
    root: PathBuf,
    options: Options,
    /// The last good build: path → bytes.
    files: HashMap<String, Vec<u8>>,
    /// Whether a build has succeeded yet.
    built: bool,
}

/// What a good rebuild changed, against the last good build.
#[derive(Debug)]
pub struct Rebuilt {
    pub report: Report,
    /// Paths new or with other bytes, in the site's order.
    pub changed: Vec<String>,
    /// Paths of the last good build that are no longer part of the site, sorted.
    pub removed: Vec<String>,
    /// True for the first good build of this state: there was nothing to compare it
    /// with, so every file is in `changed`, and what was served before must all go.
    pub fresh: bool,
}

impl Incremental {
    /// Nothing is built until the first [`Incremental::rebuild`].
    pub fn new(root: &Path, options: Options) -> Incremental {
        Incremental {
            root: root.to_path_buf(),
            options,
            files: HashMap::new(),
            built: false,
        }
    }

    /// Forgets everything kept (after a panic left it in doubt): the next build is whole.
    pub fn reset(&mut self) {
        *self = Incremental::new(&self.root, self.options);
    }

    /// The last good build: path → bytes.
    pub fn files(&self) -> &HashMap<String, Vec<u8>> {
        &self.files
    }

    /// Builds the site from what is on disk now. On success the build replaces the last
    /// good one and what changed is returned; on failure the last good build stays.
    pub fn rebuild(&mut self) -> Result<Rebuilt, Failure> {
        let (files, report) = crate::render_site_with(&self.root, self.options)?;
        let mut changed = Vec::new();
        let mut next = HashMap::with_capacity(files.len());
        for file in files {
            if self.files.get(&file.path) != Some(&file.contents) {
                changed.push(file.path.clone());
            }
            next.insert(file.path, file.contents);
        }
        let mut removed: Vec<String> = self
            .files
            .keys()
            .filter(|path| !next.contains_key(*path))
            .cloned()
            .collect();
        removed.sort();
        self.files = next;
        let fresh = !std::mem::replace(&mut self.built, true);
        Ok(Rebuilt {
            report,
            changed,
            removed,
            fresh,
        })
    }
}
