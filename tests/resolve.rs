//! The index stage at the level of a site: the shared glossary's forms (one automaton per
//! build) and a reading's own (one per reading) decided together, and readings resolved
//! in parallel but reported in order.

use std::fs;
use std::path::Path;

use scholia::site::SiteIndex;

fn write_site(root: &Path, glossary: &str, readings: &[(&str, &str, &str)]) {
    fs::write(
        root.join("site.yaml"),
        "title: Test\ndescription: A test.\nlanguage: en\neditor: Tests\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("content")).unwrap();
    fs::write(root.join("content/glossary.yaml"), glossary).unwrap();
    for (slug, markdown, annotations) in readings {
        let dir = root.join("content").join(slug);
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("index.md"),
            format!("---\ntitle: {slug}\n---\n\n{markdown}\n"),
        )
        .unwrap();
        fs::write(dir.join("annotations.yaml"), annotations).unwrap();
    }
}

/// Each gloss's mentions as `id: reading/words`, in the index's order.
fn mentions(index: &SiteIndex) -> Vec<String> {
    index
        .glosses
        .iter()
        .flat_map(|g| {
            g.mentions.iter().map(|m| {
                format!(
                    "{}: {}/{}",
                    g.id,
                    index.site.readings[m.reading].slug,
                    &index.documents[m.reading].text[m.range.clone()]
                )
            })
        })
        .collect()
}

const SHARED: &str = "glosses:
  roman:
    term: Roman
    kind: concept
    text: Of Rome.
  empire-fell:
    term: The fall
    kind: event
    match: [Empire fell]
    text: The end.
  rome:
    term: Rome
    kind: place
    text: The city.
";

#[test]
fn a_reading_s_longer_form_wins_over_the_shared_forms_it_overlaps() {
    let dir = tempfile::tempdir().unwrap();
    let own = "glosses:
  roman-empire:
    term: Roman Empire
    kind: place
    text: The empire.
";
    write_site(
        dir.path(),
        SHARED,
        &[
            (
                "a",
                "When the Roman Empire fell, Rome stood. A Roman road.",
                own,
            ),
            ("b", "The Roman Empire fell; Rome did not.", "{}\n"),
        ],
    );
    let site = scholia::content::load(dir.path()).unwrap();
    let index = scholia::site::index(&site).unwrap_or_else(|e| panic!("{e:?}"));
    // In `a`, one leftmost-longest choice over shared and own forms takes the reading's
    // `Roman Empire` first, so the shared `Empire fell` is not found there; in `b`, which
    // has no such gloss, the shared forms are chosen on their own.
    assert_eq!(
        mentions(&index),
        vec![
            "roman: a/Roman",
            "roman: b/Roman",
            "empire-fell: b/Empire fell",
            "rome: a/Rome",
            "rome: b/Rome",
            "roman-empire: a/Roman Empire",
        ]
    );
}

#[test]
fn readings_resolved_in_parallel_come_back_in_reading_order() {
    let dir = tempfile::tempdir().unwrap();
    let readings: Vec<(String, String)> = (0..40)
        .map(|r| {
            (
                format!("r{r:02}"),
                format!("Rome, reading {r}, and Rome again. Roman."),
            )
        })
        .collect();
    let readings: Vec<(&str, &str, &str)> = readings
        .iter()
        .map(|(slug, text)| (slug.as_str(), text.as_str(), "{}\n"))
        .collect();
    write_site(dir.path(), SHARED, &readings);
    let site = scholia::content::load(dir.path()).unwrap();
    let index = scholia::site::index(&site).unwrap_or_else(|e| panic!("{e:?}"));
    let rome: Vec<String> = mentions(&index)
        .into_iter()
        .filter(|m| m.starts_with("rome:"))
        .collect();
    let expected: Vec<String> = (0..40)
        .flat_map(|r| [format!("rome: r{r:02}/Rome"), format!("rome: r{r:02}/Rome")])
        .collect();
    assert_eq!(rome, expected);
    // `The fall` is found in no reading: its one warning, once, not once per reading.
    let codes: Vec<&str> = index.warnings.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec!["W0201"]);
}
