//! The theme: templates and assets embedded in the binary, each overridable by a file
//! of the same name in the site's `templates/` folder.
//!
//! Templates get the theme's words in the site's language as `t` (see [`crate::i18n`])
//! and a filter `fill` that puts numbers and names into them.
//!
//! [`Theme::load`] starts from the embedded files, replaces those the site overrides,
//! and compiles the templates with Tera; [`Theme::render`] fills one.

use std::sync::Arc;

mod lighten;

use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostics::{Diagnostic, Location, SourceFile};

/// Templates (rendered with Tera) and assets (copied as they are) of the default theme.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("reading.html", include_str!("../templates/reading.html")),
    ("glossary.html", include_str!("../templates/glossary.html")),
    ("gloss.html", include_str!("../templates/gloss.html")),
    ("sources.html", include_str!("../templates/sources.html")),
    ("source.html", include_str!("../templates/source.html")),
    ("timeline.html", include_str!("../templates/timeline.html")),
    ("404.html", include_str!("../templates/404.html")),
];

const ASSETS: &[(&str, &str)] = &[
    ("style.css", include_str!("../templates/style.css")),
    ("scholia.js", include_str!("../templates/scholia.js")),
    ("search.js", include_str!("../templates/search.js")),
    ("favicon.svg", include_str!("../templates/favicon.svg")),
];

pub struct Theme {
    tera: Tera,
    /// Assets after overrides: (file name, contents).
    pub assets: Vec<(String, String)>,
    /// Where each template came from, for diagnostics on a broken override.
    sources: Vec<(String, Option<Arc<SourceFile>>)>,
    /// Overrides that override nothing (W0301).
    pub warnings: Vec<Diagnostic>,
}

impl Theme {
    pub fn load(overrides: &[(String, Arc<SourceFile>)]) -> Result<Theme, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let known = |name: &str| {
            TEMPLATES.iter().any(|(n, _)| *n == name) || ASSETS.iter().any(|(n, _)| *n == name)
        };
        for (name, file) in overrides {
            if !known(name) {
                let names: Vec<&str> = TEMPLATES.iter().chain(ASSETS).map(|(n, _)| *n).collect();
                problems.push(
                    Diagnostic::warning(
                        "W0301",
                        format!("`{name}` overrides nothing in the theme"),
                    )
                    .at(Location::start_of(file), "this file is not used")
                    .help(format!("the theme's files are: {}", names.join(", "))),
                );
            }
        }
        let pick = |name: &str, default: &str| -> (String, Option<Arc<SourceFile>>) {
            match overrides.iter().find(|(n, _)| n == name) {
                Some((_, file)) => (file.text.clone(), Some(Arc::clone(file))),
                None => (default.to_owned(), None),
            }
        };
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(escape_html);
        tera.register_filter("fill", fill);
        let mut sources = Vec::new();
        let mut texts = Vec::new();
        for (name, default) in TEMPLATES {
            let (text, origin) = pick(name, default);
            texts.push((name.to_string(), text));
            sources.push((name.to_string(), origin));
        }
        if let Err(e) = tera.add_raw_templates(texts) {
            problems.push(template_error(&e, &sources));
        }
        let assets = ASSETS
            .iter()
            .map(|(name, default)| {
                (
                    name.to_string(),
                    lighten::lighten(name, &pick(name, default).0),
                )
            })
            .collect();
        if problems.iter().any(Diagnostic::is_error) {
            return Err(problems);
        }
        Ok(Theme {
            tera,
            assets,
            sources,
            warnings: problems,
        })
    }

    /// Fills `template` for a page: the page's own values (`context`) and the values every
    /// page shares (the site, the theme's words), made into template values once
    /// ([`shared`]) and put beside them; made again for each page, they were a fifth of
    /// the templating. The page comes as the bytes of its file, written into room for
    /// most pages (Tera's own `render` starts smaller and checks the UTF-8 it wrote).
    pub fn render(
        &self,
        template: &str,
        shared: &[(&'static str, tera::Value)],
        context: &impl Serialize,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut context = Context::from_serialize(context)
            .map_err(|e| Diagnostic::error("E0902", format!("internal: {e}")))?;
        for (name, value) in shared {
            context.insert_value(*name, value.clone());
        }
        let mut page = Vec::with_capacity(PAGE_BYTES);
        self.tera
            .render_to(template, &context, &mut page)
            .map_err(|e| template_error(&e, &self.sources))?;
        Ok(page)
    }
}

/// Room made for a page before it is filled: a reading's page is tens of kilobytes.
const PAGE_BYTES: usize = 64 * 1024;

/// A value every page shares, made once for [`Theme::render`] (a copy of it is a
/// reference to the same).
pub fn shared(value: &impl Serialize) -> Result<tera::Value, Diagnostic> {
    tera::Value::try_from_serializable(value)
        .map_err(|e| Diagnostic::error("E0902", format!("internal: {e}")))
}

/// The `fill` filter: a word of the theme (`t.min_read`, "{n} min read") with each
/// `{name}` replaced by the argument of that name (`fill(n=reading.minutes)`). The result
/// is escaped like any other text.
fn fill(text: &str, kwargs: tera::Kwargs, _: &tera::State) -> String {
    let values: Vec<(&str, String)> = kwargs
        .iter()
        .filter_map(|(name, value)| Some((name.as_str()?, value.to_string())))
        .collect();
    let values: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
    crate::i18n::fill(text, &values)
}

/// A template error: in a site's override, it is the user's to fix (file and message);
/// in the embedded theme it is a bug in scholia.
fn template_error(e: &tera::Error, sources: &[(String, Option<Arc<SourceFile>>)]) -> Diagnostic {
    let message = error_chain(e);
    let overridden = sources
        .iter()
        .filter_map(|(name, file)| file.as_ref().map(|f| (name, f)))
        .find(|(name, _)| message.contains(name.as_str()));
    match overridden {
        Some((name, file)) => {
            // Tera says where: `--> index.html:2:34`. Point there, and keep its first
            // line as the message.
            let at = message
                .split(&format!("--> {name}:"))
                .nth(1)
                .and_then(|rest| {
                    let mut numbers = rest.split(|c: char| !c.is_ascii_digit());
                    let line = numbers.next()?.parse().ok()?;
                    let column = numbers.next()?.parse().ok()?;
                    file.offset_of(line, column)
                })
                .map_or_else(
                    || Location::start_of(file),
                    |o| Location::new(file, o..o + 1),
                );
            let first = message.lines().next().unwrap_or_default();
            let what = first.trim_start_matches("error: ").trim();
            Diagnostic::error(
                "E0301",
                format!("the template `{name}` cannot be used: {what}"),
            )
            .at(at, "here")
            .help("fix the template, or delete it to use the default theme's")
        }
        None => Diagnostic::error(
            "E0901",
            format!("internal: a theme template failed: {message}"),
        ),
    }
}

fn error_chain(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// Text escaped for HTML content and attribute values, the one rule for what scholia
/// writes into a page itself ([`crate::render::escape`]) and for the values a template
/// puts there: `& < > " '` become entities, as Tera's own escaping has them, and the
/// text between them is handed to `put` whole.
pub fn escape_pieces<E>(text: &str, mut put: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The five are ASCII: `i` is a character's boundary.
        put(&text[start..i])?;
        put(entity)?;
        start = i + 1;
    }
    put(&text[start..])
}

/// Tera's escaping of a value put into a page, by [`escape_pieces`]: Tera's own
/// `escape_html` writes each byte by a call of its own through `dyn Write`, a fiftieth
/// of a large site's build.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    escape_pieces(input, |piece| out.write_all(piece.as_bytes()))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    fn escaped(f: tera::EscapeFn, s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        f(s, &mut out).unwrap();
        out
    }

    proptest! {
        /// Pages come out as Tera's own escaping would make them, whatever the value.
        #[test]
        fn escaping_is_teras(s in "[a&<>\"'é\u{10FFFF}; #\\\\]{0,24}") {
            let teras = escaped(tera::escape_html, &s);
            prop_assert_eq!(&escaped(super::escape_html, &s), &teras);
            // What scholia escapes itself, the same way.
            let own = crate::render::escape(&s);
            prop_assert_eq!(own.as_bytes(), &teras[..]);
        }
    }
}
