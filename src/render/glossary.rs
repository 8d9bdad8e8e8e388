//! The glossary: an index that stays small however large the site grows, and a page per
//! gloss that holds what grows with it.
//!
//! 1. Sort the glosses within their kind (people, organisations, places …) in the
//!    alphabetical order of the site's language ([`i18n::collator`]), under a heading
//!    for each letter ([`i18n::letter`]): a Persian glossary groups under Persian letters.
//! 2. The index (`glossary.html`): for each gloss its headword, dates, the first sentence
//!    of its text as plain words, and how many times and in how many readings it is
//!    mentioned, with a link to its page. It keeps the `g-<id>` anchors that links and
//!    the W3C export made before entries had pages of their own.
//! 3. A page per gloss (`glossary/<id>/index.html`, the folder made safe by
//!    [`entry_folder`](super::entry_folder)): its text, dates, see-also and sources, and
//!    every mention grouped by reading, each in context with a link to its place.
//! 4. Its related entries: those it names in `see` and those that name it, and those
//!    mentioned in the same paragraphs most often (counted once per paragraph, for the
//!    whole site at once before the pages are made).

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser, TagEnd};
use rayon::prelude::*;
use serde::Serialize;

use super::{
    Link, Pages, ReadingMentions, by_reading, entry_folder, gloss_dates_in, gloss_href, gloss_kind,
    original_html, paragraph_of, part, source_href, source_name,
};
use crate::annotations::model::GlossKind;
use crate::diagnostics::Diagnostic;
use crate::i18n::{self, Strings};
use crate::markdown;
use crate::site::{NoteRef, SiteIndex};

/// The path of a gloss's page in the built site.
pub fn gloss_page(id: &str) -> String {
    format!("glossary/{}/index.html", entry_folder(id))
}

#[derive(Serialize)]
struct GlossGroup {
    anchor: &'static str,
    label: String,
    /// How many entries the kind has.
    count: usize,
    /// The entries under each letter, in the language's order.
    letters: Vec<LetterGroup>,
}

/// The entries of a kind that begin with one letter.
#[derive(Serialize)]
struct LetterGroup {
    letter: String,
    entries: Vec<GlossLine>,
}

/// A gloss's line in the index.
#[derive(Serialize)]
struct GlossLine {
    anchor: String,
    href: String,
    term: String,
    /// The headword in its own script, as HTML (empty without one).
    original: String,
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
    /// The headword in its own script, as HTML (empty without one).
    original: String,
    /// The kind's name in the site's words.
    kind: String,
    /// The kind's part of the index, from this page.
    kind_href: String,
    kind_label: String,
    dates: Option<String>,
    html: String,
    /// The first sentence, for `<meta name="description">`.
    summary: String,
    see: Vec<Link>,
    /// Entries whose `see` names this one, and this one's `see` does not name.
    linked_from: Vec<Link>,
    /// Entries mentioned in the same paragraphs, most often first.
    related: Vec<Related>,
    sources: Vec<Link>,
    mentions: usize,
    readings: Vec<ReadingMentions>,
}

/// An entry met in the same paragraphs as another, and in how many.
#[derive(Serialize)]
struct Related {
    href: String,
    label: String,
    paragraphs: usize,
}

/// How many entries a page lists as met in the same paragraphs.
const RELATED: usize = 5;

/// Adds the glossary's index and a page for each gloss (in parallel), giving the
/// problems.
pub(super) fn pages(index: &SiteIndex, pages: &Pages) -> Vec<Diagnostic> {
    #[derive(Serialize)]
    struct GlossaryPage {
        groups: Vec<GlossGroup>,
    }
    let mut problems: Vec<Diagnostic> = Vec::new();
    if pages.wants((part::GLOSSARY, 0), "glossary.html") {
        problems.extend(pages.add(
            (part::GLOSSARY, 0),
            "glossary.html".into(),
            "glossary.html",
            "glossary",
            GlossaryPage {
                groups: groups(index),
            },
        ));
    }

    #[derive(Serialize)]
    struct EntryPage {
        entry: GlossView,
    }
    let ids = Ids::of(index);
    let (together, linked_from) = related(index);
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
                entry: view(
                    index,
                    &ids,
                    g,
                    &root,
                    &pages.gloss_html[g],
                    (&together[g], &linked_from[g]),
                ),
            },
        )
    }));
    problems
}

/// The glosses of each kind in the language's order: by the sort key a gloss gives (a
/// person's surname), then by the headword; under a heading for each first letter.
fn groups(index: &SiteIndex) -> Vec<GlossGroup> {
    let config = &index.site.config;
    let t = &config.words;
    let mut collator = i18n::collator(config.language());
    GlossKind::ALL
        .iter()
        .filter_map(|&kind| {
            let mut entries: Vec<(&str, &str, GlossLine)> = index
                .glosses
                .iter()
                .filter(|g| g.gloss.kind == kind)
                .map(|entry| {
                    let gloss = entry.gloss;
                    let line = GlossLine {
                        anchor: format!("g-{}", entry.id),
                        href: gloss_href("", entry.id),
                        term: gloss.term.value.clone(),
                        original: original_html(gloss),
                        dates: gloss_dates_in(gloss, t),
                        summary: plain_summary(&gloss.text.value),
                        mentions: entry.mentions.len(),
                        readings: reading_count(&entry.mentions),
                    };
                    (gloss.sort_key(), gloss.term.value.as_str(), line)
                })
                .collect();
            if entries.is_empty() {
                return None;
            }
            entries.sort_by(|a, b| {
                collator
                    .collate(a.0, b.0)
                    .then_with(|| collator.collate(a.1, b.1))
            });
            let count = entries.len();
            let mut letters: Vec<LetterGroup> = Vec::new();
            for (key, _, line) in entries {
                let letter = i18n::letter(key);
                match letters.last_mut() {
                    Some(group) if group.letter == letter => group.entries.push(line),
                    _ => letters.push(LetterGroup {
                        letter,
                        entries: vec![line],
                    }),
                }
            }
            Some(GlossGroup {
                anchor: kind.name(),
                label: gloss_kind(kind, t, true),
                count,
                letters,
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

/// Of one gloss, the others mentioned in the same paragraphs, with in how many.
pub type Together = Vec<(usize, usize)>;

/// For each gloss: the others mentioned in the same paragraphs (with in how many), and
/// those whose `see` names it.
pub type RelatedEntries = (Vec<Together>, Vec<Vec<usize>>);

/// For each gloss, what its page lists as related, made once for the index. (`serve`
/// keys each entry's page by these too: they change with other entries and readings.)
pub fn related<'i>(index: &'i SiteIndex) -> &'i RelatedEntries {
    index.related.get_or_init(|| {
        let ids = Ids::of(index);
        (together(index), linked_from(index, &ids))
    })
}

/// For each gloss, the others mentioned in the same paragraphs and in how many: the
/// [`RELATED`] most frequent, then A–Z by headword.
fn together(index: &SiteIndex) -> Vec<Vec<(usize, usize)>> {
    // (reading, paragraph, gloss) for each paragraph that mentions a gloss, once; then
    // each pair of glosses in one paragraph, counted by sorting (a large site has tens
    // of thousands of mentions: vectors sorted in place, not maps grown one by one).
    let mut places: Vec<(usize, usize, usize)> = index
        .glosses
        .par_iter()
        .enumerate()
        .flat_map_iter(|(g, entry)| {
            entry
                .mentions
                .iter()
                .filter_map(move |place| paragraph_of(index, place).map(|p| (place.reading, p, g)))
        })
        .collect();
    places.par_sort_unstable();
    places.dedup();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for paragraph in places.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
        for &(_, _, a) in paragraph {
            for &(_, _, b) in paragraph {
                if a != b {
                    pairs.push((a, b));
                }
            }
        }
    }
    pairs.par_sort_unstable();
    let mut counts: Vec<Vec<(usize, usize)>> = vec![Vec::new(); index.glosses.len()];
    for same in pairs.chunk_by(|x, y| x == y) {
        counts[same[0].0].push((same[0].1, same.len()));
    }
    // Each gloss's place in the site language's order by headword, found once: a gloss
    // of a large site meets hundreds of others.
    let terms: Vec<&str> = index
        .glosses
        .iter()
        .map(|g| g.gloss.term.value.as_str())
        .collect();
    let keys = crate::i18n::ranks(index.site.config.language(), &terms);
    counts
        .into_par_iter()
        .map(|mut c| {
            // The same site must give the same page: ties are broken by the gloss's
            // place, never by the hash map's order.
            c.sort_unstable_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| keys[a.0].cmp(&keys[b.0]))
                    .then(a.0.cmp(&b.0))
            });
            c.truncate(RELATED);
            c
        })
        .collect()
}

/// For each gloss, the glosses whose `see` names it, in the glossary's order.
fn linked_from(index: &SiteIndex, ids: &Ids) -> Vec<Vec<usize>> {
    let mut from = vec![Vec::new(); index.glosses.len()];
    for (g, entry) in index.glosses.iter().enumerate() {
        for s in &entry.gloss.see {
            if let Some(&o) = ids.glosses.get(s.value.as_str())
                && o != g
                && from[o].last() != Some(&g)
            {
                from[o].push(g);
            }
        }
    }
    from
}

fn view(
    index: &SiteIndex,
    ids: &Ids,
    g: usize,
    root: &str,
    html: &str,
    (together, linked_from): (&[(usize, usize)], &[usize]),
) -> GlossView {
    let entry = &index.glosses[g];
    let gloss = entry.gloss;
    let link = |o: usize| Link {
        href: gloss_href(root, index.glosses[o].id),
        label: index.glosses[o].gloss.term.value.clone(),
    };
    let t: &Strings = &index.site.config.words;
    GlossView {
        summary: plain_summary(&gloss.text.value),
        linked_from: linked_from
            .iter()
            .filter(|&&o| {
                !gloss
                    .see
                    .iter()
                    .any(|s| s.value.as_str() == index.glosses[o].id)
            })
            .map(|&o| link(o))
            .collect(),
        related: together
            .iter()
            .map(|&(o, paragraphs)| Related {
                href: gloss_href(root, index.glosses[o].id),
                label: index.glosses[o].gloss.term.value.clone(),
                paragraphs,
            })
            .collect(),
        id: entry.id.to_owned(),
        term: gloss.term.value.clone(),
        original: original_html(gloss),
        kind: gloss_kind(gloss.kind, t, false),
        kind_href: format!("{root}glossary.html#{}", gloss.kind.name()),
        kind_label: gloss_kind(gloss.kind, t, true),
        dates: gloss_dates_in(gloss, t),
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
                label: source_name(index.sources[s].source, t),
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
