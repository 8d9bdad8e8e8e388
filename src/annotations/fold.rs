//! Fold: the form a character is matched in, and the names of the characters a reader
//! cannot see. Used by [`super::anchor`] for the reading text and for every quote,
//! prefix, suffix and gloss form alike, so both sides are compared in one form.
//!
//! 1. [`nfc_chunks`] cuts a text where Unicode normalisation (NFC) can never join two
//!    pieces, so each piece is normalised on its own and its output still points back
//!    to the author's bytes (a mark lands on the text as written, in whatever form).
//! 2. [`fold`] maps each character of the NFC form to the character it is matched as
//!    (typographic quotes and dashes, white space, the Arabic-script letters that differ
//!    between keyboards), or to nothing (tatweel, optional vowel signs, invisible
//!    direction marks). docs/annotations.md has the table.
//! 3. [`invisible_name`] and [`differs_only_in`] say, for a diagnostic, what two strings
//!    that look alike differ in.
//!
//! Case is matched as written, and letters that differ in meaning are never folded
//! (Arabic heh ه and teh marbuta ة stay apart; so do alef forms with and without hamza).

use std::ops::Range;

use unicode_normalization::char::{canonical_combining_class, decompose_canonical};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::markdown::BLOCK_SEPARATOR;

/// The character `c` is matched as, or `None` for a character matching leaves out.
/// `c` is a character of the NFC form.
pub fn fold(c: char) -> Option<char> {
    Some(match c {
        '‘' | '’' | '‚' | '‛' | '′' | '`' => '\'',
        '“' | '”' | '„' | '‟' | '″' => '"',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
        c if c.is_ascii_graphic() => c,
        // Arabic yeh and alef maksura, as an Arabic keyboard types the Persian yeh.
        '\u{064A}' | '\u{0649}' => '\u{06CC}',
        // Arabic kaf, as an Arabic keyboard types the Persian keheh.
        '\u{0643}' => '\u{06A9}',
        // Arabic-Indic digits, as an Arabic keyboard types the Persian ones: the same
        // numbers.
        '\u{0660}'..='\u{0669}' => char::from_u32(c as u32 - 0x0660 + 0x06F0).unwrap_or(c),
        // Tatweel only stretches a letter; harakat (fathatan to sukun) and the
        // superscript alef are vowel signs a text may or may not write.
        '\u{0640}' | '\u{064B}'..='\u{0652}' | '\u{0670}' => return None,
        // Invisible marks that carry no letter: soft hyphen, direction marks and
        // embeddings, word joiner, byte order mark. (Zero-width joiners and spaces are
        // kept: they change how a word is shaped or cut.)
        '\u{00AD}'
        | '\u{061C}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}' => return None,
        c if c != BLOCK_SEPARATOR && c.is_whitespace() => ' ',
        c => c,
    })
}

/// Whether NFC can never join `c` with what comes before it: a piece of text may end
/// just before `c`. (`c` is a starter that never composes backwards, and whose
/// decomposition does not begin with a mark that reordering could move.)
fn starts_chunk(c: char) -> bool {
    if c.is_ascii() {
        return true;
    }
    if canonical_combining_class(c) != 0 {
        return false;
    }
    match is_nfc_quick(std::iter::once(c)) {
        IsNormalized::Yes => true,
        IsNormalized::Maybe => false,
        IsNormalized::No => {
            let mut first = None;
            decompose_canonical(c, |d| {
                first.get_or_insert(d);
            });
            first.is_some_and(|d| {
                canonical_combining_class(d) == 0
                    && is_nfc_quick(std::iter::once(d)) == IsNormalized::Yes
            })
        }
    }
}

/// Calls `each` with every character of the NFC form of `text`, and the byte range of
/// `text` it comes from: a character alone, or the few characters (a letter and its
/// marks) that normalise together, which then all point to the whole of them.
pub fn nfc_chunks(text: &str, mut each: impl FnMut(char, Range<usize>)) {
    // Most texts are in NFC already: one quick check (a table look-up a character, none
    // for ASCII), and each character is itself.
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        for (at, c) in text.char_indices() {
            each(c, at..at + c.len_utf8());
        }
        return;
    }
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let mut end = at + c.len_utf8();
        while let Some(&(next, n)) = chars.peek() {
            if starts_chunk(n) {
                break;
            }
            end = next + n.len_utf8();
            chars.next();
        }
        if end == at + c.len_utf8() && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes {
            each(c, at..end);
        } else {
            for n in text[at..end].nfc() {
                each(n, at..end);
            }
        }
    }
}

/// The NFC form of a string, each character folded ([`fold`]).
pub fn folded(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    nfc_chunks(s, |c, _| out.extend(fold(c)));
    out
}

/// The name of a character a reader cannot see (or tell from a space), as Unicode
/// names it: `U+200C ZERO WIDTH NON-JOINER`. `None` for a visible character.
pub fn invisible_name(c: char) -> Option<String> {
    let name = match c {
        '\u{00A0}' => "NO-BREAK SPACE",
        '\u{00AD}' => "SOFT HYPHEN",
        '\u{034F}' => "COMBINING GRAPHEME JOINER",
        '\u{061C}' => "ARABIC LETTER MARK",
        '\u{0640}' => "ARABIC TATWEEL",
        '\u{180E}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{2007}' => "FIGURE SPACE",
        '\u{2009}' => "THIN SPACE",
        '\u{200A}' => "HAIR SPACE",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{202F}' => "NARROW NO-BREAK SPACE",
        '\u{2060}' => "WORD JOINER",
        '\u{2061}' => "FUNCTION APPLICATION",
        '\u{2062}' => "INVISIBLE TIMES",
        '\u{2063}' => "INVISIBLE SEPARATOR",
        '\u{2064}' => "INVISIBLE PLUS",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{FE0E}' => "VARIATION SELECTOR-15",
        '\u{FE0F}' => "VARIATION SELECTOR-16",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => return None,
    };
    Some(format!("U+{:04X} {name}", c as u32))
}

/// `s` with each invisible character written out by name, `⟨U+200C ZERO WIDTH
/// NON-JOINER⟩`, so that a diagnostic can show it.
pub fn show_invisible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match invisible_name(c) {
            Some(name) => {
                out.push('⟨');
                out.push_str(&name);
                out.push('⟩');
            }
            None => out.push(c),
        }
    }
    out
}

/// What two strings that match as different differ in, when a reader could not see it:
/// the invisible characters one has and the other lacks (named), or only Unicode
/// normalisation. `None` when they differ in something visible.
pub fn differs_only_in(quote: &str, text: &str) -> Option<Difference> {
    if quote == text {
        return None;
    }
    let visible = |s: &str| -> String {
        folded(s)
            .chars()
            .filter(|&c| invisible_name(c).is_none())
            .collect()
    };
    if folded(quote) == folded(text) {
        let nfc = |s: &str| s.nfc().collect::<String>();
        return Some(if nfc(quote) == nfc(text) {
            Difference::Normalisation
        } else {
            Difference::Folding
        });
    }
    if visible(quote) != visible(text) {
        return None;
    }
    let names =
        |s: &str| -> Vec<char> { s.chars().filter(|&c| invisible_name(c).is_some()).collect() };
    let (in_quote, in_text) = (names(quote), names(text));
    let mut only_text: Vec<char> = in_text.clone();
    for c in &in_quote {
        if let Some(i) = only_text.iter().position(|t| t == c) {
            only_text.remove(i);
        }
    }
    let mut only_quote: Vec<char> = in_quote;
    for c in &in_text {
        if let Some(i) = only_quote.iter().position(|q| q == c) {
            only_quote.remove(i);
        }
    }
    let names = |cs: Vec<char>| {
        let mut named: Vec<String> = cs.into_iter().filter_map(invisible_name).collect();
        named.dedup();
        named
    };
    Some(Difference::Invisible {
        only_in_text: names(only_text),
        only_in_quote: names(only_quote),
    })
}

/// See [`differs_only_in`].
#[derive(Debug, PartialEq, Eq)]
pub enum Difference {
    /// Only in Unicode normalisation (NFC and NFD): matching does not see it.
    Normalisation,
    /// Only in what matching folds (a keyboard's yeh or kaf, a vowel sign, a quote mark).
    Folding,
    /// In invisible characters: those (named) that only the text has, and only the quote.
    Invisible {
        only_in_text: Vec<String>,
        only_in_quote: Vec<String>,
    },
}

impl Difference {
    /// The difference in words, the quote's side first: for a diagnostic's help.
    pub fn explain(&self) -> String {
        match self {
            Difference::Normalisation => {
                "the quote and the text differ only in Unicode normalisation (one composed, NFC, the other decomposed, NFD), which matching ignores".to_owned()
            }
            Difference::Folding => {
                "the quote and the text differ only in characters matching folds together (see docs/annotations.md)".to_owned()
            }
            Difference::Invisible {
                only_in_text,
                only_in_quote,
            } => {
                let list = |names: &[String]| names.join(", ");
                match (only_in_text.is_empty(), only_in_quote.is_empty()) {
                    (false, true) => format!(
                        "the quote and the text differ only in an invisible character: the text has {} where the quote has none",
                        list(only_in_text)
                    ),
                    (true, false) => format!(
                        "the quote and the text differ only in an invisible character: the quote has {} where the text has none",
                        list(only_in_quote)
                    ),
                    _ => format!(
                        "the quote and the text differ only in invisible characters: the text has {}, the quote {}",
                        list(only_in_text),
                        list(only_in_quote)
                    ),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapped(text: &str) -> Vec<(char, &str)> {
        let mut out = Vec::new();
        nfc_chunks(text, |c, r| out.push((c, &text[r])));
        out
    }

    #[test]
    fn decomposed_letters_compose_and_point_to_all_their_bytes() {
        assert_eq!(
            mapped("Cafe\u{301}!"),
            vec![
                ('C', "C"),
                ('a', "a"),
                ('f', "f"),
                ('é', "e\u{301}"),
                ('!', "!")
            ]
        );
        // A composed letter stays itself; so does an ideograph.
        assert_eq!(mapped("é東"), vec![('é', "é"), ('東', "東")]);
    }

    #[test]
    fn marks_out_of_order_are_put_in_order_within_their_letter() {
        // U+0323 DOT BELOW (220) after U+0307 DOT ABOVE (230): NFC reorders and composes.
        let text = "s\u{307}\u{323}x";
        let nfc: String = text.nfc().collect();
        let mut ours = String::new();
        nfc_chunks(text, |c, _| ours.push(c));
        assert_eq!(ours, nfc);
    }

    #[test]
    fn pieces_normalised_alone_give_the_whole_text_normalised() {
        for text in [
            "\u{1112}\u{1161}\u{11AB}\u{1100}\u{1173}\u{11AF}", // Hangul jamo
            "A\u{30A}\u{212B}\u{2126}",                         // Å three ways, Ω
            "\u{0F71}\u{0F73}\u{0F72}x\u{0334}\u{0301}\u{0323}", // Tibetan, marks
            "\u{0627}\u{0653}\u{0648}\u{0654}",                 // alef, waw + marks
            "\u{F900}\u{2F800}",                                // CJK compatibility
            "\u{0915}\u{093C}\u{0958}",                         // Devanagari nukta
        ] {
            let mut ours = String::new();
            nfc_chunks(text, |c, _| ours.push(c));
            assert_eq!(ours, text.nfc().collect::<String>(), "{text:?}");
        }
    }

    proptest::proptest! {
        /// Any mix of letters, marks in any order, jamo and singletons: the pieces,
        /// normalised alone, give the NFC form of the whole.
        #[test]
        fn pieces_always_give_the_nfc_form(picks in proptest::collection::vec(0usize..26, 0..40)) {
            const POOL: [char; 26] = [
                'a', 'e', 's', ' ', '\u{301}', '\u{308}', '\u{323}', '\u{334}', '\u{30A}',
                '\u{1112}', '\u{1161}', '\u{11AB}', '\u{D55C}', '\u{212B}', '\u{0F71}',
                '\u{0F72}', '\u{0F73}', '\u{0627}', '\u{0653}', '\u{0654}', '\u{064E}',
                '\u{0915}', '\u{093C}', '\u{F900}', 'é', '\u{0345}',
            ];
            let text: String = picks.iter().map(|&i| POOL[i]).collect();
            let mut ours = String::new();
            let mut covered = 0;
            nfc_chunks(&text, |c, r| {
                ours.push(c);
                // Pieces follow one another and cover the text.
                assert!(r.start == covered || r.end == covered);
                covered = r.end;
            });
            proptest::prop_assert_eq!(covered, text.len());
            proptest::prop_assert_eq!(ours, text.nfc().collect::<String>());
        }
    }

    #[test]
    fn arabic_keyboard_letters_fold_to_persian_ones() {
        assert_eq!(folded("علي"), folded("علی"));
        assert_eq!(folded("كتاب"), "کتاب");
        assert_eq!(folded("كِتـــاب"), "کتاب", "kasra and tatweel are left out");
        assert_eq!(folded("١٣٥٧"), "۱۳۵۷");
        // Heh and teh marbuta are different letters.
        assert_ne!(folded("ه"), folded("ة"));
        // ZWNJ is kept: it is part of how a Persian word is written.
        assert_eq!(folded("می\u{200c}خواهم"), "می\u{200c}خواهم");
    }

    #[test]
    fn white_space_of_any_kind_is_a_space() {
        for c in ['\n', '\t', '\r', ' ', '\u{A0}', '\u{2009}'] {
            assert_eq!(fold(c), Some(' '), "{c:?}");
        }
        assert_eq!(
            fold('\u{2029}'),
            Some('\u{2029}'),
            "the block separator stays"
        );
    }

    #[test]
    fn an_invisible_difference_is_named() {
        let d = differs_only_in("میخواهم", "می\u{200c}خواهم").unwrap();
        assert_eq!(
            d.explain(),
            "the quote and the text differ only in an invisible character: the text has U+200C ZERO WIDTH NON-JOINER where the quote has none"
        );
        assert_eq!(
            differs_only_in("Café", "Cafe\u{301}"),
            Some(Difference::Normalisation)
        );
        assert_eq!(
            differs_only_in("Cafe", "Café"),
            None,
            "an accent is visible"
        );
        assert_eq!(show_invisible("a\u{200d}b"), "a⟨U+200D ZERO WIDTH JOINER⟩b");
    }
}
