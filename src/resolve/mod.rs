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
//! the errors stopped it, then the errors), or a [`SiteIndex`]. [`index_with`] is the
//! same steps keeping, for `serve`'s next build, what each reading's text gave: its
//! parse, its passages anchored, its mentions, and the shared glossary's automaton
//! ([`Kept`]); an edit then redoes these only where what they depend on changed.

mod anchor;
mod define;
mod explain;
mod gather;
mod lint;
mod mention;
mod refer;
mod values;

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use crate::annotations::model::{CrossRef, Gloss, Note, Source};
use crate::content::{Reading, Site};
use crate::diagnostics::{Diagnostic, SourceFile};
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
    /// Each gloss's related entries, made when first asked for
    /// ([`crate::render::related`]): the pages and `serve`'s keys both need them.
    pub related: std::sync::OnceLock<crate::render::RelatedEntries>,
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
#[derive(Debug, Clone, Hash)]
pub struct MarkPlace {
    pub note: NoteRef,
    pub range: Range<usize>,
    /// True for the `to` end of a cross-reference: it is marked, with a link back.
    pub is_target: bool,
}

#[derive(Debug, Default, Hash)]
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
    index_with(site, None)
}

/// What [`index_with`] keeps of one resolve for the next (`serve`): per reading, its
/// parsed text and what was found in it; the shared glossary compiled.
#[derive(Default)]
pub struct Kept {
    /// By slug.
    readings: HashMap<String, KeptReading>,
    /// The shared glossary compiled, with the key of what it was compiled from.
    glossary: Option<(u64, mention::Glossary)>,
    /// What the last resolve did again.
    redone: Redone,
}

/// What a resolve with [`Kept`] did again rather than take as it was: how many readings'
/// texts it parsed, indexed (word boundaries), anchored passages in and searched for
/// glosses, and whether it compiled the shared glossary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Redone {
    pub parsed: usize,
    pub indexed: usize,
    pub anchored: usize,
    pub searched: usize,
    pub glossary: bool,
}

/// Each passage found in a reading, by its place in the reading's batch, and its range.
type Found = Vec<(usize, Range<usize>)>;

/// One reading's results, valid while its `index.md` has the same text.
struct KeptReading {
    source: Arc<SourceFile>,
    /// Given back after the build ([`Kept::keep_documents`]).
    document: Option<Document>,
    /// With the key of its passages.
    anchored: Option<(u64, Found)>,
    /// With the key of the glosses looked for.
    mentions: Option<(u64, KeptMentions)>,
}

/// A reading's mentions, each gloss named so that it means the same while the key does.
struct KeptMentions {
    found: Vec<(GlossAt, Range<usize>)>,
    never_marked: Vec<GlossAt>,
    warnings: Vec<Diagnostic>,
}

#[derive(Clone, Copy)]
enum GlossAt {
    /// The index among all glosses: the shared ones come first, in the key's order.
    Shared(usize),
    /// The place among the reading's own glosses.
    Own(usize),
}

impl KeptReading {
    /// Whether it was made from the same `index.md`: the whole file, as the warnings kept
    /// point into it by line.
    fn is_of(&self, reading: &Reading) -> bool {
        Arc::ptr_eq(&self.source, &reading.source)
            || (self.source.path == reading.source.path && self.source.text == reading.source.text)
    }
}

impl Kept {
    /// What the last resolve did again.
    pub fn redone(&self) -> Redone {
        self.redone
    }

    /// Keeps the parsed texts of a good build for the next.
    pub fn keep_documents(&mut self, site: &Site, documents: Vec<Document>) {
        for (reading, document) in site.readings.iter().zip(documents) {
            if let Some(kept) = self.readings.get_mut(reading.slug.as_str())
                && kept.is_of(reading)
            {
                kept.document = Some(document);
            }
        }
    }
}

/// [`index`], taking from `kept` what an earlier resolve found in each unchanged reading
/// and leaving there what this one found. A result is kept only with the key of all it
/// depends on besides the reading's text, and only if it raised no error.
pub fn index_with<'s>(
    site: &'s Site,
    mut kept: Option<&mut Kept>,
) -> Result<SiteIndex<'s>, Vec<Diagnostic>> {
    let keeping = kept.is_some();
    let mut earlier: Vec<Option<KeptReading>> = match kept.as_deref_mut() {
        Some(kept) => site
            .readings
            .iter()
            .map(|r| kept.readings.remove(r.slug.as_str()).filter(|k| k.is_of(r)))
            .collect(),
        None => site.readings.iter().map(|_| None).collect(),
    };
    let parsed = earlier
        .iter()
        .filter(|old| old.as_ref().is_none_or(|o| o.document.is_none()))
        .count();
    let documents: Vec<Document> = site
        .readings
        .par_iter()
        .zip(&mut earlier)
        .map(|(r, old)| {
            old.as_mut()
                .and_then(|o| o.document.take())
                .unwrap_or_else(|| Document::parse(r.markdown()))
        })
        .collect();
    let mut registry = define::define(site, documents);
    let plan = refer::refer(&mut registry);
    let glossary_key = keeping.then(|| glossary_key(&registry));
    let mut redone = Redone {
        parsed,
        ..Redone::default()
    };
    let glossary = match kept.as_deref_mut().and_then(|k| k.glossary.take()) {
        Some((key, glossary)) if Some(key) == glossary_key => glossary,
        _ => {
            redone.glossary = true;
            mention::Glossary::build(&mut registry)
        }
    };
    // A glossary that raised an error is not kept: it would hide the error next time.
    let glossary_key = glossary_key.filter(|_| registry.problems.is_empty());

    // Each reading on its own: anchoring and mentions need nothing of the others. The
    // results come back in reading order, so the output does not depend on the threads.
    // Its results, what to keep of them, and whether it was anchored, searched, indexed.
    type PerReading = (
        anchor::Anchored,
        mention::Mentions,
        Option<KeptReading>,
        (bool, bool, bool),
    );
    let per_reading: Vec<PerReading> = earlier
        .into_par_iter()
        .enumerate()
        .map(|(r, old)| {
            let (anchor_key, mention_key) = match keeping {
                true => (
                    Some(anchor_key(&plan, r)),
                    glossary_key.map(|g| mention_key(g, &registry, r)),
                ),
                false => (None, None),
            };
            let (old_anchored, old_mentions) = match old {
                Some(old) => (
                    old.anchored.filter(|(k, _)| Some(*k) == anchor_key),
                    old.mentions.filter(|(k, _)| Some(*k) == mention_key),
                ),
                None => (None, None),
            };
            // The text index is the costly part: made only if something must be found.
            let made = std::cell::OnceCell::new();
            let text = || {
                made.get_or_init(|| {
                    crate::annotations::anchor::TextIndex::new(&registry.documents[r])
                })
            };
            let batch = &plan.by_reading[r];
            let done = (old_anchored.is_none(), old_mentions.is_none());
            let anchored = match old_anchored {
                Some((_, found)) => anchor::Anchored {
                    resolved: found
                        .into_iter()
                        .map(|(k, range)| (batch[k], range))
                        .collect(),
                    problems: Vec::new(),
                },
                None => anchor::anchor(&registry, &plan, r, text()),
            };
            let own = &registry.own_glosses[r];
            let mentions = match old_mentions {
                Some((_, m)) => {
                    let g = |at: GlossAt| match at {
                        GlossAt::Shared(g) => g,
                        GlossAt::Own(k) => own[k],
                    };
                    mention::Mentions {
                        found: m
                            .found
                            .into_iter()
                            .map(|(at, range)| (g(at), range))
                            .collect(),
                        never_marked: m.never_marked.into_iter().map(g).collect(),
                        problems: Vec::new(),
                        warnings: m.warnings,
                    }
                }
                None => glossary.mentions(&registry, r, text()),
            };
            let next = keeping.then(|| {
                let at = |g: usize| match own.iter().position(|&o| o == g) {
                    Some(k) => GlossAt::Own(k),
                    None => GlossAt::Shared(g),
                };
                let reading = &site.readings[r];
                KeptReading {
                    source: Arc::clone(&reading.source),
                    document: None,
                    anchored: anchor_key
                        .filter(|_| anchored.problems.is_empty())
                        .map(|k| {
                            let found = anchored
                                .resolved
                                .iter()
                                .filter_map(|(i, range)| {
                                    Some((batch.iter().position(|b| b == i)?, range.clone()))
                                })
                                .collect();
                            (k, found)
                        }),
                    mentions: mention_key
                        .filter(|_| mentions.problems.is_empty())
                        .map(|k| {
                            let found = mentions
                                .found
                                .iter()
                                .map(|(g, range)| (at(*g), range.clone()))
                                .collect();
                            let never_marked =
                                mentions.never_marked.iter().map(|&g| at(g)).collect();
                            let warnings = mentions.warnings.clone();
                            (
                                k,
                                KeptMentions {
                                    found,
                                    never_marked,
                                    warnings,
                                },
                            )
                        }),
                }
            });
            let done = (done.0, done.1, made.get().is_some());
            (anchored, mentions, next, done)
        })
        .collect();
    for (.., (anchored, searched, indexed)) in &per_reading {
        redone.anchored += usize::from(*anchored);
        redone.searched += usize::from(*searched);
        redone.indexed += usize::from(*indexed);
    }
    let per_reading: Vec<(anchor::Anchored, mention::Mentions)> = match kept.as_deref_mut() {
        Some(kept) => {
            kept.redone = redone;
            kept.readings.clear();
            if let Some(key) = glossary_key {
                kept.glossary = Some((key, glossary));
            }
            per_reading
                .into_iter()
                .zip(&site.readings)
                .map(|((anchored, mentions, next, _), reading)| {
                    if let Some(next) = next {
                        kept.readings.insert(reading.slug.as_str().to_owned(), next);
                    }
                    (anchored, mentions)
                })
                .collect()
        }
        None => per_reading.into_iter().map(|(a, m, ..)| (a, m)).collect(),
    };

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
        // The texts parsed stay for the build after the mend.
        if let Some(kept) = kept {
            kept.keep_documents(site, std::mem::take(&mut registry.documents));
        }
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

/// What the shared glossary is compiled from: each shared gloss's place, id and forms;
/// the shared `unglossed` names.
fn glossary_key(registry: &define::Registry) -> u64 {
    let mut h = DefaultHasher::new();
    for (g, entry) in registry.glosses.iter().enumerate() {
        if entry.owner.is_none() {
            (g, entry.id).hash(&mut h);
            for form in gloss_forms(entry.gloss) {
                form.value.hash(&mut h);
            }
        }
    }
    for (owner, file) in &registry.files {
        if owner.is_none() {
            for name in &file.file.unglossed {
                name.value.hash(&mut h);
            }
        }
    }
    h.finish()
}

/// What finding reading `r`'s mentions depends on besides its text: the shared
/// glossary, and the reading's own glosses and `unglossed` names (its whole file).
fn mention_key(glossary: u64, registry: &define::Registry, r: usize) -> u64 {
    let mut h = DefaultHasher::new();
    glossary.hash(&mut h);
    let reading = &registry.site.readings[r];
    reading
        .annotations
        .as_ref()
        .map(|a| (&a.locator.file.path, &a.locator.file.text))
        .hash(&mut h);
    for &g in &registry.own_glosses[r] {
        registry.glosses[g].id.hash(&mut h);
    }
    h.finish()
}

/// What anchoring reading `r` depends on besides its text: the words of each passage
/// looked for in it, and whether it is to be marked.
fn anchor_key(plan: &refer::Plan, r: usize) -> u64 {
    let mut h = DefaultHasher::new();
    for &i in &plan.by_reading[r] {
        let p = &plan.pending[i];
        let marks = !matches!(
            p.purpose,
            refer::Purpose::PullQuote(_) | refer::Purpose::PullQuotePlace(_)
        );
        (
            &p.passage.quote.value,
            p.passage.prefix.as_ref().map(|s| &s.value),
            p.passage.suffix.as_ref().map(|s| &s.value),
            marks,
        )
            .hash(&mut h);
    }
    h.finish()
}
