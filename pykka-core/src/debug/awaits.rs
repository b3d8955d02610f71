//! The waits of async handlers ([`Actor::on_receive_async`](crate::Actor::on_receive_async))
//! for other actors' replies: published while a handler is suspended on one, and
//! checked for a cycle, as a blocking wait for a reply is.
//!
//! A handler is polled inside a scope kept in its actor's debug slot
//! ([`AwaitRecord::poll`]); a [`Reply`](crate::Reply) that is pending when polled by the
//! actor in that scope publishes "this actor waits for the reply of B" ([`awaiting`])
//! and fails at once with a deadlock if that closes a cycle. The record stays while the
//! handler is suspended and ends when it is polled again (or dropped, or done). A poll
//! that leaves the handler pending on two or more replies publishes nothing: the
//! handler may be selecting among them, and no cycle through one of them is then
//! certain (a `zip` or `join!` of replies is one reply of no actor, and publishes
//! nothing either).
//!
//! The scope is the actor's, not the thread's: coroutines of several actors take
//! turns on one thread (and move between threads) in the middle of their polls. Only
//! the actor's own context touches its scope, one poll at a time, so the scope is a
//! word that it loads and stores (no lock: an ask from an async handler crosses it
//! twice per poll); a hand-over of the context between threads orders those accesses
//! as it orders the rest of the handler's state.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::Poll;

use super::ActivityRef;
use super::activity::{self, Activity};
use super::wait_graph::{self, Answerable, WaitGuard, Waiting};
use crate::actor_ref::Origin;
use crate::error::DeadlockError;
use crate::rt::park::Parker;

/// A poll of the actor's handler is under way.
const IN_SCOPE: u8 = 1;
/// One reply was found pending in this poll so far.
const ONE: u8 = 2;
/// Two or more replies were found pending: none is published.
const SEVERAL: u8 = 4;
/// The wait for the one pending reply is published, as a plain record (no earlier
/// record to restore): ending it is one store.
const PLAIN: u8 = 8;
/// The wait for the one pending reply is published and its guard kept in
/// [`ScopeState::guard`] (it replaced an earlier record of the actor: rare).
const KEPT: u8 = 16;

/// One actor's await scope: a word of the flags above, and the rare guard.
#[derive(Debug, Default)]
pub(crate) struct ScopeState {
    word: AtomicU8,
    guard: Mutex<Option<WaitGuard>>,
}

impl ScopeState {
    #[inline]
    fn load(&self) -> u8 {
        self.word.load(Ordering::Relaxed)
    }

    #[inline]
    fn store(&self, word: u8) {
        self.word.store(word, Ordering::Relaxed);
    }

    /// Ends the scope: the word it ends with.
    #[inline]
    fn leave(&self) -> u8 {
        let word = self.load();
        self.store(0);
        word
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Option<WaitGuard>> {
        self.guard.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The published wait of a word, as a guard that ends it when dropped.
    fn take_guard(&self, slot: &'static Activity, word: u8) -> Option<WaitGuard> {
        if word & PLAIN != 0 {
            Some(WaitGuard::Actor(slot, None))
        } else if word & KEPT != 0 {
            self.kept().take()
        } else {
            None
        }
    }
}

/// What an async handler's suspension leaves published between two of its polls.
#[derive(Debug)]
pub(crate) struct AwaitRecord {
    me: ActivityRef,
    guard: Option<WaitGuard>,
    /// For a handler driven on a parked thread or coroutine: show a suspension on
    /// anything but one reply as "awaiting" (with an exact start time or not).
    show_await: Option<bool>,
}

impl AwaitRecord {
    /// The record of the async handler of the actor `me`, on a task.
    pub(crate) fn new(me: ActivityRef) -> Self {
        AwaitRecord {
            me,
            guard: None,
            show_await: None,
        }
    }

    /// The record of an async handler driven on the actor's own parked thread or
    /// coroutine, which the debug snapshot shows as awaiting while it is suspended.
    pub(crate) fn parked(me: ActivityRef, exact_time: bool) -> Self {
        AwaitRecord {
            me,
            guard: None,
            show_await: Some(exact_time),
        }
    }

    /// Runs one poll of the handler in its scope; if the handler stays pending, keeps
    /// what the poll published until the next poll.
    pub(crate) fn poll<T>(&mut self, poll: impl FnOnce() -> Poll<T>) -> Poll<T> {
        // The suspension the last poll published is over.
        self.guard = None;
        if super::UNPUBLISHED {
            return poll();
        }
        let Some(slot) = activity::get(self.me) else {
            return poll();
        };
        slot.awaits.store(IN_SCOPE);
        let entered = Entered(slot);
        let polled = poll();
        let word = entered.end();
        // Dropped here, ending its record, unless the handler stays suspended on it.
        let guard = slot.awaits.take_guard(slot, word);
        if polled.is_pending() {
            self.guard = guard;
            if self.guard.is_none() {
                if let Some(exact_time) = self.show_await {
                    self.guard = wait_graph::publish(self.me, Waiting::Await, exact_time).ok();
                }
            }
        }
        polled
    }
}

/// Ends the scope when the poll ends, even by a panic.
struct Entered(&'static Activity);

impl Entered {
    /// Ends the scope after a poll that returned, handing over what it recorded (see
    /// [`ScopeState::take_guard`]).
    fn end(self) -> u8 {
        let slot = self.0;
        std::mem::forget(self);
        slot.awaits.leave()
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        let word = self.0.awaits.leave();
        drop(self.0.awaits.take_guard(self.0, word));
    }
}

/// Called by a reply (answered by `origin`) that is pending when polled: inside an
/// async handler's poll, publishes the actor's wait and refuses it if it closes a
/// cycle.
pub(crate) fn awaiting(origin: &Origin, reply: &dyn Answerable) -> Result<(), DeadlockError> {
    if super::UNPUBLISHED {
        return Ok(());
    }
    // The thread's actor mark names the actor on a task; only a coroutine or thread
    // actor's needs its parker (an `Arc` clone), so it is looked up only then.
    let me = activity::current(|| Parker::current().actor_mark());
    let Some(slot) = activity::get(me) else {
        return Ok(());
    };
    let scope = &slot.awaits;
    let word = scope.load();
    if word & IN_SCOPE == 0 || word & SEVERAL != 0 {
        return Ok(());
    }
    if word & ONE != 0 {
        // Pending on several replies: none of them is certainly waited for.
        scope.store(IN_SCOPE | SEVERAL);
        drop(scope.take_guard(slot, word));
        return Ok(());
    }
    scope.store(IN_SCOPE | ONE);
    // Publishing may wake senders (a cycle through a full inbox), whose wakers run
    // arbitrary code: the scope's word is already consistent.
    match wait_graph::publish(me, Waiting::Reply(Some(origin), Some(reply)), false) {
        Ok(guard) if guard.is_plain(slot) => {
            // Ended by one store to this slot's record: nothing to keep but the flag
            // (`take_guard` makes the guard again).
            std::mem::forget(guard);
            scope.store(IN_SCOPE | ONE | PLAIN);
            Ok(())
        }
        Ok(guard) => {
            *scope.kept() = Some(guard);
            scope.store(IN_SCOPE | ONE | KEPT);
            Ok(())
        }
        Err(deadlock) => {
            scope.store(IN_SCOPE);
            Err(deadlock)
        }
    }
}
