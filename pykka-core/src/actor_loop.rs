//! [`ActorLoop`]: the per-message semantics of an actor, which every backend drives.

use std::fmt;
use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::Ordering;

use std::task::Poll;

use crate::actor_task::{BATCH, Ending, RecvAsync, YieldNow};
use crate::contain::{Pinned, contained};
use crate::debug::awaits::AwaitRecord;
use crate::debug::{MessageKind, Tracker};
use crate::error::AskError;
use crate::marks::{Inside, Marks, drive_hook, mark, unmark};
// Quiet under `quiet_caught_panics`, like every panic pykka catches.
use crate::quiet::catch_unwind;
use crate::reply::Completer;
use crate::rt::context;
use crate::rt::park::block_on_handler;
use crate::{Actor, ActorRef, AnyActorRef, Context, Failure, StopReason};

/// One message in an actor's inbox. Opaque: backends only move it from the inbox to
/// the actor's task.
pub struct Envelope<A: Actor>(pub(crate) Msg<A>);

/// A deferred piece of work on the actor (a proxy call): `Err` is a tell-path failure;
/// `Ok(true)` says that its answer was awaited from outside the actor's backend.
pub(crate) type Call<A> = Box<dyn FnOnce(&mut A, &Context<A>) -> Result<bool, Failure> + Send>;

pub(crate) enum Msg<A: Actor> {
    Tell(A::Message),
    Ask(A::Message, Completer<A::Reply>),
    Call(Call<A>),
    Stop(Option<Completer<bool>>),
}

impl<A: Actor> fmt::Debug for Envelope<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.0 {
            Msg::Tell(_) => "tell",
            Msg::Ask(..) => "ask",
            Msg::Call(_) => "call",
            Msg::Stop(_) => "stop",
        };
        f.debug_tuple("Envelope").field(&kind).finish()
    }
}

/// Runs a hook, turning a panic into a [`Failure`].
pub(crate) fn catch<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(Failure::from_panic(payload)))
}

/// Logs a failure that was handed to an asker (Pykka 4.x: INFO).
pub(crate) fn log_returned(label: &str, failure: &Failure) {
    log::info!(target: "pykka", "Exception returned from {label} to caller: {failure}");
}

fn log_unhandled(label: &str, failure: &Failure) {
    log::error!(target: "pykka", "Unhandled exception in {label}: {failure}");
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    New,
    Running,
    Done,
}

/// An actor together with everything needed to run it: the semantics of its life,
/// one step at a time. Made by core, driven by a backend (see
/// [`Runtime::spawn`](crate::Runtime::spawn) for the loop contract).
///
/// The blocking methods run user hooks in place (a context that awaits parks);
/// [`start_async`](Self::start_async) and [`serve`](Self::serve) await them. Panics are
/// caught inside. If the loop
/// is dropped before it finished (the backend shut down, or every sender is gone), the
/// actor is marked dead and unregistered, and the envelopes still queued fail their
/// asks when the inbox is dropped.
pub(crate) struct ActorLoop<A: Actor> {
    // Declared first, so dropped first: the actor's own `Drop` (its resources) runs
    // before `ctx` publishes the end.
    actor: A,
    ctx: Publishing<A>,
    phase: Phase,
    /// The context id of this loop (see [`context::context_id`]), fixed at `start`.
    context: u64,
    /// The kind of context the loop's runtime runs it in.
    kind: &'static context::Kind,
    /// What [`context::enter`] replaced, while a hook runs (on kinds that mark threads).
    outer: Option<context::Outer>,
    /// The last message handled was awaited by a sender from outside the backend (an
    /// ask or a proxy call; read where core completes its answer, so for free).
    awaited_from_outside: bool,
    /// What the debug helpers see of this actor.
    tracker: Tracker,
    /// The loop runs as a task ([`serve`](Self::serve)): the hook that ends the actor
    /// is left in `last_hook` for the task to await, instead of run in place (see
    /// [`run_last_hook`](Self::run_last_hook)).
    on_task: bool,
    /// `on_stop` or `on_failure`, to run after the message that ended the actor.
    last_hook: Option<LastHook>,
}

/// The hook that ends an actor, left for a task to await (see
/// [`ActorLoop::run_last_hook`]).
enum LastHook {
    /// `on_stop`, then the stop request's answer.
    Stop(Option<Completer<bool>>),
    /// `on_failure`, with the failure of the told message.
    Failure(Failure),
}

impl<A: Actor> ActorLoop<A> {
    pub(crate) fn new(actor: A, ctx: Context<A>, kind: &'static context::Kind) -> Self {
        let tracker = Tracker::new(ctx.actor_ref().meta().origin.activity);
        ActorLoop {
            tracker,
            actor,
            ctx: Publishing { ctx, end: None },
            phase: Phase::New,
            context: 0,
            kind,
            outer: None,
            awaited_from_outside: false,
            on_task: false,
            last_hook: None,
        }
    }

    /// Fixes why the actor ended: the first reason stays.
    fn ended(&mut self, reason: impl FnOnce() -> StopReason) {
        if self.ctx.end.is_none() {
            self.ctx.end = Some(reason());
        }
    }

    /// The name for the actor's thread, coroutine or task: `TypeName-N`, with `N`
    /// counted across all actors of the process from 0 (as Pykka 4.4.1+ names threads).
    ///
    /// Made on each call and not kept: backends ask once, when they spawn, and those
    /// without names never pay for it (nor for keeping it in every idle actor).
    pub(crate) fn name(&self) -> String {
        let meta = self.ctx.actor_ref().meta();
        format!("{}-{}", meta.name, meta.id)
    }

    /// The reference of the actor this loop runs.
    pub(crate) fn actor_ref(&self) -> &ActorRef<A> {
        self.ctx.actor_ref()
    }

    fn label(&self) -> &str {
        self.ctx.actor_ref().meta().label()
    }

    fn enter(&mut self) {
        self.outer = mark(self.marks());
    }

    fn leave(&mut self) {
        unmark(&self.ctx.actor_ref().meta().origin, self.outer.take());
    }

    fn marks(&self) -> Marks<'_> {
        marks_of(&self.ctx, self.context, self.kind, &self.tracker)
    }

    /// The marks, the actor and its context, borrowed apart: for running a handler's
    /// or a hook's future inside the marks.
    fn split(&mut self) -> (Marks<'_>, &mut A, &Context<A>) {
        let marks = marks_of(&self.ctx, self.context, self.kind, &self.tracker);
        (marks, &mut self.actor, &self.ctx)
    }

    /// Runs `on_start`. `Break` means the actor failed to start and is already
    /// stopped.
    pub(crate) fn start(&mut self) -> ControlFlow<()> {
        self.starting();
        self.enter();
        let result = catch(|| block_on_handler(self.actor.on_start_async(&self.ctx)));
        self.leave();
        self.started(result)
    }

    /// [`start`](Self::start) for a loop that runs as a task: `on_start_async` is
    /// awaited, holding no thread while it is suspended.
    pub(crate) async fn start_async(&mut self) -> ControlFlow<()> {
        self.starting();
        let (marks, actor, ctx) = self.split();
        let result = drive_hook(marks, || actor.on_start_async(ctx)).await;
        self.started(result)
    }

    fn starting(&mut self) {
        assert_eq!(self.phase, Phase::New, "ActorLoop::start called twice");
        self.phase = Phase::Running;
        // A coroutine keeps its own id; anything else gets an id of the loop's own,
        // which stays right even if the backend moves the loop between threads.
        self.context = match self.kind.marks_thread {
            true => context::new_context_id(),
            false => self
                .kind
                .context_id()
                .unwrap_or_else(context::new_context_id),
        };
        if !self.kind.marks_thread {
            // A coroutine: its loop holds it for life, so its parker names the actor.
            self.tracker.mark_parker();
        }
        self.tracker.starting();
    }

    /// What `on_start` gave: `Break` if the actor failed to start (it is stopped).
    fn started(&mut self, result: Result<(), Failure>) -> ControlFlow<()> {
        match result {
            Ok(()) => {
                self.tracker.started();
                ControlFlow::Continue(())
            }
            Err(failure) => {
                self.ended(|| StopReason::StartFailed(failure.clone()));
                self.mark_failed_quietly(&failure);
                self.phase = Phase::Done;
                ControlFlow::Break(())
            }
        }
    }

    /// Handles one envelope. `Break` means the actor has stopped: drop the inbox now.
    pub(crate) fn handle(&mut self, envelope: Envelope<A>) -> ControlFlow<()> {
        if self.phase != Phase::Running {
            // A backend bug, or a message after the end: never run hooks again.
            return ControlFlow::Break(());
        }
        self.enter();
        let flow = self.dispatch_guarded(envelope.0);
        self.leave();
        if flow.is_break() {
            self.phase = Phase::Done;
        }
        flow
    }

    /// [`dispatch`](Self::dispatch), with a panic that escapes it (from code around the
    /// hooks: a logger, a value's `Drop`) caught, so that the loop's marks are always
    /// cleared by the caller and the panic never unwinds into the backend. Such a panic
    /// stops the actor as a failure would.
    fn dispatch_guarded(&mut self, msg: Msg<A>) -> ControlFlow<()> {
        if let Some(bound) = self.ctx.actor_ref().meta().bound() {
            // The envelope has left the inbox: its room is free (stops took none).
            if !matches!(msg, Msg::Stop(_)) {
                bound.give_back();
            }
        }
        self.guarded(|this| this.dispatch(msg))
    }

    /// Runs `step`, a panic escaping it (from code around the hooks: a logger, a
    /// value's `Drop`) stopping the actor as a failure would.
    fn guarded(&mut self, step: impl FnOnce(&mut Self) -> ControlFlow<()>) -> ControlFlow<()> {
        match catch_unwind(AssertUnwindSafe(|| step(self))) {
            Ok(flow) => flow,
            Err(payload) => {
                let failure = Failure::from_panic(payload);
                self.ended(|| StopReason::Failed(failure.clone()));
                self.mark_failed_quietly(&failure);
                ControlFlow::Break(())
            }
        }
    }

    /// [`mark_failed`](Self::mark_failed) for the paths where user code around the
    /// hooks (a logger) already panicked once: the actor ends up dead and unregistered
    /// even if logging panics again.
    fn mark_failed_quietly(&self, failure: &Failure) {
        if catch_unwind(AssertUnwindSafe(|| self.mark_failed(failure))).is_err() {
            let actor_ref = self.ctx.actor_ref();
            let _ = catch_unwind(AssertUnwindSafe(|| {
                self.ctx.registry().unregister(actor_ref)
            }));
            actor_ref.meta().alive.store(false, Ordering::Release);
        }
    }

    fn dispatch(&mut self, msg: Msg<A>) -> ControlFlow<()> {
        self.awaited_from_outside = false;
        self.tracker.begin(|| match msg {
            Msg::Tell(_) => MessageKind::Tell,
            Msg::Ask(..) => MessageKind::Ask,
            Msg::Call(_) => MessageKind::Call,
            Msg::Stop(_) => MessageKind::Stop,
        });
        let flow = self.dispatch_message(msg);
        if flow.is_continue() {
            self.tracker.end();
        }
        flow
    }

    #[inline(always)]
    fn dispatch_message(&mut self, msg: Msg<A>) -> ControlFlow<()> {
        match msg {
            // An async handler's future is driven right here: the loop holds its thread
            // or coroutine, which parks while the future is pending.
            Msg::Tell(message) => {
                let result =
                    catch(|| block_on_handler(self.actor.on_receive_async(message, &self.ctx)));
                self.received(result, None)
            }
            Msg::Ask(message, completer) => {
                let result =
                    catch(|| block_on_handler(self.actor.on_receive_async(message, &self.ctx)));
                self.received(result, Some(completer))
            }
            Msg::Call(call) => match call(&mut self.actor, &self.ctx) {
                Ok(outside) => {
                    self.awaited_from_outside = outside;
                    ControlFlow::Continue(())
                }
                Err(f) => self.fail(f),
            },
            Msg::Stop(completer) => {
                self.stop(completer);
                ControlFlow::Break(())
            }
        }
    }

    /// What `on_receive` (or `on_receive_async`) gave, for a tell (no completer) or an
    /// ask: a tell's failure stops the actor; an ask's goes to the asker.
    #[inline(always)]
    fn received(
        &mut self,
        result: Result<A::Reply, Failure>,
        completer: Option<Completer<A::Reply>>,
    ) -> ControlFlow<()> {
        let Some(completer) = completer else {
            return match result {
                Ok(_) => ControlFlow::Continue(()),
                Err(f) if f.is_unexpected_message() => ControlFlow::Continue(()),
                Err(f) => self.fail(f),
            };
        };
        if let Err(f) = &result {
            if !f.is_unexpected_message() {
                log_returned(self.label(), f);
            }
        }
        self.awaited_from_outside = completer.complete(result.map_err(AskError::Failed));
        ControlFlow::Continue(())
    }

    /// [`handle`](Self::handle) for a backend that polls the actor as a task, for every
    /// message of the actor's life: a told or asked message's handler is awaited, so
    /// that while an async handler ([`Actor::on_receive_async`]) waits, the task yields
    /// and holds no thread. The marks of "inside this actor" are set only while the
    /// handler is polled (another task may run on the thread between two polls).
    /// Everything else is `handle`. After [`BATCH`] messages in a row the task yields
    /// to the executor once, so that a busy actor does not starve the other tasks of
    /// its worker.
    ///
    /// One future for the actor's life, with each message's steps written inline: a
    /// future made per message (an `async fn` called for each) would be copied whole
    /// into this one at every message, which cost a quarter of a one-worker ring hop.
    pub(crate) async fn serve<I: RecvAsync<Envelope<A>>>(&mut self, inbox: &mut I) {
        self.on_task = true;
        let mut in_a_row = 0;
        while let Some(envelope) = inbox.recv_async(self.last_awaited_from_outside()).await {
            let flow = 'message: {
                let (message, completer) = match envelope.0 {
                    Msg::Tell(message) => (message, None),
                    Msg::Ask(message, completer) => (message, Some(completer)),
                    other => break 'message self.handle(Envelope(other)),
                };
                if self.phase != Phase::Running {
                    break 'message ControlFlow::Break(());
                }
                if let Some(bound) = self.ctx.actor_ref().meta().bound() {
                    bound.give_back();
                }
                self.awaited_from_outside = false;
                let asked = completer.is_some();
                self.tracker.begin(|| match asked {
                    true => MessageKind::Ask,
                    false => MessageKind::Tell,
                });
                // `on_receive_async` run to its end as a future, each of its polls (and
                // the call that makes it) inside the actor's marks, a panic in any of them
                // a failure. Made and polled once under one set of marks, with a no-op
                // waker: a synchronous handler (every default `on_receive_async`) is then
                // done, its marks still set for its result, as in `handle`.
                let (result, kept) = 'receive: {
                    let (marks, actor, ctx) = self.split();
                    let inside = Inside::enter(marks);
                    let made =
                        catch_unwind(AssertUnwindSafe(|| actor.on_receive_async(message, ctx)));
                    let handler = match made {
                        Ok(handler) => handler,
                        Err(payload) => {
                            break 'receive (
                                Err(Failure::from_panic(payload)),
                                Marked::Kept(inside.keep()),
                            );
                        }
                    };
                    // A task dropped while the handler awaits (a shutdown) drops it
                    // contained.
                    let mut slot = std::pin::pin!(Some(handler));
                    let mut handler = Pinned::new(slot.as_mut(), marks.origin);
                    let first = catch_unwind(AssertUnwindSafe(|| {
                        let mut noop = std::task::Context::from_waker(std::task::Waker::noop());
                        handler.poll(&mut noop)
                    }));
                    match first {
                        Ok(Poll::Ready(done)) => {
                            break 'receive (done, Marked::Kept(inside.keep()));
                        }
                        Ok(Poll::Pending) => drop(inside),
                        Err(payload) => {
                            break 'receive (
                                Err(Failure::from_panic(payload)),
                                Marked::Kept(inside.keep()),
                            );
                        }
                    }
                    // Suspended: polled again at once with the task's waker, in the await
                    // scope, so that what it awaits is published before the task yields.
                    let mut record = AwaitRecord::new(marks.activity);
                    let done = std::future::poll_fn(|cx| {
                        record.poll(|| {
                            let _inside = Inside::enter(marks);
                            match catch_unwind(AssertUnwindSafe(|| handler.poll(cx))) {
                                Ok(polled) => polled,
                                Err(payload) => Poll::Ready(Err(Failure::from_panic(payload))),
                            }
                        })
                    })
                    .await;
                    (done, Marked::Cleared)
                };
                match kept {
                    Marked::Kept(outer) => self.outer = outer,
                    Marked::Cleared => self.enter(),
                }
                let flow = self.guarded(|this| this.received(result, completer));
                if flow.is_continue() {
                    self.tracker.end();
                }
                self.leave();
                if flow.is_break() {
                    self.phase = Phase::Done;
                }
                flow
            };
            if flow.is_break() {
                break;
            }
            in_a_row += 1;
            if in_a_row == BATCH {
                in_a_row = 0;
                YieldNow(false).await;
            }
        }
    }

    /// Whether the last message handled was awaited by a sender from outside the
    /// actor's backend (see [`RecvBlocking::recv`](crate::rt::RecvBlocking::recv)).
    pub(crate) fn last_awaited_from_outside(&self) -> bool {
        self.awaited_from_outside
    }

    /// Pykka's `_handle_failure`: log, unregister, mark dead.
    fn mark_failed(&self, failure: &Failure) {
        log_unhandled(self.label(), failure);
        self.mark_dead();
    }

    fn mark_dead(&self) {
        let actor_ref = self.ctx.actor_ref();
        self.ctx.registry().unregister(actor_ref);
        actor_ref.meta().alive.store(false, Ordering::Release);
        actor_ref.meta().rare.timers.cancel_all();
    }

    /// A told message failed: the actor dies, then `on_failure` runs (on a task: is
    /// left for the task to await).
    fn fail(&mut self, failure: Failure) -> ControlFlow<()> {
        self.ended(|| StopReason::Failed(failure.clone()));
        self.mark_failed(&failure);
        self.tracker.stopping();
        if self.on_task {
            self.last_hook = Some(LastHook::Failure(failure));
        } else {
            let result =
                catch(|| block_on_handler(self.actor.on_failure_async(&failure, &self.ctx)));
            self.hook_ended(result);
        }
        ControlFlow::Break(())
    }

    /// A stop request: the actor dies, then `on_stop` runs (on a task: is left for
    /// the task to await), then the request is answered.
    fn stop(&mut self, completer: Option<Completer<bool>>) {
        self.ended(|| StopReason::Stopped);
        self.mark_dead();
        self.tracker.stopping();
        log::debug!(target: "pykka", "Stopped {}", self.label());
        if self.on_task {
            self.last_hook = Some(LastHook::Stop(completer));
            return;
        }
        let result = catch(|| block_on_handler(self.actor.on_stop_async(&self.ctx)));
        self.hook_ended(result);
        if let Some(c) = completer {
            c.complete(Ok(true));
        }
    }

    /// What `on_stop` or `on_failure` gave: a failure is logged.
    fn hook_ended(&mut self, result: Result<(), Failure>) {
        if let Err(f) = result {
            self.mark_failed(&f);
        }
    }

    /// On a task, after [`serve`](Self::serve): awaits the hook that the message that
    /// ended the actor left (see [`fail`](Self::fail), [`stop`](Self::stop)), then
    /// answers the stop request. (Not awaited inside `serve`: a second await point in
    /// its loop made every message's step slower.)
    pub(crate) async fn run_last_hook(&mut self) {
        let Some(hook) = self.last_hook.take() else {
            return;
        };
        let (marks, actor, ctx) = self.split();
        let (result, completer) = match hook {
            LastHook::Stop(completer) => (
                drive_hook(marks, || actor.on_stop_async(ctx)).await,
                completer,
            ),
            LastHook::Failure(failure) => (
                drive_hook(marks, || actor.on_failure_async(&failure, ctx)).await,
                None,
            ),
        };
        // A logger's panic stops nothing more: the actor is already dead.
        let _ = self.guarded(|this| {
            this.hook_ended(result);
            ControlFlow::Continue(())
        });
        if let Some(c) = completer {
            c.complete(Ok(true));
        }
    }

    /// Drives the whole loop for a backend with a blocking receive: start, then handle
    /// what `recv` returns until the actor stops or `recv` returns `None` (every sender
    /// gone); then drops `inbox` (closing it) and the loop, in that order.
    ///
    /// The calling thread or coroutine belongs to the loop until it ends: between two
    /// messages it stays marked as "inside this actor" (for the self-wait checks). So
    /// call it only where nothing else runs on that context meanwhile: on a thread of
    /// its own, or on a coroutine of a backend whose contexts have ids of their own
    /// ([`WaitContext::context_id`](crate::rt::context::WaitContext::context_id)). Executor tasks that share
    /// worker threads drive the loop with [`serve`](Self::serve).
    pub(crate) fn run_blocking<I>(
        mut self,
        mut inbox: I,
        mut recv: impl FnMut(&mut I, bool) -> Option<Envelope<A>>,
        mut next_queued: impl FnMut(&mut I) -> Option<Envelope<A>>,
    ) {
        if self.start().is_continue() {
            // The loop holds its thread (or coroutine) until it ends, so nothing else
            // runs there between two messages: the marks of "inside this actor" stay
            // set for the whole loop instead of being set and cleared per message.
            // (They cannot mislead anyone meanwhile: only code running inside this
            // loop has the loop's context id.)
            self.enter();
            while let Some(envelope) = recv(&mut inbox, self.awaited_from_outside) {
                let flow = self.dispatch_guarded(envelope.0);
                if flow.is_break() {
                    self.phase = Phase::Done;
                    break;
                }
            }
            self.leave();
        }
        self.drop_queued(|| next_queued(&mut inbox));
        drop(Ending::new(inbox, self));
    }

    /// At the loop's end, before the inbox closes: drops what is still queued (as the
    /// closing would: asks fail, stop requests answer), one message at a time, so that
    /// a panic in one message's drop is logged and the next is still dropped (the
    /// inbox's own drop would drop them all in one go, and a second panic there would
    /// abort the process); reports it at DEBUG.
    pub(crate) fn drop_queued(&self, mut next: impl FnMut() -> Option<Envelope<A>>) {
        let mut dropped = Dropped::default();
        while let Some(Envelope(msg)) = next() {
            match msg {
                Msg::Tell(_) => dropped.tells += 1,
                Msg::Ask(..) => dropped.asks += 1,
                Msg::Call(_) => dropped.calls += 1,
                Msg::Stop(_) => {}
            }
            contained(self.label(), move || drop(msg));
        }
        if !log::log_enabled!(target: "pykka", log::Level::Debug) {
            return;
        }
        if let Some((total, kinds)) = dropped.describe() {
            // A logger is user code too.
            contained(self.label(), || {
                log::debug!(target: "pykka", "Dropped {total} of {}: {kinds}", self.label());
            });
        }
    }
}

impl<A: Actor> Drop for ActorLoop<A> {
    fn drop(&mut self) {
        // A panicking logger must not skip the end's publication (its waiters would
        // wait for ever): that is done by `ctx`'s drop, after the actor's.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            if self.phase != Phase::Done && self.ctx.actor_ref().is_alive() {
                self.mark_dead();
                log::debug!(target: "pykka", "Stopped {} (its loop ended without a stop)", self.label());
            }
        }));
    }
}

/// The actor's context, and why the actor ended (fixed when it died): dropped after
/// the actor, it publishes the end once everything of the actor's life is over (its
/// last hook ran, its inbox is closed, the actor value itself is dropped), to its
/// watchers and to whoever waits for `stopped()`; the actor's own watches end with it.
struct Publishing<A: Actor> {
    ctx: Context<A>,
    end: Option<StopReason>,
}

impl<A: Actor> std::ops::Deref for Publishing<A> {
    type Target = Context<A>;
    fn deref(&self) -> &Context<A> {
        &self.ctx
    }
}

impl<A: Actor> Drop for Publishing<A> {
    fn drop(&mut self) {
        let ctx = &self.ctx;
        if let Some(bound) = ctx.actor_ref().meta().bound() {
            // Senders waiting for room learn that the actor is dead.
            bound.close();
        }
        // A panicking logger cannot unwind out of a drop: the waiters left then are
        // failed by their completers' drops.
        let reason = self.end.take().unwrap_or(StopReason::Abandoned);
        let _ = catch_unwind(AssertUnwindSafe(|| {
            ctx.watching().end_all();
            let actor_ref = ctx.actor_ref();
            actor_ref
                .meta()
                .rare
                .death
                .publish(reason, || AnyActorRef::from(actor_ref));
        }));
    }
}

fn marks_of<'a, A: Actor>(
    ctx: &'a Context<A>,
    context: u64,
    kind: &'static context::Kind,
    tracker: &Tracker,
) -> Marks<'a> {
    Marks {
        origin: &ctx.actor_ref().meta().origin,
        context,
        kind,
        activity: tracker.activity(),
    }
}

/// Whether an async handler's marks are still set when its result is handled.
enum Marked {
    /// Still set (the handler ended in its first poll, or panicked in it), with what
    /// clearing them needs.
    Kept(Option<context::Outer>),
    /// Cleared by the handler's last poll (it was suspended): set them again.
    Cleared,
}

impl<A: Actor> fmt::Debug for ActorLoop<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActorLoop")
            .field("name", &self.name())
            .field("phase", &self.phase)
            .finish_non_exhaustive()
    }
}

/// The messages an actor's end left unhandled, by kind (stop requests are answered,
/// not dropped).
#[derive(Debug, Default)]
struct Dropped {
    tells: usize,
    asks: usize,
    calls: usize,
}

impl Dropped {
    /// `("3 queued messages", "2 tells, 1 call")`, or `None` if nothing was dropped.
    fn describe(&self) -> Option<(String, String)> {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let total = self.tells + self.asks + self.calls;
        let kinds: Vec<_> = [
            (self.tells, "tell"),
            (self.asks, "ask"),
            (self.calls, "call"),
        ]
        .into_iter()
        .filter(|&(n, _)| n > 0)
        .map(|(n, word)| plural(n, word))
        .collect();
        (total > 0).then(|| (plural(total, "queued message"), kinds.join(", ")))
    }
}

#[cfg(test)]
mod dropped_tests {
    use super::Dropped;

    #[test]
    fn dropped_messages_are_counted_by_kind() {
        assert_eq!(Dropped::default().describe(), None);
        let one = Dropped {
            tells: 0,
            asks: 1,
            calls: 0,
        };
        let pair = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(one.describe(), pair("1 queued message", "1 ask"));
        let some = Dropped {
            tells: 2,
            asks: 0,
            calls: 1,
        };
        assert_eq!(
            some.describe(),
            pair("3 queued messages", "2 tells, 1 call")
        );
    }
}
