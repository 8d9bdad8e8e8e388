//! Output that never destroys: scholia replaces only a folder it built (its manifest says
//! which files it wrote), refuses outputs that are the site's sources, a file, `/` or the
//! home folder, and serialises builds into one output with a lock.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use common::{copy_site, files_under, fixture, scholia};

fn build(site: &Path, out: &Path) -> Output {
    scholia(site, &["build", "--output", out.to_str().unwrap()])
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_built(output: &Output) {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
}

fn assert_refused(output: &Output, code: &str) -> String {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains(&format!("error[{code}]")), "{text}");
    assert!(text.contains("help:"), "{text}");
    text
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A user's own website folder: an index.html among files scholia never wrote.
fn own_website(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fs::create_dir_all(dir.join("photos")).unwrap();
    fs::write(dir.join("index.html"), "<h1>My page</h1>").unwrap();
    fs::write(dir.join("cv.pdf"), "%PDF-1.4 my cv").unwrap();
    fs::write(dir.join("photos/me.jpg"), [0xff, 0xd8, 0xff]).unwrap();
    files_under(dir)
}

#[test]
fn build_refuses_a_website_folder_it_did_not_build_even_with_an_index_html() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("www");
    let before = own_website(&out);
    let text = assert_refused(&build(&fixture("valid/minimal"), &out), "E0401");
    assert!(text.contains("cv.pdf"), "names what it would lose: {text}");
    assert_eq!(files_under(&out), before);
    assert_eq!(names(dir.path()), ["www"], "nothing left beside it");
}

#[test]
fn a_refusal_names_the_first_few_unknown_files_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    for i in 1..=7 {
        fs::write(dir.path().join(format!("note-{i}.txt")), "mine").unwrap();
    }
    let text = assert_refused(&build(&fixture("valid/minimal"), dir.path()), "E0401");
    assert!(text.contains("note-1.txt, note-2.txt"), "{text}");
    assert!(text.contains("and 2 more"), "{text}");
    assert!(!text.contains("note-7.txt"), "{text}");
}

#[test]
fn build_refuses_the_sites_templates_folder() {
    let site = copy_site(&fixture("valid/override"));
    let templates = site.path().join("templates");
    fs::write(
        templates.join("index.html"),
        "{% extends \"base.html\" %}\n",
    )
    .unwrap();
    let before = files_under(&templates);
    let text = assert_refused(
        &scholia(site.path(), &["build", "--output", "templates"]),
        "E0402",
    );
    assert!(text.contains("templates"), "{text}");
    assert_eq!(files_under(&templates), before);
}

#[test]
fn build_refuses_an_output_inside_or_around_the_sources() {
    let site = copy_site(&fixture("valid/minimal"));
    let root = site.path();
    let before = files_under(root);
    for output in [
        "content",
        "content/reading",
        "content/new-folder",
        "public/../content/x",
        ".",
        "..",
    ] {
        assert_refused(&scholia(root, &["build", "--output", output]), "E0402");
        assert_eq!(files_under(root), before, "{output}");
    }
    assert!(!root.join("content/new-folder").exists());
    assert!(!root.join("content/x").exists());
}

#[cfg(unix)]
#[test]
fn build_refuses_a_symlink_that_leads_into_the_sources() {
    let site = copy_site(&fixture("valid/minimal"));
    let root = site.path();
    let elsewhere = tempfile::tempdir().unwrap();
    let link = elsewhere.path().join("out");
    std::os::unix::fs::symlink(root.join("content"), &link).unwrap();
    let before = files_under(root);
    assert_refused(&build(root, &link.join("reading")), "E0402");
    assert_refused(&build(root, &link), "E0402");
    assert_eq!(files_under(root), before);
}

#[test]
fn build_refuses_a_file_as_output_and_never_renames_it() {
    let site = copy_site(&fixture("valid/minimal"));
    let root = site.path();
    let config = fs::read(root.join("site.yaml")).unwrap();
    let text = assert_refused(&scholia(root, &["build", "--output", "site.yaml"]), "E0403");
    assert!(text.contains("site.yaml"), "{text}");
    assert_eq!(fs::read(root.join("site.yaml")).unwrap(), config);
    assert!(
        !names(root).iter().any(|n| n.contains("scholia")),
        "{:?}",
        names(root)
    );
    // The site stays buildable.
    assert_built(&scholia(root, &["build"]));
    assert!(root.join("public/reading/index.html").is_file());
}

#[test]
fn build_refuses_an_output_below_a_file() {
    let site = copy_site(&fixture("valid/minimal"));
    let root = site.path();
    fs::write(root.join("notes.txt"), "mine").unwrap();
    assert_refused(
        &scholia(root, &["build", "--output", "notes.txt/public"]),
        "E0403",
    );
    assert_eq!(fs::read_to_string(root.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn build_refuses_the_root_folder_and_the_home_folder() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("you");
    let before = own_website(&home);
    let run = |output: &Path| {
        Command::new(env!("CARGO_BIN_EXE_scholia"))
            .args(["build", "--output"])
            .arg(output)
            .current_dir(fixture("valid/minimal"))
            .env("HOME", &home)
            .env("USERPROFILE", &home)
            .output()
            .unwrap()
    };
    assert!(assert_refused(&run(&home), "E0404").contains("is your home folder"));
    assert!(assert_refused(&run(dir.path()), "E0404").contains("holds your home folder"));
    assert_refused(&run(Path::new("/")), "E0404");
    assert_eq!(files_under(&home), before);
}

#[cfg(unix)]
#[test]
fn a_symlink_put_into_a_built_output_is_refused_and_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let photos = dir.path().join("photos");
    fs::create_dir(&photos).unwrap();
    fs::write(photos.join("me.jpg"), "mine").unwrap();
    assert_built(&build(&fixture("valid/minimal"), &out));
    std::os::unix::fs::symlink(&photos, out.join("photos")).unwrap();
    let text = assert_refused(&build(&fixture("valid/minimal"), &out), "E0401");
    assert!(text.contains("photos"), "{text}");
    assert_eq!(fs::read_to_string(photos.join("me.jpg")).unwrap(), "mine");
    assert!(out.join("photos").is_symlink());
}

#[test]
fn an_empty_folder_may_be_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    fs::create_dir(&out).unwrap();
    assert_built(&build(&fixture("valid/minimal"), &out));
    assert!(out.join("reading/index.html").is_file());
}

#[test]
fn every_output_carries_a_manifest_of_exactly_the_files_scholia_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    assert_built(&build(&fixture("valid/minimal"), &out));
    let manifest = fs::read_to_string(out.join(".scholia-manifest")).unwrap();
    let mut lines = manifest.lines();
    assert_eq!(lines.next(), Some("scholia-manifest 1"));
    let listed: Vec<PathBuf> = lines.map(PathBuf::from).collect();
    let mut written: Vec<PathBuf> = files_under(&out).into_keys().collect();
    written.retain(|p| p != Path::new(".scholia-manifest"));
    assert_eq!(listed, written, "sorted, and every file but itself");
}

#[test]
fn the_committed_public_folder_carries_its_manifest() {
    let public = common::repo().join("public");
    let manifest = fs::read_to_string(public.join(".scholia-manifest"))
        .expect("public/.scholia-manifest is committed, so a fresh clone can build");
    let listed: Vec<&str> = manifest.lines().skip(1).collect();
    let on_disk: Vec<String> = files_under(&public)
        .into_keys()
        .filter(|p| p != Path::new(".scholia-manifest"))
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(listed, on_disk);
}

#[test]
fn a_rebuild_replaces_its_own_output_and_drops_pages_that_are_gone() {
    let site = copy_site(&fixture("valid/minimal"));
    let root = site.path();
    let extra = root.join("content/second");
    fs::create_dir_all(&extra).unwrap();
    fs::write(
        extra.join("index.md"),
        "---\ntitle: Second\n---\n\nMore text.\n",
    )
    .unwrap();
    assert_built(&scholia(root, &["build"]));
    assert!(root.join("public/second/index.html").is_file());
    fs::remove_dir_all(&extra).unwrap();
    assert_built(&scholia(root, &["build"]));
    assert!(!root.join("public/second").exists());
    assert!(root.join("public/reading/index.html").is_file());
}

#[test]
fn a_file_added_to_a_built_output_stops_the_next_build_until_moved_away() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    assert_built(&build(&fixture("valid/minimal"), &out));
    fs::create_dir_all(out.join("reading/extras")).unwrap();
    fs::write(out.join("reading/extras/handout.pdf"), "mine").unwrap();
    let before = files_under(&out);
    let text = assert_refused(&build(&fixture("valid/minimal"), &out), "E0401");
    assert!(text.contains("reading/extras/handout.pdf"), "{text}");
    assert_eq!(files_under(&out), before);
    fs::remove_dir_all(out.join("reading/extras")).unwrap();
    assert_built(&build(&fixture("valid/minimal"), &out));
}

#[test]
fn a_forged_manifest_cannot_reach_outside_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    fs::create_dir(&out).unwrap();
    fs::write(dir.path().join("precious.txt"), "mine").unwrap();
    fs::write(
        out.join(".scholia-manifest"),
        "scholia-manifest 1\n../precious.txt\n",
    )
    .unwrap();
    assert_refused(&build(&fixture("valid/minimal"), &out), "E0401");
    assert_eq!(
        fs::read_to_string(dir.path().join("precious.txt")).unwrap(),
        "mine"
    );
}

fn lock_of(out: &Path) -> PathBuf {
    out.with_file_name(format!(
        ".{}.scholia-lock",
        out.file_name().unwrap().to_string_lossy()
    ))
}

#[test]
fn a_build_waits_for_a_live_lock_then_fails_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    assert_built(&build(&fixture("valid/minimal"), &out));
    let before = files_under(&out);
    let lock = lock_of(&out);
    // This test's own process is alive: the lock is held.
    fs::write(&lock, format!("{}\n", std::process::id())).unwrap();
    let result = Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(["build", "--output"])
        .arg(&out)
        .current_dir(fixture("valid/minimal"))
        .env("SCHOLIA_LOCK_WAIT", "1")
        .output()
        .unwrap();
    let text = assert_refused(&result, "E0405");
    assert!(text.contains(".public.scholia-lock"), "{text}");
    assert!(text.contains(&std::process::id().to_string()), "{text}");
    assert_eq!(files_under(&out), before);
    assert!(lock.exists(), "another build's lock is not ours to remove");
}

/// The process id of a process that has ended.
fn dead_pid() -> u32 {
    let mut gone = Command::new(env!("CARGO_BIN_EXE_scholia"))
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    pid
}

fn half_written_copy(from: &Path, to: &Path) {
    common::copy_tree(from, to);
    let _ = fs::remove_file(to.join("reading/index.html"));
}

#[test]
fn a_lock_left_by_a_build_that_is_gone_is_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    fs::write(lock_of(&out), format!("{}\n", dead_pid())).unwrap();
    assert_built(&build(&fixture("valid/minimal"), &out));
    assert_eq!(names(dir.path()), ["public"]);
}

#[test]
fn a_lock_older_than_its_age_limit_is_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let lock = lock_of(&out);
    fs::write(&lock, format!("{}\n", std::process::id())).unwrap();
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&lock)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    assert_built(&build(&fixture("valid/minimal"), &out));
    assert_eq!(names(dir.path()), ["public"]);
}

#[test]
fn a_staging_folder_left_by_a_killed_build_is_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let other = dir.path().join("other");
    assert_built(&build(&fixture("valid/minimal"), &other));
    // A build killed half-way through writing: its manifest and part of its files.
    let staging = dir.path().join(".public.scholia-new");
    fs::rename(&other, &staging).unwrap();
    fs::remove_file(staging.join("reading/index.html")).unwrap();
    assert_built(&build(&fixture("valid/minimal"), &out));
    assert_eq!(names(dir.path()), ["public"]);
}

#[test]
fn a_build_killed_between_the_two_renames_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    assert_built(&build(&fixture("valid/minimal"), &out));
    let before = files_under(&out);
    let retired = dir.path().join(".public.scholia-old");
    fs::rename(&out, &retired).unwrap();
    // A failing build touches nothing: the only copy of the old site stays.
    let failed = build(&fixture("invalid/quote-not-found"), &out);
    assert_eq!(failed.status.code(), Some(1));
    assert_eq!(files_under(&retired), before);
    assert_built(&build(&fixture("valid/minimal"), &out));
    assert_eq!(files_under(&out), before);
    assert_eq!(names(dir.path()), ["public"]);
}

#[test]
fn a_leftover_folder_that_scholia_did_not_write_is_never_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let odd = dir.path().join(".public.scholia-new");
    fs::create_dir(&odd).unwrap();
    fs::write(odd.join("notes.txt"), "mine").unwrap();
    let text = assert_refused(&build(&fixture("valid/minimal"), &out), "E0406");
    assert!(text.contains(".public.scholia-new"), "{text}");
    assert_eq!(fs::read_to_string(odd.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn racing_builds_into_one_output_leave_one_complete_site() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh");
    assert_built(&build(&fixture("valid/minimal"), &fresh));
    let expected = files_under(&fresh);
    let out = dir.path().join("public");
    let gone = dead_pid();
    for round in 0..4 {
        if round >= 2 {
            // What a killed build leaves: its lock, and its staging folder half written.
            fs::write(lock_of(&out), format!("{gone}\n")).unwrap();
            half_written_copy(&fresh, &dir.path().join(".public.scholia-new"));
        }
        let mut built = 0;
        let children: Vec<_> = (0..8)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_scholia"))
                    .args(["build", "--output"])
                    .arg(&out)
                    .current_dir(fixture("valid/minimal"))
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let result = child.wait_with_output().unwrap();
            let said = String::from_utf8_lossy(&result.stdout).into_owned();
            // Every build either did all it says, or says why it did nothing.
            if said.contains("Built") {
                assert_eq!(result.status.code(), Some(0));
                built += 1;
            } else {
                assert_refused(&result, "E0405");
            }
        }
        assert!(built >= 1, "round {round}: no build succeeded");
        assert_eq!(files_under(&out), expected, "round {round}");
        assert_eq!(names(dir.path()), ["fresh", "public"], "round {round}");
    }
}

#[test]
fn a_build_that_fails_after_its_pages_are_written_aside_leaves_the_output_as_it_was() {
    // Pages go into the staging folder as they are made; these sites fail only after
    // (a template, a link to no file, a file beside a reading named like the export).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    assert_built(&build(&fixture("valid/minimal"), &out));
    let before = files_under(&out);
    for failing in [
        "invalid/broken-template",
        "invalid/missing-image-and-link",
        "invalid/file-beside-reading-named-like-the-export",
    ] {
        let result = build(&fixture(failing), &out);
        assert_eq!(
            result.status.code(),
            Some(1),
            "{failing}: {}",
            stderr(&result)
        );
        assert_eq!(files_under(&out), before, "{failing}");
        assert_eq!(names(dir.path()), vec!["public"], "{failing}");
    }
}

#[test]
fn a_staging_folder_left_by_a_killed_build_with_its_manifest_unsorted_is_cleared() {
    // A killed build's manifest lists its files in the order they were made.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let staging = dir.path().join(".public.scholia-new");
    fs::create_dir_all(staging.join("b")).unwrap();
    fs::write(staging.join("b/index.html"), "b").unwrap();
    fs::write(staging.join("a.html"), "a").unwrap();
    fs::write(
        staging.join(".scholia-manifest"),
        "scholia-manifest 1\nb/index.html\na.html\n.scholia-manifest.sorted\n",
    )
    .unwrap();
    assert_built(&build(&fixture("valid/minimal"), &out));
    assert_eq!(names(dir.path()), vec!["public"]);
    let manifest = fs::read_to_string(out.join(".scholia-manifest")).unwrap();
    let mut sorted: Vec<&str> = manifest.lines().skip(1).collect();
    sorted.sort_by(|a, b| Path::new(a).cmp(Path::new(b)));
    assert_eq!(manifest.lines().skip(1).collect::<Vec<_>>(), sorted);
    assert!(!manifest.contains("sorted"), "{manifest}");
}
