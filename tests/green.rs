//! The whole conformance suite on the green backend (may's default worker count).

pykka_core::suite!(pykka_green::GreenRuntime::default());
