//! Writing the site: all or nothing, and only over what scholia itself wrote.
//!
//! 1. [`Target::resolve`]: resolve the output path (symlinks, `..`) and refuse one that is
//!    `/` or the home folder, is or holds the site or lies in its `content/` or
//!    `templates/`, or is a file.
//! 2. Take the output's lock, `.<name>.scholia-lock` beside it, waiting a bounded time;
//!    a lock whose build is gone, or older than [`LOCK_STALE_AFTER`], is broken.
//! 3. Recover what a killed build left: a retired output with no output is put back;
//!    leftover staging or retired folders are deleted if they are scholia's.
//! 4. Check that the existing output is scholia's: its `.scholia-manifest` lists every
//!    file in it, and nothing else is there (an empty folder will do too).
//! 5. Write every file into `.<name>.scholia-new` as it is made ([`Staging`], a render
//!    sink), each listed in its manifest before it is made; the manifest is sorted last.
//! 6. Swap: output → `.<name>.scholia-old`, new → output; then delete the old, file by
//!    file, and release the lock.
//!
//! A build that fails before step 6 leaves the output as it was. Entry point: [`write`].

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use crate::diagnostics::Diagnostic;
use crate::render::{Order, OutputFile, Sink};

/// The name of the list of files scholia wrote, at the top of every output.
pub const MANIFEST: &str = ".scholia-manifest";
/// The manifest's first line; a later format gets a new number.
const MANIFEST_FORMAT: &str = "scholia-manifest 1";
/// A lock older than this is taken to be left by a build that died (its process id may
/// since have been given to another program). Writing a site takes seconds.
pub const LOCK_STALE_AFTER: Duration = Duration::from_secs(10 * 60);
/// How long a build waits for another build into the same output to finish.
const LOCK_WAIT: Duration = Duration::from_secs(30);
/// How many unknown files an error names before it only counts them.
const NAMED: usize = 5;

/// Why the site could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The output holds files scholia did not write; it is left alone.
    NotOurs { output: PathBuf, problem: Unowned },
    /// The output is, holds, or lies inside the site's own files.
    InSources { output: PathBuf, what: String },
    /// The output, or a folder above it, is a file (or a link to nothing).
    NotAFolder { output: PathBuf, file: PathBuf },
    /// The output is `/` or the home folder, or holds the home folder.
    Forbidden { output: PathBuf, what: &'static str },
    /// Another build holds the output's lock.
    Locked {
        lock: PathBuf,
        holder: Option<u32>,
        waited: Duration,
    },
    /// A folder with scholia's staging name beside the output holds someone else's files.
    Leftover { folder: PathBuf, problem: Unowned },
    /// The system failed (a full disk, no permission).
    Io(PathBuf, io::Error),
}

/// Why a folder is not scholia's to replace.
#[derive(Debug)]
pub enum Unowned {
    /// Files the manifest does not list (or there is no manifest): the first few, and how
    /// many in all.
    Unknown {
        has_manifest: bool,
        first: Vec<String>,
        total: usize,
    },
    /// The folder cannot be checked: a manifest scholia cannot read, or a folder it
    /// cannot list.
    Unreadable(String),
}

impl Unowned {
    fn describe(&self) -> String {
        match self {
            Unowned::Unknown {
                has_manifest,
                first,
                total,
            } => {
                let mut list = first.join(", ");
                if *total > first.len() {
                    list.push_str(&format!(" and {} more", total - first.len()));
                }
                if *has_manifest {
                    format!("holds files its {MANIFEST} does not list: {list}")
                } else {
                    format!("holds files scholia did not write: {list}")
                }
            }
            Unowned::Unreadable(why) => format!("cannot be checked: {why}"),
        }
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::NotOurs { output, problem } => {
                write!(f, "the output {} {}", output.display(), problem.describe())
            }
            WriteError::InSources { output, what } => {
                write!(f, "the output {} {what}", output.display())
            }
            WriteError::NotAFolder { output, file } if output == file => {
                write!(f, "the output {} is a file, not a folder", output.display())
            }
            WriteError::NotAFolder { output, file } => write!(
                f,
                "the output {} cannot be a folder: {} is a file",
                output.display(),
                file.display()
            ),
            WriteError::Forbidden { output, what } => {
                write!(f, "the output {} {what}", output.display())
            }
            WriteError::Locked {
                lock,
                holder,
                waited,
            } => {
                let by = holder.map_or_else(
                    || "another build".to_owned(),
                    |pid| format!("the build with process id {pid}"),
                );
                write!(
                    f,
                    "another build is writing this output: {} is held by {by} (waited {} s)",
                    lock.display(),
                    waited.as_secs()
                )
            }
            WriteError::Leftover { folder, problem } => write!(
                f,
                "{} has the name of scholia's unfinished builds but {}",
                folder.display(),
                problem.describe()
            ),
            WriteError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
        }
    }
}

impl WriteError {
    /// The error as the user's to mend, with what to do; `None` for a failure of the
    /// system, which is not.
    pub fn diagnostic(&self) -> Option<Diagnostic> {
        let message = self.to_string();
        let d = match self {
            WriteError::NotOurs { problem, .. } => {
                let d = Diagnostic::error("E0401", message)
                    .help("scholia replaces only a folder it built: one holding its .scholia-manifest and the files listed there");
                match problem {
                    Unowned::Unknown {
                        has_manifest: true, ..
                    } => d.help("move those files out of the folder (a rebuild would delete them), or choose another --output"),
                    Unowned::Unknown { .. } => d
                        .help("choose another --output, or an empty folder")
                        .help("a folder built by an older scholia has no manifest: check that it holds nothing of yours, delete it once, and build again"),
                    Unowned::Unreadable(_) => d.help("move what you need out of the folder and delete it, or choose another --output"),
                }
            }
            WriteError::InSources { .. } => Diagnostic::error("E0402", message)
                .help("build into a folder of its own, such as public/ beside site.yaml (the default)"),
            WriteError::NotAFolder { .. } => Diagnostic::error("E0403", message)
                .help("name a folder (new or empty, or one scholia built) with --output; scholia never replaces a file"),
            WriteError::Forbidden { .. } => Diagnostic::error("E0404", message)
                .help("build into a folder of its own, such as public/ beside site.yaml (the default)"),
            WriteError::Locked { lock, .. } => Diagnostic::error("E0405", message)
                .help("let the other build finish, then build again")
                .help(format!(
                    "if no build is running, delete {} (a lock is also given up by itself once its build has ended or after {} minutes)",
                    lock.display(),
                    LOCK_STALE_AFTER.as_secs() / 60
                )),
            WriteError::Leftover { .. } => Diagnostic::error("E0406", message)
                .help("move or rename that folder (scholia will not delete it), then build again"),
            WriteError::Io(..) => return None,
        };
        Some(d)
    }
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(path.to_path_buf(), e)
}

/// An output folder that may be built into: resolved and checked against the site.
#[derive(Debug, Clone)]
pub struct Target {
    /// The output, absolute, with symlinks and `..` resolved.
    pub path: PathBuf,
    parent: PathBuf,
    name: String,
}

impl Target {
    /// Resolves `output` and refuses it if it is `/`, the home folder, the site's own
    /// files, or a file.
    pub fn resolve(output: &Path, site_root: &Path) -> Result<Target, WriteError> {
        let path = resolve(output)?;
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(WriteError::Forbidden {
                output: path,
                what: "is the file system's root folder",
            });
        };
        if let Some(home) = home() {
            if path == home {
                return Err(WriteError::Forbidden {
                    output: path,
                    what: "is your home folder",
                });
            }
            if home.starts_with(&path) {
                return Err(WriteError::Forbidden {
                    output: path,
                    what: "holds your home folder",
                });
            }
        }
        // A root that cannot be resolved holds no site: loading it says so, better.
        let root = resolve(site_root).unwrap_or_else(|_| site_root.to_path_buf());
        let sources = [
            (root.join("content"), "content/"),
            (root.join("templates"), "templates/"),
        ];
        if root.starts_with(&path) {
            let what = if root == path {
                "is the site's own folder (the one holding site.yaml)"
            } else {
                "holds the site's own folder (the one holding site.yaml)"
            };
            return Err(WriteError::InSources {
                output: path,
                what: what.into(),
            });
        }
        for (source, label) in sources {
            let source = resolve(&source).unwrap_or(source);
            let what = if path == source {
                format!("is the site's {label} folder")
            } else if path.starts_with(&source) {
                format!("lies inside the site's {label} folder")
            } else if source.starts_with(&path) {
                format!("holds the site's {label} folder")
            } else {
                continue;
            };
            return Err(WriteError::InSources { output: path, what });
        }
        match fs::symlink_metadata(&path) {
            Ok(meta) if !meta.is_dir() => {
                return Err(WriteError::NotAFolder {
                    output: path.clone(),
                    file: path,
                });
            }
            _ => {}
        }
        Ok(Target {
            parent: parent.to_path_buf(),
            name: name.to_string_lossy().into_owned(),
            path,
        })
    }

    fn beside(&self, suffix: &str) -> PathBuf {
        self.parent.join(format!(".{}.scholia-{suffix}", self.name))
    }

    /// The lock file a build holds while it writes this output.
    pub fn lock_path(&self) -> PathBuf {
        self.beside("lock")
    }

    /// Writes `files` here, replacing the output only once all are written.
    pub fn write(&self, files: &[OutputFile]) -> Result<(), WriteError> {
        let staging = self.stage()?;
        for (i, file) in files.iter().enumerate() {
            staging.write_file((u32::MAX, i as u32), &file.path, &file.contents);
        }
        staging.commit()
    }

    /// Takes the lock, checks that the output is scholia's to replace, and opens the
    /// staging folder that files are then written into as they are made (from any
    /// thread). Nothing is replaced until [`Staging::commit`]; a staging dropped without
    /// it is deleted, and the output is left as it was.
    pub fn stage(&self) -> Result<Staging, WriteError> {
        fs::create_dir_all(&self.parent).map_err(io_at(&self.parent))?;
        let lock = Lock::acquire(self.lock_path(), lock_wait())?;
        let staging = self.beside("new");
        let retired = self.beside("old");
        self.recover(&staging, &retired)?;

        let old = match fs::symlink_metadata(&self.path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(WriteError::Io(self.path.clone(), e)),
            Ok(meta) if !meta.is_dir() => {
                return Err(WriteError::NotAFolder {
                    output: self.path.clone(),
                    file: self.path.clone(),
                });
            }
            Ok(_) => Some(owned(&self.path).map_err(|problem| WriteError::NotOurs {
                output: self.path.clone(),
                problem,
            })?),
        };

        fs::create_dir(&staging).map_err(io_at(&staging))?;
        let manifest_path = staging.join(MANIFEST);
        let manifest = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&manifest_path)
            .and_then(|mut f| {
                writeln!(f, "{MANIFEST_FORMAT}")?;
                Ok(f)
            });
        let manifest = match manifest {
            Ok(f) => f,
            Err(e) => {
                let _ = fs::remove_file(&manifest_path);
                let _ = fs::remove_dir(&staging);
                return Err(WriteError::Io(manifest_path, e));
            }
        };
        Ok(Staging {
            target: self.clone(),
            lock: Some(lock),
            dir: staging,
            retired,
            old,
            manifest: Mutex::new(manifest),
            paths: Mutex::new(Vec::new()),
            error: Mutex::new(None),
            folders: Mutex::new(HashSet::new()),
            committed: false,
        })
    }

    /// Mends what a killed build left behind, deleting only what scholia wrote.
    fn recover(&self, staging: &Path, retired: &Path) -> Result<(), WriteError> {
        if retired.exists() {
            if fs::symlink_metadata(&self.path).is_err() {
                // Killed between the two renames: the old site is whole; put it back.
                fs::rename(retired, &self.path).map_err(io_at(retired))?;
            } else {
                remove_leftover(retired)?;
            }
        }
        if staging.exists() {
            remove_leftover(staging)?;
        }
        Ok(())
    }
}

/// Writes `files` into `output` for the site at `site_root`; see [`Target`].
pub fn write(files: &[OutputFile], output: &Path, site_root: &Path) -> Result<(), WriteError> {
    Target::resolve(output, site_root)?.write(files)
}

fn remove_leftover(folder: &Path) -> Result<(), WriteError> {
    let ours = owned(folder).map_err(|problem| WriteError::Leftover {
        folder: folder.to_path_buf(),
        problem,
    })?;
    remove_owned(folder, &ours)
}

/// How long to wait for another build's lock: `SCHOLIA_LOCK_WAIT` seconds if set (CI
/// that would rather fail at once, and the tests), else [`LOCK_WAIT`].
fn lock_wait() -> Duration {
    std::env::var("SCHOLIA_LOCK_WAIT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .unwrap_or(LOCK_WAIT)
}

/// The folder a build is written into beside the output, before the swap.
///
/// Each file's path is added to the manifest before the file is made, so that a build
/// killed half-way leaves a folder whose every file is listed, and so recognisably
/// scholia's; [`Staging::commit`] then writes the manifest again, sorted.
pub struct Staging {
    target: Target,
    lock: Option<Lock>,
    dir: PathBuf,
    retired: PathBuf,
    /// What the output held before, when there was one.
    old: Option<Owned>,
    manifest: Mutex<fs::File>,
    /// The paths written, with their place in the site's order.
    paths: Mutex<Vec<(Order, String)>>,
    /// The first failure to write, reported by `commit`.
    error: Mutex<Option<WriteError>>,
    /// The folders made so far: each is made once, not once for each file in it.
    folders: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

/// A poisoned lock only means another thread panicked; the data is still whole.
fn guard<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Sink for Staging {
    fn put(&self, order: Order, file: OutputFile) {
        self.write_file(order, &file.path, &file.contents);
    }

    fn paths(&self) -> Vec<String> {
        Staging::paths(self)
    }
}

impl Staging {
    /// Writes one file; a failure is kept for [`Staging::commit`] to report.
    fn write_file(&self, order: Order, name: &str, contents: &[u8]) {
        if guard(&self.error).is_some() {
            return;
        }
        if let Err(e) = self.try_write(order, name, contents) {
            guard(&self.error).get_or_insert(e);
        }
    }

    fn try_write(&self, order: Order, name: &str, contents: &[u8]) -> Result<(), WriteError> {
        let dir = &self.dir;
        let path = Path::new(name);
        let inside = path.components().all(|c| matches!(c, Component::Normal(_)));
        let first = path.components().next();
        if !inside
            || first.is_none()
            || first == Some(Component::Normal(MANIFEST.as_ref()))
            || name.contains('\\')
        {
            return Err(WriteError::Io(
                dir.join(path),
                io::Error::other("scholia cannot write a file of this name into its output"),
            ));
        }
        {
            let mut manifest = guard(&self.manifest);
            let line = manifest_text(&[name]);
            let line = &line[MANIFEST_FORMAT.len() + 1..];
            manifest
                .write_all(line.as_bytes())
                .map_err(io_at(&dir.join(MANIFEST)))?;
            guard(&self.paths).push((order, name.to_owned()));
        }
        let path = dir.join(path);
        if let Some(parent) = path.parent()
            && !guard(&self.folders).contains(parent)
        {
            fs::create_dir_all(parent).map_err(io_at(parent))?;
            guard(&self.folders).insert(parent.to_path_buf());
        }
        fs::write(&path, contents).map_err(io_at(&path))
    }

    /// The paths written so far, in the site's order.
    pub fn paths(&self) -> Vec<String> {
        let mut paths = guard(&self.paths).clone();
        paths.sort();
        paths.into_iter().map(|(_, p)| p).collect()
    }

    /// Replaces the output with what was written, if every file was: the sorted manifest,
    /// then the swap, then the old output deleted file by file.
    pub fn commit(mut self) -> Result<(), WriteError> {
        if let Some(e) = guard(&self.error).take() {
            return Err(e);
        }
        // The sorted manifest replaces the appended one in one rename, through a file the
        // appended one already lists.
        let sorted = self.dir.join(SORTED_MANIFEST);
        {
            let mut manifest = guard(&self.manifest);
            let line = &manifest_text(&[SORTED_MANIFEST])[MANIFEST_FORMAT.len() + 1..];
            manifest
                .write_all(line.as_bytes())
                .map_err(io_at(&self.dir.join(MANIFEST)))?;
        }
        let paths = guard(&self.paths).clone();
        let names: Vec<&str> = paths.iter().map(|(_, p)| p.as_str()).collect();
        fs::write(&sorted, manifest_text(&names)).map_err(io_at(&sorted))?;
        fs::rename(&sorted, self.dir.join(MANIFEST)).map_err(io_at(&sorted))?;

        if let Some(lock) = &self.lock {
            lock.still_held()?;
        }
        let output = &self.target.path;
        if self.old.is_some() {
            fs::rename(output, &self.retired).map_err(io_at(output))?;
        }
        if let Err(e) = fs::rename(&self.dir, output) {
            // Put the old site back rather than leave nothing.
            if self.old.is_some() {
                let _ = fs::rename(&self.retired, output);
            }
            return Err(WriteError::Io(output.clone(), e));
        }
        self.committed = true;
        if let Some(old) = self.old.take() {
            remove_owned(&self.retired, &old)?;
        }
        drop(self.lock.take());
        Ok(())
    }
}

impl Drop for Staging {
    /// A build that did not commit leaves no staging folder behind, and the output as it
    /// was; the lock is released after the cleaning.
    fn drop(&mut self) {
        if !self.committed
            && let Ok(ours) = owned(&self.dir)
        {
            let _ = remove_owned(&self.dir, &ours);
        }
        drop(self.lock.take());
    }
}

/// The name the sorted manifest is written under before it replaces the appended one.
const SORTED_MANIFEST: &str = ".scholia-manifest.sorted";

/// The manifest: its format line, then one path a line (`/` between folders), sorted as
/// paths so that it is the same on every build. A `\`, line feed or carriage return in
/// a name is written `\\`, `\n`, `\r`.
pub fn manifest_text(paths: &[&str]) -> String {
    let mut sorted = paths.to_vec();
    sorted.sort_by(|a, b| Path::new(a).cmp(Path::new(b)));
    sorted.dedup();
    let mut text = format!("{MANIFEST_FORMAT}\n");
    for path in sorted {
        for c in path.chars() {
            match c {
                '\\' => text.push_str("\\\\"),
                '\n' => text.push_str("\\n"),
                '\r' => text.push_str("\\r"),
                c => text.push(c),
            }
        }
        text.push('\n');
    }
    text
}

/// The paths a manifest lists, or why it cannot be read.
pub fn parse_manifest(text: &str) -> Result<Vec<String>, String> {
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_FORMAT) {
        return Err(format!("its first line is not `{MANIFEST_FORMAT}`"));
    }
    let mut paths = Vec::new();
    for (i, line) in lines.enumerate() {
        let mut path = String::with_capacity(line.len());
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            path.push(match (c, c == '\\') {
                (_, true) => match chars.next() {
                    Some('\\') => '\\',
                    Some('n') => '\n',
                    Some('r') => '\r',
                    _ => return Err(format!("line {}: an unknown escape", i + 2)),
                },
                (c, false) => c,
            });
        }
        let inside = !path.is_empty()
            && path
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..")
            && Path::new(&path)
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
        if !inside {
            return Err(format!(
                "line {}: `{line}` is not a file inside the folder",
                i + 2
            ));
        }
        paths.push(path);
    }
    Ok(paths)
}

/// What scholia wrote in a folder it owns, relative to the folder: deleted file by file.
#[derive(Debug, Default)]
struct Owned {
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

/// Checks that everything in `dir` is listed in its manifest (or that it is empty).
fn owned(dir: &Path) -> Result<Owned, Unowned> {
    let damaged = |why: String| Unowned::Unreadable(format!("its {MANIFEST} {why}"));
    let listed: Vec<String> = match fs::read(dir.join(MANIFEST)) {
        Ok(bytes) => {
            let text = String::from_utf8(bytes).map_err(|_| damaged("is not UTF-8".into()))?;
            parse_manifest(&text).map_err(|why| damaged(format!("is damaged ({why})")))?
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(damaged(format!("cannot be read ({e})"))),
    };
    let has_manifest = dir.join(MANIFEST).is_file();
    let files: BTreeSet<PathBuf> = listed.iter().map(PathBuf::from).collect();
    let folders: BTreeSet<PathBuf> = files
        .iter()
        .flat_map(|f| f.ancestors().skip(1))
        .filter(|a| !a.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .collect();
    let mut ours = Owned::default();
    let mut unknown = Vec::new();
    let walk = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walk {
        let entry = entry.map_err(|e| Unowned::Unreadable(e.to_string()))?;
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let kind = entry.file_type();
        if kind.is_dir() {
            if folders.contains(relative) {
                ours.folders.push(relative.to_path_buf());
            } else if fs::read_dir(entry.path()).is_ok_and(|mut e| e.next().is_none()) {
                // An empty folder would otherwise go unnamed; one with files is named by
                // its files, below.
                unknown.push(format!("{}/", shown(relative)));
            }
        } else if kind.is_file() && has_manifest && relative == Path::new(MANIFEST) {
            continue;
        } else if kind.is_file() && files.contains(relative) {
            ours.files.push(relative.to_path_buf());
        } else {
            unknown.push(shown(relative));
        }
    }
    if unknown.is_empty() {
        Ok(ours)
    } else {
        let total = unknown.len();
        unknown.truncate(NAMED);
        Err(Unowned::Unknown {
            has_manifest,
            first: unknown,
            total,
        })
    }
}

fn shown(relative: &Path) -> String {
    let parts: Vec<_> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// Deletes what [`owned`] found, and the folder: files first, then folders deepest
/// first with `remove_dir`, which fails rather than delete anything that appeared since.
fn remove_owned(dir: &Path, ours: &Owned) -> Result<(), WriteError> {
    let gone_is_fine = |path: &Path, result: io::Result<()>| match result {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(WriteError::Io(path.to_path_buf(), e)),
        _ => Ok(()),
    };
    for file in ours.files.iter().map(|f| dir.join(f)) {
        gone_is_fine(&file, fs::remove_file(&file))?;
    }
    let manifest = dir.join(MANIFEST);
    gone_is_fine(&manifest, fs::remove_file(&manifest))?;
    let mut folders = ours.folders.clone();
    folders.sort();
    for folder in folders.iter().rev().map(|f| dir.join(f)) {
        gone_is_fine(&folder, fs::remove_dir(&folder))?;
    }
    fs::remove_dir(dir).map_err(io_at(dir))
}

/// `path` made absolute, with symlinks and `..` resolved as far as it exists; the rest,
/// which does not exist yet and so holds no symlinks, is resolved by its names.
fn resolve(path: &Path) -> Result<PathBuf, WriteError> {
    let absolute = std::path::absolute(path).map_err(io_at(path))?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while fs::symlink_metadata(existing).is_err() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(Component::Normal(name));
                existing = parent;
            }
            // `..` or `.` at the end of a path that does not exist.
            (Some(parent), None) => {
                rest.push(
                    existing
                        .components()
                        .next_back()
                        .unwrap_or(Component::CurDir),
                );
                existing = parent;
            }
            (None, _) => break,
        }
    }
    let mut resolved = match fs::canonicalize(existing) {
        Ok(real) => real,
        Err(_) => {
            return Err(WriteError::NotAFolder {
                output: absolute.clone(),
                file: existing.to_path_buf(),
            });
        }
    };
    if !rest.is_empty() && !resolved.is_dir() {
        return Err(WriteError::NotAFolder {
            output: absolute.clone(),
            file: resolved,
        });
    }
    for part in rest.into_iter().rev() {
        match part {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => resolved.push(other),
        }
    }
    Ok(resolved)
}

fn home() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())?;
    fs::canonicalize(home).ok()
}

/// The output's lock, held while one build writes it: a file beside the output made
/// with `create_new`, holding the build's process id and a token of its own.
struct Lock {
    path: PathBuf,
    content: String,
}

impl Lock {
    fn acquire(path: PathBuf, wait: Duration) -> Result<Lock, WriteError> {
        let started = Instant::now();
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        let content = format!(
            "{}\nscholia build lock {}.{:09}\n",
            std::process::id(),
            now.as_secs(),
            now.subsec_nanos()
        );
        loop {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    if let Err(e) = file.write_all(content.as_bytes()) {
                        let _ = fs::remove_file(&path);
                        return Err(WriteError::Io(path, e));
                    }
                    return Ok(Lock { path, content });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(WriteError::Io(path, e)),
            }
            let Some(seen) = Seen::read(&path) else {
                continue; // released in between: try again at once
            };
            if seen.is_stale() {
                break_stale(&path, &seen.content);
                continue;
            }
            if started.elapsed() >= wait {
                return Err(WriteError::Locked {
                    lock: path,
                    holder: seen.pid(),
                    waited: started.elapsed(),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Checked just before the swap: a lock broken by mistake (its holder taken for
    /// dead) stops this build rather than let two builds swap at once.
    fn still_held(&self) -> Result<(), WriteError> {
        match fs::read_to_string(&self.path) {
            Ok(content) if content == self.content => Ok(()),
            other => Err(WriteError::Locked {
                lock: self.path.clone(),
                holder: other
                    .ok()
                    .and_then(|c| c.lines().next()?.trim().parse().ok()),
                waited: Duration::ZERO,
            }),
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if fs::read_to_string(&self.path).is_ok_and(|c| c == self.content) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// A lock file as another build left it.
struct Seen {
    content: String,
    age: Duration,
}

impl Seen {
    fn read(path: &Path) -> Option<Seen> {
        let content = fs::read_to_string(path).ok()?;
        let modified = fs::metadata(path).and_then(|m| m.modified()).ok()?;
        Some(Seen {
            content,
            age: modified.elapsed().unwrap_or_default(),
        })
    }

    fn pid(&self) -> Option<u32> {
        self.content.lines().next()?.trim().parse().ok()
    }

    fn is_stale(&self) -> bool {
        if self.age > LOCK_STALE_AFTER {
            return true;
        }
        match self.pid() {
            Some(pid) => process_is_gone(pid),
            // Being written this very moment, or garbage: give it a few seconds.
            None => self.age > Duration::from_secs(5),
        }
    }
}

/// Breaks a stale lock without ever breaking a fresh one taken meanwhile. Breakers take
/// turns through a second lock (`…-lock.break`): under it, the lock is removed only if
/// it still holds what was judged stale, and it cannot have changed since without being
/// removed, which only a breaker does.
fn break_stale(path: &Path, stale: &str) {
    let breaker = path.with_file_name(format!(
        "{}.break",
        path.file_name().unwrap_or_default().to_string_lossy()
    ));
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&breaker)
    {
        Ok(mut file) => {
            let _ = writeln!(file, "{}", std::process::id());
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            // Held for microseconds: one that stays was left by a build killed inside.
            if Seen::read(&breaker).is_some_and(|seen| {
                seen.age > Duration::from_secs(5) || seen.pid().is_some_and(process_is_gone)
            }) {
                let _ = fs::remove_file(&breaker);
            }
            return;
        }
        Err(_) => return,
    }
    if fs::read_to_string(path).is_ok_and(|c| c == stale) {
        let _ = fs::remove_file(path);
    }
    let _ = fs::remove_file(&breaker);
}

/// Whether no process has this id; where that cannot be told, the lock's age decides.
fn process_is_gone(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        !Path::new("/proc").join(pid.to_string()).exists()
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        std::process::Command::new("ps")
            .args(["-p", &pid.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| !s.success())
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_the_paths_it_was_written_from() {
        let paths = [
            "b/index.html",
            "a b/c\\d",
            "odd\nname/x",
            "a/index.html",
            "z.css",
        ];
        let text = manifest_text(&paths);
        let mut expected: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        expected.sort_by(|a, b| Path::new(a).cmp(Path::new(b)));
        assert_eq!(parse_manifest(&text).unwrap(), expected);
        assert_eq!(text.lines().count(), paths.len() + 1);
    }

    #[test]
    fn a_manifest_is_sorted_as_paths_so_folders_come_before_longer_names() {
        let text = manifest_text(&["a-b/x", "a/x"]);
        assert_eq!(text, "scholia-manifest 1\na/x\na-b/x\n");
    }

    #[test]
    fn a_manifest_naming_anything_outside_its_folder_is_damaged() {
        for bad in [
            "../x",
            "/etc/passwd",
            "a/../../x",
            "a//b",
            "./a",
            "",
            "a\\q",
        ] {
            let text = format!("scholia-manifest 1\n{bad}\n");
            assert!(parse_manifest(&text).is_err(), "{bad:?}");
        }
        assert!(parse_manifest("scholia-manifest 2\na\n").is_err());
    }

    #[test]
    fn resolve_names_a_path_that_does_not_exist_yet_by_its_real_parent() {
        let dir = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir(real.join("a")).unwrap();
        let got = resolve(&real.join("a/../b/c/../d")).unwrap();
        assert_eq!(got, real.join("b/d"));
    }
}
