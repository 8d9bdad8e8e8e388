//! Readings in Persian, German, Chinese and Japanese (tests/fixtures/languages/): each
//! builds without a warning, its marks are on the words meant (the exact text inside
//! each mark), and the author's text is in the page byte for byte, as it is without
//! annotations. Quotes typed on an Arabic keyboard, in another Unicode normalisation, or
//! without spaces between words all find their place.
//!
//! The property test at the end: a quote taken from a random text, in any normalisation
//! and keyboard variant, anchors on exactly the original span.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{copy_site, describe, fixture, parse_errors};

/// Renders the fixture site `lang`: the reading page's HTML and the warnings.
fn render(root: &Path, slug: &str) -> (String, Vec<String>) {
    let (files, report) = scholia::render_site(root).unwrap_or_else(|f| panic!("{}", describe(&f)));
    let page = files
        .iter()
        .find(|f| f.path == format!("{slug}/index.html"))
        .expect("the reading page");
    // scholia ships the theme's words in en, de and fa: a Chinese or Japanese site is told
    // its theme speaks English (W0600), which is not what these fixtures are about.
    let warnings = report
        .warnings
        .iter()
        .filter(|w| w.code != "W0600")
        .map(|w| scholia::diagnostics::render_all(std::slice::from_ref(w), false))
        .collect();
    (String::from_utf8(page.contents.clone()).unwrap(), warnings)
}

/// The `<div class="text">` of a page, as an element.
fn text_of(html: &scraper::Html) -> scraper::ElementRef<'_> {
    html.select(&scraper::Selector::parse("div.text").unwrap())
        .next()
        .expect("the text")
}

/// The text of an element, leaving out scholia's own `[data-ui]` elements.
fn words(element: scraper::ElementRef, out: &mut String) {
    for child in element.children() {
        if let Some(text) = child.value().as_text() {
            out.push_str(text);
        } else if let Some(el) = scraper::ElementRef::wrap(child)
            && el.value().attr("data-ui").is_none()
        {
            words(el, out);
        }
    }
}

/// Each mark's words, by `data-id` (a cross-reference's target as `id→`), the pieces
/// of a mark split around other elements joined.
fn marks(html: &str) -> BTreeMap<String, String> {
    let html = scraper::Html::parse_document(html);
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    for mark in text_of(&html).select(&scraper::Selector::parse(".mark").unwrap()) {
        let mut id = mark.value().attr("data-id").unwrap().to_owned();
        if mark.value().attr("data-role") == Some("target") {
            id.push('→');
        }
        words(mark, found.entry(id).or_default());
    }
    found
}

/// The author's text as the page shows it, marks and scholia's elements left out.
fn author_text(html: &str) -> String {
    let html = scraper::Html::parse_document(html);
    let mut out = String::new();
    words(text_of(&html), &mut out);
    out
}

/// Builds a fixture and checks what every language's fixture must hold: no warning, a
/// page without parse errors, and the author's text exactly as without annotations.
/// Returns the marks.
fn build(lang: &str, slug: &str) -> BTreeMap<String, String> {
    let root = fixture(&format!("languages/{lang}"));
    let (html, warnings) = render(&root, slug);
    assert!(warnings.is_empty(), "{lang}: {}", warnings.join("\n"));
    assert!(
        parse_errors(&html).is_empty(),
        "{lang}: {:?}",
        parse_errors(&html)
    );
    let plain = copy_site(&root);
    std::fs::write(
        plain
            .path()
            .join(format!("content/{slug}/annotations.yaml")),
        "",
    )
    .unwrap();
    let (plain_html, _) = render(plain.path(), slug);
    let text = author_text(&html);
    assert_eq!(
        text,
        author_text(&plain_html),
        "{lang}: the marks changed the author's text"
    );
    // The fixtures' paragraphs are plain text: each is in the page byte for byte, in its
    // normalisation, with its joiners, vowel signs and tatweel.
    let markdown = source(lang, slug);
    let body = markdown.splitn(3, "---\n").nth(2).unwrap();
    // A line break inside a paragraph is written as one space in the page (as in text.txt,
    // the text a W3C client reads), so lines are compared with their breaks as spaces.
    for paragraph in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let paragraph = paragraph.replace('\n', " ");
        assert!(
            text.contains(&paragraph),
            "{lang}: {paragraph:?} not in {text:?}"
        );
    }
    marks(&html)
}

fn expect(found: BTreeMap<String, String>, expected: &[(&str, &str)]) {
    let expected: BTreeMap<String, String> = expected
        .iter()
        .map(|(id, words)| (id.to_string(), words.to_string()))
        .collect();
    assert_eq!(found, expected);
}

/// The reading's Markdown as written, for byte checks.
fn source(lang: &str, slug: &str) -> String {
    std::fs::read_to_string(fixture(&format!(
        "languages/{lang}/content/{slug}/index.md"
    )))
    .unwrap()
}

#[test]
fn persian_quotes_typed_on_an_arabic_keyboard_mark_the_persian_words() {
    let marks = build("fa", "majlis");
    expect(
        marks,
        &[
            ("majlis", "مجلس"),
            ("tehran", "تهران"),
            // The form is typed with Arabic yeh; the text has the Persian one and a ZWNJ.
            ("khamenei", "خامنه\u{200c}ای"),
            ("velayat", "ولایت فقیه"),
            ("books", "کتاب\u{200c}های تازه\u{200c}ی کتابخانه"),
            // The text's vowel signs (kasra, sukun) are inside the mark.
            ("knowledge", "عِلْم و اخلاق"),
            // So is the tatweel that stretches a letter.
            ("headline", "«راه بـــزرگ»"),
            ("papers", "روزنامه\u{200c}ها"),
            ("can-read", "می\u{200c}تواند"),
            ("can-read→", "ولایت فقیه"),
        ],
    );
    let text = source("fa", "majlis");
    assert!(text.contains("عِلْم") && text.contains("بـــزرگ"));
}

#[test]
fn german_quotes_find_decomposed_umlauts_and_leave_them_decomposed() {
    let marks = build("de", "grundgesetz");
    let nfd = |s: &str| {
        use unicode_normalization::UnicodeNormalization;
        s.nfd().collect::<String>()
    };
    expect(
        marks,
        &[
            ("grundgesetz", "Grundgesetz"),
            ("rat", "Parlamentarische Rat"),
            ("adenauer", "Konrad Adenauer"),
            ("laender", &nfd("Länder")),
            ("interim", "Übergangszeit"),
            ("measure", &nfd("Größe dieses Maßstabs")),
            ("dignity", &nfd("Die Würde des Menschen")),
        ],
    );
    // The text's second paragraph is decomposed, and stays so in the page.
    assert!(source("de", "grundgesetz").contains(&nfd("Größe")));
}

#[test]
fn a_german_text_is_not_flooded_with_unglossed_nouns() {
    // `build` asserts no warning; the English rule would report "Mai", "Bonn",
    // "Menschen", "Anfang", "Mitglieder"…
    let text = source("de", "grundgesetz");
    assert!(text.contains("Menschen") && text.contains("Anfang"));
    build("de", "grundgesetz");
}

#[test]
fn chinese_terms_are_found_without_spaces() {
    expect(
        build("zh", "beijing"),
        &[
            ("xi", "习近平"),
            ("beijing", "北京"),
            ("pku", "北京大学"),
            ("weiming", "未名湖"),
            ("library", "图书馆"),
        ],
    );
}

#[test]
fn japanese_terms_in_kana_and_kanji_are_found_without_spaces() {
    expect(
        build("ja", "tokyo"),
        &[
            ("tokyo", "東京"),
            ("tower", "東京タワー"),
            ("sumida", "すみだ川"),
            ("asakusa", "浅草"),
            ("blossom", "桜を見た"),
        ],
    );
}

#[test]
fn two_forms_differing_only_in_normalisation_are_one_form_and_told_so() {
    let annotations = "glosses:\n  a:\n    term: Bürger\n    kind: concept\n    text: A.\n  \
                       b:\n    term: Bu\u{308}rger\n    kind: concept\n    text: B.\n";
    let dir = common::site("Die Bürger kamen.\n", annotations);
    let failure = match scholia::check(dir.path(), scholia::Options::default()) {
        Ok(_) => panic!("two glosses claim one form"),
        Err(f) => describe(&f),
    };
    assert!(failure.contains("E0113"), "{failure}");
    assert!(
        failure.contains("differ only in Unicode normalisation (NFC, NFD)"),
        "{failure}"
    );
}

#[test]
fn fix_puts_the_missing_non_joiner_into_a_persian_quote() {
    let dir = copy_site(&fixture("invalid/persian-quote-without-its-non-joiner"));
    let out = common::scholia(dir.path(), &["check", "--fix"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let file = dir.path().join("content/speech/annotations.yaml");
    let mended = std::fs::read_to_string(file).unwrap();
    assert!(
        mended.contains("مردم می\u{200c}خواهند در آرامش"),
        "{mended}"
    );
    let out = common::scholia(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0));
}

mod anchoring {
    use proptest::prelude::*;
    use scholia::annotations::anchor::{Resolution, Selector, TextIndex};
    use scholia::markdown::Document;
    use unicode_normalization::UnicodeNormalization;

    /// Words with letters that have more than one spelling: precomposed or not, Arabic
    /// or Persian keyboard, with or without vowel signs and tatweel, joined by a ZWNJ.
    const WORDS: [&str; 14] = [
        "café",
        "Straße",
        "Bürger",
        "Ἀθῆναι",
        "ẞtraße",
        "کتاب",
        "یکی",
        "می\u{200c}خواهم",
        "عِلْم",
        "بـــزرگ",
        "ولایت",
        "北京",
        "東京タワー",
        "naïve",
    ];

    /// One spelling of a word, as a keyboard, an editor or a copy might give it.
    fn variant(word: &str, how: u8) -> String {
        let keyboard = |s: &str| s.replace('ی', "ي").replace('ک', "ك");
        let bare = |s: &str| {
            s.chars()
                .filter(|c| !matches!(c, '\u{0640}' | '\u{064B}'..='\u{0652}' | '\u{0670}'))
                .collect::<String>()
        };
        match how % 5 {
            0 => word.to_owned(),
            1 => word.nfd().collect(),
            2 => word.nfc().collect(),
            3 => keyboard(&bare(word)),
            _ => keyboard(&word.nfd().collect::<String>()),
        }
    }

    proptest! {
        /// The text in one spelling per word, a stretch of it quoted in others: the quote
        /// is found once, on exactly the stretch's bytes.
        #[test]
        fn a_quote_in_any_spelling_anchors_on_the_original_span(
            words in proptest::collection::vec((0usize..WORDS.len(), 0u8..5), 3..24),
            quote_how in proptest::collection::vec(0u8..5, 24),
            from in 0usize..24,
            len in 1usize..4,
        ) {
            // Each word once: a repeated word would make the quote ambiguous, not wrong.
            let mut seen = std::collections::HashSet::new();
            let words: Vec<(usize, u8)> =
                words.into_iter().filter(|(w, _)| seen.insert(*w)).collect();
            let from = from % words.len();
            let to = (from + len).min(words.len());
            let spelt: Vec<String> = words.iter().map(|&(w, how)| variant(WORDS[w], how)).collect();
            let text = spelt.join(" ");
            let start: usize = spelt[..from].iter().map(|w| w.len() + 1).sum();
            let end = start + spelt[from..to].join(" ").len();
            let quote: Vec<String> = words[from..to]
                .iter()
                .zip(&quote_how)
                .map(|(&(w, _), &how)| variant(WORDS[w], how))
                .collect();
            let quote = quote.join(" ");
            let document = Document::parse(&text);
            // The paragraph's place in the reading text (blocks are set apart there).
            let base = document.text.find(&text).expect("the paragraph, as written");
            let (start, end) = (base + start, base + end);
            let found = TextIndex::new(&document)
                .resolve(&[Selector { quote: &quote, prefix: None, suffix: None }])
                .remove(0);
            prop_assert_eq!(found, Resolution::Found(start..end), "{:?} in {:?}", quote, text);
        }
    }
}
