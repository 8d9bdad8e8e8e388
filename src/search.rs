//! Search: the site's index, made at build time and cut into small script files that a
//! page loads with `<script src>` only when a query needs them. A script file, unlike
//! `fetch`, loads from file:// as well as over HTTP, and under the CSP's `script-src 'self'`.
//!
//! 1. [`fold`] and [`tokens`]: a text's words, lowercased, decomposed (NFD) and stripped of
//!    combining marks; CJK ideographs and kana one character each (they are written without
//!    spaces). `templates/search.js` folds a query with the same rules, so both sides meet.
//! 2. Each reading's numbered paragraphs are read: every word is stemmed with the site
//!    language's Snowball stemmer (rust-stemmers) where there is one, and each stem gets a
//!    BM25 score per paragraph; a stem keeps only its best [`POSTINGS_PER_STEM`] paragraphs,
//!    so a word found everywhere costs no more than a rare one.
//! 3. Every glossary entry and source is read from [`gloss_strings`] and [`source_strings`]:
//!    the words of its headword (field 0) and of its other names (field 1).
//! 4. The words (as written, folded) are grouped into shards by their first two characters;
//!    a shard over [`SHARD_BUDGET`] is split by one more character, and so on. A word lives
//!    in the shard of the longest key it starts with. Each shard holds its words' stems and
//!    the stems' paragraphs, its words' entries and those entries' labels: it needs no other.
//! 5. The files: `search/index.js` (the shard keys and sizes, the text files' sizes),
//!    `search/s/HEX.js` (a shard; HEX is the key's UTF-8 in hex, a safe file name on every
//!    system) and `search/p/R-C.js` (the text of reading R's paragraphs C×32 to C×32+31, to
//!    show a result's words around its hit).
//!
//! Entry points: [`index_into`] (into a sink, as the pages are) and [`files`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use unicode_normalization::char::is_combining_mark;

use crate::annotations::model::{Gloss, Source};
use crate::i18n::Strings;
use crate::render::{OutputFile, Sink, gloss_page, part, source_page};
use crate::site::SiteIndex;

/// The largest shard, in bytes, unless one word alone is larger.
pub const SHARD_BUDGET: usize = 48_000;
/// The paragraphs kept for a stem: its best by score.
pub const POSTINGS_PER_STEM: usize = 100;
/// The entries kept for a word: headwords first, then the shortest labels. A word in
/// every source's title ("report") would otherwise carry them all.
pub const ENTRIES_PER_WORD: usize = 50;
/// Paragraphs per text file.
pub const CHUNK: usize = 32;

/// Lowercased, decomposed, without combining marks: `Rafsanjānī` → `rafsanjani`; and
/// what an Arabic keyboard types as a Persian one would (ي ى → ی, ك → ک, Arabic-Indic
/// digits → Persian), without tatweel, as anchoring compares them
/// ([`crate::annotations::fold`]). templates/search.js folds a query the same way.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`] into `out` (cleared first). Each character is decomposed on its own: NFD's
/// only other step, putting combining marks in order, cannot change a text whose marks
/// are all taken out. ASCII, most of most texts, is copied as it is.
fn fold_into(s: &str, out: &mut String) {
    out.clear();
    let mut decomposed = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            decomposed.push(c);
            continue;
        }
        unicode_normalization::char::decompose_canonical(c, |c| {
            if is_combining_mark(c) || c == '\u{0640}' {
                return;
            }
            decomposed.push(match c {
                '\u{064A}' | '\u{0649}' => '\u{06CC}',
                '\u{0643}' => '\u{06A9}',
                '\u{0660}'..='\u{0669}' => char::from_u32(c as u32 - 0x0660 + 0x06F0).unwrap_or(c),
                c => c,
            });
        });
    }
    if decomposed.is_ascii() {
        decomposed.make_ascii_lowercase();
        *out = decomposed;
    } else {
        // `to_lowercase` of the whole text, not of each character: a final capital sigma
        // becomes ς.
        *out = decomposed.to_lowercase();
    }
}

/// Ideographs and kana: a word of its own each, as no space separates their words.
fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// The characters of a word that are indexed: a longer "word" is a code or an address,
/// found by its beginning.
pub const MAX_WORD: usize = 40;

/// The folded words of `s`: runs of letters and digits, each CJK character alone, each
/// cut to [`MAX_WORD`] characters.
pub fn tokens(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    each_word(&fold(s), |word| words.push(word.to_owned()));
    words
}

/// Calls `f` with each word of the folded text `folded`, as [`tokens`] cuts them.
fn each_word(folded: &str, mut f: impl FnMut(&str)) {
    let mut start = None;
    let emit = |from: usize, to: usize, f: &mut dyn FnMut(&str)| {
        let word = &folded[from..to];
        match word.char_indices().nth(MAX_WORD) {
            Some((cut, _)) => f(&word[..cut]),
            None => f(word),
        }
    };
    for (i, c) in folded.char_indices() {
        if is_cjk(c) {
            if let Some(from) = start.take() {
                emit(from, i, &mut f);
            }
            f(&folded[i..i + c.len_utf8()]);
        } else if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(from) = start.take() {
            emit(from, i, &mut f);
        }
    }
    if let Some(from) = start {
        emit(from, folded.len(), &mut f);
    }
}

/// The Snowball stemmer for a BCP 47 language tag, if there is one.
fn stemmer(language: &str) -> Option<Stemmer> {
    let primary = language.split(['-', '_']).next()?.to_ascii_lowercase();
    let algorithm = match primary.as_str() {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// Which of an entry's strings a word came from: its headword ranks first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Headword = 0,
    Other = 1,
}

/// What search finds a gloss by: its headword first, then its match forms and its
/// original (in its own script, and as transliterated), so that `ولایت` or `velayat`
/// finds the Guardianship of the Jurist.
pub fn gloss_strings(gloss: &Gloss) -> Vec<(&str, Field)> {
    let mut strings = vec![(gloss.term.value.as_str(), Field::Headword)];
    strings.extend(gloss.forms.iter().map(|f| (f.value.as_str(), Field::Other)));
    if let Some(original) = &gloss.original {
        strings.push((original.text.as_str(), Field::Other));
        strings.extend(
            original
                .transliteration
                .as_deref()
                .map(|t| (t, Field::Other)),
        );
    }
    strings
}

/// What search finds a source by.
pub fn source_strings(source: &Source) -> Vec<(&str, Field)> {
    let mut strings = Vec::new();
    strings.extend(source.title.as_deref().map(|t| (t, Field::Headword)));
    strings.extend(source.author.as_deref().map(|a| (a, Field::Other)));
    strings.extend(source.publisher.as_deref().map(|p| (p, Field::Other)));
    strings
}

/// An entry as a result shows it: label, address from the root, kind, a line under it.
#[derive(Serialize, Clone)]
struct EntryView(String, String, String, String);

/// A run of [`ReadingWords::arena`]: start and end.
type Span = (u32, u32);

/// One reading's share of the index, in few allocations: a site has a thousand of them
/// side by side while the index is made.
#[derive(Default)]
pub struct ReadingWords {
    /// The reading's distinct words and stems, one after the other.
    arena: String,
    /// Each distinct word (folded) and the number of its stem.
    words: Vec<(Span, u32)>,
    /// Each distinct stem.
    stems: Vec<Span>,
    /// (stem, paragraph, times), by paragraph and stem.
    postings: Vec<(u32, u32, u32)>,
    /// (paragraph, length in words), by paragraph.
    lengths: Vec<(u32, u32)>,
}

impl ReadingWords {
    fn text(&self, (from, to): Span) -> &str {
        &self.arena[from as usize..to as usize]
    }

    fn push(arena: &mut String, s: &str) -> Span {
        let from = arena.len() as u32;
        arena.push_str(s);
        (from, arena.len() as u32)
    }
}

/// The maps of words: hashed with foldhash, not SipHash. No one chooses these keys to
/// collide but the site's own editor, and a map's order never reaches the output.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Each word's stem, as the readings one thread reads share it: stemming a word costs
/// more than looking it up, and most words of a site come back in reading after reading.
type Stems = FastMap<Box<str>, Box<str>>;

/// The words of reading `r`'s numbered paragraphs.
fn read_reading(
    index: &SiteIndex,
    r: usize,
    stemmer: Option<&Stemmer>,
    stems: &mut Stems,
) -> ReadingWords {
    let document = &index.documents[r];
    let mut out = ReadingWords::default();
    let mut word_stem: FastMap<String, u32> = FastMap::default();
    let mut stem_number: FastMap<String, u32> = FastMap::default();
    let mut folded = String::new();
    let mut found: Vec<u32> = Vec::new();
    for block in &document.blocks {
        let Some(p) = block.paragraph else { continue };
        fold_into(&document.text[block.text.clone()], &mut folded);
        found.clear();
        each_word(&folded, |word| {
            let stem = match word_stem.get(word) {
                Some(&stem) => stem,
                None => {
                    let stem: &str = match stemmer {
                        Some(s) if !word.chars().any(is_cjk) => match stems.get(word) {
                            Some(stem) => stem,
                            None => stems
                                .entry(word.into())
                                .or_insert_with(|| s.stem(word).into()),
                        },
                        _ => word,
                    };
                    let next = stem_number.len() as u32;
                    let n = match stem_number.get(stem) {
                        Some(&n) => n,
                        None => *stem_number.entry(stem.to_owned()).or_insert(next),
                    };
                    word_stem.insert(word.to_owned(), n);
                    n
                }
            };
            found.push(stem);
        });
        out.lengths.push((p as u32, found.len() as u32));
        found.sort_unstable();
        for run in found.chunk_by(|a, b| a == b) {
            out.postings.push((run[0], p as u32, run.len() as u32));
        }
    }
    let mut stems: Vec<(String, u32)> = stem_number.into_iter().collect();
    stems.sort_by_key(|(_, n)| *n);
    out.stems = stems
        .iter()
        .map(|(stem, _)| ReadingWords::push(&mut out.arena, stem))
        .collect();
    out.words = word_stem
        .into_iter()
        .map(|(word, stem)| (ReadingWords::push(&mut out.arena, &word), stem))
        .collect();
    out.arena.shrink_to_fit();
    out
}

/// A posting: reading, paragraph, score.
type Posting = (u32, u32, u32);

/// A shard's contents, as its file holds them.
#[derive(Serialize, Default)]
struct Shard<'a> {
    /// word → stem
    w: BTreeMap<&'a str, &'a str>,
    /// stem → [reading − previous reading, paragraph, score, …]
    p: BTreeMap<&'a str, Vec<u32>>,
    /// word → [entry, field, …]
    e: BTreeMap<&'a str, Vec<u32>>,
    /// entry → its view
    d: BTreeMap<u32, &'a EntryView>,
}

/// The whole index before it is cut into shards.
struct Whole<'a> {
    /// Every word of the readings → its stem's number.
    words: FastMap<&'a str, u32>,
    /// Each stem, by number.
    stems: Vec<&'a str>,
    /// Each stem's best paragraphs, by number.
    postings: Vec<Vec<Posting>>,
    entry_words: BTreeMap<String, Vec<(u32, Field)>>,
    entries: Vec<EntryView>,
}

impl Whole<'_> {
    fn shard<'s>(&'s self, terms: &[&'s str]) -> Shard<'s> {
        let mut shard = Shard::default();
        for &term in terms {
            if let Some(&stem) = self.words.get(term) {
                let name = self.stems[stem as usize];
                shard.w.insert(term, name);
                if !shard.p.contains_key(name) {
                    let mut flat = Vec::with_capacity(self.postings[stem as usize].len() * 3);
                    let mut previous = 0;
                    for &(r, p, s) in &self.postings[stem as usize] {
                        flat.extend([r - previous, p, s]);
                        previous = r;
                    }
                    shard.p.insert(name, flat);
                }
            }
            if let Some((term, found)) = self.entry_words.get_key_value(term) {
                let mut flat = Vec::new();
                for &(entry, field) in found {
                    flat.extend([entry, field as u32]);
                    shard.d.insert(entry, &self.entries[entry as usize]);
                }
                shard.e.insert(term, flat);
            }
        }
        shard
    }
}

fn js(call: &str, key: &str, data: &impl Serialize) -> String {
    let key = serde_json::to_string(key).unwrap_or_default();
    let data = serde_json::to_string(data).unwrap_or_default();
    format!("scholiaSearch.{call}({key},{data});\n")
}

/// The file name of a shard: its key's UTF-8 in hex.
pub fn shard_file(key: &str) -> String {
    let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    format!("search/s/{hex}.js")
}

/// The first `n` characters of `s`.
fn prefix(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// Cuts sorted `terms`, all starting with `key` (of `depth` characters), into shards
/// under the budget.
fn cut(whole: &Whole, key: &str, depth: usize, terms: Vec<&str>, out: &mut Vec<(String, String)>) {
    let file = js("shard", key, &whole.shard(&terms));
    let longer = terms.iter().any(|t| t.chars().count() > depth);
    if file.len() <= SHARD_BUDGET || !longer || terms.len() == 1 || key.chars().count() < depth {
        out.push((key.to_owned(), file));
        return;
    }
    let (here, rest): (Vec<&str>, Vec<&str>) =
        terms.into_iter().partition(|t| t.chars().count() <= depth);
    if !here.is_empty() {
        out.push((key.to_owned(), js("shard", key, &whole.shard(&here))));
    }
    // Cut where the words part: words sharing a long beginning would otherwise cost a
    // level each of their common characters.
    let next = match (rest.first(), rest.last()) {
        (Some(a), Some(b)) => (depth + 1).max(common(a, b) + 1),
        _ => depth + 1,
    };
    for (sub, group) in groups(rest, next) {
        cut(whole, &sub, next, group, out);
    }
}

/// How many characters two words begin with alike.
fn common(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// Sorted terms grouped by their first `n` characters, in order.
fn groups(terms: Vec<&str>, n: usize) -> Vec<(String, Vec<&str>)> {
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    for term in terms {
        let key = prefix(term, n);
        match out.last_mut() {
            Some((k, group)) if k == key => group.push(term),
            _ => out.push((key.to_owned(), vec![term])),
        }
    }
    out
}

#[derive(Serialize)]
struct Manifest<'a> {
    lang: &'a str,
    chunk: usize,
    /// shard key → bytes
    s: BTreeMap<String, usize>,
    /// per reading, the bytes of each text file
    c: Vec<Vec<usize>>,
}

#[derive(Serialize)]
struct Texts<'a> {
    t: &'a str,
    u: String,
    p: BTreeMap<usize, &'a str>,
}

/// Every file of the search index, in a fixed order.
pub fn files(index: &SiteIndex) -> Vec<OutputFile> {
    let memory = crate::render::Memory::default();
    index_into(index, &memory, None);
    memory.into_files()
}

/// What [`index_into`] keeps of each reading for the next build (`serve`): its words,
/// while its text and paragraphs are the same.
#[derive(Default)]
pub struct Kept {
    readings: Mutex<HashMap<String, (u64, Arc<ReadingWords>)>>,
    /// Readings whose words were read again in the last build.
    read: AtomicUsize,
}

impl Kept {
    /// How many readings' words the last build read again.
    pub fn read(&self) -> usize {
        self.read.load(Ordering::Relaxed)
    }
}

/// What a reading's words are made from.
fn reading_key(index: &SiteIndex, r: usize, language: &str) -> u64 {
    let document = &index.documents[r];
    let mut hasher = std::hash::DefaultHasher::new();
    language.hash(&mut hasher);
    document.text.hash(&mut hasher);
    for block in &document.blocks {
        (block.paragraph, &block.text).hash(&mut hasher);
    }
    hasher.finish()
}

/// Makes the search index of the site into `sink`: each reading's paragraph texts as soon
/// as its words are read, then the shards and their manifest. With `kept`, a reading whose
/// text is as it was is not read again.
pub fn index_into(index: &SiteIndex, sink: &dyn Sink, kept: Option<&Kept>) {
    let config = &index.site.config;
    let stemmer = stemmer(config.language());
    // The text files of every reading, numbered in the site's order before any is made.
    let chunks: Vec<usize> = index
        .documents
        .iter()
        .map(|document| {
            document
                .blocks
                .iter()
                .filter_map(|b| b.paragraph)
                .max()
                .map_or(0, |p| p / CHUNK + 1)
        })
        .collect();
    let first: Vec<usize> = chunks
        .iter()
        .scan(0, |next, n| {
            let first = *next;
            *next += n;
            Some(first)
        })
        .collect();
    if let Some(kept) = kept {
        kept.read.store(0, Ordering::Relaxed);
    }
    let (readings, sizes): (Vec<Arc<ReadingWords>>, Vec<Vec<usize>>) = (0..index.documents.len())
        .into_par_iter()
        .map_init(Stems::default, |stems, r| {
            let words = match kept {
                None => Arc::new(read_reading(index, r, stemmer.as_ref(), stems)),
                Some(kept) => {
                    let key = reading_key(index, r, config.language());
                    let slug = index.site.readings[r].slug.as_str();
                    let same = lock(&kept.readings)
                        .get(slug)
                        .filter(|(k, _)| *k == key)
                        .map(|(_, words)| Arc::clone(words));
                    same.unwrap_or_else(|| {
                        kept.read.fetch_add(1, Ordering::Relaxed);
                        let words = Arc::new(read_reading(index, r, stemmer.as_ref(), stems));
                        lock(&kept.readings).insert(slug.to_owned(), (key, Arc::clone(&words)));
                        words
                    })
                }
            };
            (words, texts_into(index, r, chunks[r], first[r], sink))
        })
        .unzip();
    if let Some(kept) = kept {
        let slugs: HashSet<&str> = index
            .site
            .readings
            .iter()
            .map(|m| m.slug.as_str())
            .collect();
        lock(&kept.readings).retain(|slug, _| slugs.contains(slug.as_str()));
    }

    // BM25 over all paragraphs: k1 = 1.2, b = 0.75.
    let total: u64 = readings
        .iter()
        .flat_map(|r| r.lengths.iter().map(|(_, n)| u64::from(*n)))
        .sum();
    let count = readings
        .iter()
        .map(|r| r.lengths.len())
        .sum::<usize>()
        .max(1);
    let average = (total as f64 / count as f64).max(1.0);
    // Each stem numbered across the site, in the order the readings meet them, and the
    // paragraphs it is in (BM25's document frequency)...
    let mut words: FastMap<&str, u32> = FastMap::default();
    let mut numbers: FastMap<&str, u32> = FastMap::default();
    let mut stems: Vec<&str> = Vec::new();
    let mut frequency: Vec<u32> = Vec::new();
    let globals: Vec<Vec<u32>> = readings
        .iter()
        .map(|reading| {
            let global: Vec<u32> = reading
                .stems
                .iter()
                .map(|&span| {
                    let stem = reading.text(span);
                    *numbers.entry(stem).or_insert_with(|| {
                        stems.push(stem);
                        frequency.push(0);
                        stems.len() as u32 - 1
                    })
                })
                .collect();
            for &(span, stem) in &reading.words {
                words.insert(reading.text(span), global[stem as usize]);
            }
            for &(stem, ..) in &reading.postings {
                frequency[global[stem as usize] as usize] += 1;
            }
            global
        })
        .collect();
    // ...then each posting scored as it comes, and only a stem's best kept: a common
    // word is in tens of thousands of paragraphs, of which the index keeps a hundred.
    let idf: Vec<f64> = frequency
        .iter()
        .map(|&df| {
            let df = f64::from(df);
            (1.0 + (count as f64 - df + 0.5) / (df + 0.5)).ln()
        })
        .collect();
    let mut postings: Vec<Vec<Posting>> = vec![Vec::new(); stems.len()];
    for (r, (reading, global)) in readings.iter().zip(&globals).enumerate() {
        let mut lengths = reading.lengths.iter().peekable();
        for &(stem, p, n) in &reading.postings {
            // Postings and lengths are both in the order of the paragraphs.
            while lengths.next_if(|&&(q, _)| q < p).is_some() {}
            let len = lengths
                .peek()
                .filter(|&&&(q, _)| q == p)
                .map_or(1, |&&(_, n)| n);
            let stem = global[stem as usize] as usize;
            let tf = f64::from(n);
            let norm = 1.2 * (1.0 - 0.75 + 0.75 * f64::from(len) / average);
            let score = idf[stem] * tf * 2.2 / (tf + norm);
            let list = &mut postings[stem];
            list.push((r as u32, p, ((score * 100.0).round() as u32).max(1)));
            if list.len() == 4 * POSTINGS_PER_STEM {
                keep_best(list);
            }
        }
    }
    postings.par_iter_mut().for_each(|list| {
        keep_best(list);
        list.sort();
        list.shrink_to_fit();
    });

    let mut entries = Vec::new();
    let mut entry_words: BTreeMap<String, Vec<(u32, Field)>> = BTreeMap::new();
    let mut add = |view: EntryView, strings: Vec<(&str, Field)>| {
        let n = entries.len() as u32;
        entries.push(view);
        let mut seen: BTreeMap<String, Field> = BTreeMap::new();
        for (s, field) in strings {
            for word in tokens(s) {
                let f = seen.entry(word).or_insert(field);
                *f = (*f).min(field);
            }
        }
        for (word, field) in seen {
            entry_words.entry(word).or_default().push((n, field));
        }
    };
    let keep = |entries: &[EntryView], words: &mut BTreeMap<String, Vec<(u32, Field)>>| {
        for found in words.values_mut() {
            found.sort_by_key(|&(n, field)| (field, entries[n as usize].0.len(), n));
            found.truncate(ENTRIES_PER_WORD);
            found.sort();
        }
    };
    // A result says what it is in the site's words: `place`, `مکان`.
    let t = &config.words;
    for entry in &index.glosses {
        let gloss = entry.gloss;
        let view = EntryView(
            gloss.term.value.clone(),
            gloss_page(entry.id),
            t.get(&format!("kind_{}", gloss.kind.name())).to_owned(),
            gloss_detail(gloss, t),
        );
        add(view, gloss_strings(gloss));
    }
    for entry in &index.sources {
        let source = entry.source;
        let label = source
            .title
            .clone()
            .or_else(|| source.author.clone())
            .or_else(|| source.publisher.clone())
            .unwrap_or_else(|| {
                t.fill(
                    "unnamed_source",
                    &[("kind", crate::render::source_kind(source.kind(), t))],
                )
            });
        let detail = [source.author.as_deref(), source.publisher.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| *s != label)
            .collect::<Vec<_>>()
            .join(t.get("comma"));
        let view = EntryView(
            label,
            source_page(entry.id),
            crate::render::source_kind(source.kind(), t).to_owned(),
            detail,
        );
        add(view, source_strings(source));
    }

    keep(&entries, &mut entry_words);
    let whole = Whole {
        words,
        stems,
        postings,
        entry_words,
        entries,
    };
    let terms: BTreeSet<&str> = whole
        .words
        .keys()
        .copied()
        .chain(whole.entry_words.keys().map(String::as_str))
        .collect();
    let groups = groups(terms.into_iter().collect(), 2);
    // Each group's shards are numbered in the site's order before any is made.
    let mut first = 1;
    let groups: Vec<(u32, String, Vec<&str>)> = groups
        .into_iter()
        .map(|(key, group)| {
            let n = first;
            first += group.len() as u32;
            (n, key, group)
        })
        .collect();
    let sizes_of_shards: Vec<(String, usize)> = groups
        .into_par_iter()
        .flat_map_iter(|(n, key, group)| {
            let mut out = Vec::new();
            cut(&whole, &key, 2, group, &mut out);
            out.into_iter()
                .enumerate()
                .map(move |(i, (key, contents))| {
                    let size = contents.len();
                    sink.put(
                        (part::SEARCH, n + i as u32),
                        OutputFile {
                            path: shard_file(&key),
                            contents: contents.into_bytes(),
                        },
                    );
                    (key, size)
                })
        })
        .collect();

    let manifest = Manifest {
        lang: config.language(),
        chunk: CHUNK,
        s: sizes_of_shards.into_iter().collect(),
        c: sizes,
    };
    sink.put(
        (part::SEARCH, 0),
        OutputFile {
            path: "search/index.js".into(),
            contents: js("index", "", &manifest).into_bytes(),
        },
    );
}

/// Keeps the [`POSTINGS_PER_STEM`] best of a stem's postings: by score, ties to the
/// first paragraph. No two postings of a stem share a paragraph, so which are kept does
/// not depend on the order they came in.
fn keep_best(list: &mut Vec<Posting>) {
    if list.len() > POSTINGS_PER_STEM {
        list.select_nth_unstable_by(POSTINGS_PER_STEM - 1, |a, b| {
            b.2.cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1)))
        });
        list.truncate(POSTINGS_PER_STEM);
    }
}

/// Puts reading `r`'s paragraph texts, `chunks` files numbered from `first`, into `sink`;
/// gives each file's size (0 for a chunk without paragraphs, which has no file).
fn texts_into(
    index: &SiteIndex,
    r: usize,
    chunks: usize,
    first: usize,
    sink: &dyn Sink,
) -> Vec<usize> {
    let document = &index.documents[r];
    let meta = &index.site.readings[r];
    let mut by_chunk: Vec<BTreeMap<usize, &str>> = vec![BTreeMap::new(); chunks];
    for block in &document.blocks {
        if let Some(p) = block.paragraph {
            by_chunk[p / CHUNK].insert(p, &document.text[block.text.clone()]);
        }
    }
    let mut sizes = vec![0; chunks];
    for (c, paragraphs) in by_chunk.into_iter().enumerate() {
        if paragraphs.is_empty() {
            continue;
        }
        let texts = Texts {
            t: &meta.meta.title,
            u: format!("{}/index.html", meta.slug),
            p: paragraphs,
        };
        let contents = js("text", &format!("{r}-{c}"), &texts);
        sizes[c] = contents.len();
        sink.put(
            (part::SEARCH_TEXTS, (first + c) as u32),
            OutputFile {
                path: format!("search/p/{r}-{c}.js"),
                contents: contents.into_bytes(),
            },
        );
    }
    sizes
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The line under a gloss's headword in a result: its dates, if any, in the words of `t`.
fn gloss_detail(gloss: &Gloss, t: &Strings) -> String {
    crate::render::gloss_dates_in(gloss, t).unwrap_or_default()
}
