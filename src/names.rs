//! Names and addresses checked once, where they are read: a value of these types is
//! valid by construction, so no later stage checks it again, or needs to.
//!
//! - [`Slug`]: a reading's folder name, its address in the site (checked by
//!   [`content::load`](crate::content::load));
//! - [`WebUrl`]: an absolute http(s) address with a host name, such as `site.yaml`'s
//!   `base_url` (checked by [`config::parse`](crate::config::parse));
//! - [`Id`]: an annotation's id (gloss, source, cross-reference, note, pull quote), read
//!   at load as a [`WrittenId`] that keeps the text and its place beside the parsed id.
//!
//! The diagnostics stay with the loaders, which know where the value was written; but an
//! id that is not one is reported by the index stage (E0105), beside the site's other
//! problems, so the load keeps it as written.

use std::ffi::OsStr;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer};

use crate::yaml::Spanned;

/// The longest slug: `public/<slug>/annotations.jsonld` must stay well under the
/// 260-character paths some systems still limit a file to.
pub const MAX_SLUG: usize = 100;

/// A reading's folder name: at most [`MAX_SLUG`] of `a-z`, `0-9` and `-`, starting with a
/// letter or a digit. It is then safe as it is in every address, on every file system,
/// and never names a file the site writes at its top (`index.html`, `glossary.html`,
/// `style.css` …: each holds a `.`, which a slug cannot).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// The slug, or why the name cannot be one.
    pub fn parse(name: &OsStr) -> Result<Slug, String> {
        let Some(name) = name.to_str() else {
            return Err("the name is not valid Unicode".into());
        };
        let length = name.chars().count();
        if name.is_empty() {
            return Err("the name is empty".into());
        }
        if length > MAX_SLUG {
            return Err(format!("the name is {length} characters long"));
        }
        if name.starts_with('-') {
            return Err("the name starts with `-`".into());
        }
        let odd: Vec<String> = name
            .chars()
            .filter(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
            .map(|c| match c {
                ' ' => "a space".to_owned(),
                c if c.is_uppercase() => "capital letters".to_owned(),
                c if c.is_control() || c.is_whitespace() => format!("U+{:04X}", u32::from(c)),
                c => format!("`{c}`"),
            })
            .fold(Vec::new(), |mut seen, c| {
                if !seen.contains(&c) {
                    seen.push(c);
                }
                seen
            });
        if odd.is_empty() {
            Ok(Slug(name.to_owned()))
        } else {
            Err(format!("the name holds {}", odd.join(", ")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An absolute http(s) address whose host name has a dot, without white space.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebUrl(String);

impl WebUrl {
    /// The address, if `url` is one.
    pub fn parse(url: &str) -> Option<WebUrl> {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))?;
        let host = rest.split('/').next().unwrap_or_default();
        (!host.is_empty() && host.contains('.') && !url.contains(char::is_whitespace))
            .then(|| WebUrl(url.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An annotation's id: ASCII letters, digits, `-` and `_`, starting with a letter. It is
/// then safe as it is in an HTML id, an address and a file name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(String);

impl Id {
    /// The id, if `id` is one.
    pub fn parse(id: &str) -> Option<Id> {
        let valid = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        valid.then(|| Id(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An id as the editor wrote it (a key of the YAML), parsed when the file is read.
#[derive(Debug, Clone)]
pub struct WrittenId {
    /// The text and its place, for diagnostics.
    pub written: Spanned<String>,
    /// The id, if the text is one; the index stage reports it otherwise (E0105).
    pub id: Option<Id>,
}

impl<'de> Deserialize<'de> for WrittenId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let written = Spanned::<String>::deserialize(deserializer)?;
        let id = Id::parse(&written.value);
        Ok(WrittenId { written, id })
    }
}

macro_rules! text_like {
    ($name:ident) => {
        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

text_like!(Slug);
text_like!(WebUrl);
text_like!(Id);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slug_is_lowercase_letters_digits_and_dashes() {
        assert_eq!(
            Slug::parse(OsStr::new("punic-wars-2")).unwrap(),
            *"punic-wars-2"
        );
        assert_eq!(
            Slug::parse(OsStr::new("Punic Wars")).unwrap_err(),
            "the name holds capital letters, a space"
        );
        assert!(Slug::parse(OsStr::new("-x")).is_err());
        assert!(Slug::parse(OsStr::new("")).is_err());
        assert!(Slug::parse(OsStr::new(&"a".repeat(MAX_SLUG + 1))).is_err());
    }

    #[test]
    fn an_id_is_ascii_letters_digits_dashes_and_underscores_from_a_letter() {
        assert_eq!(Id::parse("punic_wars-2").unwrap(), *"punic_wars-2");
        for bad in ["", "2nd", "-x", "a b", "é", "a.b", "a/b"] {
            assert!(Id::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn an_id_that_is_not_one_is_read_and_kept_for_the_index_stage_to_report() {
        let file = crate::diagnostics::SourceFile::new(
            "glossary.yaml",
            "glosses:\n  rome: {term: Rome, kind: place, text: A city.}\n  \"new rome\": {term: Constantinople, kind: place, text: A city.}\n",
        );
        let parsed = crate::yaml::parse::<crate::annotations::model::AnnotationFile>(
            &file,
            0..file.text.len(),
        )
        .expect("a malformed id is not an error of the load");
        let ids: Vec<(&str, Option<&str>)> = parsed
            .value
            .glosses
            .iter()
            .map(|(k, _)| (k.written.value.as_str(), k.id.as_deref()))
            .collect();
        assert_eq!(ids, [("rome", Some("rome")), ("new rome", None)]);
    }

    #[test]
    fn a_web_url_is_http_or_https_with_a_dotted_host() {
        assert!(WebUrl::parse("https://example.org/readings/").is_some());
        assert!(WebUrl::parse("http://example.org").is_some());
        assert!(WebUrl::parse("www.example.org").is_none());
        assert!(WebUrl::parse("https://localhost/").is_none());
        assert!(WebUrl::parse("https://exa mple.org/").is_none());
        assert!(WebUrl::parse("ftp://example.org/").is_none());
    }
}
