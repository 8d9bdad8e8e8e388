//! Search's index (src/search.rs): what it holds, how it folds words, and how it is cut
//! into shards: each word in the shard a page looks for it in, and no query of the
//! 1,000-reading benchmark site loading more than templates/search.js's budget.

#[path = "../benches/corpus/mod.rs"]
mod corpus;

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use scholia::render::OutputFile;
use scholia::search::{self, SHARD_BUDGET, fold, tokens};
use serde_json::Value;

/// The files of the search index of the site at `root`, by path.
fn index_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let site = scholia::content::load(root).expect("the site loads");
    let index = scholia::resolve::index(&site)
        .map_err(|p| p.len())
        .expect("the site resolves");
    search::files(&index)
        .into_iter()
        .map(|OutputFile { path, contents }| (path, contents))
        .collect()
}

/// A file's call, `scholiaSearch.KIND("key",{…});`, as (kind, key, data).
fn call(contents: &[u8]) -> (String, String, Value) {
    let text = std::str::from_utf8(contents).expect("UTF-8");
    let text = text.strip_prefix("scholiaSearch.").expect("a call");
    let open = text.find('(').expect("(");
    let args = text[open + 1..].trim_end().strip_suffix(");").expect(");");
    let Value::Array(mut args) = serde_json::from_str(&format!("[{args}]")).expect("JSON") else {
        unreachable!()
    };
    let data = args.pop().expect("data");
    let key = args.pop().and_then(|k| k.as_str().map(str::to_owned));
    (text[..open].to_owned(), key.expect("a key"), data)
}

struct Index {
    manifest: Value,
    /// key → (shard data, bytes)
    shards: BTreeMap<String, (Value, usize)>,
    files: BTreeMap<String, Vec<u8>>,
}

impl Index {
    fn of(files: BTreeMap<String, Vec<u8>>) -> Index {
        let (kind, _, manifest) = call(&files["search/index.js"]);
        assert_eq!(kind, "index");
        let mut shards = BTreeMap::new();
        for (path, contents) in &files {
            if path.starts_with("search/s/") {
                let (kind, key, data) = call(contents);
                assert_eq!(kind, "shard");
                assert_eq!(
                    path,
                    &search::shard_file(&key),
                    "a shard's file is named by its key"
                );
                shards.insert(key, (data, contents.len()));
            }
        }
        Index {
            manifest,
            shards,
            files,
        }
    }

    /// The shard a page loads for a word: the longest key it begins with.
    fn shard_for(&self, word: &str) -> Option<&str> {
        let chars: Vec<char> = word.chars().collect();
        (1..=chars.len()).rev().find_map(|n| {
            let key: String = chars[..n].iter().collect();
            self.shards.get_key_value(&key).map(|(k, _)| k.as_str())
        })
    }

    /// The paragraphs (reading, ¶) the index gives for a whole word.
    fn paragraphs(&self, word: &str) -> BTreeSet<(u64, u64)> {
        let (shard, _) = &self.shards[self.shard_for(word).expect("a shard")];
        let stem = shard["w"][word].as_str().expect("the word is indexed");
        let flat = shard["p"][stem].as_array().expect("postings");
        let mut out = BTreeSet::new();
        let mut r = 0;
        for triple in flat.chunks(3) {
            r += triple[0].as_u64().unwrap();
            out.insert((r, triple[1].as_u64().unwrap()));
        }
        out
    }

    /// The entries (label, address, field) the index gives for a whole word.
    fn entries(&self, word: &str) -> Vec<(String, String, u64)> {
        let Some(key) = self.shard_for(word) else {
            return Vec::new();
        };
        let (shard, _) = &self.shards[key];
        let Some(flat) = shard["e"][word].as_array() else {
            return Vec::new();
        };
        flat.chunks(2)
            .map(|pair| {
                let n = pair[0].as_u64().unwrap().to_string();
                let view = &shard["d"][&n];
                (
                    view[0].as_str().unwrap().to_owned(),
                    view[1].as_str().unwrap().to_owned(),
                    pair[1].as_u64().unwrap(),
                )
            })
            .collect()
    }
}

#[test]
fn folding_drops_case_and_diacritics_and_keeps_other_scripts() {
    assert_eq!(fold("Rafsanjānī"), "rafsanjani");
    assert_eq!(fold("ÉCOLE Ḥusayn"), "ecole husayn");
    // Arabic: the short vowels (combining marks) go, the letters stay, the Arabic yeh
    // as the Persian one (what either keyboard types finds the other).
    assert_eq!(fold("عَلِيّ"), "علی");
    assert_eq!(fold("Хаменеи"), "хаменеи");
    assert_eq!(
        tokens("Iran's “resistance” — 1988!"),
        ["iran", "s", "resistance", "1988"]
    );
    // CJK: a word per character, as no space separates the words.
    assert_eq!(tokens("在伊朗の首都"), ["在", "伊", "朗", "の", "首", "都"]);
    assert_eq!(tokens("Tehran 德黑兰"), ["tehran", "德", "黑", "兰"]);
    assert_eq!(tokens("Ghālibāf, Qālībāf"), ["ghalibaf", "qalibaf"]);
}

#[test]
fn rafsanjani_finds_his_entry_and_every_paragraph_that_names_him() {
    let root = common::repo();
    let site = scholia::content::load(&root).expect("the example loads");
    let index = scholia::resolve::index(&site).map_err(|p| p.len()).unwrap();
    let document = &index.documents[0];
    let expected: BTreeSet<(u64, u64)> = document
        .blocks
        .iter()
        .filter(|b| document.text[b.text.clone()].contains("Rafsanjani"))
        .filter_map(|b| b.paragraph.map(|p| (0, p as u64)))
        .collect();
    assert!(!expected.is_empty(), "the example names him");

    let search = Index::of(index_files(&root));
    assert_eq!(search.paragraphs("rafsanjani"), expected);
    let entries = search.entries("rafsanjani");
    assert_eq!(
        entries,
        [(
            "Akbar Hashemi Rafsanjani".to_owned(),
            "glossary/rafsanjani/index.html".to_owned(),
            0
        )],
        "his entry, found by its headword"
    );
    // A match form's word that is not in the headword is found too, ranked after it.
    let ali: Vec<_> = search
        .entries("ali")
        .into_iter()
        .filter(|e| e.0 == "Akbar Hashemi Rafsanjani")
        .collect();
    assert_eq!(ali.len(), 1);
    assert_eq!(ali[0].2, 1, "found by a match form, not the headword");
    // The text file of his paragraph holds its words, to show around the hit.
    let (r, p) = *expected.iter().next().unwrap();
    let chunk = p as usize / search::CHUNK;
    let (kind, _, texts) = call(&search.files[&format!("search/p/{r}-{chunk}.js")]);
    assert_eq!(kind, "text");
    assert!(
        texts["p"][p.to_string()]
            .as_str()
            .unwrap()
            .contains("Rafsanjani")
    );
    assert_eq!(texts["u"], "khamenei-and-the-prospect-of-war/index.html");
}

#[test]
fn a_gloss_is_found_by_its_original_in_its_own_script() {
    let root = common::repo();
    let search = Index::of(index_files(&root));
    // The example gives Khamenei's name as written in Persian, with its non-joiner (a
    // word break for search, on the page as here: each part is a word).
    for word in scholia::search::tokens("خامنه‌ای") {
        let found = search.entries(&word);
        assert!(
            found.iter().any(|e| e.1 == "glossary/khamenei/index.html"),
            "his entry, by {word} of its original: {found:?}"
        );
    }
    let found = search.entries("فقیه");
    assert!(
        found.iter().any(|e| e.1.starts_with("glossary/")),
        "velayat-e faqih, by its original: {found:?}"
    );
}

#[test]
fn a_query_typed_on_an_arabic_keyboard_finds_persian_words() {
    let dir = common::site("کتابخانه‌ی ملی در تهران است.\n\nسال ۱۴۰۲.\n", "");
    let search = Index::of(index_files(dir.path()));
    // Arabic kaf and yeh, Arabic-Indic digits, a tatweel: as an Arabic keyboard types.
    for (typed, paragraph) in [("كتابخانه", 1), ("ملي", 1), ("تهـران", 1), ("١٤٠٢", 2)]
    {
        let words = scholia::search::tokens(typed);
        assert_eq!(words.len(), 1, "{typed}: one word");
        assert_eq!(
            search.paragraphs(&words[0]),
            BTreeSet::from([(0, paragraph)]),
            "{typed}"
        );
    }
}

#[test]
fn sources_are_found_by_title_and_author() {
    let root = common::repo();
    let search = Index::of(index_files(&root));
    let found = search.entries("aznar");
    assert!(
        found.iter().any(|e| e.1.starts_with("sources/")),
        "a source by Aznar: {found:?}"
    );
}

#[test]
fn words_are_stemmed_in_the_sites_language() {
    let dir = common::site(
        "The negotiations went on.\n\nThey negotiate again.\n\nNothing else here.\n",
        "",
    );
    let search = Index::of(index_files(dir.path()));
    assert_eq!(
        search.paragraphs("negotiations"),
        BTreeSet::from([(0, 1), (0, 2)]),
        "an English site finds “negotiate” for “negotiations”"
    );
}

/// A word in more paragraphs than the index keeps for it: the index keeps its best by
/// BM25, ties to the first paragraph, however many it met before keeping those.
#[test]
fn a_common_word_keeps_its_best_paragraphs_by_score_then_by_place() {
    // 600 paragraphs of eight words each with "lantern" one to four times, the rest
    // filler, so that a paragraph's score rises with its lanterns alone; and 1,400
    // without, so that the word is rare enough to score at all.
    let lanterns = |i: usize| {
        if i % 10 < 3 {
            (i * 7919 + i / 7) % 4 + 1
        } else {
            0
        }
    };
    let text: String = (1..=2000)
        .map(|i| {
            let k = lanterns(i);
            format!("{}{}\n\n", "lantern ".repeat(k), "stone ".repeat(8 - k))
        })
        .collect();
    let dir = common::site(&text, "");
    let search = Index::of(index_files(dir.path()));
    let mut best: Vec<usize> = (1..=2000).filter(|&i| lanterns(i) > 0).collect();
    assert_eq!(best.len(), 600);
    best.sort_by_key(|&i| (std::cmp::Reverse(lanterns(i)), i));
    let kept = &best[..search::POSTINGS_PER_STEM];
    // More paragraphs than are kept have four lanterns: the first of them are kept.
    assert_eq!(lanterns(best[search::POSTINGS_PER_STEM]), 4);
    let expected: BTreeSet<(u64, u64)> = kept.iter().map(|&i| (0, i as u64)).collect();
    assert_eq!(search.paragraphs("lantern"), expected);
}

#[test]
fn other_scripts_are_indexed_and_found() {
    let dir = common::site(
        "خامنه‌ای در تهران سخن گفت.\n\n哈梅内伊在德黑兰讲话。\n\nΟ Χαμενεΐ μίλησε.\n",
        "",
    );
    let search = Index::of(index_files(dir.path()));
    assert_eq!(search.paragraphs("تهران"), BTreeSet::from([(0, 1)]));
    assert_eq!(search.paragraphs("黑"), BTreeSet::from([(0, 2)]));
    // Greek, its accents and diaeresis folded away.
    assert_eq!(search.paragraphs("χαμενει"), BTreeSet::from([(0, 3)]));
}

#[test]
fn every_word_is_in_the_shard_a_page_looks_for_it_in() {
    let search = Index::of(index_files(&common::repo()));
    let words = each_word_in_its_shard(&search);
    assert!(words > 500, "{words} words");
}

#[test]
fn a_huge_word_and_thousands_of_words_alike_to_their_end_are_cut_without_trouble() {
    let huge = "a".repeat(100_000);
    let alike: String = (0..3000)
        .map(|i| format!("{}{i:04} ", "b".repeat(30)))
        .collect();
    let dir = common::site(&format!("{huge}\n\n{alike}\n"), "");
    let search = Index::of(index_files(dir.path()));
    assert_eq!(
        search.paragraphs(&"a".repeat(search::MAX_WORD)),
        BTreeSet::from([(0, 1)]),
        "a huge word is found by its beginning"
    );
    assert_eq!(
        search.paragraphs(&format!("{}2999", "b".repeat(30))),
        BTreeSet::from([(0, 2)])
    );
    each_word_in_its_shard(&search);
    let largest = search.shards.values().map(|(_, b)| *b).max().unwrap();
    assert!(largest <= SHARD_BUDGET, "{largest} B");
    assert!(
        search.shards.len() > 3,
        "the words alike are cut into shards"
    );
}

/// Checks that each word is in the shard a page would look in, and that the manifest
/// lists every shard with its size; returns how many words there are.
fn each_word_in_its_shard(search: &Index) -> usize {
    let keys: BTreeSet<&String> = search.shards.keys().collect();
    let listed: BTreeSet<&String> = search.manifest["s"].as_object().unwrap().keys().collect();
    assert_eq!(keys, listed, "the manifest lists every shard");
    let mut words = 0;
    for (key, (shard, bytes)) in &search.shards {
        assert_eq!(
            search.manifest["s"][key].as_u64(),
            Some(*bytes as u64),
            "the manifest gives each shard's size"
        );
        for word in shard["w"]
            .as_object()
            .unwrap()
            .keys()
            .chain(shard["e"].as_object().unwrap().keys())
        {
            words += 1;
            assert_eq!(search.shard_for(word), Some(key.as_str()), "{word}");
        }
    }
    words
}

/// The most a query of three words can load, following templates/search.js: the manifest,
/// each word's own shard, the shards of longer keys only within SHARDS, and the text files
/// of the best paragraphs only within BUDGET (so they never take it over).
#[test]
fn no_query_on_the_benchmark_site_loads_more_than_300_kb() {
    const BUDGET: usize = 300_000;
    const SHARDS: usize = 200_000;
    let dir = tempfile::tempdir().unwrap();
    corpus::write(&corpus::Params::new(1000, 2000), dir.path()).unwrap();
    let search = Index::of(index_files(dir.path()));
    let manifest = search.files["search/index.js"].len();
    let largest = search.shards.values().map(|(_, b)| *b).max().unwrap();
    assert!(
        manifest + 3 * largest <= SHARDS,
        "the manifest ({manifest} B) and three words' own shards ({largest} B at most) fit in {SHARDS} B"
    );
    for (key, (shard, bytes)) in &search.shards {
        let words = shard["w"].as_object().unwrap().len() + shard["e"].as_object().unwrap().len();
        assert!(
            *bytes <= SHARD_BUDGET || words <= 2,
            "shard {key:?}: {bytes} B for {words} words"
        );
    }
    // Sample queries: what the page loads for them, shards only (the text files are
    // loaded one by one while under the budget).
    let keys: Vec<&String> = search.shards.keys().collect();
    let mut loads = Vec::new();
    for query in [
        "a",
        "th",
        "the",
        "reading",
        "synthetic",
        "the rare printer",
        "s",
        "1",
        "zq",
    ] {
        let mut spent = manifest;
        let words: Vec<String> = tokens(query).into_iter().take(3).collect();
        for word in &words {
            spent += search.shard_for(word).map_or(0, |k| search.shards[k].1);
        }
        for word in &words {
            let longer: usize = keys
                .iter()
                .filter(|k| k.as_str() != word && k.starts_with(word.as_str()))
                .map(|k| search.shards[k.as_str()].1)
                .sum();
            if spent + longer <= SHARDS {
                spent += longer;
            }
        }
        assert!(spent <= BUDGET, "{query:?}: {spent} B");
        loads.push((spent, query));
    }
    loads.sort();
    eprintln!("bytes of shards per query: {loads:?}");
}

/// `fold` decomposes each character on its own and copies ASCII as it is; that must be
/// the same as folding the whole text through NFD (the rule templates/search.js follows),
/// whatever the text: accents composed or not, marks in any order, Greek's final sigma,
/// Hangul, the Arabic letters folded to Persian ones, tatweel, a dotted capital I.
#[test]
fn folding_each_character_is_folding_the_text() {
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;

    fn reference(s: &str) -> String {
        s.nfd()
            .filter(|&c| !is_combining_mark(c) && c != '\u{0640}')
            .map(|c| match c {
                '\u{064A}' | '\u{0649}' => '\u{06CC}',
                '\u{0643}' => '\u{06A9}',
                '\u{0660}'..='\u{0669}' => char::from_u32(c as u32 - 0x0660 + 0x06F0).unwrap(),
                c => c,
            })
            .collect::<String>()
            .to_lowercase()
    }
    let pieces = [
        "A",
        "z",
        " ",
        "'",
        "Σ",
        "ΣΑΣ",
        "σ",
        "é",
        "e\u{0301}",
        "\u{0323}\u{0301}",
        "Å",
        "ǅ",
        "İ",
        "한",
        "\u{1100}\u{1161}",
        "ي",
        "ى",
        "ك",
        "٣",
        "ـ",
        "\u{064E}",
        "خامنه\u{200C}ای",
        "ﬁ",
        "Ⅻ",
        "ẞ",
        "’",
        "\u{0345}",
        "ΐ",
        "東京",
        "\u{FB2C}",
    ];
    proptest!(|(parts in proptest::collection::vec(0..pieces.len(), 0..12))| {
        let text: String = parts.iter().map(|&i| pieces[i]).collect();
        prop_assert_eq!(fold(&text), reference(&text), "{:?}", text);
    });
}
