//! Writing the imported annotations as YAML, as whole lines added to what the file
//! already holds.
//!
//! 1. Each entry is written in block style: strings double-quoted (the one style that
//!    carries any words), Markdown as a literal block when it can be one.
//! 2. [`insertions`] finds the file's top-level sections. New entries of a section the
//!    file has go after its last entry, before the blank lines and comments leading to
//!    the next section, at its entries' indentation, set apart by blank lines if they
//!    are, in the file's line breaks; sections it lacks are written new at its end.
//!    Every byte of the file stays, in order. A section written in flow style
//!    (`notes: {}`) has no line to add to: [`blocked`] names it, and its entries are
//!    given to the editor to place by hand (W0803) instead of written.
//! 3. [`apply`] makes the new file.

use std::ops::Range;

use crate::yaml::{double_quoted, printable};

/// A passage as YAML: a quote, or a quote with the context that singles it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassageYaml {
    pub quote: String,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub reading: Option<String>,
}

impl PassageYaml {
    /// `key: …` at `indent` spaces.
    pub fn write(&self, out: &mut String, indent: usize, key: &str) {
        let pad = " ".repeat(indent);
        if self.prefix.is_none() && self.suffix.is_none() && self.reading.is_none() {
            out.push_str(&format!("{pad}{key}: {}\n", double_quoted(&self.quote)));
            return;
        }
        out.push_str(&format!("{pad}{key}:\n"));
        let inner = " ".repeat(indent + 2);
        out.push_str(&format!("{inner}quote: {}\n", double_quoted(&self.quote)));
        for (k, v) in [
            ("prefix", &self.prefix),
            ("suffix", &self.suffix),
            ("reading", &self.reading),
        ] {
            if let Some(v) = v {
                out.push_str(&format!("{inner}{k}: {}\n", double_quoted(v)));
            }
        }
    }

    /// As an item of a list at `indent` spaces.
    fn write_item(&self, out: &mut String, indent: usize) {
        let mut entry = String::new();
        self.write(&mut entry, indent + 2, "quote");
        // `quote: "…"` alone is the short form; a mapping loses its `quote:` line.
        let pad = " ".repeat(indent);
        if self.prefix.is_none() && self.suffix.is_none() && self.reading.is_none() {
            out.push_str(&format!("{pad}- {}\n", double_quoted(&self.quote)));
        } else {
            let body = entry.split_once('\n').map_or("", |(_, rest)| rest);
            let mut lines = body.lines();
            if let Some(first) = lines.next() {
                out.push_str(&format!("{pad}- {}\n", first.trim_start()));
            }
            for line in lines {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
}

/// `key: value` for the editor's Markdown: a literal block when the text can be one.
pub fn write_markdown(out: &mut String, indent: usize, key: &str, text: &str) {
    let pad = " ".repeat(indent);
    let block_safe = !text.is_empty()
        && !text.starts_with([' ', '\n'])
        && text
            .chars()
            .all(|c| (printable(c) && c != '\t' && c != '\r') || c == '\n')
        && text.lines().all(|l| !l.ends_with(' '))
        && !text.ends_with('\n');
    if !block_safe {
        out.push_str(&format!("{pad}{key}: {}\n", double_quoted(text)));
        return;
    }
    out.push_str(&format!("{pad}{key}: |-\n"));
    for line in text.split('\n') {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("{pad}  {line}\n"));
        }
    }
}

pub fn write_string(out: &mut String, indent: usize, key: &str, value: &str) {
    out.push_str(&format!(
        "{}{key}: {}\n",
        " ".repeat(indent),
        double_quoted(value)
    ));
}

pub fn write_list(out: &mut String, indent: usize, key: &str, passages: &[PassageYaml]) {
    out.push_str(&format!("{}{key}:\n", " ".repeat(indent)));
    for p in passages {
        p.write_item(out, indent + 2);
    }
}

/// A top-level section of the file: its key, its lines (the key's, then up to the next
/// top-level key), whether its value is written on the key's line (flow style or a
/// scalar).
#[derive(Debug)]
struct Section {
    key: String,
    lines: Range<usize>,
    inline: bool,
}

/// The file's lines, each with its line break.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

fn sections(lines: &[&str]) -> Vec<Section> {
    let mut found: Vec<Section> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let content = line.trim_end();
        if content.is_empty() || content.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        if let Some((key, value)) = content.split_once(':') {
            let value = value.split(" #").next().unwrap_or("").trim();
            if let Some(last) = found.last_mut() {
                last.lines.end = i;
            }
            found.push(Section {
                key: key.trim().trim_matches(['"', '\'']).to_owned(),
                lines: i..lines.len(),
                inline: !value.is_empty(),
            });
        }
    }
    found
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The indentation of the entries of `section`.
fn entry_indent(lines: &[&str], section: &Section) -> usize {
    lines[section.lines.start + 1..section.lines.end]
        .iter()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| indent_of(l))
        .filter(|&n| n > 0)
        .unwrap_or(2)
}

/// Whether the entries of `section` are set apart by blank lines (a comment may come
/// between), so that new ones are too.
fn spaced(lines: &[&str], section: &Section, indent: usize) -> bool {
    let body = &lines[section.lines.start + 1..section.lines.end];
    let is_entry = |l: &&str| {
        indent_of(l) == indent && !l.trim().is_empty() && !l.trim_start().starts_with('#')
    };
    let Some(first) = body.iter().position(is_entry) else {
        return false;
    };
    (first + 1..body.len())
        .filter(|&i| is_entry(&body[i]))
        .any(|i| {
            body[..i]
                .iter()
                .rev()
                .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
                .any(|l| l.trim().is_empty())
        })
}

/// The line before which new entries of `section` go: after its last entry's last line,
/// before the blank lines and comments that lead to the next section. A comment
/// indented deeper than the entries may be a line of a block scalar (`text: |`), and is
/// kept inside the section.
/// Without `tidy`, the section's very end, before the next section's key: the place
/// for a section whose last value keeps its trailing blank lines (`text: |+`).
fn insertion_line(lines: &[&str], section: &Section, indent: usize, tidy: bool) -> usize {
    let mut end = section.lines.end;
    if !tidy {
        return end;
    }
    while end > section.lines.start + 1 {
        let line = lines[end - 1];
        let trimmed = line.trim();
        if trimmed.is_empty() || (trimmed.starts_with('#') && indent_of(line) <= indent) {
            end -= 1;
        } else {
            break;
        }
    }
    end
}

/// The sections of `wanted` that cannot take new entries, each with the reason: one
/// written on the key's line (flow style, `notes: {}`), where a new line cannot go.
/// The byte range of the section's key is given with each.
pub fn blocked<'w>(existing: &str, wanted: &[&'w str]) -> Vec<(&'w str, String, Range<usize>)> {
    let lines = lines(existing);
    let found = sections(&lines);
    let mut out = Vec::new();
    for key in wanted {
        if let Some(s) = found.iter().rev().find(|s| s.key == *key && s.inline) {
            let start = lines[..s.lines.start]
                .iter()
                .map(|l| l.len())
                .sum::<usize>();
            let end = start + lines[s.lines.start].find(':').unwrap_or(0);
            out.push((*key, format!("the file's `{key}:` section is written on one line (flow style), and entries cannot be added to it without changing what is there"), start..end));
        }
    }
    out
}

/// New lines for the file: `text` goes before the byte `at` of the file as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insertion {
    pub at: usize,
    /// The line (1-based) the new lines follow; 0 at the file's start.
    pub after_line: usize,
    /// Whether they go at the file's end.
    pub at_end: bool,
    pub text: String,
}

/// Where the entries of each section of `wanted` (none of them [`blocked`]) go in
/// `existing`, as whole lines: at the end of the section when the file has it, at the
/// file's end otherwise, in the file's line breaks (with `tidy`, before the blank lines
/// and comments that lead to the next section). `entries(section, indent, spaced)`
/// writes them at that indentation, each after a blank line when `spaced` (as the
/// section's entries are). In the order of the file.
pub fn insertions(
    existing: &str,
    wanted: &[&str],
    tidy: bool,
    mut entries: impl FnMut(&str, usize, bool) -> String,
) -> Vec<Insertion> {
    let lines = lines(existing);
    let found = sections(&lines);
    let crlf = lines.first().is_some_and(|l| l.ends_with("\r\n"));
    let eol = |s: String| if crlf { s.replace('\n', "\r\n") } else { s };
    let offset = |line: usize| lines[..line].iter().map(|l| l.len()).sum::<usize>();
    let unterminated = !existing.is_empty() && !existing.ends_with('\n');
    let mut out = Vec::new();
    let mut at_end = String::new();
    for key in wanted {
        match found.iter().rev().find(|s| s.key == *key) {
            Some(section) => {
                let indent = entry_indent(&lines, section);
                let line = insertion_line(&lines, section, indent, tidy);
                let mut text = entries(key, indent, spaced(&lines, section, indent));
                // The last line of the file may have no line break to follow.
                if line == lines.len() && unterminated {
                    text.insert(0, '\n');
                }
                out.push(Insertion {
                    at: offset(line),
                    after_line: line,
                    at_end: line == lines.len(),
                    text: eol(text),
                });
            }
            None => {
                at_end.push_str(&format!("\n{key}:\n"));
                at_end.push_str(&entries(key, 2, false));
            }
        }
    }
    if !at_end.is_empty() {
        if unterminated && !out.iter().any(|i| i.at_end) {
            at_end.insert(0, '\n');
        }
        out.push(Insertion {
            at: existing.len(),
            after_line: lines.len(),
            at_end: true,
            text: eol(at_end),
        });
    }
    // Stable: the entries of the file's last section come before new sections.
    out.sort_by_key(|i| i.at);
    out
}

/// `existing` with the insertions made.
pub fn apply(existing: &str, insertions: &[Insertion]) -> String {
    let mut out = String::with_capacity(existing.len());
    let mut from = 0;
    for i in insertions {
        out.push_str(&existing[from..i.at]);
        out.push_str(&i.text);
        from = i.at;
    }
    out.push_str(&existing[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, indent: usize, spaced: bool) -> String {
        format!(
            "{}{}{key}-new:\n{}  text: x\n",
            if spaced { "\n" } else { "" },
            " ".repeat(indent),
            " ".repeat(indent)
        )
    }

    fn added(file: &str, wanted: &[&str]) -> String {
        apply(file, &insertions(file, wanted, true, entry))
    }

    #[test]
    fn entries_of_the_last_section_follow_it_at_its_indentation() {
        let file = "glossary: # c\nnotes:\n    old:\n      text: y\n";
        assert_eq!(
            added(file, &["notes", "crossrefs"]),
            format!(
                "{file}    notes-new:\n      text: x\n\ncrossrefs:\n  crossrefs-new:\n    text: x\n"
            )
        );
    }

    #[test]
    fn entries_go_at_the_end_of_their_section_before_the_comments_leading_to_the_next() {
        let file = "notes:\n  a:\n    text: |\n      # a line of the text\n\n  # -- next --\nglosses: # g\n  b: {}\n";
        assert_eq!(
            added(file, &["notes"]),
            "notes:\n  a:\n    text: |\n      # a line of the text\n  notes-new:\n    text: x\n\n  # -- next --\nglosses: # g\n  b: {}\n"
        );
    }

    #[test]
    fn entries_set_apart_by_blank_lines_are_followed_by_new_ones_set_apart() {
        let file = "notes:\n\n  a:\n    text: y\n\n  # b\n  b:\n    text: z\n\nx: 1\n";
        assert_eq!(
            added(file, &["notes"]),
            "notes:\n\n  a:\n    text: y\n\n  # b\n  b:\n    text: z\n\n  notes-new:\n    text: x\n\nx: 1\n"
        );
    }

    #[test]
    fn line_breaks_and_a_last_line_without_one_are_kept() {
        assert_eq!(
            added(
                "notes:\r\n  a:\r\n    text: y\r\nx: 1\r\n",
                &["notes", "glosses"]
            ),
            "notes:\r\n  a:\r\n    text: y\r\n  notes-new:\r\n    text: x\r\nx: 1\r\n\r\nglosses:\r\n  glosses-new:\r\n    text: x\r\n"
        );
        assert_eq!(
            added("notes:\n  a: {}", &["notes", "glosses"]),
            "notes:\n  a: {}\n  notes-new:\n    text: x\n\nglosses:\n  glosses-new:\n    text: x\n"
        );
    }

    #[test]
    fn a_section_in_flow_style_is_blocked() {
        let file = "notes:\n  a: {}\nglosses:\n  b: {}\n";
        assert!(blocked(file, &["notes", "glosses", "crossrefs"]).is_empty());
        assert_eq!(blocked("notes: {}\n", &["notes"]).len(), 1);
        assert_eq!(blocked("notes: {a: {}}\nglosses:\n", &["notes"]).len(), 1);
    }

    #[test]
    fn markdown_that_a_block_cannot_hold_is_double_quoted() {
        let mut out = String::new();
        write_markdown(&mut out, 4, "text", "One.\n\nTwo.");
        assert_eq!(out, "    text: |-\n      One.\n\n      Two.\n");
        let mut out = String::new();
        write_markdown(&mut out, 4, "text", " lead\tand tab");
        assert_eq!(out, "    text: \" lead\\tand tab\"\n");
    }
}
