//! Bounded inboxes: the room an actor's inbox has left, counted by core on top of any
//! backend's unbounded inbox, and how a sender waits for it.
//!
//! Every envelope but a stop request takes one unit of room when it is sent and gives
//! it back when the actor's loop takes it out of the inbox. A sender that finds no
//! room waits (parking its own context, through [`wait_until_hinted`]), gives up
//! ([`Room::Try`]), or, for sends that must never wait (core's own: death-watch
//! notifications, timers; and a send that would wait for itself), takes the room
//! anyway ([`Room::Force`]), so the count can pass the capacity for a moment.
//!
//! The protocol between a waiting sender and the loop is a Dekker pair over two
//! `SeqCst` operations: the sender registers its waker, sets `has_waiters`, then tries
//! again; the loop gives the room back, then reads `has_waiters`. One of the two sees
//! the other, so no wake-up is lost (`loom_models` below).

use std::fmt;
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use crate::actor_ref::Meta;
use crate::debug::Waiting;
use crate::rt::park::{Waited, wait_until_hinted};
use crate::sync::{AtomicBool, AtomicUsize, Mutex};
use crate::waiters::{WaitKey, Waiters, wake_all};
use std::sync::atomic::Ordering;

/// How a send to a bounded inbox waits for room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Room {
    /// Never waits: takes the room even past the capacity.
    Force,
    /// Never waits: gives up on a full inbox.
    Try,
    /// Waits until there is room, the actor ends, or the deadline (`None`: forever).
    Wait(Option<Instant>),
}

/// Why a send got no room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoRoom {
    /// The inbox is full ([`Room::Try`]).
    Full,
    /// The deadline passed.
    TimedOut,
    /// The actor has ended.
    Dead,
}

/// The room of one actor's bounded inbox.
pub(crate) struct Bound {
    capacity: usize,
    /// Envelopes sent and not yet taken out by the loop (stop requests excepted).
    queued: AtomicUsize,
    /// Whether a sender may be registered in `waiting`.
    has_waiters: AtomicBool,
    waiting: Mutex<Waiting_>,
}

#[derive(Default)]
struct Waiting_ {
    closed: bool,
    waiters: Waiters,
}

impl Bound {
    pub(crate) fn new(capacity: usize) -> Self {
        Bound {
            capacity,
            queued: AtomicUsize::new(0),
            has_waiters: AtomicBool::new(false),
            waiting: Mutex::new(Waiting_::default()),
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Takes one unit of room if there is any.
    pub(crate) fn try_take(&self) -> bool {
        let mut queued = self.queued.load(Ordering::SeqCst);
        while queued < self.capacity {
            match self.queued.compare_exchange_weak(
                queued,
                queued + 1,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return true,
                Err(now) => queued = now,
            }
        }
        false
    }

    /// Takes one unit of room, past the capacity if need be.
    pub(crate) fn force(&self) {
        self.queued.fetch_add(1, Ordering::SeqCst);
    }

    /// Gives one unit back (the loop took an envelope out, or a send failed), waking
    /// the senders that wait for room.
    pub(crate) fn give_back(&self) {
        self.queued.fetch_sub(1, Ordering::SeqCst);
        seq_cst_under_loom();
        if self.has_waiters.load(Ordering::SeqCst) {
            self.wake_waiters(false);
        }
    }

    /// Wakes every waiting sender to look again (a cycle through this inbox was found:
    /// see [`take`](Self::take)).
    pub(crate) fn nudge(&self) {
        self.wake_waiters(false);
    }

    /// The actor has ended: every waiting sender (and every later one) learns it.
    pub(crate) fn close(&self) {
        self.wake_waiters(true);
    }

    fn wake_waiters(&self, close: bool) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting.closed |= close;
        self.has_waiters.store(false, Ordering::SeqCst);
        let wakers = waiting.waiters.take();
        drop(waiting);
        // Every waiter, not one: a woken sender that has meanwhile given up would
        // otherwise keep the room from the others.
        wake_all(wakers);
    }

    /// Takes room, or registers the sender's waker under `key` to try again when room
    /// is given back.
    pub(crate) fn poll_take(
        &self,
        cx: &mut TaskContext<'_>,
        key: &mut WaitKey,
    ) -> Poll<Result<(), NoRoom>> {
        if self.try_take() {
            return Poll::Ready(Ok(()));
        }
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        if waiting.closed {
            return Poll::Ready(Err(NoRoom::Dead));
        }
        let replaced = waiting.waiters.register(key, cx.waker());
        self.has_waiters.store(true, Ordering::SeqCst);
        seq_cst_under_loom();
        drop(waiting);
        drop(replaced);
        if self.try_take() {
            return Poll::Ready(Ok(()));
        }
        Poll::Pending
    }

    /// Removes the waker of a sender that stopped waiting.
    pub(crate) fn forget(&self, key: &mut WaitKey) {
        if key.is_set() {
            let removed = self
                .waiting
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .waiters
                .remove(key);
            drop(removed);
        }
    }

    /// Room for one envelope to the actor of `meta`, as `room` says.
    pub(crate) fn take(&self, meta: &Meta, room: Room) -> Result<(), NoRoom> {
        if self.try_take() {
            return Ok(());
        }
        let deadline = match room {
            Room::Force => {
                self.force();
                return Ok(());
            }
            Room::Try if meta.is_alive() => return Err(NoRoom::Full),
            Room::Try => return Err(NoRoom::Dead),
            Room::Wait(deadline) => deadline,
        };
        if meta.origin.is_running_here() {
            // The actor tells itself: it would wait for its own loop.
            self.force();
            return Ok(());
        }
        let mut key = WaitKey::default();
        let waited = wait_until_hinted(
            |cx| match self.poll_take(cx, &mut key) {
                // Woken without room: the wait may have become part of a cycle (an
                // actor waiting for this one found it, and woke this sender).
                Poll::Pending if crate::debug::closes_cycle(&meta.origin) => {
                    log::debug!(target: "pykka", "Sending over the capacity of {} to break a cycle of waits", meta.label());
                    self.force();
                    Poll::Ready(Ok(()))
                }
                polled => polled,
            },
            || self.queued.load(Ordering::Relaxed) < self.capacity,
            deadline,
            Waiting::Room(&meta.origin),
        );
        self.forget(&mut key);
        match waited {
            Waited::Ready(taken) => taken,
            Waited::TimedOut => Err(NoRoom::TimedOut),
            Waited::Deadlock(cycle) => {
                // The actor this send waits for waits (through others) for this
                // context: waiting would never end, so the message goes over the
                // capacity instead.
                log::debug!(target: "pykka", "Sending over the capacity of {}: {cycle}", meta.label());
                self.force();
                Ok(())
            }
        }
    }
}

/// The two sides' `SeqCst` store (or read-modify-write) then load need one total
/// order, which the memory model gives them; loom models `SeqCst` accesses as
/// acquire/release only, so under loom a `SeqCst` fence between them stands for it.
#[inline(always)]
fn seq_cst_under_loom() {
    #[cfg(loom)]
    crate::sync::fence(Ordering::SeqCst);
}

impl fmt::Debug for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bound")
            .field("capacity", &self.capacity)
            .field("queued", &self.queued.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// loom models of the room protocol, on the real `Bound`:
/// `RUSTFLAGS="--cfg loom" cargo test -p pykka-core --lib --release loom_models`.
#[cfg(all(test, loom))]
mod loom_models {
    use super::*;
    use crate::test_wakers::counting_waker;
    use loom::sync::Arc;
    use loom::thread;

    /// A sender finds the inbox full while the loop gives room back: it takes the
    /// room, or it is woken (no lost wake-up).
    #[test]
    fn a_full_inbox_wakes_its_waiting_sender() {
        loom::model(|| {
            let bound = Arc::new(Bound::new(1));
            assert!(bound.try_take());
            let (woken, waker) = counting_waker();
            let loop_side = {
                let bound = bound.clone();
                thread::spawn(move || bound.give_back())
            };
            let mut key = WaitKey::default();
            let mut cx = TaskContext::from_waker(&waker);
            let first = bound.poll_take(&mut cx, &mut key);
            loop_side.join().unwrap();
            match first {
                Poll::Ready(taken) => assert_eq!(taken, Ok(())),
                Poll::Pending => {
                    assert!(woken.get() >= 1, "the given-back room woke nobody");
                    assert_eq!(bound.poll_take(&mut cx, &mut key), Poll::Ready(Ok(())));
                }
            }
        });
    }

    /// The actor ends while a sender waits: the sender learns it.
    #[test]
    fn a_closing_inbox_wakes_its_waiting_sender() {
        loom::model(|| {
            let bound = Arc::new(Bound::new(1));
            assert!(bound.try_take());
            let (woken, waker) = counting_waker();
            let closer = {
                let bound = bound.clone();
                thread::spawn(move || bound.close())
            };
            let mut key = WaitKey::default();
            let mut cx = TaskContext::from_waker(&waker);
            let first = bound.poll_take(&mut cx, &mut key);
            closer.join().unwrap();
            match first {
                Poll::Ready(taken) => assert_eq!(taken, Err(NoRoom::Dead)),
                Poll::Pending => {
                    assert!(woken.get() >= 1, "the end woke nobody");
                    assert_eq!(
                        bound.poll_take(&mut cx, &mut key),
                        Poll::Ready(Err(NoRoom::Dead))
                    );
                }
            }
        });
    }
}
