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
        if path.extension().is_none_or(|e| e != "html") {
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
    // Line 2 is the pull quote: shown once, as an aside, and not as a paragraph.
    let doc = scraper::Html::parse_document(&html);
    let asides: Vec<String> = doc
        .select(&scraper::Selector::parse("aside.pullquote").unwrap())
        .map(|a| a.text().collect())
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
