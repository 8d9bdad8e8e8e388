//! The build at scale: `scholia build` on synthetic sites of 100 and 1,000 readings.
//!
//! Run with `cargo bench --bench scale` (options after `--`: `--readings 100,1000`,
//! `--glosses 2000`, `--runs 3`). For each size it:
//! 1. writes the site of `benches/corpus/` (seed 8, 2,000 shared glosses) into a
//!    temporary folder;
//! 2. runs the release `scholia build` binary on it as a child process, into a fresh
//!    output folder each time, a few times (once if a build takes over 10 s), reading
//!    the child's own CPU time and peak memory from `wait4`;
//! 3. prints the median wall and CPU time, the peak memory, the files and bytes written;
//! 4. writes the same files again from memory through the build's own writer, on every
//!    core (a folder made once, a file written whole, the manifest, the swap): the time
//!    any build that writes these files spends on writing alone, a floor beside the
//!    build's figures;
//!
//! then the ratio of the largest size's time to the smallest's, and the targets
//! beside the figures. The Hugo side by side is `benches/vs-hugo.sh`.

#[path = "corpus/mod.rs"]
mod corpus;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use scholia::output::{MANIFEST, Target};
use scholia::render::{OutputFile, Sink};

/// A build slower than this is run once: the figure is clear, and the bench stays short.
const SLOW: Duration = Duration::from_secs(10);

// The targets of issue 8, on the 2-core machine, for 1,000 readings.
const TARGET_WALL_S: f64 = 0.37;
const TARGET_GROWTH: f64 = 11.0;
const TARGET_MEMORY_MIB: f64 = 135.0;

struct Options {
    readings: Vec<usize>,
    glosses: usize,
    runs: usize,
}

fn options() -> Options {
    let mut options = Options {
        readings: vec![100, 1000],
        glosses: 2000,
        runs: 3,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| panic!("{arg} needs a value"))
                .replace('_', "")
        };
        match arg.as_str() {
            "--readings" => {
                options.readings = value()
                    .split(',')
                    .map(|n| n.parse().expect("--readings 100,1000"))
                    .collect()
            }
            "--glosses" => options.glosses = value().parse().expect("--glosses 2000"),
            "--runs" => options.runs = value().parse().expect("--runs 3"),
            // `cargo bench` passes `--bench`; a filter word means nothing here.
            _ => {}
        }
    }
    options
}

/// One build, as the operating system saw it.
#[derive(Clone, Copy)]
struct Run {
    wall: Duration,
    /// User + system time of the child alone.
    cpu: Duration,
    /// Peak resident memory of the child, in KiB.
    maxrss_kib: u64,
}

struct Size {
    readings: usize,
    wall: Duration,
    cpu: Duration,
    maxrss_kib: u64,
    /// Writing the build's files alone.
    floor: Floor,
}

/// The time to write a build's files and nothing else.
#[derive(Clone, Copy)]
struct Floor {
    wall: Duration,
    cpu: Duration,
}

fn main() {
    let options = options();
    let binary = env!("CARGO_BIN_EXE_scholia");
    println!("scholia build at scale ({binary})");
    println!("machine: {}", machine());
    let mut sizes = Vec::new();
    for &readings in &options.readings {
        sizes.push(measure(binary, readings, &options));
    }
    if let (Some(small), Some(large)) = (sizes.first(), sizes.last())
        && large.readings > small.readings
    {
        let growth = large.wall.as_secs_f64() / small.wall.as_secs_f64();
        println!(
            "\n{} / {} readings: wall {growth:.1}×, CPU {:.1}× (linear would be {}×)",
            large.readings,
            small.readings,
            large.cpu.as_secs_f64() / small.cpu.as_secs_f64(),
            large.readings / small.readings
        );
        if large.readings == 1000 && small.readings == 100 {
            targets(large, growth);
        }
    }
    println!("load average now: {}", load());
}

fn measure(binary: &str, readings: usize, options: &Options) -> Size {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let site = dir.path().join("site");
    let output = dir.path().join("public");
    let params = corpus::Params::new(readings, options.glosses);
    let started = Instant::now();
    let summary = corpus::write(&params, &site).expect("the site is written");
    println!(
        "\n{readings} readings, {} shared glosses ({} forms), {:.1} MB of Markdown (generated in {:.1} s)",
        options.glosses,
        summary.forms,
        summary.markdown_bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let log = dir.path().join("build.log");
    let mut runs: Vec<Run> = Vec::new();
    while runs.len() < options.runs.max(1) {
        if output.exists() {
            fs::remove_dir_all(&output).expect("the last build's output is removed");
        }
        let run = build(binary, &site, &output, &log);
        println!(
            "  run {}: wall {:.2} s, CPU {:.2} s, peak memory {:.0} MiB",
            runs.len() + 1,
            run.wall.as_secs_f64(),
            run.cpu.as_secs_f64(),
            run.maxrss_kib as f64 / 1024.0
        );
        runs.push(run);
        if run.wall > SLOW && runs.len() < options.runs {
            println!("  (over {} s: run once)", SLOW.as_secs());
            break;
        }
    }
    let (files, bytes) = written(&output);
    let glossary = fs::metadata(output.join("glossary.html")).map_or(0, |m| m.len());
    let floor = write_floor(&output, &site, &dir.path().join("rewritten"), options.runs);
    let size = Size {
        readings,
        wall: median(runs.iter().map(|r| r.wall)),
        cpu: median(runs.iter().map(|r| r.cpu)),
        maxrss_kib: runs.iter().map(|r| r.maxrss_kib).max().unwrap_or(0),
        floor,
    };
    println!(
        "  median of {}: wall {:.2} s, CPU {:.2} s, peak memory {:.0} MiB, {files} files, {:.1} MB written (glossary.html {:.1} MB)",
        runs.len(),
        size.wall.as_secs_f64(),
        size.cpu.as_secs_f64(),
        size.maxrss_kib as f64 / 1024.0,
        bytes as f64 / 1e6,
        glossary as f64 / 1e6
    );
    println!(
        "  writing the same files alone: wall {:.2} s, CPU {:.2} s (median of {})",
        floor.wall.as_secs_f64(),
        floor.cpu.as_secs_f64(),
        options.runs.max(1)
    );
    size
}

/// Writes the files of `output` into `into` again from memory, `runs` times, through the
/// build's own writer (`Target::stage`, a file put from any thread, `commit`): on every
/// core, each folder made once, each file in one write, the manifest and the swap.
fn write_floor(output: &Path, site: &Path, into: &Path, runs: usize) -> Floor {
    let files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(output)
        .into_iter()
        .map(|e| e.expect("the output can be read"))
        .filter(|e| e.file_type().is_file() && e.file_name() != MANIFEST)
        .map(|e| {
            let name = e.path().strip_prefix(output).expect("inside the output");
            let name = name.to_str().expect("scholia's names are UTF-8");
            (
                name.to_owned(),
                fs::read(e.path()).expect("a built file is read"),
            )
        })
        .collect();
    let target = Target::resolve(into, site).expect("the rewrite's folder is writable");
    let mut measured = Vec::new();
    for _ in 0..runs.max(1) {
        if into.exists() {
            fs::remove_dir_all(into).expect("the last rewrite is removed");
        }
        let copies: Vec<OutputFile> = files
            .iter()
            .map(|(path, contents)| OutputFile {
                path: path.clone(),
                contents: contents.clone(),
            })
            .collect();
        let (started, cpu) = (Instant::now(), own_cpu());
        let staging = target.stage().expect("the staging folder is made");
        copies
            .into_par_iter()
            .enumerate()
            .for_each(|(i, file)| staging.put((0, i as u32), file));
        staging.commit().expect("the files are written");
        measured.push(Floor {
            wall: started.elapsed(),
            cpu: own_cpu() - cpu,
        });
    }
    Floor {
        wall: median(measured.iter().map(|f| f.wall)),
        cpu: median(measured.iter().map(|f| f.cpu)),
    }
}

/// This process's user + system time so far, every thread's.
fn own_cpu() -> Duration {
    // SAFETY: `rusage` is plain data, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pointer is to a live local.
    let done = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    assert_eq!(done, 0, "getrusage: {}", std::io::Error::last_os_error());
    timeval(usage.ru_utime) + timeval(usage.ru_stime)
}

fn timeval(t: libc::timeval) -> Duration {
    Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000)
}

/// Runs `scholia build` and waits for it with `wait4`, which gives that child's own
/// resource use (`getrusage(RUSAGE_CHILDREN)` would add up every child so far).
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which std's Child cannot do"
)]
fn build(binary: &str, site: &Path, output: &Path, log: &Path) -> Run {
    let stderr = fs::File::create(log).expect("the build's log");
    let started = Instant::now();
    let child = Command::new(binary)
        .arg("build")
        .arg("--root")
        .arg(site)
        .arg("--output")
        .arg(output)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("the scholia binary starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for (std's `Child` waits only when
    // asked, and is not asked); the pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        panic!(
            "scholia build failed on the generated site (status {status}):\n{}",
            fs::read_to_string(log).unwrap_or_default()
        );
    }
    Run {
        wall,
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
        // Linux gives ru_maxrss in KiB.
        maxrss_kib: usage.ru_maxrss as u64,
    }
}

fn median(values: impl Iterator<Item = Duration>) -> Duration {
    let mut values: Vec<Duration> = values.collect();
    values.sort();
    values[values.len() / 2]
}

/// Files and bytes under `output`.
fn written(output: &Path) -> (usize, u64) {
    walkdir::WalkDir::new(output)
        .into_iter()
        .map(|e| e.expect("the output can be read"))
        .filter(|e| e.file_type().is_file())
        .fold((0, 0), |(files, bytes), e| {
            (files + 1, bytes + e.metadata().map_or(0, |m| m.len()))
        })
}

fn targets(large: &Size, growth: f64) {
    let wall = large.wall.as_secs_f64();
    let memory = large.maxrss_kib as f64 / 1024.0;
    let verdict = |met: bool| if met { "met" } else { "NOT MET" };
    println!("\ntargets of issue 8 (1,000 readings):");
    println!(
        "  wall ≤ {TARGET_WALL_S} s: {wall:.2} s, {}",
        verdict(wall <= TARGET_WALL_S)
    );
    println!(
        "  1,000 ≤ {TARGET_GROWTH}× the time of 100: {growth:.1}×, {}",
        verdict(growth <= TARGET_GROWTH)
    );
    println!(
        "  peak memory ≤ {TARGET_MEMORY_MIB} MiB: {memory:.0} MiB, {}",
        verdict(memory <= TARGET_MEMORY_MIB)
    );
    println!("  ≤ 0.35× Hugo's time: see benches/vs-hugo.sh");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let budget = TARGET_WALL_S * cores as f64;
    let floor = large.floor.cpu.as_secs_f64();
    println!(
        "  the wall target on {cores} cores allows {budget:.2} s of CPU; writing the files alone takes {floor:.2} s of it ({:.0} %), the build {:.2} s",
        floor / budget * 100.0,
        large.cpu.as_secs_f64()
    );
}

fn machine() -> String {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let memory = fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|kb| kb.trim().trim_end_matches(" kB").parse::<f64>().ok())
        .map_or_else(String::new, |kb| {
            format!(", {:.0} GiB", kb / 1024.0 / 1024.0)
        });
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{cores} cores ({model}){memory}, {}; load average {}",
        std::env::consts::OS,
        load()
    )
}

fn load() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
