//! Explain: what a passage that did not anchor is told, and where. Used by
//! [`super::anchor`] and [`super::mention`].
//!
//! - [`not_found`]: a quote inside words, a quote that drifted (the closest passage, the
//!   difference, with any invisible character named, a fix `check --fix` can apply), a
//!   wrong prefix or suffix;
//! - [`ambiguous`]: each place, and the context that would choose it;
//! - [`unmarkable`]: a quote only where no mark can go;
//! - [`raw_html_problem`] and [`text_location`]: places of a reading's text in its file.

use std::ops::Range;

use crate::annotations::anchor::{Context, Resolution, Selector, TextIndex};
use crate::annotations::fold::{differs_only_in, invisible_name, show_invisible};
use crate::annotations::model::Passage;
use crate::content::Reading;
use crate::diagnostics::{Diagnostic, Fix, Location};
use crate::markdown::Document;
use crate::yaml::{Locator, Spanned};

/// Raw HTML that is not balanced, as a diagnostic on the reading's Markdown.
pub fn raw_html_problem(
    reading: &Reading,
    problem: &crate::markdown::rawhtml::Problem,
) -> Diagnostic {
    // Offsets come from the Markdown parser's events; kept inside the body and on
    // character boundaries whatever they are.
    let text = &reading.source.text;
    let offset = |o: usize| {
        let mut o = (reading.body.start + o).min(reading.body.end);
        while !text.is_char_boundary(o) {
            o -= 1;
        }
        o
    };
    let at = |range: &Range<usize>| {
        let start = offset(range.start);
        Location::new(&reading.source, start..offset(range.end).max(start))
    };
    let mut d = Diagnostic::error(problem.code, problem.message.clone())
        .at(at(&problem.range), problem.label.clone())
        .help(problem.help.clone());
    if let Some((range, label)) = &problem.related {
        d = d.related(at(range), label.clone());
    }
    d
}

pub fn unmarkable(
    passage: &Passage,
    locator: &Locator,
    reading: &Reading,
    document: &Document,
    place: &Range<usize>,
) -> Diagnostic {
    Diagnostic::error(
        "E0174",
        format!(
            "the quote is in the text of `{}` only where no mark can go",
            reading.slug
        ),
    )
    .at(locator.locate(&passage.quote), "cannot be marked")
    .related(
        text_location(reading, document, place),
        "inside an image's alt text (or raw HTML such as <textarea>)",
    )
    .help("a mark cannot go inside an attribute or a form control: quote words of the text around it instead")
}

/// Where a range of a reading's text stands in its `index.md`.
pub fn text_location(reading: &Reading, document: &Document, range: &Range<usize>) -> Location {
    let start = reading.body.start + document.source_offset(range.start);
    let end = reading.body.start + document.source_offset(range.end.saturating_sub(1)) + 1;
    Location::new(&reading.source, start..end.max(start))
}

pub fn not_found(
    passage: &Passage,
    locator: &Locator,
    reading: &Reading,
    text: &TextIndex,
) -> Diagnostic {
    use crate::annotations::anchor::{Near, normalize};
    use crate::markdown::BLOCK_SEPARATOR;

    let quote = &passage.quote.value;
    let location = locator.locate(&passage.quote);
    if normalize(quote).is_empty() {
        return Diagnostic::error("E0112", "an empty quote matches nothing")
            .at(location, "empty")
            .help("quote the words of the text this annotation is about");
    }
    let document = text.document;
    let path = reading.source.path.display();
    let line_of = |at: usize| {
        reading
            .source
            .line_col(reading.body.start + document.source_offset(at))
            .0
    };
    let selector = Selector {
        quote,
        prefix: passage.prefix.as_ref().map(|s| s.value.as_str()),
        suffix: passage.suffix.as_ref().map(|s| s.value.as_str()),
    };
    let cuts = text.inside_words(&selector);
    if !cuts.is_empty() {
        let mut d = Diagnostic::error(
            "E0160",
            format!(
                "the quote is in the text of `{}` only inside words",
                reading.slug
            ),
        )
        .at(location, "starts or ends inside a word");
        for (place, words) in &cuts {
            let word = &document.text[words.clone()];
            d = d.help(format!(
                "on line {} of {path}, \"{}\" cuts the word \"{word}\"",
                line_of(place.start),
                &document.text[place.clone()],
            ));
            // A joiner or non-joiner keeps a word whole though it looks like two.
            let joiners: Vec<String> = word
                .chars()
                .filter(|c| !quote.contains(*c))
                .filter_map(invisible_name)
                .collect();
            if let Some(joiner) = joiners.first() {
                d = d.help(format!(
                    "\"{word}\" is one word: {joiner} joins it, invisibly ({})",
                    show_invisible(word)
                ));
            }
        }
        return d
            .help("a quote begins and ends on whole words: quote each word it touches in full");
    }
    let with_context = passage.prefix.is_some() || passage.suffix.is_some();
    let mut d = Diagnostic::error(
        "E0110",
        format!("the quote is not in the text of `{}`", reading.slug),
    )
    .at(
        location,
        if with_context {
            "not found with this prefix/suffix"
        } else {
            "not found"
        },
    );
    let closest = text.closest_to(&selector).filter(|c| c.similarity >= 0.5);
    if let Some(closest) = &closest {
        let raw = &document.text[closest.range.clone()];
        let crosses = raw.contains(BLOCK_SEPARATOR);
        // The separator is invisible: show where one paragraph ends and the next begins.
        let passage_text = &raw.replace(BLOCK_SEPARATOR, " ¶ ");
        let line = line_of(closest.range.start);
        if closest.distance == 0 && !crosses && with_context {
            // The quote is right; the words around it are not.
            let words = |s: &Option<Spanned<String>>| {
                s.as_ref()
                    .map_or(0, |s| normalize(&s.value).split(' ').count())
            };
            let (before, after) = text.words_around(
                &closest.range,
                words(&passage.prefix),
                words(&passage.suffix),
            );
            let mut around = Vec::new();
            if passage.prefix.is_some() {
                around.push(format!("the words before it are \"{before}\""));
            }
            if passage.suffix.is_some() {
                around.push(format!("the words after it are \"{after}\""));
            }
            d = d.help(format!(
                "the quote is on line {line} of {path}, where {}",
                around.join(" and ")
            ));
        } else {
            let near = match closest.near {
                Some(Near::Prefix) => "right after the prefix, ",
                Some(Near::Suffix) => "right before the suffix, ",
                Some(Near::Both) => "between the prefix and the suffix, ",
                None => "",
            };
            d = d.help(format!(
                "{near}the closest passage ({:.0}% alike) is on line {line} of {path}: \"{passage_text}\"",
                closest.similarity * 100.0,
            ));
            if crosses {
                let block = |at: usize| match document.block_at(at) {
                    Some(b) => match document.blocks[b].paragraph {
                        Some(n) => format!("paragraph {n}"),
                        None => format!("the block on line {}", line_of(at)),
                    },
                    None => format!("line {}", line_of(at)),
                };
                d = d.help(format!(
                    "quotes stay within one paragraph: the quote runs from {} into {}; annotate each part on its own",
                    block(closest.range.start),
                    block(closest.range.end - 1)
                ));
            } else if closest.distance > 0 {
                // Two strings that look the same: name what the reader cannot see.
                if let Some(difference) = differs_only_in(quote, raw) {
                    d = d.help(difference.explain());
                }
                d = d.help(format!(
                    "the difference, quote to text: {}",
                    crate::annotations::anchor::word_diff(quote, passage_text)
                ));
            }
        }
        let unique = matches!(
            text.resolve(&[Selector {
                quote: passage_text,
                prefix: None,
                suffix: None
            }])[..],
            [Resolution::Found(_)]
        );
        // Words found at several places are still one place with the editor's own prefix
        // or suffix, when these pick out the passage found.
        let unique = unique
            || (with_context
                && matches!(
                    &text.resolve(&[Selector {
                        quote: passage_text,
                        prefix: passage.prefix.as_ref().map(|s| s.value.as_str()),
                        suffix: passage.suffix.as_ref().map(|s| s.value.as_str()),
                    }])[..],
                    [Resolution::Found(r)] if *r == closest.range
                ));
        // With a prefix or suffix too: `--fix` proves the mended passage resolves, context
        // and all, before it writes. A quote across paragraphs has no one place to become.
        if closest.clear && closest.similarity >= FIX_SIMILARITY && unique && !crosses {
            // One line: matching treats any run of white space as one space.
            let words = passage_text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            d = d.with_fix(Fix {
                at: locator.locate(&passage.quote),
                summary: format!(
                    "{}: the quote now reads \"{words}\", as line {line} of {} does",
                    locator.locate(&passage.quote),
                    reading.source.path.display()
                ),
                quote: words,
                reading: reading.slug.to_string(),
                place: closest.range.clone(),
            });
        }
    } else {
        d = d.help(format!(
            "copy the words from {path} as a reader sees them (without Markdown syntax)",
        ));
    }
    // Say which context is wrong, rather than "check them" when they are right.
    let mut context_found = true;
    for (what, context) in [("prefix", &passage.prefix), ("suffix", &passage.suffix)] {
        if let Some(context) = context
            && !text.contains(&context.value)
        {
            context_found = false;
            d = d.help(format!(
                "the {what} `{}` is not in the text: it must be the words just {} the quote",
                context.value,
                if what == "prefix" { "before" } else { "after" }
            ));
        }
    }
    if with_context && context_found && closest.as_ref().is_none_or(|c| c.near.is_none()) {
        d = d.help("check the prefix and suffix too: they must be the words just before and after");
    }
    d
}

/// How alike a drifted quote and a passage must be for `check --fix` to rewrite it.
const FIX_SIMILARITY: f64 = 0.75;

pub fn ambiguous(
    passage: &Passage,
    locator: &Locator,
    reading: &Reading,
    text: &TextIndex,
    places: &[Range<usize>],
) -> Diagnostic {
    let mut d = Diagnostic::error(
        "E0111",
        format!(
            "the quote is in the text of `{}` {} times",
            reading.slug,
            places.len()
        ),
    )
    .at(locator.locate(&passage.quote), "found more than once");
    let document = text.document;
    // Each place by line and column and in its words: a one-line paragraph holds many.
    // Only the first few: past a dozen, a list helps no one and costs time on every save.
    let listed = places.len().min(LISTED_PLACES);
    for (place, context) in places.iter().zip(text.disambiguate_first(places, listed)) {
        let (line, column) = reading
            .source
            .line_col(reading.body.start + document.source_offset(place.start));
        let block = document.block_at(place.start);
        let near = match block.and_then(|b| document.blocks[b].paragraph) {
            Some(n) => format!("in paragraph {n}, "),
            None => "at ".to_owned(),
        };
        let bounds = block.map_or(0..document.text.len(), |b| document.blocks[b].text.clone());
        let choose = |key: &str, words: &str, present: bool| {
            format!(
                "to choose it, {} `{key}: {}`",
                if present { "make it" } else { "add" },
                crate::yaml::double_quoted(words)
            )
        };
        let choose = match context {
            Some(Context::Prefix(p)) => choose("prefix", &p, passage.prefix.is_some()),
            Some(Context::Suffix(s)) => choose("suffix", &s, passage.suffix.is_some()),
            None => "no nearby words tell it apart: quote more of the text".to_owned(),
        };
        d = d.help(format!(
            "{near}{}:{line}:{column}: {} — {choose}",
            reading.source.path.display(),
            in_context(&document.text, bounds, place.clone())
        ));
    }
    if places.len() > listed {
        d = d.help(format!(
            "and {} more places not listed: quote more words of the one you mean",
            places.len() - listed
        ));
    }
    d.help("`check --fix` does not choose among these places: add the prefix or suffix of the one you mean")
}

/// How many places of a repeated quote its error lists.
const LISTED_PLACES: usize = 10;

/// A place of the reading text with up to three words either side, within its block:
/// `…what we say ⟨here⟩, but can…`.
fn in_context(text: &str, block: Range<usize>, place: Range<usize>) -> String {
    const WORDS: usize = 3;
    let block = block.start.min(place.start)..block.end.max(place.end);
    let before = &text[block.start..place.start];
    let after = &text[place.end..block.end];
    let is_space = |c: char| c.is_whitespace();
    let starts: Vec<usize> = before
        .char_indices()
        .filter(|&(i, c)| !is_space(c) && before[..i].chars().next_back().is_none_or(is_space))
        .map(|(i, _)| i)
        .collect();
    let (lead, from) = match starts.len().checked_sub(WORDS) {
        Some(k) if k > 0 => ("…", starts[k]),
        _ => ("", 0),
    };
    let ends: Vec<usize> = after
        .char_indices()
        .filter(|&(i, c)| {
            !is_space(c)
                && after[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(is_space)
        })
        .map(|(i, c)| i + c.len_utf8())
        .collect();
    let (to, trail) = match ends.get(WORDS - 1) {
        Some(&end) if ends.len() > WORDS => (end, "…"),
        _ => (after.len(), ""),
    };
    // Soft line breaks and runs of spaces read as one space.
    let squash = |s: &str| {
        let mut out = String::new();
        for c in s.chars() {
            if !is_space(c) {
                out.push(c);
            } else if !out.ends_with(' ') {
                out.push(' ');
            }
        }
        out
    };
    format!(
        "{lead}{}⟨{}⟩{}{trail}",
        squash(&before[from..]),
        squash(&text[place]),
        squash(&after[..to])
    )
}
