//! Anchor: each reading's passages → ranges of its text, the third step of
//! [`super::index`], run for each reading on its own (in parallel).
//!
//! 1. Resolve every passage of the reading in one batch ([`TextIndex::resolve`]).
//! 2. Keep the places where a mark can go (a note's, a citation's, a cross-reference's;
//!    a pull quote only repeats words and marks nothing).
//! 3. Explain each passage not found, found more than once, or only unmarkable
//!    ([`super::explain`]).

use std::ops::Range;

use super::define::Registry;
use super::explain::{ambiguous, not_found, unmarkable};
use super::refer::{Plan, Purpose};
use crate::annotations::anchor::{Resolution, Selector, TextIndex};
use crate::diagnostics::Diagnostic;
use crate::markdown::Document;

/// One reading's passages resolved.
pub struct Anchored {
    /// (index in `plan.pending`, range of the reading text) of each passage found once.
    pub resolved: Vec<(usize, Range<usize>)>,
    pub problems: Vec<Diagnostic>,
}

pub fn anchor(registry: &Registry, plan: &Plan, r: usize, text: &TextIndex) -> Anchored {
    let document = text.document;
    let reading = &registry.site.readings[r];
    let batch = &plan.by_reading[r];
    let selectors: Vec<Selector> = batch
        .iter()
        .map(|&i| {
            let p = &plan.pending[i].passage;
            Selector {
                quote: &p.quote.value,
                prefix: p.prefix.as_ref().map(|s| s.value.as_str()),
                suffix: p.suffix.as_ref().map(|s| s.value.as_str()),
            }
        })
        .collect();
    let mut resolved = Vec::new();
    let mut problems = Vec::new();
    for (&i, resolution) in batch.iter().zip(text.resolve(&selectors)) {
        let p = &plan.pending[i];
        let resolution = match p.purpose {
            // A pull quote repeats words; it marks nothing.
            Purpose::PullQuote(_) | Purpose::PullQuotePlace(_) => resolution,
            _ => match markable(document, resolution) {
                Ok(resolution) => resolution,
                Err(place) => {
                    problems.push(unmarkable(&p.passage, p.locator, reading, document, &place));
                    continue;
                }
            },
        };
        match resolution {
            Resolution::Found(range) => resolved.push((i, range)),
            Resolution::NotFound => problems.push(not_found(&p.passage, p.locator, reading, text)),
            Resolution::Ambiguous(places) => {
                problems.push(ambiguous(&p.passage, p.locator, reading, text, &places))
            }
        }
    }
    Anchored { resolved, problems }
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
