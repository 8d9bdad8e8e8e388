//! The author's raw HTML: what each tag does to the page, and whether it is balanced.
//!
//! 1. [`Scanner`] splits raw HTML into tags and comments, following the states of the
//!    HTML tokenizer that decide where a tag ends (quoted attribute values, comments, raw
//!    text such as `<style>`), and reports a tag or comment that never ends.
//! 2. [`Context`] says what an open element means for marks: text inside `<script>`,
//!    `<textarea>` or `<svg>` (or an image's alt text) cannot hold a `<span>`; a note number
//!    (a `<button>`) cannot go inside `<a>` or `<button>`.
//! 3. [`check`] walks a document's events and reports raw HTML that is not balanced within
//!    its Markdown block: an element closed that is not open there, opened and not closed,
//!    or closed across a Markdown element; and a block element (`<div>`) written inside a
//!    paragraph, which the browser would cut the paragraph at.
//!
//! Why a scanner of our own rather than html5ever's tokenizer: a problem must point at
//! its byte (file:line:col), html5ever reports lines only and would be a runtime
//! dependency, and balance needs only tags, comments and raw text, which CommonMark has
//! already cut out for inline HTML.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

/// Elements that have no end tag.
pub fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
            | "frame"
    )
}

/// Elements whose content the browser reads as text up to their end tag.
fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "plaintext"
    )
}

/// Elements whose start tag ends an open `<p>`: in a Markdown paragraph they would cut
/// it in two and leave its end tag to open an empty one.
fn ends_a_paragraph(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "li"
            | "dd"
            | "dt"
            | "listing"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "plaintext"
            | "pre"
            | "search"
            | "section"
            | "summary"
            | "table"
            | "ul"
            | "xmp"
    )
}

/// Elements whose end tag may be left out: the parent's end closes them.
fn has_optional_end(name: &str) -> bool {
    matches!(
        name,
        "p" | "li"
            | "dt"
            | "dd"
            | "option"
            | "optgroup"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "rt"
            | "rp"
            | "rb"
            | "rtc"
            | "colgroup"
            | "caption"
    )
}

/// Elements inside which a `<span>` is not an element of the page: raw text, foreign
/// content (where an HTML tag breaks out of the `<svg>`), form controls, templates.
fn hides_marks(name: &str) -> bool {
    is_raw_text(name)
        || matches!(
            name,
            "svg" | "math" | "select" | "option" | "optgroup" | "datalist" | "template"
        )
}

/// Elements inside which a `<button>` or another link is invalid or steals the click.
fn is_interactive(name: &str) -> bool {
    matches!(name, "a" | "button" | "label" | "select" | "textarea")
}

/// A tag or comment of raw HTML, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub kind: Kind,
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A start tag, its name in lower case.
    Start {
        name: String,
        self_closing: bool,
    },
    End {
        name: String,
    },
    /// A comment, doctype, processing instruction or CDATA section.
    Comment,
}

/// A construct that runs to the end of the HTML it was in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unended {
    pub at: usize,
    pub what: Unterminated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unterminated {
    /// A tag without its `>`: the name as written (`div`, `/div`).
    Tag(String),
    Comment,
    /// `<!--` inside a comment (which ends at the first `-->`).
    NestedComment,
}

/// Tags and comments of a piece of raw HTML, in order.
pub struct Scanner<'a> {
    html: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    pub fn new(html: &'a str) -> Self {
        Scanner { html, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.html[self.pos..]
    }

    /// The next tag or comment, skipping text. `foreign`: inside `<svg>` or `<math>`, where
    /// `<![CDATA[` opens a section that ends at `]]>`.
    pub fn next_piece(&mut self, foreign: bool) -> Option<Result<Piece, Unended>> {
        loop {
            let lt = self.rest().find('<')?;
            let start = self.pos + lt;
            self.pos = start;
            let after = &self.html[start + 1..];
            let first = after.chars().next();
            match first {
                Some(c) if c.is_ascii_alphabetic() => return Some(self.tag(start, false)),
                Some('/') => {
                    let second = after[1..].chars().next();
                    match second {
                        Some(c) if c.is_ascii_alphabetic() => return Some(self.tag(start, true)),
                        // `</>` is dropped by the browser; `</` then another character is
                        // a bogus comment up to `>`.
                        Some('>') => self.pos = start + 3,
                        Some(_) => return Some(self.until(start, 2, ">", Unterminated::Comment)),
                        None => return None,
                    }
                }
                Some('!') if after.starts_with("!--") => {
                    // `<!-->` and `<!--->` end at once; otherwise at the first `-->`.
                    let body = &after[3..];
                    if body.starts_with('>') || body.starts_with("->") {
                        let len = if body.starts_with('>') { 5 } else { 6 };
                        self.pos = start + len;
                        return Some(Ok(Piece {
                            kind: Kind::Comment,
                            range: start..self.pos,
                        }));
                    }
                    return Some(self.comment(start));
                }
                Some('!') if foreign && after.starts_with("![CDATA[") => {
                    return Some(self.until(start, 9, "]]>", Unterminated::Comment));
                }
                Some('!') | Some('?') => {
                    return Some(self.until(start, 2, ">", Unterminated::Comment));
                }
                _ => self.pos = start + 1,
            }
        }
    }

    /// A comment from `start`: it ends at the first `-->` (or `--!>`), and one inside it
    /// (`<!--`) is an error of the browser's parser, since comments do not nest.
    fn comment(&mut self, start: usize) -> Result<Piece, Unended> {
        let body = start + 4;
        let end = ["-->", "--!>"]
            .iter()
            .filter_map(|e| self.html[body..].find(e).map(|i| (body + i, e.len())))
            .min();
        let Some((end, len)) = end else {
            self.pos = self.html.len();
            return Err(Unended {
                at: start,
                what: Unterminated::Comment,
            });
        };
        self.pos = end + len;
        match self.html[body..end].find("<!--") {
            Some(i) => Err(Unended {
                at: body + i,
                what: Unterminated::NestedComment,
            }),
            None => Ok(Piece {
                kind: Kind::Comment,
                range: start..self.pos,
            }),
        }
    }

    /// A construct from `start` that ends with `end`, searched from `start + skip`.
    fn until(
        &mut self,
        start: usize,
        skip: usize,
        end: &str,
        what: Unterminated,
    ) -> Result<Piece, Unended> {
        let from = (start + skip).min(self.html.len());
        match self.html[from..].find(end) {
            Some(i) => {
                self.pos = from + i + end.len();
                Ok(Piece {
                    kind: Kind::Comment,
                    range: start..self.pos,
                })
            }
            None => {
                self.pos = self.html.len();
                Err(Unended { at: start, what })
            }
        }
    }

    /// A start or end tag at `start`: its name, then attributes up to the `>` that is
    /// not inside a quoted value.
    fn tag(&mut self, start: usize, end: bool) -> Result<Piece, Unended> {
        let bytes = self.html.as_bytes();
        let name_start = start + if end { 2 } else { 1 };
        let mut i = name_start;
        while i < bytes.len() && !matches!(bytes[i], b'\t' | b'\n' | b'\x0c' | b' ' | b'/' | b'>') {
            i += 1;
        }
        let name = self.html[name_start..i].to_ascii_lowercase();
        let written = format!(
            "{}{}",
            if end { "/" } else { "" },
            &self.html[name_start..i]
        );
        let unended = |_: &str| Unended {
            at: start,
            what: Unterminated::Tag(written.clone()),
        };
        let mut self_closing = false;
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                None => {
                    self.pos = self.html.len();
                    return Err(unended(self.html));
                }
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') => {
                    i += 1;
                    if bytes.get(i) == Some(&b'>') {
                        self_closing = true;
                        i += 1;
                        break;
                    }
                }
                // A `<` where an attribute should start: this tag has lost its `>`, and the
                // browser would read the next tag as its attributes.
                Some(b'<') => {
                    self.pos = i;
                    return Err(unended(self.html));
                }
                Some(_) => {
                    // An attribute name (a first `=` belongs to it), then maybe a value.
                    i += 1;
                    while i < bytes.len()
                        && !matches!(
                            bytes[i],
                            b'\t' | b'\n' | b'\x0c' | b' ' | b'/' | b'>' | b'='
                        )
                    {
                        i += 1;
                    }
                    let mut j = i;
                    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if bytes.get(j) == Some(&b'=') {
                        i = j + 1;
                        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                            i += 1;
                        }
                        match bytes.get(i) {
                            Some(&q @ (b'"' | b'\'')) => match self.html[i + 1..].find(q as char) {
                                Some(k) => i = i + 1 + k + 1,
                                None => {
                                    self.pos = self.html.len();
                                    return Err(unended(self.html));
                                }
                            },
                            _ => {
                                while i < bytes.len()
                                    && !matches!(bytes[i], b'\t' | b'\n' | b'\x0c' | b' ' | b'>')
                                {
                                    i += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        self.pos = i;
        let kind = if end {
            Kind::End { name }
        } else {
            Kind::Start { name, self_closing }
        };
        Ok(Piece {
            kind,
            range: start..i,
        })
    }

    /// Skips the text of a raw-text element (`<style>` …) up to its end tag, which is
    /// then the next piece. False if the HTML ends first.
    pub fn skip_raw_text(&mut self, name: &str) -> bool {
        if name == "plaintext" {
            self.pos = self.html.len();
            return false;
        }
        let lower = self.rest().to_ascii_lowercase();
        let wanted = format!("</{name}");
        let mut from = 0;
        while let Some(i) = lower[from..].find(&wanted) {
            let at = from + i;
            let next = lower.as_bytes().get(at + wanted.len());
            if matches!(
                next,
                Some(b'\t' | b'\n' | b'\x0c' | b' ' | b'/' | b'>') | None
            ) {
                self.pos += at;
                return true;
            }
            from = at + 1;
        }
        self.pos = self.html.len();
        false
    }
}

/// The one tag or comment an inline HTML event of CommonMark holds.
pub fn classify(html: &str) -> Kind {
    match Scanner::new(html).next_piece(false) {
        Some(Ok(piece)) => piece.kind,
        _ => Kind::Comment,
    }
}

/// An element around the current place in the text, and what it allows there.
#[derive(Debug, Clone)]
pub struct Context {
    /// The raw HTML element's name; `None` for a Markdown element.
    raw: Option<String>,
    /// Text here cannot hold a mark's `<span>` (alt text, `<textarea>` …).
    pub hides: bool,
    /// A note number here would be inside a link or a control.
    pub interactive: bool,
}

/// What an event does to the elements around the text.
#[derive(Debug, Clone)]
pub enum Effect {
    Enter(Context),
    /// Leaves the innermost Markdown element (`None`) or raw element of this name.
    Leave(Option<String>),
    Nothing,
}

pub fn effect(event: &Event) -> Effect {
    match event {
        Event::Start(tag) if super::is_inline(&tag.to_end()) => Effect::Enter(Context {
            raw: None,
            hides: matches!(tag, Tag::Image { .. }),
            interactive: matches!(tag, Tag::Link { .. } | Tag::Image { .. }),
        }),
        Event::End(tag) if super::is_inline(tag) => Effect::Leave(None),
        Event::InlineHtml(html) => match classify(html) {
            Kind::Start { name, .. } if !is_void(&name) => Effect::Enter(Context {
                hides: hides_marks(&name),
                interactive: is_interactive(&name),
                raw: Some(name),
            }),
            Kind::End { name } if !is_void(&name) => Effect::Leave(Some(name)),
            _ => Effect::Nothing,
        },
        _ => Effect::Nothing,
    }
}

/// The inline elements open around the current place of a block.
#[derive(Debug, Default)]
pub struct Contexts(Vec<Context>);

impl Contexts {
    pub fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::Enter(context) => self.0.push(context),
            Effect::Leave(name) => {
                // Balance is checked before rendering; a stray end tag changes nothing.
                if let Some(i) = self.0.iter().rposition(|c| c.raw == name) {
                    self.0.truncate(i);
                }
            }
            Effect::Nothing => {}
        }
    }

    pub fn hides(&self) -> bool {
        self.0.iter().any(|c| c.hides)
    }

    pub fn interactive(&self) -> bool {
        self.0.iter().any(|c| c.interactive)
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// Raw HTML that is not balanced within its block.
#[derive(Debug, Clone)]
pub struct Problem {
    pub code: &'static str,
    /// Byte range in the Markdown.
    pub range: Range<usize>,
    pub message: String,
    pub label: String,
    pub help: String,
    /// Another place that explains it (where the element was opened).
    pub related: Option<(Range<usize>, String)>,
}

#[derive(Debug)]
enum Open {
    Raw { name: String, at: Range<usize> },
    Markdown(&'static str),
}

/// A Markdown block whose raw HTML must balance: the document, a quotation, a list item,
/// a paragraph …
struct Frame {
    what: &'static str,
    open: Vec<Open>,
}

/// The block, as a message names it: "its paragraph", "the text".
fn block_name(tag: &Tag) -> &'static str {
    match tag {
        Tag::Paragraph => "its paragraph",
        Tag::Heading { .. } => "its heading",
        Tag::BlockQuote(_) => "its quotation",
        Tag::List(_) => "its list",
        Tag::Item => "its list item",
        Tag::FootnoteDefinition(_) => "its footnote",
        Tag::Table(_) | Tag::TableHead | Tag::TableRow => "its table",
        Tag::TableCell => "its table cell",
        _ => "its block",
    }
}

fn markdown_name(tag: &TagEnd) -> &'static str {
    match tag {
        TagEnd::Emphasis => "emphasis",
        TagEnd::Strong => "strong emphasis",
        TagEnd::Strikethrough => "strikethrough",
        TagEnd::Superscript => "superscript",
        TagEnd::Subscript => "subscript",
        TagEnd::Link => "link",
        TagEnd::Image => "image",
        _ => "element",
    }
}

/// Checks that the raw HTML of a document's events is balanced within each block.
pub fn check(events: &[(Event<'_>, Range<usize>)]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut frames = vec![Frame {
        what: "the text",
        open: Vec::new(),
    }];
    // An HTML block's lines, joined, and where each line starts in both.
    let mut block: Option<(String, Vec<(usize, usize)>)> = None;
    let mut image_depth = 0usize;
    for (event, range) in events {
        match event {
            Event::Start(Tag::HtmlBlock) => block = Some((String::new(), Vec::new())),
            Event::Html(html) => {
                if let Some((text, lines)) = block.as_mut() {
                    lines.push((text.len(), range.start));
                    text.push_str(html);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let (Some((text, lines)), Some(frame)) = (block.take(), frames.last_mut()) {
                    let place = |offset: usize| {
                        let i = lines.partition_point(|&(t, _)| t <= offset).max(1) - 1;
                        lines.get(i).map_or(offset, |&(t, s)| s + (offset - t))
                    };
                    check_block(&text, &place, frame, &mut problems);
                }
            }
            Event::Start(tag) if super::is_inline(&tag.to_end()) => {
                if matches!(tag, Tag::Image { .. }) {
                    image_depth += 1;
                }
                if let Some(frame) = frames.last_mut() {
                    frame
                        .open
                        .push(Open::Markdown(markdown_name(&tag.to_end())));
                }
            }
            Event::End(tag) if super::is_inline(tag) => {
                if *tag == TagEnd::Image {
                    image_depth = image_depth.saturating_sub(1);
                }
                if let Some(frame) = frames.last_mut() {
                    while let Some(open) = frame.open.pop() {
                        match open {
                            Open::Markdown(_) => break,
                            Open::Raw { name, at } if !has_optional_end(&name) => problems
                                .push(unclosed(&name, at, &format!("the {}", markdown_name(tag)))),
                            Open::Raw { .. } => {}
                        }
                    }
                }
            }
            // Raw HTML in alt text is written as text into the attribute.
            Event::InlineHtml(_) if image_depth > 0 => {}
            Event::InlineHtml(html) => {
                if let Some(frame) = frames.last_mut() {
                    let mut scanner = Scanner::new(html);
                    if let Some(piece) = scanner.next_piece(foreign(frame)) {
                        let place = |offset: usize| range.start + offset;
                        apply(piece, &place, frame, &mut problems, None);
                    }
                }
            }
            Event::Start(tag) => frames.push(Frame {
                what: block_name(tag),
                open: Vec::new(),
            }),
            Event::End(_) => {
                if frames.len() > 1
                    && let Some(frame) = frames.pop()
                {
                    close_frame(frame, &mut problems);
                }
            }
            _ => {}
        }
    }
    for frame in frames {
        close_frame(frame, &mut problems);
    }
    problems.sort_by_key(|p| p.range.start);
    problems
}

fn foreign(frame: &Frame) -> bool {
    frame
        .open
        .iter()
        .any(|o| matches!(o, Open::Raw { name, .. } if name == "svg" || name == "math"))
}

fn check_block(
    html: &str,
    place: &dyn Fn(usize) -> usize,
    frame: &mut Frame,
    problems: &mut Vec<Problem>,
) {
    let mut scanner = Scanner::new(html);
    while let Some(piece) = scanner.next_piece(foreign(frame)) {
        apply(piece, place, frame, problems, Some(&mut scanner));
    }
}

/// Applies one tag to the open elements of a block. With the scanner of an HTML block, a
/// raw-text element's content is skipped.
fn apply(
    piece: Result<Piece, Unended>,
    place: &dyn Fn(usize) -> usize,
    frame: &mut Frame,
    problems: &mut Vec<Problem>,
    scanner: Option<&mut Scanner>,
) {
    let piece = match piece {
        Ok(piece) => piece,
        Err(Unended { at, what }) => {
            let at = place(at);
            problems.push(match what {
                Unterminated::Tag(name) => Problem {
                    code: "E0172",
                    range: at..at + 1 + name.len(),
                    message: format!("the tag `<{name}` has no `>`"),
                    label: "never ends".into(),
                    help: "end the tag with `>` before a blank line ends its HTML block: the browser would read what follows as its attributes".into(),
                    related: None,
                },
                Unterminated::NestedComment => Problem {
                    code: "E0172",
                    range: at..at + 4,
                    message: "a comment in the HTML holds `<!--`".into(),
                    label: "inside a comment".into(),
                    help: "comments do not nest: the first `-->` ends the outer one; end it before this `<!--`, or remove this one".into(),
                    related: None,
                },
                Unterminated::Comment => Problem {
                    code: "E0172",
                    range: at..at + 2,
                    message: "a comment or declaration in the HTML never ends".into(),
                    label: "never ends".into(),
                    help: "end a comment with `-->` (and `<!…` or `<?…` with `>`) in the same block; the browser would hide what follows".into(),
                    related: None,
                },
            });
            return;
        }
    };
    let range = place(piece.range.start)..place(piece.range.end);
    if let Kind::Start { name, .. } = &piece.kind
        && scanner.is_none()
        && frame.what == "its paragraph"
        && ends_a_paragraph(name)
        && !foreign(frame)
    {
        problems.push(Problem {
            code: "E0173",
            range: range.clone(),
            message: format!("`<{name}>` cannot be inside a paragraph"),
            label: "the browser ends the paragraph here".into(),
            help: format!(
                "put the `<{name}>` on a line of its own, with a blank line before and after, so that it is an HTML block; or use an inline element such as `<span>`"
            ),
            related: None,
        });
    }
    if let Kind::Start { name, .. } = &piece.kind
        && (name == "a" || name == "button")
        && let Some(outer) = frame.open.iter().rev().find(|o| match o {
            Open::Raw { name: n, .. } => n == name,
            Open::Markdown(what) => *what == "link" && name == "a",
        })
    {
        let related = match outer {
            Open::Raw { at, .. } => Some((at.clone(), format!("the outer `<{name}>`"))),
            Open::Markdown(_) => None,
        };
        problems.push(Problem {
            code: "E0175",
            range: range.clone(),
            message: format!("`<{name}>` inside another `<{name}>`"),
            label: format!("the browser closes the outer `<{name}>` here"),
            help: format!(
                "close the first `<{name}>` before opening this one: HTML does not nest them"
            ),
            related,
        });
    }
    match piece.kind {
        Kind::Comment => {}
        Kind::Start { name, .. } if is_void(&name) => {}
        Kind::Start { name, self_closing: true } if !foreign(frame) => problems.push(Problem {
            code: "E0171",
            range,
            message: format!("`<{name}/>` does not close itself in HTML"),
            label: "opens an element that is never closed".into(),
            help: format!("write `<{name}></{name}>`: only void elements such as `<br>` and `<img>` end without an end tag"),
            related: None,
        }),
        Kind::Start { self_closing: true, .. } => {}
        Kind::Start { name, .. } => {
            let raw_text = is_raw_text(&name) && !foreign(frame);
            if let (true, Some(scanner)) = (raw_text, scanner)
                && !scanner.skip_raw_text(&name)
            {
                problems.push(Problem {
                    code: "E0171",
                    range,
                    message: format!("`<{name}>` is not closed in {}", frame.what),
                    label: format!("everything after this would be inside the <{name}>"),
                    help: format!("close it with `</{name}>` in the same HTML block: the browser reads everything after an unclosed `<{name}>` (the rest of the text, the notes) as its content"),
                    related: None,
                });
                return;
            }
            frame.open.push(Open::Raw { name, at: range });
        }
        Kind::End { name } => end_tag(&name, range, frame, problems),
    }
}

fn end_tag(name: &str, range: Range<usize>, frame: &mut Frame, problems: &mut Vec<Problem>) {
    let Some(pos) = frame
        .open
        .iter()
        .rposition(|o| matches!(o, Open::Raw { name: n, .. } if n == name))
    else {
        if !is_void(name) {
            problems.push(Problem {
                code: "E0170",
                range,
                message: format!(
                    "`</{name}>` closes an element that is not open in {}",
                    frame.what
                ),
                label: "nothing to close here".into(),
                help: format!(
                    "remove it, or open `<{name}>` before it in {}: raw HTML must open and close its elements within one Markdown block (a paragraph, a list item, a quotation, the text itself), or it would close the page's own",
                    frame.what
                ),
                related: None,
            });
        }
        return;
    };
    let inside = &frame.open[pos + 1..];
    let blocker = inside.iter().find(|o| match o {
        Open::Raw { name, .. } => !has_optional_end(name),
        Open::Markdown(_) => true,
    });
    match blocker {
        None => frame.open.truncate(pos),
        Some(Open::Raw { name: inner, at }) => {
            problems.push(Problem {
                code: "E0170",
                range,
                message: format!(
                    "`</{name}>` closes `<{name}>` while `<{inner}>` inside it is still open"
                ),
                label: format!("`<{inner}>` is not closed yet"),
                help: format!(
                    "close `<{inner}>` first: elements close in the reverse order they open"
                ),
                related: Some((at.clone(), format!("`<{inner}>` opened here"))),
            });
            frame.open.truncate(pos);
        }
        Some(Open::Markdown(what)) => {
            let what = *what;
            let at = match &frame.open[pos] {
                Open::Raw { at, .. } => at.clone(),
                Open::Markdown(_) => range.clone(),
            };
            problems.push(Problem {
                code: "E0170",
                range,
                message: format!("`</{name}>` closes `<{name}>` from inside a Markdown {what}"),
                label: format!("the {what} is still open"),
                help: format!(
                    "close `<{name}>` after the {what} ends, or open it inside the {what}"
                ),
                related: Some((at, format!("`<{name}>` opened here"))),
            });
        }
    }
}

fn unclosed(name: &str, at: Range<usize>, within: &str) -> Problem {
    Problem {
        code: "E0171",
        range: at,
        message: format!("`<{name}>` is not closed in {within}"),
        label: "opened here, never closed".into(),
        help: format!(
            "close it with `</{name}>` in {within}: an element left open swallows what follows it (the rest of the text, the notes)"
        ),
        related: None,
    }
}

fn close_frame(frame: Frame, problems: &mut Vec<Problem>) {
    for open in frame.open {
        if let Open::Raw { name, at } = open
            && !has_optional_end(&name)
        {
            problems.push(unclosed(&name, at, frame.what));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(html: &str) -> Vec<Result<Kind, Unended>> {
        let mut scanner = Scanner::new(html);
        let mut out = Vec::new();
        while let Some(p) = scanner.next_piece(false) {
            out.push(p.map(|p| p.kind));
        }
        out
    }

    #[test]
    fn a_quoted_greater_than_sign_does_not_end_a_tag() {
        assert_eq!(
            pieces("<a title='1 > 0' href=x>t</a>"),
            vec![
                Ok(Kind::Start {
                    name: "a".into(),
                    self_closing: false
                }),
                Ok(Kind::End { name: "a".into() })
            ]
        );
    }

    #[test]
    fn tags_and_comments_that_never_end_are_found() {
        let missing = pieces("<div class=\"a\"\n<section>");
        assert!(
            matches!(&missing[0], Err(Unended { at: 0, what: Unterminated::Tag(n) }) if n == "div"),
            "{missing:?}"
        );
        assert!(matches!(
            pieces("<div class=\"x\"\n").as_slice(),
            [Err(Unended { at: 0, what: Unterminated::Tag(n) })] if n == "div"
        ));
        assert!(matches!(
            pieces("a <!-- b").as_slice(),
            [Err(Unended {
                at: 2,
                what: Unterminated::Comment
            })]
        ));
        assert_eq!(pieces("a < b and <3"), vec![]);
    }
}
