//! Anchoring through the whole pipeline: quotes find their words in the text as a reader
//! sees it, and marks never break the HTML.

mod common;

use common::{author_text, describe, fragment_errors, site, text_html};

const NOTE: &str = "    text: A note.\n";

fn note_at(selector: &str) -> String {
    format!("notes:\n  n:\n    at:\n{selector}{NOTE}")
}

/// The words inside the note's mark (all fragments), in order.
fn marked_words(html: &str) -> String {
    let doc = scraper::Html::parse_fragment(html);
    let sel = scraper::Selector::parse("[data-kind=note].mark").unwrap();
    doc.select(&sel)
        .flat_map(|e| e.text())
        .collect::<Vec<_>>()
        .join("")
}

#[test]
fn a_quote_spans_emphasis_a_link_and_smart_quotes() {
    let dir = site(
        "He said \"the *durable* peace\" of [Rome](https://example.org/) was over.\n",
        &note_at("      quote: \"said \\\"the durable peace\\\" of Rome was\"\n"),
    );
    let html = text_html(dir.path());
    assert_eq!(marked_words(&html), "said “the durable peace” of Rome was");
    assert!(
        fragment_errors(&html).is_empty(),
        "{:?}",
        fragment_errors(&html)
    );
    // The mark is split around <em> and <a>, never wrapped across their edges.
    assert!(
        html.contains("<em><span class=\"mark\" data-kind=\"note\""),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"https://example.org/\"><span"),
        "{html}"
    );
}

#[test]
fn a_repeated_phrase_needs_a_prefix_or_suffix() {
    let text = "The durable peace held. Then the durable peace broke.\n";
    let ambiguous = site(text, &note_at("      quote: durable peace\n"));
    let Err(failure) = scholia::check(ambiguous.path(), scholia::Options::default()) else {
        panic!("an ambiguous quote must fail")
    };
    let report = describe(&failure);
    assert!(report.contains("E0111"), "{report}");
    assert!(report.contains("2 times"), "{report}");

    for (selector, expected_before) in [
        (
            "      quote: durable peace\n      prefix: Then the\n",
            "Then the ",
        ),
        ("      quote: durable peace\n      suffix: held\n", "The "),
    ] {
        let dir = site(text, &note_at(selector));
        let html = text_html(dir.path());
        let at = html.find("data-kind=\"note\"").expect("a mark");
        let before = author_text(&html[..html[..at].rfind("<span").unwrap()]);
        assert!(before.ends_with(expected_before), "{selector}: {before:?}");
    }
}

#[test]
fn a_missing_quote_is_an_error_with_the_closest_passage() {
    let dir = site(
        "Rome ruled the sea.\n",
        &note_at("      quote: Rome rules the sea\n"),
    );
    let Err(failure) = scholia::check(dir.path(), scholia::Options::default()) else {
        panic!("a missing quote must fail")
    };
    let report = describe(&failure);
    assert!(report.contains("E0110"), "{report}");
    assert!(report.contains("\"Rome ruled the sea\""), "{report}");
}

#[test]
fn overlapping_marks_stay_well_formed() {
    // A source passage and a note passage overlap; a gloss sits inside both.
    let annotations = "\
glosses:
  rome:
    term: Rome
    kind: place
    text: The city.
sources:
  livy:
    kind: book
    author: Livy
    cited:
      - quote: peace of Rome held
notes:
  n:
    at: Rome held for years
    text: A note.
";
    let dir = site("The peace of Rome held for years.\n", annotations);
    let html = text_html(dir.path());
    assert!(
        fragment_errors(&html).is_empty(),
        "{:?}\n{html}",
        fragment_errors(&html)
    );
    assert_eq!(
        author_text(&html).trim(),
        "The peace of Rome held for years."
    );
    assert!(html.contains("data-kind=\"source\""));
    assert!(html.contains("data-kind=\"gloss\""));
    assert!(html.contains("data-kind=\"note\""));
}

#[test]
fn a_mark_across_element_boundaries_yields_well_formed_html() {
    let dir = site(
        "One **two *three* four** five `six seven` eight.\n",
        &note_at("      quote: two three four five six\n"),
    );
    let html = text_html(dir.path());
    let errors = fragment_errors(&html);
    assert!(errors.is_empty(), "{errors:?}\n{html}");
    assert_eq!(marked_words(&html), "two three four five six");
    assert_eq!(
        author_text(&html).trim(),
        "One two three four five six seven eight."
    );
    // Well-formed: the tags close in the reverse order they open.
    let mut stack = Vec::new();
    for tag in html.split('<').skip(1) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if ["br", "img", "hr"].contains(&name.as_str()) {
            continue;
        }
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "{html}");
        } else {
            stack.push(name);
        }
    }
}

#[test]
fn glosses_mark_the_first_occurrence_and_index_every_one() {
    let annotations = "\
glosses:
  rome:
    term: Rome
    kind: place
    text: The city.
";
    let dir = site("Rome and Rome and Romeo.\n", annotations);
    let html = text_html(dir.path());
    assert_eq!(
        html.matches("class=\"mark\" data-kind=\"gloss\"").count(),
        1,
        "{html}"
    );
    let glossary = {
        let (files, _) = scholia::render_site(dir.path()).unwrap();
        let page = files
            .iter()
            .find(|f| f.path == "glossary/rome/index.html")
            .unwrap();
        String::from_utf8(page.contents.clone()).unwrap()
    };
    assert!(glossary.contains("Mentioned 2 times"), "Romeo is not Rome");

    let all = annotations.replace("text: The city.", "text: The city.\n    mark: all");
    let dir = site("Rome and Rome and Romeo.\n", &all);
    let html = text_html(dir.path());
    assert_eq!(
        html.matches("class=\"mark\" data-kind=\"gloss\"").count(),
        2
    );
}

/// The report of a check that must fail.
fn failed_check(dir: &tempfile::TempDir) -> String {
    match scholia::check(dir.path(), scholia::Options::default()) {
        Err(failure) => describe(&failure),
        Ok(_) => panic!("the check must fail"),
    }
}

const GETTYSBURG: &str = "We can not dedicate, we can not consecrate this ground. \
It is for us the living, rather, to be dedicated here to the unfinished work.\n";

#[test]
fn a_quote_inside_a_word_is_an_error() {
    // `dedicate` with the prefix `be` fits only the front of "dedicated".
    let dir = site(
        GETTYSBURG,
        &note_at("      quote: dedicate\n      prefix: be\n"),
    );
    let report = failed_check(&dir);
    assert!(report.contains("E0160"), "{report}");
    assert!(
        report.contains("\"dedicated\""),
        "names the whole word: {report}"
    );
    assert!(report.contains("line 5"), "says where: {report}");
}

#[test]
fn places_inside_words_are_not_candidates() {
    // One whole "dedicate" and four inside "dedicated": one place, no ambiguity.
    let text = "They dedicated it; we dedicated it; you dedicated it; all dedicated. \
We dedicate this.\n";
    let dir = site(text, &note_at("      quote: dedicate\n"));
    let html = text_html(dir.path());
    assert_eq!(marked_words(&html), "dedicate");
    let before = author_text(&html[..html.find("data-kind=\"note\"").unwrap()]);
    assert!(before.ends_with("all dedicated. We "), "{before:?}");

    // Two whole places and the inside ones: two candidates, not six.
    let text = format!("{text}And again we dedicate it.\n");
    let dir = site(&text, &note_at("      quote: dedicate\n"));
    let report = failed_check(&dir);
    assert!(report.contains("2 times"), "{report}");
}

#[test]
fn word_boundaries_follow_unicode_not_ascii() {
    // A decomposed é (e + U+0301 COMBINING ACUTE) is one letter, as its composed form
    // is: `cafe` is not in "café" at all; a possessive's apostrophe ends a word: `Rome`
    // is in "Rome’s".
    let dir = site(
        "The cafe\u{301} of Rome’s forum.\n",
        &note_at("      quote: cafe\n"),
    );
    let report = failed_check(&dir);
    assert!(report.contains("E0110"), "{report}");
    assert!(report.contains("[-cafe-] {+cafe\u{301}+}"), "{report}");

    let annotations = "\
glosses:
  cafe:
    term: cafe
    kind: concept
    text: A place.
  rome:
    term: Rome
    kind: place
    text: The city.
";
    let dir = site("The cafe\u{301} of Rome’s forum.\n", annotations);
    let (files, report) = scholia::render_site(dir.path()).unwrap();
    let page = files
        .iter()
        .find(|f| f.path == "reading/index.html")
        .unwrap();
    let html = String::from_utf8(page.contents.clone()).unwrap();
    assert_eq!(
        html.matches("class=\"mark\" data-kind=\"gloss\"").count(),
        1,
        "{html}"
    );
    let warnings = scholia::diagnostics::render_all(&report.warnings, false);
    assert!(
        warnings.contains("the gloss `cafe` is found in no reading"),
        "{warnings}"
    );
}

#[test]
fn a_drifted_quote_is_looked_for_after_its_prefix_first() {
    // The quote was meant after "Carthage" (where the text says "Sea"); the same words
    // stand exactly after "Rome", where the prefix does not fit.
    let dir = site(
        "Rome ruled the sea for a while. Then Carthage ruled the Sea for longer.\n",
        &note_at("      quote: ruled the sea\n      prefix: Carthage\n"),
    );
    let report = failed_check(&dir);
    assert!(report.contains("E0110"), "{report}");
    assert!(report.contains("\"ruled the Sea\""), "{report}");
    assert!(report.contains("right after the prefix"), "{report}");
    assert!(!report.contains("check the prefix"), "{report}");
}

#[test]
fn a_quote_with_a_wrong_prefix_is_told_where_the_quote_is() {
    let dir = site(
        "Rome ruled the sea for a while.\n",
        &note_at("      quote: ruled the sea\n      prefix: Carthage\n"),
    );
    let report = failed_check(&dir);
    assert!(report.contains("E0110"), "{report}");
    assert!(
        report.contains("the prefix `Carthage` is not in the text"),
        "{report}"
    );
    assert!(
        report.contains("the words before it are \"Rome\""),
        "{report}"
    );
}

#[test]
fn a_quote_across_two_paragraphs_is_told_quotes_stay_in_one() {
    let dir = site(
        "One two three.\n\nFour five six.\n",
        &note_at("      quote: two three. Four five\n"),
    );
    let report = failed_check(&dir);
    assert!(report.contains("E0110"), "{report}");
    assert!(
        report.contains(
            "quotes stay within one paragraph: the quote runs from paragraph 1 into paragraph 2"
        ),
        "{report}"
    );
    assert!(
        !report.contains('\u{2029}'),
        "no invisible separator: {report}"
    );
}

#[test]
fn warnings_are_shown_with_errors() {
    let dir = site(
        "Rome ruled the sea. Then Hannibal Barca crossed the Alps.\n",
        &note_at("      quote: Rome rules the sea\n"),
    );
    let report = failed_check(&dir);
    assert!(report.contains("E0110"), "{report}");
    assert!(report.contains("W0204"), "{report}");
    assert!(report.contains("1 error and 2 warnings"), "{report}");
}

#[test]
fn a_quote_repeated_many_times_lists_ten_places_and_counts_the_rest() {
    // Each place is told apart by the word before it, so every listed place gets a prefix.
    let text: String = (0..40)
        .map(|i| format!("w{i} the quiet harbour."))
        .collect::<Vec<_>>()
        .join(" ");
    let dir = site(
        &format!("{text}\n"),
        &note_at("      quote: the quiet harbour\n"),
    );
    let Err(failure) = scholia::check(dir.path(), scholia::Options::default()) else {
        panic!("an ambiguous quote must fail")
    };
    let report = describe(&failure);
    assert!(report.contains("40 times"), "{report}");
    assert_eq!(
        report.matches("⟨the quiet harbour⟩").count(),
        10,
        "{report}"
    );
    assert!(report.contains("`prefix: \"w9\"`"), "{report}");
    assert!(!report.contains("`prefix: \"w10\"`"), "{report}");
    assert!(report.contains("and 30 more places not listed"), "{report}");
}

/// The glossary shows each mention in up to eight words either side, within its paragraph:
/// the words are taken from around the mention, never by splitting the whole paragraph
/// (a gloss mentioned 2,000 times in one long paragraph took seconds).
#[test]
fn a_glossary_mention_is_shown_in_its_words_within_its_paragraph() {
    let long: Vec<String> = (0..2000).map(|i| format!("w{i} Rome")).collect();
    let markdown = format!(
        "One two three four five six seven eight nine ten Rome eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen.\n\nRome was at the start.\n\n{}.\n",
        long.join(" ")
    );
    let dir = site(
        &markdown,
        "glosses:\n  rome:\n    term: Rome\n    kind: place\n    text: The city.\n    mark: all\n",
    );
    let (files, _) = scholia::render_site(dir.path()).unwrap();
    // The mentions in context are on the entry's own page.
    let glossary = files
        .iter()
        .find(|f| f.path == "glossary/rome/index.html")
        .unwrap();
    let glossary = String::from_utf8(glossary.contents.clone()).unwrap();
    for context in [
        "… four five six seven eight nine ten <b>Rome</b> eleven twelve thirteen fourteen fifteen sixteen seventeen …",
        "<b>Rome</b> was at the start.<",
        "</a> w0 <b>Rome</b> w1 Rome w2 Rome w3 Rome w4 …<",
        "… w1996 Rome w1997 Rome w1998 Rome w1999 <b>Rome</b>.<",
    ] {
        assert!(glossary.contains(context), "{context}");
    }
}
