//! `site.yaml`: what the whole site is called and who edits it.
//!
//! [`parse`] reads the text; [`load`](crate::content::load) finds the file.

use std::collections::BTreeMap;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, SourceFile};
use crate::i18n::{self, Strings};
use crate::names::WebUrl;
use crate::yaml::{self, Spanned};

/// The site's settings, as written in `site.yaml`.
#[derive(Debug, JsonSchema, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name, shown on every page.
    pub title: String,
    /// One line on what the site is, for the home page and `<meta name="description">`.
    pub description: String,
    /// The language of the site and its readings, a BCP 47 tag such as `en`, `de` or
    /// `fa`: the pages' `lang`, their direction (`fa`, `ar`, `he` … read right to left),
    /// the theme's words and the glossary's alphabetical order.
    #[schemars(with = "String")]
    pub language: Spanned<String>,
    /// Who writes the annotations.
    pub editor: String,
    /// Where the site will be hosted; only used for absolute URLs such as the sitemap.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub base_url: Option<Spanned<String>>,
    /// The theme's words this site gives itself, by key (`glossary: Wörterbuch`): over
    /// the language's own, or for a language scholia does not ship.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub strings: BTreeMap<String, Spanned<String>>,
    /// The theme's words for the site, built by [`parse`] from the language and `strings`.
    #[serde(skip)]
    #[schemars(skip)]
    pub words: Strings,
    /// What [`parse`] found to warn about (words missing or unknown).
    #[serde(skip)]
    #[schemars(skip)]
    pub warnings: Vec<Diagnostic>,
    /// `base_url`, checked: set by [`parse`], which refuses a `base_url` that is not one.
    #[serde(skip)]
    #[schemars(skip)]
    web_url: Option<WebUrl>,
}

impl SiteConfig {
    /// The site's language tag.
    pub fn language(&self) -> &str {
        &self.language.value
    }

    /// The site's address, if it has one.
    pub fn base_url(&self) -> Option<&str> {
        self.web_url.as_ref().map(WebUrl::as_str)
    }
}

/// Reads `site.yaml` from byte `start` of `file` (the loader skips a byte-order mark,
/// which is no part of the YAML, keeping offsets in the file).
pub fn parse(file: &Arc<SourceFile>, start: usize) -> Result<SiteConfig, Diagnostic> {
    let mut parsed = yaml::parse::<SiteConfig>(file, start..file.text.len())?;
    if let Some(url) = &parsed.value.base_url {
        let Some(web_url) = WebUrl::parse(&url.value) else {
            return Err(
            Diagnostic::error("E0115", format!("`{}` is not a web address", url.value))
                .at(parsed.locate(url), "not an http(s) URL")
                .help("give the address the site will have, such as https://example.org/readings/, or leave base_url out"),
            );
        };
        parsed.value.web_url = Some(web_url);
    }
    let language = &parsed.value.language;
    if let Err(reason) = i18n::check_tag(&language.value) {
        return Err(i18n::bad_tag(
            &language.value,
            &reason,
            parsed.locate(language),
        ));
    }
    let (words, warnings) = i18n::strings(
        &language.value,
        &parsed.value.strings,
        |s| parsed.locate(s),
        parsed.locate(language),
    );
    parsed.value.words = words;
    parsed.value.warnings = warnings;
    Ok(parsed.value)
}
