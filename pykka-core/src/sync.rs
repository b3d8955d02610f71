//! The synchronisation primitives of core's concurrency protocols, switched to
//! [loom](https://docs.rs/loom)'s under `cfg(loom)`.
//!
//! Only what the loom models explore goes through here: the `Mutex` of a reply's,
//! an event's and a mailbox's state, the `AtomicBool`s of a reply (`done`,
//! `hooked`) and of a mailbox (`queued`), and the wait records of the ask-cycle check
//! (`AtomicU64`, `fence`). `Arc`/`Weak` stay std's (loom's `Arc`
//! cannot hold an `Arc<dyn Trait>`), and so do statics (loom's constructors are not
//! `const`).
//!
//! # Verification
//!
//! `pykka-core/tests/loom.rs` holds loom models that run the real code of three
//! protocols under every interleaving loom explores: a reply completed by `set` while
//! one thread blocks in `get` and another polls it (or a `map` of it) as a future, and
//! a panicking combinator read on two threads (both get `AskError::Failed`); a mailbox
//! closed while a send and a blocking `recv` race (every message received or dropped
//! exactly once, and the `recv` returns); and a parker woken from another thread
//! before or during its park. A thread left parked forever is a loom deadlock, so the
//! models also check that no wait hangs. Run them with
//! `RUSTFLAGS="--cfg loom" cargo test -p pykka-core --test loom --release` (CI sets
//! `CARGO_TARGET_DIR=target/loom` so that the main build cache stays valid).
//! Miri adds little here: core forbids `unsafe`, and the may backend cannot run under
//! Miri.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, fence};
#[cfg(loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, fence};
#[cfg(not(loom))]
pub(crate) use std::sync::{Mutex, MutexGuard};
