//! Lint: warnings about the index as a whole, the last step of [`super::index`].
//!
//! - W0202: a source no passage cites;
//! - W0201: a gloss found in no reading (unless W0203 said why: hidden in longer forms).

use std::collections::HashSet;

use super::SiteIndex;
use super::define::locator_of;
use crate::content::Annotations;
use crate::diagnostics::Diagnostic;

pub fn lint(
    index: &SiteIndex,
    files: &[(Option<usize>, &Annotations)],
    never_marked: &HashSet<usize>,
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for entry in &index.sources {
        if entry.citations.is_empty() {
            let locator = locator_of(files, entry.owner, |f| {
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
    for (g, entry) in index.glosses.iter().enumerate() {
        if entry.mentions.is_empty() && !never_marked.contains(&g) {
            let locator = locator_of(files, entry.owner, |f| {
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

    warnings
}
