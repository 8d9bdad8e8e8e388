//! Incremental: the site rebuilt after an edit, equal to a full build byte for byte,
//! remaking only the pages the edit can have changed (`serve`'s editing loop).
//!
//! 1. Load and resolve the site as a build does, keeping each reading's results for the
//!    next build ([`content::load_with`], [`resolve::index_with`]): a reading whose
//!    files have the same text is not parsed again; its passages are not anchored again
//!    while they are the same, nor its glosses looked for while the shared glossary's
//!    forms and its own file are the same; the shared glossary's automaton stays while
//!    its forms do. Only what crosses readings (ids, references, registers, lints) is
//!    done again in full.
//! 2. Give each page made per reading, gloss or source (and each reading's export) a
//!    key: a hash of everything its bytes are made from — the site's settings and
//!    templates, its reading's file and marks and notes, the entries it shows and, for an
//!    entry's page, each reading it quotes (`keys`). Conservative by design: a key
//!    takes in more than the page shows rather than less.
//! 3. Render the indexes and assets, and of the other pages only those whose key (or
//!    place in the site's order) differs from the last good build's; the others keep
//!    their bytes ([`render::render_wanted`], [`export::export_wanted`]). Each gloss's
//!    text as HTML is kept by its Markdown.
//! 4. The steps after rendering as a build does them: sitemap, files beside the
//!    readings, the link check, all from the whole list of paths.
//! 5. Compare with the last good build: the paths new or with other bytes, the paths
//!    gone. Only those change in what is served.
//!
//!    The search index comes last: every reading's words count in every shard's scores,
//!    so an edit anywhere remakes it, a third of a rebuild's time on a large site.
//!    [`Incremental::rebuild_in_steps`] hands the pages over as soon as they are ready
//!    (`serve` tells the open pages to reload then) and makes the search index after
//!    them; the rebuild is complete, and equal to a full build, when it returns.
//! 6. Any failure is left to a full build ([`crate::render_site_with`]), so that its
//!    diagnostics are exactly a build's; the last good build stays.
//!
//! Entry point: [`Incremental::rebuild`]. tests/incremental.rs holds every rebuild of a
//! sequence of edits equal to a full build.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::diagnostics::SourceFile;
use crate::render::{self, Order, OutputFile, Sink, part};
use crate::resolve::SiteIndex;
use crate::{Failure, Options, Report, content, export, links, resolve, sitemap, templates};

/// The state kept between builds of one site.
pub struct Incremental {
    root: PathBuf,
    options: Options,
    /// The last good build: path → bytes.
    files: HashMap<String, Arc<[u8]>>,
    /// Of the last good build, the key of each page made per reading, gloss or source.
    /// A key takes in the item's number, so an equal key is also an equal place in the
    /// site's order.
    pages: HashMap<String, u64>,
    /// Each gloss's text as HTML, by its Markdown.
    gloss_html: HashMap<String, String>,
    /// Whether a build has succeeded yet.
    built: bool,
    /// The hash of each reading's files, by slug, with the files hashed: a file loaded
    /// again only if changed ([`content::Earlier`]) is the same allocation while it is
    /// the same, and is not hashed again.
    texts: Mutex<HashMap<String, HashedFiles>>,
    /// What loading and resolving keep of each reading for the next build.
    kept: Kept,
}

/// The readings as loaded, and what resolving found in each.
#[derive(Default)]
struct Kept {
    load: content::Earlier,
    resolve: resolve::Kept,
    search: crate::search::Kept,
}

/// What a good rebuild changed, against the last good build.
#[derive(Debug)]
pub struct Rebuilt {
    pub report: Report,
    /// Paths new or with other bytes.
    pub changed: Vec<String>,
    /// Paths of the last good build that are no longer part of the site, sorted.
    pub removed: Vec<String>,
    /// How many pages were made again (the rest kept their bytes without being made).
    pub remade: usize,
    /// True for the first good build of this state: there was nothing to compare it
    /// with, so every file is in `changed`, and what was served before must all go.
    pub fresh: bool,
    /// What loading and resolving did again; all zero when the rebuild was left to a
    /// full build.
    pub redone: Redone,
}

/// The pages of a rebuild, before its search index: what changed among them against the
/// last good build.
pub struct PagesReady<'a> {
    /// Paths new or with other bytes, and their bytes.
    pub changed: Vec<(&'a str, &'a Arc<[u8]>)>,
    /// Paths of the last good build that are no longer part of the site.
    pub removed: Vec<&'a str>,
}

/// What a rebuild loaded and resolved again rather than keep from the last.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Redone {
    /// Readings whose files were parsed again.
    pub loaded: usize,
    pub resolve: resolve::Redone,
    /// Readings whose words were read again for the search index.
    pub words: usize,
}

/// A good build, before it is compared with the last one.
struct Built {
    files: Vec<(String, Arc<[u8]>)>,
    pages: HashMap<String, u64>,
    gloss_html: HashMap<String, String>,
    report: Report,
    remade: usize,
    redone: Redone,
}

impl Incremental {
    /// Nothing is built until the first [`Incremental::rebuild`].
    pub fn new(root: &Path, options: Options) -> Incremental {
        Incremental {
            root: root.to_path_buf(),
            options,
            files: HashMap::new(),
            pages: HashMap::new(),
            gloss_html: HashMap::new(),
            built: false,
            texts: Mutex::default(),
            kept: Kept::default(),
        }
    }

    /// Forgets everything kept (after a panic left it in doubt): the next build is whole.
    pub fn reset(&mut self) {
        *self = Incremental::new(&self.root, self.options);
    }

    /// The last good build: path → bytes.
    pub fn files(&self) -> &HashMap<String, Arc<[u8]>> {
        &self.files
    }

    /// Builds the site from what is on disk now. On success the build replaces the last
    /// good one and what changed is returned; on failure the last good build stays.
    pub fn rebuild(&mut self) -> Result<Rebuilt, Failure> {
        self.rebuild_in_steps(&mut |_| {})
    }

    /// [`Incremental::rebuild`], calling `pages_ready` once with the pages' changes as
    /// soon as every page is made and checked, before the search index is made. It is
    /// not called when the rebuild fails, nor when the search index's files cannot be
    /// told from the pages' (a reading named `search`, a link into `search/`): then
    /// everything comes at once, in the returned [`Rebuilt`], which always holds every
    /// change, the pages' included.
    pub fn rebuild_in_steps(
        &mut self,
        pages_ready: &mut dyn FnMut(PagesReady<'_>),
    ) -> Result<Rebuilt, Failure> {
        let mut kept = std::mem::take(&mut self.kept);
        let built = self.build(&mut kept, pages_ready);
        self.kept = kept;
        let built = match built {
            Some(built) => built,
            // Whatever went wrong, a full build says it as a build would. Should it
            // succeed after all (a file saved meanwhile), its files are the site.
            None => {
                let (files, report) = crate::render_site_with(&self.root, self.options)?;
                let files: Vec<(String, Arc<[u8]>)> = files
                    .into_iter()
                    .map(|f| (f.path, Arc::from(f.contents)))
                    .collect();
                Built {
                    remade: files.len(),
                    redone: Redone::default(),
                    files,
                    pages: HashMap::new(),
                    gloss_html: HashMap::new(),
                    report,
                }
            }
        };
        let mut changed = Vec::new();
        let mut next = HashMap::with_capacity(built.files.len());
        for (path, bytes) in built.files {
            if !same(self.files.get(&path), &bytes) {
                changed.push(path.clone());
            }
            next.insert(path, bytes);
        }
        let mut removed: Vec<String> = self
            .files
            .keys()
            .filter(|path| !next.contains_key(*path))
            .cloned()
            .collect();
        removed.sort();
        self.files = next;
        self.pages = built.pages;
        self.gloss_html = built.gloss_html;
        let fresh = !std::mem::replace(&mut self.built, true);
        Ok(Rebuilt {
            report: built.report,
            changed,
            removed,
            remade: built.remade,
            fresh,
            redone: built.redone,
        })
    }

    /// The pipeline of [`crate::render_site`], remaking only the pages whose key
    /// changed; `None` at the first problem of any kind.
    fn build(
        &self,
        cache: &mut Kept,
        pages_ready: &mut dyn FnMut(PagesReady<'_>),
    ) -> Option<Built> {
        let site = content::load_with(&self.root, &cache.load).ok()?;
        let loaded = site.readings.len() - cache.load.taken();
        // What was loaded and parsed is kept whether or not the build goes through: an
        // edit that breaks the site is mended by the next.
        let built = match resolve::index_with(&site, Some(&mut cache.resolve)) {
            Ok(mut index) => {
                let built = self.render(&site, &index, &cache.search, pages_ready);
                let documents = std::mem::take(&mut index.documents);
                cache.resolve.keep_documents(&site, documents);
                built
            }
            Err(_) => None,
        };
        let redone = Redone {
            loaded,
            resolve: cache.resolve.redone(),
            words: cache.search.read(),
        };
        cache.load.keep(site.readings);
        built.map(|built| Built { redone, ..built })
    }

    /// The steps from a resolved site to its files.
    fn render(
        &self,
        site: &content::Site,
        index: &SiteIndex,
        search: &crate::search::Kept,
        pages_ready: &mut dyn FnMut(PagesReady<'_>),
    ) -> Option<Built> {
        let theme = templates::Theme::load(&site.templates).ok()?;
        let mut warnings = site.warnings.clone();
        warnings.extend(index.warnings.iter().cloned());
        warnings.extend(crate::warnings_of_the_theme_on(site, &theme));
        if self.options.deny_warnings && !warnings.is_empty() {
            return None;
        }

        let gloss_html: Vec<String> = index
            .glosses
            .par_iter()
            .map(|entry| {
                let text = &entry.gloss.text.value;
                self.gloss_html
                    .get(text)
                    .cloned()
                    .unwrap_or_else(|| crate::markdown::to_html(text))
            })
            .collect();
        let pages = keys(index, &gloss_html, &self.texts);
        let kept = Mutex::new(Vec::new());
        let wanted = |order: Order, path: &str| {
            let same = pages.get(path).is_some_and(|new| {
                self.pages.get(path) == Some(new) && self.files.contains_key(path)
            });
            if same {
                lock(&kept).push((order, path.to_owned()));
            }
            !same
        };
        let sink = Collect::default();
        let (rendered, ()) = rayon::join(
            || {
                render::render_wanted(
                    index,
                    &theme,
                    &sink,
                    &gloss_html,
                    Some(&wanted),
                    render::SearchIndex::Apart,
                )
            },
            || export::export_wanted(index, &sink, &gloss_html, Some(&wanted)),
        );
        rendered.ok()?;

        let mut files = sink
            .files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut remade = files.len();
        for (order, path) in kept.into_inner().unwrap_or_else(PoisonError::into_inner) {
            let bytes = Arc::clone(self.files.get(&path)?);
            files.push((order, path, bytes));
        }
        files.sort_by_key(|file| file.0);
        // The search index's files are told from the pages' by their folder, unless a
        // reading's own pages or files could be there too.
        let apart = !site.readings.iter().any(|r| r.slug.as_str() == "search")
            && !index
                .documents
                .iter()
                .any(|d| d.links().iter().any(|(to, _)| to.contains("search")));
        let make_search = || {
            let sink = Collect::default();
            crate::search::index_into(index, &sink, Some(search));
            let mut made = sink
                .files
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner);
            made.sort_by_key(|file| file.0);
            made
        };
        if !apart {
            files.extend(make_search());
            files.sort_by_key(|file| file.0);
        }
        let mut paths: Vec<String> = files.iter().map(|(_, path, _)| path.clone()).collect();
        let mut put = |order: Order, file: OutputFile, paths: &mut Vec<String>| {
            paths.push(file.path.clone());
            files.push((order, file.path, Arc::from(file.contents)));
        };
        if let Some(map) = sitemap::sitemap(site.config.base_url(), &paths) {
            put((part::SITEMAP, 0), map, &mut paths);
        }
        let beside = content::copy_beside(site, &paths).ok()?;
        for (i, file) in beside.into_iter().enumerate() {
            put((part::BESIDE, i as u32), file, &mut paths);
        }
        if !links::check(index, &paths).is_empty() {
            return None;
        }
        if apart {
            let made: HashMap<&str, &Arc<[u8]>> = files
                .iter()
                .map(|(_, path, bytes)| (path.as_str(), bytes))
                .collect();
            let changed = made
                .iter()
                .filter(|(path, bytes)| !same(self.files.get(**path), bytes))
                .map(|(path, bytes)| (*path, *bytes))
                .collect();
            let removed = self
                .files
                .keys()
                .map(String::as_str)
                .filter(|path| !path.starts_with("search/") && !made.contains_key(path))
                .collect();
            pages_ready(PagesReady { changed, removed });
            let made = make_search();
            remade += made.len();
            paths.extend(made.iter().map(|(_, path, _)| path.clone()));
            files.extend(made);
        }

        let used: HashMap<String, String> = index
            .glosses
            .iter()
            .zip(gloss_html)
            .map(|(entry, html)| (entry.gloss.text.value.clone(), html))
            .collect();
        Some(Built {
            files: files
                .into_iter()
                .map(|(_, path, bytes)| (path, bytes))
                .collect(),
            report: Report {
                readings: site.readings.len(),
                files: paths.len(),
                warnings,
            },
            remade,
            redone: Redone::default(),
            pages,
            gloss_html: used,
        })
    }
}

/// Whether a file of the last build has these bytes. A file kept from it is the same
/// allocation, told in one comparison: comparing the bytes of every file of a large site
/// took longer than making the pages an edit changes.
fn same(old: Option<&Arc<[u8]>>, new: &Arc<[u8]>) -> bool {
    old.is_some_and(|old| Arc::ptr_eq(old, new) || old[..] == new[..])
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A file of the site with its place in the site's order.
type Placed = (Order, String, Arc<[u8]>);

/// A sink that keeps each file with its order.
#[derive(Default)]
struct Collect {
    files: Mutex<Vec<Placed>>,
}

impl Sink for Collect {
    fn put(&self, order: Order, file: OutputFile) {
        lock(&self.files).push((order, file.path, Arc::from(file.contents)));
    }

    fn paths(&self) -> Vec<String> {
        let mut files: Vec<(Order, String)> = lock(&self.files)
            .iter()
            .map(|(order, path, _)| (*order, path.clone()))
            .collect();
        files.sort();
        files.into_iter().map(|(_, path)| path).collect()
    }
}

fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The key of each page made per reading, gloss or source, by path.
/// A reading's `index.md` and `annotations.yaml`, and the hash of their text.
type HashedFiles = (Arc<SourceFile>, Option<Arc<SourceFile>>, u64);

/// The hash of the text of a reading's files, from `texts` while they are the same
/// allocations.
fn text_key(reading: &content::Reading, texts: &Mutex<HashMap<String, HashedFiles>>) -> u64 {
    let annotations = reading.annotations.as_ref().map(|a| &a.locator.file);
    let slug = reading.slug.as_str();
    if let Some((source, old, key)) = lock(texts).get(slug)
        && Arc::ptr_eq(source, &reading.source)
        && match (old, annotations) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    {
        return *key;
    }
    let key = hash_of((&reading.source.text, annotations.map(|a| &a.text)));
    lock(texts).insert(
        slug.to_owned(),
        (Arc::clone(&reading.source), annotations.cloned(), key),
    );
    key
}

fn keys(
    index: &SiteIndex,
    gloss_html: &[String],
    texts: &Mutex<HashMap<String, HashedFiles>>,
) -> HashMap<String, u64> {
    let site = index.site;
    // What every page is made with: the settings and the templates.
    let global = {
        let mut h = DefaultHasher::new();
        format!("{:?}", site.config).hash(&mut h);
        for (name, file) in &site.templates {
            (name, &file.text).hash(&mut h);
        }
        h.finish()
    };
    // A reading as others show it: place, address, files (title, text), marks and notes
    // (their numbers and the ids of the marks).
    let reading: Vec<u64> = site
        .readings
        .par_iter()
        .enumerate()
        .map(|(r, reading)| {
            let mut h = DefaultHasher::new();
            (r, reading.slug.as_str(), text_key(reading, texts)).hash(&mut h);
            index.readings[r].hash(&mut h);
            h.finish()
        })
        .collect();
    let source: Vec<u64> = index
        .sources
        .iter()
        .enumerate()
        .map(|(s, entry)| {
            let src = entry.source;
            hash_of((
                s,
                entry.id,
                entry.owner,
                render::citation_html(src),
                src.kind().label(),
                (&src.title, &src.author, &src.publisher),
                format!("{:?}", src.date.as_ref().and_then(|d| d.date())),
                src.url.as_ref().map(|u| &u.value),
                src.note.as_ref().map(|n| &n.value),
            ))
        })
        .collect();
    let source_ids: HashMap<&str, usize> = index
        .sources
        .iter()
        .enumerate()
        .map(|(s, e)| (e.id, s))
        .collect();
    let gloss_ids: HashMap<&str, usize> = index
        .glosses
        .iter()
        .enumerate()
        .map(|(g, e)| (e.id, g))
        .collect();
    let gloss: Vec<u64> = index
        .glosses
        .iter()
        .enumerate()
        .map(|(g, entry)| {
            let gloss = entry.gloss;
            let mut h = DefaultHasher::new();
            (
                g,
                entry.id,
                entry.owner,
                &gloss.term.value,
                gloss.kind.name(),
            )
                .hash(&mut h);
            (
                render::gloss_dates(gloss),
                &gloss_html[g],
                &gloss.text.value,
            )
                .hash(&mut h);
            (format!("{:?}", gloss.mark), &gloss.sort).hash(&mut h);
            format!("{:?}", gloss.original).hash(&mut h);
            for form in &gloss.forms {
                form.value.hash(&mut h);
            }
            for see in &gloss.see {
                see.value.hash(&mut h);
                if let Some(&o) = gloss_ids.get(see.value.as_str()) {
                    (index.glosses[o].id, &index.glosses[o].gloss.term.value).hash(&mut h);
                }
            }
            for s in &gloss.sources {
                s.value.hash(&mut h);
                source_ids
                    .get(s.value.as_str())
                    .map(|&s| source[s])
                    .hash(&mut h);
            }
            h.finish()
        })
        .collect();

    // What each reading shows of the entries: every mention, citation, cross-reference
    // and note in it, with the entry's own key.
    let mut shown: Vec<DefaultHasher> = vec![DefaultHasher::new(); site.readings.len()];
    for (g, entry) in index.glosses.iter().enumerate() {
        for place in &entry.mentions {
            (0u8, g, &place.range, gloss[g]).hash(&mut shown[place.reading]);
        }
    }
    for (s, entry) in index.sources.iter().enumerate() {
        for place in &entry.citations {
            (1u8, s, &place.range, source[s]).hash(&mut shown[place.reading]);
        }
    }
    for (c, entry) in index.crossrefs.iter().enumerate() {
        let key = hash_of((
            c,
            entry.id,
            &entry.crossref.note.value,
            (entry.from.reading, &entry.from.range),
            (entry.to.reading, &entry.to.range),
            reading[entry.from.reading],
            reading[entry.to.reading],
        ));
        (2u8, key).hash(&mut shown[entry.from.reading]);
        (2u8, key).hash(&mut shown[entry.to.reading]);
    }
    for (n, entry) in index.notes.iter().enumerate() {
        (3u8, n, entry.id, &entry.note.text.value, &entry.at.range)
            .hash(&mut shown[entry.at.reading]);
    }

    let mut keys = HashMap::new();
    for (r, reading_of) in site.readings.iter().enumerate() {
        let key = hash_of((global, reading[r], shown[r].finish()));
        let slug = reading_of.slug.as_str();
        keys.insert(format!("{slug}/index.html"), key);
        keys.insert(export::collection_path(slug), key);
        keys.insert(export::text_path(slug), key);
    }
    let quoted = |places: &[crate::resolve::Place], h: &mut DefaultHasher| {
        for place in places {
            (place.reading, &place.range, reading[place.reading]).hash(h);
        }
    };
    // An entry's page also lists related entries, which other entries and readings
    // decide: the related entries themselves (their ids and headwords) are in its key.
    let (together, linked_from) = render::related(index);
    let named = |o: usize| (index.glosses[o].id, &index.glosses[o].gloss.term.value);
    for (g, entry) in index.glosses.iter().enumerate() {
        let mut h = DefaultHasher::new();
        (global, gloss[g]).hash(&mut h);
        quoted(&entry.mentions, &mut h);
        for &(o, paragraphs) in &together[g] {
            (named(o), paragraphs).hash(&mut h);
        }
        for &o in &linked_from[g] {
            named(o).hash(&mut h);
        }
        keys.insert(render::gloss_page(entry.id), h.finish());
    }
    let mut citing: Vec<DefaultHasher> = vec![DefaultHasher::new(); index.sources.len()];
    for (g, entry) in index.glosses.iter().enumerate() {
        for s in &entry.gloss.sources {
            if let Some(&s) = source_ids.get(s.value.as_str()) {
                (g, gloss[g]).hash(&mut citing[s]);
            }
        }
    }
    for (s, entry) in index.sources.iter().enumerate() {
        let mut h = DefaultHasher::new();
        (global, source[s], citing[s].finish()).hash(&mut h);
        quoted(&entry.citations, &mut h);
        keys.insert(render::source_page(entry.id), h.finish());
    }

    // The indexes show each entry's line (all in the entry's key) and the readings of its
    // mentions or citations (how many, in how many readings); the timeline, each dated
    // entry and reading.
    let index_key = |lines: &mut dyn Iterator<Item = (u64, &[crate::resolve::Place])>| {
        let mut h = DefaultHasher::new();
        global.hash(&mut h);
        for (key, places) in lines {
            key.hash(&mut h);
            for place in places {
                place.reading.hash(&mut h);
            }
            usize::MAX.hash(&mut h);
        }
        h.finish()
    };
    let glossary = index_key(
        &mut index
            .glosses
            .iter()
            .enumerate()
            .map(|(g, e)| (gloss[g], &e.mentions[..])),
    );
    keys.insert("glossary.html".into(), glossary);
    let sources = index_key(
        &mut index
            .sources
            .iter()
            .enumerate()
            .map(|(s, e)| (source[s], &e.citations[..])),
    );
    keys.insert("sources.html".into(), sources);
    let mut timeline = DefaultHasher::new();
    (global, &gloss).hash(&mut timeline);
    for reading in &site.readings {
        let meta = &reading.meta;
        let date = |d: Option<&crate::date::WrittenDate>| format!("{:?}", d.and_then(|d| d.date()));
        (
            reading.slug.as_str(),
            &meta.title,
            date(meta.date.as_ref()),
            date(meta.original.as_ref().and_then(|o| o.date.as_ref())),
        )
            .hash(&mut timeline);
    }
    keys.insert("timeline.html".into(), timeline.finish());
    keys
}
