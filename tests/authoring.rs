//! The authoring loop: `init` and `schema` (`check --fix` is in tests/fix.rs).

mod common;

use std::fs;
use std::path::Path;

use common::{repo, scholia};

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
fn init_ignores_the_output_and_the_lock_and_staging_folders_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let init = scholia(dir.path(), &["init", "site"]);
    assert_eq!(init.status.code(), Some(0));
    let ignore = fs::read_to_string(dir.path().join("site/.gitignore")).unwrap();
    let lines: Vec<&str> = ignore.lines().collect();
    // `.public.scholia-lock`, `-new`, `-old`: see src/output.rs.
    assert_eq!(lines, ["/public", "/.public.scholia-*"]);
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
