//! YAML, behind one small module.
//!
//! scholia reads YAML with serde-saphyr rather than the archived serde_yaml: it is
//! maintained, and its [`Spanned<T>`] records the line, column and byte range of every
//! value, which is what lets a diagnostic point at the exact annotation that is wrong.
//! Nothing outside this module names serde-saphyr, so it can be swapped in one place.
//!
//! - [`parse`] deserialises a file (or a part of one, such as front matter) within
//!   [`limits`] sized for hand-written files, and turns any syntax or type error into a
//!   [`Diagnostic`] at the right place; input that breaks a limit (an alias bomb, nesting
//!   hundreds deep) is refused with E0701 before it can cost much time or memory.
//! - [`Spanned`] and [`Entries`] are the types the annotation model uses to keep places.
//! - [`double_quoted`] writes a string as YAML, for `check --fix` and for the help that
//!   tells an editor what to write.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;
use std::sync::Arc;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_saphyr::MessageFormatter;

use crate::diagnostics::{Diagnostic, Location, SourceFile};

pub use serde_saphyr::Spanned;

/// Parses `file.text[range]` as YAML into `T`. Byte offsets in the result, and in any
/// diagnostic, are offsets into the whole file.
pub fn parse<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
    range: Range<usize>,
) -> Result<Parsed<T>, Diagnostic> {
    let text = &file.text[range.clone()];
    match serde_saphyr::from_str_with_options::<T>(text, limits()) {
        Ok(value) => Ok(Parsed {
            value,
            file: Arc::clone(file),
            offset: range.start,
        }),
        Err(err) => {
            let inner = err.without_snippet();
            let message = serde_saphyr::DefaultMessageFormatter
                .format_message(inner)
                .into_owned();
            let span = err
                .location()
                .and_then(|l| byte_range(&l).or_else(|| from_line_column(text, &l)))
                .map(|r| (r.start + range.start)..(r.end + range.start))
                .unwrap_or(range.start..range.start);
            // The parser stops nesting with a message, not a variant of its own.
            let limit = if message == "recursion limit exceeded" {
                Some("it nests too deeply")
            } else {
                limit_broken(&err)
            };
            if let Some(what) = limit {
                return Err(Diagnostic::error(
                    "E0701",
                    format!("this YAML is too large or too deeply nested to read: {what}"),
                )
                .at(Location::new(file, span), "here")
                .help(format!(
                    "scholia reads YAML written by hand: at most {MAX_DEPTH} levels of nesting, and aliases (`*name`) that repeat at most {MAX_REPLAYED} values in all; write the values out"
                )));
            }
            let mut d = Diagnostic::error("E0001", yaml_message(&message))
                .at(Location::new(file, span), label_for(&message));
            if let Some(near) = did_you_mean(&message) {
                d = d.help(format!("did you mean `{near}`?"));
            }
            Err(d.help(help_for(&message)))
        }
    }
}

/// How deep a YAML value may nest. An annotation file needs five levels; the parser's
/// own default (64) would still let a deep file cost deep recursion in serde.
const MAX_DEPTH: usize = 32;

/// How many values aliases may replay in one file, in all. The parser's default (a
/// million) lets a few lines of "billion laughs" cost seconds and hundreds of megabytes.
const MAX_REPLAYED: usize = 10_000;

/// The parser's options: its defaults, with limits sized for hand-written files.
fn limits() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
            // Scalars replayed by aliases count here too: this bounds the memory an
            // alias of a long string, repeated, can take.
            max_total_scalar_bytes: 32 * 1024 * 1024,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_REPLAYED,
            max_replay_stack_depth: MAX_DEPTH,
        },
    }
}

/// If `err` is a broken limit rather than a mistake in the YAML, what was too much.
fn limit_broken(err: &serde_saphyr::Error) -> Option<&'static str> {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    match err {
        E::WithSnippet { error, .. } | E::AliasError { error, .. } => limit_broken(error),
        E::AliasReplayCounterOverflow { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => Some("its aliases expand too far"),
        E::Budget { breach, .. } => Some(match breach {
            B::Depth { .. } => "it nests too deeply",
            B::Aliases { .. } | B::Anchors { .. } | B::AliasAnchorRatio { .. } => {
                "it has too many aliases"
            }
            B::ScalarBytes { .. } => "its text, with what its aliases repeat, is too long",
            B::Documents { .. } => "it holds too many documents",
            B::SequenceUnbalanced => return None,
            _ => "it holds too many values",
        }),
        _ => None,
    }
}

/// A parsed value with what is needed to turn its spans into [`Location`]s.
pub struct Parsed<T> {
    pub value: T,
    pub file: Arc<SourceFile>,
    offset: usize,
}

impl<T> Parsed<T> {
    /// Where a spanned value stands in the file.
    pub fn locate<U>(&self, spanned: &Spanned<U>) -> Location {
        locate(&self.file, self.offset, spanned)
    }

    /// A function that locates spanned values, to hand to later stages.
    pub fn locator(&self) -> Locator {
        Locator {
            file: Arc::clone(&self.file),
            offset: self.offset,
        }
    }
}

/// Turns spans of one parsed document into [`Location`]s.
#[derive(Clone, Debug)]
pub struct Locator {
    pub file: Arc<SourceFile>,
    offset: usize,
}

impl Locator {
    pub fn locate<U>(&self, spanned: &Spanned<U>) -> Location {
        locate(&self.file, self.offset, spanned)
    }
}

fn locate<U>(file: &Arc<SourceFile>, offset: usize, spanned: &Spanned<U>) -> Location {
    let range = byte_range(&spanned.referenced).unwrap_or(0..0);
    Location::new(file, (range.start + offset)..(range.end + offset))
}

fn byte_range(location: &serde_saphyr::Location) -> Option<Range<usize>> {
    let span = location.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len().unwrap_or(0)).ok()?;
    Some(start..start + len)
}

/// Where the parser knows only a line and column (syntax errors), find the byte.
fn from_line_column(text: &str, location: &serde_saphyr::Location) -> Option<Range<usize>> {
    let line = usize::try_from(location.line()).ok()?.checked_sub(1)?;
    let column = usize::try_from(location.column()).ok()?.checked_sub(1)?;
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let rest = text.get(line_start..)?;
    let offset = rest
        .char_indices()
        .nth(column)
        .map_or(rest.len(), |(i, _)| i);
    let start = line_start + offset;
    let end = start + text[start..].chars().next().map_or(0, char::len_utf8);
    Some(start..end)
}

/// For "unknown field `txt`, expected one of term, text, …": the field meant.
fn did_you_mean(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (wrong, rest) = rest.split_once('`')?;
    let expected = rest.split_once("expected one of ")?.1;
    let wrong: Vec<char> = wrong.chars().collect();
    expected
        .split(", ")
        .map(|c| c.trim_matches('`'))
        .map(|c| {
            let chars: Vec<char> = c.chars().collect();
            (crate::diagnostics::edit_distance(&wrong, &chars), c)
        })
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min()
        .map(|(_, c)| c.to_owned())
}

fn yaml_message(message: &str) -> String {
    if message.starts_with("unknown field") {
        message.to_owned()
    } else if message.starts_with("missing field") {
        format!("{message}: this entry needs it")
    } else {
        format!("this YAML cannot be read: {}", plain_words(message))
    }
}

/// The parser's messages in the words of someone writing the file: without the names of
/// its own API ("use from_str_multiple", "set DuplicateKeyPolicy"), and without jargon.
fn plain_words(message: &str) -> String {
    if message.starts_with("multiple YAML documents") {
        return "the file holds more than one YAML document".into();
    }
    if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
        let key = key.split(", set DuplicateKeyPolicy").next().unwrap_or(key);
        return format!("`{key}` is given twice in one mapping");
    }
    match message {
        "expected mapping start" => "expected a mapping here (lines of `name: value`)".into(),
        "expected sequence start" => {
            "expected a list here (lines starting `- `, or `[a, b]`)".into()
        }
        "expected string scalar" => "expected a text here, not a list or a mapping".into(),
        "unexpected end of input" => "the YAML ends where a value is needed".into(),
        "alias references unknown anchor" => {
            "this alias (`*name`) refers to no anchor (`&name`) before it".into()
        }
        _ => message.to_owned(),
    }
}

fn label_for(message: &str) -> String {
    if message.starts_with("unknown field") {
        "not a field here".into()
    } else if message.starts_with("missing field") {
        "in this entry".into()
    } else {
        "here".into()
    }
}

fn help_for(message: &str) -> String {
    if message.starts_with("unknown field") {
        "docs/annotations.md lists every field, with an example".into()
    } else if message.starts_with("missing field") {
        "add the field; docs/annotations.md shows an example of each entry".into()
    } else if message.starts_with("duplicate mapping key") {
        "each id or field may be given once; rename or merge one of the two".into()
    } else if message.starts_with("unknown variant") {
        "use one of the values listed above".into()
    } else if message.starts_with("multiple YAML documents") {
        "keep one document: remove the line `---` or `...` above this one, or move what follows to its own file".into()
    } else if message.starts_with("tabs disallowed") {
        "indent with spaces: YAML does not allow tabs in indentation".into()
    } else if message == "unexpected end of input" {
        "the file (or front matter) is empty or only comments; docs/annotations.md shows what it holds".into()
    } else if message == "alias references unknown anchor" {
        "define the anchor first (`key: &name value`), or write the value out".into()
    } else {
        "check the indentation and quoting here; a value containing `: ` or starting with a quote must be quoted".into()
    }
}

/// A YAML mapping of ids to entries, kept in the order written, each id with its place.
/// The key is a type of the caller's, such as a parsed id
/// ([`WrittenId`](crate::names::WrittenId)), so that this module need not know it.
#[derive(Debug, Clone)]
pub struct Entries<K, V>(pub Vec<(K, V)>);

impl<K, V> Default for Entries<K, V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<K, V> Entries<K, V> {
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// In a schema, entries are a mapping from ids to entries.
impl<K, V: schemars::JsonSchema> schemars::JsonSchema for Entries<K, V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Entries_{}", V::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "propertyNames": { "pattern": "^[A-Za-z][A-Za-z0-9_-]*$" },
            "additionalProperties": generator.subschema_for::<V>()
        })
    }
}

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Entries<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<K, V> {
            type Value = Entries<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of ids to entries")
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Entries::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

/// YAML's printable characters, less those some readers take for line breaks or a BOM.
pub fn printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// `s` as a YAML double-quoted scalar on one line.
pub fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if printable(c) => out.push(c),
            c if (c as u32) <= 0xFF => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::model::AnnotationFile;

    fn parse_text(text: &str) -> Result<Parsed<AnnotationFile>, Diagnostic> {
        let file = SourceFile::new("annotations.yaml", text);
        parse::<AnnotationFile>(&file, 0..text.len())
    }

    /// Ten levels of ten aliases each: 10^10 strings if expanded.
    fn billion_laughs() -> String {
        let mut yaml = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let row = vec![format!("*a{}", i - 1); 10].join(", ");
            yaml.push_str(&format!("a{i}: &a{i} [{row}]\n"));
        }
        yaml
    }

    #[test]
    fn an_alias_bomb_is_refused_with_e0701() {
        // Read as a value that takes anything, so the whole bomb would be expanded.
        let file = SourceFile::new("bomb.yaml", billion_laughs());
        let d = parse::<std::collections::BTreeMap<String, serde_json::Value>>(
            &file,
            0..file.text.len(),
        )
        .err()
        .expect("refused");
        assert_eq!(d.code, "E0701", "{}", d.render());
        assert!(d.message.contains("aliases"), "{}", d.message);
        assert!(d.location.is_some());
    }

    #[test]
    fn a_long_list_repeated_by_aliases_is_refused() {
        // Within scholia's own types: a thousand passages, cited by a hundred sources.
        let mut yaml = String::from("sources:\n  s0:\n    kind: book\n    cited: &c\n");
        for i in 0..1000 {
            yaml.push_str(&format!("      - quote: q{i}\n"));
        }
        for i in 1..100 {
            yaml.push_str(&format!("  s{i}:\n    kind: book\n    cited: *c\n"));
        }
        let d = parse_text(&yaml).err().expect("refused");
        assert_eq!(d.code, "E0701", "{}", d.render());
    }

    #[test]
    fn a_long_string_repeated_by_aliases_is_refused() {
        let long = "x".repeat(1 << 20);
        let mut yaml = format!("unglossed:\n  - &big {long}\n");
        for _ in 0..60 {
            yaml.push_str("  - *big\n");
        }
        let d = parse_text(&yaml).err().expect("refused");
        assert_eq!(d.code, "E0701", "{}", d.render());
    }

    #[test]
    fn yaml_nested_hundreds_deep_is_refused_with_e0701() {
        let block: String = (0..200).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        for yaml in [
            format!("x: {}{}", "[".repeat(500), "]".repeat(500)),
            format!("x: {}{}", "{a: ".repeat(500), "}".repeat(500)),
            format!("x:\n{block}"),
        ] {
            let file = SourceFile::new("deep.yaml", yaml);
            let d = parse::<serde_json::Value>(&file, 0..file.text.len())
                .err()
                .expect("refused");
            assert_eq!(d.code, "E0701", "{}", d.render());
            assert!(d.message.contains("nest"), "{}", d.message);
        }
    }

    #[test]
    fn a_few_aliases_are_still_read() {
        let yaml = "glosses:\n  a:\n    term: A\n    kind: person\n    text: &t Same text.\n  b:\n    term: B\n    kind: person\n    text: *t\n";
        let parsed = parse_text(yaml).unwrap_or_else(|d| panic!("{}", d.render()));
        assert_eq!(parsed.value.glosses.len(), 2);
    }

    #[test]
    fn double_quoting_escapes_what_yaml_cannot_hold() {
        assert_eq!(
            double_quoted("a \"b\" \\ \u{7}\u{2028}"),
            r#""a \"b\" \\ \x07\u2028""#
        );
    }
}
