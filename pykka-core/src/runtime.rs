//! The [`Runtime`] trait: what a backend supplies to run actors.

use std::io;

use crate::Actor;
use crate::rt::{ActorLoop, Envelope};

/// A backend that runs actors: it makes inboxes and schedules actor loops.
///
/// pykka's core owns every piece of semantics (lifecycle hooks, stop, failures, replies,
/// the registry, logging). A runtime owns only *how to wait* and *how to schedule*:
///
/// | Pykka's runtime hook    | here                                                    |
/// |-------------------------|---------------------------------------------------------|
/// | `_create_actor_inbox()` | [`Runtime::inbox`], with the [`Sender`](Runtime::Sender) and [`Receiver`](Runtime::Receiver) types |
/// | `_start_actor_loop()`   | [`Runtime::spawn`], which drives an [`ActorLoop`]       |
/// | `_create_future()`, `Event` | core's [`Reply`](crate::Reply) and [`Event`](crate::Event), which wait through the backend's [`Park`](crate::rt::park::Park) |
///
/// Replies and events are core types on purpose: a wait must park *the waiter's*
/// context (a green actor waiting for a thread actor parks its coroutine), so the
/// waiting strategy is picked where the wait happens, from the probes that backends
/// register in [`park`](crate::rt::park), and not by the runtime of the actor being waited
/// for.
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
/// - **The loop contract** of [`spawn`](Runtime::spawn), below.
/// - **Waiting that fits the context**: if the backend's tasks must not block their OS
///   thread (coroutines, executor tasks), it registers a
///   [`ContextProbe`](crate::rt::park::ContextProbe) before its first actor runs.
/// - No "unsupported" errors: every operation of the trait works.
///
/// # Implementing
///
/// A new backend needs an inbox (any unbounded MPSC channel with the closing rule
/// above; core's [`mailbox`](crate::rt::mailbox) is one, and it waits through the probe
/// below), a way to run a loop, and, if its tasks are not OS threads, a probe. Then it
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
    /// The backend's one token, used everywhere: `"thread"`, `"green"`, `"smol"`.
    const NAME: &'static str;

    /// The sending half of an inbox.
    type Sender<M: Send + 'static>: InboxSender<M>;

    /// The receiving half of an inbox; dropping it closes the inbox (see the
    /// requirements above).
    type Receiver<M: Send + 'static>: Send + 'static;

    /// Makes a new, empty, unbounded inbox.
    fn inbox<M: Send + 'static>(&self) -> (Self::Sender<M>, Self::Receiver<M>);

    /// Runs an actor's loop in its own thread, coroutine or task.
    ///
    /// The loop contract:
    ///
    /// 1. call [`ActorLoop::start`] once, first;
    /// 2. while it and every later call returned `Continue`, wait for the next envelope
    ///    on `inbox` and pass it to [`ActorLoop::handle`];
    /// 3. as soon as a call returns `Break`, drop `inbox` (which closes it), then drop
    ///    the loop. If the inbox reports that every sender is gone, drop both as well.
    ///
    /// [`ActorLoop::run_blocking`] does all of this for backends with a blocking
    /// `recv`. Name the thread or task [`ActorLoop::name`] where the backend has names.
    ///
    /// # Errors
    ///
    /// The backend's error if it cannot start the thread or task (for example
    /// `io::ErrorKind::WouldBlock` from a thread limit). The actor is then not started.
    fn spawn<A: Actor>(
        &self,
        inbox: Self::Receiver<Envelope<A>>,
        actor_loop: ActorLoop<A>,
    ) -> io::Result<()>;
}

/// The sending half of an inbox, as core uses it.
///
/// Object safe: an [`ActorRef`](crate::ActorRef) keeps its sender behind a trait
/// object so that references do not name the runtime.
pub trait InboxSender<M>: Send + Sync + 'static {
    /// Enqueues `message` without blocking; hands it back if the inbox is closed.
    fn send(&self, message: M) -> Result<(), M>;

    /// [`send`](Self::send) for a message whose sender will probably wait for its
    /// reply (an ask, a proxy call, a blocking stop). Core sends those through this
    /// method and everything else (tells) through `send`.
    ///
    /// A backend whose actors are slow to wake from some contexts (a coroutine or an
    /// executor task woken from a plain thread) can use the hint to keep the actor
    /// looking at its inbox for a moment after handling such a message, because the
    /// waiting sender's next request usually follows within microseconds (see
    /// [`mailbox`](crate::rt::mailbox)). After a tell, the actor can park at once: a
    /// stream of tells then wakes it once per batch instead of competing with it for
    /// every message. The default forgets the hint.
    fn send_awaited(&self, message: M) -> Result<(), M> {
        self.send(message)
    }
}
