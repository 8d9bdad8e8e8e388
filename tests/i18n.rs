//! A site in the reader's language (issue 9): `lang` and `dir` on the right element, the
//! theme's words from the language's table (and the site's own), dates in its words, a
//! gloss's original in its own script, and the glossary in the language's alphabetical
//! order.

mod common;

use std::fs;
use std::path::Path;

use common::{describe, parse_errors, repo};

/// A one-reading site: `site_extra` lines after the site's fields, `language` its
/// language, `front` lines of front matter after the title.
fn site(
    language: &str,
    site_extra: &str,
    front: &str,
    markdown: &str,
    annotations: &str,
) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("site.yaml"),
        format!(
            "title: Test\ndescription: A test.\nlanguage: {language}\neditor: Tests\n{site_extra}"
        ),
    )
    .unwrap();
    let reading = root.join("content/reading");
    fs::create_dir_all(&reading).unwrap();
    fs::write(
        reading.join("index.md"),
        format!("---\ntitle: A reading\n{front}---\n\n{markdown}"),
    )
    .unwrap();
    fs::write(reading.join("annotations.yaml"), annotations).unwrap();
    dir
}

/// The site's pages, and its warnings rendered as text.
fn render(root: &Path) -> (Vec<(String, String)>, String) {
    let (files, report) = scholia::render_site(root).unwrap_or_else(|f| panic!("{}", describe(&f)));
    let files = files
        .into_iter()
        .map(|f| (f.path, String::from_utf8_lossy(&f.contents).into_owned()))
        .collect();
    (
        files,
        scholia::diagnostics::render_all(&report.warnings, false),
    )
}

fn page<'a>(files: &'a [(String, String)], path: &str) -> &'a str {
    &files
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .1
}

/// The visible text of a page, tags taken out, with its attribute values (labels a
/// screen reader is given) after it.
fn words_and_labels(html: &str) -> String {
    let document = scraper::Html::parse_document(html);
    let mut out = String::new();
    let body = scraper::Selector::parse("body").unwrap();
    for node in document.select(&body).next().unwrap().descendants() {
        if let Some(text) = node.value().as_text() {
            out.push_str(text);
            out.push(' ');
        }
        if let Some(element) = node.value().as_element() {
            for name in ["aria-label", "title"] {
                if let Some(value) = element.attr(name) {
                    out.push_str(value);
                    out.push(' ');
                }
            }
        }
    }
    out
}

const ENGLISH_WORDS: &[&str] = &[
    "Skip to the text",
    "Glossary",
    "Sources",
    "Annotations by",
    "Show annotations",
    "Notes",
    "Reading time",
    "Published here",
    "min read",
    "All mentions",
    "Close note",
    "Back to the text",
    "Gloss ",
    "mention",
    "March",
    "place",
    "Paragraph",
    "link here",
];

#[test]
fn the_persian_fixture_reads_right_to_left_in_persian_words() {
    let root = repo().join("tests/browser/sites/rtl");
    let (files, warnings) = render(&root);
    assert_eq!(warnings, "", "the fixture builds without warnings");
    for path in [
        "index.html",
        "tehran/index.html",
        "glossary.html",
        "glossary/tehran/index.html",
        "sources.html",
        "sources/editors/index.html",
    ] {
        let html = page(&files, path);
        assert!(
            html.contains("<html lang=\"fa\" dir=\"rtl\">"),
            "{path}: {}",
            &html[..200]
        );
        assert_eq!(parse_errors(html), Vec::<String>::new(), "{path}");
        let words = words_and_labels(html);
        for english in ENGLISH_WORDS {
            assert!(!words.contains(english), "{path} says `{english}`: {words}");
        }
    }
    let reading = page(&files, "tehran/index.html");
    assert!(reading.contains("<h2 id=\"notes-title\">یادداشت‌ها</h2>"));
    assert!(reading.contains("<time datetime=\"2026-03-05\">5 مارس 2026</time>"));
    // The marks are on the intended words, ZWNJ words whole.
    assert!(
        reading
            .contains("class=\"mark\" data-kind=\"gloss\" data-id=\"damavand\">قله‌ی دماوند</span>"),
        "{reading}"
    );
    assert!(reading.contains(">آلوده می‌شود</span>"), "{reading}");
    // Back to the text is the other way round.
    assert!(reading.contains("\">↪ ¶1</a>"), "{reading}");
    // Persian punctuation between the parts of a name.
    assert!(reading.contains("ویراستاران این متن، منبع"), "{reading}");
    // The script's words are the page's too.
    assert!(reading.contains("data-t-copy-link=\"کپی پیوند\""));
}

#[test]
fn a_german_site_has_german_words_and_month_names() {
    let dir = site(
        "de",
        "",
        "date: 2026-03-05\n",
        "Die Stadt Rom liegt am Tiber.\n",
        "glosses:\n  rom:\n    term: Rom\n    kind: place\n    text: Die Stadt.\n    start: -753-04-21\nunglossed: [Die, Stadt, Tiber]\n",
    );
    let (files, warnings) = render(dir.path());
    assert_eq!(warnings, "");
    let reading = page(&files, "reading/index.html");
    assert!(reading.contains("<html lang=\"de\" dir=\"ltr\">"));
    assert!(reading.contains(">5. März 2026</time>"), "{reading}");
    assert!(reading.contains("<legend>Anmerkungen zeigen</legend>"));
    assert!(reading.contains("21. April 753 v. Chr."), "{reading}");
    assert!(
        reading.contains("aria-label=\"Glosse 1: Rom\""),
        "{reading}"
    );
    let glossary = page(&files, "glossary.html");
    assert!(glossary.contains("<h1>Glossar</h1>"));
    assert!(glossary.contains("<h2 id=\"place\">Orte</h2>"));
    assert!(glossary.contains("1 Erwähnung"));
}

#[test]
fn a_reading_in_another_language_gets_its_own_lang_and_dir_on_the_text() {
    let persian = site(
        "en",
        "",
        "language: fa\n",
        "تهران پایتخت ایران است.\n",
        "glosses:\n  tehran:\n    term: Tehran\n    kind: place\n    match: [تهران]\n    text: The capital.\n",
    );
    let (files, _) = render(persian.path());
    // The words of the text quoted on the gloss's page are marked as Persian too.
    let gloss = page(&files, "glossary/tehran/index.html");
    assert!(
        gloss.contains("<span lang=\"fa\" dir=\"rtl\"><b>تهران</b>"),
        "{gloss}"
    );
    let reading = page(&files, "reading/index.html");
    assert!(reading.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(
        reading.contains("<div class=\"text\" lang=\"fa\" dir=\"rtl\">"),
        "{reading}"
    );
    // The same language as the site's needs nothing more.
    let english = site(
        "en",
        "",
        "language: en\n",
        "Rome fell.\n",
        "unglossed: [Rome]\n",
    );
    let (files, _) = render(english.path());
    assert!(page(&files, "reading/index.html").contains("<div class=\"text\">"));
}

#[test]
fn a_site_overrides_a_word_and_a_language_without_a_table_falls_back_to_english_with_a_warning() {
    let dir = site(
        "en",
        "strings:\n  glossary: Word list\n",
        "",
        "Rome fell.\n",
        "unglossed: [Rome]\n",
    );
    let (files, warnings) = render(dir.path());
    assert_eq!(warnings, "");
    assert!(page(&files, "index.html").contains(">Word list</a>"));
    assert!(page(&files, "glossary.html").contains("<h1>Word list</h1>"));

    let dir = site(
        "fr",
        "strings:\n  glossary: Glossaire\n  notes: Notes de l’éditeur\n",
        "",
        "Rome tomba.\n",
        "unglossed: [Rome]\n",
    );
    let (files, warnings) = render(dir.path());
    assert!(warnings.contains("warning[W0600]"), "{warnings}");
    assert!(warnings.contains("no words in `fr`"), "{warnings}");
    assert!(warnings.contains("`all_mentions`"), "{warnings}");
    assert!(!warnings.contains("`glossary`"), "{warnings}");
    let reading = page(&files, "reading/index.html");
    assert!(reading.contains("<html lang=\"fr\" dir=\"ltr\">"));
    assert!(page(&files, "index.html").contains(">Glossaire</a>"));
    // What the site does not give is English.
    assert!(page(&files, "index.html").contains(">Sources</a>"));
}

#[test]
fn an_original_is_shown_with_its_lang_and_dir_beside_the_term() {
    let dir = site(
        "en",
        "",
        "",
        "The guardianship of the jurist is a doctrine.\n",
        "glosses:\n  velayat:\n    term: Guardianship of the Jurist\n    kind: concept\n    match: [guardianship of the jurist]\n    original:\n      text: ولایت فقیه\n      lang: fa\n      transliteration: velāyat-e faqih\n    text: A doctrine.\n",
    );
    let (files, _) = render(dir.path());
    let original = "<bdi class=\"original\" lang=\"fa\" dir=\"rtl\">ولایت فقیه</bdi> <i class=\"translit\" lang=\"fa-Latn\">velāyat-e faqih</i>";
    for path in [
        "reading/index.html",
        "glossary.html",
        "glossary/velayat/index.html",
    ] {
        let html = page(&files, path);
        assert!(html.contains(original), "{path}: {html}");
        assert_eq!(parse_errors(html), Vec::<String>::new(), "{path}");
    }
}

#[test]
fn a_term_that_runs_the_other_way_is_isolated_in_its_note() {
    let dir = site(
        "en",
        "",
        "",
        "The Majlis met.\n",
        "glosses:\n  majlis:\n    term: مجلس\n    kind: organisation\n    match: [Majlis]\n    text: The parliament.\n",
    );
    let (files, _) = render(dir.path());
    let reading = page(&files, "reading/index.html");
    assert!(reading.contains("<dfn><bdi>مجلس</bdi></dfn>"), "{reading}");
}

#[test]
fn a_persian_glossary_is_in_persian_alphabetical_order_under_persian_letters() {
    // By code point, پ (U+067E) would come after ی (U+06CC); in Persian it follows ب.
    let dir = site(
        "fa",
        "",
        "",
        "پاسداران و بسیج و تهران و یزد.\n",
        "glosses:\n  tehran:\n    term: تهران\n    kind: place\n    text: شهر.\n  yazd:\n    term: یزد\n    kind: place\n    text: شهر.\n  pasdaran:\n    term: پاسداران\n    kind: place\n    text: واژه.\n  basij:\n    term: بسیج\n    kind: place\n    text: واژه.\n",
    );
    let (files, _) = render(dir.path());
    let glossary = page(&files, "glossary.html");
    let document = scraper::Html::parse_document(glossary);
    let select = |s: &str| scraper::Selector::parse(s).unwrap();
    let terms: Vec<String> = document
        .select(&select(".index .term"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(terms, ["بسیج", "پاسداران", "تهران", "یزد"]);
    let letters: Vec<String> = document
        .select(&select(".letter"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(letters, ["ب", "پ", "ت", "ی"]);
}

#[test]
fn an_english_glossary_puts_accented_names_with_their_letter() {
    let dir = site(
        "en",
        "",
        "",
        "Zola, Émile and Ernie met apple growers.\n",
        "glosses:\n  zola:\n    term: Zola\n    kind: place\n    text: A.\n  emile:\n    term: Émile\n    kind: place\n    text: A.\n  ernie:\n    term: Ernie\n    kind: place\n    text: A.\n  apple:\n    term: apple\n    kind: place\n    text: A.\n",
    );
    let (files, _) = render(dir.path());
    let glossary = page(&files, "glossary.html");
    let document = scraper::Html::parse_document(glossary);
    let select = |s: &str| scraper::Selector::parse(s).unwrap();
    let terms: Vec<String> = document
        .select(&select(".index .term"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(terms, ["apple", "Émile", "Ernie", "Zola"]);
    let letters: Vec<String> = document
        .select(&select(".letter"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(letters, ["A", "E", "Z"]);
}

#[test]
fn a_site_keeps_its_words_in_strings_yaml_and_site_yaml_wins_over_it() {
    let dir = site(
        "fr",
        "strings:\n  glossary: Lexique\n",
        "",
        "Rome tomba.\n",
        "unglossed: [Rome]\n",
    );
    fs::write(
        dir.path().join("strings.yaml"),
        "glossary: Glossaire\nsources: Références\nsourcse: Sources\n",
    )
    .unwrap();
    let (files, warnings) = render(dir.path());
    let home = page(&files, "index.html");
    assert!(home.contains(">Lexique</a>"), "{home}");
    assert!(home.contains(">Références</a>"), "{home}");
    assert!(
        warnings.contains("warning[W0601]: the theme has no string `sourcse`"),
        "{warnings}"
    );
    assert!(warnings.contains("--> strings.yaml:3:10"), "{warnings}");
    assert!(warnings.contains("did you mean `sources`?"), "{warnings}");
}
