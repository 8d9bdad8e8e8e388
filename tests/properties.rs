//! Property tests: Markdown of every kind (emphasis, links, autolinks, raw inline HTML,
//! images with alt text, code, footnotes, tables, headings, lists, HTML blocks) with random
//! annotations (glosses, notes, cross-references, citations, pull quotes) over it, built
//! through the whole pipeline. Whatever the marks cover:
//!
//! - every page parses as HTML without a single error;
//! - no note number (`<button>`) and no link back is inside a link, and no mark is inside
//!   an attribute;
//! - the author's text and elements are exactly those of the page built without
//!   annotations, once marks are unwrapped and `[data-ui]` elements removed;
//! - every `#fragment` link of the page leads to an element of the page.

mod common;

use proptest::collection::vec;
use proptest::prelude::*;

use common::{author_structure, describe, parse_errors, text_html};

/// The test site, with the image its Markdown shows beside the text: a link to a missing
/// file is an error of its own (E0504), not what these tests are about.
fn site(markdown: &str, annotations: &str) -> tempfile::TempDir {
    let dir = common::site(markdown, annotations);
    std::fs::write(dir.path().join("content/reading/picture.png"), b"")
        .expect("the image beside the text");
    dir
}
use scholia::markdown::{BLOCK_SEPARATOR, Document};

const WORDS: [&str; 16] = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "Rome",
    "sea",
    "peace",
    "war",
    "river",
    "stone",
    "café",
    "Ἀθῆναι",
    "night",
    "bridge",
    "key",
    "light",
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Wrap {
    Emphasis,
    Strong,
    Strike,
    Link,
    RawLink,
    Raw(&'static str, &'static str),
}

#[derive(Debug, Clone)]
enum Inline {
    Words(Vec<usize>),
    Code(Vec<usize>),
    /// Alt text words, and whether part of it is emphasised.
    Image(Vec<usize>, bool),
    Autolink,
    FootnoteRef,
    /// Words in a raw `<textarea>`: text no mark can be written in.
    Textarea(Vec<usize>),
    Wrap(Wrap, Vec<Inline>),
}

#[derive(Debug, Clone)]
enum Block {
    /// Lines, each ended by a soft or (true) a hard break.
    Paragraph(Vec<(Vec<Inline>, bool)>),
    Heading(u8, Vec<Inline>),
    List(Vec<Vec<Inline>>),
    Quote(Vec<Inline>),
    Code(Vec<usize>),
    Table(Vec<(Vec<Inline>, Vec<Inline>)>),
    HtmlDiv(Vec<Inline>),
    Footnote(Vec<usize>),
}

fn words() -> impl Strategy<Value = Vec<usize>> {
    vec(0..WORDS.len(), 1..4)
}

fn inline() -> impl Strategy<Value = Inline> {
    let leaf = prop_oneof![
        6 => words().prop_map(Inline::Words),
        1 => words().prop_map(Inline::Code),
        1 => (words(), any::<bool>()).prop_map(|(w, e)| Inline::Image(w, e)),
        1 => Just(Inline::Autolink),
        1 => Just(Inline::FootnoteRef),
        1 => words().prop_map(Inline::Textarea),
    ];
    leaf.prop_recursive(3, 24, 3, |inner| {
        let wrap = prop_oneof![
            Just(Wrap::Emphasis),
            Just(Wrap::Strong),
            Just(Wrap::Strike),
            Just(Wrap::Link),
            Just(Wrap::RawLink),
            Just(Wrap::Raw("kbd", "")),
            Just(Wrap::Raw("span", " class=\"x\"")),
            Just(Wrap::Raw("sup", "")),
            Just(Wrap::Raw("b", "")),
            Just(Wrap::Raw("abbr", " title=\"a &gt; b\"")),
            Just(Wrap::Raw("button", " type=\"button\"")),
        ];
        (wrap, vec(inner, 1..4)).prop_map(|(w, c)| Inline::Wrap(w, c))
    })
}

fn line() -> impl Strategy<Value = Vec<Inline>> {
    vec(inline(), 1..5)
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        5 => vec((line(), any::<bool>()), 1..3).prop_map(Block::Paragraph),
        1 => (1u8..4, line()).prop_map(|(l, c)| Block::Heading(l, c)),
        1 => vec(line(), 1..4).prop_map(Block::List),
        1 => line().prop_map(Block::Quote),
        1 => words().prop_map(Block::Code),
        1 => vec((line(), line()), 1..3).prop_map(Block::Table),
        1 => line().prop_map(Block::HtmlDiv),
        1 => words().prop_map(Block::Footnote),
    ]
}

/// What may not nest: a link in a link, an element in one of its kind.
#[derive(Default, Clone)]
struct Around {
    link: bool,
    wraps: Vec<Wrap>,
}

fn word_list(w: &[usize]) -> String {
    w.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ")
}

/// A sequence of inline elements, separated by spaces and starting and ending with a word
/// so that emphasis delimiters always open and close where they stand.
fn sequence(items: &[Inline], around: &Around) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !matches!(items.first(), Some(Inline::Words(_))) {
        parts.push("one".into());
    }
    for item in items {
        parts.push(inline_markdown(item, around));
    }
    if !matches!(items.last(), Some(Inline::Words(_))) {
        parts.push("two".into());
    }
    parts.join(" ")
}

fn inline_markdown(item: &Inline, around: &Around) -> String {
    match item {
        Inline::Words(w) => word_list(w),
        Inline::Code(w) => format!("`{}`", word_list(w)),
        Inline::Image(w, emphasis) => {
            let alt = word_list(w);
            match (emphasis, alt.split_once(' ')) {
                (true, Some((a, b))) => format!("![{a} *{b}*](picture.png)"),
                _ => format!("![{alt}](picture.png)"),
            }
        }
        Inline::Textarea(w) => format!("<textarea>{}</textarea>", word_list(w)),
        Inline::Autolink if around.link => "https".into(),
        Inline::Autolink => "<https://example.org/auto>".into(),
        // A footnote's number is a link: not inside another one.
        Inline::FootnoteRef if around.link => "word".into(),
        Inline::FootnoteRef => "word[^fn]".into(),
        Inline::Wrap(wrap, children) => {
            let is_link = matches!(wrap, Wrap::Link | Wrap::RawLink);
            if around.wraps.contains(wrap) || (is_link && around.link) {
                return sequence(children, around);
            }
            let mut inner = around.clone();
            inner.wraps.push(*wrap);
            inner.link |= is_link;
            let content = sequence(children, &inner);
            match wrap {
                Wrap::Emphasis => format!("*{content}*"),
                Wrap::Strong => format!("**{content}**"),
                Wrap::Strike => format!("~~{content}~~"),
                Wrap::Link => format!("[{content}](https://example.org/link)"),
                Wrap::RawLink => format!("<a href=\"https://example.org/raw\">{content}</a>"),
                Wrap::Raw(name, attributes) => format!("<{name}{attributes}>{content}</{name}>"),
            }
        }
    }
}

fn markdown(blocks: &[Block]) -> String {
    let line = |items: &Vec<Inline>| sequence(items, &Around::default());
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Paragraph(lines) => {
                for (items, hard) in lines {
                    out.push_str(&line(items));
                    out.push_str(if *hard { "  \n" } else { "\n" });
                }
            }
            Block::Heading(level, items) => out.push_str(&format!(
                "{} {}\n",
                "#".repeat(*level as usize),
                line(items)
            )),
            Block::List(items) => {
                for item in items {
                    out.push_str(&format!("- {}\n", line(item)));
                }
            }
            Block::Quote(items) => out.push_str(&format!("> {}\n", line(items))),
            Block::Code(w) => out.push_str(&format!("```\n{}\n```\n", word_list(w))),
            Block::Table(rows) => {
                out.push_str("| left | right |\n|---|---|\n");
                for (a, b) in rows {
                    out.push_str(&format!("| {} | {} |\n", line(a), line(b)));
                }
            }
            Block::HtmlDiv(items) => out.push_str(&format!(
                "<div class=\"box\">\n\n{}\n\n</div>\n",
                line(items)
            )),
            Block::Footnote(w) => out.push_str(&format!("[^fn]: {}\n", word_list(w))),
        }
        out.push('\n');
    }
    out
}

/// A passage picked by numbers: the block, the first word, the number of words.
type Pick = (usize, usize, usize);

/// The passage `pick` names in the reading text, if it is on word boundaries, found once,
/// and holds words a mark can be written over.
fn passage(document: &Document, pick: Pick) -> Option<String> {
    passage_at(document, pick).map(|(quote, _)| quote)
}

/// [`passage`], with the range of the reading text it stands at.
fn passage_at(
    document: &Document,
    (block, word, len): Pick,
) -> Option<(String, std::ops::Range<usize>)> {
    let text = &document.text;
    let blocks: Vec<(usize, &str)> = text
        .split(BLOCK_SEPARATOR)
        .scan(0, |at, b| {
            let start = *at;
            *at += b.len() + BLOCK_SEPARATOR.len_utf8();
            Some((start, b))
        })
        .filter(|(_, b)| !b.trim().is_empty())
        .collect();
    let (offset, chosen) = blocks.get(block % blocks.len().max(1))?;
    let spans: Vec<(usize, usize)> = chosen
        .split_whitespace()
        .map(|w| {
            let start = w.as_ptr() as usize - chosen.as_ptr() as usize;
            (start, start + w.len())
        })
        .collect();
    if spans.is_empty() {
        return None;
    }
    let first = word % spans.len();
    let last = (first + len % 4).min(spans.len() - 1);
    let quote = &chosen[spans[first].0..spans[last].1];
    let range = offset + spans[first].0..offset + spans[last].1;
    // Counted with overlaps: "two two" is twice in "two two two".
    let places = text
        .char_indices()
        .filter(|(i, _)| text[*i..].starts_with(quote))
        .count();
    (places == 1 && document.is_partly_markable(&range)).then(|| (quote.to_owned(), range))
}

fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn annotations(
    document: &Document,
    glosses: &[(usize, bool)],
    notes: &[Pick],
    crossrefs: &[(Pick, Pick)],
    pullquotes: &[(Pick, Pick)],
    cited: &[Pick],
) -> String {
    let mut out = String::new();
    let mut section = |name: &str, entries: String| {
        if !entries.is_empty() {
            out.push_str(&format!("{name}:\n{entries}"));
        }
    };
    let mut entries = String::new();
    let mut seen = Vec::new();
    for (g, (word, all)) in glosses.iter().enumerate() {
        if seen.contains(word) {
            continue;
        }
        seen.push(*word);
        entries.push_str(&format!(
            "  g{g}:\n    term: {}\n    kind: concept\n    text: A gloss.\n{}",
            yaml(WORDS[*word]),
            if *all { "    mark: all\n" } else { "" }
        ));
    }
    section("glosses", entries);
    let mut entries = String::new();
    for (n, pick) in notes.iter().enumerate() {
        if let Some(quote) = passage(document, *pick) {
            entries.push_str(&format!(
                "  n{n}:\n    at: {}\n    text: A note.\n",
                yaml(&quote)
            ));
        }
    }
    section("notes", entries);
    let mut entries = String::new();
    for (c, (from, to)) in crossrefs.iter().enumerate() {
        // A cross-reference to its own words is an error (E0118), not a page to check.
        if let (Some((from, a)), Some((to, b))) =
            (passage_at(document, *from), passage_at(document, *to))
            && (a.end <= b.start || b.end <= a.start)
        {
            entries.push_str(&format!(
                "  x{c}:\n    from: {}\n    to: {}\n    note: See there.\n",
                yaml(&from),
                yaml(&to)
            ));
        }
    }
    section("crossrefs", entries);
    let mut entries = String::new();
    for (q, (quote, after)) in pullquotes.iter().enumerate() {
        if let (Some(quote), Some(after)) = (passage(document, *quote), passage(document, *after)) {
            entries.push_str(&format!(
                "  q{q}:\n    quote: {}\n    after: {}\n",
                yaml(&quote),
                yaml(&after)
            ));
        }
    }
    section("pullquotes", entries);
    let quotes: Vec<String> = cited.iter().filter_map(|p| passage(document, *p)).collect();
    if !quotes.is_empty() {
        out.push_str("sources:\n  s:\n    kind: book\n    author: Someone\n    cited:\n");
        for quote in quotes {
            out.push_str(&format!("      - quote: {}\n", yaml(&quote)));
        }
    }
    out
}

fn pick() -> impl Strategy<Value = Pick> {
    (0usize..50, 0usize..50, 0usize..4)
}

fn check_page(markdown: &str, annotations: &str) {
    let plain_site = site(markdown, "");
    if let Err(f) = scholia::check(plain_site.path(), scholia::Options::default()) {
        panic!("the plain text does not build:\n{}", describe(&f));
    }
    let plain = text_html(plain_site.path());
    let plain_errors = parse_errors(&common::reading_html(plain_site.path()));
    assert!(
        plain_errors.is_empty(),
        "the generated text itself: {plain_errors:?}\n{plain}"
    );
    let dir = site(markdown, annotations);
    let (files, _) = scholia::render_site(dir.path())
        .unwrap_or_else(|f| panic!("{annotations}\n{}", describe(&f)));
    for file in files.iter().filter(|f| f.path.ends_with(".html")) {
        let page = std::str::from_utf8(&file.contents).unwrap();
        let errors = parse_errors(page);
        assert!(errors.is_empty(), "{}: {errors:?}\n{page}", file.path);
    }
    let page = files
        .iter()
        .find(|f| f.path == "reading/index.html")
        .unwrap();
    let page = std::str::from_utf8(&page.contents).unwrap();
    let html = text_html(dir.path());
    let doc = scraper::Html::parse_document(page);
    let select = |s: &str| doc.select(&scraper::Selector::parse(s).unwrap()).count();
    for inside_a_link in [
        "a sup.ref",
        "a button[popovertarget]",
        "a a",
        "a .backref",
        "button sup.ref",
        "button .backref",
    ] {
        assert_eq!(select(inside_a_link), 0, "{inside_a_link}:\n{html}");
    }
    let ids: std::collections::BTreeSet<&str> = doc
        .select(&scraper::Selector::parse("[id]").unwrap())
        .filter_map(|e| e.value().attr("id"))
        .collect();
    for element in doc.select(&scraper::Selector::parse("*").unwrap()) {
        for (name, value) in element.value().attrs() {
            assert!(
                !value.contains("<span") && !value.contains("data-kind="),
                "a mark inside the attribute {name}={value:?}:\n{html}"
            );
            if name == "href"
                && let Some(fragment) = value.strip_prefix('#')
            {
                assert!(ids.contains(fragment), "{value} leads nowhere:\n{html}");
            }
        }
    }
    assert_eq!(
        author_structure(&html),
        author_structure(&plain),
        "the marks changed the author's text or elements:\n{annotations}\n{html}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn marks_never_change_the_authors_text_or_break_the_page(
        blocks in vec(block(), 1..6),
        glosses in vec((0..WORDS.len(), any::<bool>()), 0..4),
        notes in vec(pick(), 0..4),
        crossrefs in vec((pick(), pick()), 0..2),
        pullquotes in vec((pick(), pick()), 0..2),
        cited in vec(pick(), 0..3),
    ) {
        let markdown = markdown(&blocks);
        let document = Document::parse(&markdown);
        let annotations =
            annotations(&document, &glosses, &notes, &crossrefs, &pullquotes, &cited);
        check_page(&markdown, &annotations);
    }
}

/// Raw inline HTML: mostly balanced, some of it not.
const INLINE_HTML: [&str; 20] = [
    "<b>bold</b>",
    "<span class=\"x\">alpha beta</span>",
    "<a href=\"https://example.org/\">alpha link</a>",
    "<textarea>alpha</textarea>",
    "<sup>2</sup>",
    "<em>alpha</em>",
    "<kbd>Enter alpha</kbd>",
    "<!-- c -->",
    "<br>",
    "<abbr title=\"a > b\">AB</abbr>",
    "<button type=\"button\">alpha</button>",
    "<svg><circle r=\"1\"/></svg>",
    "<b>",
    "</b>",
    "</span>",
    "</div>",
    "<div>",
    "*",
    "<a href=\"https://example.org/\">",
    "<textarea>",
];

/// Raw HTML blocks: mostly balanced, some of it not.
const BLOCK_HTML: [&str; 16] = [
    "<div class=\"box\">\n\nalpha in a box\n\n</div>",
    "<details><summary>alpha</summary>\n\nmore alpha\n\n</details>",
    "<style>p > a { color: red }</style>",
    "<!-- a comment -->",
    "<ul><li>alpha<li>beta</ul>",
    "<p>alpha para",
    "<table><tr><td>alpha<td>beta</table>",
    "<textarea>\nalpha\n</textarea>",
    "<div>",
    "</div>",
    "<div class=\"a\"",
    "<style>",
    "<!--",
    "<section>",
    "</section>",
    "<span/>",
];

/// A paragraph of words and raw inline HTML (`Ok`), or an HTML block's lines (`Err`).
fn soup_block() -> impl Strategy<Value = Result<Vec<(usize, usize)>, Vec<usize>>> {
    prop_oneof![
        vec((0..WORDS.len(), 0..INLINE_HTML.len() * 3), 1..8).prop_map(Ok),
        vec(0..BLOCK_HTML.len(), 1..3).prop_map(Err),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Whatever raw HTML the author writes, scholia either says where it is unbalanced
    /// (E0170–E0175, at a place in index.md) or builds a page that parses without errors,
    /// whose notes are still outside the text.
    #[test]
    fn raw_html_is_reported_or_leaves_the_page_whole(blocks in vec(soup_block(), 1..6)) {
        let mut markdown = String::new();
        for block in &blocks {
            match block {
                Ok(words) => {
                    for (w, h) in words {
                        markdown.push_str(WORDS[*w]);
                        markdown.push(' ');
                        // Two draws in three are no HTML.
                        if let Some(html) = INLINE_HTML.get(*h) {
                            markdown.push_str(html);
                            markdown.push(' ');
                        }
                    }
                    markdown.push('\n');
                }
                Err(lines) => {
                    for l in lines {
                        markdown.push_str(BLOCK_HTML[*l]);
                        markdown.push('\n');
                    }
                }
            }
            markdown.push('\n');
        }
        let annotations = "glosses:\n  a:\n    term: alpha\n    kind: concept\n    text: A gloss.\n    mark: all\n";
        let dir = site(&markdown, annotations);
        match scholia::render_site(dir.path()) {
            Err(scholia::Failure::Input(problems)) => {
                // Warnings (an unglossed name in the generated words) come along.
                for p in problems.iter().filter(|p| p.is_error()) {
                    prop_assert!(
                        matches!(p.code, "E0170" | "E0171" | "E0172" | "E0173" | "E0175"),
                        "{markdown}\n{}", describe(&scholia::Failure::Input(problems.clone()))
                    );
                    let at = p.location.as_ref().expect("a place");
                    prop_assert!(at.file.path.ends_with("index.md"));
                    prop_assert!(at.range.start >= markdown_start(&at.file.text));
                }
            }
            Err(other) => panic!("{markdown}\n{}", describe(&other)),
            Ok((files, _)) => {
                let page = files.iter().find(|f| f.path == "reading/index.html").unwrap();
                let page = std::str::from_utf8(&page.contents).unwrap();
                let errors = parse_errors(page);
                prop_assert!(errors.is_empty(), "{errors:?}\n{markdown}\n{page}");
                let doc = scraper::Html::parse_document(page);
                let notes = doc
                    .select(&scraper::Selector::parse("article.reading > section.notes").unwrap())
                    .count();
                prop_assert_eq!(notes, 1, "the notes were swallowed:\n{}\n{}", markdown, page);
            }
        }
    }
}

/// Where the Markdown starts in a reading's index.md (after the front matter).
fn markdown_start(text: &str) -> usize {
    text.match_indices("---\n").nth(1).map_or(0, |(i, _)| i + 4)
}
