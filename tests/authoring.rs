//! The authoring loop: `init`, `check --fix`, `schema`.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_site, fixture, repo, scholia};

const ANNOTATIONS: &str = "content/reading/annotations.yaml";

#[test]
fn init_then_build_then_check_passes_without_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let init = scholia(dir.path(), &["init", "site"]);
    assert_eq!(
        init.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let build = scholia(&site, &["build", "--deny", "warnings"]);
    assert_eq!(
        build.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(site.join("public/gettysburg-address/index.html").is_file());
    let check = scholia(&site, &["check", "--deny", "warnings"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Its YAML points editors at the schemas it wrote.
    let annotations =
        fs::read_to_string(site.join("content/gettysburg-address/annotations.yaml")).unwrap();
    let schema_line = annotations.lines().next().unwrap();
    assert_eq!(
        schema_line,
        "# yaml-language-server: $schema=../../schemas/annotations.schema.json"
    );
    assert!(site.join("schemas/annotations.schema.json").is_file());
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = scholia(dir.path(), &["init", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn fix_rewrites_a_drifted_quote_and_leaves_every_other_byte() {
    let dir = copy_site(&fixture("valid/minimal"));
    let path = dir.path().join(ANNOTATIONS);
    let original = fs::read_to_string(&path).unwrap();
    // The text was edited under the note: "ruled the sea" became "ruled the seas".
    let text = dir.path().join("content/reading/index.md");
    let edited = fs::read_to_string(&text)
        .unwrap()
        .replace("ruled the sea.", "ruled the seas.");
    fs::write(&text, edited).unwrap();
    let drifted = original.replace("at: ruled the sea", "at: ruled the sae");
    fs::write(&path, &drifted).unwrap();

    let out = scholia(dir.path(), &["check", "--fix"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("fixed: content/reading/annotations.yaml:"),
        "{stderr}"
    );
    let fixed = fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed,
        drifted.replace("at: ruled the sae", "at: \"ruled the seas\"")
    );
}

#[test]
fn fix_adds_the_context_a_repeated_quote_needs() {
    let dir = copy_site(&fixture("valid/minimal"));
    let path = dir.path().join(ANNOTATIONS);
    let original = fs::read_to_string(&path).unwrap();
    // `durable peace` is in both paragraphs: the suffix that chose the first is gone.
    let ambiguous = original.replace("      suffix: between Rome\n", "");
    fs::write(&path, &ambiguous).unwrap();
    let out = scholia(dir.path(), &["check", "--fix"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let fixed = fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed,
        ambiguous.replace(
            "      quote: durable peace\n",
            "      quote: durable peace\n      suffix: \"between\"\n"
        )
    );
}

#[test]
fn fix_leaves_a_quote_with_no_clear_match_alone() {
    let dir = copy_site(&fixture("valid/minimal"));
    let path = dir.path().join(ANNOTATIONS);
    let broken = fs::read_to_string(&path)
        .unwrap()
        .replace("at: ruled the sea", "at: something else entirely");
    fs::write(&path, &broken).unwrap();
    let out = scholia(dir.path(), &["check", "--fix"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(fs::read_to_string(&path).unwrap(), broken);
    assert!(String::from_utf8(out.stderr).unwrap().contains("E0110"));
}

fn schema(which: &str) -> serde_json::Value {
    let out = scholia(&repo(), &["schema", which]);
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).expect("the schema is JSON")
}

/// YAML as JSON, for schema validation.
fn yaml_to_json(path: &Path) -> serde_json::Value {
    serde_saphyr::from_str(&fs::read_to_string(path).unwrap()).expect("valid YAML")
}

#[test]
fn the_schemas_accept_the_example_site_and_reject_a_misspelt_field() {
    let annotations = jsonschema::validator_for(&schema("annotations")).unwrap();
    let site = jsonschema::validator_for(&schema("site")).unwrap();
    let example =
        yaml_to_json(&repo().join("content/khamenei-and-the-prospect-of-war/annotations.yaml"));
    let errors: Vec<String> = annotations
        .iter_errors(&example)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(site.is_valid(&yaml_to_json(&repo().join("site.yaml"))));

    let mut misspelt = example.clone();
    let gloss = misspelt["glosses"]["khamenei"].as_object_mut().unwrap();
    let text = gloss.remove("text").unwrap();
    gloss.insert("txt".into(), text);
    assert!(!annotations.is_valid(&misspelt));
    let mut wrong_kind = example;
    wrong_kind["glosses"]["khamenei"]["kind"] = "emperor".into();
    assert!(!annotations.is_valid(&wrong_kind));
}
