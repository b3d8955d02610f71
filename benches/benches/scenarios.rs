//! The criterion benches: one group per scenario, holding pykka on every backend and
//! the raw baseline of every backend (ids `pykka/<backend>` and `raw/<backend>`), so
//! that "pykka / raw" is read from one run. `spawn` also prints the resident memory
//! per idle actor of every subject.
//!
//! Run with `cargo bench -p pykka-benches`, or one group: `cargo bench -p
//! pykka-benches -- ask_from_thread`.
// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use pykka_benches::{Runner, Scenario, subjects};

fn scenarios(c: &mut Criterion) {
    let subjects = subjects();
    for scenario in Scenario::ALL {
        let mut group = c.benchmark_group(scenario.name());
        let mut ran = Vec::new();
        for subject in subjects.iter().filter(|s| s.supports(scenario)) {
            let mut runner: Option<Box<dyn Runner>> = None;
            let id = BenchmarkId::new(subject.kind().name(), subject.backend());
            group.bench_function(id, |b| {
                let runner = runner.get_or_insert_with(|| subject.prepare(scenario));
                b.iter_custom(|iters| runner.run(iters));
            });
            if runner.is_some() {
                ran.push(subject);
            }
            // Dropping the runner stops its actors before the next subject runs.
            drop(runner);
        }
        group.finish();
        if scenario == Scenario::Spawn {
            for subject in ran {
                let n = subject.idle_count();
                let bytes = subject.idle_memory(n);
                println!(
                    "spawn/{}: {bytes:.0} bytes resident per idle actor ({n} actors)",
                    subject.label()
                );
            }
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .sample_size(10);
    targets = scenarios
}
criterion_main!(benches);
