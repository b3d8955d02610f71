// The crate's docs are its guide, a markdown file shared with the `pykka` facade's
// `pykka::tokio` module, so that users of the facade read it too. Its links are written
// to resolve in both places.
#![doc = include_str!("guide.md")]
#![forbid(unsafe_code)]

mod context;

use std::fmt;
use std::io;
use std::sync::{Arc, Mutex};

use pykka_core::rt::context::adopt;
use pykka_core::rt::mailbox::{self, MailboxReceiver, MailboxSender};
use pykka_core::rt::{ActorTask, AnyActorTask};
use pykka_core::{Actor, Runtime};
use tokio::runtime::{Handle, RuntimeFlavor};

pub use context::TokioContext;
pub use pykka_core;
/// The tokio version this crate runs on.
pub use tokio;

/// Runs every actor as a task on a tokio multi-thread runtime. Cheap to clone (clones
/// share the runtime).
///
/// [`TokioRuntime::default`] is one runtime shared by the whole process, made on first
/// use; [`TokioRuntime::builder`] makes one of your own; [`TokioRuntime::from_handle`]
/// runs actors on a runtime you already have.
#[derive(Clone)]
pub struct TokioRuntime {
    handle: Handle,
    /// The runtime, when this crate made it: every clone and every actor holds it.
    owned: Option<Arc<Owned>>,
}

/// A runtime this crate made.
struct Owned(Option<tokio::runtime::Runtime>);

impl Drop for Owned {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            // The last holder may be an actor's task, on the runtime itself, where a
            // blocking drop would panic: shut down without waiting there.
            if Handle::try_current().is_ok() {
                rt.shutdown_background();
            }
        }
    }
}

impl fmt::Debug for TokioRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokioRuntime")
            .field("owned", &self.owned.is_some())
            .finish_non_exhaustive()
    }
}

/// The process's shared runtime of `TokioRuntime::default()`.
static SHARED: Mutex<Option<TokioRuntime>> = Mutex::new(None);

impl Default for TokioRuntime {
    /// The process's shared runtime: a multi-thread tokio runtime with one worker per
    /// core, made by the first call and handed out to every later call, so that
    /// `X.start(&TokioRuntime::default())` in a loop does not make a runtime per actor.
    ///
    /// # Panics
    ///
    /// If tokio cannot start its runtime the first time (no thread could be spawned);
    /// [`TokioRuntime::builder`] returns that as an error instead.
    ///
    /// ```
    /// use pykka_tokio::TokioRuntime;
    /// assert!(TokioRuntime::default().same_as(&TokioRuntime::default()));
    /// ```
    fn default() -> Self {
        let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(rt) = &*shared {
            return rt.clone();
        }
        let rt = TokioRuntime::builder()
            .build()
            .expect("tokio could not start its runtime");
        *shared = Some(rt.clone());
        rt
    }
}

impl TokioRuntime {
    /// The process's shared runtime, as [`Default`]: see there.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder for a runtime of your own.
    pub fn builder() -> TokioRuntimeBuilder {
        TokioRuntimeBuilder::default()
    }

    /// Runs actors on a runtime you already have (`Handle::current()` inside it).
    ///
    /// # Errors
    ///
    /// [`CurrentThreadError`] for a current-thread runtime: a handler that waits there
    /// could not hand the only thread on, and the runtime would stop.
    ///
    /// ```
    /// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// let err = pykka_tokio::TokioRuntime::from_handle(rt.handle().clone()).unwrap_err();
    /// assert!(err.to_string().contains("current-thread"));
    /// ```
    pub fn from_handle(handle: Handle) -> Result<Self, CurrentThreadError> {
        if handle.runtime_flavor() != RuntimeFlavor::MultiThread {
            return Err(CurrentThreadError(()));
        }
        adopt::<TokioContext>();
        Ok(TokioRuntime {
            handle,
            owned: None,
        })
    }

    /// The handle of the runtime the actors run on.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Whether `self` and `other` run on the same tokio runtime.
    pub fn same_as(&self, other: &TokioRuntime) -> bool {
        self.handle.id() == other.handle.id()
    }
}

/// The error of [`TokioRuntime::from_handle`] for a current-thread runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentThreadError(());

impl fmt::Display for CurrentThreadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "pykka needs a multi-thread tokio runtime: on a current-thread runtime a handler \
             that waits could not hand the only thread on",
        )
    }
}

impl std::error::Error for CurrentThreadError {}

/// Settings for a [`TokioRuntime`] with a runtime of its own (the builder vocabulary of
/// every pykka backend).
///
/// ```
/// let rt = pykka_tokio::TokioRuntime::builder()
///     .worker_threads(2)
///     .thread_name_prefix("audio")
///     .stack_size(1 << 20)
///     .build()
///     .unwrap();
/// # drop(rt);
/// ```
#[derive(Debug, Clone, Default)]
pub struct TokioRuntimeBuilder {
    workers: Option<usize>,
    name: Option<String>,
    stack_size: Option<usize>,
}

impl TokioRuntimeBuilder {
    /// How many worker threads run tasks (at least 1; default: one per core).
    pub fn worker_threads(mut self, n: usize) -> Self {
        self.workers = Some(n.max(1));
        self
    }

    /// A prefix for thread names (default `pykka-tokio`).
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.name = Some(prefix.into());
        self
    }

    /// The stack size of the runtime's threads, in bytes (handlers run on them).
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = Some(bytes);
        self
    }

    /// The runtime (its worker threads start now).
    ///
    /// # Errors
    ///
    /// tokio's, if it cannot start the runtime's threads.
    pub fn build(self) -> io::Result<TokioRuntime> {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.thread_name(self.name.unwrap_or_else(|| "pykka-tokio".to_string()));
        if let Some(n) = self.workers {
            builder.worker_threads(n);
        }
        if let Some(bytes) = self.stack_size {
            builder.thread_stack_size(bytes);
        }
        let rt = builder.build()?;
        adopt::<TokioContext>();
        Ok(TokioRuntime {
            handle: rt.handle().clone(),
            owned: Some(Arc::new(Owned(Some(rt)))),
        })
    }
}

impl Runtime for TokioRuntime {
    const NAME: &'static str = "tokio";

    // Core's mailbox as it is: a tokio actor needs no look before it waits.
    type Sender<M: Send + 'static> = MailboxSender<M>;
    type Receiver<M: Send + 'static> = MailboxReceiver<M>;
    type Context = TokioContext;

    fn inbox<M: Send + 'static>(&self) -> (MailboxSender<M>, MailboxReceiver<M>) {
        mailbox::mailbox()
    }

    fn spawn<A: Actor>(&self, task: ActorTask<A, Self>) -> io::Result<()> {
        // An actor keeps a runtime this crate made alive.
        let keep_alive = self.owned.clone();
        self.handle.spawn(async move {
            task.run().await;
            drop(keep_alive);
        });
        Ok(())
    }

    fn spawn_erased(&self, task: AnyActorTask) -> io::Result<()> {
        let keep_alive = self.owned.clone();
        self.handle.spawn(async move {
            task.run().await;
            drop(keep_alive);
        });
        Ok(())
    }
}
