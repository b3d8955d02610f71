// The crate's docs are its guide, a markdown file shared with the `pykka` facade's
// `pykka::smol` module, so that users of the facade read it too. Its links are written
// to resolve in both places.
#![doc = include_str!("guide.md")]
#![forbid(unsafe_code)]

mod inbox;
mod places;
mod pool;
mod pruned;
mod run_queue;

use std::fmt;
use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pykka_core::rt::{ActorTask, AnyActorTask};
use pykka_core::{Actor, Event, Runtime};
use smol::{Executor, Task};

pub use inbox::{SmolReceiver, SmolSender};
pub use pool::{SmolContext, ThreadStats};
pub use pykka_core;
/// The smol version this crate runs on, for [`SmolRuntime::with_executor`] and for
/// driving tasks (`pykka_smol::smol::block_on`).
pub use smol;

use pool::{Pool, PoolConfig};

/// The default of [`SmolRuntimeBuilder::max_blocking_threads`]: about what tokio and
/// the `blocking` crate allow.
pub const DEFAULT_MAX_BLOCKING_THREADS: usize = 512;

/// Runs every actor as a task on a smol executor. Cheap to clone (clones share the
/// executor and its threads); `Default` is the process's shared runtime, with one
/// worker thread per core.
///
/// See the [crate docs](crate) for the threads' lifetime and for blocking handlers.
#[derive(Clone)]
pub struct SmolRuntime {
    inner: Arc<Inner>,
}

struct Inner {
    mode: Mode,
}

enum Mode {
    Owned(Arc<Pool>),
    External(Arc<Executor<'static>>),
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Mode::Owned(pool) = &self.mode {
            pool.shutdown();
        }
    }
}

impl fmt::Debug for SmolRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.mode {
            Mode::Owned(pool) => f.debug_tuple("SmolRuntime").field(pool).finish(),
            Mode::External(_) => f
                .debug_tuple("SmolRuntime")
                .field(&"external executor")
                .finish(),
        }
    }
}

/// The process's shared runtime of `SmolRuntime::default()`, made when first needed.
static SHARED: Mutex<Option<SmolRuntime>> = Mutex::new(None);

impl Default for SmolRuntime {
    /// The process's shared runtime: one executor with one worker thread per core,
    /// made by the first call (its threads start with its first actor) and handed out
    /// to every later call, so that `X.start(&SmolRuntime::default())` in a loop does
    /// not make a pool per actor. Once it is [shut down](Self::shutdown), the next call
    /// makes a new one. For a runtime of your own (other settings, or one you shut down
    /// without touching other users), use [`SmolRuntime::builder`].
    ///
    /// ```
    /// use pykka_smol::SmolRuntime;
    /// assert!(SmolRuntime::default().same_as(&SmolRuntime::default()));
    /// assert!(!SmolRuntime::builder().build().same_as(&SmolRuntime::default()));
    /// ```
    fn default() -> Self {
        let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        match &*shared {
            Some(rt) if !rt.is_shut_down() => rt.clone(),
            _ => {
                let rt = SmolRuntime::builder().build();
                *shared = Some(rt.clone());
                rt
            }
        }
    }
}

impl SmolRuntime {
    /// The process's shared runtime, as [`Default`]: see there.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `self` and `other` are the same runtime (clones of one value).
    pub fn same_as(&self, other: &SmolRuntime) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// A builder for a runtime with other settings.
    pub fn builder() -> SmolRuntimeBuilder {
        SmolRuntimeBuilder::default()
    }

    /// A runtime on an executor that you drive yourself (with `executor.run(..)` on
    /// threads of your own).
    ///
    /// pykka cannot hand off your threads while handlers block: see the
    /// [crate docs](crate#knobs). [`shutdown`](Self::shutdown) and
    /// [`stopped`](Self::stopped) do nothing here: the executor is yours.
    ///
    /// ```
    /// use std::sync::Arc;
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
    /// let ex = Arc::new(smol::Executor::new());
    /// let rt = pykka_smol::SmolRuntime::with_executor(ex.clone());
    /// let echo = Echo.start(&rt).unwrap();
    /// // Drive the executor on this thread while waiting for the answer asynchronously.
    /// let answer = smol::block_on(ex.run(echo.ask_nonblocking(7))).unwrap();
    /// assert_eq!(answer, 7);
    /// echo.stop_nonblocking();
    /// ```
    pub fn with_executor(executor: Arc<Executor<'static>>) -> Self {
        SmolRuntime {
            inner: Arc::new(Inner {
                mode: Mode::External(executor),
            }),
        }
    }

    /// The number of threads that run the executor (for a runtime of your own executor,
    /// 0: pykka does not know).
    pub fn worker_threads(&self) -> usize {
        match &self.inner.mode {
            Mode::Owned(pool) => pool.workers(),
            Mode::External(_) => 0,
        }
    }

    /// A snapshot of the runtime's threads (all zero for a runtime of your own executor).
    ///
    /// ```
    /// let rt = pykka_smol::SmolRuntime::builder().worker_threads(3).build();
    /// assert_eq!(rt.thread_stats().total, 0); // nothing started yet
    /// ```
    pub fn thread_stats(&self) -> ThreadStats {
        match &self.inner.mode {
            Mode::Owned(pool) => pool.stats(),
            Mode::External(_) => ThreadStats::default(),
        }
    }

    /// The executor, starting the worker threads if they are not running yet.
    ///
    /// # Errors
    ///
    /// If the runtime is shut down or no worker thread could be started.
    pub fn executor(&self) -> io::Result<Arc<Executor<'static>>> {
        match &self.inner.mode {
            Mode::Owned(pool) => pool.executor(),
            Mode::External(ex) => Ok(ex.clone()),
        }
    }

    /// Runs `future` as a task on this runtime's executor. The task keeps the runtime
    /// alive until it ends; dropping the returned [`Task`] cancels it (use
    /// [`Task::detach`] to let it run on).
    ///
    /// # Errors
    ///
    /// If the runtime is shut down or no worker thread could be started.
    ///
    /// ```
    /// let rt = pykka_smol::SmolRuntime::default();
    /// let task = rt.spawn_future(async { 6 * 7 }).unwrap();
    /// assert_eq!(smol::block_on(task), 42);
    /// ```
    pub fn spawn_future<T, F>(&self, future: F) -> io::Result<Task<T>>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        let keep_alive = self.clone();
        let executor = self.executor()?;
        Ok(executor.spawn(async move {
            let out = future.await;
            drop(keep_alive);
            out
        }))
    }

    /// Stops the runtime now: no new actors or tasks start; every actor's inbox is
    /// closed, so its queued asks fail with `ActorDeadError` at once and later sends
    /// fail; an actor whose handler is running finishes that message and handles no
    /// other; idle actors end. While a handler of the runtime is still blocked (in an
    /// `ask`, say, which the closing just failed, or a wait with a timeout), the worker
    /// threads keep running the executor, so that what it waits for can still run;
    /// then they exit, and the tasks still on the executor are dropped. Does not wait:
    /// see [`stopped`](Self::stopped).
    ///
    /// Normally not needed: the threads exit by themselves once the runtime and all its
    /// actors are gone.
    ///
    /// ```
    /// use std::time::Duration;
    /// let rt = pykka_smol::SmolRuntime::default();
    /// rt.spawn_future(async {}).unwrap().detach();
    /// rt.shutdown();
    /// assert!(rt.stopped().wait_timeout(Duration::from_secs(10)));
    /// assert!(rt.spawn_future(async {}).is_err());
    /// ```
    pub fn shutdown(&self) {
        if let Mode::Owned(pool) = &self.inner.mode {
            pool.shutdown();
        }
    }

    /// An event set once the runtime is shut down and every one of its threads has
    /// exited (never set for a runtime of your own executor).
    pub fn stopped(&self) -> Event {
        match &self.inner.mode {
            Mode::Owned(pool) => pool.stopped(),
            Mode::External(_) => Event::new(),
        }
    }
}

impl SmolRuntime {
    /// Spawns an actor's task: on an owned pool's run queue, or as a task of a given
    /// executor. The task keeps the runtime (and the runtime's threads) alive.
    fn spawn_actor<F>(&self, task: F) -> io::Result<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let keep_alive = self.clone();
        let task = async move {
            task.await;
            drop(keep_alive);
        };
        match &self.inner.mode {
            Mode::Owned(pool) => pool.spawn_actor(task),
            Mode::External(executor) => {
                executor.spawn(task).detach();
                Ok(())
            }
        }
    }

    fn is_shut_down(&self) -> bool {
        match &self.inner.mode {
            Mode::Owned(pool) => pool.is_shut_down(),
            Mode::External(_) => false,
        }
    }
}

/// Settings for a [`SmolRuntime`] with an executor of its own.
///
/// ```
/// use std::time::Duration;
/// let rt = pykka_smol::SmolRuntime::builder()
///     .worker_threads(4)
///     .thread_name_prefix("audio")
///     .stack_size(1 << 20)
///     .spare_keep_alive(Duration::from_secs(1))
///     .build();
/// assert_eq!(rt.worker_threads(), 4);
/// ```
#[derive(Debug, Clone)]
pub struct SmolRuntimeBuilder {
    config: PoolConfig,
}

impl Default for SmolRuntimeBuilder {
    fn default() -> Self {
        SmolRuntimeBuilder {
            config: PoolConfig {
                workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
                name: "pykka-smol".to_string(),
                stack_size: None,
                keep_alive: Duration::from_secs(5),
                max_blocking: DEFAULT_MAX_BLOCKING_THREADS,
            },
        }
    }
}

impl SmolRuntimeBuilder {
    /// How many threads run the executor (at least 1; default: the number of cores).
    /// Blocked handlers do not count: see the [crate docs](crate#blocking-in-a-handler).
    pub fn worker_threads(mut self, n: usize) -> Self {
        self.config.workers = n.max(1);
        self
    }

    /// A prefix for thread names: `prefix-N` (default `pykka-smol`).
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.config.name = prefix.into();
        self
    }

    /// The former name of [`thread_name_prefix`](Self::thread_name_prefix).
    #[deprecated(
        since = "0.1.1",
        note = "renamed thread_name_prefix, as on every backend"
    )]
    pub fn thread_name(self, prefix: impl Into<String>) -> Self {
        self.thread_name_prefix(prefix)
    }

    /// The stack size of the runtime's threads, in bytes (default: the platform's,
    /// usually 2 MiB, or `RUST_MIN_STACK`). Handlers run on these threads.
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.config.stack_size = Some(bytes);
        self
    }

    /// How long a spare thread (one that took a blocked worker's place, then was no
    /// longer needed) waits to be needed again before it exits (default 5 s).
    pub fn spare_keep_alive(mut self, keep_alive: Duration) -> Self {
        self.config.keep_alive = keep_alive;
        self
    }

    /// How many threads the runtime may add, beyond
    /// [`worker_threads`](Self::worker_threads), to take the places of handlers that
    /// block at the same moment (default [`DEFAULT_MAX_BLOCKING_THREADS`], 512).
    ///
    /// At the cap, a handler that blocks keeps its worker thread while it waits (as on
    /// any executor) instead of handing it on; the first time, the runtime logs it at
    /// ERROR (target `pykka`). That is a wait, not an error: it ends when what the
    /// handler waits for comes, or at its timeout. But if every worker thread is held
    /// that way, nothing else runs meanwhile, and a wait without a timeout for another
    /// actor of this runtime never ends. Raise the cap, use timeouts, or use
    /// `pykka-thread` for actors that block a lot. `0` never adds a thread.
    ///
    /// ```
    /// let rt = pykka_smol::SmolRuntime::builder().max_blocking_threads(16).build();
    /// # drop(rt);
    /// ```
    pub fn max_blocking_threads(mut self, n: usize) -> Self {
        self.config.max_blocking = n;
        self
    }

    /// The runtime. Its threads start with its first actor or task.
    pub fn build(self) -> SmolRuntime {
        SmolRuntime {
            inner: Arc::new(Inner {
                mode: Mode::Owned(Pool::new(self.config)),
            }),
        }
    }
}

impl Runtime for SmolRuntime {
    const NAME: &'static str = "smol";

    type Sender<M: Send + 'static> = SmolSender<M>;
    type Receiver<M: Send + 'static> = SmolReceiver<M>;
    type Context = SmolContext;

    fn inbox<M: Send + 'static>(&self) -> (SmolSender<M>, SmolReceiver<M>) {
        match &self.inner.mode {
            Mode::Owned(pool) => {
                let (tx, rx) = inbox::inbox(Some(pool.clone()));
                // So that a shutdown can end the actor (and fail its queued asks).
                pool.adopt(rx.closer());
                (tx, rx)
            }
            Mode::External(_) => inbox::inbox(None),
        }
    }

    fn spawn<A: Actor>(&self, task: ActorTask<A, Self>) -> io::Result<()> {
        self.spawn_actor(task.run())
    }

    fn spawn_erased(&self, task: AnyActorTask) -> io::Result<()> {
        if let Mode::Owned(pool) = &self.inner.mode {
            // So that a shutdown can end the actor (and fail its queued asks).
            pool.adopt(task.closer());
        }
        self.spawn_actor(task.run())
    }
}
