//! The editor's own Markdown (glosses, notes, cross-reference notes, source notes, a
//! reading's `editor_note`): what it may hold, and how it becomes safe HTML.
//!
//! 1. `Sanitizer`, an iterator adapter, runs pulldown-cmark with the annotation
//!    [`options`] and filters its events: raw HTML (block and inline) becomes text, shown
//!    exactly as written; a link whose address is not http(s), mailto or relative keeps
//!    its words and loses the link; an image becomes its alt text.
//! 2. Each thing the filter changed is kept as an [`Unsafe`] ([`problems`]), so the site check
//!    ([`crate::site`]) reports it as an error at its place in the YAML, and a build never
//!    publishes a page that differs from what the editor meant without a word.
//! 3. [`to_html`] renders the filtered events; the reading pages and `annotations.jsonld`
//!    both use it, so the export carries the same clean HTML as the page.
//!
//! Why filter events rather than sanitise the HTML afterwards (ammonia): pulldown-cmark's
//! writer escapes every text and attribute it writes, so the only ways HTML of the editor's
//! own can reach the page are `Event::Html`/`Event::InlineHtml` and link or image
//! addresses. Filtering those three is exact, needs no HTML parser, and knows where each
//! problem came from, which a sanitiser of the finished HTML would not.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// The extensions annotation Markdown uses: those of the text, without footnotes (a
/// note's footnote ids would collide with the text's and with other notes' on a page).
pub fn options() -> Options {
    crate::markdown::options() - Options::ENABLE_FOOTNOTES
}

/// Something in the editor's Markdown that scholia will not publish as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsafe {
    /// Raw HTML (a tag, a comment …): shown as text instead.
    Html(String),
    /// A link to an address that is not http(s), mailto or relative.
    Link(String),
    /// An image: annotations hold words and links only.
    Image(String),
}

/// Renders the editor's Markdown as HTML that holds no raw HTML, no unsafe link and no
/// image, whatever it is given.
pub fn to_html(markdown: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Sanitizer::new(markdown, &mut Vec::new()));
    out
}

/// Everything in the editor's Markdown that [`to_html`] changes, in order.
pub fn problems(markdown: &str) -> Vec<Unsafe> {
    // Raw HTML and autolinks begin with `<`; links, images and link definitions with
    // `[`: a text with neither has nothing to report, and most have neither.
    if !markdown.contains(['<', '[']) {
        return Vec::new();
    }
    let mut found = Vec::new();
    Sanitizer::new(markdown, &mut found).for_each(drop);
    found
}

/// Whether a link address may be published: http(s), mailto, or relative (no scheme).
pub fn is_allowed_url(url: &str) -> bool {
    // Browsers ignore ASCII tabs and newlines anywhere in a URL and strip leading and
    // trailing spaces and control characters, so `java\tscript:` is `javascript:`.
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    match scheme(&cleaned) {
        None => true,
        Some(scheme) => ["http", "https", "mailto"]
            .iter()
            .any(|s| scheme.eq_ignore_ascii_case(s)),
    }
}

/// A URL's scheme, as a browser reads it: letters first, then letters, digits, `+`, `-`
/// or `.`, up to a `:` that comes before any `/`, `?` or `#`.
fn scheme(url: &str) -> Option<&str> {
    let end = url.find(':')?;
    let candidate = &url[..end];
    let mut chars = candidate.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(candidate)
}

/// Filters pulldown-cmark's events (see the module's steps).
struct Sanitizer<'a, 'f> {
    events: Parser<'a>,
    found: &'f mut Vec<Unsafe>,
    /// For each open link or image: whether its tags are kept.
    open: Vec<bool>,
    /// The raw HTML of the block being read, if in one.
    html_block: Option<String>,
}

impl<'a, 'f> Sanitizer<'a, 'f> {
    fn new(markdown: &'a str, found: &'f mut Vec<Unsafe>) -> Self {
        Sanitizer {
            events: Parser::new_ext(markdown, options()),
            found,
            open: Vec::new(),
            html_block: None,
        }
    }
}

impl<'a> Iterator for Sanitizer<'a, '_> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            let event = self.events.next()?;
            return Some(match event {
                Event::Html(html) | Event::InlineHtml(html) => {
                    match &mut self.html_block {
                        Some(block) => block.push_str(&html),
                        None => self.found.push(Unsafe::Html(html.trim().to_owned())),
                    }
                    Event::Text(html)
                }
                // A block of raw HTML becomes a paragraph of text, so its text is not left
                // bare in the note's container; it is one problem, not one per line.
                Event::Start(Tag::HtmlBlock) => {
                    self.html_block = Some(String::new());
                    Event::Start(Tag::Paragraph)
                }
                Event::End(TagEnd::HtmlBlock) => {
                    if let Some(block) = self.html_block.take() {
                        self.found.push(Unsafe::Html(block.trim().to_owned()));
                    }
                    Event::End(TagEnd::Paragraph)
                }
                Event::Start(Tag::Link {
                    link_type,
                    ref dest_url,
                    ..
                }) => {
                    // An email autolink's address is written `mailto:` by the writer.
                    let keep = link_type == LinkType::Email || is_allowed_url(dest_url);
                    if !keep {
                        self.found.push(Unsafe::Link(dest_url.to_string()));
                    }
                    self.open.push(keep);
                    if !keep {
                        continue;
                    }
                    event
                }
                Event::Start(Tag::Image { ref dest_url, .. }) => {
                    self.found.push(Unsafe::Image(dest_url.to_string()));
                    self.open.push(false);
                    continue;
                }
                Event::End(TagEnd::Link | TagEnd::Image) => {
                    if self.open.pop() == Some(true) {
                        event
                    } else {
                        continue;
                    }
                }
                other => other,
            });
        }
    }
}

/// A short, one-line excerpt of a problem for a diagnostic.
pub fn excerpt(s: &str) -> String {
    const MAX: usize = 60;
    let line = s.lines().next().unwrap_or_default();
    let mut out: String = line.chars().take(MAX).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The HTML holds no element the filter did not make: only Markdown's own.
    fn assert_only_markdown_elements(html: &str) {
        let allowed = [
            "p",
            "em",
            "strong",
            "a",
            "code",
            "ul",
            "ol",
            "li",
            "blockquote",
            "del",
            "pre",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
            "br",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
        ];
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let name: String = rest
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(
                allowed.contains(&name.as_str()),
                "unexpected <{name} in {html}"
            );
        }
    }

    fn check(markdown: &str) -> (String, Vec<Unsafe>) {
        let html = to_html(markdown);
        assert_only_markdown_elements(&html);
        (html, problems(markdown))
    }

    #[test]
    fn a_meta_refresh_is_shown_as_text_and_reported() {
        let md =
            "A city.\n\n<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">\n";
        let (html, found) = check(md);
        assert!(
            html.contains("<p>&lt;meta http-equiv=\"refresh\""),
            "{html}"
        );
        assert_eq!(
            found,
            vec![Unsafe::Html(
                "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">".into()
            )]
        );
    }

    #[test]
    fn inline_meta_refresh_is_text_too() {
        let (html, found) = check("A city <meta http-equiv=\"refresh\" content=\"0;url=x\"> here.");
        assert!(html.contains("&lt;meta"), "{html}");
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn script_and_style_blocks_are_text() {
        let (html, found) = check("<script>alert(1)</script>\n\nThen.");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert_eq!(
            found,
            vec![Unsafe::Html("<script>alert(1)</script>".into())]
        );
        let (html, found) = check("<style>\nbody { display: none }\n</style>\n");
        assert!(html.contains("&lt;style&gt;"), "{html}");
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn stray_closing_tags_cannot_close_the_notes_list() {
        let (html, found) = check("Ends here.</li></ol>\n\n</div>\n");
        assert!(!html.contains("</li>") && !html.contains("</ol>") && !html.contains("</div>"));
        assert_eq!(
            found,
            vec![
                Unsafe::Html("</li>".into()),
                Unsafe::Html("</ol>".into()),
                Unsafe::Html("</div>".into())
            ]
        );
    }

    #[test]
    fn inline_tags_and_comments_are_text() {
        let (html, found) = check("Press <kbd>Enter</kbd> <!-- hidden --> now.");
        assert_eq!(
            html,
            "<p>Press &lt;kbd&gt;Enter&lt;/kbd&gt; &lt;!-- hidden --&gt; now.</p>\n"
        );
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn javascript_and_data_links_lose_the_link_and_keep_the_words() {
        for md in [
            "[click](javascript:alert(1))",
            "[click](JavaScript:alert(1))",
            "[click](<java\tscript:alert(1)>)",
            "[click]( javascript:alert(1))",
            "[click](javascript&#58;alert(1))",
            "[click](data:text/html,<script>alert(1)</script>)",
            "[click](vbscript:msgbox)",
            "[click](file:///etc/passwd)",
        ] {
            let (html, found) = check(md);
            assert_eq!(html, "<p>click</p>\n", "{md}");
            assert!(
                matches!(found.as_slice(), [Unsafe::Link(_)]),
                "{md}: {found:?}"
            );
        }
    }

    #[test]
    fn autolinks_with_other_schemes_are_refused() {
        let (html, found) = check("<javascript:alert(1)> and <data:text/html,x>");
        assert!(!html.contains("href"), "{html}");
        assert_eq!(found.len(), 2);
        let (html, found) = check("<https://example.org/> or <editor@example.org>");
        assert!(html.contains("href=\"https://example.org/\""), "{html}");
        assert!(
            html.contains("href=\"mailto:editor@example.org\""),
            "{html}"
        );
        assert!(found.is_empty());
    }

    #[test]
    fn reference_style_links_are_checked_by_their_address() {
        let (html, found) = check(
            "See [this][x] and [that].\n\n[x]: javascript:alert(1)\n[that]: https://example.org/\n",
        );
        assert!(
            html.contains("See this and <a href=\"https://example.org/\">that</a>"),
            "{html}"
        );
        assert_eq!(found, vec![Unsafe::Link("javascript:alert(1)".into())]);
    }

    #[test]
    fn web_mail_and_relative_links_are_kept() {
        for url in [
            "https://example.org/a?b#c",
            "http://example.org",
            "mailto:editor@example.org",
            "../glossary.html#g-rome",
            "#p-3",
            "/about/",
            "page.html?x=a:b",
        ] {
            let (html, found) = check(&format!("[x]({url})"));
            assert!(html.contains("<a href="), "{url}: {html}");
            assert!(found.is_empty(), "{url}");
        }
    }

    #[test]
    fn images_become_their_alt_text() {
        let (html, found) = check("A map: ![the city walls](https://example.org/map.png)");
        assert_eq!(html, "<p>A map: the city walls</p>\n");
        assert_eq!(
            found,
            vec![Unsafe::Image("https://example.org/map.png".into())]
        );
        let (html, found) = check("[![x](javascript:a)](https://example.org/)");
        assert_eq!(html, "<p><a href=\"https://example.org/\">x</a></p>\n");
        assert_eq!(found.len(), 1);
    }

    proptest::proptest! {
        /// `problems` answers at once for a text without `<` or `[`: the whole filter,
        /// run on any such text (schemes, entities, emphasis, code, indented blocks,
        /// reference-like lines), finds nothing either.
        #[test]
        fn without_angle_or_square_brackets_nothing_is_found(
            parts in proptest::collection::vec(0usize..22, 0..24)
        ) {
            const PIECES: [&str; 22] = [
                "word ", "javascript:alert(1)", "http://a.example/", "](x)", "!", "(", ")",
                ":", "&lt;script&gt;", "&#60;b&#62;", "*", "_", "`", "\n", "\n\n", "    ",
                "mailto:x@y.z", "> ", "]: javascript:x", "data:text/html,", "\\", "~~",
            ];
            let text: String = parts.iter().map(|&i| PIECES[i]).collect();
            let mut found = Vec::new();
            Sanitizer::new(&text, &mut found).for_each(drop);
            proptest::prop_assert!(found.is_empty(), "{:?}: {:?}", text, found);
            proptest::prop_assert!(problems(&text).is_empty());
        }
    }

    #[test]
    fn ordinary_markdown_is_untouched() {
        let md = "*Emphasis*, **strong**, `<code>`, ~~gone~~ and a list:\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\n<pre> stays text\n```\n";
        let (html, found) = check(md);
        let mut plain = String::new();
        html::push_html(&mut plain, Parser::new_ext(md, options()));
        assert_eq!(html, plain);
        assert!(found.is_empty());
    }

    #[test]
    fn footnotes_are_not_made_in_annotations() {
        let (html, found) = check("A claim.[^1]\n\n[^1]: Its source.\n");
        assert!(!html.contains("id="), "{html}");
        assert!(found.is_empty());
    }
}
