//! Reading an export: a Hypothesis API search result or W3C Web Annotation JSON-LD,
//! into [`Incoming`] annotations that say what they are and where they point.
//!
//! 1. Parse the JSON (E0800 at the line and column serde_json gives).
//! 2. Tell the format by its shape: an object with `rows` is Hypothesis; an
//!    `Annotation`, an array, an `AnnotationPage` or an `AnnotationCollection` (its pages
//!    embedded as `first`, then each `next`) is W3C. Anything else is E0801.
//! 3. Take each annotation's target (its `source` and its `TextQuoteSelector` and
//!    `TextPositionSelector`; a `RangeSelector` locates DOM nodes scholia does not have)
//!    and decide what it becomes, by the convention of docs/import.md: a note, a gloss, a
//!    citation of a source, or a cross-reference.

use serde_json::Value;

use crate::annotations::model::{GlossKind, SourceKind};

/// Where an annotation points: a page and the selectors for its words.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// The page (`uri`, `source`).
    pub source: Option<String>,
    pub quote: Option<Quote>,
    /// Code point offsets into the plain text (`text.txt`), end excluded.
    pub position: Option<(usize, usize)>,
}

#[derive(Debug, Clone)]
pub struct Quote {
    pub exact: String,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
}

/// A body as the export wrote it.
#[derive(Debug, Clone)]
pub enum Body {
    /// Markdown (Hypothesis writes its `text` in Markdown; `text/markdown` bodies).
    Markdown(String),
    /// `text/html`: made Markdown on import.
    Html(String),
    /// `text/plain` (or no format): kept as written, escaped for Markdown.
    Plain(String),
}

/// What an annotation becomes.
#[derive(Debug, Clone)]
pub enum What {
    Note {
        /// The id it had, where it was scholia's (`#note-<id>`).
        id: Option<String>,
        text: Body,
    },
    Gloss {
        /// The glossary entry (`glossary.html#g-<id>`) or, for a Hypothesis
        /// annotation, none: the gloss is named for its term.
        id: Option<String>,
        term: Option<String>,
        kind: GlossKind,
        text: Body,
        /// Dates in words (`born 1939`), as scholia exports them.
        dates: Option<String>,
    },
    Citation {
        /// The bibliography entry (`sources.html#s-<id>`).
        id: String,
        kind: SourceKind,
        /// The citation and the source's note, HTML, as scholia exports them.
        html: String,
        url: Option<String>,
    },
    CrossRef {
        id: Option<String>,
        note: Body,
        to: Target,
    },
}

/// One annotation of the file.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Its id in the file (Hypothesis id or W3C IRI), to name it in reports.
    pub id: String,
    /// The text that finds it in the file, for a diagnostic's place.
    pub needle: String,
    pub target: Option<Target>,
    pub what: What,
    /// Why it is not imported at all, whatever its target (a reply, say).
    pub skip: Option<String>,
}

/// Which format a file was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Hypothesis,
    W3c,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Hypothesis => "Hypothesis",
            Format::W3c => "W3C Web Annotation",
        }
    }
}

/// Why a file could not be read: what, and where (line, column from 1) when known.
#[derive(Debug)]
pub struct Unreadable {
    pub message: String,
    pub at: Option<(usize, usize)>,
    pub help: String,
}

pub fn read(text: &str) -> Result<(Format, Vec<Incoming>), Unreadable> {
    let json: Value = serde_json::from_str(text).map_err(|e| Unreadable {
        message: format!("this is not JSON: {e}"),
        at: (e.line() > 0).then(|| (e.line(), e.column().max(1))),
        help: "export the annotations again, as JSON: a Hypothesis API search result or W3C Web Annotation JSON-LD".into(),
    })?;
    if let Some(rows) = json.get("rows") {
        let rows = rows
            .as_array()
            .ok_or_else(|| shape("`rows` is not a list"))?;
        return Ok((Format::Hypothesis, rows.iter().map(hypothesis).collect()));
    }
    let mut found = Vec::new();
    w3c_items(&json, &mut found, 0)?;
    Ok((Format::W3c, found))
}

fn shape(what: &str) -> Unreadable {
    Unreadable {
        message: format!("this is neither a Hypothesis export nor W3C Web Annotations: {what}"),
        at: None,
        help: "give a Hypothesis API search result (`{\"total\": …, \"rows\": […]}`) or W3C JSON-LD: an Annotation, a list of them, an AnnotationPage or an AnnotationCollection with its pages embedded".into(),
    }
}

/// Whether a JSON-LD `type` (a string or a list) names `what` (`oa:` prefix allowed).
fn has_type(value: &Value, what: &str) -> bool {
    let is = |v: &Value| {
        v.as_str()
            .is_some_and(|t| t == what || t.strip_prefix("oa:") == Some(what))
    };
    match value.get("type").or_else(|| value.get("@type")) {
        Some(Value::Array(list)) => list.iter().any(is),
        Some(v) => is(v),
        None => false,
    }
}

fn w3c_items(json: &Value, found: &mut Vec<Incoming>, depth: usize) -> Result<(), Unreadable> {
    if depth > 64 {
        return Err(shape("its pages nest too deep"));
    }
    match json {
        Value::Array(list) => {
            for item in list {
                w3c_items(item, found, depth + 1)?;
            }
            Ok(())
        }
        v if has_type(v, "AnnotationCollection") => {
            match v.get("first") {
                None => Ok(()),
                Some(Value::Object(_)) => w3c_items(&v["first"], found, depth + 1),
                Some(_) => Err(Unreadable {
                    message: "the collection's pages are not in the file: `first` is only an address".into(),
                    at: None,
                    help: "fetch each page (`first`, then each `next`) and import them one by one, or as a list".into(),
                }),
            }
        }
        v if has_type(v, "AnnotationPage") => {
            let items = v
                .get("items")
                .and_then(Value::as_array)
                .ok_or_else(|| shape("an AnnotationPage without `items`"))?;
            for item in items {
                w3c_items(item, found, depth + 1)?;
            }
            match v.get("next") {
                Some(next @ Value::Object(_)) => w3c_items(next, found, depth + 1),
                _ => Ok(()),
            }
        }
        v if has_type(v, "Annotation") => {
            found.push(w3c(v));
            Ok(())
        }
        _ => Err(shape(
            "no `rows`, and no `type` of Annotation, AnnotationPage or AnnotationCollection",
        )),
    }
}

fn string(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The text quote and text position selectors of a target's `selector` (one or a list).
fn selectors(target: &Value) -> Target {
    let mut out = Target {
        source: string(target, "source"),
        ..Target::default()
    };
    let list: Vec<&Value> = match target.get("selector") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    for s in list {
        if has_type(s, "TextQuoteSelector") && out.quote.is_none() {
            if let Some(exact) = string(s, "exact") {
                out.quote = Some(Quote {
                    exact,
                    prefix: string(s, "prefix"),
                    suffix: string(s, "suffix"),
                });
            }
        } else if has_type(s, "TextPositionSelector") && out.position.is_none() {
            let n = |k: &str| s.get(k).and_then(Value::as_u64).map(|n| n as usize);
            if let (Some(start), Some(end)) = (n("start"), n("end")) {
                out.position = Some((start, end));
            }
        }
    }
    out
}

/// A Hypothesis row: `text` (Markdown) and `tags` on the first target.
fn hypothesis(row: &Value) -> Incoming {
    let id = string(row, "id").unwrap_or_default();
    let target = row
        .get("target")
        .and_then(Value::as_array)
        .and_then(|t| t.first())
        .map(selectors)
        .map(|mut t| {
            t.source = t.source.or_else(|| string(row, "uri"));
            t
        })
        .filter(|t| t.quote.is_some() || t.position.is_some());
    let tags: Vec<String> = row
        .get("tags")
        .and_then(Value::as_array)
        .map(|t| {
            t.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let text = Body::Markdown(string(row, "text").unwrap_or_default());
    let what = if tags.iter().any(|t| t.eq_ignore_ascii_case("gloss")) {
        What::Gloss {
            id: None,
            term: tags
                .iter()
                .find_map(|t| t.strip_prefix("term:").map(|s| s.trim().to_owned())),
            kind: tags
                .iter()
                .find_map(|t| gloss_kind(t))
                .unwrap_or(GlossKind::Other),
            text,
            dates: None,
        }
    } else {
        What::Note { id: None, text }
    };
    let replying = row
        .get("references")
        .and_then(Value::as_array)
        .is_some_and(|r| !r.is_empty());
    Incoming {
        needle: id.clone(),
        id,
        target,
        what,
        skip: replying.then(|| "it is a reply to another annotation".to_owned()),
    }
}

fn gloss_kind(name: &str) -> Option<GlossKind> {
    GlossKind::ALL
        .into_iter()
        .find(|k| k.name().eq_ignore_ascii_case(name.trim()))
}

fn source_kind(label: &str) -> Option<SourceKind> {
    use SourceKind::*;
    [Report, Speech, Article, Book, Interview, Account, Other]
        .into_iter()
        .find(|k| k.label() == label || (label == "other" && *k == Other))
}

/// The id after `marker` in an IRI (`…/glossary.html#g-` → `khamenei`).
fn fragment_after(iri: &str, marker: &str) -> Option<String> {
    iri.split_once(marker).map(|(_, id)| id.to_owned())
}

/// A W3C annotation: its motivation and bodies say what it is.
fn w3c(a: &Value) -> Incoming {
    let id = string(a, "id")
        .or_else(|| string(a, "@id"))
        .unwrap_or_default();
    let target = match a.get("target") {
        Some(Value::Array(list)) => list.first().map(selectors),
        Some(t @ Value::Object(_)) => Some(selectors(t)),
        Some(Value::String(s)) => Some(Target {
            source: Some(s.clone()),
            ..Target::default()
        }),
        _ => None,
    }
    .filter(|t| t.quote.is_some() || t.position.is_some());
    let motivation = match a.get("motivation") {
        Some(Value::Array(list)) => list.first().and_then(Value::as_str).map(str::to_owned),
        Some(v) => v.as_str().map(str::to_owned),
        None => None,
    }
    .map(|m| m.trim_start_matches("oa:").to_owned());
    let bodies: Vec<Value> = match (a.get("body"), a.get("bodyValue")) {
        (Some(Value::Array(list)), _) => list.clone(),
        (Some(one), _) => vec![one.clone()],
        (None, Some(Value::String(text))) => {
            vec![serde_json::json!({"type": "TextualBody", "value": text})]
        }
        _ => Vec::new(),
    };
    let purpose = |b: &Value| string(b, "purpose").map(|p| p.trim_start_matches("oa:").to_owned());
    let textual = |b: &Value| b.get("value").and_then(Value::as_str).is_some();
    let body_of = |b: &Value| {
        let value = string(b, "value").unwrap_or_default();
        match string(b, "format").as_deref() {
            Some("text/html") => Body::Html(value),
            Some("text/markdown") => Body::Markdown(value),
            _ => Body::Plain(value),
        }
    };
    let with_purpose = |p: &str| {
        bodies
            .iter()
            .find(|b| textual(b) && purpose(b).as_deref() == Some(p))
    };
    let tags: Vec<String> = bodies
        .iter()
        .filter(|b| textual(b) && purpose(b).as_deref() == Some("tagging"))
        .filter_map(|b| string(b, "value"))
        .collect();
    let links: Vec<String> = bodies
        .iter()
        .filter(|b| !textual(b))
        .filter_map(|b| match b {
            Value::String(s) => Some(s.clone()),
            b => string(b, "id"),
        })
        .collect();
    let commenting = with_purpose("commenting")
        .or_else(|| {
            bodies
                .iter()
                .find(|b| textual(b) && purpose(b).as_deref() != Some("tagging"))
        })
        .map(body_of);
    let fragment = |marker: &str| fragment_after(&id, marker);
    let passage_body = bodies
        .iter()
        .find(|b| has_type(b, "SpecificResource") && b.get("selector").is_some());
    let source_entry = links
        .iter()
        .find_map(|l| fragment_after(l, "sources.html#s-"));
    let gloss_entry = links
        .iter()
        .find_map(|l| fragment_after(l, "glossary.html#g-"));
    let what = if let Some(to) = passage_body {
        What::CrossRef {
            id: fragment("#xref-"),
            note: commenting.unwrap_or(Body::Plain(String::new())),
            to: selectors(to),
        }
    } else if let Some(entry) = source_entry {
        What::Citation {
            id: entry,
            kind: tags
                .iter()
                .find_map(|t| source_kind(t))
                .unwrap_or(SourceKind::Other),
            html: with_purpose("linking")
                .and_then(|b| string(b, "value"))
                .unwrap_or_default(),
            url: links
                .iter()
                .find(|l| !l.contains("sources.html#s-") && !l.contains("glossary.html#g-"))
                .cloned(),
        }
    } else if motivation.as_deref() == Some("identifying")
        || gloss_entry.is_some()
        || tags.iter().any(|t| t.eq_ignore_ascii_case("gloss"))
    {
        What::Gloss {
            id: gloss_entry,
            term: with_purpose("identifying").and_then(|b| string(b, "value")),
            kind: tags
                .iter()
                .find_map(|t| gloss_kind(t))
                .unwrap_or(GlossKind::Other),
            text: with_purpose("describing")
                .filter(|b| string(b, "format").as_deref() == Some("text/html"))
                .or_else(|| with_purpose("describing"))
                .or_else(|| with_purpose("commenting"))
                .map(body_of)
                .unwrap_or(Body::Plain(String::new())),
            dates: bodies
                .iter()
                .filter(|b| purpose(b).as_deref() == Some("describing"))
                .find(|b| string(b, "format").as_deref() == Some("text/plain"))
                .and_then(|b| string(b, "value")),
        }
    } else {
        What::Note {
            id: fragment("#note-"),
            text: commenting.unwrap_or(Body::Plain(String::new())),
        }
    };
    Incoming {
        needle: id.clone(),
        id,
        target,
        what,
        skip: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_collection_page_and_a_list_give_the_same_annotations() {
        let one = r#"{"type":"Annotation","id":"urn:x#note-a","motivation":"commenting",
            "body":{"type":"TextualBody","value":"<p>Hi</p>","format":"text/html"},
            "target":{"source":"urn:x","selector":{"type":"TextQuoteSelector","exact":"sea"}}}"#;
        let page = format!(
            r#"{{"type":"AnnotationCollection","first":{{"type":"AnnotationPage","items":[{one}]}}}}"#
        );
        for text in [one.to_owned(), format!("[{one}]"), page] {
            let (format, found) = read(&text).unwrap();
            assert_eq!(format, Format::W3c);
            assert_eq!(found.len(), 1, "{text}");
            assert!(matches!(&found[0].what, What::Note { id: Some(id), .. } if id == "a"));
        }
    }

    #[test]
    fn json_that_is_not_json_says_where() {
        let e = read("{\n  \"rows\": [,]\n}").unwrap_err();
        assert_eq!(e.at, Some((2, 12)));
    }

    #[test]
    fn a_collection_whose_pages_are_elsewhere_is_refused() {
        let e = read(r#"{"type":"AnnotationCollection","first":"https://x/p1"}"#).unwrap_err();
        assert!(e.message.contains("not in the file"), "{}", e.message);
    }
}
