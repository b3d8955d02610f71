//! The green-thread backend of pykka: every actor is a stackful
//! [may](https://docs.rs/may) coroutine. Pykka's `GeventActor` and `EventletActor`.
//!
//! DOCS_PLACEHOLDER
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
    // may's channel plus a gate, so that dropping the receiver closes the inbox and
    // drops every buffered message (see `inbox`).
    type Receiver<M: Send + 'static> = GreenReceiver<M>;

    fn inbox<M: Send + 'static>(&self) -> (GreenSender<M>, GreenReceiver<M>) {
        inbox::inbox()
    }

    fn spawn<A: Actor>(&self, inbox: GreenReceiver<Envelope<A>>, actor_loop: ActorLoop<A>) -> io::Result<()> {
        probe::ensure_registered();
        config::fix_workers();
        let name = actor_loop.name().to_string();
        spawn::spawn_coroutine(name, self.stack_words, move || {
            actor_loop.run_blocking(inbox, |rx| rx.recv());
        })
    }
}
