//! Hostile input: every site under tests/fixtures/invalid/ and tests/fixtures/hostile/
//! fails `scholia build` without touching the previous output.
//!
//! For each case:
//! 1. copy the case into a fresh folder, adding what is too large to commit (a file
//!    over the size limit is made here, at run time);
//! 2. build a known-good site into a fresh output folder and record every file and
//!    folder in it, byte for byte;
//! 3. run `scholia build --root . --output OUT` on the case (from inside it, so the
//!    paths in the diagnostics are the case's own);
//! 4. require exit code 1, exactly the diagnostics in the case's `expected.txt`, and the
//!    output folder exactly as it was.
//!
//! Run with `UPDATE_EXPECT=1` to rewrite the hostile cases' expected files after a
//! deliberate change (the invalid fixtures' files belong to tests/diagnostics.rs).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{cases, copy_tree, fixture};

/// A tree as a map from relative path to contents (`None` for a folder).
type Tree = BTreeMap<PathBuf, Option<Vec<u8>>>;

fn snapshot(root: &Path) -> Tree {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let relative = e.path().strip_prefix(root).unwrap().to_path_buf();
            let contents = e.file_type().is_file().then(|| fs::read(e.path()).unwrap());
            (relative, contents)
        })
        .collect()
}

/// Just over the limit scholia reads (10 MB), in lines a person might write.
const HUGE: usize = 10 * 1024 * 1024 + 4096;

/// Writes what a case needs but is too large to commit.
fn generate(case: &str, root: &Path) {
    let reading = root.join("content/reading");
    match case {
        "huge-markdown" => {
            let mut text = String::from("---\ntitle: A long reading\n---\n\n");
            let paragraph = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(12);
            while text.len() < HUGE {
                text.push_str(&paragraph);
                text.push_str("\n\n");
            }
            fs::write(reading.join("index.md"), text).unwrap();
        }
        "huge-annotations" => {
            let mut yaml = String::from("notes:\n");
            let mut i = 0;
            while yaml.len() < HUGE {
                yaml.push_str(&format!(
                    "  n{i}:\n    at: ruled the sea\n    text: A note that says the same thing again and again.\n"
                ));
                i += 1;
            }
            fs::write(reading.join("annotations.yaml"), yaml).unwrap();
        }
        _ => {}
    }
}

fn build(dir: &Path, output: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(["build", "--root", "."])
        .arg("--output")
        .arg(output)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the scholia binary runs")
}

/// Runs one case; returns what went wrong, if anything.
fn run_case(case: &Path, update: bool) -> Option<String> {
    let name = case.file_name().unwrap().to_str().unwrap();
    let work = tempfile::tempdir().unwrap();
    let site = work.path().join("site");
    fs::create_dir(&site).unwrap();
    copy_tree(case, &site);
    generate(name, &site);

    let output = work.path().join("public");
    let good = build(&fixture("valid/minimal"), &output);
    assert!(
        good.status.success(),
        "the known-good site builds: {}",
        String::from_utf8_lossy(&good.stderr)
    );
    let before = snapshot(&output);
    assert!(
        before.keys().any(|p| p.ends_with("index.html")),
        "the known-good build wrote pages"
    );

    let run = build(&site, &output);
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    // `build` and `check` report alike; a case where they cannot may hold the build's own
    // text in `expected-build.txt`.
    let build_only = case.join("expected-build.txt");
    let expected_path = if build_only.is_file() {
        build_only
    } else {
        case.join("expected.txt")
    };
    if update {
        fs::write(&expected_path, &stderr).unwrap();
    }
    let expected = fs::read_to_string(&expected_path).unwrap_or_default();
    let mut wrong = Vec::new();
    if run.status.code() != Some(1) {
        wrong.push(format!("exit code {:?}, not 1", run.status.code()));
    }
    if stderr != expected {
        wrong.push(format!("expected:\n{expected}\ngot:\n{stderr}"));
    }
    let after = snapshot(&output);
    if after != before {
        let changed: Vec<_> = before
            .keys()
            .chain(after.keys())
            .filter(|p| before.get(*p) != after.get(*p))
            .map(|p| p.display().to_string())
            .collect();
        wrong.push(format!(
            "the previous output changed: {}",
            changed.join(", ")
        ));
    }
    (!wrong.is_empty()).then(|| format!("--- {}\n{}", case.display(), wrong.join("\n")))
}

fn run_all(kind: &str, update: bool) {
    let cases = cases(kind);
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c, update)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn each_hostile_case_fails_with_its_diagnostics_and_leaves_the_output_untouched() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    assert!(cases("hostile").len() >= 30, "the hostile cases are there");
    run_all("hostile", update);
}

#[test]
fn each_invalid_fixture_fails_to_build_and_leaves_the_output_untouched() {
    assert!(
        cases("invalid").len() >= 12,
        "the invalid fixtures are there"
    );
    run_all("invalid", false);
}

/// The harness itself can fail: a case whose build succeeds, and one whose diagnostics
/// differ from its expected text, are both caught.
#[test]
fn the_harness_catches_a_case_that_builds_or_says_something_else() {
    let work = tempfile::tempdir().unwrap();
    let case = work.path().join("valid-site");
    copy_tree(&fixture("valid/minimal"), &case);
    fs::write(case.join("expected.txt"), "").unwrap();
    fs::write(
        case.join("site.yaml"),
        "title: Another\ndescription: A test site.\nlanguage: en\neditor: Tests\n",
    )
    .unwrap();
    let report = run_case(&case, false).expect("a site that builds is a failed case");
    assert!(report.contains("exit code Some(0)"), "{report}");
    assert!(report.contains("the previous output changed"), "{report}");

    let case = work.path().join("wrong-text");
    copy_tree(&fixture("hostile/yaml-tab-indentation"), &case);
    fs::write(case.join("expected.txt"), "error: something else\n").unwrap();
    let report = run_case(&case, false).expect("other diagnostics are a failed case");
    assert!(
        report.contains("expected:\nerror: something else"),
        "{report}"
    );
}
