//! Local links: every relative link or image in a reading's text must point at a file of
//! the built site, or the page has a broken image or a dead link.
//!
//! 1. Take each reading's link and image destinations from its parsed Markdown.
//! 2. Leave out what is not a path of this site: a URL with a scheme (`https:`,
//!    `mailto:`), a fragment alone (`#p-3`), a path from the host's root (`/…`, which
//!    depends on where the site is hosted).
//! 3. Resolve the rest against the reading's page (`<slug>/index.html`), percent-decoded,
//!    and look it up among the built files; a folder stands for its `index.html`.
//!
//! Entry point: [`check`].

use std::collections::HashSet;

use percent_encoding::percent_decode_str;

use crate::diagnostics::{Diagnostic, Location};
use crate::site::SiteIndex;

/// A diagnostic for each relative link or image in the readings that leads to no file.
pub fn check(index: &SiteIndex, built: &[String]) -> Vec<Diagnostic> {
    let files: HashSet<&str> = built.iter().map(String::as_str).collect();
    let mut problems = Vec::new();
    for (reading, document) in index.site.readings.iter().zip(&index.documents) {
        for (destination, range) in document.links() {
            let range = range.clone();
            let Some(path) = local_path(destination) else {
                continue;
            };
            let target = resolve(&reading.slug, &path);
            let found = target.as_deref().is_some_and(|t| {
                files.contains(t)
                    || files.contains(format!("{}/index.html", t.trim_end_matches('/')).as_str())
                    || (t.is_empty() && files.contains("index.html"))
            });
            if found {
                continue;
            }
            // Point at the destination as written when it can be found in the link.
            let start = reading.body.start + range.start;
            let written = &reading.source.text[start..reading.body.start + range.end];
            let at = written
                .rfind(destination.as_str())
                .map_or(start..start + written.len(), |i| {
                    start + i..start + i + destination.len()
                });
            let beside = format!("content/{}/", reading.slug);
            problems.push(
                Diagnostic::error(
                    "E0504",
                    format!("`{destination}` is not a file of the site"),
                )
                .at(
                    Location::new(&reading.source, at),
                    match &target {
                        Some(_) => "no such file",
                        None => "this leads out of the site",
                    },
                )
                .help(match &target {
                    Some(t) if t.starts_with(&format!("{}/", reading.slug)) => format!(
                        "put the file in {beside}, beside index.md, or correct the link: it is read from the page {}/index.html",
                        reading.slug
                    ),
                    Some(t) => format!(
                        "from the page {}/index.html it leads to {t}, which the site does not have: check the name of the reading or file",
                        reading.slug
                    ),
                    None => format!(
                        "from the page {}/index.html, `../` leads to the site's root; the link climbs above it",
                        reading.slug
                    ),
                }),
            );
        }
    }
    problems
}

/// The path part of a destination that names a file of this site, percent-decoded.
fn local_path(destination: &str) -> Option<String> {
    let path = destination.split(['#', '?']).next().unwrap_or_default();
    if path.is_empty() || path.starts_with('/') || path.starts_with('\\') || has_scheme(path) {
        return None;
    }
    Some(percent_decode_str(path).decode_utf8_lossy().into_owned())
}

/// `https:`, `mailto:`, `data:` …: RFC 3986's `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`.
fn has_scheme(path: &str) -> bool {
    match path.split_once(':') {
        Some((scheme, _)) => {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// The path in the built site of `path` read from `<slug>/index.html`; `None` if it
/// climbs above the site's root. A trailing `/` is kept: it names a folder.
fn resolve(slug: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = vec![slug];
    for segment in path.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut resolved = parts.join("/");
    if path.ends_with('/') && !resolved.is_empty() {
        resolved.push('/');
    }
    Some(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_from_the_reading_page() {
        assert_eq!(resolve("a", "map.png").as_deref(), Some("a/map.png"));
        assert_eq!(
            resolve("a", "./img/map.png").as_deref(),
            Some("a/img/map.png")
        );
        assert_eq!(resolve("a", "../b/").as_deref(), Some("b/"));
        assert_eq!(resolve("a", "img//x.png").as_deref(), Some("a/img/x.png"));
        assert_eq!(
            resolve("a", "../glossary.html").as_deref(),
            Some("glossary.html")
        );
        assert_eq!(resolve("a", "..").as_deref(), Some(""));
        assert_eq!(resolve("a", "../../x.png"), None);
    }

    #[test]
    fn only_paths_of_this_site_are_checked() {
        for absolute in [
            "https://example.org/a.png",
            "mailto:a@example.org",
            "data:image/png;base64,AAAA",
            "#p-3",
            "/rooted.png",
            "//host/x.png",
            "",
        ] {
            assert_eq!(local_path(absolute), None, "{absolute}");
        }
        assert_eq!(
            local_path("my%20map.png#top").as_deref(),
            Some("my map.png")
        );
        assert_eq!(local_path("notes.pdf?v=2").as_deref(), Some("notes.pdf"));
    }
}
