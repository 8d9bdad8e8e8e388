//! Lint: warnings about the index as a whole, the last step of [`super::index`].
//!
//! - W0202: a source no passage cites;
//! - W0201: a gloss found in no reading (unless W0203 said why: hidden in longer forms).

use std::collections::HashSet;

use super::SiteIndex;
use super::define::Registry;
use crate::diagnostics::Diagnostic;

pub fn lint(
    index: &SiteIndex,
    registry: &Registry,
    never_marked: &HashSet<usize>,
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for (s, entry) in index.sources.iter().enumerate() {
        if entry.citations.is_empty() {
            let locator = &registry.files[registry.source_file[s]].1.locator;
            warnings.push(
                Diagnostic::warning(
                    "W0202",
                    format!("the source `{}` is cited by no passage", entry.id),
                )
                .at(locator.locate(registry.source_id[s]), "never cited")
                .help("add the passages that rely on it under `cited:`, or remove it"),
            );
        }
    }
    for (g, entry) in index.glosses.iter().enumerate() {
        if entry.mentions.is_empty() && !never_marked.contains(&g) {
            warnings.push(
                Diagnostic::warning(
                    "W0201",
                    format!("the gloss `{}` is found in no reading", entry.id),
                )
                .at(
                    registry.gloss_locator(g).locate(&entry.gloss.term),
                    "none of its forms occurs",
                )
                .help("add the form the text uses to `match:`, or remove the gloss"),
            );
        }
    }
    warnings
}
