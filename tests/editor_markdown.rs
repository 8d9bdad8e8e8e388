//! The editor's own Markdown (glosses, notes, cross-reference and source notes, the
//! editor's note) reaches the page and the export as clean HTML, and the dates an editor
//! writes are shown as dates.

mod common;

use std::path::Path;

use common::{describe, parse_errors, scholia};

/// A one-reading site with this front matter (after `title:`) and these annotations.
fn site_with(front_matter: &str, annotations: &str) -> tempfile::TempDir {
    common::site_with_front_matter(
        front_matter,
        "Carthage fell in 146 BCE. The durable peace was over, and Rome ruled the sea.\n",
        annotations,
    )
}

fn files(root: &Path) -> Vec<(String, String)> {
    let (files, _) = scholia::render_site(root).unwrap_or_else(|f| panic!("{}", describe(&f)));
    files
        .into_iter()
        .map(|f| (f.path, String::from_utf8(f.contents).unwrap()))
        .collect()
}

fn file<'a>(files: &'a [(String, String)], path: &str) -> &'a str {
    &files
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .1
}

/// Elements the editor's Markdown may produce, and those scholia wraps around a note.
const ALLOWED_IN_NOTES: &[&str] = &[
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
    "dfn",
    "span",
    "cite",
];

#[test]
fn raw_html_in_a_gloss_stops_the_build_and_nothing_is_written() {
    let site = site_with(
        "",
        "glosses:\n  carthage:\n    term: Carthage\n    kind: place\n    text: |\n      A city.\n\n      <meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">\nunglossed: [BCE, Rome]\n",
    );
    let out = scholia(site.path(), &["build"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[E0181]"), "{stderr}");
    assert!(
        stderr.contains("--> content/reading/annotations.yaml:8:7"),
        "{stderr}"
    );
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_javascript_link_in_a_note_stops_the_build() {
    let site = site_with(
        "",
        "notes:\n  fell:\n    at: Carthage fell\n    text: '[Why](javascript:alert(document.cookie))'\nunglossed: [BCE, Rome]\n",
    );
    let out = scholia(site.path(), &["build"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[E0182]"), "{stderr}");
    assert!(!site.path().join("public").exists());
}

#[test]
fn the_page_and_the_export_carry_the_same_clean_annotation_html() {
    let site = site_with(
        "editor_note: 'Tags in `<script>` are code here; &lt;b&gt; is text.'\n",
        r#"glosses:
  carthage:
    term: Carthage
    kind: place
    text: |
      A city. Shown as code: `<meta http-equiv="refresh" content="0">` and `</li></ol>`;
      as text: &lt;/li&gt; 3 < 4 > 2. See [the site](https://example.org/carthage),
      <editor@example.org> or [the glossary](../glossary.html).
sources:
  livy:
    kind: book
    note: "*Ab urbe condita*, with `<style>` in code."
    cited: [Carthage fell]
crossrefs:
  peace:
    from: durable peace
    to: Rome ruled the sea
    note: "**Strong** and `<kbd>`."
notes:
  fell:
    at: Carthage fell
    text: >-
      It fell; a </ li> is not a tag and &lt;/ol&gt; is text.
unglossed: [BCE, Rome]
"#,
    );
    let files = files(site.path());
    let page = file(&files, "reading/index.html");
    assert_eq!(parse_errors(page), Vec::<String>::new());
    let document = scraper::Html::parse_document(page);
    let select = |s: &str| scraper::Selector::parse(s).unwrap();

    // Every note is still its own entry of the list: nothing closed it early.
    assert_eq!(document.select(&select("ol.endnotes > li")).count(), 4);
    for body in document.select(&select(".note-body, .editor-note")) {
        for element in body.descendants().filter_map(scraper::ElementRef::wrap) {
            let name = element.value().name();
            assert!(
                ALLOWED_IN_NOTES.contains(&name) || element == body,
                "<{name}> in a note: {}",
                body.html()
            );
            if let Some(href) = element.value().attr("href") {
                assert!(
                    href.starts_with("https://")
                        || href.starts_with("mailto:")
                        || !href.contains(':'),
                    "{href}"
                );
            }
        }
    }
    for text in [
        "<code>&lt;meta http-equiv=\"refresh\" content=\"0\"&gt;</code>",
        "<code>&lt;/li&gt;&lt;/ol&gt;</code>",
        "&lt;/li&gt; 3 &lt; 4 &gt; 2",
        "<a href=\"mailto:editor@example.org\">editor@example.org</a>",
        "a &lt;/ li&gt; is not a tag",
        "Tags in <code>&lt;script&gt;</code> are code here",
    ] {
        assert!(page.contains(text), "{text} missing from the page");
    }

    // The export's HTML bodies are the very HTML of the page and the glossary.
    let glossary = file(&files, "glossary.html");
    let sources = file(&files, "sources.html");
    let export: serde_json::Value =
        serde_json::from_str(file(&files, "reading/annotations.jsonld")).unwrap();
    let mut html_bodies = 0;
    for annotation in export["first"]["items"].as_array().expect("annotations") {
        for body in annotation["body"].as_array().into_iter().flatten() {
            if body["type"] == "TextualBody" && body["format"] == "text/html" {
                let value = body["value"].as_str().unwrap();
                html_bodies += 1;
                assert!(
                    !value.contains("<meta") && !value.contains("</li>"),
                    "{value}"
                );
                // A source's body starts with its citation; its note is the rest.
                let note = value.split_once('\n').map_or(value, |(_, note)| note);
                assert!(
                    page.contains(note) || glossary.contains(note) || sources.contains(note),
                    "the export's {note} is on no page"
                );
            }
        }
    }
    assert!(html_bodies >= 4, "{html_bodies} HTML bodies in the export");
}

#[test]
fn the_front_matter_date_is_shown_on_the_reading_and_home_pages() {
    let site = site_with("date: 2026-03-05\n", "unglossed: [Carthage, BCE, Rome]\n");
    let files = files(site.path());
    let shown = "<time datetime=\"2026-03-05\">5 March 2026</time>";
    let page = file(&files, "reading/index.html");
    assert!(
        page.contains(&format!("<dt>Published here</dt><dd>{shown}</dd>")),
        "{page}"
    );
    assert!(file(&files, "index.html").contains(shown));
}

#[test]
fn dates_read_as_words_in_notes_and_citations() {
    let site = site_with(
        "original:\n  date: '-44-03-15'\n",
        "glosses:\n  carthage:\n    term: Carthage\n    kind: place\n    text: A city.\n    start: -814\n    end: 146-04\nsources:\n  livy:\n    kind: book\n    date: 1990-02\n    cited: [Carthage fell]\nunglossed: [BCE, Rome]\n",
    );
    let files = files(site.path());
    let page = file(&files, "reading/index.html");
    assert!(page.contains("<dd>15 March 44 BCE</dd>"), "{page}");
    assert!(page.contains("814 BCE – April 146"), "{page}");
    assert!(page.contains("February 1990"), "{page}");
}

#[test]
fn the_renderer_is_given_only_parsed_dates() {
    // An impossible date (2023-02-31) never gets this far: it is read at load into a
    // `WrittenDate` whose error the index stage reports (E0180), and the renderer takes
    // a `PartialDate`, which is always a day of the calendar.
    let date = scholia::date::PartialDate::parse("2026-03-05").unwrap();
    assert_eq!(scholia::render::format_date(date), "5 March 2026");
}
