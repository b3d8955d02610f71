//! The whole conformance suite again, every actor of it handling its messages in an
//! async handler that suspends once (issue 14): on the thread backend the future is
//! driven on the actor's own thread, which parks while it is pending.

use pykka_conformance::support::with_async_handlers;

pykka_conformance::suite!(with_async_handlers(pykka_thread::ThreadRuntime::default()));
