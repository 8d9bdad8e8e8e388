//! Loading: find the site's files and parse each one.
//!
//! 1. Every path is seen through [`files::SiteFiles`]: a link that stays in the site is
//!    followed, one that leaves it is an error. Every text file is decoded by
//!    [`text::decode`]: UTF-8 (a leading byte-order mark is allowed), no control
//!    characters.
//! 2. `site.yaml` → [`SiteConfig`].
//! 3. `content/`: `glossary.yaml` and `sources.yaml` → shared [`AnnotationFile`]s; each
//!    folder with an `index.md` → a [`Reading`]: front matter, Markdown, its
//!    `annotations.yaml`, and the other files beside it, to be published next to its page.
//!    Anything else in `content/` is not used, and a warning says what was expected.
//! 4. `templates/` → the files that override the theme.
//! 5. `content/sources.bib` and `content/sources.json` (references from a reference
//!    manager) give the sources named by their keys their fields, and `citation_style`
//!    their citations ([`crate::bib`], in [`cite`]).
//!
//! Entry point: [`load`]. Every problem found is returned, not only the first.
//! [`load_with`] takes as it was each reading of an earlier load whose files have the
//! same text, or are known unchanged without reading them ([`Earlier`]; `serve`).
//! [`copy_beside`] turns the files beside the readings into files of the built site.

mod files;
pub mod text;

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use schemars::JsonSchema;
use serde::Deserialize;

use crate::annotations::model::AnnotationFile;
use crate::config::{self, SiteConfig};
use crate::date::WrittenDate;
use crate::diagnostics::{Diagnostic, Location, SourceFile};
use crate::names::{MAX_SLUG, Slug};
use crate::render::OutputFile;
use crate::yaml::{self, Locator, Spanned};
use files::{Kind, SiteFiles, nameless};

/// Everything the user wrote, parsed, before anything is resolved.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    /// Shared glossary and sources, each with the locator of its file.
    pub shared: Vec<Annotations>,
    /// The readings, sorted by slug.
    pub readings: Vec<Reading>,
    /// Template files from the site's `templates/`, by file name.
    pub templates: Vec<(String, Arc<SourceFile>)>,
    /// Files and folders the site holds but does not use.
    pub warnings: Vec<Diagnostic>,
}

/// One parsed annotation file.
#[derive(Debug, Clone)]
pub struct Annotations {
    pub file: AnnotationFile,
    pub locator: Locator,
}

/// One reading: a text and its annotations.
#[derive(Debug)]
pub struct Reading {
    /// The folder name: the reading's address in the site.
    pub slug: Slug,
    pub meta: FrontMatter,
    /// Places the front matter's spanned values in `index.md`.
    pub meta_locator: Locator,
    /// `index.md`, whole: front matter and text.
    pub source: Arc<SourceFile>,
    /// Byte range of the Markdown text in `source.text` (after the front matter).
    pub body: std::ops::Range<usize>,
    /// `annotations.yaml`, if the reading has one.
    pub annotations: Option<Annotations>,
    /// The other files in the reading's folder (images, PDFs …), published beside its page.
    pub beside: Vec<BesideFile>,
}

/// A file in a reading's folder that the reading's page may link to.
#[derive(Debug)]
pub struct BesideFile {
    /// Path inside the reading's folder, with `/` separators: `map.png`, `img/a.png`.
    pub path: String,
    /// Path from the site's root: where it is read from once the pages are made
    /// ([`copy_beside`]), so images and PDFs are not held through the whole build.
    pub source: PathBuf,
}

impl Reading {
    pub fn markdown(&self) -> &str {
        &self.source.text[self.body.clone()]
    }
}

/// A reading's front matter.
#[derive(Debug, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    /// When this reading was published here.
    #[serde(default)]
    pub date: Option<WrittenDate>,
    /// Shown above the text, in Markdown.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub editor_note: Option<Spanned<String>>,
    /// What is known of the original; each field may be absent.
    #[serde(default)]
    pub original: Option<Original>,
    /// The language of the text when it is not the site's (a German text annotated in
    /// English): a BCP 47 tag, given to the text as `lang` (and `dir` if it runs the
    /// other way).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub language: Option<Spanned<String>>,
}

/// What is known of the original publication.
#[derive(Debug, JsonSchema, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Original {
    #[serde(default)]
    pub publication: Option<String>,
    #[serde(default)]
    pub headline: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub date: Option<WrittenDate>,
}

/// The shared files `content/` may hold beside the readings' folders.
const SHARED: [&str; 2] = ["glossary.yaml", "sources.yaml"];

/// References from a reference manager, beside or instead of `sources.yaml`: see
/// [`crate::bib`].
const REFERENCES: [&str; 2] = ["sources.bib", "sources.json"];

/// The readings of an earlier load, by slug. A reading whose `index.md` and
/// `annotations.yaml` have the same text again is taken as it was rather than parsed
/// again; the files beside it are then looked at anew.
///
/// A reading whose files are known not to have changed is taken without reading them at
/// all: its folder, `index.md` and `annotations.yaml` have the same size, times and
/// identity ([`Stamps`]) as when they were read, and they were already old then (see
/// [`Stamps::trusted`]). A folder's time changes when a file in it is added, removed or
/// renamed (an editor's save by rename included), so the files beside it are the same
/// too; a reading with a subfolder or a link is always read. A shared file
/// (`glossary.yaml`, `sources.yaml`) with the same text is not parsed again.
///
/// Readings are loaded in parallel, so it is shared between them: each reading is taken
/// out once, under a lock held only for that.
#[derive(Default)]
pub struct Earlier {
    readings: Mutex<HashMap<String, Reading>>,
    /// The stamps of the readings kept, by slug.
    stamps: Mutex<HashMap<String, Stamps>>,
    /// The stamps of the readings of the load under way.
    fresh: Mutex<HashMap<String, Stamps>>,
    /// The shared files (`glossary.yaml`, `sources.yaml`) as read and parsed, by name:
    /// the last load's, and the load under way's.
    shared: Mutex<HashMap<String, (Arc<SourceFile>, ParsedShared)>>,
    fresh_shared: Mutex<HashMap<String, (Arc<SourceFile>, ParsedShared)>>,
    /// How many readings the last load took as they were.
    taken: AtomicUsize,
    /// How many of those it took without reading their files.
    unread: AtomicUsize,
}

/// What a file or folder was when a reading was read: enough to tell, without reading it
/// again, that it has not changed since.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: SystemTime,
    /// The inode and the time of its last change (which no program sets back) on Unix.
    identity: (u64, i64, i64),
}

impl Stamp {
    /// The stamp of a plain file or folder (`folder` says which); `Some(None)` if
    /// nothing is there; `None` for a link or anything else, which is always read.
    fn of(path: &Path, folder: bool) -> Option<Option<Stamp>> {
        let meta = match std::fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(None),
            Err(_) => return None,
        };
        let plain = if folder {
            meta.is_dir()
        } else {
            meta.is_file()
        };
        if !plain {
            return None;
        }
        #[cfg(unix)]
        let identity = {
            use std::os::unix::fs::MetadataExt;
            (meta.ino(), meta.ctime(), meta.ctime_nsec())
        };
        #[cfg(not(unix))]
        let identity = (0, 0, 0);
        Some(Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok()?,
            identity,
        }))
    }

    /// Whether the file was last changed before `time`, by a margin.
    fn older_than(&self, time: SystemTime) -> bool {
        // A file system keeps times to a tick (a few milliseconds on Linux, two seconds
        // on FAT): a file written in the tick its stamp was taken could be written again
        // in the same tick, at the same size. Only a stamp older than that is trusted.
        #[cfg(unix)]
        let changed = SystemTime::UNIX_EPOCH
            .checked_add(Duration::new(
                u64::try_from(self.identity.1).unwrap_or(u64::MAX),
                u32::try_from(self.identity.2).unwrap_or(0),
            ))
            .unwrap_or(SystemTime::now());
        #[cfg(not(unix))]
        let changed = self.modified;
        let margin = Duration::from_secs(3);
        self.modified
            .max(changed)
            .checked_add(margin)
            .is_some_and(|trusted_from| trusted_from < time)
    }
}

/// The stamps of a reading's folder and files, taken just before they were read.
#[derive(Debug, Clone)]
struct Stamps {
    /// Folder, `index.md`, `annotations.yaml` (or `None` where there is none).
    files: (Stamp, Stamp, Option<Stamp>),
    /// When they were taken.
    at: SystemTime,
    /// The warnings the reading's folder raised.
    warnings: Vec<Diagnostic>,
}

impl Stamps {
    /// The stamps of the reading in folder `dir` as it is now, if it can have any; its
    /// warnings are added once it is read.
    fn of(dir: &Path) -> Option<Stamps> {
        let at = SystemTime::now();
        let folder = Stamp::of(dir, true)??;
        let index = Stamp::of(&dir.join("index.md"), false)??;
        let annotations = Stamp::of(&dir.join("annotations.yaml"), false)?;
        Some(Stamps {
            files: (folder, index, annotations),
            at,
            warnings: Vec::new(),
        })
    }

    /// Whether every stamp was already old when taken: a file changed since then cannot
    /// have the same stamp.
    fn trusted(&self) -> bool {
        let (folder, index, annotations) = &self.files;
        folder.older_than(self.at)
            && index.older_than(self.at)
            && annotations.as_ref().is_none_or(|a| a.older_than(self.at))
    }
}

impl Earlier {
    /// Keeps a load's readings for the next one.
    pub fn keep(&mut self, readings: Vec<Reading>) {
        *self
            .shared
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = std::mem::take(
            self.fresh_shared
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner),
        );
        let mut fresh =
            std::mem::take(self.fresh.get_mut().unwrap_or_else(PoisonError::into_inner));
        *self
            .stamps
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = readings
            .iter()
            .filter_map(|r| {
                let slug = r.slug.as_str();
                fresh.remove(slug).map(|stamps| (slug.to_owned(), stamps))
            })
            .collect();
        *self
            .readings
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = readings
            .into_iter()
            .map(|r| (r.slug.as_str().to_owned(), r))
            .collect();
        *self.taken.get_mut() = 0;
        *self.unread.get_mut() = 0;
    }

    /// How many readings the loads since [`Earlier::keep`] took as they were.
    pub fn taken(&self) -> usize {
        self.taken.load(Ordering::Relaxed)
    }

    /// How many of those were taken without reading their files.
    pub fn unread(&self) -> usize {
        self.unread.load(Ordering::Relaxed)
    }

    /// The earlier reading of folder `name`, if its files had this text.
    fn take(
        &self,
        name: &OsStr,
        source: &SourceFile,
        annotations: Option<&SourceFile>,
    ) -> Option<Reading> {
        let mut readings = self.readings.lock().unwrap_or_else(PoisonError::into_inner);
        let old = readings.get(name.to_str()?)?;
        let same = |a: &SourceFile, b: &SourceFile| a.path == b.path && a.text == b.text;
        let same_annotations = match (&old.annotations, annotations) {
            (None, None) => true,
            (Some(a), Some(b)) => same(&a.locator.file, b),
            _ => false,
        };
        if !same(&old.source, source) || !same_annotations {
            return None;
        }
        self.taken.fetch_add(1, Ordering::Relaxed);
        readings.remove(name.to_str()?)
    }

    /// Shared file `name` parsed: as it was, if its text is the same.
    fn shared(&self, name: &OsStr, file: Arc<SourceFile>) -> ParsedShared {
        let name = name.to_string_lossy().into_owned();
        let earlier = lock(&self.shared)
            .get(&name)
            .filter(|(old, _)| old.path == file.path && old.text == file.text)
            .map(|(_, parsed)| parsed.clone());
        let parsed = earlier.unwrap_or_else(|| parse_annotations(&file));
        lock(&self.fresh_shared).insert(name, (file, parsed.clone()));
        parsed
    }

    /// The earlier reading of folder `name` (at `dir` from where scholia runs) and its
    /// warnings, if its files are known unchanged without reading them.
    fn unchanged(&self, name: &OsStr, dir: &Path) -> Option<(Reading, Vec<Diagnostic>)> {
        let name = name.to_str()?;
        let stamps = lock(&self.stamps).remove(name)?;
        let now = Stamps::of(dir)?;
        if now.files != stamps.files || !stamps.trusted() {
            return None;
        }
        let reading = lock(&self.readings).remove(name)?;
        self.taken.fetch_add(1, Ordering::Relaxed);
        self.unread.fetch_add(1, Ordering::Relaxed);
        let warnings = stamps.warnings.clone();
        lock(&self.fresh).insert(name.to_owned(), stamps);
        Some((reading, warnings))
    }

    /// Notes the stamps of reading `name`, taken before it was read, for the next load.
    fn stamped(
        &self,
        name: &OsStr,
        stamps: Option<Stamps>,
        beside: &[BesideFile],
        warnings: &[Diagnostic],
    ) {
        let Some(name) = name.to_str() else { return };
        // The folder's time tells that no file was added, removed or renamed in it; what
        // is behind a link or inside a subfolder, it does not tell.
        let plain = beside.iter().all(|b| {
            !b.path.contains('/') && Stamp::of(&b.source, false).is_some_and(|s| s.is_some())
        });
        if let Some(stamps) = stamps.filter(|_| plain) {
            let stamps = Stamps {
                warnings: warnings.to_vec(),
                ..stamps
            };
            lock(&self.fresh).insert(name.to_owned(), stamps);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Reads and parses every file of the site at `root`.
pub fn load(root: &Path) -> Result<Site, Vec<Diagnostic>> {
    load_with(root, &Earlier::default())
}

/// [`load`], taking from `earlier` each reading whose files are unchanged.
pub fn load_with(root: &Path, earlier: &Earlier) -> Result<Site, Vec<Diagnostic>> {
    let files = SiteFiles::open(root).map_err(|e| {
        vec![
            Diagnostic::error(
                "E0002",
                format!("cannot open the site's folder {}: {e}", root.display()),
            )
            .help("run scholia in the site's folder, or name it with --root"),
        ]
    })?;
    // Errors and warnings, in the order their files are met.
    let mut problems = Vec::new();

    let config = match files.kind(Path::new("site.yaml")) {
        Ok(Kind::Missing) => {
            problems.push(
                Diagnostic::error(
                    "E0002",
                    format!("there is no site.yaml in {}", root.display()),
                )
                .help("run scholia in the site's folder, or name it with --root"),
            );
            None
        }
        Ok(_) => files
            .read_text(Path::new("site.yaml"))
            .and_then(|file| config::parse(&file, text::bom_len(&file.text)))
            .and_then(|mut config| {
                // A site may keep its words in a file of their own beside site.yaml.
                let strings = Path::new("strings.yaml");
                if files.kind(strings)? != Kind::Missing {
                    config.add_strings_file(&files.read_text(strings)?)?;
                }
                Ok(config)
            })
            .map(|mut config| {
                problems.append(&mut config.warnings);
                config
            })
            .map_err(|d| problems.push(d))
            .ok(),
        Err(d) => {
            problems.push(d);
            None
        }
    };

    let mut shared = Vec::new();
    let mut readings = Vec::new();
    let mut references = Vec::new();
    let content = Path::new("content");
    match files.kind(content) {
        Ok(Kind::Folder) => {
            let names = files.list(content).unwrap_or_else(|d| {
                problems.push(d);
                Vec::new()
            });
            let mut loaded = preload(&files, content, &names, earlier);
            for (name, loaded) in names.into_iter().zip(&mut loaded) {
                if is_editor_litter(&name) {
                    continue;
                }
                let path = content.join(&name);
                if let Some(Loaded::Kept(_)) = loaded
                    && let Some(Loaded::Kept(kept)) = loaded.take()
                {
                    let (reading, mut found) = *kept;
                    readings.push(reading);
                    problems.append(&mut found);
                    continue;
                }
                match files.kind(&path) {
                    Ok(Kind::File) if SHARED.iter().any(|s| name == *s) => {
                        let parsed = match loaded.take() {
                            Some(Loaded::Shared(parsed)) => *parsed,
                            _ => files.read_text(&path).and_then(|f| parse_annotations(&f)),
                        };
                        match parsed {
                            Ok((annotations, mut found)) => {
                                shared.push(annotations);
                                problems.append(&mut found);
                            }
                            Err(d) => problems.push(d),
                        }
                    }
                    Ok(Kind::File) if REFERENCES.iter().any(|s| name == *s) => {
                        match files.read_text(&path) {
                            Ok(file) => references.push(file),
                            Err(d) => problems.push(d),
                        }
                    }
                    // A folder by a shared file's name is read, and refused as one.
                    Ok(Kind::Folder) if SHARED.iter().any(|s| name == *s) => {
                        problems.extend(files.read_text(&path).err());
                    }
                    Ok(Kind::Folder) => match files.kind(&path.join("index.md")) {
                        Ok(Kind::File) => match match loaded.take() {
                            Some(Loaded::Reading(reading)) => *reading,
                            _ => load_reading(&files, &path, &name, earlier),
                        } {
                            Ok((reading, mut found)) => {
                                readings.push(reading);
                                problems.append(&mut found);
                            }
                            Err(mut ds) => problems.append(&mut ds),
                        },
                        Ok(Kind::Folder | Kind::Other) => {
                            problems.extend(files.read_text(&path.join("index.md")).err());
                        }
                        Ok(Kind::Missing) => problems.push(not_a_reading(&files, &path)),
                        Err(d) => problems.push(d),
                    },
                    Ok(Kind::Missing) => {}
                    Ok(Kind::File | Kind::Other) => problems.push(unused_in_content(&path, &name)),
                    Err(d) => problems.push(d),
                }
            }
        }
        Ok(kind) if config.is_some() => problems.push(
            Diagnostic::error(
                "E0002",
                if kind == Kind::Missing {
                    format!("no content folder at {}", root.join(content).display())
                } else {
                    format!("{} is not a folder", root.join(content).display())
                },
            )
            .help("put each reading in content/<slug>/index.md"),
        ),
        Ok(_) => {}
        Err(d) => problems.push(d),
    }
    if config.is_some() && readings.is_empty() && !problems.iter().any(Diagnostic::is_error) {
        problems.push(
            Diagnostic::error("E0002", "the site has no readings")
                .help("put each reading in content/<slug>/index.md"),
        );
    }

    let templates = load_templates(&files, &mut problems);
    if let Some(config) = &config
        && !problems.iter().any(Diagnostic::is_error)
    {
        cite(
            &files,
            config,
            &references,
            &mut shared,
            &mut readings,
            &mut problems,
        );
    }

    match config {
        Some(config) if !problems.iter().any(Diagnostic::is_error) => Ok(Site {
            root: root.to_path_buf(),
            config,
            shared,
            readings,
            templates,
            warnings: problems,
        }),
        _ => Err(problems),
    }
}

/// A shared file or a reading, read and parsed ahead of [`load`]'s walk of `content/`.
/// Both are boxed: they are large, and most of the names are readings.
/// A shared file parsed, with its warnings, or its error.
type ParsedShared = Result<(Annotations, Vec<Diagnostic>), Diagnostic>;

enum Loaded {
    Shared(Box<ParsedShared>),
    Reading(Box<LoadedReading>),
    /// A reading of the earlier load whose files are unchanged, with its warnings: a
    /// plain folder holding a plain `index.md`, so nothing more need be asked of it.
    Kept(Box<(Reading, Vec<Diagnostic>)>),
}

/// What [`load_reading`] gives: the reading and its warnings, or its errors.
type LoadedReading = Result<(Reading, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Reads and parses the shared files and readings among `names`, in parallel: each
/// needs nothing of the others, and on a large site reading them one by one is most of
/// the time to load. [`load`] then takes them in the folder's order, deciding as before
/// what each name is, so the problems come in the same order; a name whose kind is not
/// what it was here is read there.
fn preload(
    files: &SiteFiles,
    content: &Path,
    names: &[std::ffi::OsString],
    earlier: &Earlier,
) -> Vec<Option<Loaded>> {
    use rayon::prelude::*;
    names
        .par_iter()
        .map(|name| {
            if is_editor_litter(name) {
                return None;
            }
            let path = content.join(name);
            let shared = SHARED.iter().any(|s| name == *s);
            if !shared && let Some(kept) = earlier.unchanged(name, &files.full(&path)) {
                return Some(Loaded::Kept(Box::new(kept)));
            }
            match files.kind(&path) {
                Ok(Kind::File) if shared => Some(Loaded::Shared(Box::new(
                    files.read_text(&path).and_then(|f| earlier.shared(name, f)),
                ))),
                Ok(Kind::Folder) if !shared => match files.kind(&path.join("index.md")) {
                    Ok(Kind::File) => Some(Loaded::Reading(Box::new(load_reading(
                        files, &path, name, earlier,
                    )))),
                    _ => None,
                },
                _ => None,
            }
        })
        .collect()
}

/// Reads one reading's folder: its text, its annotations and the files beside them.
/// Returns the reading and the warnings its folder raised, or its errors.
fn load_reading(files: &SiteFiles, dir: &Path, name: &OsStr, earlier: &Earlier) -> LoadedReading {
    // Taken before anything is read: a change while it is read makes the next stamp differ.
    let stamps = Stamps::of(&files.full(dir));
    let index = dir.join("index.md");
    let source = files.read_text(&index).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let annotations_path = dir.join("annotations.yaml");
    let annotations_file = match files.kind(&annotations_path) {
        Ok(Kind::Missing) => Ok(None),
        Ok(_) => files.read_text(&annotations_path).map(Some),
        Err(d) => Err(d),
    };
    // Files of the same text parse the same: only the files beside may have changed.
    if let Ok(file) = &annotations_file
        && let Some(old) = earlier.take(name, &source, file.as_deref())
    {
        let beside = beside_of(files, dir, &mut problems);
        return if problems.iter().any(Diagnostic::is_error) {
            Err(problems)
        } else {
            earlier.stamped(name, stamps, &beside, &problems);
            Ok((Reading { beside, ..old }, problems))
        };
    }
    let slug = match Slug::parse(name) {
        Ok(slug) => Some(slug),
        Err(why) => {
            problems.push(not_a_slug(name, &source, why));
            None
        }
    };
    let (meta, body) = match parse_front_matter(&source) {
        Ok((meta, body, locator)) => (Some((meta, locator)), body),
        Err(d) => {
            problems.push(d);
            (None, 0..0)
        }
    };
    let annotations =
        match annotations_file.and_then(|f| f.map(|f| parse_annotations(&f)).transpose()) {
            Ok(Some((a, mut found))) => {
                problems.append(&mut found);
                Some(a)
            }
            Ok(None) => None,
            Err(d) => {
                problems.push(d);
                None
            }
        };
    let beside = beside_of(files, dir, &mut problems);
    match (meta, slug) {
        (Some((meta, meta_locator)), Some(slug)) if !problems.iter().any(Diagnostic::is_error) => {
            earlier.stamped(name, stamps, &beside, &problems);
            Ok((
                Reading {
                    slug,
                    meta,
                    meta_locator,
                    source,
                    body,
                    annotations,
                    beside,
                },
                problems,
            ))
        }
        _ => Err(problems),
    }
}

/// The files in a reading's folder other than its text and annotations.
fn beside_of(files: &SiteFiles, dir: &Path, problems: &mut Vec<Diagnostic>) -> Vec<BesideFile> {
    let mut beside = Vec::new();
    let mut walked: HashSet<PathBuf> = files.real_path(dir).into_iter().collect();
    collect_beside(files, dir, "", &mut walked, &mut beside, problems);
    beside
}

fn not_a_slug(name: &OsStr, source: &Arc<SourceFile>, why: String) -> Diagnostic {
    let slug = name.to_string_lossy();
    Diagnostic::error("E0003", format!("`{slug}` cannot be a reading's address"))
        .at(Location::start_of(source), "this reading's folder")
        .help(why)
        .help(format!(
            "name the folder with lowercase letters a-z, digits and `-`, starting with a letter or digit, at most {MAX_SLUG} characters: it becomes the page's address, <slug>/index.html"
        ))
}

/// Gathers the files in a reading's folder (and its subfolders) other than its text and
/// annotations. `within` is the path inside the reading's folder, `""` at its top.
fn collect_beside(
    files: &SiteFiles,
    folder: &Path,
    within: &str,
    walked: &mut HashSet<PathBuf>,
    beside: &mut Vec<BesideFile>,
    problems: &mut Vec<Diagnostic>,
) {
    let names = match files.list(folder) {
        Ok(names) => names,
        Err(d) => return problems.push(d),
    };
    let top = within.is_empty();
    for name in names {
        if is_editor_litter(&name) || (top && (name == "index.md" || name == "annotations.yaml")) {
            continue;
        }
        let path = folder.join(&name);
        let Some(name) = name.to_str() else {
            problems.push(
                Diagnostic::error(
                    "E0506",
                    format!("the name of {} is not valid Unicode", path.display()),
                )
                .at(nameless(&path), "this name cannot be part of an address")
                .help("rename it using letters, digits, `-`, `_` and `.`"),
            );
            continue;
        };
        let inner = if top {
            name.to_owned()
        } else {
            format!("{within}/{name}")
        };
        match files.kind(&path) {
            Ok(Kind::File) if top && looks_like_a_source(name) => {
                problems.push(not_read_beside(&path, name));
            }
            Ok(Kind::File) => beside.push(BesideFile {
                path: inner,
                source: path,
            }),
            Ok(Kind::Folder) => {
                // A link back to a folder already walked would be walked forever.
                let first_visit = files.real_path(&path).is_some_and(|r| walked.insert(r));
                let nested = matches!(files.kind(&path.join("index.md")), Ok(Kind::File));
                match first_visit {
                    true if nested => problems.push(nested_reading(folder, &path)),
                    true => collect_beside(files, &path, &inner, walked, beside, problems),
                    false => problems.push(
                        Diagnostic::error(
                            "E0503",
                            format!("{} leads back to a folder already read", path.display()),
                        )
                        .at(nameless(&path), "this link leads in a circle")
                        .help("point the link at a folder that does not hold it, or delete it"),
                    ),
                }
            }
            Ok(Kind::Missing | Kind::Other) => {}
            Err(d) => problems.push(d),
        }
    }
}

/// The files beside each reading, as files of the built site next to its page. One
/// whose name is taken by a file scholia writes (`text.txt`, say) is an error.
pub fn copy_beside(site: &Site, built: &[String]) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let taken: HashSet<&str> = built.iter().map(String::as_str).collect();
    // Read through the symlink rule again: the file is read now, not when it was listed.
    let files = SiteFiles::open(&site.root).map_err(|e| {
        vec![Diagnostic::error(
            "E0002",
            format!("cannot open the site's folder {}: {e}", site.root.display()),
        )]
    })?;
    let mut copies = Vec::new();
    let mut problems = Vec::new();
    for reading in &site.readings {
        for file in &reading.beside {
            let path = format!("{}/{}", reading.slug, file.path);
            if taken.contains(path.as_str()) {
                problems.push(
                    Diagnostic::error(
                        "E0505",
                        format!(
                            "{} has the name of a file scholia writes: {path}",
                            file.source.display()
                        ),
                    )
                    .at(nameless(&file.source), "this file would be overwritten")
                    .help(format!(
                        "rename it; beside a reading, scholia writes {}",
                        built
                            .iter()
                            .filter_map(|p| p.strip_prefix(&format!("{}/", reading.slug)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            } else {
                match files.read_bytes(&file.source) {
                    Ok(contents) => copies.push(OutputFile { path, contents }),
                    Err(d) => problems.push(d),
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(copies)
    } else {
        Err(problems)
    }
}

/// Files an editor leaves beside the ones it saves: hidden files, backups, autosaves.
/// Never published, never warned about: they come and go as the author types.
fn is_editor_litter(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.ends_with('~') || (name.starts_with('#') && name.ends_with('#'))
}

/// A file named like one scholia reads (`index.markdown`, `annotations.yml`), which it
/// does not read under that name.
fn looks_like_a_source(name: &str) -> bool {
    let lower = name.to_lowercase();
    let (stem, extension) = lower.split_once('.').unwrap_or((&lower, ""));
    let textual = [
        "", "md", "markdown", "mdown", "mkd", "mkdn", "txt", "yaml", "yml", "json", "jsonld",
        "html", "htm",
    ];
    ["index", "annotations", "glossary", "sources"].contains(&stem) && textual.contains(&extension)
}

/// What a file named like `name` was probably meant to be.
fn meant(name: &str) -> &'static str {
    let lower = name.to_lowercase();
    if lower.starts_with("index") {
        "index.md"
    } else if lower.starts_with("annotations") {
        "annotations.yaml"
    } else if lower.starts_with("glossary") {
        "content/glossary.yaml"
    } else {
        "content/sources.yaml"
    }
}

fn not_read_beside(path: &Path, name: &str) -> Diagnostic {
    let meant = meant(name);
    let help = match meant {
        "index.md" if name.to_lowercase().ends_with(".html") => {
            "scholia writes the page index.html from index.md; rename or delete this file".into()
        }
        "index.md" | "annotations.yaml" => format!(
            "scholia reads a reading's {meant} under this exact name only; rename the file, or delete it"
        ),
        _ => format!("shared glosses and sources are read from {meant} only, for every reading"),
    };
    Diagnostic::warning(
        "W0503",
        format!("{} is neither read nor published", path.display()),
    )
    .at(nameless(path), format!("expected {meant}"))
    .help(help)
}

fn nested_reading(parent: &Path, path: &Path) -> Diagnostic {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    Diagnostic::warning(
        "W0502",
        format!(
            "{} is a reading inside the reading {}: it is not built",
            path.display(),
            parent.display()
        ),
    )
    .at(nameless(&path.join("index.md")), "a reading inside another")
    .help(format!(
        "readings sit directly under content/: move it to content/{name}/"
    ))
}

/// A folder in `content/` without an `index.md`: say what it lacks.
fn not_a_reading(files: &SiteFiles, dir: &Path) -> Diagnostic {
    let names: Vec<String> = files
        .list(dir)
        .unwrap_or_default()
        .iter()
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    let mut d = Diagnostic::warning(
        "W0500",
        format!("{}/ is not a reading: it has no index.md", dir.display()),
    );
    let misnamed = names
        .iter()
        .find(|n| n.to_lowercase().starts_with("index") && looks_like_a_source(n));
    if let Some(misnamed) = misnamed {
        d = d
            .at(nameless(&dir.join(misnamed)), "expected index.md")
            .help(format!(
                "rename {misnamed} to index.md: scholia reads a reading's text under that name only"
            ));
    }
    let orphan = misnamed.is_none() && names.iter().any(|n| n == "annotations.yaml");
    if orphan {
        d = d
            .at(
                nameless(&dir.join("annotations.yaml")),
                "annotations without a text",
            )
            .help(format!(
                "add the text they annotate as {}",
                dir.join("index.md").display()
            ));
    }
    let nested: Vec<&String> = names
        .iter()
        .filter(|n| matches!(files.kind(&dir.join(n).join("index.md")), Ok(Kind::File)))
        .collect();
    for n in &nested {
        d = d.help(format!(
            "readings sit directly under content/: move {} to content/{n}/",
            dir.join(n).display()
        ));
    }
    if misnamed.is_none() && !orphan && nested.is_empty() {
        d = d.help("a reading is a folder content/<slug>/ with an index.md; files a reading links to go in its folder, beside its index.md");
    }
    d
}

/// A file directly in `content/` that is not a shared file.
fn unused_in_content(path: &Path, name: &OsStr) -> Diagnostic {
    let name = name.to_string_lossy();
    let (label, help) = if name == "index.md" {
        (
            "expected in a reading's folder",
            "each reading has its own folder: move it to content/<slug>/index.md".to_owned(),
        )
    } else if name == "annotations.yaml" {
        (
            "expected in a reading's folder",
            "a reading's annotations sit beside its text: content/<slug>/annotations.yaml".into(),
        )
    } else if looks_like_a_source(&name) {
        (
            "not a name scholia reads",
            format!("scholia reads {} under this exact name only", meant(&name)),
        )
    } else {
        (
            "not used",
            "content/ holds the readings' folders and the shared glossary.yaml and sources.yaml; to publish a file, put it in the folder of the reading that links to it".into(),
        )
    };
    Diagnostic::warning("W0501", format!("{} is not used", path.display()))
        .at(nameless(path), label)
        .help(help)
}

/// Splits `---`-fenced YAML front matter from the Markdown and parses it: the front
/// matter, the Markdown's range, and what places the front matter's values.
fn parse_front_matter(
    source: &Arc<SourceFile>,
) -> Result<(FrontMatter, std::ops::Range<usize>, Locator), Diagnostic> {
    let text = &source.text;
    let missing = || {
        Diagnostic::error("E0004", "this reading has no front matter")
            .at(
                Location::start_of(source),
                "expected `---` on the first line",
            )
            .help("start index.md with `---`, a line `title: …`, and `---` again")
    };
    let start = text::bom_len(text);
    let first_line_end = text.find('\n').ok_or_else(missing)?;
    if text[start..first_line_end].trim_end() != "---" {
        return Err(missing());
    }
    let yaml_start = first_line_end + 1;
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            let front = yaml::parse::<FrontMatter>(source, yaml_start..offset)?;
            let locator = front.locator();
            if let Some(language) = &front.value.language {
                crate::i18n::check_tag(&language.value).map_err(|reason| {
                    crate::i18n::bad_tag(&language.value, &reason, locator.locate(language))
                })?;
            }
            return Ok((front.value, offset + line.len()..text.len(), locator));
        }
        offset += line.len();
    }
    Err(Diagnostic::error("E0004", "the front matter is not closed")
        .at(Location::new(source, start..start + 3), "opened here")
        .help("end the front matter with a line `---` before the text"))
}

/// Sources from the reference files, and citations in the site's style ([`crate::bib`]).
fn cite(
    files: &SiteFiles,
    config: &SiteConfig,
    references: &[Arc<SourceFile>],
    shared: &mut [Annotations],
    readings: &mut [Reading],
    problems: &mut Vec<Diagnostic>,
) {
    let references = match crate::bib::parse(references) {
        Ok(r) => r,
        Err(mut found) => {
            problems.append(&mut found);
            return;
        }
    };
    let style = match &config.citation_style {
        None => None,
        Some(name) => {
            let place = || {
                files.read_text(Path::new("site.yaml")).ok().map(|file| {
                    let at = file.text.find("citation_style").unwrap_or(0);
                    let at = file.text[at..]
                        .find(name.value.as_str())
                        .map_or(at, |i| at + i);
                    Location::new(&file, at..at + name.value.len().min(file.text.len() - at))
                })
            };
            let styled = if name.value.ends_with(".csl") {
                files
                    .read_text(Path::new(&name.value))
                    .map_err(|d| d.message)
                    .and_then(|file| crate::bib::Style::from_csl(&file.text))
                    .map_err(|why| {
                        Diagnostic::error("E0824", format!("the citation style `{}` cannot be used: {why}", name.value))
                            .help("give the path, from the site's folder, of an independent CSL style (a .csl file)")
                    })
            } else {
                crate::bib::Style::by_name(&name.value).ok_or_else(|| {
                    Diagnostic::error("E0823", format!("`{}` is not a citation style scholia knows", name.value))
                        .help("name one hayagriva bundles, such as chicago-author-date, apa or mla, or give a .csl file of the site")
                })
            };
            match styled {
                Ok(style) => Some(style),
                Err(d) => {
                    problems.push(match place() {
                        Some(at) => d.at(at, "this style"),
                        None => d,
                    });
                    return;
                }
            }
        }
    };
    let files_of = shared
        .iter_mut()
        .chain(readings.iter_mut().filter_map(|r| r.annotations.as_mut()));
    for annotations in files_of {
        for (id, source) in annotations.file.sources.0.iter_mut() {
            let key = id.written.value.as_str();
            let reference = references.entries.get(key);
            if let Some((reference, fields)) = reference {
                crate::bib::fill(source, &id.written, fields);
                // A reference says what it is: `kind:` need not say it again.
                source.kind = source.kind.or(Some(crate::bib::kind_of(reference)));
            } else if source.kind.is_none() {
                problems.push(
                    Diagnostic::error("E0001", "missing field `kind`: this entry needs it")
                        .at(annotations.locator.locate(&id.written), "in this entry")
                        .help("add the field (docs/annotations.md lists the kinds), or make the source's id the citation key of a reference in content/sources.bib or content/sources.json, whose type gives it"),
                );
            }
            if let Some(style) = &style {
                let formatted = crate::bib::format(style, reference.map(|r| &r.0), source, key);
                source.formatted = Some(formatted).filter(|f| !f.is_empty());
            }
        }
    }
}

/// Parses an annotation file, with the errors of its values that YAML's types cannot
/// see (a gloss's original in a language tag that is not one).
fn parse_annotations(file: &Arc<SourceFile>) -> Result<(Annotations, Vec<Diagnostic>), Diagnostic> {
    let parsed = yaml::parse::<AnnotationFile>(file, text::bom_len(&file.text)..file.text.len())?;
    let locator = parsed.locator();
    let problems = parsed
        .value
        .glosses
        .iter()
        .filter_map(|(_, gloss)| gloss.original.as_ref())
        .filter_map(|original| {
            let lang = &original.lang;
            crate::i18n::check_tag(&lang.value)
                .err()
                .map(|reason| crate::i18n::bad_tag(&lang.value, &reason, locator.locate(lang)))
        })
        .collect();
    Ok((
        Annotations {
            locator,
            file: parsed.value,
        },
        problems,
    ))
}

/// The site's `templates/`: each file overrides the theme's file of the same name.
fn load_templates(
    files: &SiteFiles,
    problems: &mut Vec<Diagnostic>,
) -> Vec<(String, Arc<SourceFile>)> {
    let dir = Path::new("templates");
    let mut templates = Vec::new();
    match files.kind(dir) {
        Ok(Kind::Folder) => {}
        Ok(_) => return templates,
        Err(d) => {
            problems.push(d);
            return templates;
        }
    }
    let names = files.list(dir).unwrap_or_else(|d| {
        problems.push(d);
        Vec::new()
    });
    for name in names {
        if is_editor_litter(&name) {
            continue;
        }
        let path = dir.join(&name);
        match files.kind(&path) {
            Ok(Kind::File) => match files.read_text(&path) {
                // Templates are never written back, so the byte-order mark can go: Tera
                // would copy it into the middle of a page.
                Ok(file) => templates.push((
                    name.to_string_lossy().into_owned(),
                    match text::bom_len(&file.text) {
                        0 => file,
                        n => SourceFile::new(&path, &file.text[n..]),
                    },
                )),
                Err(d) => problems.push(d),
            },
            Ok(Kind::Folder) => problems.push(
                Diagnostic::warning("W0504", format!("{} is not used", path.display()))
                    .at(nameless(&path), "a folder in templates/")
                    .help("the theme's files sit directly in templates/: move the files you override there"),
            ),
            Ok(Kind::Missing | Kind::Other) => {}
            Err(d) => problems.push(d),
        }
    }
    templates
}

pub fn is_valid_slug(s: &str) -> bool {
    Slug::parse(OsStr::new(s)).is_ok()
}
