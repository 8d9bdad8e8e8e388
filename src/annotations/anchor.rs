//! Anchoring: resolving quotes and terms to byte ranges of a reading's text.
//!
//! 1. [`TextIndex::new`] normalises the reading text once: typographic quotes and dashes
//!    become their plain forms and runs of white space one space, keeping a map back to
//!    the original bytes.
//! 2. [`TextIndex::resolve`] finds every quote of a batch in one pass of one
//!    Aho-Corasick automaton (overlapping matches), then keeps the occurrences whose
//!    prefix and suffix fit.
//! 3. [`TextIndex::find_terms`] finds every surface form of every gloss in one pass of
//!    one leftmost-longest automaton, keeping whole words only.
//! 4. For a quote that is not found or found more than once, [`TextIndex::closest`] and
//!    [`TextIndex::disambiguate`] say how to mend it.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::markdown::{BLOCK_SEPARATOR, Document};

/// What a quote resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Exactly one place: a byte range of the reading text.
    Found(Range<usize>),
    /// Nowhere.
    NotFound,
    /// More than one place: each one.
    Ambiguous(Vec<Range<usize>>),
}

/// A text quote selector as plain strings.
#[derive(Debug, Clone)]
pub struct Selector<'a> {
    pub quote: &'a str,
    pub prefix: Option<&'a str>,
    pub suffix: Option<&'a str>,
}

/// The reading text, normalised for matching.
pub struct TextIndex<'d> {
    pub document: &'d Document,
    /// The normalised text.
    normal: String,
    /// For each byte of `normal`: the range of reading-text bytes of its character.
    origin: Vec<Range<usize>>,
}

/// Maps a character to the form it is matched in.
fn fold(c: char) -> char {
    match c {
        '‘' | '’' | '‚' | '‛' | '′' | '`' => '\'',
        '“' | '”' | '„' | '‟' | '″' => '"',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
        c if c != BLOCK_SEPARATOR && c.is_whitespace() => ' ',
        c => c,
    }
}

/// Normalises a quote, prefix or suffix as written by the editor.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().map(fold) {
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

impl<'d> TextIndex<'d> {
    pub fn new(document: &'d Document) -> Self {
        let text = &document.text;
        let mut normal = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        for (at, c) in text.char_indices() {
            let folded = fold(c);
            let span = at..at + c.len_utf8();
            if folded == ' ' && (normal.is_empty() || normal.ends_with([' ', BLOCK_SEPARATOR])) {
                // A run of white space is one space; the space it became covers it all.
                if let Some(last) = origin.last_mut().filter(|_| normal.ends_with(' ')) {
                    let last: &mut Range<usize> = last;
                    last.end = span.end;
                }
                continue;
            }
            normal.push(folded);
            origin.extend(std::iter::repeat_n(span, folded.len_utf8()));
        }
        TextIndex {
            document,
            normal,
            origin,
        }
    }

    /// The reading-text range of a range of the normalised text.
    fn to_text(&self, normal: Range<usize>) -> Range<usize> {
        let mut start = self.origin[normal.start].start;
        let mut end = self.origin[normal.end - 1].end;
        // A match never begins or ends inside a collapsed run of white space.
        let text = &self.document.text;
        while start < end && text[start..].starts_with(char::is_whitespace) {
            start += text[start..].chars().next().map_or(1, char::len_utf8);
        }
        while end > start && text[..end].ends_with(char::is_whitespace) {
            end -= text[..end].chars().next_back().map_or(1, char::len_utf8);
        }
        start..end
    }

    /// Resolves a batch of selectors with one automaton over all their quotes.
    pub fn resolve(&self, selectors: &[Selector<'_>]) -> Vec<Resolution> {
        let quotes: Vec<String> = selectors.iter().map(|s| normalize(s.quote)).collect();
        let mut patterns: Vec<&str> = Vec::new();
        let mut pattern_of: HashMap<&str, usize> = HashMap::new();
        for q in quotes.iter().filter(|q| !q.is_empty()) {
            pattern_of.entry(q.as_str()).or_insert_with(|| {
                patterns.push(q.as_str());
                patterns.len() - 1
            });
        }
        let mut hits: Vec<Vec<Range<usize>>> = vec![Vec::new(); patterns.len()];
        if !patterns.is_empty() {
            let automaton = AhoCorasick::new(&patterns).expect("quotes make a valid automaton");
            for m in automaton.find_overlapping_iter(&self.normal) {
                hits[m.pattern().as_usize()].push(m.range());
            }
        }
        selectors
            .iter()
            .zip(&quotes)
            .map(|(selector, quote)| {
                let Some(&p) = pattern_of.get(quote.as_str()) else {
                    return Resolution::NotFound;
                };
                let prefix = selector.prefix.map(normalize);
                let suffix = selector.suffix.map(normalize);
                let places: Vec<Range<usize>> = hits[p]
                    .iter()
                    .filter(|r| self.context_fits(r, prefix.as_deref(), suffix.as_deref()))
                    .map(|r| self.to_text(r.clone()))
                    .collect();
                match places.len() {
                    0 => Resolution::NotFound,
                    1 => Resolution::Found(places.into_iter().next().expect("one place")),
                    _ => Resolution::Ambiguous(places),
                }
            })
            .collect()
    }

    fn context_fits(&self, r: &Range<usize>, prefix: Option<&str>, suffix: Option<&str>) -> bool {
        let before = self.normal[..r.start].trim_end_matches(' ');
        let after = self.normal[r.end..].trim_start_matches(' ');
        prefix.is_none_or(|p| before.ends_with(p)) && suffix.is_none_or(|s| after.starts_with(s))
    }

    /// Finds every whole-word occurrence of each form, leftmost-longest, in one pass.
    /// Returns (form index, range of the reading text), in text order.
    pub fn find_terms(&self, forms: &[&str]) -> Vec<(usize, Range<usize>)> {
        let normal_forms: Vec<String> = forms.iter().map(|f| normalize(f)).collect();
        if normal_forms.iter().all(String::is_empty) {
            return Vec::new();
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&normal_forms)
            .expect("forms make a valid automaton");
        automaton
            .find_iter(&self.normal)
            .filter(|m| !m.is_empty())
            .filter(|m| self.is_whole_word(m.start(), m.end()))
            .map(|m| (m.pattern().as_usize(), self.to_text(m.range())))
            .collect()
    }

    /// Occurrences of forms that the leftmost-longest pass passed over because a longer
    /// form of another gloss covers them: (form index, range, index into `chosen`).
    pub fn hidden_terms(
        &self,
        forms: &[&str],
        chosen: &[(usize, Range<usize>)],
    ) -> Vec<(usize, Range<usize>, usize)> {
        let normal_forms: Vec<String> = forms.iter().map(|f| normalize(f)).collect();
        if normal_forms.iter().all(String::is_empty) {
            return Vec::new();
        }
        let automaton = AhoCorasick::new(&normal_forms).expect("forms make a valid automaton");
        let mut hidden = Vec::new();
        for m in automaton.find_overlapping_iter(&self.normal) {
            if m.is_empty() || !self.is_whole_word(m.start(), m.end()) {
                continue;
            }
            let range = self.to_text(m.range());
            let covering = chosen
                .iter()
                .position(|(_, c)| c.start <= range.start && range.end <= c.end);
            if let Some(c) = covering
                && chosen[c].1 != range
            {
                hidden.push((m.pattern().as_usize(), range, c));
            }
        }
        hidden
    }

    fn is_whole_word(&self, start: usize, end: usize) -> bool {
        let before = self.normal[..start].chars().next_back();
        let after = self.normal[end..].chars().next();
        !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
    }

    /// Names in the text that nothing covers: runs of capitalised words, leaving out a
    /// lone capitalised word that opens a sentence. Returns ranges of the reading text.
    pub fn names_outside(&self, covered: &[Range<usize>]) -> Vec<Range<usize>> {
        let mut names = Vec::new();
        let mut words: Vec<(usize, usize)> = Vec::new();
        let flush = |words: &mut Vec<(usize, usize)>, names: &mut Vec<Range<usize>>| {
            // A sentence's first word is capitalised anyway: a run that opens a sentence
            // loses a leading article or the like, and a lone word is no name at all.
            if words.len() > 1
                && self.opens_sentence(words[0].0)
                && SENTENCE_OPENERS.contains(&&self.normal[words[0].0..words[0].1])
            {
                words.remove(0);
            }
            if let (Some(first), Some(last)) = (words.first(), words.last())
                && (words.len() > 1 || !self.opens_sentence(first.0))
            {
                names.push(self.to_text(first.0..last.1));
            }
            words.clear();
        };
        let is_name_char = |c: char| c.is_alphanumeric() || c == '-';
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut word_start = None;
        for (i, c) in self.normal.char_indices() {
            match (is_name_char(c), word_start) {
                (true, None) => word_start = Some(i),
                (false, Some(start)) => {
                    spans.push((start, i));
                    word_start = None;
                }
                _ => {}
            }
        }
        if let Some(start) = word_start {
            spans.push((start, self.normal.len()));
        }
        // A lowercase particle joins two capitalised words into one name ("Battle of
        // Zama", "Husayn ibn Ali"); it is kept only if a capitalised word follows.
        let mut particle: Option<(usize, usize)> = None;
        for (start, end) in spans {
            let word = &self.normal[start..end];
            let capitalised = word.chars().next().is_some_and(char::is_uppercase);
            let follows = |words: &Vec<(usize, usize)>, particle: Option<(usize, usize)>| {
                let last_end = particle.or(words.last().copied()).map(|w| w.1);
                last_end.is_some_and(|e| &self.normal[e..start] == " ")
            };
            if capitalised && (words.is_empty() || follows(&words, particle)) {
                words.extend(particle.take());
                words.push((start, end));
            } else if !capitalised
                && particle.is_none()
                && !words.is_empty()
                && follows(&words, None)
                && NAME_PARTICLES.contains(&word)
            {
                particle = Some((start, end));
            } else {
                particle = None;
                flush(&mut words, &mut names);
                if capitalised {
                    words.push((start, end));
                }
            }
        }
        flush(&mut words, &mut names);
        names.retain(|n| !covered.iter().any(|c| c.start < n.end && n.start < c.end));
        names
    }

    fn opens_sentence(&self, at: usize) -> bool {
        let before = self.normal[..at].trim_end_matches(['\'', '"', ' ', '(']);
        before.is_empty() || before.ends_with(['.', '!', '?', ':', BLOCK_SEPARATOR])
    }

    /// The passage of the text most like `quote`, for a quote that is not found.
    /// Windows of about the quote's length in words are compared by edit distance over
    /// the normalised text.
    pub fn closest(&self, quote: &str) -> Option<Closest> {
        let quote = normalize(quote);
        let words = quote.split(' ').count().max(1);
        let mut spans: Vec<Range<usize>> = Vec::new();
        let mut word_start = 0;
        for (i, c) in self.normal.char_indices() {
            if c == ' ' || c == BLOCK_SEPARATOR {
                if i > word_start {
                    spans.push(word_start..i);
                }
                word_start = i + c.len_utf8();
            }
        }
        if word_start < self.normal.len() {
            spans.push(word_start..self.normal.len());
        }
        let quote_chars: Vec<char> = quote.chars().collect();
        let mut windows: Vec<(Range<usize>, usize)> = Vec::new();
        for k in 0..spans.len() {
            for len in [words.saturating_sub(1), words, words + 1] {
                let Some(last) = len.checked_sub(1).and_then(|l| spans.get(k + l)) else {
                    continue;
                };
                let (start, end) = (spans[k].start, last.end);
                let window = &self.normal[start..end];
                if window.contains(BLOCK_SEPARATOR) {
                    continue;
                }
                let window: Vec<char> = window.chars().collect();
                windows.push((start..end, edit_distance(&quote_chars, &window)));
            }
        }
        let (best, distance) = windows.iter().min_by_key(|(_, d)| *d)?.clone();
        // Clear when every window elsewhere in the text is worse.
        let clear = windows
            .iter()
            .filter(|(r, _)| r.end <= best.start || best.end <= r.start)
            .all(|(_, d)| *d > distance);
        let similarity = 1.0 - distance as f64 / quote_chars.len().max(1) as f64;
        // Words carry their punctuation; the quote's ends say whether to keep it.
        let mut best = best;
        let wordlike = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        if wordlike(quote.chars().next()) {
            while let Some(c) = self.normal[best.clone()]
                .chars()
                .next()
                .filter(|c| !c.is_alphanumeric())
            {
                best.start += c.len_utf8();
            }
        }
        if wordlike(quote.chars().next_back()) {
            while let Some(c) = self.normal[best.clone()]
                .chars()
                .next_back()
                .filter(|c| !c.is_alphanumeric())
            {
                best.end -= c.len_utf8();
            }
        }
        if best.is_empty() {
            return None;
        }
        Some(Closest {
            range: self.to_text(best),
            similarity: similarity.max(0.0),
            clear,
        })
    }

    /// For a quote found at several places, the shortest prefix (words just before) or
    /// suffix (words just after) that singles out each place. `None` for a place no
    /// context of up to eight words tells apart.
    pub fn disambiguate(&self, places: &[Range<usize>]) -> Vec<Option<Context>> {
        let normal_places: Vec<Range<usize>> = places
            .iter()
            .filter_map(|p| self.to_normal(p.clone()))
            .collect();
        normal_places
            .iter()
            .map(|place| {
                for words in 1..=8 {
                    let prefix = self.words_before(place.start, words);
                    let unique_before = normal_places.iter().filter(|o| {
                        self.normal[..o.start]
                            .trim_end_matches(' ')
                            .ends_with(&prefix)
                    });
                    if !prefix.is_empty() && unique_before.count() == 1 {
                        return Some(Context::Prefix(prefix));
                    }
                    let suffix = self.words_after(place.end, words);
                    let unique_after = normal_places.iter().filter(|o| {
                        self.normal[o.end..]
                            .trim_start_matches(' ')
                            .starts_with(&suffix)
                    });
                    if !suffix.is_empty() && unique_after.count() == 1 {
                        return Some(Context::Suffix(suffix));
                    }
                }
                None
            })
            .collect()
    }

    fn to_normal(&self, text: Range<usize>) -> Option<Range<usize>> {
        let start = self.origin.iter().position(|o| o.start >= text.start)?;
        let end = self.origin.iter().rposition(|o| o.end <= text.end)? + 1;
        (start < end).then_some(start..end)
    }

    fn words_before(&self, at: usize, words: usize) -> String {
        let before = self.normal[..at].trim_end_matches(' ');
        let block = before
            .rfind(BLOCK_SEPARATOR)
            .map_or(0, |i| i + BLOCK_SEPARATOR.len_utf8());
        let before = &before[block..];
        let start = before
            .rmatch_indices(' ')
            .nth(words - 1)
            .map_or(0, |(i, _)| i + 1);
        before[start..].to_owned()
    }

    fn words_after(&self, at: usize, words: usize) -> String {
        let after = self.normal[at..].trim_start_matches(' ');
        let block = after.find(BLOCK_SEPARATOR).unwrap_or(after.len());
        let after = &after[..block];
        let end = after
            .match_indices(' ')
            .nth(words - 1)
            .map_or(after.len(), |(i, _)| i);
        after[..end].to_owned()
    }
}

/// A word diff of `from` to `to`, marking words taken out `[-so-]` and put in `{+so+}`
/// (as `git diff --word-diff` does). Words are compared in their matching form, so a
/// straight quote against a curly one is no difference.
pub fn word_diff(from: &str, to: &str) -> String {
    let a: Vec<&str> = from.split_whitespace().collect();
    let b: Vec<&str> = to.split_whitespace().collect();
    let same = |x: &str, y: &str| normalize(x) == normalize(y);
    // Longest common subsequence of words, by dynamic programming from the end.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if same(a[i], b[j]) {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out: Vec<String> = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && same(a[i], b[j]) {
            out.push(b[j].to_owned());
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("[-{}-]", a[i]));
            i += 1;
        } else {
            out.push(format!("{{+{}+}}", b[j]));
            j += 1;
        }
    }
    out.join(" ")
}

/// Lowercase words that may stand inside a name.
const NAME_PARTICLES: &[&str] = &[
    "of", "the", "de", "del", "la", "le", "du", "da", "von", "van", "der", "al", "bin", "ibn",
];

/// Capitalised words that often open a sentence without being part of a name.
const SENTENCE_OPENERS: &[&str] = &[
    "The", "A", "An", "In", "On", "At", "As", "But", "And", "Or", "If", "When", "While", "This",
    "That", "These", "Those", "Some", "Both", "For", "From", "After", "Before",
];

/// The passage most like a quote that is not found.
#[derive(Debug, Clone, PartialEq)]
pub struct Closest {
    /// A range of the reading text.
    pub range: Range<usize>,
    /// How alike, from 0 to 1.
    pub similarity: f64,
    /// Whether it is the one best match: every passage elsewhere is less alike.
    pub clear: bool,
}

/// Context that singles out one place of a repeated quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    Prefix(String),
    Suffix(String),
}

pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(markdown: &str) -> (Document, String) {
        let doc = Document::parse(markdown);
        let text = doc.text.clone();
        (doc, text)
    }

    fn find(markdown: &str, quote: &str) -> Resolution {
        let (doc, _) = index(markdown);
        let idx = TextIndex::new(&doc);
        idx.resolve(&[Selector {
            quote,
            prefix: None,
            suffix: None,
        }])
        .remove(0)
    }

    #[test]
    fn straight_quotes_and_hyphens_match_typographic_ones() {
        let (doc, text) = index("Khamenei said, ‘similarly – the nation’ said.");
        let idx = TextIndex::new(&doc);
        let r = idx.resolve(&[Selector {
            quote: "said, 'similarly - the nation'",
            prefix: None,
            suffix: None,
        }]);
        let Resolution::Found(range) = &r[0] else {
            panic!("{r:?}")
        };
        assert_eq!(&text[range.clone()], "said, ‘similarly – the nation’");
    }

    #[test]
    fn white_space_in_a_quote_matches_a_line_break() {
        let (doc, text) = index("one two\nthree four");
        let idx = TextIndex::new(&doc);
        let r = idx.resolve(&[Selector {
            quote: "two   three",
            prefix: None,
            suffix: None,
        }]);
        let Resolution::Found(range) = &r[0] else {
            panic!("{r:?}")
        };
        assert_eq!(&text[range.clone()], "two three");
    }

    #[test]
    fn a_quote_does_not_run_across_paragraphs() {
        assert_eq!(
            find("one two\n\nthree four", "two three"),
            Resolution::NotFound
        );
    }

    #[test]
    fn terms_match_whole_words_only_and_longest_first() {
        let (doc, text) = index("Iranian Iran Ali Khamenei and Khamenei’s deputy");
        let idx = TextIndex::new(&doc);
        let found = idx.find_terms(&["Iran", "Khamenei", "Ali Khamenei"]);
        let words: Vec<(usize, &str)> = found.iter().map(|(p, r)| (*p, &text[r.clone()])).collect();
        assert_eq!(
            words,
            vec![(0, "Iran"), (2, "Ali Khamenei"), (1, "Khamenei")]
        );
    }

    #[test]
    fn a_word_diff_shows_what_was_taken_out_and_put_in() {
        assert_eq!(
            word_diff("Rome rules the sea", "Rome ruled the sea"),
            "Rome [-rules-] {+ruled+} the sea"
        );
        assert_eq!(word_diff("said 'never'", "said ‘never’"), "said ‘never’");
        assert_eq!(word_diff("a b", "a x b y"), "a {+x+} b {+y+}");
    }

    #[test]
    fn a_form_inside_a_longer_form_is_reported_hidden() {
        let (doc, text) = index("The Beirut barracks bombing shook Beirut.");
        let idx = TextIndex::new(&doc);
        let forms = ["Beirut", "Beirut barracks bombing"];
        let chosen = idx.find_terms(&forms);
        assert_eq!(chosen.len(), 2);
        let hidden = idx.hidden_terms(&forms, &chosen);
        let hidden: Vec<(usize, &str)> = hidden
            .iter()
            .map(|(f, r, _)| (*f, &text[r.clone()]))
            .collect();
        assert_eq!(hidden, vec![(0, "Beirut")]);
    }

    #[test]
    fn names_outside_glosses_leave_out_sentence_openers() {
        let (doc, text) = index(
            "The talks in Geneva began. Baker met Tariq Aziz on Thursday. The Battle of Zama ended it.",
        );
        let idx = TextIndex::new(&doc);
        let names: Vec<&str> = idx
            .names_outside(&[])
            .iter()
            .map(|r| &text[r.clone()])
            .collect();
        assert_eq!(
            names,
            vec!["Geneva", "Tariq Aziz", "Thursday", "Battle of Zama"]
        );
        let geneva = text.find("Geneva").unwrap();
        let covered = std::iter::once(geneva..geneva + 6).collect::<Vec<_>>();
        let names: Vec<&str> = idx
            .names_outside(&covered)
            .iter()
            .map(|r| &text[r.clone()])
            .collect();
        assert_eq!(names, vec!["Tariq Aziz", "Thursday", "Battle of Zama"]);
    }

    #[test]
    fn closest_passage_is_found_for_a_misquote() {
        let (doc, text) =
            index("The answer is likely that the supreme leader has made the calculation.");
        let idx = TextIndex::new(&doc);
        let closest = idx
            .closest("the supreme leeder had made the calculation")
            .unwrap();
        assert_eq!(
            &text[closest.range],
            "the supreme leader has made the calculation"
        );
        assert!(closest.similarity > 0.8, "{}", closest.similarity);
        assert!(closest.clear);

        let (doc, _) = index("one two three. one two three.");
        let idx = TextIndex::new(&doc);
        assert!(
            !idx.closest("one two thee").unwrap().clear,
            "two places fit as well"
        );
    }

    #[test]
    fn disambiguation_suggests_the_shortest_context() {
        let (doc, _) = index("a durable peace. b durable peace. c durable war.");
        let idx = TextIndex::new(&doc);
        let Resolution::Ambiguous(places) = idx
            .resolve(&[Selector {
                quote: "durable",
                prefix: None,
                suffix: None,
            }])
            .remove(0)
        else {
            panic!()
        };
        assert_eq!(places.len(), 3);
        let contexts = idx.disambiguate(&places);
        assert_eq!(
            contexts,
            vec![
                Some(Context::Prefix("a".into())),
                Some(Context::Prefix("b".into())),
                Some(Context::Prefix("c".into())),
            ]
        );
    }
}
