//! Edit-to-reload latency of `scholia serve`, and the time of a whole build.
//!
//! Run with `cargo bench --bench reload`. It copies the example site into a temporary
//! folder, starts `scholia serve` on a free loopback port, and 20 times: edits a gloss,
//! waits for the server's change event (the moment an open page is told to reload),
//! then fetches the rebuilt page (what the reload loads). It prints the figures.
//!
//! Then the same on a generated site (benches/corpus/) of 1,000 readings and 2,000
//! shared glosses (`SCHOLIA_RELOAD_READINGS` and `SCHOLIA_RELOAD_GLOSSES` change them),
//! written to /dev/shm where there is one: edits to one reading's text, then edits to
//! the shared glossary, each timed to the change event and to the rebuilt page.

#[path = "../tests/common/mod.rs"]
mod common;

#[path = "corpus/mod.rs"]
mod corpus;

use std::fs;
use std::io::BufRead;
use std::path::Path;
use std::time::{Duration, Instant};

const ROUNDS: usize = 20;

fn main() {
    example();
    generated();
}

fn example() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    fs::copy(repo.join("site.yaml"), site.join("site.yaml")).unwrap();
    common::copy_tree(&repo.join("content"), &site.join("content"));
    common::copy_tree(&repo.join("templates"), &site.join("templates"));

    let builds: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let started = Instant::now();
            scholia::render_site(site).expect("the example builds");
            started.elapsed()
        })
        .collect();
    report("whole build of the example, in memory", builds);

    let server = common::server::start(site);
    let address = server.address.clone();
    let mut events = common::server::events(&address);

    let annotations = site.join("content/khamenei-and-the-prospect-of-war/annotations.yaml");
    let original = fs::read_to_string(&annotations).unwrap();
    let (mut to_event, mut to_page) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        // Let the watcher settle, then edit one gloss's text, as an editor would.
        std::thread::sleep(Duration::from_millis(150));
        let edited = original.replacen("text: |\n", &format!("text: |\n      Edit {round}.\n"), 1);
        let started = Instant::now();
        fs::write(&annotations, edited).unwrap();
        next_change(&mut events);
        to_event.push(started.elapsed());
        let (_, page) = common::server::get(&address, "/khamenei-and-the-prospect-of-war/");
        to_page.push(started.elapsed());
        assert!(
            page.contains(&format!("Edit {round}.")),
            "the edit is served"
        );
        drain(&mut events);
    }
    drop(server);
    report("edit saved → open pages told to reload", to_event);
    report("edit saved → rebuilt page fetched", to_page);
}

/// Drains the event's data and blank lines, and any second rebuild of the same save.
fn drain(events: &mut std::io::BufReader<std::net::TcpStream>) {
    let mut line = String::new();
    events
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    while events.read_line(&mut line).is_ok_and(|n| n > 0) {
        line.clear();
    }
    events.get_ref().set_read_timeout(None).unwrap();
}

/// Waits for the next change event.
fn next_change(events: &mut std::io::BufReader<std::net::TcpStream>) {
    let mut line = String::new();
    loop {
        line.clear();
        events.read_line(&mut line).unwrap();
        if line.starts_with("event: change") {
            return;
        }
    }
}

fn number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn generated() {
    const EDITS: usize = 10;
    let params = corpus::Params::new(
        number("SCHOLIA_RELOAD_READINGS", 1000),
        number("SCHOLIA_RELOAD_GLOSSES", 2000),
    );
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let site = dir.path().join("site");
    corpus::write(&params, &site).unwrap();
    // A site's files are old but for the one being edited; serve takes a reading unread
    // only when its files were already old (3 s) when it last read them. So the
    // generated files are let age first, as an editor's would have.
    std::thread::sleep(Duration::from_millis(3500));
    let what = format!(
        "{} readings, {} shared glosses",
        params.readings, params.glosses
    );

    let started = Instant::now();
    let server = common::server::start(&site);
    println!(
        "{what}: first build and start {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let address = server.address.clone();
    let mut events = common::server::events(&address);

    let slug = corpus::slug(params.readings / 2);
    let text = site.join(format!("content/{slug}/index.md"));
    let original = fs::read_to_string(&text).unwrap();
    let (mut to_event, mut to_page) = (Vec::new(), Vec::new());
    for round in 0..EDITS {
        // serve makes the search index after telling the pages to reload: the next edit
        // waits for it, as an editor's next save would.
        std::thread::sleep(Duration::from_millis(500));
        let edited = format!("{original}\nA paragraph added in edit {round}.\n");
        let started = Instant::now();
        fs::write(&text, edited).unwrap();
        next_change(&mut events);
        to_event.push(started.elapsed());
        let (_, page) = common::server::get(&address, &format!("/{slug}/"));
        to_page.push(started.elapsed());
        assert!(
            page.contains(&format!("edit {round}.")),
            "the edit is served"
        );
        drain(&mut events);
    }
    report(
        &format!("{what}: one reading edited → pages told to reload"),
        to_event,
    );
    report(
        &format!("{what}: one reading edited → its page fetched"),
        to_page,
    );

    let glossary = site.join("content/glossary.yaml");
    let original = fs::read_to_string(&glossary).unwrap();
    // The first entry: `glosses:` then `  <id>:`.
    let id = original
        .lines()
        .nth(1)
        .unwrap()
        .trim()
        .trim_end_matches(':')
        .to_owned();
    let page = format!("/{}", scholia::render::gloss_page(&id)).replace("index.html", "");
    let (mut to_event, mut to_page) = (Vec::new(), Vec::new());
    for round in 0..EDITS {
        std::thread::sleep(Duration::from_millis(500));
        let edited = original.replacen(
            "    text: |\n      ",
            &format!("    text: |\n      Revised in edit {round}. "),
            1,
        );
        let started = Instant::now();
        fs::write(&glossary, edited).unwrap();
        next_change(&mut events);
        to_event.push(started.elapsed());
        let (_, body) = common::server::get(&address, &page);
        to_page.push(started.elapsed());
        assert!(
            body.contains(&format!("Revised in edit {round}.")),
            "the edit is served at {page}"
        );
        drain(&mut events);
    }
    drop(server);
    report(
        &format!("{what}: shared glossary edited → pages told to reload"),
        to_event,
    );
    report(
        &format!("{what}: shared glossary edited → the entry's page fetched"),
        to_page,
    );
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = times[times.len() / 2];
    let p90 = times[times.len() * 9 / 10];
    println!(
        "{what}: median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms ({} runs)",
        ms(median),
        ms(p90),
        ms(times[0]),
        ms(*times.last().unwrap()),
        times.len()
    );
}
