//! Resolve: every annotation of a [`Site`] found in its place, every id and reference
//! checked, and the registers built from them: a [`SiteIndex`].
//!
//! Read the steps top to bottom; each is a function from one value to the next:
//!
//! ```text
//! Site ─ define ─▶ Registry   texts parsed; ids → definitions, each id once; ids and
//!                             dates parsed at load reported if invalid; addresses and
//!                             editors' Markdown checked
//!      ─ refer ──▶ Plan       every `see`, `sources`, `reading:` checked against the
//!                             Registry; every passage listed with the reading it is in
//!      ─ anchor ─▶ ranges     each reading's passages resolved in its text  ┐ per reading,
//!      ─ mention ▶ mentions   gloss forms found: the shared glossary's      ┘ in parallel
//!                             automaton is built once per build; then no
//!                             cross-reference may lead to its own words
//!      ─ gather ─▶ SiteIndex  registers: mentions per gloss, citations per source,
//!                             cross-references, notes numbered, marks in text order
//!      ─ lint ───▶ warnings   sources never cited, glosses never found
//! ```
//!
//! Entry point: [`index`]. It returns every problem at once (the warnings found before
//! the errors stopped it, then the errors), or a [`SiteIndex`].

mod anchor;
mod define;
mod explain;
mod gather;
mod lint;
mod mention;
mod refer;
mod values;

use std::collections::HashSet;
use std::ops::Range;

use rayon::prelude::*;

use crate::annotations::model::{CrossRef, Gloss, Note, Source};
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::markdown::Document;

pub use define::is_valid_id;
pub use mention::gloss_forms;
pub use values::is_web_address;

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

/// Resolves the whole site: the steps of this module, in order.
pub fn index(site: &Site) -> Result<SiteIndex<'_>, Vec<Diagnostic>> {
    let mut registry = define::define(site);
    let plan = refer::refer(&mut registry);
    let glossary = mention::Glossary::build(&mut registry);

    // Each reading on its own: anchoring and mentions need nothing of the others. The
    // results come back in reading order, so the output does not depend on the threads.
    let per_reading: Vec<(anchor::Anchored, mention::Mentions)> = (0..site.readings.len())
        .into_par_iter()
        .map(|r| {
            let text = crate::annotations::anchor::TextIndex::new(&registry.documents[r]);
            let anchored = anchor::anchor(&registry, &plan, r, &text);
            let mentions = glossary.mentions(&registry, r, &text);
            (anchored, mentions)
        })
        .collect();

    let mut problems = std::mem::take(&mut registry.problems);
    let mut warnings = Vec::new();
    let mut resolved = vec![None; plan.pending.len()];
    let mut found = Vec::with_capacity(per_reading.len());
    for (anchored, mut mentions) in per_reading {
        for (i, range) in anchored.resolved {
            resolved[i] = Some(range);
        }
        problems.extend(anchored.problems);
        problems.append(&mut mentions.problems);
        warnings.append(&mut mentions.warnings);
        found.push(mentions);
    }
    problems.extend(refer::to_itself(&plan, &resolved));
    if !problems.is_empty() {
        // The warnings found so far come too, first, so that the errors end the report:
        // an editor mending the errors sees the rest of the work at the same time.
        warnings.extend(problems);
        return Err(warnings);
    }

    let never_marked: HashSet<usize> = found
        .iter()
        .flat_map(|m| m.never_marked.iter().copied())
        .collect();
    let mut index = gather::gather(&mut registry, plan, resolved, found, warnings);
    let lints = lint::lint(&index, &registry, &never_marked);
    index.warnings.extend(lints);
    Ok(index)
}
