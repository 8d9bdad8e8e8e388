//! Where words begin and end: Unicode word segmentation (UAX #29), with one tailoring.
//!
//! Anchoring marks every word boundary of every reading once, and the rules of UAX #29
//! look each character up in a table of the whole of Unicode. Most of a text in a Latin
//! script is ASCII, where the rules come down to a dozen cases on four bytes. So
//! [`word_bounds`] cuts the text where a boundary is certain whatever surrounds it (at a
//! block separator; after an ASCII space, before an ASCII character that is not one),
//! takes each stretch of ASCII by those cases, and gives every stretch with another
//! character in it to `unicode-segmentation` whole. A property test holds the result
//! equal to `unicode-segmentation` on the whole text.

use unicode_segmentation::UnicodeSegmentation;

use crate::markdown::BLOCK_SEPARATOR;

/// Where words begin and end in a normalised text: one flag per byte offset, and one
/// for the end. A quote or a gloss form must start and end where a flag is set.
///
/// The rule is Unicode word segmentation (UAX #29), so that a combining accent, a
/// joiner or the rest of a word in any script is inside the word, never a place to cut.
/// One tailoring, as UAX #29 allows: an apostrophe separates words, so that `Rome` is
/// found in "Rome's" and `homme` in "l'homme" (UAX #29 keeps them one word).
/// Tailorings for other scripts (issue 9) belong here, and only here.
pub fn word_bounds(text: &str) -> Vec<bool> {
    let mut bounds = vec![false; text.len() + 1];
    // A block separator is a paragraph separator, a boundary on either side (WB3a, WB3b)
    // that no rule looks across: each block is cut on its own.
    let mut from = 0;
    for block in text.split(BLOCK_SEPARATOR) {
        block_bounds(block, from, &mut bounds);
        from += block.len() + BLOCK_SEPARATOR.len_utf8();
    }
    // The tailoring: an apostrophe is a word of its own.
    for (i, _) in text.bytes().enumerate().filter(|(_, b)| *b == b'\'') {
        bounds[i] = true;
        bounds[i + 1] = true;
    }
    bounds
}

/// The boundaries of a block, which starts at byte `offset` of the whole text.
fn block_bounds(text: &str, offset: usize, bounds: &mut [bool]) {
    let bytes = text.as_bytes();
    bounds[offset] = true;
    bounds[offset + text.len()] = true;
    let mut at = 0;
    while at < text.len() {
        let Some(other) = bytes[at..]
            .iter()
            .position(|b| !b.is_ascii())
            .map(|i| at + i)
        else {
            ascii_bounds(&bytes[at..], offset + at, bounds);
            break;
        };
        // The stretch holding the other character runs from the last certain cut before
        // it to the first after it; what comes before that is ASCII.
        let start = (at + 1..other)
            .rev()
            .find(|&c| certain_cut(bytes, c))
            .unwrap_or(at);
        let end = (other + 1..text.len())
            .find(|&c| certain_cut(bytes, c))
            .unwrap_or(text.len());
        if start > at {
            ascii_bounds(&bytes[at..start], offset + at, bounds);
        }
        for (i, _) in text[start..end].split_word_bound_indices() {
            bounds[offset + start + i] = true;
        }
        bounds[offset + end] = true;
        at = end;
    }
}

/// Whether a word boundary stands at byte `c` whatever comes before or after: after an
/// ASCII space (WSegSpace) and before an ASCII character other than a space. No rule of
/// UAX #29 joins a space to what follows but another space (WB3d) or an extending
/// character (WB4, never ASCII); no rule looks back past a space (WB6, WB7, WB11 and
/// WB12 look through one letter, number or separator at most, and WB4 skips only
/// extending characters, which ASCII has none of); no rule looks ahead past one.
fn certain_cut(bytes: &[u8], c: usize) -> bool {
    bytes[c - 1] == b' ' && bytes[c].is_ascii() && bytes[c] != b' '
}

/// The word-break properties (UAX #29, table 3) ASCII characters have. Double_Quote
/// only matters after a Hebrew letter, so it is Other here.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wb {
    Cr,
    Lf,
    Newline,
    Space,
    MidLetter,
    MidNumLet,
    SingleQuote,
    MidNum,
    Numeric,
    Letter,
    ExtendNumLet,
    Other,
}

/// Each ASCII character's property.
const PROPERTY: [Wb; 128] = {
    let mut table = [Wb::Other; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b'\r' => Wb::Cr,
            b'\n' => Wb::Lf,
            0x0B | 0x0C => Wb::Newline,
            b' ' => Wb::Space,
            b':' => Wb::MidLetter,
            b'.' => Wb::MidNumLet,
            b'\'' => Wb::SingleQuote,
            b',' | b';' => Wb::MidNum,
            b'0'..=b'9' => Wb::Numeric,
            b'A'..=b'Z' | b'a'..=b'z' => Wb::Letter,
            b'_' => Wb::ExtendNumLet,
            _ => Wb::Other,
        };
        b += 1;
    }
    table
};

/// The boundaries inside a stretch of ASCII, which starts at byte `offset` of the
/// whole text, where a boundary stands at its start and end.
fn ascii_bounds(bytes: &[u8], offset: usize, bounds: &mut [bool]) {
    bounds[offset] = true;
    bounds[offset + bytes.len()] = true;
    let property = |i: usize| bytes.get(i).map(|&b| PROPERTY[usize::from(b)]);
    let mut before2 = None;
    let mut before = match property(0) {
        Some(p) => p,
        None => return,
    };
    let mut after = property(1);
    for k in 1..bytes.len() {
        let Some(now) = after else { break };
        after = property(k + 1);
        bounds[offset + k] = breaks(before2, before, now, after);
        before2 = Some(before);
        before = now;
    }
}

/// UAX #29's rules between `before` and `after`, with the characters on either side of
/// them, for the properties ASCII has (no extending, format, Hebrew, Katakana or
/// regional indicator characters).
fn breaks(before2: Option<Wb>, before: Wb, after: Wb, after2: Option<Wb>) -> bool {
    use Wb::*;
    let mid_letter = |w: Wb| matches!(w, MidLetter | MidNumLet | SingleQuote);
    let mid_num = |w: Wb| matches!(w, MidNum | MidNumLet | SingleQuote);
    match (before, after) {
        // WB3, WB3a, WB3b.
        (Cr, Lf) => false,
        (Cr | Lf | Newline, _) | (_, Cr | Lf | Newline) => true,
        // WB3d.
        (Space, Space) => false,
        // WB5, WB8, WB9, WB10.
        (Letter | Numeric, Letter | Numeric) => false,
        // WB6, WB7.
        (Letter, m) if mid_letter(m) && after2 == Some(Letter) => false,
        (m, Letter) if mid_letter(m) && before2 == Some(Letter) => false,
        // WB11, WB12.
        (m, Numeric) if mid_num(m) && before2 == Some(Numeric) => false,
        (Numeric, m) if mid_num(m) && after2 == Some(Numeric) => false,
        // WB13a, WB13b.
        (Letter | Numeric | ExtendNumLet, ExtendNumLet) => false,
        (ExtendNumLet, Letter | Numeric) => false,
        // WB999.
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// UAX #29 as `unicode-segmentation` gives it for the whole text, with the tailoring.
    fn reference(text: &str) -> Vec<bool> {
        let mut bounds = vec![false; text.len() + 1];
        for (at, _) in text.split_word_bound_indices() {
            bounds[at] = true;
        }
        bounds[text.len()] = true;
        for (at, c) in text.char_indices() {
            if c == '\'' {
                bounds[at] = true;
                bounds[at + c.len_utf8()] = true;
            }
        }
        bounds
    }

    /// Characters of every word-break property, ASCII and not: letters, digits and each
    /// kind of separator; the block separator, other newlines and spaces; a combining
    /// accent, joiners, a soft hyphen; Hebrew, Katakana, an ideograph, Arabic, regional
    /// indicators and an emoji.
    const CHARS: &[char] = &[
        'a',
        'Z',
        'e',
        '1',
        '0',
        '_',
        ' ',
        ' ',
        '.',
        ',',
        ';',
        ':',
        '\'',
        '"',
        '-',
        '!',
        '\n',
        '\r',
        '\t',
        '\u{0B}',
        BLOCK_SEPARATOR,
        '\u{85}',
        '\u{2028}',
        '\u{A0}',
        '\u{3000}',
        'é',
        '\u{301}',
        '\u{200D}',
        '\u{200C}',
        '\u{AD}',
        'א',
        'ש',
        'ア',
        '北',
        'ب',
        '\u{1F1EB}',
        '\u{1F1F7}',
        '\u{1F44D}',
        '’',
        '·',
        '\u{FF0E}',
        '٫',
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The fast path gives what `unicode-segmentation` gives for the whole text.
        #[test]
        fn equal_to_unicode_segmentation_of_the_whole_text(
            picks in proptest::collection::vec(0..CHARS.len(), 0..40),
        ) {
            let text: String = picks.iter().map(|&i| CHARS[i]).collect();
            proptest::prop_assert_eq!(word_bounds(&text), reference(&text), "{:?}", text);
        }

        /// The same for texts mostly ASCII, with a word or two of something else.
        #[test]
        fn equal_on_english_with_other_words(
            words in proptest::collection::vec(0usize..12, 0..30),
        ) {
            const WORDS: [&str; 12] = [
                "Rome", "isn't", "3.14", "1,000", "a_b", "e.g.", "café", "cafe\u{301}",
                "\u{1F1EB}\u{1F1F7}", "北京", "2029\u{2029}", "שלום",
            ];
            let text = words.iter().map(|&w| WORDS[w]).collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(word_bounds(&text), reference(&text), "{:?}", text);
        }
    }

    #[test]
    fn marks_and_joiners_stay_inside_words_and_ideographs_are_words() {
        // U+200C ZERO WIDTH NON-JOINER inside a Persian word; U+0301 after an e; U+200D
        // ZERO WIDTH JOINER between two Arabic letters.
        for word in ["می\u{200c}خواهم", "cafe\u{301}", "ب\u{200d}ب"] {
            let bounds = word_bounds(word);
            let inside: Vec<usize> = (1..word.len()).filter(|&i| bounds[i]).collect();
            assert!(inside.is_empty(), "{word:?}: {inside:?}");
        }
        // Each ideograph is a word of its own in UAX #29: a CJK term can be found.
        let bounds = word_bounds("北京大学");
        assert!(bounds[6] && bounds[3]);
    }

    #[test]
    fn an_apostrophe_separates_words() {
        let text = "Rome's l'homme";
        let bounds = word_bounds(text);
        let cuts: Vec<usize> = (0..=text.len()).filter(|&i| bounds[i]).collect();
        assert_eq!(cuts, vec![0, 4, 5, 6, 7, 8, 9, 14]);
    }
}
