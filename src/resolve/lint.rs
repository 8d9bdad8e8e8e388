//! Lint: warnings about the index as a whole, the last step of [`super::index`].
//!
//! - W0202: a source no passage cites;
//! - W0201: a gloss found in no reading (unless W0203 said why: hidden in longer forms),
//!   with where a form of it nearly is ([`near_miss`]): inside a word a joiner holds
//!   together, or in a spelling that differs only by an invisible character.

use std::borrow::Cow;
use std::collections::HashSet;

use super::SiteIndex;
use super::define::Registry;
use super::mention::gloss_forms;
use crate::annotations::anchor::{Selector, TextIndex, normalize};
use crate::annotations::fold::{Difference, differs_only_in, invisible_name, show_invisible};
use crate::annotations::model::Gloss;
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
    // Built only for readings that may hold a near miss, once each.
    let mut texts = Texts {
        visible: vec![None; index.documents.len()],
        indexes: (0..index.documents.len()).map(|_| None).collect(),
    };
    let mut explained = 0;
    for (g, entry) in index.glosses.iter().enumerate() {
        if entry.mentions.is_empty() && !never_marked.contains(&g) {
            let mut d = Diagnostic::warning(
                "W0201",
                format!("the gloss `{}` is found in no reading", entry.id),
            )
            .at(
                registry.gloss_locator(g).locate(&entry.gloss.term),
                "none of its forms occurs",
            );
            // A site with many unused glosses pays for the first few only.
            if explained < EXPLAINED {
                explained += 1;
                if let Some(why) = near_miss(index, entry.gloss, &mut texts) {
                    d = d.help(why);
                }
            }
            warnings.push(d.help("add the form the text uses to `match:`, or remove the gloss"));
        }
    }
    warnings
}

/// The readings' texts as [`near_miss`] looks at them, each made once, when first needed.
struct Texts<'d> {
    /// The text, invisible characters left out.
    visible: Vec<Option<Cow<'d, str>>>,
    indexes: Vec<Option<TextIndex<'d>>>,
}

/// A string without its invisible characters (borrowed when it has none).
fn visible(s: &str) -> Cow<'_, str> {
    if s.chars().any(|c| invisible_name(c).is_some()) {
        Cow::Owned(s.chars().filter(|&c| invisible_name(c).is_none()).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// How many glosses found nowhere are looked for in near spellings.
const EXPLAINED: usize = 20;

/// Where a form of a gloss found nowhere nearly is, when a reader could not tell: only
/// inside a word that a zero-width joiner or non-joiner holds together (`خامنه` in
/// "خامنه‌ای"), or spelt with an invisible character more or less.
fn near_miss<'d>(index: &'d SiteIndex, gloss: &Gloss, texts: &mut Texts<'d>) -> Option<String> {
    for form in gloss_forms(gloss) {
        let normal = normalize(form.value);
        let bare = visible(&normal);
        let as_written = visible(form.value);
        if bare.is_empty() {
            continue;
        }
        // The documents are the index's now (gather took them from the registry).
        for (r, document) in index.documents.iter().enumerate() {
            // Cheap first: the reading's text, invisible characters left out, holds the
            // form (as written, or as matched).
            let text = texts.visible[r].get_or_insert_with(|| visible(&document.text));
            if !text.contains(bare.as_ref()) && !text.contains(as_written.as_ref()) {
                continue;
            }
            let text_index = texts.indexes[r].get_or_insert_with(|| TextIndex::new(document));
            let slug = &index.site.readings[r].slug;
            let selector = Selector {
                quote: form.value,
                prefix: None,
                suffix: None,
            };
            for (_, word) in text_index.inside_words(&selector) {
                let word = &document.text[word];
                if let Some(joiner) = word.chars().find_map(invisible_name) {
                    return Some(format!(
                        "`{}` occurs in `{slug}` inside \"{word}\", one word: {joiner} joins it ({})",
                        form.value,
                        show_invisible(word)
                    ));
                }
            }
            if let Some(closest) = text_index.closest(form.value) {
                let passage = &document.text[closest.range];
                if let Some(difference @ Difference::Invisible { .. }) =
                    differs_only_in(form.value, passage)
                {
                    return Some(format!(
                        "`{slug}` has \"{}\": {}",
                        show_invisible(passage),
                        difference.explain().replace("the quote", "the form")
                    ));
                }
            }
        }
    }
    None
}
