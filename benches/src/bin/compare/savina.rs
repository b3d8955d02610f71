//! The Savina suite (`compare --suite savina`): every benchmark on every subject that
//! implements it and on the peers, a table of the medians and one bar chart per
//! benchmark.

use std::collections::HashMap;
use std::time::Duration;

use pykka_benches::savina::{self, Bench};
use pykka_benches::subjects;
use pykka_benches::svg::{Bar, bar_chart};

use crate::{Options, child_medians, children, fail, write_chart};

/// The child: one subject, one benchmark, in this process; prints `ms_per_run`.
pub(crate) fn one(args: &[String]) {
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
    let mut run = subject
        .savina(bench)
        .unwrap_or_else(|| fail("the subject does not run this benchmark"));
    let ms = savina::measure(bench, measure, &mut run).unwrap_or_else(|e| fail(&e));
    println!("ms_per_run {ms:.3}");
    // Actors still winding down end with the process.
    std::process::exit(0);
}

/// Runs the suite, prints its table and writes its charts.
pub(crate) fn run(o: &Options) {
    let all = subjects();
    let runs = |label: &str, bench: Bench| {
        all.iter()
            .find(|s| s.label() == label)
            .is_none_or(|s| s.savina(bench).is_some())
    };
    let children = children(o, "--savina", false);
    let measure = o.budget.measure.as_millis().to_string();
    let mut ms: HashMap<(String, Bench), f64> = HashMap::new();
    for bench in Bench::ALL {
        for child in &children {
            if !runs(&child.label, bench) {
                continue;
            }
            let name = if child.own {
                bench.name().to_string()
            } else {
                format!("savina:{}", bench.name())
            };
            let mut args = child.prefix.clone();
            args.extend([name, "0".into(), measure.clone()]);
            let what = format!("{} {}", child.label, bench.name());
            if let Some(&m) = child_medians(&child.program, &args, o.runs, &what).get("ms_per_run")
            {
                eprintln!("{:>18} {:<14} {m:.2} ms", child.label, bench.name());
                ms.insert((child.label.clone(), bench), m);
            }
        }
    }
    let labels: Vec<String> = children
        .iter()
        .map(|c| c.label.clone())
        .filter(|l| ms.keys().any(|(x, _)| x == l))
        .collect();
    print_table(&ms, &labels, o.runs);
    for bench in Bench::ALL {
        let bars: Vec<Bar> = labels
            .iter()
            .filter_map(|l| {
                let value = *ms.get(&(l.clone(), bench))?;
                Some(Bar {
                    label: l.clone(),
                    value,
                    group: group(l),
                })
            })
            .collect();
        if bars.is_empty() {
            continue;
        }
        let title = format!("Savina {}: {}", bench.name(), bench.scale());
        let svg = bar_chart(&title, "ms per run, lower is better", &GROUPS, &bars);
        write_chart(&o.charts, &format!("savina-{}.svg", bench.name()), &svg);
    }
}

const GROUPS: [&str; 3] = ["pykka (sync handlers)", "pykka (async handlers)", "peers"];

fn group(label: &str) -> usize {
    if label.starts_with("pykka-async/") {
        1
    } else if label.starts_with("pykka/") {
        0
    } else {
        2
    }
}

fn print_table(ms: &HashMap<(String, Bench), f64>, labels: &[String], runs: usize) {
    println!("\n### Savina\n");
    println!(
        "Median milliseconds per run over {runs} fresh processes (each the median of its own runs); \
         last column: the fastest pykka subject / the fastest peer.\n"
    );
    print!("| bench |");
    for l in labels {
        print!(" {l} |");
    }
    println!(" best pykka / best peer |");
    println!("|---|{}---:|", "---:|".repeat(labels.len()));
    for bench in Bench::ALL {
        print!("| `{}` |", bench.name());
        for l in labels {
            match ms.get(&(l.clone(), bench)) {
                Some(m) => print!(" {m:.2} |"),
                None => print!(" – |"),
            }
        }
        let best = |peer: bool| {
            labels
                .iter()
                .filter(|l| (group(l) == 2) == peer)
                .filter_map(|l| ms.get(&(l.clone(), bench)).copied())
                .min_by(f64::total_cmp)
        };
        match (best(false), best(true)) {
            (Some(p), Some(q)) if q > 0.0 => println!(" {:.2}x |", p / q),
            _ => println!(" – |"),
        }
    }
}
