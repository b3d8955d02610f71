//! The conformance suite and the thread-specific cases on the OS-thread backend.

pykka_core::suite!(pykka_thread::ThreadRuntime::default());
