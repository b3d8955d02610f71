//! [`ActorTask`]: one actor's whole life, which a backend only has to run.
//!
//! The loop contract (start, then handle every envelope until the actor stops or every
//! sender is gone, then drop the inbox before the loop) is written here once, in two
//! forms: [`run_blocking`](ActorTask::run_blocking) for a backend that gives every
//! actor a thread or a coroutine, and [`run`](ActorTask::run) for one that polls it as a
//! task.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use crate::actor_loop::{ActorLoop, Envelope};
use crate::contain::contained;
use crate::{Actor, ActorRef, Runtime};

/// How many messages an actor handles in a row, in [`ActorTask::run`], before it lets
/// the other tasks of its worker run.
pub(crate) const BATCH: usize = 64;

/// The receiving half of an inbox, received from by blocking the calling context (a
/// thread, or a coroutine that parks through [`park`](crate::rt::park)).
pub trait RecvBlocking<M>: Send + 'static {
    /// The next message; `None` once every sender is gone and nothing is queued.
    ///
    /// `after_outside_ask`: the message handled last was awaited by a sender from
    /// outside the backend (a plain thread, or another backend's context), which usually
    /// sends its next request within a microsecond or two of its answer, while waking a
    /// parked coroutine or executor worker from outside goes through the kernel. A
    /// backend may then look at its empty inbox for a moment before it parks; that
    /// policy (whether, how long, how to yield meanwhile) is the backend's own.
    fn recv(&mut self, after_outside_ask: bool) -> Option<M>;

    /// A message already queued, without waiting; `None` when none is. Core calls it
    /// when the actor's loop ended, to report (at DEBUG) what the end leaves unhandled.
    /// The default says `None`: such a backend's actors report nothing.
    fn next_queued(&mut self) -> Option<M> {
        None
    }
}

/// The receiving half of an inbox, awaited by a task.
pub trait RecvAsync<M>: Send + 'static {
    /// The next message; `None` once every sender is gone and nothing is queued.
    /// `after_outside_ask` as for [`RecvBlocking::recv`].
    fn recv_async(&mut self, after_outside_ask: bool) -> impl Future<Output = Option<M>> + Send;

    /// As [`RecvBlocking::next_queued`].
    fn next_queued(&mut self) -> Option<M> {
        None
    }
}

/// One actor, with its inbox: what [`Runtime::spawn`] gets. Run it with
/// [`run_blocking`](Self::run_blocking) on a thread or coroutine of its own, or poll
/// [`run`](Self::run) as a task; either drives the whole loop contract. Dropping it
/// unrun (say, the backend could not start a thread, or a runtime shut down before
/// it ran the task) closes the inbox, failing every queued ask, and marks the actor
/// dead; a panic in a drop there (the actor's, a queued message's) is logged, as at
/// any actor's end.
pub struct ActorTask<A: Actor, R: Runtime> {
    ending: Ending<R::Receiver<Envelope<A>>, A>,
}

impl<A: Actor, R: Runtime> ActorTask<A, R> {
    pub(crate) fn new(inbox: R::Receiver<Envelope<A>>, actor_loop: ActorLoop<A>) -> Self {
        ActorTask {
            ending: Ending::new(inbox, actor_loop),
        }
    }

    /// The name for the actor's thread, coroutine or task: `TypeName-N`, with `N`
    /// counted across all actors of the process from 0 (as Pykka 4.4.1+ names threads).
    pub fn name(&self) -> String {
        self.ending.actor_loop().name()
    }

    /// The reference of the actor this task runs.
    pub fn actor_ref(&self) -> &ActorRef<A> {
        self.ending.actor_loop().actor_ref()
    }

    /// Runs the actor to its end on the calling thread or coroutine, which belongs to
    /// it until then (nothing else may run there meanwhile: the loop marks it as
    /// "inside this actor" for its whole life).
    pub fn run_blocking(self)
    where
        R::Receiver<Envelope<A>>: RecvBlocking<Envelope<A>>,
    {
        let (inbox, actor_loop) = self.ending.into_parts();
        actor_loop.run_blocking(inbox, RecvBlocking::recv, RecvBlocking::next_queued);
    }

    /// Runs the actor to its end as a task: awaits each message, and yields to the
    /// executor after every 64 messages in a row so that a busy actor does not starve
    /// the other tasks of its worker.
    pub async fn run(self)
    where
        R::Receiver<Envelope<A>>: RecvAsync<Envelope<A>>,
    {
        run_async(self.ending).await;
    }
}

/// The task form of the loop contract, over any receiver.
pub(crate) async fn run_async<A: Actor, I: RecvAsync<Envelope<A>>>(mut ending: Ending<I, A>) {
    // Also dropped this way when the task is dropped while it awaits (a shutdown);
    // the suspended handler's or hook's future is dropped before, contained too
    // (`contain::Pinned`).
    let Ending {
        inbox: Some(inbox),
        actor_loop: Some(actor_loop),
    } = &mut ending
    else {
        return;
    };
    if actor_loop.start_async().await.is_continue() {
        actor_loop.serve(inbox).await;
        actor_loop.run_last_hook().await;
    }
    actor_loop.drop_queued(|| RecvAsync::next_queued(inbox));
}

/// What an actor's end drops: its inbox (the closing rule: queued asks fail while the
/// actor is still being marked dead, never after a new start), then its loop, and with
/// it the actor. User code runs in those drops (the actor's `Drop`, a queued
/// message's); a panic there is logged and goes no further (see
/// [`contained`](crate::contain::contained)). An actor's task holds one from the
/// start, so that a task dropped unrun drops the same way.
pub(crate) struct Ending<I, A: Actor> {
    inbox: Option<I>,
    actor_loop: Option<ActorLoop<A>>,
}

impl<I, A: Actor> Ending<I, A> {
    pub(crate) fn new(inbox: I, actor_loop: ActorLoop<A>) -> Self {
        Ending {
            inbox: Some(inbox),
            actor_loop: Some(actor_loop),
        }
    }

    /// The loop of a task not run yet.
    pub(crate) fn actor_loop(&self) -> &ActorLoop<A> {
        match &self.actor_loop {
            Some(actor_loop) => actor_loop,
            None => unreachable!("only the drop and `into_parts` take the loop"),
        }
    }

    /// The inbox of a task not run yet.
    pub(crate) fn inbox(&self) -> &I {
        match &self.inbox {
            Some(inbox) => inbox,
            None => unreachable!("only the drop and `into_parts` take the inbox"),
        }
    }

    /// The inbox and the loop, for a loop that makes its own `Ending` at its end.
    pub(crate) fn into_parts(mut self) -> (I, ActorLoop<A>) {
        match (self.inbox.take(), self.actor_loop.take()) {
            (Some(inbox), Some(actor_loop)) => (inbox, actor_loop),
            _ => unreachable!("only the drop and `into_parts` take the parts"),
        }
    }
}

impl<I, A: Actor> Drop for Ending<I, A> {
    fn drop(&mut self) {
        let Some(actor_loop) = self.actor_loop.take() else {
            return;
        };
        let label = actor_loop.actor_ref().meta().origin.label().clone();
        contained(&label, || drop(self.inbox.take()));
        contained(&label, move || drop(actor_loop));
    }
}

impl<A: Actor, R: Runtime> fmt::Debug for ActorTask<A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActorTask")
            .field("actor", self.ending.actor_loop())
            .finish_non_exhaustive()
    }
}

/// Yields to the executor once.
pub(crate) struct YieldNow(pub(crate) bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use std::panic::AssertUnwindSafe;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use crate::test_refs::NoRuntime;
    use crate::{Actor, Context, Failure};

    /// Panics in its drop (unless its thread already unwinds), after saying so.
    struct Bomber(Arc<AtomicBool>);

    impl Drop for Bomber {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
            if !std::thread::panicking() {
                panic!("an actor's drop went off");
            }
        }
    }

    impl Actor for Bomber {
        type Message = ();
        type Reply = ();
        fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> {
            Ok(())
        }
    }

    #[test]
    fn a_task_dropped_unrun_contains_a_panic_in_the_actor_s_drop() {
        // NoRuntime cannot spawn: it drops the task unrun, as a backend that could not
        // start a thread, or a runtime that shut down before it polled the task, does.
        let dropped = Arc::new(AtomicBool::new(false));
        let started = std::panic::catch_unwind(AssertUnwindSafe(|| {
            Bomber(dropped.clone()).start(&NoRuntime)
        }))
        .expect("the panic of the actor's drop reached the caller of start");
        assert!(started.is_err(), "the runtime could not spawn the task");
        assert!(dropped.load(Ordering::SeqCst), "the actor was dropped");
    }
}
