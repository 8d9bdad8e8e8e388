//! Property tests of `check --fix`: annotation files whose passage is written in every
//! YAML style a passage can take (plain, single- and double-quoted, over one line or two,
//! in the short form, a block mapping or a flow mapping, literal and folded block scalars
//! with each chomping, comments before and after, indentation of two to four), with a
//! drifted quote. After the fix the file parses, the passage resolves to exactly the
//! place meant, and every byte outside the edited value is unchanged; where the quote
//! cannot be mended safely, the file is unchanged byte for byte.

mod common;

use std::fs;
use std::ops::Range;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::Config;

use scholia::annotations::anchor::{Resolution, Selector, TextIndex};
use scholia::markdown::Document;

const ANNOTATIONS: &str = "content/reading/annotations.yaml";

/// Smart punctuation turns the straight quotes into curly ones; the brackets, colon and
/// `#` are what plain YAML cannot hold.
const TEXT: &str = "The harbour froze in the winter of 1709. Ships waited at anchor for \
    weeks, and the price: 5 dollars a barrel, it was said. Issue #12 closed the port.\n\n\
    In the second year the merchants \"never again\" trusted the river, and how [sic] the \
    mayor wrote back is not known.\n";

/// Passages of `TEXT`, each found once, as an editor would quote them.
const PHRASES: &[&str] = &[
    "harbour froze in the winter",
    "waited at anchor for weeks",
    "price: 5 dollars a barrel",
    "Issue #12 closed the port",
    "merchants \"never again\" trusted",
    "how [sic] the mayor wrote",
    "the second year the merchants",
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
    Folded,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Form {
    /// `at: words`
    Short,
    /// `at:` then `quote: words` on the next line
    Block,
    /// `at: {quote: words}`
    Flow,
}

#[derive(Debug, Clone)]
struct Case {
    phrase: usize,
    drift: usize,
    in_sources: bool,
    form: Form,
    style: Style,
    chomp: &'static str,
    two_lines: bool,
    indent: usize,
    comment_before: bool,
    comment_after: bool,
    text_first: bool,
    /// A line after `quote:` in a block mapping (a prefix or suffix).
    extra: Option<&'static str>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        0..PHRASES.len(),
        any::<usize>(),
        any::<bool>(),
        prop_oneof![Just(Form::Short), Just(Form::Block), Just(Form::Flow)],
        prop_oneof![
            Just(Style::Plain),
            Just(Style::Single),
            Just(Style::Double),
            Just(Style::Literal),
            Just(Style::Folded)
        ],
        prop_oneof![Just(""), Just("-"), Just("+")],
        any::<bool>(),
        2..=4usize,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                phrase,
                drift,
                in_sources,
                form,
                style,
                chomp,
                two_lines,
                indent,
                comment_before,
                comment_after,
                text_first,
            )| {
                Case {
                    phrase,
                    drift,
                    in_sources,
                    form,
                    style,
                    chomp,
                    two_lines,
                    indent,
                    comment_before,
                    comment_after,
                    text_first,
                    extra: None,
                }
            },
        )
}

/// The phrase with one letter (not the first) changed: a quote the text drifted from.
fn drifted(phrase: &str, seed: usize) -> String {
    let letters: Vec<usize> = phrase
        .char_indices()
        .skip(1)
        .filter(|(_, c)| c.is_ascii_lowercase())
        .map(|(i, _)| i)
        .collect();
    let at = letters[seed % letters.len()];
    let old = phrase.as_bytes()[at];
    let new = if old == b'q' { 'z' } else { 'q' };
    let mut out = phrase.to_owned();
    out.replace_range(at..at + 1, &new.to_string());
    out
}

/// A scalar as YAML, and the byte range of its value in what is returned. `indent` is
/// the column of continuation and content lines.
fn scalar(words: &str, style: Style, case: &Case, indent: usize) -> (String, Range<usize>) {
    let pad = " ".repeat(indent);
    let (first, rest) = match words.split_once(' ') {
        Some((first, rest)) if case.two_lines => (first, Some(rest)),
        _ => (words, None),
    };
    let join = |open: &str, a: &str, b: Option<&str>, close: &str| match b {
        Some(b) => format!("{open}{a}\n{pad}{b}{close}"),
        None => format!("{open}{a}{close}"),
    };
    match style {
        Style::Plain => {
            let s = join("", first, rest, "");
            let len = s.len();
            (s, 0..len)
        }
        Style::Single => {
            let q = |s: &str| s.replace('\'', "''");
            let s = join("'", &q(first), rest.map(q).as_deref(), "'");
            let len = s.len();
            (s, 0..len)
        }
        Style::Double => {
            let q = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
            let s = join("\"", &q(first), rest.map(q).as_deref(), "\"");
            let len = s.len();
            (s, 0..len)
        }
        Style::Literal | Style::Folded => {
            let indicator = if style == Style::Literal { "|" } else { ">" };
            let comment = if case.comment_after {
                "  # drifted"
            } else {
                ""
            };
            let header = format!("{indicator}{}{comment}\n{pad}", case.chomp);
            let body = join("", first, rest, "");
            let start = header.len();
            (format!("{header}{body}"), start..start + body.len())
        }
    }
}

/// Words plain YAML reads back unchanged in any context.
fn plain_safe(words: &str) -> bool {
    words.starts_with(|c: char| c.is_ascii_alphabetic())
        && words.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
}

/// The annotation file for a case, and the byte range of the drifted value in it.
fn annotation_file(case: &Case, quote: &str) -> (String, Range<usize>) {
    let u = " ".repeat(case.indent);
    let mut style = case.style;
    // Block scalars cannot stand in a flow mapping; plain cannot carry every phrase.
    if case.form == Form::Flow && matches!(style, Style::Literal | Style::Folded) {
        style = Style::Double;
    }
    if style == Style::Plain && !plain_safe(quote) {
        style = Style::Single;
    }
    let mut out = String::from("# Annotations for the reading.\n");
    // The column of the passage's key (`at:` or the sequence item's dash).
    let key_column;
    let lead;
    if case.in_sources {
        out.push_str(&format!(
            "sources:\n{u}harbour:\n{u}{u}kind: book\n{u}{u}title: Annals\n"
        ));
        if case.comment_before {
            out.push_str(&format!("{u}{u}# the passage it is cited for\n"));
        }
        out.push_str(&format!("{u}{u}cited:\n{u}{u}{u}- "));
        key_column = case.indent * 3 + 2;
        lead = String::new();
    } else {
        out.push_str(&format!("notes:\n{u}ice:\n"));
        if case.text_first {
            out.push_str(&format!("{u}{u}text: A hard winter.\n"));
        }
        if case.comment_before {
            out.push_str(&format!("{u}{u}# where the note stands\n"));
        }
        out.push_str(&format!("{u}{u}at:"));
        key_column = case.indent * 2;
        lead = " ".into();
    }
    let trailing = if case.comment_after && !matches!(style, Style::Literal | Style::Folded) {
        "   # drifted"
    } else {
        ""
    };
    let range;
    match case.form {
        Form::Short => {
            out.push_str(&lead);
            let (s, r) = scalar(quote, style, case, key_column + case.indent);
            range = shift(r, out.len());
            out.push_str(&s);
            out.push_str(trailing);
            out.push('\n');
        }
        Form::Block => {
            let quote_column;
            if case.in_sources {
                quote_column = key_column;
            } else {
                quote_column = key_column + case.indent;
                out.push('\n');
                out.push_str(&" ".repeat(quote_column));
            }
            out.push_str("quote: ");
            let (s, r) = scalar(quote, style, case, quote_column + case.indent);
            range = shift(r, out.len());
            out.push_str(&s);
            out.push_str(trailing);
            out.push('\n');
            if let Some(extra) = case.extra {
                out.push_str(&format!("{}{extra}\n", " ".repeat(quote_column)));
            }
        }
        Form::Flow => {
            out.push_str(&lead);
            out.push_str(if case.two_lines {
                "{ quote: "
            } else {
                "{quote: "
            });
            let one_line = Case {
                two_lines: false,
                ..case.clone()
            };
            let (s, r) = scalar(quote, style, &one_line, 0);
            range = shift(r, out.len());
            out.push_str(&s);
            out.push_str(if case.two_lines { " }" } else { "}" });
            out.push_str(trailing);
            out.push('\n');
        }
    }
    if !case.in_sources && !case.text_first {
        out.push_str(&format!("{u}{u}text: A hard winter.\n"));
    }
    out.push_str("unglossed: [Ships, Issue, In]\n");
    (out, range)
}

fn shift(r: Range<usize>, by: usize) -> Range<usize> {
    r.start + by..r.end + by
}

/// Where a phrase of `TEXT` is in the reading text.
fn place_of(phrase: &str) -> Range<usize> {
    let document = Document::parse(TEXT);
    let index = TextIndex::new(&document);
    match &index.resolve(&[Selector {
        quote: phrase,
        prefix: None,
        suffix: None,
    }])[..]
    {
        [Resolution::Found(range)] => range.clone(),
        other => panic!("{phrase} is not once in the text: {other:?}"),
    }
}

/// The passage of the file after the fix: its quote, prefix and suffix, resolved.
fn resolved(root: &Path) -> Result<Resolution, String> {
    let site =
        scholia::content::load(root).map_err(|d| scholia::diagnostics::render_all(&d, false))?;
    let annotations = site.readings[0]
        .annotations
        .as_ref()
        .ok_or("no annotations")?;
    let file = &annotations.file;
    let passage = file
        .notes
        .iter()
        .map(|(_, n)| &n.at)
        .chain(file.sources.iter().flat_map(|(_, s)| &s.cited))
        .next()
        .ok_or("no passage")?;
    let document = Document::parse(site.readings[0].markdown());
    let index = TextIndex::new(&document);
    let resolution = index.resolve(&[Selector {
        quote: &passage.quote.value,
        prefix: passage.prefix.as_ref().map(|s| s.value.as_str()),
        suffix: passage.suffix.as_ref().map(|s| s.value.as_str()),
    }]);
    Ok(resolution.into_iter().next().unwrap())
}

fn config() -> Config {
    Config {
        cases: 160,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_drifted_quote_in_any_yaml_style_is_mended_in_place_and_nothing_else_moves(case in case()) {
        let phrase = PHRASES[case.phrase];
        let (yaml, value) = annotation_file(&case, &drifted(phrase, case.drift));
        let dir = common::site(TEXT, &yaml);
        // The file as generated is valid YAML whose passage does not resolve.
        prop_assert!(matches!(resolved(dir.path()), Ok(Resolution::NotFound)), "{yaml}");

        let outcome = scholia::fix::fix(dir.path())
            .map_err(|f| TestCaseError::fail(common::describe(&f)))?;
        let after = fs::read_to_string(dir.path().join(ANNOTATIONS)).unwrap();
        let left_alone: Vec<String> = outcome.left_alone.iter().map(|d| d.render()).collect();
        prop_assert_eq!(outcome.fixed.len(), 1, "{}\n{:?}", yaml, left_alone);

        // Every byte outside the value is as it was.
        let tail = yaml.len() - value.end;
        prop_assert!(after.len() >= value.start + tail, "{}\n---\n{}", yaml, after);
        prop_assert_eq!(&after[..value.start], &yaml[..value.start], "{}\n---\n{}", yaml, after);
        prop_assert_eq!(&after[after.len() - tail..], &yaml[value.end..], "{}\n---\n{}", yaml, after);

        // It parses, and the passage is where it was meant to be.
        prop_assert_eq!(resolved(dir.path()), Ok(Resolution::Found(place_of(phrase))), "{}", after);
        let checked = scholia::check(dir.path(), scholia::Options::default());
        prop_assert!(checked.is_ok(), "{}\n{}", after, checked.err().map(|f| common::describe(&f)).unwrap_or_default());
    }

    #[test]
    fn a_quote_that_cannot_be_mended_safely_leaves_the_file_byte_for_byte(case in case(), how in 0..3usize) {
        let phrase = PHRASES[case.phrase];
        let quote = drifted(phrase, case.drift);
        let extra = match how {
            1 => Some("prefix: nowhere near"),
            2 => Some("suffix: nowhere near"),
            _ => None,
        };
        let block = Case { form: Form::Block, in_sources: false, extra, ..case.clone() };
        let (yaml, _) = annotation_file(&block, &quote);
        // Anchored, and used again through an alias: the words are shared.
        let yaml = if how == 0 {
            yaml.replacen("quote: ", "quote: &q ", 1).replace(
                "unglossed:",
                "crossrefs:\n  back:\n    from: {quote: *q }\n    to: winter of 1709\n    note: Again.\nunglossed:",
            )
        } else {
            yaml
        };
        let dir = common::site(TEXT, &yaml);
        if scholia::content::load(dir.path()).is_err() {
            // Not a case this test is about (the generated edit made it invalid YAML).
            return Ok(());
        }
        let outcome = scholia::fix::fix(dir.path())
            .map_err(|f| TestCaseError::fail(common::describe(&f)))?;
        let after = fs::read_to_string(dir.path().join(ANNOTATIONS)).unwrap();
        prop_assert!(outcome.fixed.is_empty(), "{}\n{:?}", yaml, outcome.fixed);
        prop_assert_eq!(&after, &yaml);
    }
}
