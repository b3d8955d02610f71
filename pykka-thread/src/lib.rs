//! The OS-thread backend of pykka: every actor runs on its own OS thread, with a
//! crossbeam-channel inbox. Pykka's `ThreadingActor`.
//!
//! # When to choose it
//!
//! It is the default and the simplest: a handler may block on anything (files,
//! sockets, locks, other actors' replies) without affecting other actors, and every
//! debugger and profiler understands it. Its costs are those of threads: about a
//! thread's stack of memory per actor (reserved, mostly not resident), and a kernel
//! context switch per message that wakes an idle actor. Thousands of actors are fine;
//! hundreds of thousands are not (use `pykka-green` or `pykka-smol`).
//!
//! # Knobs
//!
//! [`ThreadRuntime::builder`] sets the stack size of actor threads and a prefix for
//! their names (`Prefix-TypeName-N`; by default Pykka's `TypeName-N`).
//!
//! # Daemon threads
//!
//! Pykka's `use_daemon_thread` decides whether an actor's thread keeps the Python
//! process alive. A Rust process ends when `main` returns, whatever other threads are
//! running, so every actor thread here is what Python calls a daemon thread: stop your
//! actors (for example with [`ActorRegistry::stop_all`](pykka_core::ActorRegistry::stop_all))
//! before `main` returns if their `on_stop` must run.
//!
//! # Example
//!
//! ```
//! use pykka_core::{Actor, Context, Failure};
//! use pykka_thread::ThreadRuntime;
//!
//! struct Doubler;
//! impl Actor for Doubler {
//!     type Message = u32;
//!     type Reply = u32;
//!     fn on_receive(&mut self, n: u32, _: &Context<Self>) -> Result<u32, Failure> {
//!         Ok(2 * n)
//!     }
//! }
//!
//! let rt = ThreadRuntime::builder().stack_size(256 * 1024).build();
//! let doubler = Doubler.start(&rt).unwrap();
//! assert_eq!(doubler.ask(21).unwrap(), 42);
//! doubler.stop();
//! ```
#![forbid(unsafe_code)]

use std::io;
use std::sync::Arc;
use std::thread;

use crossbeam_channel::{Receiver, Sender};
use pykka_core::rt::context::OsThread;
use pykka_core::rt::{ActorTask, InboxSender, RecvBlocking};
use pykka_core::{Actor, Runtime};

pub use pykka_core;

/// Runs every actor on its own OS thread. Cheap to clone; `Default` is Pykka's
/// behaviour (threads named `TypeName-N`, the platform's default stack size).
#[derive(Debug, Clone, Default)]
pub struct ThreadRuntime {
    config: Arc<Config>,
}

#[derive(Debug, Default)]
struct Config {
    stack_size: Option<usize>,
    name_prefix: Option<String>,
}

impl ThreadRuntime {
    /// A runtime with the default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder for a runtime with other settings.
    pub fn builder() -> ThreadRuntimeBuilder {
        ThreadRuntimeBuilder::default()
    }
}

/// Settings for a [`ThreadRuntime`].
///
/// ```
/// let rt = pykka_thread::ThreadRuntime::builder()
///     .stack_size(512 * 1024)
///     .thread_name_prefix("audio")
///     .build();
/// # drop(rt);
/// ```
#[derive(Debug, Default)]
pub struct ThreadRuntimeBuilder {
    config: Config,
}

impl ThreadRuntimeBuilder {
    /// The stack size of actor threads, in bytes (default: the platform's, usually
    /// 2 MiB, or `RUST_MIN_STACK`).
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.config.stack_size = Some(bytes);
        self
    }

    /// A prefix for thread names: `prefix-TypeName-N`.
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.config.name_prefix = Some(prefix.into());
        self
    }

    /// The former name of [`thread_name_prefix`](Self::thread_name_prefix).
    #[deprecated(
        since = "0.1.1",
        note = "renamed thread_name_prefix, as on every backend"
    )]
    pub fn name_prefix(self, prefix: impl Into<String>) -> Self {
        self.thread_name_prefix(prefix)
    }

    /// The runtime.
    pub fn build(self) -> ThreadRuntime {
        ThreadRuntime {
            config: Arc::new(self.config),
        }
    }
}

/// The sending half of a thread actor's inbox.
#[derive(Debug)]
pub struct ThreadSender<M>(Sender<M>);

impl<M: Send + 'static> InboxSender<M> for ThreadSender<M> {
    fn send(&self, message: M) -> Result<(), M> {
        self.0.send(message).map_err(|e| e.into_inner())
    }
}

/// The receiving half of a thread actor's inbox.
#[derive(Debug)]
pub struct ThreadReceiver<M>(Receiver<M>);

impl<M: Send + 'static> RecvBlocking<M> for ThreadReceiver<M> {
    /// A thread actor blocks in its receive: it never looks before it parks.
    fn recv(&mut self, _after_outside_ask: bool) -> Option<M> {
        self.0.recv().ok()
    }

    fn next_queued(&mut self) -> Option<M> {
        self.0.try_recv().ok()
    }
}

impl Runtime for ThreadRuntime {
    const NAME: &'static str = "thread";

    type Sender<M: Send + 'static> = ThreadSender<M>;
    // crossbeam-channel drops every buffered message when the last receiver goes, and
    // fails later sends: the closing rule of the trait.
    type Receiver<M: Send + 'static> = ThreadReceiver<M>;
    type Context = OsThread;

    fn inbox<M: Send + 'static>(&self) -> (ThreadSender<M>, ThreadReceiver<M>) {
        let (tx, rx) = crossbeam_channel::unbounded();
        (ThreadSender(tx), ThreadReceiver(rx))
    }

    fn spawn<A: Actor>(&self, task: ActorTask<A, Self>) -> io::Result<()> {
        let name = match &self.config.name_prefix {
            Some(prefix) => format!("{prefix}-{}", task.name()),
            None => task.name(),
        };
        let mut builder = thread::Builder::new().name(name);
        if let Some(size) = self.config.stack_size {
            builder = builder.stack_size(size);
        }
        builder.spawn(move || task.run_blocking())?;
        Ok(())
    }
}
