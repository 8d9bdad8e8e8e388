//! The README's promises to a newcomer stay true: the Rust version it names is the one
//! Cargo.toml declares, it says how to install the binary, and its one install line for
//! the browser suite is the one the suite prints and the one CI installs from.

mod common;

use std::fs;

fn read(path: &str) -> String {
    fs::read_to_string(common::repo().join(path)).unwrap()
}

#[test]
fn the_readme_names_the_rust_version_cargo_toml_declares() {
    let cargo = read("Cargo.toml");
    let version = cargo
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("Cargo.toml declares a rust-version");
    let readme = read("README.md");
    assert!(
        readme.contains(&format!("Rust {version} or later")),
        "README.md does not say `Rust {version} or later`"
    );
}

#[test]
fn the_readme_says_how_to_put_scholia_on_the_path() {
    assert!(read("README.md").contains("cargo install --path ."));
}

#[test]
fn the_browser_suite_the_readme_and_ci_agree_on_what_to_install() {
    let browser = read("tests/browser.rs");
    let install = browser
        .lines()
        .find_map(|l| l.strip_prefix("const INSTALL: &str = \""))
        .and_then(|l| l.strip_suffix("\";"))
        .expect("tests/browser.rs has its install line");
    assert!(
        read("README.md").contains(install),
        "README.md does not give the install line tests/browser.rs prints: {install}"
    );
    let ci = read(".ci/run");
    let packages = install
        .split(" && ")
        .next()
        .unwrap()
        .trim_start_matches("sudo apt-get install -y ");
    for package in packages.split_whitespace() {
        assert!(
            ci.contains(&format!("need+=({package}")) || ci.contains(&format!(" {package})")),
            ".ci/run does not install {package}"
        );
    }
    assert!(
        ci.contains("npm ci --ignore-scripts"),
        ".ci/run runs npm ci"
    );
    assert!(
        ci.contains("cargo test"),
        ".ci/run runs the README's test command"
    );
}
