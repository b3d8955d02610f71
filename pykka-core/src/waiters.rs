//! A list of wakers waiting for one state change (shared by replies and events).
//!
//! Each waiting party holds a [`WaitKey`]: registering again with the same key
//! replaces its waker in place (O(1), no scan for duplicates), and a party that gives up
//! (a timed-out wait, a dropped future) removes its entry, so that many waits on
//! something that never happens cost neither quadratic time nor unbounded memory.

use std::panic::AssertUnwindSafe;

// Quiet under `quiet_caught_panics`, like every panic pykka catches.
use crate::quiet::catch_unwind;
use std::task::Waker;
use std::time::{Duration, Instant};

/// Wakers to wake when a value arrives. Kept inside the owner's mutex.
///
/// Nearly always there is one waiter (the asker), so the first waker is kept inline
/// and only further ones allocate.
#[derive(Debug)]
pub(crate) struct Waiters {
    /// Bumped by every [`take`](Waiters::take): keys of an earlier epoch are stale.
    epoch: u64,
    first: Option<Waker>,
    rest: Vec<Option<Waker>>,
    /// Indexes of empty entries of `rest`.
    free: Vec<u32>,
}

impl Default for Waiters {
    fn default() -> Self {
        Waiters {
            epoch: 1,
            first: None,
            rest: Vec::new(),
            free: Vec::new(),
        }
    }
}

/// A waiting party's place in a [`Waiters`] list. The default key holds no place.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WaitKey {
    /// 0 for no place.
    epoch: u64,
    /// 0 for the inline entry, `i + 1` for `rest[i]`.
    index: u32,
}

impl WaitKey {
    /// Whether this key may hold a place (it may be stale).
    pub(crate) fn is_set(&self) -> bool {
        self.epoch != 0
    }
}

impl Waiters {
    /// Registers `waker` for the party of `key`: replaces that party's earlier waker
    /// if it is still waiting, else takes a new place.
    ///
    /// Returns the waker it replaced, which the caller drops *after* unlocking: a
    /// waker's drop may run arbitrary code (drop a task that holds a handle to the
    /// owner, say), which must not find the owner's lock held.
    #[must_use = "drop the replaced waker after unlocking"]
    pub(crate) fn register(&mut self, key: &mut WaitKey, waker: &Waker) -> Option<Waker> {
        if key.epoch == self.epoch {
            let slot = self.slot(key.index);
            if let Some(w) = slot {
                if w.will_wake(waker) {
                    return None;
                }
            }
            return slot.replace(waker.clone());
        }
        let index = if self.first.is_none() {
            self.first = Some(waker.clone());
            0
        } else if let Some(i) = self.free.pop() {
            self.rest[i as usize] = Some(waker.clone());
            i + 1
        } else {
            self.rest.push(Some(waker.clone()));
            u32::try_from(self.rest.len()).unwrap_or(u32::MAX)
        };
        *key = WaitKey {
            epoch: self.epoch,
            index,
        };
        None
    }

    /// Removes the party of `key` (a no-op for a stale or empty key) and resets the key.
    /// Returns its waker, to be dropped after unlocking.
    #[must_use = "drop the removed waker after unlocking"]
    pub(crate) fn remove(&mut self, key: &mut WaitKey) -> Option<Waker> {
        let k = std::mem::take(key);
        if k.epoch != self.epoch {
            return None;
        }
        let removed = self.slot(k.index).take();
        if k.index > 0 && removed.is_some() {
            self.free.push(k.index - 1);
        }
        removed
    }

    fn slot(&mut self, index: u32) -> &mut Option<Waker> {
        match index {
            0 => &mut self.first,
            i => &mut self.rest[(i - 1) as usize],
        }
    }

    /// The number of parties waiting.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.iter().filter(|w| w.is_some()).count()
    }

    /// Takes every waker out, to be woken after the owner's lock is released; every key
    /// handed out so far becomes stale.
    pub(crate) fn take(&mut self) -> Woken {
        self.epoch += 1;
        self.free.clear();
        Woken {
            first: self.first.take(),
            rest: std::mem::take(&mut self.rest),
        }
    }
}

/// Wakers taken out of a [`Waiters`] list, to wake once the owner's lock is released.
#[derive(Debug)]
pub(crate) struct Woken {
    first: Option<Waker>,
    rest: Vec<Option<Waker>>,
}

/// Wakes every waker.
///
/// A waker that panics (a bug of whoever made it, an awaiting task's executor say) is
/// logged and skipped: the others are still woken, and the panic does not reach the
/// code that completed the value (an actor's loop, typically).
pub(crate) fn wake_all(wakers: Woken) {
    for w in wakers
        .first
        .into_iter()
        .chain(wakers.rest.into_iter().flatten())
    {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(move || w.wake())) {
            let failure = crate::Failure::from_panic(payload);
            log::error!(target: "pykka", "A waker panicked while being woken: {failure}");
        }
    }
}

/// The deadline for a timeout; `None` (wait forever) when it is too far to represent.
pub(crate) fn deadline_after(timeout: Duration) -> Option<Instant> {
    Instant::now().checked_add(timeout)
}

/// The time left until `deadline` (`None`: no deadline), zero once it has passed.
pub(crate) fn time_left(deadline: Option<Instant>) -> Option<Duration> {
    deadline.map(|d| d.saturating_duration_since(Instant::now()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_wakers::counting_waker as counting;

    #[test]
    fn a_party_registered_again_keeps_one_place() {
        let mut w = Waiters::default();
        let (_, a) = counting();
        let (_, b) = counting();
        let mut key = WaitKey::default();
        assert!(w.register(&mut key, &a).is_none());
        assert!(w.register(&mut key, &a).is_none());
        assert_eq!(w.len(), 1);
        assert!(
            w.register(&mut key, &b).is_some(),
            "the old waker comes back"
        );
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn parties_that_give_up_leave_no_trace() {
        let mut w = Waiters::default();
        for _ in 0..10_000 {
            let (_, waker) = counting();
            let mut key = WaitKey::default();
            let _ = w.register(&mut key, &waker);
            assert!(w.remove(&mut key).is_some());
            assert!(!key.is_set());
        }
        assert_eq!(w.len(), 0);
        assert!(w.rest.capacity() <= 1, "places are reused");
    }

    #[test]
    fn take_wakes_everyone_and_makes_keys_stale() {
        let mut w = Waiters::default();
        let counts: Vec<_> = (0..3).map(|_| counting()).collect();
        let mut keys = [WaitKey::default(); 3];
        for (key, (_, waker)) in keys.iter_mut().zip(&counts) {
            let _ = w.register(key, waker);
        }
        let (_, later) = counting();
        wake_all(w.take());
        for (c, _) in &counts {
            assert_eq!(c.get(), 1);
        }
        // A stale key neither removes nor replaces a newer party's place.
        let mut newer = WaitKey::default();
        let _ = w.register(&mut newer, &later);
        assert!(w.remove(&mut keys[0]).is_none());
        assert_eq!(w.len(), 1);
        assert!(w.remove(&mut newer).is_some());
    }
}
