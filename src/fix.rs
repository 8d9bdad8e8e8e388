//! `check --fix`: mend, in place, the quotes that can be mended with certainty, and
//! prove each mend before anything is written.
//!
//! 1. Load the site and run the index; keep the errors that carry a [`Fix`]: a drifted
//!    quote whose closest passage is clear. A repeated quote never carries one: choosing
//!    among its places would be a guess.
//! 2. Read the YAML value at the fix's place ([`Value::at`]): its style (plain, single-
//!    or double-quoted, literal or folded block scalar; inside a flow or block mapping, or
//!    the short `at: words` form) and the exact bytes it spans, comments and line breaks
//!    excluded.
//! 3. Write the new words in the value's own style when it can carry them, else as a
//!    double-quoted scalar ([`renderings`]); splice the one value into the text in memory.
//! 4. Prove the edit ([`Mender::try_edit`]): the edited file parses, the pipeline runs
//!    on the edited site in memory (index, and rendering once the index passes) with no
//!    problem that was not there before, and the mended passage resolves to exactly the
//!    place intended. Otherwise the edit is dropped and the reason reported as E0150
//!    ("left alone"); the next way of writing it, if any, is tried.
//! 5. Write each changed file atomically: a temporary file beside it, with its
//!    permissions, renamed over it; and only if the file on disk is still the one read
//!    (E0151 otherwise, and nothing of that file is written).
//!
//! Entry point: [`fix`].

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::Failure;
use crate::annotations::anchor::{Resolution, Selector, TextIndex, normalize};
use crate::annotations::model::{AnnotationFile, Passage};
use crate::content::{Annotations, Site};
use crate::diagnostics::{Diagnostic, Fix, Location, SourceFile};
use crate::markdown::Document;
use crate::yaml::Spanned;
use crate::yaml::{double_quoted, printable};

/// What `--fix` did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// One line for each mended quote.
    pub fixed: Vec<String>,
    /// The fixes that could not be made safely, each with its reason (E0150, E0151).
    pub left_alone: Vec<Diagnostic>,
}

/// Applies every fix that can be proven to the site at `root`.
pub fn fix(root: &Path) -> Result<Outcome, Failure> {
    let site = crate::content::load(root).map_err(Failure::Input)?;
    let before = match crate::site::index(&site) {
        Ok(_) => return Ok(Outcome::default()),
        Err(problems) => problems,
    };
    let mut by_file: BTreeMap<PathBuf, Vec<Fix>> = BTreeMap::new();
    for fix in before.iter().filter_map(|d| d.fix.clone()) {
        let fixes = by_file.entry(fix.at.file.path.clone()).or_default();
        // An aliased passage is reported once per use, with one place.
        if !fixes.iter().any(|f| f.at.range == fix.at.range) {
            fixes.push(fix);
        }
    }
    let mut mender = Mender {
        baseline: problems(&site),
        site,
        made: Vec::new(),
        left_alone: Vec::new(),
    };
    let mut changed = Vec::new();
    for (path, mut fixes) in by_file {
        let Some(original) = mender
            .annotations(&path)
            .map(|a| Arc::clone(&a.locator.file))
        else {
            continue;
        };
        // From the end of the file backwards: an edit moves only the bytes after it, so
        // each fix's place is still where the diagnostic saw it.
        fixes.sort_by_key(|f| std::cmp::Reverse(f.at.range.start));
        let mut floor = original.text.len();
        for fix in fixes {
            if let Some(start) = mender.mend(&fix, floor) {
                floor = start;
            }
        }
        let edited = mender
            .annotations(&path)
            .map(|a| Arc::clone(&a.locator.file));
        if let Some(edited) = edited.filter(|e| e.text != original.text) {
            changed.push((original, edited));
        }
    }
    let Mender {
        mut made,
        mut left_alone,
        ..
    } = mender;
    for (original, edited) in changed {
        let full = root.join(&original.path);
        if let Err(why) = write_if_unchanged(&full, &original.text, &edited.text) {
            // Nothing of this file was written: its fixes are not done.
            made.retain(|(path, ..)| *path != original.path);
            left_alone.push(not_written(&original, &why));
        }
    }
    // Reported in file order, as `check` reports.
    made.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    left_alone.sort_by_key(|d| {
        d.location
            .as_ref()
            .map(|l| (l.file.path.clone(), l.range.start))
    });
    let outcome = Outcome {
        fixed: made.into_iter().map(|(.., summary)| summary).collect(),
        left_alone,
    };
    Ok(outcome)
}

/// E0151: a mended file that could not be written.
fn not_written(file: &Arc<SourceFile>, why: &str) -> Diagnostic {
    Diagnostic::error(
        "E0151",
        format!("`--fix` could not write {}: {why}", file.path.display()),
    )
    .at(Location::start_of(file), "not written")
    .help("the file is as it was; make it writable (or save your editor's changes) and run `check --fix` again")
}

/// The site as edited so far, and what the index said of it.
struct Mender {
    site: Site,
    /// The problems of the site as it now stands in memory, by code and message.
    baseline: Vec<(String, String)>,
    /// The fixes made: file, place and summary.
    made: Vec<(PathBuf, usize, String)>,
    left_alone: Vec<Diagnostic>,
}

impl Mender {
    fn annotations(&self, path: &Path) -> Option<&Annotations> {
        self.site
            .shared
            .iter()
            .chain(
                self.site
                    .readings
                    .iter()
                    .filter_map(|r| r.annotations.as_ref()),
            )
            .find(|a| a.locator.file.path == path)
    }

    fn annotations_mut(&mut self, path: &Path) -> Option<&mut Annotations> {
        self.site
            .shared
            .iter_mut()
            .chain(
                self.site
                    .readings
                    .iter_mut()
                    .filter_map(|r| r.annotations.as_mut()),
            )
            .find(|a| a.locator.file.path == path)
    }

    /// Tries each way of writing the new words; keeps the first that proves right.
    /// `floor` is where the last edit of the file (further on) starts. Returns where the
    /// edited value starts, if one was kept.
    fn mend(&mut self, fix: &Fix, floor: usize) -> Option<usize> {
        let file = Arc::clone(&fix.at.file);
        let current = Arc::clone(&self.annotations(&file.path)?.locator.file);
        let value = match Value::at(&current.text, fix.at.range.clone()) {
            Ok(value) if value.span.end > floor => {
                self.leave(fix, "it overlaps another quote being mended".into());
                return None;
            }
            Ok(value) => value,
            Err(why) => {
                self.leave(fix, why);
                return None;
            }
        };
        let mut why = String::from("no YAML style can carry the new words");
        for rendering in renderings(value.style, &fix.quote) {
            let mut text = current.text.clone();
            text.replace_range(value.span.clone(), &rendering);
            match self.try_edit(fix, &current, text, value.span.start) {
                Ok(()) => {
                    self.made
                        .push((file.path.clone(), fix.at.range.start, fix.summary.clone()));
                    return Some(value.span.start);
                }
                Err(reason) => why = reason,
            }
        }
        self.leave(fix, why);
        None
    }

    /// Puts `text` in place of the file in memory and proves it; puts the old file back
    /// if it does not hold.
    fn try_edit(
        &mut self,
        fix: &Fix,
        current: &Arc<SourceFile>,
        text: String,
        value_start: usize,
    ) -> Result<(), String> {
        let file = SourceFile::new(current.path.clone(), text);
        let parsed = crate::yaml::parse::<AnnotationFile>(&file, 0..file.text.len())
            .map_err(|d| format!("the file would no longer read as YAML ({})", d.message))?;
        let edited = Annotations {
            locator: parsed.locator(),
            file: parsed.value,
        };
        let slot = self
            .annotations_mut(&current.path)
            .ok_or("the file is no longer loaded")?;
        let previous = std::mem::replace(slot, edited);
        match self.prove(fix, value_start) {
            Ok(problems) => {
                self.baseline = problems;
                Ok(())
            }
            Err(why) => {
                if let Some(slot) = self.annotations_mut(&current.path) {
                    *slot = previous;
                }
                Err(why)
            }
        }
    }

    /// Runs the index on the site as it now is in memory: the passage whose value starts
    /// at `value_start` must read the new words and resolve to the intended place, and no
    /// problem may appear that was not there before. Returns the problems that remain.
    fn prove(&self, fix: &Fix, value_start: usize) -> Result<Vec<(String, String)>, String> {
        let annotations = self
            .annotations(&fix.at.file.path)
            .ok_or("the file is no longer loaded")?;
        let passage = passages(&annotations.file)
            .into_iter()
            .find(|p| annotations.locator.locate(p.quote).range.start == value_start)
            .ok_or("the mended quote could not be found again in the edited file")?;
        if normalize(&passage.quote.value) != normalize(&fix.quote) {
            return Err(format!(
                "written back, the quote would read \"{}\"",
                passage.quote.value
            ));
        }
        let reading = self
            .site
            .readings
            .iter()
            .find(|r| r.slug == fix.reading)
            .ok_or("its reading is gone")?;
        let document = Document::parse(reading.markdown());
        let text = TextIndex::new(&document);
        let resolution = text.resolve(&[Selector {
            quote: &passage.quote.value,
            prefix: passage.prefix.map(|s| s.value.as_str()),
            suffix: passage.suffix.map(|s| s.value.as_str()),
        }]);
        match resolution.first() {
            Some(Resolution::Found(range)) if *range == fix.place => {}
            Some(Resolution::Found(_)) => {
                return Err("the mended quote would point at another place".into());
            }
            Some(Resolution::Ambiguous(places)) => {
                return Err(format!(
                    "the mended quote would be found at {} places",
                    places.len()
                ));
            }
            _ => return Err("the mended quote would still not be found".into()),
        }
        let after = problems(&self.site);
        let mut before = self.baseline.clone();
        for problem in &after {
            match before.iter().position(|b| b == problem) {
                Some(i) => {
                    before.swap_remove(i);
                }
                None => {
                    return Err(format!(
                        "the edit would cause a new problem: {} ({})",
                        problem.1, problem.0
                    ));
                }
            }
        }
        Ok(after)
    }

    fn leave(&mut self, fix: &Fix, why: String) {
        self.left_alone.push(
            Diagnostic::warning("E0150", format!("`--fix` left this quote alone: {why}"))
                .at(fix.at.clone(), "left alone")
                .help(format!(
                    "mend it by hand: the closest passage of the text reads \"{}\"",
                    fix.quote
                )),
        );
    }
}

/// The errors of the pipeline as `check` runs it, in memory: the index, the theme, and
/// the rendering once both pass.
pub(crate) fn problems(site: &Site) -> Vec<(String, String)> {
    let theme = crate::templates::Theme::load(&site.templates);
    let mut all = Vec::new();
    match (crate::site::index(site), theme) {
        (Ok(index), Ok(theme)) => {
            if let Err(problems) = crate::render::render(&index, &theme) {
                all.extend(summary(&problems));
            }
        }
        (index, theme) => {
            all.extend(index.err().map(|p| summary(&p)).unwrap_or_default());
            all.extend(theme.err().map(|p| summary(&p)).unwrap_or_default());
        }
    }
    all
}

/// Problems as the comparison before and after an edit sees them: places move, so only
/// what is wrong counts.
fn summary(problems: &[Diagnostic]) -> Vec<(String, String)> {
    problems
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code.to_owned(), d.message.clone()))
        .collect()
}

/// A quote with the context that picks its place.
struct Quoted<'a> {
    quote: &'a Spanned<String>,
    prefix: Option<&'a Spanned<String>>,
    suffix: Option<&'a Spanned<String>>,
}

/// Every passage of an annotation file.
fn passages(file: &AnnotationFile) -> Vec<Quoted<'_>> {
    fn of(p: &Passage) -> Quoted<'_> {
        Quoted {
            quote: &p.quote,
            prefix: p.prefix.as_ref(),
            suffix: p.suffix.as_ref(),
        }
    }
    let mut all: Vec<Quoted> = Vec::new();
    for (_, source) in file.sources.iter() {
        all.extend(source.cited.iter().map(of));
    }
    for (_, crossref) in file.crossrefs.iter() {
        all.push(of(&crossref.from));
        all.push(of(&crossref.to));
    }
    for (_, note) in file.notes.iter() {
        all.push(of(&note.at));
    }
    for (_, pullquote) in file.pullquotes.iter() {
        all.push(Quoted {
            quote: &pullquote.quote,
            prefix: pullquote.prefix.as_ref(),
            suffix: pullquote.suffix.as_ref(),
        });
        all.push(of(&pullquote.after));
    }
    all
}

/// How a YAML scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` or `>`, with any chomping or indentation indicator: the header stays.
    Block,
}

/// A scalar value in a YAML file: how it is written and the bytes it spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub style: Style,
    /// For a block scalar, from its first content character to the end of its last
    /// non-blank line (the header, the indentation and the line breaks around it stay).
    pub span: Range<usize>,
}

impl Value {
    /// The scalar whose value the parser located at `located` (for a block scalar the
    /// parser's span starts at the content and runs into the next line's indentation).
    pub fn at(text: &str, located: Range<usize>) -> Result<Value, String> {
        let start = located.start;
        if start >= text.len() || !text.is_char_boundary(start) {
            return Err("its place in the file is not known".into());
        }
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let before = &text[line_start..start];
        if let Some(anchor) = anchor_before(text, start).filter(|a| is_aliased(text, &a[1..])) {
            return Err(format!(
                "it carries the anchor `{anchor}`, and other entries use its words through an alias"
            ));
        }
        match text[start..].chars().next() {
            Some('*') => {
                Err("it is an alias (`*name`) of a value written elsewhere; mend that value".into())
            }
            Some('"') => closing_double_quote(text, start).map(|end| Value {
                style: Style::DoubleQuoted,
                span: start..end,
            }),
            Some('\'') => closing_single_quote(text, start).map(|end| Value {
                style: Style::SingleQuoted,
                span: start..end,
            }),
            Some(_) if before.trim().is_empty() && follows_block_header(text, line_start) => {
                if before.contains('\t') {
                    return Err("its block is indented with tabs".into());
                }
                Ok(Value {
                    style: Style::Block,
                    span: start..block_end(text, start, before.len()),
                })
            }
            Some(_) => {
                let end = located.end.min(text.len());
                let plain = text
                    .get(start..end)
                    .ok_or("its place in the file is not known")?;
                let plain = plain.trim_end();
                if plain.is_empty() {
                    return Err("it is empty".into());
                }
                Ok(Value {
                    style: Style::Plain,
                    span: start..start + plain.len(),
                })
            }
            None => Err("its place in the file is not known".into()),
        }
    }
}

/// The anchor (`&name`) written before the value at `start`, if any: on its line or on
/// the lines above, up to its key or dash, past tags, a block header and comments.
fn anchor_before(text: &str, start: usize) -> Option<&str> {
    for line in text[..start].rsplit('\n').take(4) {
        let line = match line
            .find('#')
            .filter(|&i| i == 0 || line[..i].ends_with([' ', '\t']))
        {
            Some(comment) => &line[..comment],
            None => line,
        };
        for token in line.split_whitespace().rev() {
            if token.starts_with('&') {
                return Some(token);
            }
            if !(token.starts_with('!') || is_block_indicator(token)) {
                return None;
            }
        }
    }
    None
}

/// Whether an alias `*name` refers to the anchor `&name` anywhere in the file.
fn is_aliased(text: &str, name: &str) -> bool {
    let alias = format!("*{name}");
    text.match_indices(&alias).any(|(i, _)| {
        text[i + alias.len()..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
    })
}

fn closing_double_quote(text: &str, start: usize) -> Result<usize, String> {
    let mut chars = text[start + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return Ok(start + 1 + i + 1),
            _ => {}
        }
    }
    Err("its closing `\"` was not found".into())
}

fn closing_single_quote(text: &str, start: usize) -> Result<usize, String> {
    let rest = &text[start + 1..];
    let mut i = 0;
    while let Some(found) = rest[i..].find('\'') {
        let at = i + found;
        if rest[at + 1..].starts_with('\'') {
            i = at + 2;
        } else {
            return Ok(start + 1 + at + 1);
        }
    }
    Err("its closing `'` was not found".into())
}

/// Whether the last non-blank line before `line_start` ends with a block scalar header
/// (`|`, `>-`, `|2+`, …), comments aside.
fn follows_block_header(text: &str, line_start: usize) -> bool {
    let Some(header) = text[..line_start]
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
    else {
        return false;
    };
    let header = match header.find(" #") {
        Some(comment) => &header[..comment],
        None => header,
    };
    header
        .split_whitespace()
        .next_back()
        .is_some_and(is_block_indicator)
}

fn is_block_indicator(token: &str) -> bool {
    let mut chars = token.chars();
    if !matches!(chars.next(), Some('|' | '>')) {
        return false;
    }
    let rest: Vec<char> = chars.collect();
    let chomp = |c: char| c == '+' || c == '-';
    let digit = |c: char| ('1'..='9').contains(&c);
    match rest[..] {
        [] => true,
        [a] => chomp(a) || digit(a),
        [a, b] => (chomp(a) && digit(b)) || (digit(a) && chomp(b)),
        _ => false,
    }
}

/// The end of a block scalar's last non-blank line: the content runs while lines are
/// blank or indented at least as far as its first line.
fn block_end(text: &str, start: usize, indent: usize) -> usize {
    let first_line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut end = first_line_end;
    let mut at = first_line_end;
    while at < text.len() {
        let line_start = at + 1;
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = text[line_start..line_end].trim_end_matches('\r');
        if !line.trim().is_empty() {
            let spaces = line.len() - line.trim_start_matches(' ').len();
            if spaces < indent {
                break;
            }
            end = line_start + line.len();
        }
        at = line_end;
    }
    text[start..end].trim_end_matches('\r').len() + start
}

/// The ways to write `words` in place of a value of `style`, safest-to-layout first:
/// the value's own style where it can carry the words, then a double-quoted scalar.
pub fn renderings(style: Style, words: &str) -> Vec<String> {
    let mut out = Vec::new();
    match style {
        Style::Plain if plain_can_carry(words) => out.push(words.to_owned()),
        Style::SingleQuoted if words.chars().all(printable) => {
            out.push(format!("'{}'", words.replace('\'', "''")))
        }
        // A block scalar keeps its header and indentation: the words go on one line.
        Style::Block => {
            if !words.is_empty()
                && words.chars().all(|c| printable(c) && c != '\t')
                && !words.starts_with(' ')
            {
                out.push(words.to_owned());
            }
            return out;
        }
        _ => {}
    }
    out.push(double_quoted(words));
    out
}

/// Whether `words` read back as the same string when written plain, in a block mapping
/// or inside a flow mapping. Deliberately narrow: anything doubtful is quoted.
fn plain_can_carry(words: &str) -> bool {
    let Some(first) = words.chars().next() else {
        return false;
    };
    let special = [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf",
    ];
    let numeric = words.starts_with(|c: char| c.is_ascii_digit())
        && words
            .chars()
            .all(|c| c.is_ascii_hexdigit() || "xXoO._+-:".contains(c));
    first.is_alphanumeric()
        && !words.ends_with(' ')
        && !special.contains(&words.to_ascii_lowercase().as_str())
        && !numeric
        && words.chars().all(|c| {
            printable(c) && c != '\t' && !matches!(c, ':' | '#' | ',' | '[' | ']' | '{' | '}')
        })
}

/// Replaces the file at `path` with `edited` if it still holds `original`: written to a
/// temporary file in the same folder with the same permissions, then renamed over it, so
/// that a crash leaves either the old file or the new one, never half of one. (An
/// editor saving between the check and the rename is not caught; the window is that of
/// one rename.)
pub(crate) fn write_if_unchanged(path: &Path, original: &str, edited: &str) -> Result<(), String> {
    // A linked file is replaced where it really is: the link itself stays a link.
    let path = &fs::canonicalize(path).map_err(|e| format!("cannot find it again: {e}"))?;
    let on_disk = fs::read_to_string(path).map_err(|e| format!("cannot read it again: {e}"))?;
    if on_disk != original {
        return Err("it changed on disk while `--fix` ran".into());
    }
    let permissions = fs::metadata(path).map_err(|e| e.to_string())?.permissions();
    let folder = path.parent().ok_or("it has no folder")?;
    let name = path
        .file_name()
        .ok_or("it has no name")?
        .to_string_lossy()
        .into_owned();
    let mut temp = tempfile_in(folder, &name)?;
    let result = (|| {
        temp.1
            .write_all(edited.as_bytes())
            .and_then(|()| temp.1.sync_all())
            .map_err(|e| e.to_string())?;
        fs::set_permissions(&temp.0, permissions).map_err(|e| e.to_string())?;
        fs::rename(&temp.0, path).map_err(|e| e.to_string())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp.0);
    }
    result
}

/// A new file beside `name` that no other process is writing: `.NAME.scholia-fix-N`.
fn tempfile_in(folder: &Path, name: &str) -> Result<(PathBuf, fs::File), String> {
    for n in 0..100 {
        let path = folder.join(format!(".{name}.scholia-fix-{}-{n}", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot create a file beside it: {e}")),
        }
    }
    Err("cannot create a file beside it".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str, quote: &str) -> Value {
        let start = text.find(quote).unwrap();
        Value::at(text, start..start + quote.len()).unwrap()
    }

    #[test]
    fn a_folded_scalar_ends_with_its_last_line_not_the_next_key() {
        let text = "a:\n  at: >-  # why\n    ruled\n\n      the sea\n\n  text: x\n";
        let v = value(text, "ruled");
        assert_eq!(v.style, Style::Block);
        assert_eq!(&text[v.span], "ruled\n\n      the sea");
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote() {
        let text = r#"at: "say \"so\"" # c"#;
        assert_eq!(&text[value(text, "\"say").span], r#""say \"so\"""#);
        let text = "at: 'it''s'\n";
        assert_eq!(&text[value(text, "'it").span], "'it''s'");
    }

    #[test]
    fn a_plain_scalar_after_a_colon_line_is_not_a_block() {
        let text = "at:\n  ruled the sea\n";
        assert_eq!(value(text, "ruled the sea").style, Style::Plain);
    }

    #[test]
    fn values_shared_through_an_alias_are_not_edited() {
        for text in [
            "at: &k ruled\nto: *k\n",
            "at: !!str &k ruled\nto: {quote: *k}\n",
            "at: &k |  # c\n  ruled\nto: *k",
            "- quote: &k\n    # c\n    ruled\n- *k\n",
        ] {
            let start = text.find("ruled").unwrap();
            assert!(Value::at(text, start..start + 5).is_err(), "{text}");
        }
        for text in ["at: {quote: ruled}\n", "at: &k ruled\nto: *kk\n"] {
            let start = text.find("ruled").unwrap();
            assert!(Value::at(text, start..start + 5).is_ok(), "{text}");
        }
        assert!(Value::at("at: *k\n", 4..6).is_err());
    }

    #[test]
    fn words_that_plain_yaml_would_misread_are_quoted() {
        for words in ["true", "1939", "a: b", "a #b", "x, y", "[x]", "-x", "‘x’"] {
            assert_eq!(
                renderings(Style::Plain, words),
                vec![double_quoted(words)],
                "{words}"
            );
        }
        assert_eq!(
            renderings(Style::Plain, "ruled the seas"),
            vec!["ruled the seas".to_owned(), "\"ruled the seas\"".to_owned()]
        );
    }

    #[test]
    fn a_file_changed_on_disk_since_it_was_read_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("annotations.yaml");
        fs::write(&path, "saved by the editor\n").unwrap();
        let result = write_if_unchanged(&path, "read by scholia\n", "mended\n");
        assert!(result.unwrap_err().contains("changed on disk"));
        assert_eq!(fs::read_to_string(&path).unwrap(), "saved by the editor\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_not_written_example_in_docs_diagnostics_is_real_output() {
        let doc = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md"))
            .unwrap();
        let section = &doc[doc.find("## E0151:").unwrap()..];
        let example = section.split("```\n").nth(1).unwrap();
        let file = SourceFile::new("content/reading/annotations.yaml", "notes:\n  sea: {}\n");
        let d = not_written(&file, "it changed on disk while `--fix` ran");
        assert_eq!(example, format!("$ scholia check --fix\n{}\n", d.render()));
    }
}
