//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Runs the scholia binary with `args`, in `dir`.
pub fn scholia(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the scholia binary runs")
}

/// Writes a one-reading site into a fresh temporary folder.
pub fn site(markdown: &str, annotations: &str) -> tempfile::TempDir {
    site_with_front_matter("", markdown, annotations)
}

/// [`site`], with more front matter (lines after `title:`, each ending in a newline).
pub fn site_with_front_matter(
    front_matter: &str,
    markdown: &str,
    annotations: &str,
) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    fs::write(
        root.join("site.yaml"),
        "title: Test\ndescription: A test.\nlanguage: en\neditor: Tests\n",
    )
    .unwrap();
    let reading = root.join("content/reading");
    fs::create_dir_all(&reading).unwrap();
    fs::write(
        reading.join("index.md"),
        format!("---\ntitle: A reading\n{front_matter}---\n\n{markdown}"),
    )
    .unwrap();
    fs::write(reading.join("annotations.yaml"), annotations).unwrap();
    dir
}

/// Renders a site in memory and returns the reading page's HTML.
pub fn reading_html(root: &Path) -> String {
    let (files, _) = scholia::render_site(root).unwrap_or_else(|f| panic!("{}", describe(&f)));
    let page = files
        .iter()
        .find(|f| f.path == "reading/index.html")
        .expect("the reading page");
    String::from_utf8(page.contents.clone()).unwrap()
}

/// The text of the reading's `<div class="text">`, as rendered HTML.
pub fn text_html(root: &Path) -> String {
    let html = reading_html(root);
    let start = html.find("<div class=\"text\">").expect("the text") + "<div class=\"text\">".len();
    let end = start
        + html[start..]
            .find("</div>\n<section class=\"notes\"")
            .expect("the end of the text");
    // The page's text container holds the text alone, without a newline around it.
    html[start..end].trim_matches('\n').to_owned()
}

pub fn describe(failure: &scholia::Failure) -> String {
    match failure {
        scholia::Failure::Input(list) => scholia::diagnostics::render_all(list, false),
        scholia::Failure::Internal(m) => m.clone(),
    }
}

/// Parses HTML as a browser would and returns the parser's complaints.
pub fn parse_errors(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    document.errors.iter().map(|e| e.to_string()).collect()
}

/// Parses an HTML fragment as the body of a page and returns the parser's complaints.
pub fn fragment_errors(html: &str) -> Vec<String> {
    parse_errors(&format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body>{html}</body></html>"
    ))
}

/// The text of an HTML fragment with every `[data-ui]` element removed.
pub fn author_text(html: &str) -> String {
    let fragment = scraper::Html::parse_fragment(html);
    let mut out = String::new();
    collect_text(fragment.root_element(), &mut out);
    out
}

fn collect_text(element: scraper::ElementRef, out: &mut String) {
    for child in element.children() {
        if let Some(text) = child.value().as_text() {
            out.push_str(text);
        } else if let Some(el) = scraper::ElementRef::wrap(child) {
            let skip = el.value().attr("data-ui").is_some();
            if !skip {
                collect_text(el, out);
            }
        }
    }
}

/// The author's elements and text in an HTML fragment, as a string: marks unwrapped (their
/// text kept) and every `[data-ui]` element left out. Two renderings of one Markdown text,
/// with and without annotations, must give the same string.
pub fn author_structure(html: &str) -> String {
    let fragment = scraper::Html::parse_fragment(html);
    let mut out = String::new();
    collect_structure(fragment.root_element(), &mut out);
    out
}

fn collect_structure(element: scraper::ElementRef, out: &mut String) {
    for child in element.children() {
        if let Some(text) = child.value().as_text() {
            out.push_str(&text.replace('&', "&amp;").replace('<', "&lt;"));
        } else if let Some(comment) = child.value().as_comment() {
            out.push_str(&format!("<!--{}-->", &**comment));
        } else if let Some(el) = scraper::ElementRef::wrap(child) {
            let value = el.value();
            if value.attr("data-ui").is_some() {
                continue;
            }
            let is_mark = value.name() == "span" && value.classes().any(|c| c == "mark");
            if is_mark {
                collect_structure(el, out);
                continue;
            }
            let mut attributes: Vec<(String, String)> = value
                .attrs()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            attributes.sort();
            out.push('<');
            out.push_str(value.name());
            for (k, v) in attributes {
                out.push_str(&format!(" {k}={v:?}"));
            }
            out.push('>');
            collect_structure(el, out);
            out.push_str(&format!("</{}>", value.name()));
        }
    }
}

/// Copies the files under `from` into `to` (a fixture's `expected.txt` is left out).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let relative = entry.path().strip_prefix(from).unwrap();
        if entry.file_type().is_file() && relative != Path::new("expected.txt") {
            let target = to.join(relative);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fixture site copied into a fresh temporary folder, to be edited by a test.
pub fn copy_site(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    copy_tree(from, dir.path());
    dir
}

/// Says loudly that a test is skipped: written straight to stderr, past the test
/// harness's capture, so it shows in a normal `cargo test` run.
pub fn skip(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}

/// The shared folder beside the checkout, if it is there.
pub fn shared() -> Option<PathBuf> {
    let path = repo().join("../shared");
    path.is_dir().then_some(path)
}

/// Drives a `scholia serve` over raw HTTP/1.1, for the serve tests and the benchmark.
pub mod server {
    use std::ffi::OsStr;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    use std::path::Path;
    use std::process::{Child, Command, ExitStatus, Stdio};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    /// A running `scholia serve`, stopped when dropped.
    pub struct Server {
        child: Child,
        pub address: String,
        /// Everything the server wrote to stderr so far.
        stderr: Arc<Mutex<String>>,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    impl Server {
        /// What the server printed to stderr so far (diagnostics, internal errors).
        pub fn stderr(&self) -> String {
            self.stderr.lock().unwrap().clone()
        }

        /// Sends SIGINT, as Ctrl-C in a terminal does.
        pub fn interrupt(&self) {
            let status = Command::new("kill")
                .args(["-INT", &self.child.id().to_string()])
                .status()
                .expect("kill runs");
            assert!(status.success(), "kill -INT failed");
        }

        /// Waits up to `within` for the server to exit; `None` if it is still running.
        pub fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
            let deadline = Instant::now() + within;
            while Instant::now() < deadline {
                if let Some(status) = self.child.try_wait().unwrap() {
                    return Some(status);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            None
        }
    }

    pub fn start(root: &Path) -> Server {
        start_with(root, &[])
    }

    /// Starts `scholia serve` on a free loopback port with extra environment variables.
    pub fn start_with(root: &Path, env: &[(&str, &OsStr)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_scholia"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let errors = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(errors).lines().map_while(Result::ok) {
                let mut text = sink.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let address = loop {
            let line = lines.next().expect("serve prints its address").unwrap();
            if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                break url
                    .trim_start_matches("http://")
                    .trim_end_matches('/')
                    .to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            address,
            stderr,
        }
    }

    /// A GET over a raw connection; returns (status, body).
    pub fn get(address: &str, path: &str) -> (u16, String) {
        let (status, response) = request(
            address,
            &format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
        );
        let body = response
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_owned();
        (status, body)
    }

    /// Sends `raw` as is and reads the response to its end; returns (status, the whole
    /// response: head and body).
    pub fn request(address: &str, raw: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.write_all(raw.as_bytes()).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP response: {response:?}"));
        (status, response)
    }

    /// Opens the change stream; returns a reader positioned after the headers.
    pub fn events(address: &str) -> BufReader<TcpStream> {
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "GET /__scholia/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
            line.clear();
        }
        reader
    }
}

/// The fixture sites under tests/fixtures/<kind>/, in order.
pub fn cases(kind: &str) -> Vec<PathBuf> {
    let mut cases: Vec<_> = fs::read_dir(fixture(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// Every file under `dir`, by its path inside it, with its bytes.
pub fn files_under(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}
