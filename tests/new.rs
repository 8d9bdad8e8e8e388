//! `scholia new SLUG [--from FILE]`: a new reading that builds, made from plain text
//! without changing its words, and never over a folder that exists.

mod common;

use std::fs;
use std::path::Path;

use common::{fixture, repo, scholia};

/// A site with only its site.yaml.
fn bare_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("site.yaml"),
        "title: Test\ndescription: A test.\nlanguage: en\neditor: Tests\n",
    )
    .unwrap();
    dir
}

fn new(root: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["new"];
    all.extend(args);
    let out = scholia(root, &all);
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

/// The reading text (what a reader sees) of the reading `slug`, paragraph by paragraph.
fn paragraphs(root: &Path, slug: &str) -> Vec<String> {
    let site = scholia::content::load(root)
        .unwrap_or_else(|p| panic!("{}", common::describe(&scholia::Failure::Input(p))));
    let reading = site
        .readings
        .iter()
        .find(|r| r.slug.as_str() == slug)
        .unwrap();
    let document = scholia::markdown::Document::parse(reading.markdown());
    document
        .text
        .split(scholia::markdown::BLOCK_SEPARATOR)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_reading_from_plain_text_builds_and_shows_the_same_words() {
    let site = bare_site();
    let plain = fixture("new/plain.txt");
    let (code, stderr) = new(
        site.path(),
        &["from-plain", "--from", plain.to_str().unwrap()],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let check = scholia(site.path(), &["check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let build = scholia(site.path(), &["build"]);
    assert_eq!(
        build.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );

    // Each paragraph of the file is one block of the reading, its lines joined as a page
    // joins them; smart punctuation aside (the check says so), the words are the same.
    let text = fs::read_to_string(&plain).unwrap();
    let expected: Vec<String> = text
        .split("\n\n")
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    let smart = |s: &str| {
        scholia::annotations::anchor::normalize(
            &s.replace("...", "…").replace("---", "—").replace("--", "–"),
        )
    };
    let got = paragraphs(site.path(), "from-plain");
    assert_eq!(got.len(), expected.len(), "{got:#?}");
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(smart(g), smart(e));
    }
    // The syntax the text would have been read as is not there.
    let html = fs::read_to_string(site.path().join("public/from-plain/index.html")).unwrap();
    for tag in [
        "<h1>Not",
        "<ol>",
        "<blockquote",
        "<pre",
        "<em>like",
        "<b>tags",
        "<table",
        "<del",
    ] {
        assert!(!html.contains(tag), "{tag}");
    }
    assert!(html.contains("&lt;b&gt;tags&lt;/b&gt;"));
}

#[test]
fn the_typographic_check_says_what_it_left_as_is_and_what_it_took_off() {
    let site = bare_site();
    let plain = fixture("new/plain.txt");
    let (_, stderr) = new(
        site.path(),
        &["from-plain", "--from", plain.to_str().unwrap()],
    );
    for said in [
        "warning[W0810]: left as is: 2 straight double quotes",
        "warning[W0810]: left as is: 1 straight apostrophe or single quote",
        "warning[W0810]: left as is: 3 `--` or `---`",
        "warning[W0810]: left as is: 1 `...`",
        "warning[W0810]: left as is: 1 run of spaces or tab inside a line",
        "warning[W0811]: the indentation of 1 line was taken off",
        "warning[W0811]: spaces at the end of 1 line were taken off",
    ] {
        assert!(stderr.contains(said), "{said}\n{stderr}");
    }
}

#[test]
fn a_reading_without_text_builds_and_its_files_say_their_format() {
    let site = bare_site();
    let (code, stderr) = new(
        site.path(),
        &["a-reading", "--title", "A: reading \"quoted\""],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let check = scholia(site.path(), &["check", "--deny", "warnings"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let index = fs::read_to_string(site.path().join("content/a-reading/index.md")).unwrap();
    for field in [
        "title: \"A: reading \\\"quoted\\\"\"",
        "# subtitle:",
        "# date:",
        "# editor_note:",
        "# original:",
        "#   headline:",
    ] {
        assert!(index.contains(field), "{field}\n{index}");
    }
    let annotations =
        fs::read_to_string(site.path().join("content/a-reading/annotations.yaml")).unwrap();
    assert!(
        annotations
            .lines()
            .all(|l| l.is_empty() || l.starts_with('#')),
        "{annotations}"
    );
    for section in [
        "# glosses:",
        "# sources:",
        "# crossrefs:",
        "# notes:",
        "# pullquotes:",
        "# unglossed:",
    ] {
        assert!(annotations.contains(section), "{section}");
    }
}

#[test]
fn new_never_writes_over_a_folder_that_exists() {
    let site = bare_site();
    let folder = site.path().join("content/taken");
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("notes.txt"), "mine").unwrap();
    let (code, stderr) = new(site.path(), &["taken"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("error[E0811]"), "{stderr}");
    assert_eq!(fs::read_dir(&folder).unwrap().count(), 1);
    assert_eq!(
        fs::read_to_string(folder.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_name_that_cannot_be_an_address_or_a_folder_without_a_site_is_refused() {
    let site = bare_site();
    let (code, stderr) = new(site.path(), &["My Reading"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("error[E0810]"), "{stderr}");
    let empty = tempfile::tempdir().unwrap();
    let (code, stderr) = new(empty.path(), &["a-reading"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("error[E0812]"), "{stderr}");
    assert!(!empty.path().join("content").exists());
    let (code, stderr) = new(site.path(), &["a-reading", "--from", "missing.txt"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("error[E0813]"), "{stderr}");
    assert!(!site.path().join("content/a-reading").exists());
}

/// A new reading is ready for `scholia import annotations`: its file has no section, so
/// every section is appended.
#[test]
fn annotations_import_into_a_new_reading() {
    let site = bare_site();
    let plain = fixture("new/plain.txt");
    new(
        site.path(),
        &["from-plain", "--from", plain.to_str().unwrap()],
    );
    let export = site.path().join("notes.json");
    fs::write(
        &export,
        r#"{"total": 1, "rows": [{"id": "a1", "text": "A *note*.", "tags": [], "uri": "https://x.org/",
            "target": [{"source": "https://x.org/", "selector": [{"type": "TextQuoteSelector", "exact": "Ἐν ἀρχῇ ἦν ὁ λόγος"}]}]}]}"#,
    )
    .unwrap();
    let out = scholia(
        site.path(),
        &[
            "import",
            "annotations",
            "notes.json",
            "--reading",
            "from-plain",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let check = scholia(site.path(), &["check"]);
    assert_eq!(check.status.code(), Some(0));
    let annotations =
        fs::read_to_string(site.path().join("content/from-plain/annotations.yaml")).unwrap();
    assert!(
        annotations.contains("\nnotes:\n  # imported from a1\n  note:\n"),
        "{annotations}"
    );
}

/// Each example of docs/diagnostics.md that runs `scholia new` is its output, in a site
/// with the fixture beside it as plain.txt and a reading `taken`.
#[test]
fn the_new_examples_in_docs_diagnostics_are_real_output() {
    let doc = fs::read_to_string(repo().join("docs/diagnostics.md")).unwrap();
    let mut checked = 0;
    for block in doc.split("```\n").skip(1).step_by(2) {
        let Some(rest) = block.strip_prefix("$ scholia new ") else {
            continue;
        };
        let (command, example) = rest.split_once('\n').unwrap();
        if command == "my-reading" {
            continue; // E0814: src/new.rs checks it
        }
        let site = bare_site();
        fs::copy(fixture("new/plain.txt"), site.path().join("plain.txt")).unwrap();
        fs::create_dir_all(site.path().join("content/taken")).unwrap();
        fs::create_dir_all(site.path().join("elsewhere")).unwrap();
        let args: Vec<&str> = command.split(' ').collect();
        let (_, stderr) = new(site.path(), &args);
        assert!(
            stderr.contains(example.trim_end()),
            "{command}:\n{example}\ngot:\n{stderr}"
        );
        checked += 1;
    }
    assert!(checked >= 5, "{checked}");
}
