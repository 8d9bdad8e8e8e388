//! Writing the site: all or nothing.
//!
//! 1. Write every file into a fresh folder beside the output (`.<name>.scholia-new`).
//! 2. Move the old output aside, move the new folder into its place, delete the old.
//!
//! A build that fails before step 2 leaves the output as it was. Entry point: [`write`].

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::OutputFile;

/// Why the site could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The output folder holds something scholia did not build; it is left alone.
    NotASite(PathBuf),
    /// The output folder is the site itself, or holds it.
    HoldsSite(PathBuf),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::NotASite(p) => write!(
                f,
                "{} is not empty and holds no index.html: scholia will not replace a folder it did not build; choose another --output or empty it",
                p.display()
            ),
            WriteError::HoldsSite(p) => write!(
                f,
                "{} holds the site's own files: choose an --output folder outside it, such as public/",
                p.display()
            ),
            WriteError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
        }
    }
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(path.to_path_buf(), e)
}

/// Writes `files` to `output`, replacing what was there only once all are written.
pub fn write(files: &[OutputFile], output: &Path, site_root: &Path) -> Result<(), WriteError> {
    let output = absolute(output).map_err(io_at(output))?;
    let site_root = absolute(site_root).map_err(io_at(site_root))?;
    if site_root.starts_with(&output) {
        return Err(WriteError::HoldsSite(output));
    }
    if output.is_dir() && !output.join("index.html").is_file() && !is_empty_dir(&output) {
        return Err(WriteError::NotASite(output));
    }
    let parent = output.parent().unwrap_or(Path::new("/")).to_path_buf();
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    fs::create_dir_all(&parent).map_err(io_at(&parent))?;
    let staging = parent.join(format!(".{name}.scholia-new"));
    let retired = parent.join(format!(".{name}.scholia-old"));
    for leftover in [&staging, &retired] {
        if leftover.exists() {
            fs::remove_dir_all(leftover).map_err(io_at(leftover))?;
        }
    }

    let written = write_all(files, &staging);
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if output.exists() {
        fs::rename(&output, &retired).map_err(|e| {
            let _ = fs::remove_dir_all(&staging);
            WriteError::Io(output.clone(), e)
        })?;
    }
    if let Err(e) = fs::rename(&staging, &output) {
        // Put the old site back rather than leave nothing.
        let _ = fs::rename(&retired, &output);
        let _ = fs::remove_dir_all(&staging);
        return Err(WriteError::Io(output, e));
    }
    if retired.exists() {
        fs::remove_dir_all(&retired).map_err(io_at(&retired))?;
    }
    Ok(())
}

fn write_all(files: &[OutputFile], dir: &Path) -> Result<(), WriteError> {
    fs::create_dir_all(dir).map_err(io_at(dir))?;
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        fs::write(&path, &file.contents).map_err(io_at(&path))?;
    }
    Ok(())
}

fn is_empty_dir(path: &Path) -> bool {
    fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none())
}

fn absolute(path: &Path) -> io::Result<PathBuf> {
    let path = std::path::absolute(path)?;
    // Resolve what exists, so `public/..` and symlinks compare as the folders they are.
    Ok(path.canonicalize().unwrap_or(path))
}
