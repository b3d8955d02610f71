//! Runs every scenario on every subject (pykka on each backend, the raw baselines,
//! the peers, Python Pykka) several times, each run in a fresh process, and prints
//! markdown tables of the medians and ratios.
//!
//! ```text
//! cargo run --release -p pykka-benches --bin compare -- [--runs N] [--warm-up MS]
//!     [--measure MS] [--peers PATH] [--python PATH] [--only SCENARIO]
//! ```
//!
//! `--peers` is the `pykka-peers` binary (built in `benches/peers` with `cargo build
//! --release`); by default `benches/peers/target/release/pykka-peers` if it exists.
//! `--python` is `benches/peers/pykka_python.sh` (used by default when Python can
//! import pykka). A child process prints `ns_per_op <value>` and, for `spawn`,
//! `bytes_per_actor <value>`; see `pykka_benches::measure`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use pykka_benches::measure::{Budget, median, ns_per_op};
use pykka_benches::savina::{self, Bench};
use pykka_benches::{Kind, Scenario, subjects};

const PEERS: [&str; 4] = ["actix", "kameo", "ractor", "xtra"];
const BACKENDS: [&str; 4] = ["thread", "green", "smol", "tokio"];

struct Options {
    runs: usize,
    budget: Budget,
    peers: Option<PathBuf>,
    python: Option<PathBuf>,
    only: Option<Scenario>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--one") => return one(&args[1..]),
        Some("--savina") => return savina_one(&args[1..]),
        _ => {}
    }
    let options = parse(&args);
    let results = collect(&options);
    print_tables(&results, &options);
}

/// The child: one subject, one scenario, in this process.
fn one(args: &[String]) {
    let (label, scenario) = match args {
        [label, scenario, ..] => (label, scenario),
        _ => fail("usage: compare --one <kind/backend> <scenario> [warm-up ms] [measure ms]"),
    };
    let ms = |i: usize, default: u64| {
        Duration::from_millis(args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default))
    };
    let budget = Budget {
        warm_up: ms(2, 300),
        measure: ms(3, 700),
    };
    let scenario = Scenario::from_name(scenario).unwrap_or_else(|| fail("unknown scenario"));
    let all = subjects();
    let subject = all
        .iter()
        .find(|s| &s.label() == label)
        .unwrap_or_else(|| fail("unknown subject"));
    if scenario == Scenario::Spawn {
        // One actor first starts executor threads and the allocator's arenas, without
        // leaving behind freed memory that the measured actors would reuse.
        let n = subject.idle_count();
        subject.idle_memory(1);
        println!("bytes_per_actor {:.0}", subject.idle_memory(n));
    }
    let mut runner = subject.prepare(scenario);
    println!("ns_per_op {:.1}", ns_per_op(runner.as_mut(), budget));
    drop(runner);
    // Threads, coroutines and tasks still winding down end with the process.
    std::process::exit(0);
}

/// The child of a Savina benchmark: one subject, one benchmark, in this process.
fn savina_one(args: &[String]) {
    let (label, bench) = match args {
        [label, bench, ..] => (label, bench),
        _ => fail("usage: compare --savina <kind/backend> <bench> [warm-up ms] [measure ms]"),
    };
    let measure = Duration::from_millis(args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1000));
    let bench = Bench::from_name(bench).unwrap_or_else(|| fail("unknown benchmark"));
    let all = subjects();
    let subject = all
        .iter()
        .find(|s| &s.label() == label)
        .unwrap_or_else(|| fail("unknown subject"));
    if subject.savina(bench).is_none() {
        fail("the subject does not run this benchmark");
    }
    let ms = savina::measure(bench, measure, || {
        subject.savina(bench).expect("it ran once")
    })
    .unwrap_or_else(|e| fail(&e));
    println!("ms_per_run {ms:.3}");
    std::process::exit(0);
}

fn fail(message: &str) -> ! {
    eprintln!("compare: {message}");
    std::process::exit(2);
}

fn parse(args: &[String]) -> Options {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut o = Options {
        runs: 5,
        budget: Budget::default(),
        peers: Some(manifest.join("peers/target/release/pykka-peers")).filter(|p| p.exists()),
        python: Some(manifest.join("peers/pykka_python.sh")).filter(|_| python_has_pykka()),
        only: None,
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
            "--runs" => o.runs = number().max(1) as usize,
            "--warm-up" => o.budget.warm_up = Duration::from_millis(number()),
            "--measure" => o.budget.measure = Duration::from_millis(number()),
            "--peers" => o.peers = Some(PathBuf::from(value)),
            "--python" => o.python = Some(PathBuf::from(value)),
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

/// Medians over runs, by (subject, scenario): nanoseconds per operation and, for
/// `spawn`, bytes per idle actor.
#[derive(Default)]
struct Results {
    ns: HashMap<(String, Scenario), f64>,
    bytes: HashMap<String, f64>,
}

fn collect(o: &Options) -> Results {
    let exe = std::env::current_exe().unwrap_or_else(|_| fail("no path to this program"));
    let ms = |d: Duration| d.as_millis().to_string();
    let (warm, measure) = (ms(o.budget.warm_up), ms(o.budget.measure));
    let all = subjects();
    let mut commands: Vec<(String, Vec<String>, PathBuf)> = all
        .iter()
        .map(|s| (s.label(), vec!["--one".into(), s.label()], exe.clone()))
        .collect();
    let supports = |label: &str, scenario: Scenario| {
        all.iter()
            .find(|s| s.label() == label)
            .is_none_or(|s| s.supports(scenario))
    };
    if let Some(peers) = &o.peers {
        for p in PEERS {
            commands.push((p.to_string(), vec![p.to_string()], peers.clone()));
        }
    }
    if let Some(python) = &o.python {
        commands.push(("python".into(), vec![], python.clone()));
    }
    let mut results = Results::default();
    for scenario in Scenario::ALL {
        if o.only.is_some_and(|s| s != scenario) {
            continue;
        }
        for (label, prefix, program) in &commands {
            if !supports(label, scenario) {
                continue;
            }
            let mut ns = Vec::new();
            let mut bytes = Vec::new();
            for _ in 0..o.runs {
                let out = Command::new(program)
                    .args(prefix)
                    .args([scenario.name(), &warm, &measure])
                    .output();
                let Ok(out) = out else { break };
                if !out.status.success() {
                    eprintln!(
                        "{label} {}: failed: {}",
                        scenario.name(),
                        String::from_utf8_lossy(&out.stderr)
                            .lines()
                            .last()
                            .unwrap_or("")
                    );
                    break;
                }
                for line in String::from_utf8_lossy(&out.stdout).lines() {
                    match line.split_once(' ') {
                        Some(("ns_per_op", v)) => ns.extend(v.parse::<f64>().ok()),
                        Some(("bytes_per_actor", v)) => bytes.extend(v.parse::<f64>().ok()),
                        _ => {}
                    }
                }
            }
            if !ns.is_empty() {
                let m = median(&mut ns);
                eprintln!("{label:>14} {:<16} {}", scenario.name(), fmt_ns(m));
                results.ns.insert((label.clone(), scenario), m);
            }
            if !bytes.is_empty() {
                results.bytes.insert(label.clone(), median(&mut bytes));
            }
        }
    }
    results
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

fn cell(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), fmt_ns)
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}x", a / b),
        _ => "–".into(),
    }
}

fn print_tables(r: &Results, o: &Options) {
    let get = |label: &str, s: Scenario| r.ns.get(&(label.to_string(), s)).copied();
    let pykka = |b: &str| format!("{}/{b}", Kind::Pykka.name());
    let raw = |b: &str| format!("{}/{b}", Kind::Raw.name());
    let scenarios: Vec<_> = Scenario::ALL
        .into_iter()
        .filter(|s| o.only.is_none_or(|x| x == *s))
        .collect();

    println!("### pykka against the raw primitives of its backend\n");
    println!(
        "Median time per operation over {} fresh processes; ratio = pykka / raw.\n",
        o.runs
    );
    print!("| scenario |");
    for b in BACKENDS {
        print!(" pykka {b} | raw {b} | ratio |");
    }
    println!();
    println!("|---|{}", "---:|".repeat(3 * BACKENDS.len()));
    for &s in &scenarios {
        print!("| `{}` |", s.name());
        for b in BACKENDS {
            let (p, w) = (get(&pykka(b), s), get(&raw(b), s));
            print!(" {} | {} | {} |", cell(p), cell(w), ratio(p, w));
        }
        println!();
    }

    let peers: Vec<&str> = PEERS
        .into_iter()
        .chain(Some("python"))
        .filter(|p| r.ns.keys().any(|(l, _)| l == p))
        .collect();
    if !peers.is_empty() {
        println!("\n### pykka against other actor libraries\n");
        println!(
            "Best peer = the fastest Rust library in the row; the last columns are pykka / best peer.\n"
        );
        print!("| scenario |");
        for b in BACKENDS {
            print!(" pykka {b} |");
        }
        for p in &peers {
            print!(" {p} |");
        }
        for b in BACKENDS {
            print!(" {b} / best |");
        }
        println!();
        println!("|---|{}", "---:|".repeat(2 * BACKENDS.len() + peers.len()));
        for &s in &scenarios {
            print!("| `{}` |", s.name());
            for b in BACKENDS {
                print!(" {} |", cell(get(&pykka(b), s)));
            }
            for p in &peers {
                print!(" {} |", cell(get(p, s)));
            }
            let best = PEERS
                .into_iter()
                .filter_map(|p| get(p, s))
                .min_by(f64::total_cmp);
            for b in BACKENDS {
                print!(" {} |", ratio(get(&pykka(b), s), best));
            }
            println!();
        }
    }

    let asynchronous = |b: &str| format!("{}/{b}", Kind::PykkaAsync.name());
    let async_rows: Vec<_> = [Scenario::Ask, Scenario::Ring]
        .into_iter()
        .filter(|s| scenarios.contains(s))
        .collect();
    if !async_rows.is_empty() {
        println!("\n### Async handlers (issue 14)\n");
        println!(
            "`smol1`: a smol runtime with one worker (actix runs both actors on one thread too); \
             `smol`, `tokio`: the default multi-worker runtimes.\n"
        );
        println!(
            "| scenario | async smol1 | async smol | async tokio | sync smol | raw smol | actix | smol1 / actix | smol / raw smol |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for s in async_rows {
            let (one, multi) = (
                get(&asynchronous("smol1"), s),
                get(&asynchronous("smol"), s),
            );
            let actix = get("actix", s);
            let raw_smol = get(&raw("smol"), s);
            println!(
                "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
                s.name(),
                cell(one),
                cell(multi),
                cell(get(&asynchronous("tokio"), s)),
                cell(get(&pykka("smol"), s)),
                cell(raw_smol),
                cell(actix),
                ratio(one, actix),
                ratio(multi, raw_smol),
            );
        }
    }

    if !r.bytes.is_empty() {
        println!("\n### Resident memory per idle actor (`spawn`)\n");
        let mut labels: Vec<_> = r.bytes.keys().cloned().collect();
        labels.sort();
        println!("| subject | bytes per idle actor |");
        println!("|---|---:|");
        for l in labels {
            println!("| {l} | {:.0} |", r.bytes[&l]);
        }
    }
}
