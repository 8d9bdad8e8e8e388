//! `check --fix`: mend, in place, the quotes that can be mended with confidence.
//!
//! 1. Run the pipeline up to the index; keep the errors that carry a [`Fix`].
//! 2. Group the fixes by file and apply them from the end of the file backwards, so
//!    each byte range is still where the diagnostic saw it.
//! 3. Write each changed file; every byte outside the edited values is unchanged.
//!
//! Entry point: [`fix`]. What it could not mend is left for `check` to report.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::Failure;
use crate::diagnostics::Fix;

/// Applies every certain fix to the site at `root`; returns what was done.
pub fn fix(root: &Path) -> Result<Vec<String>, Failure> {
    let site = crate::content::load(root).map_err(Failure::Input)?;
    let problems = match crate::site::index(&site) {
        Ok(_) => return Ok(Vec::new()),
        Err(problems) => problems,
    };
    let mut by_file: BTreeMap<PathBuf, (String, Vec<Fix>)> = BTreeMap::new();
    for fix in problems.into_iter().filter_map(|d| d.fix) {
        let file = &fix.at.file;
        by_file
            .entry(file.path.clone())
            .or_insert_with(|| (file.text.clone(), Vec::new()))
            .1
            .push(fix);
    }
    let mut done = Vec::new();
    for (path, (text, mut fixes)) in by_file {
        let edited = apply(&text, &mut fixes);
        let full = root.join(&path);
        fs::write(&full, edited)
            .map_err(|e| Failure::Internal(format!("cannot write {}: {e}", full.display())))?;
        done.extend(fixes.into_iter().map(|f| f.summary));
    }
    Ok(done)
}

/// Applies fixes to a text; overlapping fixes after the first are dropped.
fn apply(text: &str, fixes: &mut Vec<Fix>) -> String {
    fixes.sort_by_key(|f| std::cmp::Reverse(f.at.range.start));
    let mut out = text.to_owned();
    let mut floor = text.len() + 1;
    fixes.retain(|f| {
        let keep = f.at.range.end < floor || f.at.range.is_empty() && f.at.range.end <= floor;
        if keep {
            out.replace_range(f.at.range.clone(), &f.replacement);
            floor = f.at.range.start;
        }
        keep
    });
    fixes.reverse();
    out
}
