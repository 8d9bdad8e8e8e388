//! Gather: resolved passages and mentions → the registers of a [`SiteIndex`], the fifth
//! step of [`super::index`]. Runs only when nothing stopped the build.
//!
//! 1. Each resolved passage goes to what asked for it: a source's citations, a
//!    cross-reference's ends, a note's place, a pull quote's words and block.
//! 2. Each reading's mentions go to their glosses, in reading and text order.
//! 3. Marks: glosses (each `mark` policy), citations, cross-references both ends, notes;
//!    sorted in text order, and the notes numbered in the order a reader meets them.

use std::ops::Range;

use super::define::Registry;
use super::mention::Mentions;
use super::refer::{Plan, Purpose};
use super::{CrossRefEntry, MarkPlace, NoteEntry, NoteRef, Place, ReadingIndex, SiteIndex};
use crate::annotations::model::MarkPolicy;
use crate::diagnostics::Diagnostic;

pub fn gather<'s>(
    registry: &mut Registry<'s>,
    plan: Plan<'s>,
    resolved: Vec<Option<Range<usize>>>,
    found: Vec<Mentions>,
    warnings: Vec<Diagnostic>,
) -> SiteIndex<'s> {
    let site = registry.site;
    let documents = std::mem::take(&mut registry.documents);
    let mut glosses = std::mem::take(&mut registry.glosses);
    let mut sources = std::mem::take(&mut registry.sources);
    for (r, mentions) in found.into_iter().enumerate() {
        for (g, range) in mentions.found {
            glosses[g].mentions.push(Place { reading: r, range });
        }
    }

    // Every passage resolved: build the registers.
    let mut crossrefs: Vec<CrossRefEntry> = Vec::new();
    let mut crossref_from = vec![None; plan.crossrefs.len()];
    let mut crossref_to = vec![None; plan.crossrefs.len()];
    let mut notes = Vec::new();
    let mut readings: Vec<ReadingIndex> = site
        .readings
        .iter()
        .map(|_| ReadingIndex::default())
        .collect();
    let mut pullquote_text = vec![None; plan.pullquotes.len()];
    let mut pullquote_block = vec![None; plan.pullquotes.len()];
    for (p, range) in plan.pending.iter().zip(resolved) {
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
                id: plan.notes[n].0,
                note: plan.notes[n].1,
                at: place,
            }),
            Purpose::PullQuote(q) => pullquote_text[q] = Some(range),
            Purpose::PullQuotePlace(q) => {
                pullquote_block[q] = documents[p.reading].block_at(range.start)
            }
        }
    }
    for (c, (id, crossref)) in plan.crossrefs.iter().enumerate() {
        if let (Some(from), Some(to)) = (crossref_from[c].take(), crossref_to[c].take()) {
            crossrefs.push(CrossRefEntry {
                id,
                crossref,
                from,
                to,
            });
        }
    }
    for (q, (owner, ..)) in plan.pullquotes.iter().enumerate() {
        if let (Some(text), Some(block)) = (pullquote_text[q].take(), pullquote_block[q]) {
            readings[*owner].pullquotes.push((text, block));
        }
    }

    // Marks.
    for (g, entry) in glosses.iter().enumerate() {
        // Mentions come reading by reading: the reading last marked is the one to ask.
        let mut marked_in = None;
        // A form in alt text is indexed but not marked: a mark cannot go in an attribute.
        let markable = entry
            .mentions
            .iter()
            .filter(|m| documents[m.reading].is_markable(&m.range));
        for mention in markable {
            if entry.gloss.mark == MarkPolicy::All || marked_in != Some(mention.reading) {
                marked_in = Some(mention.reading);
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

    SiteIndex {
        site,
        documents,
        glosses,
        sources,
        crossrefs,
        notes,
        readings,
        warnings,
        related: std::sync::OnceLock::new(),
    }
}
