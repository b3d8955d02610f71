//! The whole conformance suite on the green backend (may's default worker count).

mod common;

pykka_core::suite!(common::green_runtime());
