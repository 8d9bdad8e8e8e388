//! Markdown: the parser options in one place, the text as a reader sees it, and the
//! event-stream transform that weaves annotation marks into the HTML.
//!
//! 1. [`Document::parse`] runs pulldown-cmark once and keeps its events with their source
//!    offsets, the *reading text* (what a reader sees: text only, no syntax) and, for each
//!    piece of that text, the event it came from.
//! 2. Anchoring ([`crate::annotations::anchor`]) resolves quotes and terms to byte ranges
//!    of the reading text.
//! 3. [`Document::render`] replays the events through `pulldown_cmark::html`, splitting
//!    text events at mark boundaries and closing and reopening marks around every element
//!    boundary, so the HTML is well-formed whatever ranges the marks cover.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, TextMergeWithOffset, html};

/// Separates blocks in the reading text; a quote never runs across it.
pub const BLOCK_SEPARATOR: char = '\u{2029}';

/// Every Markdown extension scholia uses, set in one place.
pub fn options() -> Options {
    Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
}

/// Renders a short piece of Markdown written by the editor (a gloss, a note): never with
/// raw HTML, an unsafe link or an image ([`crate::sanitize`] says why and how).
pub fn to_html(markdown: &str) -> String {
    crate::sanitize::to_html(markdown)
}

/// A reading's Markdown, parsed once.
#[derive(Debug)]
pub struct Document {
    /// The events with their byte ranges in the Markdown.
    events: Vec<(Event<'static>, Range<usize>)>,
    /// The text as a reader sees it; blocks separated by [`BLOCK_SEPARATOR`].
    pub text: String,
    /// Where each piece of `text` came from.
    pieces: Vec<Piece>,
    /// The blocks that hold text (paragraphs, headings, list items …), in order.
    pub blocks: Vec<Block>,
}

/// A piece of the reading text and the event it came from.
#[derive(Debug, Clone)]
struct Piece {
    event: usize,
    text: Range<usize>,
    source: Range<usize>,
}

/// A block of the text that holds inline content.
#[derive(Debug, Clone)]
pub struct Block {
    /// Byte range in the reading text.
    pub text: Range<usize>,
    /// Byte range in the Markdown.
    pub source: Range<usize>,
    /// For paragraphs: the 1-based number that makes its id `p-N`.
    pub paragraph: Option<usize>,
    /// Index of the block's start and end events.
    start_event: usize,
    end_event: usize,
}

impl Block {
    pub fn anchor(&self) -> Option<String> {
        self.paragraph.map(|n| format!("p-{n}"))
    }
}

/// What the render step weaves into the text.
#[derive(Debug, Default)]
pub struct Weave {
    /// Marks over ranges of the reading text.
    pub marks: Vec<Mark>,
    /// HTML placed after a block (by index in [`Document::blocks`]): popovers, asides.
    pub after_block: BTreeMap<usize, String>,
}

/// A range of the reading text to mark, and what the theme puts around it.
#[derive(Debug, Clone)]
pub struct Mark {
    pub range: Range<usize>,
    /// Attributes of each `<span>` fragment of the mark (escaped, with a leading space).
    pub attributes: String,
    /// The `id` of the mark's first fragment.
    pub id: Option<String>,
    /// HTML right after the mark's last fragment (a note number, a backlink).
    pub after: String,
}

fn is_inline(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Blocks whose contents may be text directly (not only other blocks).
fn holds_text(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::Item
            | Tag::TableCell
            | Tag::CodeBlock(_)
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
    )
}

impl Document {
    pub fn parse(markdown: &str) -> Document {
        let events: Vec<(Event<'static>, Range<usize>)> =
            TextMergeWithOffset::new(Parser::new_ext(markdown, options()).into_offset_iter())
                .map(|(e, r)| (e.into_static(), r))
                .collect();
        let mut text = String::new();
        let mut pieces = Vec::new();
        let mut blocks: Vec<Block> = Vec::new();
        // Innermost open text-holding blocks: (start event, text start, source start).
        let mut open: Vec<(usize, usize, usize, bool)> = Vec::new();
        let mut paragraphs = 0;
        let separate = |text: &mut String| {
            if !text.is_empty() && !text.ends_with(BLOCK_SEPARATOR) {
                text.push(BLOCK_SEPARATOR);
            }
        };
        for (index, (event, range)) in events.iter().enumerate() {
            match event {
                Event::Start(tag) if !is_inline(&tag.to_end()) => {
                    separate(&mut text);
                    if holds_text(tag) {
                        open.push((
                            index,
                            text.len(),
                            range.start,
                            matches!(tag, Tag::Paragraph),
                        ));
                    }
                }
                Event::End(tag) if !is_inline(tag) => {
                    let closes_open_block = open.last().is_some_and(|&(start, ..)| {
                        matches!(&events[start].0, Event::Start(t) if t.to_end() == *tag)
                    });
                    if closes_open_block {
                        let (start_event, text_start, source_start, is_paragraph) =
                            open.pop().expect("checked above");
                        let paragraph = is_paragraph.then(|| {
                            paragraphs += 1;
                            paragraphs
                        });
                        blocks.push(Block {
                            text: text_start..text.len(),
                            source: source_start..range.end,
                            paragraph,
                            start_event,
                            end_event: index,
                        });
                    }
                    separate(&mut text);
                }
                Event::Text(t) | Event::Code(t) => {
                    let start = text.len();
                    text.push_str(t);
                    pieces.push(Piece {
                        event: index,
                        text: start..text.len(),
                        source: range.clone(),
                    });
                }
                Event::SoftBreak | Event::HardBreak => {
                    let start = text.len();
                    text.push(' ');
                    pieces.push(Piece {
                        event: index,
                        text: start..text.len(),
                        source: range.clone(),
                    });
                }
                _ => {}
            }
        }
        blocks.sort_by_key(|b| b.start_event);
        Document {
            events,
            text,
            pieces,
            blocks,
        }
    }

    /// The destination of every Markdown link and image in the text, with the byte range
    /// of the link or image in the Markdown. Autolinks and e-mail links are left out:
    /// they are absolute by their syntax.
    pub fn links(&self) -> Vec<(String, Range<usize>)> {
        use pulldown_cmark::LinkType;
        self.events
            .iter()
            .filter_map(|(event, range)| match event {
                Event::Start(
                    Tag::Link {
                        link_type,
                        dest_url,
                        ..
                    }
                    | Tag::Image {
                        link_type,
                        dest_url,
                        ..
                    },
                ) if !matches!(link_type, LinkType::Autolink | LinkType::Email) => {
                    Some((dest_url.to_string(), range.clone()))
                }
                _ => None,
            })
            .collect()
    }

    /// The block that holds a byte of the reading text.
    pub fn block_at(&self, text_offset: usize) -> Option<usize> {
        // Blocks nest (a paragraph inside a list item); the innermost one that holds the
        // offset is the last such in start order.
        self.blocks
            .iter()
            .rposition(|b| b.text.start <= text_offset && text_offset < b.text.end)
    }

    /// Byte offset in the Markdown of a byte of the reading text (for line numbers).
    pub fn source_offset(&self, text_offset: usize) -> usize {
        let i = self
            .pieces
            .partition_point(|p| p.text.end <= text_offset)
            .min(self.pieces.len().saturating_sub(1));
        match self.pieces.get(i) {
            Some(piece) => {
                let within = text_offset.saturating_sub(piece.text.start);
                let source_len = piece.source.len();
                piece.source.start + within.min(source_len)
            }
            None => 0,
        }
    }

    /// The HTML of the text with `weave` woven in.
    pub fn render(&self, weave: &Weave) -> String {
        let mut weaver = Weaver::new(&weave.marks);
        let mut out: Vec<Event<'_>> = Vec::with_capacity(self.events.len() * 2);
        let pieces: BTreeMap<usize, &Piece> = self.pieces.iter().map(|p| (p.event, p)).collect();
        let ends: BTreeMap<usize, usize> = self
            .blocks
            .iter()
            .enumerate()
            .map(|(i, b)| (b.end_event, i))
            .collect();
        let starts: BTreeMap<usize, &Block> =
            self.blocks.iter().map(|b| (b.start_event, b)).collect();

        for (index, (event, _)) in self.events.iter().enumerate() {
            match event {
                Event::Text(t) => weaver.text(&mut out, t, pieces[&index].text.start),
                Event::Code(t) => {
                    weaver.boundary(&mut out, "<code>");
                    weaver.text(&mut out, t, pieces[&index].text.start);
                    weaver.boundary(&mut out, "</code>");
                }
                Event::SoftBreak => weaver.text(&mut out, "\n", pieces[&index].text.start),
                Event::HardBreak => {
                    weaver.text(&mut out, "", pieces[&index].text.start);
                    out.push(Event::InlineHtml("<br />\n".into()));
                }
                Event::Start(Tag::Paragraph) => {
                    let anchor = starts.get(&index).and_then(|b| b.anchor());
                    out.push(Event::Html(match anchor {
                        Some(id) => format!("<p id=\"{id}\">").into(),
                        None => "<p>".into(),
                    }));
                }
                Event::End(TagEnd::Paragraph) => {
                    weaver.close_all(&mut out);
                    let block = ends.get(&index).map(|&i| &self.blocks[i]);
                    if let Some(n) = block.and_then(|b| b.paragraph) {
                        out.push(Event::InlineHtml(
                            format!(
                                "<a class=\"pilcrow\" data-ui href=\"#p-{n}\" aria-label=\"Paragraph {n}: link here\">¶</a>"
                            )
                            .into(),
                        ));
                    }
                    out.push(Event::Html("</p>\n".into()));
                    if let Some(html) = ends.get(&index).and_then(|i| weave.after_block.get(i)) {
                        out.push(Event::Html(html.clone().into()));
                    }
                }
                Event::Start(tag) if is_inline(&tag.to_end()) => {
                    weaver.boundary_event(&mut out, event.clone());
                }
                Event::End(tag) if is_inline(tag) => {
                    weaver.boundary_event(&mut out, event.clone());
                }
                Event::End(tag) => {
                    weaver.close_all(&mut out);
                    let extra = ends.get(&index).and_then(|i| weave.after_block.get(i));
                    // A heading cannot hold a <div>: what follows it goes after the end tag.
                    // Other blocks (list items, cells) take it inside, before the end tag.
                    let after = matches!(tag, TagEnd::Heading(_));
                    if let (Some(html), false) = (extra, after) {
                        out.push(Event::Html(html.clone().into()));
                    }
                    out.push(event.clone());
                    if let (Some(html), true) = (extra, after) {
                        out.push(Event::Html(html.clone().into()));
                    }
                }
                _ => out.push(event.clone()),
            }
        }
        let mut html = String::new();
        html::push_html(&mut html, out.into_iter());
        html
    }
}

/// Weaves marks into a stream of events, keeping every element well-nested.
///
/// Marks are `<span>` fragments. A mark is opened where its range starts and closed where
/// it ends; where a mark must close while marks opened after it are still open, those are
/// closed and reopened around it. At every element boundary (`<em>`, `<a>`, `<code>` …)
/// all open fragments are closed and reopened on the other side.
struct Weaver<'m> {
    marks: &'m [Mark],
    /// Indices of marks, sorted by start, then longest first.
    by_start: Vec<usize>,
    next_start: usize,
    /// Marks whose range holds the current position, outermost first.
    open: Vec<usize>,
    /// Whether a mark's first fragment (the one with its id) has been written.
    begun: Vec<bool>,
}

impl<'m> Weaver<'m> {
    fn new(marks: &'m [Mark]) -> Self {
        let mut by_start: Vec<usize> = (0..marks.len()).collect();
        by_start.sort_by_key(|&i| (marks[i].range.start, std::cmp::Reverse(marks[i].range.end)));
        Weaver {
            marks,
            by_start,
            next_start: 0,
            open: Vec::new(),
            begun: vec![false; marks.len()],
        }
    }

    fn open_tag(&mut self, i: usize) -> String {
        let mark = &self.marks[i];
        let id = match (&mark.id, self.begun[i]) {
            (Some(id), false) => format!(" id=\"{id}\""),
            _ => String::new(),
        };
        self.begun[i] = true;
        format!("<span{id}{}>", mark.attributes)
    }

    /// Writes `text`, which starts at `start` in the reading text, with marks opened and
    /// closed at their boundaries.
    fn text<'a>(&mut self, out: &mut Vec<Event<'a>>, text: &'a str, start: usize) {
        let end = start + text.len();
        let mut written = start;
        loop {
            // The next place where a mark ends (within the text, or at its very end) or
            // starts (within the text).
            let next_end = self
                .open
                .iter()
                .map(|&i| self.marks[i].range.end)
                .filter(|&e| e <= end)
                .min();
            let next_start = self
                .by_start
                .get(self.next_start)
                .map(|&i| self.marks[i].range.start)
                .filter(|&s| s < end);
            let at = match (next_end, next_start) {
                (Some(e), Some(s)) => e.min(s),
                (Some(e), None) => e,
                (None, Some(s)) => s,
                (None, None) => break,
            };
            let at = at.max(written);
            if at > written {
                out.push(Event::Text(CowStr::Borrowed(
                    &text[written - start..at - start],
                )));
                written = at;
            }
            self.close_ending_at(out, at);
            while let Some(&i) = self.by_start.get(self.next_start) {
                if self.marks[i].range.start > at {
                    break;
                }
                self.next_start += 1;
                if self.marks[i].range.end > at {
                    let tag = self.open_tag(i);
                    out.push(Event::InlineHtml(tag.into()));
                    self.open.push(i);
                }
            }
        }
        if end > written {
            out.push(Event::Text(CowStr::Borrowed(&text[written - start..])));
        }
    }

    /// Closes the marks that end at `at`, closing and reopening any opened inside them.
    fn close_ending_at(&mut self, out: &mut Vec<Event<'_>>, at: usize) {
        while let Some(pos) = self
            .open
            .iter()
            .position(|&i| self.marks[i].range.end <= at)
        {
            let reopen: Vec<usize> = self.open.drain(pos + 1..).collect();
            for _ in &reopen {
                out.push(Event::InlineHtml("</span>".into()));
            }
            let closed = self.open.pop().expect("position is in range");
            out.push(Event::InlineHtml("</span>".into()));
            if !self.marks[closed].after.is_empty() {
                out.push(Event::InlineHtml(self.marks[closed].after.clone().into()));
            }
            for i in reopen {
                let tag = self.open_tag(i);
                out.push(Event::InlineHtml(tag.into()));
                self.open.push(i);
            }
        }
    }

    fn boundary(&mut self, out: &mut Vec<Event<'_>>, html: &'static str) {
        self.boundary_event(out, Event::InlineHtml(html.into()));
    }

    /// Writes an element boundary with every open fragment closed around it.
    fn boundary_event<'a>(&mut self, out: &mut Vec<Event<'a>>, event: Event<'a>) {
        for _ in &self.open {
            out.push(Event::InlineHtml("</span>".into()));
        }
        out.push(event);
        for k in 0..self.open.len() {
            let tag = self.open_tag(self.open[k]);
            out.push(Event::InlineHtml(tag.into()));
        }
    }

    /// Closes every open fragment at the end of a block. Marks never cross blocks, so
    /// none should be open; this keeps the HTML well-formed if one is.
    fn close_all(&mut self, out: &mut Vec<Event<'_>>) {
        for i in self.open.drain(..).rev() {
            out.push(Event::InlineHtml("</span>".into()));
            if !self.marks[i].after.is_empty() {
                out.push(Event::InlineHtml(self.marks[i].after.clone().into()));
            }
        }
    }
}
