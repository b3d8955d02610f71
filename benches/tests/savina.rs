//! Every Savina benchmark, run once on every backend, returns its checksum: the
//! implementations follow their protocols (speed is measured by `compare`, never here).

use pykka_benches::savina::pykka_logmap::{Form, logmap};
use pykka_benches::savina::{Bench, pykka};
use pykka_core::Runtime;

fn all_benchmarks<R: Runtime>(rt: &R) {
    for bench in Bench::ALL {
        let (_, sum) = pykka::run(rt, bench);
        assert_eq!(sum, bench.checksum(), "{} on {}", bench.name(), R::NAME);
    }
}

#[test]
fn on_thread() {
    all_benchmarks(&pykka_thread::ThreadRuntime::default());
}

#[test]
fn on_green() {
    all_benchmarks(&pykka_benches::green_runtime());
}

#[test]
fn on_smol() {
    all_benchmarks(&pykka_smol::SmolRuntime::default());
}

#[test]
fn on_tokio() {
    all_benchmarks(&pykka_tokio::TokioRuntime::default());
}

#[test]
fn logmap_with_async_handlers() {
    let one_worker = pykka_smol::SmolRuntime::builder().worker_threads(1).build();
    for (name, sum) in [
        ("smol1", logmap(&one_worker, Form::Awaiting).1),
        (
            "tokio",
            logmap(&pykka_tokio::TokioRuntime::default(), Form::Awaiting).1,
        ),
        (
            "thread",
            logmap(&pykka_thread::ThreadRuntime::default(), Form::Awaiting).1,
        ),
    ] {
        assert_eq!(sum, Bench::LogMap.checksum(), "on {name}");
    }
}
