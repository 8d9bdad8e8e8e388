//! The glossary: an index that stays small however large the site grows, and a page per
//! gloss that holds what grows with it.
//!
//! 1. Sort the glosses A–Z within their kind (people, organisations, places …).
//! 2. The index (`glossary.html`): for each gloss its headword, dates, the first sentence
//!    of its text as plain words, and how many times and in how many readings it is
//!    mentioned, with a link to its page. It keeps the `g-<id>` anchors that links and
//!    the W3C export made before entries had pages of their own.
//! 3. A page per gloss (`glossary/<id>/index.html`, the folder made safe by
//!    [`entry_folder`](super::entry_folder)): its text, dates, see-also and sources, and
//!    every mention grouped by reading, each in context with a link to its place.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser, TagEnd};
use rayon::prelude::*;
use serde::Serialize;

use super::{
    Link, Pages, ReadingMentions, by_reading, entry_folder, gloss_dates, gloss_href, part,
    sort_key, source_href, source_name,
};
use crate::annotations::model::GlossKind;
use crate::diagnostics::Diagnostic;
use crate::markdown;
use crate::site::{NoteRef, SiteIndex};

/// The path of a gloss's page in the built site.
pub fn gloss_page(id: &str) -> String {
    format!("glossary/{}/index.html", entry_folder(id))
}

#[derive(Serialize)]
struct GlossGroup {
    anchor: &'static str,
    label: &'static str,
    entries: Vec<GlossLine>,
}

/// A gloss's line in the index.
#[derive(Serialize)]
struct GlossLine {
    anchor: String,
    href: String,
    term: String,
    dates: Option<String>,
    summary: String,
    mentions: usize,
    readings: usize,
}

/// A gloss's own page.
#[derive(Serialize)]
struct GlossView {
    id: String,
    term: String,
    kind: &'static str,
    /// The kind's part of the index, from this page.
    kind_href: String,
    kind_label: &'static str,
    dates: Option<String>,
    html: String,
    see: Vec<Link>,
    sources: Vec<Link>,
    mentions: usize,
    readings: Vec<ReadingMentions>,
}

/// Adds the glossary's index and a page for each gloss (in parallel), giving the
/// problems.
pub(super) fn pages(index: &SiteIndex, pages: &Pages) -> Vec<Diagnostic> {
    #[derive(Serialize)]
    struct GlossaryPage {
        groups: Vec<GlossGroup>,
    }
    let mut problems: Vec<Diagnostic> = pages
        .add(
            (part::GLOSSARY, 0),
            "glossary.html".into(),
            "glossary.html",
            "glossary",
            GlossaryPage {
                groups: groups(index),
            },
        )
        .into_iter()
        .collect();

    #[derive(Serialize)]
    struct EntryPage {
        entry: GlossView,
    }
    let ids = Ids::of(index);
    problems.par_extend((0..index.glosses.len()).into_par_iter().filter_map(|g| {
        let path = gloss_page(index.glosses[g].id);
        if !pages.wants((part::GLOSSES, g as u32), &path) {
            return None;
        }
        let root = "../".repeat(path.matches('/').count());
        pages.add(
            (part::GLOSSES, g as u32),
            path,
            "gloss.html",
            "gloss",
            EntryPage {
                entry: view(index, &ids, g, &root, &pages.gloss_html[g]),
            },
        )
    }));
    problems
}

/// The glosses of each kind, A–Z: by the sort key a gloss gives (a person's surname),
/// then by the headword.
fn groups(index: &SiteIndex) -> Vec<GlossGroup> {
    GlossKind::ALL
        .iter()
        .filter_map(|&kind| {
            let mut entries: Vec<(String, GlossLine)> = index
                .glosses
                .iter()
                .filter(|g| g.gloss.kind == kind)
                .map(|entry| {
                    let gloss = entry.gloss;
                    let line = GlossLine {
                        anchor: format!("g-{}", entry.id),
                        href: gloss_href("", entry.id),
                        term: gloss.term.value.clone(),
                        dates: gloss_dates(gloss),
                        summary: plain_summary(&gloss.text.value),
                        mentions: entry.mentions.len(),
                        readings: reading_count(&entry.mentions),
                    };
                    let key = format!(
                        "{}\u{0}{}",
                        sort_key(gloss.sort_key()),
                        sort_key(&gloss.term.value)
                    );
                    (key, line)
                })
                .collect();
            if entries.is_empty() {
                return None;
            }
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Some(GlossGroup {
                anchor: kind.name(),
                label: kind.plural_label(),
                entries: entries.into_iter().map(|(_, v)| v).collect(),
            })
        })
        .collect()
}

/// How many readings the places are in.
pub(super) fn reading_count(places: &[crate::site::Place]) -> usize {
    let mut readings: Vec<usize> = places.iter().map(|p| p.reading).collect();
    readings.sort_unstable();
    readings.dedup();
    readings.len()
}

/// Glosses and sources by id, built once for all the pages.
struct Ids<'a> {
    glosses: BTreeMap<&'a str, usize>,
    sources: BTreeMap<&'a str, usize>,
}

impl<'a> Ids<'a> {
    fn of(index: &'a SiteIndex) -> Ids<'a> {
        Ids {
            glosses: index
                .glosses
                .iter()
                .enumerate()
                .map(|(i, g)| (g.id, i))
                .collect(),
            sources: index
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id, i))
                .collect(),
        }
    }
}

fn view(index: &SiteIndex, ids: &Ids, g: usize, root: &str, html: &str) -> GlossView {
    let entry = &index.glosses[g];
    let gloss = entry.gloss;
    GlossView {
        id: entry.id.to_owned(),
        term: gloss.term.value.clone(),
        kind: gloss.kind.name(),
        kind_href: format!("{root}glossary.html#{}", gloss.kind.name()),
        kind_label: gloss.kind.plural_label(),
        dates: gloss_dates(gloss),
        html: html.to_owned(),
        see: gloss
            .see
            .iter()
            .filter_map(|s| ids.glosses.get(s.value.as_str()))
            .map(|&o| Link {
                href: gloss_href(root, index.glosses[o].id),
                label: index.glosses[o].gloss.term.value.clone(),
            })
            .collect(),
        sources: gloss
            .sources
            .iter()
            .filter_map(|s| ids.sources.get(s.value.as_str()))
            .map(|&s| Link {
                href: source_href(root, index.sources[s].id),
                label: source_name(index.sources[s].source),
            })
            .collect(),
        mentions: entry.mentions.len(),
        readings: by_reading(index, root, NoteRef::Gloss(g), &entry.mentions),
    }
}

/// The first sentence of an editor's Markdown, as plain words: a line for an index.
///
/// A sentence ends at `.`, `!` or `?` followed by a space and a capital letter (or by the
/// end), and not after an initial, so `c. 1900`, `e.g. this` or `George H. W. Bush` do
/// not cut it short; a first sentence longer than
/// [`SUMMARY_WORDS`] words is cut at a word, with `…`.
pub fn plain_summary(markdown: &str) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(markdown, markdown::options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            // Only the first block: a gloss's first paragraph says what the term is.
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item)
                if !text.trim().is_empty() =>
            {
                break;
            }
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut end = text.len();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let next = chars.get(i + 2).map(|&(_, c)| c);
        let space = chars.get(i + 1).map(|&(_, c)| c);
        // An initial (`George H. W. Bush`) is a capital alone before its full stop.
        let initial = c == '.'
            && i >= 1
            && chars[i - 1].1.is_uppercase()
            && (i == 1 || chars[i - 2].1 == ' ');
        if space.is_none()
            || (!initial && space == Some(' ') && next.is_some_and(char::is_uppercase))
        {
            end = at + c.len_utf8();
            break;
        }
    }
    let sentence = &text[..end];
    let words: Vec<&str> = sentence.split(' ').collect();
    if words.len() > SUMMARY_WORDS {
        format!("{} …", words[..SUMMARY_WORDS].join(" "))
    } else {
        sentence.to_owned()
    }
}

/// The longest line an index gives an entry, in words.
const SUMMARY_WORDS: usize = 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_the_first_sentence_in_plain_words() {
        assert_eq!(
            plain_summary("The *capital* of [Italy](https://example.org). Founded c. 753 BCE."),
            "The capital of Italy."
        );
        assert_eq!(
            plain_summary("Born c. 1900 in `Rome`, e.g. here. Then more."),
            "Born c. 1900 in Rome, e.g. here."
        );
        assert_eq!(
            plain_summary("Secretary under George H. W. Bush. Then more."),
            "Secretary under George H. W. Bush."
        );
        assert_eq!(plain_summary("No full stop"), "No full stop");
        assert_eq!(
            plain_summary("First paragraph\nwraps.\n\nSecond paragraph."),
            "First paragraph wraps."
        );
        assert_eq!(plain_summary(""), "");
        let long = "word ".repeat(50);
        let summary = plain_summary(&long);
        assert!(summary.ends_with(" …"), "{summary}");
        assert_eq!(summary.split(' ').count(), SUMMARY_WORDS + 1);
    }
}
