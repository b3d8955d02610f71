//! The conformance suite with async handlers on a smol runtime with a single worker
//! thread: every actor runs from that worker's run queue, the actor woken last first
//! (the worker's slot), and a handler that blocks moves that actor to the shared queue
//! before it hands the worker's place over.

use pykka_conformance::support::with_async_handlers;

pykka_conformance::suite!(with_async_handlers(
    pykka_smol::SmolRuntime::builder().worker_threads(1).build()
));
