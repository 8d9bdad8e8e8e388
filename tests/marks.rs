//! Marks that hold on any Markdown: raw inline HTML, images, links and the author's own
//! HTML blocks. Each mark leaves the author's elements and text exactly as they were, and
//! what scholia inserts never lands where HTML forbids it (inside an attribute, a
//! `<button>` inside an `<a>`).

mod common;

use common::{author_structure, describe, fragment_errors, reading_html, text_html};

/// The test site, with the image its Markdown shows beside the text: a link to a missing
/// file is an error of its own (E0504), not what these tests are about.
fn site(markdown: &str, annotations: &str) -> tempfile::TempDir {
    let dir = common::site(markdown, annotations);
    std::fs::write(dir.path().join("content/reading/map.png"), b"")
        .expect("the image beside the text");
    dir
}

/// Renders `markdown` with and without `annotations` and checks that the marks change
/// nothing of the author's: same elements, same text. Returns the annotated text's HTML.
fn marked(markdown: &str, annotations: &str) -> String {
    let plain = text_html(site(markdown, "").path());
    let dir = site(markdown, annotations);
    let html = text_html(dir.path());
    let errors = fragment_errors(&html);
    assert!(errors.is_empty(), "{errors:?}\n{html}");
    assert_eq!(
        author_structure(&html),
        author_structure(&plain),
        "the marks changed the author's structure:\n{html}"
    );
    html
}

fn note_on(quote: &str) -> String {
    format!("notes:\n  n:\n    at: {quote:?}\n    text: A note.\n")
}

fn gloss(term: &str) -> String {
    format!("glosses:\n  g:\n    term: {term}\n    kind: concept\n    text: A gloss.\n")
}

/// The words of every fragment of the mark of kind `kind`, joined.
fn marked_words(html: &str, kind: &str) -> String {
    let doc = scraper::Html::parse_fragment(html);
    let sel = scraper::Selector::parse(&format!(".mark[data-kind={kind}]")).unwrap();
    doc.select(&sel).flat_map(|e| e.text()).collect()
}

fn failure(markdown: &str, annotations: &str) -> String {
    let dir = site(markdown, annotations);
    match scholia::check(dir.path(), scholia::Options::default()) {
        Ok(_) => panic!("the site should not check clean"),
        Err(f) => describe(&f),
    }
}

#[test]
fn a_mark_across_a_raw_kbd_is_split_around_its_tags() {
    let html = marked(
        "Press the <kbd>Enter key</kbd> now.\n",
        &note_on("the Enter"),
    );
    assert_eq!(marked_words(&html, "note"), "the Enter");
    assert!(html.contains("<kbd><span"), "{html}");
}

#[test]
fn a_mark_leaving_a_raw_span_does_not_close_the_authors_span() {
    let html = marked(
        "An <span class=\"x\">alpha beta</span> gamma.\n",
        &note_on("beta gamma"),
    );
    assert_eq!(marked_words(&html, "note"), "beta gamma");
    let inside_x: String = scraper::Html::parse_fragment(&html)
        .select(&scraper::Selector::parse("span.x").unwrap())
        .flat_map(|e| e.text())
        .collect();
    assert_eq!(inside_x, "alpha beta", "{html}");
}

#[test]
fn marks_inside_and_around_raw_inline_elements_stay_well_formed() {
    // "x" and "2" alone are not quotes: a reader sees the one word "x2" (E0160).
    for quote in [
        "x2",
        "is x2 and",
        "the <b>bold</b> word",
        "bold",
        "word, AB",
    ] {
        let quote = quote.replace("<b>", "").replace("</b>", "");
        let html = marked(
            "It is x<sup>2</sup> and <!-- a comment --> the <b>bold</b> word, <abbr title=\"a b\">AB</abbr>.\n",
            &note_on(&quote),
        );
        // Well-formed, and marked: a page without the mark would pass the checks above.
        assert_eq!(marked_words(&html, "note"), quote, "{html}");
    }
}

#[test]
fn a_gloss_in_image_alt_text_is_indexed_but_not_marked_there() {
    let markdown = "A map: ![A map of Rome](map.png)\n\nRome was large.\n";
    let dir = site(markdown, &gloss("Rome"));
    let page = reading_html(dir.path());
    let doc = scraper::Html::parse_document(&page);
    let img = doc
        .select(&scraper::Selector::parse("img").unwrap())
        .next()
        .unwrap();
    assert_eq!(img.value().attr("alt"), Some("A map of Rome"), "{page}");
    // The one mark is in the text, and the note's way back leads to it.
    let html = text_html(dir.path());
    assert_eq!(marked_words(&html, "gloss"), "Rome");
    assert!(html.contains("id=\"m-1\""), "{html}");
    let ids: Vec<&str> = doc
        .select(&scraper::Selector::parse("[id]").unwrap())
        .filter_map(|e| e.value().attr("id"))
        .collect();
    for back in doc.select(&scraper::Selector::parse(".backrefs a").unwrap()) {
        let href = back.value().attr("href").unwrap();
        assert!(ids.contains(&&href[1..]), "{href} leads nowhere");
    }
    // Both mentions are on the gloss's page.
    let (files, _) = scholia::render_site(dir.path()).unwrap();
    let glossary = files
        .iter()
        .find(|f| f.path == "glossary/g/index.html")
        .unwrap();
    let glossary = String::from_utf8(glossary.contents.clone()).unwrap();
    assert!(glossary.contains("Mentioned 2 times"), "{glossary}");
    // The mention in alt text leads to its paragraph, the one in the text to its mark.
    let glossary = scraper::Html::parse_document(&glossary);
    let hrefs: Vec<&str> = glossary
        .select(&scraper::Selector::parse(".contexts a").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        hrefs,
        [
            "../../reading/index.html#p-1",
            "../../reading/index.html#m-1"
        ],
        "{hrefs:?}"
    );
}

#[test]
fn a_gloss_found_only_in_alt_text_leaves_the_image_whole() {
    marked("A map: ![A map of Rome](map.png)\n", &gloss("Rome"));
    let dir = site("A map: ![A map of Rome](map.png)\n", &gloss("Rome"));
    let html = text_html(dir.path());
    assert!(html.contains("alt=\"A map of Rome\""), "{html}");
}

#[test]
fn a_passage_found_only_in_alt_text_is_an_error_saying_so() {
    let report = failure(
        "A map: ![A map of Rome](map.png)\n\nIt was large.\n",
        &note_on("map of Rome"),
    );
    assert!(report.contains("error[E0174]"), "{report}");
    assert!(report.contains("alt text"), "{report}");
}

#[test]
fn a_passage_in_alt_text_and_in_the_text_is_the_one_in_the_text() {
    let html = marked(
        "A map: ![A map of Rome](map.png)\n\nThe map of Rome was large.\n",
        &note_on("map of Rome"),
    );
    assert_eq!(marked_words(&html, "note"), "map of Rome");
}

#[test]
fn a_passage_reaching_into_alt_text_marks_only_the_visible_words() {
    let html = marked(
        "See ![a map of Rome](map.png) here.\n",
        &note_on("See a map"),
    );
    assert!(html.contains("alt=\"a map of Rome\""), "{html}");
    assert_eq!(marked_words(&html, "note"), "See ");
}

fn no_button_in_a_link(html: &str) {
    let doc = scraper::Html::parse_fragment(html);
    for selector in ["a button", "a sup.ref", "a a", "a .backref"] {
        let found = doc
            .select(&scraper::Selector::parse(selector).unwrap())
            .count();
        assert_eq!(found, 0, "{selector} in {html}");
    }
}

#[test]
fn a_note_number_goes_after_the_link_its_mark_ends_in() {
    let html = marked(
        "Walk over the [old bridge](https://example.org/) at night.\n",
        &note_on("over the old"),
    );
    no_button_in_a_link(&html);
    assert!(html.contains("</a><sup class=\"ref\""), "{html}");
    assert_eq!(marked_words(&html, "note"), "over the old");
}

#[test]
fn a_note_number_goes_after_an_autolink_and_a_raw_link() {
    for markdown in [
        "Write to <https://example.org/> today.\n",
        "Write to <a href=\"https://example.org/\">https://example.org/</a> today.\n",
    ] {
        let html = marked(markdown, &note_on("to https://example.org/"));
        no_button_in_a_link(&html);
        let html = marked(markdown, &gloss("https://example.org/"));
        no_button_in_a_link(&html);
    }
}

#[test]
fn a_cross_reference_target_ending_in_a_link_has_its_backref_after_the_link() {
    let annotations =
        "crossrefs:\n  x:\n    from: The question\n    to: the [answer\n    note: See.\n"
            .replace("the [answer", "the answer");
    let html = marked(
        "The question.\n\nHere is the [answer given](https://example.org/).\n",
        &annotations,
    );
    no_button_in_a_link(&html);
    assert!(html.contains("</a><a class=\"backref\""), "{html}");
}

#[test]
fn a_mark_ending_in_a_link_inside_emphasis_keeps_its_number_out_of_the_link() {
    let html = marked(
        "*Over the [old **bridge**](https://example.org/) we went.*\n",
        &note_on("the old bridge"),
    );
    no_button_in_a_link(&html);
    assert_eq!(marked_words(&html, "note"), "the old bridge", "{html}");
    assert!(html.contains("</a><sup class=\"ref\""), "{html}");
}

#[test]
fn the_pull_quote_is_marked_as_inserted_by_scholia() {
    let annotations =
        "pullquotes:\n  q:\n    quote: Rome ruled the sea\n    after: It was long ago\n";
    let dir = site("Rome ruled the sea. It was long ago.\n", annotations);
    let html = text_html(dir.path());
    let doc = scraper::Html::parse_fragment(&html);
    let asides: Vec<_> = doc
        .select(&scraper::Selector::parse("aside.pullquote").unwrap())
        .collect();
    assert_eq!(asides.len(), 1, "{html}");
    assert!(asides[0].value().attr("data-ui").is_some(), "{html}");
    assert_eq!(
        common::author_text(&html).trim(),
        "Rome ruled the sea. It was long ago.",
        "copying the text copies the author's words alone"
    );
}

/// The error report for `markdown` (no annotations), which must fail the check.
fn html_failure(markdown: &str) -> String {
    failure(markdown, "")
}

#[test]
fn a_stray_end_tag_in_an_html_block_is_an_error_at_its_place() {
    // The front matter takes lines 1 to 4; the Markdown starts on line 5.
    let report = html_failure("Some text.\n\n</div>\n\nMore text.\n");
    assert!(report.contains("error[E0170]"), "{report}");
    assert!(report.contains("content/reading/index.md:7:1"), "{report}");
    assert!(report.contains("help:"), "{report}");
}

#[test]
fn an_unclosed_element_is_an_error_at_its_start_tag() {
    let report = html_failure("Some text.\n\n<div class=\"box\">\nboxed\n\nMore text.\n");
    assert!(report.contains("error[E0171]"), "{report}");
    assert!(report.contains("`<div>` is not closed"), "{report}");
    assert!(report.contains("content/reading/index.md:7:1"), "{report}");
}

#[test]
fn a_tag_without_its_closing_bracket_is_an_error() {
    let report = html_failure("Some text.\n\n<div class=\"box\"\n\nMore text.\n");
    assert!(report.contains("error[E0172]"), "{report}");
    assert!(report.contains("`<div` has no `>`"), "{report}");
    assert!(report.contains("content/reading/index.md:7:1"), "{report}");
}

#[test]
fn an_unclosed_style_or_comment_that_would_swallow_the_notes_is_an_error() {
    let report = html_failure("Some text.\n\n<style>\np { color: red }\n\nMore text.\n");
    assert!(report.contains("error[E0171]"), "{report}");
    assert!(report.contains("`<style>`"), "{report}");
    let report = html_failure("Some text.\n\n<!-- a comment\n\nMore text.\n");
    assert!(report.contains("error[E0172]"), "{report}");
}

#[test]
fn inline_html_must_balance_within_its_paragraph() {
    let report = html_failure("A <b>bold start.\n\nAnd an end</b>.\n");
    assert!(
        report.contains("`<b>` is not closed in its paragraph"),
        "{report}"
    );
    assert!(report.contains("content/reading/index.md:5:3"), "{report}");
    assert!(
        report.contains("`</b>` closes an element that is not open in its paragraph"),
        "{report}"
    );
    let report = html_failure("Inside *an <i>emphasis* it ends</i>.\n");
    assert!(report.contains("error[E0171]"), "{report}");
    let report = html_failure("A <span class=\"x\"/> here.\n");
    assert!(
        report.contains("`<span/>` does not close itself"),
        "{report}"
    );
    let report = html_failure("- a <b>list\n- item</b>\n");
    assert!(report.contains("in its list item"), "{report}");
}

#[test]
fn an_element_closed_over_another_one_is_an_error() {
    let report = html_failure("<div><section>\nText\n</div></section>\n");
    assert!(
        report.contains("`</div>` closes `<div>` while `<section>`"),
        "{report}"
    );
}

#[test]
fn balanced_raw_html_of_every_kind_builds() {
    for markdown in [
        "<div class=\"note\">\n\nSome *Markdown* inside.\n\n</div>\n",
        "<details><summary>More</summary>\n\nHidden text.\n\n</details>\n",
        "<ul><li>one<li>two</ul>\n",
        "<table><tr><td>a<td>b</table>\n",
        "<p>one<p>two\n",
        "A line<br>break, an <img src=\"x.png\" alt=\"x\"> and <!-- a comment -->.\n",
        "<svg width=\"10\" height=\"10\"><circle r=\"1\"/></svg>\n",
        "<style>p > a { color: red }</style>\n\nText.\n",
        "<script>if (a < b && c > d) {}</script>\n\nText.\n",
        "<a title='1 > 0' href=\"https://example.org/\">link</a> text.\n",
        "> <div>\n> quoted\n> </div>\n",
        "Inline <kbd>Ctrl</kbd>+<kbd>C</kbd> and <span class=\"x\">spans</span>.\n",
    ] {
        let dir = site(markdown, "");
        if let Err(f) = scholia::check(dir.path(), scholia::Options::default()) {
            panic!("{markdown:?}:\n{}", describe(&f));
        }
    }
}

#[test]
fn a_block_element_inside_a_paragraph_is_an_error() {
    let report = html_failure("A paragraph with <div>a block</div> inside.\n");
    assert!(report.contains("error[E0173]"), "{report}");
    assert!(report.contains("content/reading/index.md:5:18"), "{report}");
    assert_eq!(report.matches("error[").count(), 1, "{report}");
    // In a tight list item or a heading there is no <p> to cut.
    for markdown in ["- an item <div>block</div>\n", "## A <span>title</span>\n"] {
        let dir = site(markdown, "");
        if let Err(f) = scholia::check(dir.path(), scholia::Options::default()) {
            panic!("{markdown:?}:\n{}", describe(&f));
        }
    }
}

#[test]
fn a_link_inside_a_link_is_an_error() {
    for markdown in [
        "<a href=\"https://a.example/\">one <a href=\"https://b.example/\">two</a></a>\n",
        "[one <a href=\"https://b.example/\">two</a>](https://a.example/)\n",
    ] {
        let report = html_failure(markdown);
        assert!(report.contains("error[E0175]"), "{report}");
    }
}

#[test]
fn a_comment_inside_a_comment_is_an_error() {
    let report = html_failure("<!-- outer\n\n<!-- inner -->\n\nText.\n");
    assert!(report.contains("error[E0172]"), "{report}");
    assert!(report.contains("holds `<!--`"), "{report}");
    assert!(report.contains("content/reading/index.md:7:1"), "{report}");
}

#[test]
fn a_pull_quote_adds_no_text_to_the_page_not_even_whitespace() {
    for (markdown, quote) in [
        ("# Rome ruled\n\nThe sea.\n", "The sea"),
        ("```\nRome ruled\n```\n\nThe sea.\n", "The sea"),
        ("Rome ruled.\n\n## The sea\n", "The sea"),
        ("- Rome ruled\n- the sea\n", "the sea"),
    ] {
        let annotations = format!("pullquotes:\n  q:\n    quote: {quote}\n    after: Rome ruled\n");
        let html = marked(markdown, &annotations);
        assert!(html.contains("class=\"pullquote\""), "{html}");
        assert!(
            !html.contains("</aside></code>"),
            "never inside a code block: {html}"
        );
    }
}

/// A footnote's id came from its label: `[^notes]` or `[^p-1]` made a second element with
/// an id of scholia's own (its notes section, a paragraph), and `[^a b]` an id with a space.
#[test]
fn footnote_labels_never_give_an_id_of_scholias_own_or_an_invalid_one() {
    let markdown = "Rome ruled the sea[^note-1] and[^p-1] more[^notes] and[^main] so[^a b].\n\n\
                    [^note-1]: One.\n[^p-1]: Two.\n[^notes]: Three.\n[^main]: Four.\n[^a b]: Five.\n";
    let dir = site(markdown, &note_on("Rome ruled"));
    let page = reading_html(dir.path());
    let doc = scraper::Html::parse_document(&page);
    let select = |s: &str| -> Vec<scraper::ElementRef<'_>> {
        doc.select(&scraper::Selector::parse(s).unwrap()).collect()
    };
    let ids: Vec<&str> = select("[id]")
        .into_iter()
        .filter_map(|e| e.value().attr("id"))
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    assert!(
        ids.iter().all(|id| !id.contains(char::is_whitespace)),
        "{ids:?}"
    );
    let references: Vec<&str> = select(".footnote-reference a")
        .into_iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(references.len(), 5, "{page}");
    for href in references {
        let target = select(".footnote-definition")
            .into_iter()
            .find(|d| d.value().attr("id") == href.strip_prefix('#'));
        assert!(target.is_some(), "{href} leads to no footnote:\n{page}");
    }
}
