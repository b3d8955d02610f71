//! [`ActorRef`]: the handle through which the world talks to an actor.

use std::cell::Cell as StdCell;
use std::fmt;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use crate::actor_loop::{Envelope, Msg};
use crate::bounded::{Bound, NoRoom, Room};
use crate::debug;
use crate::error::{
    ActorDeadError, AskError, DeadKind, DeadlockError, TellTimeoutError, TimeoutError, TryTellError,
};
use crate::reply::Completer;
use crate::rt::context;
use crate::rt::park::Parker;
use crate::runtime::InboxSender;
use crate::waiters::{WaitKey, deadline_after};
use crate::watch::Death;
use crate::{Actor, Proxy, Reply, StopReason};

use uuid::Uuid;

/// A random (version 4) UUID from a generator of the calling thread.
///
/// `Uuid::new_v4` asks the operating system for 16 random bytes on every call (a
/// `getrandom` system call, about a third of a microsecond here, as much as the rest
/// of starting a green actor's coroutine). Actor URNs only need to be unique, not
/// unpredictable, so each thread seeds a SplitMix64 generator from one `new_v4` and
/// draws 128 bits from it per actor. Two threads' sequences overlap only if their
/// 64-bit seeds fall within a few million steps of each other (odds below 2^-40).
/// A process that `fork`s without `exec` copies the generator of the forking thread,
/// so parent and child would draw the same URNs there; pykka does not support using
/// actors across such a fork.
fn random_uuid() -> Uuid {
    thread_local! {
        static STATE: StdCell<u64> = StdCell::new({
            // Both halves, so that the fixed version and variant bits of a v4 UUID
            // leave all 64 bits of the seed random.
            let (high, low) = Uuid::new_v4().as_u64_pair();
            high ^ low
        });
    }
    let (high, low) = STATE.with(|state| {
        let high = splitmix64(state);
        (high, splitmix64(state))
    });
    uuid::Builder::from_random_bytes((u128::from(high) << 64 | u128::from(low)).to_be_bytes())
        .into_uuid()
}

/// One step of SplitMix64 (Steele, Lea and Flood, 2014).
fn splitmix64(state: &StdCell<u64>) -> u64 {
    let s = state.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
    state.set(s);
    let mut z = s;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Who answers a reply: enough to name the actor in errors and to see that a wait
/// for it would be a wait on oneself. Shared by the actor and its replies.
#[derive(Debug)]
pub(crate) struct Origin {
    name: &'static str,
    uuid: Uuid,
    /// `Name (urn:uuid:…)`, Pykka's `str(actor)`, made when first needed: most actors
    /// are never printed, and formatting it was a tenth of the cost of a start.
    label: OnceLock<Arc<str>>,
    /// The context id of the actor's loop while one of its hooks runs (or, for a loop
    /// that holds its thread or coroutine, for the loop's whole life), else 0. Only code
    /// inside the loop has that id, so "`running_in` is my id" means "I am inside a
    /// hook of this actor".
    pub(crate) running_in: AtomicU64,
    /// The actor's slot for the debug helpers and the ask-cycle check.
    pub(crate) activity: debug::ActivityRef,
    /// The room of a bounded inbox; `None` for an unbounded one (the default). Here
    /// rather than in [`Meta`] so that the ask-cycle check, which knows actors by their
    /// origin, can wake the senders waiting for room in a cycle.
    pub(crate) bound: Option<Bound>,
}

impl Origin {
    /// `Name (urn:uuid:…)`, Pykka's `str(actor)`.
    pub(crate) fn label(&self) -> &Arc<str> {
        self.label
            .get_or_init(|| format!("{} ({})", self.name, self.uuid.urn()).into())
    }

    /// The actor's name ([`Actor::name`]).
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// Refuses a wait of the calling context for this actor's answer that would never
    /// end: inside one of the actor's own hooks, or closing an ask cycle (checked before
    /// anything is sent, so the message that would close it is not delivered).
    pub(crate) fn refuse_wait(&self) -> Result<(), DeadlockError> {
        if self.is_running_here() {
            return Err(DeadlockError::new(self.label().clone()));
        }
        debug::check_before_send(self)
    }

    /// `urn:uuid:…`, the part of the label between the parentheses.
    pub(crate) fn urn(&self) -> &str {
        let label = self.label();
        &label[self.name.len() + 2..label.len() - 1]
    }

    /// Whether the calling context is inside one of the actor's hooks right now (so
    /// waiting for the actor would wait forever).
    pub(crate) fn is_running_here(&self) -> bool {
        let running = self.running_in.load(Ordering::Acquire);
        running != 0 && running == context::context_id()
    }
}

/// What every reference knows about its actor, whatever the actor's type.
pub(crate) struct Meta {
    /// Process-unique number, also the `N` of the thread name `Name-N`.
    pub(crate) id: u64,
    pub(crate) name: &'static str,
    pub(crate) origin: Arc<Origin>,
    pub(crate) alive: AtomicBool,
    /// What is used rarely (timers, the end and its watchers), out of line: `alive`
    /// and the sender, read at every tell, then share a cache line.
    pub(crate) rare: Box<Rare>,
}

/// The rarely used part of [`Meta`].
#[derive(Default)]
pub(crate) struct Rare {
    /// Its pending timers, cancelled when it stops.
    pub(crate) timers: crate::timers::ActorTimers,
    /// The actor's end: its reason once its loop ended, its watchers and waiters.
    pub(crate) death: Death,
}

impl Meta {
    pub(crate) fn new(id: u64, name: &'static str, capacity: Option<usize>) -> Self {
        Meta {
            id,
            name,
            origin: Arc::new(Origin {
                name,
                uuid: random_uuid(),
                label: OnceLock::new(),
                running_in: AtomicU64::new(0),
                activity: debug::claim(),
                bound: capacity.map(Bound::new),
            }),
            alive: AtomicBool::new(true),
            rare: Box::default(),
        }
    }

    /// `Name (urn:uuid:…)`, Pykka's `str(actor)`.
    pub(crate) fn label(&self) -> &Arc<str> {
        self.origin.label()
    }

    /// The room of its inbox, if bounded.
    pub(crate) fn bound(&self) -> Option<&Bound> {
        self.origin.bound.as_ref()
    }

    pub(crate) fn is_alive(&self) -> bool {
        self.alive.load(Ordering::Acquire)
    }

    pub(crate) fn dead(&self, kind: DeadKind) -> ActorDeadError {
        ActorDeadError::new(self.label().clone(), kind)
    }
}

/// The shared part of every [`ActorRef`] of one actor; `S` is the inbox sender, erased
/// to a trait object so that references do not name the runtime.
pub(crate) struct Cell<A: Actor, S: ?Sized = dyn InboxSender<Envelope<A>>> {
    pub(crate) meta: Meta,
    _actor: PhantomData<fn() -> A>,
    /// The kind of context the actor runs in (to tell its own senders from outside).
    kind: &'static context::Kind,
    sender: S,
}

impl<A: Actor> Cell<A> {
    /// The number of messages queued in the actor's inbox, if its backend can tell.
    pub(crate) fn queued(&self) -> Option<usize> {
        self.sender.queued()
    }

    /// Whether the actor waits for its next message, if its backend can tell.
    pub(crate) fn receiver_waits(&self) -> Option<bool> {
        self.sender.receiver_waits()
    }
}

impl<A: Actor, S> Cell<A, S> {
    pub(crate) fn new(meta: Meta, kind: &'static context::Kind, sender: S) -> Self {
        Cell {
            meta,
            _actor: PhantomData,
            kind,
            sender,
        }
    }
}

/// A reference to a running (or dead) actor: Pykka's `ActorRef`.
///
/// Cheap to clone, `Send` and `Sync`; equal (and hashed) by actor identity. Its
/// `Display` is Pykka's `str(ref)`, `Name (urn:uuid:…)`; its `Debug` is Pykka's
/// `repr`, `<ActorRef for Name (urn:uuid:…)>`.
///
/// | Pykka                           | pykka                                        |
/// |---------------------------------|----------------------------------------------|
/// | `ref.tell(msg)`                 | [`tell`](ActorRef::tell)                     |
/// | `ref.ask(msg)`                  | [`ask`](ActorRef::ask)                       |
/// | `ref.ask(msg, timeout=t)`       | [`ask_timeout`](ActorRef::ask_timeout)       |
/// | `ref.ask(msg, block=False)`     | [`ask_nonblocking`](ActorRef::ask_nonblocking) |
/// | `ref.stop()`                    | [`stop`](ActorRef::stop)                     |
/// | `ref.stop(timeout=t)`           | [`stop_timeout`](ActorRef::stop_timeout)     |
/// | `ref.stop(block=False)`         | [`stop_nonblocking`](ActorRef::stop_nonblocking) |
/// | `ref.is_alive()`                | [`is_alive`](ActorRef::is_alive)             |
/// | `ref.proxy()`                   | [`proxy`](ActorRef::proxy)                   |
/// | `ref.actor_urn`                 | [`urn`](ActorRef::urn)                       |
/// | `ref.actor_class.__name__`      | [`actor_name`](ActorRef::actor_name)         |
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use pykka_core::{Actor, Context, Failure};
///
/// struct Greeter;
/// impl Actor for Greeter {
///     type Message = String;
///     type Reply = String;
///     fn on_receive(&mut self, name: String, _: &Context<Self>) -> Result<String, Failure> {
///         Ok(format!("hello, {name}"))
///     }
/// }
///
/// let greeter = Greeter.start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// assert!(greeter.to_string().starts_with("Greeter (urn:uuid:"));
/// let reply = greeter.ask_nonblocking("ann".into());
/// assert_eq!(greeter.ask_timeout("bob".into(), Duration::from_secs(5)).unwrap(), "hello, bob");
/// assert_eq!(reply.take().unwrap(), "hello, ann");
/// assert!(greeter.stop());
/// assert!(!greeter.stop()); // already dead
/// ```
pub struct ActorRef<A: Actor> {
    pub(crate) cell: Arc<Cell<A>>,
}

impl<A: Actor> ActorRef<A> {
    pub(crate) fn from_cell(cell: Arc<Cell<A>>) -> Self {
        ActorRef { cell }
    }

    pub(crate) fn meta(&self) -> &Meta {
        &self.cell.meta
    }

    /// Sends a stop request, which never waits for room.
    pub(crate) fn send_stop(&self, msg: Msg<A>) -> Result<(), Msg<A>> {
        debug_assert!(matches!(msg, Msg::Stop(_)));
        self.cell.sender.send(Envelope(msg)).map_err(|e| e.0)
    }

    /// Sends any other envelope, taking room in a bounded inbox as `room` says; hands
    /// the message back with why it was not sent.
    pub(crate) fn send(&self, msg: Msg<A>, room: Room) -> Result<(), (Msg<A>, NoRoom)> {
        let Some(bound) = self.cell.meta.bound() else {
            return self
                .cell
                .sender
                .send(Envelope(msg))
                .map_err(|e| (e.0, NoRoom::Dead));
        };
        if let Err(no) = bound.take(&self.cell.meta, room) {
            return Err((msg, no));
        }
        self.send_in_room(bound, msg)
    }

    /// Sends an envelope whose room in `bound` is taken; gives the room back if the
    /// inbox is closed.
    fn send_in_room(&self, bound: &Bound, msg: Msg<A>) -> Result<(), (Msg<A>, NoRoom)> {
        self.cell.sender.send(Envelope(msg)).map_err(|e| {
            bound.give_back();
            (e.0, NoRoom::Dead)
        })
    }

    /// The reply to a message for this actor, and its completer (which fails it as
    /// "stopped before handling the message" if dropped unused).
    pub(crate) fn answer<T: Send + 'static>(&self) -> (Reply<T>, Completer<T>) {
        self.answer_noted(None)
    }

    /// [`answer`](Self::answer) for a blocking ask, whose reply notes the asker's
    /// `reserved` wait.
    fn answer_noted<T: Send + 'static>(
        &self,
        reserved: Option<debug::Reserved>,
    ) -> (Reply<T>, Completer<T>) {
        Completer::pair(
            self.cell.meta.origin.clone(),
            self.sent_from_outside(),
            reserved,
        )
    }

    /// [`answer`](Self::answer) with what an unused completer completes the reply with.
    pub(crate) fn answer_with<T: Send + 'static>(
        &self,
        orphan: fn(&Arc<str>) -> Result<T, AskError>,
    ) -> (Reply<T>, Completer<T>) {
        Completer::pair_with(
            self.cell.meta.origin.clone(),
            orphan,
            self.sent_from_outside(),
        )
    }

    /// Whether the calling context is outside the actor's backend (a plain thread, or
    /// another backend's context), for a message whose answer it will probably wait
    /// for: the actor may then look at its inbox a moment longer after handling it
    /// (see [`RecvBlocking::recv`](crate::rt::RecvBlocking::recv)). Always `false`
    /// for thread actors, which never look, without a lookup.
    fn sent_from_outside(&self) -> bool {
        self.cell.kind.looks() && !context::is_current(self.cell.kind)
    }

    /// The actor's URN, `urn:uuid:` and a random (version 4) UUID.
    pub fn urn(&self) -> &str {
        self.cell.meta.origin.urn()
    }

    /// The actor's name ([`Actor::name`]), Pykka's class name.
    pub fn actor_name(&self) -> &'static str {
        self.cell.meta.name
    }

    /// Whether the actor is alive: started and not yet stopped. An alive actor may still
    /// be busy and slow to answer.
    pub fn is_alive(&self) -> bool {
        self.cell.meta.is_alive()
    }

    /// Sends `message`. On an unbounded inbox (the default) it never waits; on a
    /// bounded one ([`Actor::mailbox_capacity`]) that is full, it waits for room,
    /// parking the calling context (a coroutine parks only itself; async code should
    /// rather `.await` [`tell_async`](Self::tell_async)). A tell never waits for the
    /// actor's own loop: the actor telling itself, or a tell that would close a cycle
    /// of waits (the target waits, through others, for the caller), goes over the
    /// capacity instead (logged at DEBUG).
    ///
    /// # Errors
    ///
    /// [`ActorDeadError`] with the message inside (see
    /// [`into_inner`](ActorDeadError::into_inner)) if the actor is dead, or ends while
    /// the tell waits for room.
    pub fn tell(&self, message: A::Message) -> Result<(), ActorDeadError<A::Message>> {
        self.tell_with(message, Room::Wait(None))
            .map_err(|(m, _)| self.cell.meta.dead(DeadKind::NotFound).with_message(m))
    }

    /// Sends `message` if the inbox has room now, without ever waiting. On an
    /// unbounded inbox it is [`tell`](Self::tell).
    ///
    /// # Errors
    ///
    /// [`TryTellError::Full`] with the message if the bounded inbox is full;
    /// [`TryTellError::Dead`] if the actor is dead.
    ///
    /// ```
    /// use pykka_core::{Actor, Context, Event, Failure};
    ///
    /// use std::time::Duration;
    ///
    /// struct Slow {
    ///     busy: Event,
    ///     release: Event,
    /// }
    /// impl Actor for Slow {
    ///     type Message = u32;
    ///     type Reply = ();
    ///     fn mailbox_capacity(&self) -> Option<usize> {
    ///         Some(1)
    ///     }
    ///     fn on_receive(&mut self, _: u32, _: &Context<Self>) -> Result<(), Failure> {
    ///         self.busy.set();
    ///         self.release.wait_timeout(Duration::from_secs(10)); // busy until released
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let (busy, release) = (Event::new(), Event::new());
    /// let slow = Slow { busy: busy.clone(), release: release.clone() }
    ///     .start(&pykka_thread::ThreadRuntime::default())
    ///     .unwrap();
    /// assert_eq!(slow.mailbox_capacity(), Some(1));
    /// slow.tell(1).unwrap();
    /// assert!(busy.wait_timeout(Duration::from_secs(10))); // 1 is out of the inbox
    /// slow.try_tell(2).unwrap(); // fills the one place
    /// let refused = slow.try_tell(3).unwrap_err();
    /// assert!(refused.is_full());
    /// assert_eq!(refused.into_inner(), 3);
    /// release.set();
    /// slow.stop();
    /// ```
    pub fn try_tell(&self, message: A::Message) -> Result<(), TryTellError<A::Message>> {
        self.tell_with(message, Room::Try)
            .map_err(|(m, no)| match no {
                NoRoom::Full => TryTellError::Full(m),
                _ => TryTellError::Dead(self.cell.meta.dead(DeadKind::NotFound).with_message(m)),
            })
    }

    /// Sends `message`, waiting at most `timeout` for room in a full, bounded inbox.
    /// On an unbounded inbox it is [`tell`](Self::tell).
    ///
    /// # Errors
    ///
    /// [`TellTimeoutError::Timeout`] with the message if the inbox stayed full;
    /// [`TellTimeoutError::Dead`] if the actor is dead or ends meanwhile.
    pub fn tell_timeout(
        &self,
        message: A::Message,
        timeout: Duration,
    ) -> Result<(), TellTimeoutError<A::Message>> {
        self.tell_with(message, Room::Wait(deadline_after(timeout)))
            .map_err(|(m, no)| match no {
                NoRoom::TimedOut => TellTimeoutError::Timeout(m, timeout),
                _ => {
                    TellTimeoutError::Dead(self.cell.meta.dead(DeadKind::NotFound).with_message(m))
                }
            })
    }

    /// Sends `message` from async code: awaits room in a full, bounded inbox without
    /// blocking the thread (the task yields), then sends. On an unbounded inbox it is
    /// ready at once. Dropping the future before it is ready sends nothing.
    ///
    /// # Errors
    ///
    /// As [`tell`](Self::tell).
    ///
    /// ```
    /// # use pykka_core::{Actor, Context, Failure};
    /// # struct Echo;
    /// # impl Actor for Echo {
    /// #     type Message = u32;
    /// #     type Reply = u32;
    /// #     fn on_receive(&mut self, m: u32, _: &Context<Self>) -> Result<u32, Failure> { Ok(m) }
    /// # }
    /// let echo = Echo.start(&pykka_thread::ThreadRuntime::default()).unwrap();
    /// smol::block_on(async {
    ///     echo.tell_async(1).await.unwrap();
    ///     assert_eq!(echo.ask_nonblocking(2).await.unwrap(), 2);
    /// });
    /// echo.stop();
    /// ```
    pub fn tell_async(
        &self,
        message: A::Message,
    ) -> impl Future<Output = Result<(), ActorDeadError<A::Message>>> + Send + 'static {
        TellAsync {
            actor_ref: self.clone(),
            message: Some(message),
            key: WaitKey::default(),
        }
    }

    /// The capacity of the actor's inbox: `None` for an unbounded one (the default).
    pub fn mailbox_capacity(&self) -> Option<usize> {
        self.cell.meta.bound().map(Bound::capacity)
    }

    fn tell_with(&self, message: A::Message, room: Room) -> Result<(), (A::Message, NoRoom)> {
        if !self.is_alive() {
            return Err((message, NoRoom::Dead));
        }
        match self.send(Msg::Tell(message), room) {
            Ok(()) => Ok(()),
            Err((Msg::Tell(m), no)) => Err((m, no)),
            Err(_) => unreachable!("the inbox handed back another message"),
        }
    }

    /// Sends `message` and returns with a [`Reply`] to its answer, without waiting for
    /// the answer (on a full, bounded inbox, it first waits for room as
    /// [`tell`](Self::tell) does).
    ///
    /// If the actor is dead, the reply fails with [`ActorDeadError`] ("… not found"); if
    /// it stops before handling the message, with "… stopped before handling the
    /// message". It never waits forever because the actor died.
    pub fn ask_nonblocking(&self, message: A::Message) -> Reply<A::Reply> {
        self.ask_with(message, Room::Wait(None), None, None)
    }

    /// `reserved`: the wait a blocking ask will publish, noted in the reply.
    fn ask_with(
        &self,
        message: A::Message,
        room: Room,
        timeout: Option<Duration>,
        reserved: Option<debug::Reserved>,
    ) -> Reply<A::Reply> {
        let not_found = || AskError::Dead(self.cell.meta.dead(DeadKind::NotFound));
        if !self.is_alive() {
            return Reply::ready(Err(not_found()));
        }
        let (reply, completer) = self.answer_noted(reserved);
        if let Err((Msg::Ask(_, completer), no)) = self.send(Msg::Ask(message, completer), room) {
            completer.complete(Err(match no {
                NoRoom::TimedOut => AskError::Timeout(TimeoutError::new(
                    timeout,
                    Some(self.cell.meta.label().clone()),
                )),
                _ => not_found(),
            }));
        }
        reply
    }

    /// Sends `message` and waits for the answer.
    ///
    /// # Errors
    ///
    /// [`AskError::Dead`] if the actor is dead or stops first, [`AskError::Failed`] if
    /// the handler failed, [`AskError::Deadlock`] if an actor asks itself or the ask
    /// would close a cycle of actors waiting for each other (the message is then not
    /// sent; see [`debug`](crate::debug#ask-cycles)).
    pub fn ask(&self, message: A::Message) -> Result<A::Reply, AskError> {
        self.ask_deadline_inner(message, None, None)
    }

    /// Like [`ask`](ActorRef::ask), giving up after `timeout`. A message that timed out is
    /// not withdrawn: the actor still handles it later.
    ///
    /// # Errors
    ///
    /// As [`ask`](ActorRef::ask), plus [`AskError::Timeout`].
    pub fn ask_timeout(
        &self,
        message: A::Message,
        timeout: Duration,
    ) -> Result<A::Reply, AskError> {
        self.ask_deadline_inner(message, deadline_after(timeout), Some(timeout))
    }

    fn ask_deadline_inner(
        &self,
        message: A::Message,
        deadline: Option<Instant>,
        timeout: Option<Duration>,
    ) -> Result<A::Reply, AskError> {
        self.cell.meta.origin.refuse_wait()?;
        // One parker lookup for the whole ask, and its wait noted in the reply as it
        // is made (no lock taken for that when the wait parks).
        let parker = Parker::current();
        let reserved = debug::reserve_wait(&parker);
        self.ask_with(message, Room::Wait(deadline), timeout, reserved)
            .take_noted(parker, reserved, deadline, timeout)
    }

    /// Enqueues a stop request with no reply (Pykka's `Actor.stop()` from inside).
    pub(crate) fn tell_stop(&self) {
        if self.is_alive() {
            let _ = self.send_stop(Msg::Stop(None));
        }
    }

    /// Asks the actor to stop after the messages already queued, and returns at once
    /// with a reply: `true` if this request stopped it (or was queued when it stopped),
    /// `false` if it was already dead.
    pub fn stop_nonblocking(&self) -> Reply<bool> {
        if !self.is_alive() {
            return Reply::ready(Ok(false));
        }
        let (reply, completer) = self.answer_with(|_| Ok(true));
        if let Err(Msg::Stop(Some(completer))) = self.send_stop(Msg::Stop(Some(completer))) {
            completer.complete(Ok(false));
        }
        reply
    }

    /// Stops the actor after the messages already queued (a poison pill) and waits until
    /// it has stopped and run `on_stop`.
    ///
    /// Returns `true` if this call stopped the actor, `false` if it was already dead.
    /// Called from inside the actor's own hooks (where waiting would deadlock), or from
    /// an actor the stopped actor is waiting for (an [ask cycle](crate::debug#ask-cycles)),
    /// it queues the stop and returns `true` at once: the actor stops after the current
    /// message.
    pub fn stop(&self) -> bool {
        stop_wait(self.meta(), || self.stop_nonblocking(), None, None).unwrap_or(true)
    }

    /// Like [`stop`](ActorRef::stop), giving up after `timeout`. On timeout the request
    /// stays queued and the actor still stops later.
    ///
    /// # Errors
    ///
    /// [`TimeoutError`] if the actor had not stopped in time.
    pub fn stop_timeout(&self, timeout: Duration) -> Result<bool, TimeoutError> {
        stop_wait(
            self.meta(),
            || self.stop_nonblocking(),
            deadline_after(timeout),
            Some(timeout),
        )
    }

    /// A reply that resolves to why the actor ended, once it has ended: after its
    /// `on_stop` or `on_failure` ran, its unhandled messages were dropped and the actor
    /// value itself was dropped (its `Drop` released what it held). At once
    /// if the actor has already ended. Wait for it from anywhere (a plain thread, any
    /// backend's actor) with [`get_timeout`](Reply::get_timeout) or `.await`; each call
    /// gives a reply of its own. Waiting for it inside the actor's own hooks fails with
    /// [`AskError::Deadlock`] instead of waiting forever. To be *told* of an actor's
    /// end inside another actor, [watch](crate::Context::watch) it instead.
    ///
    /// ```
    /// use std::time::Duration;
    /// use pykka_core::{Actor, Context, Failure, StopReason};
    ///
    /// struct Fragile;
    /// impl Actor for Fragile {
    ///     type Message = ();
    ///     type Reply = ();
    ///     fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> {
    ///         Err(Failure::msg("broken"))
    ///     }
    /// }
    ///
    /// let rt = pykka_thread::ThreadRuntime::default();
    /// let fragile = Fragile.start(&rt).unwrap();
    /// let ended = fragile.stopped();
    /// fragile.tell(()).unwrap(); // a told failure ends the actor
    /// match ended.get_timeout(Duration::from_secs(10)).unwrap() {
    ///     StopReason::Failed(failure) => assert_eq!(failure.to_string(), "broken"),
    ///     other => panic!("{other}"),
    /// }
    /// // Already dead: resolves at once.
    /// assert!(fragile.stopped().is_ready());
    ///
    /// let calm = Fragile.start(&rt).unwrap();
    /// calm.stop();
    /// assert!(calm.stopped().get_timeout(Duration::from_secs(10)).unwrap().is_normal());
    /// ```
    pub fn stopped(&self) -> Reply<StopReason> {
        self.cell.meta.rare.death.stopped(&self.cell.meta.origin)
    }

    /// A proxy that turns closures into messages to this actor: Pykka's `ref.proxy()`.
    ///
    /// # Errors
    ///
    /// [`ActorDeadError`] ("… not found") if the actor is dead.
    pub fn proxy(&self) -> Result<Proxy<A>, ActorDeadError> {
        if self.is_alive() {
            Ok(Proxy::new(self.clone()))
        } else {
            Err(self.cell.meta.dead(DeadKind::NotFound))
        }
    }
}

/// The blocking stop shared by typed and type-erased references.
pub(crate) fn stop_wait(
    meta: &Meta,
    stop_nonblocking: impl FnOnce() -> Reply<bool>,
    deadline: Option<Instant>,
    timeout: Option<Duration>,
) -> Result<bool, TimeoutError> {
    if !meta.is_alive() {
        return Ok(false);
    }
    let refused = meta.origin.refuse_wait();
    let reply = stop_nonblocking();
    if let Err(deadlock) = refused {
        // Waiting would deadlock (our own stop, or an ask cycle); the request is queued.
        log::debug!(target: "pykka", "Not waiting for the stop of {}: {deadlock}", meta.label());
        return Ok(true);
    }
    match reply.take_within(deadline, timeout) {
        Ok(stopped) => Ok(stopped),
        Err(AskError::Timeout(e)) => Err(e),
        Err(_) => Ok(false),
    }
}

impl<A: Actor> Clone for ActorRef<A> {
    fn clone(&self) -> Self {
        ActorRef {
            cell: self.cell.clone(),
        }
    }
}

impl<A: Actor> PartialEq for ActorRef<A> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.cell, &other.cell)
    }
}

impl<A: Actor> Eq for ActorRef<A> {}

impl<A: Actor> Hash for ActorRef<A> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.cell.meta.id.hash(state);
    }
}

impl<A: Actor> fmt::Display for ActorRef<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cell.meta.label())
    }
}

impl<A: Actor> fmt::Debug for ActorRef<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<ActorRef for {}>", self.cell.meta.label())
    }
}

/// The future of [`ActorRef::tell_async`].
struct TellAsync<A: Actor> {
    // Never pinned structurally: the message is moved out, never borrowed across polls.
    actor_ref: ActorRef<A>,
    message: Option<A::Message>,
    key: WaitKey,
}

impl<A: Actor> Unpin for TellAsync<A> {}

impl<A: Actor> Future for TellAsync<A> {
    type Output = Result<(), ActorDeadError<A::Message>>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        // `TellAsync` is `Unpin`: it holds no self-references.
        let this = self.get_mut();
        let meta = &this.actor_ref.cell.meta;
        let Some(message) = this.message.take() else {
            panic!("TellAsync polled after it completed");
        };
        let dead = |m| Poll::Ready(Err(meta.dead(DeadKind::NotFound).with_message(m)));
        if !meta.is_alive() {
            return dead(message);
        }
        let Some(bound) = meta.bound() else {
            return match this.actor_ref.send(Msg::Tell(message), Room::Force) {
                Ok(()) => Poll::Ready(Ok(())),
                Err((Msg::Tell(m), _)) => dead(m),
                Err(_) => unreachable!("the inbox handed back another message"),
            };
        };
        let taken = if meta.origin.is_running_here() {
            // The actor tells itself: awaiting its own loop would never end.
            bound.force();
            Poll::Ready(Ok(()))
        } else {
            bound.poll_take(cx, &mut this.key)
        };
        match taken {
            Poll::Pending => {
                this.message = Some(message);
                return Poll::Pending;
            }
            Poll::Ready(Err(_)) => return dead(message),
            Poll::Ready(Ok(())) => {}
        }
        bound.forget(&mut this.key);
        match this.actor_ref.send_in_room(bound, Msg::Tell(message)) {
            Ok(()) => Poll::Ready(Ok(())),
            Err((Msg::Tell(m), _)) => dead(m),
            Err(_) => unreachable!("the inbox handed back another message"),
        }
    }
}

impl<A: Actor> Drop for TellAsync<A> {
    fn drop(&mut self) {
        if let Some(bound) = self.actor_ref.cell.meta.bound() {
            bound.forget(&mut self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::random_uuid;

    #[test]
    fn generated_uuids_are_version_4_and_distinct_across_threads() {
        let draw = || (0..10_000).map(|_| random_uuid()).collect::<Vec<_>>();
        let other = std::thread::spawn(draw);
        let mut all = draw();
        all.extend(other.join().unwrap());
        assert!(all.iter().all(|u| u.get_version_num() == 4));
        assert!(
            all.iter()
                .all(|u| u.get_variant() == uuid::Variant::RFC4122)
        );
        let distinct: HashSet<_> = all.iter().collect();
        assert_eq!(distinct.len(), all.len());
    }
}
