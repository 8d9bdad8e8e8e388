//! The reader's experience in a real browser: builds the example and the browser fixture
//! site (`tests/browser/site`) afresh, then runs `node tests/browser/run.mjs`, which drives
//! Debian's Chromium headless with playwright-core, axe-core and vnu (see that file for
//! what it checks; it prints every number it checks).
//!
//! It needs node, `npm ci` (node_modules), Chromium (`/usr/bin/chromium`, or `$CHROMIUM`),
//! java and pdftotext/pdftoppm; `.ci/run` installs them all. Where one is missing the test
//! says SKIPPED loudly and passes, except under CI (`CI=true`), where that is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What the suite needs that is not here, if anything.
fn missing() -> Vec<String> {
    let mut missing = Vec::new();
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).is_file() {
        missing.push(format!("Chromium ({chromium}): apt-get install chromium"));
    }
    if !runs("node", &["--version"]) {
        missing.push("node".into());
    }
    for package in ["playwright-core", "axe-core", "vnu-jar"] {
        if !repo().join("node_modules").join(package).is_dir() {
            missing.push(format!("node_modules/{package}: run `npm ci`"));
        }
    }
    if !runs("java", &["-version"]) {
        missing.push("java (for vnu): apt-get install default-jre-headless".into());
    }
    if !runs("pdftotext", &["-v"]) || !runs("pdftoppm", &["-v"]) {
        missing.push("pdftotext and pdftoppm: apt-get install poppler-utils".into());
    }
    missing
}

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn build(root: &Path, out: &Path) {
    let result = Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .output()
        .expect("the scholia binary runs");
    assert!(
        result.status.success(),
        "building {} failed: {}",
        root.display(),
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn the_reading_works_in_a_real_browser() {
    let missing = missing();
    if !missing.is_empty() {
        let message = format!(
            "the browser suite cannot run here; missing: {}",
            missing.join("; ")
        );
        if under_ci() {
            panic!("{message} (CI=true: .ci/run installs these)");
        }
        // Straight to stderr, past the test harness's capture, so it shows.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\n**********\nSKIPPED: {message}\n**********\n"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let example = dir.path().join("example");
    let fixture = dir.path().join("fixture");
    build(&repo(), &example);
    build(&repo().join("tests/browser/site"), &fixture);
    let screenshots = repo().join("target/screenshots");
    let status = Command::new("node")
        .arg(repo().join("tests/browser/run.mjs"))
        .arg("--example")
        .arg(&example)
        .arg("--fixture")
        .arg(&fixture)
        .arg("--out")
        .arg(&screenshots)
        .current_dir(repo())
        .status()
        .expect("node runs");
    assert!(
        status.success(),
        "the browser suite failed (its output is above; screenshots in {})",
        screenshots.display()
    );
}
