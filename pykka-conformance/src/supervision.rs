//! Supervision (issue 13): an actor's end and why ([`ActorRef::stopped`],
//! [`StopReason`]), and death watch ([`Context::watch`], `unwatch`,
//! [`Actor::on_watched_stopped`]), including the races of a watch with the end.
//!
//! Not a port of a Pykka file: Pykka has no supervision (Pykka #42, #70). The rules
//! follow Erlang's monitors and Akka's death watch: one notification per watch, at
//! once for an actor already dead (`noproc`), none after an `unwatch`, none for a
//! watcher that is itself dead.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use log::Level;

use crate::support::{Cmd, Events, Fault, Faults, Fixture, Probe, TIMEOUT, log_capture};
use pykka_core::{
    Actor, ActorRef, AnyActorRef, AskError, Context, Ended, Event, Failure, Runtime, StopReason,
    WatchError, WatchId,
};

/// The notifications a [`Watcher`] handled, in order.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    inner: Arc<(Mutex<Vec<Ended>>, Condvar)>,
}

impl Notes {
    /// No notifications yet.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn push(&self, ended: &Ended) {
        let (list, changed) = &*self.inner;
        list.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(ended.clone());
        changed.notify_all();
    }

    /// Every notification handled so far.
    pub fn all(&self) -> Vec<Ended> {
        self.inner
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits (at most [`TIMEOUT`]) until `n` notifications were handled; fails the
    /// case otherwise.
    pub fn wait_for(&self, n: usize) -> Vec<Ended> {
        let deadline = Instant::now() + TIMEOUT;
        let (list, changed) = &*self.inner;
        let mut seen = list.lock().unwrap_or_else(|e| e.into_inner());
        while seen.len() < n {
            let now = Instant::now();
            assert!(
                now < deadline,
                "timed out waiting for {n} notifications: {seen:?}"
            );
            seen = changed
                .wait_timeout(seen, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        seen.clone()
    }
}

/// What a [`Watcher`] is asked to do.
#[derive(Debug)]
pub enum WatchCmd {
    /// Watches the actor; answers [`Answer::Watched`].
    Watch(AnyActorRef),
    /// Unwatches; answers [`Answer::Unwatched`].
    Unwatch(WatchId),
    /// Waits (bounded by [`TIMEOUT`]) for the event, then unwatches; answers
    /// [`Answer::Unwatched`].
    UnwatchAfter(Event, WatchId),
    /// Answers [`Answer::Pong`]: everything queued before it was handled.
    Ping,
}

/// What a [`Watcher`] answers.
#[derive(Debug)]
pub enum Answer {
    /// What `ctx.watch` returned.
    Watched(Result<WatchId, WatchError>),
    /// What `ctx.unwatch` returned.
    Unwatched(bool),
    /// The answer to [`WatchCmd::Ping`].
    Pong,
}

impl Answer {
    /// The watch id, failing the case for anything else.
    pub fn watch_id(self) -> WatchId {
        match self {
            Answer::Watched(Ok(id)) => id,
            other => panic!("expected a watch, got {other:?}"),
        }
    }

    /// What `unwatch` said, failing the case for anything else.
    pub fn unwatched(self) -> bool {
        match self {
            Answer::Unwatched(on) => on,
            other => panic!("expected an unwatch, got {other:?}"),
        }
    }
}

/// An actor that watches others on request and records what it is told of them.
#[derive(Debug, Default)]
pub struct Watcher {
    notes: Notes,
    /// `on_watched_stopped` fails with this message.
    fail_with: Option<&'static str>,
}

impl Watcher {
    /// A watcher recording into `notes`.
    pub fn new(notes: &Notes) -> Self {
        Watcher {
            notes: notes.clone(),
            fail_with: None,
        }
    }
}

impl Actor for Watcher {
    awaiting_handler!();

    type Message = WatchCmd;
    type Reply = Answer;

    fn on_receive(&mut self, message: WatchCmd, ctx: &Context<Self>) -> Result<Answer, Failure> {
        Ok(match message {
            WatchCmd::Watch(other) => Answer::Watched(ctx.watch(other)),
            WatchCmd::Unwatch(id) => Answer::Unwatched(ctx.unwatch(id)),
            WatchCmd::UnwatchAfter(event, id) => {
                if !event.wait_timeout(TIMEOUT) {
                    return Err(Failure::msg("the case never released the watcher"));
                }
                Answer::Unwatched(ctx.unwatch(id))
            }
            WatchCmd::Ping => Answer::Pong,
        })
    }

    fn on_watched_stopped(&mut self, ended: &Ended, _: &Context<Self>) -> Result<(), Failure> {
        self.notes.push(ended);
        match self.fail_with {
            Some(message) => Err(Failure::msg(message)),
            None => Ok(()),
        }
    }
}

fn watch<A: Actor>(watcher: &ActorRef<Watcher>, other: &ActorRef<A>) -> WatchId {
    watcher
        .ask_timeout(WatchCmd::Watch(other.into()), TIMEOUT)
        .unwrap()
        .watch_id()
}

fn ping(watcher: &ActorRef<Watcher>) {
    assert!(matches!(
        watcher.ask_timeout(WatchCmd::Ping, TIMEOUT),
        Ok(Answer::Pong)
    ));
}

fn reason_of<A: Actor>(actor: &ActorRef<A>) -> StopReason {
    actor.stopped().get_timeout(TIMEOUT).unwrap()
}

fn failed_with(reason: &StopReason, message: &str) -> bool {
    matches!(reason, StopReason::Failed(f) if f.to_string() == message)
}

/// `stopped()` resolves with why the actor ended: a stop, a told failure, a panic, a
/// failing `on_start`; at once (and repeatably) once the actor has ended.
pub fn stopped_resolves_with_the_reason_of_each_end<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let stopped = fx.start(Probe::new(&Events::new()));
    let pending = stopped.stopped();
    assert!(!pending.is_ready());
    assert!(stopped.stop());
    assert!(pending.get_timeout(TIMEOUT).unwrap().is_normal());

    let failing = fx.start(Probe::new(&Events::new()));
    let pending = AnyActorRef::from(&failing).stopped();
    failing.tell(Cmd::Fail).unwrap();
    let reason = pending.get_timeout(TIMEOUT).unwrap();
    assert!(failed_with(&reason, "foo"), "{reason:?}");
    assert_eq!(reason.to_string(), "failed: foo");

    let panicking = fx.start(Probe::new(&Events::new()));
    panicking.tell(Cmd::Panic).unwrap();
    let reason = reason_of(&panicking);
    assert!(failed_with(&reason, "panicked: boom"), "{reason:?}");

    let faults = Faults {
        on_start: Some(Fault::Error),
        ..Faults::default()
    };
    let never = fx.start(Probe::with_faults(&Events::new(), faults));
    let reason = reason_of(&never);
    assert!(
        matches!(&reason, StopReason::StartFailed(f) if f.to_string() == "on_start failed"),
        "{reason:?}"
    );
    assert_eq!(
        reason.failure().map(ToString::to_string).as_deref(),
        Some("on_start failed")
    );

    // Already dead: ready at once, every time.
    for _ in 0..2 {
        let again = stopped.stopped();
        assert!(again.is_ready());
        assert!(again.get().unwrap().is_normal());
    }
}

/// A failing `on_stop` leaves the reason a normal stop (the stop was asked for).
pub fn stop_reason_stays_normal_when_on_stop_fails<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let faults = Faults {
        on_stop: Some(Fault::Error),
        ..Faults::default()
    };
    let actor = fx.start(Probe::with_faults(&Events::new(), faults));
    assert_eq!(actor.stop_timeout(TIMEOUT), Ok(true));
    assert!(reason_of(&actor).is_normal());
}

/// An actor waiting for its own end gets a deadlock error, not a hang.
pub fn waiting_for_own_end_is_a_deadlock_error<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let answer = actor
        .ask_timeout(
            Cmd::Run(Box::new(|ctx| {
                format!("{:?}", ctx.actor_ref().stopped().get_timeout(TIMEOUT))
            })),
            TIMEOUT,
        )
        .unwrap();
    assert!(answer.starts_with("Err(Deadlock("), "{answer}");
}

/// A watcher hears once of the watched actor's end, with its URN, name and reason,
/// for a stop, a failure and a failing `on_start`.
pub fn watcher_is_notified_once_with_urn_name_and_reason<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let notes = Notes::new();
    let watcher = fx.start(Watcher::new(&notes));

    let stopped = fx.start(Probe::new(&Events::new()));
    let failing = fx.start(Probe::new(&Events::new()));
    let ids = [watch(&watcher, &stopped), watch(&watcher, &failing)];
    assert_ne!(ids[0], ids[1]);
    stopped.stop();
    let seen = notes.wait_for(1);
    assert_eq!(seen[0].watch_id(), ids[0]);
    assert_eq!(seen[0].urn(), stopped.urn());
    assert_eq!(seen[0].name(), "Probe");
    assert!(seen[0].reason().is_normal());
    assert_eq!(seen[0].actor(), &AnyActorRef::from(&stopped));
    failing.tell(Cmd::Fail).unwrap();
    let seen = notes.wait_for(2);
    assert_eq!(seen[1].watch_id(), ids[1]);
    assert_eq!(seen[1].urn(), failing.urn());
    assert!(failed_with(seen[1].reason(), "foo"), "{seen:?}");

    // An actor whose on_start fails, watched while it starts or already dead.
    let faults = Faults {
        on_start: Some(Fault::Panic),
        ..Faults::default()
    };
    let never = fx.start(Probe::with_faults(&Events::new(), faults));
    let id = watch(&watcher, &never);
    let seen = notes.wait_for(3);
    assert_eq!(seen[2].watch_id(), id);
    assert!(
        matches!(seen[2].reason(), StopReason::StartFailed(f) if f.is_panic()),
        "{seen:?}"
    );
    ping(&watcher);
    assert_eq!(notes.all().len(), 3, "a watch was notified twice");
}

/// Watching an actor that has already ended notifies at once (`noproc`); two watches
/// of one actor are notified once each.
pub fn watching_a_dead_actor_notifies_at_once<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let notes = Notes::new();
    let watcher = fx.start(Watcher::new(&notes));
    let dead = fx.start(Probe::new(&Events::new()));
    dead.stop();
    reason_of(&dead);
    let first = watch(&watcher, &dead);
    let second = watch(&watcher, &dead);
    let seen = notes.wait_for(2);
    let mut ids: Vec<_> = seen.iter().map(Ended::watch_id).collect();
    ids.sort();
    let mut expected = vec![first, second];
    expected.sort();
    assert_eq!(ids, expected);
    assert!(seen.iter().all(|e| e.reason().is_normal()));
    ping(&watcher);
    assert_eq!(notes.all().len(), 2);
    // Notified watches are over.
    assert!(
        !watcher
            .ask_timeout(WatchCmd::Unwatch(first), TIMEOUT)
            .unwrap()
            .unwatched()
    );
}

/// An actor cannot watch itself: a clear error, and it keeps running.
pub fn watching_itself_is_an_error<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let watcher = fx.start(Watcher::new(&Notes::new()));
    let answer = watcher
        .ask_timeout(WatchCmd::Watch((&watcher).into()), TIMEOUT)
        .unwrap();
    match answer {
        Answer::Watched(Err(WatchError::OwnActor(label))) => {
            assert_eq!(&*label, watcher.to_string());
        }
        other => panic!("{other:?}"),
    }
    ping(&watcher);
}

/// After `unwatch`, no notification comes: neither for an end after it, nor for one
/// already queued in the watcher's inbox when it ran.
pub fn unwatch_drops_the_notification_even_if_queued<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let notes = Notes::new();
    let watcher = fx.start(Watcher::new(&notes));

    let later = fx.start(Probe::new(&Events::new()));
    let id = watch(&watcher, &later);
    assert!(
        watcher
            .ask_timeout(WatchCmd::Unwatch(id), TIMEOUT)
            .unwrap()
            .unwatched()
    );
    assert!(
        !watcher
            .ask_timeout(WatchCmd::Unwatch(id), TIMEOUT)
            .unwrap()
            .unwatched()
    );
    later.stop();
    reason_of(&later);

    let queued = fx.start(Probe::new(&Events::new()));
    let id = watch(&watcher, &queued);
    let release = Event::new();
    let unwatched = watcher.ask_nonblocking(WatchCmd::UnwatchAfter(release.clone(), id));
    queued.stop();
    // Once `stopped()` resolves, the notification is queued behind the busy watcher.
    reason_of(&queued);
    release.set();
    assert!(unwatched.take_timeout(TIMEOUT).unwrap().unwatched());
    ping(&watcher);
    assert!(notes.all().is_empty(), "{:?}", notes.all());
}

/// A watcher that has ended is skipped silently when the watched actor ends; the
/// watched actor ends normally.
pub fn dead_watcher_is_skipped_silently<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let notes = Notes::new();
    let watcher = fx.start(Watcher::new(&notes));
    let watched = fx.start(Probe::new(&Events::new()));
    watch(&watcher, &watched);
    watcher.stop();
    reason_of(&watcher);
    watched.tell(Cmd::Fail).unwrap();
    assert!(failed_with(&reason_of(&watched), "foo"));
    assert!(notes.all().is_empty());
}

/// A failing `on_watched_stopped` fails the watcher, as a told message would.
pub fn failing_on_watched_stopped_fails_the_watcher<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let notes = Notes::new();
    let watcher = fx.start(Watcher {
        notes: notes.clone(),
        fail_with: Some("cannot live without it"),
    });
    let watched = fx.start(Probe::new(&Events::new()));
    watch(&watcher, &watched);
    watched.stop();
    let reason = reason_of(&watcher);
    assert!(failed_with(&reason, "cannot live without it"), "{reason:?}");
    assert_eq!(notes.all().len(), 1);
}

/// The race of a watch with the watched actor's end: whichever comes first, the
/// watcher is notified exactly once.
pub fn watch_racing_with_the_end_notifies_exactly_once<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let notes = Notes::new();
    let watcher = fx.start(Watcher::new(&notes));
    const ROUNDS: usize = 100;
    for round in 0..ROUNDS {
        let target = fx.start(Probe::new(&Events::new()));
        let stopper = {
            let target = target.clone();
            std::thread::spawn(move || target.stop_nonblocking())
        };
        let id = watch(&watcher, &target);
        let seen = notes.wait_for(round + 1);
        assert_eq!(seen[round].watch_id(), id);
        assert!(seen[round].reason().is_normal());
        drop(stopper.join().unwrap());
    }
    ping(&watcher);
    assert_eq!(notes.all().len(), ROUNDS, "a watch was notified twice");
}

/// Watches and notifications are logged at DEBUG, naming the watcher first.
pub fn watch_and_notify_are_logged_at_debug<R: Runtime>(rt: R) {
    let logs = log_capture();
    let fx = Fixture::new(rt);
    let notes = Notes::new();
    let watcher = fx.start(Watcher::new(&notes));
    let watched = fx.start(Probe::new(&Events::new()));
    watch(&watcher, &watched);
    watched.stop();
    notes.wait_for(1);
    let urn = watcher.urn();
    logs.wait_for_message(urn, Level::Debug, &format!("{watcher} watches {watched}"));
    logs.wait_for_message(
        urn,
        Level::Debug,
        &format!("Notifying {watcher} that {watched} stopped"),
    );
}

/// `ask` on a dead actor and `stopped()` agree: what the end said stays.
pub fn stopped_after_ask_failure_keeps_the_actor_running<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let pending = actor.stopped();
    // A failure returned to an asker does not end the actor.
    assert!(matches!(
        actor.ask_timeout(Cmd::Fail, TIMEOUT),
        Err(AskError::Failed(_))
    ));
    assert!(!pending.is_ready());
    actor.stop();
    assert!(pending.get_timeout(TIMEOUT).unwrap().is_normal());
}

/// Death watch across two runtimes, run by [`cross_suite!`](crate::cross_suite).
pub mod cross {
    use super::*;

    /// An actor of `a` watches actors of `b` (a stop and a failure) and the reverse;
    /// a plain thread waits for the end of actors of both.
    pub fn watch_across_runtimes<A: Runtime, B: Runtime>(a: A, b: B) {
        let (fa, fb) = (Fixture::new(a), Fixture::new(b));
        let (notes_a, notes_b) = (Notes::new(), Notes::new());
        let on_a = fa.start(Watcher::new(&notes_a));
        let on_b = fb.start(Watcher::new(&notes_b));
        let target_b = fb.start(Probe::new(&Events::new()));
        let target_a = fa.start(Probe::new(&Events::new()));
        watch(&on_a, &target_b);
        watch(&on_b, &target_a);
        watch(&on_a, &on_b);
        target_b.stop();
        target_a.tell(Cmd::Fail).unwrap();
        assert!(notes_a.wait_for(1)[0].reason().is_normal());
        assert!(failed_with(notes_b.wait_for(1)[0].reason(), "foo"));
        on_b.stop();
        let seen = notes_a.wait_for(2);
        assert_eq!(seen[1].urn(), on_b.urn());
        assert!(reason_of(&target_a).failure().is_some());
        assert!(reason_of(&target_b).is_normal());
    }
}
