//! [`ActorRegistry`]: the running actors, in start order.

use std::any::TypeId;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use crate::actor_loop::{ActorLoop, Envelope};
use crate::actor_ref::{Cell, Meta};
use crate::actor_task::ActorTask;
use crate::any_task::{AnyActorTask, Spawner};
use crate::error::{StartError, TimeoutError};
use crate::rt::{InboxSender, mailbox};
use crate::waiters::deadline_after;
use crate::{Actor, ActorRef, AnyActorRef, Context, Reply, Runtime, StopReason};

mod subscriptions;

pub use subscriptions::NotRegisteredError;

/// The actors that are running, in start order: Pykka's `ActorRegistry`.
///
/// Pykka has one process-wide registry; pykka has that too,
/// [`ActorRegistry::global`], used by [`Actor::start`]. A registry is also a plain
/// value: make one with [`ActorRegistry::new`] and start actors in it with
/// [`ActorRegistry::start`] to keep groups of actors (or parallel tests) apart, as
/// Pykka's issue #18 asks. Clones share one registry.
///
/// Actors are registered before `on_start` runs and unregistered as they stop.
///
/// # Examples
///
/// ```
/// use pykka_core::{Actor, ActorRegistry, Context, Failure};
///
/// struct Worker;
/// impl Actor for Worker {
///     type Message = u32;
///     type Reply = u32;
///     fn on_receive(&mut self, n: u32, _: &Context<Self>) -> Result<u32, Failure> { Ok(n) }
/// }
///
/// let rt = pykka_thread::ThreadRuntime::default();
/// let registry = ActorRegistry::new();
/// let a = registry.start(&rt, Worker).unwrap();
/// let b = registry.start(&rt, Worker).unwrap();
/// assert_eq!(registry.get_by_class::<Worker>(), vec![a.clone(), b.clone()]);
/// assert_eq!(registry.broadcast(7u32), 2);
/// assert_eq!(registry.stop_all(), vec![true, true]); // b first, then a
/// assert!(registry.get_all().is_empty());
/// ```
#[derive(Clone, Default)]
pub struct ActorRegistry {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    next_seq: u64,
    by_seq: BTreeMap<u64, AnyActorRef>,
    seq_of: HashMap<u64, u64>,
    subscriptions: subscriptions::Subscriptions,
}

static NEXT_ACTOR_ID: AtomicU64 = AtomicU64::new(0);

impl ActorRegistry {
    /// A new, empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// The process-wide registry, used by [`Actor::start`].
    pub fn global() -> &'static ActorRegistry {
        static GLOBAL: OnceLock<ActorRegistry> = OnceLock::new();
        GLOBAL.get_or_init(ActorRegistry::new)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts `actor` on `runtime`, registered in this registry: Pykka's
    /// `Actor.start()`.
    ///
    /// The actor is registered ("Registered …" at DEBUG), then started ("Starting …"),
    /// then its `on_start` runs in its own context.
    ///
    /// # Errors
    ///
    /// [`StartError`] if the backend could not start the actor; it is then unregistered
    /// and dead.
    pub fn start<A: Actor, R: Runtime>(
        &self,
        runtime: &R,
        actor: A,
    ) -> Result<ActorRef<A>, StartError> {
        let (sender, inbox) = runtime.inbox();
        let spawner: Arc<dyn Spawner> = Arc::new(runtime.clone());
        self.start_with(actor, sender, spawner, |actor_loop| {
            runtime.spawn(ActorTask::new(inbox, actor_loop))
        })
    }

    /// Starts `actor` on the runtime of `spawner`, a context's, with core's mailbox.
    pub(crate) fn start_erased<A: Actor>(
        &self,
        spawner: &Arc<dyn Spawner>,
        actor: A,
    ) -> Result<ActorRef<A>, StartError> {
        let (sender, inbox) = mailbox::mailbox();
        self.start_with(actor, sender, spawner.clone(), |actor_loop| {
            spawner.spawn_erased(AnyActorTask::new(inbox, actor_loop))
        })
    }

    fn start_with<A: Actor, S: InboxSender<Envelope<A>>>(
        &self,
        actor: A,
        sender: S,
        spawner: Arc<dyn Spawner>,
        spawn: impl FnOnce(ActorLoop<A>) -> std::io::Result<()>,
    ) -> Result<ActorRef<A>, StartError> {
        let capacity = actor.mailbox_capacity();
        if capacity == Some(0) {
            return Err(StartError::new(
                A::name().to_string(),
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "a mailbox capacity of 0 can hold no message",
                ),
            ));
        }
        let meta = Meta::new(
            NEXT_ACTOR_ID.fetch_add(1, Ordering::Relaxed),
            A::name(),
            capacity,
        );
        let kind = spawner.kind();
        let cell: Arc<Cell<A>> = Arc::new(Cell::new(meta, kind, sender));
        crate::debug::adopt::<A>(&cell, spawner.runtime_name());
        let actor_ref = ActorRef::from_cell(cell);
        self.register(&actor_ref);
        log::debug!(target: "pykka", "Starting {actor_ref}");
        let ctx = Context::new(actor_ref.clone(), self.clone(), spawner);
        let actor_loop = ActorLoop::new(actor, ctx, kind);
        match spawn(actor_loop) {
            Ok(()) => Ok(actor_ref),
            Err(e) => {
                // A backend that fails drops the loop, whose drop marks the actor dead
                // and unregisters it. Only if a backend kept the loop is it done here.
                if actor_ref.is_alive() {
                    self.unregister(&actor_ref);
                    actor_ref.meta().alive.store(false, Ordering::Release);
                    actor_ref
                        .meta()
                        .rare
                        .death
                        .publish(StopReason::Abandoned, || AnyActorRef::from(&actor_ref));
                }
                Err(StartError::new(actor_ref.to_string(), e))
            }
        }
    }

    /// Adds an actor (at the end of the start order). Registering an actor that is
    /// already registered does nothing.
    pub fn register(&self, actor: impl Into<AnyActorRef>) {
        let actor = actor.into();
        let mut inner = self.lock();
        if inner.seq_of.contains_key(&actor.meta().id) {
            return;
        }
        let seq = inner.next_seq;
        inner.next_seq += 1;
        inner.seq_of.insert(actor.meta().id, seq);
        // The label is made only if it is logged (it is formatted lazily).
        let label = log::log_enabled!(target: "pykka", log::Level::Debug)
            .then(|| actor.meta().label().clone());
        inner.by_seq.insert(seq, actor);
        drop(inner);
        if let Some(label) = label {
            log::debug!(target: "pykka", "Registered {label}");
        }
    }

    /// Removes an actor. Idempotent: removing one that is not registered only logs
    /// "Unregistered … (not found in registry)" at DEBUG.
    pub fn unregister(&self, actor: impl Into<AnyActorRef>) {
        let actor = actor.into();
        let (removed, unsubscribed) = {
            let mut inner = self.lock();
            let removed = match inner.seq_of.remove(&actor.meta().id) {
                Some(seq) => inner.by_seq.remove(&seq),
                None => None,
            };
            (removed, inner.subscriptions.remove_actor(actor.meta().id))
        };
        drop(unsubscribed);
        // The registry's reference is dropped here, outside the lock: it may be the
        // last one, and dropping an actor's last reference drops its inbox's sender
        // (which wakes the actor), so no other lock is taken under this one.
        if removed.is_some() {
            log::debug!(target: "pykka", "Unregistered {actor}");
        } else {
            log::debug!(target: "pykka", "Unregistered {actor} (not found in registry)");
        }
    }

    /// Every registered actor, in start order.
    pub fn get_all(&self) -> Vec<AnyActorRef> {
        self.lock().by_seq.values().cloned().collect()
    }

    /// Every registered actor of type `A`, in start order: Pykka's `get_by_class`.
    /// (Rust has no subclasses: this matches the exact type.)
    pub fn get_by_class<A: Actor>(&self) -> Vec<ActorRef<A>> {
        self.lock()
            .by_seq
            .values()
            .filter_map(AnyActorRef::downcast::<A>)
            .collect()
    }

    /// Every registered actor whose [`Actor::name`] is `name`, in start order.
    pub fn get_by_class_name(&self, name: &str) -> Vec<AnyActorRef> {
        self.lock()
            .by_seq
            .values()
            .filter(|a| a.actor_name() == name)
            .cloned()
            .collect()
    }

    /// The registered actor with this URN, if any.
    pub fn get_by_urn(&self, urn: &str) -> Option<AnyActorRef> {
        self.lock()
            .by_seq
            .values()
            .find(|a| a.urn() == urn)
            .cloned()
    }

    /// Tells `message` to every registered actor whose message type is `M`; returns how
    /// many it reached. Actors with another message type, and actors that died
    /// meanwhile, are skipped (Pykka would raise `ActorDeadError` out of `broadcast`).
    /// An actor whose bounded inbox is full is waited for, as
    /// [`ActorRef::tell`] waits (see [`Actor::mailbox_capacity`]).
    pub fn broadcast<M: Clone + Send + 'static>(&self, message: M) -> usize {
        self.broadcast_filtered(message, |_| true)
    }

    /// Tells `message` to every registered actor of type `A`; returns how many it
    /// reached.
    pub fn broadcast_to<A: Actor>(&self, message: A::Message) -> usize
    where
        A::Message: Clone,
    {
        self.broadcast_filtered(message, |a| a.actor_type() == TypeId::of::<A>())
    }

    /// Tells `message` to every registered actor named `name` whose message type is
    /// `M`; returns how many it reached.
    pub fn broadcast_to_name<M: Clone + Send + 'static>(&self, name: &str, message: M) -> usize {
        self.broadcast_filtered(message, |a| a.actor_name() == name)
    }

    fn broadcast_filtered<M: Clone + Send + 'static>(
        &self,
        message: M,
        filter: impl Fn(&AnyActorRef) -> bool,
    ) -> usize {
        self.get_all()
            .iter()
            .filter(|a| filter(a) && a.message_type() == TypeId::of::<M>())
            .filter(|a| a.tell_any(message.clone()).is_ok())
            .count()
    }

    /// Stops every registered actor, one at a time, last started first, waiting for
    /// each; returns what each [`stop`](ActorRef::stop) returned, in that order.
    ///
    /// Called from inside an actor, that actor's own stop is queued (it stops after the
    /// current message) instead of deadlocking as in Pykka.
    pub fn stop_all(&self) -> Vec<bool> {
        self.get_all().iter().rev().map(AnyActorRef::stop).collect()
    }

    /// Like [`stop_all`](ActorRegistry::stop_all) with one timeout for the whole
    /// operation.
    ///
    /// # Errors
    ///
    /// [`TimeoutError`] at the first actor that does not stop in time; the actors not
    /// yet reached are left running (as in Pykka), and those whose stop timed out still
    /// stop later.
    pub fn stop_all_timeout(&self, timeout: Duration) -> Result<Vec<bool>, TimeoutError> {
        let deadline = deadline_after(timeout);
        self.get_all()
            .iter()
            .rev()
            .map(|a| a.stop_deadline(deadline, Some(timeout)))
            .collect()
    }

    /// Asks every registered actor to stop, last started first, without waiting;
    /// returns one reply per actor, in that order.
    pub fn stop_all_nonblocking(&self) -> Vec<Reply<bool>> {
        self.get_all()
            .iter()
            .rev()
            .map(AnyActorRef::stop_nonblocking)
            .collect()
    }
}

impl fmt::Debug for ActorRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActorRegistry")
            .field("actors", &self.lock().by_seq.len())
            .finish()
    }
}
