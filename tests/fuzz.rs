//! Random input for the loader: whatever the bytes, scholia answers with diagnostics,
//! never a panic or a hang, and each diagnostic says where the trouble is.
//!
//! 1. Raw bytes, as `site.yaml`, `annotations.yaml` and a reading's front matter.
//! 2. Generated YAML: mappings, sequences and scalars in every style (plain, quoted,
//!    literal, folded), anchors and aliases, tags, comments, document markers, deep
//!    nesting and other scripts, with keys drawn from scholia's own fields so the values
//!    reach deep into its types.
//! 3. The valid fixtures' and the example's files, mutated: bytes flipped, the file cut
//!    short, lines deleted, doubled or swapped.
//!
//! Each input goes through the whole check (`scholia::check` on a temporary site) and,
//! for YAML, through `scholia::yaml::parse` directly. A run that takes more than a minute
//! is reported as a hang with its input. Cases are few enough for `cargo test` on two
//! cores; `PROPTEST_CASES=5000 cargo test --test fuzz` searches harder.

mod common;

use std::fs;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use scholia::annotations::model::AnnotationFile;
use scholia::config::SiteConfig;
use scholia::diagnostics::{Diagnostic, SourceFile};
use scholia::{Failure, Options};

const SITE: &str = "title: Fuzz\ndescription: A test.\nlanguage: en\neditor: Tests\n";
const TEXT: &str =
    "The *durable* peace between Rome and Carthage did not last.\n\nRome ruled the sea.\n";

/// Which file of the site an input becomes.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Site,
    Annotations,
    FrontMatter,
    Glossary,
}

/// A one-reading site with `input` in `slot` and valid files elsewhere.
fn write_site(root: &Path, slot: Slot, input: &[u8]) {
    let reading = root.join("content/reading");
    fs::create_dir_all(&reading).unwrap();
    let _ = fs::remove_file(root.join("content/glossary.yaml"));
    fs::write(root.join("site.yaml"), SITE).unwrap();
    fs::write(
        reading.join("index.md"),
        format!("---\ntitle: A reading\n---\n\n{TEXT}"),
    )
    .unwrap();
    fs::write(reading.join("annotations.yaml"), "").unwrap();
    match slot {
        Slot::Site => fs::write(root.join("site.yaml"), input).unwrap(),
        Slot::Annotations => fs::write(reading.join("annotations.yaml"), input).unwrap(),
        Slot::Glossary => fs::write(root.join("content/glossary.yaml"), input).unwrap(),
        Slot::FrontMatter => {
            let mut file = b"---\n".to_vec();
            file.extend_from_slice(input);
            file.extend_from_slice(b"\n---\n\n");
            file.extend_from_slice(TEXT.as_bytes());
            fs::write(reading.join("index.md"), file).unwrap();
        }
    }
}

/// What a run's failure must look like: diagnostics, each with a place.
fn diagnostics_are_placed(result: Result<(), Failure>) -> Result<(), String> {
    match result {
        Ok(()) => Ok(()),
        Err(Failure::Internal(message)) => Err(format!("an internal failure: {message}")),
        Err(Failure::Input(list)) => {
            if list.is_empty() {
                return Err("a failure with no diagnostic".into());
            }
            for d in &list {
                if !is_placed(d) {
                    return Err(format!("a diagnostic without a place:\n{}", d.render()));
                }
            }
            Ok(())
        }
    }
}

/// A diagnostic has a place when it points into a file, or (for a file that cannot be
/// read at all) names the file.
fn is_placed(d: &Diagnostic) -> bool {
    d.location.is_some()
        || (d.code == "E0002" && (d.message.contains(".yaml") || d.message.contains(".md")))
}

/// Runs `f` on another thread; a run that does not end within a minute is a hang. The
/// bound is far above any real run (milliseconds): it turns a hang into a failure that
/// names its input instead of a test that never ends.
fn without_hang<T: Send + 'static>(
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, TestCaseError> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let _ = send.send(result);
    });
    match receive.recv_timeout(Duration::from_secs(60)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Err(TestCaseError::fail(format!(
                "panicked on {what}: {message}"
            )))
        }
        Err(_) => Err(TestCaseError::fail(format!(
            "no answer within a minute on {what}"
        ))),
    }
}

/// The whole check on a site with `input` in `slot`.
fn check_input(slot: Slot, input: Vec<u8>) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), slot, &input);
    let root = dir.path().to_path_buf();
    let what = format!("{slot:?} = {:?}", String::from_utf8_lossy(&input));
    let result = without_hang(&what, move || {
        scholia::check(&root, Options::default()).map(|_| ())
    })?;
    diagnostics_are_placed(result).map_err(|e| TestCaseError::fail(format!("{e}\non {what}")))
}

/// The YAML parse alone, into each of scholia's file types.
fn parse_input(text: String) -> Result<(), TestCaseError> {
    let what = format!("{text:?}");
    let result = without_hang(&what, move || {
        let file = SourceFile::new("input.yaml", text);
        let range = 0..file.text.len();
        [
            scholia::yaml::parse::<AnnotationFile>(&file, range.clone()).map(|_| ()),
            scholia::yaml::parse::<SiteConfig>(&file, range.clone()).map(|_| ()),
            scholia::yaml::parse::<scholia::content::FrontMatter>(&file, range).map(|_| ()),
        ]
    })?;
    for r in result {
        if let Err(d) = r {
            let Some(location) = &d.location else {
                return Err(TestCaseError::fail(format!(
                    "no place for:\n{}\non {what}",
                    d.render()
                )));
            };
            prop_assert!(location.range.end <= location.file.text.len());
        }
    }
    Ok(())
}

/* ---------- Generated YAML ---------- */

/// A YAML node, rendered in block or flow style.
#[derive(Debug, Clone)]
enum Node {
    Scalar(String),
    Seq(Vec<Node>, bool),
    Map(Vec<(String, Node)>, bool),
    Alias(u8),
    /// A node with an anchor, a tag, or a comment before it.
    Decorated(Box<Node>, Decoration),
}

#[derive(Debug, Clone)]
enum Decoration {
    Anchor(u8),
    Tag(&'static str),
    Comment(String),
}

/// Words scholia knows, so that generated mappings reach into its types.
const KEYS: &[&str] = &[
    "glosses",
    "sources",
    "crossrefs",
    "notes",
    "pullquotes",
    "unglossed",
    "term",
    "kind",
    "match",
    "text",
    "born",
    "died",
    "see",
    "mark",
    "cited",
    "quote",
    "prefix",
    "suffix",
    "reading",
    "at",
    "from",
    "to",
    "after",
    "note",
    "title",
    "description",
    "language",
    "editor",
    "base_url",
    "date",
    "original",
    "url",
    "rome",
    "sea",
    "<<",
    "? complex",
];

const TAGS: &[&str] = &[
    "!!str",
    "!!int",
    "!!float",
    "!!bool",
    "!!null",
    "!!binary",
    "!!seq",
    "!!map",
    "!!set",
    "!!omap",
    "!!timestamp",
    "!local",
    "!<tag:example.org,2026:x>",
    "!",
];

fn scalar_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z ]{1,12}",
        "\\PC{0,16}",
        "[-?:,\\[\\]{}#&*!|>'\"%@`\\\\ ]{1,6}",
        Just("ruled the sea".to_owned()),
        Just("Rome".to_owned()),
        Just("person".to_owned()),
        Just("2023-02-31".to_owned()),
        Just("~".to_owned()),
        Just("0x1F".to_owned()),
        Just(".nan".to_owned()),
        Just("ᚱᛟᛗᛖ الروم 罗马 🏛️".to_owned()),
        Just("\u{feff}\u{200b}\u{202e}".to_owned()),
    ]
}

/// A scalar in one of YAML's five styles (the plain one may well be invalid: that is fine).
fn scalar() -> impl Strategy<Value = Node> {
    (scalar_text(), 0..8u8).prop_map(|(text, style)| {
        Node::Scalar(match style {
            0 => text,
            1 | 2 => format!("'{}'", text.replace('\'', "''")),
            3 => format!("{text:?}"),
            4 => format!("\"{}\\x41\\u263A\\\n  {text}\"", text.replace('"', "")),
            5 => format!("|\n{text}\n  more"),
            6 => format!(">-\n{text}\n\n  folded"),
            _ => format!("|+2\n  {text}\n"),
        })
    })
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![8 => scalar(), 1 => (0..4u8).prop_map(Node::Alias)];
    leaf.prop_recursive(6, 48, 5, |inner| {
        prop_oneof![
            (prop::collection::vec(inner.clone(), 0..5), any::<bool>())
                .prop_map(|(items, flow)| Node::Seq(items, flow)),
            (
                prop::collection::vec(
                    (
                        prop::sample::select(KEYS).prop_map(str::to_owned),
                        inner.clone()
                    ),
                    0..5
                ),
                any::<bool>()
            )
                .prop_map(|(entries, flow)| Node::Map(entries, flow)),
            (inner, decoration()).prop_map(|(n, d)| Node::Decorated(Box::new(n), d)),
        ]
    })
}

fn decoration() -> impl Strategy<Value = Decoration> {
    prop_oneof![
        (0..4u8).prop_map(Decoration::Anchor),
        prop::sample::select(TAGS).prop_map(Decoration::Tag),
        "\\PC{0,10}".prop_map(Decoration::Comment),
    ]
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

/// Renders a node as the value after `key:` or `- ` at `depth`.
fn render(node: &Node, depth: usize, out: &mut String) {
    match node {
        Node::Scalar(s) => {
            // Block scalars' lines are indented under their key.
            out.push_str(&s.replace('\n', &format!("\n{}", indent(depth + 1))));
            out.push('\n');
        }
        Node::Alias(n) => out.push_str(&format!("*a{n}\n")),
        Node::Decorated(inner, d) => {
            match d {
                Decoration::Anchor(n) => out.push_str(&format!("&a{n} ")),
                Decoration::Tag(t) => out.push_str(&format!("{t} ")),
                Decoration::Comment(c) => out.push_str(&format!("# {c}\n{}", indent(depth + 1))),
            }
            render(inner, depth, out);
        }
        Node::Seq(items, true) | Node::Seq(items, false) if items.is_empty() => {
            out.push_str("[]\n")
        }
        Node::Map(entries, _) if entries.is_empty() => out.push_str("{}\n"),
        Node::Seq(items, true) => {
            let parts: Vec<String> = items.iter().map(flow).collect();
            out.push_str(&format!("[{}]\n", parts.join(", ")));
        }
        Node::Map(entries, true) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", flow(v)))
                .collect();
            out.push_str(&format!("{{{}}}\n", parts.join(", ")));
        }
        Node::Seq(items, false) => {
            out.push('\n');
            for item in items {
                out.push_str(&format!("{}- ", indent(depth + 1)));
                render(item, depth + 1, out);
            }
        }
        Node::Map(entries, false) => {
            out.push('\n');
            for (key, value) in entries {
                out.push_str(&format!("{}{key}: ", indent(depth + 1)));
                render(value, depth + 1, out);
            }
        }
    }
}

/// A node in flow style, on one line.
fn flow(node: &Node) -> String {
    match node {
        // Block scalars cannot stand in flow: write them single-quoted.
        Node::Scalar(s) if s.starts_with(['|', '>']) => {
            format!("'{}'", s.replace('\n', " ").replace('\'', "''"))
        }
        Node::Scalar(s) => s.replace('\n', " "),
        Node::Alias(n) => format!("*a{n}"),
        Node::Decorated(inner, Decoration::Anchor(n)) => format!("&a{n} {}", flow(inner)),
        Node::Decorated(inner, Decoration::Tag(t)) => format!("{t} {}", flow(inner)),
        Node::Decorated(inner, Decoration::Comment(_)) => flow(inner),
        Node::Seq(items, _) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Node::Map(entries, _) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A YAML file: a top-level mapping of generated entries, perhaps with document markers,
/// a directive, or a tab.
fn yaml_file() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((prop::sample::select(KEYS), node()), 0..6),
        prop::sample::select(
            &[
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "---\n",
                "%YAML 1.2\n---\n",
                "--- |\n",
                "...\n",
                "\t",
            ][..],
        ),
        prop::sample::select(
            &[
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "---\n",
                "...\n",
                "---\nnotes: {}\n",
            ][..],
        ),
    )
        .prop_map(|(entries, head, tail)| {
            let mut out = String::from(head);
            for (key, value) in entries {
                out.push_str(&format!("{key}: "));
                render(&value, 0, &mut out);
            }
            out.push_str(tail);
            out
        })
}

/* ---------- Mutations of valid files ---------- */

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    DeleteLine(usize),
    DoubleLine(usize),
    SwapLines(usize, usize),
    Insert(usize, char),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        (at, 1..=255u8).prop_map(|(i, b)| Mutation::Flip(i, b)),
        at.prop_map(Mutation::Truncate),
        at.prop_map(Mutation::DeleteLine),
        at.prop_map(Mutation::DoubleLine),
        (at, at).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (
            at,
            prop::sample::select(
                &[
                    '\t', ' ', ':', '-', '"', '\'', '[', '{', '&', '*', '#', '\n', '|', '>',
                    '\u{0}', 'é'
                ][..]
            )
        )
            .prop_map(|(i, c)| Mutation::Insert(i, c)),
    ]
}

fn mutate(original: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for m in mutations {
        if bytes.is_empty() {
            break;
        }
        let n = bytes.len();
        let mut lines: Vec<Vec<u8>> = bytes
            .split_inclusive(|&b| b == b'\n')
            .map(<[u8]>::to_vec)
            .collect();
        let l = lines.len();
        match *m {
            Mutation::Flip(i, mask) => bytes[i % n] ^= mask,
            Mutation::Truncate(i) => bytes.truncate(i % n),
            Mutation::DeleteLine(i) => {
                lines.remove(i % l);
                bytes = lines.concat();
            }
            Mutation::DoubleLine(i) => {
                let line = lines[i % l].clone();
                lines.insert(i % l, line);
                bytes = lines.concat();
            }
            Mutation::SwapLines(a, b) => {
                lines.swap(a % l, b % l);
                bytes = lines.concat();
            }
            Mutation::Insert(i, c) => {
                let mut buf = [0; 4];
                let at = i % (n + 1);
                bytes.splice(at..at, c.encode_utf8(&mut buf).bytes());
            }
        }
    }
    bytes
}

/// The valid files to mutate, each with the slot it goes in.
fn originals() -> Vec<(Slot, Vec<u8>)> {
    let repo = common::repo();
    let mut files = vec![(Slot::Site, SITE.as_bytes().to_vec())];
    for path in [
        "tests/fixtures/valid/minimal/content/reading/annotations.yaml",
        "tests/fixtures/valid/override/content/reading/annotations.yaml",
        "content/khamenei-and-the-prospect-of-war/annotations.yaml",
    ] {
        if let Ok(bytes) = fs::read(repo.join(path)) {
            files.push((Slot::Annotations, bytes));
        }
    }
    for path in ["content/glossary.yaml", "content/sources.yaml"] {
        if let Ok(bytes) = fs::read(repo.join(path)) {
            files.push((Slot::Glossary, bytes));
        }
    }
    files
}

fn slot() -> impl Strategy<Value = Slot> {
    prop::sample::select(
        &[
            Slot::Site,
            Slot::Annotations,
            Slot::FrontMatter,
            Slot::Glossary,
        ][..],
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_in_any_file_give_placed_diagnostics(
        slot in slot(),
        bytes in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        check_input(slot, bytes)?;
    }

    #[test]
    fn random_text_parses_to_a_value_or_a_placed_diagnostic(text in "\\PC{0,300}") {
        parse_input(text)?;
    }

    #[test]
    fn generated_yaml_parses_to_a_value_or_a_placed_diagnostic(yaml in yaml_file()) {
        parse_input(yaml)?;
    }

    #[test]
    fn generated_yaml_in_any_file_gives_placed_diagnostics(slot in slot(), yaml in yaml_file()) {
        check_input(slot, yaml.into_bytes())?;
    }

    #[test]
    fn mutated_valid_files_give_placed_diagnostics(
        which in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let originals = originals();
        let (slot, original) = which.get(&originals);
        check_input(*slot, mutate(original, &mutations))?;
    }
}

/// The property above can fail: a diagnostic with no place is caught.
#[test]
fn a_diagnostic_without_a_place_is_caught() {
    let unplaced = Diagnostic::error("E0110", "somewhere");
    assert!(diagnostics_are_placed(Err(Failure::Input(vec![unplaced]))).is_err());
    assert!(diagnostics_are_placed(Err(Failure::Input(vec![]))).is_err());
    assert!(diagnostics_are_placed(Err(Failure::Internal("x".into()))).is_err());
}

/// The generator makes YAML that reads, not only noise: most of the loader's paths are
/// behind a successful parse.
#[test]
fn the_yaml_generator_makes_mostly_readable_yaml() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut readable = 0;
    for _ in 0..200 {
        let yaml = yaml_file().new_tree(&mut runner).unwrap().current();
        let file = SourceFile::new("x.yaml", yaml);
        if scholia::yaml::parse::<serde_json::Value>(&file, 0..file.text.len()).is_ok() {
            readable += 1;
        }
    }
    assert!(
        readable >= 60,
        "only {readable} of 200 generated files are YAML"
    );
}
