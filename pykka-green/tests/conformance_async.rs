//! The whole conformance suite again, every actor of it handling its messages in an
//! async handler that suspends once (issue 14): on the green backend the future is
//! driven on the actor's own coroutine, which parks while it is pending.

mod common;

use pykka_conformance::support::with_async_handlers;

pykka_conformance::suite!(with_async_handlers(
    common::build(pykka_green::GreenRuntime::builder()).unwrap()
));
