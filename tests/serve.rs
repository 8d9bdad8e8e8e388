//! `scholia serve`: answers pages, sees edits and tells pages to reload, refuses paths
//! outside the site, shows errors while keeping the last good site, and recovers; drops
//! the files of a deleted reading; sees saves by rename and folders created later,
//! survives a panic in a rebuild, answers only to its own host name, bounds what a
//! client can hold, and stops on Ctrl-C.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::fixture;
use common::server::{events, get, request, start, start_with};

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
    wait_for_page(reader, address, "/reading/", done);
}

/// As [`wait_for`], looking at the page at `path`.
fn wait_for_page(
    reader: &mut BufReader<TcpStream>,
    address: &str,
    path: &str,
    done: impl Fn(&serde_json::Value, &str) -> bool,
) {
    for _ in 0..20 {
        next_change(reader);
        if done(&status(address), &get(address, path).1) {
            return;
        }
    }
    panic!("the site never reached the expected state");
}

/// Saves as most editors do: the new text goes to a temporary file beside the
/// original, which is then renamed over it (the original's inode goes away).
fn save_by_rename(path: &Path, text: &str) {
    let temporary = path.with_extension("tmp~");
    fs::write(&temporary, text).unwrap();
    fs::rename(&temporary, path).unwrap();
}

/// The port part of `host:port`.
fn port(address: &str) -> &str {
    address.rsplit_once(':').unwrap().1
}

/// A GET with the given `Host` header (or none); returns (status, whole response).
fn get_as(address: &str, host: Option<&str>, path: &str) -> (u16, String) {
    let host = host.map_or(String::new(), |h| format!("Host: {h}\r\n"));
    request(
        address,
        &format!("GET {path} HTTP/1.1\r\n{host}Connection: close\r\n\r\n"),
    )
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

#[test]
fn an_added_reading_is_served_and_once_deleted_is_gone() {
    let site = copy_minimal();
    let server = start(site.path());
    let mut changes = events(&server.address);
    let added = site.path().join("content/added");
    fs::create_dir_all(&added).unwrap();
    fs::write(
        added.join("index.md"),
        "---\ntitle: An added reading\n---\n\nWords added while serving.\n",
    )
    .unwrap();
    wait_for_page(&mut changes, &server.address, "/added/", |s, page| {
        s["errors"].is_null() && page.contains("Words added while serving.")
    });

    // Only the changed files are replaced in what is served: the deleted reading's
    // files must go too, not stay behind from the build before.
    fs::remove_dir_all(&added).unwrap();
    wait_for_page(&mut changes, &server.address, "/", |s, page| {
        s["errors"].is_null() && !page.contains("An added reading")
    });
    assert_eq!(get(&server.address, "/added/").0, 404);
    assert_eq!(get(&server.address, "/added/text.txt").0, 404);
    assert_eq!(get(&server.address, "/reading/").0, 200);
}

#[test]
fn saving_site_yaml_by_rename_is_seen_every_time() {
    let site = copy_minimal();
    let server = start(site.path());
    let mut changes = events(&server.address);
    let config = site.path().join("site.yaml");
    let original = fs::read_to_string(&config).unwrap();
    for round in 1..=3 {
        let title = format!("Renamed title {round}");
        save_by_rename(&config, &original.replace("Fixture", &title));
        wait_for_page(&mut changes, &server.address, "/", |_, page| {
            page.contains(&title)
        });
    }
}

#[test]
fn a_text_saved_by_rename_is_seen_every_time() {
    let site = copy_minimal();
    let server = start(site.path());
    let mut changes = events(&server.address);
    let text = site.path().join("content/reading/index.md");
    let original = fs::read_to_string(&text).unwrap();
    for round in 1..=3 {
        let words = format!("Carthage fell {round} times");
        save_by_rename(&text, &original.replace("Carthage fell", &words));
        wait_for(&mut changes, &server.address, |_, page| {
            page.contains(&words)
        });
    }
}

#[test]
fn a_content_folder_created_after_start_is_watched() {
    let site = copy_minimal();
    let content = site.path().join("content");
    let moved = site.path().join("content-later");
    fs::rename(&content, &moved).unwrap();
    let server = start(site.path());
    let mut changes = events(&server.address);
    assert!(
        !status(&server.address)["errors"].is_null(),
        "no content yet"
    );

    // The folder arrives (as a checkout or an unpacked archive would bring it).
    fs::rename(&moved, &content).unwrap();
    wait_for(&mut changes, &server.address, |s, page| {
        s["errors"].is_null() && page.contains("Carthage fell")
    });
    // An edit deep inside it is seen too: the new folder is watched, not just noticed.
    let text = content.join("reading/index.md");
    let edited = fs::read_to_string(&text)
        .unwrap()
        .replace("Carthage fell", "Carthage stood");
    fs::write(&text, edited).unwrap();
    wait_for(&mut changes, &server.address, |_, page| {
        page.contains("Carthage stood")
    });
}

#[test]
fn a_templates_folder_created_after_start_is_watched() {
    let site = copy_minimal();
    let server = start(site.path());
    let mut changes = events(&server.address);
    let style = fs::read_to_string(common::repo().join("templates/style.css")).unwrap();

    let templates = site.path().join("templates");
    fs::create_dir(&templates).unwrap();
    fs::write(
        templates.join("style.css"),
        format!("{style}\n.first-edit {{ color: red; }}\n"),
    )
    .unwrap();
    wait_for_page(&mut changes, &server.address, "/style.css", |_, css| {
        css.contains(".first-edit")
    });
    fs::write(
        templates.join("style.css"),
        format!("{style}\n.second-edit {{ color: red; }}\n"),
    )
    .unwrap();
    wait_for_page(&mut changes, &server.address, "/style.css", |_, css| {
        css.contains(".second-edit")
    });
}

#[test]
fn a_panic_while_rebuilding_is_reported_and_watching_goes_on() {
    if !cfg!(debug_assertions) {
        common::skip("the rebuild panic hook exists in debug builds only");
        return;
    }
    let site = copy_minimal();
    let trigger_dir = tempfile::tempdir().unwrap();
    let trigger = trigger_dir.path().join("panic");
    let server = start_with(
        site.path(),
        &[("SCHOLIA_DEBUG_PANIC_IF_EXISTS", trigger.as_os_str())],
    );
    let mut changes = events(&server.address);
    let text = site.path().join("content/reading/index.md");
    let original = fs::read_to_string(&text).unwrap();

    fs::write(&trigger, "").unwrap();
    fs::write(&text, original.replace("Carthage fell", "Carthage burned")).unwrap();
    wait_for(&mut changes, &server.address, |s, _| !s["errors"].is_null());
    let errors = status(&server.address)["errors"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(errors.contains("scholia failed while building"), "{errors}");
    assert!(errors.contains("please report"), "{errors}");
    assert_eq!(status(&server.address)["internal"], true);
    assert!(
        server.stderr().contains("scholia failed while building"),
        "{}",
        server.stderr()
    );
    // The last good site is still served.
    assert!(
        get(&server.address, "/reading/")
            .1
            .contains("Carthage fell")
    );

    // The watcher survived: the next save is built.
    fs::remove_file(&trigger).unwrap();
    fs::write(&text, original.replace("Carthage fell", "Carthage rose")).unwrap();
    wait_for(&mut changes, &server.address, |s, page| {
        s["errors"].is_null() && page.contains("Carthage rose")
    });
}

#[test]
fn a_folder_address_without_its_slash_redirects_to_it() {
    let site = copy_minimal();
    let server = start(site.path());
    let location = |response: &str| {
        response
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .starts_with("location:")
                    .then(|| l[9..].trim().to_owned())
            })
            .unwrap_or_default()
    };
    for (path, target) in [
        ("/reading", "/reading/"),
        ("/reading?layer=notes", "/reading/?layer=notes"),
        // Never a protocol-relative `//host/` address: that would leave the site.
        ("//reading", "/reading/"),
    ] {
        let (code, response) = get_as(&server.address, Some(&server.address), path);
        assert!(code == 308 || code == 301, "{path}: {response}");
        assert_eq!(location(&response), target, "{path}");
    }
    assert_eq!(get(&server.address, "/nothing-here").0, 404);
    assert_eq!(get(&server.address, "/reading/").0, 200);
}

#[test]
fn requests_for_another_host_name_are_refused() {
    let site = copy_minimal();
    let server = start(site.path());
    let port = port(&server.address);
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(get_as(&server.address, Some(&host), "/").0, 200, "{host}");
    }
    // A page on another site that rebinds its name to 127.0.0.1 sends its own name.
    for host in [
        Some(format!("evil.example:{port}")),
        Some("evil.example".to_owned()),
        Some(format!("localhost.evil.example:{port}")),
        Some("127.0.0.1:1".to_owned()),
        Some(String::new()),
        None,
    ] {
        for path in ["/", "/reading/", "/__scholia/status", "/__scholia/events"] {
            let (code, response) = get_as(&server.address, host.as_deref(), path);
            assert!(code == 403 || code == 421, "{host:?} {path}: {response}");
            assert!(!response.contains("Carthage"), "{host:?} {path}");
        }
    }
    let (_, response) = get_as(&server.address, Some("evil.example"), "/");
    assert!(response.contains("DNS rebinding"), "{response}");
}

#[test]
fn requests_are_bounded_in_method_and_size() {
    let site = copy_minimal();
    let server = start(site.path());
    let address = &server.address;
    let (code, _) = request(
        address,
        &format!(
            "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(code, 405);
    // A body is never read: it is refused by its announced length, before it arrives.
    let (code, _) = request(
        address,
        &format!(
            "GET / HTTP/1.1\r\nHost: {address}\r\nContent-Length: 1000000000\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(code, 413);
    let (code, _) = request(
        address,
        &format!(
            "GET / HTTP/1.1\r\nHost: {address}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(code, 413);
    let huge = "x".repeat(64 * 1024);
    let (code, _) = request(
        address,
        &format!(
            "GET / HTTP/1.1\r\nHost: {address}\r\nX-Huge: {huge}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(code, 431);
    // HEAD is a GET without the body.
    let (code, _) = request(
        address,
        &format!("HEAD / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(code, 200);
}

#[test]
fn a_half_open_connection_is_dropped() {
    let site = copy_minimal();
    let server = start(site.path());
    let mut stream = TcpStream::connect(&server.address).unwrap();
    // The head of a request that never ends.
    write!(stream, "GET / HTTP/1.1\r\nHost: {}\r\n", server.address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut rest = Vec::new();
    let closed = stream.read_to_end(&mut rest);
    assert!(
        closed.is_ok(),
        "the server still holds the connection: {closed:?}"
    );
    assert!(!String::from_utf8_lossy(&rest).contains("Carthage"));
}

#[test]
fn connections_beyond_the_limit_are_turned_away() {
    let site = copy_minimal();
    let server = start(site.path());
    // Idle connections that hold their places (well within the header-read timeout).
    let held: Vec<TcpStream> = (0..scholia::serve::MAX_CONNECTIONS)
        .map(|_| TcpStream::connect(&server.address).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut extra = TcpStream::connect(&server.address).unwrap();
    extra
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = write!(
        extra,
        "GET /reading/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.address
    );
    let mut response = Vec::new();
    let _ = extra.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response);
    assert!(
        !response.contains("Carthage"),
        "a connection over the limit was served"
    );
    assert!(
        response.is_empty() || response.starts_with("HTTP/1.1 503"),
        "{response}"
    );

    // Once they go, the server answers again.
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut stream = TcpStream::connect(&server.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let _ = write!(
            stream,
            "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.address
        );
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        if response.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "never answered again: {response}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_while_a_page_listens_for_changes() {
    let site = copy_minimal();
    let mut server = start(site.path());
    let mut changes = events(&server.address);
    server.interrupt();
    let status = server.wait_exit(Duration::from_secs(5));
    assert!(
        status.is_some(),
        "serve is still running 5 s after Ctrl-C with a page open"
    );
    assert!(status.unwrap().success(), "{status:?}");
    // The page's stream was ended, not left hanging.
    let mut rest = Vec::new();
    assert!(changes.read_to_end(&mut rest).is_ok());
}

/// Runs `scholia serve --root ROOT`, which must exit by itself within 10 s (it is
/// killed and the test fails otherwise); returns (exit code, stdout, stderr).
fn serve_that_must_exit(root: &Path) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve started with --root {}", root.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.code(), stdout, stderr)
}

#[test]
fn serve_refuses_a_root_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = serve_that_must_exit(&dir.path().join("no-such-site"));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stdout.contains("http://"), "it must not bind: {stdout}");
    assert!(stderr.contains("E0002"), "{stderr}");
    assert!(stderr.contains("no-such-site"), "{stderr}");
    assert!(stderr.contains("--root"), "{stderr}");
}

#[test]
fn serve_refuses_a_root_without_site_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = serve_that_must_exit(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stdout.contains("http://"), "it must not bind: {stdout}");
    assert!(stderr.contains("E0002"), "{stderr}");
    assert!(stderr.contains("site.yaml"), "{stderr}");
}
