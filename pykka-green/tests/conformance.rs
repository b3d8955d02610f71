//! The whole conformance suite on the green backend (may's default worker count).

mod common;

pykka_conformance::suite!(common::build(pykka_green::GreenRuntime::builder()).unwrap());
