//! Containing the drops of user values at an actor's end: [`contained`] for a drop
//! made on purpose, [`Pinned`] for a future that a task may drop while it is
//! suspended.
//!
//! User code runs in those drops (an actor's `Drop`, a queued message's, the values
//! that a handler holds across an await). A panic there must not unwind into a
//! backend's worker, which runs other actors too; and async-task, under both smol's
//! executor and its run queue, aborts the process when the drop of a task's future
//! panics. So the user parts of a task's future drop themselves under `catch_unwind`,
//! as part of that drop: the inbox and the loop ([`Ending`](crate::actor_task::Ending)),
//! and a suspended handler's or hook's future ([`Pinned`]).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::Failure;
use crate::actor_ref::Origin;
// Quiet under `quiet_caught_panics`, like every panic pykka catches.
use crate::quiet::catch_unwind;

/// Runs `f`, a drop of user values at the end of the actor `label`; a panic there is
/// logged (at ERROR) and goes no further, so that it cannot unwind into a backend's
/// worker, which runs other actors too.
pub(crate) fn contained(label: &str, f: impl FnOnce()) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
        let failure = Failure::from_panic(payload);
        log::error!(target: "pykka", "Unhandled exception in a drop at the end of {label}: {failure}");
    }
}

/// A future of user code (a handler's, a hook's), pinned in place by its owner, whose
/// drop is [`contained`] if it has not completed: a task dropped while it awaits (a
/// runtime's shutdown) drops it first, with the values it holds across the await.
///
/// Made over a `Some(future)` that the owner pinned (on its stack, or in its state
/// for an `async` owner) before the guard, so that the guard is dropped first:
///
/// ```text
/// let mut slot = std::pin::pin!(Some(future));
/// let mut future = Pinned::new(slot.as_mut(), origin);
/// ```
pub(crate) struct Pinned<'a, F> {
    future: Pin<&'a mut Option<F>>,
    /// For the label, made only if a drop panics (it is formatted lazily).
    origin: &'a Origin,
}

impl<'a, F: Future> Pinned<'a, F> {
    pub(crate) fn new(future: Pin<&'a mut Option<F>>, origin: &'a Origin) -> Self {
        Pinned { future, origin }
    }

    /// Polls the future. Its owner polls it no more once it completed (its drop is
    /// done then, inside the poll, as an unwrapped future's would be at the owner's
    /// next step).
    #[inline]
    pub(crate) fn poll(&mut self, cx: &mut Context<'_>) -> Poll<F::Output> {
        match self.future.as_mut().as_pin_mut() {
            Some(future) => {
                let polled = future.poll(cx);
                if polled.is_ready() {
                    self.future.set(None);
                }
                polled
            }
            None => unreachable!("a completed handler or hook polled again"),
        }
    }
}

impl<F> Drop for Pinned<'_, F> {
    fn drop(&mut self) {
        if self.future.is_some() {
            let future = &mut self.future;
            contained(self.origin.label(), || future.set(None));
        }
    }
}
