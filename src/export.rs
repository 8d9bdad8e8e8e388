//! The standard export: each reading's annotations as a W3C Web Annotation
//! `AnnotationCollection` (JSON-LD), beside the plain text its selectors point into.
//!
//! 1. Make each reading's plain text ([`PlainText`]): the reading text with every block
//!    separator (U+2029) written as a blank line (`"\n\n"`), and a map from the reading
//!    text's byte offsets to the plain text's code points.
//! 2. Choose the IRIs ([`Iris`]): under `base_url` when `site.yaml` has one, otherwise
//!    under `urn:scholia:` with the same paths.
//! 3. For each reading, gather its annotations: every mention of every gloss, every
//!    citation of every source, every cross-reference from it (and from another reading
//!    to it), every editor's note. Each becomes an [`Annotation`] view whose target is the
//!    reading's page with a `TextQuoteSelector` and a `TextPositionSelector`.
//! 4. Order them by their place in the text and write `<slug>/annotations.jsonld` (the
//!    collection, its one page embedded) and `<slug>/text.txt` (the plain text).
//!
//! Entry points: [`export_into`] (the readings in parallel, into a sink) and [`export`]. The format is described in `docs/export.md`. Everything is
//! built from the index alone, so the same site always gives the same bytes.

use std::io::{self, Write};
use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;

use crate::markdown::{self, BLOCK_SEPARATOR};
use crate::render::{Memory, OutputFile, Sink, gloss_dates, part};
use crate::site::{Place, SiteIndex};

/// The JSON-LD context of the Web Annotation vocabulary.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// What a block separator becomes in the plain text.
pub const BLANK_LINE: &str = "\n\n";

/// How many code points of context a `TextQuoteSelector` carries on each side, at most,
/// and how many UTF-16 code units: a character beyond the Basic Multilingual Plane
/// counts two, as it does for the matchers written in JavaScript.
pub const CONTEXT_LEN: usize = 32;

/// Where the export of a reading is written, relative to the output folder.
pub fn collection_path(slug: &str) -> String {
    format!("{slug}/annotations.jsonld")
}

/// Where the plain text of a reading is written, relative to the output folder.
pub fn text_path(slug: &str) -> String {
    format!("{slug}/text.txt")
}

/// Every reading's annotations and plain text, as files of the site.
pub fn export(index: &SiteIndex) -> Vec<OutputFile> {
    let memory = Memory::default();
    export_into(index, &memory, &crate::render::gloss_html(index));
    memory.into_files()
}

/// Hands every reading's annotations and plain text to `sink`, the readings in parallel.
/// `gloss_html` is each gloss's text as HTML ([`crate::render::gloss_html`]).
pub fn export_into(index: &SiteIndex, sink: &dyn Sink, gloss_html: &[String]) {
    export_wanted(index, sink, gloss_html, None);
}

/// [`export_into`], making of each reading's two files only those `wanted` says (all
/// if `None`): `serve` remakes only what an edit can have changed.
pub fn export_wanted(
    index: &SiteIndex,
    sink: &dyn Sink,
    gloss_html: &[String],
    wanted: Option<crate::render::Wanted>,
) {
    let wants = |order: crate::render::Order, path: &str| wanted.is_none_or(|w| w(order, path));
    let iris = Iris::new(index.site.config.base_url());
    let creator = Agent {
        name: &index.site.config.editor,
    };
    // Each reading's two files, (text, annotations), with whether each is wanted: asked
    // once for each file.
    let files: Vec<[(String, bool); 2]> = index
        .site
        .readings
        .iter()
        .enumerate()
        .map(|(r, reading)| {
            let slug = reading.slug.as_str();
            let order = 2 * r as u32;
            let (text, annotations) = (text_path(slug), collection_path(slug));
            let want_text = wants((part::EXPORT, order + 1), &text);
            let want_annotations = wants((part::EXPORT, order), &annotations);
            [(text, want_text), (annotations, want_annotations)]
        })
        .collect();
    let exported: Vec<bool> = files.iter().map(|[_, (_, wanted)]| *wanted).collect();
    let exporter = Exporter {
        index,
        ends: crossref_ends(index, &exported),
        gloss_html,
        glosses_in: per_reading(index, index.glosses.iter().map(|g| &g.mentions[..])),
        sources_in: per_reading(index, index.sources.iter().map(|s| &s.citations[..])),
        crossrefs_in: numbers_per_reading(
            index,
            index
                .crossrefs
                .iter()
                .map(|c| [c.from.reading, c.to.reading]),
        ),
        notes_in: numbers_per_reading(index, index.notes.iter().map(|n| [n.at.reading])),
        iris: &iris,
        creator: &creator,
        language: index.site.config.language(),
    };
    index
        .site
        .readings
        .par_iter()
        .zip(files)
        .enumerate()
        .for_each(
            |(r, (reading, [(text_file, want_text), (annotations, want_annotations)]))| {
                let slug = reading.slug.as_str();
                let order = 2 * r as u32;
                if !want_text && !want_annotations {
                    return;
                }
                // Made here and dropped once written: the site's plain texts are never all
                // held at once.
                let text = PlainText::new(&index.documents[r].text).cut(index.documents[r].cuts());
                if want_text {
                    sink.put(
                        (part::EXPORT, order + 1),
                        OutputFile {
                            path: text_file,
                            contents: text.text().as_bytes().to_vec(),
                        },
                    );
                }
                if !want_annotations {
                    return;
                }
                let items = exporter.annotations(r, &text);
                let id = iris.collection(slug);
                let first = (!items.is_empty()).then(|| Page {
                    id: format!("{id}#page-1"),
                    kind: "AnnotationPage",
                    part_of: id.clone(),
                    start_index: 0,
                    items,
                });
                let collection = Collection {
                    context: CONTEXT,
                    id: id.clone(),
                    kind: "AnnotationCollection",
                    label: format!("Annotations on “{}”", reading.meta.title),
                    creator: &creator,
                    total: first.as_ref().map_or(0, |p| p.items.len()),
                    last: first.as_ref().map(|p| p.id.clone()),
                    first,
                };
                let mut json = Vec::with_capacity(EXPECTED_BYTES);
                collection
                    .serialize(&mut serde_json::Serializer::with_formatter(
                        &mut json,
                        Pretty::default(),
                    ))
                    .expect("the export's views serialize to JSON");
                json.push(b'\n');
                sink.put(
                    (part::EXPORT, order),
                    OutputFile {
                        path: annotations,
                        contents: json,
                    },
                );
            },
        );
}

/// A reading's plain text: the text a reader sees, its blocks separated by a blank line.
///
/// It is the reading text ([`markdown::Document::text`]) with each block separator
/// (U+2029) replaced by [`BLANK_LINE`] and the separators at its end left out. Positions in
/// it are counted in Unicode code points, as the Web Annotation model requires.
#[derive(Debug, Clone)]
pub struct PlainText {
    text: String,
    /// The byte offset in the reading text of each block separator that is written as a
    /// blank line, in order: the plain text is the reading text with each of these three
    /// bytes made two, so an offset maps across by counting the separators before it.
    separators: Vec<usize>,
    /// Where the separators at the reading text's end begin: they are left out.
    kept: usize,
    /// (byte offset in `text`, code point offset) at a character boundary every
    /// [`STEP`] bytes or so: a position is found from the nearest one before it, so the
    /// map takes a few bytes per [`STEP`] bytes of text rather than two words a byte.
    marks: Vec<(usize, usize)>,
    /// The length in code points.
    len: usize,
    /// Byte ranges of the reading text that no quote's context reaches into.
    cuts: Vec<Range<usize>>,
}

/// Bytes of plain text between two of [`PlainText`]'s marks, about.
const STEP: usize = 128;

impl PlainText {
    pub fn new(reading_text: &str) -> PlainText {
        let kept = reading_text.trim_end_matches(BLOCK_SEPARATOR).len();
        let mut text = String::with_capacity(kept + kept / 64);
        let mut separators = Vec::new();
        let mut marks = vec![(0, 0)];
        let mut count = 0;
        let mut from = 0;
        for (k, block) in reading_text[..kept].split(BLOCK_SEPARATOR).enumerate() {
            if k > 0 {
                separators.push(from - BLOCK_SEPARATOR.len_utf8());
                text.push_str(BLANK_LINE);
                count += BLANK_LINE.chars().count();
            }
            from += block.len() + BLOCK_SEPARATOR.len_utf8();
            // The block a stretch at a time, a mark at the first character boundary
            // [`STEP`] bytes after the last.
            let mut rest = block;
            while !rest.is_empty() {
                let last = marks.last().map_or(0, |m| m.0);
                if text.len() >= last + STEP {
                    marks.push((text.len(), count));
                    continue;
                }
                let mut take = (last + STEP - text.len()).min(rest.len());
                while !rest.is_char_boundary(take) {
                    take += 1;
                }
                let (stretch, after) = rest.split_at(take);
                text.push_str(stretch);
                count += stretch.chars().count();
                rest = after;
            }
        }
        PlainText {
            text,
            separators,
            kept,
            marks,
            len: count,
            cuts: Vec::new(),
        }
    }

    /// The plain text, as written to `text.txt`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its length in code points.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The code point offset in the plain text of a byte offset of the reading text; an
    /// offset inside a character maps to that character's start.
    pub fn position(&self, reading_offset: usize) -> usize {
        if reading_offset >= self.kept {
            return self.len;
        }
        let before = self.separators.partition_point(|&s| s < reading_offset);
        let shrink = BLOCK_SEPARATOR.len_utf8() - BLANK_LINE.len();
        let mut byte = match before.checked_sub(1).map(|i| self.separators[i]) {
            // Inside a separator: its blank line's start.
            Some(s) if reading_offset < s + BLOCK_SEPARATOR.len_utf8() => s - (before - 1) * shrink,
            _ => reading_offset - before * shrink,
        };
        while !self.text.is_char_boundary(byte) {
            byte -= 1;
        }
        let (at, count) = self.marks[self.marks.partition_point(|m| m.0 <= byte) - 1];
        count + self.text[at..byte].chars().count()
    }

    /// The code point range in the plain text of a byte range of the reading text.
    pub fn range(&self, reading_range: &Range<usize>) -> Range<usize> {
        self.position(reading_range.start)..self.position(reading_range.end)
    }

    /// The byte offset in `text` of a code point offset.
    fn byte(&self, position: usize) -> usize {
        let (at, count) = self.marks[self.marks.partition_point(|m| m.1 <= position) - 1];
        self.text[at..]
            .char_indices()
            .nth(position - count)
            .map_or(self.text.len(), |(i, _)| at + i)
    }

    /// The text between two code point offsets.
    pub fn slice(&self, range: Range<usize>) -> &str {
        &self.text[self.byte(range.start)..self.byte(range.end)]
    }

    /// Where the context of a quote over `reading_range` may reach, in code points: the
    /// whole text, short of any cut ([`PlainText::cut`]) on either side.
    fn context_bounds(&self, reading_range: &Range<usize>) -> (usize, usize) {
        let (mut from, mut to) = (0, self.kept);
        for cut in &self.cuts {
            if cut.end <= reading_range.start {
                from = from.max(cut.end);
            } else if cut.start >= reading_range.end {
                to = to.min(cut.start);
            }
        }
        (self.position(from), self.position(to))
    }

    /// Keeps the context of every quote out of `ranges` of the reading text: where the
    /// page's text nodes differ from it ([`markdown::Document::cuts`]).
    pub fn cut(mut self, ranges: impl IntoIterator<Item = Range<usize>>) -> PlainText {
        self.cuts = ranges.into_iter().collect();
        self
    }

    /// The W3C selectors of a byte range of the reading text: the quote with up to
    /// [`CONTEXT_LEN`] code points of context either side (short of any cut), and its code
    /// point positions.
    pub fn selectors(
        &self,
        reading_range: &Range<usize>,
    ) -> (TextQuoteSelector, TextPositionSelector) {
        let Range { start, end } = self.range(reading_range);
        let (from, to) = self.context_bounds(reading_range);
        // Within CONTEXT_LEN UTF-16 units too, so within as many code points: the bitap
        // matcher Hypothesis's client uses (diff-match-patch) throws on a longer pattern.
        let within = |words: &mut dyn Iterator<Item = char>| {
            let mut units = 0;
            words
                .take_while(|c| {
                    units += c.len_utf16();
                    units <= CONTEXT_LEN
                })
                .count()
        };
        let before = self.slice(start.saturating_sub(CONTEXT_LEN).max(from).min(start)..start);
        let skip = before.chars().count() - within(&mut before.chars().rev());
        let before: String = before.chars().skip(skip).collect();
        let after = self.slice(end..(end + CONTEXT_LEN).min(to).max(end));
        let after: String = after.chars().take(within(&mut after.chars())).collect();
        let context = |words: String| (!words.is_empty()).then_some(words);
        (
            TextQuoteSelector {
                kind: "TextQuoteSelector",
                exact: self.slice(start..end).to_owned(),
                prefix: context(before),
                suffix: context(after),
            },
            TextPositionSelector {
                kind: "TextPositionSelector",
                start,
                end,
            },
        )
    }
}

/// The IRIs of the export: absolute, under `base_url` or, without one, `urn:scholia:`.
///
/// Below the base, every IRI is the path of a file of the built site, so an export
/// made without `base_url` is moved to its real address by replacing the prefix.
#[derive(Debug, Clone)]
pub struct Iris {
    base: String,
}

/// The prefix of the export's IRIs when `site.yaml` has no `base_url`.
pub const FALLBACK_BASE: &str = "urn:scholia:";

impl Iris {
    pub fn new(base_url: Option<&str>) -> Iris {
        let base = match base_url.map(str::trim).filter(|b| !b.is_empty()) {
            Some(b) if b.ends_with('/') => b.to_owned(),
            Some(b) => format!("{b}/"),
            None => FALLBACK_BASE.to_owned(),
        };
        Iris { base }
    }

    /// The prefix every IRI starts with.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A reading's page: the `source` of every target in it.
    pub fn page(&self, slug: &str) -> String {
        format!("{}{slug}/index.html", self.base)
    }

    pub fn collection(&self, slug: &str) -> String {
        format!("{}{}", self.base, collection_path(slug))
    }

    pub fn annotation(&self, slug: &str, fragment: &str) -> String {
        format!("{}#{fragment}", self.collection(slug))
    }

    /// A gloss's entry in the glossary.
    pub fn gloss(&self, id: &str) -> String {
        format!("{}glossary.html#g-{id}", self.base)
    }

    /// A source's entry in the bibliography.
    pub fn source(&self, id: &str) -> String {
        format!("{}sources.html#s-{id}", self.base)
    }
}

// ---------------------------------------------------------------------------------------
// The views: what is serialized, in the model's own terms.

#[derive(Serialize)]
struct Collection<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    label: String,
    creator: &'a Agent<'a>,
    total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    first: Option<Page<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last: Option<String>,
}

#[derive(Serialize)]
struct Page<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "partOf")]
    part_of: String,
    #[serde(rename = "startIndex")]
    start_index: usize,
    items: Vec<Annotation<'a>>,
}

/// Who made the annotations: the site's `editor`.
#[derive(Serialize)]
struct Agent<'a> {
    name: &'a str,
}

/// One annotation: embedded in its collection, so without its own `@context`.
#[derive(Serialize)]
pub struct Annotation<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    motivation: &'static str,
    creator: &'a Agent<'a>,
    body: Vec<Body<'a>>,
    target: SpecificResource,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Body<'a> {
    Text(TextualBody<'a>),
    Web(WebResource),
    Passage(SpecificResource),
}

#[derive(Serialize)]
struct TextualBody<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    value: String,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    purpose: &'static str,
}

/// A resource on the web, by its IRI (a glossary entry, a source's address).
#[derive(Serialize)]
struct WebResource {
    id: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
}

/// A passage of a reading: its page, and two selectors for the same words.
#[derive(Serialize)]
struct SpecificResource {
    #[serde(rename = "type")]
    kind: &'static str,
    source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    purpose: Option<&'static str>,
    selector: (TextQuoteSelector, TextPositionSelector),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextQuoteSelector {
    #[serde(rename = "type")]
    kind: &'static str,
    pub exact: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextPositionSelector {
    #[serde(rename = "type")]
    kind: &'static str,
    pub start: usize,
    pub end: usize,
}

/// Room made for a reading's collection before it is written: most fit.
const EXPECTED_BYTES: usize = 64 * 1024;

/// serde_json's pretty form (two spaces a level), each line's indentation written at
/// once: `PrettyFormatter` writes it two bytes at a time, a call each, and the export of
/// a large site is millions of lines. A test holds the two to the same bytes.
#[derive(Default)]
struct Pretty {
    level: usize,
    has_value: bool,
}

impl Pretty {
    fn new_line<W: ?Sized + Write>(&self, writer: &mut W) -> io::Result<()> {
        const LINE: &[u8] = b"\n                                                                ";
        match LINE.get(..1 + 2 * self.level) {
            Some(line) => writer.write_all(line),
            None => {
                writer.write_all(b"\n")?;
                (0..self.level).try_for_each(|_| writer.write_all(b"  "))
            }
        }
    }

    /// An array or object begins: `[` or `{`.
    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// An array or object ends, on a line of its own if it held anything.
    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.new_line(writer)?;
        }
        writer.write_all(bracket)
    }

    /// A value of an array or a key of an object begins, on a line of its own.
    fn item<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        self.new_line(writer)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// From the index to the views.

struct Exporter<'x, 's> {
    index: &'x SiteIndex<'s>,
    /// The selectors of each cross-reference's two ends (from, to), of those into or out
    /// of the readings exported: the one end of
    /// them that is not in the reading exported is in another reading's text.
    ends: Vec<Option<[Selectors; 2]>>,
    gloss_html: &'x [String],
    /// For each reading, the places of the glosses mentioned in it and of the sources
    /// citing it, (entry, place) in the index's order and each entry's in text order; the
    /// cross-references out of or into it and its notes, by number. A reading looks only
    /// at its own: a pass over an entry's places in every reading, or over every
    /// cross-reference and note, for each reading would grow with the square of the site.
    glosses_in: Vec<Vec<(usize, &'x Place)>>,
    sources_in: Vec<Vec<(usize, &'x Place)>>,
    crossrefs_in: Vec<Vec<usize>>,
    notes_in: Vec<Vec<usize>>,
    iris: &'x Iris,
    creator: &'x Agent<'x>,
    language: &'x str,
}

/// The order of kinds at the same place.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Gloss,
    Source,
    CrossRef,
    Note,
}

impl<'x> Exporter<'x, '_> {
    /// The selectors of end `end` (0: from, 1: to) of cross-reference `c`, which is into
    /// or out of the reading exported.
    fn end(&self, c: usize, end: usize) -> Selectors {
        self.ends[c]
            .as_ref()
            .expect("the ends of a reading's cross-references are made")[end]
            .clone()
    }

    /// Every annotation of reading `r`, in text order.
    /// `text` is the reading's plain text.
    fn annotations(&self, r: usize, text: &PlainText) -> Vec<Annotation<'x>> {
        let index = self.index;
        let slug = index.site.readings[r].slug.as_str();
        // (where it is in this reading, kind, id) → annotation
        let mut found: Vec<((usize, usize, Kind, String), Annotation<'x>)> = Vec::new();
        let mut push = |place: &Place, kind: Kind, annotation: Annotation<'x>| {
            let range = text.range(&place.range);
            found.push((
                (range.start, range.end, kind, annotation.id.clone()),
                annotation,
            ));
        };

        for places in self.glosses_in[r].chunk_by(|a, b| a.0 == b.0) {
            let g = places[0].0;
            let entry = &index.glosses[g];
            for (k, &(_, place)) in places.iter().enumerate() {
                let gloss = entry.gloss;
                let mut body = vec![
                    self.made_html(&self.gloss_html[g], "describing"),
                    Body::Text(TextualBody {
                        kind: "TextualBody",
                        value: gloss.term.value.clone(),
                        format: "text/plain",
                        language: Some(self.language),
                        purpose: "identifying",
                    }),
                    tag(gloss.kind.name()),
                    self.entry(self.iris.gloss(entry.id)),
                ];
                if let Some(dates) = gloss_dates(gloss) {
                    body.insert(2, self.plain(dates, "describing"));
                }
                let annotation = Annotation {
                    id: self
                        .iris
                        .annotation(slug, &format!("gloss-{}-{}", entry.id, k + 1)),
                    kind: "Annotation",
                    motivation: "identifying",
                    creator: self.creator,
                    body,
                    target: self.passage(place, None, text.selectors(&place.range)),
                };
                push(place, Kind::Gloss, annotation);
            }
        }

        for places in self.sources_in[r].chunk_by(|a, b| a.0 == b.0) {
            let entry = &index.sources[places[0].0];
            for (k, &(_, place)) in places.iter().enumerate() {
                let source = entry.source;
                let mut body = vec![Body::Text(TextualBody {
                    kind: "TextualBody",
                    value: citation_html(source),
                    format: "text/html",
                    language: Some(self.language),
                    purpose: "linking",
                })];
                if let Some(url) = &source.url {
                    body.push(Body::Web(WebResource {
                        id: url.value.clone(),
                        kind: None,
                        format: None,
                    }));
                }
                body.push(tag(source.kind().label()));
                body.push(self.entry(self.iris.source(entry.id)));
                let annotation = Annotation {
                    id: self
                        .iris
                        .annotation(slug, &format!("source-{}-{}", entry.id, k + 1)),
                    kind: "Annotation",
                    motivation: "linking",
                    creator: self.creator,
                    body,
                    target: self.passage(place, None, text.selectors(&place.range)),
                };
                push(place, Kind::Source, annotation);
            }
        }

        for &c in &self.crossrefs_in[r] {
            let entry = &index.crossrefs[c];
            let (from, to) = (&entry.from, &entry.to);
            // Listed where it starts, and also where it points if that is another reading.
            let here = if from.reading == r {
                from
            } else if to.reading == r {
                to
            } else {
                continue;
            };
            let from_slug = index.site.readings[from.reading].slug.as_str();
            let annotation = Annotation {
                id: self
                    .iris
                    .annotation(from_slug, &format!("xref-{}", entry.id)),
                kind: "Annotation",
                motivation: "linking",
                creator: self.creator,
                body: vec![
                    self.html(&entry.crossref.note.value, "commenting"),
                    Body::Passage(self.passage(to, Some("linking"), self.end(c, 1))),
                ],
                target: self.passage(from, None, self.end(c, 0)),
            };
            push(here, Kind::CrossRef, annotation);
        }

        for entry in self.notes_in[r].iter().map(|&n| &index.notes[n]) {
            let annotation = Annotation {
                id: self.iris.annotation(slug, &format!("note-{}", entry.id)),
                kind: "Annotation",
                motivation: "commenting",
                creator: self.creator,
                body: vec![self.html(&entry.note.text.value, "commenting")],
                target: self.passage(&entry.at, None, text.selectors(&entry.at.range)),
            };
            push(&entry.at, Kind::Note, annotation);
        }

        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.into_iter().map(|(_, a)| a).collect()
    }

    /// A passage as a Specific Resource of its reading's page.
    fn passage(
        &self,
        place: &Place,
        purpose: Option<&'static str>,
        selector: Selectors,
    ) -> SpecificResource {
        SpecificResource {
            kind: "SpecificResource",
            source: self
                .iris
                .page(&self.index.site.readings[place.reading].slug),
            purpose,
            selector,
        }
    }

    /// The editor's Markdown, as HTML.
    fn html(&self, markdown_text: &str, purpose: &'static str) -> Body<'x> {
        Body::Text(TextualBody {
            kind: "TextualBody",
            value: markdown::to_html(markdown_text).trim_end().to_owned(),
            format: "text/html",
            language: Some(self.language),
            purpose,
        })
    }

    /// [`Exporter::html`] of Markdown already made HTML.
    fn made_html(&self, html: &str, purpose: &'static str) -> Body<'x> {
        Body::Text(TextualBody {
            kind: "TextualBody",
            value: html.trim_end().to_owned(),
            format: "text/html",
            language: Some(self.language),
            purpose,
        })
    }

    fn plain(&self, text: String, purpose: &'static str) -> Body<'x> {
        Body::Text(TextualBody {
            kind: "TextualBody",
            value: text,
            format: "text/plain",
            language: Some(self.language),
            purpose,
        })
    }

    /// An entry of the glossary or the bibliography.
    fn entry(&self, id: String) -> Body<'x> {
        Body::Web(WebResource {
            id,
            kind: Some("Text"),
            format: Some("text/html"),
        })
    }
}

/// The two selectors of a passage.
type Selectors = (TextQuoteSelector, TextPositionSelector);

/// The selectors of the ends of every cross-reference into or out of a reading whose
/// annotations are `exported`, by cross-reference (`None` for the others): each
/// reading's plain text is made once, its ends' selectors taken, and dropped.
fn crossref_ends(index: &SiteIndex, exported: &[bool]) -> Vec<Option<[Selectors; 2]>> {
    let mut in_reading: Vec<Vec<(usize, usize)>> = vec![Vec::new(); index.readings.len()];
    for (c, entry) in index.crossrefs.iter().enumerate() {
        if exported[entry.from.reading] || exported[entry.to.reading] {
            in_reading[entry.from.reading].push((c, 0));
            in_reading[entry.to.reading].push((c, 1));
        }
    }
    let made: Vec<Vec<(usize, usize, Selectors)>> = in_reading
        .par_iter()
        .enumerate()
        .map(|(r, ends)| {
            if ends.is_empty() {
                return Vec::new();
            }
            let text = PlainText::new(&index.documents[r].text).cut(index.documents[r].cuts());
            ends.iter()
                .map(|&(c, end)| {
                    let entry = &index.crossrefs[c];
                    let place = if end == 0 { &entry.from } else { &entry.to };
                    (c, end, text.selectors(&place.range))
                })
                .collect()
        })
        .collect();
    let mut ends: Vec<[Option<Selectors>; 2]> = vec![[None, None]; index.crossrefs.len()];
    for (c, end, selectors) in made.into_iter().flatten() {
        ends[c][end] = Some(selectors);
    }
    ends.into_iter()
        .map(|[from, to]| Some([from?, to?]))
        .collect()
}

/// For each reading, the places of the entries in it: (entry, place), by entry
/// (ascending), each entry's places in text order.
fn per_reading<'p>(
    index: &SiteIndex,
    entries: impl Iterator<Item = &'p [Place]>,
) -> Vec<Vec<(usize, &'p Place)>> {
    let mut readings: Vec<Vec<(usize, &Place)>> = vec![Vec::new(); index.readings.len()];
    for (e, places) in entries.enumerate() {
        for place in places {
            readings[place.reading].push((e, place));
        }
    }
    for here in &mut readings {
        here.sort_by_key(|(e, p)| (*e, p.range.start, p.range.end));
    }
    readings
}

/// For each reading, the entries (by number, ascending) in it: each entry gives the
/// readings it is in.
fn numbers_per_reading<const N: usize>(
    index: &SiteIndex,
    entries: impl Iterator<Item = [usize; N]>,
) -> Vec<Vec<usize>> {
    let mut readings: Vec<Vec<usize>> = vec![Vec::new(); index.readings.len()];
    for (e, in_readings) in entries.enumerate() {
        for r in in_readings {
            if readings[r].last() != Some(&e) {
                readings[r].push(e);
            }
        }
    }
    readings
}

/// A kind (`person`, `report` …) as a tag: scholia's own word, so no language.
fn tag<'a>(kind: &str) -> Body<'a> {
    Body::Text(TextualBody {
        kind: "TextualBody",
        value: kind.to_owned(),
        format: "text/plain",
        language: None,
        purpose: "tagging",
    })
}

/// A source as the bibliography cites it, then its note: HTML.
fn citation_html(source: &crate::annotations::model::Source) -> String {
    let kind = source.kind().label();
    let mut kind_chars = kind.chars();
    let kind: String = kind_chars
        .next()
        .map(|c| c.to_uppercase().chain(kind_chars).collect())
        .unwrap_or_default();
    let mut html = format!("<p>{kind}: {}</p>", crate::render::citation_html(source));
    if let Some(note) = &source.note {
        html.push('\n');
        html.push_str(markdown::to_html(&note.value).trim_end());
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEP: char = BLOCK_SEPARATOR;

    #[test]
    fn blocks_become_blank_lines_and_trailing_separators_go() {
        let reading = format!("Héllo wörld.{SEP}Second — block.{SEP}");
        let plain = PlainText::new(&reading);
        assert_eq!(plain.text(), "Héllo wörld.\n\nSecond — block.");
        assert_eq!(plain.len(), plain.text().chars().count());
        assert_eq!(PlainText::new("").text(), "");
        assert_eq!(PlainText::new(&format!("{SEP}{SEP}")).text(), "");
    }

    /// The map as first written, a code point offset for every byte: the compact one
    /// must agree with it at every offset.
    fn naive_positions(reading: &str) -> Vec<usize> {
        let kept = reading.trim_end_matches(SEP).len();
        let mut positions = vec![0; reading.len() + 1];
        let mut count = 0;
        for (i, c) in reading.char_indices() {
            positions[i..i + c.len_utf8()].fill(count);
            if i < kept {
                count += if c == SEP { 2 } else { 1 };
            }
        }
        positions[reading.len()] = count;
        positions
    }

    #[test]
    fn the_compact_map_agrees_with_a_position_for_every_byte() {
        let pieces = ["a", "é", "—", "𝄞", " ", "word ", "\n"];
        let mut seed = 8u64;
        for _ in 0..200 {
            let mut reading = String::new();
            for _ in 0..(seed % 700) as usize {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                match (seed >> 33) % 12 {
                    0 => reading.push(SEP),
                    k => reading.push_str(pieces[k as usize % pieces.len()]),
                }
            }
            let plain = PlainText::new(&reading);
            let chars: Vec<char> = plain.text().chars().collect();
            assert_eq!(plain.len(), chars.len());
            for (offset, &expected) in naive_positions(&reading).iter().enumerate() {
                assert_eq!(plain.position(offset), expected, "{reading:?} at {offset}");
            }
            for start in (0..=chars.len()).step_by(7) {
                for end in [
                    start,
                    (start + 1).min(chars.len()),
                    (start + 150).min(chars.len()),
                ] {
                    let expected: String = chars[start..end].iter().collect();
                    assert_eq!(plain.slice(start..end), expected);
                }
            }
        }
    }

    #[test]
    fn byte_offsets_become_code_point_offsets() {
        // "é" and "ö" are two bytes, "—" three, the separator three; each counts as one
        // code point, the separator as two ("\n\n").
        let reading = format!("Héllo wörld.{SEP}Second — block.{SEP}");
        let plain = PlainText::new(&reading);
        for word in ["Héllo", "wörld", "Second", "—", "block."] {
            let start = reading.find(word).unwrap();
            let range = plain.range(&(start..start + word.len()));
            assert_eq!(plain.slice(range.clone()), word);
            let chars: Vec<char> = plain.text().chars().collect();
            assert_eq!(chars[range].iter().collect::<String>(), word);
        }
        let second = reading.find("Second").unwrap();
        assert_eq!(plain.position(second), "Héllo wörld.\n\n".chars().count());
        assert_eq!(plain.position(reading.len()), plain.len());
    }

    #[test]
    fn selectors_carry_up_to_32_code_points_of_context_across_blocks() {
        let first = "ä".repeat(40);
        let reading = format!("{first}{SEP}The word here ends.{SEP}");
        let plain = PlainText::new(&reading);
        let start = reading.find("word").unwrap();
        let (quote, position) = plain.selectors(&(start..start + 4));
        assert_eq!(quote.exact, "word");
        assert_eq!(position.start, 40 + 2 + 4);
        assert_eq!(position.end, position.start + 4);
        let prefix = quote.prefix.unwrap();
        assert_eq!(prefix.chars().count(), CONTEXT_LEN);
        assert!(prefix.ends_with("ää\n\nThe "), "{prefix:?}");
        assert_eq!(quote.suffix.as_deref(), Some(" here ends."));

        // At the very start there is no prefix, at the very end no suffix.
        let (quote, position) = plain.selectors(&(0..2));
        assert_eq!((quote.exact.as_str(), quote.prefix), ("ä", None));
        assert_eq!((position.start, position.end), (0, 1));
        let end = reading.find(" ends.").unwrap() + " ends.".len();
        let (quote, _) = plain.selectors(&(end - 5..end));
        assert_eq!((quote.exact.as_str(), quote.suffix), ("ends.", None));
    }

    #[test]
    fn context_is_at_most_32_utf16_units_too() {
        // "𝄞" is one code point, two UTF-16 units.
        let reading = format!("{}𝄞 word 𝄞{}", "a".repeat(40), "b".repeat(40));
        let plain = PlainText::new(&reading);
        let start = reading.find("word").unwrap();
        let (quote, _) = plain.selectors(&(start..start + 4));
        let prefix = quote.prefix.unwrap();
        let suffix = quote.suffix.unwrap();
        assert_eq!(prefix, format!("{}𝄞 ", "a".repeat(29)));
        assert_eq!(suffix, format!(" 𝄞{}", "b".repeat(29)));
        assert_eq!(prefix.encode_utf16().count(), CONTEXT_LEN);
        assert_eq!(suffix.encode_utf16().count(), CONTEXT_LEN);
    }

    #[test]
    fn context_stops_at_a_cut() {
        let reading = "Before ALT TEXT after the word and on.";
        let alt = reading.find("ALT TEXT").unwrap();
        let plain = PlainText::new(reading).cut(Some(alt..alt + "ALT TEXT".len()));
        let start = reading.find("word").unwrap();
        let (quote, _) = plain.selectors(&(start..start + 4));
        assert_eq!(quote.prefix.as_deref(), Some(" after the "));
        assert_eq!(quote.suffix.as_deref(), Some(" and on."));
        let (quote, _) = plain.selectors(&(0..6));
        assert_eq!(quote.suffix.as_deref(), Some(" "));
        // A raw HTML block is a cut of no width.
        let reading = format!("One two.{SEP}Three four.");
        let at = reading.find("Three").unwrap();
        let plain = PlainText::new(&reading).cut(Some(at..at));
        let (quote, _) = plain.selectors(&(at..at + 5));
        assert_eq!(quote.prefix, None);
        let (quote, _) = plain.selectors(&(4..7));
        assert_eq!(quote.suffix.as_deref(), Some(".\n\n"));
    }

    #[test]
    fn the_pretty_form_is_serde_jsons() {
        // Nesting deeper than the line of spaces holds, empty arrays and objects, strings
        // to escape, numbers.
        let mut deep = serde_json::json!({"leaf": [1, "two", null, {}, []]});
        for level in 0..40 {
            deep = serde_json::json!({"level": level, "list": [[], "a\"b\n", deep]});
        }
        let mut ours = Vec::new();
        deep.serialize(&mut serde_json::Serializer::with_formatter(
            &mut ours,
            Pretty::default(),
        ))
        .unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string_pretty(&deep).unwrap()
        );
    }

    #[test]
    fn iris_are_absolute_under_the_base_or_a_urn() {
        let iris = Iris::new(Some("https://example.org/site"));
        assert_eq!(iris.page("r"), "https://example.org/site/r/index.html");
        assert_eq!(
            iris.annotation("r", "note-a"),
            "https://example.org/site/r/annotations.jsonld#note-a"
        );
        let iris = Iris::new(None);
        assert_eq!(iris.page("r"), "urn:scholia:r/index.html");
        assert_eq!(iris.gloss("x"), "urn:scholia:glossary.html#g-x");
    }
}
