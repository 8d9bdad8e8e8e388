//! Anchoring: resolving quotes and terms to byte ranges of a reading's text.
//!
//! 1. [`TextIndex::new`] normalises the reading text once: its NFC form, each character
//!    folded to the form it is matched in ([`super::fold`]: typographic quotes and dashes
//!    become their plain forms, an Arabic keyboard's letters the Persian ones, tatweel
//!    and vowel signs drop out) and runs of white space one space, keeping a map back to
//!    the original bytes. Quotes, prefixes, suffixes and forms go through the same
//!    [`normalize`], so a quote in any normalisation or keyboard finds the text as
//!    written.
//!    It also marks where words begin and end ([`super::words`]: Unicode word
//!    segmentation, UAX #29, with one tailoring), the one rule every match obeys.
//! 2. [`TextIndex::resolve`] finds every place of each quote of a batch, overlapping
//!    places too (a vectorised search for each of a few quotes, one Aho-Corasick
//!    automaton for many), then keeps the occurrences that start and end on word
//!    boundaries and whose prefix and suffix fit.
//! 3. [`TextIndex::find_terms`] finds every surface form of every gloss in one pass of
//!    one leftmost-longest automaton, keeping whole words only. [`Terms`] compiles a set
//!    of forms once for many texts; [`TextIndex::find_sets`] finds several such sets
//!    together (the shared glossary's, built once per build, and a reading's own) with
//!    the result one automaton over all of them would give.
//! 4. For a quote that is not found or found more than once, [`TextIndex::inside_words`],
//!    [`TextIndex::closest_to`] and [`TextIndex::disambiguate`] say how to mend it.
//!
//! The closest-passage search is linear in the text: a sliding window of the quote's
//! length counts the character trigrams it shares with the quote (one pass), the few
//! best windows (and the places next to the given prefix or suffix, looked at first)
//! become candidate regions, and only those are aligned with the quote by edit distance
//! with free ends. See [`TextIndex::closest_to`].

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::diagnostics::edit_distance;
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

/// A form of one of several [`Terms`] sets: (set, form index within the set).
pub type FormId = (usize, usize);

/// A set of forms compiled once, to be found in many texts with [`TextIndex::find_sets`].
pub struct Terms {
    /// Every occurrence of every non-empty form (standard match kind: overlapping search).
    automaton: Option<AhoCorasick>,
    /// For each pattern of the automaton, its index in the forms given.
    form_of: Vec<usize>,
}

impl Terms {
    /// `kind`: `Some(DFA)` for a large set searched in many texts (built once, scanned
    /// fastest); `None` lets the crate choose, as for a small set used once.
    pub fn new(forms: &[&str], kind: Option<AhoCorasickKind>) -> Terms {
        let mut patterns = Vec::new();
        let mut form_of = Vec::new();
        for (f, form) in forms.iter().enumerate() {
            let normal = normalize(form);
            // An empty form matches nothing (and is reported where it is defined).
            if !normal.is_empty() {
                patterns.push(normal);
                form_of.push(f);
            }
        }
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(kind)
                .build(&patterns)
                .expect("forms make a valid automaton")
        });
        Terms { automaton, form_of }
    }
}

/// What [`TextIndex::find_sets`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FoundTerms {
    /// Leftmost-longest whole-word occurrences, in text order: (form, text range).
    pub chosen: Vec<(FormId, Range<usize>)>,
    /// Whole-word occurrences passed over because a chosen one covers them:
    /// (form, text range, index into `chosen`).
    pub hidden: Vec<(FormId, Range<usize>, usize)>,
}

/// The reading text, normalised for matching.
pub struct TextIndex<'d> {
    pub document: &'d Document,
    /// The normalised text.
    normal: String,
    /// For each byte of `normal`: the range of reading-text bytes of its character.
    origin: Vec<Range<usize>>,
    /// For each byte offset of `normal` and one past its end: whether a word boundary
    /// stands there.
    bounds: Vec<bool>,
}

/// Up to this many quotes in a batch, each is looked for on its own (see [`places`]).
/// Measured on texts of 11 kB, 120 kB and 1 MB with quotes of 35 bytes: a search for
/// each took a fifth of the automaton's time or less up to 16 quotes, a third to seven
/// tenths at 64, and from half to a third more at 128 (both grow with the text).
const FEW_QUOTES: usize = 64;

/// Every place of each pattern in `text`, overlapping places too ("a a" twice in
/// "a a a"), in text order. A reading has a few quotes, each several words long: a
/// vectorised search for each (memchr's `memmem`) beats an automaton for all, which
/// takes longer to build than to run; past [`FEW_QUOTES`], one automaton's single pass
/// beats a pass for each.
fn places(text: &str, patterns: &[&str]) -> Vec<Vec<Range<usize>>> {
    if patterns.len() <= FEW_QUOTES {
        places_each(text, patterns)
    } else {
        places_at_once(text, patterns)
    }
}

fn places_each(text: &str, patterns: &[&str]) -> Vec<Vec<Range<usize>>> {
    patterns
        .iter()
        .map(|pattern| {
            let finder = memchr::memmem::Finder::new(pattern);
            let mut places = Vec::new();
            let mut from = 0;
            while let Some(at) = finder.find(&text.as_bytes()[from..]) {
                let start = from + at;
                places.push(start..start + pattern.len());
                from = start + 1;
            }
            places
        })
        .collect()
}

fn places_at_once(text: &str, patterns: &[&str]) -> Vec<Vec<Range<usize>>> {
    let mut hits = vec![Vec::new(); patterns.len()];
    if patterns.is_empty() {
        return hits;
    }
    // Built for one search of one text: a contiguous NFA (a DFA, which the crate may
    // choose, takes longer to build than one pass over a reading takes).
    let automaton = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(patterns)
        .expect("quotes make a valid automaton");
    for m in automaton.find_overlapping_iter(text) {
        hits[m.pattern().as_usize()].push(m.range());
    }
    hits
}

/// Normalises a quote, prefix or suffix as written by the editor: its NFC form folded
/// ([`fold`](super::fold::fold)), each run of white space one space.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    super::fold::nfc_chunks(s, |c, _| {
        let Some(c) = super::fold::fold(c) else {
            return;
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            return;
        }
        out.push(c);
    });
    out.truncate(out.trim_end().len());
    out
}

impl<'d> TextIndex<'d> {
    pub fn new(document: &'d Document) -> Self {
        let text = &document.text;
        let mut normal = String::with_capacity(text.len());
        let mut origin: Vec<Range<usize>> = Vec::with_capacity(text.len());
        super::fold::nfc_chunks(text, |c, span| {
            // ASCII other than a backquote or white space is itself, as `fold` says.
            if c.is_ascii_graphic() && c != '`' {
                normal.push(c);
                origin.push(span);
                return;
            }
            let Some(folded) = super::fold::fold(c) else {
                // A character matching leaves out (tatweel, a vowel sign) belongs to the
                // one before it, so that a mark on that word covers it too.
                if let Some(last) = normal.chars().next_back() {
                    let from = origin.len() - last.len_utf8();
                    for o in &mut origin[from..] {
                        o.end = o.end.max(span.end);
                    }
                }
                return;
            };
            if folded == ' ' && (normal.is_empty() || normal.ends_with([' ', BLOCK_SEPARATOR])) {
                // A run of white space is one space; the space it became covers it all.
                if let Some(last) = origin.last_mut().filter(|_| normal.ends_with(' ')) {
                    last.end = span.end;
                }
                return;
            }
            normal.push(folded);
            origin.extend(std::iter::repeat_n(span, folded.len_utf8()));
        });
        let bounds = super::words::word_bounds(&normal);
        TextIndex {
            document,
            normal,
            origin,
            bounds,
        }
    }

    /// Whether a range of the normalised text starts and ends on word boundaries.
    fn on_bounds(&self, r: &Range<usize>) -> bool {
        self.bounds.get(r.start).copied().unwrap_or(false)
            && self.bounds.get(r.end).copied().unwrap_or(false)
    }

    /// The smallest range of whole words around a range of the normalised text.
    fn whole_words(&self, r: &Range<usize>) -> Range<usize> {
        let start = (0..=r.start).rev().find(|&i| self.bounds[i]).unwrap_or(0);
        let end = (r.end..self.bounds.len())
            .find(|&i| self.bounds[i])
            .unwrap_or(self.normal.len());
        start..end
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
        let hits = places(&self.normal, &patterns);
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
                    .filter(|r| self.on_bounds(r))
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

    /// The places where a quote occurs, with its prefix and suffix, but starts or ends
    /// inside a word: for a quote that is not found, why. Each is the place (a range of
    /// the reading text) and the whole words it cuts.
    pub fn inside_words(&self, selector: &Selector<'_>) -> Vec<(Range<usize>, Range<usize>)> {
        let quote = normalize(selector.quote);
        if quote.is_empty() {
            return Vec::new();
        }
        let prefix = selector.prefix.map(normalize);
        let suffix = selector.suffix.map(normalize);
        self.normal
            .match_indices(quote.as_str())
            .map(|(at, q)| at..at + q.len())
            .filter(|r| !self.on_bounds(r))
            .filter(|r| self.context_fits(r, prefix.as_deref(), suffix.as_deref()))
            .map(|r| (self.to_text(r.clone()), self.to_text(self.whole_words(&r))))
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
            // `chosen` is in text order and without overlaps: the one chosen range that
            // can cover this one is the last to start at or before it.
            let covering = chosen
                .partition_point(|(_, c)| c.start <= range.start)
                .checked_sub(1)
                .filter(|&c| range.end <= chosen[c].1.end);
            if let Some(c) = covering
                && chosen[c].1 != range
            {
                hidden.push((m.pattern().as_usize(), range, c));
            }
        }
        hidden
    }

    /// The forms of several [`Terms`] sets found together, as [`find_terms`](Self::find_terms)
    /// and [`hidden_terms`](Self::hidden_terms) find the forms of all the sets in one list
    /// (the first set's forms first): a form of one set and a longer form of another
    /// overlapping it are decided by one leftmost-longest choice over both.
    ///
    /// Each set is searched once for every occurrence (overlapping); leftmost-longest is
    /// then chosen over the union, so no set's automaton depends on another's.
    pub fn find_sets(&self, sets: &[&Terms]) -> FoundTerms {
        // (normalised range, (set, form)) of every non-empty occurrence.
        let mut all: Vec<(Range<usize>, FormId)> = Vec::new();
        for (s, terms) in sets.iter().enumerate() {
            let Some(automaton) = &terms.automaton else {
                continue;
            };
            for m in automaton.find_overlapping_iter(&self.normal) {
                if !m.is_empty() {
                    all.push((m.range(), (s, terms.form_of[m.pattern().as_usize()])));
                }
            }
        }
        // Leftmost, then longest: the order one leftmost-longest automaton walks in. Equal
        // ranges are equal forms; the first listed wins there, as in one automaton.
        all.sort_by_key(|(r, id)| (r.start, std::cmp::Reverse(r.end), *id));
        let mut chosen = Vec::new();
        let mut next = 0;
        for (range, id) in &all {
            if range.start < next {
                continue;
            }
            // A chosen occurrence that is not a whole word is dropped, but still passes
            // over what it covers, as `find_terms` filters after choosing.
            next = range.end;
            if self.is_whole_word(range.start, range.end) {
                chosen.push((*id, self.to_text(range.clone())));
            }
        }
        // The order an overlapping automaton reports in: by end, the longer first.
        all.sort_by_key(|(r, id)| (r.end, r.start, *id));
        let mut hidden = Vec::new();
        for (range, id) in all {
            if !self.is_whole_word(range.start, range.end) {
                continue;
            }
            let range = self.to_text(range);
            let covering = chosen
                .partition_point(|(_, c): &(FormId, Range<usize>)| c.start <= range.start)
                .checked_sub(1)
                .filter(|&c| range.end <= chosen[c].1.end);
            if let Some(c) = covering
                && chosen[c].1 != range
            {
                hidden.push((id, range, c));
            }
        }
        FoundTerms { chosen, hidden }
    }

    fn is_whole_word(&self, start: usize, end: usize) -> bool {
        self.on_bounds(&(start..end))
    }

    /// Names in the text that nothing covers, by the rule of the text's language
    /// ([`name_rule`]): runs of capitalised words, leaving out a lone capitalised word
    /// that opens a sentence; with [`NameRule::CapitalRuns`] only runs of two or more;
    /// with [`NameRule::Off`] none. Returns ranges of the reading text.
    pub fn names_outside(&self, covered: &[Range<usize>], rule: NameRule) -> Vec<Range<usize>> {
        if rule == NameRule::Off {
            return Vec::new();
        }
        let mut names = Vec::new();
        let mut words: Vec<(usize, usize)> = Vec::new();
        let flush = |words: &mut Vec<(usize, usize)>, names: &mut Vec<Range<usize>>| {
            // A sentence's first word is capitalised anyway: a run that opens a sentence
            // loses a leading article or the like, and a lone word is no name at all.
            let openers = if rule == NameRule::CapitalRuns {
                NOUN_SENTENCE_OPENERS
            } else {
                SENTENCE_OPENERS
            };
            if words.len() > 1
                && self.opens_sentence(words[0].0)
                && openers.contains(&&self.normal[words[0].0..words[0].1])
            {
                words.remove(0);
            }
            let least = if rule == NameRule::CapitalRuns { 2 } else { 1 };
            if let (Some(first), Some(last)) = (words.first(), words.last())
                && words.len() >= least
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
                && if rule == NameRule::CapitalRuns {
                    // Articles join nouns all the time ("Bürger der Stadt"): only the
                    // particles of names do.
                    NOUN_NAME_PARTICLES.contains(&word)
                } else {
                    NAME_PARTICLES.contains(&word)
                }
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
        // Names and covered ranges are both in text order: one sweep finds the overlaps.
        let mut covered: Vec<&Range<usize>> = covered.iter().collect();
        covered.sort_by_key(|c| (c.start, c.end));
        let mut reach = Vec::with_capacity(covered.len());
        let mut furthest = 0;
        for c in &covered {
            furthest = furthest.max(c.end);
            reach.push(furthest);
        }
        names.retain(|n| {
            // The covered ranges starting before the name's end; the one of them that
            // reaches furthest overlaps the name if any does.
            let before_end = covered.partition_point(|c| c.start < n.end);
            before_end
                .checked_sub(1)
                .is_none_or(|last| reach[last] <= n.start)
        });
        names
    }

    fn opens_sentence(&self, at: usize) -> bool {
        let before = self.normal[..at].trim_end_matches(['\'', '"', ' ', '(']);
        before.is_empty() || before.ends_with(['.', '!', '?', ':', BLOCK_SEPARATOR])
    }

    /// The passage of the text most like `quote`, for a quote that is not found.
    pub fn closest(&self, quote: &str) -> Option<Closest> {
        self.closest_to(&Selector {
            quote,
            prefix: None,
            suffix: None,
        })
    }

    /// The passage of the text most like a selector's quote, for a quote that is not
    /// found. Linear in the text; the quadratic work is bounded by the quote's length.
    ///
    /// 1. With a prefix or suffix, the places next to them are looked at first: the
    ///    words between a prefix and a suffix that follows it closely, else the words
    ///    right after each prefix and right before each suffix (at most
    ///    [`CONTEXT_PLACES`] of each). A passage there at least half alike is the answer.
    /// 2. Otherwise a window of the quote's length slides over the text, counting the
    ///    character trigrams (case folded) it shares with the quote: one pass, one hash
    ///    look-up per character. The best [`CANDIDATES`] windows that do not overlap
    ///    (fewer for a very long quote: [`ALIGN_BUDGET`]),
    ///    widened by half the quote's length each side, are the candidate regions.
    /// 3. Each region is aligned with the quote by edit distance with free ends
    ///    (Sellers' algorithm, O(quote × region)); the passage found is widened to whole
    ///    words and scored by its edit distance to the quote. A block separator counts
    ///    as the space it stands for, so a quote that runs into the next paragraph is
    ///    found (and the caller can say so).
    ///
    /// `clear` compares the candidates only: a passage that no window ranked among the
    /// best is taken to be less alike.
    pub fn closest_to(&self, selector: &Selector<'_>) -> Option<Closest> {
        let quote: Vec<char> = normalize(selector.quote).chars().collect();
        if quote.is_empty() {
            return None;
        }
        let starts: Vec<usize> = self.normal.char_indices().map(|(i, _)| i).collect();
        let prefix = selector.prefix.map(normalize).filter(|p| !p.is_empty());
        let suffix = selector.suffix.map(normalize).filter(|s| !s.is_empty());
        let (near, regions) =
            self.context_regions(&starts, quote.len(), prefix.as_deref(), suffix.as_deref());
        let in_context: Vec<Candidate> = regions
            .into_iter()
            .take(2 * regions_for(quote.len()))
            .filter_map(|(region, whole)| self.align(&quote, region, whole))
            .collect();
        let to_text = |c: Closest| Closest {
            range: self.to_text(c.range.clone()),
            ..c
        };
        if let Some(found) = pick(&quote, in_context).filter(|c| c.similarity >= 0.5) {
            return Some(to_text(Closest { near, ..found }));
        }
        let found: Vec<Candidate> = self
            .likely_regions(&starts, &quote)
            .into_iter()
            .filter_map(|region| self.align(&quote, region, false))
            .collect();
        pick(&quote, found).map(to_text)
    }

    /// The regions next to a selector's prefix and suffix (byte ranges of the normalised
    /// text; `true` for a region that is the whole passage between the two).
    fn context_regions(
        &self,
        starts: &[usize],
        quote_chars: usize,
        prefix: Option<&str>,
        suffix: Option<&str>,
    ) -> (Option<Near>, Vec<(Range<usize>, bool)>) {
        let span = quote_chars + quote_chars / 2 + 1;
        let after: Vec<usize> = prefix.map_or_else(Vec::new, |p| {
            self.normal
                .match_indices(p)
                .take(CONTEXT_PLACES)
                .map(|(at, p)| at + p.len())
                .collect()
        });
        let before: Vec<usize> = suffix.map_or_else(Vec::new, |s| {
            self.normal
                .match_indices(s)
                .take(CONTEXT_PLACES)
                .map(|(at, _)| at)
                .collect()
        });
        let char_at = |byte: usize| starts.partition_point(|&s| s < byte);
        let byte_at = |char: usize| starts.get(char).copied().unwrap_or(self.normal.len());
        let between: Vec<(Range<usize>, bool)> = after
            .iter()
            .flat_map(|&a| {
                before
                    .iter()
                    .filter(move |&&b| b >= a && char_at(b) - char_at(a) <= 2 * span)
                    .map(move |&b| (a..b, true))
            })
            .collect();
        if !between.is_empty() {
            return (Some(Near::Both), between);
        }
        let mut regions: Vec<(Range<usize>, bool)> = Vec::new();
        for &a in &after {
            regions.push((a..byte_at(char_at(a) + span), false));
        }
        for &b in &before {
            regions.push((byte_at(char_at(b).saturating_sub(span))..b, false));
        }
        let near = match (after.is_empty(), before.is_empty()) {
            (false, true) => Some(Near::Prefix),
            (true, false) => Some(Near::Suffix),
            (false, false) => Some(Near::Both),
            (true, true) => None,
        };
        (near, regions)
    }

    /// The regions of the text most likely to hold a passage like the quote, by the
    /// character trigrams a window of the quote's length shares with it.
    fn likely_regions(&self, starts: &[usize], quote: &[char]) -> Vec<Range<usize>> {
        let len = quote.len();
        let byte_at = |char: usize| starts.get(char).copied().unwrap_or(self.normal.len());
        if starts.len() <= len {
            return std::iter::once(0..self.normal.len()).collect();
        }
        let n = NGRAM.min(len);
        let key = |gram: &[char]| gram.iter().fold(0u64, |k, &c| k << 21 | u64::from(c));
        // Each distinct gram of the quote gets a number, and how often the quote has it.
        let folded: Vec<char> = quote.iter().map(|&c| case_fold(c)).collect();
        let mut id_of: HashMap<u64, usize> = HashMap::new();
        let mut wanted: Vec<u32> = Vec::new();
        for w in folded.windows(n) {
            let id = *id_of.entry(key(w)).or_insert_with(|| {
                wanted.push(0);
                wanted.len() - 1
            });
            wanted[id] += 1;
        }
        // The text's grams as those numbers (None: not in the quote): one look-up a char,
        // and the sliding window below only counts.
        let text: Vec<char> = self.normal.chars().map(case_fold).collect();
        let grams: Vec<Option<usize>> = text
            .windows(n)
            .map(|w| id_of.get(&key(w)).copied())
            .collect();
        // Window `s` holds the grams that start at chars s .. s + len - n + 1.
        let grams_per_window = len - n + 1;
        let mut have = vec![0u32; wanted.len()];
        let mut shared = 0u32;
        // scores[s]: the grams window `s` shares with the quote.
        let mut scores: Vec<u32> = Vec::with_capacity(grams.len());
        for (k, gram) in grams.iter().enumerate() {
            if let &Some(id) = gram {
                if have[id] < wanted[id] {
                    shared += 1;
                }
                have[id] += 1;
            }
            if let Some(&Some(id)) = k.checked_sub(grams_per_window).map(|out| &grams[out]) {
                have[id] -= 1;
                if have[id] < wanted[id] {
                    shared -= 1;
                }
            }
            if k + 1 >= grams_per_window {
                scores.push(shared);
            }
        }
        // Only windows sharing at least half as much as the best are ranked (and sorted).
        let best = scores.iter().copied().max().unwrap_or(0);
        let mut ranked: Vec<(u32, usize)> = scores
            .iter()
            .enumerate()
            .filter(|&(_, &shared)| shared > 0 && shared * 2 >= best)
            .map(|(start, &shared)| (shared, start))
            .collect();
        ranked.sort_unstable_by_key(|&(shared, start)| (std::cmp::Reverse(shared), start));
        let mut chosen: Vec<usize> = Vec::new();
        for (_, start) in ranked {
            if chosen.len() == regions_for(len) {
                break;
            }
            if chosen.iter().all(|&c| c.abs_diff(start) >= len) {
                chosen.push(start);
            }
        }
        chosen
            .into_iter()
            .map(|s| byte_at(s.saturating_sub(len / 2))..byte_at(s + len + len / 2))
            .collect()
    }

    /// The passage of a region most like the quote: the whole region when `whole`,
    /// else the best substring, widened to whole words.
    fn align(&self, quote: &[char], region: Range<usize>, whole: bool) -> Option<Candidate> {
        let chars: Vec<(usize, char)> = self.normal[region.clone()]
            .char_indices()
            .map(|(i, c)| (region.start + i, as_space(c)))
            .collect();
        let byte_at = |i: usize| chars.get(i).map_or(region.end, |c| c.0);
        let mut range = if whole {
            region.clone()
        } else {
            let text: Vec<char> = chars.iter().map(|c| c.1).collect();
            let (start, end) = best_substring(quote, &text);
            self.whole_words(&(byte_at(start)..byte_at(end)))
        };
        let gap = |c: char| c == ' ' || c == BLOCK_SEPARATOR;
        range.start = range.end - self.normal[range.clone()].trim_start_matches(gap).len();
        range.end = range.start + self.normal[range.clone()].trim_end_matches(gap).len();
        if range.is_empty() {
            return None;
        }
        let passage: Vec<char> = self.normal[range.clone()].chars().map(as_space).collect();
        Some(Candidate {
            distance: edit_distance(quote, &passage),
            range,
        })
    }

    /// Whether some words, as an editor wrote them, occur in the text.
    pub fn contains(&self, words: &str) -> bool {
        let words = normalize(words);
        !words.is_empty() && self.normal.contains(&words)
    }

    /// The words just before and just after a range of the reading text, within its
    /// block: as many as `before` and `after` say.
    pub fn words_around(
        &self,
        text: &Range<usize>,
        before: usize,
        after: usize,
    ) -> (String, String) {
        let Some(normal) = self.to_normal(text.clone()) else {
            return (String::new(), String::new());
        };
        (
            self.as_written(self.words_before(normal.start, before.max(1))),
            self.as_written(self.words_after(normal.end, after.max(1))),
        )
    }

    /// For a quote found at several places, the shortest prefix (words just before) or
    /// suffix (words just after) that singles out each place. `None` for a place no
    /// context of up to eight words tells apart.
    pub fn disambiguate(&self, places: &[Range<usize>]) -> Vec<Option<Context>> {
        self.disambiguate_first(places, places.len())
    }

    /// [`Self::disambiguate`] for only the first `listed` places, each still told apart
    /// from all of them: a quote found thousands of times costs thousands of comparisons
    /// per place listed, not per place found.
    pub fn disambiguate_first(
        &self,
        places: &[Range<usize>],
        listed: usize,
    ) -> Vec<Option<Context>> {
        let normal_places: Vec<Range<usize>> = places
            .iter()
            .filter_map(|p| self.to_normal(p.clone()))
            .collect();
        normal_places
            .iter()
            .take(listed)
            .map(|place| {
                for words in 1..=8 {
                    let before = self.words_before(place.start, words);
                    let prefix = &self.normal[before.clone()];
                    let unique_before = normal_places.iter().filter(|o| {
                        self.normal[..o.start]
                            .trim_end_matches(' ')
                            .ends_with(prefix)
                    });
                    if !prefix.is_empty() && unique_before.count() == 1 {
                        return Some(Context::Prefix(self.as_written(before)));
                    }
                    let after = self.words_after(place.end, words);
                    let suffix = &self.normal[after.clone()];
                    let unique_after = normal_places.iter().filter(|o| {
                        self.normal[o.end..]
                            .trim_start_matches(' ')
                            .starts_with(suffix)
                    });
                    if !suffix.is_empty() && unique_after.count() == 1 {
                        return Some(Context::Suffix(self.as_written(after)));
                    }
                }
                None
            })
            .collect()
    }

    fn to_normal(&self, text: Range<usize>) -> Option<Range<usize>> {
        // `origin` is in text order, so both ends are found by bisection.
        let start = self.origin.partition_point(|o| o.start < text.start);
        let end = self.origin.partition_point(|o| o.end <= text.end);
        (start < end).then_some(start..end)
    }

    /// The last `words` words of the block before `at`: a range of the normalised text.
    fn words_before(&self, at: usize, words: usize) -> Range<usize> {
        let end = self.normal[..at].trim_end_matches(' ').len();
        let before = &self.normal[..end];
        let block = before
            .rfind(BLOCK_SEPARATOR)
            .map_or(0, |i| i + BLOCK_SEPARATOR.len_utf8());
        let start = before[block..]
            .rmatch_indices(' ')
            .nth(words - 1)
            .map_or(0, |(i, _)| i + 1);
        block + start..end
    }

    /// The first `words` words of the block after `at`: a range of the normalised text.
    fn words_after(&self, at: usize, words: usize) -> Range<usize> {
        let start = self.normal.len() - self.normal[at..].trim_start_matches(' ').len();
        let after = &self.normal[start..];
        let block = after.find(BLOCK_SEPARATOR).unwrap_or(after.len());
        let end = after[..block]
            .match_indices(' ')
            .nth(words - 1)
            .map_or(block, |(i, _)| i);
        start..start + end
    }

    /// Words of the normalised text as the author wrote them (an Arabic text's own yeh,
    /// a decomposed letter as it is), each run of white space one space: words to show
    /// an editor, which match where the normalised ones do.
    fn as_written(&self, normal: Range<usize>) -> String {
        if normal.is_empty() {
            return String::new();
        }
        let text = &self.document.text[self.to_text(normal)];
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_whitespace() {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}

/// A word diff of `from` to `to`, marking words taken out `[-so-]` and put in `{+so+}`
/// (as `git diff --word-diff` does). Words are compared in their matching form, so a
/// straight quote against a curly one, or a composed letter against a decomposed one, is
/// no difference; an invisible character in a word that differs is written out by name.
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
            out.push(format!("[-{}-]", super::fold::show_invisible(a[i])));
            i += 1;
        } else {
            out.push(format!("{{+{}+}}", super::fold::show_invisible(b[j])));
            j += 1;
        }
    }
    out.join(" ")
}

/// How the names of a language's texts can be told from other words, for the warning
/// about names no gloss covers (W0204).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// Capital letters mark names (and the first word of a sentence): English, French,
    /// Russian…
    Capitals,
    /// Every noun is capitalised (German): only a run of two or more capitalised words
    /// is taken for a name ("Angela Merkel", "Deutscher Bundestag").
    CapitalRuns,
    /// The script has no capital letters (Arabic, Persian, Hebrew, Chinese, Japanese,
    /// Korean, Thai, the scripts of India…): names cannot be told, and none is reported.
    Off,
}

/// The [`NameRule`] of a language, from its BCP 47 tag (`en`, `de-AT`, `fa-IR`,
/// `zh-Hans`, `az-Arab`): a script subtag wins over the language's usual script.
/// A language not listed is taken to capitalise names, as English does.
pub fn name_rule(lang: &str) -> NameRule {
    let mut subtags = lang.split(['-', '_']);
    let language = subtags.next().unwrap_or("").to_ascii_lowercase();
    if NOUN_CAPITALISING.contains(&language.as_str()) {
        return NameRule::CapitalRuns;
    }
    let script = subtags
        .take_while(|s| s.len() != 1)
        .find(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic()));
    let caseless = match script {
        Some(script) => !CASED_SCRIPTS.iter().any(|c| c.eq_ignore_ascii_case(script)),
        None => CASELESS_LANGUAGES.contains(&language.as_str()),
    };
    if caseless {
        NameRule::Off
    } else {
        NameRule::Capitals
    }
}

/// Whether capital letters alone mark a language's names (English yes; German, whose
/// nouns are all capitalised, and caseless scripts such as Persian or Chinese, no).
pub fn capitalises_names(lang: &str) -> bool {
    name_rule(lang) == NameRule::Capitals
}

/// Languages that capitalise every noun.
const NOUN_CAPITALISING: &[&str] = &["de", "gsw", "lb", "nds", "bar"];

/// Scripts with capital letters (ISO 15924): Latin, Cyrillic, Greek, Armenian, Coptic,
/// Glagolitic, Deseret, Adlam, Cherokee (Osage, Warang Citi: rare, left out).
const CASED_SCRIPTS: &[&str] = &[
    "Latn", "Cyrl", "Grek", "Armn", "Copt", "Glag", "Dsrt", "Adlm", "Cher",
];

/// Languages written by default in a script without case.
const CASELESS_LANGUAGES: &[&str] = &[
    // Arabic script.
    "ar", "fa", "ur", "ps", "sd", "ug", "ckb", "prs", "pnb", "ks", // Hebrew script.
    "he", "yi", "iw", "lad", // Han, kana, hangul.
    "zh", "ja", "ko", "yue", "wuu", "hak", "nan", "cmn", "lzh",
    // Scripts of South and South-East Asia, Ethiopia, Georgia, Tibet, the Maldives.
    "hi", "bn", "pa", "gu", "or", "ta", "te", "kn", "ml", "si", "mr", "ne", "sa", "as", "th", "lo",
    "km", "my", "bo", "dz", "am", "ti", "ka", "dv", "syr",
];

/// Lowercase words that may stand inside a name.
const NAME_PARTICLES: &[&str] = &[
    "of", "the", "de", "del", "la", "le", "du", "da", "von", "van", "der", "al", "bin", "ibn",
];

/// Lowercase words that may stand inside a name where every noun is capitalised.
const NOUN_NAME_PARTICLES: &[&str] = &["von", "vom", "zu", "van", "de"];

/// Words that open a German sentence, capitalised there only: articles, pronouns,
/// prepositions and conjunctions.
const NOUN_SENTENCE_OPENERS: &[&str] = &[
    "Der", "Die", "Das", "Ein", "Eine", "Einer", "Eines", "Einem", "Einen", "Dem", "Den", "Des",
    "Im", "Am", "Zum", "Zur", "Vom", "Beim", "Ins", "Es", "Er", "Sie", "Wir", "Ich", "Ihr", "Man",
    "Auch", "Nach", "Vor", "Mit", "Bei", "Um", "Auf", "Aus", "In", "An", "Für", "Von", "Zu",
    "Seit", "Unter", "Über", "Durch", "Gegen", "Als", "Wenn", "Dass", "Doch", "Aber", "Und",
    "Oder", "So", "Da", "Dann", "Diese", "Dieser", "Dieses", "Jede", "Jeder", "Jedes", "Kein",
    "Keine", "Alle", "Viele", "Heute", "Gestern", "Morgen",
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
    /// Edits (characters put in, taken out or changed) from the quote to the passage.
    pub distance: usize,
    /// Whether it is the one best match: every passage elsewhere is less alike.
    pub clear: bool,
    /// Whether it was found next to the selector's prefix or suffix, and which.
    pub near: Option<Near>,
}

/// Which context a passage was found next to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Near {
    /// Right after the prefix.
    Prefix,
    /// Right before the suffix.
    Suffix,
    /// Between the prefix and the suffix (or next to both).
    Both,
}

/// Places next to a prefix or suffix looked at, at most, for each.
const CONTEXT_PLACES: usize = 16;
/// Regions aligned with a quote in the search for the closest passage.
const CANDIDATES: usize = 8;
/// Cells of edit-distance table the closest-passage search may fill for the windows it
/// aligns; a very long quote gets fewer candidate regions (at least one).
const ALIGN_BUDGET: usize = 4_000_000;

/// How many candidate regions a quote of `chars` characters is aligned in.
fn regions_for(chars: usize) -> usize {
    // A region is about twice the quote's length.
    (ALIGN_BUDGET / (2 * chars * chars).max(1)).clamp(1, CANDIDATES)
}

/// The length of the character n-grams windows are ranked by.
const NGRAM: usize = 3;

/// A passage of the normalised text and its edit distance to the quote.
struct Candidate {
    range: Range<usize>,
    distance: usize,
}

/// The best candidate, and whether every candidate elsewhere is worse (its range still
/// of the normalised text).
fn pick(quote: &[char], mut found: Vec<Candidate>) -> Option<Closest> {
    found.sort_by_key(|c| (c.distance, c.range.start));
    let best = found.first()?;
    let clear = found
        .iter()
        .filter(|c| c.range.end <= best.range.start || best.range.end <= c.range.start)
        .all(|c| c.distance > best.distance);
    let similarity = 1.0 - best.distance as f64 / quote.len().max(1) as f64;
    Some(Closest {
        range: best.range.clone(),
        similarity: similarity.max(0.0),
        distance: best.distance,
        clear,
        near: None,
    })
}

/// A block separator matches as the space a reader sees there.
fn as_space(c: char) -> char {
    if c == BLOCK_SEPARATOR { ' ' } else { c }
}

/// The form a character is compared in when windows are ranked: case does not matter.
fn case_fold(c: char) -> char {
    as_space(c).to_lowercase().next().unwrap_or(c)
}

/// The substring of `text` closest to `quote` by edit distance, with free ends
/// (Sellers' algorithm): its start and end, in characters of `text`. Each cell carries
/// where its alignment began, so one pass finds both ends.
fn best_substring(quote: &[char], text: &[char]) -> (usize, usize) {
    let mut previous: Vec<(usize, usize)> = (0..=text.len()).map(|j| (0, j)).collect();
    let mut current = vec![(0, 0); text.len() + 1];
    for (i, &q) in quote.iter().enumerate() {
        current[0] = (i + 1, 0);
        for (j, &t) in text.iter().enumerate() {
            let change = (previous[j].0 + usize::from(q != t), previous[j].1);
            let skip_quote = (previous[j + 1].0 + 1, previous[j + 1].1);
            let skip_text = (current[j].0 + 1, current[j].1);
            current[j + 1] = if change.0 <= skip_quote.0 && change.0 <= skip_text.0 {
                change
            } else if skip_quote.0 <= skip_text.0 {
                skip_quote
            } else {
                skip_text
            };
        }
        std::mem::swap(&mut previous, &mut current);
    }
    let (end, &(_, start)) = previous
        .iter()
        .enumerate()
        .min_by_key(|(_, (distance, _))| *distance)
        .expect("at least one column");
    (start, end)
}

/// Context that singles out one place of a repeated quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    Prefix(String),
    Suffix(String),
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

    /// The text a quote resolves to, if one place.
    fn found_text(markdown: &str, quote: &str) -> Option<String> {
        let (doc, text) = index(markdown);
        match TextIndex::new(&doc)
            .resolve(&[Selector {
                quote,
                prefix: None,
                suffix: None,
            }])
            .remove(0)
        {
            Resolution::Found(r) => Some(text[r].to_owned()),
            _ => None,
        }
    }

    #[test]
    fn a_quote_in_one_normalisation_finds_text_in_the_other() {
        // Text decomposed (NFD), quote composed (NFC), and the other way round: the mark
        // covers the author's bytes as written.
        assert_eq!(
            found_text("Die Stra\u{df}e der Bu\u{308}rger.", "Straße der Bürger").as_deref(),
            Some("Stra\u{df}e der Bu\u{308}rger")
        );
        assert_eq!(
            found_text("Ein Café für alle.", "Cafe\u{301} fu\u{308}r").as_deref(),
            Some("Café für")
        );
        // A decomposed letter is one letter: its base alone is inside the word.
        assert_eq!(found_text("Cafe\u{301} noir", "Cafe"), None);
    }

    #[test]
    fn a_quote_typed_on_an_arabic_keyboard_finds_persian_text() {
        let text = "رهبر گفت که کتاب\u{200c}ها را می\u{200c}خواند.";
        // Arabic yeh and kaf for the Persian ones.
        assert_eq!(
            found_text(text, "كتاب\u{200c}ها را مي\u{200c}خواند").as_deref(),
            Some("کتاب\u{200c}ها را می\u{200c}خواند")
        );
        // Harakat and tatweel in the text, none in the quote, and the other way round.
        assert_eq!(
            found_text("سخنِ رهبـــر امروز", "سخن رهبر").as_deref(),
            Some("سخنِ رهبـــر")
        );
        assert_eq!(
            found_text("سخن رهبر امروز", "سخَن رهـبر").as_deref(),
            Some("سخن رهبر")
        );
    }

    #[test]
    fn a_form_is_not_found_inside_a_word_joined_by_a_non_joiner() {
        let (doc, text) = index("سخنان خامنه\u{200c}ای و خامنه امروز");
        let idx = TextIndex::new(&doc);
        let found = idx.find_terms(&["خامنه"]);
        assert_eq!(found.len(), 1, "{found:?}");
        let at = text.rfind("خامنه").unwrap();
        assert_eq!(found[0].1, at..at + "خامنه".len());
        let found = idx.find_terms(&["خامنه\u{200c}ای"]);
        assert_eq!(text[found[0].1.clone()].to_owned(), "خامنه\u{200c}ای");
    }

    #[test]
    fn chinese_and_japanese_terms_are_found_without_spaces() {
        let (doc, text) = index("习近平在北京会见了来访的客人。東京タワーは東京都港区にある。");
        let idx = TextIndex::new(&doc);
        let forms = ["习近平", "北京", "東京", "港区", "タワー"];
        let found: Vec<&str> = idx
            .find_terms(&forms)
            .iter()
            .map(|(_, r)| &text[r.clone()])
            .collect();
        assert_eq!(
            found,
            vec!["习近平", "北京", "東京", "タワー", "東京", "港区"]
        );
        // A katakana run is one word (UAX #29): part of it is not a term.
        assert!(idx.find_terms(&["タワ"]).is_empty());
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
        assert_eq!(
            word_diff("Café noir", "Cafe\u{301} noir"),
            "Cafe\u{301} noir"
        );
        assert_eq!(
            word_diff("میخواهم", "می\u{200c}خواهم"),
            "[-میخواهم-] {+می⟨U+200C ZERO WIDTH NON-JOINER⟩خواهم+}"
        );
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

    type Chosen = Vec<(usize, Range<usize>)>;
    type Hidden = Vec<(usize, Range<usize>, usize)>;

    /// `find_sets` over two sets, as (form index in the two lists joined, range, by).
    fn in_two_sets(idx: &TextIndex, shared: &[&str], own: &[&str]) -> (Chosen, Hidden) {
        let sets = [
            Terms::new(shared, Some(AhoCorasickKind::DFA)),
            Terms::new(own, None),
        ];
        let found = idx.find_sets(&[&sets[0], &sets[1]]);
        let joined = |(s, f): FormId| if s == 0 { f } else { shared.len() + f };
        (
            found
                .chosen
                .into_iter()
                .map(|(id, r)| (joined(id), r))
                .collect(),
            found
                .hidden
                .into_iter()
                .map(|(id, r, by)| (joined(id), r, by))
                .collect(),
        )
    }

    #[test]
    fn a_longer_own_form_wins_over_shared_forms_it_overlaps() {
        // Shared alone would choose `Roman` and then `Empire fell`; with the reading's
        // `Roman Empire` the one leftmost-longest choice takes `Roman Empire` first.
        let (doc, text) = index("When the Roman Empire fell, Rome stood.");
        let idx = TextIndex::new(&doc);
        let (chosen, hidden) =
            in_two_sets(&idx, &["Roman", "Empire fell", "Rome"], &["Roman Empire"]);
        let words: Vec<(usize, &str)> =
            chosen.iter().map(|(f, r)| (*f, &text[r.clone()])).collect();
        assert_eq!(words, vec![(3, "Roman Empire"), (2, "Rome")]);
        let hidden: Vec<(usize, &str)> = hidden
            .iter()
            .map(|(f, r, _)| (*f, &text[r.clone()]))
            .collect();
        assert_eq!(hidden, vec![(0, "Roman")]);
    }

    #[test]
    fn a_longer_shared_form_wins_over_an_own_form_it_covers() {
        let (doc, text) = index("The Beirut barracks bombing shook Beirut.");
        let idx = TextIndex::new(&doc);
        let (chosen, hidden) = in_two_sets(&idx, &["Beirut barracks bombing"], &["Beirut"]);
        let words: Vec<(usize, &str)> =
            chosen.iter().map(|(f, r)| (*f, &text[r.clone()])).collect();
        assert_eq!(words, vec![(0, "Beirut barracks bombing"), (1, "Beirut")]);
        assert_eq!(hidden.len(), 1);
        assert_eq!(
            (hidden[0].0, &text[hidden[0].1.clone()], hidden[0].2),
            (1, "Beirut", 0)
        );
    }

    proptest::proptest! {
        /// Two sets found together give what one automaton over both lists gives.
        #[test]
        fn sets_found_together_equal_one_automaton_over_all_forms(
            words in proptest::collection::vec(0usize..6, 1..40),
            forms in proptest::collection::vec(proptest::collection::vec(0usize..6, 1..4), 1..8),
            split in 0usize..8,
        ) {
            const WORDS: [&str; 6] = ["Rome", "Roman", "Empire", "fell", "Rome’s", "the"];
            let text: Vec<&str> = words.iter().map(|&w| WORDS[w]).collect();
            let (doc, _) = index(&text.join(" "));
            let idx = TextIndex::new(&doc);
            // Distinct forms, as the index gives them (one gloss per form).
            let mut all: Vec<String> = Vec::new();
            for f in forms {
                let form = f.iter().map(|&w| WORDS[w]).collect::<Vec<_>>().join(" ");
                if !all.iter().any(|a| normalize(a) == normalize(&form)) {
                    all.push(form);
                }
            }
            let all: Vec<&str> = all.iter().map(String::as_str).collect();
            let (shared, own) = all.split_at(split.min(all.len()));
            let one = idx.find_terms(&all);
            let one_hidden = idx.hidden_terms(&all, &one);
            let (chosen, hidden) = in_two_sets(&idx, shared, own);
            proptest::prop_assert_eq!(chosen, one);
            proptest::prop_assert_eq!(hidden, one_hidden);
        }
    }

    #[test]
    fn each_language_has_its_rule_for_names() {
        for (lang, rule) in [
            ("en", NameRule::Capitals),
            ("en-GB", NameRule::Capitals),
            ("fr", NameRule::Capitals),
            ("ru", NameRule::Capitals),
            ("xx", NameRule::Capitals),
            ("de", NameRule::CapitalRuns),
            ("de-AT", NameRule::CapitalRuns),
            ("DE_ch", NameRule::CapitalRuns),
            ("fa", NameRule::Off),
            ("fa-IR", NameRule::Off),
            ("ar", NameRule::Off),
            ("he", NameRule::Off),
            ("zh-Hans", NameRule::Off),
            ("ja", NameRule::Off),
            ("az-Arab", NameRule::Off),
            ("az-Latn", NameRule::Capitals),
            ("sr-Cyrl", NameRule::Capitals),
            ("zh-Latn-pinyin", NameRule::Capitals),
            ("", NameRule::Capitals),
        ] {
            assert_eq!(name_rule(lang), rule, "{lang:?}");
        }
        assert!(capitalises_names("en") && !capitalises_names("de") && !capitalises_names("fa"));
    }

    #[test]
    fn a_german_text_reports_runs_of_capitalised_words_only() {
        let (doc, text) = index(
            "Die Bürger der Stadt sprachen mit Angela Merkel über das Grundgesetz. \
             Der Deutsche Bundestag tagte im Reichstag. Berlin Mitte war ruhig. \
             Otto von Bismarck schrieb.",
        );
        let idx = TextIndex::new(&doc);
        let names: Vec<&str> = idx
            .names_outside(&[], NameRule::CapitalRuns)
            .iter()
            .map(|r| &text[r.clone()])
            .collect();
        assert_eq!(
            names,
            vec![
                "Angela Merkel",
                "Deutsche Bundestag",
                "Berlin Mitte",
                "Otto von Bismarck"
            ]
        );
        // The English rule would take every noun for a name.
        assert!(idx.names_outside(&[], NameRule::Capitals).len() > 4);
    }

    #[test]
    fn a_caseless_text_reports_no_names() {
        let (doc, _) = index("Tehran. رهبر در تهران با Ali Khamenei سخن گفت.");
        let idx = TextIndex::new(&doc);
        assert!(idx.names_outside(&[], NameRule::Off).is_empty());
    }

    #[test]
    fn names_outside_glosses_leave_out_sentence_openers() {
        let (doc, text) = index(
            "The talks in Geneva began. Baker met Tariq Aziz on Thursday. The Battle of Zama ended it.",
        );
        let idx = TextIndex::new(&doc);
        let names: Vec<&str> = idx
            .names_outside(&[], NameRule::Capitals)
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
            .names_outside(&covered, NameRule::Capitals)
            .iter()
            .map(|r| &text[r.clone()])
            .collect();
        assert_eq!(names, vec!["Tariq Aziz", "Thursday", "Battle of Zama"]);
    }

    #[test]
    fn a_name_is_left_out_when_any_covered_range_overlaps_it() {
        let (doc, text) =
            index("we met Ada Lovelace and Charles Babbage and Mary Somerville there.");
        let idx = TextIndex::new(&doc);
        let at = |word: &str| {
            let start = text.find(word).unwrap();
            start..start + word.len()
        };
        // Unsorted, nested and partial overlaps; "Mary Somerville" is untouched.
        let covered = vec![
            at("Babbage"),
            at("Ada"),
            at("Charles Babbage and"),
            at("we"),
        ];
        let names: Vec<&str> = idx
            .names_outside(&covered, NameRule::Capitals)
            .iter()
            .map(|r| &text[r.clone()])
            .collect();
        assert_eq!(names, vec!["Mary Somerville"]);
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
    fn the_closest_passage_is_a_range_of_the_reading_text_not_the_normalised_one() {
        // Curly quotes, a dash and doubled spaces shift the normalised text.
        let (doc, text) = index("He said “never” — and  Rome   ruled the sea. Then peace.");
        let idx = TextIndex::new(&doc);
        let closest = idx.closest("Rome rules the sea").unwrap();
        assert_eq!(&text[closest.range], "Rome   ruled the sea");
        assert_eq!(closest.distance, 1);
    }

    #[test]
    fn the_closest_passage_is_looked_for_next_to_the_context_first() {
        let (doc, text) = index("Rome ruled the sea for a while. Then Carthage ruled the Sea.");
        let idx = TextIndex::new(&doc);
        let selector = |prefix, suffix| Selector {
            quote: "ruled the sea",
            prefix,
            suffix,
        };
        for (prefix, suffix, near) in [
            (Some("Carthage"), None, Near::Prefix),
            (None, Some("."), Near::Suffix),
            (Some("Carthage"), Some("."), Near::Both),
        ] {
            let closest = idx.closest_to(&selector(prefix, suffix)).unwrap();
            assert_eq!(
                &text[closest.range.clone()],
                "ruled the Sea",
                "{prefix:?} {suffix:?}"
            );
            assert_eq!(closest.near, Some(near));
        }
        // Without context, the exact words after "Rome" are the closest.
        let closest = idx.closest_to(&selector(None, None)).unwrap();
        assert_eq!(closest.range.start, text.find("ruled").unwrap());
        assert_eq!(closest.near, None);
    }

    #[test]
    fn a_closest_passage_may_run_into_the_next_block() {
        let (doc, text) = index("One two three.\n\nFour five six.");
        let idx = TextIndex::new(&doc);
        let closest = idx.closest("three. Four").unwrap();
        assert_eq!(&text[closest.range], "three.\u{2029}Four");
        assert_eq!(closest.distance, 0);
    }

    #[test]
    fn quotes_and_terms_start_and_end_on_word_boundaries() {
        let (doc, text) =
            index("be dedicated here; dedicate it. Rome’s cafe\u{301}, l’homme, 42.5");
        let idx = TextIndex::new(&doc);
        let found = |quote| {
            idx.resolve(&[Selector {
                quote,
                prefix: None,
                suffix: None,
            }])
            .remove(0)
        };
        let at = |word: &str| {
            let start = text.find(word).unwrap();
            start..start + word.len()
        };
        assert_eq!(
            found("dedicate"),
            Resolution::Found(at("dedicate it").start..at("dedicate it").start + 8)
        );
        assert_eq!(found("cafe"), Resolution::NotFound);
        assert_eq!(found("42"), Resolution::NotFound, "a number is one word");
        assert_eq!(found("homme"), Resolution::Found(at("homme")));
        assert_eq!(found("Rome"), Resolution::Found(at("Rome")));
        let cut = idx.inside_words(&Selector {
            quote: "dedicate",
            prefix: Some("be"),
            suffix: None,
        });
        assert_eq!(cut, vec![(at("dedicate"), at("dedicated"))]);
        let terms = idx.find_terms(&["cafe", "Rome", "dedicate"]);
        let terms: Vec<&str> = terms.iter().map(|(_, r)| &text[r.clone()]).collect();
        assert_eq!(terms, vec!["dedicate", "Rome"]);
    }

    #[test]
    fn word_boundaries_hold_in_other_scripts_and_at_punctuation() {
        let (doc, text) = index(
            "Он сказал «мир». می\u{200c}خواهم بروم. 北京大学在北京。 A well-known “quote”, said he.",
        );
        let idx = TextIndex::new(&doc);
        let found = |quote| match idx
            .resolve(&[Selector {
                quote,
                prefix: None,
                suffix: None,
            }])
            .remove(0)
        {
            Resolution::Found(r) => Some(text[r].to_owned()),
            _ => None,
        };
        assert_eq!(found("сказал").as_deref(), Some("сказал"));
        assert_eq!(found("сказа"), None, "inside a Cyrillic word");
        assert_eq!(found("«мир»").as_deref(), Some("«мир»"));
        assert_eq!(found("می"), None, "a joiner keeps the Persian word whole");
        assert_eq!(found("می\u{200c}خواهم").as_deref(), Some("می\u{200c}خواهم"));
        // Ideographs are words of their own: a CJK quote is found between them.
        assert_eq!(found("大学").as_deref(), Some("大学"));
        // A hyphen and quotation marks stand between words.
        assert_eq!(found("well").as_deref(), Some("well"));
        assert_eq!(found("\"quote\", said").as_deref(), Some("“quote”, said"));
    }

    proptest::proptest! {
        /// A few quotes looked for one by one are found where one automaton finds them.
        #[test]
        fn each_quote_alone_is_found_where_an_automaton_finds_it(
            text in "[ab é]{0,60}",
            patterns in proptest::collection::vec("[ab é]{1,4}", 0..6),
        ) {
            let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                places_each(&text, &patterns),
                places_at_once(&text, &patterns)
            );
        }
    }

    /// Every place of a quote counts, those that overlap another too, and quotes of one
    /// batch that share words or repeat are each found as if alone.
    #[test]
    fn overlapping_places_and_shared_words_are_all_found() {
        let (doc, text) = index("ha ha ha, said the lantern; the lantern, the lantern.");
        let idx = TextIndex::new(&doc);
        let at = |n: usize, of: &str| {
            let start = text.match_indices(of).nth(n).unwrap().0;
            start..start + of.len()
        };
        let quote = |quote| Selector {
            quote,
            prefix: None,
            suffix: None,
        };
        let found = idx.resolve(&[
            quote("ha ha"),
            quote("the lantern"),
            quote("lantern, the lantern"),
            quote("the lantern"),
            quote("said the"),
            quote("an"),
        ]);
        assert_eq!(
            found,
            vec![
                // The two places of "ha ha" in "ha ha ha" overlap.
                Resolution::Ambiguous(vec![0..5, 3..8]),
                Resolution::Ambiguous(vec![
                    at(0, "the lantern"),
                    at(1, "the lantern"),
                    at(2, "the lantern")
                ]),
                Resolution::Found(at(0, "lantern, the lantern")),
                Resolution::Ambiguous(vec![
                    at(0, "the lantern"),
                    at(1, "the lantern"),
                    at(2, "the lantern")
                ]),
                Resolution::Found(at(0, "said the")),
                // Inside words only.
                Resolution::NotFound,
            ]
        );
    }

    #[test]
    fn the_context_suggested_is_as_the_author_wrote_it() {
        // An Arabic text keeps its own yeh (matching folds it to the Persian one); a
        // curly apostrophe stays curly.
        let (doc, _) = index("قال علي كلمة. وقال عمر كلمة. It’s here. It’s there.");
        let idx = TextIndex::new(&doc);
        let Resolution::Ambiguous(places) = idx
            .resolve(&[Selector {
                quote: "كلمة",
                prefix: None,
                suffix: None,
            }])
            .remove(0)
        else {
            panic!()
        };
        assert_eq!(
            idx.disambiguate(&places),
            vec![
                Some(Context::Prefix("علي".into())),
                Some(Context::Prefix("عمر".into()))
            ]
        );
        let Resolution::Ambiguous(places) = idx
            .resolve(&[Selector {
                quote: "It's",
                prefix: None,
                suffix: None,
            }])
            .remove(0)
        else {
            panic!()
        };
        // The Arabic kaf before the first, as written.
        assert_eq!(
            idx.disambiguate(&places)[0],
            Some(Context::Prefix("كلمة.".into()))
        );
        assert_eq!(
            idx.words_around(&places[1], 2, 1),
            ("It’s here.".to_owned(), "there.".to_owned())
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
