//! Refer: Registry → [`Plan`], the second step of [`super::index`].
//!
//! 1. Every `see` and `sources` of a gloss is checked against the ids defined.
//! 2. Every passage (a source's `cited`, a cross-reference's ends, a note's place, a
//!    pull quote's words and place) is listed with the reading it is in, its `reading:`
//!    checked against the slugs; cross-references, notes and pull quotes are defined
//!    (each id once within its reading's file).
//! 3. Once the passages are anchored, [`to_itself`] finds a cross-reference whose two
//!    ends are the same words.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use super::define::{Registry, define_id};
use super::values::check_markdown;
use crate::annotations::model::{CrossRef, Note, Passage, PullQuote};
use crate::diagnostics::{Diagnostic, Location};
use crate::yaml::{Locator, Spanned};

/// Every passage to resolve, and the definitions they belong to.
pub struct Plan<'s> {
    pub pending: Vec<Pending<'s>>,
    /// Per reading: the indices in `pending` of the passages in it, in order.
    pub by_reading: Vec<Vec<usize>>,
    pub crossrefs: Vec<(&'s str, &'s CrossRef)>,
    pub notes: Vec<(&'s str, &'s Note)>,
    /// Each pull quote with its reading and the locator of its file.
    pub pullquotes: Vec<(usize, &'s PullQuote, &'s Locator)>,
}

/// One passage waiting to be resolved, and who asked.
pub struct Pending<'s> {
    /// Written in a file, or (a pull quote's words) built from one.
    pub passage: Cow<'s, Passage>,
    pub locator: &'s Locator,
    pub reading: usize,
    pub purpose: Purpose,
}

/// What a resolved passage becomes.
#[derive(Clone, Copy)]
pub enum Purpose {
    Citation(usize),
    CrossRefFrom(usize),
    CrossRefTo(usize),
    Note(usize),
    PullQuote(usize),
    PullQuotePlace(usize),
}

pub fn refer<'s>(registry: &mut Registry<'s>) -> Plan<'s> {
    let mut problems = std::mem::take(&mut registry.problems);
    check_gloss_references(registry, &mut problems);
    let plan = passages(registry, &mut problems);
    registry.problems = problems;
    plan
}

/// Ids that glosses refer to.
fn check_gloss_references(registry: &Registry, problems: &mut Vec<Diagnostic>) {
    for &(_, annotations) in &registry.files {
        for (_, gloss) in annotations.file.glosses.iter() {
            for see in &gloss.see {
                if !registry.gloss_index.contains_key(see.value.as_str()) {
                    problems.push(unknown_id(
                        see,
                        &annotations.locator,
                        "gloss",
                        &registry.gloss_ids,
                    ));
                }
            }
            for source in &gloss.sources {
                if !registry.source_index.contains_key(source.value.as_str()) {
                    problems.push(unknown_id(
                        source,
                        &annotations.locator,
                        "source",
                        &registry.source_ids,
                    ));
                }
            }
        }
    }
}

fn passages<'s>(registry: &Registry<'s>, problems: &mut Vec<Diagnostic>) -> Plan<'s> {
    let slugs = &registry.slugs;
    let mut crossrefs: Vec<(&str, &CrossRef)> = Vec::new();
    let mut notes: Vec<(&str, &Note)> = Vec::new();
    let mut pullquotes: Vec<(usize, &PullQuote, &Locator)> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    for &(owner, annotations) in &registry.files {
        let locator = &annotations.locator;
        let file = &annotations.file;
        for (id, source) in file.sources.iter() {
            // An id already reported (malformed or defined twice) is not resolved further.
            let Some(&s) = (id.id.as_ref()).and_then(|id| registry.source_index.get(id.as_str()))
            else {
                continue;
            };
            for passage in &source.cited {
                if let Some(reading) = passage_reading(passage, owner, locator, slugs, problems) {
                    pending.push(Pending {
                        passage: Cow::Borrowed(passage),
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
            if let Some(id) = define_id(id, locator, &mut local_ids, "cross-reference", problems) {
                let c = crossrefs.len();
                check_markdown(
                    &crossref.note,
                    "a cross-reference's note",
                    locator,
                    problems,
                );
                crossrefs.push((id.as_str(), crossref));
                no_reading(&crossref.from, locator, problems);
                pending.push(Pending {
                    passage: Cow::Borrowed(&crossref.from),
                    locator,
                    reading: owner,
                    purpose: Purpose::CrossRefFrom(c),
                });
                if let Some(reading) =
                    passage_reading(&crossref.to, Some(owner), locator, slugs, problems)
                {
                    pending.push(Pending {
                        passage: Cow::Borrowed(&crossref.to),
                        locator,
                        reading,
                        purpose: Purpose::CrossRefTo(c),
                    });
                }
            }
        }
        for (id, note) in file.notes.iter() {
            if let Some(id) = define_id(id, locator, &mut local_ids, "note", problems) {
                no_reading(&note.at, locator, problems);
                check_markdown(&note.text, "a note", locator, problems);
                pending.push(Pending {
                    passage: Cow::Borrowed(&note.at),
                    locator,
                    reading: owner,
                    purpose: Purpose::Note(notes.len()),
                });
                notes.push((id.as_str(), note));
            }
        }
        for (id, pullquote) in file.pullquotes.iter() {
            if define_id(id, locator, &mut local_ids, "pull quote", problems).is_some() {
                pullquotes.push((owner, pullquote, locator));
            }
        }
    }
    // A pull quote's own words are a passage built here, owned by its `Pending`.
    for (p, (owner, pullquote, locator)) in pullquotes.iter().enumerate() {
        let passage = pullquote.passage();
        pending.push(Pending {
            passage: Cow::Owned(passage),
            locator,
            reading: *owner,
            purpose: Purpose::PullQuote(p),
        });
        no_reading(&pullquote.after, locator, problems);
        pending.push(Pending {
            passage: Cow::Borrowed(&pullquote.after),
            locator,
            reading: *owner,
            purpose: Purpose::PullQuotePlace(p),
        });
    }

    let mut by_reading = vec![Vec::new(); registry.site.readings.len()];
    for (i, p) in pending.iter().enumerate() {
        by_reading[p.reading].push(i);
    }
    Plan {
        pending,
        by_reading,
        crossrefs,
        notes,
        pullquotes,
    }
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

pub fn closest_id<'a>(wanted: &str, ids: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let wanted: Vec<char> = wanted.chars().collect();
    ids.map(|id| {
        let chars: Vec<char> = id.chars().collect();
        (crate::diagnostics::edit_distance(&wanted, &chars), id)
    })
    .filter(|(d, id)| *d <= 2.max(id.len() / 4))
    .min()
    .map(|(_, id)| id)
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

/// Cross-references whose two ends resolved to overlapping words of one reading: a
/// reader following one would land where they stand. Said once the passages are placed.
pub fn to_itself(plan: &Plan, resolved: &[Option<Range<usize>>]) -> Vec<Diagnostic> {
    // Per cross-reference: its `from` and its `to`, each as (pending index, range).
    type End<'r> = Option<(usize, &'r Range<usize>)>;
    let mut ends: Vec<[End; 2]> = vec![[None, None]; plan.crossrefs.len()];
    for (i, pending) in plan.pending.iter().enumerate() {
        let Some(range) = &resolved[i] else { continue };
        match pending.purpose {
            Purpose::CrossRefFrom(c) => ends[c][0] = Some((i, range)),
            Purpose::CrossRefTo(c) => ends[c][1] = Some((i, range)),
            _ => {}
        }
    }
    let mut problems = Vec::new();
    for (c, pair) in ends.iter().enumerate() {
        let [Some((from, a)), Some((to, b))] = *pair else {
            continue;
        };
        let (from, to) = (&plan.pending[from], &plan.pending[to]);
        if from.reading == to.reading && a.start < b.end && b.start < a.end {
            problems.push(
                Diagnostic::error(
                    "E0118",
                    format!(
                        "the cross-reference `{}` leads from a passage to itself",
                        plan.crossrefs[c].0
                    ),
                )
                .at(to.locator.locate(&to.passage.quote), "the same words as `from`")
                .related(
                    from.locator.locate(&from.passage.quote),
                    "`from` is here",
                )
                .help("point `to` at the passage this one answers, elsewhere in the text or in another reading (`reading:`)"),
            );
        }
    }
    problems
}
