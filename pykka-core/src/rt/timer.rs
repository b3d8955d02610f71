//! [`Timers`]: one thread that runs callbacks at deadlines, for backends whose own timed
//! parks cannot be trusted to wake.
//!
//! may's timed park arms its timer before it stores the coroutine the timer must wake:
//! a timer that fires in between (a 1 ms park whose thread is preempted for longer)
//! finds nothing to wake, and the coroutine sleeps forever. An *unpark* has no such
//! window (it sets a flag that the park reads after storing the coroutine), so the
//! green backend parks without a timeout and lets this service unpark it at the
//! deadline.
//!
//! One thread for the whole process, started on first use, asleep while no deadline is
//! pending. Arming and cancelling are `O(log n)` in the number of pending deadlines.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

type Callback = Box<dyn FnOnce() + Send>;

/// The process's deadline service (see the [module docs](self)).
///
/// # Examples
///
/// ```
/// use std::sync::mpsc;
/// use std::time::{Duration, Instant};
/// use pykka_core::rt::timer::Timers;
///
/// let (tx, rx) = mpsc::channel();
/// let _armed = Timers::global().at(Instant::now() + Duration::from_millis(5), move || {
///     tx.send("fired").unwrap();
/// });
/// assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok("fired"));
/// ```
pub struct Timers {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// Pending callbacks by deadline, then by arming order.
    pending: BTreeMap<(Instant, u64), Callback>,
    next_id: u64,
    running: bool,
}

/// A pending deadline; [`cancel`](Timer::cancel) it, or drop it to let it fire.
#[derive(Debug)]
#[must_use = "a timer that is dropped still fires; keep it to cancel it"]
pub struct Timer {
    key: (Instant, u64),
}

impl Timer {
    /// Cancels the callback if it has not run yet; returns whether it was pending.
    /// Cancelling after it ran is harmless.
    pub fn cancel(self) -> bool {
        let removed = Timers::global().lock().pending.remove(&self.key);
        // The callback's captures drop outside the lock.
        removed.is_some()
    }
}

impl Timers {
    /// The process's one service.
    pub fn global() -> &'static Timers {
        static GLOBAL: OnceLock<Timers> = OnceLock::new();
        GLOBAL.get_or_init(|| Timers {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Callbacks run outside the lock, so it is never poisoned by user code.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `callback` on the timer thread at `deadline` (at once if it has passed).
    /// The callback must be short: it delays every later deadline while it runs.
    pub fn at(&'static self, deadline: Instant, callback: impl FnOnce() + Send + 'static) -> Timer {
        let mut state = self.lock();
        let key = (deadline, state.next_id);
        state.next_id += 1;
        let earliest = state.pending.keys().next().is_none_or(|first| key < *first);
        state.pending.insert(key, Box::new(callback));
        if !state.running {
            state.running = true;
            // A thread that cannot be started leaves the deadline pending; the next
            // arming tries again.
            if std::thread::Builder::new()
                .name("pykka-timers".into())
                .spawn(move || self.run())
                .is_err()
            {
                state.running = false;
                log::error!(target: "pykka", "could not start the timer thread");
            }
        } else if earliest {
            self.changed.notify_one();
        }
        Timer { key }
    }

    fn run(&self) {
        let mut state = self.lock();
        loop {
            let now = Instant::now();
            let mut due = Vec::new();
            while let Some(entry) = state.pending.first_entry() {
                if entry.key().0 > now {
                    break;
                }
                due.push(entry.remove());
            }
            if !due.is_empty() {
                drop(state);
                for callback in due {
                    // A panicking callback must not end the service.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(callback));
                }
                state = self.lock();
                continue;
            }
            state = match state.pending.keys().next().map(|k| k.0) {
                Some(next) => {
                    let wait = next.saturating_duration_since(now);
                    self.changed
                        .wait_timeout(state, wait)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
                None => self.changed.wait(state).unwrap_or_else(|e| e.into_inner()),
            };
        }
    }

    /// The number of pending deadlines.
    pub fn pending(&self) -> usize {
        self.lock().pending.len()
    }
}

impl fmt::Debug for Timers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timers")
            .field("pending", &self.pending())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    #[test]
    fn callbacks_run_in_deadline_order_and_cancelled_ones_never() {
        let (tx, rx) = mpsc::channel();
        let start = Instant::now() + Duration::from_millis(20);
        let mut armed = Vec::new();
        for i in [3u32, 1, 2] {
            let tx = tx.clone();
            armed.push(Timers::global().at(
                start + Duration::from_millis(u64::from(i)),
                move || {
                    tx.send(i).unwrap();
                },
            ));
        }
        let tx2 = tx.clone();
        let cancelled = Timers::global().at(start, move || tx2.send(0).unwrap());
        assert!(cancelled.cancel());
        let got: Vec<u32> = (0..3)
            .map(|_| rx.recv_timeout(Duration::from_secs(5)).unwrap())
            .collect();
        assert_eq!(got, [1, 2, 3]);
        assert!(!armed.pop().unwrap().cancel(), "it already ran");
    }

    #[test]
    fn a_panicking_callback_does_not_stop_the_service() {
        let _ = Timers::global().at(Instant::now(), || panic!("boom"));
        let (tx, rx) = mpsc::channel();
        let _later = Timers::global().at(Instant::now() + Duration::from_millis(2), move || {
            tx.send(()).unwrap();
        });
        assert!(rx.recv_timeout(Duration::from_secs(5)).is_ok());
    }
}
