//! How the conformance test files make their green runtimes.
#![allow(dead_code, unreachable_pub)]

use pykka_green::{ConfigError, GreenRuntime, GreenRuntimeBuilder};

/// A green runtime from `builder`'s settings, for the conformance suite's actors.
///
/// The suite keeps `GreenRuntime::new`'s contract: its actors (`pykka_conformance`'s
/// `support` module and the cases' own) hold no std guard, stdout lock or thread-local
/// borrow across a wait (the locks they take, on an event list, a log capture or a
/// registry, are released before they wait again), never wait while unwinding, and
/// never rely on the thread staying the same across a wait.
pub fn build(builder: GreenRuntimeBuilder) -> Result<GreenRuntime, ConfigError> {
    // SAFETY: the suite's actors keep no thread-bound state across waits and never
    // rely on their thread staying the same (the argument is in the doc comment above).
    unsafe { builder.build() }
}
