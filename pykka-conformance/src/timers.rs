//! Timers: [`tell_after`](pykka_core::ActorRef::tell_after) and
//! [`tell_every`](pykka_core::ActorRef::tell_every), their handles, and how they end.
//!
//! Ordering is what the cases rely on, not durations: core's one timer thread fires
//! deadlines in order and is a single sender, so a "sentinel" timer armed after (and
//! due later than) another arrives after it, or after everything that timer sent.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{Fixture, TIMEOUT, wait_for};
use pykka_core::debug;
use pykka_core::{Actor, ActorRef, Context, Event, Failure, Reply, Runtime};

/// What a [`Clock`] got.
#[derive(Debug, Clone)]
pub enum Tick {
    /// A tick of a periodic timer.
    Tick,
    /// A named one-shot message.
    Note(&'static str),
    /// Blocks the actor until the event is set.
    Hold(Event),
}

impl PartialEq for Tick {
    fn eq(&self, other: &Tick) -> bool {
        match (self, other) {
            (Tick::Tick, Tick::Tick) => true,
            (Tick::Note(a), Tick::Note(b)) => a == b,
            _ => false,
        }
    }
}

/// The notes a case waits for, each with the reply that gets the tick count.
type Notes = Arc<Mutex<Vec<(&'static str, Reply<usize>)>>>;

/// An actor that records what it receives and sets events on notes.
#[derive(Debug, Default)]
pub struct Clock {
    seen: Arc<Mutex<Vec<Tick>>>,
    notes: Notes,
    /// Set when a `Hold` starts.
    holding: Option<Event>,
}

impl Clock {
    fn new() -> (Self, Arc<Mutex<Vec<Tick>>>) {
        let clock = Clock::default();
        let seen = clock.seen.clone();
        (clock, seen)
    }
}

impl Actor for Clock {
    awaiting_handler!();

    type Message = Tick;
    type Reply = ();

    fn on_receive(&mut self, msg: Tick, _: &Context<Self>) -> Result<(), Failure> {
        match &msg {
            Tick::Hold(release) => {
                if let Some(h) = &self.holding {
                    h.set();
                }
                assert!(
                    release.wait_timeout(TIMEOUT),
                    "the case never released the hold"
                );
                return Ok(());
            }
            // Recorded before any note is answered, so that a case that saw the answer
            // sees the record too.
            Tick::Tick | Tick::Note(_) => self.seen.lock().unwrap().push(msg.clone()),
        }
        if let Tick::Note(n) = msg {
            let seen = self.seen.lock().unwrap();
            let ticks = seen.iter().filter(|t| **t == Tick::Tick).count();
            for (note, reply) in self.notes.lock().unwrap().iter() {
                if *note == n {
                    let _ = reply.set(ticks);
                }
            }
        }
        Ok(())
    }
}

fn start_clock<R: Runtime>(fx: &Fixture<R>) -> (ActorRef<Clock>, Arc<Mutex<Vec<Tick>>>, Notes) {
    let (clock, seen) = Clock::new();
    let notes = clock.notes.clone();
    (fx.start(clock), seen, notes)
}

fn expect_note(notes: &Notes, note: &'static str) -> Reply<usize> {
    let reply = Reply::new();
    notes.lock().unwrap().push((note, reply.clone()));
    reply
}

/// `tell_after` delivers its message once; cancelling after it fired is harmless; a
/// handle that is dropped does not cancel.
pub fn tell_after_delivers_once_even_if_the_handle_is_dropped<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (clock, seen, notes) = start_clock(&fx);
    let first = expect_note(&notes, "first");
    let handle = clock.tell_after(Duration::from_millis(5), Tick::Note("first"));
    first.get_timeout(TIMEOUT).unwrap();
    assert!(
        !handle.cancel(),
        "cancelling a timer that fired is harmless, and says so"
    );
    let dropped = expect_note(&notes, "dropped");
    drop(clock.tell_after(Duration::from_millis(5), Tick::Note("dropped")));
    dropped.get_timeout(TIMEOUT).unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, [Tick::Note("first"), Tick::Note("dropped")]);
}

/// A cancelled `tell_after` never arrives (a later sentinel does, so the cancelled one
/// would have come first).
pub fn cancelled_tell_after_never_arrives<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (clock, seen, notes) = start_clock(&fx);
    let late = clock.tell_after(Duration::from_millis(30), Tick::Note("late"));
    assert!(late.cancel());
    assert!(late.is_cancelled());
    let sentinel = expect_note(&notes, "sentinel");
    let _s = clock.tell_after(Duration::from_millis(60), Tick::Note("sentinel"));
    sentinel.get_timeout(TIMEOUT).unwrap();
    assert_eq!(*seen.lock().unwrap(), [Tick::Note("sentinel")]);
}

/// `tell_every` ticks until it is cancelled, and sends nothing after that.
pub fn tell_every_ticks_until_cancelled<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (clock, seen, notes) = start_clock(&fx);
    let ticks = clock.tell_every(Duration::from_millis(2), || Tick::Tick);
    // Three notes, each due later: at least one tick comes between the first two.
    let n1 = expect_note(&notes, "n1");
    let _a = clock.tell_after(Duration::from_millis(20), Tick::Note("n1"));
    let at_n1 = n1.get_timeout(TIMEOUT).unwrap();
    assert!(
        at_n1 >= 1,
        "no tick in 20 ms of a 2 ms period: {:?}",
        seen.lock().unwrap()
    );
    assert!(ticks.cancel());
    let n2 = expect_note(&notes, "n2");
    let _b = clock.tell_after(Duration::from_millis(10), Tick::Note("n2"));
    let at_n2 = n2.get_timeout(TIMEOUT).unwrap();
    let n3 = expect_note(&notes, "n3");
    let _c = clock.tell_after(Duration::from_millis(30), Tick::Note("n3"));
    let at_n3 = n3.get_timeout(TIMEOUT).unwrap();
    assert_eq!(at_n2, at_n3, "a tick came after the timer was cancelled");
}

/// A periodic timer does not pile up messages behind a slow actor: while the actor is
/// busy for many periods, at most one tick waits in its inbox.
pub fn tell_every_skips_ticks_behind_a_busy_actor<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let holding = Event::new();
    let (mut clock, _seen) = Clock::new();
    clock.holding = Some(holding.clone());
    let notes = clock.notes.clone();
    let clock = fx.start(clock);
    let release = Event::new();
    clock.tell(Tick::Hold(release.clone())).unwrap();
    wait_for(&holding, "the clock to hold");
    let ticks = clock.tell_every(Duration::from_millis(1), || Tick::Tick);
    // Let many periods pass, measured by another timer (to a second clock).
    let (other, _, other_notes) = start_clock(&fx);
    let passed = expect_note(&other_notes, "passed");
    let _p = other.tell_after(Duration::from_millis(50), Tick::Note("passed"));
    passed.get_timeout(TIMEOUT).unwrap();
    let queued = debug::snapshot()
        .actors()
        .iter()
        .find(|a| a.urn() == clock.urn())
        .and_then(|a| a.queued());
    ticks.cancel();
    release.set();
    if let Some(queued) = queued {
        assert!(queued <= 1, "{queued} ticks piled up behind a busy actor");
    }
    let done = expect_note(&notes, "done");
    let _d = clock.tell_after(Duration::from_millis(1), Tick::Note("done"));
    assert!(done.get_timeout(TIMEOUT).unwrap() <= 1);
}

/// Timers of an actor are cancelled when it stops; nothing is delivered to it after.
pub fn timers_end_when_their_actor_stops<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (clock, _, _) = start_clock(&fx);
    let periodic = clock.tell_every(Duration::from_millis(1), || Tick::Tick);
    let once = clock.tell_after(Duration::from_secs(3600), Tick::Note("never"));
    assert!(clock.stop());
    assert!(periodic.is_cancelled() && once.is_cancelled());
    assert!(!once.cancel(), "already cancelled by the stop");
}
