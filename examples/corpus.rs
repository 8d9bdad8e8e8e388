//! Writes a synthetic site: `cargo run --release --example corpus -- DIR [READINGS [GLOSSES [SEED]]]`.
//!
//! Defaults: 100 readings, 2,000 shared glosses, seed 8 (the benchmark's site). DIR must be
//! empty or absent. `benches/vs-hugo.sh` uses it; see docs/performance.md.

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: corpus DIR [READINGS [GLOSSES [SEED]]]";
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let number = |i: usize, default: u64| match args.get(i) {
        None => Some(default),
        Some(arg) => arg.replace(',', "").parse().ok(),
    };
    let (Some(readings), Some(glosses), Some(seed)) =
        (number(1, 100), number(2, 2000), number(3, 8))
    else {
        eprintln!("{usage}: READINGS, GLOSSES and SEED are whole numbers");
        return ExitCode::from(2);
    };
    if readings == 0 {
        eprintln!("{usage}: a site needs at least one reading");
        return ExitCode::from(2);
    }
    let params = corpus::Params {
        seed,
        ..corpus::Params::new(readings as usize, glosses as usize)
    };
    match corpus::write(&params, &dir) {
        Ok(summary) => {
            println!(
                "{}: {readings} readings, {glosses} shared glosses ({} forms), {} files, {:.1} MB of Markdown",
                dir.display(),
                summary.forms,
                summary.files,
                summary.markdown_bytes as f64 / 1e6
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}
