//! `scholia import annotations FILE --reading SLUG`: annotations made elsewhere (a
//! Hypothesis export, W3C Web Annotations, scholia's own export) added to a reading's
//! `annotations.yaml` as new lines, each proven before anything is written.
//!
//! 1. Read the file ([`read`]): each annotation, its target's selectors, and what it
//!    becomes by the convention of docs/import.md (a note, a gloss, a source's
//!    citation, a cross-reference).
//! 2. Anchor each target in the reading text ([`Text::locate`]): its TextQuoteSelector's
//!    quote, with the place its prefix and suffix fit best when the quote is repeated;
//!    else its TextPositionSelector, counted in `text.txt`, if the words there are the
//!    quote. An annotation that cannot be anchored is an orphan: reported (W0800) with
//!    the closest passage, and not written.
//! 3. Write each passage with the least context that singles it out ([`Text::passage`]):
//!    the quote alone when it is unique, else the shortest prefix or suffix.
//! 4. Bodies become Markdown ([`html`]); ids are the annotation's own when it was
//!    scholia's, else made from its words, and never one the site has ([`Ids`]).
//! 5. The YAML goes in as whole lines ([`write::insertions`]): at the end of the section
//!    it belongs to, or as a new section at the file's end. Every byte of the file as it
//!    was is kept, in order; a section in flow style cannot take lines (W0803).
//! 6. Prove, as `check --fix` does: the new file parses with every new entry in it and
//!    every value it had reading back the same, the site checks with no problem it did
//!    not have, and each passage resolves to the place chosen. Then write it atomically, only if the file is unchanged on disk
//!    (E0805), or, with `--dry-run`, print the YAML.
//!
//! Entry point: [`import`].

pub mod html;
pub mod read;
pub mod write;

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::Failure;
use crate::annotations::anchor::{Context, Resolution, Selector, TextIndex, normalize};
use crate::annotations::model::{AnnotationFile, GlossKind, SourceKind};
use crate::content::{Annotations, Site};
use crate::diagnostics::{Diagnostic, Location, SourceFile};
use crate::export::PlainText;
use crate::markdown::{BLOCK_SEPARATOR, Document};
use read::{Body, Incoming, Target, What};
use write::PassageYaml;

/// What `import` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The reading the annotations are on.
    pub reading: String,
    /// Print the YAML; write nothing.
    pub dry_run: bool,
}

/// What `import` did.
#[derive(Debug)]
pub struct Outcome {
    /// The format the file was in.
    pub format: &'static str,
    /// The file the annotations go into, from the site's root.
    pub file: PathBuf,
    /// The YAML added (or, with `--dry-run`, that would be), each part not at the
    /// file's end after a comment naming the line it follows.
    pub yaml: String,
    /// One line for each entry written: its kind and id.
    pub imported: Vec<String>,
    /// Annotations read from the file.
    pub read: usize,
    /// Of those, anchored in the text (written, unless W0802 or W0803 says otherwise).
    pub anchored: usize,
    /// Orphans and everything else left out or changed, as warnings.
    pub warnings: Vec<Diagnostic>,
    /// Whether the file was written.
    pub written: bool,
}

impl Outcome {
    /// Orphans: annotations not anchored in the text.
    pub fn orphans(&self) -> usize {
        self.warnings.iter().filter(|d| d.code == "W0800").count()
    }
}

/// Imports the annotations of `file` into a reading of the site at `root`.
pub fn import(root: &Path, file: &Path, options: &Options) -> Result<Outcome, Failure> {
    let bytes = std::fs::read(file).map_err(|e| {
        Failure::Input(vec![
            Diagnostic::error("E0803", format!("cannot read {}: {e}", file.display()))
                .help("give the path of an export file (JSON) that exists and can be read"),
        ])
    })?;
    let input = crate::content::text::decode(file, bytes).map_err(|d| Failure::Input(vec![d]))?;
    let (format, incoming) = read::read(&input.text).map_err(|e| {
        let code = if e.at.is_some() { "E0800" } else { "E0801" };
        let at = e.at.and_then(|(l, c)| input.offset_of(l, c)).map_or_else(
            || Location::start_of(&input),
            |o| Location::new(&input, o..o),
        );
        Failure::Input(vec![
            Diagnostic::error(
                code,
                format!("{} cannot be imported: {}", input.path.display(), e.message),
            )
            .at(at, "here")
            .help(e.help),
        ])
    })?;
    let mut site = crate::content::load(root).map_err(Failure::Input)?;
    let Some(r) = site
        .readings
        .iter()
        .position(|x| x.slug.as_str() == options.reading)
    else {
        let slugs: Vec<&str> = site.readings.iter().map(|x| x.slug.as_str()).collect();
        return Err(Failure::Input(vec![
            Diagnostic::error(
                "E0802",
                format!("there is no reading `{}` to import into", options.reading),
            )
            .help(if slugs.is_empty() {
                "the site has no reading yet: make one with `scholia new SLUG`".to_owned()
            } else {
                format!("the readings are: {}", slugs.join(", "))
            }),
        ]));
    };

    let documents: Vec<Document> = site
        .readings
        .iter()
        .map(|x| Document::parse(x.markdown()))
        .collect();
    let texts: Vec<Text> = documents.iter().map(Text::new).collect();
    let slugs: Vec<String> = site
        .readings
        .iter()
        .map(|x| x.slug.as_str().to_owned())
        .collect();
    let mut ids = Ids::of(&site);
    let known = Known::of(&site);
    let mut anchored = 0;
    let mut drafts = Drafts::default();
    let mut warnings = Vec::new();
    let orphan = |inc: &Incoming, why: String, help: String| {
        Diagnostic::warning(
            "W0800",
            format!("annotation `{}` was not imported: {why}", inc.id),
        )
        .at(place_in(&input, &inc.needle), "not anchored")
        .help(help)
    };

    for inc in &incoming {
        if let Some(why) = &inc.skip {
            warnings.push(
                Diagnostic::warning(
                    "W0802",
                    format!("annotation `{}` was left out: {why}", inc.id),
                )
                .at(place_in(&input, &inc.needle), "left out")
                .help(
                    "scholia imports annotations on the text; add this one by hand if it belongs",
                ),
            );
            continue;
        }
        let Some(target) = &inc.target else {
            warnings.push(orphan(
                inc,
                "it has no TextQuoteSelector or TextPositionSelector".into(),
                "a note on the whole page has no words to mark: add it to the reading's `editor_note` if it belongs".into(),
            ));
            continue;
        };
        if let Some(other) = other_reading(target, &slugs, r) {
            warnings.push(
                Diagnostic::warning(
                    "W0802",
                    format!(
                        "annotation `{}` was left out: it is on the reading `{}`",
                        inc.id, slugs[other]
                    ),
                )
                .at(place_in(&input, &inc.needle), "left out")
                .help(format!(
                    "import the file into that reading too: `--reading {}`",
                    slugs[other]
                )),
            );
            continue;
        }
        let text = &texts[r];
        let place = text.locate(target).and_then(|range| {
            text.passage(&range, !matches!(inc.what, What::Gloss { .. }))
                .map(|p| (range, p))
        });
        let (range, passage) = match place {
            Ok(found) => found,
            Err(why) => {
                let help = match text.closest(target) {
                    Some((words, alike)) => format!(
                        "the closest passage of the text reads \"{words}\" ({alike}% alike): mend the annotation where it was made, or add it by hand"
                    ),
                    None => "no passage of the text is like it: it may be on another version of the text".into(),
                };
                warnings.push(orphan(inc, why, help));
                continue;
            }
        };
        anchored += 1;
        let already = match &inc.what {
            What::Gloss { .. } => known
                .forms
                .get(&normalize(&documents[r].text[range.clone()]))
                .map(|g| format!("its words are glossed already, by `{g}`")),
            What::Note { id: Some(id), text } => known
                .notes
                .get(id)
                .filter(|t| **t == normalize(&html::markdown_of(text).0))
                .map(|_| format!("the note `{id}` is in the site already")),
            What::CrossRef {
                id: Some(id), note, ..
            } => known
                .crossrefs
                .get(id)
                .filter(|t| **t == normalize(&html::markdown_of(note).0))
                .map(|_| format!("the cross-reference `{id}` is in the site already")),
            What::Citation { id, .. } if known.sources.contains(id) => Some(format!(
                "the source `{id}` is in the site already (add the passage to its `cited:` by hand if it is not there)"
            )),
            _ => None,
        };
        if let Some(why) = already {
            warnings.push(
                Diagnostic::warning(
                    "W0802",
                    format!("annotation `{}` was left out: {why}", inc.id),
                )
                .at(place_in(&input, &inc.needle), "left out")
                .help("nothing of it is missing from the site"),
            );
            continue;
        }
        let origin = inc.id.clone();
        let mut body = |b: &Body| {
            let (md, changed) = html::markdown_of(b);
            if changed {
                warnings.push(
                    Diagnostic::warning("W0801", format!("the body of annotation `{}` held HTML a note may not hold", inc.id))
                        .at(place_in(&input, &inc.needle), "rewritten")
                        .help("it is imported as Markdown without it: scripts, unsafe links and unknown tags are left out, their words kept; read the note over"),
                );
            }
            md
        };
        match &inc.what {
            What::Note { id, text: b } => {
                let words = body(b);
                let id = ids.take(id.as_deref(), &passage.quote);
                drafts.notes.push(NoteDraft {
                    id,
                    at: passage,
                    text: words,
                    origin,
                    place: range.start,
                });
            }
            What::CrossRef { id, note, to } => {
                let words = body(note);
                let to_reading = other_reading(to, &slugs, r).unwrap_or(r);
                let to_text = &texts[to_reading];
                let to_passage = match to_text.locate(to).and_then(|t| to_text.passage(&t, true)) {
                    Ok(p) => p,
                    Err(why) => {
                        anchored -= 1;
                        warnings.push(orphan(inc, format!("the passage it links to cannot be anchored: {why}"), "mend the cross-reference's `to` passage where it was made, or add it by hand".into()));
                        continue;
                    }
                };
                let to_passage = PassageYaml {
                    reading: (to_reading != r).then(|| slugs[to_reading].clone()),
                    ..to_passage
                };
                let id = ids.take(id.as_deref(), &passage.quote);
                drafts.crossrefs.push(CrossRefDraft {
                    id,
                    from: passage,
                    to: to_passage,
                    note: words,
                    origin,
                    place: range.start,
                });
            }
            What::Gloss {
                id,
                term,
                kind,
                text: b,
                dates,
            } => {
                let form = documents[r].text[range.clone()].to_owned();
                let key = id
                    .clone()
                    .unwrap_or_else(|| term.clone().unwrap_or_else(|| form.clone()));
                match drafts.glosses.get_mut(&key) {
                    Some(g) => {
                        if !g.forms.iter().any(|f| normalize(f) == normalize(&form)) {
                            g.forms.push(form);
                        }
                    }
                    None => {
                        let words = body(b);
                        let term = term.clone().unwrap_or_else(|| form.clone());
                        let id = ids.take(id.as_deref(), &term);
                        drafts.gloss_order.push(key.clone());
                        drafts.glosses.insert(
                            key,
                            GlossDraft {
                                id,
                                term,
                                kind: *kind,
                                text: words,
                                dates: dates.clone(),
                                forms: vec![form],
                                origin,
                            },
                        );
                    }
                }
            }
            What::Citation {
                id,
                kind,
                html: h,
                url,
            } => match drafts.sources.get_mut(id) {
                Some(s) => s.cited.push(passage),
                None => {
                    let new_id = ids.take(Some(id), id);
                    drafts.source_order.push(id.clone());
                    drafts.sources.insert(
                        id.clone(),
                        SourceDraft {
                            id: new_id,
                            kind: *kind,
                            html: h.clone(),
                            url: url.clone(),
                            cited: vec![passage],
                            origin,
                        },
                    );
                }
            },
        }
    }

    drafts.notes.sort_by_key(|n| n.place);
    drafts.crossrefs.sort_by_key(|n| n.place);
    let annotations_path = site.readings[r]
        .annotations
        .as_ref()
        .map(|a| a.locator.file.path.clone())
        .unwrap_or_else(|| {
            PathBuf::from("content")
                .join(&options.reading)
                .join("annotations.yaml")
        });
    let original = site.readings[r]
        .annotations
        .as_ref()
        .map(|a| a.locator.file.text.clone());
    let existing = original.clone().unwrap_or_default();
    let mut outcome = Outcome {
        format: format.name(),
        file: annotations_path.clone(),
        yaml: String::new(),
        imported: Vec::new(),
        read: incoming.len(),
        anchored,
        warnings,
        written: false,
    };
    if drafts.is_empty() {
        return Ok(outcome);
    }
    for (section, why, key) in write::blocked(&existing, &drafts.wanted()) {
        let yaml = drafts.entries(section, 2, false);
        let ids = drafts.take(section);
        let d = Diagnostic::warning(
            "W0803",
            format!("imported {section} not written ({}): {why}", ids.join(", ")),
        )
        .help(format!(
            "add them under `{section}:` by hand, or write the section in block style (each entry on lines of its own) and import again:\n{}",
            yaml.trim_end()
        ));
        outcome
            .warnings
            .push(match site.readings[r].annotations.as_ref() {
                Some(a) => d.at(Location::new(&a.locator.file, key), "not written"),
                None => d,
            });
    }
    if drafts.is_empty() {
        return Ok(outcome);
    }
    let mut insertions = drafts.insertions(&existing, original.is_none(), format, true);
    let mut new_text = write::apply(&existing, &insertions);
    let file = SourceFile::new(annotations_path.clone(), new_text.clone());
    if !keeps_what_was_there(&annotations_path, &existing, &file) {
        // The last value before the blank lines keeps them (`|+`): go after them.
        insertions = drafts.insertions(&existing, original.is_none(), format, false);
        new_text = write::apply(&existing, &insertions);
    }
    prove(
        &mut site,
        r,
        &annotations_path,
        &existing,
        &new_text,
        &drafts,
    )?;
    outcome.yaml = shown(&insertions);
    outcome.imported = drafts.summary();
    if options.dry_run {
        return Ok(outcome);
    }
    let full = root.join(&annotations_path);
    let written = match &original {
        Some(original) => crate::fix::write_if_unchanged(&full, original, &new_text),
        None => create_new(&full, &new_text),
    };
    written.map_err(|why| {
        let why = why.replace("while `--fix` ran", "while the annotations were imported");
        Failure::Input(vec![not_written(&annotations_path, &existing, &why)])
    })?;
    outcome.written = true;
    Ok(outcome)
}

/// The YAML added, as `--dry-run` prints it: each part that does not go at the file's
/// end after a comment saying where it goes.
fn shown(insertions: &[write::Insertion]) -> String {
    if insertions.iter().all(|i| i.at_end) {
        return insertions.iter().map(|i| i.text.as_str()).collect();
    }
    let mut out = String::new();
    for i in insertions {
        if i.at_end {
            out.push_str("# at the end of the file:\n");
        } else {
            out.push_str(&format!("# after line {}:\n", i.after_line));
        }
        out.push_str(&i.text);
    }
    out
}

/// E0805: the reading's annotations could not be written.
fn not_written(path: &Path, existing: &str, why: &str) -> Diagnostic {
    let file = SourceFile::new(path.to_path_buf(), existing.to_owned());
    Diagnostic::error(
        "E0805",
        format!("{} was not written: {why}", path.display()),
    )
    .at(Location::start_of(&file), "not written")
    .help(
        "the file is as it was; save your editor's changes (or make it writable) and import again",
    )
}

/// E0804: the file with the imported annotations would not check.
fn would_not_check(why: &str) -> Diagnostic {
    Diagnostic::error("E0804", format!("the imported annotations would not check: {why}"))
        .help("nothing was written; run with `--dry-run` to see the YAML, and report this if the export is sound")
}

/// The reading a target's page names, when it is one of the site's readings but not `r`.
fn other_reading(target: &Target, slugs: &[String], r: usize) -> Option<usize> {
    let source = target.source.as_deref()?;
    let path = source.split(['#', '?']).next().unwrap_or(source);
    let path = path.strip_suffix("index.html").unwrap_or(path);
    let slug = path.trim_end_matches('/').rsplit('/').next()?;
    let slug = slug.rsplit(':').next().unwrap_or(slug);
    slugs.iter().position(|s| s == slug).filter(|&o| o != r)
}

/// Where an annotation is written in the import file: its id, else the file's start.
fn place_in(file: &Arc<SourceFile>, needle: &str) -> Location {
    let quoted = format!("\"{needle}\"");
    match (!needle.is_empty())
        .then(|| file.text.find(&quoted))
        .flatten()
    {
        Some(at) => Location::new(file, at + 1..at + 1 + needle.len()),
        None => Location::start_of(file),
    }
}

fn create_new(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| e.to_string())?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| e.to_string())
}

/// Runs the pipeline on the site with the new file in memory.
fn prove(
    site: &mut Site,
    r: usize,
    path: &Path,
    existing: &str,
    new_text: &str,
    drafts: &Drafts,
) -> Result<(), Failure> {
    let refused = |why: String| Failure::Input(vec![would_not_check(&why)]);
    let baseline = crate::fix::problems(site);
    let file = SourceFile::new(path.to_path_buf(), new_text.to_owned());
    if !keeps_what_was_there(path, existing, &file) {
        return Err(refused(
            "an entry the file had would not read back the same".into(),
        ));
    }
    let parsed = crate::yaml::parse::<AnnotationFile>(&file, 0..file.text.len())
        .map_err(|d| refused(format!("the file would not read as YAML ({})", d.message)))?;
    let before = site.readings[r]
        .annotations
        .as_ref()
        .map(|a| counts(&a.file))
        .unwrap_or_default();
    let after = counts(&parsed.value);
    let added = [
        drafts.glosses.len(),
        drafts.sources.len(),
        drafts.crossrefs.len(),
        drafts.notes.len(),
    ];
    for k in 0..4 {
        if after[k] != before[k] + added[k] {
            return Err(refused(
                "the new entries would not all read back from the file".into(),
            ));
        }
    }
    site.readings[r].annotations = Some(Annotations {
        locator: parsed.locator(),
        file: parsed.value,
    });
    let mut remaining = baseline;
    for problem in crate::fix::problems(site) {
        match remaining.iter().position(|b| *b == problem) {
            Some(i) => {
                remaining.swap_remove(i);
            }
            None => return Err(refused(format!("{} ({})", problem.1, problem.0))),
        }
    }
    if let Ok(index) = crate::site::index(site) {
        for note in &drafts.notes {
            let found = index.notes.iter().find(|n| n.id == note.id);
            if found.is_none_or(|n| n.at.reading != r || n.at.range.start != note.place) {
                return Err(refused(format!(
                    "the note `{}` would not be where it was anchored",
                    note.id
                )));
            }
        }
        for x in &drafts.crossrefs {
            let found = index.crossrefs.iter().find(|n| n.id == x.id);
            if found.is_none_or(|n| n.from.reading != r || n.from.range.start != x.place) {
                return Err(refused(format!(
                    "the cross-reference `{}` would not be where it was anchored",
                    x.id
                )));
            }
        }
    }
    Ok(())
}

/// Whether every value the file held before reads back the same from the new file: new
/// lines in the middle of a file must not fall inside an entry (a block scalar, say).
/// A section may gain entries; nothing else may change.
fn keeps_what_was_there(path: &Path, existing: &str, new: &Arc<SourceFile>) -> bool {
    use serde_json::Value;
    let old = SourceFile::new(path.to_path_buf(), existing.to_owned());
    let Ok(old) = crate::yaml::parse::<Value>(&old, 0..old.text.len()) else {
        // The file as it was read as an annotation file: a loose reading cannot fail.
        return existing.trim().is_empty();
    };
    let Ok(new) = crate::yaml::parse::<Value>(new, 0..new.text.len()) else {
        return false;
    };
    let (old, new) = (old.value, new.value);
    let Some(new) = new.as_object() else {
        return false;
    };
    let Some(old) = old.as_object() else {
        return old.is_null();
    };
    old.iter().all(|(key, was)| match (was, new.get(key)) {
        (Value::Object(was), Some(Value::Object(now))) => {
            was.iter().all(|(id, entry)| now.get(id) == Some(entry))
        }
        (Value::Null, Some(Value::Object(_))) => true,
        (was, now) => now == Some(was),
    })
}

fn counts(file: &AnnotationFile) -> [usize; 4] {
    [
        file.glosses.len(),
        file.sources.len(),
        file.crossrefs.len(),
        file.notes.len(),
    ]
}

/// A reading's text, ready to anchor selectors in.
struct Text<'d> {
    index: TextIndex<'d>,
    plain: PlainText,
    /// For each code point of the plain text, and its end: the reading-text byte offset.
    bytes: Vec<usize>,
}

impl<'d> Text<'d> {
    fn new(document: &'d Document) -> Text<'d> {
        let text = &document.text;
        let kept = text.trim_end_matches(BLOCK_SEPARATOR).len();
        let mut bytes = Vec::with_capacity(kept + 1);
        for (i, c) in text[..kept].char_indices() {
            bytes.push(i);
            if c == BLOCK_SEPARATOR {
                bytes.push(i);
            }
        }
        bytes.push(kept);
        Text {
            index: TextIndex::new(document),
            plain: PlainText::new(text),
            bytes,
        }
    }

    fn document(&self) -> &Document {
        self.index.document
    }

    /// The range of the reading text a target's selectors point at.
    fn locate(&self, target: &Target) -> Result<Range<usize>, String> {
        let by_position = target.position.and_then(|(start, end)| {
            (start < end && end <= self.plain.len())
                .then(|| self.bytes[start]..self.bytes[end])
                .map(|r| trim(&self.document().text, r))
        });
        let Some(quote) = &target.quote else {
            return by_position
                .filter(|r| !r.is_empty())
                .ok_or_else(|| "its position is outside the text".to_owned());
        };
        let exact = normalize(&quote.exact);
        let is_exact = |r: &Range<usize>| normalize(&self.document().text[r.clone()]) == exact;
        let alone = Selector {
            quote: &quote.exact,
            prefix: None,
            suffix: None,
        };
        match self.index.resolve(&[alone]).remove(0) {
            Resolution::Found(range) => Ok(range),
            Resolution::Ambiguous(places) => {
                let scored: Vec<(usize, &Range<usize>)> = places
                    .iter()
                    .map(|p| {
                        (
                            self.context_score(p, quote.prefix.as_deref(), quote.suffix.as_deref()),
                            p,
                        )
                    })
                    .collect();
                let best = scored.iter().map(|s| s.0).max().unwrap_or(0);
                let top: Vec<&Range<usize>> =
                    scored.iter().filter(|s| s.0 == best).map(|s| s.1).collect();
                if let [one] = top[..] {
                    return Ok(one.clone());
                }
                if let Some(p) = by_position.filter(|p| places.contains(p)) {
                    return Ok(p);
                }
                Err(format!(
                    "its quote is found at {} places, and its context does not tell them apart",
                    places.len()
                ))
            }
            Resolution::NotFound => match by_position {
                Some(p) if is_exact(&p) => Ok(p),
                _ => Err("its quote is not in the text".into()),
            },
        }
    }

    /// How much of a prefix and a suffix fit the text around a place, in characters.
    fn context_score(
        &self,
        place: &Range<usize>,
        prefix: Option<&str>,
        suffix: Option<&str>,
    ) -> usize {
        let at = self.plain.range(place);
        let mut score = 0;
        if let Some(prefix) = prefix.map(normalize) {
            let n = prefix.chars().count() + 8;
            let before = normalize(self.plain.slice(at.start.saturating_sub(n)..at.start));
            score += prefix
                .chars()
                .rev()
                .zip(before.chars().rev())
                .take_while(|(a, b)| a == b)
                .count();
        }
        if let Some(suffix) = suffix.map(normalize) {
            let n = suffix.chars().count() + 8;
            let after = normalize(self.plain.slice(at.end..(at.end + n).min(self.plain.len())));
            score += suffix
                .chars()
                .zip(after.chars())
                .take_while(|(a, b)| a == b)
                .count();
        }
        score
    }

    /// A passage for a place: the quote alone, or with the least context that singles it
    /// out. `marked`: a note's place must be able to carry a mark.
    fn passage(&self, range: &Range<usize>, marked: bool) -> Result<PassageYaml, String> {
        let text = &self.document().text;
        let quote = &text[range.clone()];
        if quote.contains(BLOCK_SEPARATOR) {
            return Err("its quote runs across paragraphs, and a passage stays in one".into());
        }
        if marked && !self.document().is_markable(range) {
            return Err("its words cannot carry a mark (alt text, or raw HTML's own text)".into());
        }
        let plain = |c: Option<Context>| PassageYaml {
            quote: quote.to_owned(),
            prefix: match &c {
                Some(Context::Prefix(p)) => Some(p.clone()),
                _ => None,
            },
            suffix: match &c {
                Some(Context::Suffix(s)) => Some(s.clone()),
                _ => None,
            },
            reading: None,
        };
        let check = |p: &PassageYaml| {
            let selector = Selector {
                quote: &p.quote,
                prefix: p.prefix.as_deref(),
                suffix: p.suffix.as_deref(),
            };
            self.index.resolve(&[selector]).remove(0) == Resolution::Found(range.clone())
        };
        match self
            .index
            .resolve(&[Selector {
                quote,
                prefix: None,
                suffix: None,
            }])
            .remove(0)
        {
            Resolution::Found(found) if found == *range => Ok(plain(None)),
            Resolution::Ambiguous(places) => {
                let i = places
                    .iter()
                    .position(|p| p == range)
                    .ok_or("its quote starts or ends inside a word")?;
                let context = self.index.disambiguate(&places).swap_remove(i);
                let p = plain(Some(context.ok_or(
                    "no context of up to eight words tells its place from the others",
                )?));
                if check(&p) {
                    Ok(p)
                } else {
                    Err("no context tells its place from the others".into())
                }
            }
            _ => Err("its quote starts or ends inside a word".into()),
        }
    }

    /// The passage most like a target's quote, and how alike in percent.
    fn closest(&self, target: &Target) -> Option<(String, u32)> {
        let quote = target.quote.as_ref()?;
        let c = self.index.closest_to(&Selector {
            quote: &quote.exact,
            prefix: quote.prefix.as_deref(),
            suffix: quote.suffix.as_deref(),
        })?;
        let words = self.document().text[c.range.clone()].replace(BLOCK_SEPARATOR, " ");
        Some((words, (c.similarity * 100.0).round() as u32))
    }
}

/// A range without the white space at its ends.
fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let start = r.start
        + (s.len()
            - s.trim_start_matches(|c: char| c.is_whitespace() || c == BLOCK_SEPARATOR)
                .len());
    let end = r.end
        - (s.len()
            - s.trim_end_matches(|c: char| c.is_whitespace() || c == BLOCK_SEPARATOR)
                .len());
    start..end.max(start)
}

/// What the site has already, so that an import made twice adds nothing twice.
struct Known {
    /// Each gloss form (or term, for a gloss without forms), normalised → its gloss.
    forms: BTreeMap<String, String>,
    /// Each note's id → its text, normalised.
    notes: BTreeMap<String, String>,
    /// Each cross-reference's id → its note, normalised.
    crossrefs: BTreeMap<String, String>,
    /// Each source's id.
    sources: HashSet<String>,
}

impl Known {
    fn of(site: &Site) -> Known {
        let mut known = Known {
            forms: BTreeMap::new(),
            notes: BTreeMap::new(),
            crossrefs: BTreeMap::new(),
            sources: HashSet::new(),
        };
        let files = site
            .shared
            .iter()
            .chain(site.readings.iter().filter_map(|r| r.annotations.as_ref()));
        for a in files {
            for (id, gloss) in a.file.glosses.iter() {
                let forms: Vec<&str> = if gloss.forms.is_empty() {
                    vec![gloss.term.value.as_str()]
                } else {
                    gloss.forms.iter().map(|f| f.value.as_str()).collect()
                };
                for form in forms {
                    known
                        .forms
                        .insert(normalize(form), id.written.value.clone());
                }
            }
            for (id, x) in a.file.crossrefs.iter() {
                known
                    .crossrefs
                    .insert(id.written.value.clone(), normalize(&x.note.value));
            }
            for (id, _) in a.file.sources.iter() {
                known.sources.insert(id.written.value.clone());
            }
            for (id, note) in a.file.notes.iter() {
                known
                    .notes
                    .insert(id.written.value.clone(), normalize(&note.text.value));
            }
        }
        known
    }
}

/// The ids the site has, and the ones given out.
struct Ids {
    taken: HashSet<String>,
}

impl Ids {
    fn of(site: &Site) -> Ids {
        let mut taken = HashSet::new();
        let files = site
            .shared
            .iter()
            .chain(site.readings.iter().filter_map(|r| r.annotations.as_ref()));
        for a in files {
            let f = &a.file;
            let keys = f
                .glosses
                .iter()
                .map(|(k, _)| k)
                .chain(f.sources.iter().map(|(k, _)| k))
                .chain(f.crossrefs.iter().map(|(k, _)| k))
                .chain(f.notes.iter().map(|(k, _)| k))
                .chain(f.pullquotes.iter().map(|(k, _)| k));
            for k in keys {
                taken.insert(k.written.value.clone());
            }
        }
        Ids { taken }
    }

    /// `given` when it is an id and free, else one made from `words`; never one taken.
    fn take(&mut self, given: Option<&str>, words: &str) -> String {
        let base = given
            .filter(|g| crate::names::Id::parse(g).is_some())
            .map(str::to_owned)
            .unwrap_or_else(|| id_from(words));
        let mut id = base.clone();
        let mut n = 2;
        while self.taken.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.taken.insert(id.clone());
        id
    }
}

/// An id from the first words of a text: ASCII letters and digits, joined by `-`.
fn id_from(words: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for word in words.split(|c: char| !c.is_alphanumeric()) {
        let ascii: String = word.chars().filter_map(ascii_fold).collect();
        if !ascii.is_empty() {
            parts.push(ascii);
        }
        if parts.len() == 4 {
            break;
        }
    }
    let id = parts.join("-");
    match id.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => id,
        Some(_) => format!("n-{id}"),
        None => "note".into(),
    }
}

/// A letter or digit as ASCII, its accent dropped where it is a common Latin letter.
fn ascii_fold(c: char) -> Option<char> {
    let c = c.to_lowercase().next()?;
    if c.is_ascii_alphanumeric() {
        return Some(c);
    }
    let from = "àáâãäåāçćčèéêëēęìíîïīłñńòóôõöøōùúûüūýÿžźżšśğ";
    let to = "aaaaaaacccceeeeeeiiiiilnnooooooouuuuuyyzzzssg";
    from.chars()
        .position(|f| f == c)
        .and_then(|i| to.chars().nth(i))
}

struct NoteDraft {
    id: String,
    at: PassageYaml,
    text: String,
    origin: String,
    place: usize,
}

struct CrossRefDraft {
    id: String,
    from: PassageYaml,
    to: PassageYaml,
    note: String,
    origin: String,
    place: usize,
}

struct GlossDraft {
    id: String,
    term: String,
    kind: GlossKind,
    text: String,
    dates: Option<String>,
    forms: Vec<String>,
    origin: String,
}

struct SourceDraft {
    id: String,
    kind: SourceKind,
    html: String,
    url: Option<String>,
    cited: Vec<PassageYaml>,
    origin: String,
}

#[derive(Default)]
struct Drafts {
    glosses: BTreeMap<String, GlossDraft>,
    gloss_order: Vec<String>,
    sources: BTreeMap<String, SourceDraft>,
    source_order: Vec<String>,
    crossrefs: Vec<CrossRefDraft>,
    notes: Vec<NoteDraft>,
}

impl Drafts {
    fn is_empty(&self) -> bool {
        self.glosses.is_empty()
            && self.sources.is_empty()
            && self.crossrefs.is_empty()
            && self.notes.is_empty()
    }

    fn summary(&self) -> Vec<String> {
        let mut out = Vec::new();
        for key in &self.gloss_order {
            out.push(format!("gloss `{}`", self.glosses[key].id));
        }
        for key in &self.source_order {
            out.push(format!("source `{}`", self.sources[key].id));
        }
        out.extend(
            self.crossrefs
                .iter()
                .map(|x| format!("cross-reference `{}`", x.id)),
        );
        out.extend(self.notes.iter().map(|n| format!("note `{}`", n.id)));
        out
    }

    /// The sections that have entries, in the order they are written.
    fn wanted(&self) -> Vec<&'static str> {
        let mut wanted = Vec::new();
        for (key, empty) in [
            ("glosses", self.glosses.is_empty()),
            ("sources", self.sources.is_empty()),
            ("crossrefs", self.crossrefs.is_empty()),
            ("notes", self.notes.is_empty()),
        ] {
            if !empty {
                wanted.push(key);
            }
        }
        wanted
    }

    /// Drops the entries of a section, giving their ids.
    fn take(&mut self, section: &str) -> Vec<String> {
        match section {
            "glosses" => {
                self.gloss_order.clear();
                std::mem::take(&mut self.glosses)
                    .into_values()
                    .map(|g| g.id)
                    .collect()
            }
            "sources" => {
                self.source_order.clear();
                std::mem::take(&mut self.sources)
                    .into_values()
                    .map(|s| s.id)
                    .collect()
            }
            "crossrefs" => std::mem::take(&mut self.crossrefs)
                .into_iter()
                .map(|x| x.id)
                .collect(),
            _ => std::mem::take(&mut self.notes)
                .into_iter()
                .map(|n| n.id)
                .collect(),
        }
    }

    /// The lines to add to `existing`.
    fn insertions(
        &self,
        existing: &str,
        new_file: bool,
        format: read::Format,
        tidy: bool,
    ) -> Vec<write::Insertion> {
        let wanted = self.wanted();
        let mut insertions =
            write::insertions(existing, &wanted, tidy, |section, indent, spaced| {
                self.entries(section, indent, spaced)
            });
        if new_file && let Some(first) = insertions.first_mut() {
            first.text = format!(
                "# Annotations imported by `scholia import annotations` from a {} export.\n# The format: docs/annotations.md.\n{}",
                format.name(),
                first.text.trim_start_matches('\n')
            );
        }
        insertions
    }

    /// The entries of `section` at `indent`; each after a blank line when `spaced`.
    fn entries(&self, section: &str, indent: usize, spaced: bool) -> String {
        let mut out = String::new();
        let pad = " ".repeat(indent);
        let inner = indent + 2;
        let origin = |out: &mut String, from: &str| {
            if spaced {
                out.push('\n');
            }
            if !from.is_empty() {
                let from: String = from.chars().filter(|c| !c.is_control()).collect();
                out.push_str(&format!("{pad}# imported from {from}\n"));
            }
        };
        match section {
            "glosses" => {
                for key in &self.gloss_order {
                    let g = &self.glosses[key];
                    origin(&mut out, &g.origin);
                    out.push_str(&format!("{pad}{}:\n", g.id));
                    write::write_string(&mut out, inner, "term", &g.term);
                    out.push_str(&format!("{}kind: {}\n", " ".repeat(inner), g.kind.name()));
                    out.push_str(&format!("{}match:\n", " ".repeat(inner)));
                    for f in &g.forms {
                        out.push_str(&format!(
                            "{}  - {}\n",
                            " ".repeat(inner),
                            crate::yaml::double_quoted(f)
                        ));
                    }
                    write::write_markdown(&mut out, inner, "text", &g.text);
                    for (field, date) in dates_of(g.dates.as_deref(), g.kind) {
                        write::write_string(&mut out, inner, field, &date);
                    }
                }
            }
            "sources" => {
                for key in &self.source_order {
                    let s = &self.sources[key];
                    origin(&mut out, &s.origin);
                    out.push_str(&format!("{pad}{}:\n", s.id));
                    let fields = citation_fields(&s.html, s.kind);
                    out.push_str(&format!(
                        "{}kind: {}\n",
                        " ".repeat(inner),
                        kind_name(s.kind)
                    ));
                    for (field, value) in [
                        ("title", &fields.title),
                        ("author", &fields.author),
                        ("publisher", &fields.publisher),
                        ("date", &fields.date),
                        ("url", &s.url.clone().or(fields.url.clone())),
                    ] {
                        if let Some(v) = value {
                            write::write_string(&mut out, inner, field, v);
                        }
                    }
                    if !fields.note.is_empty() {
                        write::write_markdown(&mut out, inner, "note", &fields.note);
                    }
                    write::write_list(&mut out, inner, "cited", &s.cited);
                }
            }
            "crossrefs" => {
                for x in &self.crossrefs {
                    origin(&mut out, &x.origin);
                    out.push_str(&format!("{pad}{}:\n", x.id));
                    x.from.write(&mut out, inner, "from");
                    x.to.write(&mut out, inner, "to");
                    write::write_markdown(&mut out, inner, "note", &x.note);
                }
            }
            _ => {
                for n in &self.notes {
                    origin(&mut out, &n.origin);
                    out.push_str(&format!("{pad}{}:\n", n.id));
                    n.at.write(&mut out, inner, "at");
                    write::write_markdown(&mut out, inner, "text", &n.text);
                }
            }
        }
        out
    }
}

fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Other => "other",
        k => k.label(),
    }
}

/// A gloss's dates in words (`born 1939`, `1980 – 1988`) as its fields.
fn dates_of(words: Option<&str>, kind: GlossKind) -> Vec<(&'static str, String)> {
    let Some(words) = words.map(str::trim) else {
        return Vec::new();
    };
    let one = |w: &str| date_from_words(w.trim());
    let person = kind == GlossKind::Person;
    let pair =
        |a: &'static str, b: &'static str, x: &str, y: &str| -> Vec<(&'static str, String)> {
            match (one(x), one(y)) {
                (Some(x), Some(y)) => vec![(a, x), (b, y)],
                _ => Vec::new(),
            }
        };
    if let Some(d) = words.strip_prefix("born ") {
        return one(d).map(|d| vec![("born", d)]).unwrap_or_default();
    }
    if let Some(d) = words.strip_prefix("died ") {
        return one(d).map(|d| vec![("died", d)]).unwrap_or_default();
    }
    if let Some(d) = words.strip_prefix("from ") {
        return one(d).map(|d| vec![("start", d)]).unwrap_or_default();
    }
    if let Some(d) = words.strip_prefix("until ") {
        return one(d).map(|d| vec![("end", d)]).unwrap_or_default();
    }
    if let Some((a, b)) = words.split_once(" – ") {
        return if person {
            pair("born", "died", a, b)
        } else {
            pair("start", "end", a, b)
        };
    }
    one(words)
        .map(|d| vec![("start", d.clone()), ("end", d)])
        .unwrap_or_default()
}

/// A date in scholia's words (`19 April 1939`, `April 1939`, `1939`, `44 BCE`) as it is
/// written in YAML.
fn date_from_words(words: &str) -> Option<String> {
    let (rest, bce) = match words.strip_suffix(" BCE") {
        Some(r) => (r, true),
        None => (words, false),
    };
    let parts: Vec<&str> = rest.split(' ').collect();
    let year: i32 = parts.last()?.parse().ok()?;
    let year = if bce {
        format!("-{year}")
    } else {
        format!("{year:04}")
    };
    let month = |m: &str| {
        crate::date::MONTHS
            .iter()
            .position(|x| *x == m)
            .map(|i| i + 1)
    };
    let written = match parts[..] {
        [_] => year,
        [m, _] => format!("{year}-{:02}", month(m)?),
        [d, m, _] => format!("{year}-{:02}-{:02}", month(m)?, d.parse::<u8>().ok()?),
        _ => return None,
    };
    crate::date::PartialDate::parse(&written)
        .ok()
        .map(|_| written)
}

/// A source's fields, read back from the citation scholia exports.
#[derive(Debug, Default, PartialEq, Eq)]
struct Fields {
    author: Option<String>,
    title: Option<String>,
    publisher: Option<String>,
    date: Option<String>,
    url: Option<String>,
    note: String,
}

/// `<p>Kind: author, <cite>title</cite>, publisher, date. <a href=…>…</a></p>` and the
/// note's HTML after it (see `export::citation_html`). Without a title, one name alone
/// is taken for the publisher of a report or an article and the author of anything
/// else: the citation reads the same either way.
fn citation_fields(html: &str, kind: SourceKind) -> Fields {
    let mut fields = Fields::default();
    let (first, note) = html.split_once("</p>").unwrap_or((html, ""));
    fields.note = html::to_markdown(note.trim()).0;
    let first = first.trim_start_matches("<p>");
    let first = first.split_once(": ").map_or(first, |(_, c)| c);
    let (citation, link) = match first.find(". <a href=") {
        Some(i) => (&first[..i], Some(&first[i + 2..])),
        None => (first, None),
    };
    fields.url = link.map(|l| html::to_markdown(l).0).and_then(|md| {
        md.rsplit_once("](")
            .map(|(_, u)| u.trim_end_matches(')').to_owned())
    });
    let plain = |s: &str| html::to_markdown(s).0.replace('\\', "");
    let split = |s: &str| -> Vec<String> {
        s.split(", ")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(plain)
            .collect()
    };
    let (before, after) = match (citation.find("<cite>"), citation.find("</cite>")) {
        (Some(a), Some(b)) if a < b => {
            fields.title = Some(plain(&citation[a + 6..b]));
            (
                citation[..a].trim_end_matches([' ', ',']),
                citation[b + 7..].trim_start_matches([',', ' ']),
            )
        }
        _ => ("", citation),
    };
    let mut rest = split(after);
    if rest.last().and_then(|d| date_from_words(d)).is_some() {
        fields.date = rest.pop().and_then(|d| date_from_words(&d));
    }
    if fields.title.is_some() {
        fields.author = Some(before.to_owned())
            .filter(|b| !b.is_empty())
            .map(|b| plain(&b));
        fields.publisher = Some(rest.join(", ")).filter(|p| !p.is_empty());
        return fields;
    }
    if rest.len() == 1 && rest[0] == format!("unnamed {}", kind.label()) {
        return fields;
    }
    match rest.len() {
        0 => {}
        1 if matches!(kind, SourceKind::Report | SourceKind::Article) => {
            fields.publisher = rest.pop()
        }
        1 => fields.author = rest.pop(),
        _ => {
            fields.author = Some(rest.remove(0));
            fields.publisher = Some(rest.join(", "));
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The examples of E0804 and E0805 in docs/diagnostics.md, which no fixture can
    /// cause (an editor saving mid-import; a sound export that would not check).
    #[test]
    fn the_write_examples_in_docs_diagnostics_are_real_output() {
        let doc =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md"))
                .unwrap();
        let example = |code: &str| {
            let section = &doc[doc.find(&format!("## {code}:")).unwrap()..];
            section.split("```\n").nth(1).unwrap().to_owned()
        };
        let command = "$ scholia import annotations hypothesis.json --reading reading\n";
        let path = Path::new("content/reading/annotations.yaml");
        let d = not_written(
            path,
            "notes:\n",
            "it changed on disk while the annotations were imported",
        );
        assert_eq!(example("E0805"), format!("{command}{}\n", d.render()));
        let d = would_not_check("the note `sea` would not be where it was anchored");
        assert_eq!(example("E0804"), format!("{command}{}\n", d.render()));
    }

    #[test]
    fn new_lines_that_would_change_an_entry_are_refused() {
        let path = Path::new("a.yaml");
        let old = "notes:\n  a:\n    text: |\n      x\n";
        let file = |text: &str| SourceFile::new(path.to_path_buf(), text.to_owned());
        let inside = file("notes:\n  a:\n    text: |\n      x\n  # y\n      z\n");
        assert!(!keeps_what_was_there(path, old, &inside));
        let after = file("notes:\n  a:\n    text: |\n      x\n  b:\n    text: y\n");
        assert!(keeps_what_was_there(path, old, &after));
        let moved = file("glosses: {}\nnotes:\n  a:\n    text: |\n      x\n");
        assert!(!keeps_what_was_there(path, "glosses: {a: 1}\n", &moved));
    }

    #[test]
    fn ids_are_made_from_words_and_never_collide() {
        let mut ids = Ids {
            taken: HashSet::from(["fast-forward-to-2026".to_owned()]),
        };
        assert_eq!(
            ids.take(None, "Fast forward to 2026, and the war"),
            "fast-forward-to-2026-2"
        );
        assert_eq!(
            ids.take(None, "Fast forward to 2026"),
            "fast-forward-to-2026-3"
        );
        assert_eq!(ids.take(Some("khamenei"), "x"), "khamenei");
        assert_eq!(ids.take(Some("not an id"), "José María"), "jose-maria");
        assert_eq!(ids.take(None, "1939 — «»"), "n-1939");
        assert_eq!(ids.take(None, "«»"), "note");
    }

    #[test]
    fn dates_in_words_are_read_back() {
        assert_eq!(
            date_from_words("19 April 1939").as_deref(),
            Some("1939-04-19")
        );
        assert_eq!(date_from_words("April 1939").as_deref(), Some("1939-04"));
        assert_eq!(date_from_words("44 BCE").as_deref(), Some("-44"));
        assert_eq!(date_from_words("someday"), None);
        assert_eq!(
            dates_of(Some("1980 – 1988"), GlossKind::Event),
            vec![("start", "1980".to_owned()), ("end", "1988".to_owned())]
        );
    }

    #[test]
    fn a_citation_is_read_back_into_its_fields() {
        let f = citation_fields(
            "<p>Book: Jane Roe, <cite>Sea &amp; Land</cite>, Harbour Press, 3 May 2001. <a href=\"https://x.org/a\" rel=\"external noreferrer\">https://x.org/a</a></p>\n<p>A <em>fine</em> book.</p>",
            SourceKind::Book,
        );
        assert_eq!(f.author.as_deref(), Some("Jane Roe"));
        assert_eq!(f.title.as_deref(), Some("Sea & Land"));
        assert_eq!(f.publisher.as_deref(), Some("Harbour Press"));
        assert_eq!(f.date.as_deref(), Some("2001-05-03"));
        assert_eq!(f.url.as_deref(), Some("https://x.org/a"));
        assert_eq!(f.note, "A *fine* book.");
    }
}
