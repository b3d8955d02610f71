//! How cost grows with the number of live actors (`compare --suite growth`): per
//! backend and size, ask latency, tell cost and memory per actor, as a table and three
//! log-log charts.

use std::collections::HashMap;

use pykka_benches::growth::{SIZES, max_actors};
use pykka_benches::subjects;
use pykka_benches::svg::{Line, line_chart};

use crate::{BACKENDS, Options, child_medians, fail, fmt_ns, write_chart};

/// The child: one backend, one size; prints `ask_ns`, `tell_ns` and `bytes_per_actor`.
pub(crate) fn one(args: &[String]) {
    let (label, n) = match args {
        [label, n, ..] => (label, n),
        _ => fail("usage: compare --growth <kind/backend> <actors>"),
    };
    let n: usize = n.parse().unwrap_or_else(|_| fail("not a number of actors"));
    let all = subjects();
    let subject = all
        .iter()
        .find(|s| &s.label() == label)
        .unwrap_or_else(|| fail("unknown subject"));
    let g = subject
        .growth(n)
        .unwrap_or_else(|| fail("the subject has no growth measurement"));
    println!("ask_ns {:.1}", g.ask_ns);
    println!("tell_ns {:.1}", g.tell_ns);
    println!("bytes_per_actor {:.0}", g.bytes_per_actor);
    std::process::exit(0);
}

/// The three measurements, by key of the child's output.
const MEASURES: [(&str, &str, &str); 3] = [
    (
        "ask_ns",
        "growth-ask.svg",
        "ask from the main thread: ns per round trip",
    ),
    (
        "tell_ns",
        "growth-tell.svg",
        "tells spread over all actors: ns per message",
    ),
    (
        "bytes_per_actor",
        "growth-memory.svg",
        "resident memory: bytes per actor",
    ),
];

pub(crate) fn run(o: &Options) {
    let exe = std::env::current_exe().unwrap_or_else(|_| fail("no path to this program"));
    let mut results: HashMap<(&str, usize), HashMap<String, f64>> = HashMap::new();
    for n in SIZES {
        for backend in BACKENDS {
            if n > max_actors(backend) {
                continue;
            }
            let args = vec!["--growth".into(), format!("pykka/{backend}"), n.to_string()];
            let what = format!("growth {backend} {n}");
            let m = child_medians(&exe, &args, o.runs, &what);
            if let (Some(ask), Some(tell)) = (m.get("ask_ns"), m.get("tell_ns")) {
                eprintln!(
                    "{backend:>8} {n:>7} actors: ask {}, tell {}",
                    fmt_ns(*ask),
                    fmt_ns(*tell)
                );
                results.insert((backend, n), m);
            }
        }
    }
    println!("\n### How cost grows with the number of live actors\n");
    println!("Median over {} fresh processes.\n", o.runs);
    println!("| backend | actors | ask | tell | bytes per actor |");
    println!("|---|---:|---:|---:|---:|");
    for backend in BACKENDS {
        for n in SIZES {
            if let Some(m) = results.get(&(backend, n)) {
                println!(
                    "| {backend} | {n} | {} | {} | {:.0} |",
                    fmt_ns(m["ask_ns"]),
                    fmt_ns(m["tell_ns"]),
                    m.get("bytes_per_actor").copied().unwrap_or(f64::NAN)
                );
            }
        }
    }
    for (key, file, title) in MEASURES {
        let lines: Vec<Line> = BACKENDS
            .iter()
            .map(|b| Line {
                label: (*b).to_string(),
                points: SIZES
                    .iter()
                    .filter_map(|&n| Some((n as f64, *results.get(&(*b, n))?.get(key)?)))
                    .filter(|&(_, v)| v > 0.0)
                    .collect(),
            })
            .filter(|l| !l.points.is_empty())
            .collect();
        if !lines.is_empty() {
            let unit = title.split(": ").nth(1).unwrap_or(title);
            let svg = line_chart(&format!("pykka, {title}"), "live actors", unit, &lines);
            write_chart(&o.charts, file, &svg);
        }
    }
}
