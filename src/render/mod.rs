//! Rendering: from the index to the site's files, one module per kind of page.
//!
//! 1. [`reading`]: each reading, its marks woven into the text and its notes at the end;
//!    the home page that lists the readings.
//! 2. [`glossary`]: the glossary's index (every entry A–Z by kind, a line each) and a
//!    page per gloss with every mention, grouped by reading.
//! 3. [`sources`]: the bibliography (a line per source) and a page per source with every
//!    passage that cites it.
//! 4. Each module builds small view structs; the theme's templates turn them into HTML.
//!
//! 5. The pages are rendered in parallel and each is handed to a [`Sink`] as soon as it is
//!    made (the folder being built, or memory), with its [`Order`] so that the site is the
//!    same whatever thread finished first.
//!
//! Entry points: [`render_into`], which hands every page to a sink, and [`render`], which
//! returns them.

pub mod feed;
mod glossary;
mod reading;
mod sources;
mod timeline;

use std::fmt::Write as _;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use crate::annotations::model::Source;
use crate::date::PartialDate;
use crate::diagnostics::Diagnostic;
use crate::i18n::{self, Strings};
use crate::markdown;
use crate::site::{NoteRef, Place, SiteIndex};
use crate::templates::Theme;

pub use glossary::{RelatedEntries, gloss_page, plain_summary, related};
pub use sources::source_page;

/// A file of the built site.
#[derive(Debug)]
pub struct OutputFile {
    /// Path relative to the output folder, with `/` separators.
    pub path: String,
    pub contents: Vec<u8>,
}

/// Where a file comes in the site's order: (part, item). The parts are numbered by the
/// constants below; the same site always gives each file the same order, so the files
/// can be made on any thread and still be listed as one sequence.
pub type Order = (u32, u32);

/// The parts of the site, in their order.
pub mod part {
    pub const HOME: u32 = 0;
    pub const READINGS: u32 = 1;
    pub const GLOSSARY: u32 = 2;
    pub const GLOSSES: u32 = 3;
    pub const SOURCES: u32 = 4;
    pub const SOURCE_PAGES: u32 = 5;
    pub const ASSETS: u32 = 6;
    pub const EXPORT: u32 = 7;
    pub const SITEMAP: u32 = 8;
    pub const BESIDE: u32 = 9;
    pub const SEARCH: u32 = 10;
    pub const SEARCH_TEXTS: u32 = 11;
}

/// Where the files of the site go as they are made: called from many threads at once.
pub trait Sink: Sync {
    fn put(&self, order: Order, file: OutputFile);
    /// The paths of the files put so far, in the site's order.
    fn paths(&self) -> Vec<String>;
}

/// A sink that keeps the files in memory (`check`, `serve`, the tests).
#[derive(Default)]
pub struct Memory {
    files: Mutex<Vec<(Order, OutputFile)>>,
}

impl Sink for Memory {
    fn put(&self, order: Order, file: OutputFile) {
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((order, file));
    }

    fn paths(&self) -> Vec<String> {
        let files = self
            .files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut paths: Vec<(Order, String)> =
            files.iter().map(|(o, f)| (*o, f.path.clone())).collect();
        paths.sort();
        paths.into_iter().map(|(_, p)| p).collect()
    }
}

impl Memory {
    /// The files, in the site's order.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self
            .files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        files.sort_by_key(|(order, _)| *order);
        files.into_iter().map(|(_, f)| f).collect()
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`escape`], onto the end of `out`.
fn escape_into(out: &mut String, s: &str) {
    let Ok(()) = crate::templates::escape_pieces::<std::convert::Infallible>(s, |piece| {
        out.push_str(piece);
        Ok(())
    });
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    /// `rtl` for a language written right to left, else `ltr`.
    dir: &'static str,
    editor: &'a str,
    /// Whether the site has an Atom feed (it needs `base_url`), for the `<head>` link.
    feed: bool,
}

/// A page's own values; the site and the theme's words (`site`, `t`) are put beside
/// them, made once for every page ([`Pages::shared`]).
#[derive(Serialize)]
struct Page<'a, T: Serialize> {
    /// The way from this page to the site's root: "", "../" or "../../".
    root: &'a str,
    /// Which part of the navigation is current.
    section: &'a str,
    /// The page's absolute address under `base_url`, for canonical and Open Graph links.
    page_url: Option<String>,
    #[serde(flatten)]
    data: T,
}

/// Which of the pages made one per reading, gloss or source to make, by order and path:
/// `serve` remakes only the pages an edit can have changed ([`crate::incremental`]), and
/// supplies the others from its last build. The indexes and assets are always made.
pub type Wanted<'a> = &'a (dyn Fn(Order, &str) -> bool + Sync);

/// What every page shares, and where the pages go.
struct Pages<'a> {
    theme: &'a Theme,
    /// The site (`site`) and the theme's words in its language (`t`), as template values.
    shared: [(&'static str, tera::Value); 2],
    sink: &'a dyn Sink,
    /// Each gloss's text as HTML, made once for all the pages that show it.
    gloss_html: &'a [String],
    base_url: Option<&'a str>,
    /// `None`: every page.
    wanted: Option<Wanted<'a>>,
}

impl Pages<'_> {
    /// Whether the page at `path` is to be made: asked before its view is built.
    fn wants(&self, order: Order, path: &str) -> bool {
        self.wanted.is_none_or(|wanted| wanted(order, path))
    }

    /// Fills `template` for the page at `path` and hands it to the sink; its way to the
    /// root follows from the path. A template that fails gives its problem instead.
    fn add(
        &self,
        order: Order,
        path: String,
        template: &str,
        section: &str,
        data: impl Serialize,
    ) -> Option<Diagnostic> {
        let root = "../".repeat(path.matches('/').count());
        let page_url = self
            .base_url
            .map(|base| feed::absolute(base, path.strip_suffix("index.html").unwrap_or(&path)));
        self.add_rooted(order, path, (&root, page_url), template, section, data)
    }

    /// As [`add`](Self::add), with the way to the root and the page's address given: the
    /// 404 page is served at any depth, so its links cannot be relative, and it has no
    /// address of its own.
    fn add_rooted(
        &self,
        order: Order,
        path: String,
        (root, page_url): (&str, Option<String>),
        template: &str,
        section: &str,
        data: impl Serialize,
    ) -> Option<Diagnostic> {
        let page = Page {
            root,
            section,
            page_url,
            data,
        };
        match self.theme.render(template, &self.shared, &page) {
            Ok(contents) => {
                self.sink.put(order, OutputFile { path, contents });
                None
            }
            Err(d) => Some(d),
        }
    }
}

/// A date for a template: in words, and for `<time datetime>` where HTML can say it.
#[derive(Serialize)]
struct DateView {
    words: String,
    iso: Option<String>,
}

impl DateView {
    fn of(date: Option<PartialDate>, t: &Strings) -> Option<DateView> {
        let date = date?;
        Some(DateView {
            words: date.words_in(t),
            iso: date.iso(),
        })
    }
}

#[derive(Serialize)]
struct Link {
    href: String,
    label: String,
}

/// A place in a reading, seen from an entry's page or an index.
#[derive(Serialize)]
struct Mention {
    href: String,
    #[serde(rename = "where")]
    place: String,
    context: String,
    quote: String,
}

/// Every file of the site, in its order, or the problems.
pub fn render(index: &SiteIndex, theme: &Theme) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let memory = Memory::default();
    render_into(index, theme, &memory, &gloss_html(index))?;
    Ok(memory.into_files())
}

/// Renders every page and asset of the site into `sink`, in parallel. On problems, some
/// pages may already be in the sink: the caller throws the sink's files away.
pub fn render_into(
    index: &SiteIndex,
    theme: &Theme,
    sink: &dyn Sink,
    gloss_html: &[String],
) -> Result<(), Vec<Diagnostic>> {
    render_wanted(index, theme, sink, gloss_html, None, SearchIndex::Made)
}

/// Whether [`render_wanted`] makes the search index beside the pages.
#[derive(Clone, Copy)]
pub enum SearchIndex<'a> {
    Made,
    /// Made, keeping each reading's words for the next build.
    MadeKeeping(&'a crate::search::Kept),
    /// Not made: the caller makes it ([`crate::search::index_into`]).
    Apart,
}

/// [`render_into`], making of the pages per reading, gloss and source only those
/// `wanted` says (all of them if `None`).
pub fn render_wanted(
    index: &SiteIndex,
    theme: &Theme,
    sink: &dyn Sink,
    gloss_html: &[String],
    wanted: Option<Wanted>,
    search: SearchIndex<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let config = &index.site.config;
    let site = SiteView {
        title: &config.title,
        description: &config.description,
        language: config.language(),
        dir: i18n::direction(config.language()),
        editor: &config.editor,
        feed: feed::has_feed(index),
    };
    let pages = Pages {
        theme,
        shared: [
            (
                "site",
                crate::templates::shared(&site).map_err(|d| vec![d])?,
            ),
            (
                "t",
                crate::templates::shared(&config.words).map_err(|d| vec![d])?,
            ),
        ],
        sink,
        gloss_html,
        base_url: config.base_url(),
        wanted,
    };

    #[derive(Serialize)]
    struct Home {
        readings: Vec<reading::ReadingSummary>,
    }
    let minutes: Vec<usize> = (0..index.readings.len())
        .into_par_iter()
        .map(|r| reading::minutes(index, r))
        .collect();
    let home = || {
        let readings = (0..index.readings.len())
            .into_par_iter()
            .map(|r| reading::summary(index, r, minutes[r]))
            .collect();
        pages.add(
            (part::HOME, 0),
            "index.html".into(),
            "index.html",
            "home",
            Home { readings },
        )
    };

    #[derive(Serialize)]
    struct ReadingPage {
        reading: reading::ReadingView,
    }
    let readings = || -> Vec<Diagnostic> {
        (0..index.readings.len())
            .into_par_iter()
            .filter_map(|r| {
                let path = format!("{}/index.html", index.site.readings[r].slug);
                if !pages.wants((part::READINGS, r as u32), &path) {
                    return None;
                }
                pages.add(
                    (part::READINGS, r as u32),
                    path,
                    "reading.html",
                    "reading",
                    ReadingPage {
                        reading: reading::reading_view(index, r, minutes[r], gloss_html),
                    },
                )
            })
            .collect()
    };

    // The indexes (home, glossary, bibliography) are each made on one thread: made side
    // by side with the many small pages, no thread waits for one of them. The problems
    // are gathered in the site's order all the same.
    let (((home, readings), (glossary, sources)), ()) = rayon::join(
        || {
            rayon::join(
                || rayon::join(home, readings),
                || {
                    rayon::join(
                        || glossary::pages(index, &pages),
                        || sources::pages(index, &pages),
                    )
                },
            )
        },
        || match search {
            SearchIndex::Made => crate::search::index_into(index, sink, None),
            SearchIndex::MadeKeeping(kept) => crate::search::index_into(index, sink, Some(kept)),
            SearchIndex::Apart => {}
        },
    );
    let mut problems: Vec<Diagnostic> = home.into_iter().collect();
    problems.extend(readings);
    problems.extend(glossary);
    problems.extend(sources);
    problems.extend(timeline::page(index, &pages));
    problems.extend(feed::pages(index, &pages));

    for (i, (name, contents)) in theme.assets.iter().enumerate() {
        sink.put(
            (part::ASSETS, i as u32),
            OutputFile {
                path: name.clone(),
                contents: contents.clone().into_bytes(),
            },
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Each gloss's text as HTML, by gloss number: a gloss is shown in every reading that
/// mentions it, on its page and in the export, and its HTML is made once for all of them.
pub fn gloss_html(index: &SiteIndex) -> Vec<String> {
    index
        .glosses
        .par_iter()
        .map(|entry| markdown::to_html(&entry.gloss.text.value))
        .collect()
}

/// A safe folder name for an entry's page, the same for the same id on every build.
///
/// An id is ASCII letters, digits, `-` and `_`, starting with a letter (the site check
/// refuses any other), so it is safe in an address as it is. Two traps remain on the file
/// systems a site is copied to: `Rome` and `rome` are one folder where case is ignored
/// (macOS, Windows), and Windows refuses a folder named for a device (`con`, `nul`,
/// `com1` …). So a capital letter becomes `~` and its small letter (`~rome`), and a device
/// name gets a `~` after it (`con~`). An id never holds `~`, so no two ids meet.
fn entry_folder(id: &str) -> String {
    let mut folder = String::with_capacity(id.len());
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            folder.push('~');
        }
        folder.push(c.to_ascii_lowercase());
    }
    const DEVICES: &[&str] = &["con", "prn", "aux", "nul", "conin$", "conout$"];
    let device = DEVICES.contains(&folder.as_str())
        || ((folder.starts_with("com") || folder.starts_with("lpt"))
            && folder.len() == 4
            && folder[3..].chars().all(|c| c.is_ascii_digit()));
    if device {
        folder.push('~');
    }
    // Should a character an id cannot hold ever get here, it is written as its number
    // (`~233`): the folder stays a plain name, never a way out of `glossary/`.
    folder
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '~') {
                c.to_string()
            } else {
                format!("~{}", u32::from(c))
            }
        })
        .collect()
}

/// The id of the `k`-th mark (0-based) of note `number`.
fn mark_id(number: usize, k: usize) -> String {
    if k == 0 {
        format!("m-{number}")
    } else {
        format!("m-{number}-{}", k + 1)
    }
}

fn paragraph_of(index: &SiteIndex, place: &Place) -> Option<usize> {
    let document = &index.documents[place.reading];
    document
        .block_at(place.range.start)
        .and_then(|b| document.blocks[b].paragraph)
}

fn source_name(source: &Source, t: &Strings) -> String {
    if let Some(title) = &source.title {
        return title.clone();
    }
    let what = source_kind(source.kind(), t);
    let comma = t.get("comma");
    match (&source.author, &source.publisher) {
        (Some(a), _) => format!("{a}{comma}{what}"),
        (None, Some(p)) => format!("{p}{comma}{what}"),
        (None, None) => t.fill("unnamed_source", &[("kind", what)]),
    }
}

/// A source's kind in the site's words: `report`, `Bericht`, `گزارش`.
pub(crate) fn source_kind(kind: crate::annotations::model::SourceKind, t: &Strings) -> &str {
    use crate::annotations::model::SourceKind as K;
    t.get(match kind {
        K::Report => "source_report",
        K::Speech => "source_speech",
        K::Article => "source_article",
        K::Book => "source_book",
        K::Interview => "source_interview",
        K::Account => "source_account",
        K::Other => "source_other",
    })
}

/// A gloss's kind in the site's words, one (`person`) or the heading of many (`People`).
fn gloss_kind(kind: crate::annotations::model::GlossKind, t: &Strings, many: bool) -> String {
    let key = if many { "kinds_" } else { "kind_" };
    t.get(&format!("{key}{}", kind.name())).to_owned()
}

/// A gloss's headword in its own script, to follow the term: marked with its language
/// and direction, and isolated (`<bdi>`) so that the page's words and punctuation
/// around it keep their order; then its transliteration. Empty without one.
pub(crate) fn original_html(gloss: &crate::annotations::model::Gloss) -> String {
    let Some(original) = &gloss.original else {
        return String::new();
    };
    let lang = &original.lang.value;
    let mut html = format!(
        " <bdi class=\"original\" lang=\"{}\" dir=\"{}\">{}</bdi>",
        escape(lang),
        i18n::direction(lang),
        escape(&original.text)
    );
    if let Some(transliteration) = &original.transliteration {
        let _ = write!(
            html,
            " <i class=\"translit\" lang=\"{}-Latn\">{}</i>",
            escape(&i18n::primary(lang)),
            escape(transliteration)
        );
    }
    html
}

/// A gloss's dates in English words, for the export: `born 1939`, `1980 – 1988`.
pub(crate) fn gloss_dates(gloss: &crate::annotations::model::Gloss) -> Option<String> {
    gloss_dates_in(gloss, Strings::english())
}

/// A gloss's dates in the words of `t`: `born 1939`, `1980 – 1988`.
pub(crate) fn gloss_dates_in(
    gloss: &crate::annotations::model::Gloss,
    t: &Strings,
) -> Option<String> {
    let d = |s: &Option<crate::date::WrittenDate>| {
        s.as_ref()
            .and_then(|v| v.date())
            .map(|date| format_date_in(date, t))
    };
    let range = |start: &str, end: &str| t.fill("date_range", &[("start", start), ("end", end)]);
    let one = |key: &str, date: &str| t.fill(key, &[("date", date)]);
    match (
        d(&gloss.born),
        d(&gloss.died),
        d(&gloss.start),
        d(&gloss.end),
    ) {
        (Some(b), Some(d), _, _) => Some(range(&b, &d)),
        (Some(b), None, _, _) => Some(one("born", &b)),
        (None, Some(d), _, _) => Some(one("died", &d)),
        (_, _, Some(s), Some(e)) if s == e => Some(s),
        (_, _, Some(s), Some(e)) => Some(range(&s, &e)),
        (_, _, Some(s), None) => Some(one("from", &s)),
        (_, _, None, Some(e)) => Some(one("until", &e)),
        _ => None,
    }
}

/// `1939-04-19` → `19 April 1939`; `1939-04` → `April 1939`; `-44` → `44 BCE`, in the
/// words of `t`. Only a parsed date gets here: the index stage refuses a site with a
/// date that is not real.
pub fn format_date_in(date: PartialDate, t: &Strings) -> String {
    date.words_in(t)
}

/// A date in English words: `19 April 1939`.
pub fn format_date(date: PartialDate) -> String {
    date.words()
}

/// A source as the bibliography cites it, in English words (for the export).
pub(crate) fn citation_html(source: &Source) -> String {
    citation_html_in(source, Strings::english())
}

/// A source as the bibliography cites it: author, title, publisher, date, address.
pub(crate) fn citation_html_in(source: &Source, t: &Strings) -> String {
    // In the site's `citation_style`, when it has one (see `crate::bib`).
    if let Some(html) = &source.formatted {
        return html.clone();
    }
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
    if let Some(date) = source.date.as_ref().and_then(|d| d.date()) {
        parts.push(escape(&format_date_in(date, t)));
    }
    if parts.is_empty() {
        parts.push(escape(&source_name(source, t)));
    }
    let mut html = parts.join(t.get("comma"));
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
    context_in(&index.documents[place.reading].text, &place.range)
}

/// The words shown either side of a place: [`CONTEXT_WORDS`] words (cut at single
/// spaces) or fewer, never across a block separator, with `…` where words are left out.
const CONTEXT_WORDS: usize = 8;

/// [`context_html`] in a reading text: written into one string, as an entry's page
/// shows thousands of them.
fn context_in(text: &str, range: &std::ops::Range<usize>) -> String {
    let (before, after) = (&text[..range.start], &text[range.end..]);
    // Only the words shown and one more are looked at: a gloss mentioned thousands of
    // times in one long paragraph would otherwise cost the paragraph once per mention.
    // The starts of the words before the place, nearest first.
    let mut starts: Vec<usize> = Vec::with_capacity(CONTEXT_WORDS + 1);
    let mut end = before.len();
    while starts.len() <= CONTEXT_WORDS {
        let start = before[..end].rfind(' ').map_or(0, |i| i + 1);
        if let Some(i) = before[start..end].rfind(markdown::BLOCK_SEPARATOR) {
            starts.push(start + i + block_len());
            break;
        }
        starts.push(start);
        if start == 0 {
            break;
        }
        end = start - 1;
    }
    // The ends of the words after it, nearest first.
    let mut ends: Vec<usize> = Vec::with_capacity(CONTEXT_WORDS + 1);
    let mut start = 0;
    while ends.len() <= CONTEXT_WORDS {
        let end = after[start..].find(' ').map_or(after.len(), |i| start + i);
        if let Some(i) = after[start..end].find(markdown::BLOCK_SEPARATOR) {
            ends.push(start + i);
            break;
        }
        ends.push(end);
        if end == after.len() {
            break;
        }
        start = end + 1;
    }
    let from = starts[starts.len().min(CONTEXT_WORDS) - 1];
    let to = ends[ends.len().min(CONTEXT_WORDS) - 1];
    let mut out = String::with_capacity(before.len() - from + range.len() + to + 16);
    if starts.len() > CONTEXT_WORDS {
        out.push_str("… ");
    }
    escape_into(&mut out, &before[from..]);
    out.push_str("<b>");
    escape_into(&mut out, &text[range.clone()]);
    out.push_str("</b>");
    escape_into(&mut out, &after[..to]);
    if ends.len() > CONTEXT_WORDS {
        out.push_str(" …");
    }
    out
}

fn block_len() -> usize {
    markdown::BLOCK_SEPARATOR.len_utf8()
}

/// The language of reading `r`'s text when its front matter names one other than the
/// site's.
fn reading_language<'a>(index: &'a SiteIndex, r: usize) -> Option<&'a str> {
    let language = &index.site.readings[r].meta.language.as_ref()?.value;
    (!language.eq_ignore_ascii_case(index.site.config.language())).then_some(language.as_str())
}

/// ` lang="…" dir="…"` for words of reading `r` shown among the site's own, when the
/// reading is in another language; empty otherwise.
fn lang_attributes(index: &SiteIndex, r: usize) -> String {
    reading_language(index, r).map_or_else(String::new, |lang| {
        format!(
            " lang=\"{}\" dir=\"{}\"",
            escape(lang),
            i18n::direction(lang)
        )
    })
}

/// A link from an entry's page (`root` away from the site's root) to a place, the
/// paragraph it is in, and a few words around it.
fn mention(index: &SiteIndex, root: &str, place: &Place, fragment: Option<String>) -> Mention {
    let paragraph = paragraph_of(index, place);
    let fragment =
        fragment.unwrap_or_else(|| paragraph.map_or_else(|| "main".into(), |p| format!("p-{p}")));
    let t = &index.site.config.words;
    Mention {
        href: format!(
            "{root}{}/index.html#{fragment}",
            index.site.readings[place.reading].slug
        ),
        place: paragraph.map_or_else(
            || t.get("the_text").to_owned(),
            |p| t.fill("paragraph_mark", &[("p", &p.to_string())]),
        ),
        context: match lang_attributes(index, place.reading) {
            attributes if attributes.is_empty() => context_html(index, place),
            attributes => format!("<span{attributes}>{}</span>", context_html(index, place)),
        },
        quote: index.documents[place.reading].text[place.range.clone()].to_owned(),
    }
}

/// The mentions of an entry on its page: by reading, in the readings' order, each
/// reading with its title, its address and how many times.
#[derive(Serialize)]
struct ReadingMentions {
    title: String,
    href: String,
    count: usize,
    mentions: Vec<Mention>,
}

/// Groups `places` by reading, in the readings' order and then the text's.
fn by_reading(
    index: &SiteIndex,
    root: &str,
    note: NoteRef,
    places: &[Place],
) -> Vec<ReadingMentions> {
    // Mentions come in text order, but citations in the order of the annotations.
    let mut places: Vec<&Place> = places.iter().collect();
    places.sort_by_key(|p| (p.reading, p.range.start, p.range.end));
    let mut groups: Vec<ReadingMentions> = Vec::new();
    for place in places {
        let reading = &index.site.readings[place.reading];
        let href = format!("{root}{}/index.html", reading.slug);
        if groups.last().is_none_or(|g| g.href != href) {
            groups.push(ReadingMentions {
                title: reading.meta.title.clone(),
                href,
                count: 0,
                mentions: Vec::new(),
            });
        }
        let group = groups.last_mut().expect("pushed above");
        group.count += 1;
        group
            .mentions
            .push(mention(index, root, place, marked_id(index, note, place)));
    }
    groups
}

/// The address of a gloss's page, from a page `root` away from the site's root.
fn gloss_href(root: &str, id: &str) -> String {
    format!("{root}{}", gloss_page(id))
}

/// The address of a source's page, from a page `root` away from the site's root.
fn source_href(root: &str, id: &str) -> String {
    format!("{root}{}", source_page(id))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The context as first written: the words before and after collected into lists,
    /// joined and escaped.
    fn context_as_first_written(text: &str, range: &std::ops::Range<usize>) -> String {
        const WORDS: usize = 8;
        let block = |c: char| c == markdown::BLOCK_SEPARATOR;
        let mut before_words: Vec<&str> = Vec::new();
        for word in text[..range.start].rsplit(' ') {
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
        for word in text[range.end..].split(' ') {
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
            escape(&text[range.clone()]),
            escape(&after_words[..after_words.len().min(WORDS)].join(" ")),
        )
    }

    proptest::proptest! {
        /// Any text of words, single and double spaces, block separators and characters
        /// to escape, any place in it: the context is as first written.
        #[test]
        fn the_context_is_as_first_written(
            pieces in proptest::collection::vec(0usize..9, 0..60),
            a in 0usize..400,
            b in 0usize..400,
        ) {
            const PIECES: [&str; 9] =
                ["word", " ", "  ", "\u{2029}", "é", "<&>", "\"q'", "ab cd", "x\u{2029}y"];
            let text: String = pieces.iter().map(|&p| PIECES[p]).collect();
            let cut = |n: usize| {
                let mut at = n.min(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                at
            };
            let (a, b) = (cut(a), cut(b));
            let range = a.min(b)..a.max(b);
            proptest::prop_assert_eq!(
                context_in(&text, &range),
                context_as_first_written(&text, &range)
            );
        }
    }
}
