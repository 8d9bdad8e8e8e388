//! Mention: gloss forms found in each reading, the fourth step of [`super::index`].
//!
//! 1. [`Glossary::build`], once per build: the shared glosses' forms, each claimed by one
//!    gloss, compiled into one Aho-Corasick DFA; the shared `unglossed` names.
//! 2. [`Glossary::mentions`], for each reading on its own (in parallel): the reading's own
//!    forms compiled into a small automaton; both searched, and one leftmost-longest
//!    choice made over the two ([`TextIndex::find_sets`]), so that a shared form and an
//!    overlapping own form are decided as if in one automaton. Then the glosses hidden
//!    inside longer forms (W0203) and the names no gloss covers (W0204), told by the
//!    rule of the site's language ([`name_rule`]).
//!
//! Nothing done for a reading depends on the size of the shared files: the shared
//! automaton and names are built once, and a reading looks at its own glosses only.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use aho_corasick::AhoCorasickKind;

use super::define::Registry;
use super::explain::text_location;
use crate::annotations::anchor::{FormId, Terms, TextIndex, name_rule, normalize};
use crate::annotations::fold::{Difference, differs_only_in, show_invisible};
use crate::annotations::model::Gloss;
use crate::diagnostics::Diagnostic;
use crate::yaml::Spanned;

/// The shared glosses, ready to be found in every reading.
pub struct Glossary {
    /// Every form of the shared glosses, normalised → the gloss that claims it.
    claimed: HashMap<String, usize>,
    /// The shared forms, compiled once.
    terms: Terms,
    /// For each shared form given to `terms`, its gloss.
    form_owner: Vec<usize>,
    /// The shared files' `unglossed` names, normalised.
    unglossed: HashSet<String>,
}

/// What one reading's text holds of the glosses.
pub struct Mentions {
    /// (gloss, range of the reading text), in text order.
    pub found: Vec<(usize, Range<usize>)>,
    /// Glosses reported (W0203) as hidden inside longer forms: not reported again as absent.
    pub never_marked: Vec<usize>,
    pub problems: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl Glossary {
    /// Claims the shared forms (a form claimed twice is reported once, here) and compiles
    /// them.
    pub fn build(registry: &mut Registry) -> Glossary {
        let mut claimed = HashMap::new();
        let mut forms = Vec::new();
        let mut form_owner = Vec::new();
        let mut problems = Vec::new();
        let shared = (0..registry.glosses.len()).filter(|&g| registry.glosses[g].owner.is_none());
        for g in shared {
            claim(
                registry,
                g,
                &mut claimed,
                &HashMap::new(),
                &mut forms,
                &mut form_owner,
                &mut problems,
            );
        }
        // A DFA: built once (tens of milliseconds for thousands of forms), it scans every
        // reading about three times faster than the default NFA.
        let terms = Terms::new(&forms, Some(AhoCorasickKind::DFA));
        let unglossed = registry
            .files
            .iter()
            .filter(|(owner, _)| owner.is_none())
            .flat_map(|(_, a)| a.file.unglossed.iter())
            .map(|n| normalize(&n.value))
            .collect();
        registry.problems.extend(problems);
        Glossary {
            claimed,
            terms,
            form_owner,
            unglossed,
        }
    }

    pub fn mentions(&self, registry: &Registry, r: usize, text: &TextIndex) -> Mentions {
        let document = text.document;
        let reading = &registry.site.readings[r];
        let glosses = &registry.glosses;
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let mut own_claimed = HashMap::new();
        let mut own_forms = Vec::new();
        let mut own_owner = Vec::new();
        for &g in &registry.own_glosses[r] {
            claim(
                registry,
                g,
                &mut own_claimed,
                &self.claimed,
                &mut own_forms,
                &mut own_owner,
                &mut problems,
            );
        }
        // A reading's own few forms, searched once in its text: a contiguous NFA is built
        // in a fraction of a DFA's time, and one text is too short for the DFA's speed to
        // pay for it (the crate's own choice for a few patterns is a DFA).
        let own = Terms::new(&own_forms, Some(AhoCorasickKind::ContiguousNFA));
        let found = text.find_sets(&[&self.terms, &own]);
        let owner = |(set, form): FormId| {
            if set == 0 {
                self.form_owner[form]
            } else {
                own_owner[form]
            }
        };

        // A gloss whose forms occur only inside longer forms of other glosses is never
        // marked in this reading: say so. (A form hidden in one place but marked in
        // another is what leftmost-longest is for.)
        let marked: HashSet<usize> = found.chosen.iter().map(|(f, _)| owner(*f)).collect();
        let mut never_marked: Vec<usize> = Vec::new();
        for (form, _, by) in &found.hidden {
            let (hidden, winner) = (owner(*form), owner(found.chosen[*by].0));
            if hidden == winner || marked.contains(&hidden) || never_marked.contains(&hidden) {
                continue;
            }
            never_marked.push(hidden);
            let longer = &found.chosen[*by].1;
            warnings.push(
                Diagnostic::warning(
                    "W0203",
                    format!(
                        "the gloss `{}` is never marked in `{}`: its form occurs only inside `{}` (gloss `{}`)",
                        glosses[hidden].id,
                        reading.slug,
                        &document.text[longer.clone()],
                        glosses[winner].id
                    ),
                )
                .at(text_location(reading, document, longer), "the longer form wins here")
                .help("narrow the longer gloss's `match:` forms, or add a form of this gloss that the text uses elsewhere"),
            );
        }

        let covered: Vec<Range<usize>> = found.chosen.iter().map(|(_, r)| r.clone()).collect();
        let own_unglossed: HashSet<String> = reading
            .annotations
            .iter()
            .flat_map(|a| a.file.unglossed.iter())
            .map(|n| normalize(&n.value))
            .collect();
        // Each name once, in the order it first occurs, with how often it occurs.
        let mut uncovered: Vec<(&str, Range<usize>, usize)> = Vec::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        // The rule of the text's language: a German text capitalises every noun, a
        // Persian or Chinese one has no capitals at all.
        let rule = name_rule(text_language(registry, r));
        for name in text.names_outside(&covered, rule) {
            let words = &document.text[name.clone()];
            if let Some(&u) = seen.get(words) {
                uncovered[u].2 += 1;
                continue;
            }
            let normal = normalize(words);
            if self.unglossed.contains(&normal) || own_unglossed.contains(&normal) {
                continue;
            }
            seen.insert(words, uncovered.len());
            uncovered.push((words, name, 1));
        }
        for (words, first, count) in uncovered {
            let times = if count > 1 {
                format!(" ({count} times)")
            } else {
                String::new()
            };
            warnings.push(
                Diagnostic::warning("W0204", format!("`{words}` is not glossed{times}"))
                    .at(
                        text_location(reading, document, &first),
                        "no gloss covers this name",
                    )
                    .help(
                        "gloss it, or list it under `unglossed:` in the reading's annotations.yaml",
                    ),
            );
        }
        let found = found
            .chosen
            .into_iter()
            .map(|(f, range)| (owner(f), range))
            .collect();
        Mentions {
            found,
            never_marked,
            problems,
            warnings,
        }
    }
}

/// The language a reading's text is written in, for telling its names (W0204): its own
/// `language:` in front matter where it gives one, else the site's.
fn text_language<'s>(registry: &Registry<'s>, reading: usize) -> &'s str {
    let site = registry.site;
    site.readings[reading]
        .meta
        .language
        .as_ref()
        .map_or_else(|| site.config.language(), |l| l.value.as_str())
}

/// Claims the forms of gloss `g` in `claimed`, unless `claimed` or `before` (the forms
/// claimed by an earlier set) holds them already: a form points to one gloss.
fn claim<'s>(
    registry: &Registry<'s>,
    g: usize,
    claimed: &mut HashMap<String, usize>,
    before: &HashMap<String, usize>,
    forms: &mut Vec<&'s str>,
    form_owner: &mut Vec<usize>,
    problems: &mut Vec<Diagnostic>,
) {
    for form in gloss_forms(registry.glosses[g].gloss) {
        let normal = normalize(form.value);
        if let Some(&other) = before.get(&normal).or_else(|| claimed.get(&normal)) {
            if other != g {
                problems.push(duplicate_form(registry, g, other, &form));
            }
            continue;
        }
        claimed.insert(normal, g);
        forms.push(form.value);
        form_owner.push(g);
    }
}

/// The forms a gloss is found by: its `match` list, or its term.
pub fn gloss_forms(gloss: &Gloss) -> Vec<Spanned<&str>> {
    if gloss.forms.is_empty() {
        vec![Spanned::new(
            gloss.term.value.as_str(),
            gloss.term.referenced,
            gloss.term.defined,
        )]
    } else {
        gloss
            .forms
            .iter()
            .map(|f| Spanned::new(f.value.as_str(), f.referenced, f.defined))
            .collect()
    }
}

fn duplicate_form(registry: &Registry, g: usize, other: usize, form: &Spanned<&str>) -> Diagnostic {
    let glosses = &registry.glosses;
    let locator = registry.gloss_locator(g);
    let location = crate::diagnostics::Location::new(&locator.file, {
        let l = locator.locate(&Spanned::new((), form.referenced, form.defined));
        l.range
    });
    let d = Diagnostic::error(
        "E0113",
        format!(
            "the form `{}` of gloss `{}` is also a form of gloss `{}`",
            form.value, glosses[g].id, glosses[other].id
        ),
    )
    .at(location, "claimed twice");
    // Two spellings that match as one (NFC, an Arabic keyboard's letters): say so, or
    // the two forms look different.
    let normal = normalize(form.value);
    let theirs = gloss_forms(glosses[other].gloss)
        .into_iter()
        .find(|f| normalize(f.value) == normal && f.value != form.value);
    let d = match theirs {
        Some(theirs) => {
            let how = match differs_only_in(form.value, theirs.value) {
                Some(Difference::Normalisation) => {
                    "they differ only in Unicode normalisation (NFC, NFD), which matching ignores"
                }
                _ => {
                    "text is compared in Unicode NFC, with Arabic and Persian yeh and kaf alike and vowel signs and tatweel left out (docs/annotations.md)"
                }
            };
            d.help(format!(
                "`{}` and `{}` are one form: {how}",
                show_invisible(form.value),
                show_invisible(theirs.value)
            ))
        }
        None => d,
    };
    d.help("a form can point to one gloss only; remove it from one of the two, or use `see:` to link them")
}
