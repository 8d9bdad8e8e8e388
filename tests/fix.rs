//! `check --fix`: it mends a drifted quote in whatever YAML form the editor wrote it,
//! proves the result before writing, never chooses among the places of a repeated
//! quote, and leaves alone (and says so) what it cannot mend safely.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_site, fixture, scholia, site};

const ANNOTATIONS: &str = "content/reading/annotations.yaml";

/// The text the annotations below point into; "ruled the sea" drifted to "the seas".
const TEXT: &str = "The *durable* peace between Rome and Carthage did not last.\n\n\
    Carthage fell in 146 BCE. The durable peace was over, and Rome ruled the seas.\n";

fn run_fix(root: &Path) -> (Option<i32>, String) {
    let out = scholia(root, &["check", "--fix"]);
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

fn annotations(root: &Path) -> String {
    fs::read_to_string(root.join(ANNOTATIONS)).unwrap()
}

/// Runs `check --fix` on a note written as `note` (its `at:` and what follows) and
/// returns the exit code, stderr and the file afterwards; then checks the site again.
fn fix_note(note: &str) -> (Option<i32>, String, String) {
    let yaml = format!("notes:\n  sea:\n{note}");
    let dir = site(TEXT, &yaml);
    let (code, stderr) = run_fix(dir.path());
    (code, stderr, annotations(dir.path()))
}

#[test]
fn a_drifted_quote_in_a_folded_block_scalar_keeps_its_line_break() {
    let (code, stderr, after) =
        fix_note("    at: >-\n      ruled the sae\n    text: Rome's navy.\n");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        after,
        "notes:\n  sea:\n    at: >-\n      ruled the seas\n    text: Rome's navy.\n"
    );
    assert!(
        stderr.contains("fixed: content/reading/annotations.yaml:4:7"),
        "{stderr}"
    );
}

#[test]
fn a_repeated_quote_in_a_flow_mapping_is_reported_and_the_file_left_byte_for_byte() {
    let yaml = "crossrefs:\n  peace:\n    from: {quote: durable peace}  # the first one\n    \
                to:\n      quote: was over\n    note: The peace ends.\n";
    let dir = site(TEXT, yaml);
    let (code, stderr) = run_fix(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(annotations(dir.path()), yaml);
    assert!(!stderr.contains("fixed:"), "{stderr}");
    assert!(stderr.contains("error[E0111]"), "{stderr}");
    assert!(!stderr.contains("E0001"), "{stderr}");
}

/// Churchill, 4 June 1940: eleven annotations on phrases the speech repeats.
const SPEECH: &str = "We shall go on to the end. We shall fight in France, we shall fight on \
    the seas and oceans, we shall fight with growing confidence and growing strength in the \
    air, we shall defend our Island, whatever the cost may be. We shall fight on the \
    beaches, we shall fight on the landing grounds, we shall fight in the fields and in the \
    streets, we shall fight in the hills; we shall never surrender.\n";

#[test]
fn fix_never_chooses_among_the_places_of_a_repeated_quote() {
    let quotes = [
        "we shall fight",
        "shall fight",
        "we shall",
        "in the",
        "growing",
        "fight on the",
        "We shall",
        "the seas",
        "shall",
        "fight in the",
        "we shall fight in",
    ];
    let mut yaml = String::from(
        "crossrefs:\n  echo:\n    from: we shall fight\n    to:\n      quote: we shall fight\n    note: The refrain.\nnotes:\n",
    );
    for (i, quote) in quotes.iter().enumerate() {
        yaml.push_str(&format!("  n{i}:\n    at: {quote}\n    text: Again.\n"));
    }
    let dir = site(SPEECH, &yaml);
    let (code, stderr) = run_fix(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(annotations(dir.path()), yaml, "nothing is written");
    assert!(!stderr.contains("fixed:"), "{stderr}");
    // Every repeated quote is an error; `the seas` is not repeated and stands.
    assert_eq!(stderr.matches("error[E0111]").count(), 12, "{stderr}");
}

#[test]
fn each_place_of_a_repeated_quote_is_shown_in_context_with_its_line_and_column() {
    let dir = site(
        SPEECH,
        "notes:\n  n:\n    at: we shall fight\n    text: Again.\n",
    );
    let out = scholia(dir.path(), &["check"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    // One paragraph on one line: the places differ by column and by context.
    assert!(
        stderr.contains(
            "in paragraph 1, content/reading/index.md:5:54: …fight in France, ⟨we shall fight⟩ on the seas…"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("add `prefix: \"France,\"`"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("⟨")).collect();
    assert_eq!(lines.len(), 5, "{stderr}");
    let unique: std::collections::BTreeSet<_> = lines.iter().collect();
    assert_eq!(
        unique.len(),
        lines.len(),
        "each place is told apart: {stderr}"
    );
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

    let (code, stderr) = run_fix(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "fixed: content/reading/annotations.yaml:30:9: the quote now reads \"ruled the seas\""
        ),
        "{stderr}"
    );
    // Plain it was, plain it stays.
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        drifted.replace("at: ruled the sae", "at: ruled the seas")
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
    let (code, stderr) = run_fix(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(fs::read_to_string(&path).unwrap(), broken);
    assert!(stderr.contains("E0110"), "{stderr}");
}

#[test]
fn a_repeated_quote_is_not_given_the_context_of_its_first_place() {
    let dir = copy_site(&fixture("valid/minimal"));
    let path = dir.path().join(ANNOTATIONS);
    // `durable peace` is in both paragraphs: the suffix that chose the first is gone.
    let ambiguous = fs::read_to_string(&path)
        .unwrap()
        .replace("      suffix: between Rome\n", "");
    fs::write(&path, &ambiguous).unwrap();
    let (code, stderr) = run_fix(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(fs::read_to_string(&path).unwrap(), ambiguous);
    assert!(stderr.contains("add `suffix: \"between\"`"), "{stderr}");
    assert!(stderr.contains("add `suffix: \"was\"`"), "{stderr}");
}

/// Each way a passage can be written, drifted ("ruled the sae"), and how `--fix` must
/// leave it: the one value rewritten, in its own style where it can carry the words.
const STYLES: &[(&str, &str)] = &[
    // The short form, plain.
    ("    at: ruled the sae\n", "    at: ruled the seas\n"),
    // Plain, with comments before and after.
    (
        "    # the navy\n    at: ruled the sae   # drifted\n",
        "    # the navy\n    at: ruled the seas   # drifted\n",
    ),
    // Plain over two lines.
    ("    at: ruled\n      the sae\n", "    at: ruled the seas\n"),
    // Anchored, with no alias using it; tagged.
    ("    at: &q ruled the sae\n", "    at: &q ruled the seas\n"),
    (
        "    at: !!str ruled the sae\n",
        "    at: !!str ruled the seas\n",
    ),
    // Single- and double-quoted.
    ("    at: 'ruled the sae'\n", "    at: 'ruled the seas'\n"),
    (
        "    at: \"ruled the sae\" # c\n",
        "    at: \"ruled the seas\" # c\n",
    ),
    (
        "    at: \"ruled\n      the sae\"\n",
        "    at: \"ruled the seas\"\n",
    ),
    // A flow mapping, with context.
    (
        "    at: {quote: ruled the sae, prefix: Rome}  # c\n",
        "    at: {quote: ruled the seas, prefix: Rome}  # c\n",
    ),
    (
        "    at: { quote: 'ruled the sae' }\n",
        "    at: { quote: 'ruled the seas' }\n",
    ),
    // A block mapping, indented four.
    (
        "    at:\n        quote: ruled the sae\n        suffix: .\n",
        "    at:\n        quote: ruled the seas\n        suffix: .\n",
    ),
    // Literal and folded block scalars, with chomping and a comment on the header.
    (
        "    at: |  # c\n      ruled the sae\n\n",
        "    at: |  # c\n      ruled the seas\n\n",
    ),
    (
        "    at: >\n      ruled\n      the sae\n",
        "    at: >\n      ruled the seas\n",
    ),
    (
        "    at:\n      quote: >-\n          ruled the sae\n      prefix: Rome\n",
        "    at:\n      quote: >-\n          ruled the seas\n      prefix: Rome\n",
    ),
];

#[test]
fn a_drifted_quote_is_mended_in_each_yaml_style_and_nothing_else_moves() {
    for (before, after) in STYLES {
        let (code, stderr, file) = fix_note(&format!("{before}    text: Rome's navy.\n"));
        assert_eq!(code, Some(0), "{before}{stderr}");
        assert_eq!(
            file,
            format!("notes:\n  sea:\n{after}    text: Rome's navy.\n"),
            "{stderr}"
        );
    }
}

#[test]
fn words_the_plain_style_cannot_carry_are_double_quoted() {
    let text = "It said: \"never again\" and meant it.\n";
    let dir = site(
        text,
        "notes:\n  n:\n    at: said never again\n    text: So.\n",
    );
    let (code, stderr) = run_fix(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        annotations(dir.path()),
        "notes:\n  n:\n    at: \"said: “never again\"\n    text: So.\n"
    );
}

#[test]
fn an_anchored_quote_is_left_alone_and_the_reason_given() {
    let yaml = "notes:\n  sea:\n    at: &sea ruled the sae\n    text: x\n  again:\n    at: *sea\n    text: y\n";
    let dir = site(TEXT, yaml);
    let (code, stderr) = run_fix(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(annotations(dir.path()), yaml);
    assert!(
        stderr.contains(
            "warning[E0150]: `--fix` left this quote alone: it carries the anchor `&sea`"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("error[E0110]"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn the_mended_file_keeps_its_permissions_and_no_temporary_file_is_left() {
    use std::os::unix::fs::PermissionsExt;
    let dir = site(TEXT, "notes:\n  sea:\n    at: ruled the sae\n    text: x\n");
    let path = dir.path().join(ANNOTATIONS);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let (code, stderr) = run_fix(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let names: Vec<_> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn the_left_alone_example_in_docs_diagnostics_is_real_output() {
    let doc = fs::read_to_string(common::repo().join("docs/diagnostics.md")).unwrap();
    let section = &doc[doc.find("## E0150:").expect("E0150 is documented")..];
    let example = section
        .split("```\n")
        .nth(1)
        .and_then(|b| b.strip_prefix("$ scholia check --fix\n"))
        .expect("an example of `check --fix` output");
    let yaml = "notes:\n  sea:\n    at: &sea ruled the sae\n    text: x\n  again:\n    at: *sea\n    text: y\n";
    let dir = site(TEXT, yaml);
    let (_, stderr) = run_fix(dir.path());
    assert!(stderr.contains(example), "{example}\nis not in\n{stderr}");
}

#[test]
fn a_problem_elsewhere_in_the_site_does_not_stop_a_proven_fix() {
    // A broken template is reported before and after: it is not the fix's doing.
    let dir = site(TEXT, "notes:\n  sea:\n    at: ruled the sae\n    text: x\n");
    let templates = dir.path().join("templates");
    fs::create_dir(&templates).unwrap();
    fs::copy(
        fixture("invalid/broken-template/templates/index.html"),
        templates.join("index.html"),
    )
    .unwrap();
    let (code, stderr) = run_fix(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("fixed:"), "{stderr}");
    assert!(stderr.contains("error[E0301]"), "{stderr}");
    assert_eq!(
        annotations(dir.path()),
        "notes:\n  sea:\n    at: ruled the seas\n    text: x\n"
    );
}

#[test]
fn a_file_with_crlf_line_ends_keeps_them_and_fixes_are_reported_in_file_order() {
    let yaml = "notes:\r\n  sea:\r\n    at: >-\r\n      ruled the sae\r\n    text: The navy.\r\n  b:\r\n    at: \"ruled the\r\n      sae\"  # c\r\n    text: x\r\n";
    let dir = site(TEXT, yaml);
    let (code, stderr) = run_fix(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        annotations(dir.path()),
        "notes:\r\n  sea:\r\n    at: >-\r\n      ruled the seas\r\n    text: The navy.\r\n  b:\r\n    at: \"ruled the seas\"  # c\r\n    text: x\r\n"
    );
    let first = stderr.find("annotations.yaml:4:7").unwrap();
    let second = stderr.find("annotations.yaml:7:9").unwrap();
    assert!(first < second, "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_linked_annotation_file_is_mended_where_it_is_and_stays_linked() {
    let dir = site(TEXT, "");
    let path = dir.path().join(ANNOTATIONS);
    let target = dir.path().join("content/reading/notes.yaml");
    fs::write(
        &target,
        "notes:\n  sea:\n    at: ruled the sae\n    text: x\n",
    )
    .unwrap();
    fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink("notes.yaml", &path).unwrap();
    let (code, stderr) = run_fix(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        "notes:\n  sea:\n    at: ruled the seas\n    text: x\n"
    );
}

#[test]
fn drifted_quotes_of_a_pull_quote_and_a_cross_reference_are_mended_too() {
    let yaml = "crossrefs:\n  peace:\n    from: durable peace between Rme\n    to:\n      quote: |-\n        the durable peace wsa over\n    note: It ends.\npullquotes:\n  sea:\n    quote: 'Rome ruled the sae'\n    after: Carthage fell\n";
    let dir = site(TEXT, yaml);
    let (code, stderr) = run_fix(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr.matches("fixed:").count(), 3, "{stderr}");
    assert_eq!(
        annotations(dir.path()),
        "crossrefs:\n  peace:\n    from: durable peace between Rome\n    to:\n      quote: |-\n        The durable peace was over\n    note: It ends.\npullquotes:\n  sea:\n    quote: 'Rome ruled the seas'\n    after: Carthage fell\n"
    );
}

/// "durable peace" is twice in the text; the note's own prefix picks the second place, so
/// mending the drifted quote there is no guess. Without the prefix it stays a choice.
#[test]
fn a_drifted_quote_whose_prefix_picks_one_of_its_places_is_mended() {
    let (code, stderr, after) =
        fix_note("    at: {quote: durable pease, prefix: BCE. The}\n    text: The peace ends.\n");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        after,
        "notes:\n  sea:\n    at: {quote: durable peace, prefix: BCE. The}\n    text: The peace ends.\n"
    );
    let (code, stderr, after) = fix_note("    at: durable pease\n    text: The peace ends.\n");
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        after,
        "notes:\n  sea:\n    at: durable pease\n    text: The peace ends.\n"
    );
}
