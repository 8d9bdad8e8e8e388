//! JSON Schemas of what users write, derived from the very types that read it, so the
//! schemas cannot drift from the format. Draft-07, which common editors understand.

use schemars::generate::SchemaSettings;

use crate::cli::SchemaKind;

/// The schema of one kind of file, as pretty JSON.
pub fn json(which: SchemaKind) -> String {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = match which {
        SchemaKind::Site => generator.into_root_schema_for::<crate::config::SiteConfig>(),
        SchemaKind::Annotations => {
            generator.into_root_schema_for::<crate::annotations::model::AnnotationFile>()
        }
        SchemaKind::FrontMatter => generator.into_root_schema_for::<crate::content::FrontMatter>(),
    };
    let title = match which {
        SchemaKind::Site => "scholia site.yaml",
        SchemaKind::Annotations => {
            "scholia annotations (annotations.yaml, glossary.yaml, sources.yaml)"
        }
        SchemaKind::FrontMatter => "scholia reading front matter",
    };
    schema.insert("title".into(), title.into());
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    text
}
