//! The built site as a whole: the example reading, valid HTML, links that resolve, a
//! committed public/ that a fresh build reproduces, and builds that lose nothing.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use common::{author_text, files_under, fixture, parse_errors, repo, scholia, shared};

fn build_into(root: &Path, out: &Path) {
    let result = scholia(root, &["build", "--output", out.to_str().unwrap()]);
    assert_eq!(
        result.status.code(),
        Some(0),
        "build failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
}

fn example_build() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_into(&repo(), &out);
    (dir, out)
}

const READING: &str = "khamenei-and-the-prospect-of-war/index.html";

#[test]
fn a_fresh_build_reproduces_the_committed_public_folder_byte_for_byte() {
    let (_dir, out) = example_build();
    let fresh = files_under(&out);
    let committed = files_under(&repo().join("public"));
    let names = |m: &BTreeMap<PathBuf, Vec<u8>>| m.keys().cloned().collect::<BTreeSet<_>>();
    assert_eq!(names(&fresh), names(&committed), "the same files");
    // The manifest is compared as any file: it lists the same files in the same order.
    assert!(committed.contains_key(Path::new(".scholia-manifest")));
    for (path, bytes) in &fresh {
        assert!(
            committed[path] == *bytes,
            "{} differs from a fresh build: run `cargo run -- build` and commit public/",
            path.display()
        );
    }
}

#[test]
fn every_page_parses_as_html_without_errors() {
    let (_dir, out) = example_build();
    let mut pages = 0;
    for (path, bytes) in files_under(&out) {
        if path.extension().is_some_and(|e| e == "html") {
            pages += 1;
            let errors = parse_errors(std::str::from_utf8(&bytes).unwrap());
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        }
    }
    assert!(pages >= 4, "home, reading, glossary, sources");
    // The pages of entries are among them, so this test and the link test cover them.
    let under = |folder: &str| {
        files_under(&out)
            .keys()
            .filter(|p| p.starts_with(folder) && p.ends_with("index.html"))
            .count()
    };
    assert!(
        under("glossary") > 10 && under("sources") > 3,
        "entry pages"
    );
}

#[test]
fn every_internal_link_and_fragment_resolves() {
    let (_dir, out) = example_build();
    let files = files_under(&out);
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let id_selector = scraper::Selector::parse("[id]").unwrap();
    let link_selector = scraper::Selector::parse("[href], [src], [popovertarget]").unwrap();
    for (path, bytes) in &files {
        if path.extension().is_some_and(|e| e == "html") {
            let doc = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
            ids.insert(
                path.clone(),
                doc.select(&id_selector)
                    .map(|e| e.value().attr("id").unwrap().to_owned())
                    .collect(),
            );
        }
    }
    let mut checked = 0;
    for (path, bytes) in &files {
        // The 404 page is served at addresses it cannot know: its links start at the
        // host's root on purpose (tests/reference.rs checks they lead to the site's files).
        if path.extension().is_none_or(|e| e != "html") || path == Path::new("404.html") {
            continue;
        }
        let doc = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
        for element in doc.select(&link_selector) {
            let value = element.value();
            if let Some(target) = value.attr("popovertarget") {
                assert!(
                    ids[path].contains(target),
                    "{}: popover {target}",
                    path.display()
                );
                continue;
            }
            let link = value.attr("href").or_else(|| value.attr("src")).unwrap();
            if link.starts_with("http://") || link.starts_with("https://") {
                continue;
            }
            assert!(
                !link.starts_with('/'),
                "{}: {link} is not relative",
                path.display()
            );
            let (file, fragment) = link.split_once('#').unwrap_or((link, ""));
            let target = if file.is_empty() {
                path.clone()
            } else {
                normalize(&path.parent().unwrap().join(file))
            };
            assert!(
                files.contains_key(&target),
                "{}: {link} → no file",
                path.display()
            );
            if !fragment.is_empty() {
                assert!(
                    ids.get(&target).is_some_and(|set| set.contains(fragment)),
                    "{}: {link} → no #{fragment}",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn the_example_reading_holds_every_paragraph_of_the_article_verbatim() {
    let Some(shared) = shared() else {
        common::skip("../shared is not beside this checkout, so article.txt cannot be compared");
        return;
    };
    let article = fs::read_to_string(shared.join("source-text/article.txt")).unwrap();
    let (_dir, out) = example_build();
    let html = fs::read_to_string(out.join(READING)).unwrap();
    let start = html.find("<div class=\"text\">").unwrap();
    let end = html.find("<section class=\"notes\"").unwrap();
    let text = author_text(&html[start..end]);
    let lines: Vec<&str> = article.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 13);
    for line in &lines {
        assert_eq!(text.matches(line).count(), 1, "not verbatim once: {line}");
    }
    // Line 2 is the pull quote: shown once, as an aside, and not as a paragraph. Its
    // words are drawn by the stylesheet from `data-quote`, so that the page's text holds
    // the article once (as the export's selectors count it).
    let doc = scraper::Html::parse_document(&html);
    let asides: Vec<String> = doc
        .select(&scraper::Selector::parse("aside.pullquote").unwrap())
        .map(|a| a.value().attr("data-quote").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(asides, vec![lines[1].to_owned()]);
    let paragraphs = doc
        .select(&scraper::Selector::parse(".text > p").unwrap())
        .count();
    assert_eq!(paragraphs, 12);
}

#[test]
fn the_example_reading_has_the_annotations_the_demo_promises() {
    let (files, report) = scholia::render_site(&repo()).expect("the example builds");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let html = files.iter().find(|f| f.path == READING).unwrap();
    let doc = scraper::Html::parse_document(std::str::from_utf8(&html.contents).unwrap());
    let count = |kind: &str| {
        doc.select(&scraper::Selector::parse(&format!(".endnote[data-kind={kind}]")).unwrap())
            .count()
    };
    assert!(count("gloss") >= 35, "glosses: {}", count("gloss"));
    assert!(count("source") >= 5, "sources: {}", count("source"));
    assert!(count("xref") >= 8, "cross-references: {}", count("xref"));
    let title = doc
        .select(&scraper::Selector::parse(".editor-note").unwrap())
        .next()
        .map(|e| e.text().collect::<String>())
        .unwrap_or_default();
    assert!(
        title.contains("headline") && title.contains("not known"),
        "the page says the original headline and byline are unknown"
    );
    // Cross-reference targets show where they are referred to from: each target passage
    // is followed by its link back, right after the passage's last fragment.
    let targets: BTreeSet<&str> = doc
        .select(&scraper::Selector::parse(".mark[data-role=target]").unwrap())
        .filter_map(|e| e.value().attr("data-id"))
        .collect();
    let followed: BTreeSet<&str> = doc
        .select(&scraper::Selector::parse("a.backref").unwrap())
        .filter_map(|back| back.prev_siblings().find_map(scraper::ElementRef::wrap))
        .filter(|before| before.value().attr("data-role") == Some("target"))
        .filter_map(|before| before.value().attr("data-id"))
        .collect();
    assert!(targets.len() >= 8, "targets: {targets:?}");
    assert_eq!(followed, targets, "every target passage has its link back");
}

#[test]
fn a_failed_build_leaves_the_output_folder_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_into(&fixture("valid/minimal"), &out);
    fs::write(out.join("marker.txt"), "from before").unwrap();
    let before = files_under(&out);

    let result = scholia(
        &fixture("invalid/quote-not-found"),
        &["build", "--output", out.to_str().unwrap()],
    );
    assert_eq!(result.status.code(), Some(1));
    assert_eq!(files_under(&out), before);
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
}

#[test]
fn a_build_replaces_the_old_output_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_into(&fixture("valid/minimal"), &out);
    // A page an earlier build wrote (its manifest lists it) that this build does not.
    fs::write(out.join("stale.html"), "old").unwrap();
    let manifest = out.join(".scholia-manifest");
    let listed = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, format!("{listed}stale.html\n")).unwrap();
    build_into(&fixture("valid/minimal"), &out);
    assert!(!out.join("stale.html").exists());
    assert!(out.join("reading/index.html").is_file());
}

#[test]
fn build_refuses_to_replace_a_folder_it_did_not_build() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("thesis.tex"), "precious").unwrap();
    let result = scholia(
        &fixture("valid/minimal"),
        &["build", "--output", dir.path().to_str().unwrap()],
    );
    assert_eq!(result.status.code(), Some(1));
    assert_eq!(
        fs::read_to_string(dir.path().join("thesis.tex")).unwrap(),
        "precious"
    );
}

#[test]
fn check_writes_nothing() {
    let site = common::copy_site(&fixture("valid/minimal"));
    let result = scholia(site.path(), &["check"]);
    assert_eq!(result.status.code(), Some(0));
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_theme_file_in_templates_overrides_the_default_one_file_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_into(&fixture("valid/override"), &out);
    let css = fs::read_to_string(out.join("style.css")).unwrap();
    assert!(css.contains("rebeccapurple"));
    let page = fs::read_to_string(out.join("reading/index.html")).unwrap();
    assert!(
        page.contains("<div class=\"text\">"),
        "other templates are the defaults"
    );
}

#[test]
fn each_command_has_help() {
    for args in [&["--help"][..], &["build", "--help"], &["check", "--help"]] {
        let result = scholia(&repo(), args);
        assert_eq!(result.status.code(), Some(0));
        let text = String::from_utf8(result.stdout).unwrap();
        assert!(text.contains("Usage"), "{args:?}: {text}");
    }
}

#[test]
fn a_cross_reference_into_another_reading_links_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("site.yaml"),
        "title: T\ndescription: D.\nlanguage: en\neditor: E\n",
    )
    .unwrap();
    for (slug, text) in [
        ("first", "The question is asked here."),
        ("second", "The answer is given here."),
    ] {
        fs::create_dir_all(root.join("content").join(slug)).unwrap();
        fs::write(
            root.join("content").join(slug).join("index.md"),
            format!("---\ntitle: {slug}\n---\n\n{text}\n"),
        )
        .unwrap();
    }
    fs::write(
        root.join("content/first/annotations.yaml"),
        "crossrefs:\n  asked-answered:\n    from: The question is asked\n    to:\n      quote: The answer is given\n      reading: second\n    note: The second reading answers.\n",
    )
    .unwrap();
    let (files, _) = scholia::render_site(root).unwrap();
    let page = |path: &str| {
        let file = files.iter().find(|f| f.path == path).unwrap();
        scraper::Html::parse_document(std::str::from_utf8(&file.contents).unwrap())
    };
    let first = page("first/index.html");
    let second = page("second/index.html");
    let hrefs = |doc: &scraper::Html, selector: &str| -> Vec<String> {
        doc.select(&scraper::Selector::parse(selector).unwrap())
            .filter_map(|e| e.value().attr("href").map(str::to_owned))
            .collect()
    };
    // The note in the first reading leads to the passage in the second …
    let target = "../second/index.html#to-first-asked-answered";
    assert!(
        hrefs(&first, ".endnote a").contains(&target.to_owned()),
        "{:?}",
        hrefs(&first, ".endnote a")
    );
    let mark = second
        .select(&scraper::Selector::parse("#to-first-asked-answered").unwrap())
        .next()
        .expect("the target passage is marked");
    assert_eq!(mark.text().collect::<String>(), "The answer is given");
    // … and the passage there leads back to where it is referred to from.
    let back = hrefs(&second, ".backref");
    assert_eq!(back, vec!["../first/index.html#m-1".to_owned()]);
    assert!(
        first
            .select(&scraper::Selector::parse("#m-1").unwrap())
            .next()
            .is_some()
    );
}

/// A site of `readings` readings sharing the glosses `ids` (each glossing the word
/// `Term<id>`), each reading mentioning every gloss `times` times in its paragraphs.
fn library(readings: usize, ids: &[&str], times: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("site.yaml"),
        "title: T\ndescription: D.\nlanguage: en\neditor: E\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("content")).unwrap();
    let mut glossary = String::from("glosses:\n");
    for id in ids {
        glossary.push_str(&format!(
            "  {id}:\n    term: Term{id}\n    kind: concept\n    text: The term {id}. It has a second sentence.\n"
        ));
    }
    fs::write(root.join("content/glossary.yaml"), glossary).unwrap();
    for r in 0..readings {
        let mut text = String::new();
        for t in 0..times {
            for id in ids {
                text.push_str(&format!("Here Term{id} is said again, time {t}.\n\n"));
            }
        }
        let folder = root.join(format!("content/r{r}"));
        fs::create_dir_all(&folder).unwrap();
        fs::write(
            folder.join("index.md"),
            format!("---\ntitle: Reading {r}\n---\n\n{text}"),
        )
        .unwrap();
    }
    dir
}

/// The built files of a site, by path.
fn rendered(root: &Path) -> BTreeMap<String, String> {
    let (files, _) =
        scholia::render_site(root).unwrap_or_else(|f| panic!("{}", common::describe(&f)));
    files
        .into_iter()
        .map(|f| (f.path, String::from_utf8_lossy(&f.contents).into_owned()))
        .collect()
}

/// Where a relative link from the page at `from` leads: the file and the fragment.
fn follow(from: &str, href: &str) -> (String, String) {
    let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
    let path = if file.is_empty() {
        PathBuf::from(from)
    } else {
        normalize(&Path::new(from).parent().unwrap().join(file))
    };
    (
        path.to_str().unwrap().replace('\\', "/"),
        fragment.to_owned(),
    )
}

/// Asserts that a link from `from` leads to a built file, and to an element there.
fn assert_leads_somewhere(files: &BTreeMap<String, String>, from: &str, href: &str) {
    let (file, fragment) = follow(from, href);
    let page = files
        .get(&file)
        .unwrap_or_else(|| panic!("{from}: {href} → no file {file}"));
    if !fragment.is_empty() {
        let doc = scraper::Html::parse_document(page);
        let selector = scraper::Selector::parse(&format!("[id=\"{fragment}\"]")).unwrap();
        assert!(
            doc.select(&selector).next().is_some(),
            "{from}: {href} → no #{fragment} in {file}"
        );
    }
}

fn hrefs(html: &str, selector: &str) -> Vec<String> {
    scraper::Html::parse_document(html)
        .select(&scraper::Selector::parse(selector).unwrap())
        .filter_map(|e| e.value().attr("href").map(str::to_owned))
        .collect()
}

#[test]
fn the_glossary_index_does_not_grow_with_the_mentions() {
    let ids: Vec<String> = (0..40).map(|i| format!("t{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let few = rendered(library(2, &ids, 1).path());
    let many = rendered(library(2, &ids, 30).path());
    let (small, large) = (&few["glossary.html"], &many["glossary.html"]);
    // Thirty times the mentions: only the counts' digits may differ.
    assert!(
        large.len() <= small.len() + ids.len() * 2,
        "{} bytes → {} bytes",
        small.len(),
        large.len()
    );
    assert!(!large.contains("time 0"), "the index lists no context");
    assert!(large.contains("60 mentions in 2 readings"), "{large}");
    // One line each, with its first sentence only.
    assert!(large.contains("The term t7."));
    assert!(!large.contains("second sentence"));
    // The contexts are on the entries' pages.
    let page = &many["glossary/t7/index.html"];
    assert_eq!(page.matches("time 29").count(), 2, "one in each reading");
    assert!(
        large.len() < 40 * 600,
        "{} bytes for 40 entries",
        large.len()
    );
}

#[test]
fn an_entry_page_lists_every_mention_by_reading_with_links_to_each_place() {
    let dir = library(3, &["rome", "athens"], 2);
    // The second reading does not mention Rome.
    fs::write(
        dir.path().join("content/r1/index.md"),
        "---\ntitle: Reading 1\n---\n\nOnly Termathens here.\n",
    )
    .unwrap();
    let files = rendered(dir.path());
    let path = "glossary/rome/index.html";
    let page = &files[path];
    let doc = scraper::Html::parse_document(page);
    let select = |s: &str| scraper::Selector::parse(s).unwrap();
    let headings: Vec<String> = doc
        .select(&select(".in-reading h3"))
        .map(|h| h.text().collect::<String>())
        .collect();
    assert_eq!(headings, ["Reading 0 (2)", "Reading 2 (2)"]);
    let mentions: Vec<String> = doc
        .select(&select(".in-reading li"))
        .map(|li| li.text().collect::<String>())
        .collect();
    assert_eq!(mentions.len(), 4, "{mentions:?}");
    assert!(
        mentions.iter().all(|m| m.contains("Termrome")),
        "{mentions:?}"
    );
    assert!(page.contains("Mentioned 4 times in 2 readings"), "{page}");
    let links = hrefs(page, ".in-reading a");
    assert_eq!(links.len(), 6, "two readings and four places: {links:?}");
    for href in &links {
        assert!(href.starts_with("../../r"), "{href}");
        assert_leads_somewhere(&files, path, href);
    }
    // The index links to the page, and the note in the reading does too.
    let index = hrefs(&files["glossary.html"], ".index a");
    assert!(index.contains(&path.to_owned()), "{index:?}");
    let note = hrefs(&files["r0/index.html"], ".endnote .more a");
    assert!(note.contains(&format!("../{path}")), "{note:?}");
    // Each gloss counts its own mentions.
    assert!(files["glossary/athens/index.html"].contains("Mentioned 5 times in 3 readings"));
}

#[test]
fn see_also_sources_and_citing_passages_link_to_pages_that_exist() {
    let dir = library(1, &["rome"], 1);
    let root = dir.path();
    fs::write(
        root.join("content/glossary.yaml"),
        "glosses:\n  rome:\n    term: Rome\n    kind: place\n    text: The city.\n    see: [Tiber]\n    sources: [livy]\n  Tiber:\n    term: Tiber\n    kind: place\n    text: The river.\n    see: [rome]\n",
    )
    .unwrap();
    fs::write(
        root.join("content/sources.yaml"),
        "sources:\n  livy:\n    kind: book\n    author: Livy\n    title: Ab urbe condita\n    note: The *Roman* historian. Long after.\n",
    )
    .unwrap();
    fs::write(
        root.join("content/r0/annotations.yaml"),
        "sources:\n  con:\n    kind: article\n    title: A device name\n    cited:\n      - quote: Here Termrome is said\n",
    )
    .unwrap();
    fs::write(
        root.join("content/r0/index.md"),
        "---\ntitle: Reading 0\n---\n\nHere Termrome is said by Rome, on the Tiber.\n",
    )
    .unwrap();
    let files = rendered(root);
    // An id in capitals and an id Windows reserves get folders of their own.
    let tiber = "glossary/~tiber/index.html";
    let con = "sources/con~/index.html";
    for path in [
        "glossary/rome/index.html",
        tiber,
        "sources/livy/index.html",
        con,
    ] {
        assert!(files.contains_key(path), "{path} in {:?}", files.keys());
        for href in hrefs(&files[path], "main a") {
            if !href.starts_with("http") {
                assert_leads_somewhere(&files, path, &href);
            }
        }
    }
    let rome = &files["glossary/rome/index.html"];
    assert_eq!(
        hrefs(rome, ".see a"),
        [
            "../../glossary/~tiber/index.html",
            "../../sources/livy/index.html"
        ]
    );
    let livy = &files["sources/livy/index.html"];
    assert!(
        livy.contains("<em>Roman</em> historian. Long after."),
        "{livy}"
    );
    assert_eq!(hrefs(livy, ".see a"), ["../../glossary/rome/index.html"]);
    let citing = &files[con];
    assert_eq!(
        hrefs(citing, ".in-reading li a"),
        ["../../r0/index.html#m-1"],
        "{citing}"
    );
    let bibliography = &files["sources.html"];
    assert!(
        bibliography.contains("The Roman historian."),
        "{bibliography}"
    );
    assert!(
        !bibliography.contains("Long after"),
        "one sentence in the index"
    );
    for href in hrefs(bibliography, ".relied a") {
        assert_leads_somewhere(&files, "sources.html", &href);
    }
}

#[test]
fn an_id_that_could_leave_its_folder_is_refused_before_any_page_is_written() {
    for id in ["../up", "a/b", "café", "a b", "a.b", "-a"] {
        assert!(!scholia::site::is_valid_id(id), "{id}");
    }
    let dir = library(1, &["rome"], 1);
    fs::write(
        dir.path().join("content/glossary.yaml"),
        "glosses:\n  \"../up\":\n    term: Up\n    kind: place\n    text: Out.\n",
    )
    .unwrap();
    assert!(scholia::render_site(dir.path()).is_err());
    // What an id may hold is a folder name as it is, apart from capitals.
    assert_eq!(
        scholia::render::gloss_page("a-b_C9"),
        "glossary/a-b_~c9/index.html"
    );
    assert_eq!(
        scholia::render::source_page("Nul"),
        "sources/~nul/index.html"
    );
    assert_eq!(
        scholia::render::source_page("nul"),
        "sources/nul~/index.html"
    );
}

#[test]
fn the_exports_links_to_entries_still_lead_to_them_in_the_indexes() {
    let files = rendered(&repo());
    let export = &files[&READING.replace("index.html", "annotations.jsonld")];
    let mut found = 0;
    for (index, marker) in [
        ("glossary.html", "glossary.html#"),
        ("sources.html", "sources.html#"),
    ] {
        for piece in export.split(marker).skip(1) {
            let fragment: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            assert_leads_somewhere(&files, index, &format!("{index}#{fragment}"));
            found += 1;
        }
    }
    assert!(found > 10, "{found} links to entries in the export");
}
