//! The cross-runtime cases of the conformance suite (`pykka_conformance::cross_suite!`)
//! on every pair of built-in backends, in both orders, and on two runtimes of one
//! backend.

mod common;

use common::green_runtime;
use pykka_smol::SmolRuntime;
use pykka_thread::ThreadRuntime;

fn smol_one_worker() -> SmolRuntime {
    SmolRuntime::builder().worker_threads(1).build()
}

fn tokio_one_worker() -> pykka_tokio::TokioRuntime {
    pykka_tokio::TokioRuntime::builder()
        .worker_threads(1)
        .build()
        .unwrap()
}

pykka_conformance::cross_suite!(thread_green; ThreadRuntime::default(), green_runtime());
pykka_conformance::cross_suite!(green_thread; green_runtime(), ThreadRuntime::default());
pykka_conformance::cross_suite!(thread_smol; ThreadRuntime::default(), smol_one_worker());
pykka_conformance::cross_suite!(smol_thread; smol_one_worker(), ThreadRuntime::default());
pykka_conformance::cross_suite!(green_smol; green_runtime(), smol_one_worker());
pykka_conformance::cross_suite!(smol_green; smol_one_worker(), green_runtime());
pykka_conformance::cross_suite!(smol_smol; smol_one_worker(), smol_one_worker());
pykka_conformance::cross_suite!(tokio_green; tokio_one_worker(), green_runtime());
pykka_conformance::cross_suite!(green_tokio; green_runtime(), tokio_one_worker());
pykka_conformance::cross_suite!(tokio_smol; tokio_one_worker(), smol_one_worker());
pykka_conformance::cross_suite!(smol_tokio; smol_one_worker(), tokio_one_worker());
