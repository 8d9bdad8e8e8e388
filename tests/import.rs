//! `scholia import annotations`: the fixtures in tests/fixtures/import/ (a Hypothesis API
//! search result and a W3C AnnotationCollection, written to the published formats, with
//! notes on the example reading, some in its text and some not) imported into the
//! example; the round trip through scholia's own export; what is refused.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{describe, fixture, repo, scholia};

const SLUG: &str = "khamenei-and-the-prospect-of-war";

/// A copy of the example site; with `empty`, its reading's annotations.yaml holds no
/// annotation (the reading's text is the same).
fn example(empty: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(repo().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    let reading = dir.path().join("content").join(SLUG);
    fs::create_dir_all(&reading).unwrap();
    let from = repo().join("content").join(SLUG);
    fs::copy(from.join("index.md"), reading.join("index.md")).unwrap();
    if empty {
        fs::write(reading.join("annotations.yaml"), "# Notes to come.\n").unwrap();
    } else {
        fs::copy(
            from.join("annotations.yaml"),
            reading.join("annotations.yaml"),
        )
        .unwrap();
    }
    dir
}

fn annotations_path(root: &Path) -> PathBuf {
    root.join("content").join(SLUG).join("annotations.yaml")
}

fn import(root: &Path, file: &Path, dry_run: bool) -> scholia::import::Outcome {
    let options = scholia::import::Options {
        reading: SLUG.into(),
        dry_run,
    };
    scholia::import::import(root, file, &options).unwrap_or_else(|f| panic!("{}", describe(&f)))
}

/// Runs `scholia COMMAND` on the site at `root` and asserts that it succeeds, saying
/// `what` (the case) and what scholia printed if it does not.
fn succeeds(root: &Path, command: &str, what: &str) {
    let out = scholia(root, &[command]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `scholia import annotations FILE --reading READING` and `extra` in `root`.
fn run_import(root: &Path, file: &str, reading: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", "annotations", file, "--reading", reading];
    args.extend(extra);
    scholia(root, &args)
}

fn codes(outcome: &scholia::import::Outcome) -> Vec<&'static str> {
    outcome.warnings.iter().map(|d| d.code).collect()
}

/// The place in the reading text of the note `id`, as the site's index resolves it.
fn note_place(root: &Path, id: &str) -> (String, String) {
    let site = scholia::content::load(root).unwrap();
    let index = scholia::site::index(&site)
        .unwrap_or_else(|p| panic!("{}", describe(&scholia::Failure::Input(p))));
    let note = index
        .notes
        .iter()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("no note {id}"));
    let text = &index.documents[note.at.reading].text;
    let before = text[..note.at.range.start]
        .chars()
        .rev()
        .take(30)
        .collect::<Vec<_>>();
    (
        text[note.at.range.clone()].to_owned(),
        before.into_iter().rev().collect(),
    )
}

#[test]
fn a_hypothesis_export_anchors_every_annotation_in_the_text_and_lists_the_orphans() {
    let site = example(true);
    let path = annotations_path(site.path());
    let before = fs::read_to_string(&path).unwrap();
    let outcome = import(site.path(), &fixture("import/hypothesis.json"), false);
    // Ten rows: six in the text, three orphans (a quote the text does not have, a page
    // note with no selector, a quote that was never in it), one reply.
    assert_eq!(outcome.read, 10);
    assert_eq!(outcome.anchored, 6, "{:?}", codes(&outcome));
    assert_eq!(outcome.orphans(), 3);
    assert_eq!(codes(&outcome).iter().filter(|c| **c == "W0802").count(), 1);
    assert!(outcome.written);
    assert_eq!(outcome.imported.len(), 6);

    let after = fs::read_to_string(&path).unwrap();
    assert!(after.starts_with(&before), "the file as it was is a prefix");
    assert_eq!(after[before.len()..], outcome.yaml);
    // (The copy's names are unglossed, W0204: warnings, as they were before the import.)
    succeeds(site.path(), "check", "");

    // A repeated quote is anchored where its context says, and written with the least
    // context that singles it out.
    let (quote, before_it) = note_place(site.path(), "durable-diplomacy");
    assert_eq!(quote, "durable diplomacy");
    assert!(before_it.ends_with("This is why "), "{before_it:?}");
    assert!(
        outcome
            .yaml
            .contains("quote: \"durable diplomacy\"\n      prefix: \"why\"\n"),
        "{}",
        outcome.yaml
    );
    let (_, before_it) = note_place(site.path(), "khamenei");
    assert!(
        before_it.ends_with("willing to challenge "),
        "{before_it:?}"
    );
    // Straight quotes in the export find the text's curly ones; the text's words are written.
    let (quote, _) = note_place(site.path(), "a-cancer-condemned-to");
    assert_eq!(quote, "a ‘cancer condemned to disappear’");
    // Markdown kept; HTML made Markdown, the script left out and said.
    assert!(outcome.yaml.contains(
        "**February 2026**; see the [IAEA's reports](https://www.iaea.org/newscenter/focus/iran)"
    ));
    assert!(
        outcome.yaml.contains("after 1978.\n") && !outcome.yaml.contains("alert"),
        "{}",
        outcome.yaml
    );
    assert!(outcome.yaml.contains("**Deng**"));
    assert!(codes(&outcome).contains(&"W0801"));
    // The tag `gloss` makes a gloss named by its `term:` tag, of the kind its tag gives.
    assert!(
        outcome
            .yaml
            .contains("  maverick:\n    term: \"Maverick\"\n    kind: concept\n"),
        "{}",
        outcome.yaml
    );

    // Each orphan is named with the closest passage of the text.
    let orphan = outcome
        .warnings
        .iter()
        .find(|d| d.message.contains("hQ07"))
        .unwrap();
    assert!(
        orphan
            .help
            .iter()
            .any(|h| h.contains("\"the war that Khamenei prophesised\"")),
        "{:?}",
        orphan.help
    );
}

#[test]
fn a_w3c_collection_from_another_client_becomes_notes_a_gloss_and_a_cross_reference() {
    let site = example(true);
    let outcome = import(site.path(), &fixture("import/w3c.jsonld"), false);
    // Seven items: five in the text (one by its position alone), two orphans (a quote
    // not in the text, a bookmark of the whole page).
    assert_eq!(
        (outcome.read, outcome.anchored, outcome.orphans()),
        (7, 5, 2)
    );
    assert!(outcome.written);
    let yaml = &outcome.yaml;
    assert!(yaml.contains("crossrefs:\n"), "{yaml}");
    assert!(
        yaml.contains(
            "    from: \"Other political factions\"\n    to: \"two sides of the same coin\"\n"
        ),
        "{yaml}"
    );
    assert!(
        yaml.contains("  the-western-press:\n    term: \"The western press\"\n    kind: concept\n"),
        "{yaml}"
    );
    let (quote, _) = note_place(site.path(), "geneva-peace-conference-in");
    assert_eq!(quote, "Geneva peace conference in 1991");
    assert!(yaml.contains("killed **241** American service members; see [the bombing](https://en.wikipedia.org/wiki/1983_Beirut_barracks_bombings)."), "{yaml}");
    succeeds(site.path(), "check", "");
}

/// `new` split into the lines of `old` (each as `new` has it) and the lines added, when
/// the lines of `old` are the lines of `new` with some taken out, in order.
fn split_lines(old: &str, new: &str) -> Option<(String, Vec<String>)> {
    let bare = |l: &str| l.trim_end_matches('\n').trim_end_matches('\r').to_owned();
    let mut old_lines = old.split_inclusive('\n').map(bare).peekable();
    let (mut kept, mut added) = (String::new(), Vec::new());
    for line in new.split_inclusive('\n') {
        if old_lines.peek() == Some(&bare(line)) {
            old_lines.next();
            kept.push_str(line);
        } else {
            added.push(bare(line));
        }
    }
    old_lines.next().is_none().then_some((kept, added))
}

/// Whether every byte of `old` is in `new`, in order, and what was added is whole lines:
/// `new` with the added lines taken out is `old` (a last line may have gained its
/// line break).
fn is_line_subsequence(old: &str, new: &str) -> bool {
    split_lines(old, new).is_some_and(|(kept, _)| {
        kept == old || (!old.ends_with('\n') && kept.strip_suffix('\n') == Some(old))
    })
}

#[test]
fn on_the_example_as_it_is_every_annotation_in_the_text_goes_into_its_section() {
    // The example's `glosses:` and `notes:` are followed by other sections and its file
    // ends with `unglossed: [...]`: the new entries go at the end of their sections.
    let site = example(false);
    let path = annotations_path(site.path());
    let before = fs::read_to_string(&path).unwrap();
    let outcome = import(site.path(), &fixture("import/hypothesis.json"), false);
    assert_eq!((outcome.anchored, outcome.orphans()), (6, 3));
    assert!(!codes(&outcome).contains(&"W0803"), "{:?}", codes(&outcome));
    assert!(outcome.written);
    assert_eq!(outcome.imported.len(), 6, "{:?}", outcome.imported);
    let after = fs::read_to_string(&path).unwrap();
    assert!(is_line_subsequence(&before, &after));
    let (_, added) = split_lines(&before, &after).unwrap();
    assert!(added.iter().any(|l| l == "  maverick:"), "{added:?}");
    // Each entry is in its own section, after the section's last entry.
    let notes = after.find("\nnotes:\n").unwrap();
    let pullquotes = after.find("\npullquotes:\n").unwrap();
    let new_note = after.find("  fast-forward-to-2026:\n").unwrap();
    assert!(notes < new_note && new_note < pullquotes, "{after}");
    assert!(
        after[new_note..=pullquotes].ends_with("\n\n"),
        "the blank line kept before `pullquotes:`"
    );
    let sources = after.find("\nsources:\n").unwrap();
    let new_gloss = after.find("  maverick:\n").unwrap();
    assert!(new_gloss < sources, "{after}");
    // The ids never meet the example's own (it has a `khamenei` gloss).
    assert!(after.contains("  khamenei-2:\n"), "{}", outcome.yaml);
    // Every passage lands where it was anchored, and the site checks as before.
    let (_, before_it) = note_place(site.path(), "durable-diplomacy-2");
    assert!(before_it.ends_with("This is why "), "{before_it:?}");
    succeeds(site.path(), "check", "");
    // The dry run says where each part goes.
    let again = example(false);
    let dry = import(again.path(), &fixture("import/hypothesis.json"), true);
    assert!(dry.yaml.starts_with("# after line "), "{}", dry.yaml);
    assert_eq!(
        fs::read_to_string(annotations_path(again.path())).unwrap(),
        before
    );
}

/// The command of issue 11, as an editor runs it, on a copy of the example site (its
/// `site.yaml` and `content/`): every annotation in the text written, the orphans
/// reported, and the site builds with them.
#[test]
fn the_hypothesis_fixture_imported_into_a_copy_of_the_example_site_writes_every_annotation_in_the_text()
 {
    let site = tempfile::tempdir().unwrap();
    fs::copy(repo().join("site.yaml"), site.path().join("site.yaml")).unwrap();
    common::copy_tree(&repo().join("content"), &site.path().join("content"));
    let before = fs::read_to_string(annotations_path(site.path())).unwrap();
    let file = fixture("import/hypothesis.json");
    let out = run_import(site.path(), file.to_str().unwrap(), SLUG, &[]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("Hypothesis export: 6 of 10 annotations anchored; 6 entries added to content/{SLUG}/annotations.yaml; 3 were not anchored.")),
        "{stderr}"
    );
    assert_eq!(stderr.matches("warning[W0800]").count(), 3, "{stderr}");
    assert!(!stderr.contains("W0803"), "{stderr}");
    let after = fs::read_to_string(annotations_path(site.path())).unwrap();
    assert!(is_line_subsequence(&before, &after));
    for id in [
        "maverick:",
        "a-cancer-condemned-to:",
        "fast-forward-to-2026:",
        "durable-diplomacy-2:",
        "khamenei-2:",
        "deng-xiaoping-like-figure:",
    ] {
        assert!(after.contains(&format!("\n  {id}\n")), "{id}");
    }
    succeeds(site.path(), "build", "");
}

/// The same notes imported into files of each YAML style: every byte kept, in order; the
/// entries in their section; the new file checks and every note is where it was anchored.
#[test]
fn entries_are_added_as_lines_to_files_of_every_yaml_style() {
    let styles: &[(&str, &str)] = &[
        (
            "block, notes first",
            "notes:\n  old:\n    at: Fast forward to 2026\n    text: An old note.\n\nunglossed: [Khamenei]\n",
        ),
        (
            "four spaces, comments between entries and before the next key",
            "# header\nnotes:\n    # the first\n    old:\n        at: Fast forward to 2026\n        text: |\n            An old note.\n            # not a comment: a line of the text\n    # the last\n\n# ---- pull quotes ----\npullquotes: {}\n",
        ),
        (
            "crlf",
            "unglossed:\r\n  - Khamenei\r\nnotes:\r\n  old:\r\n    at: Fast forward to 2026\r\n    text: An old note.\r\nglosses: {}\r\n",
        ),
        (
            "a last line without a line break",
            "unglossed: [Khamenei]\nnotes:\n  old: {at: Fast forward to 2026, text: An old note.}",
        ),
        (
            "no notes yet, glosses in flow style",
            "glosses: {}\nunglossed: [Khamenei]\n",
        ),
        (
            "a last note that keeps its blank lines",
            "notes:\n  old:\n    at: Fast forward to 2026\n    text: |+\n      An old note.\n\n\nunglossed: [Khamenei]\n",
        ),
        (
            "sections in another order, a comment at the end",
            "pullquotes: {}\nnotes:\n  old:\n    at: Fast forward to 2026\n    text: An old note.\n\n# the end\n",
        ),
    ];
    for (style, file) in styles {
        let site = example(true);
        let path = annotations_path(site.path());
        fs::write(&path, file).unwrap();
        // The notes of the W3C fixture only: its gloss would meet `glosses: {}`.
        let outcome = import(site.path(), &fixture("import/w3c.jsonld"), false);
        let after = fs::read_to_string(&path).unwrap();
        let blocked = codes(&outcome).contains(&"W0803");
        assert_eq!(
            blocked,
            file.contains("glosses: {}"),
            "{style}: {:?}",
            codes(&outcome)
        );
        assert!(outcome.written, "{style}");
        assert!(is_line_subsequence(file, &after), "{style}:\n{after}");
        if file.contains("\r\n") {
            assert!(
                !after.replace("\r\n", "").contains('\n'),
                "{style}: a bare line break\n{after:?}"
            );
        }
        let notes_at = after.find("notes:").unwrap();
        assert_eq!(
            after.matches("notes:").count(),
            1,
            "{style}: one notes section\n{after}"
        );
        let new_note = after.find("us-marine-barracks:").unwrap();
        assert!(notes_at < new_note, "{style}");
        if let Some(next) = after[notes_at..]
            .find("\nunglossed:")
            .or_else(|| after[notes_at..].find("\npullquotes:"))
        {
            assert!(
                new_note < notes_at + next,
                "{style}: the note is in its section\n{after}"
            );
        }
        let (quote, _) = note_place(site.path(), "us-marine-barracks");
        assert_eq!(quote, "US Marine barracks", "{style}");
        if file.contains("old") {
            let (quote, _) = note_place(site.path(), "old");
            assert_eq!(quote, "Fast forward to 2026", "{style}");
        }
        succeeds(site.path(), "check", style);
    }
}

#[test]
fn a_notes_section_in_flow_style_is_left_to_the_editor() {
    let site = example(true);
    let path = annotations_path(site.path());
    let file = "notes: {old: {at: Fast forward to 2026, text: An old note.}}\n";
    fs::write(&path, file).unwrap();
    let outcome = import(site.path(), &fixture("import/hypothesis.json"), false);
    let blocked: Vec<_> = outcome
        .warnings
        .iter()
        .filter(|d| d.code == "W0803")
        .collect();
    assert_eq!(blocked.len(), 1, "{:?}", codes(&outcome));
    assert!(blocked[0].message.contains("imported notes not written"));
    // The gloss is written, in a new section at the end.
    assert!(outcome.written);
    let after = fs::read_to_string(&path).unwrap();
    assert!(
        after.starts_with(file)
            && after.contains("\nglosses:\n")
            && after.contains("\n  maverick:\n"),
        "{after}"
    );
}

#[test]
fn dry_run_prints_the_yaml_and_writes_nothing() {
    let site = example(true);
    let path = annotations_path(site.path());
    let before = fs::read(&path).unwrap();
    let file = fixture("import/hypothesis.json");
    let out = run_import(site.path(), file.to_str().unwrap(), SLUG, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stdout.contains("\nnotes:\n") && stdout.contains("fast-forward-to-2026:"),
        "{stdout}"
    );
    assert!(
        stderr.contains("6 of 10 annotations anchored") && stderr.contains("3 were not anchored"),
        "{stderr}"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
}

/// Item 2 of issue 11: export the example, import the export into a copy of the reading
/// with no annotations, export again: the same annotations, byte for byte (ids, targets,
/// bodies; the export holds no dates).
#[test]
fn the_round_trip_through_the_export_gives_the_same_annotations() {
    let (files, _) = scholia::render_site(&repo()).unwrap_or_else(|f| panic!("{}", describe(&f)));
    let export_path = format!("{SLUG}/annotations.jsonld");
    let first = &files
        .iter()
        .find(|f| f.path == export_path)
        .unwrap()
        .contents;
    let site = example(true);
    let export = site.path().join("export.jsonld");
    fs::write(&export, first).unwrap();
    let outcome = import(site.path(), &export, false);
    assert_eq!(outcome.orphans(), 0);
    assert!(outcome.anchored > 100, "{}", outcome.anchored);
    let (again, _) =
        scholia::render_site(site.path()).unwrap_or_else(|f| panic!("{}", describe(&f)));
    let second = &again
        .iter()
        .find(|f| f.path == export_path)
        .unwrap()
        .contents;
    if first != second {
        let a: serde_json::Value = serde_json::from_slice(first).unwrap();
        let b: serde_json::Value = serde_json::from_slice(second).unwrap();
        let items = |v: &serde_json::Value| v["first"]["items"].as_array().unwrap().clone();
        for (x, y) in items(&a).iter().zip(items(&b).iter()) {
            assert_eq!(x, y);
        }
        assert_eq!(a, b);
    }
}

#[test]
fn a_file_that_is_not_json_is_refused_at_its_line_and_column() {
    let site = example(true);
    let bad = site.path().join("bad.json");
    fs::write(&bad, "{\n  \"rows\": [\n    {\"id\": 1,}\n  ]\n}\n").unwrap();
    let out = run_import(site.path(), "bad.json", SLUG, &[]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[E0800]") && stderr.contains("bad.json:3:14"),
        "{stderr}"
    );

    let out = run_import(site.path(), "bad.json", "nowhere", &[]);
    assert_eq!(out.status.code(), Some(1));
    fs::write(&bad, "{\"type\": \"Thing\"}").unwrap();
    let out = run_import(site.path(), "bad.json", SLUG, &[]);
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("error[E0801]")
    );
}

#[test]
fn the_unknown_reading_names_the_readings_there_are() {
    let site = example(true);
    let file = fixture("import/hypothesis.json");
    let out = run_import(site.path(), file.to_str().unwrap(), "nowhere", &[]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("error[E0802]") && stderr.contains(SLUG),
        "{stderr}"
    );
}

/// A W3C note on a text beyond the example: other scripts, a footnote, a link, code, a
/// table, raw HTML; quotes with YAML's own characters.
#[test]
fn notes_on_any_text_are_written_so_that_they_read_back() {
    let markdown = "Ἐν ἀρχῇ ἦν ὁ λόγος: *key: value* # not a comment.\n\n\
        | a | b |\n|---|---|\n| «table» | `code: x` |\n\n\
        A [link](https://example.org) and a note.[^1] <span>raw words</span>\n\n\
        في البدء كان الكلمة\n\n[^1]: The footnote's words.\n";
    let site = common::site(markdown, "notes:\n  old:\n    at: ὁ λόγος\n    text: x\n");
    let w3c = |exact: &str, body: &str| {
        serde_json::json!({"type": "Annotation", "motivation": "commenting",
            "body": {"type": "TextualBody", "value": body, "format": "text/plain"},
            "target": {"source": "urn:x", "selector": {"type": "TextQuoteSelector", "exact": exact}}})
    };
    let list = serde_json::json!([
        w3c("key: value", "YAML's colon: \"quoted\" # and a hash"),
        w3c("«table»", "In a table."),
        w3c("code: x", "Code."),
        w3c("raw words", "Inside raw HTML."),
        w3c("footnote's words", "In the footnote."),
        w3c("في البدء", "Arabic, right to left."),
    ]);
    let file = site.path().join("w3c.json");
    fs::write(&file, list.to_string()).unwrap();
    let before = fs::read_to_string(site.path().join("content/reading/annotations.yaml")).unwrap();
    let options = scholia::import::Options {
        reading: "reading".into(),
        dry_run: false,
    };
    let outcome = scholia::import::import(site.path(), &file, &options)
        .unwrap_or_else(|f| panic!("{}", describe(&f)));
    assert_eq!(
        (outcome.anchored, outcome.orphans()),
        (6, 0),
        "{:?}",
        outcome.warnings
    );
    let after = fs::read_to_string(site.path().join("content/reading/annotations.yaml")).unwrap();
    assert!(after.starts_with(&before));
    // Entries of the file's last section go on at its indentation.
    assert!(
        outcome
            .yaml
            .starts_with("  key-value:\n    at: \"key: value\"\n"),
        "{}",
        outcome.yaml
    );
    assert!(
        outcome
            .yaml
            .contains("      YAML's colon: \"quoted\" # and a hash\n"),
        "{}",
        outcome.yaml
    );
    common::reading_html(site.path());

    // Imported again: new ids, never the ones already given.
    let again = scholia::import::import(site.path(), &file, &options)
        .unwrap_or_else(|f| panic!("{}", describe(&f)));
    assert!(
        again.imported.iter().all(|i| i.ends_with("-2`")),
        "{:?}",
        again.imported
    );
    assert!(
        fs::read_to_string(site.path().join("content/reading/annotations.yaml"))
            .unwrap()
            .starts_with(&after)
    );
}

/// Each example of docs/diagnostics.md that runs `scholia import annotations` on the
/// example (with the fixtures and the broken files it names beside it) is its output.
#[test]
fn the_import_examples_in_docs_diagnostics_are_real_output() {
    let doc = fs::read_to_string(repo().join("docs/diagnostics.md")).unwrap();
    let site = example(false);
    for name in ["hypothesis.json", "w3c.jsonld"] {
        fs::copy(fixture("import").join(name), site.path().join(name)).unwrap();
    }
    fs::write(
        site.path().join("bad.json"),
        "{\n  \"rows\": [\n    {\"id\": \"a1\",}\n  ]\n}\n",
    )
    .unwrap();
    fs::write(
        site.path().join("pages.json"),
        "{\"type\": \"AnnotationCollection\", \"first\": \"https://annotations.example.net/anno/?page=1\"}\n",
    )
    .unwrap();
    // W0803's: a reading (the example's text) whose file has its glosses in flow style.
    let flow = example(true);
    let reading = flow.path().join("content/reading");
    fs::rename(flow.path().join("content").join(SLUG), &reading).unwrap();
    fs::write(reading.join("annotations.yaml"), "glosses: {}\n").unwrap();
    fs::copy(fixture("import/w3c.jsonld"), flow.path().join("w3c.jsonld")).unwrap();
    let original = fs::read(annotations_path(site.path())).unwrap();
    let mut checked = 0;
    for block in doc.split("```\n").skip(1).step_by(2) {
        let Some(rest) = block.strip_prefix("$ scholia import annotations ") else {
            continue;
        };
        let (command, example) = rest.split_once('\n').unwrap();
        let root = match command.ends_with("--reading reading") {
            true if example.contains("[W0803]") => flow.path(),
            true => continue, // E0804, E0805: src/import/mod.rs checks them
            false => site.path(),
        };
        // Each example starts from the example as it is: an import writes.
        fs::write(annotations_path(site.path()), &original).unwrap();
        let mut args = vec!["import", "annotations"];
        args.extend(command.split(' '));
        let out = scholia(root, &args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains(example.trim_end()),
            "{command}:\n{example}\ngot:\n{stderr}"
        );
        checked += 1;
    }
    assert!(checked >= 9, "{checked}");
}

// ---------------------------------------------------------------------------------------
// References from Zotero (sources.bib, sources.json) and citation styles.

const FLEET_TEXT: &str =
    "Rome ruled the sea for a century.\n\nThe fleet was large, by any count.\n";
const FLEET_SOURCES: &str = "sources:\n  roe2001:\n    kind: book\n    cited: [Rome ruled the sea]\n  doe2019:\n    kind: article\n    cited: [The fleet was large]\n";

/// A site whose reading cites two references by key, with `file` (a fixture) as
/// content/sources.<ext> and `style` as its citation_style.
fn cited_site(file: Option<&str>, style: Option<&str>) -> tempfile::TempDir {
    let site = common::site(FLEET_TEXT, FLEET_SOURCES);
    if let Some(file) = file {
        let ext = file.rsplit('.').next().unwrap();
        fs::copy(
            fixture("import").join(file),
            site.path().join(format!("content/sources.{ext}")),
        )
        .unwrap();
    }
    if let Some(style) = style {
        let config = site.path().join("site.yaml");
        let text = fs::read_to_string(&config).unwrap();
        fs::write(&config, format!("{text}citation_style: {style}\n")).unwrap();
    }
    site
}

fn page(root: &Path, path: &str) -> String {
    let (files, _) = scholia::render_site(root).unwrap_or_else(|f| panic!("{}", describe(&f)));
    let file = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    String::from_utf8(file.contents.clone()).unwrap()
}

#[test]
fn a_bib_file_gives_the_sources_cited_by_key_their_fields_in_the_house_style() {
    let site = cited_site(Some("zotero.bib"), None);
    let html = page(site.path(), "sources.html");
    assert!(html.contains("Jane Roe, <cite>Sea and Land: A History of the Mediterranean Fleets</cite>, Harbour Press, 2001"), "{html}");
    assert!(
        html.contains(
            "John Doe, Ann Poe, <cite>Counting Fleets</cite>, Journal of Naval History, May 2019"
        ),
        "{html}"
    );
}

/// Issue 11: "each entry is a source whose id is its citation key". A source cited by key
/// need not say its `kind:`: the reference's type gives it.
#[test]
fn a_source_cited_by_key_takes_its_kind_from_the_reference() {
    let no_kind = "sources:\n  roe2001:\n    cited: [Rome ruled the sea]\n  doe2019: {cited: [The fleet was large]}\n";
    for file in ["zotero.bib", "zotero.json"] {
        let site = common::site(FLEET_TEXT, no_kind);
        let ext = file.rsplit('.').next().unwrap();
        fs::copy(
            fixture("import").join(file),
            site.path().join(format!("content/sources.{ext}")),
        )
        .unwrap();
        let html = page(site.path(), "sources.html");
        let with_kind = page(cited_site(Some(file), None).path(), "sources.html");
        assert_eq!(
            html, with_kind,
            "{file}: as with `kind: book` and `kind: article`"
        );
        assert!(html.contains("Jane Roe, <cite>Sea and Land"), "{html}");
    }
}

/// A reading cites a reference that no other YAML names by its `cited:` alone; the
/// references it does not cite are not on the site.
#[test]
fn only_the_references_a_reading_cites_are_on_the_site() {
    let site = common::site(
        FLEET_TEXT,
        "sources:\n  roe2001: {cited: [Rome ruled the sea]}\n",
    );
    fs::copy(
        fixture("import/zotero.bib"),
        site.path().join("content/sources.bib"),
    )
    .unwrap();
    let (files, _) =
        scholia::render_site(site.path()).unwrap_or_else(|f| panic!("{}", describe(&f)));
    let html = page(site.path(), "sources.html");
    assert!(html.contains("Sea and Land"), "{html}");
    assert!(!html.contains("Counting Fleets"), "{html}");
    assert!(files.iter().any(|f| f.path == "sources/roe2001/index.html"));
    assert!(!files.iter().any(|f| f.path.contains("doe2019")));
}

/// The import proves its file without the references' fields and kinds filled in: a
/// source cited by key with no `kind` must not stop it.
#[test]
fn annotations_import_into_a_reading_whose_sources_are_cited_by_key() {
    let site = example(true);
    let path = annotations_path(site.path());
    let file = "sources:\n  roe2001:\n    cited: [Fast forward to 2026]\n";
    fs::write(&path, file).unwrap();
    fs::copy(
        fixture("import/zotero.bib"),
        site.path().join("content/sources.bib"),
    )
    .unwrap();
    let outcome = import(site.path(), &fixture("import/w3c.jsonld"), false);
    assert!(outcome.written, "{:?}", codes(&outcome));
    let after = fs::read_to_string(&path).unwrap();
    assert!(is_line_subsequence(file, &after));
    let html = page(site.path(), "sources/roe2001/index.html");
    assert!(
        html.contains("<span class=\"note-kind\">book</span>"),
        "{html}"
    );
}

#[test]
fn a_source_with_no_kind_and_no_reference_is_an_error_that_says_a_key_would_do() {
    let site = common::site(
        FLEET_TEXT,
        "sources:\n  roe2001:\n    cited: [Rome ruled the sea]\n",
    );
    let out = scholia(site.path(), &["check"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[E0001]: missing field `kind`: this entry needs it")
            && stderr.contains("annotations.yaml:2:3")
            && stderr.contains("citation key of a reference in content/sources.bib"),
        "{stderr}"
    );
}

#[test]
fn a_csl_json_file_gives_the_same_sources() {
    let site = cited_site(Some("zotero.json"), None);
    let html = page(site.path(), "sources.html");
    assert!(html.contains("Jane Roe, <cite>Sea and Land: A History of the Mediterranean Fleets</cite>, Harbour Press"), "{html}");
}

#[test]
fn each_citation_style_formats_the_bibliography_and_each_source_page() {
    let mut seen = Vec::new();
    for (style, expected) in [
        (
            "apa",
            "Roe, J. (2001). <i>Sea and Land: A History of the Mediterranean Fleets</i>. Harbour Press.",
        ),
        (
            "chicago-author-date",
            "Roe, Jane. 2001. <i>Sea and Land: A History of the Mediterranean Fleets</i>. Harbour Press.",
        ),
        (
            "mla",
            "Roe, Jane. <i>Sea and Land: A History of the Mediterranean Fleets</i>. Harbour Press, 2001.",
        ),
    ] {
        for file in ["zotero.bib", "zotero.json"] {
            let site = cited_site(Some(file), Some(style));
            let html = page(site.path(), "sources.html");
            assert!(html.contains(expected), "{style}, {file}: {html}");
            let source = page(site.path(), "sources/roe2001/index.html");
            assert!(source.contains(expected), "{style}, {file}");
            assert!(
                common::parse_errors(&html).is_empty(),
                "{:?}",
                common::parse_errors(&html)
            );
        }
        seen.push(expected);
    }
    // A source written in YAML is formatted by the style as well.
    let site = common::site(
        FLEET_TEXT,
        "sources:\n  yaml-only:\n    kind: book\n    author: Jane Roe\n    title: Sea <and> Land\n    publisher: Harbour Press\n    date: 2001\n    cited: [Rome ruled the sea]\n",
    );
    let config = site.path().join("site.yaml");
    fs::write(
        &config,
        format!(
            "{}citation_style: apa\n",
            fs::read_to_string(&config).unwrap()
        ),
    )
    .unwrap();
    let html = page(site.path(), "sources.html");
    assert!(
        html.contains("(2001). <i>Sea &lt;and&gt; Land</i>. Harbour Press."),
        "{html}"
    );
}

#[test]
fn a_csl_file_of_the_site_is_a_style() {
    let site = cited_site(Some("zotero.bib"), Some("styles/plain.csl"));
    fs::create_dir_all(site.path().join("styles")).unwrap();
    fs::write(
        site.path().join("styles/plain.csl"),
        r#"<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Title and year</title><id>title-and-year</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout><text variable="title" font-style="italic"/><text value=" — "/><date variable="issued"><date-part name="year"/></date></layout></bibliography>
</style>
"#,
    )
    .unwrap();
    let html = page(site.path(), "sources.html");
    assert!(
        html.contains("<i>Sea and Land: A History of the Mediterranean Fleets</i> — 2001"),
        "{html}"
    );
}

#[test]
fn a_broken_reference_file_or_style_is_an_error_at_its_place() {
    let site = cited_site(None, None);
    fs::write(
        site.path().join("content/sources.bib"),
        "@book{roe2001,\n  title = {Sea and Land,\n}\n",
    )
    .unwrap();
    let out = scholia(site.path(), &["check"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[E0820]") && stderr.contains("--> content/sources.bib:"),
        "{stderr}"
    );

    let site = cited_site(None, None);
    fs::write(
        site.path().join("content/sources.json"),
        "[\n  {\"id\": \"roe2001\",, }\n]\n",
    )
    .unwrap();
    let stderr = String::from_utf8(scholia(site.path(), &["check"]).stderr).unwrap();
    assert!(
        stderr.contains("error[E0821]") && stderr.contains("--> content/sources.json:2:"),
        "{stderr}"
    );

    let site = cited_site(Some("zotero.bib"), Some("harvard-of-nowhere"));
    let stderr = String::from_utf8(scholia(site.path(), &["check"]).stderr).unwrap();
    assert!(
        stderr.contains("error[E0823]") && stderr.contains("--> site.yaml:5:17"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------
// The W3C fixture is written to the published format: the W3C suite's own schemas.

/// The required assertions of one of the W3C suite's `.test` files, as validators; none
/// when ../shared is not there (`SCHOLIA_SHARED` names it elsewhere).
fn w3c_musts(test: &str) -> Option<Vec<(String, jsonschema::Validator, bool)>> {
    use jsonschema::{Draft, Registry};
    const BASE: &str = "https://w3c-web-annotation-tests.invalid/";
    let shared = std::env::var_os("SCHOLIA_SHARED")
        .map(PathBuf::from)
        .or_else(common::shared);
    let Some(shared) = shared else {
        common::skip("../shared is not beside this checkout: the W3C schemas are not there");
        return None;
    };
    let dir = shared.join("w3c-web-annotation-tests");
    let read = |p: &Path| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap()
    };
    let mut resources = Vec::new();
    for entry in fs::read_dir(dir.join("definitions")).ok()? {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let schema = read(&path);
            resources.push((format!("{BASE}{}", schema["id"].as_str().unwrap()), schema));
        }
    }
    let registry = Registry::new()
        .draft(Draft::Draft4)
        .extend(resources)
        .unwrap()
        .prepare()
        .unwrap();
    let list = read(&dir.join(test));
    let mut musts = Vec::new();
    for path in list["assertions"].as_array().unwrap() {
        let path = path.as_str().unwrap();
        let schema = read(&dir.join(path));
        if schema["assertionType"] != "must" {
            continue;
        }
        let name = path.rsplit('/').next().unwrap();
        let validator = jsonschema::options()
            .with_draft(Draft::Draft4)
            .should_validate_formats(true)
            .with_registry(&registry)
            .with_base_uri(format!("{BASE}{name}"))
            .build(&schema)
            .unwrap();
        musts.push((
            path.to_owned(),
            validator,
            schema["expectedResult"] != "invalid",
        ));
    }
    Some(musts)
}

#[test]
fn the_w3c_fixture_meets_every_required_assertion_of_the_w3c_schemas() {
    let Some(annotation_musts) = w3c_musts("annotations/annotationMusts.test") else {
        return;
    };
    let Some(collection_musts) = w3c_musts("collections/collectionMusts.test") else {
        return;
    };
    let collection: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixture("import/w3c.jsonld")).unwrap()).unwrap();
    let mut failed = Vec::new();
    for (path, validator, valid) in &collection_musts {
        if validator.is_valid(&collection) != *valid {
            failed.push(format!("the collection: {path}"));
        }
    }
    let items = collection["first"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 7);
    for item in items {
        let mut annotation = serde_json::json!({ "@context": collection["@context"] });
        for (key, value) in item.as_object().unwrap() {
            annotation[key] = value.clone();
        }
        for (path, validator, valid) in &annotation_musts {
            if validator.is_valid(&annotation) != *valid {
                failed.push(format!("{}: {path}", item["id"]));
            }
        }
    }
    assert!(!annotation_musts.is_empty() && !collection_musts.is_empty());
    assert!(failed.is_empty(), "{failed:#?}");
}

/// Exports as odd as a file can be: every annotation is imported, reported or refused,
/// and scholia never panics.
#[test]
fn odd_exports_are_reported_never_a_panic() {
    let site = common::site(
        "Rome ruled the sea.\n\nRome ruled the sea.\n\n![Rome ruled](x.png) and `code`.\n",
        "notes:\n  old:\n    at: and\n    text: x\n",
    );
    let bodies = [
        r#"{"rows": [{"id": "a", "target": [{"selector": [{"type": "TextPositionSelector", "start": 99999999999, "end": 3}]}]}]}"#,
        r#"{"rows": [{"id": "b", "target": [{"selector": [{"type": "TextPositionSelector", "start": 5, "end": 5}]}]}]}"#,
        r#"{"rows": [{"id": "c", "target": [{"selector": [{"type": "TextQuoteSelector", "exact": ""}]}]}]}"#,
        r#"{"rows": [{"id": "d", "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "Rome ruled the sea"}]}]}]}"#,
        r#"{"rows": [{"id": "e", "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "sea.\n\nRome"}]}]}]}"#,
        r#"{"rows": [{"id": "f", "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "ome rule"}]}]}]}"#,
        r#"{"rows": [{"id": "g", "target": [{"selector": {"type": "TextQuoteSelector", "exact": 7}}], "text": 5, "tags": "x"}]}"#,
        r#"{"rows": [{"id": "h", "target": "nowhere", "text": "<p><a href='javascript:alert(1)'>x</a><img src=x onerror=alert(1)></p>"}]}"#,
        r#"{"rows": [{"id": "i", "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "Rome ruled", "prefix": "!["}]}], "text": "&#xFFFFFFFF; &#0; &bogus; <!-- x"}]}"#,
        r#"[{"type": ["Annotation"], "body": [{"type": "SpecificResource", "selector": {"type": "TextQuoteSelector", "exact": "nowhere at all"}}], "target": {"selector": {"type": "TextQuoteSelector", "exact": "code"}}}]"#,
        r#"{"type": "AnnotationPage", "items": [{"type": "Annotation", "motivation": "identifying", "target": {"selector": {"type": "TextPositionSelector", "start": 0, "end": 4}}}]}"#,
        r#"{"rows": 3}"#,
        r#"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"#,
        "\u{feff}{\"rows\": []}",
    ];
    let before = fs::read_to_string(site.path().join("content/reading/annotations.yaml")).unwrap();
    for (i, body) in bodies.iter().enumerate() {
        let file = site.path().join(format!("odd-{i}.json"));
        fs::write(&file, body).unwrap();
        let options = scholia::import::Options {
            reading: "reading".into(),
            dry_run: true,
        };
        match scholia::import::import(site.path(), &file, &options) {
            Ok(outcome) => assert!(
                outcome.anchored + outcome.orphans() <= outcome.read,
                "{body}"
            ),
            Err(scholia::Failure::Input(problems)) => assert!(!problems.is_empty()),
            Err(scholia::Failure::Internal(why)) => panic!("{body}: {why}"),
        }
    }
    assert_eq!(
        fs::read_to_string(site.path().join("content/reading/annotations.yaml")).unwrap(),
        before
    );
}

/// An import made twice adds nothing twice: scholia's own export, imported into the
/// site it came from, finds every annotation there already (W0802) and writes nothing.
#[test]
fn the_export_imported_into_its_own_site_adds_nothing() {
    let (files, _) = scholia::render_site(&repo()).unwrap_or_else(|f| panic!("{}", describe(&f)));
    let site = example(false);
    let export = site.path().join("export.jsonld");
    let path = format!("{SLUG}/annotations.jsonld");
    fs::write(
        &export,
        &files.iter().find(|f| f.path == path).unwrap().contents,
    )
    .unwrap();
    let before = fs::read(annotations_path(site.path())).unwrap();
    let outcome = import(site.path(), &export, false);
    assert_eq!(
        (outcome.read, outcome.anchored, outcome.orphans()),
        (141, 141, 0)
    );
    assert!(outcome.imported.is_empty() && !outcome.written);
    assert!(
        codes(&outcome).iter().all(|c| *c == "W0802"),
        "{:?}",
        codes(&outcome)
    );
    assert_eq!(fs::read(annotations_path(site.path())).unwrap(), before);
}

/// A reference's words reach the page as text, whatever they hold; an address that is
/// not a web address is refused, as in YAML.
#[test]
fn a_reference_is_escaped_in_every_style() {
    let site = cited_site(None, Some("apa"));
    let bib = "@book{roe2001,\n  title = {Sea <script>alert(1)</script> & Land},\n  author = {Roe, Jane},\n  date = {2001},\n}\n@online{doe2019,\n  title = {Fleets \"quoted\"},\n  author = {Doe, John},\n  date = {2019},\n  url = {https://example.org/fleets?a=1&b=2},\n}\n";
    fs::write(site.path().join("content/sources.bib"), bib).unwrap();
    let html = page(site.path(), "sources.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Land"),
        "{html}"
    );
    assert!(
        html.contains("https://example.org/fleets?a=1&amp;b=2"),
        "{html}"
    );
    assert!(
        common::parse_errors(&html).is_empty(),
        "{:?}",
        common::parse_errors(&html)
    );

    let unsafe_url = bib.replace("https://example.org/fleets?a=1&b=2", "javascript:alert(1)");
    fs::write(site.path().join("content/sources.bib"), unsafe_url).unwrap();
    let out = scholia(site.path(), &["check"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("error[E0115]: `javascript:alert(1)` is not a web address"),
        "{stderr}"
    );
}

#[test]
fn with_format_json_every_line_of_stdout_is_json() {
    let site = example(true);
    let file = fixture("import/hypothesis.json");
    let out = run_import(
        site.path(),
        file.to_str().unwrap(),
        SLUG,
        &["--dry-run", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.iter().filter(|l| l["code"] == "W0800").count(), 3);
    assert!(
        lines.last().unwrap()["yaml"]
            .as_str()
            .unwrap()
            .contains("\nnotes:\n")
    );
}
