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
//! # Making a runtime is `unsafe`
//!
//! A coroutine that parks (in an `ask`, a `get`, a blocking `stop`, …) can resume on
//! another worker thread, and Rust cannot see that move: a thread-bound value held
//! across the wait (a `MutexGuard`, `stdout().lock()`, a borrow of a `thread_local!`)
//! would then be used on the wrong thread, which is undefined behaviour. may therefore
//! makes spawning a coroutine `unsafe`, and pykka-green passes that obligation on to
//! whoever makes a runtime: [`GreenRuntime::new`] and
//! [`GreenRuntimeBuilder::build`] are `unsafe fn`s, whose `# Safety` sections state
//! what the actors started on the runtime must never do. There is no safe way to make
//! a `GreenRuntime` (no `Default`), so `pykka::DefaultRuntime` is never green.
//!
//! # Caveats (may's rules)
//!
//! - **Thread-bound state across waits** is the safety contract of
//!   [`GreenRuntime::new`]: no thread-bound guard or thread-local borrow held across a
//!   wait, no reliance on `thread::current()` or thread-local values staying the same
//!   across one, no wait while a panic unwinds. pykka itself keeps no per-actor state
//!   in thread locals on this backend.
//! - **No thread-blocking calls in handlers.** `std::thread::sleep`, blocking I/O,
//!   `std::sync::mpsc::recv`, a contended `Mutex` held for long, or joining a thread
//!   block the whole worker thread and every actor scheduled on it; with one worker,
//!   that can deadlock the program. This is a liveness matter, not a safety one (it is
//!   not part of the constructors' contract). Wait through pykka (replies, events,
//!   asks; [`pykka_core::sleep`] instead of `std::thread::sleep`: it parks only the
//!   coroutine), or through may's own primitives (`may::coroutine::sleep`,
//!   `may::sync`, `may::net`).
//! - **Stack size.** Each coroutine has a fixed stack ([`DEFAULT_STACK_SIZE`], 64 KiB)
//!   with a guard page. Deep recursion, large arrays on the stack or a panic with
//!   `RUST_BACKTRACE=1` on a small stack overflow it. An overflow **aborts the
//!   process**, as a thread's stack overflow does: the guard-page handler of may's
//!   `generator` crate prints "coroutine in thread '…' has overflowed its stack" and
//!   abandons the coroutine without unwinding it (left at that, the actor would stay
//!   "alive" with its asks never answered), and pykka-green then prints "actor '…' has
//!   overflowed its green coroutine stack (… bytes …)" and aborts (`SIGABRT` on Unix).
//!   (If the overflow wrote to the lowest words of the stack, may itself ends the
//!   process first, with "stack overflow detected" and exit status 1.) Box large
//!   values, or raise the size. That handler is process-wide once a coroutine has run:
//!   a plain *thread* that overflows its stack then still ends the process, but with
//!   "assertion failed: is_generator()" and a crash instead of std's message.
//! - **Long loops.** Coroutines are not preempted: a handler that computes for a long
//!   time without waiting holds its worker. Call `may::coroutine::yield_now()` now and
//!   then in long loops, or move heavy computation to a thread actor.
//!
//! # Knobs
//!
//! [`GreenRuntime::builder`]:
//!
//! - [`worker_threads`](GreenRuntimeBuilder::worker_threads): may's worker threads (default: one per
//!   CPU). may has one scheduler per process, so this is **process-wide and
//!   first-claim-wins**: the first runtime built with an explicit count claims it (or,
//!   if none did, the first actor start fixes may's configured count), and a later
//!   [`build`](GreenRuntimeBuilder::build) asking for another count returns
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
//! // SAFETY: the actors started on `rt` (Doubler, Client) hold no thread-bound state
//! // (no guards, no thread locals) and never look at the thread they run on.
//! let rt = unsafe { GreenRuntime::new() };
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
//! let builder = GreenRuntime::builder().worker_threads(n).stack_size(128 * 1024);
//! // SAFETY: no actor is ever started on this runtime, so no actor can break the
//! // contract.
//! let rt = unsafe { builder.build() }.unwrap();
//! assert_eq!(rt.stack_size(), 128 * 1024);
//! // SAFETY: this fails (another worker count), so there is no runtime to misuse.
//! let other = unsafe { GreenRuntime::builder().worker_threads(n + 1).build() };
//! assert!(matches!(other, Err(ConfigError::WorkersMismatch { .. })));
//! ```
//!
//! [`Reply::get`]: pykka_core::Reply::get
//! [`Event::wait`]: pykka_core::Event::wait
#![deny(unsafe_code)]

mod config;
mod inbox;
mod overflow;
mod probe;
mod spawn;

use std::io;

use pykka_core::rt::ActorTask;
use pykka_core::{Actor, Runtime};

pub use config::{ConfigError, DEFAULT_STACK_SIZE, MIN_STACK_SIZE};
pub use inbox::{GreenReceiver, GreenSender};
pub use probe::GreenContext;
pub use pykka_core;

/// Runs every actor as a may coroutine. Cheap to clone (a clone is the same runtime,
/// under the same contract).
///
/// Made only with `unsafe`: [`GreenRuntime::new`] (may's worker count, one per CPU
/// unless already claimed, and [`DEFAULT_STACK_SIZE`]) or
/// [`GreenRuntime::builder`] and [`GreenRuntimeBuilder::build`].
///
/// ```
/// // SAFETY: no actor is started on this runtime.
/// let rt = unsafe { pykka_green::GreenRuntime::new() };
/// assert_eq!(rt.stack_size(), pykka_green::DEFAULT_STACK_SIZE);
/// ```
///
/// There is no safe way to make one: no `Default`,
///
/// ```compile_fail,E0599
/// let rt = pykka_green::GreenRuntime::default();
/// ```
///
/// and neither constructor can be called outside `unsafe`:
///
/// ```compile_fail,E0133
/// let rt = pykka_green::GreenRuntime::new();
/// ```
///
/// ```compile_fail,E0133
/// let rt = pykka_green::GreenRuntime::builder().build();
/// ```
#[derive(Debug, Clone)]
pub struct GreenRuntime {
    /// Per-coroutine stack, in machine words (may's unit).
    stack_words: usize,
}

impl GreenRuntime {
    /// A runtime with the default settings: may's worker count (one per CPU unless the
    /// process already claimed a count) and [`DEFAULT_STACK_SIZE`].
    ///
    /// ```
    /// use pykka_core::{Actor, Context, Failure};
    ///
    /// struct Echo;
    /// impl Actor for Echo {
    ///     type Message = u8;
    ///     type Reply = u8;
    ///     fn on_receive(&mut self, m: u8, _: &Context<Self>) -> Result<u8, Failure> {
    ///         Ok(m)
    ///     }
    /// }
    ///
    /// // SAFETY: `Echo` only returns its message: it never waits, holds nothing tied
    /// // to its thread, and keeps no thread-local state.
    /// let rt = unsafe { pykka_green::GreenRuntime::new() };
    /// let echo = Echo.start(&rt).unwrap();
    /// assert_eq!(echo.ask(7).unwrap(), 7);
    /// echo.stop();
    /// ```
    ///
    #[doc = include_str!("safety.md")]
    #[allow(unsafe_code)] // an `unsafe fn`: its contract is the `# Safety` section
    pub unsafe fn new() -> Self {
        config::adopt_default_stack();
        GreenRuntime {
            stack_words: stack_words(DEFAULT_STACK_SIZE),
        }
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

/// Settings for a [`GreenRuntime`]. Setting them is safe; making the runtime
/// ([`build`](Self::build)) is `unsafe`.
///
/// ```
/// use pykka_green::GreenRuntime;
///
/// let builder = GreenRuntime::builder().stack_size(128 * 1024);
/// // SAFETY: no actor is started on this runtime.
/// let rt = unsafe { builder.build() }.unwrap();
/// assert_eq!(rt.stack_size(), 128 * 1024);
/// ```
#[derive(Debug, Default, Clone)]
pub struct GreenRuntimeBuilder {
    workers: Option<usize>,
    stack_size: Option<usize>,
}

impl GreenRuntimeBuilder {
    /// The number of may worker threads for the whole process (default: one per CPU).
    /// See [`build`](Self::build) for why this is process-wide.
    pub fn worker_threads(mut self, workers: usize) -> Self {
        self.workers = Some(workers);
        self
    }

    /// The former name of [`worker_threads`](Self::worker_threads).
    #[deprecated(since = "0.1.1", note = "renamed worker_threads, as on every backend")]
    pub fn workers(self, workers: usize) -> Self {
        self.worker_threads(workers)
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
    /// The contract is the same as [`GreenRuntime::new`]'s, for the actors started on
    /// the runtime this returns.
    ///
    /// # Errors
    ///
    /// - [`ConfigError::ZeroWorkers`] for `workers(0)`;
    /// - [`ConfigError::StackTooSmall`] for a stack below [`MIN_STACK_SIZE`];
    /// - [`ConfigError::WorkersMismatch`] when the process already committed to
    ///   another worker count.
    ///
    #[doc = include_str!("safety.md")]
    #[allow(unsafe_code)] // an `unsafe fn`: its contract is the `# Safety` section
    pub unsafe fn build(self) -> Result<GreenRuntime, ConfigError> {
        self.make()
    }

    /// The former name of [`build`](Self::build).
    ///
    /// # Safety
    ///
    /// As for [`build`](Self::build).
    #[deprecated(since = "0.1.1", note = "renamed build, as on every backend")]
    #[allow(unsafe_code)] // an `unsafe fn` with `build`'s contract
    pub unsafe fn try_build(self) -> Result<GreenRuntime, ConfigError> {
        // SAFETY: the caller keeps `build`'s contract (this function's `# Safety`).
        unsafe { self.build() }
    }

    /// The runtime these settings make. Private: only `build`'s callers, who took on
    /// its contract, may have one.
    fn make(self) -> Result<GreenRuntime, ConfigError> {
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
    type Context = GreenContext;

    fn inbox<M: Send + 'static>(&self) -> (GreenSender<M>, GreenReceiver<M>) {
        inbox::inbox()
    }

    fn spawn<A: Actor>(&self, task: ActorTask<A, Self>) -> io::Result<()> {
        config::fix_workers();
        let name = task.name();
        spawn::spawn_coroutine(name, self.stack_words, move || task.run_blocking())
    }
}

#[cfg(test)]
mod tests {
    use std::marker::PhantomData;

    use super::GreenRuntime;

    /// `IS_DEFAULT` is the inherent `true` for a `T: Default`, else the trait's `false`.
    struct Probe<T>(PhantomData<T>);
    trait Fallback {
        const IS_DEFAULT: bool = false;
    }
    impl<T> Fallback for Probe<T> {}
    impl<T: Default> Probe<T> {
        const IS_DEFAULT: bool = true;
    }

    #[test]
    fn there_is_no_safe_default_runtime() {
        // Checked while compiling: the probe sees `Default`, and finds none here.
        const { assert!(Probe::<String>::IS_DEFAULT) };
        const { assert!(!Probe::<GreenRuntime>::IS_DEFAULT) };
    }
}
