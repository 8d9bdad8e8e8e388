//! The sources: a bibliography that stays small, and a page per source with every passage
//! that cites it.
//!
//! 1. Sort the sources by the name they are cited by, in the alphabetical order of the
//!    site's language ([`crate::i18n::collator`]).
//! 2. The bibliography (`sources.html`): for each source its citation, the first sentence
//!    of its note, how many passages cite it, and a link to its page. It keeps the
//!    `s-<id>` anchors that links and the W3C export made before sources had pages.
//! 3. A page per source (`sources/<id>/index.html`, the folder made safe by
//!    [`entry_folder`](super::entry_folder)): the full citation, its note, the glosses
//!    that rest on it, and every passage that cites it grouped by reading, in context.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::{
    Link, Pages, ReadingMentions, by_reading, citation_html_in, entry_folder, gloss_href, part,
    plain_summary, source_href, source_kind, source_name,
};
use crate::diagnostics::Diagnostic;
use crate::markdown;
use crate::site::{NoteRef, SiteIndex};

/// The path of a source's page in the built site.
pub fn source_page(id: &str) -> String {
    format!("sources/{}/index.html", entry_folder(id))
}

/// A source's line in the bibliography.
#[derive(Serialize)]
struct SourceLine {
    anchor: String,
    href: String,
    kind: String,
    citation: String,
    summary: String,
    passages: usize,
    readings: usize,
}

/// A source's own page.
#[derive(Serialize)]
struct SourceView {
    id: String,
    name: String,
    kind: String,
    citation: String,
    html: String,
    glosses: Vec<Link>,
    passages: usize,
    readings: Vec<ReadingMentions>,
}

/// Adds the bibliography and a page for each source (in parallel), giving the problems.
pub(super) fn pages(index: &SiteIndex, pages: &Pages) -> Vec<Diagnostic> {
    #[derive(Serialize)]
    struct SourcesPage {
        sources: Vec<SourceLine>,
    }
    let mut problems: Vec<Diagnostic> = Vec::new();
    if pages.wants((part::SOURCES, 0), "sources.html") {
        problems.extend(pages.add(
            (part::SOURCES, 0),
            "sources.html".into(),
            "sources.html",
            "sources",
            SourcesPage {
                sources: bibliography(index),
            },
        ));
    }

    // Which glosses rest on each source, gathered once for all the pages.
    let ids: BTreeMap<&str, usize> = index
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect();
    let mut glosses: Vec<Vec<usize>> = vec![Vec::new(); index.sources.len()];
    for (g, entry) in index.glosses.iter().enumerate() {
        for s in &entry.gloss.sources {
            if let Some(&s) = ids.get(s.value.as_str()) {
                glosses[s].push(g);
            }
        }
    }

    #[derive(Serialize)]
    struct SourcePage {
        source: SourceView,
    }
    problems.par_extend(glosses.par_iter().enumerate().filter_map(|(s, glosses)| {
        let entry = &index.sources[s];
        let path = source_page(entry.id);
        if !pages.wants((part::SOURCE_PAGES, s as u32), &path) {
            return None;
        }
        let root = "../".repeat(path.matches('/').count());
        let source = entry.source;
        let t = &index.site.config.words;
        let view = SourceView {
            id: entry.id.to_owned(),
            name: source_name(source, t),
            kind: source_kind(source.kind(), t).to_owned(),
            citation: citation_html_in(source, t),
            html: source
                .note
                .as_ref()
                .map(|n| markdown::to_html(&n.value))
                .unwrap_or_default(),
            glosses: glosses
                .iter()
                .map(|&g| Link {
                    href: gloss_href(&root, index.glosses[g].id),
                    label: index.glosses[g].gloss.term.value.clone(),
                })
                .collect(),
            passages: entry.citations.len(),
            readings: by_reading(index, &root, NoteRef::Source(s), &entry.citations),
        };
        pages.add(
            (part::SOURCE_PAGES, s as u32),
            path,
            "source.html",
            "source",
            SourcePage { source: view },
        )
    }));
    problems
}

fn bibliography(index: &SiteIndex) -> Vec<SourceLine> {
    let t = &index.site.config.words;
    let mut lines: Vec<(String, SourceLine)> = index
        .sources
        .iter()
        .map(|entry| {
            let source = entry.source;
            let line = SourceLine {
                anchor: format!("s-{}", entry.id),
                href: source_href("", entry.id),
                kind: source_kind(source.kind(), t).to_owned(),
                citation: citation_html_in(source, t),
                summary: source
                    .note
                    .as_ref()
                    .map(|n| plain_summary(&n.value))
                    .unwrap_or_default(),
                passages: entry.citations.len(),
                readings: super::glossary::reading_count(&entry.citations),
            };
            (source_name(source, t), line)
        })
        .collect();
    let mut collator = crate::i18n::collator(index.site.config.language());
    lines.sort_by(|a, b| collator.collate(&a.0, &b.0));
    lines.into_iter().map(|(_, v)| v).collect()
}
