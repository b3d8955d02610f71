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

use std::sync::{Arc, LazyLock};

use crossbeam_channel::{Receiver, Sender};
use std::time::{Duration, Instant};

use may::coroutine;
use may::sync::Blocker;
use pykka_core::rt::context::{WaitContext, new_context_id};
use pykka_core::rt::park::{Park, Parker};

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
            parker: Some(
                reused.unwrap_or_else(|| Parker::new(Arc::new(CoroutinePark(Blocker::new(true))))),
            ),
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

/// `d` rounded up to whole milliseconds. may keeps park timeouts in whole milliseconds,
/// truncated, and reads zero as "no timeout": a 0.4 ms wait would park forever, and a
/// 1.6 ms one would wake early (harmless, but a wasted round trip).
fn whole_millis_up(d: Duration) -> Duration {
    let millis = d.as_nanos().div_ceil(1_000_000);
    Duration::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
}

/// may's blocker as core's [`Park`].
struct CoroutinePark(Blocker);

impl Park for CoroutinePark {
    fn park(&self, deadline: Option<Instant>) {
        let timeout = match deadline {
            None => None,
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Some(whole_millis_up(left)),
                _ => return,
            },
        };
        if self.0.park(timeout).is_err() {
            // may resumes a coroutine whose park timed out on its timer thread. Hop
            // back to a worker at once, so that the actor's code (which may run for a
            // while before it parks again) never delays every other timeout of the
            // process.
            coroutine::yield_now();
        }
    }

    fn unpark(&self) {
        self.0.unpark();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn park_timeouts_round_up_to_whole_milliseconds() {
        assert_eq!(
            whole_millis_up(Duration::from_nanos(1)),
            Duration::from_millis(1)
        );
        assert_eq!(
            whole_millis_up(Duration::from_micros(1600)),
            Duration::from_millis(2)
        );
        assert_eq!(
            whole_millis_up(Duration::from_millis(3)),
            Duration::from_millis(3)
        );
        assert_eq!(
            whole_millis_up(Duration::MAX),
            Duration::from_millis(u64::MAX)
        );
    }
}
