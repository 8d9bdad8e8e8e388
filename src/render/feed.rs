//! What a published site needs beside its pages: an Atom feed, a 404 page, `robots.txt`.
//!
//! 1. [`has_feed`]: a feed is written only when `site.yaml` gives a `base_url` (Atom
//!    wants absolute IRIs, RFC 4287 §4.2.6) and at least one reading has a `date` (an
//!    entry must say when it was updated, and the build must not invent a time: the same
//!    site gives the same files).
//! 2. [`feed_xml`]: `feed.xml`, Atom 1.0, the dated readings newest first, each with its
//!    address, title, date and a summary (its subtitle, else its first sentence).
//! 3. The 404 page: a static host serves it for any missing path, at any depth, so its
//!    links cannot be relative to where it lies. Under `base_url` they are absolute;
//!    without it they start at the host's root (`/style.css`), right for a site served
//!    at the root of its host (docs/hosting.md says so).
//! 4. `robots.txt`, with the sitemap's address when there is one.
//! 5. [`warning`]: W0302 when a reading is dated but there is no `base_url`, so no feed
//!    and no canonical links can be made.

use serde::Serialize;

use super::{OutputFile, Pages, escape, part, plain_summary};
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::site::SiteIndex;

/// `rel` (a path inside the site) made absolute under `base`.
pub fn absolute(base: &str, rel: &str) -> String {
    let sep = if base.ends_with('/') { "" } else { "/" };
    format!("{base}{sep}{rel}")
}

/// Whether the site gets a feed: it has a `base_url` and a dated reading.
pub(super) fn has_feed(index: &SiteIndex) -> bool {
    index.site.config.base_url().is_some() && index.site.readings.iter().any(dated)
}

fn dated(reading: &crate::content::Reading) -> bool {
    reading.meta.date.as_ref().and_then(|d| d.date()).is_some()
}

/// What a page says it is about, in a line: the reading's subtitle, else its first
/// sentence in plain words.
pub(super) fn description(index: &SiteIndex, r: usize) -> String {
    let reading = &index.site.readings[r];
    match &reading.meta.subtitle {
        Some(subtitle) if !subtitle.trim().is_empty() => subtitle.clone(),
        _ => plain_summary(reading.markdown()),
    }
}

/// Adds the 404 page, `robots.txt` and, when the site has one, the feed.
pub(super) fn pages(index: &SiteIndex, pages: &Pages) -> Option<Diagnostic> {
    #[derive(Serialize)]
    struct NotFound {}
    let base = index.site.config.base_url();
    let root = match base {
        Some(base) => absolute(base, ""),
        None => "/".to_owned(),
    };
    let problem = pages.add_rooted(
        (part::SITEMAP, 1),
        "404.html".into(),
        (&root, None),
        "404.html",
        "404",
        NotFound {},
    );
    pages
        .sink
        .put((part::SITEMAP, 2), crate::sitemap::robots(base));
    if has_feed(index) {
        pages.sink.put((part::SITEMAP, 3), feed_xml(index));
    }
    problem
}

/// An Atom date-time for a date known to the day, month or year: its first moment, UTC.
fn atom_time(date: crate::date::PartialDate) -> Option<String> {
    let iso = date.iso()?;
    Some(match iso.len() {
        4 => format!("{iso}-01-01T00:00:00Z"),
        7 => format!("{iso}-01T00:00:00Z"),
        _ => format!("{iso}T00:00:00Z"),
    })
}

/// `feed.xml`: the dated readings, newest first. Only called when [`has_feed`].
pub fn feed_xml(index: &SiteIndex) -> OutputFile {
    let config = &index.site.config;
    let base = config.base_url().unwrap_or_default();
    let mut entries: Vec<(String, usize)> = index
        .site
        .readings
        .iter()
        .enumerate()
        .filter_map(|(r, reading)| {
            let date = reading.meta.date.as_ref()?.date()?;
            Some((atom_time(date)?, r))
        })
        .collect();
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let updated = entries.first().map(|e| e.0.clone()).unwrap_or_default();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        escape(config.language())
    ));
    xml.push_str(&format!("  <id>{}</id>\n", escape(&absolute(base, ""))));
    xml.push_str(&format!("  <title>{}</title>\n", escape(&config.title)));
    xml.push_str(&format!(
        "  <subtitle>{}</subtitle>\n",
        escape(&config.description)
    ));
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&absolute(base, "feed.xml"))
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&absolute(base, ""))
    ));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape(&config.editor)
    ));
    xml.push_str("  <generator>scholia</generator>\n");
    for (time, r) in entries {
        let reading = &index.site.readings[r];
        let url = absolute(base, &format!("{}/", reading.slug));
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <id>{}</id>\n", escape(&url)));
        xml.push_str(&format!(
            "    <title>{}</title>\n",
            escape(&reading.meta.title)
        ));
        xml.push_str(&format!("    <updated>{time}</updated>\n"));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&url)
        ));
        xml.push_str(&format!(
            "    <summary>{}</summary>\n",
            escape(&description(index, r))
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    OutputFile {
        path: "feed.xml".into(),
        contents: xml.into_bytes(),
    }
}

/// W0302: a dated reading would be in a feed, but without `base_url` there is none.
pub fn warning(site: &Site) -> Option<Diagnostic> {
    if site.config.base_url().is_some() {
        return None;
    }
    let reading = site.readings.iter().find(|r| dated(r))?;
    let date = reading.meta.date.as_ref()?;
    Some(
        Diagnostic::warning(
            "W0302",
            "the site has no `base_url`, so no feed and no canonical links are written",
        )
        .at(
            reading.meta_locator.locate(&date.written),
            "this dated reading would be in the feed",
        )
        .help(
            "add `base_url:` to site.yaml with the address the site will have, such as \
             https://example.org/readings/: an Atom feed and canonical links need absolute \
             addresses",
        ),
    )
}
