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

/// The site's pages, and its warnings rendered as text, but for W0302 (a dated reading
/// without `base_url`, so without a feed), which these sites have on purpose.
fn render(root: &Path) -> (Vec<(String, String)>, String) {
    let (files, report) = scholia::render_site(root).unwrap_or_else(|f| panic!("{}", describe(&f)));
    let files = files
        .into_iter()
        .map(|f| (f.path, String::from_utf8_lossy(&f.contents).into_owned()))
        .collect();
    let warnings: Vec<_> = report
        .warnings
        .into_iter()
        .filter(|w| w.code != "W0302")
        .collect();
    (files, scholia::diagnostics::render_all(&warnings, false))
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

/// Everything of a page a reader or a screen reader meets: its text (the `<title>`, the
/// body, the drawings' labels), the labels and hints of its elements, the words given to
/// its scripts (`data-t-*`) and its descriptions for sharing. One line each.
fn readable(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let mut out = Vec::new();
    for node in document.root_element().descendants() {
        if let Some(text) = node.value().as_text() {
            // Code is the editor's field names (`born`), the same in every language.
            let parent = node
                .parent()
                .and_then(|p| p.value().as_element().map(|e| e.name()));
            if !matches!(parent, Some("script" | "style" | "code")) && !text.trim().is_empty() {
                out.push(text.trim().to_owned());
            }
        }
        if let Some(element) = node.value().as_element() {
            for (name, value) in element.attrs() {
                let shown = matches!(name, "aria-label" | "title" | "placeholder" | "alt")
                    || name.starts_with("data-t-")
                    || (name == "content"
                        && [element.attr("name"), element.attr("property")]
                            .into_iter()
                            .flatten()
                            .any(|n| matches!(n, "description" | "og:title" | "og:description")));
                if shown && !value.trim().is_empty() {
                    out.push(value.to_owned());
                }
            }
        }
    }
    out
}

/// The English of the theme's table, cut where the theme fills something in: the words
/// a page in another language must not show (`Page not found`, ` entries`, `born `).
fn english_phrases() -> Vec<String> {
    let table = serde_json::to_value(scholia::i18n::Strings::english()).unwrap();
    let mut phrases = Vec::new();
    for (key, value) in table.as_object().unwrap() {
        let value = value.as_str().unwrap();
        let mut rest = value;
        let mut parts = Vec::new();
        while let Some(open) = rest.find('{') {
            parts.push(&rest[..open]);
            rest = rest[open..]
                .find('}')
                .map_or("", |close| &rest[open + close + 1..]);
        }
        parts.push(rest);
        for part in parts {
            let part = part.trim_matches(|c: char| !c.is_alphanumeric());
            // Short words (`all`, `min`) and names that stay as they are (`scholia`) would
            // be found inside other words.
            if part.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 4 && part != "scholia" {
                phrases.push(format!("{part}  ({key})"));
            }
        }
    }
    phrases
}

/// Whether `words` are in `line` as words, not inside longer ones.
fn has_words(line: &str, words: &str) -> bool {
    line.match_indices(words).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + words.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// `text` without the `{name}`s a script fills in (their names are English).
fn without_placeholders(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        rest = rest[open..]
            .find('}')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    out + rest
}

/// The English phrases each page of `files` shows, by page: none is the test.
fn english_on_pages(files: &[(String, String)]) -> Vec<String> {
    let phrases = english_phrases();
    let mut found = Vec::new();
    for (path, html) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        for line in readable(html) {
            let line = without_placeholders(&line);
            for phrase in &phrases {
                let (words, key) = phrase.split_once("  ").unwrap();
                if has_words(&line, words) {
                    found.push(format!("{path}: `{words}` {key} in {line:?}"));
                }
            }
        }
    }
    found
}

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

/// The files of a German site with a dated reading and a gloss dated before the common
/// era, built without a warning.
fn german_site() -> Vec<(String, String)> {
    let dir = site(
        "de",
        "",
        "date: 2026-03-05\n",
        "Die Stadt Rom liegt am Tiber.\n",
        "glosses:\n  rom:\n    term: Rom\n    kind: place\n    text: Die Stadt.\n    start: -753-04-21\nunglossed: [Die, Stadt, Tiber]\n",
    );
    let (files, warnings) = render(dir.path());
    assert_eq!(warnings, "");
    files
}

#[test]
fn a_german_site_has_german_words_and_month_names() {
    let files = german_site();
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

/// The glossary index of the site at `root`: its headwords and its letter headings, in
/// the order the page gives them.
fn glossary_order(root: &std::path::Path) -> (Vec<String>, Vec<String>) {
    let (files, _) = render(root);
    let document = scraper::Html::parse_document(page(&files, "glossary.html"));
    let texts = |selector: &str| -> Vec<String> {
        let selector = scraper::Selector::parse(selector).unwrap();
        document
            .select(&selector)
            .map(|e| e.text().collect())
            .collect()
    };
    (texts(".index .term"), texts(".letter"))
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
    let (terms, letters) = glossary_order(dir.path());
    assert_eq!(terms, ["بسیج", "پاسداران", "تهران", "یزد"]);
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
    let (terms, letters) = glossary_order(dir.path());
    assert_eq!(terms, ["apple", "Émile", "Ernie", "Zola"]);
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

#[test]
fn every_page_of_the_persian_fixture_is_without_english_words() {
    let root = repo().join("tests/browser/sites/rtl");
    let (files, _) = render(&root);
    let pages: Vec<&str> = files
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| p.ends_with(".html"))
        .collect();
    for path in [
        "timeline.html",
        "404.html",
        "index.html",
        "tehran/index.html",
    ] {
        assert!(pages.contains(&path), "{path}: {pages:?}");
    }
    assert_eq!(english_on_pages(&files), Vec::<String>::new());
    // The search box gives its script the words it says.
    let home = page(&files, "index.html");
    assert!(home.contains("data-t-none=\"نتیجه‌ای یافت نشد.\""), "{home}");
    assert!(home.contains("data-t-mark=\"¶{p}\""), "{home}");
    let missing = page(&files, "404.html");
    assert!(missing.contains("<h1>صفحه پیدا نشد</h1>"), "{missing}");
    assert!(missing.contains("<html lang=\"fa\" dir=\"rtl\">"));
    let timeline = page(&files, "timeline.html");
    assert!(
        timeline.contains("<h1 id=\"timeline-title\">گاه‌شمار</h1>"),
        "{timeline}"
    );
    assert!(
        timeline.contains("<span class=\"tl-dates\">منتشرشده در اینجا: 5 مارس 2026</span> <span class=\"note-kind\">متن</span>"),
        "{timeline}"
    );
}

/// A one-reading site in Persian, the reading's title in Persian too.
fn persian_site(
    site_extra: &str,
    front: &str,
    markdown: &str,
    annotations: &str,
) -> tempfile::TempDir {
    let dir = site("fa", site_extra, front, markdown, annotations);
    let reading = dir.path().join("content/reading/index.md");
    let text = fs::read_to_string(&reading).unwrap();
    fs::write(reading, text.replace("title: A reading", "title: یک متن")).unwrap();
    dir
}

/// A Persian site with dates far apart, one BCE, and an address: the timeline's axis is
/// broken, and there is a feed.
fn persian_site_with_dates() -> tempfile::TempDir {
    persian_site(
        "base_url: https://example.org/fa/\n",
        "date: 2026-03-05\n",
        "کوروش و خمینی و انقلاب.\n",
        "glosses:\n  cyrus:\n    term: کوروش\n    kind: person\n    text: شاه.\n    died: -530\n  khomeini:\n    term: خمینی\n    kind: person\n    text: رهبر.\n    born: 1902-09-24\n    died: 1989-06-03\n  revolution:\n    term: انقلاب\n    kind: event\n    text: انقلاب.\n    start: 1978-01\n    end: 1979-02-11\n",
    )
}

#[test]
fn a_persian_timeline_says_its_axis_dates_and_kinds_in_persian() {
    let dir = persian_site_with_dates();
    let (files, warnings) = render(dir.path());
    assert_eq!(warnings, "");
    let timeline = page(&files, "timeline.html");
    assert_eq!(parse_errors(timeline), Vec::<String>::new());
    // The axis says where it is broken, with the years BCE in Persian words.
    assert!(
        timeline.contains("<p class=\"tl-note\">محور زمان جایی که بیش از 50 سال چیزی بر آن رخ نمی‌دهد بریده شده است: از 530 پیش از میلاد تا 1902 می‌پرد."),
        "{timeline}"
    );
    assert!(timeline.contains(">530 پیش از میلاد</text>"), "{timeline}");
    // Each row's dates and kind in Persian; the stylesheet's class stays the kind's name.
    assert!(
        timeline.contains("<span class=\"tl-dates\">24 سپتامبر 1902 – 3 ژوئن 1989</span> <span class=\"note-kind\">شخص</span>"),
        "{timeline}"
    );
    assert!(
        timeline.contains("<span class=\"note-kind\">رویداد</span>"),
        "{timeline}"
    );
    assert!(
        timeline.contains("class=\"tl-span tl-person\""),
        "{timeline}"
    );
    assert!(
        timeline.contains("<meta name=\"description\" content=\"همه‌ی مدخل‌ها و متن‌های تاریخ‌دار Test بر یک محور زمان.\">"),
        "{timeline}"
    );
    assert_eq!(english_on_pages(&files), Vec::<String>::new());
    // The feed is in the site's language; the link to it says so in its words.
    let feed = page(&files, "feed.xml");
    assert!(
        feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fa\">"),
        "{feed}"
    );
    assert!(page(&files, "index.html").contains("title=\"Test: متن‌ها\""));
}

#[test]
fn the_search_index_names_kinds_and_dates_in_the_sites_words() {
    let dir = persian_site_with_dates();
    let (files, _) = render(dir.path());
    let index: String = files
        .iter()
        .filter(|(p, _)| p.starts_with("search/s/"))
        .map(|(_, text)| text.as_str())
        .collect();
    assert!(index.contains("\"شخص\""), "{index}");
    assert!(index.contains("24 سپتامبر 1902 – 3 ژوئن 1989"), "{index}");
    for english in ["\"person\"", "\"event\"", "September", "born ", "BCE"] {
        assert!(!index.contains(english), "{english}: {index}");
    }
}

#[test]
fn a_german_site_has_its_timeline_404_and_search_box_in_german() {
    let files = german_site();
    let timeline = page(&files, "timeline.html");
    assert!(timeline.contains("<h1 id=\"timeline-title\">Zeitleiste</h1>"));
    assert!(
        timeline.contains("ab 21. April 753 v. Chr.</span> <span class=\"note-kind\">Ort</span>"),
        "{timeline}"
    );
    assert!(
        timeline.contains("hier veröffentlicht: 5. März 2026"),
        "{timeline}"
    );
    assert!(
        timeline.contains("Die Zeitachse ist unterbrochen"),
        "{timeline}"
    );
    assert!(
        timeline.contains("Sie springt von 753 v. Chr. auf 2026."),
        "{timeline}"
    );
    let missing = page(&files, "404.html");
    assert!(
        missing.contains("<h1>Seite nicht gefunden</h1>"),
        "{missing}"
    );
    assert!(missing.contains(">Glossar</a>: alle Personen"), "{missing}");
    let home = page(&files, "index.html");
    assert!(home.contains("data-t-entries=\"{n} Einträge\""), "{home}");
    assert!(
        home.contains("data-t-keys=\"Mit den Pfeiltasten wählen, mit Enter öffnen.\""),
        "{home}"
    );
}

#[test]
fn a_timeline_without_dates_says_how_to_give_them_in_the_sites_words() {
    let dir = persian_site("", "", "تهران.\n", "unglossed: [تهران]\n");
    let (files, _) = render(dir.path());
    let timeline = page(&files, "timeline.html");
    assert!(
        timeline.contains("به یک توضیح <code>born</code>، <code>died</code>،"),
        "{timeline}"
    );
    assert_eq!(parse_errors(timeline), Vec::<String>::new());
    assert_eq!(english_on_pages(&files), Vec::<String>::new());
}
