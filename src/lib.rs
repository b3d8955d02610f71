//! Pykka's actor model for Rust: actors with lifecycle hooks, `tell` and `ask` with
//! replies and timeouts, proxies that turn method calls into messages, and a registry
//! with `broadcast` and `stop_all`, the same actor running unchanged on OS threads, on
//! stackful coroutines, or on the smol or tokio executors.
//!
//! This is the facade crate: it re-exports [`pykka_core`] (the whole API) and, by
//! cargo feature, the backends.
//!
//! # Example
//!
//! ```
//! use pykka::{Actor, Context, DefaultRuntime, Failure};
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
//! let greeter = Greeter.start(&DefaultRuntime::default()).unwrap();
//! assert_eq!(greeter.ask("Joe".to_string()).unwrap(), "Hi there, Joe!");
//! greeter.stop();
//! ```
//!
//! # Features and choosing a backend
//!
//! | feature  | module           | runtime                      | an actor is                    |
//! |----------|------------------|------------------------------|--------------------------------|
//! | `thread` (default) | [`thread`] | `thread::ThreadRuntime` | an OS thread (Pykka's `ThreadingActor`) |
//! | `green`  | `green`          | `green::GreenRuntime` (made with `unsafe`) | a stackful may coroutine (Pykka's old gevent/eventlet actors) |
//! | `smol`   | `smol`           | `smol::SmolRuntime`          | a task on a smol executor      |
//! | `tokio`  | `tokio`          | `tokio::TokioRuntime`        | a task on a tokio multi-thread runtime |
//!
//! The `nats` feature adds `nats`: remote actors over a NATS server (the
//! `pykka-nats` crate), for any backend.
//!
//! Features are additive: enable several and use each runtime by name; actors of
//! different backends talk to each other freely. [`DefaultRuntime`] is a convenience
//! alias: `thread` if enabled, else `smol`, else `tokio`. It is never `green`: a green actor's
//! coroutine can resume on another OS thread after any wait, so making a
//! `GreenRuntime` is `unsafe` (its constructors' `# Safety` sections say what its
//! actors must never do with thread-bound state), and `DefaultRuntime::default()`
//! would be a safe way around that. With only `green`, or with no backend feature,
//! `DefaultRuntime` does not exist (`pykka` is then an API-only dependency, or you
//! make a `green::GreenRuntime` yourself). Nothing is detected at run time.
//!
//! Libraries should depend on `pykka-core` (or on `pykka` with
//! `default-features = false`) and be generic over `R: Runtime`; only applications
//! pick a backend.
//!
//! # Guides
//!
//! Each backend module carries its backend's guide (what an actor is there, how to
//! block in a handler, the runtime's knobs); [`guide`] is a porter's guide from Pykka
//! (sibling controllers, actors that start actors, several listener roles, ordering
//! between actors, timeouts).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings))))]

pub use pykka_core::*;

#[cfg(feature = "thread")]
#[cfg_attr(docsrs, doc(cfg(feature = "thread")))]
pub mod thread {
    // Inner, so that the guide's links resolve inside this module, as in the crate.
    #![doc = include_str!("../pykka-thread/src/guide.md")]

    // Not inlined: the items' pages are the backend crate's, whose links resolve there.
    #[doc(no_inline)]
    pub use pykka_thread::{ThreadReceiver, ThreadRuntime, ThreadRuntimeBuilder, ThreadSender};
}

#[cfg(feature = "green")]
#[cfg_attr(docsrs, doc(cfg(feature = "green")))]
pub mod green {
    // Inner, so that the guide's links resolve inside this module, as in the crate.
    #![doc = include_str!("../pykka-green/src/guide.md")]

    // Not inlined: the items' pages are the backend crate's, whose links resolve there.
    #[doc(no_inline)]
    pub use pykka_green::*;
}

#[cfg(feature = "smol")]
#[cfg_attr(docsrs, doc(cfg(feature = "smol")))]
pub mod smol {
    // Inner, so that the guide's links resolve inside this module, as in the crate.
    #![doc = include_str!("../pykka-smol/src/guide.md")]

    // Not inlined: the items' pages are the backend crate's, whose links resolve there.
    #[doc(no_inline)]
    pub use pykka_smol::*;
}

#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio {
    // Inner, so that the guide's links resolve inside this module, as in the crate.
    #![doc = include_str!("../pykka-tokio/src/guide.md")]

    // Not the `tokio` crate itself (`pykka_tokio::tokio`), and not inlined: the items'
    // pages are the backend crate's, whose links resolve there.
    #[doc(no_inline)]
    pub use pykka_tokio::{CurrentThreadError, TokioContext, TokioRuntime, TokioRuntimeBuilder};
}

#[cfg(feature = "nats")]
#[cfg_attr(docsrs, doc(cfg(feature = "nats")))]
pub mod nats {
    //! Remote actors over NATS: the [`pykka_nats`] crate (serve an actor under a name,
    //! reach it from any process with a [`RemoteRef`], broadcast to subscribers).
    #[doc(no_inline)]
    pub use pykka_nats::*;
}

pub mod guide {
    #![doc = include_str!("../docs/porting.md")]
}

cfg_if::cfg_if! {
    if #[cfg(feature = "thread")] {
        /// The runtime of the first enabled backend in the order `thread`, `smol`,
        /// `tokio` (here: `thread`). Never `green`, whose runtime needs an `unsafe`
        /// constructor.
        pub type DefaultRuntime = thread::ThreadRuntime;
    } else if #[cfg(feature = "smol")] {
        /// The runtime of the first enabled backend in the order `thread`, `smol`,
        /// `tokio` (here: `smol`). Never `green`, whose runtime needs an `unsafe`
        /// constructor.
        pub type DefaultRuntime = smol::SmolRuntime;
    } else if #[cfg(feature = "tokio")] {
        /// The runtime of the first enabled backend in the order `thread`, `smol`,
        /// `tokio` (here: `tokio`). Never `green`, whose runtime needs an `unsafe`
        /// constructor.
        pub type DefaultRuntime = tokio::TokioRuntime;
    }
}

/// The README's code blocks, compiled and run as doctests so that they cannot rot.
#[cfg(all(doctest, feature = "thread", feature = "nats"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
