//! A list of wakers waiting for one state change (shared by replies and events).

use std::task::Waker;
use std::time::{Duration, Instant};

/// Wakers to wake when a value arrives. Kept inside the owner's mutex.
#[derive(Debug, Default)]
pub(crate) struct Waiters(Vec<Waker>);

impl Waiters {
    /// Adds `waker` unless an equivalent one is already waiting.
    pub(crate) fn register(&mut self, waker: &Waker) {
        if !self.0.iter().any(|w| w.will_wake(waker)) {
            self.0.push(waker.clone());
        }
    }

    /// Takes every waker out, to be woken after the owner's lock is released.
    pub(crate) fn take(&mut self) -> Vec<Waker> {
        std::mem::take(&mut self.0)
    }
}

/// Wakes every waker.
pub(crate) fn wake_all(wakers: Vec<Waker>) {
    for w in wakers {
        w.wake();
    }
}

/// The deadline for a timeout; `None` (wait forever) when it is too far to represent.
pub(crate) fn deadline_after(timeout: Duration) -> Option<Instant> {
    Instant::now().checked_add(timeout)
}
