//! Checks of single values an editor writes: dates, web addresses, and the Markdown of
//! glosses, notes and front matter. Used by [`super::define`] and [`super::refer`].

use crate::date::{DateError, WrittenDate};
use crate::diagnostics::{Diagnostic, Location};
use crate::sanitize::{self, Unsafe};
use crate::yaml::{Locator, Spanned};

/// An absolute http(s) address with a host name ([`WebUrl`](crate::names::WebUrl)).
pub fn is_web_address(url: &str) -> bool {
    crate::names::WebUrl::parse(url).is_some()
}

/// A date must be a real day, month or year of the calendar ([`PartialDate`](crate::date::PartialDate)); it was
/// parsed at load ([`WrittenDate`]), and is reported here beside the site's other problems.
pub fn check_date(date: &WrittenDate, locator: &Locator, problems: &mut Vec<Diagnostic>) {
    let WrittenDate {
        written: date,
        read,
    } = date;
    match read {
        Ok(_) => {}
        Err(DateError::Form) => problems.push(
            Diagnostic::error(
                "E0114",
                format!("`{}` is not a date scholia reads", date.value),
            )
            .at(locator.locate(date), "expected YYYY, YYYY-MM or YYYY-MM-DD")
            .help(
                "write the date as 1939, 1939-04 or 1939-04-19; leave it out when it is not known",
            ),
        ),
        Err(DateError::Calendar(reason)) => problems.push(
            Diagnostic::error("E0180", format!("`{}` is not a real date", date.value))
                .at(locator.locate(date), reason)
                .help(format!(
                    "write a date of the calendar as {} (1939, 1939-04, 1939-04-19; -44 for 44 BCE); leave out what is not known",
                    crate::date::FORMS
                )),
        ),
    }
}

/// The editor's Markdown holds nothing that would be published otherwise than written:
/// no raw HTML, no link to an address other than http(s), mailto or relative, no image
/// ([`crate::sanitize`]).
pub fn check_markdown(
    text: &Spanned<String>,
    what: &str,
    locator: &Locator,
    problems: &mut Vec<Diagnostic>,
) {
    for problem in sanitize::problems(&text.value) {
        let (code, message, label, help, fragment) = match &problem {
            Unsafe::Html(html) => (
                "E0181",
                format!("raw HTML in {what}: `{}`", sanitize::excerpt(html)),
                "annotations are Markdown without HTML",
                "write Markdown instead (*emphasis*, **strong**, [words](https://…)); to show a tag as text, put it in backticks: `<kbd>`",
                html,
            ),
            Unsafe::Link(url) => (
                "E0182",
                format!("a link in {what} goes to `{}`", sanitize::excerpt(url)),
                "not an http(s), mailto or relative address",
                "link to an https:// address, a mailto: address or a page of this site; other schemes (javascript:, data:, file: …) are refused",
                url,
            ),
            Unsafe::Image(url) => (
                "E0183",
                format!("an image in {what}: `{}`", sanitize::excerpt(url)),
                "annotations hold words and links, not images",
                "link to the image instead: [what it shows](https://…)",
                url,
            ),
        };
        problems.push(
            Diagnostic::error(code, message)
                .at(within(text, fragment, locator), label)
                .help(help),
        );
    }
}

/// Where a piece of a YAML string value is: the piece itself when the value's lines hold
/// it exactly once (plain and block scalars mostly do), else the whole value. Quoting,
/// escapes and entities can make the two differ, so this never guesses.
fn within(value: &Spanned<String>, piece: &str, locator: &Locator) -> Location {
    let whole = locator.locate(value);
    let file = whole.file.text.as_str();
    let start = whole.range.start;
    // A span that does not fall on the file's characters is shown as it is.
    let (Some(before), Some(after)) = (file.get(..start), file.get(start..)) else {
        return whole;
    };
    // The value runs on over the lines indented deeper than the line it starts on (a
    // block scalar's span may cover only its `|` or `>`).
    let indent = indentation(&file[before.rfind('\n').map_or(0, |i| i + 1)..]);
    let mut end = after.find('\n').map_or(file.len(), |i| start + i + 1);
    for line in file[end..].split_inclusive('\n') {
        if !line.trim().is_empty() && indentation(line) <= indent {
            break;
        }
        end += line.len();
    }
    let Some(region) = file.get(start..end.max(whole.range.end).min(file.len())) else {
        return whole;
    };
    let first = piece.lines().next().unwrap_or_default().trim();
    let mut found = region.match_indices(first);
    match (first.is_empty(), found.next(), found.next()) {
        (false, Some((at, _)), None) => {
            Location::new(&whole.file, start + at..start + at + first.len())
        }
        _ => whole,
    }
}

fn indentation(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
}
