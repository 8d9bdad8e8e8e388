//! Diagnostics: every problem a user can cause, with the place it is at and what to do.
//!
//! 1. Stages collect [`Diagnostic`]s instead of stopping at the first problem.
//! 2. [`Diagnostic::render`] turns one into rustc-style text: `error[code]: message`,
//!    `--> path:line:col`, the source line with a caret, and `help:` lines.
//!
//! A diagnostic holds its file's text (an `Arc`), so it can be rendered long after the
//! stage that found it has finished.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// A file the user wrote, kept whole so that diagnostics can quote it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user should see it: relative to the site root.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// Where each line starts, worked out on first use: a line number is then a
    /// bisection, not a count from the top (thousands of warnings on one file).
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&s| s <= offset);
        // A byte-order mark opens some files; editors do not count it as a column.
        let bom = usize::from(line == 1 && self.text.starts_with('\u{FEFF}')) * 3;
        let line_start = (starts[line - 1] + bom).min(offset);
        (line, self.text[line_start..offset].chars().count() + 1)
    }
}

impl SourceFile {
    /// The byte offset of a 1-based line and column (in characters), if it is in the file.
    pub fn offset_of(&self, line: usize, column: usize) -> Option<usize> {
        let start: usize = self
            .text
            .split_inclusive('\n')
            .take(line.checked_sub(1)?)
            .map(str::len)
            .sum();
        // As in `line_col`: a leading byte-order mark is no column.
        let start = match start {
            0 if self.text.starts_with('\u{FEFF}') => 3,
            start => start,
        };
        let rest = self.text.get(start..)?;
        let within = rest.char_indices().nth(column.checked_sub(1)?)?.0;
        Some(start + within)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A place in a user's file.
#[derive(Debug, Clone)]
pub struct Location {
    pub file: Arc<SourceFile>,
    /// Byte range in `file.text`.
    pub range: Range<usize>,
}

impl Location {
    pub fn new(file: &Arc<SourceFile>, range: Range<usize>) -> Self {
        Location {
            file: Arc::clone(file),
            range,
        }
    }

    /// The whole file, for problems that have no better place (a missing field in an
    /// empty file, say).
    pub fn start_of(file: &Arc<SourceFile>) -> Self {
        Location::new(file, 0..0)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.file.line_col(self.range.start);
        write!(f, "{}:{line}:{col}", self.file.path.display())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem in the user's input.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable code, listed in `docs/diagnostics.md`.
    pub code: &'static str,
    /// What is wrong, in one line.
    pub message: String,
    /// Where it is; `None` only for problems with no file (a missing folder).
    pub location: Option<Location>,
    /// A short label under the caret.
    pub label: String,
    /// Further places that explain the problem (the other definition of a duplicate id).
    pub related: Vec<(Location, String)>,
    /// What to do about it; one line each.
    pub help: Vec<String>,
    /// An edit that mends it, where one is certain enough for `check --fix`.
    pub fix: Option<Fix>,
}

/// A drifted quote and the words it should read, for `check --fix`.
///
/// It says what is meant, not which bytes to write: `--fix` reads the YAML value at
/// `at`, writes `quote` in a style that value can carry, and proves the result (the file
/// parses, the passage resolves to `place` in `reading`) before anything is written.
#[derive(Debug, Clone)]
pub struct Fix {
    /// The quote's value as the parser located it.
    pub at: Location,
    /// The words the quote should read (plain text, not YAML).
    pub quote: String,
    /// The slug of the reading the passage is in.
    pub reading: String,
    /// The byte range of that reading's text the mended quote must resolve to.
    pub place: Range<usize>,
    /// What the edit does, for the report.
    pub summary: String,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: None,
            label: String::new(),
            related: Vec::new(),
            help: Vec::new(),
            fix: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, location: Location, label: impl Into<String>) -> Self {
        self.location = Some(location);
        self.label = label.into();
        self
    }

    pub fn related(mut self, location: Location, label: impl Into<String>) -> Self {
        self.related.push((location, label.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic as rustc does, without colour.
    pub fn render(&self) -> String {
        self.render_with(&Renderer::plain())
    }

    /// Renders the diagnostic with colour, for a terminal.
    pub fn render_styled(&self) -> String {
        self.render_with(&Renderer::styled())
    }

    fn render_with(&self, renderer: &Renderer) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(&self.message).id(self.code);
        let mut snippets = Vec::new();
        if let Some(location) = &self.location {
            let same_file: Vec<&(Location, String)> = self
                .related
                .iter()
                .filter(|(related, _)| Arc::ptr_eq(&related.file, &location.file))
                .collect();
            let spans: Vec<Range<usize>> = std::iter::once(clamp(location))
                .chain(same_file.iter().map(|(related, _)| clamp(related)))
                .collect();
            let excerpt = Excerpt::of(&location.file, &spans);
            let mut snippet = excerpt.snippet().annotation(
                AnnotationKind::Primary
                    .span(excerpt.shift(clamp(location)))
                    .label(non_empty(&self.label)),
            );
            for (related, label) in same_file {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(excerpt.shift(clamp(related)))
                        .label(non_empty(label)),
                );
            }
            snippets.push(snippet);
            for (related, label) in &self.related {
                if !Arc::ptr_eq(&related.file, &location.file) {
                    let excerpt = Excerpt::of(&related.file, &[clamp(related)]);
                    snippets.push(
                        excerpt.snippet().annotation(
                            AnnotationKind::Context
                                .span(excerpt.shift(clamp(related)))
                                .label(non_empty(label)),
                        ),
                    );
                }
            }
        }
        let helps = self.help.iter().map(|h| Level::HELP.message(h.as_str()));
        let group = if snippets.is_empty() && self.help.is_empty() {
            Group::with_title(title)
        } else {
            title.elements(snippets).elements(helps)
        };
        let report = [group];
        renderer.render(&report)
    }
}

/// The lines of a file that some spans touch, and where they start: a diagnostic shows
/// only these, so rendering one costs the lines it shows, not the whole file (thousands
/// of warnings on one long reading were quadratic).
struct Excerpt<'f> {
    file: &'f SourceFile,
    /// Byte offset of the excerpt in the file.
    offset: usize,
    text: &'f str,
    /// 1-based number of its first line.
    line: usize,
}

impl<'f> Excerpt<'f> {
    fn of(file: &'f SourceFile, spans: &[Range<usize>]) -> Self {
        let text = file.text.as_str();
        let start = spans.iter().map(|s| s.start).min().unwrap_or(0);
        let end = spans.iter().map(|s| s.end).max().unwrap_or(0);
        let offset = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        Excerpt {
            file,
            offset,
            text: &text[offset..end],
            line: file.line_col(offset).0,
        }
    }

    fn shift(&self, span: Range<usize>) -> Range<usize> {
        span.start - self.offset..span.end - self.offset
    }

    fn snippet(&self) -> Snippet<'f, annotate_snippets::Annotation<'f>> {
        Snippet::source(self.text)
            .line_start(self.line)
            .path(display_path(&self.file.path))
            .fold(true)
    }
}

fn display_path(path: &Path) -> String {
    path.display().to_string()
}

fn clamp(location: &Location) -> Range<usize> {
    let len = location.file.text.len();
    let start = floor_char_boundary(&location.file.text, location.range.start.min(len));
    let end = floor_char_boundary(&location.file.text, location.range.end.clamp(start, len));
    start..end
}

fn non_empty(label: &str) -> Option<&str> {
    (!label.is_empty()).then_some(label)
}

/// Renders a list of diagnostics, errors last, with a closing count.
pub fn render_all(diagnostics: &[Diagnostic], styled: bool) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&if styled {
            d.render_styled()
        } else {
            d.render()
        });
        out.push_str("\n\n");
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        out.push_str(&format!(
            "error: {errors} {} and {warnings} {} in the site; nothing was written\n",
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings")
        ));
    } else if warnings > 0 {
        out.push_str(&format!(
            "warning: {warnings} {}\n",
            plural(warnings, "warning", "warnings")
        ));
    }
    out
}

/// Levenshtein distance, in characters: how a "did you mean" finds the name meant, and
/// how far a drifted quote is from a passage. Here rather than with the anchoring so that
/// yaml's "did you mean" does not import the annotation model, which imports yaml.
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

impl Diagnostic {
    /// This warning, made an error by `--deny warnings`.
    pub fn denied(mut self) -> Self {
        self.severity = Severity::Error;
        self.help
            .push("this warning is an error because of `--deny warnings`".into());
        self
    }

    /// The diagnostic as one JSON object, for editors and CI (`--format json`).
    /// Lines and columns are 1-based; columns count characters.
    pub fn to_json(&self) -> String {
        let place = |l: &Location| {
            let (line, column) = l.file.line_col(l.range.start);
            let (end_line, end_column) = l.file.line_col(l.range.end);
            serde_json::json!({
                "file": l.file.path.to_string_lossy(),
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
            })
        };
        let mut value = serde_json::json!({
            "severity": match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            "code": self.code,
            "message": self.message,
            "label": self.label,
            "help": self.help,
            "related": self.related.iter().map(|(l, label)| {
                let mut p = place(l);
                p["label"] = label.as_str().into();
                p
            }).collect::<Vec<_>>(),
        });
        if let Some(location) = &self.location {
            let p = place(location);
            for key in ["file", "line", "column", "end_line", "end_column"] {
                value[key] = p[key].clone();
            }
        }
        value.to_string()
    }

    /// Codes `E09xx` are failures of scholia itself, not of the user's input.
    pub fn is_internal(&self) -> bool {
        self.code.starts_with("E09")
    }
}
