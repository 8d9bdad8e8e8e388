//! Define: Site → [`Registry`], the first step of [`super::index`].
//!
//! 1. Take each reading's Markdown parsed (once, in parallel: [`super::index_with`]),
//!    checking its front matter and its raw HTML.
//! 2. Define every gloss and source id of the shared files and of each reading, each
//!    once across the site, checking each definition's dates, address, Markdown and forms.
//!    Ids and dates were parsed at load ([`WrittenId`], [`WrittenDate`](crate::date::WrittenDate));
//!    one that is not valid was kept as written so that it is reported here (E0105,
//!    E0114, E0180), in file order beside the site's other problems, and only a valid
//!    [`Id`] goes on to the later steps.
//!
//! What a later step needs to look an id up is here: nothing after this walks the files
//! to find a definition.

use std::collections::HashMap;

use super::values::{check_date, check_markdown};
use super::{GlossEntry, SourceEntry};
use crate::annotations::model::{AnnotationFile, Gloss, Source};
use crate::content::{Annotations, Reading, Site};
use crate::diagnostics::{Diagnostic, Location};
use crate::markdown::Document;
use crate::names::{Id, WrittenId};
use crate::yaml::{Locator, Spanned};

/// Every definition of the site, by id.
pub struct Registry<'s> {
    pub site: &'s Site,
    /// Each reading's parsed text, in the order of `site.readings`.
    pub documents: Vec<Document>,
    /// Every annotation file, with the reading it belongs to (`None`: shared), shared first.
    pub files: Vec<(Option<usize>, &'s Annotations)>,
    /// Reading slug → index in `site.readings`.
    pub slugs: HashMap<&'s str, usize>,
    pub glosses: Vec<GlossEntry<'s>>,
    pub sources: Vec<SourceEntry<'s>>,
    /// Where each id is defined, for "defined twice" and "did you mean".
    pub gloss_ids: HashMap<&'s str, Location>,
    pub source_ids: HashMap<&'s str, Location>,
    /// Id → index in `glosses` / `sources`.
    pub gloss_index: HashMap<&'s str, usize>,
    pub source_index: HashMap<&'s str, usize>,
    /// For each gloss and source: the index in `files` of the file that defines it.
    pub gloss_file: Vec<usize>,
    pub source_file: Vec<usize>,
    /// For each source: its id as written, to point at.
    pub source_id: Vec<&'s Spanned<String>>,
    /// Per reading: the indices in `glosses` of the glosses its own file defines.
    pub own_glosses: Vec<Vec<usize>>,
    /// Problems found so far, in the order they were found.
    pub problems: Vec<Diagnostic>,
}

/// `documents`: each reading's Markdown parsed, in the order of `site.readings`.
pub fn define(site: &Site, documents: Vec<Document>) -> Registry<'_> {
    let mut problems = Vec::new();
    for (reading, document) in site.readings.iter().zip(&documents) {
        check_front_matter(reading, &mut problems);
        problems.extend(
            document
                .html_problems
                .iter()
                .map(|p| super::explain::raw_html_problem(reading, p)),
        );
    }
    let slugs: HashMap<&str, usize> = site
        .readings
        .iter()
        .enumerate()
        .map(|(i, r)| (r.slug.as_str(), i))
        .collect();
    let files: Vec<(Option<usize>, &Annotations)> = site
        .shared
        .iter()
        .map(|a| (None, a))
        .chain(
            site.readings
                .iter()
                .enumerate()
                .filter_map(|(i, r)| r.annotations.as_ref().map(|a| (Some(i), a))),
        )
        .collect();

    let mut glosses = Vec::new();
    let mut sources = Vec::new();
    let mut gloss_ids: HashMap<&str, Location> = HashMap::new();
    let mut source_ids: HashMap<&str, Location> = HashMap::new();
    let mut own_glosses = vec![Vec::new(); site.readings.len()];
    let (mut gloss_file, mut source_file, mut source_id) = (Vec::new(), Vec::new(), Vec::new());
    for (f, &(owner, annotations)) in files.iter().enumerate() {
        let AnnotationFile {
            glosses: g,
            sources: s,
            ..
        } = &annotations.file;
        for (written, gloss) in g.iter() {
            if let Some(id) = define_id(
                written,
                &annotations.locator,
                &mut gloss_ids,
                "gloss",
                &mut problems,
            ) {
                check_gloss(gloss, &annotations.locator, &mut problems);
                if let Some(r) = owner {
                    own_glosses[r].push(glosses.len());
                }
                gloss_file.push(f);
                glosses.push(GlossEntry {
                    id: id.as_str(),
                    gloss,
                    owner,
                    mentions: Vec::new(),
                });
            }
        }
        for (written, source) in s.iter() {
            if let Some(id) = define_id(
                written,
                &annotations.locator,
                &mut source_ids,
                "source",
                &mut problems,
            ) {
                check_source(source, &annotations.locator, &mut problems);
                source_file.push(f);
                source_id.push(&written.written);
                sources.push(SourceEntry {
                    id: id.as_str(),
                    source,
                    owner,
                    citations: Vec::new(),
                });
            }
        }
    }
    let gloss_index = glosses.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
    let source_index = sources.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    Registry {
        site,
        documents,
        files,
        slugs,
        glosses,
        sources,
        gloss_ids,
        source_ids,
        gloss_index,
        source_index,
        gloss_file,
        source_file,
        source_id,
        own_glosses,
        problems,
    }
}

impl Registry<'_> {
    /// The locator of the file that defines gloss `g`.
    pub fn gloss_locator(&self, g: usize) -> &Locator {
        &self.files[self.gloss_file[g]].1.locator
    }
}

/// Records the id in `ids` when it is one (parsed at load) and not yet defined, and gives
/// it back; says why not else.
pub fn define_id<'s>(
    written: &'s WrittenId,
    locator: &Locator,
    ids: &mut HashMap<&'s str, Location>,
    what: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<&'s Id> {
    let location = locator.locate(&written.written);
    let Some(id) = &written.id else {
        problems.push(
            Diagnostic::error(
                "E0105",
                format!("`{}` cannot be an id", written.written.value),
            )
            .at(location, "this id")
            .help("use letters, digits, `-` and `_` only, starting with a letter"),
        );
        return None;
    };
    if let Some(first) = ids.get(id.as_str()) {
        problems.push(
            Diagnostic::error("E0101", format!("the {what} id `{id}` is defined twice"))
                .at(location, "defined again here")
                .related(first.clone(), "first defined here")
                .help("ids are unique across the site's files; rename one of the two"),
        );
        return None;
    }
    ids.insert(id.as_str(), location);
    Some(id)
}

/// Whether `id` can be an annotation's id ([`Id`]).
pub fn is_valid_id(id: &str) -> bool {
    Id::parse(id).is_some()
}

fn check_gloss(gloss: &Gloss, locator: &Locator, problems: &mut Vec<Diagnostic>) {
    for date in [&gloss.born, &gloss.died, &gloss.start, &gloss.end]
        .into_iter()
        .flatten()
    {
        check_date(date, locator, problems);
    }
    check_markdown(&gloss.text, "a gloss", locator, problems);
    for form in &gloss.forms {
        if crate::annotations::anchor::normalize(&form.value).is_empty() {
            problems.push(
                Diagnostic::error("E0112", "an empty form matches nothing")
                    .at(locator.locate(form), "empty")
                    .help("write the words the text uses, or remove this line"),
            );
        }
    }
}

fn check_source(source: &Source, locator: &Locator, problems: &mut Vec<Diagnostic>) {
    if let Some(date) = &source.date {
        check_date(date, locator, problems);
    }
    if let Some(note) = &source.note {
        check_markdown(note, "a source's note", locator, problems);
    }
    if let Some(url) = &source.url {
        let ok = (url.value.starts_with("https://") || url.value.starts_with("http://"))
            && !url.value.contains(char::is_whitespace)
            && url
                .value
                .split("://")
                .nth(1)
                .is_some_and(|rest| rest.contains('.'));
        if !ok {
            problems.push(
                Diagnostic::error("E0115", format!("`{}` is not a web address", url.value))
                    .at(locator.locate(url), "not an http(s) URL")
                    .help("give the full address, starting with https://; leave `url` out when there is none"),
            );
        }
    }
}

/// A reading's front matter: its dates and the editor's note.
fn check_front_matter(reading: &Reading, problems: &mut Vec<Diagnostic>) {
    let locator = &reading.meta_locator;
    let original = reading.meta.original.as_ref();
    for date in [
        reading.meta.date.as_ref(),
        original.and_then(|o| o.date.as_ref()),
    ]
    .into_iter()
    .flatten()
    {
        check_date(date, locator, problems);
    }
    if let Some(note) = &reading.meta.editor_note {
        check_markdown(note, "the editor's note", locator, problems);
    }
}
