//! The standard export (`<slug>/annotations.jsonld`, `<slug>/text.txt`): validated against
//! the W3C Web Annotation test suite's own JSON Schemas (draft-04), its selectors checked
//! against the plain text they point into, and its bytes the same on every build.
//!
//! The schemas are read from `../shared/w3c-web-annotation-tests`; without them the schema
//! tests say `SKIPPED` and pass.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{describe, repo};
use jsonschema::{Draft, Registry, Validator};
use serde_json::{Value, json};

/// Where the schemas are registered: every `$ref` in them is relative to their folder
/// `definitions/`, by file name, so all of them live side by side under one base.
const BASE: &str = "https://w3c-web-annotation-tests.invalid/";

const ANNOTATION_MUSTS: &str = "annotations/annotationMusts.test";
const ANNOTATION_OPTIONALS: &str = "annotations/annotationOptionals.test";
const COLLECTION_MUSTS: &str = "collections/collectionMusts.test";
const COLLECTION_OPTIONALS: &str = "collections/collectionOptionals.test";

/// Optional features of the model that every exported annotation implements: these
/// assertions (`may`/`should`, whose failure the suite only reports) must pass here.
const CLAIMED_BY_EVERY_ANNOTATION: &[&str] = &[
    "annotations/3.1-bodyKeyFound.json",
    "annotations/3.3.5-annotationMotivationImplemented.json",
    "annotations/3.3.5-annotationSingleMotivationImplemented.json",
    "annotations/3.3.1-annotationSingleCreatorImplemented.json",
    "annotations/bodiesTargets/3.2.4-bodyETB.json",
    "annotations/bodiesTargets/3.2.4-bodyETBTypeTextualBody.json",
    "annotations/bodiesTargets/3.2.1-bodyFormat.json",
    "annotations/bodiesTargets/3.2.1-bodyLanguage.json",
    "annotations/bodiesTargets/3.3.5-bodyPurpose.json",
    "annotations/bodiesTargets/4-targSpecificResource.json",
    "annotations/specificResource/4.2-selectorFound.json",
    "annotations/specificResource/4.2.4-textQuoteSelector.json",
    "annotations/specificResource/4.2.5-textPositionSelector.json",
];

/// Optional features of the collection that every export implements.
const CLAIMED_BY_EVERY_COLLECTION: &[&str] = &[
    "collections/5.1-collectionLabelImplemented.json",
    "collections/3.3.1-collectionCreatorImplemented.json",
    "collections/3.3.2-collectionCreatorAgentNameImplemented.json",
];

// ---------------------------------------------------------------------------------------
// The W3C suite: its schemas, its assertions and how the suite judges them.

struct Suite {
    dir: PathBuf,
    registry: Registry<'static>,
}

/// One assertion schema of the suite and what it expects.
struct Assertion {
    path: String,
    validator: Validator,
    /// `expectedResult`: whether a conforming instance is valid against it.
    expect_valid: bool,
    /// `onUnexpectedResult` starts with `fail`: a required part of the model
    /// (`assertionType: must`); otherwise the assertion only reports an optional feature.
    required: bool,
}

enum Verdict {
    Pass,
    /// A required assertion failed: the instance does not conform.
    Fail(String),
    /// An optional feature that the instance does not implement.
    NotImplemented,
}

impl Suite {
    fn load() -> Option<Suite> {
        let Some(shared) = common::shared() else {
            common::skip("../shared is not beside this checkout: the W3C schemas are not there");
            return None;
        };
        let dir = shared.join("w3c-web-annotation-tests");
        if !dir.join("definitions").is_dir() {
            common::skip("../shared/w3c-web-annotation-tests/definitions is missing");
            return None;
        }
        let mut resources = Vec::new();
        for entry in fs::read_dir(dir.join("definitions")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let schema = read_json(&path);
                let id = schema["id"]
                    .as_str()
                    .expect("each definition has an id")
                    .to_owned();
                resources.push((format!("{BASE}{id}"), schema));
            }
        }
        assert!(
            resources.len() >= 7,
            "the suite's definitions: {resources:?}"
        );
        let registry = Registry::new()
            .draft(Draft::Draft4)
            .extend(resources)
            .expect("the definitions register")
            .prepare()
            .expect("the definitions' references resolve");
        Some(Suite { dir, registry })
    }

    fn assertion(&self, path: &str) -> Assertion {
        let schema = read_json(&self.dir.join(path));
        let name = path.rsplit('/').next().unwrap();
        let validator = jsonschema::options()
            .with_draft(Draft::Draft4)
            .should_validate_formats(true)
            .with_registry(&self.registry)
            .with_base_uri(format!("{BASE}{name}"))
            .build(&schema)
            .unwrap_or_else(|e| panic!("{path} compiles: {e}"));
        let expect_valid = match schema["expectedResult"].as_str() {
            Some("valid") | None => true,
            Some("invalid") => false,
            Some(other) => panic!("{path}: unknown expectedResult {other}"),
        };
        let required = schema["onUnexpectedResult"]
            .as_str()
            .is_some_and(|s| s.starts_with("fail"));
        assert_eq!(
            required,
            schema["assertionType"] == "must",
            "{path}: only `must` assertions fail a test"
        );
        Assertion {
            path: path.to_owned(),
            validator,
            expect_valid,
            required,
        }
    }

    /// The assertions a `.test` file of the suite lists.
    fn test_file(&self, path: &str) -> Vec<Assertion> {
        let test = read_json(&self.dir.join(path));
        test["assertions"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} lists assertions"))
            .iter()
            .map(|a| self.assertion(a.as_str().unwrap()))
            .collect()
    }
}

impl Assertion {
    fn judge(&self, instance: &Value) -> Verdict {
        if self.validator.is_valid(instance) == self.expect_valid {
            return Verdict::Pass;
        }
        if !self.required {
            return Verdict::NotImplemented;
        }
        let errors: Vec<String> = self
            .validator
            .iter_errors(instance)
            .take(3)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        Verdict::Fail(format!("{}: {}", self.path, errors.join("; ")))
    }

    /// Panics unless the assertion holds for `instance`, required or not.
    fn require(&self, instance: &Value, what: &str) {
        if self.validator.is_valid(instance) != self.expect_valid {
            let errors: Vec<String> = self
                .validator
                .iter_errors(instance)
                .take(3)
                .map(|e| e.to_string())
                .collect();
            panic!("{what} does not meet {}: {errors:?}", self.path);
        }
    }
}

/// Every required assertion of `list` that `instance` fails.
fn failures(list: &[Assertion], instance: &Value) -> Vec<String> {
    list.iter()
        .filter_map(|a| match a.judge(instance) {
            Verdict::Fail(why) => Some(why),
            _ => None,
        })
        .collect()
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses JSON as the suite's samples are written: some have a comma before `}` or `]`.
fn lenient_json(text: &str) -> Option<Value> {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            in_string = c != '"' || escaped;
            escaped = c == '\\' && !escaped;
        } else if c == '"' {
            in_string = true;
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        out.push(c);
    }
    serde_json::from_str(&out).ok()
}

// ---------------------------------------------------------------------------------------
// The export of a site, read back.

struct Export {
    /// By slug: the collection, and the plain text.
    readings: BTreeMap<String, (Value, String)>,
    /// By slug: the reading's page.
    pages: BTreeMap<String, String>,
}

impl Export {
    fn of(root: &Path) -> Export {
        let (files, _) = scholia::render_site(root).unwrap_or_else(|f| panic!("{}", describe(&f)));
        let mut readings = BTreeMap::new();
        for file in &files {
            if let Some(slug) = file.path.strip_suffix("/annotations.jsonld") {
                let collection: Value = serde_json::from_slice(&file.contents)
                    .unwrap_or_else(|e| panic!("{} is JSON: {e}", file.path));
                let text = files
                    .iter()
                    .find(|f| f.path == format!("{slug}/text.txt"))
                    .unwrap_or_else(|| panic!("{slug}/text.txt beside {}", file.path));
                let text = String::from_utf8(text.contents.clone()).expect("text.txt is UTF-8");
                readings.insert(slug.to_owned(), (collection, text));
            }
        }
        let pages = readings
            .keys()
            .map(|slug| {
                let page = files
                    .iter()
                    .find(|f| f.path == format!("{slug}/index.html"))
                    .unwrap_or_else(|| panic!("{slug}/index.html"));
                let html = String::from_utf8(page.contents.clone()).expect("the page is UTF-8");
                (slug.clone(), html)
            })
            .collect();
        Export { readings, pages }
    }

    /// Every annotation, as it stands alone: with the `@context` its collection gives it.
    fn annotations(&self) -> Vec<(String, Value)> {
        let mut all = Vec::new();
        for (slug, (collection, _)) in &self.readings {
            for item in items(collection) {
                let mut annotation = json!({ "@context": collection["@context"] });
                for (key, value) in item.as_object().expect("an annotation is an object") {
                    annotation[key] = value.clone();
                }
                all.push((slug.clone(), annotation));
            }
        }
        all
    }
}

fn items(collection: &Value) -> &[Value] {
    collection["first"]["items"]
        .as_array()
        .map_or(&[], |v| v.as_slice())
}

/// Every Specific Resource of an annotation: its target and any body that is a passage.
fn passages(annotation: &Value) -> Vec<&Value> {
    let mut all: Vec<&Value> = vec![&annotation["target"]];
    if let Some(bodies) = annotation["body"].as_array() {
        all.extend(bodies.iter().filter(|b| b["type"] == "SpecificResource"));
    }
    all
}

/// A small site with every kind of annotation, text that is not ASCII, and a base URL.
fn small_site() -> tempfile::TempDir {
    let dir = common::site(
        "# Título\n\nJosé María *Aznar* met — in 2001 — the leader.\n\n\
         > A quoted block, with Aznar again.\n\n- an item about Iran\n- and Iran again\n",
        "glosses:\n  aznar:\n    term: José María Aznar\n    kind: person\n    match: [José María Aznar, Aznar]\n    text: A *Spanish* politician.\n    born: 1953\n    mark: all\n  iran:\n    term: Iran\n    kind: place\n    text: A country.\n\
         sources:\n  account:\n    kind: account\n    author: José María Aznar\n    url: https://example.org/account\n    note: His account.\n    cited: ['met — in 2001 — the leader']\n\
         crossrefs:\n  again:\n    from: 'A quoted block'\n    to: 'José María'\n    note: The same man.\n\
         notes:\n  item:\n    at: an item\n    text: A note on an item.\n",
    );
    fs::write(
        dir.path().join("site.yaml"),
        "title: Test\ndescription: A test.\nlanguage: es\neditor: Tests\nbase_url: https://example.org/site\n",
    )
    .unwrap();
    dir
}

// ---------------------------------------------------------------------------------------
// The validator is sound: it passes what the suite calls correct, fails what it calls
// incorrect, and checks formats and references.

#[test]
fn the_validator_passes_the_w3c_correct_samples_and_fails_the_incorrect_ones() {
    let Some(suite) = Suite::load() else { return };
    let annotation_musts = suite.test_file(ANNOTATION_MUSTS);
    let collection_musts = suite.test_file(COLLECTION_MUSTS);
    let samples = suite.dir.join("tools/samples");

    let (mut correct, mut outdated) = (0, 0);
    for entry in fs::read_dir(samples.join("correct")).unwrap() {
        let path = entry.unwrap().path();
        let sample = read_json(&path);
        let failed = match sample["type"].as_str() {
            Some("AnnotationCollection") => failures(&collection_musts, &sample),
            // A page: its annotations, each with the page's context.
            Some("AnnotationPage") => sample["items"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|item| {
                    let mut annotation = item.clone();
                    annotation["@context"] = sample["@context"].clone();
                    failures(&annotation_musts, &annotation)
                })
                .collect(),
            _ => failures(&annotation_musts, &sample),
        };
        // Three samples use `Composite`, `List` and `Independents`, classes the final
        // Recommendation dropped (only `Choice` is left): the suite's schemas reject them.
        let dropped = ["Composite", "List", "Independents"]
            .iter()
            .any(|class| sample["target"]["type"] == *class);
        if dropped {
            assert_eq!(failed.len(), 1, "{}: {failed:#?}", path.display());
            assert!(failed[0].starts_with("annotations/3.2-targetObjectsRecognized.json"));
            outdated += 1;
        } else {
            assert!(
                failed.is_empty(),
                "{} is correct: {failed:#?}",
                path.display()
            );
            correct += 1;
        }
    }

    let (mut incorrect, mut not_json) = (0, 0);
    for entry in fs::read_dir(samples.join("incorrect")).unwrap() {
        let path = entry.unwrap().path();
        let Some(sample) = lenient_json(&fs::read_to_string(&path).unwrap()) else {
            not_json += 1;
            continue;
        };
        let failed = failures(&annotation_musts, &sample);
        assert!(
            !failed.is_empty(),
            "{} is incorrect, but meets every `must`",
            path.display()
        );
        incorrect += 1;
    }
    eprintln!(
        "W3C samples: {correct} correct passed every `must` ({outdated} use classes the model dropped); \
         {incorrect} incorrect failed one, {not_json} are not JSON even with trailing commas dropped"
    );
    assert!(
        correct >= 40 && outdated == 3 && incorrect >= 30,
        "{correct} {outdated} {incorrect}"
    );

    // Formats are checked: an IRI must be absolute.
    let id = suite.assertion("annotations/3.1-annotationIdValidated.json");
    for (iri, ok) in [
        ("https://example.org/site/r/annotations.jsonld#note-a", true),
        ("urn:scholia:r/annotations.jsonld#note-a", true),
        ("r/annotations.jsonld#note-a", false),
        ("../r/index.html", false),
    ] {
        assert_eq!(id.validator.is_valid(&json!({ "id": iri })), ok, "{iri}");
    }
}

/// A change made to an annotation.
type Edit = fn(&mut Value);

#[test]
fn a_broken_annotation_fails_the_musts_that_concern_it() {
    let Some(suite) = Suite::load() else { return };
    let musts = suite.test_file(ANNOTATION_MUSTS);
    let export = Export::of(&repo());
    let (_, good) = export
        .annotations()
        .into_iter()
        .find(|(_, a)| a["id"].as_str().unwrap().contains("#source-"))
        .expect("a citation");
    assert_eq!(failures(&musts, &good), Vec::<String>::new());
    let broken: [(&str, Edit); 7] = [
        ("3.1-annotationContextValidated", |a| {
            a["@context"] = json!("http://example.org/context")
        }),
        ("3.1-annotationIdValidated", |a| {
            a["id"] = json!("annotations.jsonld#a")
        }),
        ("3.1-annotationTypeValidated", |a| a["type"] = json!("Note")),
        ("3.2-targetObjectsRecognized", |a| {
            a["target"]["source"] = json!("r/index.html")
        }),
        ("4.2.4-textQuoteSelectorValid", |a| {
            a["target"]["selector"][0]["exact"] = json!(["two", "values"])
        }),
        ("4.2-TextDataPositionSelectorValid", |a| {
            a["target"]["selector"][1]["start"] = json!(-1)
        }),
        ("3.2-bodyObjectsRecognized", |a| {
            a["body"] = json!(["not an IRI"])
        }),
    ];
    for (assertion, break_it) in broken {
        let mut annotation = good.clone();
        break_it(&mut annotation);
        let failed = failures(&musts, &annotation);
        assert!(
            failed.iter().any(|f| f.contains(assertion)),
            "breaking {assertion}: {failed:#?}"
        );
    }

    // The optional features the export claims are really detected: without them, the
    // assertions that report them do not pass (some of the suite's `may` assertions pass
    // whatever the annotation, so this is checked for each one the tests rely on).
    let without: [(&str, Edit); 6] = [
        ("specificResource/4.2.4-textQuoteSelector.json", |a| {
            a["target"]["selector"] = json!([a["target"]["selector"][1].clone()])
        }),
        ("specificResource/4.2.5-textPositionSelector.json", |a| {
            a["target"]["selector"] = json!([a["target"]["selector"][0].clone()])
        }),
        ("specificResource/4.2.4-prefix.json", |a| {
            a["target"]["selector"][0]
                .as_object_mut()
                .unwrap()
                .remove("prefix");
        }),
        ("specificResource/4.2.4-suffix.json", |a| {
            a["target"]["selector"][0]
                .as_object_mut()
                .unwrap()
                .remove("suffix");
        }),
        ("specificResource/4.2-selectorFound.json", |a| {
            a["target"].as_object_mut().unwrap().remove("selector");
            a["target"]["purpose"] = json!("linking");
        }),
        ("bodiesTargets/3.3.5-bodyPurpose.json", |a| {
            for body in a["body"].as_array_mut().unwrap() {
                body.as_object_mut().unwrap().remove("purpose");
            }
        }),
    ];
    for (feature, remove) in without {
        let assertion = suite.assertion(&format!("annotations/{feature}"));
        assert!(matches!(assertion.judge(&good), Verdict::Pass), "{feature}");
        let mut annotation = good.clone();
        remove(&mut annotation);
        assert!(
            !assertion.validator.is_valid(&annotation),
            "{feature} passes without the feature"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The export meets the model.

/// Validates every collection and annotation of an export; returns what was checked.
fn validate(suite: &Suite, export: &Export) -> String {
    let annotation_musts = suite.test_file(ANNOTATION_MUSTS);
    let annotation_optionals = suite.test_file(ANNOTATION_OPTIONALS);
    let collection_musts = suite.test_file(COLLECTION_MUSTS);
    let collection_optionals = suite.test_file(COLLECTION_OPTIONALS);
    let claimed: Vec<Assertion> = CLAIMED_BY_EVERY_ANNOTATION
        .iter()
        .map(|p| suite.assertion(p))
        .collect();
    let prefix = suite.assertion("annotations/specificResource/4.2.4-prefix.json");
    let suffix = suite.assertion("annotations/specificResource/4.2.4-suffix.json");
    let cross = suite.assertion("annotations/bodiesTargets/4-bodySpecificResource.json");
    let page_part_of = suite.assertion("collections/pages/5.2-pagePartOfImplemented.json");

    let mut musts_checked = 0;
    for (slug, (collection, _)) in &export.readings {
        let failed = failures(&collection_musts, collection);
        assert!(failed.is_empty(), "{slug}: the collection: {failed:#?}");
        musts_checked += collection_musts.len();
        for path in CLAIMED_BY_EVERY_COLLECTION {
            suite
                .assertion(path)
                .require(collection, &format!("{slug}'s collection"));
        }
        if !items(collection).is_empty() {
            for path in [
                "collections/5.1-collectionFirstImplemented.json",
                "collections/5.1-collectionLastImplemented.json",
            ] {
                suite
                    .assertion(path)
                    .require(collection, &format!("{slug}'s collection"));
            }
            page_part_of.require(&collection["first"], &format!("{slug}'s first page"));
        }
        // The optional assertions report; none may be malformed for our collection.
        for a in &collection_optionals {
            assert!(!matches!(a.judge(collection), Verdict::Fail(_)));
        }
    }

    let annotations = export.annotations();
    let mut implemented: BTreeMap<&str, usize> = BTreeMap::new();
    for (slug, annotation) in &annotations {
        let what = format!("{slug}: {}", annotation["id"]);
        let failed = failures(&annotation_musts, annotation);
        assert!(failed.is_empty(), "{what}: {failed:#?}");
        musts_checked += annotation_musts.len();
        for a in &claimed {
            a.require(annotation, &what);
        }
        let quote = &annotation["target"]["selector"][0];
        if quote.get("prefix").is_some() {
            prefix.require(annotation, &what);
        }
        if quote.get("suffix").is_some() {
            suffix.require(annotation, &what);
        }
        if annotation["motivation"] == "linking"
            && annotation["id"].as_str().unwrap().contains("#xref-")
        {
            cross.require(annotation, &what);
        }
        for a in &annotation_optionals {
            match a.judge(annotation) {
                Verdict::Pass => *implemented.entry(&a.path).or_default() += 1,
                Verdict::NotImplemented => {}
                Verdict::Fail(why) => panic!("{what}: {why}"),
            }
        }
    }
    let collections = export.readings.len();
    format!(
        "{} annotations and {collections} collections: {musts_checked} `must` checks passed \
         ({} annotation musts, {} collection musts each); optional features implemented: {implemented:#?}",
        annotations.len(),
        annotation_musts.len(),
        collection_musts.len()
    )
}

#[test]
fn the_example_export_meets_the_w3c_schemas() {
    let Some(suite) = Suite::load() else { return };
    let export = Export::of(&repo());
    let annotations = export.annotations();
    assert!(annotations.len() > 100, "{}", annotations.len());
    for motivation in ["identifying", "linking", "commenting"] {
        assert!(
            annotations
                .iter()
                .any(|(_, a)| a["motivation"] == motivation),
            "{motivation}"
        );
    }
    eprintln!("W3C schemas, the example: {}", validate(&suite, &export));
}

#[test]
fn a_site_with_a_base_url_exports_absolute_iris_under_it() {
    let dir = small_site();
    let export = Export::of(dir.path());
    let (collection, text) = &export.readings["reading"];
    assert_eq!(
        collection["id"],
        "https://example.org/site/reading/annotations.jsonld"
    );
    assert_eq!(collection["@context"], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(
        collection["first"]["id"],
        "https://example.org/site/reading/annotations.jsonld#page-1"
    );
    assert_eq!(collection["last"], collection["first"]["id"]);
    assert_eq!(collection["total"], items(collection).len());
    assert!(
        text.starts_with(
            "Título\n\nJosé María Aznar met — in 2001 — the leader.\n\nA quoted block"
        ),
        "{text:?}"
    );

    let ids: Vec<&str> = items(collection)
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    let fragments: Vec<&str> = ids
        .iter()
        .map(|id| id.rsplit('#').next().unwrap())
        .collect();
    assert_eq!(
        fragments,
        [
            "gloss-aznar-1",
            "source-account-1",
            "xref-again",
            "gloss-aznar-2",
            "note-item",
            "gloss-iran-1",
            "gloss-iran-2"
        ]
    );
    for annotation in items(collection) {
        for passage in passages(annotation) {
            assert_eq!(
                passage["source"],
                "https://example.org/site/reading/index.html"
            );
        }
        for body in annotation["body"].as_array().unwrap() {
            if body["type"] == "TextualBody" && body["purpose"] != "tagging" {
                assert_eq!(body["language"], "es");
            }
        }
    }
    let by_id = |fragment: &str| {
        items(collection)
            .iter()
            .find(|a| a["id"].as_str().unwrap().ends_with(fragment))
            .unwrap()
    };
    let gloss = by_id("#gloss-aznar-1");
    assert_eq!(gloss["motivation"], "identifying");
    assert_eq!(
        gloss["body"][0]["value"],
        "<p>A <em>Spanish</em> politician.</p>"
    );
    assert_eq!(gloss["body"][0]["format"], "text/html");
    assert_eq!(gloss["body"][0]["purpose"], "describing");
    assert_eq!(gloss["body"][1]["value"], "José María Aznar");
    assert_eq!(gloss["body"][1]["purpose"], "identifying");
    assert_eq!(gloss["body"][2]["value"], "born 1953");
    assert_eq!(
        gloss["body"][3],
        json!({"type": "TextualBody", "value": "person", "format": "text/plain", "purpose": "tagging"})
    );
    assert_eq!(
        gloss["body"][4]["id"],
        "https://example.org/site/glossary.html#g-aznar"
    );
    assert_eq!(gloss["creator"], json!({"name": "Tests"}));
    assert_eq!(
        gloss["target"]["selector"],
        json!([
            {"type": "TextQuoteSelector", "exact": "José María Aznar", "prefix": "Título\n\n", "suffix": " met — in 2001 — the leader.\n\nA "},
            {"type": "TextPositionSelector", "start": 8, "end": 24}
        ])
    );
    let source = by_id("#source-account-1");
    assert_eq!(source["motivation"], "linking");
    assert_eq!(
        source["body"][0]["value"],
        "<p>Account: José María Aznar. <a href=\"https://example.org/account\" rel=\"external noreferrer\">https://example.org/account</a></p>\n<p>His account.</p>"
    );
    assert_eq!(
        source["body"][1],
        json!({"id": "https://example.org/account"})
    );
    let xref = by_id("#xref-again");
    assert_eq!(xref["motivation"], "linking");
    assert_eq!(xref["body"][0]["purpose"], "commenting");
    assert_eq!(xref["body"][1]["type"], "SpecificResource");
    assert_eq!(xref["body"][1]["purpose"], "linking");
    assert_eq!(xref["body"][1]["selector"][0]["exact"], "José María");
    assert_eq!(xref["target"]["selector"][0]["exact"], "A quoted block");
    let note = by_id("#note-item");
    assert_eq!(note["motivation"], "commenting");
    assert_eq!(note["body"][0]["purpose"], "commenting");

    let Some(suite) = Suite::load() else { return };
    eprintln!("W3C schemas, a small site: {}", validate(&suite, &export));
}

#[test]
fn without_a_base_url_iris_are_urns_that_mirror_the_sites_paths() {
    let export = Export::of(&repo());
    for (slug, (collection, _)) in &export.readings {
        assert_eq!(
            collection["id"],
            format!("urn:scholia:{slug}/annotations.jsonld")
        );
        for annotation in items(collection) {
            assert!(
                annotation["id"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("urn:scholia:{slug}/annotations.jsonld#"))
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Positions and quotes agree with text.txt.

fn check_selectors(export: &Export) -> usize {
    let base_of = |source: &str| -> String {
        source
            .strip_suffix("/index.html")
            .and_then(|s| s.rsplit(['/', ':']).next())
            .unwrap_or_else(|| panic!("a reading's page: {source}"))
            .to_owned()
    };
    let mut checked = 0;
    for (_, annotation) in export.annotations() {
        for passage in passages(&annotation) {
            let slug = base_of(passage["source"].as_str().unwrap());
            let (_, text) = &export.readings[&slug];
            let chars: Vec<char> = text.chars().collect();
            let selectors = passage["selector"].as_array().unwrap();
            let quote = selectors
                .iter()
                .find(|s| s["type"] == "TextQuoteSelector")
                .unwrap();
            let position = selectors
                .iter()
                .find(|s| s["type"] == "TextPositionSelector")
                .unwrap();
            let start = position["start"].as_u64().unwrap() as usize;
            let end = position["end"].as_u64().unwrap() as usize;
            let what = format!("{} in {slug}", annotation["id"]);
            assert!(start < end && end <= chars.len(), "{what}: {start}..{end}");
            let slice = |r: std::ops::Range<usize>| chars[r].iter().collect::<String>();
            assert_eq!(quote["exact"], slice(start..end), "{what}");
            // 32 code points either side, and no more than 32 UTF-16 units.
            let mut from = start.saturating_sub(32);
            while slice(from..start).encode_utf16().count() > 32 {
                from += 1;
            }
            let mut to = (end + 32).min(chars.len());
            while slice(end..to).encode_utf16().count() > 32 {
                to -= 1;
            }
            let prefix = slice(from..start);
            let suffix = slice(end..to);
            assert_eq!(quote["prefix"].as_str().unwrap_or(""), prefix, "{what}");
            assert_eq!(quote["suffix"].as_str().unwrap_or(""), suffix, "{what}");
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_position_selector_picks_out_its_quote_in_text_txt() {
    let example = check_selectors(&Export::of(&repo()));
    let dir = small_site();
    let small = check_selectors(&Export::of(dir.path()));
    let blocks = check_selectors(&Export::of(blocks_site().path()));
    assert!(
        example > 100 && small >= 8 && blocks >= 15,
        "{example} {small} {blocks}"
    );
}

// ---------------------------------------------------------------------------------------
// The page's text, as a DOM client reads it: the selectors anchor there too.

/// The text of a page's `<div class="text">` as a DOM client reads it: every text node
/// in it, in document order (`textContent`; what a W3C matcher searches).
fn dom_text(page: &str) -> String {
    let page = scraper::Html::parse_document(page);
    let selector = scraper::Selector::parse("div.text").unwrap();
    let text = page.select(&selector).next().expect("the text container");
    text.text().collect()
}

/// Where each block of text.txt is in the DOM text: (its start in text.txt, its start in
/// the DOM text), in code points. The blocks must follow each other in the DOM text with
/// only whitespace around them: the page's own whitespace between blocks, where text.txt
/// has a blank line.
fn align(plain: &str, dom: &str) -> Result<Vec<(usize, usize)>, String> {
    let mut blocks = Vec::new();
    let (mut at, mut at_cp, mut plain_cp) = (0, 0, 0);
    for block in plain.split("\n\n") {
        if !block.is_empty() {
            let Some(found) = dom[at..].find(block) else {
                return Err(format!("{block:?} is not next in {:?}", &dom[at..]));
            };
            let gap = &dom[at..at + found];
            if !gap.chars().all(char::is_whitespace) {
                return Err(format!("{gap:?} stands before {block:?}"));
            }
            at_cp += gap.chars().count();
            blocks.push((plain_cp, at_cp));
            at += found + block.len();
            at_cp += block.chars().count();
        }
        plain_cp += block.chars().count() + 2;
    }
    let rest = &dom[at..];
    if !rest.chars().all(char::is_whitespace) {
        return Err(format!("{rest:?} after the last block"));
    }
    Ok(blocks)
}

/// Checks each passage of every annotation against the page's DOM text: its quote, with
/// its prefix and suffix, occurs there exactly once, and at the place in that text of the
/// words its position selector gives in text.txt. Returns how many were checked.
fn check_in_page(export: &Export) -> usize {
    let mut checked = 0;
    for (slug, (collection, plain)) in &export.readings {
        let dom = dom_text(&export.pages[slug]);
        let blocks = align(plain, &dom).unwrap_or_else(|e| panic!("{slug}: {e}"));
        let dom_chars: Vec<char> = dom.chars().collect();
        let page = format!("{slug}/index.html");
        for annotation in items(collection) {
            for passage in passages(annotation) {
                if !passage["source"].as_str().unwrap().ends_with(&page) {
                    continue;
                }
                let selectors = passage["selector"].as_array().unwrap();
                let quote = &selectors[0];
                let part = |key: &str| quote[key].as_str().unwrap_or("").to_owned();
                let (prefix, exact, suffix) = (part("prefix"), part("exact"), part("suffix"));
                let whole: Vec<char> = format!("{prefix}{exact}{suffix}").chars().collect();
                let found: Vec<usize> = (0..=dom_chars.len().saturating_sub(whole.len()))
                    .filter(|&i| dom_chars[i..i + whole.len()] == whole[..])
                    .collect();
                let what = format!(
                    "{} in {slug}: {prefix:?} {exact:?} {suffix:?}",
                    annotation["id"]
                );
                assert_eq!(found.len(), 1, "{what} occurs {} times", found.len());
                let start = selectors[1]["start"].as_u64().unwrap() as usize;
                let (plain_at, dom_at) = blocks[blocks.partition_point(|b| b.0 <= start) - 1];
                assert_eq!(
                    found[0] + prefix.chars().count(),
                    dom_at + start - plain_at,
                    "{what} is found elsewhere than its words"
                );
                checked += 1;
            }
        }
    }
    checked
}

/// A reading with every kind of block and inline element, and a mark beside each.
fn blocks_site() -> tempfile::TempDir {
    common::site(
        "# A heading about Rome\n\n\
         Rome ruled the sea,\nline broken softly;  \nand hard. A footnote here.[^one]\n\n\
         > A quoted Rome, *emphasised*, with `code` and <kbd>keys</kbd>.\n\n\
         - An item on Rome\n  - nested Rome\n- [a link to Rome](https://example.org)\n\n\
         | Rome | Carthage |\n| --- | --- |\n| ruled | fell |\n\n\
         ```\nRome in code\n\nand a blank line\n```\n\n\
         Greek: Ῥώμη, and 𝄞 music before Rome. Rome again; Rome.\n\n\
         [^one]: The footnote, about Rome.\n",
        "glosses:\n  rome:\n    term: Rome\n    kind: place\n    text: A city.\n    mark: all\n\
         notes:\n  sea:\n    at: ruled the sea\n    text: By sea.\n  hard:\n    at: softly; and hard\n    text: Breaks.\n  greek:\n    at: Ῥώμη\n    text: Greek.\n  music:\n    at: music before Rome\n    text: Astral.\n\
         crossrefs:\n  again:\n    from: Rome again\n    to: A quoted Rome\n    note: See.\n\
         pullquotes:\n  pull:\n    quote: Rome ruled the sea\n    after: Rome ruled\n",
    )
}

#[test]
fn the_text_a_dom_client_reads_in_the_page_is_text_txt() {
    for export in [Export::of(&repo()), Export::of(blocks_site().path())] {
        for (slug, (_, plain)) in &export.readings {
            let dom = dom_text(&export.pages[slug]);
            assert!(
                dom == *plain,
                "{slug}: the page reads\n{dom:?}\ntext.txt\n{plain:?}"
            );
        }
    }
}

#[test]
fn every_exported_quote_occurs_once_in_the_pages_text_on_its_words() {
    let example = check_in_page(&Export::of(&repo()));
    assert!(example > 100, "{example}");
    let blocks = check_in_page(&Export::of(blocks_site().path()));
    let small = check_in_page(&Export::of(small_site().path()));
    assert!(blocks >= 15 && small >= 8, "{blocks} {small}");
}

#[test]
fn the_plain_text_is_the_reading_text_with_blank_lines_between_blocks() {
    let dir = common::site("One *two*\nthree.\n\n## Four\n\n1. five\n2. six\n", "");
    let export = Export::of(dir.path());
    assert_eq!(
        export.readings["reading"].1,
        "One two three.\n\nFour\n\nfive\n\nsix"
    );
    assert_eq!(export.readings["reading"].0["total"], 0);
    assert!(export.readings["reading"].0.get("first").is_none());
}

#[test]
fn the_export_is_the_same_on_every_build() {
    let export = |root: &Path| -> Vec<(String, Vec<u8>)> {
        let (files, _) = scholia::render_site(root).unwrap_or_else(|f| panic!("{}", describe(&f)));
        files
            .into_iter()
            .filter(|f| f.path.ends_with(".jsonld") || f.path.ends_with("/text.txt"))
            .map(|f| (f.path, f.contents))
            .collect()
    };
    let first = export(&repo());
    assert_eq!(first.len(), 2, "one collection and one text per reading");
    assert!(first == export(&repo()));
}

#[test]
fn a_cross_reference_to_another_reading_is_in_both_collections() {
    let dir = common::site(
        "The first reading ends here.\n",
        "crossrefs:\n  onward:\n    from: ends here\n    to:\n      quote: begins — again\n      reading: second\n    note: It goes on.\n",
    );
    let second = dir.path().join("content/second");
    fs::create_dir_all(&second).unwrap();
    fs::write(
        second.join("index.md"),
        "---\ntitle: The second\n---\n\nIntro.\n\nThe second reading begins — again.\n",
    )
    .unwrap();
    let export = Export::of(dir.path());
    let (first, _) = &export.readings["reading"];
    let (second, second_text) = &export.readings["second"];
    assert_eq!(items(first).len(), 1);
    assert_eq!(
        items(second),
        items(first),
        "the same annotation, listed in both"
    );
    let xref = &items(first)[0];
    assert_eq!(
        xref["id"],
        "urn:scholia:reading/annotations.jsonld#xref-onward"
    );
    assert_eq!(xref["target"]["source"], "urn:scholia:reading/index.html");
    let to = &xref["body"][1];
    assert_eq!(to["source"], "urn:scholia:second/index.html");
    assert_eq!(to["selector"][0]["exact"], "begins — again");
    let start = second_text.find("begins").unwrap();
    assert_eq!(
        to["selector"][1]["start"],
        second_text[..start].chars().count()
    );
    // Both ends of the one annotation, once in each collection.
    assert_eq!(check_selectors(&export), 4);
    if let Some(suite) = Suite::load() {
        validate(&suite, &export);
    }
}
