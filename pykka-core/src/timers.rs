//! Messages later and messages every period: [`ActorRef::tell_after`],
//! [`ActorRef::tell_every`] (and the same on [`Context`](crate::Context)), with a
//! [`TimerHandle`] that cancels them.
//!
//! Every backend's timers are armed on core's one timer thread
//! ([`rt::timer`](crate::rt::timer)), so they work the same on every backend and across
//! backends, and cost no thread per actor: arming and cancelling are `O(log n)` in the
//! number of pending timers.
//!
//! A timer message is delivered as a told message through the actor's inbox (FIFO
//! with the other messages of its "sender", the timer thread). A periodic timer never
//! piles messages up behind a slow actor: a tick whose previous message is still queued
//! or being handled is skipped, and the next tick is due one period later (the
//! schedule keeps its phase; ticks are never made up later).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use crate::actor_loop::{Msg, catch};
use crate::actor_ref::Cell;
use crate::bounded::Room;
use crate::rt::timer::{Timer, Timers};
use crate::waiters::deadline_after;
use crate::{Actor, ActorRef};

/// A pending [`tell_after`](ActorRef::tell_after) or [`tell_every`](ActorRef::tell_every).
///
/// [`cancel`](TimerHandle::cancel) it to stop it; dropping the handle does **not**
/// cancel (a timer you do not keep still fires). Cancelling after it fired, or after
/// its actor stopped, is harmless. Cheap to clone; clones cancel the same timer.
#[derive(Clone, Debug)]
pub struct TimerHandle {
    state: Arc<TimerState>,
}

#[derive(Debug, Default)]
struct TimerState {
    cancelled: AtomicBool,
    /// The armed deadline, replaced at each tick of a periodic timer.
    armed: Mutex<Option<Timer>>,
}

impl TimerState {
    fn armed(&self) -> MutexGuard<'_, Option<Timer>> {
        self.armed.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn cancel(&self) -> bool {
        let first = !self.cancelled.swap(true, Ordering::AcqRel);
        if let Some(timer) = self.armed().take() {
            timer.cancel();
        }
        first
    }
}

impl TimerHandle {
    /// Cancels the timer: no message of it is sent from now on (one already queued in
    /// the inbox is still handled). Returns `false` if it was already cancelled, or if
    /// it was a [`tell_after`](ActorRef::tell_after) that has fired.
    pub fn cancel(&self) -> bool {
        self.state.cancel()
    }

    /// Whether the timer is over: cancelled, its actor stopped, or (for a
    /// [`tell_after`](ActorRef::tell_after)) fired.
    pub fn is_cancelled(&self) -> bool {
        self.state.cancelled.load(Ordering::Acquire)
    }
}

/// The timers of one actor, cancelled when it stops (so nothing is delivered to a dead
/// actor and no pending timer outlives it).
#[derive(Debug, Default)]
pub(crate) struct ActorTimers {
    live: Mutex<Live>,
}

#[derive(Debug, Default)]
struct Live {
    timers: Vec<Weak<TimerState>>,
    /// The length at which the list is next swept of timers that are over: twice what
    /// a sweep left, so that arming stays amortised O(1) here.
    sweep_at: usize,
}

impl ActorTimers {
    fn add(&self, state: &Arc<TimerState>) {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        if live.timers.len() >= live.sweep_at {
            live.timers.retain(|w| {
                w.upgrade()
                    .is_some_and(|s| !s.cancelled.load(Ordering::Relaxed))
            });
            live.sweep_at = (live.timers.len() * 2).max(16);
        }
        live.timers.push(Arc::downgrade(state));
    }

    /// Cancels every timer of the actor (it stopped).
    pub(crate) fn cancel_all(&self) {
        let live = std::mem::take(&mut self.live.lock().unwrap_or_else(|e| e.into_inner()).timers);
        for state in live.iter().filter_map(Weak::upgrade) {
            state.cancel();
        }
    }
}

/// Sends `message` to the actor as a told message whose handling clears `pending`.
fn deliver<A: Actor>(cell: &Weak<Cell<A>>, message: A::Message, pending: Option<Arc<AtomicBool>>) {
    let Some(cell) = cell.upgrade() else { return };
    let actor_ref = ActorRef::from_cell(cell);
    if !actor_ref.is_alive() {
        return;
    }
    let call: crate::actor_loop::Call<A> = Box::new(move |actor, ctx| {
        if let Some(pending) = &pending {
            pending.store(false, Ordering::Release);
        }
        match catch(|| actor.on_receive(message, ctx)) {
            Ok(_) => Ok(false),
            Err(f) if f.is_unexpected_message() => Ok(false),
            Err(f) => Err(f),
        }
    });
    // A closed inbox drops it: the actor is stopping.
    // The timer thread never waits: a full inbox takes the message over its capacity.
    let _ = actor_ref.send(Msg::Call(call), Room::Force);
}

// The armed callback holds its timer's state (the handle may be dropped: the timer
// still fires); the state holds only the deadline's key, so there is no cycle.
fn arm_once<A: Actor>(
    cell: Weak<Cell<A>>,
    state: &Arc<TimerState>,
    at: Instant,
    message: A::Message,
) {
    let mut armed = state.armed();
    let state_in = state.clone();
    *armed = Some(Timers::global().at(at, move || {
        // Firing and cancelling race for the one flag: exactly one of them wins.
        if !state_in.cancelled.swap(true, Ordering::AcqRel) {
            deliver(&cell, message, None);
        }
    }));
}

/// One tick of a periodic timer, and the next one armed.
fn arm_tick<A: Actor, F>(
    cell: Weak<Cell<A>>,
    state: Arc<TimerState>,
    at: Instant,
    period: Duration,
    make: Arc<Mutex<F>>,
    pending: Arc<AtomicBool>,
) where
    F: FnMut() -> A::Message + Send + 'static,
{
    let state_in = state.clone();
    let mut armed = state.armed();
    if state.cancelled.load(Ordering::Acquire) {
        return;
    }
    let timer = Timers::global().at(at, move || {
        let state = state_in;
        let alive = cell.upgrade().is_some_and(|c| c.meta.is_alive());
        if !alive || state.cancelled.load(Ordering::Acquire) {
            return;
        }
        // Skip this tick if the last one is still queued or being handled.
        if !pending.swap(true, Ordering::AcqRel) {
            let message = {
                let mut make = make.lock().unwrap_or_else(|e| e.into_inner());
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (*make)()))
            };
            match message {
                Ok(message) => deliver(&cell, message, Some(pending.clone())),
                Err(_) => {
                    log::error!(target: "pykka", "A tell_every message maker panicked; the timer stops");
                    state.cancel();
                    return;
                }
            }
        }
        let next = at + period;
        arm_tick(cell, state, next, period, make, pending);
    });
    *armed = Some(timer);
}

impl<A: Actor> ActorRef<A> {
    /// Tells `message` to the actor after `delay`, from core's timer thread.
    ///
    /// The message is lost if the actor has stopped by then, and the timer is cancelled
    /// when the actor stops. Dropping the handle does not cancel the timer.
    ///
    /// ```
    /// use std::time::Duration;
    /// use pykka_core::{Actor, Context, Failure, Reply};
    ///
    /// struct Alarm(Reply<&'static str>);
    /// impl Actor for Alarm {
    ///     type Message = &'static str;
    ///     type Reply = ();
    ///     fn on_receive(&mut self, m: &'static str, _: &Context<Self>) -> Result<(), Failure> {
    ///         let _ = self.0.set(m);
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let rang = Reply::new();
    /// let alarm = Alarm(rang.clone()).start(&pykka_thread::ThreadRuntime::default()).unwrap();
    /// let _timer = alarm.tell_after(Duration::from_millis(10), "ring");
    /// assert_eq!(rang.get_timeout(Duration::from_secs(5)).unwrap(), "ring");
    /// alarm.stop();
    /// ```
    pub fn tell_after(&self, delay: Duration, message: A::Message) -> TimerHandle {
        let state = Arc::new(TimerState::default());
        let at = deadline_after(delay).unwrap_or_else(far_future);
        arm_once(Arc::downgrade(&self.cell), &state, at, message);
        self.cell.meta.rare.timers.add(&state);
        TimerHandle { state }
    }

    /// Tells the actor a message made by `make` every `period`, the first one `period`
    /// from now, until the handle is cancelled or the actor stops.
    ///
    /// A tick whose previous message is still queued or being handled is skipped, so a
    /// slow actor never gets a backlog of ticks. A `make` that panics stops the timer
    /// (logged at ERROR). A zero period is taken as one millisecond.
    ///
    /// ```
    /// use std::time::Duration;
    /// use pykka_core::{Actor, Context, Event, Failure};
    ///
    /// struct Beat(u32, Event);
    /// impl Actor for Beat {
    ///     type Message = ();
    ///     type Reply = ();
    ///     fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> {
    ///         self.0 += 1;
    ///         if self.0 == 3 {
    ///             self.1.set();
    ///         }
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let three = Event::new();
    /// let beat = Beat(0, three.clone()).start(&pykka_thread::ThreadRuntime::default()).unwrap();
    /// let timer = beat.tell_every(Duration::from_millis(5), || ());
    /// assert!(three.wait_timeout(Duration::from_secs(5)));
    /// timer.cancel();
    /// beat.stop();
    /// ```
    pub fn tell_every<F>(&self, period: Duration, make: F) -> TimerHandle
    where
        F: FnMut() -> A::Message + Send + 'static,
    {
        let period = period.max(Duration::from_millis(1));
        let state = Arc::new(TimerState::default());
        let at = deadline_after(period).unwrap_or_else(far_future);
        arm_tick(
            Arc::downgrade(&self.cell),
            state.clone(),
            at,
            period,
            Arc::new(Mutex::new(make)),
            Arc::new(AtomicBool::new(false)),
        );
        self.cell.meta.rare.timers.add(&state);
        TimerHandle { state }
    }
}

/// A deadline for a delay too long to represent: about a century away.
fn far_future() -> Instant {
    let mut delay = Duration::from_secs(100 * 365 * 24 * 3600);
    loop {
        if let Some(at) = Instant::now().checked_add(delay) {
            return at;
        }
        delay /= 2;
    }
}

impl<A: Actor> crate::Context<A> {
    /// [`ActorRef::tell_after`] to the actor itself: a message to itself later (a
    /// timeout of its own, a retry).
    pub fn tell_after(&self, delay: Duration, message: A::Message) -> TimerHandle {
        self.actor_ref().tell_after(delay, message)
    }

    /// [`ActorRef::tell_every`] to the actor itself: a tick of its own, stopped with it.
    pub fn tell_every<F>(&self, period: Duration, make: F) -> TimerHandle
    where
        F: FnMut() -> A::Message + Send + 'static,
    {
        self.actor_ref().tell_every(period, make)
    }
}
