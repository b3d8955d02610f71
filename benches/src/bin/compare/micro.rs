//! The micro-scenarios: pykka on every backend against the raw primitives and the
//! peers (`compare --suite micro`).

use std::collections::HashMap;
use std::time::Duration;

use pykka_benches::measure::{Budget, ns_per_op};
use pykka_benches::{Kind, Scenario, subjects};

use crate::{BACKENDS, Options, PEERS, child_medians, children, fail, fmt_ns};

/// The child: one subject, one scenario, in this process.
pub(crate) fn one(args: &[String]) {
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

/// Medians over runs, by (subject, scenario): nanoseconds per operation and, for
/// `spawn`, bytes per idle actor.
#[derive(Default)]
pub(crate) struct Results {
    ns: HashMap<(String, Scenario), f64>,
    bytes: HashMap<String, f64>,
}

pub(crate) fn collect(o: &Options) -> Results {
    let ms = |d: Duration| d.as_millis().to_string();
    let (warm, measure) = (ms(o.budget.warm_up), ms(o.budget.measure));
    let all = subjects();
    let supports = |label: &str, scenario: Scenario| {
        all.iter()
            .find(|s| s.label() == label)
            .is_none_or(|s| s.supports(scenario))
    };
    let children = children(o, "--one", true);
    let mut results = Results::default();
    for scenario in Scenario::ALL {
        if o.only.is_some_and(|s| s != scenario) {
            continue;
        }
        for child in &children {
            if !supports(&child.label, scenario) {
                continue;
            }
            let mut args = child.prefix.clone();
            args.extend([scenario.name().to_string(), warm.clone(), measure.clone()]);
            let what = format!("{} {}", child.label, scenario.name());
            let m = child_medians(&child.program, &args, o.runs, &what);
            if let Some(&ns) = m.get("ns_per_op") {
                eprintln!("{:>14} {:<16} {}", child.label, scenario.name(), fmt_ns(ns));
                results.ns.insert((child.label.clone(), scenario), ns);
            }
            if let Some(&bytes) = m.get("bytes_per_actor") {
                results.bytes.insert(child.label.clone(), bytes);
            }
        }
    }
    results
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

pub(crate) fn print_tables(r: &Results, o: &Options) {
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
