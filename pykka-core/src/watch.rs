//! Death watch: why an actor ended ([`StopReason`]), who waits for that
//! ([`ActorRef::stopped`](crate::ActorRef::stopped)), and actors that watch other
//! actors ([`Context::watch`](crate::Context::watch), [`Ended`]).
//!
//! Every actor keeps its end in one place, its [`Death`]: the reason once the actor's
//! loop has ended, and until then the watchers and the waiting replies. Taking the
//! end, adding a watcher and removing one all happen under that one lock, so a watch
//! that races with the actor's end is either in the list when the end is published
//! (and notified then) or sees the end already there (and is notified at once): never
//! both, never neither.

use std::error::Error as StdError;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use crate::actor_loop::{Msg, catch};
use crate::actor_ref::{Cell, Origin};
use crate::bounded::Room;
use crate::error::{ActorDeadError, AskError, DeadKind};
use crate::reply::Completer;
use crate::{Actor, ActorRef, AnyActorRef, Failure, Reply};

/// Why an actor ended: what [`ActorRef::stopped`](crate::ActorRef::stopped) resolves
/// to and what an [`Ended`] notification carries.
///
/// The reason is fixed when the actor dies; what its `on_stop` or `on_failure` does
/// afterwards does not change it (a failing `on_stop` is logged at ERROR, and the
/// reason stays [`Stopped`](StopReason::Stopped): the stop was asked for).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StopReason {
    /// A stop request was handled ([`ActorRef::stop`](crate::ActorRef::stop),
    /// [`Context::stop`](crate::Context::stop), a registry's `stop_all`).
    Stopped,
    /// A told message or a deferred proxy call failed (or panicked), or the actor's
    /// `on_watched_stopped` did: the [`Failure`], with its message.
    Failed(Failure),
    /// `on_start` failed (or panicked): the actor never handled a message.
    StartFailed(Failure),
    /// The actor's loop ended without a stop: its backend could not start it, or
    /// dropped it unfinished (an executor shut down).
    Abandoned,
}

impl StopReason {
    /// Whether the actor ended because it was asked to stop (OTP's `normal`).
    pub fn is_normal(&self) -> bool {
        matches!(self, StopReason::Stopped)
    }

    /// The failure that ended the actor, if one did.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            StopReason::Failed(f) | StopReason::StartFailed(f) => Some(f),
            StopReason::Stopped | StopReason::Abandoned => None,
        }
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::Stopped => f.write_str("stopped"),
            StopReason::Failed(failure) => write!(f, "failed: {failure}"),
            StopReason::StartFailed(failure) => write!(f, "failed to start: {failure}"),
            StopReason::Abandoned => f.write_str("abandoned (its loop ended without a stop)"),
        }
    }
}

/// One watch of one actor by another, as [`Context::watch`](crate::Context::watch)
/// returns it: pass it to [`Context::unwatch`](crate::Context::unwatch), or find it in
/// [`Ended::watch_id`] to tell several watches apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WatchId(pub(crate) u64);

/// A watch that cannot be set up.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WatchError {
    /// An actor cannot watch itself: its notification would arrive after its own end,
    /// when nothing handles it any more. The actor's label is inside.
    OwnActor(Arc<str>),
}

impl fmt::Display for WatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WatchError::OwnActor(label) => write!(f, "{label} cannot watch itself"),
        }
    }
}

impl StdError for WatchError {}

/// The notification of a watched actor's end, as
/// [`Actor::on_watched_stopped`](crate::Actor::on_watched_stopped) gets it (Erlang's
/// `'DOWN'` message, Akka's `Terminated`).
#[derive(Debug, Clone)]
pub struct Ended {
    watch: WatchId,
    actor: AnyActorRef,
    reason: StopReason,
}

impl Ended {
    /// The watch that this notification ends.
    pub fn watch_id(&self) -> WatchId {
        self.watch
    }

    /// The actor that ended (dead now: for comparing, naming and downcasting).
    pub fn actor(&self) -> &AnyActorRef {
        &self.actor
    }

    /// The ended actor's URN.
    pub fn urn(&self) -> &str {
        self.actor.urn()
    }

    /// The ended actor's name ([`Actor::name`](crate::Actor::name)).
    pub fn name(&self) -> &'static str {
        self.actor.actor_name()
    }

    /// Why it ended.
    pub fn reason(&self) -> &StopReason {
        &self.reason
    }
}

impl fmt::Display for Ended {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.actor, self.reason)
    }
}

/// Delivers one notification to a watcher (a closure over a weak reference to it).
pub(crate) type Notify = Box<dyn FnOnce(Ended) + Send>;

/// A watcher of an actor, in the actor's [`Death`].
struct Watcher {
    id: u64,
    notify: Notify,
}

#[derive(Default)]
struct DeathState {
    /// Set when the end begins to be published: later watches are refused.
    end: Option<StopReason>,
    /// Set once every watcher is notified: only then does a `stopped()` reply resolve
    /// at once (its promise: every notification is queued by then).
    published: bool,
    watchers: Vec<Watcher>,
    waiters: Vec<Completer<StopReason>>,
}

/// An actor's end: its reason once published, and until then its watchers and the
/// replies of [`ActorRef::stopped`](crate::ActorRef::stopped). Empty vectors, so an
/// actor nobody watches pays no allocation for it.
#[derive(Default)]
pub(crate) struct Death {
    state: Mutex<DeathState>,
}

impl Death {
    fn lock(&self) -> MutexGuard<'_, DeathState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A reply that resolves to the actor's end reason: at once if the actor's end is
    /// already published.
    pub(crate) fn stopped(&self, origin: &Arc<Origin>) -> Reply<StopReason> {
        let mut state = self.lock();
        if let (true, Some(reason)) = (state.published, &state.end) {
            return Reply::ready(Ok(reason.clone()));
        }
        let (reply, completer) = Completer::pair_with(
            origin.clone(),
            // Only if the actor's state went away unpublished, which its loop prevents.
            |label| {
                Err(AskError::Dead(ActorDeadError::new(
                    label.clone(),
                    DeadKind::NotFound,
                )))
            },
            false,
        );
        // Replies given up on (dropped after a timeout, say) are not kept until the
        // end: a long-lived actor polled this way would otherwise collect them.
        state.waiters.retain(|waiter| !waiter.is_abandoned());
        state.waiters.push(completer);
        reply
    }

    /// Adds a watcher, unless the end is already published: then the watcher comes
    /// back with the reason, to be notified at once.
    fn add(&self, id: u64, notify: Notify) -> Result<(), (StopReason, Notify)> {
        let mut state = self.lock();
        match &state.end {
            Some(reason) => Err((reason.clone(), notify)),
            None => {
                state.watchers.push(Watcher { id, notify });
                Ok(())
            }
        }
    }

    /// Removes a watcher; whether it was there (not yet notified).
    pub(crate) fn remove(&self, id: u64) -> bool {
        let removed = {
            let mut state = self.lock();
            let at = state.watchers.iter().position(|w| w.id == id);
            at.map(|i| state.watchers.swap_remove(i))
        };
        // The watcher's closure is dropped outside the lock.
        removed.is_some()
    }

    /// Publishes the actor's end (the first call wins; later ones do nothing):
    /// notifies every watcher, then completes every waiting reply, outside the lock.
    /// `actor` makes the reference that notifications carry, only if one is due.
    pub(crate) fn publish(&self, reason: StopReason, actor: impl FnOnce() -> AnyActorRef) {
        let watchers = {
            let mut state = self.lock();
            if state.end.is_some() {
                return;
            }
            state.end = Some(reason.clone());
            std::mem::take(&mut state.watchers)
        };
        // Watchers first: once a waiter sees the end, every notification is queued.
        // A `stopped()` asked meanwhile waits (the end is not `published` yet). The
        // waiters are completed after the notifications, even if one panics.
        let _then = CompleteWaiters {
            death: self,
            reason: &reason,
        };
        if !watchers.is_empty() {
            let actor = actor();
            for Watcher { id, notify } in watchers {
                notify(Ended {
                    watch: WatchId(id),
                    actor: actor.clone(),
                    reason: reason.clone(),
                });
            }
        }
    }
}

/// Marks an end published and completes the `stopped()` replies waiting for it, when
/// dropped (at the end of [`Death::publish`], or in an unwind from it).
struct CompleteWaiters<'a> {
    death: &'a Death,
    reason: &'a StopReason,
}

impl Drop for CompleteWaiters<'_> {
    fn drop(&mut self) {
        let waiters = {
            let mut state = self.death.lock();
            state.published = true;
            std::mem::take(&mut state.waiters)
        };
        for waiter in waiters {
            waiter.complete(Ok(self.reason.clone()));
        }
    }
}

/// The watches an actor holds on others: the watch ids with their watched actors,
/// kept in its [`Context`](crate::Context).
#[derive(Default)]
pub(crate) struct Watching {
    watches: Mutex<Vec<(u64, AnyActorRef)>>,
}

impl Watching {
    fn lock(&self) -> MutexGuard<'_, Vec<(u64, AnyActorRef)>> {
        self.watches.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the watch out; `None` if it was unwatched (or already notified).
    fn take(&self, id: u64) -> Option<AnyActorRef> {
        let mut watches = self.lock();
        let at = watches.iter().position(|(w, _)| *w == id)?;
        Some(watches.swap_remove(at).1)
    }

    /// `watcher` watches `target` from now on. The watch is recorded here before the
    /// target can notify: the notification runs in the watcher's own context, after
    /// the hook that called this.
    pub(crate) fn watch<W: Actor>(&self, watcher: &ActorRef<W>, target: AnyActorRef) -> WatchId {
        static NEXT_WATCH: AtomicU64 = AtomicU64::new(1);
        let id = NEXT_WATCH.fetch_add(1, Ordering::Relaxed);
        self.lock().push((id, target.clone()));
        log::debug!(target: "pykka", "{watcher} watches {target}");
        let weak = Arc::downgrade(&watcher.cell);
        let notify: Notify = Box::new(move |ended| deliver(&weak, ended));
        if let Err((reason, notify)) = target.meta().rare.death.add(id, notify) {
            // Already dead: Erlang's `noproc`, notified at once.
            notify(Ended {
                watch: WatchId(id),
                actor: target,
                reason,
            });
        }
        WatchId(id)
    }

    /// Ends a watch; whether it was still on (no notification will be handled for it).
    pub(crate) fn unwatch<W: Actor>(&self, watcher: &ActorRef<W>, id: WatchId) -> bool {
        let Some(target) = self.take(id.0) else {
            return false;
        };
        target.meta().rare.death.remove(id.0);
        log::debug!(target: "pykka", "{watcher} no longer watches {target}");
        true
    }

    /// At the watcher's end: leaves every watched actor's list.
    pub(crate) fn end_all(&self) {
        let watches = std::mem::take(&mut *self.lock());
        for (id, target) in watches {
            target.meta().rare.death.remove(id);
        }
    }

    /// Whether the watch is still on, taking it off: a notification is handled once,
    /// and not at all after an `unwatch`.
    fn settle(&self, id: WatchId) -> bool {
        self.take(id.0).is_some()
    }
}

/// Queues the notification in the watcher's inbox, where
/// [`Actor::on_watched_stopped`](crate::Actor::on_watched_stopped) handles it in the
/// watcher's own context. A watcher that is gone or dead is skipped silently.
fn deliver<W: Actor>(watcher: &Weak<Cell<W>>, ended: Ended) {
    let Some(cell) = watcher.upgrade() else {
        return;
    };
    let watcher = ActorRef::from_cell(cell);
    if !watcher.is_alive() {
        return;
    }
    let shown = log::log_enabled!(target: "pykka", log::Level::Debug)
        .then(|| format!("Notifying {watcher} that {ended}"));
    let call = Box::new(move |actor: &mut W, ctx: &crate::Context<W>| {
        if !ctx.watching().settle(ended.watch) {
            return Ok(false);
        }
        catch(|| actor.on_watched_stopped(&ended, ctx)).map(|()| false)
    });
    // Never waits (it runs where an actor ends): over the capacity of a full inbox.
    if watcher.send(Msg::Call(call), Room::Force).is_ok() {
        if let Some(shown) = shown {
            log::debug!(target: "pykka", "{shown}");
        }
    }
}

impl fmt::Debug for Death {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Death")
            .field("end", &state.end)
            .field("watchers", &state.watchers.len())
            .field("waiters", &state.waiters.len())
            .finish()
    }
}

impl fmt::Debug for Watching {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watching")
            .field("watches", &self.lock().len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{Death, Notify};
    use crate::test_refs::unstarted;
    use crate::{Actor, AnyActorRef, StopReason};

    struct Sink;
    impl Actor for Sink {
        type Message = ();
        type Reply = ();
    }

    #[test]
    fn the_first_end_wins_and_later_waiters_see_it_at_once() {
        let (actor_ref, _inbox) = unstarted::<Sink>();
        let early = actor_ref.stopped();
        assert!(!early.is_ready());
        let death = &actor_ref.meta().rare.death;
        death.publish(StopReason::Stopped, || AnyActorRef::from(&actor_ref));
        death.publish(StopReason::Abandoned, || unreachable!("published twice"));
        assert!(early.get().unwrap().is_normal());
        let late = actor_ref.stopped();
        assert!(late.is_ready());
        assert!(late.get().unwrap().is_normal());
    }

    #[test]
    fn dropped_stopped_replies_are_not_kept() {
        let (actor_ref, _inbox) = unstarted::<Sink>();
        for _ in 0..10 {
            drop(actor_ref.stopped());
        }
        let kept = actor_ref.stopped();
        assert_eq!(actor_ref.meta().rare.death.lock().waiters.len(), 1);
        let death = &actor_ref.meta().rare.death;
        death.publish(StopReason::Stopped, || AnyActorRef::from(&actor_ref));
        assert!(kept.get().unwrap().is_normal());
    }

    #[test]
    fn a_stopped_reply_asked_while_watchers_are_notified_waits_for_them() {
        // The end's promise: whoever sees it (a `stopped()` reply resolved) finds every
        // watcher's notification queued. A `stopped()` asked on another thread while
        // the notifications are being sent must not resolve before they are.
        let (actor_ref, _inbox) = unstarted::<Sink>();
        let death = &actor_ref.meta().rare.death;
        let during = std::sync::Arc::new(std::sync::Mutex::new(None));
        let (probe, seen) = (actor_ref.clone(), during.clone());
        let notify: Notify = Box::new(move |_| {
            let reply = probe.stopped();
            *seen.lock().unwrap() = Some(reply.is_ready());
        });
        assert!(death.add(1, notify).is_ok());
        death.publish(StopReason::Stopped, || AnyActorRef::from(&actor_ref));
        assert_eq!(
            *during.lock().unwrap(),
            Some(false),
            "resolved while a notification was still being sent"
        );
        assert!(actor_ref.stopped().get().unwrap().is_normal());
    }

    #[test]
    fn watchers_are_removed_once_and_refused_after_the_end() {
        let death = Death::default();
        let noop: Notify = Box::new(|_| {});
        assert!(death.add(1, noop).is_ok());
        assert!(death.remove(1));
        assert!(!death.remove(1));
        death.publish(StopReason::Abandoned, || unreachable!("no watcher left"));
        let Err((reason, _notify)) = death.add(2, Box::new(|_| {})) else {
            panic!("a watch after the end must be notified at once");
        };
        assert!(matches!(reason, StopReason::Abandoned));
        assert_eq!(
            format!("{death:?}"),
            "Death { end: Some(Abandoned), watchers: 0, waiters: 0 }"
        );
    }
}
