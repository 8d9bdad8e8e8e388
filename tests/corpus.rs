//! The synthetic site of the benchmarks (`benches/corpus/`): the same seed gives the same
//! bytes, and the site it writes checks and builds clean, so the benchmark measures a
//! build that anchors everything rather than one that stops at an error.

#[path = "../benches/corpus/mod.rs"]
mod corpus;

mod common;

use corpus::{Params, generate};

#[test]
fn the_same_seed_gives_the_same_site_byte_for_byte() {
    let params = Params::new(4, 40);
    assert_eq!(generate(&params), generate(&params));
    let other = Params { seed: 9, ..params };
    assert_ne!(
        generate(&params),
        generate(&other),
        "another seed gives another site"
    );
}

#[test]
fn a_generated_site_checks_and_builds_with_no_error_or_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let params = Params::new(3, 30);
    let summary = corpus::write(&params, &root).unwrap();
    assert_eq!(
        summary.files,
        3 * 2 + 3,
        "site.yaml, shared files, two per reading"
    );

    // Its readings are dated, so without a base_url it would get no feed and a warning
    // (W0302) saying so; the generator is left as the benchmark's baseline measured it.
    let config = root.join("site.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}base_url: https://example.org/library/\n"),
    )
    .unwrap();
    let check = common::scholia(&root, &["check", "--deny", "warnings"]);
    assert!(
        check.status.success(),
        "scholia check failed:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // The build also checks every link; every annotation must have been anchored.
    let (files, report) = scholia::render_site(&root).unwrap_or_else(|f| panic!("{f:?}"));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    // Mentions are listed on each entry's own page, glossary/<id>/index.html.
    let entry_pages: Vec<String> = files
        .iter()
        .filter(|f| f.path.starts_with("glossary/"))
        .map(|f| String::from_utf8_lossy(&f.contents).into_owned())
        .collect();
    assert!(!entry_pages.is_empty(), "the glossary has entry pages");
    for file in generate(&params)
        .iter()
        .filter(|f| f.path.ends_with("index.md"))
    {
        let slug = file.path.split('/').nth(1).unwrap();
        let page = files
            .iter()
            .find(|f| f.path == format!("{slug}/index.html"))
            .expect("each reading's page");
        let html = String::from_utf8_lossy(&page.contents);
        for id in ["note-0", "note-1", "onward"] {
            assert!(html.contains(id), "{slug} shows `{id}`");
        }
        assert!(
            entry_pages
                .iter()
                .any(|page| page.contains(&format!("../../{slug}/"))),
            "an entry page lists mentions in {slug}"
        );
    }
}

#[test]
fn the_generated_markdown_has_the_constructs_of_a_real_reading() {
    let files = generate(&Params::new(2, 20));
    let markdown: String = files
        .iter()
        .filter(|f| f.path.ends_with("index.md"))
        .map(|f| f.contents.as_str())
        .collect();
    for construct in [
        "\n## ",
        "\n- ",
        "\n1. ",
        "\n| ",
        "\n```",
        "\n> ",
        "[^1]",
        "](https://",
        "](../",
        "*",
        "**",
        "<mark>",
        "<abbr title=",
    ] {
        assert!(
            markdown.contains(construct),
            "the Markdown has `{construct}`"
        );
    }
    let forms = corpus::forms(&Params::new(1, 2000));
    assert!(
        (3700..4000).contains(&forms),
        "about two forms a gloss: {forms}"
    );
}

/// The figures in docs/performance.md were measured on this site: a change to the
/// generator that alters it makes them incomparable with what is measured after.
#[test]
fn the_benchmark_site_is_the_one_the_baseline_was_measured_on() {
    // FNV-1a over every path and its contents, in order.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in generate(&Params::new(100, 2000)) {
        for byte in file.path.bytes().chain([0]).chain(file.contents.bytes()) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    assert_eq!(
        format!("{hash:016x}"),
        "131dbe922a83628c",
        "the generated site changed: measure the baseline again (docs/performance.md, \
         'Scale') and put the new fingerprint here"
    );
}

#[test]
fn a_build_streamed_into_its_folder_equals_the_site_rendered_in_memory() {
    // Pages are made on several threads and written as they come: the folder must hold
    // the same files, byte for byte, as the site rendered whole in memory, and its
    // manifest exactly those files, sorted.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    corpus::write(&Params::new(12, 60), &root).unwrap();
    let out = dir.path().join("out");
    let built = common::scholia(&root, &["build", "--output", out.to_str().unwrap()]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let (files, _) = scholia::render_site(&root).unwrap_or_else(|f| panic!("{f:?}"));
    let mut paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for file in &files {
        let written =
            std::fs::read(out.join(&file.path)).unwrap_or_else(|e| panic!("{}: {e}", file.path));
        assert!(written == file.contents, "{} differs", file.path);
    }
    let on_disk = common::files_under(&out);
    assert_eq!(on_disk.len(), files.len() + 1, "the files and the manifest");
    paths.sort_by(|a, b| std::path::Path::new(a).cmp(std::path::Path::new(b)));
    let manifest = std::fs::read_to_string(out.join(".scholia-manifest")).unwrap();
    assert_eq!(manifest.lines().skip(1).collect::<Vec<_>>(), paths);
}
