//! `site.yaml`: what the whole site is called and who edits it.
//!
//! [`parse`] reads the text; [`load`](crate::content::load) finds the file.

use std::collections::BTreeMap;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Location, SourceFile};
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
    /// Where the site will be hosted; only used for absolute URLs: the sitemap, the Atom
    /// feed, canonical and Open Graph links, and the 404 page's links.
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
    /// `strings:` with the place of each word, kept to be merged with `strings.yaml`.
    #[serde(skip)]
    #[schemars(skip)]
    own_words: Vec<(String, String, Location)>,
    /// Where `language:` is written.
    #[serde(skip)]
    #[schemars(skip)]
    language_at: Option<Location>,
    /// How sources are cited: a CSL style hayagriva bundles, by name
    /// (`chicago-author-date`, `apa`, `mla` …), or the path of a `.csl` file in the site.
    /// Without it, scholia's own look.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub citation_style: Option<Spanned<String>>,
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
    parsed.value.language_at = Some(parsed.locate(language));
    parsed.value.own_words = parsed
        .value
        .strings
        .iter()
        .map(|(k, v)| (k.clone(), v.value.clone(), parsed.locate(v)))
        .collect();
    let mut config = parsed.value;
    config.find_words(Vec::new());
    Ok(config)
}

impl SiteConfig {
    /// Adds the words of a site's `strings.yaml` (a mapping of keys to words, as under
    /// `strings:`); those of `site.yaml` win over them.
    pub fn add_strings_file(&mut self, file: &Arc<SourceFile>) -> Result<(), Diagnostic> {
        let start = crate::content::text::bom_len(&file.text);
        let parsed =
            yaml::parse::<BTreeMap<String, Spanned<String>>>(file, start..file.text.len())?;
        let words = parsed
            .value
            .iter()
            .map(|(k, v)| (k.clone(), v.value.clone(), parsed.locate(v)))
            .collect();
        self.find_words(words);
        Ok(())
    }

    /// The theme's words for the site: the language's, then `words` (from a file), then
    /// `strings:` of site.yaml; and what to warn about them.
    fn find_words(&mut self, mut words: Vec<(String, String, Location)>) {
        words.extend(self.own_words.iter().cloned());
        let at = self
            .language_at
            .clone()
            .expect("parse sets where the language is");
        let (found, warnings) = i18n::strings(&self.language.value, &words, at);
        self.words = found;
        self.warnings = warnings;
    }
}
