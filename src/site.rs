//! The index: every annotation resolved to its place, every id checked, and the
//! registers built from them (who is mentioned where, which passages cite a source,
//! which passages refer to which).
//!
//! 1. Parse each reading's Markdown once ([`Document::parse`]).
//! 2. Gather the glosses and sources of the shared files and of each reading, checking
//!    ids (well-formed, defined once) and dates and addresses.
//! 3. Resolve every passage of every reading in one batch per text, and find every
//!    gloss form in one pass per text.
//! 4. Check cross-references (`see`, `sources`, `reading`) and number each reading's notes
//!    in the order a reader meets them.
//!
//! Entry point: [`index`]. It returns every problem at once (the warnings found before
//! the errors stopped it, then the errors), or a [`SiteIndex`].

use std::collections::HashMap;
use std::ops::Range;

use crate::annotations::anchor::{Context, Resolution, Selector, TextIndex};
use crate::annotations::model::{
    AnnotationFile, CrossRef, Gloss, MarkPolicy, Note, Passage, PullQuote, Source,
};
use crate::content::{Annotations, Reading, Site};
use crate::diagnostics::{Diagnostic, Fix, Location};
use crate::markdown::Document;
use crate::yaml::{Locator, Spanned};

/// The site with every annotation in its place.
pub struct SiteIndex<'s> {
    pub site: &'s Site,
    /// Each reading's parsed text, in the order of `site.readings`.
    pub documents: Vec<Document>,
    /// Every gloss of the site, shared and per reading.
    pub glosses: Vec<GlossEntry<'s>>,
    /// Every source of the site.
    pub sources: Vec<SourceEntry<'s>>,
    /// Every cross-reference of the site.
    pub crossrefs: Vec<CrossRefEntry<'s>>,
    /// Every editor's note of the site.
    pub notes: Vec<NoteEntry<'s>>,
    /// Per reading: its numbered notes, marks and pull quotes.
    pub readings: Vec<ReadingIndex>,
    /// Problems that do not stop the build.
    pub warnings: Vec<Diagnostic>,
}

/// A place in a reading: the reading's index and a range of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub reading: usize,
    pub range: Range<usize>,
}

pub struct GlossEntry<'s> {
    pub id: &'s str,
    pub gloss: &'s Gloss,
    /// The reading whose file defines it; `None` for the shared glossary.
    pub owner: Option<usize>,
    /// Every occurrence of its forms, in reading and text order.
    pub mentions: Vec<Place>,
}

pub struct SourceEntry<'s> {
    pub id: &'s str,
    pub source: &'s Source,
    pub owner: Option<usize>,
    /// The passages that rely on it.
    pub citations: Vec<Place>,
}

pub struct CrossRefEntry<'s> {
    pub id: &'s str,
    pub crossref: &'s CrossRef,
    pub from: Place,
    pub to: Place,
}

pub struct NoteEntry<'s> {
    pub id: &'s str,
    pub note: &'s Note,
    pub at: Place,
}

/// What a numbered note of a reading is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoteRef {
    Gloss(usize),
    Source(usize),
    CrossRef(usize),
    Note(usize),
}

impl NoteRef {
    /// The theme contract's `data-kind`.
    pub fn kind(self) -> &'static str {
        match self {
            NoteRef::Gloss(_) => "gloss",
            NoteRef::Source(_) => "source",
            NoteRef::CrossRef(_) => "xref",
            NoteRef::Note(_) => "note",
        }
    }
}

/// A marked range of a reading's text.
#[derive(Debug, Clone)]
pub struct MarkPlace {
    pub note: NoteRef,
    pub range: Range<usize>,
    /// True for the `to` end of a cross-reference: it is marked, with a link back.
    pub is_target: bool,
}

#[derive(Debug, Default)]
pub struct ReadingIndex {
    /// Notes in the order a reader meets them; a note's number is its index + 1.
    pub notes: Vec<NoteRef>,
    /// Every mark in the text, in text order.
    pub marks: Vec<MarkPlace>,
    /// Pull quotes: the text they repeat, and the block they follow.
    pub pullquotes: Vec<(Range<usize>, usize)>,
}

impl ReadingIndex {
    pub fn number(&self, note: NoteRef) -> Option<usize> {
        self.notes.iter().position(|n| *n == note).map(|i| i + 1)
    }
}

/// One passage waiting to be resolved, and who asked.
struct Pending<'s> {
    passage: &'s Passage,
    locator: &'s Locator,
    reading: usize,
    purpose: Purpose,
}

#[derive(Clone, Copy)]
enum Purpose {
    Citation(usize),
    CrossRefFrom(usize),
    CrossRefTo(usize),
    Note(usize),
    PullQuote(usize),
    PullQuotePlace(usize),
}

pub fn index(site: &Site) -> Result<SiteIndex<'_>, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let documents: Vec<Document> = site
        .readings
        .iter()
        .map(|r| Document::parse(r.markdown()))
        .collect();
    let slugs: HashMap<&str, usize> = site
        .readings
        .iter()
        .enumerate()
        .map(|(i, r)| (r.slug.as_str(), i))
        .collect();

    // Every annotation file, with the reading it belongs to (None: shared).
    let files: Vec<(Option<usize>, &Annotations)> = site
        .shared
        .iter()
        .map(|a| (None, a))
        .chain(
            site.readings
                .iter()
                .enumerate()
                .filter_map(|(i, r)| r.annotations.as_ref().map(|a| (Some(i), a))),
        )
        .collect();

    let mut glosses = Vec::new();
    let mut sources = Vec::new();
    let mut gloss_ids: HashMap<&str, Location> = HashMap::new();
    let mut source_ids: HashMap<&str, Location> = HashMap::new();
    for &(owner, annotations) in &files {
        let AnnotationFile {
            glosses: g,
            sources: s,
            ..
        } = &annotations.file;
        for (id, gloss) in g.iter() {
            if define(
                id,
                &annotations.locator,
                &mut gloss_ids,
                "gloss",
                &mut problems,
            ) {
                check_gloss(gloss, &annotations.locator, &mut problems);
                glosses.push(GlossEntry {
                    id: &id.value,
                    gloss,
                    owner,
                    mentions: Vec::new(),
                });
            }
        }
        for (id, source) in s.iter() {
            if define(
                id,
                &annotations.locator,
                &mut source_ids,
                "source",
                &mut problems,
            ) {
                check_source(source, &annotations.locator, &mut problems);
                sources.push(SourceEntry {
                    id: &id.value,
                    source,
                    owner,
                    citations: Vec::new(),
                });
            }
        }
    }
    let gloss_index: HashMap<&str, usize> =
        glosses.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
    let source_index: HashMap<&str, usize> =
        sources.iter().enumerate().map(|(i, s)| (s.id, i)).collect();

    // Ids that glosses refer to.
    for &(_, annotations) in &files {
        for (_, gloss) in annotations.file.glosses.iter() {
            for see in &gloss.see {
                if !gloss_index.contains_key(see.value.as_str()) {
                    problems.push(unknown_id(see, &annotations.locator, "gloss", &gloss_ids));
                }
            }
            for source in &gloss.sources {
                if !source_index.contains_key(source.value.as_str()) {
                    problems.push(unknown_id(
                        source,
                        &annotations.locator,
                        "source",
                        &source_ids,
                    ));
                }
            }
        }
    }

    // Passages: gather, then resolve in one batch per reading.
    let mut crossrefs_defs: Vec<(&str, &CrossRef)> = Vec::new();
    let mut notes_defs: Vec<(&str, &Note)> = Vec::new();
    let mut pullquote_defs: Vec<(usize, &PullQuote, &Locator)> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut pullquote_passages: Vec<Passage> = Vec::new();
    for &(owner, annotations) in &files {
        let locator = &annotations.locator;
        let file = &annotations.file;
        for (id, source) in file.sources.iter() {
            // An id already reported (malformed or defined twice) is not resolved further.
            let Some(&s) = source_index.get(id.value.as_str()) else {
                continue;
            };
            for passage in &source.cited {
                if let Some(reading) =
                    passage_reading(passage, owner, locator, &slugs, &mut problems)
                {
                    pending.push(Pending {
                        passage,
                        locator,
                        reading,
                        purpose: Purpose::Citation(s),
                    });
                }
            }
        }
        let Some(owner) = owner else {
            for (name, section) in [
                ("crossrefs", file.crossrefs.len()),
                ("notes", file.notes.len()),
                ("pullquotes", file.pullquotes.len()),
            ] {
                if section > 0 {
                    problems.push(
                        Diagnostic::error("E0106", format!("`{name}` belong to a reading"))
                            .at(Location::start_of(&locator.file), "in this shared file")
                            .help(
                                "move them to content/<slug>/annotations.yaml; shared files hold glosses and sources",
                            ),
                    );
                }
            }
            continue;
        };
        let mut local_ids: HashMap<&str, Location> = HashMap::new();
        for (id, crossref) in file.crossrefs.iter() {
            if define(
                id,
                locator,
                &mut local_ids,
                "cross-reference",
                &mut problems,
            ) {
                let c = crossrefs_defs.len();
                crossrefs_defs.push((&id.value, crossref));
                no_reading(&crossref.from, locator, &mut problems);
                pending.push(Pending {
                    passage: &crossref.from,
                    locator,
                    reading: owner,
                    purpose: Purpose::CrossRefFrom(c),
                });
                if let Some(reading) =
                    passage_reading(&crossref.to, Some(owner), locator, &slugs, &mut problems)
                {
                    pending.push(Pending {
                        passage: &crossref.to,
                        locator,
                        reading,
                        purpose: Purpose::CrossRefTo(c),
                    });
                }
            }
        }
        for (id, note) in file.notes.iter() {
            if define(id, locator, &mut local_ids, "note", &mut problems) {
                no_reading(&note.at, locator, &mut problems);
                pending.push(Pending {
                    passage: &note.at,
                    locator,
                    reading: owner,
                    purpose: Purpose::Note(notes_defs.len()),
                });
                notes_defs.push((&id.value, note));
            }
        }
        for (id, pullquote) in file.pullquotes.iter() {
            if define(id, locator, &mut local_ids, "pull quote", &mut problems) {
                pullquote_defs.push((owner, pullquote, locator));
                pullquote_passages.push(pullquote.passage());
            }
        }
    }
    // A pull quote's own words are a passage built here, kept in `pullquote_passages`
    // so that `pending` can borrow it.
    for (p, ((owner, pullquote, locator), passage)) in
        pullquote_defs.iter().zip(&pullquote_passages).enumerate()
    {
        pending.push(Pending {
            passage,
            locator,
            reading: *owner,
            purpose: Purpose::PullQuote(p),
        });
        no_reading(&pullquote.after, locator, &mut problems);
        pending.push(Pending {
            passage: &pullquote.after,
            locator,
            reading: *owner,
            purpose: Purpose::PullQuotePlace(p),
        });
    }

    let mut resolved: Vec<Option<Range<usize>>> = vec![None; pending.len()];
    let mut warnings = Vec::new();
    // Glosses reported (W0203) as hidden inside longer forms: not reported again as absent.
    let mut never_marked: Vec<usize> = Vec::new();
    for (r, document) in documents.iter().enumerate() {
        let mut hidden_reported: Vec<usize> = Vec::new();
        let text = TextIndex::new(document);
        let batch: Vec<usize> = (0..pending.len())
            .filter(|&i| pending[i].reading == r)
            .collect();
        let selectors: Vec<Selector> = batch
            .iter()
            .map(|&i| {
                let p = pending[i].passage;
                Selector {
                    quote: &p.quote.value,
                    prefix: p.prefix.as_ref().map(|s| s.value.as_str()),
                    suffix: p.suffix.as_ref().map(|s| s.value.as_str()),
                }
            })
            .collect();
        for (&i, resolution) in batch.iter().zip(text.resolve(&selectors)) {
            let p = &pending[i];
            match resolution {
                Resolution::Found(range) => resolved[i] = Some(range),
                Resolution::NotFound => {
                    problems.push(not_found(p.passage, p.locator, &site.readings[r], &text))
                }
                Resolution::Ambiguous(places) => problems.push(ambiguous(
                    p.passage,
                    p.locator,
                    &site.readings[r],
                    &text,
                    &places,
                )),
            }
        }
        // Glosses: the shared ones and the reading's own, in one automaton.
        let candidates: Vec<usize> = (0..glosses.len())
            .filter(|&g| glosses[g].owner.is_none_or(|o| o == r))
            .collect();
        let mut forms: Vec<&str> = Vec::new();
        let mut form_owner: Vec<usize> = Vec::new();
        let mut claimed: HashMap<String, usize> = HashMap::new();
        for &g in &candidates {
            for form in gloss_forms(glosses[g].gloss) {
                let normal = crate::annotations::anchor::normalize(form.value);
                if let Some(&other) = claimed.get(&normal) {
                    if other != g {
                        problems.push(duplicate_form(&glosses, g, other, &form, &files));
                    }
                    continue;
                }
                claimed.insert(normal, g);
                forms.push(form.value);
                form_owner.push(g);
            }
        }
        let found = text.find_terms(&forms);
        // A gloss whose forms occur only inside longer forms of other glosses is never
        // marked in this reading: say so. (A form hidden in one place but marked in
        // another is what leftmost-longest is for.)
        let marked: Vec<usize> = found.iter().map(|(f, _)| form_owner[*f]).collect();
        for (form, _, by) in text.hidden_terms(&forms, &found) {
            let (hidden, winner) = (form_owner[form], form_owner[found[by].0]);
            if hidden == winner || marked.contains(&hidden) || hidden_reported.contains(&hidden) {
                continue;
            }
            hidden_reported.push(hidden);
            never_marked.push(hidden);
            let reading = &site.readings[r];
            let longer = &found[by].1;
            warnings.push(
                Diagnostic::warning(
                    "W0203",
                    format!(
                        "the gloss `{}` is never marked in `{}`: its form occurs only inside `{}` (gloss `{}`)",
                        glosses[hidden].id,
                        reading.slug,
                        &document.text[longer.clone()],
                        glosses[winner].id
                    ),
                )
                .at(text_location(reading, document, longer), "the longer form wins here")
                .help("narrow the longer gloss's `match:` forms, or add a form of this gloss that the text uses elsewhere"),
            );
        }
        let covered: Vec<Range<usize>> = found.iter().map(|(_, r)| r.clone()).collect();
        let reading = &site.readings[r];
        // Sets and a map keyed by the name: linear in the names (W0204 was quadratic).
        let unglossed: std::collections::HashSet<String> = files
            .iter()
            .filter(|(owner, _)| owner.is_none_or(|o| o == r))
            .flat_map(|(_, a)| a.file.unglossed.iter())
            .map(|n| crate::annotations::anchor::normalize(&n.value))
            .collect();
        // Each name once, in the order it first occurs, with how often it occurs.
        let mut uncovered: Vec<(&str, Range<usize>, usize)> = Vec::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for name in text.names_outside(&covered) {
            let words = &document.text[name.clone()];
            if let Some(&u) = seen.get(words) {
                uncovered[u].2 += 1;
                continue;
            }
            if unglossed.contains(&crate::annotations::anchor::normalize(words)) {
                continue;
            }
            seen.insert(words, uncovered.len());
            uncovered.push((words, name, 1));
        }
        for (words, first, count) in uncovered {
            let times = if count > 1 {
                format!(" ({count} times)")
            } else {
                String::new()
            };
            warnings.push(
                Diagnostic::warning("W0204", format!("`{words}` is not glossed{times}"))
                    .at(
                        text_location(reading, document, &first),
                        "no gloss covers this name",
                    )
                    .help(
                        "gloss it, or list it under `unglossed:` in the reading's annotations.yaml",
                    ),
            );
        }
        for (form, range) in found {
            glosses[form_owner[form]]
                .mentions
                .push(Place { reading: r, range });
        }
    }

    if !problems.is_empty() {
        // The warnings found so far come too, first, so that the errors end the report:
        // an editor mending the errors sees the rest of the work at the same time.
        warnings.extend(problems);
        return Err(warnings);
    }

    // Every passage resolved: build the registers.
    let mut crossrefs: Vec<CrossRefEntry> = Vec::new();
    let mut crossref_from = vec![None; crossrefs_defs.len()];
    let mut crossref_to = vec![None; crossrefs_defs.len()];
    let mut notes = Vec::new();
    let mut readings: Vec<ReadingIndex> = site
        .readings
        .iter()
        .map(|_| ReadingIndex::default())
        .collect();
    let mut pullquote_text = vec![None; pullquote_defs.len()];
    let mut pullquote_block = vec![None; pullquote_defs.len()];
    for (p, range) in pending.iter().zip(resolved) {
        let range = range.expect("no problems means every passage resolved");
        let place = Place {
            reading: p.reading,
            range: range.clone(),
        };
        match p.purpose {
            Purpose::Citation(s) => sources[s].citations.push(place),
            Purpose::CrossRefFrom(c) => crossref_from[c] = Some(place),
            Purpose::CrossRefTo(c) => crossref_to[c] = Some(place),
            Purpose::Note(n) => notes.push(NoteEntry {
                id: notes_defs[n].0,
                note: notes_defs[n].1,
                at: place,
            }),
            Purpose::PullQuote(q) => pullquote_text[q] = Some(range),
            Purpose::PullQuotePlace(q) => {
                pullquote_block[q] = documents[p.reading].block_at(range.start)
            }
        }
    }
    for (c, (id, crossref)) in crossrefs_defs.iter().enumerate() {
        if let (Some(from), Some(to)) = (crossref_from[c].take(), crossref_to[c].take()) {
            crossrefs.push(CrossRefEntry {
                id,
                crossref,
                from,
                to,
            });
        }
    }
    for (q, (owner, ..)) in pullquote_defs.iter().enumerate() {
        if let (Some(text), Some(block)) = (pullquote_text[q].take(), pullquote_block[q]) {
            readings[*owner].pullquotes.push((text, block));
        }
    }

    // Marks.
    for (g, entry) in glosses.iter().enumerate() {
        let mut marked_in = vec![false; site.readings.len()];
        for mention in &entry.mentions {
            if entry.gloss.mark == MarkPolicy::All || !marked_in[mention.reading] {
                marked_in[mention.reading] = true;
                readings[mention.reading].marks.push(MarkPlace {
                    note: NoteRef::Gloss(g),
                    range: mention.range.clone(),
                    is_target: false,
                });
            }
        }
    }
    for (s, entry) in sources.iter().enumerate() {
        for citation in &entry.citations {
            readings[citation.reading].marks.push(MarkPlace {
                note: NoteRef::Source(s),
                range: citation.range.clone(),
                is_target: false,
            });
        }
    }
    for (c, entry) in crossrefs.iter().enumerate() {
        readings[entry.from.reading].marks.push(MarkPlace {
            note: NoteRef::CrossRef(c),
            range: entry.from.range.clone(),
            is_target: false,
        });
        readings[entry.to.reading].marks.push(MarkPlace {
            note: NoteRef::CrossRef(c),
            range: entry.to.range.clone(),
            is_target: true,
        });
    }
    for (n, entry) in notes.iter().enumerate() {
        readings[entry.at.reading].marks.push(MarkPlace {
            note: NoteRef::Note(n),
            range: entry.at.range.clone(),
            is_target: false,
        });
    }
    for reading in &mut readings {
        reading
            .marks
            .sort_by_key(|m| (m.range.start, std::cmp::Reverse(m.range.end)));
        for mark in reading.marks.iter().filter(|m| !m.is_target) {
            if !reading.notes.contains(&mark.note) {
                reading.notes.push(mark.note);
            }
        }
    }

    for entry in &sources {
        if entry.citations.is_empty() {
            let locator = locator_of(&files, entry.owner, |f| {
                f.sources.iter().any(|(id, _)| id.value == entry.id)
            });
            let id = files
                .iter()
                .flat_map(|(_, a)| a.file.sources.iter())
                .find(|(id, _)| id.value == entry.id)
                .map(|(id, _)| locator.locate(id))
                .expect("the source is in its file");
            warnings.push(
                Diagnostic::warning(
                    "W0202",
                    format!("the source `{}` is cited by no passage", entry.id),
                )
                .at(id, "never cited")
                .help("add the passages that rely on it under `cited:`, or remove it"),
            );
        }
    }
    for (g, entry) in glosses.iter().enumerate() {
        if entry.mentions.is_empty() && !never_marked.contains(&g) {
            let locator = locator_of(&files, entry.owner, |f| {
                f.glosses.iter().any(|(id, _)| id.value == entry.id)
            });
            warnings.push(
                Diagnostic::warning(
                    "W0201",
                    format!("the gloss `{}` is found in no reading", entry.id),
                )
                .at(
                    locator.locate(&entry.gloss.term),
                    "none of its forms occurs",
                )
                .help("add the form the text uses to `match:`, or remove the gloss"),
            );
        }
    }

    Ok(SiteIndex {
        site,
        documents,
        glosses,
        sources,
        crossrefs,
        notes,
        readings,
        warnings,
    })
}

/// Where a range of a reading's text stands in its `index.md`.
fn text_location(reading: &Reading, document: &Document, range: &Range<usize>) -> Location {
    let start = reading.body.start + document.source_offset(range.start);
    let end = reading.body.start + document.source_offset(range.end.saturating_sub(1)) + 1;
    Location::new(&reading.source, start..end.max(start))
}

fn locator_of<'a>(
    files: &[(Option<usize>, &'a Annotations)],
    owner: Option<usize>,
    has: impl Fn(&AnnotationFile) -> bool,
) -> &'a Locator {
    files
        .iter()
        .find(|(o, a)| *o == owner && has(&a.file))
        .map(|(_, a)| &a.locator)
        .expect("every entry comes from a file")
}

/// The forms a gloss is found by: its `match` list, or its term.
pub fn gloss_forms(gloss: &Gloss) -> Vec<Spanned<&str>> {
    if gloss.forms.is_empty() {
        vec![Spanned::new(
            gloss.term.value.as_str(),
            gloss.term.referenced,
            gloss.term.defined,
        )]
    } else {
        gloss
            .forms
            .iter()
            .map(|f| Spanned::new(f.value.as_str(), f.referenced, f.defined))
            .collect()
    }
}

fn define<'s>(
    id: &'s Spanned<String>,
    locator: &Locator,
    ids: &mut HashMap<&'s str, Location>,
    what: &str,
    problems: &mut Vec<Diagnostic>,
) -> bool {
    let location = locator.locate(id);
    if !is_valid_id(&id.value) {
        problems.push(
            Diagnostic::error("E0105", format!("`{}` cannot be an id", id.value))
                .at(location, "this id")
                .help("use letters, digits, `-` and `_` only, starting with a letter"),
        );
        return false;
    }
    if let Some(first) = ids.get(id.value.as_str()) {
        problems.push(
            Diagnostic::error(
                "E0101",
                format!("the {what} id `{}` is defined twice", id.value),
            )
            .at(location, "defined again here")
            .related(first.clone(), "first defined here")
            .help("ids are unique across the site's files; rename one of the two"),
        );
        return false;
    }
    ids.insert(&id.value, location);
    true
}

pub fn is_valid_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn unknown_id(
    reference: &Spanned<String>,
    locator: &Locator,
    what: &str,
    known: &HashMap<&str, Location>,
) -> Diagnostic {
    let mut d = Diagnostic::error(
        "E0102",
        format!("no {what} has the id `{}`", reference.value),
    )
    .at(locator.locate(reference), format!("unknown {what}"));
    match closest_id(&reference.value, known.keys().copied()) {
        Some(near) => d = d.help(format!("did you mean `{near}`?")),
        None => {
            d = d.help(format!(
                "define a {what} with this id, or correct the reference"
            ))
        }
    }
    d
}

fn closest_id<'a>(wanted: &str, ids: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let wanted: Vec<char> = wanted.chars().collect();
    ids.map(|id| {
        let chars: Vec<char> = id.chars().collect();
        (
            crate::annotations::anchor::edit_distance(&wanted, &chars),
            id,
        )
    })
    .filter(|(d, id)| *d <= 2.max(id.len() / 4))
    .min()
    .map(|(_, id)| id)
}

fn check_gloss(gloss: &Gloss, locator: &Locator, problems: &mut Vec<Diagnostic>) {
    for date in [&gloss.born, &gloss.died, &gloss.start, &gloss.end]
        .into_iter()
        .flatten()
    {
        check_date(date, locator, problems);
    }
    for form in &gloss.forms {
        if crate::annotations::anchor::normalize(&form.value).is_empty() {
            problems.push(
                Diagnostic::error("E0112", "an empty form matches nothing")
                    .at(locator.locate(form), "empty")
                    .help("write the words the text uses, or remove this line"),
            );
        }
    }
}

fn check_source(source: &Source, locator: &Locator, problems: &mut Vec<Diagnostic>) {
    if let Some(date) = &source.date {
        check_date(date, locator, problems);
    }
    if let Some(url) = &source.url {
        let ok = (url.value.starts_with("https://") || url.value.starts_with("http://"))
            && !url.value.contains(char::is_whitespace)
            && url
                .value
                .split("://")
                .nth(1)
                .is_some_and(|rest| rest.contains('.'));
        if !ok {
            problems.push(
                Diagnostic::error("E0115", format!("`{}` is not a web address", url.value))
                    .at(locator.locate(url), "not an http(s) URL")
                    .help("give the full address, starting with https://; leave `url` out when there is none"),
            );
        }
    }
}

/// An absolute http(s) address with a host name.
pub fn is_web_address(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split('/').next().unwrap_or_default();
        !host.is_empty() && host.contains('.') && !url.contains(char::is_whitespace)
    })
}

/// A date is `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a year may have fewer digits (`680`) and
/// may be negative (BCE).
pub fn is_valid_date(date: &str) -> bool {
    let date = date.strip_prefix('-').unwrap_or(date);
    let parts: Vec<&str> = date.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let in_range = |s: &str, max: u32| s.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v));
    let year = |s: &str| (1..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => year(y),
        [y, m] => year(y) && digits(m, 2) && in_range(m, 12),
        [y, m, d] => year(y) && digits(m, 2) && in_range(m, 12) && digits(d, 2) && in_range(d, 31),
        _ => false,
    }
}

fn check_date(date: &Spanned<String>, locator: &Locator, problems: &mut Vec<Diagnostic>) {
    if !is_valid_date(&date.value) {
        problems.push(
            Diagnostic::error(
                "E0114",
                format!("`{}` is not a date scholia reads", date.value),
            )
            .at(locator.locate(date), "expected YYYY, YYYY-MM or YYYY-MM-DD")
            .help(
                "write the date as 1939, 1939-04 or 1939-04-19; leave it out when it is not known",
            ),
        );
    }
}

/// Which reading a passage is in: its own `reading:` or the file's reading.
fn passage_reading(
    passage: &Passage,
    owner: Option<usize>,
    locator: &Locator,
    slugs: &HashMap<&str, usize>,
    problems: &mut Vec<Diagnostic>,
) -> Option<usize> {
    match (&passage.reading, owner) {
        (Some(slug), _) => match slugs.get(slug.value.as_str()) {
            Some(&r) => Some(r),
            None => {
                let mut d =
                    Diagnostic::error("E0104", format!("no reading has the slug `{}`", slug.value))
                        .at(locator.locate(slug), "unknown reading");
                d = match closest_id(&slug.value, slugs.keys().copied()) {
                    Some(near) => d.help(format!("did you mean `{near}`?")),
                    None => d.help("a reading's slug is the name of its folder under content/"),
                };
                problems.push(d);
                None
            }
        },
        (None, Some(owner)) => Some(owner),
        (None, None) => {
            problems.push(
                Diagnostic::error("E0117", "a passage in a shared file must name its reading")
                    .at(locator.locate(&passage.quote), "in which reading?")
                    .help("add `reading: <slug>` beside `quote:`"),
            );
            None
        }
    }
}

/// Passages other than a cross-reference's `to` are in the file's own reading.
fn no_reading(passage: &Passage, locator: &Locator, problems: &mut Vec<Diagnostic>) {
    if let Some(slug) = &passage.reading {
        problems.push(
            Diagnostic::error(
                "E0116",
                "only a cross-reference's `to` may name another reading",
            )
            .at(locator.locate(slug), "not allowed here")
            .help("remove `reading:`; this passage is in the file's own reading"),
        );
    }
}

fn duplicate_form(
    glosses: &[GlossEntry],
    g: usize,
    other: usize,
    form: &Spanned<&str>,
    files: &[(Option<usize>, &Annotations)],
) -> Diagnostic {
    let locator = locator_of(files, glosses[g].owner, |f| {
        f.glosses.iter().any(|(id, _)| id.value == glosses[g].id)
    });
    let location = crate::diagnostics::Location::new(&locator.file, {
        let l = locator.locate(&Spanned::new((), form.referenced, form.defined));
        l.range
    });
    Diagnostic::error(
        "E0113",
        format!(
            "the form `{}` of gloss `{}` is also a form of gloss `{}`",
            form.value, glosses[g].id, glosses[other].id
        ),
    )
    .at(location, "claimed twice")
    .help("a form can point to one gloss only; remove it from one of the two, or use `see:` to link them")
}

fn not_found(
    passage: &Passage,
    locator: &Locator,
    reading: &Reading,
    text: &TextIndex,
) -> Diagnostic {
    use crate::annotations::anchor::{Near, normalize};
    use crate::markdown::BLOCK_SEPARATOR;

    let quote = &passage.quote.value;
    let location = locator.locate(&passage.quote);
    if normalize(quote).is_empty() {
        return Diagnostic::error("E0112", "an empty quote matches nothing")
            .at(location, "empty")
            .help("quote the words of the text this annotation is about");
    }
    let document = text.document;
    let path = reading.source.path.display();
    let line_of = |at: usize| {
        reading
            .source
            .line_col(reading.body.start + document.source_offset(at))
            .0
    };
    let selector = Selector {
        quote,
        prefix: passage.prefix.as_ref().map(|s| s.value.as_str()),
        suffix: passage.suffix.as_ref().map(|s| s.value.as_str()),
    };
    let cuts = text.inside_words(&selector);
    if !cuts.is_empty() {
        let mut d = Diagnostic::error(
            "E0160",
            format!(
                "the quote is in the text of `{}` only inside words",
                reading.slug
            ),
        )
        .at(location, "starts or ends inside a word");
        for (place, words) in &cuts {
            d = d.help(format!(
                "on line {} of {path}, \"{}\" cuts the word \"{}\"",
                line_of(place.start),
                &document.text[place.clone()],
                &document.text[words.clone()]
            ));
        }
        return d
            .help("a quote begins and ends on whole words: quote each word it touches in full");
    }
    let with_context = passage.prefix.is_some() || passage.suffix.is_some();
    let mut d = Diagnostic::error(
        "E0110",
        format!("the quote is not in the text of `{}`", reading.slug),
    )
    .at(
        location,
        if with_context {
            "not found with this prefix/suffix"
        } else {
            "not found"
        },
    );
    let closest = text.closest_to(&selector).filter(|c| c.similarity >= 0.5);
    if let Some(closest) = &closest {
        let raw = &document.text[closest.range.clone()];
        let crosses = raw.contains(BLOCK_SEPARATOR);
        // The separator is invisible: show where one paragraph ends and the next begins.
        let passage_text = &raw.replace(BLOCK_SEPARATOR, " ¶ ");
        let line = line_of(closest.range.start);
        if closest.distance == 0 && !crosses && with_context {
            // The quote is right; the words around it are not.
            let words = |s: &Option<Spanned<String>>| {
                s.as_ref()
                    .map_or(0, |s| normalize(&s.value).split(' ').count())
            };
            let (before, after) = text.words_around(
                &closest.range,
                words(&passage.prefix),
                words(&passage.suffix),
            );
            let mut around = Vec::new();
            if passage.prefix.is_some() {
                around.push(format!("the words before it are \"{before}\""));
            }
            if passage.suffix.is_some() {
                around.push(format!("the words after it are \"{after}\""));
            }
            d = d.help(format!(
                "the quote is on line {line} of {path}, where {}",
                around.join(" and ")
            ));
        } else {
            let near = match closest.near {
                Some(Near::Prefix) => "right after the prefix, ",
                Some(Near::Suffix) => "right before the suffix, ",
                Some(Near::Both) => "between the prefix and the suffix, ",
                None => "",
            };
            d = d.help(format!(
                "{near}the closest passage ({:.0}% alike) is on line {line} of {path}: \"{passage_text}\"",
                closest.similarity * 100.0,
            ));
            if crosses {
                let block = |at: usize| match document.block_at(at) {
                    Some(b) => match document.blocks[b].paragraph {
                        Some(n) => format!("paragraph {n}"),
                        None => format!("the block on line {}", line_of(at)),
                    },
                    None => format!("line {}", line_of(at)),
                };
                d = d.help(format!(
                    "quotes stay within one paragraph: the quote runs from {} into {}; annotate each part on its own",
                    block(closest.range.start),
                    block(closest.range.end - 1)
                ));
            } else if closest.distance > 0 {
                d = d.help(format!(
                    "the difference, quote to text: {}",
                    crate::annotations::anchor::word_diff(quote, passage_text)
                ));
            }
        }
        let unique = matches!(
            text.resolve(&[Selector {
                quote: passage_text,
                prefix: None,
                suffix: None
            }])[..],
            [Resolution::Found(_)]
        );
        if closest.clear
            && closest.similarity >= FIX_SIMILARITY
            && unique
            && !with_context
            && !crosses
        {
            d = d.with_fix(Fix {
                at: locator.locate(&passage.quote),
                replacement: yaml_string(passage_text),
                summary: format!(
                    "{}: the quote now reads \"{passage_text}\", as line {line} of {} does",
                    locator.locate(&passage.quote),
                    reading.source.path.display()
                ),
            });
        }
    } else {
        d = d.help(format!(
            "copy the words from {path} as a reader sees them (without Markdown syntax)",
        ));
    }
    // Say which context is wrong, rather than "check them" when they are right.
    let mut context_found = true;
    for (what, context) in [("prefix", &passage.prefix), ("suffix", &passage.suffix)] {
        if let Some(context) = context
            && !text.contains(&context.value)
        {
            context_found = false;
            d = d.help(format!(
                "the {what} `{}` is not in the text: it must be the words just {} the quote",
                context.value,
                if what == "prefix" { "before" } else { "after" }
            ));
        }
    }
    if with_context && context_found && closest.as_ref().is_none_or(|c| c.near.is_none()) {
        d = d.help("check the prefix and suffix too: they must be the words just before and after");
    }
    d
}

/// How alike a drifted quote and a passage must be for `check --fix` to rewrite it.
const FIX_SIMILARITY: f64 = 0.75;

/// A YAML double-quoted string.
fn yaml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Adds the prefix or suffix that picks the first place of a repeated quote.
fn context_fix(passage: &Passage, locator: &Locator, context: &Context, places: usize) -> Fix {
    let (key, words) = match context {
        Context::Prefix(p) => ("prefix", p),
        Context::Suffix(s) => ("suffix", s),
    };
    let quote_at = locator.locate(&passage.quote);
    let summary = format!(
        "{quote_at}: added `{key}: {}` to choose the first of the {places} places the quote is found",
        yaml_string(words)
    );
    if passage.shorthand {
        return Fix {
            replacement: format!(
                "{{quote: {}, {key}: {}}}",
                yaml_string(&passage.quote.value),
                yaml_string(words)
            ),
            at: quote_at,
            summary,
        };
    }
    // Insert a line under `quote:`, at the same indentation as its key.
    let text = &quote_at.file.text;
    let line_start = text[..quote_at.range.start]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let key_column = text[line_start..quote_at.range.start]
        .rfind("quote")
        .unwrap_or(0);
    let indent = " ".repeat(text[line_start..line_start + key_column].chars().count());
    let line_end = text[quote_at.range.end..]
        .find('\n')
        .map_or(text.len(), |i| quote_at.range.end + i);
    Fix {
        at: Location::new(&quote_at.file, line_end..line_end),
        replacement: format!("\n{indent}{key}: {}", yaml_string(words)),
        summary,
    }
}

fn ambiguous(
    passage: &Passage,
    locator: &Locator,
    reading: &Reading,
    text: &TextIndex,
    places: &[Range<usize>],
) -> Diagnostic {
    let mut d = Diagnostic::error(
        "E0111",
        format!(
            "the quote is in the text of `{}` {} times",
            reading.slug,
            places.len()
        ),
    )
    .at(locator.locate(&passage.quote), "found more than once");
    let contexts = text.disambiguate(places);
    if let Some(Some(context)) = contexts.first() {
        d = d.with_fix(context_fix(passage, locator, context, places.len()));
    }
    for (place, context) in places.iter().zip(contexts) {
        let line = reading
            .source
            .line_col(reading.body.start + text.document.source_offset(place.start))
            .0;
        let paragraph = text
            .document
            .block_at(place.start)
            .and_then(|b| text.document.blocks[b].paragraph)
            .map(|n| format!("paragraph {n}, "))
            .unwrap_or_default();
        let fix = match context {
            Some(Context::Prefix(p)) => format!("add `prefix: \"{p}\"`"),
            Some(Context::Suffix(s)) => format!("add `suffix: \"{s}\"`"),
            None => "quote more of the text".to_owned(),
        };
        d = d.help(format!(
            "found in {paragraph}line {line} of {}: to choose it, {fix}",
            reading.source.path.display()
        ));
    }
    d
}
