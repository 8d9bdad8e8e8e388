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
//! render::render  SiteIndex + Theme  → files       (marks woven, templates filled)
//! content::copy_beside  Site + files → more files  (what sits beside each reading)
//! links::check    SiteIndex + files  → ok          (each relative link finds its file)
//! output::write   files              → public/     (locked, written aside, swapped in)
//! ```
//!
//! Entry points: [`build`] and [`check`]. Every problem in the user's input is a
//! [`Diagnostic`](diagnostics::Diagnostic); all of them are reported at once.

// Diagnostics are large and travel only on the cold path of a failed build.
#![allow(clippy::result_large_err)]

pub mod annotations;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod export;
pub mod fix;
pub mod init;
pub mod links;
pub mod markdown;
pub mod names;
pub mod output;
pub mod render;
pub mod resolve;
pub mod sanitize;
pub mod schema;
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
    let site = content::load(root).map_err(Failure::Input)?;
    // Errors of every later stage come with the warnings found before them (the index's
    // own errors carry its warnings): an editor sees what to mend in one run.
    let mut warnings = site.warnings.clone();
    let input = |problems| with_warnings(Failure::Input(problems), &warnings);
    let index = resolve::index(&site).map_err(input)?;
    warnings.extend(index.warnings.iter().cloned());
    let warned = |problems| with_warnings(classify(problems), &warnings);
    let theme = templates::Theme::load(&site.templates).map_err(warned)?;
    let mut warnings = warnings.clone();
    warnings.extend(theme.warnings.iter().cloned());
    let warned = |problems| with_warnings(classify(problems), &warnings);
    let mut files = render::render(&index, &theme).map_err(warned)?;
    files.extend(export::export(&index));
    files.extend(sitemap::sitemap(site.config.base_url(), &files));
    let input = |problems| with_warnings(Failure::Input(problems), &warnings);
    let beside = content::copy_beside(&site, &files).map_err(input)?;
    files.extend(beside);
    let broken = links::check(&index, &files);
    if !broken.is_empty() {
        return Err(input(broken));
    }
    let report = Report {
        readings: site.readings.len(),
        files: files.len(),
        warnings,
    };
    Ok((files, report))
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
    if options.deny_warnings && !report.warnings.is_empty() {
        let denied = report.warnings.into_iter().map(|w| w.denied()).collect();
        return Err(Failure::Input(denied));
    }
    Ok((files, report))
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
    let (files, report) = render_site_with(root, options)?;
    target.write(&files).map_err(refused)?;
    Ok(report)
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
