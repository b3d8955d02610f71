//! The whole conformance suite on a tokio runtime of its own (one worker per core), and
//! the cross-runtime cases with the thread backend.

use pykka_thread::ThreadRuntime;
use pykka_tokio::TokioRuntime;

fn tokio_runtime() -> TokioRuntime {
    TokioRuntime::builder().build().unwrap()
}

pykka_conformance::suite!(tokio_runtime());
pykka_conformance::cross_suite!(tokio_thread; tokio_runtime(), ThreadRuntime::default());
pykka_conformance::cross_suite!(thread_tokio; ThreadRuntime::default(), tokio_runtime());
pykka_conformance::cross_suite!(tokio_tokio; tokio_runtime(), TokioRuntime::default());
