//! The runtime-independent heart of [pykka](https://docs.rs/pykka): Pykka's actor model
//! for Rust.
//!
//! This crate holds every piece of the semantics: [`Actor`] and its lifecycle hooks,
//! [`ActorRef`] with `tell`/`ask`/`stop`, [`Reply`] (Pykka's `Future`), [`Proxy`],
//! [`ActorRegistry`] (with event subscriptions through [`Recipient`]s), [`Event`],
//! death watch ([`ActorRef::stopped`], [`Context::watch`], [`StopReason`]), and
//! the logging. It is generic over a [`Runtime`]
//! that supplies inboxes and runs actor loops; the backends are `pykka-thread` (OS
//! threads), `pykka-green` (may coroutines) and `pykka-smol` (the smol executor).
//!
//! Applications normally depend on the `pykka` facade and pick a backend with a cargo
//! feature. Libraries should depend on `pykka-core` (or on `pykka` with
//! `default-features = false`) and stay generic over `R: Runtime`, leaving the choice
//! of backend to the application.
//!
//! # Example
//!
//! ```
//! use pykka_core::{Actor, Context, Failure};
//! use pykka_thread::ThreadRuntime;
//!
//! struct Greeter;
//!
//! impl Actor for Greeter {
//!     type Message = String;
//!     type Reply = String;
//!
//!     fn on_receive(&mut self, name: String, _ctx: &Context<Self>) -> Result<String, Failure> {
//!         Ok(format!("Hi there, {name}!"))
//!     }
//! }
//!
//! let greeter = Greeter.start(&ThreadRuntime::default()).unwrap();
//! assert_eq!(greeter.ask("Joe".to_string()).unwrap(), "Hi there, Joe!");
//! greeter.stop();
//! ```
//!
//! # Logging
//!
//! pykka logs through the [`log`](https://docs.rs/log) crate with target `pykka`, at
//! Pykka 4.x's levels and with its message shapes (`{actor}` is `Name (urn:uuid:…)`):
//!
//! | level | message |
//! |-------|---------|
//! | ERROR | `Unhandled exception in {actor}: {failure}`: a told message, `on_start`, `on_stop` or `on_failure` failed |
//! | WARNING | `Unexpected message received by {actor}` (the default `on_receive`), `…: {message}` where [`Actor::describe_message`] shows it |
//! | INFO  | `Exception returned from {actor} to caller: {failure}`: a failure went to an asker |
//! | DEBUG | `Registered {actor}`, `Starting {actor}`, `Unregistered {actor}` (or `… (not found in registry)`), `Stopped {actor}` |
//! | DEBUG | `Dropped 3 queued messages of {actor}: 2 tells, 1 call`: the actor's end (a stop, a failure) left messages unhandled; the asks among them fail with [`ActorDeadError`] |
//! | DEBUG | `{watcher} watches {actor}`, `{watcher} no longer watches {actor}`, `Notifying {watcher} that {actor} {reason}` ([`Context::watch`], [`StopReason`]) |
//! | DEBUG | `{supervisor} restarts 1 child(ren) (OneForOne) after {actor} {reason}`, `{supervisor} does not restart {actor} {reason}` ([`Supervisor`]) |
//! | ERROR | `Unhandled exception in {supervisor}: gave up: more than 3 restarts in 5s (last: {actor} {reason})`: a [`Supervisor`] past its restart intensity fails |
//!
//! A panic that pykka catches is logged as a failure, and Rust's panic hook prints it
//! too (with a backtrace under `RUST_BACKTRACE`); [`quiet_caught_panics`] keeps the
//! hook quiet for those panics only.
//!
//! # Deadlocks and debugging
//!
//! A wait that would close an ask cycle (A waits for B's reply while B waits for A's,
//! through any number of actors and backends) fails at once with
//! [`AskError::Deadlock`] naming the cycle, and [`debug::snapshot`] shows what every
//! actor and every blocked plain thread is doing: see the [`debug`] module.
//!
//! # Verification
//!
//! Every backend runs the conformance suite of the
//! [`pykka-conformance`](https://docs.rs/pykka-conformance) crate. Besides,
//! `tests/loom.rs` model-checks with
//! [loom](https://docs.rs/loom) the real code of a reply's completion (blocking getters,
//! awaiting, combinators, a panicking `map`), a mailbox's close racing a send and a
//! receive, and the parker's wake-before-park; the ask-cycle check's publication
//! protocol has models of its own (`debug::wait_graph`, run with `--lib loom_models`);
//! `tests/loom_places.rs` does the same for
//! the smol pool's thread places (lend, take back, retire, idle, shutdown, the cap) and
//! its workers' wake-up flag. Run them with
//! `RUSTFLAGS="--cfg loom" cargo test -p pykka-core --test loom --test loom_places --release`.
//! Miri adds little: this crate forbids `unsafe`, and the may backend cannot run under
//! Miri.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings))))]

mod actor;
mod actor_loop;
mod actor_ref;
mod actor_task;
mod any_ref;
mod any_task;
mod bounded;
mod contain;
pub mod debug;
mod error;
mod event;
mod failure;
mod marks;
mod proxy;
mod quiet;
mod recipient;
mod registry;
mod reply;
pub mod rt;
mod runtime;
mod sleep;
mod supervisor;
mod sync;
#[cfg(test)]
mod test_refs;
#[cfg(test)]
mod test_wakers;
mod timers;
mod typed_proxy;
mod waiters;
mod watch;

pub use actor::{Actor, Context, describe_debug};
pub use actor_ref::ActorRef;
pub use any_ref::AnyActorRef;
pub use error::{
    ActorDeadError, AskError, DeadKind, DeadlockError, SetError, StartError, TellTimeoutError,
    TimeoutError, TryTellError,
};
pub use event::Event;
pub use failure::{Failure, FailureError};
pub use proxy::Proxy;
pub use quiet::quiet_caught_panics;
pub use recipient::Recipient;
pub use registry::{ActorRegistry, NotRegisteredError};
pub use reply::{Reply, get_all, get_all_timeout};
pub use runtime::Runtime;
pub use sleep::{sleep, sleep_until};
pub use supervisor::{ChildSpec, Restart, Strategy, Supervisor, SupervisorMsg};
pub use timers::TimerHandle;
pub use typed_proxy::{CallMode, Deferred, Fallible};
pub use watch::{Ended, StopReason, WatchError, WatchId};
