//! The [`Actor`] trait and the [`Context`] its hooks get.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::any_task::Spawner;
use crate::watch::Watching;
use crate::{
    ActorDeadError, ActorRef, ActorRegistry, AnyActorRef, DeadKind, Ended, Failure, Proxy, Runtime,
    StartError, WatchError, WatchId,
};

/// An actor: private state plus hooks that run one at a time in the actor's own thread,
/// coroutine or task. Pykka's `Actor` (and `ThreadingActor`: the runtime is chosen when
/// the actor is started, not by its type).
///
/// Messages sent with [`tell`](ActorRef::tell) and [`ask`](ActorRef::ask) arrive in
/// [`on_receive`](Actor::on_receive); its return value is the reply to an ask. Every
/// hook returns a `Result`: an error, and equally a panic (caught by pykka, its message
/// kept), is the hook's *failure*, with Pykka's consequences:
///
/// | failure in                         | consequence                                                        |
/// |------------------------------------|--------------------------------------------------------------------|
/// | `on_start`                         | ERROR log; the actor is unregistered and stopped; neither `on_stop` nor `on_failure` runs |
/// | `on_receive` of an **ask** (or a proxy call) | the asker gets [`AskError::Failed`](crate::AskError::Failed); INFO log; the actor keeps running |
/// | `on_receive` of a **tell** (or a proxy `defer`) | ERROR log; the actor is unregistered and stopped, then `on_failure` runs; `on_stop` does not; asks still queued fail with [`ActorDeadError`] |
/// | `on_stop`, `on_failure`            | ERROR log; the actor is stopped anyway                              |
/// | `on_watched_stopped`               | as a told message's failure: ERROR log; the actor is unregistered and stopped, then `on_failure` runs |
///
/// The default `on_receive` logs a WARNING ("Unexpected message received by …", with
/// the message if [`describe_message`](Actor::describe_message) shows it) and answers
/// an ask with [`Failure::unexpected_message`]; it does not stop the actor.
///
/// # Examples
///
/// ```
/// use pykka_core::{Actor, Context, Failure};
/// use pykka_thread::ThreadRuntime;
///
/// #[derive(Default)]
/// struct Counter {
///     count: u64,
/// }
///
/// enum Msg {
///     Add(u64),
///     Get,
/// }
///
/// impl Actor for Counter {
///     type Message = Msg;
///     type Reply = u64;
///
///     fn on_receive(&mut self, msg: Msg, _ctx: &Context<Self>) -> Result<u64, Failure> {
///         match msg {
///             Msg::Add(n) => self.count += n,
///             Msg::Get => {}
///         }
///         Ok(self.count)
///     }
/// }
///
/// let counter = Counter::default().start(&ThreadRuntime::default()).unwrap();
/// counter.tell(Msg::Add(2)).unwrap();
/// assert_eq!(counter.ask(Msg::Get).unwrap(), 2);
/// assert!(counter.stop());
/// ```
pub trait Actor: Send + Sized + 'static {
    /// What [`tell`](ActorRef::tell) and [`ask`](ActorRef::ask) send. Use an enum for
    /// several kinds of message.
    type Message: Send + 'static;
    /// What [`on_receive`](Actor::on_receive) answers to an ask.
    type Reply: Send + 'static;

    /// Runs in the actor's context before the first message. The actor is already
    /// registered and alive.
    ///
    /// # Errors
    ///
    /// A failure stops the actor (see the table above).
    fn on_start(&mut self, ctx: &Context<Self>) -> Result<(), Failure> {
        let _ = ctx;
        Ok(())
    }

    /// Runs in the actor's context after it handled its stop request. The actor is
    /// already unregistered and no longer alive.
    ///
    /// # Errors
    ///
    /// A failure is logged at ERROR; the actor stops anyway.
    fn on_stop(&mut self, ctx: &Context<Self>) -> Result<(), Failure> {
        let _ = ctx;
        Ok(())
    }

    /// Runs in the actor's context after a told message (or a deferred proxy call)
    /// failed. The actor is already unregistered and no longer alive; `on_stop` will not
    /// run.
    ///
    /// # Errors
    ///
    /// A failure is logged at ERROR (a second record after the one for `failure`).
    fn on_failure(&mut self, failure: &Failure, ctx: &Context<Self>) -> Result<(), Failure> {
        let _ = (failure, ctx);
        Ok(())
    }

    /// [`on_start`](Actor::on_start) in a form that can `.await`: write it as an
    /// `async fn` in your `impl Actor`; the default runs `on_start`, so a synchronous
    /// actor never sees it.
    ///
    /// It awaits as [`on_receive_async`](Actor::on_receive_async) does: on an executor
    /// backend (smol, tokio) the actor's task yields, holding no worker thread; on a
    /// thread or a coroutine (thread, green) the actor's own context parks. Either way
    /// no message is handled before it ends, and an await of another actor's reply is
    /// checked for a cycle of waits. A panic is a failure, as in `on_start`.
    ///
    /// # Errors
    ///
    /// As [`on_start`](Actor::on_start): a failure stops the actor.
    ///
    /// ```
    /// use pykka_core::{Actor, ActorRef, Context, Failure};
    ///
    /// struct Settings;
    /// impl Actor for Settings {
    ///     type Message = &'static str;
    ///     type Reply = u32;
    ///     fn on_receive(&mut self, _key: &'static str, _: &Context<Self>) -> Result<u32, Failure> {
    ///         Ok(8)
    ///     }
    /// }
    ///
    /// /// Loads its volume from the settings actor when it starts.
    /// struct Mixer {
    ///     settings: ActorRef<Settings>,
    ///     volume: u32,
    /// }
    /// impl Actor for Mixer {
    ///     type Message = ();
    ///     type Reply = u32;
    ///     async fn on_start_async(&mut self, _: &Context<Self>) -> Result<(), Failure> {
    ///         self.volume = self.settings.ask_nonblocking("volume").await?;
    ///         Ok(())
    ///     }
    ///     fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<u32, Failure> {
    ///         Ok(self.volume)
    ///     }
    /// }
    ///
    /// let rt = pykka_thread::ThreadRuntime::default();
    /// let settings = Settings.start(&rt).unwrap();
    /// let mixer = Mixer { settings, volume: 0 }.start(&rt).unwrap();
    /// assert_eq!(mixer.ask(()).unwrap(), 8);
    /// mixer.stop();
    /// ```
    fn on_start_async(
        &mut self,
        ctx: &Context<Self>,
    ) -> impl Future<Output = Result<(), Failure>> + Send {
        std::future::ready(self.on_start(ctx))
    }

    /// [`on_stop`](Actor::on_stop) in a form that can `.await` (see
    /// [`on_start_async`](Actor::on_start_async)); the default runs `on_stop`. A
    /// blocking [`stop`](ActorRef::stop) returns, and the actor's end is published to
    /// [`stopped`](ActorRef::stopped) waiters and watchers, only after it ended (or,
    /// on an executor backend, after the runtime shut down while it awaited, which
    /// drops it where it was).
    ///
    /// # Errors
    ///
    /// As [`on_stop`](Actor::on_stop): a failure is logged; the actor stops anyway.
    fn on_stop_async(
        &mut self,
        ctx: &Context<Self>,
    ) -> impl Future<Output = Result<(), Failure>> + Send {
        std::future::ready(self.on_stop(ctx))
    }

    /// [`on_failure`](Actor::on_failure) in a form that can `.await` (see
    /// [`on_start_async`](Actor::on_start_async)); the default runs `on_failure`.
    ///
    /// # Errors
    ///
    /// As [`on_failure`](Actor::on_failure): a failure is logged.
    fn on_failure_async(
        &mut self,
        failure: &Failure,
        ctx: &Context<Self>,
    ) -> impl Future<Output = Result<(), Failure>> + Send {
        std::future::ready(self.on_failure(failure, ctx))
    }

    /// Runs in the actor's context when an actor it [watches](Context::watch) has
    /// ended: once per watch, as a message in its inbox (so one at a time, between its
    /// other messages), once everything of its life is over (its last hook ran and
    /// the actor value was dropped). `ended` names the actor and says why it ended. The
    /// default does nothing.
    ///
    /// # Errors
    ///
    /// A failure stops the actor, as a told message's failure does (an actor that
    /// cannot live without the one it watched fails here, as Erlang's links would
    /// take it down).
    fn on_watched_stopped(&mut self, ended: &Ended, ctx: &Context<Self>) -> Result<(), Failure> {
        let _ = (ended, ctx);
        Ok(())
    }

    /// Handles one message; for an ask, the `Ok` value is the reply.
    ///
    /// # Errors
    ///
    /// A failure goes to the asker, or stops the actor if the message was told (see the
    /// table above).
    fn on_receive(
        &mut self,
        message: Self::Message,
        ctx: &Context<Self>,
    ) -> Result<Self::Reply, Failure> {
        // Described only if the record is logged: the description may cost.
        if log::log_enabled!(target: "pykka", log::Level::Warn) {
            match Self::describe_message(&message) {
                Some(shown) => log::warn!(
                    target: "pykka",
                    "Unexpected message received by {}: {shown}",
                    ctx.actor_ref()
                ),
                None => {
                    log::warn!(target: "pykka", "Unexpected message received by {}", ctx.actor_ref());
                }
            }
        }
        Err(Failure::unexpected_message(Self::name()))
    }

    /// Handles one message in a handler that can `.await`: another actor's
    /// [`Reply`](crate::Reply), an [`Event`](crate::Event), a timer, async I/O on an
    /// executor backend. Write it as an `async fn` in your `impl Actor`; the default
    /// runs [`on_receive`](Actor::on_receive), so a synchronous actor never sees it.
    ///
    /// The actor still handles one message at a time: while the handler awaits, the
    /// next message waits in the inbox (a stop request too: it is a poison pill, as
    /// ever). Failures and panics, before or after an `.await`, are handled exactly as
    /// `on_receive`'s. How it awaits depends on the backend, never on the actor: on an
    /// executor (smol, tokio) the actor's task yields, holding no worker thread; on a
    /// thread or a coroutine (thread, green) the actor's own thread or coroutine parks
    /// until the future is woken.
    ///
    /// Awaiting another actor's [`Reply`](crate::Reply) is a wait for that actor as a
    /// blocking `ask` is: an await that would close a cycle of waits (the other actor
    /// waits, through others, for this one; or this actor's own reply) is answered at
    /// once with [`AskError::Deadlock`](crate::AskError::Deadlock) instead of hanging.
    ///
    /// The future must be `Send`: keep no `Rc` or lock guard across an `.await`
    /// (`Context` and the actor itself may be used freely).
    ///
    /// # Errors
    ///
    /// As [`on_receive`](Actor::on_receive).
    ///
    /// ```
    /// use pykka_core::{Actor, ActorRef, Context, Failure};
    ///
    /// struct Price;
    /// impl Actor for Price {
    ///     type Message = &'static str;
    ///     type Reply = u32;
    ///     fn on_receive(&mut self, item: &'static str, _: &Context<Self>) -> Result<u32, Failure> {
    ///         Ok(if item == "tea" { 3 } else { 5 })
    ///     }
    /// }
    ///
    /// /// Asks two prices at once and answers their sum.
    /// struct Basket(ActorRef<Price>);
    /// impl Actor for Basket {
    ///     type Message = (&'static str, &'static str);
    ///     type Reply = u32;
    ///     async fn on_receive_async(
    ///         &mut self,
    ///         (a, b): Self::Message,
    ///         _: &Context<Self>,
    ///     ) -> Result<u32, Failure> {
    ///         let (a, b) = self.0.ask_nonblocking(a).zip(self.0.ask_nonblocking(b)).await?;
    ///         Ok(a + b)
    ///     }
    /// }
    ///
    /// let rt = pykka_thread::ThreadRuntime::default();
    /// let basket = Basket(Price.start(&rt).unwrap()).start(&rt).unwrap();
    /// assert_eq!(basket.ask(("tea", "cake")).unwrap(), 8);
    /// basket.stop();
    /// ```
    fn on_receive_async(
        &mut self,
        message: Self::Message,
        ctx: &Context<Self>,
    ) -> impl Future<Output = Result<Self::Reply, Failure>> + Send {
        std::future::ready(self.on_receive(message, ctx))
    }

    /// How the default [`on_receive`](Actor::on_receive) shows an unexpected message in
    /// its WARNING, "Unexpected message received by {actor}: {message}" (Pykka's
    /// record); `None`, the default, leaves the message out, as messages need not be
    /// `Debug`. For a `Debug` message type, one line opts in:
    ///
    /// ```
    /// use pykka_core::{Actor, describe_debug};
    ///
    /// #[derive(Debug)]
    /// enum Msg { Play, Pause }
    /// struct Player;
    /// impl Actor for Player {
    ///     type Message = Msg;
    ///     type Reply = ();
    ///     fn describe_message(message: &Msg) -> Option<String> { describe_debug(message) }
    /// }
    ///
    /// assert_eq!(Player::describe_message(&Msg::Pause).as_deref(), Some("Pause"));
    /// # let _ = Msg::Play;
    /// ```
    ///
    /// It runs only when the record is logged.
    fn describe_message(message: &Self::Message) -> Option<String> {
        let _ = message;
        None
    }

    /// The capacity of the actor's inbox, read once when it starts: `None` (the
    /// default, as in Pykka) for an unbounded inbox, `Some(n)` for a bounded one that
    /// holds at most `n` messages waiting to be handled. A send to a full inbox waits
    /// for room, parking the sender's own context ([`ActorRef::tell`],
    /// [`ask`](ActorRef::ask), proxy calls, [`Recipient`](crate::Recipient)s), or gives
    /// up with the message handed back ([`try_tell`](ActorRef::try_tell),
    /// [`tell_timeout`](ActorRef::tell_timeout)); async code awaits
    /// [`tell_async`](ActorRef::tell_async).
    ///
    /// What never waits, and may pass the capacity for a moment: stop requests (so
    /// `stop` and `stop_all` cannot deadlock on a full inbox); pykka's own messages
    /// (death-watch notifications, [timers](ActorRef::tell_after)); a send from the actor to
    /// itself (it would wait for its own loop); and a send whose wait is part of a cycle
    /// of waits (the target waits, through others, for the sender: whichever wait
    /// closes the cycle, the sender gives way instead of anyone getting
    /// [`AskError::Deadlock`](crate::AskError::Deadlock)), logged at DEBUG.
    /// [`ActorRegistry::broadcast`] tells each actor, so it waits for room like `tell`.
    ///
    /// A capacity of 0 fails the start with a [`StartError`] (an inbox that can hold
    /// nothing could take no message).
    ///
    /// ```
    /// use pykka_core::{Actor, Context, Failure};
    ///
    /// struct Logger {
    ///     capacity: usize,
    /// }
    /// impl Actor for Logger {
    ///     type Message = String;
    ///     type Reply = ();
    ///     fn mailbox_capacity(&self) -> Option<usize> {
    ///         Some(self.capacity)
    ///     }
    ///     fn on_receive(&mut self, line: String, _: &Context<Self>) -> Result<(), Failure> {
    ///         println!("{line}");
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let rt = pykka_thread::ThreadRuntime::default();
    /// let logger = Logger { capacity: 1000 }.start(&rt).unwrap();
    /// assert_eq!(logger.mailbox_capacity(), Some(1000));
    /// logger.tell("hello".to_string()).unwrap(); // waits only if 1000 lines are queued
    /// logger.stop();
    /// assert!(Logger { capacity: 0 }.start(&rt).is_err());
    /// ```
    fn mailbox_capacity(&self) -> Option<usize> {
        None
    }

    /// The actor's name in logs, errors and thread names: by default the type's name
    /// without its module path and generic arguments.
    fn name() -> &'static str {
        short_type_name(std::any::type_name::<Self>())
    }

    /// Starts the actor on `runtime` and registers it in
    /// [`ActorRegistry::global`]: Pykka's `Actor.start()`.
    ///
    /// The actor is registered before `on_start` runs. To keep actors apart (tests,
    /// several subsystems), start them with [`ActorRegistry::start`] on a registry of
    /// their own.
    ///
    /// # Errors
    ///
    /// [`StartError`] if the backend cannot start a thread, coroutine or task.
    fn start<R: Runtime>(self, runtime: &R) -> Result<ActorRef<Self>, StartError> {
        ActorRegistry::global().start(runtime, self)
    }
}

/// A message's `Debug` text, for [`Actor::describe_message`]: the one line that puts
/// an unexpected message into the default `on_receive`'s WARNING.
///
/// ```
/// assert_eq!(pykka_core::describe_debug(&Some(3)).as_deref(), Some("Some(3)"));
/// ```
pub fn describe_debug<M: std::fmt::Debug>(message: &M) -> Option<String> {
    Some(format!("{message:?}"))
}

/// `a::b::Name<c::D>` -> `Name`. One pass over bytes: it runs on every actor start, and
/// the substring searcher behind `rsplit("::")` cost a tenth of a green actor's start.
pub(crate) fn short_type_name(full: &'static str) -> &'static str {
    let bytes = full.as_bytes();
    let end = bytes.iter().position(|&b| b == b'<').unwrap_or(bytes.len());
    let start = bytes[..end]
        .iter()
        .rposition(|&b| b == b':')
        .map_or(0, |i| i + 1);
    &full[start..end]
}

/// What an actor's hooks know about the actor: its own reference, its registry, and a
/// way to stop itself. Pykka's `self.actor_ref`, `self.stop()` and friends.
///
/// # Examples
///
/// ```
/// use pykka_core::{Actor, Context, Failure};
///
/// struct OneShot;
/// impl Actor for OneShot {
///     type Message = ();
///     type Reply = ();
///     fn on_receive(&mut self, _: (), ctx: &Context<Self>) -> Result<(), Failure> {
///         ctx.stop(); // after this message, the actor stops
///         Ok(())
///     }
/// }
/// let one = OneShot.start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// one.ask(()).unwrap();
/// one.stop(); // waits until it has stopped: `true` if this request came first
/// assert!(!one.is_alive());
/// assert!(!one.stop()); // already dead
/// ```
pub struct Context<A: Actor> {
    actor_ref: ActorRef<A>,
    registry: ActorRegistry,
    /// [`stop`](Self::stop) was called: the stop is queued.
    stopping: AtomicBool,
    /// The actors this one watches.
    watching: Watching,
    /// The actor's runtime, to start children on.
    spawner: Arc<dyn Spawner>,
}

impl<A: Actor> Context<A> {
    pub(crate) fn new(
        actor_ref: ActorRef<A>,
        registry: ActorRegistry,
        spawner: Arc<dyn Spawner>,
    ) -> Self {
        Context {
            actor_ref,
            registry,
            stopping: AtomicBool::new(false),
            watching: Watching::default(),
            spawner,
        }
    }

    /// Starts `child` on this actor's runtime, registered in this actor's registry:
    /// an actor that starts other actors does not need to carry its runtime around.
    /// The child is independent of this actor (it outlives it, unless stopped); to
    /// learn of its end in the same step, use [`start_watched`](Self::start_watched);
    /// to have it restarted, a [`Supervisor`](crate::Supervisor).
    ///
    /// The child runs on the same backend, with its configuration (stack size,
    /// executor), and core's [`mailbox`](crate::rt::mailbox) as its inbox whatever the
    /// backend's own; on the thread backend this skips crossbeam-channel, and on green
    /// and smol the short look at an empty inbox after an ask from outside the backend,
    /// so its replies to plain threads can cost a kernel wake-up more.
    ///
    /// # Errors
    ///
    /// [`StartError`] if the backend cannot start a thread, coroutine or task.
    ///
    /// # Examples
    ///
    /// A server that starts a session actor per connection:
    ///
    /// ```
    /// use pykka_core::{Actor, ActorRef, Context, Failure};
    ///
    /// struct Session(u32);
    /// impl Actor for Session {
    ///     type Message = ();
    ///     type Reply = u32;
    ///     fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<u32, Failure> {
    ///         Ok(self.0)
    ///     }
    /// }
    ///
    /// struct Server;
    /// impl Actor for Server {
    ///     type Message = u32;
    ///     type Reply = ActorRef<Session>;
    ///     fn on_receive(&mut self, id: u32, ctx: &Context<Self>) -> Result<ActorRef<Session>, Failure> {
    ///         Ok(ctx.start(Session(id))?)
    ///     }
    /// }
    ///
    /// let server = Server.start(&pykka_thread::ThreadRuntime::default()).unwrap();
    /// let session = server.ask(7).unwrap();
    /// assert_eq!(session.ask(()).unwrap(), 7);
    /// session.stop();
    /// server.stop();
    /// ```
    pub fn start<B: Actor>(&self, child: B) -> Result<ActorRef<B>, StartError> {
        self.registry.start_erased(&self.spawner, child)
    }

    /// Starts `child` as [`start`](Self::start) does and watches it
    /// ([`watch`](Self::watch)) in the same step: this actor's
    /// [`on_watched_stopped`](Actor::on_watched_stopped) runs once when the child ends,
    /// even if it ends (say, its `on_start` fails) before this call returns.
    ///
    /// # Errors
    ///
    /// [`StartError`] if the backend cannot start the child; it is then not watched.
    ///
    /// ```
    /// use pykka_core::{Actor, Context, Ended, Event, Failure, StopReason};
    ///
    /// struct Fragile;
    /// impl Actor for Fragile {
    ///     type Message = ();
    ///     type Reply = ();
    ///     fn on_start(&mut self, _: &Context<Self>) -> Result<(), Failure> {
    ///         Err(Failure::msg("no device"))
    ///     }
    ///     fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> { Ok(()) }
    /// }
    ///
    /// struct Parent(Event);
    /// impl Actor for Parent {
    ///     type Message = ();
    ///     type Reply = ();
    ///     fn on_receive(&mut self, (): (), ctx: &Context<Self>) -> Result<(), Failure> {
    ///         ctx.start_watched(Fragile)?;
    ///         Ok(())
    ///     }
    ///     fn on_watched_stopped(&mut self, ended: &Ended, _: &Context<Self>) -> Result<(), Failure> {
    ///         assert!(matches!(ended.reason(), StopReason::StartFailed(_)));
    ///         self.0.set();
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let seen = Event::new();
    /// let parent = Parent(seen.clone()).start(&pykka_thread::ThreadRuntime::default()).unwrap();
    /// parent.ask(()).unwrap();
    /// assert!(seen.wait_timeout(std::time::Duration::from_secs(10)));
    /// parent.stop();
    /// ```
    pub fn start_watched<B: Actor>(&self, child: B) -> Result<ActorRef<B>, StartError> {
        let child = self.start(child)?;
        // Watching an actor that has already ended notifies at once, so nothing is
        // lost between the start and the watch.
        let _ = self
            .watching
            .watch(&self.actor_ref, AnyActorRef::from(&child));
        Ok(child)
    }

    pub(crate) fn watching(&self) -> &Watching {
        &self.watching
    }

    /// The actor's own reference (to tell itself, or to hand to others).
    pub fn actor_ref(&self) -> &ActorRef<A> {
        &self.actor_ref
    }

    /// The registry the actor is registered in.
    pub fn registry(&self) -> &ActorRegistry {
        &self.registry
    }

    /// The actor's URN, `urn:uuid:…`.
    pub fn urn(&self) -> &str {
        self.actor_ref.urn()
    }

    /// Asks the actor to stop after the messages already in its inbox: Pykka's
    /// `Actor.stop()`, a poison pill. Calling it twice is harmless.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::Relaxed);
        self.actor_ref.tell_stop();
    }

    /// Watches `other` (of any actor type, on any backend): when it ends, this actor's
    /// [`on_watched_stopped`](Actor::on_watched_stopped) runs once for this watch, with
    /// its URN, name and [`StopReason`](crate::StopReason) (Akka's `watch`, Erlang's
    /// `monitor`). If `other` has already ended, the notification is queued at once
    /// (Erlang's `noproc`). Watching the same actor twice makes two watches, each
    /// notified once. Logged at DEBUG, as is each notification.
    ///
    /// An actor's end is taken under the same lock as its list of watchers, so a
    /// watch racing with the end is notified exactly once either way. A watcher that
    /// has itself ended when the notification is due is skipped; its watches end with
    /// it.
    ///
    /// # Errors
    ///
    /// [`WatchError::OwnActor`] for the actor itself (it could never handle the
    /// notification of its own end; use [`on_stop`](Actor::on_stop)).
    ///
    /// ```
    /// use std::time::Duration;
    /// use pykka_core::{Actor, ActorRef, Context, Ended, Event, Failure, StopReason};
    ///
    /// struct Worker;
    /// impl Actor for Worker {
    ///     type Message = ();
    ///     type Reply = ();
    ///     fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> {
    ///         Err(Failure::msg("crashed"))
    ///     }
    /// }
    ///
    /// struct Monitor {
    ///     seen: Event,
    /// }
    /// impl Actor for Monitor {
    ///     type Message = ActorRef<Worker>;
    ///     type Reply = ();
    ///     fn on_receive(&mut self, w: ActorRef<Worker>, ctx: &Context<Self>) -> Result<(), Failure> {
    ///         ctx.watch(&w)?;
    ///         Ok(())
    ///     }
    ///     fn on_watched_stopped(&mut self, ended: &Ended, _: &Context<Self>) -> Result<(), Failure> {
    ///         assert_eq!(ended.name(), "Worker");
    ///         assert!(matches!(ended.reason(), StopReason::Failed(f) if f.to_string() == "crashed"));
    ///         self.seen.set();
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let rt = pykka_thread::ThreadRuntime::default();
    /// let seen = pykka_core::Event::new();
    /// let monitor = Monitor { seen: seen.clone() }.start(&rt).unwrap();
    /// let worker = Worker.start(&rt).unwrap();
    /// monitor.ask(worker.clone()).unwrap(); // the watch is on
    /// worker.tell(()).unwrap(); // the worker fails
    /// assert!(seen.wait_timeout(Duration::from_secs(10)));
    /// monitor.stop();
    /// ```
    pub fn watch(&self, other: impl Into<AnyActorRef>) -> Result<WatchId, WatchError> {
        let other = other.into();
        if other.meta().id == self.actor_ref.meta().id {
            return Err(WatchError::OwnActor(self.actor_ref.meta().label().clone()));
        }
        Ok(self.watching.watch(&self.actor_ref, other))
    }

    /// Ends a watch: returns `true` if it was still on (its notification, even one
    /// already queued, will not be handled), `false` if it had already been notified
    /// or unwatched.
    pub fn unwatch(&self, watch: WatchId) -> bool {
        self.watching.unwatch(&self.actor_ref, watch)
    }

    /// A proxy to the actor itself, to schedule work after everything already in its
    /// inbox (never block on its replies from inside the actor).
    ///
    /// # Errors
    ///
    /// [`ActorDeadError`] if the actor is already stopping: it called
    /// [`stop`](Self::stop) (work scheduled behind its own stop would never run), with
    /// [`DeadKind::Stopping`](crate::DeadKind::Stopping), or it is dead.
    ///
    /// ```
    /// use pykka_core::{Actor, Context, Failure};
    ///
    /// struct Quitter;
    /// impl Actor for Quitter {
    ///     type Message = ();
    ///     type Reply = String;
    ///     fn on_receive(&mut self, (): (), ctx: &Context<Self>) -> Result<String, Failure> {
    ///         assert!(ctx.proxy().is_ok());
    ///         ctx.stop();
    ///         Ok(ctx.proxy().unwrap_err().to_string())
    ///     }
    /// }
    ///
    /// let quitter = Quitter.start(&pykka_thread::ThreadRuntime::default()).unwrap();
    /// assert!(quitter.ask(()).unwrap().ends_with("is stopping"));
    /// ```
    pub fn proxy(&self) -> Result<Proxy<A>, ActorDeadError> {
        if self.stopping.load(Ordering::Relaxed) {
            return Err(self.actor_ref.meta().dead(DeadKind::Stopping));
        }
        self.actor_ref.proxy()
    }
}

impl<A: Actor> std::fmt::Debug for Context<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("actor_ref", &self.actor_ref)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::{describe_debug, short_type_name};
    use crate::Actor;

    struct Silent;
    impl Actor for Silent {
        type Message = u8;
        type Reply = ();
    }

    struct Shown;
    impl Actor for Shown {
        type Message = u8;
        type Reply = ();
        fn describe_message(message: &u8) -> Option<String> {
            describe_debug(message)
        }
    }

    #[test]
    fn messages_are_described_only_where_the_actor_opts_in() {
        assert_eq!(Silent::describe_message(&7), None);
        assert_eq!(Shown::describe_message(&7).as_deref(), Some("7"));
        assert_eq!(describe_debug(&"a").as_deref(), Some("\"a\""));
    }

    #[test]
    fn short_type_names() {
        assert_eq!(short_type_name("Plain"), "Plain");
        assert_eq!(short_type_name("a::b::Name"), "Name");
        assert_eq!(short_type_name("a::Name<b::C, d::E<f::G>>"), "Name");
        assert_eq!(short_type_name("Name<b::C>"), "Name");
    }
}
