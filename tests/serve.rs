//! `scholia serve`: answers pages, sees edits and tells pages to reload, refuses paths
//! outside the site, shows errors while keeping the last good site, and recovers.

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::fixture;
use common::server::{events, get, start};

/// Waits for the next change event (the server keeps the stream alive meanwhile).
fn next_change(reader: &mut BufReader<TcpStream>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) > 0 && line.contains("event: change") {
            return;
        }
    }
    panic!("no change event");
}

fn status(address: &str) -> serde_json::Value {
    serde_json::from_str(&get(address, "/__scholia/status").1).unwrap()
}

/// Waits, change by change, until the served site satisfies `done` (one save may
/// bring more than one rebuild).
fn wait_for(
    reader: &mut BufReader<TcpStream>,
    address: &str,
    done: impl Fn(&serde_json::Value, &str) -> bool,
) {
    for _ in 0..20 {
        next_change(reader);
        if done(&status(address), &get(address, "/reading/").1) {
            return;
        }
    }
    panic!("the site never reached the expected state");
}

fn copy_minimal() -> tempfile::TempDir {
    common::copy_site(&fixture("valid/minimal"))
}

#[test]
fn serve_answers_pages_with_the_reload_script_and_nothing_outside_the_site() {
    let site = copy_minimal();
    fs::write(site.path().join("secret.txt"), "not part of the site").unwrap();
    let server = start(site.path());
    let (code, body) = get(&server.address, "/");
    assert_eq!(code, 200);
    assert!(body.contains("/__scholia/live.js"));
    let (code, body) = get(&server.address, "/reading/");
    assert_eq!(code, 200);
    assert!(body.contains("data-kind=\"note\""));
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/reading/%2E%2E/%2e%2e/secret.txt",
        "/secret.txt",
        "/site.yaml",
    ] {
        assert_eq!(get(&server.address, path).0, 404, "{path}");
    }
    // The script is injected when serving only.
    let (files, _) = scholia::render_site(site.path()).unwrap();
    assert!(
        files
            .iter()
            .all(|f| !String::from_utf8_lossy(&f.contents).contains("__scholia"))
    );
}

#[test]
fn an_edit_reloads_the_page_an_error_shows_and_a_fix_clears_it() {
    let site = copy_minimal();
    let server = start(site.path());
    let mut changes = events(&server.address);
    let text = site.path().join("content/reading/index.md");
    let annotations = site.path().join("content/reading/annotations.yaml");

    // An edit of the text: rebuilt, and the new words are served.
    let edited = fs::read_to_string(&text)
        .unwrap()
        .replace("Carthage fell", "Carthage burned");
    fs::write(&text, edited).unwrap();
    wait_for(&mut changes, &server.address, |_, page| {
        page.contains("Carthage burned")
    });
    assert!(status(&server.address)["errors"].is_null());

    // A broken quote: the last good site stays, the errors are there for the overlay.
    let good = fs::read_to_string(&annotations).unwrap();
    fs::write(
        &annotations,
        good.replace("at: ruled the sea", "at: ruled the skies"),
    )
    .unwrap();
    wait_for(&mut changes, &server.address, |s, _| !s["errors"].is_null());
    let errors = status(&server.address)["errors"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(errors.contains("E0110"), "{errors}");
    assert!(errors.contains("annotations.yaml:"), "{errors}");
    let (code, body) = get(&server.address, "/reading/");
    assert_eq!(code, 200);
    assert!(
        body.contains("Carthage burned"),
        "the last good build is served"
    );

    // Fixed: the errors clear.
    fs::write(&annotations, good).unwrap();
    wait_for(&mut changes, &server.address, |s, _| s["errors"].is_null());
}
