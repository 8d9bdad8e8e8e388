//! Edit-to-reload latency of `scholia serve`, and the time of a whole build.
//!
//! Run with `cargo bench --bench reload`. It copies the example site into a temporary
//! folder, starts `scholia serve` on a free loopback port, and 20 times: edits a gloss,
//! waits for the server's change event (the moment an open page is told to reload),
//! then fetches the rebuilt page (what the reload loads). It prints the figures.

#[path = "../tests/common/mod.rs"]
mod common;

use std::fs;
use std::io::BufRead;
use std::path::Path;
use std::time::{Duration, Instant};

const ROUNDS: usize = 20;

fn main() {
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
    let mut line = String::new();

    let annotations = site.join("content/khamenei-and-the-prospect-of-war/annotations.yaml");
    let original = fs::read_to_string(&annotations).unwrap();
    let (mut to_event, mut to_page) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        // Let the watcher settle, then edit one gloss's text, as an editor would.
        std::thread::sleep(Duration::from_millis(150));
        let edited = original.replacen("text: |\n", &format!("text: |\n      Edit {round}.\n"), 1);
        let started = Instant::now();
        fs::write(&annotations, edited).unwrap();
        loop {
            line.clear();
            events.read_line(&mut line).unwrap();
            if line.starts_with("event: change") {
                break;
            }
        }
        to_event.push(started.elapsed());
        let (_, page) = common::server::get(&address, "/khamenei-and-the-prospect-of-war/");
        to_page.push(started.elapsed());
        assert!(
            page.contains(&format!("Edit {round}.")),
            "the edit is served"
        );
        // Drain the event's data and blank lines, and any second rebuild of the same save.
        events
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        while events.read_line(&mut line).is_ok_and(|n| n > 0) {
            line.clear();
        }
        events.get_ref().set_read_timeout(None).unwrap();
    }
    drop(server);
    report("edit saved → open pages told to reload", to_event);
    report("edit saved → rebuilt page fetched", to_page);
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
