//! YAML, behind one small module.
//!
//! scholia reads YAML with serde-saphyr rather than the archived serde_yaml: it is
//! maintained, and its [`Spanned<T>`] records the line, column and byte range of every
//! value, which is what lets a diagnostic point at the exact annotation that is wrong.
//! Nothing outside this module names serde-saphyr, so it can be swapped in one place.
//!
//! - [`parse`] deserialises a file (or a part of one, such as front matter) and turns any
//!   syntax or type error into a [`Diagnostic`] at the right place.
//! - [`Spanned`] and [`Entries`] are the types the annotation model uses to keep places.

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
    match serde_saphyr::from_str::<T>(text) {
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
            let mut d = Diagnostic::error("E0001", yaml_message(&message))
                .at(Location::new(file, span), label_for(&message));
            if let Some(near) = did_you_mean(&message) {
                d = d.help(format!("did you mean `{near}`?"));
            }
            Err(d.help(help_for(&message)))
        }
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
            (crate::annotations::anchor::edit_distance(&wrong, &chars), c)
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
        format!("this YAML cannot be read: {message}")
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
        "each id may be defined once; rename or merge one of the two entries".into()
    } else if message.starts_with("unknown variant") {
        "use one of the values listed above".into()
    } else {
        "check the indentation and quoting here; a value containing `: ` or starting with a quote must be quoted".into()
    }
}

/// A YAML mapping of ids to entries, kept in the order written, each id with its place.
#[derive(Debug)]
pub struct Entries<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<V> Entries<V> {
    pub fn iter(&self) -> impl Iterator<Item = (&Spanned<String>, &V)> {
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
impl<V: schemars::JsonSchema> schemars::JsonSchema for Entries<V> {
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

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = Entries<V>;
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
