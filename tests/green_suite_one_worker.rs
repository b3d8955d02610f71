//! The whole conformance suite again, with every green actor on one may worker thread:
//! every wait inside a handler must park its coroutine, never the thread.

mod common;

pykka_core::suite!(common::build_green(pykka_green::GreenRuntime::builder().workers(1)).unwrap());
