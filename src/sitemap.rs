//! `sitemap.xml`, written only when `site.yaml` gives a `base_url`: the one place the
//! site needs absolute URLs. Every link inside the site stays relative.

use crate::render::OutputFile;

/// A sitemap of the site's pages, or nothing when the site has no `base_url`.
pub fn sitemap(base_url: Option<&str>, paths: &[String]) -> Option<OutputFile> {
    let base = base_url?;
    let base = if base.ends_with('/') {
        base.to_owned()
    } else {
        format!("{base}/")
    };
    let mut pages: Vec<&str> = paths
        .iter()
        .map(String::as_str)
        // The 404 page is served for missing addresses, never at its own.
        .filter(|p| p.ends_with(".html") && *p != "404.html")
        .collect();
    pages.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages {
        let page = page.strip_suffix("index.html").unwrap_or(page);
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            crate::render::escape(&format!("{base}{page}"))
        ));
    }
    xml.push_str("</urlset>\n");
    Some(OutputFile {
        path: "sitemap.xml".into(),
        contents: xml.into_bytes(),
    })
}

/// `robots.txt`: every page may be crawled; the sitemap's address when there is one.
///
/// Crawlers read `robots.txt` only at the root of a host: under a `base_url` with a path
/// (`https://example.org/readings/`) it is the host's own that counts (docs/hosting.md).
pub fn robots(base_url: Option<&str>) -> OutputFile {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if let Some(base) = base_url {
        text.push_str(&format!(
            "Sitemap: {}\n",
            crate::render::feed::absolute(base, "sitemap.xml")
        ));
    }
    OutputFile {
        path: "robots.txt".into(),
        contents: text.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str) -> String {
        path.into()
    }

    #[test]
    fn a_sitemap_lists_pages_under_the_base_url_only_when_there_is_one() {
        let files = [
            page("index.html"),
            page("a/index.html"),
            page("glossary/~rome/index.html"),
            page("style.css"),
        ];
        assert!(sitemap(None, &files).is_none());
        let xml = String::from_utf8(
            sitemap(Some("https://example.org/r"), &files)
                .unwrap()
                .contents,
        )
        .unwrap();
        assert!(xml.contains("<loc>https://example.org/r/</loc>"));
        assert!(xml.contains("<loc>https://example.org/r/a/</loc>"));
        // An entry's page, in its folder two levels down.
        assert!(xml.contains("<loc>https://example.org/r/glossary/~rome/</loc>"));
        assert!(!xml.contains("style.css"));
    }
}
