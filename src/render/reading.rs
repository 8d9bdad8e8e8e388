//! The reading page and the home page that lists the readings.
//!
//! 1. Weave each reading's marks into its text ([`Document::render`]): a `<span>` per
//!    mark, and after it a note number (drawn by the stylesheet, so that the text nodes
//!    hold the author's words alone) that opens the note in place (the note's entry in
//!    the notes at the end is also its `popover`: no script needed); pull quotes after
//!    their paragraph.
//! 2. Build the notes, each linking to its entry's own page.
//! 3. Summarise each reading for the home page.
//!
//! [`Document::render`]: crate::markdown::Document::render

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{
    DateView, Link, citation_html_in, escape, format_date_in, gloss_dates_in, gloss_href,
    gloss_kind, lang_attributes, mark_id, original_html, paragraph_of, reading_language,
    source_href, source_kind, source_name,
};
use crate::i18n::{self, Strings};
use crate::markdown::{self, Mark, Weave};
use crate::site::{MarkPlace, NoteRef, Place, SiteIndex};

/// Words a minute, for reading times.
const WORDS_PER_MINUTE: usize = 230;

#[derive(Serialize)]
struct Counts {
    glosses: usize,
    sources: usize,
    crossrefs: usize,
    notes: usize,
}

#[derive(Serialize)]
pub(super) struct ReadingSummary {
    href: String,
    title: String,
    subtitle: Option<String>,
    /// When the reading was published on this site (front matter `date`).
    published: Option<DateView>,
    minutes: usize,
    glosses: usize,
    sources: usize,
    crossrefs: usize,
}

#[derive(Serialize)]
struct Fact {
    label: String,
    value: String,
}

#[derive(Serialize)]
pub(super) struct ReadingView {
    title: String,
    subtitle: Option<String>,
    /// A line for `<meta name="description">` and Open Graph.
    description: String,
    /// When the reading was published on this site (front matter `date`).
    published: Option<DateView>,
    original: Vec<Fact>,
    editor_note: Option<String>,
    minutes: usize,
    counts: Counts,
    /// The text's language, when it is not the site's: `lang` for the text.
    lang: Option<String>,
    /// The text's direction, when it is not the site's.
    dir: Option<&'static str>,
    body: String,
    notes: Vec<NoteView>,
}

#[derive(Serialize)]
struct NoteView {
    number: usize,
    kind: &'static str,
    id: String,
    html: String,
    backrefs: Vec<Link>,
}

/// The home page's line for reading `r`, which takes `minutes` to read.
pub(super) fn summary(index: &SiteIndex, r: usize, minutes: usize) -> ReadingSummary {
    let reading = &index.site.readings[r];
    let counts = counts(index, r);
    ReadingSummary {
        href: format!("{}/index.html", reading.slug),
        title: reading.meta.title.clone(),
        subtitle: reading.meta.subtitle.clone(),
        published: DateView::of(
            reading.meta.date.as_ref().and_then(|d| d.date()),
            &index.site.config.words,
        ),
        minutes,
        glosses: counts.glosses,
        sources: counts.sources,
        crossrefs: counts.crossrefs,
    }
}

fn counts(index: &SiteIndex, r: usize) -> Counts {
    let notes = &index.readings[r].notes;
    let count = |f: fn(&NoteRef) -> bool| notes.iter().filter(|n| f(n)).count();
    Counts {
        glosses: count(|n| matches!(n, NoteRef::Gloss(_))),
        sources: count(|n| matches!(n, NoteRef::Source(_))),
        crossrefs: count(|n| matches!(n, NoteRef::CrossRef(_))),
        notes: count(|n| matches!(n, NoteRef::Note(_))),
    }
}

/// How many minutes reading `r` takes: counted once a build, for its page and the home
/// page.
pub(super) fn minutes(index: &SiteIndex, r: usize) -> usize {
    index.documents[r].words.div_ceil(WORDS_PER_MINUTE).max(1)
}

pub(super) fn reading_view(
    index: &SiteIndex,
    r: usize,
    minutes: usize,
    gloss_html: &[String],
) -> ReadingView {
    let reading = &index.site.readings[r];
    let ri = &index.readings[r];
    let document = &index.documents[r];
    let t = &index.site.config.words;

    // Number each occurrence of each note's marks, in text order.
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    let mut weave = Weave {
        pilcrow_label: Some(escape(t.get("pilcrow"))),
        ..Weave::default()
    };
    let mut backrefs: BTreeMap<usize, Vec<Link>> = BTreeMap::new();
    for place in &ri.marks {
        let MarkPlace {
            note,
            range,
            is_target,
        } = place;
        if *is_target {
            let NoteRef::CrossRef(c) = note else {
                continue;
            };
            weave.marks.push(target_mark(index, r, *c, range.clone()));
            continue;
        }
        let number = ri.number(*note).expect("every marked note is numbered");
        let k = seen.entry(number).or_default();
        let id = mark_id(number, *k);
        *k += 1;
        let paragraph = paragraph_of(
            index,
            &Place {
                reading: r,
                range: range.clone(),
            },
        );
        backrefs.entry(number).or_default().push(Link {
            href: format!("#{id}"),
            label: paragraph.map_or_else(
                || t.get("the_text").to_owned(),
                |p| t.fill("paragraph_mark", &[("p", &p.to_string())]),
            ),
        });
        let title = note_title(index, *note);
        // The number opens the note's entry in the notes, which is also its popover. The
        // stylesheet draws the number from `data-n`, and the word joiners that keep it on
        // the line of the word it follows: the text nodes hold the author's words alone,
        // as the export's selectors do. `aria-label` names it for screen readers.
        let after = format!(
            "<sup class=\"ref\" data-ui data-kind=\"{kind}\"><button type=\"button\" popovertarget=\"note-{number}\" data-n=\"{number}\" aria-label=\"{label} {number}: {title}\" aria-describedby=\"nb-{number}\"></button></sup>",
            kind = note.kind(),
            label = escape(kind_label(*note, t)),
            title = escape(&title),
        );
        weave.marks.push(Mark {
            range: range.clone(),
            attributes: format!(
                " class=\"mark\" data-kind=\"{}\" data-id=\"{}\"",
                note.kind(),
                escape(note_id(index, *note))
            ),
            id: Some(id),
            after,
        });
    }
    for (range, block) in &ri.pullquotes {
        let text = escape(&document.text[range.clone()]);
        // No newline after it: a pull quote inside a code block or between blocks must not
        // add even whitespace to the author's text. Its words are drawn by the stylesheet
        // (`attr(data-quote)`): in a text node they would be the author's words twice.
        let _ = write!(
            weave.after_block.entry(*block).or_default(),
            "<aside class=\"pullquote\" data-ui aria-hidden=\"true\" data-quote=\"{text}\"></aside>"
        );
    }
    let body = document.render(index.site.readings[r].markdown(), &weave);

    let notes = ri
        .notes
        .iter()
        .enumerate()
        .map(|(i, note)| NoteView {
            number: i + 1,
            kind: note.kind(),
            id: note_id(index, *note).to_owned(),
            html: note_html(index, Some(r), *note, gloss_html),
            backrefs: backrefs.remove(&(i + 1)).unwrap_or_default(),
        })
        .collect();

    let meta = &reading.meta;
    let mut original = Vec::new();
    if let Some(o) = &meta.original {
        for (label, value) in [
            ("original_headline", o.headline.clone()),
            ("original_author", o.author.clone()),
            ("original_publication", o.publication.clone()),
            (
                "original_date",
                o.date
                    .as_ref()
                    .and_then(|d| d.date())
                    .map(|d| format_date_in(d, t)),
            ),
        ] {
            if let Some(value) = value {
                original.push(Fact {
                    label: t.get(label).to_owned(),
                    value,
                });
            }
        }
    }
    ReadingView {
        title: meta.title.clone(),
        subtitle: meta.subtitle.clone(),
        description: super::feed::description(index, r),
        published: DateView::of(meta.date.as_ref().and_then(|d| d.date()), t),
        original,
        editor_note: meta
            .editor_note
            .as_ref()
            .map(|n| markdown::to_html(&n.value)),
        minutes,
        counts: counts(index, r),
        lang: reading_language(index, r).map(str::to_owned),
        dir: reading_language(index, r).map(i18n::direction),
        body,
        notes,
    }
}

fn target_mark(index: &SiteIndex, r: usize, c: usize, range: std::ops::Range<usize>) -> Mark {
    let entry = &index.crossrefs[c];
    let from = &entry.from;
    let number = index.readings[from.reading].number(NoteRef::CrossRef(c));
    let paragraph = paragraph_of(index, from);
    let href = href_to(
        index,
        Some(r),
        from.reading,
        &mark_id(number.unwrap_or(0), 0),
    );
    let t = &index.site.config.words;
    let label = match (paragraph, from.reading == r) {
        (Some(p), true) => t.fill("referred_from", &[("p", &p.to_string())]),
        (Some(p), false) => t.fill(
            "referred_from_of",
            &[
                ("p", &p.to_string()),
                ("title", &index.site.readings[from.reading].meta.title),
            ],
        ),
        (None, _) => t.get("referred_from_elsewhere").to_owned(),
    };
    let arrow = t.get("back_arrow");
    let short = paragraph.map_or_else(
        || escape(arrow),
        |p| {
            escape(&format!(
                "{arrow}{}",
                t.fill("paragraph_mark", &[("p", &p.to_string())])
            ))
        },
    );
    // The stylesheet draws the arrow and paragraph from `data-short`: the text nodes hold
    // the author's words alone, as the export's selectors do.
    Mark {
        range,
        attributes: format!(
            " class=\"mark\" data-kind=\"xref\" data-id=\"{}\" data-role=\"target\"",
            escape(entry.id)
        ),
        id: Some(target_id(index, c)),
        after: format!(
            "<a class=\"backref\" data-ui href=\"{href}\" data-short=\"{short}\" aria-label=\"{}\"></a>",
            escape(&label)
        ),
    }
}

fn note_id<'a>(index: &'a SiteIndex, note: NoteRef) -> &'a str {
    match note {
        NoteRef::Gloss(g) => index.glosses[g].id,
        NoteRef::Source(s) => index.sources[s].id,
        NoteRef::CrossRef(c) => index.crossrefs[c].id,
        NoteRef::Note(n) => index.notes[n].id,
    }
}

fn kind_label(note: NoteRef, t: &Strings) -> &str {
    t.get(match note {
        NoteRef::Gloss(_) => "note_gloss",
        NoteRef::Source(_) => "note_source",
        NoteRef::CrossRef(_) => "note_crossref",
        NoteRef::Note(_) => "note_note",
    })
}

/// A term as HTML, isolated (`<bdi>`) when it runs the other way from the site's
/// language, so that the words and punctuation after it keep their order.
fn isolated(term: &str, language: &str) -> String {
    match i18n::text_direction(term) {
        Some(dir) if dir != i18n::direction(language) => format!("<bdi>{}</bdi>", escape(term)),
        _ => escape(term),
    }
}

/// A short name for a note: the gloss's term, the source's title, …
fn note_title(index: &SiteIndex, note: NoteRef) -> String {
    let t = &index.site.config.words;
    match note {
        NoteRef::Gloss(g) => index.glosses[g].gloss.term.value.clone(),
        NoteRef::Source(s) => source_name(index.sources[s].source, t),
        NoteRef::CrossRef(c) => {
            let to = &index.crossrefs[c].to;
            match paragraph_of(index, to) {
                Some(p) => t.fill("see_paragraph", &[("p", &p.to_string())]),
                None => t.get("see_another").to_owned(),
            }
        }
        NoteRef::Note(_) => t.get("note_title_note").to_owned(),
    }
}

/// The body of a note: its entry in the notes, which is also what its number opens.
fn note_html(index: &SiteIndex, r: Option<usize>, note: NoteRef, gloss_html: &[String]) -> String {
    let root = if r.is_some() { "../" } else { "" };
    let t = &index.site.config.words;
    let mut out = String::new();
    match note {
        NoteRef::Gloss(g) => {
            let entry = &index.glosses[g];
            let gloss = entry.gloss;
            let _ = write!(
                out,
                "<p class=\"note-head\"><dfn>{}</dfn>{} <span class=\"note-kind\">{}</span>{}</p>",
                isolated(&gloss.term.value, index.site.config.language()),
                original_html(gloss),
                escape(&gloss_kind(gloss.kind, t, false)),
                gloss_dates_in(gloss, t)
                    .map(|d| format!(" <span class=\"dates\">{}</span>", escape(&d)))
                    .unwrap_or_default()
            );
            out.push_str(&gloss_html[g]);
            // The page of the gloss, with every mention of it in every reading.
            let _ = write!(
                out,
                "<p class=\"more\"><a href=\"{}\">{}</a></p>",
                escape(&gloss_href(root, entry.id)),
                escape(&t.fill("all_mentions", &[("term", &gloss.term.value)]))
            );
        }
        NoteRef::Source(s) => {
            let source = index.sources[s].source;
            let _ = write!(
                out,
                "<p class=\"note-head\"><span class=\"note-kind\">{}</span> {}</p>",
                escape(source_kind(source.kind(), t)),
                citation_html_in(source, t)
            );
            if let Some(note) = &source.note {
                out.push_str(&markdown::to_html(&note.value));
            }
            let _ = write!(
                out,
                "<p class=\"more\"><a href=\"{}\">{}</a></p>",
                escape(&source_href(root, index.sources[s].id)),
                escape(t.get("all_passages"))
            );
        }
        NoteRef::CrossRef(c) => {
            let entry = &index.crossrefs[c];
            let _ = write!(
                out,
                "<p class=\"note-head\"><span class=\"note-kind\">{}</span></p>",
                escape(t.get("note_crossref"))
            );
            out.push_str(&markdown::to_html(&entry.crossref.note.value));
            let to = &entry.to;
            let words = &index.documents[to.reading].text[to.range.clone()];
            let _ = write!(
                out,
                "<blockquote class=\"preview\"{}><p>{}</p></blockquote>",
                lang_attributes(index, to.reading),
                escape(words)
            );
            let where_ = escape(&match paragraph_of(index, to) {
                Some(p) if Some(to.reading) == r => {
                    t.fill("go_to_paragraph", &[("p", &p.to_string())])
                }
                Some(p) => t.fill(
                    "go_to_paragraph_of",
                    &[
                        ("p", &p.to_string()),
                        ("title", &index.site.readings[to.reading].meta.title),
                    ],
                ),
                None => t.get("go_to_passage").to_owned(),
            });
            let _ = write!(
                out,
                "<p class=\"more\"><a href=\"{}\">{where_}</a></p>",
                href_to(index, r, to.reading, &target_id(index, c))
            );
        }
        NoteRef::Note(n) => {
            let _ = write!(
                out,
                "<p class=\"note-head\"><span class=\"note-kind\">{}</span></p>",
                escape(t.get("note_note"))
            );
            out.push_str(&markdown::to_html(&index.notes[n].note.text.value));
        }
    }
    out
}

fn target_id(index: &SiteIndex, c: usize) -> String {
    let entry = &index.crossrefs[c];
    format!(
        "to-{}-{}",
        index.site.readings[entry.from.reading].slug, entry.id
    )
}

/// A link from reading `from` to a place in reading `to` (`""` when the same).
fn href_to(index: &SiteIndex, from: Option<usize>, to: usize, fragment: &str) -> String {
    match from {
        Some(f) if f == to => format!("#{fragment}"),
        Some(_) => format!("../{}/index.html#{fragment}", index.site.readings[to].slug),
        None => format!("{}/index.html#{fragment}", index.site.readings[to].slug),
    }
}
