//! The whole conformance suite on a tokio runtime with one worker thread: every wait in
//! a handler must hand the only worker on.

pykka_conformance::suite!(
    pykka_tokio::TokioRuntime::builder()
        .worker_threads(1)
        .build()
        .unwrap()
);
