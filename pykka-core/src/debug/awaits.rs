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
//! turns on one thread (and move between threads) in the middle of their polls.

use std::sync::MutexGuard;
use std::task::Poll;

use super::activity::{self, Activity};
use super::wait_graph::{self, Answerable, WaitGuard, Waiting};
use super::{ActivityRef, current_actor};
use crate::actor_ref::Origin;
use crate::error::DeadlockError;
use crate::rt::park::Parker;

/// One poll of an async handler.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    /// Replies found pending in this poll so far.
    pending: u8,
    /// The wait published for the first of them.
    guard: Option<WaitGuard>,
}

fn scope(slot: &Activity) -> MutexGuard<'_, Option<Scope>> {
    slot.awaits.lock().unwrap_or_else(|e| e.into_inner())
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
        let replaced = scope(slot).replace(Scope::default());
        drop(replaced);
        let entered = Entered(slot);
        let polled = poll();
        let ours = entered.end();
        if polled.is_pending() {
            if let Some(Scope {
                pending: 1, guard, ..
            }) = ours
            {
                self.guard = guard;
            }
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
    /// Ends the scope after a poll that returned, handing over what it recorded.
    fn end(self) -> Option<Scope> {
        let ours = scope(self.0).take();
        std::mem::forget(self);
        ours
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        let ours = scope(self.0).take();
        drop(ours);
    }
}

/// Called by a reply (answered by `origin`) that is pending when polled: inside an
/// async handler's poll, publishes the actor's wait and refuses it if it closes a
/// cycle.
pub(crate) fn awaiting(origin: &Origin, reply: &dyn Answerable) -> Result<(), DeadlockError> {
    if super::UNPUBLISHED {
        return Ok(());
    }
    let me = current_actor(&Parker::current());
    let Some(slot) = activity::get(me) else {
        return Ok(());
    };
    {
        let mut scope = scope(slot);
        let Some(s) = scope.as_mut() else {
            return Ok(());
        };
        s.pending = s.pending.saturating_add(1);
        if s.pending > 1 {
            // Pending on several replies: none of them is certainly waited for.
            let ambiguous = s.guard.take();
            drop(scope);
            drop(ambiguous);
            return Ok(());
        }
    }
    // Published outside the lock: publishing may wake senders (a cycle through a full
    // inbox), whose wakers run arbitrary code.
    match wait_graph::publish(me, Waiting::Reply(Some(origin), Some(reply)), false) {
        Ok(guard) => {
            let mut scope = scope(slot);
            let replaced = scope.as_mut().and_then(|s| s.guard.replace(guard));
            drop(scope);
            drop(replaced);
            Ok(())
        }
        Err(deadlock) => {
            if let Some(s) = scope(slot).as_mut() {
                s.pending -= 1;
            }
            Err(deadlock)
        }
    }
}
