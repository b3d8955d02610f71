//! The whole conformance suite again, with every green actor on one may worker thread:
//! every wait inside a handler must park its coroutine, never the thread.

pykka_core::suite!(
    pykka_green::GreenRuntime::builder()
        .workers(1)
        .try_build()
        .unwrap()
);
