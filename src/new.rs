//! `scholia new SLUG [--from FILE]`: a new reading in `content/SLUG/`.
//!
//! 1. Check the slug as the loader would ([`Slug::parse`], E0810) and that the site's
//!    root has a `site.yaml` (E0812); refuse a folder that exists (E0811): nothing is
//!    ever overwritten.
//! 2. With `--from`, read the plain text ([`crate::content::text::decode`]: UTF-8, no
//!    control characters) and make it Markdown ([`markdown_of`]): each paragraph (lines
//!    between blank lines) stays as written, line for line; only what Markdown would
//!    read as syntax is escaped with a backslash, so the page shows the same words.
//!    Indentation and spaces at a line's end, which Markdown would read as code or a
//!    line break, are taken off and said (W0811).
//! 3. The typographic check ([`typography`]) says what was left as is that a reader may
//!    want mended: straight quotes and `--`, `...` (shown curly, as dashes and as an
//!    ellipsis by Markdown's smart punctuation), runs of spaces, tabs (W0810).
//! 4. Write `index.md` (front matter with every field, the optional ones commented) and
//!    an `annotations.yaml` with no annotation and the format in a comment; each file is
//!    created new, and the folder is taken away again if one cannot be written.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Location, SourceFile};
use crate::names::Slug;

/// What `new` was asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub slug: String,
    /// A plain-text file whose paragraphs become the body.
    pub from: Option<PathBuf>,
    /// The title; by default made from the slug.
    pub title: Option<String>,
}

/// What `new` did.
#[derive(Debug)]
pub struct Outcome {
    /// The files written, from the site's root.
    pub files: Vec<PathBuf>,
    /// What the typographic check found, and what was taken off.
    pub warnings: Vec<Diagnostic>,
}

/// Creates the reading `options.slug` in the site at `root`.
pub fn new(root: &Path, options: &Options) -> Result<Outcome, Vec<Diagnostic>> {
    let slug = Slug::parse(std::ffi::OsStr::new(&options.slug)).map_err(|why| {
        vec![
            Diagnostic::error("E0810", format!("`{}` cannot name a reading: {why}", options.slug))
                .help("a reading's name is its address: small letters a-z, digits and `-`, as in `the-gettysburg-address`"),
        ]
    })?;
    if !root.join("site.yaml").is_file() {
        return Err(vec![
            Diagnostic::error("E0812", format!("{} is not a scholia site: it has no site.yaml", root.display()))
                .help("run `scholia new` in the site's folder (or give it with `--root`); `scholia init` makes a new site"),
        ]);
    }
    let folder = PathBuf::from("content").join(slug.as_str());
    if root.join(&folder).exists() {
        return Err(vec![
            Diagnostic::error("E0811", format!("{}/ exists already", folder.display()))
                .help("scholia new never writes over a reading: choose another name, or delete the folder first"),
        ]);
    }
    let mut warnings = Vec::new();
    let body = match &options.from {
        Some(path) => {
            let bytes = fs::read(path).map_err(|e| {
                vec![
                    Diagnostic::error("E0813", format!("cannot read {}: {e}", path.display()))
                        .help("give the path of a plain-text file (UTF-8) that exists and can be read"),
                ]
            })?;
            let file = crate::content::text::decode(path, bytes).map_err(|d| vec![d])?;
            let (markdown, changed) = markdown_of(&file);
            warnings.extend(changed);
            warnings.extend(typography(&file));
            markdown
        }
        None => "The text of the reading goes here.\n".to_owned(),
    };
    let title = options
        .title
        .clone()
        .unwrap_or_else(|| title_of(slug.as_str()));
    let schemas = root.join("schemas/front-matter.schema.json").is_file();
    let files = [
        (folder.join("index.md"), index_md(&title, &body, schemas)),
        (folder.join("annotations.yaml"), annotations_yaml(schemas)),
    ];
    write_new(root, &folder, &files).map_err(|e| vec![cannot_create(&folder, &e.to_string())])?;
    Ok(Outcome {
        files: files.into_iter().map(|(p, _)| p).collect(),
        warnings,
    })
}

/// E0814: the reading's folder or files could not be made.
fn cannot_create(folder: &Path, why: &str) -> Diagnostic {
    Diagnostic::error(
        "E0814",
        format!("cannot create {}/: {why}", folder.display()),
    )
    .help("nothing is left of it; make content/ writable and run `scholia new` again")
}

/// Creates the folder and each file new; on a failure, takes away what it made.
fn write_new(root: &Path, folder: &Path, files: &[(PathBuf, String)]) -> std::io::Result<()> {
    fs::create_dir_all(root.join("content"))?;
    // `create_dir`, not `create_dir_all`: it fails if another process made the folder.
    fs::create_dir(root.join(folder))?;
    let result = files.iter().try_for_each(|(path, text)| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(root.join(path))?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    if result.is_err() {
        for (path, _) in files {
            let _ = fs::remove_file(root.join(path));
        }
        let _ = fs::remove_dir(root.join(folder));
    }
    result
}

/// `the-gettysburg-address` → `The gettysburg address`.
fn title_of(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn index_md(title: &str, body: &str, schemas: bool) -> String {
    let schema = if schemas {
        "# yaml-language-server: $schema=../../schemas/front-matter.schema.json\n"
    } else {
        ""
    };
    format!(
        "---\n{schema}# The reading's front matter (docs/authoring.md). Only `title` is required; take
# the `#` off a field to use it.
title: {}
# subtitle: A line under the title
# date: 2026-01-31          # when this reading was published here: YYYY, YYYY-MM or YYYY-MM-DD
# editor_note: |            # shown above the text, in Markdown: why this text, and how it is read
#   A few words from the editor.
# original:                 # what is known of the original publication; each field optional
#   publication: The name of the paper, journal or book
#   headline: The headline as it first ran
#   author: Its author
#   date: 2026-01-30
---

{body}",
        crate::yaml::double_quoted(title)
    )
}

fn annotations_yaml(schemas: bool) -> String {
    let schema = if schemas {
        "# yaml-language-server: $schema=../../schemas/annotations.schema.json\n"
    } else {
        ""
    };
    format!(
        "{schema}# The annotations of this reading (docs/annotations.md). Every quote is matched
# against the text as a reader sees it; `scholia check` says what is wrong if one no
# longer is. Each section is optional:
#
# glosses:      who, what, where, when a term is (term, kind, match, text, dates, see)
# sources:      where claims come from (kind, title, author, publisher, date, url, note,
#               cited: the passages that rely on it)
# crossrefs:    two passages that answer each other (from, to, note)
# notes:        the editor's commentary on a passage (at, text)
# pullquotes:   words of the text repeated as an aside (quote, after)
# unglossed:    names that need no gloss
#
# For example:
#
# notes:
#   first-note:
#     at: words of the text
#     text: The editor's note, in *Markdown*.
#
# `scholia import annotations FILE --reading SLUG` appends notes made with Hypothesis or
# any W3C Web Annotation tool (docs/import.md).
"
    )
}

/// The plain text as Markdown that shows the same words: paragraphs and lines as they
/// are, syntax escaped; and what was taken off (W0811).
pub fn markdown_of(file: &Arc<SourceFile>) -> (String, Vec<Diagnostic>) {
    let text = &file.text[crate::content::text::bom_len(&file.text)..];
    let mut out = String::new();
    let mut indented: Option<(usize, usize)> = None;
    let mut trailing: Option<(usize, usize)> = None;
    let mut offset = crate::content::text::bom_len(&file.text);
    let mut blank = true;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += raw.len();
        let content = line.trim_start_matches([' ', '\t']);
        if content.trim().is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        let kept = content.trim_end_matches([' ', '\t']);
        if content.len() != line.len() {
            let count = indented.map_or(0, |(_, n)| n);
            indented = Some((indented.map_or(start, |(s, _)| s), count + 1));
        }
        if kept.len() != content.len() {
            let at = start + (line.len() - content.len()) + kept.len();
            let count = trailing.map_or(0, |(_, n)| n);
            trailing = Some((trailing.map_or(at, |(s, _)| s), count + 1));
        }
        blank = false;
        out.push_str(&escape_line(kept));
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    let mut said = Vec::new();
    if let Some((at, n)) = indented {
        said.push(
            Diagnostic::warning("W0811", format!("the indentation of {n} {} was taken off", crate::diagnostics::plural(n, "line", "lines")))
                .at(Location::new(file, at..at + 1), "indented")
                .help("Markdown would read an indented line as code; indent with CSS, or as a quotation (`> `) in index.md, if the text needs it"),
        );
    }
    if let Some((at, n)) = trailing {
        said.push(
            Diagnostic::warning("W0811", format!("spaces at the end of {n} {} were taken off", crate::diagnostics::plural(n, "line", "lines")))
                .at(Location::new(file, at..at + 1), "spaces")
                .help("two spaces at a line's end are a line break in Markdown; end the line with `\\` in index.md where a break is meant"),
        );
    }
    (out, said)
}

/// One line with what Markdown would read as syntax escaped: the import's escaping of
/// inline syntax, then of what would open a block at the line's start.
fn escape_line(line: &str) -> String {
    crate::import::html::escape_line_start(&crate::import::html::escape(line))
}

/// One thing the typographic check looks for: its name (one, many), the help, and
/// where it is in a text (byte offsets).
type Check<'a> = (&'a str, &'a str, &'a str, &'a dyn Fn(&str) -> Vec<usize>);

/// What the typographic check leaves as is: one warning (W0810) for each kind of thing,
/// at its first place, with how many there are.
pub fn typography(file: &Arc<SourceFile>) -> Vec<Diagnostic> {
    let text = &file.text;
    let checks: [Check; 5] = [
        (
            "straight double quote",
            "straight double quotes",
            "Markdown's smart punctuation shows them curly (“ ”), guessing which way each turns; write “ and ” in index.md to choose",
            &|t| t.match_indices('"').map(|(i, _)| i).collect(),
        ),
        (
            "straight apostrophe or single quote",
            "straight apostrophes or single quotes",
            "Markdown's smart punctuation shows them curly (’), guessing which way each turns; write ‘ and ’ in index.md to choose",
            &|t| t.match_indices('\'').map(|(i, _)| i).collect(),
        ),
        (
            "`--` or `---`",
            "`--` or `---`",
            "Markdown shows `--` as an en dash (–) and `---` as an em dash (—); write the dash you mean in index.md",
            &|t| {
                let mut at = Vec::new();
                let mut i = 0;
                while let Some(f) = t[i..].find("--") {
                    at.push(i + f);
                    i += f + t[i + f..].chars().take_while(|c| *c == '-').count();
                }
                at
            },
        ),
        (
            "`...`",
            "`...`",
            "Markdown shows `...` as an ellipsis (…)",
            &|t| t.match_indices("...").map(|(i, _)| i).collect(),
        ),
        (
            "run of spaces or tab inside a line",
            "runs of spaces or tabs inside lines",
            "a page shows one space for any run of white space; leave them, or take them out in index.md",
            &|t| {
                t.split_inclusive('\n')
                    .scan(0usize, |offset, line| {
                        let start = *offset;
                        *offset += line.len();
                        let content = line.trim_start_matches([' ', '\t']).trim_end();
                        let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
                        Some(
                            content
                                .match_indices(['\t', ' '])
                                .filter(|(i, s)| {
                                    *s == "\t" || content[i + 1..].starts_with([' ', '\t'])
                                })
                                .filter(|(i, _)| *i == 0 || !content[..*i].ends_with([' ', '\t']))
                                .map(|(i, _)| start + lead + i)
                                .collect::<Vec<_>>(),
                        )
                    })
                    .flatten()
                    .collect()
            },
        ),
    ];
    let mut found = Vec::new();
    for (one, many, help, find) in checks {
        let places = find(text);
        let Some(&first) = places.first() else {
            continue;
        };
        let n = places.len();
        found.push(
            Diagnostic::warning(
                "W0810",
                format!("left as is: {n} {}", if n == 1 { one } else { many }),
            )
            .at(Location::new(file, first..first + 1), "the first")
            .help(help),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cannot_create_example_in_docs_diagnostics_is_real_output() {
        let doc =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md"))
                .unwrap();
        let section = &doc[doc.find("## E0814:").unwrap()..];
        let example = section.split("```\n").nth(1).unwrap();
        let d = cannot_create(
            Path::new("content/my-reading"),
            "Permission denied (os error 13)",
        );
        assert_eq!(
            example,
            format!("$ scholia new my-reading\n{}\n", d.render())
        );
    }

    #[test]
    fn every_line_start_markdown_would_misread_is_escaped() {
        for (line, escaped) in [
            ("# Not a heading", "\\# Not a heading"),
            ("1. Not a list", "1\\. Not a list"),
            ("2) nor this", "2\\) nor this"),
            ("- nor this", "\\- nor this"),
            ("> nor a quote", "\\> nor a quote"),
            ("===", "\\==="),
            (
                "a *b* _c_ `d` [e] <f> ~g~ |h| \\i &amp;",
                "a \\*b\\* \\_c\\_ \\`d\\` \\[e\\] \\<f> \\~g\\~ \\|h\\| \\\\i \\&amp;",
            ),
            ("1939 was a year & so on", "1939 was a year & so on"),
        ] {
            assert_eq!(escape_line(line), escaped);
        }
    }
}
