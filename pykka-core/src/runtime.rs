//! The [`Runtime`] trait: what a backend supplies to run actors.

use std::io;

use crate::Actor;
use crate::rt::context::WaitContext;
use crate::rt::{ActorTask, AnyActorTask};
// For the docs' links, which other crates' pages of implementors show as written.
#[cfg(doc)]
use crate::rt::{RecvAsync, RecvBlocking, context::OsThread};

/// A backend that runs actors: it makes inboxes, says how its contexts wait, and
/// schedules actors. The trait is the whole contract: everything a backend supplies is
/// one of its items.
///
/// pykka's core owns every piece of semantics (lifecycle hooks, stop, failures, replies,
/// the registry, logging) and the actor loop itself ([`ActorTask`]). A runtime owns only
/// *how to wait* and *how to schedule*:
///
/// | the design card's "a Runtime supplies…" | Pykka's runtime hook | here |
/// |---|---|---|
/// | an Inbox | `_create_actor_inbox()` | [`Runtime::inbox`], with the [`Sender`](Runtime::Sender) and [`Receiver`](Runtime::Receiver) types |
/// | an Event | `threading.Event` | core's [`Event`](crate::Event), which waits through the waiter's [`Context`](Runtime::Context) |
/// | a Future | `_create_future()` | core's [`Reply`](crate::Reply), which waits through the waiter's [`Context`](Runtime::Context) |
/// | running an actor | `_start_actor_loop()` | [`Runtime::spawn`], which runs an [`ActorTask`] ([`run_blocking`](ActorTask::run_blocking) or [`run`](ActorTask::run)) |
///
/// Replies and events are core types on purpose: a wait must park *the waiter's*
/// context (a green actor waiting for a thread actor parks its coroutine), so the
/// waiting strategy is picked where the wait happens, from the
/// [`Context`](Runtime::Context) of the waiter's backend, and not by the runtime of the
/// actor being waited for. Core adopts a runtime's `Context` when it starts the
/// runtime's first actor: there is nothing to register.
///
/// A runtime is a value (it can carry configuration such as a stack size or an
/// executor) and also a type, so that actor code can be generic over `R: Runtime`.
///
/// # Requirements
///
/// An implementation must guarantee:
///
/// - **FIFO per sender**: messages sent through one [`Sender`](Runtime::Sender) are
///   received in the order they were sent. Inboxes are unbounded: sending never blocks.
/// - **Closing by drop**: once the [`Receiver`](Runtime::Receiver) is dropped, every
///   later send fails and hands the message back, and every message still buffered is
///   dropped (or handed back) before the drop returns. Core relies on this so that no
///   `ask` ever waits for a message that nobody will handle: an unhandled ask resolves
///   itself with [`ActorDeadError`](crate::ActorDeadError) when its envelope is dropped.
/// - **Run the task**: [`spawn`](Runtime::spawn) runs the [`ActorTask`] to its end, on a
///   thread or coroutine of its own or as a task; [`spawn_erased`](Runtime::spawn_erased)
///   does the same for an [`AnyActorTask`].
/// - **Waiting that fits the context**: [`Context`](Runtime::Context) says how the
///   backend's contexts park (see [`WaitContext`]); contexts of two backends are
///   disjoint.
/// - **Actors outlive the runtime value**: the runtime value may be dropped while its
///   actors run; they go on until they stop (keep what they need alive in the task).
/// - No "unsupported" errors: every operation of the trait works.
///
/// # Implementing
///
/// A new backend needs an inbox (any unbounded MPSC channel with the closing rule
/// above; core's [`mailbox`](crate::rt::mailbox) is one), a way to run a task, and, if
/// its contexts are not OS threads, a [`WaitContext`]. Then it
/// runs the whole conformance suite (the `pykka-conformance` crate, as a
/// dev-dependency) with one line in its integration tests, and the cross-runtime cases
/// against the built-in backends with `cross_suite!`; `WRITING_A_BACKEND.md` at the
/// top of the repository walks through it:
///
/// ```ignore
/// pykka_conformance::suite!(my_backend::MyRuntime::default());
/// pykka_conformance::cross_suite!(mine_then_thread; my_backend::MyRuntime::default(), pykka_thread::ThreadRuntime::default());
/// ```
///
/// Before pykka 1.0 the implementor surface of this trait may change in minor
/// versions; the user-facing API will not.
///
/// # Examples
///
/// Code generic over the runtime, run on the thread backend:
///
/// ```
/// use pykka_core::{Actor, Context, Failure, Runtime};
///
/// struct Echo;
/// impl Actor for Echo {
///     type Message = String;
///     type Reply = String;
///     fn on_receive(&mut self, m: String, _: &Context<Self>) -> Result<String, Failure> {
///         Ok(m)
///     }
/// }
///
/// fn shout<R: Runtime>(rt: &R) -> String {
///     let echo = Echo.start(rt).unwrap();
///     let out = echo.ask("hi".to_string()).unwrap();
///     echo.stop();
///     out
/// }
///
/// assert_eq!(shout(&pykka_thread::ThreadRuntime::default()), "hi");
/// ```
pub trait Runtime: Clone + Send + Sync + 'static {
    /// The backend's one token, for logs, benchmarks and docs: `"thread"`, `"green"`,
    /// `"smol"`. Core does not interpret it.
    const NAME: &'static str;

    /// The sending half of an inbox.
    type Sender<M: Send + 'static>: InboxSender<M>;

    /// The receiving half of an inbox; dropping it closes the inbox (see the
    /// requirements above). [`ActorTask::run_blocking`] needs it to be
    /// [`RecvBlocking`], [`ActorTask::run`] [`RecvAsync`].
    type Receiver<M: Send + 'static>: Send + 'static;

    /// How the backend's contexts wait: [`OsThread`] for
    /// a backend whose actors are OS threads; a context of its own for coroutines or
    /// executor tasks, which must not block their thread.
    type Context: WaitContext;

    /// Makes a new, empty, unbounded inbox.
    fn inbox<M: Send + 'static>(&self) -> (Self::Sender<M>, Self::Receiver<M>);

    /// Runs an actor: `task.run_blocking()` on a thread or coroutine of its own, or
    /// `task.run()` polled as a task, to its end. Name the thread or task
    /// [`task.name()`](ActorTask::name) where the backend has names.
    ///
    /// # Errors
    ///
    /// The backend's error if it cannot start the thread or task (for example
    /// `io::ErrorKind::WouldBlock` from a thread limit). The actor is then not started:
    /// dropping the task fails its queued asks and marks it dead.
    fn spawn<A: Actor>(&self, task: ActorTask<A, Self>) -> io::Result<()>;

    /// Runs an actor whose type is erased, as [`spawn`](Runtime::spawn) runs a typed
    /// one: `task.run_blocking()` on a thread or coroutine of its own, or `task.run()`
    /// polled as a task. Core calls it for an actor started from another actor's
    /// [`Context::start`](crate::Context::start), which knows the child's type but not
    /// the runtime's; the task's inbox is then core's
    /// [`mailbox`](crate::rt::mailbox) (its [`closer`](AnyActorTask::closer) ends it from
    /// outside, for a runtime that ends its actors at shutdown).
    ///
    /// # Errors
    ///
    /// As for [`spawn`](Runtime::spawn).
    fn spawn_erased(&self, task: AnyActorTask) -> io::Result<()>;
}

/// The sending half of an inbox, as core uses it.
///
/// Object safe: an [`ActorRef`](crate::ActorRef) keeps its sender behind a trait
/// object so that references do not name the runtime.
pub trait InboxSender<M>: Send + Sync + 'static {
    /// Enqueues `message` without blocking; hands it back if the inbox is closed.
    fn send(&self, message: M) -> Result<(), M>;

    /// The number of messages queued, for [`debug::snapshot`](crate::debug::snapshot);
    /// `None` (the default) if the inbox cannot tell.
    fn queued(&self) -> Option<usize> {
        None
    }

    /// Whether the actor waits for its next message now (idle), for
    /// [`debug::snapshot`](crate::debug::snapshot); `None` (the default) if the inbox
    /// cannot tell. A backend whose inbox cannot tell may mark the wait instead (see
    /// [`rt::park::waiting_for_messages`](crate::rt::park::waiting_for_messages)).
    fn receiver_waits(&self) -> Option<bool> {
        None
    }
}
