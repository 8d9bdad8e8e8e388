//! The site's folder, seen through one symlink rule: a link inside the site that
//! resolves inside the site is followed; one that leaves the site is an error naming
//! the link, and what it points at is never read.
//!
//! 1. [`SiteFiles::open`] resolves the site's root once.
//! 2. [`SiteFiles::kind`] tells what a path of the site is, after resolving every link
//!    on the way to it, and checks that it stays in the site.
//! 3. [`SiteFiles::read_text`] and [`SiteFiles::read_bytes`] read only what `kind`
//!    allowed; [`SiteFiles::list`] names a folder's entries in order.
//!
//! Paths are relative to the site's root: that is how diagnostics show them.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::diagnostics::{Diagnostic, Location, SourceFile};

/// What a path of the site is, once its links are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Folder,
    Missing,
    /// A socket, a device: nothing scholia reads.
    Other,
}

/// The site's folder.
pub struct SiteFiles {
    root: PathBuf,
    /// The root with every link resolved: what "inside the site" is measured against.
    real_root: PathBuf,
    /// Folders of the site, relative to the root, found to be folders and not links, and
    /// every folder between them and the root too. What is in one of them and is not a
    /// link is where its path says: inside the site, with nothing to resolve.
    plain: Mutex<HashSet<PathBuf>>,
}

impl SiteFiles {
    pub fn open(root: &Path) -> io::Result<SiteFiles> {
        Ok(SiteFiles {
            root: root.to_path_buf(),
            real_root: fs::canonicalize(root)?,
            plain: Mutex::new(HashSet::new()),
        })
    }

    /// What `relative` is. A link that leaves the site, or leads nowhere, is an error
    /// naming the link.
    pub fn kind(&self, relative: &Path) -> Result<Kind, Diagnostic> {
        let full = self.root.join(relative);
        let meta = match fs::symlink_metadata(&full) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Kind::Missing),
            Err(e) => return Err(unreadable(relative, &e)),
        };
        // Most paths have no link on the way: one look at the path itself, and one at
        // each folder the first time it is met, instead of resolving every part of the
        // path each time (a thousand readings asked 21,000 times what a part links to).
        if !meta.is_symlink() && is_plain_relative(relative) && self.is_plain(relative.parent()) {
            return Ok(kind_of(&meta));
        }
        let real = match fs::canonicalize(&full) {
            Ok(real) => real,
            Err(_) if meta.is_symlink() => return Err(self.dangling(relative, &full)),
            Err(e) => return Err(unreadable(relative, &e)),
        };
        if !real.starts_with(&self.real_root) {
            return Err(self.outside(relative, &full, &real));
        }
        let meta = fs::metadata(&real).map_err(|e| unreadable(relative, &e))?;
        Ok(kind_of(&meta))
    }

    /// Whether `folder` (the root when empty) and every folder above it is a folder and
    /// not a link. Remembered when it is: the site's folders do not become links while
    /// it is read, any more than the checks of [`kind`](Self::kind) could tell if they
    /// did between the check and the reading.
    fn is_plain(&self, folder: Option<&Path>) -> bool {
        let Some(folder) = folder else {
            return false;
        };
        if folder.as_os_str().is_empty() {
            return true;
        }
        if self
            .plain
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(folder)
        {
            return true;
        }
        let plain = fs::symlink_metadata(self.root.join(folder))
            .is_ok_and(|meta| meta.is_dir() && !meta.is_symlink())
            && self.is_plain(folder.parent());
        if plain {
            self.plain
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(folder.to_path_buf());
        }
        plain
    }

    /// `relative` from where scholia runs (the root joined to it), not resolved.
    pub fn full(&self, relative: &Path) -> PathBuf {
        self.root.join(relative)
    }

    /// Where `relative` really is, for telling a folder already walked (a link loop).
    pub fn real_path(&self, relative: &Path) -> Option<PathBuf> {
        if is_plain_relative(relative) && self.is_plain(Some(relative)) {
            return Some(self.real_root.join(relative));
        }
        fs::canonicalize(self.root.join(relative)).ok()
    }

    /// The entries of a folder that [`kind`](Self::kind) allowed, sorted by name.
    ///
    /// One level at a time, links not followed: each entry is then judged by `kind`, so
    /// a link is resolved and checked before anything behind it is listed or read.
    pub fn list(&self, relative: &Path) -> Result<Vec<OsString>, Diagnostic> {
        // One level is read with `read_dir`: walkdir opens every folder it meets, even
        // one below its `max_depth` (three system calls a reading, 4 ms for a folder of
        // 1,000), and its `sort_by_file_name` takes each name out of its path again at
        // every comparison (3 ms more): a tenth of serve's rebuild after an edit.
        let unreadable = |e: io::Error| unreadable(relative, &e);
        let mut names = fs::read_dir(self.root.join(relative))
            .map_err(unreadable)?
            .map(|entry| entry.map(|e| e.file_name()).map_err(unreadable))
            .collect::<Result<Vec<_>, _>>()?;
        names.sort_unstable();
        Ok(names)
    }

    /// Reads a text file of the site, checked to be UTF-8 without control characters.
    /// A text over [`MAX_TEXT_BYTES`] is refused before it is read.
    pub fn read_text(&self, relative: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
        if let Ok(meta) = fs::metadata(self.root.join(relative))
            && meta.is_file()
            && meta.len() > MAX_TEXT_BYTES
        {
            return Err(too_large(relative, meta.len()));
        }
        self.read_bytes(relative)
            .and_then(|bytes| super::text::decode(relative, bytes))
    }

    /// Reads a file of the site as it is, after checking where it leads.
    pub fn read_bytes(&self, relative: &Path) -> Result<Vec<u8>, Diagnostic> {
        match self.kind(relative)? {
            Kind::File => {}
            Kind::Missing => {
                return Err(Diagnostic::error(
                    "E0002",
                    format!("cannot read {}: no such file", relative.display()),
                ));
            }
            kind @ (Kind::Folder | Kind::Other) => {
                let what = if kind == Kind::Folder {
                    "a folder"
                } else {
                    "not a regular file"
                };
                return Err(Diagnostic::error(
                    "E0002",
                    format!(
                        "cannot read {}: it is {what}, not a file",
                        relative.display()
                    ),
                )
                .help(format!(
                    "scholia reads a file by this name: rename or remove what is at {}",
                    relative.display()
                )));
            }
        }
        fs::read(self.root.join(relative)).map_err(|e| unreadable(relative, &e))
    }

    fn outside(&self, relative: &Path, full: &Path, real: &Path) -> Diagnostic {
        // Name the link as written; where it points is shown, never what it holds.
        let target = fs::read_link(full).unwrap_or_else(|_| real.to_path_buf());
        Diagnostic::error(
            "E0502",
            format!(
                "{} is a link to {}, outside the site",
                relative.display(),
                target.display()
            ),
        )
        .at(nameless(relative), "this link leaves the site's folder")
        .help("scholia follows links only when they lead to a file or folder inside the site")
        .help("copy what it points at into the site, or link to a copy inside it")
    }

    fn dangling(&self, relative: &Path, full: &Path) -> Diagnostic {
        let target = fs::read_link(full)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        Diagnostic::error(
            "E0503",
            format!(
                "{} is a link to {target}, which leads nowhere",
                relative.display()
            ),
        )
        .at(nameless(relative), "this link leads nowhere")
        .help("point the link at an existing file inside the site, or delete it")
    }
}

/// A path of names only: no `..`, `.` or root, which would leave the folders it names.
fn is_plain_relative(relative: &Path) -> bool {
    relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
}

fn kind_of(meta: &fs::Metadata) -> Kind {
    if meta.is_file() {
        Kind::File
    } else if meta.is_dir() {
        Kind::Folder
    } else {
        Kind::Other
    }
}

/// The start of a file whose text is not shown: a link, a binary file, a folder.
pub fn nameless(relative: &Path) -> Location {
    Location::start_of(&SourceFile::new(relative, ""))
}

fn unreadable(relative: &Path, e: &io::Error) -> Diagnostic {
    Diagnostic::error(
        "E0002",
        format!("cannot read {}: {}", relative.display(), io_reason(e)),
    )
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The largest text file scholia reads (Markdown, YAML, a template). A text of a million
/// words is about 6 MB; past this a file is more likely a mistake (a log, a dump) than a
/// reading, and would cost the checks time and memory out of all proportion. Files copied
/// beside a reading (images, PDFs) are not held to it.
pub const MAX_TEXT_BYTES: u64 = 10 * 1024 * 1024;

fn too_large(relative: &Path, size: u64) -> Diagnostic {
    // Point at the file itself: its first line, without reading the rest.
    let head = SourceFile::new(relative, "");
    Diagnostic::error(
        "E0700",
        format!(
            "{} is too large to read: {:.1} MB, over the limit of {} MB",
            relative.display(),
            size as f64 / 1_048_576.0,
            MAX_TEXT_BYTES / 1_048_576
        ),
    )
    .at(Location::start_of(&head), "this file")
    .help("split the text into several readings, or remove what is not part of the site")
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    /// A site folder holding `content/reading/index.md`, and a folder outside it.
    fn folders() -> (tempfile::TempDir, tempfile::TempDir) {
        let site = tempfile::tempdir().unwrap();
        fs::create_dir_all(site.path().join("content/reading")).unwrap();
        fs::write(site.path().join("content/reading/index.md"), "Text.\n").unwrap();
        let outside = tempfile::tempdir().unwrap();
        fs::create_dir(outside.path().join("img")).unwrap();
        fs::write(outside.path().join("img/secret.png"), "SECRET").unwrap();
        (site, outside)
    }

    fn code(result: Result<Kind, Diagnostic>) -> String {
        result.map_or_else(|d| d.code.to_string(), |kind| format!("{kind:?}"))
    }

    /// A path asked for directly, below a link, is judged by where the link leads even
    /// when the folders above the link were met before (and remembered as plain).
    #[test]
    fn a_path_below_a_link_is_resolved_however_it_is_asked_for() {
        let (site, outside) = folders();
        let root = site.path();
        symlink(outside.path().join("img"), root.join("content/reading/img")).unwrap();
        fs::create_dir(root.join("drafts")).unwrap();
        fs::write(root.join("drafts/map.png"), "png").unwrap();
        symlink("../../drafts", root.join("content/reading/inside")).unwrap();
        let files = SiteFiles::open(root).unwrap();
        let path = Path::new;
        assert_eq!(code(files.kind(path("content/reading/index.md"))), "File");
        assert_eq!(code(files.kind(path("content/reading"))), "Folder");
        assert_eq!(
            code(files.kind(path("content/reading/img/secret.png"))),
            "E0502"
        );
        assert!(
            files
                .read_bytes(path("content/reading/img/secret.png"))
                .is_err()
        );
        assert_eq!(code(files.kind(path("content/reading/img"))), "E0502");
        assert_eq!(
            code(files.kind(path("content/reading/inside/map.png"))),
            "File"
        );
        assert_eq!(
            code(files.kind(path("content/reading/missing.png"))),
            "Missing"
        );
        // A path that climbs out by `..` is resolved, not taken at its word.
        let name = outside.path().file_name().unwrap().to_str().unwrap();
        let climbing = format!("content/reading/../../../{name}/img/secret.png");
        assert_eq!(code(files.kind(path(&climbing))), "E0502");
        let real = fs::canonicalize(root).unwrap();
        assert_eq!(
            files.real_path(path("content/reading")),
            Some(real.join("content/reading"))
        );
        assert_eq!(
            files.real_path(path("content/reading/inside")),
            Some(real.join("drafts"))
        );
    }
}
