//! Rendering: from the index to the site's files.
//!
//! 1. For each reading, weave its marks into the text ([`Document::render`]): a `<span>`
//!    per mark, and after it a note number that opens the note in place (the note's entry
//!    in the notes at the end is also its `popover`: no script needed); pull quotes after
//!    their paragraph.
//! 2. Build small view structs for each page: home, readings, glossary, sources.
//! 3. Fill the theme's templates with them.
//!
//! Entry point: [`render`], which returns every file of the site, or the problems.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::annotations::model::{GlossKind, Source};
use crate::date::PartialDate;
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Mark, Weave};
use crate::site::{MarkPlace, NoteRef, Place, SiteIndex};
use crate::templates::Theme;

/// A file of the built site.
#[derive(Debug)]
pub struct OutputFile {
    /// Path relative to the output folder, with `/` separators.
    pub path: String,
    pub contents: Vec<u8>,
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    editor: &'a str,
}

#[derive(Serialize)]
struct Page<'a, T: Serialize> {
    site: &'a SiteView<'a>,
    /// The way from this page to the site's root: "" or "../".
    root: &'a str,
    /// Which part of the navigation is current.
    section: &'a str,
    #[serde(flatten)]
    data: T,
}

#[derive(Serialize)]
struct Counts {
    glosses: usize,
    sources: usize,
    crossrefs: usize,
    notes: usize,
}

#[derive(Serialize)]
struct ReadingSummary {
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

/// A date for a template: in words, and for `<time datetime>` where HTML can say it.
#[derive(Serialize)]
struct DateView {
    words: String,
    iso: Option<String>,
}

impl DateView {
    fn of(date: &Option<crate::yaml::Spanned<String>>) -> Option<DateView> {
        let date = PartialDate::parse(&date.as_ref()?.value).ok()?;
        Some(DateView {
            words: date.words(),
            iso: date.iso(),
        })
    }
}

#[derive(Serialize)]
struct Fact {
    label: &'static str,
    value: String,
}

#[derive(Serialize)]
struct ReadingView {
    title: String,
    subtitle: Option<String>,
    /// When the reading was published on this site (front matter `date`).
    published: Option<DateView>,
    original: Vec<Fact>,
    editor_note: Option<String>,
    minutes: usize,
    counts: Counts,
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

#[derive(Serialize)]
struct Link {
    href: String,
    label: String,
}

#[derive(Serialize)]
struct GlossGroup {
    anchor: &'static str,
    label: &'static str,
    entries: Vec<GlossView>,
}

#[derive(Serialize)]
struct GlossView {
    anchor: String,
    term: String,
    dates: Option<String>,
    html: String,
    see: Vec<Link>,
    sources: Vec<Link>,
    mentions: Vec<Mention>,
}

#[derive(Serialize)]
struct Mention {
    href: String,
    #[serde(rename = "where")]
    place: String,
    context: String,
    quote: String,
}

#[derive(Serialize)]
struct SourceView {
    anchor: String,
    citation: String,
    html: String,
    citations: Vec<Mention>,
}

/// Words a minute, for reading times.
const WORDS_PER_MINUTE: usize = 230;

pub fn render(index: &SiteIndex, theme: &Theme) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let config = &index.site.config;
    let site = SiteView {
        title: &config.title,
        description: &config.description,
        language: &config.language,
        editor: &config.editor,
    };
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut page = |path: String, html: Result<String, Diagnostic>| match html {
        Ok(html) => files.push(OutputFile {
            path,
            contents: html.into_bytes(),
        }),
        Err(d) => problems.push(d),
    };

    let summaries: Vec<ReadingSummary> = (0..index.readings.len())
        .map(|r| {
            let reading = &index.site.readings[r];
            let counts = counts(index, r);
            ReadingSummary {
                href: format!("{}/index.html", reading.slug),
                title: reading.meta.title.clone(),
                subtitle: reading.meta.subtitle.clone(),
                published: DateView::of(&reading.meta.date),
                minutes: minutes(index, r),
                glosses: counts.glosses,
                sources: counts.sources,
                crossrefs: counts.crossrefs,
            }
        })
        .collect();
    #[derive(Serialize)]
    struct Home {
        readings: Vec<ReadingSummary>,
    }
    page(
        "index.html".into(),
        theme.render(
            "index.html",
            &Page {
                site: &site,
                root: "",
                section: "home",
                data: Home {
                    readings: summaries,
                },
            },
        ),
    );

    for r in 0..index.readings.len() {
        #[derive(Serialize)]
        struct ReadingPage {
            reading: ReadingView,
        }
        let view = reading_view(index, r);
        page(
            format!("{}/index.html", index.site.readings[r].slug),
            theme.render(
                "reading.html",
                &Page {
                    site: &site,
                    root: "../",
                    section: "reading",
                    data: ReadingPage { reading: view },
                },
            ),
        );
    }

    #[derive(Serialize)]
    struct GlossaryPage {
        groups: Vec<GlossGroup>,
    }
    page(
        "glossary.html".into(),
        theme.render(
            "glossary.html",
            &Page {
                site: &site,
                root: "",
                section: "glossary",
                data: GlossaryPage {
                    groups: glossary(index),
                },
            },
        ),
    );

    #[derive(Serialize)]
    struct SourcesPage {
        sources: Vec<SourceView>,
    }
    page(
        "sources.html".into(),
        theme.render(
            "sources.html",
            &Page {
                site: &site,
                root: "",
                section: "sources",
                data: SourcesPage {
                    sources: bibliography(index),
                },
            },
        ),
    );

    for (name, contents) in &theme.assets {
        files.push(OutputFile {
            path: name.clone(),
            contents: contents.clone().into_bytes(),
        });
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
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

fn minutes(index: &SiteIndex, r: usize) -> usize {
    let words = index.documents[r].text.split_whitespace().count();
    words.div_ceil(WORDS_PER_MINUTE).max(1)
}

/// The id of the `k`-th mark (0-based) of note `number`.
fn mark_id(number: usize, k: usize) -> String {
    if k == 0 {
        format!("m-{number}")
    } else {
        format!("m-{number}-{}", k + 1)
    }
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

fn paragraph_of(index: &SiteIndex, place: &Place) -> Option<usize> {
    let document = &index.documents[place.reading];
    document
        .block_at(place.range.start)
        .and_then(|b| document.blocks[b].paragraph)
}

fn reading_view(index: &SiteIndex, r: usize) -> ReadingView {
    let reading = &index.site.readings[r];
    let ri = &index.readings[r];
    let document = &index.documents[r];

    // Number each occurrence of each note's marks, in text order.
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    let mut weave = Weave::default();
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
            label: paragraph.map_or_else(|| "text".to_owned(), |p| format!("¶{p}")),
        });
        let title = note_title(index, *note);
        // The number opens the note's entry in the notes, which is also its popover. Word
        // joiners (with `white-space: nowrap`) keep it on the line of the word it follows.
        let after = format!(
            "<sup class=\"ref\" data-ui data-kind=\"{kind}\">&#8288;<button type=\"button\" popovertarget=\"note-{number}\" aria-label=\"{label} {number}: {title}\" aria-describedby=\"nb-{number}\">{number}</button>&#8288;</sup>",
            kind = note.kind(),
            label = kind_label(*note),
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
        // add even whitespace to the author's text.
        let _ = write!(
            weave.after_block.entry(*block).or_default(),
            "<aside class=\"pullquote\" data-ui aria-hidden=\"true\"><p>{text}</p></aside>"
        );
    }
    let body = document.render(&weave);

    let notes = ri
        .notes
        .iter()
        .enumerate()
        .map(|(i, note)| NoteView {
            number: i + 1,
            kind: note.kind(),
            id: note_id(index, *note).to_owned(),
            html: note_html(index, Some(r), *note),
            backrefs: backrefs.remove(&(i + 1)).unwrap_or_default(),
        })
        .collect();

    let meta = &reading.meta;
    let mut original = Vec::new();
    if let Some(o) = &meta.original {
        for (label, value) in [
            ("Original headline", o.headline.clone()),
            ("Author", o.author.clone()),
            ("Publication", o.publication.clone()),
            ("Date", o.date.as_ref().map(|d| format_date(&d.value))),
        ] {
            if let Some(value) = value {
                original.push(Fact { label, value });
            }
        }
    }
    ReadingView {
        title: meta.title.clone(),
        subtitle: meta.subtitle.clone(),
        published: DateView::of(&meta.date),
        original,
        editor_note: meta
            .editor_note
            .as_ref()
            .map(|n| markdown::to_html(&n.value)),
        minutes: minutes(index, r),
        counts: counts(index, r),
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
    let label = match (paragraph, from.reading == r) {
        (Some(p), true) => format!("paragraph {p}"),
        (Some(p), false) => format!(
            "paragraph {p} of {}",
            index.site.readings[from.reading].meta.title
        ),
        (None, _) => "elsewhere".to_owned(),
    };
    let short = paragraph.map_or_else(|| "↩".to_owned(), |p| format!("↩¶{p}"));
    Mark {
        range,
        attributes: format!(
            " class=\"mark\" data-kind=\"xref\" data-id=\"{}\" data-role=\"target\"",
            escape(entry.id)
        ),
        id: Some(target_id(index, c)),
        after: format!(
            "<a class=\"backref\" data-ui href=\"{href}\" aria-label=\"Referred to from {}\">{short}</a>",
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

fn kind_label(note: NoteRef) -> &'static str {
    match note {
        NoteRef::Gloss(_) => "Gloss",
        NoteRef::Source(_) => "Source",
        NoteRef::CrossRef(_) => "Cross-reference",
        NoteRef::Note(_) => "Editor’s note",
    }
}

/// A short name for a note: the gloss's term, the source's title, …
fn note_title(index: &SiteIndex, note: NoteRef) -> String {
    match note {
        NoteRef::Gloss(g) => index.glosses[g].gloss.term.value.clone(),
        NoteRef::Source(s) => source_name(index.sources[s].source),
        NoteRef::CrossRef(c) => {
            let to = &index.crossrefs[c].to;
            match paragraph_of(index, to) {
                Some(p) => format!("see paragraph {p}"),
                None => "see another passage".to_owned(),
            }
        }
        NoteRef::Note(_) => "note".to_owned(),
    }
}

fn source_name(source: &Source) -> String {
    if let Some(title) = &source.title {
        return title.clone();
    }
    let what = source.kind.label();
    match (&source.author, &source.publisher) {
        (Some(a), _) => format!("{a}, {what}"),
        (None, Some(p)) => format!("{p}, {what}"),
        (None, None) => format!("unnamed {what}"),
    }
}

/// The body of a note: its entry in the notes, which is also what its number opens.
fn note_html(index: &SiteIndex, r: Option<usize>, note: NoteRef) -> String {
    let root = if r.is_some() { "../" } else { "" };
    let mut out = String::new();
    match note {
        NoteRef::Gloss(g) => {
            let entry = &index.glosses[g];
            let gloss = entry.gloss;
            let _ = write!(
                out,
                "<p class=\"note-head\"><dfn>{}</dfn> <span class=\"note-kind\">{}</span>{}</p>",
                escape(&gloss.term.value),
                gloss.kind.name(),
                gloss_dates(gloss)
                    .map(|d| format!(" <span class=\"dates\">{}</span>", escape(&d)))
                    .unwrap_or_default()
            );
            out.push_str(&markdown::to_html(&gloss.text.value));
            let _ = write!(
                out,
                "<p class=\"more\"><a href=\"{root}glossary.html#g-{}\">In the glossary</a></p>",
                escape(entry.id)
            );
        }
        NoteRef::Source(s) => {
            let source = index.sources[s].source;
            let _ = write!(
                out,
                "<p class=\"note-head\"><span class=\"note-kind\">{}</span> {}</p>",
                source.kind.label(),
                citation_html(source)
            );
            if let Some(note) = &source.note {
                out.push_str(&markdown::to_html(&note.value));
            }
            let _ = write!(
                out,
                "<p class=\"more\"><a href=\"{root}sources.html#s-{}\">In the sources</a></p>",
                escape(index.sources[s].id)
            );
        }
        NoteRef::CrossRef(c) => {
            let entry = &index.crossrefs[c];
            out.push_str(
                "<p class=\"note-head\"><span class=\"note-kind\">Cross-reference</span></p>",
            );
            out.push_str(&markdown::to_html(&entry.crossref.note.value));
            let to = &entry.to;
            let words = &index.documents[to.reading].text[to.range.clone()];
            let _ = write!(
                out,
                "<blockquote class=\"preview\"><p>{}</p></blockquote>",
                escape(words)
            );
            let where_ = match paragraph_of(index, to) {
                Some(p) if Some(to.reading) == r => format!("Go to the passage (paragraph {p})"),
                Some(p) => format!(
                    "Go to the passage ({}, paragraph {p})",
                    escape(&index.site.readings[to.reading].meta.title)
                ),
                None => "Go to the passage".to_owned(),
            };
            let _ = write!(
                out,
                "<p class=\"more\"><a href=\"{}\">{where_}</a></p>",
                href_to(index, r, to.reading, &target_id(index, c))
            );
        }
        NoteRef::Note(n) => {
            out.push_str(
                "<p class=\"note-head\"><span class=\"note-kind\">Editor’s note</span></p>",
            );
            out.push_str(&markdown::to_html(&index.notes[n].note.text.value));
        }
    }
    out
}

/// A gloss's dates in words: `born 1939`, `1980 – 1988`.
pub(crate) fn gloss_dates(gloss: &crate::annotations::model::Gloss) -> Option<String> {
    let d = |s: &Option<crate::yaml::Spanned<String>>| s.as_ref().map(|v| format_date(&v.value));
    match (
        d(&gloss.born),
        d(&gloss.died),
        d(&gloss.start),
        d(&gloss.end),
    ) {
        (Some(b), Some(d), _, _) => Some(format!("{b} – {d}")),
        (Some(b), None, _, _) => Some(format!("born {b}")),
        (None, Some(d), _, _) => Some(format!("died {d}")),
        (_, _, Some(s), Some(e)) if s == e => Some(s),
        (_, _, Some(s), Some(e)) => Some(format!("{s} – {e}")),
        (_, _, Some(s), None) => Some(format!("from {s}")),
        (_, _, None, Some(e)) => Some(format!("until {e}")),
        _ => None,
    }
}

/// `1939-04-19` → `19 April 1939`; `1939-04` → `April 1939`; `-44` → `44 BCE`. The site
/// check refuses a date that is not real before anything is rendered; should one reach
/// here all the same, it is shown as written rather than guessed at.
pub fn format_date(date: &str) -> String {
    PartialDate::parse(date).map_or_else(|_| date.to_owned(), |d| d.words())
}

/// A source as the bibliography cites it: author, title, publisher, date, address.
pub(crate) fn citation_html(source: &Source) -> String {
    let mut parts = Vec::new();
    if let Some(author) = &source.author {
        parts.push(escape(author));
    }
    if let Some(title) = &source.title {
        parts.push(format!("<cite>{}</cite>", escape(title)));
    }
    if let Some(publisher) = &source.publisher {
        parts.push(escape(publisher));
    }
    if let Some(date) = &source.date {
        parts.push(escape(&format_date(&date.value)));
    }
    if parts.is_empty() {
        parts.push(escape(&source_name(source)));
    }
    let mut html = parts.join(", ");
    if let Some(url) = &source.url {
        let _ = write!(
            html,
            ". <a href=\"{0}\" rel=\"external noreferrer\">{0}</a>",
            escape(&url.value)
        );
    }
    html
}

/// A few words either side of a place, with the place itself in `<b>`.
fn context_html(index: &SiteIndex, place: &Place) -> String {
    const WORDS: usize = 8;
    let text = &index.documents[place.reading].text;
    let block = |c: char| c == markdown::BLOCK_SEPARATOR;
    // Only the words shown and one more are looked at: a gloss mentioned thousands of
    // times in one long paragraph would otherwise cost the paragraph once per mention.
    let mut before_words: Vec<&str> = Vec::new();
    for word in text[..place.range.start].rsplit(' ') {
        if before_words.len() > WORDS {
            break;
        }
        if let Some(i) = word.rfind(block) {
            before_words.push(&word[i + block_len()..]);
            break;
        }
        before_words.push(word);
    }
    before_words.reverse();
    let mut after_words: Vec<&str> = Vec::new();
    for word in text[place.range.end..].split(' ') {
        if after_words.len() > WORDS {
            break;
        }
        if let Some(i) = word.find(block) {
            after_words.push(&word[..i]);
            break;
        }
        after_words.push(word);
    }
    let lead = if before_words.len() > WORDS {
        "… "
    } else {
        ""
    };
    let tail = if after_words.len() > WORDS {
        " …"
    } else {
        ""
    };
    format!(
        "{lead}{}<b>{}</b>{}{tail}",
        escape(&before_words[before_words.len().saturating_sub(WORDS)..].join(" ")),
        escape(&text[place.range.clone()]),
        escape(&after_words[..after_words.len().min(WORDS)].join(" ")),
    )
}

fn block_len() -> usize {
    markdown::BLOCK_SEPARATOR.len_utf8()
}

/// A link from the glossary or sources page to a place, and a label saying where.
fn mention(index: &SiteIndex, place: &Place, fragment: Option<String>) -> Mention {
    let paragraph = paragraph_of(index, place);
    let fragment =
        fragment.unwrap_or_else(|| paragraph.map_or_else(|| "main".into(), |p| format!("p-{p}")));
    let title = &index.site.readings[place.reading].meta.title;
    Mention {
        href: href_to(index, None, place.reading, &fragment),
        place: match paragraph {
            Some(p) if index.site.readings.len() > 1 => format!("{title}, ¶{p}"),
            Some(p) => format!("¶{p}"),
            None => title.clone(),
        },
        context: context_html(index, place),
        quote: index.documents[place.reading].text[place.range.clone()].to_owned(),
    }
}

/// The id of the mark at a place, if the place is marked.
fn marked_id(index: &SiteIndex, note: NoteRef, place: &Place) -> Option<String> {
    let ri = &index.readings[place.reading];
    let number = ri.number(note)?;
    ri.marks
        .iter()
        .filter(|m| m.note == note && !m.is_target)
        .position(|m| m.range == place.range)
        .map(|k| mark_id(number, k))
}

fn sort_key(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = match c {
                'á' | 'à' | 'â' | 'ä' | 'ā' => 'a',
                'é' | 'è' | 'ê' | 'ë' | 'ē' => 'e',
                'í' | 'ì' | 'î' | 'ï' | 'ī' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'ō' => 'o',
                'ú' | 'ù' | 'û' | 'ü' | 'ū' => 'u',
                c => c,
            };
            c.is_alphanumeric()
                .then(|| c.to_lowercase().next().unwrap_or(c))
        })
        .collect()
}

fn glossary(index: &SiteIndex) -> Vec<GlossGroup> {
    let gloss_anchor = |id: &str| format!("g-{}", escape(id));
    let by_id: BTreeMap<&str, usize> = index
        .glosses
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id, i))
        .collect();
    let source_by_id: BTreeMap<&str, usize> = index
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect();
    GlossKind::ALL
        .iter()
        .filter_map(|&kind| {
            let mut entries: Vec<(String, GlossView)> = index
                .glosses
                .iter()
                .enumerate()
                .filter(|(_, g)| g.gloss.kind == kind)
                .map(|(g, entry)| {
                    let gloss = entry.gloss;
                    let view = GlossView {
                        anchor: gloss_anchor(entry.id),
                        term: gloss.term.value.clone(),
                        dates: gloss_dates(gloss),
                        html: markdown::to_html(&gloss.text.value),
                        see: gloss
                            .see
                            .iter()
                            .filter_map(|s| by_id.get(s.value.as_str()))
                            .map(|&o| Link {
                                href: format!("#{}", gloss_anchor(index.glosses[o].id)),
                                label: index.glosses[o].gloss.term.value.clone(),
                            })
                            .collect(),
                        sources: gloss
                            .sources
                            .iter()
                            .filter_map(|s| source_by_id.get(s.value.as_str()))
                            .map(|&s| Link {
                                href: format!("sources.html#s-{}", escape(index.sources[s].id)),
                                label: source_name(index.sources[s].source),
                            })
                            .collect(),
                        mentions: entry
                            .mentions
                            .iter()
                            .map(|m| mention(index, m, marked_id(index, NoteRef::Gloss(g), m)))
                            .collect(),
                    };
                    (
                        format!(
                            "{}\u{0}{}",
                            sort_key(gloss.sort_key()),
                            sort_key(&gloss.term.value)
                        ),
                        view,
                    )
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

fn bibliography(index: &SiteIndex) -> Vec<SourceView> {
    let mut views: Vec<(String, SourceView)> = index
        .sources
        .iter()
        .enumerate()
        .map(|(s, entry)| {
            let source = entry.source;
            let view = SourceView {
                anchor: format!("s-{}", escape(entry.id)),
                citation: format!(
                    "<span class=\"note-kind\">{}</span> {}",
                    source.kind.label(),
                    citation_html(source)
                ),
                html: source
                    .note
                    .as_ref()
                    .map(|n| markdown::to_html(&n.value))
                    .unwrap_or_default(),
                citations: entry
                    .citations
                    .iter()
                    .map(|c| mention(index, c, marked_id(index, NoteRef::Source(s), c)))
                    .collect(),
            };
            (sort_key(&source_name(source)), view)
        })
        .collect();
    views.sort_by(|a, b| a.0.cmp(&b.0));
    views.into_iter().map(|(_, v)| v).collect()
}
