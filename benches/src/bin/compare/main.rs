//! Runs the benchmarks on every subject (pykka on each backend, the raw baselines, the
//! peers, Python Pykka) several times, each run in a fresh process, prints markdown
//! tables of the medians, and writes SVG charts.
//!
//! ```text
//! cargo run --release -p pykka-benches --bin compare -- [--suite micro|savina|growth|all]
//!     [--runs N] [--warm-up MS] [--measure MS] [--peers PATH] [--python PATH]
//!     [--only SCENARIO] [--charts DIR]
//! ```
//!
//! Suites: `micro` (the eight scenarios of `pykka_benches::Scenario`), `savina` (the
//! Savina benchmarks, `pykka_benches::savina`), `growth` (cost against the number of
//! live actors, `pykka_benches::growth`); `all` (the default) runs the three in turn.
//! Charts go to `--charts` (default `benches/charts`).
//!
//! `--peers` is the `pykka-peers` binary (built in `benches/peers` with `cargo build
//! --release`); by default `benches/peers/target/release/pykka-peers` if it exists.
//! `--python` is `benches/peers/pykka_python.sh` (used by default when Python can
//! import pykka). A child process prints `<key> <value>` lines (`ns_per_op`,
//! `bytes_per_actor`, `ms_per_run`, `ask_ns`, `tell_ns`); see `pykka_benches::measure`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use pykka_benches::Scenario;
use pykka_benches::measure::{Budget, median};

mod growth;
mod micro;
mod savina;

const PEERS: [&str; 4] = ["actix", "kameo", "ractor", "xtra"];
const BACKENDS: [&str; 4] = ["thread", "green", "smol", "tokio"];

/// Which benchmarks a parent run covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Suite {
    Micro,
    Savina,
    Growth,
    All,
}

struct Options {
    suite: Suite,
    runs: usize,
    budget: Budget,
    peers: Option<PathBuf>,
    python: Option<PathBuf>,
    only: Option<Scenario>,
    charts: PathBuf,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--one") => return micro::one(&args[1..]),
        Some("--savina") => return savina::one(&args[1..]),
        Some("--growth") => return growth::one(&args[1..]),
        _ => {}
    }
    let o = parse(&args);
    if matches!(o.suite, Suite::Micro | Suite::All) {
        let results = micro::collect(&o);
        micro::print_tables(&results, &o);
    }
    if matches!(o.suite, Suite::Savina | Suite::All) {
        savina::run(&o);
    }
    if matches!(o.suite, Suite::Growth | Suite::All) {
        growth::run(&o);
    }
}

fn fail(message: &str) -> ! {
    eprintln!("compare: {message}");
    std::process::exit(2);
}

fn parse(args: &[String]) -> Options {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut o = Options {
        suite: Suite::All,
        runs: 5,
        budget: Budget::default(),
        peers: Some(manifest.join("peers/target/release/pykka-peers")).filter(|p| p.exists()),
        python: Some(manifest.join("peers/pykka_python.sh")).filter(|_| python_has_pykka()),
        only: None,
        charts: manifest.join("charts"),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| fail("a flag without a value"));
        let number = || {
            value
                .parse::<u64>()
                .unwrap_or_else(|_| fail("not a number"))
        };
        match flag.as_str() {
            "--suite" => {
                o.suite = match value.as_str() {
                    "micro" => Suite::Micro,
                    "savina" => Suite::Savina,
                    "growth" => Suite::Growth,
                    "all" => Suite::All,
                    _ => fail("--suite is micro, savina, growth or all"),
                }
            }
            "--runs" => o.runs = number().max(1) as usize,
            "--warm-up" => o.budget.warm_up = Duration::from_millis(number()),
            "--measure" => o.budget.measure = Duration::from_millis(number()),
            "--peers" => o.peers = Some(PathBuf::from(value)),
            "--python" => o.python = Some(PathBuf::from(value)),
            "--charts" => o.charts = PathBuf::from(value),
            "--only" => {
                o.only =
                    Some(Scenario::from_name(value).unwrap_or_else(|| fail("unknown scenario")))
            }
            _ => fail("unknown flag"),
        }
    }
    o
}

fn python_has_pykka() -> bool {
    Command::new("python3")
        .args(["-c", "import pykka"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// One program that measures one subject: `program prefix... <benchmark> ...`.
struct Child {
    label: String,
    program: PathBuf,
    prefix: Vec<String>,
    /// This program (pykka's subjects) rather than a peer's.
    own: bool,
}

/// pykka's subjects (this program with `flag <label>`), then the peers
/// (`pykka-peers <library>`) and, with `python`, Python Pykka, where they exist.
fn children(o: &Options, flag: &str, python: bool) -> Vec<Child> {
    let exe = std::env::current_exe().unwrap_or_else(|_| fail("no path to this program"));
    let mut all: Vec<Child> = pykka_benches::subjects()
        .iter()
        .map(|s| Child {
            label: s.label(),
            program: exe.clone(),
            prefix: vec![flag.into(), s.label()],
            own: true,
        })
        .collect();
    if let Some(peers) = &o.peers {
        all.extend(PEERS.map(|p| Child {
            label: p.into(),
            program: peers.clone(),
            prefix: vec![p.into()],
            own: false,
        }));
    }
    if let (Some(program), true) = (&o.python, python) {
        all.push(Child {
            label: "python".into(),
            program: program.clone(),
            prefix: vec![],
            own: false,
        });
    }
    all
}

/// Runs `program args` `runs` times, each in a fresh process, and returns the median of
/// every `<key> <value>` line it printed, by key. A failing child ends the series (its
/// last line of stderr is printed): what the earlier runs printed is kept.
fn child_medians(program: &Path, args: &[String], runs: usize, what: &str) -> HashMap<String, f64> {
    let mut values: HashMap<String, Vec<f64>> = HashMap::new();
    for _ in 0..runs {
        let Ok(out) = Command::new(program).args(args).output() else {
            eprintln!("{what}: cannot start {}", program.display());
            break;
        };
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            eprintln!("{what}: failed: {}", stderr.lines().last().unwrap_or(""));
            break;
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some((key, v)) = line.split_once(' ')
                && let Ok(v) = v.trim().parse::<f64>()
            {
                values.entry(key.to_string()).or_default().push(v);
            }
        }
    }
    values
        .into_iter()
        .map(|(k, mut v)| (k, median(&mut v)))
        .collect()
}

/// Writes a chart, reporting where (or why not).
fn write_chart(dir: &Path, name: &str, svg: &str) {
    let path = dir.join(name);
    match std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, svg)) {
        Ok(()) => eprintln!("wrote {}", path.display()),
        Err(e) => eprintln!("cannot write {}: {e}", path.display()),
    }
}

fn fmt_ns(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.0} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{:.2} ms", ns / 1_000_000.0)
    }
}
