//! The editing loop's rebuild ([`scholia::incremental`]) equals a full build: on generated
//! sites and on the example, a sequence of edits (a reading's text, a gloss added, renamed
//! and removed, a quote broken and mended, a reading added and deleted, a file beside a
//! reading, the shared glossary and sources, site.yaml, a template) is applied one at a
//! time, and after each the incremental site is compared with a fresh full build, file by
//! file and byte for byte, deleted files included. A failed rebuild must fail as the full
//! build does and keep the last good site. On the generated sites, the edits are also
//! held to redoing only what they touch: which readings were parsed, indexed, anchored
//! and searched for glosses again, and whether the shared glossary was compiled again
//! (so that what is kept is both used and, by the comparison, right).

#[path = "../benches/corpus/mod.rs"]
mod corpus;

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use scholia::diagnostics::render_all;
use scholia::incremental::{Incremental, Redone};
use scholia::resolve;
use scholia::{Failure, Options};

type Files = BTreeMap<String, Vec<u8>>;

/// A fresh full build and its warnings as text, or its diagnostics as text.
fn full_build(root: &Path) -> Result<(Files, String), String> {
    match scholia::render_site_with(root, Options::default()) {
        Ok((files, report)) => Ok((
            files.into_iter().map(|f| (f.path, f.contents)).collect(),
            render_all(&report.warnings, false),
        )),
        Err(failure) => Err(describe(&failure)),
    }
}

fn describe(failure: &Failure) -> String {
    common::describe(failure)
}

/// Whether a step is meant to build or to fail: a test that only ever compared two
/// failures would prove little.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Expect {
    Builds,
    Fails,
}

/// The files of a site but its search index's.
fn without_search(files: &Files) -> Files {
    files
        .iter()
        .filter(|(path, _)| !path.starts_with("search/"))
        .map(|(path, bytes)| (path.clone(), bytes.clone()))
        .collect()
}

/// One site under edit, with its incremental state and the last good full build.
struct Session {
    root: PathBuf,
    incremental: Incremental,
    last_good: Files,
    /// What the last good rebuild loaded and resolved again.
    redone: Redone,
}

impl Session {
    fn start(root: &Path) -> Session {
        let mut session = Session {
            root: root.to_path_buf(),
            incremental: Incremental::new(root, Options::default()),
            last_good: Files::new(),
            redone: Redone::default(),
        };
        session.step("the first build", Expect::Builds, |_| {});
        session
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).unwrap()
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// Replaces the first `from` in a file with `to`; the edit must find its place.
    fn replace(&self, relative: &str, from: &str, to: &str) {
        let text = self.read(relative);
        assert!(text.contains(from), "{relative} holds {from:?}");
        self.write(relative, &text.replacen(from, to, 1));
    }

    /// Applies `edit`, rebuilds incrementally, and compares with a fresh full build.
    /// Returns how many pages the rebuild made again, if it built.
    fn step(&mut self, what: &str, expect: Expect, edit: impl FnOnce(&Session)) -> Option<usize> {
        edit(self);
        let full = full_build(&self.root);
        // What serve shows: the pages as soon as they are handed over, then the rest.
        let mut served = self.last_good.clone();
        let mut handed = false;
        let incremental = self.incremental.rebuild_in_steps(&mut |pages| {
            for path in pages.removed {
                served.remove(path);
            }
            for (path, bytes) in pages.changed {
                served.insert(path.to_owned(), bytes.to_vec());
            }
            handed = true;
            let Ok((full, _)) = &full else {
                panic!("{what}: pages handed over, but the full build failed")
            };
            assert_same(
                &format!("{what} (the pages, handed over before the search index)"),
                &without_search(full),
                &without_search(&served),
            );
        });
        match (full, incremental) {
            (Ok((full, warnings)), Ok(rebuilt)) => {
                assert_eq!(
                    expect,
                    Expect::Builds,
                    "{what}: built, but should have failed"
                );
                // Warnings kept from an earlier build point where a full build's do.
                assert_eq!(
                    render_all(&rebuilt.report.warnings, false),
                    warnings,
                    "{what}: the same warnings"
                );
                let got: Files = self
                    .incremental
                    .files()
                    .iter()
                    .map(|(p, b)| (p.clone(), b.to_vec()))
                    .collect();
                assert_same(what, &full, &got);
                // serve puts in the rest of the changes once the rebuild returns.
                assert!(handed, "{what}: the pages were handed over first");
                if rebuilt.fresh {
                    served.clear();
                }
                for path in &rebuilt.removed {
                    served.remove(path);
                }
                for path in &rebuilt.changed {
                    served.insert(path.clone(), got[path].clone());
                }
                assert_same(&format!("{what} (as served)"), &full, &served);
                // What the rebuild says changed is what changed: serve replaces only those.
                let mut changed: Vec<&String> = full
                    .iter()
                    .filter(|(p, b)| self.last_good.get(*p) != Some(*b))
                    .map(|(p, _)| p)
                    .collect();
                let mut said: Vec<&String> = rebuilt.changed.iter().collect();
                changed.sort();
                said.sort();
                if !rebuilt.fresh {
                    assert_eq!(said, changed, "{what}: the files said to have changed");
                    let removed: Vec<&String> = self
                        .last_good
                        .keys()
                        .filter(|p| !full.contains_key(*p))
                        .collect();
                    let said: Vec<&String> = rebuilt.removed.iter().collect();
                    assert_eq!(said, removed, "{what}: the files said to be gone");
                }
                self.last_good = full;
                self.redone = rebuilt.redone;
                Some(rebuilt.remade)
            }
            (Err(full), Err(failure)) => {
                assert_eq!(expect, Expect::Fails, "{what}: failed:\n{full}");
                assert_eq!(describe(&failure), full, "{what}: the same diagnostics");
                let kept: Files = self
                    .incremental
                    .files()
                    .iter()
                    .map(|(p, b)| (p.clone(), b.to_vec()))
                    .collect();
                assert_same(
                    &format!("{what} (the last good site)"),
                    &self.last_good,
                    &kept,
                );
                None
            }
            (Ok(_), Err(failure)) => panic!(
                "{what}: the full build succeeded, the incremental one failed:\n{}",
                describe(&failure)
            ),
            (Err(full), Ok(_)) => {
                panic!("{what}: the full build failed, the incremental one succeeded:\n{full}")
            }
        }
    }
}

/// The two sites hold the same paths with the same bytes; a failure names the files.
fn assert_same(what: &str, expected: &Files, got: &Files) {
    let missing: Vec<&String> = expected.keys().filter(|p| !got.contains_key(*p)).collect();
    let extra: Vec<&String> = got.keys().filter(|p| !expected.contains_key(*p)).collect();
    let differ: Vec<&String> = expected
        .iter()
        .filter(|(p, b)| got.get(*p).is_some_and(|g| g != *b))
        .map(|(p, _)| p)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && differ.is_empty(),
        "{what}: the incremental site differs from a full build\n  missing: {missing:?}\n  \
         left over: {extra:?}\n  other bytes: {differ:?}"
    );
}

fn generated(readings: usize, glosses: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    corpus::write(&corpus::Params::new(readings, glosses), &root).unwrap();
    (dir, root)
}

/// The first term of the shared glossary, as written (with its quotes).
fn first_shared_term(session: &Session) -> String {
    let glossary = session.read("content/glossary.yaml");
    let line = glossary
        .lines()
        .find(|l| l.trim_start().starts_with("term: "))
        .unwrap();
    line.trim_start()["term: ".len()..].to_owned()
}

/// What a rebuild should have done again: readings whose files were parsed, whose text
/// was parsed, indexed, anchored in and searched for glosses; the shared glossary compiled;
/// readings whose words were read again for the search index.
fn redone(
    loaded: usize,
    (parsed, indexed, anchored, searched): (usize, usize, usize, usize),
    glossary: bool,
    words: usize,
) -> Redone {
    Redone {
        loaded,
        words,
        resolve: resolve::Redone {
            parsed,
            indexed,
            anchored,
            searched,
            glossary,
        },
    }
}

/// Every kind of edit, in turn, on a generated site of `readings` readings.
fn edit_a_generated_site(readings: usize, glosses: usize) {
    use Expect::{Builds, Fails};
    let (_dir, root) = generated(readings, glosses);
    let mut s = Session::start(&root);
    let one = format!("content/{}", corpus::slug(1));
    let two = format!("content/{}", corpus::slug(2));
    let text = format!("{one}/index.md");
    let notes = format!("{one}/annotations.yaml");

    let remade = s.step("a reading's text changes", Builds, |s| {
        let old = s.read(&text);
        s.write(
            &text,
            &format!("{old}\nA closing paragraph, added while editing.\n"),
        );
    });
    // That reading alone is parsed, indexed, anchored and searched again.
    assert_eq!(
        s.redone,
        redone(1, (1, 1, 1, 1), false, 1),
        "a reading's text"
    );
    // Only the pages that show the reading are made again: it, its neighbours by
    // cross-reference, the entries it mentions or cites, the indexes.
    // (On a site of a few readings, that is most of it.)
    // The search index is made whole at each build (its shards hold every reading's
    // words), so its files are left out of the count.
    let search = s
        .last_good
        .keys()
        .filter(|p| p.starts_with("search/"))
        .count();
    let remade = remade.unwrap() - search;
    let pages = s.last_good.len() - search;
    assert!(
        readings < 12 || remade * 2 < pages,
        "{remade} of {pages} files (the search index's aside) made again for an edit to one reading"
    );
    s.step("a gloss is added to a reading", Builds, |s| {
        s.replace(
            &notes,
            "glosses:\n",
            "glosses:\n  added-term:\n    term: closing paragraph\n    kind: concept\n    text: |\n      A term added while editing.\n",
        );
    });
    // Its passages are the same: only its glosses are looked for again.
    assert_eq!(s.redone, redone(1, (0, 1, 0, 1), false, 0), "a gloss added");
    s.step("the gloss is renamed", Builds, |s| {
        s.replace(&notes, "  added-term:\n", "  renamed-term:\n");
    });
    s.step("the gloss is removed", Builds, |s| {
        s.replace(
            &notes,
            "  renamed-term:\n    term: closing paragraph\n    kind: concept\n    text: |\n      A term added while editing.\n",
            "",
        );
    });
    let good = s.read(&format!("{two}/annotations.yaml"));
    s.step("a quote is broken", Fails, |s| {
        s.replace(
            &format!("{two}/annotations.yaml"),
            "at: \"",
            "at: \"words nowhere in the text ",
        );
    });
    s.step("the quote is mended", Builds, |s| {
        s.write(&format!("{two}/annotations.yaml"), &good);
    });
    // The broken build kept what it had parsed; the mended file's reading alone is
    // anchored and searched again.
    assert_eq!(
        s.redone,
        redone(1, (0, 1, 1, 1), false, 0),
        "a quote mended"
    );
    let term = first_shared_term(&s);
    s.step("a reading is added", Builds, |s| {
        s.write(
            "content/an-added-reading/index.md",
            &format!(
                "---\ntitle: An added reading\n---\n\nIt speaks of {} and of little else.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
                term.trim_matches('"')
            ),
        );
    });
    s.step("a file is put beside a reading", Builds, |s| {
        s.write(
            "content/an-added-reading/figure.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        );
    });
    s.step("the reading is deleted", Builds, |s| {
        fs::remove_dir_all(s.path("content/an-added-reading")).unwrap();
    });
    s.step("a reading is retitled", Builds, |s| {
        s.replace(&text, "title: \"", "title: \"Retitled ");
    });
    s.step("a name no gloss covers is written", Builds, |s| {
        let old = s.read(&text);
        s.write(&text, &format!("{old}\nThey wrote to Ozymandias of it.\n"));
    });
    assert!(
        !render_all(&s.incremental.rebuild().unwrap().report.warnings, false).is_empty(),
        "a warning to follow"
    );
    s.step("a reading's front matter grows by a line", Builds, |s| {
        // Every place in the text is a line further down: so are the warnings' places.
        s.replace(&text, "title: \"", "# A line more.\ntitle: \"");
    });
    s.step("a shared gloss's text changes", Builds, |s| {
        s.replace(
            "content/glossary.yaml",
            "    text: |\n      ",
            "    text: |\n      Edited in the shared glossary. ",
        );
    });
    // A gloss's text is in no reading: nothing is found again, the automaton stays.
    assert_eq!(
        s.redone,
        redone(0, (0, 0, 0, 0), false, 0),
        "a shared gloss's text"
    );
    s.step("a shared gloss is added", Builds, |s| {
        let glossary = s.read("content/glossary.yaml");
        s.write(
            "content/glossary.yaml",
            &format!(
                "{glossary}  shared-added:\n    term: closing paragraph\n    kind: concept\n    text: |\n      Added to the shared glossary.\n"
            ),
        );
    });
    s.step("a shared gloss's forms change", Builds, |s| {
        s.replace(
            "content/glossary.yaml",
            "    term: closing paragraph\n",
            "    term: closing paragraph\n    match:\n      - closing paragraph\n      - while editing\n",
        );
    });
    // New forms: every reading is searched again with a new automaton, and none anchored.
    assert_eq!(
        s.redone,
        redone(0, (0, readings, 0, readings), true, 0),
        "a shared gloss's forms"
    );
    s.step("the added gloss refers to another with see", Builds, |s| {
        // The other's page lists it among the entries that refer to it: a page whose own
        // entry did not change.
        let glossary = s.read("content/glossary.yaml");
        let other = glossary
            .lines()
            .find_map(|l| {
                l.strip_prefix("  ")?
                    .strip_suffix(':')
                    .filter(|id| !id.starts_with(' '))
            })
            .unwrap()
            .to_owned();
        s.replace(
            "content/glossary.yaml",
            "    text: |\n      Added to the shared glossary.\n",
            &format!("    see: [{other}]\n    text: |\n      Added to the shared glossary.\n"),
        );
    });
    s.step("the added gloss gains its original", Builds, |s| {
        s.replace(
            "content/glossary.yaml",
            "    term: closing paragraph\n",
            "    term: closing paragraph\n    original: {text: بند پایانی, lang: fa}\n",
        );
    });
    s.step("the shared gloss is removed", Builds, |s| {
        let glossary = s.read("content/glossary.yaml");
        let at = glossary.find("  shared-added:\n").unwrap();
        s.write("content/glossary.yaml", &glossary[..at]);
    });
    s.step("a shared source changes", Builds, |s| {
        s.replace(
            "content/sources.yaml",
            "title: \"A history in 2 parts\"",
            "title: \"A history retold\"",
        );
    });
    s.step("a shared file is broken", Fails, |s| {
        s.replace("content/sources.yaml", "sources:\n", "sources: [\n");
    });
    s.step("the shared file is mended", Builds, |s| {
        s.replace("content/sources.yaml", "sources: [\n", "sources:\n");
    });
    s.step("site.yaml changes", Builds, |s| {
        s.replace("site.yaml", "title: ", "title: Retitled ");
    });
    assert_eq!(s.redone, redone(0, (0, 0, 0, 0), false, 0), "site.yaml");
    s.step("a template is overridden", Builds, |s| {
        let theme = common::repo().join("templates");
        for entry in fs::read_dir(&theme).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            let text = fs::read_to_string(entry.path()).unwrap();
            s.write(&format!("templates/{name}"), &text);
        }
        let mut names: Vec<String> = fs::read_dir(s.path("templates"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        let name = names.iter().find(|n| n.ends_with(".css")).unwrap().clone();
        let css = s.read(&format!("templates/{name}"));
        s.write(
            &format!("templates/{name}"),
            &format!("{css}\n.edited {{ color: red; }}\n"),
        );
    });
    s.step("a reading's own file is deleted", Builds, |s| {
        // Its cross-reference goes, and the source it defined; nothing else used them.
        fs::remove_file(s.path(&notes)).unwrap();
    });
}

#[test]
fn rebuilding_a_small_generated_site_after_each_edit_equals_a_full_build() {
    edit_a_generated_site(3, 30);
}

#[test]
fn rebuilding_a_larger_generated_site_after_each_edit_equals_a_full_build() {
    edit_a_generated_site(12, 120);
}

#[test]
fn rebuilding_the_example_after_each_edit_equals_a_full_build() {
    use Expect::{Builds, Fails};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = common::repo();
    fs::copy(repo.join("site.yaml"), root.join("site.yaml")).unwrap();
    common::copy_tree(&repo.join("content"), &root.join("content"));
    common::copy_tree(&repo.join("templates"), &root.join("templates"));
    let reading = "content/khamenei-and-the-prospect-of-war";
    let text = format!("{reading}/index.md");
    let notes = format!("{reading}/annotations.yaml");

    let mut s = Session::start(root);
    s.step("the text changes", Builds, |s| {
        let old = s.read(&text);
        s.write(
            &text,
            &format!("{old}\nA closing paragraph about Khamenei, added while editing.\n"),
        );
    });
    s.step("a gloss's text changes", Builds, |s| {
        s.replace(&notes, "text: |\n", "text: |\n      Edited.\n");
    });
    s.step("a gloss is renamed", Builds, |s| {
        let old = s.read(&notes);
        s.write(
            &notes,
            &old.replace("  aznar:\n", "  jose-maria-aznar:\n")
                .replace("[aznar]", "[jose-maria-aznar]")
                .replace(" aznar,", " jose-maria-aznar,")
                .replace(", aznar]", ", jose-maria-aznar]"),
        );
    });
    let good = s.read(&notes);
    s.step("a quote is broken", Fails, |s| {
        s.replace(&notes, "quote: ", "quote: words nowhere in the text ");
    });
    s.step("the quote is mended", Builds, |s| s.write(&notes, &good));
    s.step("a shared glossary is added", Builds, |s| {
        s.write(
            "content/glossary.yaml",
            "glosses:\n  closing:\n    term: closing paragraph\n    kind: concept\n    text: |\n      A shared entry.\n",
        );
    });
    s.step("the shared glossary is removed", Builds, |s| {
        fs::remove_file(s.path("content/glossary.yaml")).unwrap();
    });
}
