//! Loading: find the site's files and parse each one.
//!
//! 1. `site.yaml` → [`SiteConfig`].
//! 2. `content/glossary.yaml`, `content/sources.yaml` → shared [`AnnotationFile`]s.
//! 3. Each `content/<slug>/index.md` (found with walkdir) → a [`Reading`]: front matter,
//!    Markdown, and its `annotations.yaml` beside it.
//!
//! Entry point: [`load`]. Every problem found is returned, not only the first.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use walkdir::WalkDir;

use crate::annotations::model::AnnotationFile;
use crate::config::{self, SiteConfig};
use crate::diagnostics::{Diagnostic, Location, SourceFile};
use crate::yaml::{self, Locator, Spanned};

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
}

/// One parsed annotation file.
#[derive(Debug)]
pub struct Annotations {
    pub file: AnnotationFile,
    pub locator: Locator,
}

/// One reading: a text and its annotations.
#[derive(Debug)]
pub struct Reading {
    /// The folder name: the reading's address in the site.
    pub slug: String,
    pub meta: FrontMatter,
    /// Places the front matter's spanned values in `index.md`.
    pub meta_locator: Locator,
    /// `index.md`, whole: front matter and text.
    pub source: Arc<SourceFile>,
    /// Byte range of the Markdown text in `source.text` (after the front matter).
    pub body: std::ops::Range<usize>,
    /// `annotations.yaml`, if the reading has one.
    pub annotations: Option<Annotations>,
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
    #[schemars(with = "Option<crate::schema::Date>")]
    pub date: Option<Spanned<String>>,
    /// Shown above the text, in Markdown.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub editor_note: Option<Spanned<String>>,
    /// What is known of the original; each field may be absent.
    #[serde(default)]
    pub original: Option<Original>,
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
    #[schemars(with = "Option<crate::schema::Date>")]
    pub date: Option<Spanned<String>>,
}

/// Reads and parses every file of the site at `root`.
pub fn load(root: &Path) -> Result<Site, Vec<Diagnostic>> {
    let mut problems = Vec::new();

    let config = if root.join("site.yaml").is_file() {
        read(root, Path::new("site.yaml"))
            .and_then(|file| config::parse(&file))
            .map_err(|d| problems.push(d))
            .ok()
    } else {
        problems.push(
            Diagnostic::error(
                "E0002",
                format!("there is no site.yaml in {}", root.display()),
            )
            .help("run scholia in the site's folder, or name it with --root"),
        );
        None
    };

    let mut shared = Vec::new();
    for name in ["content/glossary.yaml", "content/sources.yaml"] {
        if root.join(name).is_file() {
            match read(root, Path::new(name)).and_then(|f| parse_annotations(&f)) {
                Ok(annotations) => shared.push(annotations),
                Err(d) => problems.push(d),
            }
        }
    }

    let mut readings = Vec::new();
    let content = root.join("content");
    if config.is_some() && !content.is_dir() {
        problems.push(
            Diagnostic::error(
                "E0002",
                format!("no content folder at {}", content.display()),
            )
            .help("put each reading in content/<slug>/index.md"),
        );
    }
    for entry in WalkDir::new(&content)
        .min_depth(2)
        .max_depth(2)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.md")
    {
        match load_reading(root, entry.path()) {
            Ok(reading) => readings.push(reading),
            Err(mut ds) => problems.append(&mut ds),
        }
    }
    if config.is_some() && content.is_dir() && readings.is_empty() && problems.is_empty() {
        problems.push(
            Diagnostic::error("E0002", "the site has no readings")
                .help("put each reading in content/<slug>/index.md"),
        );
    }

    let templates = load_templates(root, &mut problems);

    match config {
        Some(config) if problems.is_empty() => Ok(Site {
            root: root.to_path_buf(),
            config,
            shared,
            readings,
            templates,
        }),
        _ => Err(problems),
    }
}

fn load_reading(root: &Path, index: &Path) -> Result<Reading, Vec<Diagnostic>> {
    let dir = index.parent().expect("index.md has a folder");
    let slug = dir
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned();
    let relative = index.strip_prefix(root).unwrap_or(index);
    let source = read(root, relative).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    if !is_valid_slug(&slug) {
        problems.push(
            Diagnostic::error("E0003", format!("`{slug}` cannot be a reading's address"))
                .at(Location::start_of(&source), "this reading's folder")
                .help("name the folder with lowercase letters, digits and `-` only"),
        );
    }
    let (meta, body) = match parse_front_matter(&source) {
        Ok((meta, body, locator)) => (Some((meta, locator)), body),
        Err(d) => {
            problems.push(d);
            (None, 0..0)
        }
    };
    let annotations_path = relative.with_file_name("annotations.yaml");
    let annotations = if root.join(&annotations_path).is_file() {
        match read(root, &annotations_path).and_then(|f| parse_annotations(&f)) {
            Ok(a) => Some(a),
            Err(d) => {
                problems.push(d);
                None
            }
        }
    } else {
        None
    };
    match meta {
        Some((meta, meta_locator)) if problems.is_empty() => Ok(Reading {
            slug,
            meta,
            meta_locator,
            source,
            body,
            annotations,
        }),
        _ => Err(problems),
    }
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
    let first_line_end = text.find('\n').ok_or_else(missing)?;
    if text[..first_line_end].trim_end() != "---" {
        return Err(missing());
    }
    let yaml_start = first_line_end + 1;
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            let front = yaml::parse::<FrontMatter>(source, yaml_start..offset)?;
            let locator = front.locator();
            return Ok((front.value, offset + line.len()..text.len(), locator));
        }
        offset += line.len();
    }
    Err(Diagnostic::error("E0004", "the front matter is not closed")
        .at(Location::new(source, 0..3), "opened here")
        .help("end the front matter with a line `---` before the text"))
}

fn parse_annotations(file: &Arc<SourceFile>) -> Result<Annotations, Diagnostic> {
    let parsed = yaml::parse::<AnnotationFile>(file, 0..file.text.len())?;
    Ok(Annotations {
        locator: parsed.locator(),
        file: parsed.value,
    })
}

fn load_templates(root: &Path, problems: &mut Vec<Diagnostic>) -> Vec<(String, Arc<SourceFile>)> {
    let dir = root.join("templates");
    let mut templates = Vec::new();
    if !dir.is_dir() {
        return templates;
    }
    for entry in WalkDir::new(&dir)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        match read(root, relative) {
            Ok(file) => templates.push((entry.file_name().to_string_lossy().into_owned(), file)),
            Err(d) => problems.push(d),
        }
    }
    templates
}

/// Reads a file of the site; `relative` is what diagnostics show.
fn read(root: &Path, relative: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    fs::read_to_string(root.join(relative))
        .map(|text| SourceFile::new(relative, text))
        .map_err(|e| {
            Diagnostic::error(
                "E0002",
                format!("cannot read {}: {}", relative.display(), io_reason(&e)),
            )
        })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::InvalidData => "it is not UTF-8 text".into(),
        _ => e.to_string(),
    }
}

pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
