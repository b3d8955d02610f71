//! The whole conformance suite again, every actor of it handling its messages in an
//! async handler that suspends once (issue 14): on smol the actor's task yields while
//! the future is pending, holding no worker.

use pykka_conformance::support::with_async_handlers;

pykka_conformance::suite!(with_async_handlers(pykka_smol::SmolRuntime::default()));
