//! Writing the imported annotations as YAML, after what the file already holds.
//!
//! 1. Each entry is written in block style: strings double-quoted (the one style that
//!    carries any words), Markdown as a literal block when it can be one.
//! 2. [`append`] finds the file's top-level sections. New entries of the section the
//!    file ends with go on after it, at its indentation; other sections are written new
//!    at the end. A section that exists but is not the last cannot take entries without
//!    changing a byte of the file, nor can a last one written in flow style (`notes: {}`):
//!    [`blocked`] names them, and their entries are given to the editor to place by hand
//!    (W0803) instead of written.

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

/// A top-level section of the file: its key, where its line starts, whether its
/// value is written on the key's line (flow style or a scalar).
#[derive(Debug)]
struct Section {
    key: String,
    line_start: usize,
    inline: bool,
}

fn sections(text: &str) -> Vec<Section> {
    let mut found = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let content = line.trim_end();
        if content.is_empty() || content.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        if let Some((key, value)) = content.split_once(':') {
            let value = value.split(" #").next().unwrap_or("").trim();
            found.push(Section {
                key: key.trim().trim_matches(['"', '\'']).to_owned(),
                line_start: start,
                inline: !value.is_empty(),
            });
        }
    }
    found
}

/// The indentation of the entries of the section that starts at `line_start`.
fn entry_indent(text: &str, line_start: usize) -> usize {
    text[line_start..]
        .lines()
        .skip(1)
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .filter(|&n| n > 0)
        .unwrap_or(2)
}

/// The sections of `wanted` that cannot take new entries at the end of `existing`,
/// each with the reason: one that exists but is not the file's last, or is written on
/// one line (flow style).
pub fn blocked<'w>(existing: &str, wanted: &[&'w str]) -> Vec<(&'w str, String)> {
    let found = sections(existing);
    let last = found.last().map(|l| l.line_start);
    let mut out = Vec::new();
    for key in wanted {
        let Some(section) = found.iter().find(|s| s.key == *key) else {
            continue;
        };
        if Some(section.line_start) != last {
            out.push((*key, format!("the file's `{key}:` section is not its last, and entries cannot be added to it without changing what is there")));
        } else if section.inline {
            out.push((*key, format!("the file's `{key}:` section is written on one line (flow style), and entries cannot be added to it without changing what is there")));
        }
    }
    out
}

/// The bytes to put after `existing` so that it holds the entries of each section
/// (none of them [`blocked`]): `entries(section, indent)` writes them at that
/// indentation.
pub fn append(
    existing: &str,
    wanted: &[&str],
    mut entries: impl FnMut(&str, usize) -> String,
) -> String {
    let found = sections(existing);
    let last = found.last();
    let mut out = String::new();
    if !existing.is_empty() && !existing.ends_with('\n') {
        out.push('\n');
    }
    // The last section first: its entries must follow it directly.
    if let Some(last) = last.filter(|l| wanted.contains(&l.key.as_str())) {
        out.push_str(&entries(&last.key, entry_indent(existing, last.line_start)));
    }
    for key in wanted {
        if last.is_some_and(|l| l.key == *key) {
            continue;
        }
        out.push_str(&format!("\n{key}:\n"));
        out.push_str(&entries(key, 2));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, indent: usize) -> String {
        format!(
            "{}{key}-new:\n{}  text: x\n",
            " ".repeat(indent),
            " ".repeat(indent)
        )
    }

    #[test]
    fn entries_of_the_last_section_follow_it_at_its_indentation() {
        let file = "glossary: # c\nnotes:\n    old:\n      text: y\n";
        let added = append(file, &["notes", "crossrefs"], entry);
        assert_eq!(
            added,
            "    notes-new:\n      text: x\n\ncrossrefs:\n  crossrefs-new:\n    text: x\n"
        );
    }

    #[test]
    fn a_section_in_the_middle_or_in_flow_style_is_blocked() {
        let file = "notes:\n  a: {}\nglosses:\n  b: {}\n";
        let blocked_here = blocked(file, &["notes", "glosses", "crossrefs"]);
        assert_eq!(blocked_here.len(), 1);
        assert_eq!(blocked_here[0].0, "notes");
        assert_eq!(blocked("notes: {}\n", &["notes"]).len(), 1);
        assert!(blocked("notes:\n  a: {}\n", &["notes"]).is_empty());
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
