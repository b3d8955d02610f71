// The crate's docs are its guide, a markdown file shared with the `pykka` facade's
// `pykka::thread` module, so that users of the facade read it too. Its links are written
// to resolve in both places.
#![doc = include_str!("guide.md")]
#![forbid(unsafe_code)]

use std::io;
use std::sync::Arc;
use std::thread;

use crossbeam_channel::{Receiver, Sender, TryRecvError};
use pykka_core::rt::context::OsThread;
use pykka_core::rt::park::waiting_for_messages;
use pykka_core::rt::{ActorTask, AnyActorTask, InboxSender, RecvBlocking};
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

    fn queued(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The receiving half of a thread actor's inbox.
#[derive(Debug)]
pub struct ThreadReceiver<M>(Receiver<M>);

impl<M: Send + 'static> RecvBlocking<M> for ThreadReceiver<M> {
    /// A thread actor blocks in its receive: it never looks before it parks.
    fn recv(&mut self, _after_outside_ask: bool) -> Option<M> {
        match self.0.try_recv() {
            Ok(message) => Some(message),
            Err(TryRecvError::Disconnected) => None,
            // About to block: the debug snapshot shows the actor as idle meanwhile.
            Err(TryRecvError::Empty) => waiting_for_messages(|| self.0.recv().ok()),
        }
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
        let name = self.thread_name(task.name());
        self.thread_builder(name)
            .spawn(move || task.run_blocking())?;
        Ok(())
    }

    fn spawn_erased(&self, task: AnyActorTask) -> io::Result<()> {
        let name = self.thread_name(task.name());
        self.thread_builder(name)
            .spawn(move || task.run_blocking())?;
        Ok(())
    }
}

impl ThreadRuntime {
    fn thread_name(&self, actor: String) -> String {
        match &self.config.name_prefix {
            Some(prefix) => format!("{prefix}-{actor}"),
            None => actor,
        }
    }

    fn thread_builder(&self, name: String) -> thread::Builder {
        let builder = thread::Builder::new().name(name);
        match self.config.stack_size {
            Some(size) => builder.stack_size(size),
            None => builder,
        }
    }
}
