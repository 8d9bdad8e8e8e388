//! scholia: a static site generator for annotated readings.
//!
//! The pipeline, each stage a function from one value to the next:
//!
//! ```text
//! content::load   site folder        → Site        (files parsed, places kept)
//! resolve::index  Site               → SiteIndex   (ids defined, references checked,
//!                                                   passages anchored, glosses found,
//!                                                   registers gathered, lints: see
//!                                                   `resolve`; `site` re-exports it)
//!                 ← `check` stops here
//! render::render_into  SiteIndex + Theme → sink  (marks woven, templates filled, in
//!                                                 parallel; with export::export_into)
//! content::copy_beside  Site + paths → more files  (what sits beside each reading)
//! links::check    SiteIndex + paths  → ok          (each relative link finds its file)
//! output::Staging::commit  staging   → public/     (locked, written aside as the pages
//!                                                  are made, swapped in)
//! ```
//!
//! Entry points: [`build`] and [`check`]. Every problem in the user's input is a
//! [`Diagnostic`](diagnostics::Diagnostic); all of them are reported at once.

// Diagnostics are large and travel only on the cold path of a failed build.
#![allow(clippy::result_large_err)]

pub mod annotations;
pub mod bib;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod export;
pub mod fix;
pub mod i18n;
pub mod import;
pub mod incremental;
pub mod init;
pub mod links;
pub mod markdown;
pub mod names;
pub mod new;
pub mod output;
pub mod render;
pub mod resolve;
pub mod sanitize;
pub mod schema;
pub mod search;
pub mod serve;
pub mod site;
pub mod sitemap;
pub mod templates;
pub mod yaml;

use std::path::Path;

use diagnostics::Diagnostic;

/// Why a build or check did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Problems in the user's input: fix and run again.
    Input(Vec<Diagnostic>),
    /// A failure of scholia itself or of the system (a disk that cannot be written).
    Internal(String),
}

/// What a successful run reports.
#[derive(Debug)]
pub struct Report {
    pub readings: usize,
    /// Files written (0 for `check`).
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Loads, anchors and renders the site at `root`, returning its files and warnings.
pub fn render_site(root: &Path) -> Result<(Vec<render::OutputFile>, Report), Failure> {
    let (memory, report) = render_into(root, || Ok(render::Memory::default()))?;
    Ok((memory.into_files(), report))
}

/// Loads, anchors and renders the site at `root` into the sink `open` gives, the pages
/// in parallel as they are made. The sink is opened only once the site is known to load
/// (a build takes the output's lock then); on a failure it is dropped, with what it held.
fn render_into<S: render::Sink>(
    root: &Path,
    open: impl FnOnce() -> Result<S, Failure>,
) -> Result<(S, Report), Failure> {
    let site = content::load(root).map_err(Failure::Input)?;
    // Errors of every later stage come with the warnings found before them (the index's
    // own errors carry its warnings): an editor sees what to mend in one run.
    let mut warnings = site.warnings.clone();
    let index = resolve::index(&site).map_err(|p| with_warnings(Failure::Input(p), &warnings))?;
    warnings.extend(index.warnings.iter().cloned());
    let theme = templates::Theme::load(&site.templates)
        .map_err(|p| with_warnings(classify(p), &warnings))?;
    warnings.extend(warnings_of_the_theme_on(&site, &theme));
    let input = |problems| with_warnings(Failure::Input(problems), &warnings);
    let warned = |problems| with_warnings(classify(problems), &warnings);
    let sink = open()?;
    let gloss_html = render::gloss_html(&index);
    let (rendered, ()) = rayon::join(
        || render::render_into(&index, &theme, &sink, &gloss_html),
        || export::export_into(&index, &sink, &gloss_html),
    );
    rendered.map_err(warned)?;
    // The stages after rendering need the site's paths only, not the pages themselves.
    let mut paths = sink.paths();
    if let Some(sitemap) = sitemap::sitemap(site.config.base_url(), &paths) {
        paths.push(sitemap.path.clone());
        sink.put((render::part::SITEMAP, 0), sitemap);
    }
    let beside = content::copy_beside(&site, &paths).map_err(input)?;
    for (i, file) in beside.into_iter().enumerate() {
        paths.push(file.path.clone());
        sink.put((render::part::BESIDE, i as u32), file);
    }
    let broken = links::check(&index, &paths);
    if !broken.is_empty() {
        return Err(input(broken));
    }
    let report = Report {
        readings: site.readings.len(),
        files: paths.len(),
        warnings,
    };
    Ok((sink, report))
}

/// How strict a run is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Warnings fail the run as errors do (`--deny warnings`).
    pub deny_warnings: bool,
}

/// Renders the site and applies `options`: with `deny_warnings`, warnings are errors.
pub fn render_site_with(
    root: &Path,
    options: Options,
) -> Result<(Vec<render::OutputFile>, Report), Failure> {
    let (files, report) = render_site(root)?;
    let report = deny(report, options)?;
    Ok((files, report))
}

/// With `deny_warnings`, a report's warnings are errors.
fn deny(report: Report, options: Options) -> Result<Report, Failure> {
    if options.deny_warnings && !report.warnings.is_empty() {
        let denied = report.warnings.into_iter().map(|w| w.denied()).collect();
        return Err(Failure::Input(denied));
    }
    Ok(report)
}

/// Checks the site at `root` as a build would, writing nothing.
pub fn check(root: &Path, options: Options) -> Result<Report, Failure> {
    render_site_with(root, options).map(|(_, mut report)| {
        report.files = 0;
        report
    })
}

/// Builds the site at `root` into `output`, replacing it only if everything succeeded.
pub fn build(root: &Path, output: &Path, options: Options) -> Result<Report, Failure> {
    let refused = |e: output::WriteError| match e.diagnostic() {
        Some(diagnostic) => Failure::Input(vec![diagnostic]),
        None => Failure::Internal(e.to_string()),
    };
    // An output that can never be written is said before the work of rendering.
    let target = output::Target::resolve(output, root).map_err(refused)?;
    // The pages go into the staging folder as they are made, so the site is never held
    // whole in memory; it replaces the output only once everything is known to be right.
    let (staging, report) = render_into(root, || target.stage().map_err(refused))?;
    let report = deny(report, options)?;
    staging.commit().map_err(refused)?;
    Ok(report)
}

/// The warnings found once the theme is known, before any page is made: the theme's own,
/// and what the site lacks for the pages the theme would make (W0302). `render_into` and
/// [`incremental`] both report these, so a rebuild warns as a build does.
pub(crate) fn warnings_of_the_theme_on(
    site: &content::Site,
    theme: &templates::Theme,
) -> Vec<Diagnostic> {
    let mut warnings = theme.warnings.clone();
    warnings.extend(render::feed::warning(site));
    warnings
}

/// The warnings of an earlier stage, first, with the errors of a later one.
fn with_warnings(failure: Failure, warnings: &[Diagnostic]) -> Failure {
    match failure {
        Failure::Input(problems) => {
            Failure::Input(warnings.iter().cloned().chain(problems).collect())
        }
        internal => internal,
    }
}

/// Problems in templates the site overrides are the user's; in the embedded theme, ours.
fn classify(problems: Vec<Diagnostic>) -> Failure {
    match problems.iter().find(|d| d.is_internal()) {
        Some(internal) => Failure::Internal(internal.message.clone()),
        None => Failure::Input(problems),
    }
}
