//! The whole conformance suite again, with every green actor on one may worker thread:
//! every wait inside a handler must park its coroutine, never the thread. (may's worker
//! count is process-wide: this file is a process of its own.)

mod common;

pykka_conformance::suite!(
    common::build(pykka_green::GreenRuntime::builder().worker_threads(1)).unwrap()
);
