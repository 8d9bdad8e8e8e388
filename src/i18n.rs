//! Languages: which way a language is written, whether a tag is one, and the theme's
//! words in the reader's language.
//!
//! 1. [`check_tag`] tells whether a `language:` or `lang:` is a well-formed BCP 47 tag
//!    (`fa`, `de-CH`, `az-Arab`, `zh-Hant-TW`); a tag that is not is an error (E0600)
//!    where it is written. The language subtag must be 2 or 3 letters: RFC 5646 keeps
//!    longer ones for future use, and `english` is a mistake, not a tag.
//! 2. [`direction`] says whether text in a language runs right to left: by the script
//!    subtag when the tag has one (`az-Arab` is, `fa-Latn` is not), otherwise by the
//!    script the language is written in by default (Persian, Arabic, Hebrew, Urdu,
//!    Pashto, Sindhi, Uyghur, Yiddish, Dhivehi, Sorani Kurdish, Syriac …).
//! 3. [`strings`] builds the theme's words for the site: the shipped table of the
//!    language (English, German, Persian: `src/i18n/*.yaml`), the site's own `strings:`
//!    over it, and English for any word still missing, with a warning (W0600) naming the
//!    words and the language. A word of `strings:` the theme does not use is a warning
//!    (W0601), with the nearest key.
//! 4. [`Strings`] hands the words to the templates (as `t`) and to the renderer, which
//!    fills in their `{n}`, `{term}` … ([`Strings::fill`]).
//!
//! The tables are YAML files embedded in the binary, read once.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Location, SourceFile};
use crate::yaml;

/// The tables shipped with scholia, by primary language subtag.
const SHIPPED: [(&str, &str); 3] = [
    ("en", include_str!("i18n/en.yaml")),
    ("de", include_str!("i18n/de.yaml")),
    ("fa", include_str!("i18n/fa.yaml")),
];

/// A shipped table, read once. The tables are part of scholia; a test reads each.
fn shipped(language: &str) -> Option<&'static BTreeMap<String, String>> {
    static TABLES: OnceLock<Vec<(&'static str, BTreeMap<String, String>)>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        SHIPPED
            .iter()
            .map(|(name, text)| {
                let file = SourceFile::new(format!("src/i18n/{name}.yaml"), *text);
                let table = yaml::parse::<BTreeMap<String, String>>(&file, 0..text.len())
                    .map(|p| p.value)
                    .unwrap_or_default();
                (*name, table)
            })
            .collect()
    });
    tables.iter().find(|(n, _)| *n == language).map(|(_, t)| t)
}

fn english() -> &'static BTreeMap<String, String> {
    shipped("en").expect("English is shipped")
}

/// The languages scholia ships the theme's words for.
pub fn shipped_languages() -> impl Iterator<Item = &'static str> {
    SHIPPED.iter().map(|(n, _)| *n)
}

/// The primary language subtag, lowercased: `fa-IR` → `fa`.
pub fn primary(tag: &str) -> String {
    tag.split('-').next().unwrap_or(tag).to_ascii_lowercase()
}

/// Scripts written right to left (ISO 15924 codes, lowercased).
const RTL_SCRIPTS: &[&str] = &[
    "adlm", "arab", "aran", "armi", "avst", "chrs", "elym", "hebr", "hung", "khar", "lydi", "mand",
    "mani", "mend", "narb", "nbat", "nkoo", "orkh", "palm", "phli", "phlp", "phnx", "prti", "rohg",
    "samr", "sarb", "sogd", "sogo", "syrc", "thaa", "yezi",
];

/// Languages whose default script runs right to left (ISO 639 codes).
const RTL_LANGUAGES: &[&str] = &[
    "acm", "aeb", "ajp", "apc", "ar", "arq", "ars", "ary", "arz", "azb", "bal", "bqi", "ckb", "dv",
    "fa", "glk", "he", "iw", "ji", "khw", "ks", "lrc", "mzn", "nqo", "pnb", "prs", "ps", "sd",
    "sdh", "skr", "syr", "ug", "ur", "yi",
];

/// `"rtl"` or `"ltr"`: the way text in the language of `tag` runs. A script subtag
/// decides when there is one; otherwise the language's usual script does.
pub fn direction(tag: &str) -> &'static str {
    let mut subtags = tag.split('-');
    let language = subtags.next().unwrap_or_default().to_ascii_lowercase();
    // The script subtag is the first of four letters, before any singleton.
    let script = subtags
        .take_while(|s| s.len() != 1)
        .find(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_ascii_lowercase);
    let rtl = match script {
        Some(script) => RTL_SCRIPTS.contains(&script.as_str()),
        None => RTL_LANGUAGES.contains(&language.as_str()),
    };
    if rtl { "rtl" } else { "ltr" }
}

/// Whether `tag` is a well-formed BCP 47 language tag (RFC 5646's syntax, without its
/// registry: `xx-Yyyy-ZZ` and the like, not whether `xx` is a language). The reason
/// when it is not.
pub fn check_tag(tag: &str) -> Result<(), String> {
    if tag.is_empty() {
        return Err("the tag is empty".into());
    }
    if tag.contains('_') {
        return Err("subtags are joined by `-`, not `_`".into());
    }
    let alnum = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric());
    let alpha = |s: &str| s.chars().all(|c| c.is_ascii_alphabetic());
    let mut subtags = tag.split('-');
    let language = subtags.next().unwrap_or_default();
    if language.eq_ignore_ascii_case("x") || language.eq_ignore_ascii_case("i") {
        // Private use (`x-klingon`) and the old registered `i-` tags.
        let rest: Vec<&str> = subtags.collect();
        return if !rest.is_empty() && rest.iter().all(|s| (1..=8).contains(&s.len()) && alnum(s)) {
            Ok(())
        } else {
            Err(format!("`{tag}` has nothing after its `{language}-`"))
        };
    }
    if !(alpha(language) && matches!(language.len(), 2 | 3)) {
        return Err(format!(
            "`{language}` is not a language subtag: it is 2 or 3 letters, such as `en`, `fa` or `deu`"
        ));
    }
    // A singleton (`a`, `u`, `x`) opens an extension and needs a subtag after it; after
    // `x` (private use) anything of 1 to 8 letters or digits follows.
    let mut waiting = false;
    let mut private = false;
    for subtag in subtags {
        if subtag.is_empty() || subtag.len() > 8 || !alnum(subtag) {
            return Err(format!(
                "`{subtag}` is not a subtag: each is 1 to 8 letters or digits, between `-`"
            ));
        }
        if private {
            waiting = false;
            continue;
        }
        if subtag.len() == 1 {
            if waiting {
                return Err(format!(
                    "`{subtag}` follows a singleton that needs a subtag"
                ));
            }
            waiting = true;
            private = subtag.eq_ignore_ascii_case("x");
        } else {
            waiting = false;
        }
    }
    if waiting {
        return Err(format!(
            "`{tag}` ends with a subtag that needs one after it"
        ));
    }
    Ok(())
}

/// The E0600 for a language tag that is not one, at `at`.
pub fn bad_tag(tag: &str, reason: &str, at: Location) -> Diagnostic {
    Diagnostic::error("E0600", format!("`{tag}` is not a language tag: {reason}"))
        .at(at, "not a BCP 47 language tag")
        .help("write a BCP 47 tag: a language (`en`, `fa`, `de`), optionally a script and a region (`az-Arab`, `pt-BR`)")
}

/// The theme's words in one language, each already there (English where the language
/// has none).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct Strings(BTreeMap<String, String>);

impl Strings {
    /// The English words alone.
    pub fn english() -> &'static Strings {
        static ENGLISH: OnceLock<Strings> = OnceLock::new();
        ENGLISH.get_or_init(|| Strings(english().clone()))
    }

    /// The word for `key`; the English one if the table lacks it, the key itself if
    /// English lacks it too (a theme's own key, used by a template of the site).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.0
            .get(key)
            .or_else(|| english().get(key))
            .map_or(key, String::as_str)
    }

    /// The word for `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(self.get(key), values)
    }

    /// `one` or `other` form of a count: `{n} gloss`, `{n} glosses`.
    pub fn count(&self, key: &str, n: usize) -> String {
        let form = if n == 1 { "one" } else { "other" };
        self.fill(&format!("{key}_{form}"), &[("n", &n.to_string())])
    }

    /// The name of month `m` (1 to 12).
    pub fn month(&self, m: i8) -> &str {
        match m {
            1..=12 => self.get(MONTH_KEYS[usize::try_from(m - 1).unwrap_or(0)]),
            _ => "",
        }
    }
}

const MONTH_KEYS: [&str; 12] = [
    "month_1", "month_2", "month_3", "month_4", "month_5", "month_6", "month_7", "month_8",
    "month_9", "month_10", "month_11", "month_12",
];

/// `text` with each `{name}` replaced by its value, in one pass: a value is put in as it
/// is, never read for placeholders itself (a value holding `{end}` stays so even when
/// `end` is filled in too). A `{` that opens no known name stays. The first value given
/// for a name is the one used.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(text.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let known = after.find('}').and_then(|close| {
            let name = &after[..close];
            let value = values.iter().find(|(n, _)| *n == name)?.1;
            Some((value, &after[close + 1..]))
        });
        match known {
            Some((value, next)) => {
                out.push_str(value);
                rest = next;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The theme's words for a site in `language`, with the site's own words (`strings.yaml`,
/// then `strings:` in `site.yaml`, each with its place; a later one wins) over them, and the warnings: words the site gives
/// that the theme does not use (W0601), and words the language lacks (W0600).
pub fn strings(
    language: &str,
    own: &[(String, String, Location)],
    language_at: Location,
) -> (Strings, Vec<Diagnostic>) {
    let english = english();
    let mut warnings = Vec::new();
    let mut table: BTreeMap<String, String> =
        shipped(&primary(language)).cloned().unwrap_or_default();
    for (key, value, at) in own {
        if !english.contains_key(key) {
            let wrong: Vec<char> = key.chars().collect();
            let near = english
                .keys()
                .map(|k| {
                    let chars: Vec<char> = k.chars().collect();
                    (crate::diagnostics::edit_distance(&wrong, &chars), k)
                })
                .filter(|(d, k)| *d <= 2.max(k.len() / 3))
                .min();
            let mut d = Diagnostic::warning(
                "W0601",
                format!("the theme has no string `{key}`: this word is not used"),
            )
            .at(at.clone(), "given for an unknown key");
            if let Some((_, near)) = near {
                d = d.help(format!("did you mean `{near}`?"));
            }
            warnings.push(d.help("docs/theming.md lists the theme's strings and their keys"));
        }
        table.insert(key.clone(), value.clone());
    }
    let missing: Vec<&str> = english
        .keys()
        .filter(|k| !table.contains_key(*k))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(8).map(|k| format!("`{k}`")).collect();
        let more = missing.len().saturating_sub(shown.len());
        let shipped: Vec<&str> = shipped_languages().collect();
        warnings.push(
            Diagnostic::warning(
                "W0600",
                format!(
                    "the theme has no words in `{language}` for {} string{}: {}{}; they are shown in English",
                    missing.len(),
                    if missing.len() == 1 { "" } else { "s" },
                    shown.join(", "),
                    if more > 0 { format!(" and {more} more") } else { String::new() },
                ),
            )
            .at(language_at, "the site's language")
            .help(format!(
                "scholia ships the theme's words in {}; give the others under `strings:` in site.yaml (docs/theming.md lists every key with its English)",
                shipped.join(", ")
            )),
        );
        for key in missing {
            table.insert(key.to_owned(), english[key].clone());
        }
    }
    (Strings(table), warnings)
}

/// Whether the language of `tag` is written in the Arabic script (Persian, Arabic,
/// Urdu, Pashto …, or any tag with the script subtag `Arab`).
fn arabic_script(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    let mut subtags = lower.split('-');
    let language = subtags.next().unwrap_or_default();
    match subtags.find(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic())) {
        Some(script) => script == "arab" || script == "aran",
        None => {
            RTL_LANGUAGES.contains(&language)
                && !matches!(language, "he" | "iw" | "yi" | "ji" | "dv" | "syr" | "nqo")
        }
    }
}

/// Each word's place among `words` in the language's order (ties in the order given).
///
/// Sorting thousands of headwords by the Unicode Collation Algorithm costs a `serve`
/// rebuild tens of milliseconds, and an edit seldom changes them: the last answer is kept
/// (by a hash of the language and the words) and given again while they are the same.
pub fn ranks(language: &str, words: &[&str]) -> std::sync::Arc<Vec<usize>> {
    use std::hash::{Hash, Hasher};
    use std::sync::{Arc, Mutex, PoisonError};
    static LAST: Mutex<Option<(u64, Arc<Vec<usize>>)>> = Mutex::new(None);
    let mut hasher = std::hash::DefaultHasher::new();
    (language, words).hash(&mut hasher);
    let key = hasher.finish();
    let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((k, ranks)) = last.as_ref()
        && *k == key
    {
        return Arc::clone(ranks);
    }
    let mut collator = collator(language);
    let mut order: Vec<usize> = (0..words.len()).collect();
    order.sort_by(|&a, &b| collator.collate(words[a], words[b]));
    let mut ranks = vec![0; words.len()];
    for (rank, &w) in order.iter().enumerate() {
        ranks[w] = rank;
    }
    let ranks = Arc::new(ranks);
    *last = Some((key, Arc::clone(&ranks)));
    ranks
}

/// The alphabetical order of the site's language: the Unicode Collation Algorithm with
/// CLDR's root order (accents and case after the letters, punctuation and spaces
/// ignored), with Arabic-script letters first for a language written in it. feruca
/// implements it in Rust, without ICU's data files.
pub fn collator(language: &str) -> feruca::Collator {
    use feruca::{Locale, Tailoring};
    let locale = if arabic_script(language) {
        Locale::ArabicScript
    } else {
        Locale::Root
    };
    feruca::Collator::new(Tailoring::Cldr(locale), true, true)
}

/// The letter an index groups `key` under: its first letter, as a capital, without the
/// marks that do not make it another letter in an index (`É` under `E`, `Ä` under `A`,
/// `آ` and `أ` under `ا`; Arabic `ي` and `ك` under Persian `ی` and `ک`, which they are
/// typed for). `#` when the key has no letter first (a number).
pub fn letter(key: &str) -> String {
    let Some(c) = key.chars().find(|c| c.is_alphanumeric()) else {
        return "#".into();
    };
    if !c.is_alphabetic() {
        return "#".into();
    }
    let folded = match c {
        'á' | 'à' | 'â' | 'ä' | 'ā' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ā' | 'Ã' | 'Å' => {
            'a'
        }
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'É' | 'È' | 'Ê' | 'Ë' | 'Ē' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'ī' | 'Í' | 'Ì' | 'Î' | 'Ï' | 'Ī' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'ō' | 'õ' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Ō' | 'Õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'Ú' | 'Ù' | 'Û' | 'Ü' | 'Ū' => 'u',
        'ç' | 'Ç' | 'č' | 'Č' => 'c',
        'š' | 'Š' => 's',
        'ž' | 'Ž' => 'z',
        'آ' | 'أ' | 'إ' | 'ٱ' => 'ا',
        'ي' | 'ى' => 'ی',
        'ك' => 'ک',
        c => c,
    };
    folded.to_uppercase().collect()
}

/// The direction of the first strongly directional letter of `text`, if it has one:
/// what a browser would take it for, so a term can be isolated (`<bdi>`) on a page of
/// the other direction.
pub fn text_direction(text: &str) -> Option<&'static str> {
    text.chars().find_map(|c| {
        let code = u32::from(c);
        let rtl = matches!(code, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF);
        if rtl {
            Some("rtl")
        } else if c.is_alphabetic() {
            Some("ltr")
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_puts_each_value_in_once_and_leaves_other_braces() {
        assert_eq!(
            fill("{start} – {end}", &[("start", "{end}"), ("end", "1979")]),
            "{end} – 1979"
        );
        assert_eq!(fill("{{n}} {x} {n", &[("n", "5")]), "{5} {x} {n");
        assert_eq!(fill("{n}{n}", &[("n", "{n}")]), "{n}{n}");
        assert_eq!(fill("no names", &[("n", "5")]), "no names");
    }

    proptest::proptest! {
        /// With values that hold no braces, one pass is the same as replacing each
        /// `{name}` in turn, as `fill` did before.
        #[test]
        fn fill_is_replacing_each_name_in_turn(
            text in "[{}a-cn ]{0,24}",
            values in proptest::collection::vec(("[a-cn]{0,2}", "[a-cn é]{0,4}"), 0..4),
        ) {
            let values: Vec<(&str, &str)> =
                values.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let mut replaced = text.clone();
            let mut seen = Vec::new();
            for (name, value) in &values {
                // The first value of a name is the one filled in.
                if !seen.contains(name) {
                    replaced = replaced.replace(&format!("{{{name}}}"), value);
                    seen.push(name);
                }
            }
            proptest::prop_assert_eq!(fill(&text, &values), replaced);
        }
    }

    #[test]
    fn every_shipped_table_reads_and_has_every_english_key() {
        let english = english();
        assert!(english.len() > 50);
        for language in shipped_languages() {
            let table = shipped(language).unwrap();
            let missing: Vec<&String> =
                english.keys().filter(|k| !table.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{language} lacks {missing:?}");
            let extra: Vec<&String> = table.keys().filter(|k| !english.contains_key(*k)).collect();
            assert!(extra.is_empty(), "{language} has unknown {extra:?}");
            // A translation keeps the placeholders its English has.
            for (key, text) in table {
                for name in [
                    "{n}", "{p}", "{term}", "{title}", "{date}", "{url}", "{link}",
                ] {
                    assert_eq!(
                        english[key].contains(name),
                        text.contains(name),
                        "{language}.{key}: {name}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_direction_follows_the_script() {
        for rtl in [
            "fa", "ar", "he", "ur", "ps", "fa-IR", "az-Arab", "ckb", "yi", "pa-Arab",
        ] {
            assert_eq!(direction(rtl), "rtl", "{rtl}");
        }
        for ltr in [
            "en",
            "de",
            "zh-Hans",
            "ja",
            "fa-Latn",
            "az",
            "tr",
            "x-klingon",
        ] {
            assert_eq!(direction(ltr), "ltr", "{ltr}");
        }
    }

    #[test]
    fn a_persian_index_sorts_and_groups_under_persian_letters() {
        let mut c = collator("fa");
        let mut words = vec![
            "ولایت فقیه",
            "تهران",
            "آیت‌الله",
            "سپاه",
            "پاسداران",
            "مجلس",
            "بسیج",
            "Tehran",
        ];
        words.sort_by(|a, b| c.collate(*a, *b));
        // Arabic script first; پ after ب, as the Persian alphabet has it.
        assert_eq!(
            words,
            [
                "آیت‌الله",
                "بسیج",
                "پاسداران",
                "تهران",
                "سپاه",
                "مجلس",
                "ولایت فقیه",
                "Tehran"
            ]
        );
        let letters: Vec<String> = words.iter().map(|w| letter(w)).collect();
        assert_eq!(letters, ["ا", "ب", "پ", "ت", "س", "م", "و", "T"]);
        assert_eq!(letter("كتاب"), "ک");
        assert_eq!(letter("يزد"), "ی");
    }

    #[test]
    fn an_english_index_puts_accented_letters_with_their_base() {
        let mut c = collator("en");
        let mut words = vec!["Zarif", "Émile", "ernie", "Ayatollah", "Éz"];
        words.sort_by(|a, b| c.collate(*a, *b));
        assert_eq!(words, ["Ayatollah", "Émile", "ernie", "Éz", "Zarif"]);
        assert_eq!(letter("Émile"), "E");
        assert_eq!(letter("Äpfel"), "A");
        assert_eq!(letter("1979 revolution"), "#");
    }

    #[test]
    fn language_tags_are_checked_for_their_form() {
        for good in [
            "en",
            "fa",
            "de-CH",
            "az-Arab",
            "zh-Hant-TW",
            "es-419",
            "x-private",
            "en-a-bbb-x-a",
        ] {
            assert_eq!(check_tag(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "english",
            "fa_IR",
            "e",
            "de-",
            "en-a",
            "fa-IR-toolongsubtag",
            "ف",
        ] {
            assert!(check_tag(bad).is_err(), "{bad}");
        }
    }
}
