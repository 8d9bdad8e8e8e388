//! `site.yaml`: what the whole site is called and who edits it.
//!
//! [`parse`] reads the text; [`load`](crate::content::load) finds the file.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, SourceFile};
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
    /// The language of the readings, a BCP 47 tag such as `en`.
    pub language: String,
    /// Who writes the annotations.
    pub editor: String,
    /// Where the site will be hosted; only used for absolute URLs such as the sitemap.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub base_url: Option<Spanned<String>>,
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
    Ok(parsed.value)
}
