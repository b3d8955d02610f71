//! The conformance suite on a smol runtime with a single worker thread: every blocking
//! wait in a handler must hand the only worker's place over.

pykka_conformance::suite!(pykka_smol::SmolRuntime::builder().worker_threads(1).build());
