//! References from a reference manager (Zotero, …) and citation styles, by hayagriva.
//!
//! 1. [`parse`] reads `content/sources.bib` (BibTeX or BibLaTeX) and
//!    `content/sources.json` (CSL-JSON): each entry keyed by its citation key. A parse
//!    error points at the file, line and column (E0820, E0821); a key in both files is
//!    E0822.
//! 2. [`fill`] gives each source of the site whose id is a key the entry's title,
//!    author, publisher, date and address wherever its YAML gives none (the YAML wins),
//!    so `sources: {roe2001: {cited: [...]}}` cites a reference by its key; the source's
//!    `kind`, when it gives none, is the reference's type ([`kind_of`]).
//!    Entries no source names are not sources of the site: a library holds more than a
//!    site cites.
//! 3. With `citation_style:` in `site.yaml` (a style hayagriva bundles, by name,
//!    [`Style::by_name`], or a `.csl` file of the site, [`Style::from_csl`]; E0823,
//!    E0824), every source's citation is formatted by it ([`format`]): from its reference entry when it has one, else from
//!    its YAML fields mapped to a hayagriva entry ([`entry_of`]). The HTML is written
//!    here, escaping every text, rather than by hayagriva's writer, which does not.
//!    Without a style, citations keep scholia's own look.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use hayagriva::citationberg::{self, IndependentStyle, Locale};
use hayagriva::{BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest};
use hayagriva::{ElemChild, ElemChildren, Entry};

use crate::annotations::model::{Source, SourceKind};
use crate::diagnostics::{Diagnostic, Location, SourceFile};

/// One reference, as its file gives it.
pub enum Reference {
    Bib(Box<Entry>),
    Csl(Box<citationberg::json::Item>),
}

/// What a reference says of the fields scholia's sources have.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Fields {
    pub title: Option<String>,
    pub author: Option<String>,
    pub publisher: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: Option<String>,
    pub url: Option<String>,
}

/// The references of the site, by key.
#[derive(Default)]
pub struct References {
    pub entries: BTreeMap<String, (Reference, Fields)>,
}

fn at(file: &Arc<SourceFile>, span: Range<usize>) -> Location {
    let start = span.start.min(file.text.len());
    let end = span.end.clamp(start, file.text.len());
    Location::new(file, start..end)
}

/// Reads the reference files given (`sources.bib`, `sources.json`).
pub fn parse(files: &[Arc<SourceFile>]) -> Result<References, Vec<Diagnostic>> {
    let mut refs = References::default();
    let mut problems = Vec::new();
    let mut first_file: BTreeMap<String, Arc<SourceFile>> = BTreeMap::new();
    for file in files {
        let text = &file.text[crate::content::text::bom_len(&file.text)..];
        let offset = file.text.len() - text.len();
        let found: Vec<(String, Reference, Fields)> = if file
            .path
            .extension()
            .is_some_and(|e| e == "json")
        {
            match serde_json::from_str::<Vec<citationberg::json::Item>>(text) {
                Ok(items) => items
                    .into_iter()
                    .filter_map(|item| {
                        let key = item.id()?.into_owned();
                        let fields = csl_fields(&item);
                        Some((key, Reference::Csl(Box::new(item)), fields))
                    })
                    .collect(),
                Err(e) => {
                    let place = file
                        .offset_of(e.line(), e.column().max(1))
                        .unwrap_or(offset);
                    problems.push(
                        Diagnostic::error("E0821", format!("{} is not CSL-JSON: {e}", file.path.display()))
                            .at(at(file, place..place), "here")
                            .help("export the references again from your reference manager as CSL JSON: a list of items, each with an `id`"),
                    );
                    continue;
                }
            }
        } else {
            match hayagriva::io::from_biblatex_str(text) {
                Ok(library) => library
                    .into_iter()
                    .map(|entry| {
                        let fields = bib_fields(&entry);
                        (
                            entry.key().to_owned(),
                            Reference::Bib(Box::new(entry)),
                            fields,
                        )
                    })
                    .collect(),
                Err(errors) => {
                    for e in errors {
                        let (span, what) = match &e {
                            hayagriva::io::BibLaTeXError::Parse(p) => {
                                (p.span.clone(), p.kind.to_string())
                            }
                            hayagriva::io::BibLaTeXError::Type(t) => {
                                (t.span.clone(), t.kind.to_string())
                            }
                        };
                        problems.push(
                            Diagnostic::error("E0820", format!("{} cannot be read as BibTeX or BibLaTeX: {what}", file.path.display()))
                                .at(at(file, span.start + offset..span.end + offset), "here")
                                .help("mend the entry, or export the references again from your reference manager"),
                        );
                    }
                    continue;
                }
            }
        };
        for (key, reference, fields) in found {
            if let Some(other) = first_file.get(&key) {
                let place = file.text.find(&key).unwrap_or(0);
                problems.push(
                    Diagnostic::error(
                        "E0822",
                        format!(
                            "the citation key `{key}` is in both {} and {}",
                            other.path.display(),
                            file.path.display()
                        ),
                    )
                    .at(at(file, place..place + key.len()), "again")
                    .help("keep each reference in one file"),
                );
                continue;
            }
            first_file.insert(key.clone(), Arc::clone(file));
            refs.entries.insert(key, (reference, fields));
        }
    }
    if problems.is_empty() {
        Ok(refs)
    } else {
        Err(problems)
    }
}

fn bib_fields(entry: &Entry) -> Fields {
    let people = |list: &[hayagriva::types::Person]| {
        list.iter()
            .map(|p| p.given_first(false))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Fields {
        title: entry.title().map(|t| t.value.to_string()),
        author: entry.authors().map(people).filter(|a| !a.is_empty()),
        publisher: entry
            .publisher()
            .and_then(|p| p.name())
            .map(|n| n.value.to_string())
            .or_else(|| {
                entry
                    .parents()
                    .first()
                    .and_then(|p| p.title())
                    .map(|t| t.value.to_string())
            }),
        date: entry.date().map(|d| match (d.month, d.day) {
            (Some(m), Some(day)) => format!("{:04}-{:02}-{:02}", d.year, m + 1, day + 1),
            (Some(m), None) => format!("{:04}-{:02}", d.year, m + 1),
            _ => format!("{:04}", d.year),
        }),
        url: entry.url().map(|u| u.value.to_string()),
    }
}

fn csl_fields(item: &citationberg::json::Item) -> Fields {
    use citationberg::json::{NameValue, Value};
    let text = |k: &str| {
        item.0
            .get(k)
            .and_then(Value::to_str)
            .map(|s| s.into_owned())
    };
    let author = match item.0.get("author") {
        Some(Value::Names(names)) => Some(
            names
                .iter()
                .map(|n| match n {
                    NameValue::Literal(l) => l.literal.clone(),
                    NameValue::Item(i) => match &i.given {
                        Some(g) => format!("{g} {}", i.family),
                        None => i.family.clone(),
                    },
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    };
    Fields {
        title: text("title"),
        author: author.filter(|a| !a.is_empty()),
        publisher: text("publisher").or_else(|| text("container-title")),
        date: None,
        url: text("URL"),
    }
}

/// Fills a source whose id is a citation key from its reference, where the YAML gives
/// nothing; a date or an address taken from it is placed at the source's id.
pub fn fill(source: &mut Source, id_place: &crate::yaml::Spanned<String>, fields: &Fields) {
    let spanned = |value: &str| {
        crate::yaml::Spanned::new(value.to_owned(), id_place.referenced, id_place.defined)
    };
    if source.title.is_none() {
        source.title = fields.title.clone();
    }
    if source.author.is_none() {
        source.author = fields.author.clone();
    }
    if source.publisher.is_none() {
        source.publisher = fields.publisher.clone();
    }
    if source.date.is_none()
        && let Some(date) = &fields.date
    {
        source.date = Some(crate::date::WrittenDate {
            written: spanned(date),
            read: crate::date::PartialDate::parse(date),
        });
    }
    if source.url.is_none()
        && let Some(url) = &fields.url
    {
        source.url = Some(spanned(url));
    }
}

/// A citation style and the locales it needs.
pub struct Style {
    style: IndependentStyle,
    locales: Vec<Locale>,
}

impl Style {
    /// A style hayagriva bundles, by name (`chicago-author-date`, `apa`, `mla` …), or the
    /// text of a `.csl` file.
    pub fn by_name(name: &str) -> Option<Style> {
        let archived = hayagriva::archive::ArchivedStyle::by_name(name)?;
        match archived.get() {
            citationberg::Style::Independent(style) => Some(Style {
                style,
                locales: hayagriva::archive::locales(),
            }),
            citationberg::Style::Dependent(_) => None,
        }
    }

    pub fn from_csl(xml: &str) -> Result<Style, String> {
        match citationberg::Style::from_xml(xml).map_err(|e| e.to_string())? {
            citationberg::Style::Independent(style) => Ok(Style {
                style,
                locales: hayagriva::archive::locales(),
            }),
            citationberg::Style::Dependent(d) => Err(format!(
                "it is a dependent style (of {}); give the style it depends on",
                d.parent_link.href
            )),
        }
    }
}

/// A source's citation in a style, as HTML.
pub fn format(style: &Style, reference: Option<&Reference>, source: &Source, id: &str) -> String {
    match reference {
        Some(Reference::Bib(entry)) => render(style, entry.as_ref()),
        Some(Reference::Csl(item)) => render_csl(style, item.as_ref()),
        None => match entry_of(source, id) {
            Some(entry) => render(style, &entry),
            None => String::new(),
        },
    }
}

// hayagriva's `EntryLike` is not public, so one function cannot take both kinds of
// entry: the body is written once, for each.
macro_rules! render_as {
    ($name:ident, $entry:ty) => {
        fn $name(style: &Style, entry: &$entry) -> String {
            let mut driver = BibliographyDriver::new();
            driver.citation(CitationRequest::from_items(
                vec![CitationItem::with_entry(entry)],
                &style.style,
                &style.locales,
            ));
            let rendered = driver.finish(BibliographyRequest {
                style: &style.style,
                locale: None,
                locale_files: &style.locales,
            });
            let mut html = String::new();
            if let Some(bib) = rendered.bibliography {
                for item in bib.items {
                    write_children(&mut html, &item.content);
                }
            } else if let Some(cite) = rendered.citations.first() {
                write_children(&mut html, &cite.citation);
            }
            html.trim().to_owned()
        }
    };
}

render_as!(render, Entry);
render_as!(render_csl, citationberg::json::Item);

fn write_children(out: &mut String, children: &ElemChildren) {
    for child in &children.0 {
        match child {
            ElemChild::Text(t) => write_formatted(out, t),
            ElemChild::Elem(e) => write_children(out, &e.children),
            ElemChild::Markup(m) => out.push_str(&crate::render::escape(m)),
            ElemChild::Link { text, url } if crate::sanitize::is_allowed_url(url) => {
                let _ = write!(
                    out,
                    "<a href=\"{}\" rel=\"external noreferrer\">",
                    crate::render::escape(url)
                );
                write_formatted(out, text);
                out.push_str("</a>");
            }
            ElemChild::Link { text, .. } => write_formatted(out, text),
            ElemChild::Transparent { .. } => {}
        }
    }
}

fn write_formatted(out: &mut String, t: &hayagriva::Formatted) {
    let italic = t.formatting.font_style == citationberg::FontStyle::Italic;
    let bold = t.formatting.font_weight == citationberg::FontWeight::Bold;
    if italic {
        out.push_str("<i>");
    }
    if bold {
        out.push_str("<b>");
    }
    out.push_str(&crate::render::escape(&t.text));
    if bold {
        out.push_str("</b>");
    }
    if italic {
        out.push_str("</i>");
    }
}

/// The kind of source a reference is, by its entry type, for a source that gives none
/// (the table in docs/annotations.md): a book or a part of one is a book; an article
/// of a journal, magazine, newspaper or blog is an article; a report is a report; a
/// CSL speech or interview is one; anything else (a web page, a thesis, `@misc`) is
/// `other`.
pub fn kind_of(reference: &Reference) -> SourceKind {
    use hayagriva::types::EntryType as T;
    match reference {
        Reference::Bib(entry) => match entry.entry_type() {
            T::Book | T::Anthology | T::Chapter | T::Anthos | T::Proceedings | T::Reference => {
                SourceKind::Book
            }
            T::Article | T::Newspaper | T::Periodical | T::Blog | T::Post => SourceKind::Article,
            T::Report => SourceKind::Report,
            _ => SourceKind::Other,
        },
        Reference::Csl(item) => {
            let kind = item
                .0
                .get("type")
                .and_then(citationberg::json::Value::to_str)
                .unwrap_or_default();
            match kind.as_ref() {
                "book" | "chapter" | "classic" | "collection" | "entry-dictionary"
                | "entry-encyclopedia" => SourceKind::Book,
                "article" | "article-journal" | "article-magazine" | "article-newspaper"
                | "paper-conference" | "periodical" | "post" | "post-weblog" | "review"
                | "review-book" => SourceKind::Article,
                "report" => SourceKind::Report,
                "speech" => SourceKind::Speech,
                "interview" => SourceKind::Interview,
                _ => SourceKind::Other,
            }
        }
    }
}

/// A source written in YAML as a hayagriva entry, its kind mapped to the nearest type.
pub fn entry_of(source: &Source, id: &str) -> Option<Entry> {
    let kind = match source.kind() {
        SourceKind::Report => "report",
        SourceKind::Article => "article",
        SourceKind::Book => "book",
        SourceKind::Speech | SourceKind::Interview | SourceKind::Account | SourceKind::Other => {
            "misc"
        }
    };
    let q = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
    let mut yaml = format!("{}:\n  type: {kind}\n", q(id));
    if let Some(title) = &source.title {
        let _ = writeln!(yaml, "  title: {}", q(title));
    }
    if let Some(author) = &source.author {
        let _ = writeln!(yaml, "  author: {}", q(author));
    }
    if let Some(publisher) = &source.publisher {
        let _ = writeln!(yaml, "  publisher: {}", q(publisher));
    }
    if let Some(date) = source.date.as_ref().filter(|d| d.date().is_some()) {
        let _ = writeln!(yaml, "  date: {}", q(&date.written.value));
    }
    if let Some(url) = &source.url {
        let _ = writeln!(yaml, "  url: {}", q(&url.value));
    }
    hayagriva::io::from_yaml_str(&yaml).ok()?.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(bib: &str) -> Vec<(String, SourceKind)> {
        hayagriva::io::from_biblatex_str(bib)
            .unwrap()
            .into_iter()
            .map(|e| (e.key().to_owned(), kind_of(&Reference::Bib(Box::new(e)))))
            .collect()
    }

    #[test]
    fn a_reference_kind_follows_its_entry_type() {
        let found = kinds(
            "@book{a, title={A}}\n@incollection{b, title={B}, booktitle={C}}\n@article{c, title={C}, journaltitle={J}}\n@report{d, title={D}, type={techreport}, institution={I}}\n@online{e, title={E}, url={https://x.org}}\n@misc{f, title={F}}\n@thesis{g, title={G}, type={phdthesis}, institution={I}}\n",
        );
        let kind = |k: &str| found.iter().find(|(key, _)| key == k).unwrap().1;
        assert_eq!(kind("a"), SourceKind::Book);
        assert_eq!(kind("b"), SourceKind::Book);
        assert_eq!(kind("c"), SourceKind::Article);
        assert_eq!(kind("d"), SourceKind::Report);
        assert_eq!(kind("e"), SourceKind::Other);
        assert_eq!(kind("f"), SourceKind::Other);
        assert_eq!(kind("g"), SourceKind::Other);
        let csl: Vec<citationberg::json::Item> = serde_json::from_str(
            r#"[{"id": "s", "type": "speech"}, {"id": "n", "type": "article-newspaper"}, {"id": "w", "type": "webpage"}, {"id": "i", "type": "interview"}]"#,
        )
        .unwrap();
        let csl: Vec<SourceKind> = csl
            .into_iter()
            .map(|i| kind_of(&Reference::Csl(Box::new(i))))
            .collect();
        assert_eq!(
            csl,
            [
                SourceKind::Speech,
                SourceKind::Article,
                SourceKind::Other,
                SourceKind::Interview
            ]
        );
    }
}
