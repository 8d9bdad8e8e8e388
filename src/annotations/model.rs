//! The annotation model: what an editor writes in `annotations.yaml`, `glossary.yaml`
//! and `sources.yaml`. Every value a diagnostic may need to point at is [`Spanned`].

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::date::WrittenDate;
use crate::names::WrittenId;
use crate::yaml::Spanned;

/// A mapping of annotation ids, parsed at load, to entries.
pub type Entries<V> = crate::yaml::Entries<WrittenId, V>;

/// One annotation file. Every section is optional.
#[derive(Debug, Default, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnotationFile {
    /// Who, what, where, when: keyed by id.
    #[serde(default)]
    pub glosses: Entries<Gloss>,
    /// Where claims come from: keyed by id.
    #[serde(default)]
    pub sources: Entries<Source>,
    /// Passages that answer each other: keyed by id.
    #[serde(default)]
    pub crossrefs: Entries<CrossRef>,
    /// The editor's commentary on a passage: keyed by id.
    #[serde(default)]
    pub notes: Entries<Note>,
    /// Words of the text repeated as a display aside: keyed by id.
    #[serde(default)]
    pub pullquotes: Entries<PullQuote>,
    /// Names in the text that the editor has decided need no gloss: the coverage
    /// warning (W0204) leaves them out.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub unglossed: Vec<Spanned<String>>,
}

/// A gloss: who, what, where or when a term is.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gloss {
    /// The headword, as the glossary lists it.
    #[schemars(with = "String")]
    pub term: Spanned<String>,
    /// What sort of thing the term names; the glossary groups by it.
    pub kind: GlossKind,
    /// Surface forms to find in the text; the term itself when empty.
    #[serde(default, rename = "match")]
    #[schemars(with = "Vec<String>")]
    pub forms: Vec<Spanned<String>>,
    /// The gloss itself, in Markdown (no raw HTML; links to http(s), mailto or relative
    /// addresses only).
    #[schemars(with = "String")]
    pub text: Spanned<String>,
    /// A person's birth date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(default)]
    pub born: Option<WrittenDate>,
    /// A person's death date.
    #[serde(default)]
    pub died: Option<WrittenDate>,
    /// When an event began (or an organisation was founded).
    #[serde(default)]
    pub start: Option<WrittenDate>,
    /// When an event ended.
    #[serde(default)]
    pub end: Option<WrittenDate>,
    /// Related glosses, by id.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub see: Vec<Spanned<String>>,
    /// Sources for the gloss, by id.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Spanned<String>>,
    /// Which occurrences are marked in the text.
    #[serde(default)]
    pub mark: MarkPolicy,
    /// How the glossary alphabetises the entry; by default the term, or for a person
    /// the last word of it (so "Ali Khamenei" sorts under K).
    #[serde(default)]
    pub sort: Option<String>,
    /// The headword in its own language and script (`{text: ولایت فقیه, lang: fa}`),
    /// shown beside the term.
    #[serde(default)]
    pub original: Option<OriginalTerm>,
}

/// A headword as written in its own language: shown with the term, marked with its
/// language (and direction, for a language written right to left).
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginalTerm {
    /// The headword in its own script: `ولایت فقیه`.
    pub text: String,
    /// Its language, a BCP 47 tag: `fa`, `ar`, `de`.
    #[schemars(with = "String")]
    pub lang: Spanned<String>,
    /// How it is read in Latin letters, for readers who cannot read the script:
    /// `velâyat-e faqih`.
    #[serde(default)]
    pub transliteration: Option<String>,
}

impl Gloss {
    pub fn sort_key(&self) -> &str {
        match (&self.sort, self.kind) {
            (Some(key), _) => key,
            (None, GlossKind::Person) => {
                let term = self.term.value.as_str();
                term.rsplit(' ').next().unwrap_or(term)
            }
            (None, _) => &self.term.value,
        }
    }
}

#[derive(Debug, JsonSchema, Deserialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum GlossKind {
    Person,
    Organisation,
    Place,
    Event,
    Concept,
    Work,
    Other,
}

impl GlossKind {
    pub const ALL: [GlossKind; 7] = [
        GlossKind::Person,
        GlossKind::Organisation,
        GlossKind::Place,
        GlossKind::Event,
        GlossKind::Concept,
        GlossKind::Work,
        GlossKind::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GlossKind::Person => "person",
            GlossKind::Organisation => "organisation",
            GlossKind::Place => "place",
            GlossKind::Event => "event",
            GlossKind::Concept => "concept",
            GlossKind::Work => "work",
            GlossKind::Other => "other",
        }
    }

    /// The heading of this kind's part of the glossary.
    pub fn plural_label(self) -> &'static str {
        match self {
            GlossKind::Person => "People",
            GlossKind::Organisation => "Organisations",
            GlossKind::Place => "Places",
            GlossKind::Event => "Events",
            GlossKind::Concept => "Concepts",
            GlossKind::Work => "Works",
            GlossKind::Other => "Other",
        }
    }
}

/// Which occurrences of a gloss's forms are marked in the text.
#[derive(Debug, JsonSchema, Deserialize, Clone, Copy, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MarkPolicy {
    /// The first occurrence in each reading (the others are still indexed).
    #[default]
    First,
    /// Every occurrence.
    All,
}

/// A source: where a claim of the text comes from.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// What sort of source it is. A source whose id is a citation key of
    /// `content/sources.bib` or `content/sources.json` may leave it out: the reference's
    /// type gives it (see [`crate::bib::kind_of`]), and [`Source::kind`] reads it.
    #[serde(default)]
    pub kind: Option<SourceKind>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub date: Option<WrittenDate>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub url: Option<Spanned<String>>,
    /// What the source is and what is known of it, in Markdown.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub note: Option<Spanned<String>>,
    /// The passages of the text that rely on it.
    #[serde(default)]
    pub cited: Vec<Passage>,
    /// The citation formatted in the site's `citation_style`, HTML: set at load
    /// ([`crate::bib`]), never written by the editor.
    #[serde(skip)]
    #[schemars(skip)]
    pub formatted: Option<String>,
}

impl Source {
    /// Its kind, as written or as its reference gives it (set at load, where a source
    /// with neither is an error).
    pub fn kind(&self) -> SourceKind {
        self.kind.unwrap_or(SourceKind::Other)
    }
}

#[derive(Debug, JsonSchema, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Report,
    Speech,
    Article,
    Book,
    Interview,
    Account,
    Other,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Report => "report",
            SourceKind::Speech => "speech",
            SourceKind::Article => "article",
            SourceKind::Book => "book",
            SourceKind::Interview => "interview",
            SourceKind::Account => "account",
            SourceKind::Other => "source",
        }
    }
}

/// Two passages that belong together, and why.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrossRef {
    pub from: Passage,
    pub to: Passage,
    /// Why the two belong together, in Markdown.
    #[schemars(with = "String")]
    pub note: Spanned<String>,
}

/// The editor's commentary on a passage.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub at: Passage,
    /// The note, in Markdown.
    #[schemars(with = "String")]
    pub text: Spanned<String>,
}

/// Words of the text shown again as a display aside.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullQuote {
    #[schemars(with = "String")]
    pub quote: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub prefix: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub suffix: Option<Spanned<String>>,
    /// The aside is placed after the paragraph that holds this passage.
    pub after: Passage,
}

impl PullQuote {
    pub fn passage(&self) -> Passage {
        Passage {
            quote: self.quote.clone(),
            prefix: self.prefix.clone(),
            suffix: self.suffix.clone(),
            reading: None,
        }
    }
}

/// A W3C-style text quote selector: words of the text, with optional context.
#[derive(Debug, Clone)]
pub struct Passage {
    /// The words as a reader sees them.
    pub quote: Spanned<String>,
    /// Words just before, to tell repeated phrases apart.
    pub prefix: Option<Spanned<String>>,
    /// Words just after.
    pub suffix: Option<Spanned<String>>,
    /// Another reading's slug, where the passage is not in this file's reading.
    pub reading: Option<Spanned<String>>,
}

/// A passage is written either as a plain string (the quote) or as a mapping.
impl<'de> Deserialize<'de> for Passage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<PassageRepr>::deserialize(deserializer)?;
        Ok(match spanned.value {
            PassageRepr::Quote(quote) => Passage {
                quote: Spanned::new(quote, spanned.referenced, spanned.defined),
                prefix: None,
                suffix: None,
                reading: None,
            },
            PassageRepr::Selector(passage) => *passage,
        })
    }
}

/// In a schema, a passage is a string or a selector mapping.
impl JsonSchema for Passage {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Passage".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let text = |what: &str| schemars::json_schema!({ "type": "string", "description": what });
        schemars::json_schema!({
            "description": "Words of the text: a quote, or a W3C-style text quote selector.",
            "anyOf": [
                { "type": "string", "description": "The words as a reader sees them." },
                {
                    "type": "object",
                    "properties": {
                        "quote": text("The words as a reader sees them."),
                        "prefix": text("Words just before, to tell repeated phrases apart."),
                        "suffix": text("Words just after."),
                        "reading": text("Another reading's slug (a cross-reference's `to` only)."),
                    },
                    "required": ["quote"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

enum PassageRepr {
    Quote(String),
    Selector(Box<Passage>),
}

const PASSAGE_FIELDS: &[&str] = &["quote", "prefix", "suffix", "reading"];

impl<'de> Deserialize<'de> for PassageRepr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PassageVisitor;
        impl<'de> Visitor<'de> for PassageVisitor {
            type Value = PassageRepr;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a quote, or a mapping with quote and optional prefix, suffix, reading")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PassageRepr, E> {
                Ok(PassageRepr::Quote(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PassageRepr, A::Error> {
                let (mut quote, mut prefix, mut suffix, mut reading) = (None, None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    let slot = match key.as_str() {
                        "quote" => &mut quote,
                        "prefix" => &mut prefix,
                        "suffix" => &mut suffix,
                        "reading" => &mut reading,
                        other => return Err(de::Error::unknown_field(other, PASSAGE_FIELDS)),
                    };
                    if slot.is_some() {
                        return Err(de::Error::duplicate_field(PASSAGE_FIELDS[0]));
                    }
                    *slot = Some(map.next_value::<Spanned<String>>()?);
                }
                let quote = quote.ok_or_else(|| de::Error::missing_field("quote"))?;
                Ok(PassageRepr::Selector(Box::new(Passage {
                    quote,
                    prefix,
                    suffix,
                    reading,
                })))
            }
        }
        deserializer.deserialize_any(PassageVisitor)
    }
}
