//! Loading the files of a site as editors leave them: byte-order marks, other encodings,
//! control characters, symbolic links, files beside a reading, odd folder names.
//! Cases that a committed fixture cannot hold (links made at run time) are here; the
//! others are fixture sites under tests/fixtures/invalid/ and tests/fixtures/warnings/.

mod common;

use std::fs;
use std::path::Path;

use scholia::Failure;
use scholia::diagnostics::Diagnostic;

/// A site with one reading, `content/reading/`, whose text is `markdown`.
fn site(markdown: &str) -> tempfile::TempDir {
    common::site(markdown, "unglossed: [Rome, Carthage]\n")
}

fn errors(root: &Path) -> Vec<Diagnostic> {
    match scholia::render_site(root) {
        Ok(_) => panic!("the site built"),
        Err(Failure::Input(list)) => list,
        Err(Failure::Internal(m)) => panic!("internal: {m}"),
    }
}

fn built(root: &Path) -> Vec<scholia::render::OutputFile> {
    scholia::render_site(root)
        .unwrap_or_else(|f| panic!("{}", common::describe(&f)))
        .0
}

fn file<'a>(files: &'a [scholia::render::OutputFile], path: &str) -> &'a [u8] {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path} among {:?}", paths(files)))
        .contents
}

fn paths(files: &[scholia::render::OutputFile]) -> Vec<&str> {
    files.iter().map(|f| f.path.as_str()).collect()
}

/// The one diagnostic with `code`, rendered.
fn only(list: &[Diagnostic], code: &str) -> String {
    let found: Vec<&Diagnostic> = list.iter().filter(|d| d.code == code).collect();
    assert_eq!(
        found.len(),
        1,
        "{}",
        scholia::diagnostics::render_all(list, false)
    );
    found[0].render()
}

const BOM: &str = "\u{FEFF}";

#[test]
fn a_leading_bom_is_accepted_in_every_file_the_site_reads() {
    let dir = site("The peace between Rome and Carthage did not last.\n");
    let root = dir.path();
    let prepend = |path: &str| {
        let text = fs::read_to_string(root.join(path)).unwrap();
        fs::write(root.join(path), format!("{BOM}{text}")).unwrap();
    };
    fs::write(
        root.join("content/reading/annotations.yaml"),
        "unglossed: [Rome]\nnotes:\n  n1:\n    at: did not last\n    text: A note on the peace.\n",
    )
    .unwrap();
    fs::write(
        root.join("content/glossary.yaml"),
        "glosses:\n  carthage:\n    term: Carthage\n    kind: place\n    text: A city in Africa.\n",
    )
    .unwrap();
    fs::create_dir(root.join("templates")).unwrap();
    fs::copy(
        common::repo().join("templates/base.html"),
        root.join("templates/base.html"),
    )
    .unwrap();
    for path in [
        "site.yaml",
        "content/reading/index.md",
        "content/reading/annotations.yaml",
        "content/glossary.yaml",
        "templates/base.html",
    ] {
        prepend(path);
    }
    let files = built(root);
    let page = String::from_utf8(file(&files, "reading/index.html").to_vec()).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..40]);
    assert!(
        page.contains("A reading"),
        "the title from the front matter"
    );
    assert!(
        page.contains("A note on the peace."),
        "the annotations were read"
    );
    assert!(
        page.contains("A city in Africa."),
        "the shared glossary was read"
    );
    for f in &files {
        let text = String::from_utf8_lossy(&f.contents);
        assert!(!text.contains(BOM), "{} holds a byte-order mark", f.path);
    }
}

#[test]
fn an_error_in_a_file_with_a_bom_points_at_the_right_column() {
    let dir = site("Text.\n");
    fs::write(
        dir.path().join("site.yaml"),
        format!("{BOM}titel: Test\ndescription: A test.\nlanguage: en\neditor: Tests\n"),
    )
    .unwrap();
    let list = errors(dir.path());
    let location = list[0].location.as_ref().expect("a place");
    assert_eq!(location.to_string(), "site.yaml:1:1");
}

#[test]
fn invalid_utf8_is_reported_with_file_line_and_column_in_every_file() {
    for (path, bytes) in [
        ("site.yaml", &b"title: Test\ndescription: A t\xE9st.\n"[..]),
        (
            "content/reading/index.md",
            b"---\ntitle: A\n---\n\nOne\ntw\xF0o\n",
        ),
        (
            "content/reading/annotations.yaml",
            b"unglossed: [R\xFFome]\n",
        ),
        (
            "content/sources.yaml",
            b"sources:\n  a:\n    title: \xC3(\n",
        ),
        ("templates/style.css", b"body {}\n\n  \x80\n"),
    ] {
        let dir = site("Text.\n");
        let full = dir.path().join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(&full, bytes).unwrap();
        let list = errors(dir.path());
        let shown = only(&list, "E0500");
        let offset = bytes.utf8_chunks().next().unwrap().valid().len();
        let before = &bytes[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = offset
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1)
            + 1;
        assert!(
            shown.contains(&format!("--> {path}:{line}:{column}")),
            "{path}: {shown}"
        );
    }
}

#[test]
fn a_control_character_is_an_error_in_every_file_and_never_reaches_a_page() {
    for (path, text, place) in [
        (
            "content/reading/index.md",
            "---\ntitle: A\n---\n\nTe\u{0}xt.\n",
            "5:3",
        ),
        (
            "content/reading/index.md",
            "---\ntitle: A\u{7}\n---\n\nText.\n",
            "2:9",
        ),
        ("content/glossary.yaml", "glosses: {}\n\u{7f}\n", "2:1"),
        ("templates/base.html", "<p>\u{9b}</p>", "1:4"),
    ] {
        let dir = site("Text.\n");
        let full = dir.path().join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(&full, text).unwrap();
        let shown = only(&errors(dir.path()), "E0501");
        assert!(shown.contains(&format!("--> {path}:{place}")), "{shown}");
    }
}

#[test]
fn files_beside_a_reading_are_copied_next_to_its_page() {
    let dir = site(
        "Rome and Carthage.\n\n![A map](map.png) ![Detail](img/detail%20one.png)\n\n[The treaty](treaty.pdf), [home](../index.html), [itself](./), [a paragraph](#p-1).\n",
    );
    let reading = dir.path().join("content/reading");
    let png = [0x89, b'P', b'N', b'G', 0, 0xFF, 1];
    fs::write(reading.join("map.png"), png).unwrap();
    fs::write(reading.join("treaty.pdf"), b"%PDF-1.4\n").unwrap();
    fs::create_dir(reading.join("img")).unwrap();
    fs::write(reading.join("img/detail one.png"), b"detail").unwrap();
    let files = built(dir.path());
    assert_eq!(file(&files, "reading/map.png"), png);
    assert_eq!(file(&files, "reading/treaty.pdf"), b"%PDF-1.4\n");
    assert_eq!(file(&files, "reading/img/detail one.png"), b"detail");
    let all = paths(&files);
    assert!(!all.contains(&"reading/index.md"), "{all:?}");
    assert!(!all.contains(&"reading/annotations.yaml"), "{all:?}");
    let page = String::from_utf8(file(&files, "reading/index.html").to_vec()).unwrap();
    assert!(page.contains("src=\"map.png\""), "{page}");
}

#[test]
fn editor_litter_beside_a_reading_is_not_published() {
    let dir = site("Rome and Carthage.\n");
    let reading = dir.path().join("content/reading");
    for name in [".DS_Store", "index.md~", "#index.md#", ".index.md.swp"] {
        fs::write(reading.join(name), b"x").unwrap();
    }
    let (files, report) = scholia::render_site(dir.path()).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(
        paths(&files).iter().all(|p| !p.starts_with("reading/")
            || !p.contains('~') && !p.contains("/.") && !p.contains('#')),
        "{:?}",
        paths(&files)
    );
}

#[test]
fn a_link_to_a_missing_file_beside_the_reading_is_an_error_at_its_place() {
    let dir = site("Rome and Carthage.\n\nSee ![the map](map.png).\n");
    let shown = only(&errors(dir.path()), "E0504");
    assert!(
        shown.contains("--> content/reading/index.md:7:16"),
        "{shown}"
    );
    // A reference-style image is checked where it is used.
    let dir = site("Rome and Carthage.\n\n![the map][m]\n\n[m]: maps/a.png\n");
    let shown = only(&errors(dir.path()), "E0504");
    assert!(
        shown.contains("--> content/reading/index.md:7:1"),
        "{shown}"
    );
}

/// tests/fixtures/valid/readings-named-like-site-pages: readings called `glossary`,
/// `sources` and `index`, beside the site's own glossary.
#[test]
fn readings_named_like_the_sites_own_pages_keep_their_own_addresses() {
    let files = built(&common::fixture("valid/readings-named-like-site-pages"));
    let all = paths(&files);
    for path in [
        "index.html",
        "glossary.html",
        "sources.html",
        "glossary/index.html",
        "sources/index.html",
        "index/index.html",
    ] {
        assert_eq!(
            all.iter().filter(|p| **p == path).count(),
            1,
            "{path} in {all:?}"
        );
    }
    let home = String::from_utf8(file(&files, "index.html").to_vec()).unwrap();
    assert!(home.contains("href=\"glossary/index.html\""), "{home}");
    assert!(home.contains("href=\"glossary.html\""), "{home}");
    let glossary = String::from_utf8(file(&files, "glossary.html").to_vec()).unwrap();
    assert!(
        glossary.contains("Words."),
        "the site's glossary page is the glossary"
    );
    let reading = String::from_utf8(file(&files, "sources/index.html").to_vec()).unwrap();
    assert!(reading.contains("href=\"../glossary/\""), "{reading}");
    assert!(reading.contains("href=\"../glossary.html\""), "{reading}");
}

#[test]
fn slugs_are_lowercase_letters_digits_and_inner_hyphens_up_to_100() {
    use scholia::content::is_valid_slug;
    for good in [
        "a",
        "glossary",
        "sources",
        "2024-letters",
        "a-b-c",
        &"a".repeat(100),
    ] {
        assert!(is_valid_slug(good), "{good}");
    }
    for bad in [
        "",
        "index.html",
        "my reading",
        "part#2",
        "100%",
        "-draft",
        "Rome",
        "café",
        "a/b",
        "a?b",
        &"a".repeat(101),
    ] {
        assert!(!is_valid_slug(bad), "{bad}");
    }
}

#[cfg(unix)]
mod links {
    use std::os::unix::fs::symlink;

    use super::*;

    const SECRET: &str = "SECRET-CONTENTS-NEVER-SHOWN";

    /// A file outside the site whose contents must never be read.
    fn outside() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        fs::write(&path, format!("{SECRET}: [\n")).unwrap();
        (dir, path)
    }

    fn assert_refused(root: &Path, link: &str) {
        let list = errors(root);
        let all = scholia::diagnostics::render_all(&list, false);
        assert!(!all.contains(SECRET), "the target was read: {all}");
        let shown = only(&list, "E0502");
        assert!(shown.contains(&format!("--> {link}:1:1")), "{shown}");
        assert!(shown.contains("outside the site"), "{shown}");
    }

    #[test]
    fn a_link_to_a_file_outside_the_site_is_an_error_naming_the_link() {
        let (_keep, secret) = outside();
        for link in [
            "site.yaml",
            "content/reading/index.md",
            "content/reading/annotations.yaml",
            "content/glossary.yaml",
            "content/reading/map.png",
            "templates/style.css",
        ] {
            let dir = site("Rome and Carthage.\n");
            let path = dir.path().join(link);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            let _ = fs::remove_file(&path);
            symlink(&secret, &path).unwrap();
            assert_refused(dir.path(), link);
        }
    }

    #[test]
    fn a_link_to_a_folder_outside_the_site_is_an_error_naming_the_link() {
        let (keep, _) = outside();
        let elsewhere = keep.path().join("reading");
        fs::create_dir(&elsewhere).unwrap();
        fs::write(elsewhere.join("index.md"), format!("---\n{SECRET}\n")).unwrap();
        for link in ["content/other", "content/reading/img", "templates"] {
            let dir = site("Rome and Carthage.\n");
            let path = dir.path().join(link);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            symlink(&elsewhere, &path).unwrap();
            assert_refused(dir.path(), link);
        }
        let dir = site("Rome and Carthage.\n");
        fs::rename(dir.path().join("content"), keep.path().join("content")).unwrap();
        symlink(keep.path().join("content"), dir.path().join("content")).unwrap();
        assert_refused(dir.path(), "content");
    }

    #[test]
    fn links_that_stay_inside_the_site_are_followed() {
        let dir = site("Rome and Carthage.\n\n![map](map.png)\n");
        let root = dir.path();
        fs::create_dir_all(root.join("drafts/second")).unwrap();
        fs::write(
            root.join("drafts/second/index.md"),
            "---\ntitle: The second\n---\n\nA linked reading.\n",
        )
        .unwrap();
        symlink("../drafts/second", root.join("content/second")).unwrap();
        fs::write(root.join("drafts/map.png"), b"png").unwrap();
        symlink("../../drafts/map.png", root.join("content/reading/map.png")).unwrap();
        fs::write(root.join("drafts/theme.css"), "body { color: teal }\n").unwrap();
        fs::create_dir(root.join("templates")).unwrap();
        symlink("../drafts/theme.css", root.join("templates/style.css")).unwrap();
        let files = built(root);
        let second = String::from_utf8(file(&files, "second/index.html").to_vec()).unwrap();
        assert!(second.contains("A linked reading."), "{second}");
        assert_eq!(file(&files, "reading/map.png"), b"png");
        assert_eq!(file(&files, "style.css"), b"body { color: teal }\n");
    }

    #[test]
    fn a_link_to_nothing_or_in_a_circle_is_an_error_naming_the_link() {
        let dir = site("Rome and Carthage.\n");
        symlink("missing.png", dir.path().join("content/reading/map.png")).unwrap();
        let shown = only(&errors(dir.path()), "E0503");
        assert!(shown.contains("--> content/reading/map.png:1:1"), "{shown}");

        let dir = site("Rome and Carthage.\n");
        symlink(".", dir.path().join("content/reading/again")).unwrap();
        let shown = only(&errors(dir.path()), "E0503");
        assert!(shown.contains("--> content/reading/again:1:1"), "{shown}");
    }
}

/// The examples of E0502, E0503 and E0506 in docs/diagnostics.md come from sites made
/// here (a fixture cannot hold a symbolic link or a name that is not Unicode): each is
/// fenced with `~~~` and must be exactly what these sites produce.
#[cfg(unix)]
#[test]
fn the_docs_show_real_output_for_links_and_names() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::symlink;

    let doc = fs::read_to_string(common::repo().join("docs/diagnostics.md")).unwrap();
    let mut shown = Vec::new();

    let outer = tempfile::tempdir().unwrap();
    let dir = site("Rome and Carthage.\n");
    fs::create_dir_all(outer.path().join("drafts")).unwrap();
    fs::write(
        outer.path().join("drafts/reading.md"),
        "---\ntitle: X\n---\n",
    )
    .unwrap();
    let index = dir.path().join("content/reading/index.md");
    fs::remove_file(&index).unwrap();
    symlink(outer.path().join("drafts/reading.md"), &index).unwrap();
    // The target's absolute path differs each run; the docs show it as /home/ed/….
    shown.push(
        only(&errors(dir.path()), "E0502").replace(&outer.path().display().to_string(), "/home/ed"),
    );

    let dir = site("Rome and Carthage.\n");
    symlink("missing.png", dir.path().join("content/reading/map.png")).unwrap();
    shown.push(only(&errors(dir.path()), "E0503"));

    let dir = site("Rome and Carthage.\n");
    let name = std::ffi::OsStr::from_bytes(b"r\xE9gime.png");
    fs::write(dir.path().join("content/reading").join(name), b"png").unwrap();
    shown.push(only(&errors(dir.path()), "E0506"));

    for example in shown {
        assert!(
            doc.contains(&format!("~~~\n{example}\n~~~\n")),
            "docs/diagnostics.md should show:\n{example}"
        );
    }
}

/// A stray file in content/ (W0501) is said along with the errors of every later stage:
/// the index's (a quote not found), and the links' (an image that is not there).
#[test]
fn warnings_of_the_content_folder_come_with_later_errors() {
    for (markdown, annotations, error) in [
        (
            "Rome ruled the sea.\n",
            "notes:\n  n:\n    at: Rome rules\n    text: A note.\n",
            "E0110",
        ),
        ("Rome ruled the sea. ![A map](map.png)\n", "", "E0504"),
    ] {
        let dir = common::site(markdown, annotations);
        fs::write(dir.path().join("content/notes.txt"), "stray").unwrap();
        let Err(Failure::Input(problems)) = scholia::check(dir.path(), scholia::Options::default())
        else {
            panic!("{error}: the site must fail with input errors")
        };
        let codes: Vec<&str> = problems.iter().map(|d| d.code).collect();
        assert!(codes.contains(&error), "{codes:?}");
        assert!(codes.contains(&"W0501"), "{error}: {codes:?}");
    }
}

/// `serve` takes a reading whose files are known unchanged without reading them: the
/// same size, times and identity as when they were read, and already old then. A file
/// written since, even at the same size, is read again, and so is a folder with a file
/// added beside the reading.
#[test]
fn unchanged_readings_are_taken_unread_and_changed_ones_are_read() {
    use scholia::content::{Earlier, load_with};
    let dir = site("Rome ruled the sea.\n");
    let root = dir.path();
    for slug in ["second", "third"] {
        let to = root.join("content").join(slug);
        fs::create_dir(&to).unwrap();
        for name in ["index.md", "annotations.yaml"] {
            fs::copy(root.join("content/reading").join(name), to.join(name)).unwrap();
        }
    }
    let mut earlier = Earlier::default();
    let load = |earlier: &mut Earlier| {
        let site = load_with(root, earlier).unwrap_or_else(|d| panic!("{d:?}"));
        let counts = (earlier.taken(), earlier.unread());
        let texts: Vec<(String, String, usize)> = site
            .readings
            .iter()
            .map(|r| (r.slug.to_string(), r.markdown().to_owned(), r.beside.len()))
            .collect();
        earlier.keep(site.readings);
        (counts, texts)
    };
    assert_eq!(load(&mut earlier).0, (0, 0));
    // Files written a moment ago are read, whatever their stamps say.
    assert_eq!(load(&mut earlier).0, (3, 0));
    std::thread::sleep(std::time::Duration::from_millis(3500));
    // Now they were old when stamped: the next load takes them unread.
    assert_eq!(load(&mut earlier).0, (3, 0));
    assert_eq!(load(&mut earlier).0, (3, 3));

    let second = root.join("content/second/index.md");
    let text = fs::read_to_string(&second).unwrap();
    fs::write(&second, text.replace("Rome ruled", "Roma ruled")).unwrap();
    fs::write(root.join("content/third/map.png"), b"png").unwrap();
    let (counts, texts) = load(&mut earlier);
    assert_eq!(counts, (2, 1), "only `reading` is taken unread");
    let second = texts.iter().find(|(slug, ..)| slug == "second").unwrap();
    assert!(second.1.contains("Roma ruled"), "{:?}", second.1);
    let third = texts.iter().find(|(slug, ..)| slug == "third").unwrap();
    assert_eq!(third.2, 1, "the file beside the third reading is seen");
}
