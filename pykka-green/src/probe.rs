//! How core's waits park a green actor: [`GreenContext`], the runtime's
//! [`WaitContext`] over may's coroutines.
//!
//! Inside a may coroutine, it hands core a [`Parker`] built on may's
//! [`Blocker`], which yields the coroutine to its worker thread instead of blocking
//! the thread, and a context id that stays the same when the coroutine moves between
//! workers. Both live in may's coroutine-local storage (one lookup per wait), made
//! when a green actor's coroutine starts (it arms its stack overflow watch, kept in the
//! same state; see [`crate::overflow`]), or lazily the first time another
//! coroutine waits or asks.

use std::sync::{Arc, LazyLock, Weak};

use crossbeam_channel::{Receiver, Sender};
use std::time::Instant;

use may::coroutine;
use may::sync::Blocker;
use pykka_core::rt::context::{WaitContext, new_context_id};
use pykka_core::rt::park::{Park, Parker};
use pykka_core::rt::timer::Timers;

use crate::overflow;

/// What core needs to know about one coroutine, and its stack overflow watch (kept
/// here so that a green actor has one entry in may's coroutine-local storage, not
/// two).
struct CoroutineState {
    id: u64,
    /// `None` only while dropping.
    parker: Option<Parker>,
    watch: overflow::Watch,
}

/// Parkers of finished coroutines, for reuse by new ones.
///
/// A may `Park` must never be dropped by the coroutine that parks on it: when an
/// unpark races with a park, may resumes the coroutine *inside* the park's
/// `subscribe` (`fast_wake_up`), with a guard set that only clears when the coroutine
/// yields or ends; if the coroutine ends there, its coroutine-local storage drops the
/// `Park`, whose `Drop` waits for that guard and spins forever, taking a worker
/// thread with it (every coroutine queued on that worker then starves). So a
/// finished coroutine hands its parker to this pool instead, and a later coroutine
/// takes it over; stale wakers of the old owner can only cause a spurious wake-up,
/// which core's waits tolerate. The pool holds at most as many parkers as there were
/// coroutines waiting at once. It is a lock-free queue: every green actor takes a
/// parker when it starts and returns it when it ends, on every worker at once, and a
/// mutex here cost about 5% of starting and stopping an actor.
static RETIRED: LazyLock<(Sender<Parker>, Receiver<Parker>)> =
    LazyLock::new(crossbeam_channel::unbounded);

impl CoroutineState {
    fn new() -> Self {
        let reused = RETIRED.1.try_recv().ok();
        CoroutineState {
            id: new_context_id(),
            // Made inside the coroutine (the probe checks first), so may's blocker
            // parks the coroutine. Cancellation is ignored: pykka never cancels.
            parker: Some(reused.unwrap_or_else(|| Parker::new(CoroutinePark::new()))),
            watch: overflow::Watch::default(),
        }
    }
}

impl Drop for CoroutineState {
    fn drop(&mut self) {
        if let Some(parker) = self.parker.take() {
            // The pool never closes (it holds both ends), so this cannot fail.
            let _ = RETIRED.0.send(parker);
        }
    }
}

may::coroutine_local!(static STATE: CoroutineState = CoroutineState::new());

/// Runs `f` on the overflow watch of the current coroutine (which must be one).
pub(crate) fn with_watch<R>(f: impl FnOnce(&overflow::Watch) -> R) -> R {
    STATE.with(|s| f(&s.watch))
}

/// The contexts of green actors: may coroutines, which move between worker threads.
#[derive(Debug, Clone, Copy)]
pub enum GreenContext {}

impl WaitContext for GreenContext {
    const MOVES_BETWEEN_THREADS: bool = true;

    fn parker() -> Option<Parker> {
        if !coroutine::is_coroutine() {
            return None;
        }
        STATE.with(|s| s.parker.clone())
    }

    fn is_current() -> bool {
        coroutine::is_coroutine()
    }

    fn context_id() -> Option<u64> {
        if !coroutine::is_coroutine() {
            return None;
        }
        Some(STATE.with(|s| s.id))
    }
}

/// A coroutine's park: may's blocker, woken at a deadline by core's timer service.
///
/// may's own timed park can lose the coroutine (its timer may fire before the coroutine
/// is stored for it to wake; see [`pykka_core::rt::timer`]), so a timed park here is an
/// untimed one plus a timer that unparks it, which has no such window.
struct CoroutinePark {
    blocker: Blocker,
    /// Itself, for the timer of a timed park (the blocker stays inline: an untimed park,
    /// the common one, reaches it with no further pointer to follow).
    this: Weak<CoroutinePark>,
}

impl CoroutinePark {
    /// Made inside the coroutine: may's blocker parks the coroutine that makes it.
    fn new() -> Arc<CoroutinePark> {
        Arc::new_cyclic(|this| CoroutinePark {
            blocker: Blocker::new(true),
            this: this.clone(),
        })
    }
}

impl Park for CoroutinePark {
    fn park(&self, deadline: Option<Instant>) {
        let timer = match deadline {
            None => None,
            Some(deadline) if deadline <= Instant::now() => return,
            Some(deadline) => {
                let this = self.this.clone();
                Some(Timers::global().at(deadline, move || {
                    if let Some(park) = this.upgrade() {
                        park.blocker.unpark();
                    }
                }))
            }
        };
        // Cancellation is ignored (the blocker is made so): pykka never cancels.
        let _ = self.blocker.park(None);
        if let Some(timer) = timer {
            // Woken before the deadline: the timer must not unpark a later park.
            timer.cancel();
        }
    }

    fn unpark(&self) {
        self.blocker.unpark();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    /// Thousands of short timed parks in many coroutines at once, on a loaded machine:
    /// every one ends (may's own timed park lost about one in tens of thousands).
    #[test]
    fn short_timed_parks_always_end() {
        pykka_core::rt::context::adopt::<GreenContext>();
        // Busy threads preempt the workers now and then, between the moment a park
        // arms its timeout and the moment it is ready to be woken.
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let spinners: Vec<_> = (0..4)
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        std::hint::spin_loop();
                    }
                })
            })
            .collect();
        let (tx, rx) = mpsc::channel();
        let coroutines = 200;
        for i in 0..coroutines {
            let tx = tx.clone();
            crate::spawn::spawn_coroutine(format!("park-{i}"), 16 * 1024, move || {
                let parker = GreenContext::parker().expect("a coroutine");
                for _ in 0..100 {
                    parker.park(Some(Instant::now() + Duration::from_micros(300)));
                }
                tx.send(()).unwrap();
            })
            .unwrap();
        }
        for done in 0..coroutines {
            assert!(
                rx.recv_timeout(Duration::from_secs(30)).is_ok(),
                "{done} of {coroutines} coroutines ended; the others never woke from a timed park"
            );
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for s in spinners {
            s.join().unwrap();
        }
    }
}
