//! The cost of anchoring where it used to be quadratic: diagnosing a quote that is not
//! in a long reading, a phrase repeated thousands of times in one paragraph, and warning
//! about thousands of unglossed names (W0204).
//!
//! Run with `cargo bench --bench anchor`. Each case writes a generated site (the same
//! text on every run: a fixed-seed generator) into a temporary folder, times the whole
//! `scholia::check` and its index stage (`content::load` + `site::index`) a few times,
//! and prints the figures. docs/performance.md records them.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// Words of the generated reading: lowercase, so that no sentence makes a "name".
const VOCABULARY: &[&str] = &[
    "the", "of", "and", "to", "in", "a", "peace", "war", "sea", "city", "was", "were", "long",
    "after", "before", "fleet", "grain", "treaty", "senate", "envoys", "walls", "harbour", "ships",
    "army", "winter", "summer", "council", "road", "river", "gold", "silver", "trade", "law",
    "they", "their", "it", "not", "would", "could", "so", "ruled", "burned", "sent", "kept",
    "broke", "held", "feared", "asked", "gave", "took",
];

/// A fixed-seed generator (xorshift): the same text on every run and every machine.
struct Words(u64);

impl Words {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn word(&mut self) -> &'static str {
        VOCABULARY[(self.next() % VOCABULARY.len() as u64) as usize]
    }
}

/// A reading of `words` words in paragraphs of about 120, sentences of about 15.
fn reading(words: usize) -> Vec<Vec<String>> {
    let mut generator = Words(0x5eed_2026);
    let mut paragraphs = Vec::new();
    let mut written = 0;
    while written < words {
        let mut paragraph = Vec::new();
        for _ in 0..8 {
            let length = 10 + (generator.next() % 10) as usize;
            for i in 0..length {
                let word = generator.word();
                paragraph.push(if i + 1 == length {
                    format!("{word}.")
                } else {
                    word.to_owned()
                });
            }
        }
        written += paragraph.len();
        paragraphs.push(paragraph);
    }
    paragraphs
}

fn write_site(root: &Path, markdown: &str, annotations: &str) {
    fs::write(
        root.join("site.yaml"),
        "title: Bench\ndescription: A generated site.\nlanguage: en\neditor: Bench\n",
    )
    .unwrap();
    let dir = root.join("content/reading");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("index.md"),
        format!("---\ntitle: A long reading\n---\n\n{markdown}"),
    )
    .unwrap();
    fs::write(dir.join("annotations.yaml"), annotations).unwrap();
}

fn main() {
    missing_quote();
    repeated_in_one_paragraph(2_000);
    unglossed_names(10_000);
    unglossed_names(20_000);
}

/// One paragraph holding a phrase `places` times: a note quoting it without context
/// (E0111, its places listed), then a gloss marking every place (the glossary shows each
/// in its words). Both used to cost the paragraph once per place.
fn repeated_in_one_paragraph(places: usize) {
    let mut generator = Words(0x5eed_2026);
    let markdown: String = (0..places)
        .map(|_| {
            let before: Vec<&str> = (0..5).map(|_| generator.word()).collect();
            format!("{} the quiet anchorage", before.join(" "))
        })
        .collect::<Vec<_>>()
        .join(" ");
    let dir = tempfile::tempdir().unwrap();
    write_site(
        dir.path(),
        &format!("{markdown}.\n"),
        "notes:\n  n:\n    at: the quiet anchorage\n    text: A note.\n",
    );
    let root = dir.path();
    match scholia::check(root, scholia::Options::default()) {
        Err(scholia::Failure::Input(list)) => {
            let report = scholia::diagnostics::render_all(&list, false);
            assert!(report.contains("E0111"), "{report}");
        }
        _ => panic!("the quote is in the text many times"),
    }
    println!("one paragraph with a phrase {places} times:");
    report("  scholia::check (E0111 with its places)", 5, || {
        let _ = scholia::check(root, scholia::Options::default());
    });
    let dir = tempfile::tempdir().unwrap();
    write_site(
        dir.path(),
        &format!("{markdown}.\n"),
        "glosses:\n  a:\n    term: quiet anchorage\n    kind: concept\n    text: A gloss.\n    mark: all\n",
    );
    let root = dir.path();
    scholia::check(root, scholia::Options::default()).expect("the gloss marks every place");
    report(
        "  scholia::check (a gloss marked at every place)",
        5,
        || {
            scholia::check(root, scholia::Options::default()).unwrap();
        },
    );
}

/// A 20,000-word reading and a 30-word quote from its middle with two words changed.
fn missing_quote() {
    let paragraphs = reading(20_000);
    let words: usize = paragraphs.iter().map(Vec::len).sum();
    let middle = &paragraphs[paragraphs.len() / 2];
    let mut quote: Vec<String> = middle[40..70]
        .iter()
        .map(|w| w.trim_end_matches('.').to_owned())
        .collect();
    // Keep the sentence ends the text has, so the only drift is the two changed words.
    for (q, w) in quote.iter_mut().zip(&middle[40..70]) {
        if w.ends_with('.') {
            q.push('.');
        }
    }
    let markdown: String = paragraphs
        .iter()
        .map(|p| p.join(" "))
        .collect::<Vec<_>>()
        .join("\n\n");
    let note = |quote: &[String]| {
        format!(
            "notes:\n  n:\n    at: \"{}\"\n    text: A note.\n",
            quote.join(" ")
        )
    };
    // The same site with the quote as the text has it: what anchoring costs anyway.
    let whole = tempfile::tempdir().unwrap();
    write_site(whole.path(), &markdown, &note(&quote));
    scholia::check(whole.path(), scholia::Options::default()).expect("the quote is found");

    quote[5] = "harbours".to_owned();
    quote[20] = "cities".to_owned();
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), &markdown, &note(&quote));
    let root = dir.path();
    match scholia::check(root, scholia::Options::default()) {
        Err(scholia::Failure::Input(list)) => {
            let report = scholia::diagnostics::render_all(&list, false);
            assert!(report.contains("E0110"), "{report}");
            assert!(report.contains("% alike)"), "the closest passage: {report}");
        }
        _ => panic!("the quote is not in the text"),
    }
    println!("a {words}-word reading, a 30-word quote with two words changed:");
    report(
        "  scholia::check (E0110 with its closest passage)",
        10,
        || {
            let _ = scholia::check(root, scholia::Options::default());
        },
    );
    report("  index stage (load + index)", 10, || {
        let site = scholia::content::load(root).unwrap();
        let _ = scholia::site::index(&site);
    });
    report(
        "  index stage, the quote unbroken (for comparison)",
        10,
        || {
            let site = scholia::content::load(whole.path()).unwrap();
            let _ = scholia::site::index(&site);
        },
    );
}

/// A reading naming `names` distinct people, each once: as many W0204 warnings.
fn unglossed_names(names: usize) {
    let mut text = String::new();
    for i in 0..names {
        // A name made of syllables from the index: distinct, capitalised, never a
        // sentence's first word.
        let mut n = i;
        let mut name = String::from("Z");
        loop {
            name.push_str(["ar", "el", "io", "un", "ka", "ta", "mo", "ri"][n % 8]);
            n /= 8;
            if n == 0 {
                break;
            }
        }
        text.push_str(&format!("then came {name} again. "));
        if i % 20 == 19 {
            text.push_str("\n\n");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), &text, "");
    let root = dir.path();
    let warnings = scholia::check(root, scholia::Options::default())
        .expect("only warnings")
        .warnings;
    assert_eq!(warnings.len(), names, "one W0204 a name");
    println!("{names} distinct unglossed names (W0204):");
    report("  scholia::check", 5, || {
        let _ = scholia::check(root, scholia::Options::default());
    });
    report("  render the warnings as printed", 3, || {
        let _ = scholia::diagnostics::render_all(&warnings, false);
    });
}

fn report(what: &str, runs: usize, mut run: impl FnMut()) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: median {:.1} ms, min {:.1} ms, max {:.1} ms ({runs} runs)",
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1]),
    );
}
