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
use crate::date::{DateError, PartialDate};
use crate::diagnostics::{Diagnostic, Fix, Location};
use crate::markdown::Document;
use crate::sanitize::{self, Unsafe};
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
    for (reading, document) in site.readings.iter().zip(&documents) {
        check_front_matter(reading, &mut problems);
        problems.extend(
            document
                .html_problems
                .iter()
                .map(|p| raw_html_problem(reading, p)),
        );
    }
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
                check_markdown(
                    &crossref.note,
                    "a cross-reference's note",
                    locator,
                    &mut problems,
                );
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
                check_markdown(&note.text, "a note", locator, &mut problems);
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
            let resolution = match p.purpose {
                // A pull quote repeats words; it marks nothing.
                Purpose::PullQuote(_) | Purpose::PullQuotePlace(_) => resolution,
                _ => match markable(document, resolution) {
                    Ok(resolution) => resolution,
                    Err(place) => {
                        problems.push(unmarkable(
                            p.passage,
                            p.locator,
                            &site.readings[r],
                            document,
                            &place,
                        ));
                        continue;
                    }
                },
            };
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
        // A form in alt text is indexed but not marked: a mark cannot go in an attribute.
        let markable = entry
            .mentions
            .iter()
            .filter(|m| documents[m.reading].is_markable(&m.range));
        for mention in markable {
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

/// Raw HTML that is not balanced, as a diagnostic on the reading's Markdown.
fn raw_html_problem(reading: &Reading, problem: &crate::markdown::rawhtml::Problem) -> Diagnostic {
    // Offsets come from the Markdown parser's events; kept inside the body and on
    // character boundaries whatever they are.
    let text = &reading.source.text;
    let offset = |o: usize| {
        let mut o = (reading.body.start + o).min(reading.body.end);
        while !text.is_char_boundary(o) {
            o -= 1;
        }
        o
    };
    let at = |range: &Range<usize>| {
        let start = offset(range.start);
        Location::new(&reading.source, start..offset(range.end).max(start))
    };
    let mut d = Diagnostic::error(problem.code, problem.message.clone())
        .at(at(&problem.range), problem.label.clone())
        .help(problem.help.clone());
    if let Some((range, label)) = &problem.related {
        d = d.related(at(range), label.clone());
    }
    d
}

/// Keeps the places of a resolution where a mark can be written. `Err` holds a place
/// when every place is where no mark can go (an image's alt text).
fn markable(document: &Document, resolution: Resolution) -> Result<Resolution, Range<usize>> {
    match resolution {
        Resolution::Found(range) if !document.is_partly_markable(&range) => Err(range),
        Resolution::Ambiguous(places) => {
            let mut visible: Vec<Range<usize>> = places
                .iter()
                .filter(|p| document.is_partly_markable(p))
                .cloned()
                .collect();
            match visible.len() {
                0 => Err(places[0].clone()),
                1 => Ok(Resolution::Found(visible.remove(0))),
                _ => Ok(Resolution::Ambiguous(visible)),
            }
        }
        other => Ok(other),
    }
}

fn unmarkable(
    passage: &Passage,
    locator: &Locator,
    reading: &Reading,
    document: &Document,
    place: &Range<usize>,
) -> Diagnostic {
    Diagnostic::error(
        "E0174",
        format!(
            "the quote is in the text of `{}` only where no mark can go",
            reading.slug
        ),
    )
    .at(locator.locate(&passage.quote), "cannot be marked")
    .related(
        text_location(reading, document, place),
        "inside an image's alt text (or raw HTML such as <textarea>)",
    )
    .help("a mark cannot go inside an attribute or a form control: quote words of the text around it instead")
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
    check_markdown(&gloss.text, "a gloss", locator, problems);
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
    if let Some(note) = &source.note {
        check_markdown(note, "a source's note", locator, problems);
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

/// A reading's front matter: its dates and the editor's note.
fn check_front_matter(reading: &Reading, problems: &mut Vec<Diagnostic>) {
    let locator = &reading.meta_locator;
    let original = reading.meta.original.as_ref();
    for date in [&reading.meta.date, &original.and_then(|o| o.date.clone())]
        .into_iter()
        .flatten()
    {
        check_date(date, locator, problems);
    }
    if let Some(note) = &reading.meta.editor_note {
        check_markdown(note, "the editor's note", locator, problems);
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

/// A date must be a real day, month or year of the calendar ([`PartialDate`]).
fn check_date(date: &Spanned<String>, locator: &Locator, problems: &mut Vec<Diagnostic>) {
    match PartialDate::parse(&date.value) {
        Ok(_) => {}
        Err(DateError::Form) => problems.push(
            Diagnostic::error(
                "E0114",
                format!("`{}` is not a date scholia reads", date.value),
            )
            .at(locator.locate(date), "expected YYYY, YYYY-MM or YYYY-MM-DD")
            .help(
                "write the date as 1939, 1939-04 or 1939-04-19; leave it out when it is not known",
            ),
        ),
        Err(DateError::Calendar(reason)) => problems.push(
            Diagnostic::error("E0180", format!("`{}` is not a real date", date.value))
                .at(locator.locate(date), reason)
                .help(format!(
                    "write a date of the calendar as {} (1939, 1939-04, 1939-04-19; -44 for 44 BCE); leave out what is not known",
                    crate::date::FORMS
                )),
        ),
    }
}

/// The editor's Markdown holds nothing that would be published otherwise than written:
/// no raw HTML, no link to an address other than http(s), mailto or relative, no image
/// ([`crate::sanitize`]).
fn check_markdown(
    text: &Spanned<String>,
    what: &str,
    locator: &Locator,
    problems: &mut Vec<Diagnostic>,
) {
    for problem in sanitize::problems(&text.value) {
        let (code, message, label, help, fragment) = match &problem {
            Unsafe::Html(html) => (
                "E0181",
                format!("raw HTML in {what}: `{}`", sanitize::excerpt(html)),
                "annotations are Markdown without HTML",
                "write Markdown instead (*emphasis*, **strong**, [words](https://…)); to show a tag as text, put it in backticks: `<kbd>`",
                html,
            ),
            Unsafe::Link(url) => (
                "E0182",
                format!("a link in {what} goes to `{}`", sanitize::excerpt(url)),
                "not an http(s), mailto or relative address",
                "link to an https:// address, a mailto: address or a page of this site; other schemes (javascript:, data:, file: …) are refused",
                url,
            ),
            Unsafe::Image(url) => (
                "E0183",
                format!("an image in {what}: `{}`", sanitize::excerpt(url)),
                "annotations hold words and links, not images",
                "link to the image instead: [what it shows](https://…)",
                url,
            ),
        };
        problems.push(
            Diagnostic::error(code, message)
                .at(within(text, fragment, locator), label)
                .help(help),
        );
    }
}

/// Where a piece of a YAML string value is: the piece itself when the value's lines hold
/// it exactly once (plain and block scalars mostly do), else the whole value. Quoting,
/// escapes and entities can make the two differ, so this never guesses.
fn within(value: &Spanned<String>, piece: &str, locator: &Locator) -> Location {
    let whole = locator.locate(value);
    let file = whole.file.text.as_str();
    let start = whole.range.start;
    // A span that does not fall on the file's characters is shown as it is.
    let (Some(before), Some(after)) = (file.get(..start), file.get(start..)) else {
        return whole;
    };
    // The value runs on over the lines indented deeper than the line it starts on (a
    // block scalar's span may cover only its `|` or `>`).
    let indent = indentation(&file[before.rfind('\n').map_or(0, |i| i + 1)..]);
    let mut end = after.find('\n').map_or(file.len(), |i| start + i + 1);
    for line in file[end..].split_inclusive('\n') {
        if !line.trim().is_empty() && indentation(line) <= indent {
            break;
        }
        end += line.len();
    }
    let Some(region) = file.get(start..end.max(whole.range.end).min(file.len())) else {
        return whole;
    };
    let first = piece.lines().next().unwrap_or_default().trim();
    let mut found = region.match_indices(first);
    match (first.is_empty(), found.next(), found.next()) {
        (false, Some((at, _)), None) => {
            Location::new(&whole.file, start + at..start + at + first.len())
        }
        _ => whole,
    }
}

fn indentation(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
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
        // Words found at several places are still one place with the editor's own prefix
        // or suffix, when these pick out the passage found.
        let unique = unique
            || (with_context
                && matches!(
                    &text.resolve(&[Selector {
                        quote: passage_text,
                        prefix: passage.prefix.as_ref().map(|s| s.value.as_str()),
                        suffix: passage.suffix.as_ref().map(|s| s.value.as_str()),
                    }])[..],
                    [Resolution::Found(r)] if *r == closest.range
                ));
        // With a prefix or suffix too: `--fix` proves the mended passage resolves, context
        // and all, before it writes. A quote across paragraphs has no one place to become.
        if closest.clear && closest.similarity >= FIX_SIMILARITY && unique && !crosses {
            // One line: matching treats any run of white space as one space.
            let words = passage_text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            d = d.with_fix(Fix {
                at: locator.locate(&passage.quote),
                summary: format!(
                    "{}: the quote now reads \"{words}\", as line {line} of {} does",
                    locator.locate(&passage.quote),
                    reading.source.path.display()
                ),
                quote: words,
                reading: reading.slug.clone(),
                place: closest.range.clone(),
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
    let document = text.document;
    // Each place by line and column and in its words: a one-line paragraph holds many.
    // Only the first few: past a dozen, a list helps no one and costs time on every save.
    let listed = places.len().min(LISTED_PLACES);
    for (place, context) in places.iter().zip(text.disambiguate_first(places, listed)) {
        let (line, column) = reading
            .source
            .line_col(reading.body.start + document.source_offset(place.start));
        let block = document.block_at(place.start);
        let near = match block.and_then(|b| document.blocks[b].paragraph) {
            Some(n) => format!("in paragraph {n}, "),
            None => "at ".to_owned(),
        };
        let bounds = block.map_or(0..document.text.len(), |b| document.blocks[b].text.clone());
        let choose = |key: &str, words: &str, present: bool| {
            format!(
                "to choose it, {} `{key}: {}`",
                if present { "make it" } else { "add" },
                crate::fix::double_quoted(words)
            )
        };
        let choose = match context {
            Some(Context::Prefix(p)) => choose("prefix", &p, passage.prefix.is_some()),
            Some(Context::Suffix(s)) => choose("suffix", &s, passage.suffix.is_some()),
            None => "no nearby words tell it apart: quote more of the text".to_owned(),
        };
        d = d.help(format!(
            "{near}{}:{line}:{column}: {} — {choose}",
            reading.source.path.display(),
            in_context(&document.text, bounds, place.clone())
        ));
    }
    if places.len() > listed {
        d = d.help(format!(
            "and {} more places not listed: quote more words of the one you mean",
            places.len() - listed
        ));
    }
    d.help("`check --fix` does not choose among these places: add the prefix or suffix of the one you mean")
}

/// How many places of a repeated quote its error lists.
const LISTED_PLACES: usize = 10;

/// A place of the reading text with up to three words either side, within its block:
/// `…what we say ⟨here⟩, but can…`.
fn in_context(text: &str, block: Range<usize>, place: Range<usize>) -> String {
    const WORDS: usize = 3;
    let block = block.start.min(place.start)..block.end.max(place.end);
    let before = &text[block.start..place.start];
    let after = &text[place.end..block.end];
    let is_space = |c: char| c.is_whitespace();
    let starts: Vec<usize> = before
        .char_indices()
        .filter(|&(i, c)| !is_space(c) && before[..i].chars().next_back().is_none_or(is_space))
        .map(|(i, _)| i)
        .collect();
    let (lead, from) = match starts.len().checked_sub(WORDS) {
        Some(k) if k > 0 => ("…", starts[k]),
        _ => ("", 0),
    };
    let ends: Vec<usize> = after
        .char_indices()
        .filter(|&(i, c)| {
            !is_space(c)
                && after[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(is_space)
        })
        .map(|(i, c)| i + c.len_utf8())
        .collect();
    let (to, trail) = match ends.get(WORDS - 1) {
        Some(&end) if ends.len() > WORDS => (end, "…"),
        _ => (after.len(), ""),
    };
    // Soft line breaks and runs of spaces read as one space.
    let squash = |s: &str| {
        let mut out = String::new();
        for c in s.chars() {
            if !is_space(c) {
                out.push(c);
            } else if !out.ends_with(' ') {
                out.push(' ');
            }
        }
        out
    };
    format!(
        "{lead}{}⟨{}⟩{}{trail}",
        squash(&before[from..]),
        squash(&text[place]),
        squash(&after[..to])
    )
}
