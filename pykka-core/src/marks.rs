//! The marks of "inside this actor" that a context carries while it runs the actor's
//! user code ([`Marks`]), and [`drive_hook`], which runs an async hook to its end on a
//! task, setting them for each poll.
//!
//! The marks let pykka tell a wait of an actor for itself (a deadlock) from any other
//! wait: the actor's `running_in` names the context that runs it, and on kinds of
//! context that mark threads, the thread knows which actor it is inside.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::Ordering;
use std::task::Poll;

use crate::Failure;
use crate::actor_ref::Origin;
use crate::contain::Pinned;
use crate::debug::ActivityRef;
use crate::debug::awaits::AwaitRecord;
// Quiet under `quiet_caught_panics`, like every panic pykka catches.
use crate::quiet::catch_unwind;
use crate::rt::context;

/// What marks the calling context as inside an actor's hook (see `ActorLoop::enter`).
#[derive(Clone, Copy)]
pub(crate) struct Marks<'a> {
    pub(crate) origin: &'a Origin,
    pub(crate) context: u64,
    pub(crate) kind: &'static context::Kind,
    pub(crate) activity: ActivityRef,
}

pub(crate) fn mark(marks: Marks<'_>) -> Option<context::Outer> {
    marks
        .origin
        .running_in
        .store(marks.context, Ordering::Release);
    marks
        .kind
        .marks_thread
        .then(|| context::enter(marks.kind, marks.context, marks.activity))
}

pub(crate) fn unmark(origin: &Origin, outer: Option<context::Outer>) {
    if let Some(outer) = outer {
        context::leave(outer);
    }
    origin.running_in.store(0, Ordering::Release);
}

/// The marks, set for one poll of an async handler or hook (cleared even if it
/// panics).
pub(crate) struct Inside<'a> {
    origin: &'a Origin,
    outer: Option<context::Outer>,
}

impl<'a> Inside<'a> {
    pub(crate) fn enter(marks: Marks<'a>) -> Self {
        Inside {
            origin: marks.origin,
            outer: mark(marks),
        }
    }
}

impl Inside<'_> {
    /// Leaves the marks set and hands over what clearing them needs.
    pub(crate) fn keep(mut self) -> Option<context::Outer> {
        let outer = self.outer.take();
        std::mem::forget(self);
        outer
    }
}

impl Drop for Inside<'_> {
    fn drop(&mut self) {
        unmark(self.origin, self.outer.take());
    }
}

/// Runs an async hook to its end on a task: the call that makes its future and each
/// poll inside the actor's marks (set per poll: other tasks run on the thread between
/// two polls), a panic in any of them a failure. What the hook awaits is published
/// while it is suspended, as for an async handler (see [`AwaitRecord`]). A hook that
/// is ready at once (every synchronous hook's default) costs one poll with a no-op
/// waker. (`ActorLoop::serve` polls each message's handler the same way, written
/// inline: a future awaited per message cost a quarter of a ring hop, and a handler's
/// result keeps its marks for the reply.)
pub(crate) async fn drive_hook<F>(marks: Marks<'_>, make: impl FnOnce() -> F) -> Result<(), Failure>
where
    F: Future<Output = Result<(), Failure>>,
{
    let inside = Inside::enter(marks);
    let hook = match catch_unwind(AssertUnwindSafe(make)) {
        Ok(hook) => hook,
        Err(payload) => return Err(Failure::from_panic(payload)),
    };
    // A task dropped while the hook awaits (a shutdown) drops it contained.
    let mut slot = std::pin::pin!(Some(hook));
    let mut hook = Pinned::new(slot.as_mut(), marks.origin);
    let first = catch_unwind(AssertUnwindSafe(|| {
        let mut noop = std::task::Context::from_waker(std::task::Waker::noop());
        hook.poll(&mut noop)
    }));
    match first {
        Ok(Poll::Ready(done)) => return done,
        Ok(Poll::Pending) => drop(inside),
        Err(payload) => return Err(Failure::from_panic(payload)),
    }
    let mut record = AwaitRecord::new(marks.activity);
    std::future::poll_fn(|cx| {
        record.poll(|| {
            let _inside = Inside::enter(marks);
            match catch_unwind(AssertUnwindSafe(|| hook.poll(cx))) {
                Ok(polled) => polled,
                Err(payload) => Poll::Ready(Err(Failure::from_panic(payload))),
            }
        })
    })
    .await
}
