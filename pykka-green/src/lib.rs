//! The green-thread backend of pykka: every actor is a stackful
//! [may](https://docs.rs/may) coroutine. Pykka's `GeventActor` and `EventletActor`.
//!
//! # When to choose it
//!
//! Choose it for many actors (tens of thousands) that mostly wait, and whose handlers
//! are plain synchronous code that blocks *on other actors*: `ask`, [`Reply::get`],
//! [`Event::wait`], a blocking `stop`, `stop_all`, `get_all` or a proxy field write
//! inside a handler parks only the actor's coroutine, and the worker thread runs other
//! actors meanwhile. So a chain of 64 actors, each blocked on the next one's reply,
//! completes on a single worker thread. Stay with `pykka-thread` when handlers call
//! blocking libraries (files, sockets, database drivers, `std::sync` waits); use
//! `pykka-smol` if your code is async.
//!
//! Callers outside the backend work as usual: the main thread, other threads and
//! actors of other backends ask green actors and wait on their replies (they block
//! their own thread, or park their own task), and green actors wait on them.
//!
//! # Caveats (may's rules)
//!
//! - **No thread-blocking calls in handlers.** `std::thread::sleep`, blocking I/O,
//!   `std::sync::mpsc::recv`, a contended `Mutex` held for long, or joining a thread
//!   block the whole worker thread and every actor scheduled on it; with one worker,
//!   that can deadlock the program. Wait through pykka (replies, events, asks), or
//!   through may's own primitives (`may::coroutine::sleep`, `may::sync`, `may::net`).
//! - **Thread-local storage.** A coroutine can resume on another worker after any
//!   wait, so a thread local read before an `ask` and after it may be two different
//!   values; `thread::current()` may change too. pykka itself keeps no per-actor state
//!   in thread locals on this backend. Do not block in `Drop` impls that may run while
//!   a panic unwinds (the unwinding state of std is per thread).
//! - **Stack size.** Each coroutine has a fixed stack ([`DEFAULT_STACK_SIZE`], 64 KiB)
//!   with a guard page. Deep recursion, large arrays on the stack or a panic with
//!   `RUST_BACKTRACE=1` on a small stack overflow it; an overflow is fatal (may reports
//!   "coroutine has overflowed its stack"; the actor is lost and its pending asks never
//!   resolve). Box large values, or raise the size.
//! - **Long loops.** Coroutines are not preempted: a handler that computes for a long
//!   time without waiting holds its worker. Call `may::coroutine::yield_now()` now and
//!   then in long loops, or move heavy computation to a thread actor.
//!
//! # Knobs
//!
//! [`GreenRuntime::builder`]:
//!
//! - [`workers`](GreenRuntimeBuilder::workers): may's worker threads (default: one per
//!   CPU). may has one scheduler per process, so this is **process-wide and
//!   first-claim-wins**: the first runtime built with an explicit count claims it (or,
//!   if none did, the first actor start fixes may's configured count), and a later
//!   [`try_build`](GreenRuntimeBuilder::try_build) asking for another count returns
//!   [`ConfigError::WorkersMismatch`]. Runtimes built without a count use the
//!   process's. Configure it once, early, typically in `main`.
//! - [`stack_size`](GreenRuntimeBuilder::stack_size): bytes per coroutine, **per
//!   runtime**. Memory is reserved (virtual) per coroutine and committed only as
//!   touched, so a bigger stack costs little resident memory but more address space;
//!   a smaller one allows nothing more (the count limit below is about maps, not size)
//!   and risks overflow. Coroutines of the default size reuse may's pooled stacks.
//!
//! # Talking with plain threads
//!
//! Waking a may worker that sleeps in `epoll_wait` from a plain thread costs tens of
//! microseconds on a small machine. So after a message from a plain thread that waits
//! for its reply (an `ask`, a proxy call, a blocking stop; say, `main` asking), a green
//! actor looks at its empty inbox for up to 20 µs, yielding to the other coroutines of
//! its worker, before it parks: a thread's next request then finds it awake (a round
//! trip from `main` takes well under a microsecond instead of ~25 µs). Tells (a thread
//! streaming messages wakes the actor once per batch) and messages between coroutines
//! never trigger this.
//!
//! # How many actors
//!
//! may maps every coroutine stack with a guard page: two memory maps per live
//! coroutine. Linux allows `vm.max_map_count` maps per process (65530 by default), so
//! about 32,000 live green actors by default (fewer if the program maps much else).
//! Past that, starting an actor fails with a
//! [`StartError`](pykka_core::StartError). Raise the ceiling with, for example,
//! `sudo sysctl -w vm.max_map_count=262144` (persist it in `/etc/sysctl.d/`).
//!
//! # Example
//!
//! ```
//! use pykka_core::{Actor, ActorRef, Context, Failure};
//! use pykka_green::GreenRuntime;
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
//! // Blocks on the doubler's reply inside its handler: only its coroutine waits.
//! struct Client(ActorRef<Doubler>);
//! impl Actor for Client {
//!     type Message = u32;
//!     type Reply = u32;
//!     fn on_receive(&mut self, n: u32, _: &Context<Self>) -> Result<u32, Failure> {
//!         self.0.ask(n).map(|d| d + 1).map_err(Failure::new)
//!     }
//! }
//!
//! let rt = GreenRuntime::default();
//! let doubler = Doubler.start(&rt).unwrap();
//! let client = Client(doubler.clone()).start(&rt).unwrap();
//! assert_eq!(client.ask(20).unwrap(), 41);
//! client.stop();
//! doubler.stop();
//! ```
//!
//! Settings, and the process-wide worker count:
//!
//! ```
//! use pykka_green::{ConfigError, GreenRuntime};
//!
//! let n = GreenRuntime::worker_count();
//! let rt = GreenRuntime::builder().workers(n).stack_size(128 * 1024).try_build().unwrap();
//! assert_eq!(rt.stack_size(), 128 * 1024);
//! assert!(matches!(
//!     GreenRuntime::builder().workers(n + 1).try_build(),
//!     Err(ConfigError::WorkersMismatch { .. })
//! ));
//! ```
//!
//! [`Reply::get`]: pykka_core::Reply::get
//! [`Event::wait`]: pykka_core::Event::wait
#![deny(unsafe_code)]

mod config;
mod inbox;
mod probe;
mod spawn;

use std::io;

use pykka_core::{Actor, ActorLoop, Envelope, Runtime};

pub use config::{ConfigError, DEFAULT_STACK_SIZE, MIN_STACK_SIZE};
pub use inbox::{GreenReceiver, GreenSender};
pub use pykka_core;

/// Runs every actor as a may coroutine. Cheap to clone; `Default` uses may's worker
/// count (one per CPU unless already claimed) and [`DEFAULT_STACK_SIZE`].
///
/// ```
/// let rt = pykka_green::GreenRuntime::default();
/// assert_eq!(rt.stack_size(), pykka_green::DEFAULT_STACK_SIZE);
/// ```
#[derive(Debug, Clone)]
pub struct GreenRuntime {
    /// Per-coroutine stack, in machine words (may's unit).
    stack_words: usize,
}

impl Default for GreenRuntime {
    fn default() -> Self {
        probe::ensure_registered();
        config::adopt_default_stack();
        GreenRuntime {
            stack_words: stack_words(DEFAULT_STACK_SIZE),
        }
    }
}

impl GreenRuntime {
    /// A runtime with the default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder for a runtime with other settings.
    pub fn builder() -> GreenRuntimeBuilder {
        GreenRuntimeBuilder::default()
    }

    /// The stack size of this runtime's coroutines, in bytes.
    pub fn stack_size(&self) -> usize {
        self.stack_words * size_of::<usize>()
    }

    /// The number of may worker threads of the process: the claimed count, or the
    /// count may will use if no runtime claimed one yet.
    ///
    /// ```
    /// assert!(pykka_green::GreenRuntime::worker_count() >= 1);
    /// ```
    pub fn worker_count() -> usize {
        config::current_workers()
    }
}

/// Settings for a [`GreenRuntime`].
///
/// ```
/// use pykka_green::GreenRuntime;
///
/// let rt = GreenRuntime::builder().stack_size(128 * 1024).try_build().unwrap();
/// assert_eq!(rt.stack_size(), 128 * 1024);
/// ```
#[derive(Debug, Default, Clone)]
pub struct GreenRuntimeBuilder {
    workers: Option<usize>,
    stack_size: Option<usize>,
}

impl GreenRuntimeBuilder {
    /// The number of may worker threads for the whole process (default: one per CPU).
    /// See [`try_build`](Self::try_build) for why this is process-wide.
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = Some(workers);
        self
    }

    /// The stack size of this runtime's coroutines, in bytes, rounded up to a multiple
    /// of 4 KiB (default: [`DEFAULT_STACK_SIZE`]), at least [`MIN_STACK_SIZE`]. Unlike
    /// the worker count, this is per runtime.
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = Some(bytes);
        self
    }

    /// The runtime, or why these settings cannot be used.
    ///
    /// # Errors
    ///
    /// - [`ConfigError::ZeroWorkers`] for `workers(0)`;
    /// - [`ConfigError::StackTooSmall`] for a stack below [`MIN_STACK_SIZE`];
    /// - [`ConfigError::WorkersMismatch`] when the process already committed to
    ///   another worker count.
    pub fn try_build(self) -> Result<GreenRuntime, ConfigError> {
        let stack_words = match self.stack_size {
            None => stack_words(DEFAULT_STACK_SIZE),
            Some(bytes) if bytes < MIN_STACK_SIZE => {
                return Err(ConfigError::StackTooSmall { requested: bytes });
            }
            Some(bytes) => stack_words(bytes),
        };
        match self.workers {
            Some(0) => return Err(ConfigError::ZeroWorkers),
            Some(n) => config::claim_workers(n)?,
            None => {}
        }
        probe::ensure_registered();
        config::adopt_default_stack();
        Ok(GreenRuntime { stack_words })
    }
}

/// Bytes to may's unit (machine words), rounded up to whole 4 KiB pages, which also
/// keeps the word count even (an odd count switches on may's stack-usage tracing).
pub(crate) fn stack_words(bytes: usize) -> usize {
    const PAGE: usize = 4096;
    bytes.div_ceil(PAGE).saturating_mul(PAGE) / size_of::<usize>()
}

impl Runtime for GreenRuntime {
    const NAME: &'static str = "green";

    type Sender<M: Send + 'static> = GreenSender<M>;
    // Core's mailbox, received by parking the coroutine (see `inbox`).
    type Receiver<M: Send + 'static> = GreenReceiver<M>;

    fn inbox<M: Send + 'static>(&self) -> (GreenSender<M>, GreenReceiver<M>) {
        inbox::inbox()
    }

    fn spawn<A: Actor>(
        &self,
        inbox: GreenReceiver<Envelope<A>>,
        actor_loop: ActorLoop<A>,
    ) -> io::Result<()> {
        probe::ensure_registered();
        config::fix_workers();
        let name = actor_loop.name();
        spawn::spawn_coroutine(name, self.stack_words, move || {
            actor_loop.run_blocking(inbox, |rx| rx.recv());
        })
    }
}
