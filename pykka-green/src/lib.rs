// The crate's docs are its guide, a markdown file shared with the `pykka` facade's
// `pykka::green` module, so that users of the facade read it too. Its links are written
// to resolve in both places.
#![doc = include_str!("guide.md")]
#![deny(unsafe_code)]

mod config;
mod inbox;
mod overflow;
mod probe;
mod spawn;

use std::io;

use pykka_core::rt::{ActorTask, AnyActorTask};
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

    fn spawn_erased(&self, task: AnyActorTask) -> io::Result<()> {
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
