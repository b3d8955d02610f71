//! A list of wakers waiting for one state change (shared by replies and events).

use std::task::Waker;
use std::time::{Duration, Instant};

/// Wakers to wake when a value arrives. Kept inside the owner's mutex.
///
/// Nearly always there is one waiter (the asker), so the first waker is kept inline
/// and only further ones allocate.
#[derive(Debug, Default)]
pub(crate) struct Waiters {
    first: Option<Waker>,
    rest: Vec<Waker>,
}

impl Waiters {
    /// Adds `waker` unless an equivalent one is already waiting.
    pub(crate) fn register(&mut self, waker: &Waker) {
        match &self.first {
            None => self.first = Some(waker.clone()),
            Some(w) if w.will_wake(waker) => {}
            Some(_) => {
                if !self.rest.iter().any(|w| w.will_wake(waker)) {
                    self.rest.push(waker.clone());
                }
            }
        }
    }

    /// Takes every waker out, to be woken after the owner's lock is released.
    pub(crate) fn take(&mut self) -> Waiters {
        std::mem::take(self)
    }
}

/// Wakes every waker.
pub(crate) fn wake_all(wakers: Waiters) {
    if let Some(w) = wakers.first {
        w.wake();
    }
    for w in wakers.rest {
        w.wake();
    }
}

/// The deadline for a timeout; `None` (wait forever) when it is too far to represent.
pub(crate) fn deadline_after(timeout: Duration) -> Option<Instant> {
    Instant::now().checked_add(timeout)
}
