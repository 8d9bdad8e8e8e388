//! The site as a reference and as a published site: the timeline, related entries, the
//! Atom feed, the 404 page, page metadata and robots.txt (issue 10, items 2 to 4).

mod common;

use std::fs;
use std::path::Path;

use scholia::render::OutputFile;
use scraper::{Html, Selector};

const BASE: &str = "https://example.org/readings/";

fn build(root: &Path) -> (Vec<OutputFile>, scholia::Report) {
    scholia::render_site(root).unwrap_or_else(|f| panic!("{}", common::describe(&f)))
}

fn page<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
    let file = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    std::str::from_utf8(&file.contents).unwrap()
}

fn has(files: &[OutputFile], path: &str) -> bool {
    files.iter().any(|f| f.path == path)
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn attr(doc: &Html, css: &str, name: &str) -> Option<String> {
    select(doc, css)
        .first()
        .and_then(|e| e.value().attr(name))
        .map(str::to_owned)
}

/// Two readings, a dated and an undated one, and glosses with every kind of date.
fn site(base_url: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut config =
        "title: Test & Co\ndescription: A test.\nlanguage: en\neditor: Tests\n".to_owned();
    if let Some(base) = base_url {
        config.push_str(&format!("base_url: {base}\n"));
    }
    fs::write(root.join("site.yaml"), config).unwrap();
    let dated = root.join("content/dated");
    fs::create_dir_all(&dated).unwrap();
    fs::write(
        dated.join("index.md"),
        "---\ntitle: Rome <and> Carthage\nsubtitle: Two cities & a war.\ndate: 2026-02-03\n---\n\n\
         Hannibal crossed the Alps when Rome fought Carthage.\n\n\
         Later Rome and Carthage were at peace; Caesar came long after.\n\n\
         Rome alone.\n",
    )
    .unwrap();
    fs::write(
        dated.join("annotations.yaml"),
        "glosses:\n\
         \x20 hannibal:\n    term: Hannibal\n    kind: person\n    text: A Carthaginian general. More.\n    born: -247\n    died: -183\n    see: [carthage]\n\
         \x20 rome:\n    term: Rome\n    kind: place\n    text: A city in Italy.\n    start: -753\n\
         \x20 carthage:\n    term: Carthage\n    kind: place\n    text: A city in Africa.\n    see: [rome]\n\
         \x20 alps:\n    term: Alps\n    kind: place\n    text: Mountains.\n\
         \x20 caesar:\n    term: Julius Caesar\n    kind: person\n    text: A Roman.\n    born: -100\n    died: -44\n\
         \x20 war:\n    term: A modern war\n    kind: event\n    match: [fought]\n    text: An example of a span.\n    start: 1980-09-22\n    end: 1988-08\n",
    )
    .unwrap();
    let undated = root.join("content/undated");
    fs::create_dir_all(&undated).unwrap();
    fs::write(
        undated.join("index.md"),
        "---\ntitle: No date\n---\n\nThe first sentence is the summary. The second is not.\n",
    )
    .unwrap();
    dir
}

#[test]
fn the_timeline_lists_every_dated_gloss_and_reading_with_a_link_to_its_page() {
    let dir = site(None);
    let (files, _) = build(dir.path());
    let doc = Html::parse_document(page(&files, "timeline.html"));
    let links: Vec<(String, String)> = select(&doc, ".tl-rows li a")
        .iter()
        .map(|a| {
            (
                a.text().collect::<String>(),
                a.value().attr("href").unwrap().to_owned(),
            )
        })
        .collect();
    let expect = [
        ("Rome", "glossary/rome/index.html"),
        ("Hannibal", "glossary/hannibal/index.html"),
        ("Julius Caesar", "glossary/caesar/index.html"),
        ("A modern war", "glossary/war/index.html"),
        ("Rome <and> Carthage", "dated/index.html"),
    ];
    // In order of time: 753 BCE, 247 BCE, 100 BCE, 1980, 2026.
    let got: Vec<(&str, &str)> = links
        .iter()
        .map(|(t, h)| (t.as_str(), h.as_str()))
        .collect();
    assert_eq!(got, expect);
    for (_, href) in &links {
        assert!(has(&files, href), "{href} is not a page of the site");
    }
    // Undated glosses and readings are not on it.
    let text = doc.root_element().text().collect::<String>();
    assert!(
        !text.contains("Alps") && !text.contains("No date"),
        "{text}"
    );
    // Each row says its dates in words; a span is drawn as a span, a date as a point.
    assert!(text.contains("247 BCE – 183 BCE"), "{text}");
    assert!(text.contains("22 September 1980 – August 1988"), "{text}");
    assert!(text.contains("published here 3 February 2026"), "{text}");
    assert_eq!(select(&doc, ".tl-rows .tl-span").len(), 3);
    assert_eq!(select(&doc, ".tl-rows .tl-point").len(), 2);
    // The timeline is in the navigation of every page.
    let home = Html::parse_document(page(&files, "index.html"));
    assert!(select(&home, "nav a[href='timeline.html']").len() == 1);
    let entry = Html::parse_document(page(&files, "glossary/rome/index.html"));
    assert!(select(&entry, "nav a[href='../../timeline.html']").len() == 1);
}

#[test]
fn the_timeline_axis_is_broken_across_empty_centuries_and_says_so() {
    let dir = site(None);
    let (files, _) = build(dir.path());
    let doc = Html::parse_document(page(&files, "timeline.html"));
    let note = select(&doc, ".tl-note")
        .first()
        .map(|n| n.text().collect::<String>())
        .expect("a note on the axis");
    assert!(note.contains("broken"), "{note}");
    // The years named are those written: Hannibal died in 183 BCE, the war ended in 1988.
    assert!(
        note.contains("from 753 BCE to 247 BCE, from 183 BCE to 100 BCE and from 44 BCE to 1980"),
        "{note}"
    );
    // Less than 50 years lie between the war's end and the reading: no break there.
    assert!(!note.contains("from 1988"), "{note}");
    // A break is drawn in the axis and in each row.
    assert_eq!(select(&doc, ".tl-scale .tl-break").len(), 3);
    assert_eq!(select(&doc, ".tl-rows .tl-break").len(), 3 * 5);
    let labels: Vec<String> = select(&doc, ".tl-year")
        .iter()
        .map(|t| t.text().collect())
        .collect();
    // Each stretch is labelled; a narrow one with its first year.
    assert_eq!(labels.len(), 4, "{labels:?}");
    assert_eq!(labels.first().map(String::as_str), Some("753 BCE"));
    assert_eq!(labels.last().map(String::as_str), Some("1980"));
}

#[test]
fn the_timeline_drawing_is_hidden_from_assistive_technology_and_the_list_is_not() {
    let dir = site(None);
    let (files, _) = build(dir.path());
    let html = page(&files, "timeline.html");
    let doc = Html::parse_document(html);
    for svg in select(&doc, "svg") {
        let hidden = svg.value().attr("aria-hidden") == Some("true")
            || svg
                .ancestors()
                .filter_map(scraper::ElementRef::wrap)
                .any(|a| a.value().attr("aria-hidden") == Some("true"));
        assert!(hidden, "{}", svg.html());
        assert!(
            select(&doc, "svg a").is_empty(),
            "no link a reader cannot reach"
        );
    }
    // The CSP forbids style attributes; the drawing uses classes and SVG attributes.
    assert!(!html.contains(" style="), "{html}");
    assert_eq!(
        attr(&doc, "ol.tl-rows", "aria-labelledby").as_deref(),
        Some("timeline-title")
    );
    assert!(
        common::parse_errors(html).is_empty(),
        "{:?}",
        common::parse_errors(html)
    );
}

#[test]
fn a_site_without_dates_has_a_timeline_page_that_says_how_to_add_them() {
    let dir = common::site("Rome.\n", "unglossed: [Rome]\n");
    let (files, _) = build(dir.path());
    let html = page(&files, "timeline.html");
    assert!(html.contains("No entry of the glossary and no reading has a date yet"));
    assert!(!html.contains("<svg"));
}

#[test]
fn every_dated_gloss_of_the_example_is_on_its_timeline() {
    let (files, _) = build(&common::repo());
    let timeline = Html::parse_document(page(&files, "timeline.html"));
    let hrefs: Vec<String> = select(&timeline, ".tl-rows a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    let mut dated = 0;
    for file in files.iter().filter(|f| f.path.starts_with("glossary/")) {
        let doc = Html::parse_document(std::str::from_utf8(&file.contents).unwrap());
        if !select(&doc, ".entry-meta .dates").is_empty() {
            dated += 1;
            assert!(
                hrefs.contains(&file.path),
                "{} is not on the timeline",
                file.path
            );
        }
    }
    assert_eq!(hrefs.len(), dated);
    assert!(dated >= 20, "{dated}");
    // 680 (Karbala) and the 1980s are both on it, so the axis must be broken.
    let labels: Vec<String> = select(&timeline, ".tl-year")
        .iter()
        .map(|t| t.text().collect())
        .collect();
    assert!(labels.contains(&"680".to_owned()), "{labels:?}");
    assert!(!select(&timeline, ".tl-note").is_empty());
}

#[test]
fn an_entry_page_lists_its_linked_entries_and_those_met_in_the_same_paragraphs() {
    let dir = site(None);
    let (files, _) = build(dir.path());
    let doc = Html::parse_document(page(&files, "glossary/rome/index.html"));
    let items = |css: &str| -> Vec<String> {
        select(&doc, css)
            .iter()
            .map(|li| {
                li.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    // Rome names nothing in `see`; Carthage names Rome.
    assert!(items(".see").iter().all(|s| !s.starts_with("See also")));
    assert_eq!(items("ul.related-list li"), ["Carthage"]);
    // Rome shares two paragraphs with Carthage, one each with Hannibal, the Alps and
    // the war ("fought"), and none with Caesar, whom the text names only as "Caesar":
    // counted once per paragraph, most often first, then A–Z as the glossary sorts.
    assert_eq!(
        items("ol.related-list li"),
        [
            "Carthage (2 paragraphs)",
            "Alps (1 paragraph)",
            "A modern war (1 paragraph)",
            "Hannibal (1 paragraph)",
        ]
    );
    let hannibal = Html::parse_document(page(&files, "glossary/hannibal/index.html"));
    let see: Vec<String> = select(&hannibal, "p.see a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert_eq!(see, ["../../glossary/carthage/index.html"]);
}

/// The Atom namespace (RFC 4287 §2).
const ATOM: &str = "http://www.w3.org/2005/Atom";

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    node.children()
        .find(|c| c.has_tag_name((ATOM, name)))
        .unwrap_or_else(|| panic!("no atom:{name} in {:?}", node.tag_name()))
}

/// An Atom date-time (RFC 3339 as RFC 4287 §3.3 restricts it), in the form scholia writes.
fn is_date_time(text: &str) -> bool {
    let b = text.as_bytes();
    text.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z'
        && text
            .chars()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19].contains(&i) || c.is_ascii_digit())
}

#[test]
fn the_feed_is_valid_atom_with_absolute_links_under_the_base_url() {
    let dir = site(Some(BASE));
    let (files, report) = build(dir.path());
    assert!(report.warnings.iter().all(|w| w.code != "W0302"));
    let xml = page(&files, "feed.xml");
    let doc = roxmltree::Document::parse(xml).expect("the feed is well-formed XML");
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")), "{xml}");
    // RFC 4287 §4.1.1: a feed has exactly one id, title and updated, an author (or each
    // entry has one), and should have a link rel=self.
    for name in ["id", "title", "updated", "author"] {
        let count = feed
            .children()
            .filter(|c| c.has_tag_name((ATOM, name)))
            .count();
        assert_eq!(count, 1, "atom:{name}");
    }
    assert_eq!(child(feed, "id").text(), Some(BASE));
    assert_eq!(child(feed, "title").text(), Some("Test & Co"));
    assert!(is_date_time(child(feed, "updated").text().unwrap()));
    assert_eq!(child(child(feed, "author"), "name").text(), Some("Tests"));
    let self_link = feed
        .children()
        .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("self"))
        .expect("a link rel=self");
    assert_eq!(
        self_link.attribute("href"),
        Some("https://example.org/readings/feed.xml")
    );
    // The dated reading only: an entry needs a date and the build invents none.
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .collect();
    assert_eq!(entries.len(), 1);
    let entry = entries[0];
    assert_eq!(
        child(entry, "id").text(),
        Some("https://example.org/readings/dated/")
    );
    assert_eq!(child(entry, "title").text(), Some("Rome <and> Carthage"));
    assert_eq!(child(entry, "updated").text(), Some("2026-02-03T00:00:00Z"));
    assert_eq!(child(feed, "updated").text(), Some("2026-02-03T00:00:00Z"));
    assert_eq!(
        child(entry, "link").attribute("href"),
        Some("https://example.org/readings/dated/")
    );
    assert_eq!(child(entry, "summary").text(), Some("Two cities & a war."));
    // Every IRI is absolute (RFC 4287 §4.2.6, §4.2.7: no xml:base here to resolve them).
    for node in doc.descendants() {
        let iri = match node.tag_name().name() {
            "id" => node.text(),
            "link" => node.attribute("href"),
            _ => None,
        };
        if let Some(iri) = iri {
            assert!(iri.starts_with(BASE), "{iri} is not under the base_url");
        }
    }
    // Each page names the feed.
    let home = Html::parse_document(page(&files, "index.html"));
    assert_eq!(
        attr(&home, "link[type='application/atom+xml']", "href").as_deref(),
        Some("feed.xml")
    );
    let entry_page = Html::parse_document(page(&files, "glossary/rome/index.html"));
    assert_eq!(
        attr(&entry_page, "link[type='application/atom+xml']", "href").as_deref(),
        Some("../../feed.xml")
    );
}

#[test]
fn without_a_base_url_there_is_no_feed_and_check_warns_when_a_reading_is_dated() {
    let dir = site(None);
    let (files, report) = build(dir.path());
    assert!(!has(&files, "feed.xml"));
    let home = page(&files, "index.html");
    assert!(!home.contains("application/atom+xml"), "{home}");
    let warning = report
        .warnings
        .iter()
        .find(|w| w.code == "W0302")
        .expect("W0302");
    let rendered = warning.render();
    assert!(
        rendered.contains("content/dated/index.md:4:7"),
        "{rendered}"
    );
    assert!(rendered.contains("base_url"), "{rendered}");
    let check = common::scholia(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("warning[W0302]"), "{stderr}");

    // Undated readings would not be in a feed: no warning.
    let plain = common::site("Rome.\n", "unglossed: [Rome]\n");
    let (files, report) = build(plain.path());
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(!has(&files, "feed.xml"));
}

#[test]
fn a_base_url_site_with_no_dated_reading_has_no_empty_feed() {
    let dir = common::site("Rome.\n", "unglossed: [Rome]\n");
    let config = dir.path().join("site.yaml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("{text}base_url: {BASE}\n")).unwrap();
    let (files, _) = build(dir.path());
    assert!(!has(&files, "feed.xml"));
    // It still gets canonical links.
    let doc = Html::parse_document(page(&files, "reading/index.html"));
    assert_eq!(
        attr(&doc, "link[rel=canonical]", "href").as_deref(),
        Some("https://example.org/readings/reading/")
    );
}

#[test]
fn the_404_page_links_from_the_host_root_or_the_base_url_so_it_works_at_any_depth() {
    for (base, prefix) in [(None, "/"), (Some(BASE), BASE)] {
        let dir = site(base);
        let (files, _) = build(dir.path());
        let html = page(&files, "404.html");
        let doc = Html::parse_document(html);
        let mut refs: Vec<String> = Vec::new();
        for (css, name) in [("a", "href"), ("link", "href"), ("script", "src")] {
            refs.extend(
                select(&doc, css)
                    .iter()
                    .filter_map(|e| e.value().attr(name))
                    .filter(|h| !h.starts_with('#'))
                    .map(str::to_owned),
            );
        }
        assert!(refs.len() >= 8, "{refs:?}");
        for r in &refs {
            assert!(r.starts_with(prefix), "{r} in the 404 page under {base:?}");
            let path = r.strip_prefix(prefix).unwrap();
            assert!(has(&files, path), "{r} leads nowhere");
        }
        // It has no address of its own, so no canonical link.
        assert!(select(&doc, "link[rel=canonical]").is_empty());
        if let Some(sitemap) = files.iter().find(|f| f.path == "sitemap.xml") {
            let xml = std::str::from_utf8(&sitemap.contents).unwrap();
            assert!(!xml.contains("404"), "{xml}");
            assert!(xml.contains("timeline.html"), "{xml}");
        }
    }
}

#[test]
fn pages_describe_themselves_for_search_engines_and_sharing() {
    let dir = site(None);
    let (files, _) = build(dir.path());
    let meta = |path: &str, css: &str| -> String {
        let doc = Html::parse_document(page(&files, path));
        attr(&doc, css, "content").unwrap_or_else(|| panic!("no {css} in {path}"))
    };
    // A reading: its subtitle, or else its first sentence.
    assert_eq!(
        meta("dated/index.html", "meta[name=description]"),
        "Two cities & a war."
    );
    assert_eq!(
        meta("dated/index.html", "meta[property='og:description']"),
        "Two cities & a war."
    );
    assert_eq!(
        meta("dated/index.html", "meta[property='og:title']"),
        "Rome <and> Carthage"
    );
    assert_eq!(
        meta("dated/index.html", "meta[property='og:type']"),
        "article"
    );
    assert_eq!(
        meta("undated/index.html", "meta[name=description]"),
        "The first sentence is the summary."
    );
    // An entry: its one-line description.
    assert_eq!(
        meta("glossary/hannibal/index.html", "meta[name=description]"),
        "A Carthaginian general."
    );
    assert_eq!(
        meta("glossary/hannibal/index.html", "meta[property='og:title']"),
        "Hannibal"
    );
    assert_eq!(meta("index.html", "meta[property='og:type']"), "website");
    // Without a base_url, no absolute address is made up.
    for file in files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = std::str::from_utf8(&file.contents).unwrap();
        assert!(!html.contains("rel=\"canonical\""), "{}", file.path);
        assert!(!html.contains("og:url"), "{}", file.path);
    }

    let dir = site(Some("https://example.org/readings"));
    let (files, _) = build(dir.path());
    for (path, url) in [
        ("index.html", "https://example.org/readings/"),
        ("dated/index.html", "https://example.org/readings/dated/"),
        (
            "glossary/rome/index.html",
            "https://example.org/readings/glossary/rome/",
        ),
        (
            "timeline.html",
            "https://example.org/readings/timeline.html",
        ),
    ] {
        let doc = Html::parse_document(page(&files, path));
        assert_eq!(
            attr(&doc, "link[rel=canonical]", "href").as_deref(),
            Some(url)
        );
        assert_eq!(
            attr(&doc, "meta[property='og:url']", "content").as_deref(),
            Some(url)
        );
    }
}

#[test]
fn robots_txt_allows_crawling_and_names_the_sitemap_under_a_base_url() {
    let dir = site(None);
    let (files, _) = build(dir.path());
    let robots = page(&files, "robots.txt");
    assert!(robots.contains("User-agent: *\n"), "{robots}");
    assert!(!robots.contains("Sitemap"), "{robots}");

    let dir = site(Some(BASE));
    let (files, _) = build(dir.path());
    let robots = page(&files, "robots.txt");
    assert!(
        robots.contains("Sitemap: https://example.org/readings/sitemap.xml\n"),
        "{robots}"
    );
    assert!(has(&files, "sitemap.xml"));
}

#[test]
fn a_reading_known_only_by_its_originals_date_is_on_the_timeline_by_that_date() {
    let dir = common::site_with_front_matter(
        "original:\n  publication: A paper\n  date: 1863-11-19\n",
        "Four score and seven years ago.\n",
        "",
    );
    let (files, report) = build(dir.path());
    let doc = Html::parse_document(page(&files, "timeline.html"));
    let rows: Vec<String> = select(&doc, ".tl-rows li .tl-what")
        .iter()
        .map(|r| {
            r.text()
                .collect::<Vec<_>>()
                .join("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(rows, ["A reading original 19 November 1863 reading"]);
    assert_eq!(
        attr(&doc, ".tl-rows a", "href").as_deref(),
        Some("reading/index.html")
    );
    // The date of the original is no date of publication here: no feed entry, no W0302.
    assert!(report.warnings.iter().all(|w| w.code != "W0302"));
    // One item: one stretch, no break, no note.
    assert!(select(&doc, ".tl-note").is_empty());
    assert!(select(&doc, ".tl-break").is_empty());
    let labels: Vec<String> = select(&doc, ".tl-year")
        .iter()
        .map(|t| t.text().collect())
        .collect();
    assert!(labels.contains(&"1863".to_owned()), "{labels:?}");
}
