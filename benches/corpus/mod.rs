//! A synthetic site of any size, for the benchmarks and tests: N readings sharing T glosses.
//!
//! Steps, each deterministic from the seed alone:
//! 1. name the T shared glosses and one gloss of each reading's own (coined roots, so
//!    no form can collide with another or with a word of the text);
//! 2. give each reading the glosses it mentions: those whose index falls to it (so every
//!    gloss is found somewhere) and random others up to [`GLOSSES_PER_READING`];
//! 3. write each reading's Markdown (~`words` words: headings, lists, tables, code,
//!    block quotes, footnotes, links, emphasis, a little raw HTML), placing the mentions
//!    and six sentences that annotations quote, each holding a word no other sentence of
//!    the reading has, so every quote is found exactly once;
//! 4. write each reading's annotations (two notes, a source, a cross-reference to the
//!    next reading, its own gloss), the shared glossary and the shared sources, whose
//!    passages are cited from the readings.
//!
//! It lives under `benches/` and is included by `#[path]` (the benches, `tests/corpus.rs`,
//! `examples/corpus.rs`), so the scholia binary and library carry none of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// Distinct shared glosses each reading mentions (once or twice each): at 2,000 glosses,
/// as many as 100 readings need to mention every gloss, so that a reading holds the same
/// at 100 and at 1,000 and the two sizes compare.
pub const GLOSSES_PER_READING: usize = 20;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    pub readings: usize,
    /// Shared glosses in `content/glossary.yaml`.
    pub glosses: usize,
    /// Words of the author's text per reading, about.
    pub words: usize,
    pub seed: u64,
}

impl Params {
    /// The issue's shape: ~1,500 words a reading, seed 8.
    pub fn new(readings: usize, glosses: usize) -> Params {
        Params {
            readings,
            glosses,
            words: 1500,
            seed: 8,
        }
    }
}

/// One file of the site, relative to its root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
}

/// What was generated, to print beside the figures.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub files: usize,
    pub bytes: usize,
    /// Bytes of the readings' `index.md`.
    pub markdown_bytes: usize,
    /// Forms of the shared glosses.
    pub forms: usize,
}

/// The site's files, in a fixed order.
pub fn generate(params: &Params) -> Vec<File> {
    assert!(params.readings > 0, "a site needs a reading");
    let n = params.readings;
    let shared_sources = (params.glosses / 20).clamp(1, n);
    let roots = Roots::new(params.glosses + n);
    let glosses: Vec<Gloss> = (0..params.glosses)
        .map(|g| Gloss::shared(g, params.glosses, shared_sources, &roots, params.seed))
        .collect();

    let mut files = vec![File {
        path: "site.yaml".into(),
        contents: "title: A library of readings\n\
                   description: A synthetic site for measuring scholia at scale.\n\
                   language: en\n\
                   editor: The scholia benchmark\n"
            .into(),
    }];
    // Passages the shared sources cite, gathered while the readings are written.
    let mut citations: Vec<Vec<(String, String)>> = vec![Vec::new(); shared_sources];
    let mut readings = Vec::with_capacity(n);
    for r in 0..n {
        let mut rng = Rng::new(params.seed ^ (r as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
        let own = Gloss::own(r, &roots, &mut rng);
        let mut mentioned: Vec<usize> = (r..params.glosses).step_by(n).collect();
        while mentioned.len() < GLOSSES_PER_READING.min(params.glosses) {
            let g = rng.below(params.glosses);
            if !mentioned.contains(&g) {
                mentioned.push(g);
            }
        }
        let mut mentions: Vec<String> = Vec::new();
        for &g in &mentioned {
            for time in 0..1 + rng.below(2) {
                mentions.push(glosses[g].mention(time, &mut rng));
            }
        }
        mentions.push(own.mention(0, &mut rng));
        mentions.push(own.mention(1, &mut rng));
        rng.shuffle(&mut mentions);
        let text = Text::write(r, n, params.words, mentions, &mut rng);
        citations[r % shared_sources].push((slug(r), text.quotes[4].clone()));
        readings.push((text, own));
    }
    for (r, (text, own)) in readings.iter().enumerate() {
        let next = (r + 1) % n;
        let to = &readings[next].0.quotes[5];
        files.push(File {
            path: format!("content/{}/index.md", slug(r)),
            contents: text.markdown.clone(),
        });
        files.push(File {
            path: format!("content/{}/annotations.yaml", slug(r)),
            contents: annotations(r, n, text, own, to),
        });
    }
    files.push(File {
        path: "content/glossary.yaml".into(),
        contents: glossary(&glosses),
    });
    files.push(File {
        path: "content/sources.yaml".into(),
        contents: sources(&citations),
    });
    files
}

/// Writes the site into `root`, which must be empty or absent: nothing is overwritten.
pub fn write(params: &Params, root: &Path) -> io::Result<Summary> {
    if root.exists() && fs::read_dir(root)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} is not empty", root.display()),
        ));
    }
    let mut summary = Summary {
        forms: forms(params),
        ..Summary::default()
    };
    for file in generate(params) {
        let path = root.join(&file.path);
        fs::create_dir_all(path.parent().expect("a file in a folder"))?;
        fs::write(&path, &file.contents)?;
        summary.files += 1;
        summary.bytes += file.contents.len();
        if file.path.ends_with("index.md") {
            summary.markdown_bytes += file.contents.len();
        }
    }
    Ok(summary)
}

/// How many match forms the shared glosses have.
pub fn forms(params: &Params) -> usize {
    let roots = Roots::new(params.glosses + params.readings);
    (0..params.glosses)
        .map(|g| Kind::of(g).forms(&roots.name(g)).len())
        .sum()
}

pub fn slug(r: usize) -> String {
    format!("reading-{r:04}")
}

/// SplitMix64: a few lines, fast, and the same numbers on every machine.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

// The vocabulary: lowercase words only, so that no word of the text looks like a name
// (W0204) and none is a coined gloss form or one of the quoted sentences' `MARKERS`.
#[rustfmt::skip]
const NOUNS: &[&str] = &[
    "river", "council", "harvest", "letter", "archive", "treaty", "village", "market",
    "winter", "bridge", "garden", "road", "tower", "library", "record", "season", "debate",
    "measure", "border", "voyage", "manuscript", "witness", "chronicle", "province",
    "festival", "workshop", "canal", "assembly", "quarrel", "census", "ferry", "mill",
    "granary", "charter", "embassy", "verdict", "pamphlet", "sermon", "rumour", "mountain",
    "valley", "coast", "island", "forest", "city", "court", "merchant", "scholar",
    "soldier", "farmer", "printer", "translator", "bishop", "student", "teacher", "family",
    "journey", "promise", "question", "answer", "argument", "silence", "memory", "custom",
    "law", "tax", "wage", "price", "famine", "flood", "plague", "school", "church",
    "harbourmaster", "lighthouse", "storehouse", "clock", "map", "painting", "song",
    "story", "method",
];
#[rustfmt::skip]
const ADJECTIVES: &[&str] = &[
    "old", "quiet", "distant", "careful", "bitter", "early", "late", "common", "rare",
    "long", "brief", "public", "private", "northern", "southern", "eastern", "western",
    "narrow", "broad", "patient", "restless", "forgotten", "famous", "humble", "modest",
    "grand", "uncertain", "steady", "sudden", "gradual", "second", "third", "final",
    "ordinary", "curious", "stubborn", "generous", "cautious", "lively", "gloomy", "plain",
];
#[rustfmt::skip]
const VERBS: &[&str] = &[
    "recorded", "doubted", "praised", "weighed", "opened", "closed", "described", "carried",
    "followed", "answered", "copied", "measured", "divided", "joined", "changed", "kept",
    "lost", "found", "repaired", "visited", "questioned", "welcomed", "refused", "accepted",
    "published", "translated", "mapped", "taxed", "built", "crossed", "remembered",
    "ignored", "defended", "challenged", "explained", "shaped", "moved", "governed",
];
#[rustfmt::skip]
const ADVERBS: &[&str] = &[
    "slowly", "quickly", "often", "rarely", "openly", "quietly", "again", "twice", "later",
    "soon", "gladly", "reluctantly", "firmly", "loosely", "carefully", "plainly",
];
#[rustfmt::skip]
const PREPOSITIONS: &[&str] = &[
    "in", "on", "near", "beyond", "under", "across", "against", "before", "after", "beside",
    "without", "within", "through", "toward",
];
#[rustfmt::skip]
const DETERMINERS: &[&str] = &[
    "the", "the", "the", "every", "each", "this", "that", "one",
];
#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "Meanwhile", "Afterwards", "Still", "Yet", "Perhaps", "Indeed", "Often", "Later",
    "Again", "Even", "Certainly", "Slowly",
];
/// One word a quoted sentence holds and no other sentence of its reading does.
const MARKERS: [&str; 6] = [
    "lantern", "compass", "harbour", "orchard", "ledger", "beacon",
];
// Syllables of coined roots: consonant + vowel, so a root reads back one way only.
const CONSONANTS: &[u8] = b"bdfgklmnprstvz";
const VOWELS: &[u8] = b"aeiou";
// Start with a vowel, so no first name is a coined root (which starts with a consonant).
#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Agnes", "Edith", "Ingrid", "Oskar", "Ulrich", "Astrid", "Elke", "Irma", "Otto",
    "Ansel", "Erwin", "Ilse", "Olga", "Ursula", "Alba", "Emil", "Ivo", "Oda", "Aurel",
    "Esther",
];

/// Coined proper names: `Root` is capitalised, unique per index, never an English word.
struct Roots {
    syllables: usize,
}

impl Roots {
    fn new(count: usize) -> Roots {
        let per = CONSONANTS.len() * VOWELS.len();
        let mut syllables = 2;
        while per.pow(syllables as u32) < count {
            syllables += 1;
        }
        Roots { syllables }
    }

    fn name(&self, index: usize) -> String {
        let per = CONSONANTS.len() * VOWELS.len();
        // Spread neighbouring indexes over the syllables: 7,919 is prime and divides no
        // power of 70, so this is a one-to-one map of 0..70^k onto itself.
        let count = per.pow(self.syllables as u32);
        let mut rest = (index as u128 * 7919 % count as u128) as usize;
        let mut name = String::new();
        for _ in 0..self.syllables {
            let s = rest % per;
            rest /= per;
            name.push(CONSONANTS[s / VOWELS.len()] as char);
            name.push(VOWELS[s % VOWELS.len()] as char);
        }
        name.push('n');
        let mut chars = name.chars();
        let first = chars.next().unwrap().to_ascii_uppercase();
        std::iter::once(first).chain(chars).collect()
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Person,
    Place,
    Organisation,
    Event,
    Concept,
    Work,
}

impl Kind {
    /// Four people in ten, then places, organisations, events, concepts and works.
    fn of(g: usize) -> Kind {
        match g % 20 {
            0..=7 => Kind::Person,
            8..=11 => Kind::Place,
            12..=14 => Kind::Organisation,
            15..=16 => Kind::Event,
            17..=18 => Kind::Work,
            _ => Kind::Concept,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Place => "place",
            Kind::Organisation => "organisation",
            Kind::Event => "event",
            Kind::Concept => "concept",
            Kind::Work => "work",
        }
    }

    /// The term and the other forms: about two per gloss, each holding the unique root.
    fn forms(self, root: &str) -> Vec<String> {
        let lower = root.to_lowercase();
        match self {
            // The first name is chosen from the root, so that it is the same on every call.
            Kind::Person => {
                let sum: usize = root.bytes().map(usize::from).sum();
                let first = FIRST_NAMES[sum % FIRST_NAMES.len()];
                vec![format!("{first} {root}"), root.to_owned()]
            }
            Kind::Place => vec![root.to_owned(), format!("Port {root}")],
            Kind::Organisation => vec![format!("{root} Guild"), format!("Guild of {root}")],
            Kind::Event => vec![format!("Battle of {root}"), format!("{root} campaign")],
            Kind::Work => vec![format!("{root}iad"), format!("Song of {root}")],
            Kind::Concept => vec![format!("{lower}ism")],
        }
    }
}

struct Gloss {
    id: String,
    kind: Kind,
    forms: Vec<String>,
    text: String,
    dates: String,
    see: Option<String>,
    source: Option<usize>,
}

impl Gloss {
    fn shared(g: usize, count: usize, sources: usize, roots: &Roots, seed: u64) -> Gloss {
        let mut rng = Rng::new(seed.wrapping_add(g as u64).wrapping_mul(0x9e37_79b9));
        let root = roots.name(g);
        let kind = Kind::of(g);
        let mut gloss = Gloss::new(&root, kind, &mut rng);
        // Every fourth gloss points to the next; every fifth names a shared source.
        if g.is_multiple_of(4) && g + 1 < count {
            gloss.see = Some(roots.name(g + 1).to_lowercase());
        }
        if g.is_multiple_of(5) {
            gloss.source = Some(g / 5 % sources);
        }
        gloss
    }

    fn own(r: usize, roots: &Roots, rng: &mut Rng) -> Gloss {
        // After the shared ones' roots: `Roots::new` counted them all.
        let per = CONSONANTS.len() * VOWELS.len();
        let index = per.pow(roots.syllables as u32) - 1 - r;
        Gloss::new(&roots.name(index), Kind::Place, rng)
    }

    fn new(root: &str, kind: Kind, rng: &mut Rng) -> Gloss {
        let year = 1500 + rng.below(450);
        let dates = match kind {
            Kind::Person => format!(
                "    born: {year}\n    died: {}\n",
                year + 30 + rng.below(50)
            ),
            Kind::Event => format!(
                "    start: {year}-{:02}\n    end: {}\n",
                1 + rng.below(12),
                year + 1 + rng.below(5)
            ),
            Kind::Organisation => format!("    start: {year}\n"),
            _ => String::new(),
        };
        let mut text = String::new();
        for s in 0..1 + rng.below(3) {
            if s > 0 {
                text.push(' ');
            }
            text.push_str(&sentence(rng, None, None));
        }
        if rng.chance(30) {
            text.push_str(&format!(
                " See *the {} {}* at <https://example.org/glossary/{}>.",
                rng.pick(ADJECTIVES),
                rng.pick(NOUNS),
                root.to_lowercase()
            ));
        }
        Gloss {
            id: root.to_lowercase(),
            kind,
            forms: kind.forms(root),
            text,
            dates,
            see: None,
            source: None,
        }
    }

    /// How the text names it: by its term for its first mention in a reading, by any of
    /// its forms for another (the mentions are shuffled over the text after, so the term
    /// is not always the first a reader meets).
    fn mention(&self, time: usize, rng: &mut Rng) -> String {
        if time == 0 {
            self.forms[0].clone()
        } else {
            self.forms[rng.below(self.forms.len())].clone()
        }
    }

    fn yaml(&self, out: &mut String) {
        let _ = writeln!(out, "  {}:", self.id);
        let _ = writeln!(out, "    term: {}", quoted(&self.forms[0]));
        let _ = writeln!(out, "    kind: {}", self.kind.name());
        if self.forms.len() > 1 {
            out.push_str("    match:\n");
            for form in &self.forms {
                let _ = writeln!(out, "      - {}", quoted(form));
            }
        }
        let _ = writeln!(out, "    text: |\n      {}", self.text);
        out.push_str(&self.dates);
        if let Some(see) = &self.see {
            let _ = writeln!(out, "    see: [{see}]");
        }
        if let Some(source) = self.source {
            let _ = writeln!(out, "    sources: [{}]", shared_source(source));
        }
    }
}

fn shared_source(s: usize) -> String {
    format!("source-{s:04}")
}

/// A YAML double-quoted scalar: the generated words hold no `"` or `\`, but say so.
fn quoted(s: &str) -> String {
    debug_assert!(!s.contains(['"', '\\']));
    format!("\"{s}\"")
}

/// A sentence of the vocabulary, capitalised, with a mention after a lowercase word (so a
/// mention never runs into the capitalised first word) and, for a quoted sentence, its
/// marker word.
fn sentence(rng: &mut Rng, mention: Option<&str>, marker: Option<&str>) -> String {
    sentence_words(rng, mention, marker).join(" ")
}

/// The words of a [`sentence`], a mention as one item, the last ending in a full stop.
fn sentence_words(rng: &mut Rng, mention: Option<&str>, marker: Option<&str>) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let noun_phrase = |rng: &mut Rng, words: &mut Vec<String>| {
        words.push(rng.pick(DETERMINERS).into());
        if rng.chance(50) {
            words.push(rng.pick(ADJECTIVES).into());
        }
        words.push(rng.pick(NOUNS).into());
    };
    match rng.below(4) {
        0 => {
            words.push(rng.pick(OPENERS).into());
            let last = words.len() - 1;
            words[last].push(',');
            noun_phrase(rng, &mut words);
        }
        1 => {
            let prep = rng.pick(PREPOSITIONS);
            words.push(capitalise(prep));
            noun_phrase(rng, &mut words);
            let last = words.len() - 1;
            words[last].push(',');
            noun_phrase(rng, &mut words);
        }
        _ => noun_phrase(rng, &mut words),
    }
    words[0] = capitalise(&words[0]);
    if let Some(marker) = marker {
        words.push("of".into());
        words.push("the".into());
        words.push(marker.into());
    }
    if rng.chance(30) {
        words.push(rng.pick(ADVERBS).into());
    }
    words.push(rng.pick(VERBS).into());
    noun_phrase(rng, &mut words);
    if let Some(mention) = mention {
        words.push(rng.pick(&["of", "with", "for", "beside"]).into());
        words.push(mention.into());
    }
    if rng.chance(60) {
        words.push(rng.pick(PREPOSITIONS).into());
        noun_phrase(rng, &mut words);
    }
    if rng.chance(25) {
        words.push(rng.pick(&["and", "but", "while"]).into());
        let last = words.len() - 2;
        words[last].push(',');
        noun_phrase(rng, &mut words);
        words.push(rng.pick(VERBS).into());
        if rng.chance(50) {
            words.push(rng.pick(ADVERBS).into());
        }
    }
    words.last_mut().expect("a sentence has words").push('.');
    words
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A reading's Markdown, and the six passages its annotations quote.
struct Text {
    markdown: String,
    /// 0, 1: notes; 2: its own source; 3: the cross-reference's start; 4: the shared
    /// source's; 5: where the previous reading's cross-reference points (quoted after
    /// the marker, with the marker as its prefix, as an editor tells a common phrase apart).
    quotes: Vec<String>,
    /// The prefix of quote 5.
    prefix: String,
}

impl Text {
    fn write(r: usize, n: usize, words: usize, mentions: Vec<String>, rng: &mut Rng) -> Text {
        let mut md = String::with_capacity(words * 8);
        let title = format!(
            "The {} {} of the {}",
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(NOUNS)
        );
        let _ = write!(
            md,
            "---\ntitle: {}\nsubtitle: Reading {} of {n}, a synthetic text\ndate: 2026-{:02}-{:02}\n",
            quoted(&title),
            r + 1,
            1 + r % 12,
            1 + r % 28
        );
        if r.is_multiple_of(3) {
            md.push_str("editor_note: |\n  A generated text: its words mean nothing, its shape is a real reading's.\n");
        }
        let _ = write!(
            md,
            "original:\n  publication: The Synthetic Review\n  date: {}\n---\n\n",
            1800 + r % 200
        );

        let mut mentions = mentions.into_iter();
        let mut quotes = Vec::new();
        let mut prefix = String::new();
        let mut footnotes = 0;
        let body = md.len();
        let mut paragraphs = 0_usize;
        // A quoted sentence every third paragraph; those left over go in the last one.
        let mut next_marker = 0;
        // Words as `wc -w` counts them, markup and all, with about 12 to come for each
        // footnote.
        let mut written = 0;
        while written + footnotes * 12 < words {
            if paragraphs.is_multiple_of(5) {
                let heading = format!(
                    "{} {} and the {}",
                    capitalise(rng.pick(ADJECTIVES)),
                    rng.pick(NOUNS),
                    rng.pick(NOUNS)
                );
                let _ = write!(md, "## {heading}\n\n");
            }
            paragraphs += 1;
            let mut paragraph = Vec::new();
            for s in 0..4 + rng.below(4) {
                let marker =
                    (s == 1 && paragraphs % 3 == 1 && next_marker < MARKERS.len()).then(|| {
                        next_marker += 1;
                        MARKERS[next_marker - 1]
                    });
                // Spread the mentions evenly: as many as are left over the ~13-word
                // sentences left (all of them at once if there are more than sentences).
                let sentences_left = (words.saturating_sub(written) / 13).max(1);
                let chance = mentions.len() * 100 / sentences_left;
                let mention = if marker.is_none() && rng.chance(chance) {
                    mentions.next()
                } else {
                    None
                };
                let mut sentence = sentence_words(rng, mention.as_deref(), marker);
                match marker {
                    Some(marker) => {
                        let plain = sentence.join(" ");
                        let (q, p) = quote_of(&plain, marker, next_marker - 1);
                        quotes.push(q);
                        if !p.is_empty() {
                            prefix = p;
                        }
                        paragraph.push(plain);
                    }
                    None => {
                        dress(&mut sentence, r, n, &mut footnotes, rng);
                        paragraph.push(sentence.join(" "));
                    }
                }
            }
            md.push_str(&paragraph.join(" "));
            md.push_str("\n\n");
            block(&mut md, rng);
            written = md[body..].split_whitespace().count();
        }
        // What is left: the quoted sentences not placed yet, and every mention.
        let mut last: Vec<String> = Vec::new();
        while next_marker < MARKERS.len() {
            next_marker += 1;
            let plain = sentence(rng, None, Some(MARKERS[next_marker - 1]));
            let (q, p) = quote_of(&plain, MARKERS[next_marker - 1], next_marker - 1);
            quotes.push(q);
            if !p.is_empty() {
                prefix = p;
            }
            last.push(plain);
        }
        for mention in mentions {
            last.push(sentence(rng, Some(&mention), None));
        }
        if !last.is_empty() {
            md.push_str("## Further\n\n");
            md.push_str(&last.join(" "));
            md.push_str("\n\n");
        }
        for f in 1..=footnotes {
            let _ = writeln!(md, "[^{f}]: {}", sentence(rng, None, None));
        }
        Text {
            markdown: md,
            quotes,
            prefix,
        }
    }
}

/// The quote an annotation gives for a sentence with `marker`: words around the marker;
/// for the sixth, the words after it, with the marker as prefix.
fn quote_of(sentence: &str, marker: &str, slot: usize) -> (String, String) {
    let words: Vec<&str> = sentence.trim_end_matches('.').split(' ').collect();
    let at = words.iter().position(|w| *w == marker).expect("the marker");
    if slot == 5 {
        let end = (at + 4).min(words.len());
        if end > at + 1 {
            return (words[at + 1..end].join(" "), format!("the {marker}"));
        }
    }
    let start = at.saturating_sub(3);
    let end = (at + 4).min(words.len());
    (words[start..end].join(" "), String::new())
}

/// Inline Markdown on a sentence nobody quotes: emphasis, strong, code, links, raw HTML,
/// footnote references, on one word of the vocabulary (never on a mention).
fn dress(words: &mut [String], r: usize, n: usize, footnotes: &mut usize, rng: &mut Rng) {
    let len = words.len();
    if len < 5 {
        return;
    }
    let i = 1 + rng.below(len - 3);
    let w = words[i].clone();
    let vocabulary = [NOUNS, ADJECTIVES, VERBS, ADVERBS, PREPOSITIONS, DETERMINERS];
    if !vocabulary.iter().any(|list| list.contains(&w.as_str())) {
        return;
    }
    words[i] = match rng.below(12) {
        0 | 1 => format!("*{w}*"),
        2 => format!("**{w}**"),
        3 => format!("`{w}_{}`", rng.pick(NOUNS)),
        4 => format!("[{w}](https://example.org/{}/{w})", slug(r)),
        5 if n > 1 => format!("[{w}](../{}/index.html)", slug((r + 1) % n)),
        6 => format!("<mark>{w}</mark>"),
        7 => format!("<abbr title=\"{}\">{w}</abbr>", rng.pick(NOUNS)),
        8 => {
            *footnotes += 1;
            format!("{w}[^{}]", *footnotes)
        }
        _ => w,
    };
}

/// Sometimes a block after a paragraph: a list, a table, code or a block quote.
fn block(md: &mut String, rng: &mut Rng) {
    match rng.below(8) {
        0 => {
            let items = 3 + rng.below(3);
            let ordered = rng.chance(50);
            for i in 0..items {
                let _ = writeln!(
                    md,
                    "{} {} {} {}",
                    if ordered {
                        format!("{}.", i + 1)
                    } else {
                        "-".to_owned()
                    },
                    capitalise(rng.pick(ADJECTIVES)),
                    rng.pick(NOUNS),
                    rng.pick(VERBS)
                );
            }
            md.push('\n');
        }
        1 => {
            md.push_str("| year | place | measure |\n|---|---|---:|\n");
            for _ in 0..3 + rng.below(3) {
                let _ = writeln!(
                    md,
                    "| {} | the {} {} | {} |",
                    1500 + rng.below(450),
                    rng.pick(ADJECTIVES),
                    rng.pick(NOUNS),
                    rng.below(1000)
                );
            }
            md.push('\n');
        }
        2 => {
            let _ = write!(
                md,
                "```text\n{} = {}({}, {})\nreturn {}\n```\n\n",
                rng.pick(NOUNS),
                rng.pick(VERBS),
                rng.pick(NOUNS),
                rng.below(100),
                rng.pick(NOUNS)
            );
        }
        3 => {
            let _ = write!(md, "> {}\n\n", sentence(rng, None, None));
        }
        _ => {}
    }
}

fn annotations(r: usize, n: usize, text: &Text, own: &Gloss, to: &str) -> String {
    let mut out = String::from("glosses:\n");
    own.yaml(&mut out);
    let _ = write!(
        out,
        "\nsources:\n  {id}-source:\n    kind: report\n    title: {title}\n    publisher: The Synthetic Press\n    date: {year}\n    url: https://example.org/sources/{id}\n    note: |\n      A generated report, cited once.\n    cited:\n      - quote: {quote}\n",
        id = slug(r),
        title = quoted(&format!("Report on reading {}", r + 1)),
        year = 1900 + r % 100,
        quote = quoted(&text.quotes[2]),
    );
    let _ = write!(
        out,
        "\ncrossrefs:\n  onward:\n    from:\n      quote: {from}\n    to:\n{reading}      prefix: {prefix}\n      quote: {to}\n    note: |\n      The next reading takes up *the same* question.\n",
        from = quoted(&text.quotes[3]),
        reading = if n > 1 {
            format!("      reading: {}\n", slug((r + 1) % n))
        } else {
            String::new()
        },
        prefix = quoted(&text.prefix),
        to = quoted(to),
    );
    out.push_str("\nnotes:\n");
    for (i, quote) in text.quotes[..2].iter().enumerate() {
        let _ = write!(
            out,
            "  note-{i}:\n    at: {}\n    text: |\n      The editor's comment, with **strong** words and a [link](https://example.org/notes/{}-{i}).\n",
            quoted(quote),
            slug(r)
        );
    }
    out
}

fn glossary(glosses: &[Gloss]) -> String {
    let mut out = String::from("glosses:\n");
    for gloss in glosses {
        gloss.yaml(&mut out);
    }
    out
}

fn sources(citations: &[Vec<(String, String)>]) -> String {
    let mut out = String::from("sources:\n");
    for (s, cited) in citations.iter().enumerate() {
        let _ = write!(
            out,
            "  {}:\n    kind: book\n    title: {}\n    author: The Synthetic Society\n    date: {}\n    note: |\n      A generated book that several readings cite.\n    cited:\n",
            shared_source(s),
            quoted(&format!("A history in {} parts", s + 2)),
            1700 + s % 300
        );
        for (reading, quote) in cited {
            let _ = write!(
                out,
                "      - reading: {reading}\n        quote: {}\n",
                quoted(quote)
            );
        }
    }
    out
}
