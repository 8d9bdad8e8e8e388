//! `site.yaml`: what the whole site is called and who edits it.
//!
//! [`parse`] reads the text; [`load`](crate::content::load) finds the file.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, SourceFile};
use crate::yaml;

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
    pub base_url: Option<String>,
}

pub fn parse(file: &Arc<SourceFile>) -> Result<SiteConfig, Diagnostic> {
    yaml::parse::<SiteConfig>(file, 0..file.text.len()).map(|parsed| parsed.value)
}
