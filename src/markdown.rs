//! Markdown: the parser options in one place, the text as a reader sees it, and the
//! event-stream transform that weaves annotation marks into the HTML.
//!
//! 1. [`Document::parse`] runs pulldown-cmark and keeps the *reading text* (what a reader
//!    sees: text only, no syntax) and, for each piece of that text, the event it came
//!    from and its source offsets; not the events themselves, which
//!    [`Document::render`] gets again from the Markdown. It also notes the text that cannot
//!    carry a mark (an image's alt text, the content of raw `<textarea>`, `<script>`,
//!    `<svg>` …) and checks that the author's raw HTML is balanced within each block
//!    ([`rawhtml::check`]).
//! 2. Anchoring ([`crate::annotations::anchor`]) resolves quotes and terms to byte ranges
//!    of the reading text.
//! 3. [`Document::render`] parses the Markdown again and replays the events through `pulldown_cmark::html`, splitting
//!    text events at mark boundaries and closing and reopening marks around every element
//!    boundary, Markdown's own or raw HTML's, so the HTML is well-formed whatever ranges
//!    the marks cover. Inside alt text no mark is written; a note number that falls inside
//!    a link goes after the link's end.

pub mod rawhtml;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, TextMergeWithOffset, html};

use rawhtml::{Contexts, Effect};

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
    /// How many events pulldown-cmark gives for the Markdown. The events themselves are
    /// not kept (they were two fifths of a large site's memory): [`Document::render`]
    /// parses the Markdown again, into the same events.
    event_count: usize,
    /// Each Markdown link's and image's destination with its byte range (see
    /// [`Document::links`]).
    links: Vec<(String, Range<usize>)>,
    /// The text as a reader sees it; blocks separated by [`BLOCK_SEPARATOR`].
    pub text: String,
    /// How many words `text` has, as runs of characters between white space (for the
    /// time to read it).
    pub words: usize,
    /// Where each piece of `text` came from.
    pieces: Vec<Piece>,
    /// The blocks that hold text (paragraphs, headings, list items …), in order.
    pub blocks: Vec<Block>,
    /// Ranges of `text` where no mark can be written (alt text, raw `<textarea>` …),
    /// in order and apart.
    hidden: Vec<Range<usize>>,
    /// Raw HTML that is not balanced within its block.
    pub html_problems: Vec<rawhtml::Problem>,
    /// The events at which a block separator of `text` was written, short of the ones at
    /// its end: the page's HTML has `"\n\n"` there, before a start tag or after an end
    /// tag, so that its text nodes read as the export's plain text.
    breaks: BTreeSet<usize>,
    /// Where a raw HTML block stands in `text`: its words are in the page, not the text.
    html_blocks: Vec<usize>,
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
    /// The label of a paragraph's link (`¶`) in the site's language, escaped, with `{n}`
    /// for the paragraph's number; English when none is given.
    pub pilcrow_label: Option<String>,
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

/// Markdown's own inline elements: emphasis, links, images …
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

/// pulldown-cmark's events for `markdown`, adjacent text merged, with their byte ranges.
fn events(markdown: &str) -> impl Iterator<Item = (Event<'_>, Range<usize>)> {
    TextMergeWithOffset::new(Parser::new_ext(markdown, options()).into_offset_iter())
}

/// The destination of every Markdown link and image among `events`, with its byte range.
/// Autolinks and e-mail links are left out: they are absolute by their syntax.
fn links(events: &[(Event<'_>, Range<usize>)]) -> Vec<(String, Range<usize>)> {
    use pulldown_cmark::LinkType;
    events
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

impl Document {
    pub fn parse(markdown: &str) -> Document {
        let events: Vec<(Event<'_>, Range<usize>)> = events(markdown).collect();
        let mut text = String::new();
        let mut pieces = Vec::new();
        let mut blocks: Vec<Block> = Vec::new();
        // Innermost open text-holding blocks: (start event, text start, source start).
        let mut open: Vec<(usize, usize, usize, bool)> = Vec::new();
        let mut paragraphs = 0;
        let mut contexts = Contexts::default();
        let mut hidden: Vec<Range<usize>> = Vec::new();
        let mut note_hidden = |contexts: &Contexts, range: Range<usize>| {
            if !contexts.hides() || range.is_empty() {
                return;
            }
            match hidden.last_mut() {
                Some(last) if last.end == range.start => last.end = range.end,
                _ => hidden.push(range),
            }
        };
        // (event, offset in `text`) of each separator written.
        let mut breaks: Vec<(usize, usize)> = Vec::new();
        let mut html_blocks = Vec::new();
        let mut separate = |text: &mut String, event: usize| {
            if !text.is_empty() && !text.ends_with(BLOCK_SEPARATOR) {
                breaks.push((event, text.len()));
                text.push(BLOCK_SEPARATOR);
            }
        };
        for (index, (event, range)) in events.iter().enumerate() {
            match event {
                Event::Start(tag) if !is_inline(&tag.to_end()) => {
                    contexts.clear();
                    separate(&mut text, index);
                    if matches!(tag, Tag::HtmlBlock) {
                        html_blocks.push(text.len());
                    }
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
                    contexts.clear();
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
                    separate(&mut text, index);
                }
                Event::Text(t) | Event::Code(t) => {
                    let start = text.len();
                    text.push_str(t);
                    note_hidden(&contexts, start..text.len());
                    pieces.push(Piece {
                        event: index,
                        text: start..text.len(),
                        source: range.clone(),
                    });
                }
                Event::SoftBreak | Event::HardBreak => {
                    let start = text.len();
                    text.push(' ');
                    note_hidden(&contexts, start..text.len());
                    pieces.push(Piece {
                        event: index,
                        text: start..text.len(),
                        source: range.clone(),
                    });
                }
                Event::Start(_) | Event::End(_) | Event::InlineHtml(_) => {
                    contexts.apply(rawhtml::effect(event))
                }
                _ => {}
            }
        }
        blocks.sort_by_key(|b| b.start_event);
        let html_problems = rawhtml::check(&events);
        let kept = text.trim_end_matches(BLOCK_SEPARATOR).len();
        let breaks = breaks
            .into_iter()
            .filter(|&(_, at)| at < kept)
            .map(|(event, _)| event)
            .collect();
        // Every reading's document is held from the index stage to the last page, so it
        // keeps no more than it needs. The room the vectors grew into (up to half of each)
        // would otherwise be a tenth of the build's memory on a large site.
        text.shrink_to_fit();
        pieces.shrink_to_fit();
        blocks.shrink_to_fit();
        hidden.shrink_to_fit();
        let mut links = links(&events);
        links.shrink_to_fit();
        Document {
            event_count: events.len(),
            links,
            words: text.split_whitespace().count(),
            text,
            pieces,
            blocks,
            hidden,
            html_problems,
            breaks,
            html_blocks,
        }
    }

    /// The destination of every Markdown link and image in the text, with the byte range
    /// of the link or image in the Markdown. Autolinks and e-mail links are left out:
    /// they are absolute by their syntax.
    pub fn links(&self) -> &[(String, Range<usize>)] {
        &self.links
    }

    /// Where the page's text nodes may differ from the reading text: where no mark can
    /// be written (an image's alt text is in the reading text, not in the page's text
    /// nodes; a raw `<textarea>`'s is in both), and where a raw HTML block stands (its
    /// words are in the page, not in the reading text). A quote's context stops there.
    pub fn cuts(&self) -> Vec<Range<usize>> {
        let mut cuts = self.hidden.clone();
        cuts.extend(self.html_blocks.iter().map(|&at| at..at));
        cuts
    }

    /// Whether a mark can be written over every byte of `range`: none of it is alt text
    /// or the content of raw HTML that cannot hold a `<span>`.
    pub fn is_markable(&self, range: &Range<usize>) -> bool {
        let i = self.hidden.partition_point(|h| h.end <= range.start);
        self.hidden
            .get(i)
            .is_none_or(|h| h.start >= range.end || range.is_empty())
    }

    /// Whether some word of `range` can be marked (the rest being alt text or such).
    pub fn is_partly_markable(&self, range: &Range<usize>) -> bool {
        let mut at = range.start;
        let i = self.hidden.partition_point(|h| h.end <= range.start);
        for h in self.hidden[i..].iter().take_while(|h| h.start < range.end) {
            if self.text[at..h.start.max(at)]
                .chars()
                .any(|c| !c.is_whitespace())
            {
                return true;
            }
            at = h.end.max(at);
        }
        at < range.end && self.text[at..range.end].chars().any(|c| !c.is_whitespace())
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

    /// The HTML of the text with `weave` woven in; `markdown` is the Markdown the
    /// document was parsed from.
    pub fn render(&self, markdown: &str, weave: &Weave) -> String {
        let events: Vec<(Event<'_>, Range<usize>)> = events(markdown).collect();
        assert_eq!(
            events.len(),
            self.event_count,
            "a document is rendered from the Markdown it was parsed from"
        );
        let mut weaver = Weaver::new(&weave.marks);
        let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len() * 2);
        let at = EventIndex::new(self, events.len());

        let mut footnotes: BTreeMap<String, usize> = BTreeMap::new();
        let mut tags = BlockTags::default();
        for (index, (event, _)) in events.iter().enumerate() {
            match event {
                // The words as the reader sees them are in `text`, where its piece says.
                Event::Text(_) => {
                    let piece = at.piece(index);
                    weaver.text(&mut out, &self.text[piece.clone()], piece.start)
                }
                // In alt text, code and breaks are written as the text they are.
                Event::Code(_) | Event::HardBreak if weaver.contexts.hides() => {
                    let piece = at.piece(index);
                    weaver.pass(&mut out, piece.start, piece.end);
                    out.push(event.clone());
                }
                Event::Code(t) => {
                    weaver.boundary(&mut out, "<code>");
                    weaver.text(&mut out, t, at.piece(index).start);
                    weaver.boundary(&mut out, "</code>");
                }
                // A line break is one space in the reading text, and so in the page's text
                // nodes: a DOM client reads there what a quote holds.
                Event::SoftBreak => weaver.text(&mut out, " ", at.piece(index).start),
                Event::HardBreak => {
                    weaver.text(&mut out, " ", at.piece(index).start);
                    out.push(Event::InlineHtml("<br />".into()));
                }
                Event::Start(Tag::Paragraph) => {
                    let anchor = at.starting(index).and_then(Block::anchor);
                    if at.breaks(index) {
                        out.push(Event::Html(BREAK.into()));
                    }
                    out.push(Event::Html(match anchor {
                        Some(id) => format!("<p id=\"{id}\">").into(),
                        None => "<p>".into(),
                    }));
                }
                Event::End(TagEnd::Paragraph) => {
                    weaver.close_all(&mut out);
                    if let Some(n) = at.ending(index).and_then(|i| self.blocks[i].paragraph) {
                        out.push(Event::InlineHtml(
                            pilcrow(n, weave.pilcrow_label.as_deref()).into(),
                        ));
                    }
                    out.push(Event::Html("</p>".into()));
                    if let Some(html) = at.ending(index).and_then(|i| weave.after_block.get(&i)) {
                        out.push(Event::Html(html.clone().into()));
                    }
                    if at.breaks(index) {
                        out.push(Event::Html(BREAK.into()));
                    }
                }
                Event::Start(tag) if is_inline(&tag.to_end()) => {
                    weaver.boundary_event(&mut out, event.clone());
                }
                Event::End(tag) if is_inline(tag) => {
                    weaver.boundary_event(&mut out, event.clone());
                }
                // The author's raw tags are element boundaries as Markdown's are; a comment
                // or a void element (`<br>`) can sit inside a mark.
                Event::InlineHtml(_) => match rawhtml::effect(event) {
                    Effect::Nothing => out.push(event.clone()),
                    _ => weaver.boundary_event(&mut out, event.clone()),
                },
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let id = footnote_id(label);
                    let n = footnote_number(&mut footnotes, &id);
                    if at.breaks(index) {
                        out.push(Event::Html(BREAK.into()));
                    }
                    out.push(Event::Html(
                        format!(
                            "<div class=\"footnote-definition\" id=\"{id}\"><sup class=\"footnote-definition-label\" data-n=\"{n}\"></sup>"
                        )
                        .into(),
                    ));
                }
                // Every other block's tags are written here, without the newlines
                // pulldown-cmark puts around them: the page's whitespace between blocks is
                // the `"\n\n"` of the plain text, and only that.
                Event::Start(tag) => match tags.start(tag) {
                    Some(html) => {
                        if at.breaks(index) {
                            out.push(Event::Html(BREAK.into()));
                        }
                        out.push(Event::Html(html.into()));
                    }
                    None => out.push(event.clone()),
                },
                Event::End(tag) => {
                    weaver.close_all(&mut out);
                    let extra = at.ending(index).and_then(|i| weave.after_block.get(&i));
                    // A heading or a code block cannot hold an <aside>: what follows it goes
                    // after its end tag. Other blocks (list items, cells) take it inside.
                    let inside = !matches!(tag, TagEnd::Heading(_) | TagEnd::CodeBlock);
                    if let (Some(html), true) = (extra, inside) {
                        out.push(Event::Html(html.clone().into()));
                    }
                    match tags.end(tag) {
                        Some(html) => out.push(Event::Html(html.into())),
                        None => out.push(event.clone()),
                    }
                    if let (Some(html), false) = (extra, inside) {
                        out.push(Event::Html(html.clone().into()));
                    }
                    if at.breaks(index) {
                        out.push(Event::Html(BREAK.into()));
                    }
                }
                Event::Rule => out.push(Event::Html("<hr />".into())),
                // A footnote's id is its label: `[^notes]` or `[^p-1]` would give the page
                // a second element with an id of scholia's own. Footnotes get ids of their own.
                // Their numbers are drawn by the stylesheet, as note numbers are, numbered
                // as pulldown-cmark numbers them: by first reference or definition.
                Event::FootnoteReference(label) => {
                    let id = footnote_id(label);
                    let n = footnote_number(&mut footnotes, &id);
                    out.push(if weaver.contexts.hides() {
                        Event::Text(format!("[{n}]").into())
                    } else {
                        Event::InlineHtml(
                            format!(
                                "<sup class=\"footnote-reference\"><a href=\"#{id}\" data-n=\"{n}\" aria-label=\"{FOOTNOTE} {n}\"></a></sup>"
                            )
                            .into(),
                        )
                    });
                }
                _ => out.push(event.clone()),
            }
        }
        let mut html = String::new();
        html::push_html(&mut html, out.into_iter());
        html
    }
}

/// What [`Document::render`] asks of each event of the Markdown it walks, looked up by
/// the event's number (maps of these cost a search at every event).
struct EventIndex<'d> {
    document: &'d Document,
    /// For each event: its piece of text, its block starting and ending there, whether
    /// a block break goes with it. `u32::MAX` for none.
    piece: Vec<u32>,
    starting: Vec<u32>,
    ending: Vec<u32>,
    breaks: Vec<bool>,
}

impl<'d> EventIndex<'d> {
    fn new(document: &'d Document, count: usize) -> Self {
        let number = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let mut at = EventIndex {
            document,
            piece: vec![u32::MAX; count],
            starting: vec![u32::MAX; count],
            ending: vec![u32::MAX; count],
            breaks: vec![false; count],
        };
        for (i, piece) in document.pieces.iter().enumerate() {
            at.piece[piece.event] = number(i);
        }
        // A later block of the same event wins, as in the maps these replaced.
        for (i, block) in document.blocks.iter().enumerate() {
            at.starting[block.start_event] = number(i);
            at.ending[block.end_event] = number(i);
        }
        for &event in &document.breaks {
            at.breaks[event] = true;
        }
        at
    }

    /// The text of the piece event `event` gives.
    fn piece(&self, event: usize) -> &'d Range<usize> {
        &self.document.pieces[self.piece[event] as usize].text
    }

    fn starting(&self, event: usize) -> Option<&'d Block> {
        self.document.blocks.get(self.starting[event] as usize)
    }

    fn ending(&self, event: usize) -> Option<usize> {
        Some(self.ending[event] as usize).filter(|&i| i < self.document.blocks.len())
    }

    fn breaks(&self, event: usize) -> bool {
        self.breaks[event]
    }
}

/// What stands between two blocks in the page, as in the plain text of the export.
const BREAK: &str = "\n\n";

/// The tags of Markdown's blocks, as pulldown-cmark writes them but without the
/// newlines it writes around them.
#[derive(Default)]
struct BlockTags {
    alignments: Vec<pulldown_cmark::Alignment>,
    cell: usize,
    in_head: bool,
}

impl BlockTags {
    /// The start tag of a block, or `None` for one that is left to pulldown-cmark.
    fn start(&mut self, tag: &Tag) -> Option<String> {
        use pulldown_cmark::{Alignment, BlockQuoteKind, CodeBlockKind};
        Some(match tag {
            Tag::HtmlBlock => String::new(),
            Tag::Heading { level, .. } => format!("<{level}>"),
            Tag::Table(alignments) => {
                self.alignments = alignments.clone();
                "<table>".to_owned()
            }
            Tag::TableHead => {
                self.in_head = true;
                self.cell = 0;
                "<thead><tr>".to_owned()
            }
            Tag::TableRow => {
                self.cell = 0;
                "<tr>".to_owned()
            }
            Tag::TableCell => {
                let name = if self.in_head { "th" } else { "td" };
                let align = match self.alignments.get(self.cell) {
                    Some(Alignment::Left) => " style=\"text-align: left\"",
                    Some(Alignment::Center) => " style=\"text-align: center\"",
                    Some(Alignment::Right) => " style=\"text-align: right\"",
                    _ => "",
                };
                format!("<{name}{align}>")
            }
            Tag::BlockQuote(kind) => {
                let class = match kind {
                    None => "",
                    Some(BlockQuoteKind::Note) => " class=\"markdown-alert-note\"",
                    Some(BlockQuoteKind::Tip) => " class=\"markdown-alert-tip\"",
                    Some(BlockQuoteKind::Important) => " class=\"markdown-alert-important\"",
                    Some(BlockQuoteKind::Warning) => " class=\"markdown-alert-warning\"",
                    Some(BlockQuoteKind::Caution) => " class=\"markdown-alert-caution\"",
                };
                format!("<blockquote{class}>")
            }
            Tag::CodeBlock(CodeBlockKind::Fenced(info)) => {
                match info.split(' ').next().filter(|l| !l.is_empty()) {
                    Some(lang) => format!(
                        "<pre><code class=\"language-{}\">",
                        crate::render::escape(lang)
                    ),
                    None => "<pre><code>".to_owned(),
                }
            }
            Tag::CodeBlock(CodeBlockKind::Indented) => "<pre><code>".to_owned(),
            Tag::List(Some(1)) => "<ol>".to_owned(),
            Tag::List(Some(start)) => format!("<ol start=\"{start}\">"),
            Tag::List(None) => "<ul>".to_owned(),
            Tag::Item => "<li>".to_owned(),
            Tag::DefinitionList => "<dl>".to_owned(),
            Tag::DefinitionListTitle => "<dt>".to_owned(),
            Tag::DefinitionListDefinition => "<dd>".to_owned(),
            _ => return None,
        })
    }

    /// The end tag of a block, or `None` for one that is left to pulldown-cmark.
    fn end(&mut self, tag: &TagEnd) -> Option<String> {
        Some(match tag {
            TagEnd::HtmlBlock => String::new(),
            TagEnd::Heading(level) => format!("</{level}>"),
            TagEnd::Table => "</tbody></table>".to_owned(),
            TagEnd::TableHead => {
                self.in_head = false;
                "</tr></thead><tbody>".to_owned()
            }
            TagEnd::TableRow => "</tr>".to_owned(),
            TagEnd::TableCell => {
                self.cell += 1;
                if self.in_head { "</th>" } else { "</td>" }.to_owned()
            }
            TagEnd::BlockQuote(_) => "</blockquote>".to_owned(),
            TagEnd::CodeBlock => "</code></pre>".to_owned(),
            TagEnd::List(true) => "</ol>".to_owned(),
            TagEnd::List(false) => "</ul>".to_owned(),
            TagEnd::Item => "</li>".to_owned(),
            TagEnd::DefinitionList => "</dl>".to_owned(),
            TagEnd::DefinitionListTitle => "</dt>".to_owned(),
            TagEnd::DefinitionListDefinition => "</dd>".to_owned(),
            TagEnd::FootnoteDefinition => "</div>".to_owned(),
            _ => return None,
        })
    }
}

/// The words that name what scholia adds to the text for screen readers: the glyphs
/// themselves are drawn by the stylesheet, out of the page's text nodes.
pub const PARAGRAPH: &str = "Paragraph";
pub const LINK_HERE: &str = "link here";
pub const FOOTNOTE: &str = "Footnote";

/// The link to paragraph `n`, at its end. Its `¶` is the stylesheet's (`::before`), so
/// that the paragraph's text nodes hold the author's words alone.
fn pilcrow(n: usize, label: Option<&str>) -> String {
    // The label comes from the theme's words (`{n}` the paragraph); the glyph is drawn by
    // the stylesheet, so that the text nodes hold the author's words alone.
    let label = label.map_or_else(
        || format!("{PARAGRAPH} {n}: {LINK_HERE}"),
        |l| l.replace("{n}", &n.to_string()),
    );
    format!(
        "<a class=\"pilcrow\" data-ui href=\"#p-{n}\" aria-label=\"{}\"></a>",
        label
    )
}

/// The number of footnote `id`: the next one when it is met first.
fn footnote_number(numbers: &mut BTreeMap<String, usize>, id: &str) -> usize {
    let next = numbers.len() + 1;
    *numbers.entry(id.to_owned()).or_insert(next)
}

/// The id of the footnote labelled `label` (`[^label]`): no id scholia gives an element
/// of its own starts with `fn-`. What an id or a link's `#fragment` cannot hold (a space,
/// a quote) is percent-encoded, `%` too, so that two labels never share an id.
fn footnote_id(label: &str) -> CowStr<'static> {
    let mut id = String::from("fn-");
    for c in label.chars() {
        if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
            id.push(c);
        } else {
            let mut bytes = [0; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                id.push_str(&format!("%{b:02X}"));
            }
        }
    }
    id.into()
}

/// Weaves marks into a stream of events, keeping every element well-nested.
///
/// Marks are `<span>` fragments. A mark is opened where its range starts and closed where
/// it ends; where a mark must close while marks opened after it are still open, those are
/// closed and reopened around it. At every element boundary (`<em>`, `<a>`, `<code>`, a
/// raw `<kbd>` …) all open fragments are closed and reopened on the other side.
///
/// Where the text cannot hold a `<span>` (alt text, a raw `<textarea>`), marks are still
/// followed but not written, and reopened after. What comes after a mark (its note
/// number, a link back) waits until the text is outside every link and control.
struct Weaver<'m> {
    marks: &'m [Mark],
    /// Indices of marks, sorted by start, then longest first.
    by_start: Vec<usize>,
    next_start: usize,
    /// Marks whose range holds the current position, outermost first.
    open: Vec<usize>,
    /// Whether a mark's first fragment (the one with its id) has been written.
    begun: Vec<bool>,
    /// The inline elements around the current position.
    contexts: Contexts,
    /// HTML to write after the mark, once outside links, controls and alt text.
    waiting: Vec<String>,
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
            contexts: Contexts::default(),
            waiting: Vec::new(),
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
        self.walk(out, Some(text), start, start + text.len());
    }

    /// Follows the marks over `start..end` without writing its text (written as it is by
    /// the caller).
    fn pass(&mut self, out: &mut Vec<Event<'_>>, start: usize, end: usize) {
        self.walk(out, None, start, end);
    }

    fn walk<'a>(
        &mut self,
        out: &mut Vec<Event<'a>>,
        text: Option<&'a str>,
        start: usize,
        end: usize,
    ) {
        let mut written = start;
        let write = |out: &mut Vec<Event<'a>>, from: usize, to: usize| {
            if let Some(text) = text
                && to > from
            {
                out.push(Event::Text(CowStr::Borrowed(
                    &text[from - start..to - start],
                )));
            }
        };
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
                write(out, written, at);
                written = at;
            }
            self.close_ending_at(out, at);
            while let Some(&i) = self.by_start.get(self.next_start) {
                if self.marks[i].range.start > at {
                    break;
                }
                self.next_start += 1;
                if self.marks[i].range.end > at {
                    if !self.contexts.hides() {
                        let tag = self.open_tag(i);
                        out.push(Event::InlineHtml(tag.into()));
                    }
                    self.open.push(i);
                }
            }
        }
        write(out, written, end);
    }

    /// Closes the marks that end at `at`, closing and reopening any opened inside them.
    fn close_ending_at(&mut self, out: &mut Vec<Event<'_>>, at: usize) {
        let written = !self.contexts.hides();
        while let Some(pos) = self
            .open
            .iter()
            .position(|&i| self.marks[i].range.end <= at)
        {
            let reopen: Vec<usize> = self.open.drain(pos + 1..).collect();
            let closed = self.open.pop().expect("position is in range");
            if written {
                for _ in 0..=reopen.len() {
                    out.push(Event::InlineHtml("</span>".into()));
                }
            }
            self.after(out, closed);
            for i in reopen {
                if written {
                    let tag = self.open_tag(i);
                    out.push(Event::InlineHtml(tag.into()));
                }
                self.open.push(i);
            }
        }
    }

    /// Writes what follows mark `i`, or keeps it until the text is outside links.
    fn after(&mut self, out: &mut Vec<Event<'_>>, i: usize) {
        let after = &self.marks[i].after;
        if after.is_empty() {
            return;
        }
        if self.contexts.hides() || self.contexts.interactive() {
            self.waiting.push(after.clone());
        } else {
            out.push(Event::InlineHtml(after.clone().into()));
        }
    }

    fn boundary(&mut self, out: &mut Vec<Event<'_>>, html: &'static str) {
        self.boundary_event(out, Event::InlineHtml(html.into()));
    }

    /// Writes an element boundary with every open fragment closed around it, and what
    /// waited for the end of a link once the boundary leaves it.
    fn boundary_event<'a>(&mut self, out: &mut Vec<Event<'a>>, event: Event<'a>) {
        if !self.contexts.hides() {
            for _ in &self.open {
                out.push(Event::InlineHtml("</span>".into()));
            }
        }
        let effect = rawhtml::effect(&event);
        out.push(event);
        self.contexts.apply(effect);
        if !self.contexts.hides() {
            if !self.contexts.interactive() {
                for html in self.waiting.drain(..) {
                    out.push(Event::InlineHtml(html.into()));
                }
            }
            for k in 0..self.open.len() {
                let tag = self.open_tag(self.open[k]);
                out.push(Event::InlineHtml(tag.into()));
            }
        }
    }

    /// Closes every open fragment at the end of a block. Marks never cross blocks, so
    /// none should be open; this keeps the HTML well-formed if one is.
    fn close_all(&mut self, out: &mut Vec<Event<'_>>) {
        let written = !self.contexts.hides();
        self.contexts.clear();
        for i in self.open.drain(..).rev() {
            if written {
                out.push(Event::InlineHtml("</span>".into()));
            }
            if !self.marks[i].after.is_empty() {
                self.waiting.push(self.marks[i].after.clone());
            }
        }
        for html in self.waiting.drain(..) {
            out.push(Event::InlineHtml(html.into()));
        }
    }
}
