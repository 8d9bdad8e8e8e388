//! Every invalid fixture site under tests/fixtures/invalid/ fails `scholia check` with
//! exit code 1 and exactly the diagnostics in its `expected.txt`.
//! Run with `UPDATE_EXPECT=1` to rewrite the expected files after a deliberate change.

mod common;

use std::fs;

use common::{cases, fixture, scholia};

/// Runs `scholia check` on a fixture site: its exit code, its stderr, and the stderr
/// its `expected.txt` holds (rewritten first when UPDATE_EXPECT is set).
fn check_against_expected(case: &std::path::Path) -> (Option<i32>, String, String) {
    let out = scholia(case, &["check"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    let expected_path = case.join("expected.txt");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(&expected_path, &stderr).unwrap();
    }
    let expected = fs::read_to_string(&expected_path)
        .unwrap_or_else(|_| panic!("{} has no expected.txt", case.display()));
    (out.status.code(), stderr, expected)
}

#[test]
fn each_invalid_fixture_reports_exactly_its_expected_diagnostics() {
    let cases = cases("invalid");
    assert!(cases.len() >= 12, "expected at least 12 invalid fixtures");
    let mut mismatches = Vec::new();
    for case in &cases {
        let (code, stderr, expected) = check_against_expected(case);
        assert_eq!(code, Some(1), "{}: {stderr}", case.display());
        if stderr != expected {
            mismatches.push(format!(
                "--- {}\nexpected:\n{expected}\ngot:\n{stderr}",
                case.display()
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn a_broken_quote_names_the_yaml_file_line_and_column() {
    let out = scholia(&fixture("invalid/quote-not-found"), &["check"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("--> content/reading/annotations.yaml:3:9"),
        "{stderr}"
    );
    assert!(
        stderr.contains("\"Rome ruled the sea\""),
        "closest passage shown: {stderr}"
    );
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let out = scholia(&fixture("invalid/many-errors"), &["check"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    for code in ["E0102", "E0110", "E0111"] {
        assert!(stderr.contains(code), "{code} missing from {stderr}");
    }
    assert!(stderr.contains("3 errors"), "{stderr}");
}

#[test]
fn a_valid_fixture_checks_clean() {
    let out = scholia(&fixture("valid/minimal"), &["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_examples_in_docs_diagnostics_are_real_output() {
    let doc = fs::read_to_string(common::repo().join("docs/diagnostics.md")).unwrap();
    let outputs: Vec<String> = cases("invalid")
        .into_iter()
        .chain(cases("warnings"))
        // The hostile cases (tests/hostile.rs) show what the loader refuses.
        .chain(cases("hostile"))
        .filter_map(|case| fs::read_to_string(case.join("expected.txt")).ok())
        .collect();
    let examples: Vec<&str> = doc
        .split("```\n")
        .skip(1)
        .step_by(2)
        .filter(|block| block.starts_with("error[") || block.starts_with("warning["))
        .collect();
    assert!(examples.len() >= 16, "{} examples", examples.len());
    for example in examples {
        let example = example.trim_end_matches('\n');
        assert!(
            outputs.iter().any(|o| o.contains(example)),
            "docs/diagnostics.md shows output no fixture produces:\n{example}"
        );
    }
}

/// Warning fixtures: exit 0 with exactly the warnings in `expected.txt`, and exit 1
/// with `--deny warnings`.
#[test]
fn each_warning_fixture_warns_exactly_and_fails_under_deny_warnings() {
    let cases = cases("warnings");
    assert!(cases.len() >= 4);
    for case in &cases {
        let (code, stderr, expected) = check_against_expected(case);
        assert_eq!(code, Some(0), "{}: {stderr}", case.display());
        assert_eq!(stderr, expected, "{}", case.display());
        assert!(stderr.contains("warning["), "{}", case.display());

        let denied = scholia(case, &["check", "--deny", "warnings"]);
        let denied_err = String::from_utf8(denied.stderr).unwrap();
        assert_eq!(
            denied.status.code(),
            Some(1),
            "{}: {denied_err}",
            case.display()
        );
        assert!(denied_err.contains("error["), "{denied_err}");
        assert!(denied_err.contains("--deny warnings"), "{denied_err}");
    }
}

#[test]
fn json_format_gives_one_object_a_line_with_file_line_and_column() {
    let out = scholia(
        &fixture("invalid/many-errors"),
        &["check", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    // The warnings found before the errors stopped the check come first.
    let errors: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["severity"] == "error").collect();
    assert_eq!(errors.len(), 3);
    assert!(lines.iter().any(|l| l["severity"] == "warning"));
    let first = errors[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "E0102");
    assert_eq!(first["file"], "content/reading/annotations.yaml");
    assert_eq!(first["line"], 6);
    assert_eq!(first["column"], 11);
    assert!(first["help"].as_array().is_some_and(|h| !h.is_empty()));
}

#[test]
fn every_code_scholia_emits_is_documented() {
    let doc = fs::read_to_string(common::repo().join("docs/diagnostics.md")).unwrap();
    let mut codes = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(common::repo().join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(entry.path()).unwrap();
            for (i, _) in text.match_indices("\"E0").chain(text.match_indices("\"W0")) {
                let code = &text[i + 1..i + 6];
                if code[1..].chars().all(|c| c.is_ascii_digit()) {
                    codes.insert(code.to_owned());
                }
            }
        }
    }
    assert!(codes.len() >= 20, "{codes:?}");
    for code in codes {
        assert!(
            doc.contains(&format!("## {code}:")),
            "{code} is not in docs/diagnostics.md"
        );
    }
}
