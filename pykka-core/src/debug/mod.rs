//! Debug helpers: what every actor and every blocked thread is doing right now, and
//! ask cycles refused instead of hung. Pykka's `pykka.debug`.
//!
//! Pykka's `log_thread_tracebacks()` logs every thread's stack so that a user whose
//! application hangs can see why. Rust cannot print another thread's stack, but pykka
//! knows more than a stack would: which actor handles which message, and who waits for
//! whose reply. [`snapshot`] returns that as a value; [`log_actor_states`] logs it.
//!
//! | Pykka | pykka |
//! |---|---|
//! | `pykka.debug.log_thread_tracebacks()` | [`log_actor_states`] (ERROR, log has no CRITICAL), [`snapshot`] for the value |
//! | `signal.signal(signal.SIGUSR1, log_thread_tracebacks)` | a thread that waits for the signal and calls [`log_actor_states`] (see `examples/deadlock_debugging.rs`) |
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//! use pykka_core::{Actor, Context, Failure, debug};
//!
//! struct Slow;
//! impl Actor for Slow {
//!     type Message = ();
//!     type Reply = ();
//!     fn on_receive(&mut self, _: (), _: &Context<Self>) -> Result<(), Failure> {
//!         pykka_core::sleep(Duration::from_millis(300));
//!         Ok(())
//!     }
//! }
//!
//! let slow = Slow.start(&pykka_thread::ThreadRuntime::default()).unwrap();
//! let reply = slow.ask_nonblocking(());
//! // The actor sleeps inside its handler: the snapshot says so.
//! let mut seen = false;
//! for _ in 0..200 {
//!     let snapshot = debug::snapshot();
//!     let status = snapshot.actors().iter().find(|a| a.urn() == slow.urn()).unwrap();
//!     if matches!(status.state(), debug::ActorState::Waiting { waiting_for: debug::WaitingFor::Sleep, .. }) {
//!         println!("{snapshot}");
//!         seen = true;
//!         break;
//!     }
//!     pykka_core::sleep(Duration::from_millis(1));
//! }
//! assert!(seen);
//! reply.take().unwrap();
//! slow.stop();
//! ```
//!
//! # Ask cycles
//!
//! An actor that waits for another actor's reply while that actor (perhaps through
//! others) waits for the first one's would wait forever: neither can handle the message
//! the other waits on. pykka refuses such a wait when it would begin: a blocking `ask`,
//! a `get`/`take` of a reply (with or without a timeout), a proxy call waited on, or a
//! `get_all` that would close a cycle fails at once with
//! [`AskError::Deadlock`](crate::AskError::Deadlock), which names the whole cycle
//! (`A (urn…) -> B (urn…) -> A (urn…)`). A blocking `ask` checks before it sends, so the
//! message that would have closed the cycle is not delivered. A blocking `stop` (or
//! `stop_all`) that would close a cycle does what a stop from inside the actor itself
//! does: the stop is queued, and the call returns `true` without waiting.
//!
//! Only real cycles are refused: waits that are published are those that park, a
//! reply that nobody waits on is no edge, a reply passed to a third actor is that
//! actor's wait, and a wait that timed out or ended is gone. See
//! [`wait_graph`](self) for how two actors that close a cycle at the same moment are
//! both seen.
//!
//! # What it costs
//!
//! Nothing per message unless times are recorded: a snapshot tells an idle actor from a
//! busy one by asking its inbox whether the receiver waits (core's mailbox, used by
//! green, smol and tokio), or by a mark that the thread backend's receive publishes
//! only when it is about to block. Each wait of a handler that parks publishes a record
//! in the waiter's own slot (a few stores) and, if it waits for an actor that is itself
//! waiting, reads the chain; a blocking `ask` first loads one word of its target's slot.
//! Plain threads and thread actors also stamp the time a wait started (they are about to
//! park an OS thread, which costs far more). A blocking `ask` of a coroutine or task
//! actor takes its wait's id before it sends, and its reply is made with that wait
//! noted, so publishing the wait takes no lock of the reply. With
//! [`record_times`]`(true)` every message is stamped and counted too (a clock read per
//! message), and every wait of coroutine and task actors is stamped. An async handler
//! suspended on one reply publishes the same record; its poll's scope is a word of the
//! actor's slot, with no lock.
//! `benches/README.md` has the measurements, and the build switches that leave the
//! bookkeeping out so that anyone can repeat them.
//!
//! A snapshot is taken with no lock held across actors: each actor's state is read on
//! its own, so two actors' states may be a moment apart.

mod activity;
pub(crate) mod awaits;
mod snapshot;
pub(crate) mod wait_graph;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Instant;

pub use snapshot::{ActorState, ActorStatus, MessageKind, Snapshot, ThreadStatus, WaitingFor};

pub(crate) use activity::{ActivityRef, claim};
pub(crate) use snapshot::cycle_text;
pub(crate) use wait_graph::{Reserved, WaitGuard, Waiting};

use crate::Actor;
use crate::actor_ref::Cell;
use crate::error::DeadlockError;
use crate::rt::park::Parker;
use activity::{Activity, Owner, Phase, stamp};

static RECORD_TIMES: AtomicBool = AtomicBool::new(false);

/// Whether coroutine and task actors stamp the start of every message and wait (see the
/// module docs). Off by default; plain threads and thread actors always stamp their waits.
///
/// Turn it on at start-up in an application that may want to read a
/// [`snapshot`] with times (the cost is one clock read per message and per wait).
///
/// ```
/// pykka_core::debug::record_times(true);
/// ```
pub fn record_times(enabled: bool) {
    RECORD_TIMES.store(enabled, Ordering::Relaxed);
}

#[inline]
pub(crate) fn records_times() -> bool {
    RECORD_TIMES.load(Ordering::Relaxed)
}

/// What every live actor (of every registry) and every plain thread blocked in a pykka
/// wait is doing now.
///
/// Callable from anywhere, including a thread that handles signals; it takes no lock
/// that an actor holds while it waits.
pub fn snapshot() -> Snapshot {
    snapshot::take()
}

/// Logs a [`snapshot`] to the `log` target `pykka` at ERROR: one record per actor and
/// per blocked thread, one per ask cycle, then a summary line. Pykka's
/// `log_thread_tracebacks()`.
///
/// ```
/// pykka_core::debug::log_actor_states();
/// ```
pub fn log_actor_states() {
    let snapshot = snapshot();
    for line in snapshot.log_lines() {
        log::error!(target: "pykka", "{line}");
    }
}

/// Records who owns a new actor's slot: its origin, backend and inbox.
pub(crate) fn adopt<A: Actor>(cell: &Arc<Cell<A>>, runtime: &'static str) {
    let origin = cell.meta.origin.clone();
    let weak: Weak<Cell<A>> = Arc::downgrade(cell);
    activity::adopt(
        origin.activity,
        Owner {
            origin,
            runtime,
            inbox: Box::new(move || match weak.upgrade() {
                Some(cell) => (cell.queued(), cell.receiver_waits()),
                None => (None, None),
            }),
        },
    );
}

/// One actor's side of its slot, kept by its loop: per-message state, and the slot's
/// release when the loop ends.
pub(crate) struct Tracker {
    activity: ActivityRef,
    slot: Option<&'static Activity>,
    count: u64,
    /// The coroutine's parker, marked with the actor's slot (for coroutine kinds).
    parker: Option<Parker>,
}

impl Tracker {
    pub(crate) fn new(activity: ActivityRef) -> Self {
        Tracker {
            activity,
            slot: activity::get(activity),
            count: 0,
            parker: None,
        }
    }

    #[inline]
    pub(crate) fn activity(&self) -> ActivityRef {
        self.activity
    }

    /// Marks the calling coroutine's parker as this actor's (its loop holds the
    /// coroutine for life, so waits in its hooks find the actor through it).
    pub(crate) fn mark_parker(&mut self) {
        let parker = Parker::current();
        parker.mark_actor(self.activity.bits());
        self.parker = Some(parker);
    }

    #[inline]
    fn set(&self, phase: Phase, kind: u64) {
        if let Some(slot) = self.slot {
            slot.set_word(self.count << 5 | kind << 3 | phase as u64);
        }
    }

    #[inline]
    fn stamp_now(&self) {
        if let Some(slot) = self.slot {
            if records_times() {
                slot.busy
                    .0
                    .since
                    .store(stamp(Instant::now()), Ordering::Relaxed);
            }
        }
    }

    /// `on_start` runs.
    pub(crate) fn starting(&self) {
        self.set(Phase::Starting, 0);
        self.stamp_now();
    }

    /// A message starts. Recorded only while times are recorded: at every message
    /// even two stores are a measurable part of a tell, and a snapshot can tell
    /// idle from busy without them (see [`snapshot`]).
    #[inline]
    pub(crate) fn begin(&mut self, kind: impl FnOnce() -> MessageKind) {
        if records_times() {
            self.count += 1;
            self.set(Phase::Handling, kind() as u64);
            self.stamp_now();
        }
    }

    /// The message is done; the actor waits for the next.
    #[inline]
    pub(crate) fn end(&self) {
        if records_times() {
            self.set(Phase::Idle, 0);
        }
    }

    /// `on_start` finished.
    pub(crate) fn started(&self) {
        self.set(Phase::Idle, 0);
    }

    /// `on_stop` (or `on_failure`) runs.
    pub(crate) fn stopping(&self) {
        self.set(Phase::Stopping, 0);
        self.stamp_now();
    }
}

impl Drop for Tracker {
    fn drop(&mut self) {
        if let Some(parker) = self.parker.take() {
            parker.unmark_actor(self.activity.bits());
        }
        activity::release(self.activity);
    }
}

impl std::fmt::Debug for Tracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tracker")
            .field("count", &self.count)
            .finish_non_exhaustive()
    }
}

/// The slot of the actor whose hook the calling context runs (none for a plain thread).
pub(crate) fn current_actor(parker: &Parker) -> ActivityRef {
    activity::current(|| parker.actor_mark())
}

/// Shows the calling actor as idle until the guard drops (see
/// [`rt::park::waiting_for_messages`](crate::rt::park::waiting_for_messages)).
///
/// One flag on the actor's own line, found through the thread's mark: a thread actor's
/// queue runs empty at almost every message of a ping-pong, so this must cost next to
/// nothing (outside a thread-marked actor it does nothing).
#[inline]
pub(crate) fn idle_guard() -> IdleGuard {
    let slot = activity::get(ActivityRef::from_bits(
        crate::rt::context::current_actor_mark(),
    ));
    if let Some(slot) = slot {
        slot.busy.0.idle.store(true, Ordering::Relaxed);
    }
    IdleGuard(slot)
}

/// Clears the idle flag when the receive returns.
pub(crate) struct IdleGuard(Option<&'static Activity>);

impl Drop for IdleGuard {
    #[inline]
    fn drop(&mut self) {
        if let Some(slot) = self.0 {
            slot.busy.0.idle.store(false, Ordering::Relaxed);
        }
    }
}

/// Whether actors' waits go unpublished: only in a build with
/// `RUSTFLAGS="--cfg pykka_waits_unpublished"`, which leaves out the ask-cycle check and
/// the snapshot's wait records of actors (plain threads' waits are still listed), so
/// that the benchmarks can measure what they cost (`benches/README.md`, issue 11). Such
/// a build hangs on ask cycles: never for use.
pub(crate) const UNPUBLISHED: bool = cfg!(pykka_waits_unpublished);

/// Whether waits go unchecked: only in a build with
/// `RUSTFLAGS="--cfg pykka_waits_unchecked"`, which publishes every wait for the
/// snapshot but leaves out the ask-cycle check (no check before a send, no cycle
/// search, no answered marks), so that the benchmarks can tell the snapshot's cost
/// from the check's. Such a build hangs on ask cycles: never for use.
pub(crate) const UNCHECKED: bool = cfg!(pykka_waits_unchecked);

/// Publishes the calling context's wait for `what` (called when the wait is about to
/// park); refuses it if it would close an ask cycle.
pub(crate) fn begin_wait(parker: &Parker, what: Waiting<'_>) -> Result<WaitGuard, DeadlockError> {
    let me = match what {
        Waiting::Noted(_, _, reserved) => reserved.actor(),
        _ => current_actor(parker),
    };
    #[cfg(pykka_waits_unpublished)]
    if !me.is_none() {
        return Ok(WaitGuard::Unpublished);
    }
    wait_graph::publish(me, what, parker.spins())
}

/// The wait id that a blocking ask of the calling actor will publish if it parks,
/// taken before the message is sent so that its reply is made with the wait noted
/// (see [`Reserved`]). `None` for plain threads and for contexts that spin before they
/// park (thread actors: most of their waits never park, and a noted wait costs the
/// answer a mark).
pub(crate) fn reserve_wait(parker: &Parker) -> Option<Reserved> {
    if UNPUBLISHED || UNCHECKED || parker.spins() {
        return None;
    }
    let me = current_actor(parker);
    activity::get(me).map(|slot| Reserved::take(slot, me))
}

/// Whether a wait of the calling context for `origin`'s answer would close an ask cycle,
/// checked before the message is sent.
pub(crate) fn check_before_send(origin: &crate::actor_ref::Origin) -> Result<(), DeadlockError> {
    if UNPUBLISHED || UNCHECKED {
        return Ok(());
    }
    wait_graph::check_before_send(origin, || current_actor(&Parker::current()))
}

/// Whether a wait of the calling context for `origin` (its answer, or room in its
/// inbox) would close a cycle of any waits.
pub(crate) fn closes_cycle(origin: &crate::actor_ref::Origin) -> bool {
    wait_graph::closes_cycle(origin, || current_actor(&Parker::current()))
}
