//! The reader's experience in a real browser: builds the example and the browser fixture
//! site (`tests/browser/site`) afresh, then runs `node tests/browser/run.mjs`, which drives
//! Debian's Chromium headless with playwright-core, axe-core and vnu (see that file for
//! what it checks; it prints every number it checks).
//!
//! It needs node, `npm ci` (node_modules), Chromium (`/usr/bin/chromium`, or `$CHROMIUM`),
//! java and pdftotext/pdftoppm; `.ci/run` installs them all, and the README gives the one
//! line that does.
//!
//! Where one is missing the suite is skipped, and says so where it counts: this file has
//! its own small harness (`harness = false` in Cargo.toml) because the standard one can
//! only pass or fail a test at run time, and a skipped suite must not count as passed. The
//! test is then reported `ignored, SKIPPED: …`, the closing line says `1 ignored`, and a
//! banner on stderr lists what is missing. Under CI (`CI=true`) a skip is a failure.
//!
//! The harness honours what `cargo test` passes on: name filters, `--exact`, `--skip`,
//! `--list`, `--ignored`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

// The benchmark's generated site, for the search suite's budget of bytes per query.
#[path = "../benches/corpus/mod.rs"]
mod corpus;

const NAME: &str = "the_reading_works_in_a_real_browser";

/// The one line that installs everything the suite needs, on Debian or Ubuntu.
const INSTALL: &str = "sudo apt-get install -y chromium poppler-utils default-jre-headless nodejs npm && npm ci --ignore-scripts";

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
        missing.push(format!("Chromium ({chromium})"));
    }
    if !runs("node", &["--version"]) {
        missing.push("node".into());
    }
    let packages: Vec<&str> = [
        "playwright-core",
        "axe-core",
        "vnu-jar",
        // The W3C matchers of the suite `w3c`, and what bundles them.
        "@apache-annotator/dom",
        "dom-anchor-text-quote",
        "esbuild",
    ]
    .into_iter()
    .filter(|p| !repo().join("node_modules").join(p).is_dir())
    .collect();
    if !packages.is_empty() {
        missing.push(format!(
            "the npm packages {} (`npm ci --ignore-scripts`)",
            packages.join(", ")
        ));
    }
    if !runs("java", &["-version"]) {
        missing.push("java, for vnu".into());
    }
    if !runs("pdftotext", &["-v"]) || !runs("pdftoppm", &["-v"]) {
        missing.push("pdftotext and pdftoppm (poppler-utils)".into());
    }
    missing
}

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn build(root: &Path, out: &Path) -> Result<(), String> {
    let result = Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .output()
        .map_err(|e| format!("the scholia binary does not run: {e}"))?;
    if result.status.success() {
        Ok(())
    } else {
        Err(format!(
            "building {} failed: {}",
            root.display(),
            String::from_utf8_lossy(&result.stderr)
        ))
    }
}

/// Builds every site folder in `from` (one holding a site.yaml) into `into/NAME`.
fn build_sites(from: &Path, into: &Path) -> Result<(), String> {
    std::fs::create_dir_all(into).map_err(|e| format!("{}: {e}", into.display()))?;
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(());
    };
    let mut roots: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("site.yaml").is_file())
        .collect();
    roots.sort();
    for root in roots {
        let name = root.file_name().unwrap_or_default().to_owned();
        build(&root, &into.join(name))?;
    }
    Ok(())
}

enum Outcome {
    Passed,
    Skipped(String),
    Failed(String),
}

fn the_reading_works_in_a_real_browser() -> Outcome {
    let missing = missing();
    if !missing.is_empty() {
        let why = format!("missing {}", missing.join("; "));
        if under_ci() {
            return Outcome::Failed(format!(
                "the browser suite cannot run: {why} (CI=true: .ci/run installs these)"
            ));
        }
        return Outcome::Skipped(why);
    }
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => return Outcome::Failed(format!("no temporary folder: {e}")),
    };
    let example = dir.path().join("example");
    let fixture = dir.path().join("fixture");
    if let Err(e) =
        build(&repo(), &example).and_then(|()| build(&repo().join("tests/browser/site"), &fixture))
    {
        return Outcome::Failed(e);
    }
    // Each site in tests/browser/sites/NAME (a feature's own fixture, checked by its suite
    // in tests/browser/suites/) is built into sites/NAME.
    let sites = dir.path().join("sites");
    if let Err(e) = build_sites(&repo().join("tests/browser/sites"), &sites) {
        return Outcome::Failed(e);
    }
    // The search suite measures the index a query loads on the 1,000-reading benchmark site.
    // It is built here, outside `sites/` (whose every page the run validates with vnu, far
    // too slow for 8,000 pages), and only when that suite runs.
    let search_bench = dir.path().join("search-bench");
    let suite = std::env::var("SCHOLIA_BROWSER_SUITE").ok();
    if suite.as_deref().is_none_or(|s| s == "search") {
        let source = dir.path().join("search-bench-source");
        if let Err(e) = corpus::write(&corpus::Params::new(1000, 2000), &source)
            .map_err(|e| format!("the 1,000-reading site cannot be written: {e}"))
            .and_then(|_| build(&source, &search_bench))
        {
            return Outcome::Failed(e);
        }
    }
    let screenshots = repo().join("target/screenshots");
    let status = Command::new("node")
        .env("SCHOLIA_SEARCH_BENCH", &search_bench)
        .arg(repo().join("tests/browser/run.mjs"))
        .arg("--example")
        .arg(&example)
        .arg("--fixture")
        .arg(&fixture)
        .arg("--sites")
        .arg(&sites)
        .arg("--out")
        .arg(&screenshots)
        .current_dir(repo())
        .status();
    match status {
        Ok(s) if s.success() => Outcome::Passed,
        Ok(_) => Outcome::Failed(format!(
            "the browser suite failed (its output is above; screenshots in {})",
            screenshots.display()
        )),
        Err(e) => Outcome::Failed(format!("node does not run: {e}")),
    }
}

/// Whether the arguments `cargo test` passed on select this test.
fn selected(args: &[String]) -> bool {
    let exact = args.iter().any(|a| a == "--exact");
    let matches = |f: &str| if exact { f == NAME } else { NAME.contains(f) };
    let mut filters = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--skip" => {
                if args.next().is_some_and(|f| matches(f)) {
                    return false;
                }
            }
            // This test is not #[ignore]d, so `--ignored` (only those) leaves it out.
            "--ignored" => return false,
            // Options that take a value: the value is not a filter.
            "--test-threads" | "--format" | "--color" | "--logfile" | "-Z" | "--shuffle-seed" => {
                args.next();
            }
            a if a.starts_with('-') => {}
            filter => filters.push(filter.to_owned()),
        }
    }
    filters.is_empty() || filters.iter().any(|f| matches(f))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        if selected(&args) {
            println!("{NAME}: test");
        }
        return;
    }
    if !selected(&args) {
        println!(
            "\nrunning 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 1 filtered out; finished in 0.00s\n"
        );
        return;
    }
    println!("\nrunning 1 test");
    let _ = std::io::stdout().flush();
    let started = Instant::now();
    let outcome = the_reading_works_in_a_real_browser();
    let time = started.elapsed().as_secs_f64();
    match outcome {
        Outcome::Passed => {
            println!(
                "test {NAME} ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in {time:.2}s\n"
            );
        }
        Outcome::Skipped(why) => {
            let _ = writeln!(
                std::io::stderr(),
                "\n**********\nSKIPPED: the browser suite did not run: {why}.\nInstall what it needs (Debian, Ubuntu) with:\n    {INSTALL}\n**********"
            );
            println!(
                "test {NAME} ... ignored, SKIPPED: {why}\n\ntest result: ok. 0 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in {time:.2}s\n"
            );
        }
        Outcome::Failed(why) => {
            println!(
                "test {NAME} ... FAILED\n\nfailures:\n    {NAME}: {why}\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in {time:.2}s\n"
            );
            std::process::exit(101);
        }
    }
}
