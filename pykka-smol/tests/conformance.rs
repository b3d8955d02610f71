//! The conformance suite on the smol backend (default worker count), plus the shared
//! blocking chain on one and two workers.

pykka_conformance::suite!(pykka_smol::SmolRuntime::default());

#[test]
fn conformance_blocking_chain_of_64_on_one_worker() {
    pykka_conformance::stress::blocking_chain(
        pykka_smol::SmolRuntime::builder().worker_threads(1).build(),
        64,
    );
}

#[test]
fn conformance_blocking_chain_of_64_on_two_workers() {
    pykka_conformance::stress::blocking_chain(
        pykka_smol::SmolRuntime::builder().worker_threads(2).build(),
        64,
    );
}
