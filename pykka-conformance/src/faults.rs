//! Behaviours Pykka does not test but a port must get right (behaviour reference
//! §2.19), and misuse: every case ends with a clear error value or a documented
//! result, never a hang or a panic in the caller.
//!
//! Not a port of a single Pykka file; the behaviours were observed on Pykka 4.5
//! (Apache-2.0, © Stein Magnus Jodal and contributors) as listed in §1.14.
//!
//! Deliberate deviations from Pykka:
//! - A panic anywhere (a handler, a hook) is an ordinary failure: the caller never
//!   unwinds, the panic's message is kept in the `Failure`, and an asker gets
//!   `AskError::Failed` (Pykka leaves the asker waiting, E14).
//! - An actor that asks itself and would wait for the reply gets
//!   `AskError::Deadlock` at once (Pykka deadlocks).
//! - A blocking `stop()` or `stop_all()` from inside an actor queues the actor's own
//!   stop and returns `true` for it (Pykka deadlocks, or times out with a timeout).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use log::Level;

use crate::support::{
    Cmd, Events, Fault, Faults, Fixture, Probe, TIMEOUT, Target, log_capture, wait_for,
};
use pykka_core::{Actor, AskError, Context, DeadKind, Event, Failure, Reply, Runtime};

fn busy(actor: &pykka_core::ActorRef<Probe>) -> Event {
    let release = Event::new();
    actor.tell(Cmd::Wait(release.clone())).unwrap();
    release
}

fn is_dead<T: std::fmt::Debug>(result: &Result<T, AskError>, kind: DeadKind) -> bool {
    matches!(result, Err(AskError::Dead(e)) if e.kind() == kind)
}

/// §2.19.1 (E11): a failing `on_start` runs neither `on_stop` nor `on_failure`, and
/// asks sent meanwhile fail.
pub fn on_start_failure_skips_on_stop_and_on_failure<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let faults = Faults {
        on_start: Some(Fault::Error),
        ..Faults::default()
    };
    let actor = fx.start(Probe::with_faults(&events, faults));
    let result = actor.ask_timeout(Cmd::Ping, TIMEOUT);
    assert!(matches!(result, Err(AskError::Dead(_))), "{result:?}");
    assert!(!actor.is_alive() && fx.registry.get_all().is_empty());
    assert!(!events.on_stop_was_called.is_set());
    assert!(!events.on_failure_was_called.is_set());
}

/// §2.19.2 (E10, E12): in `on_stop` and `on_failure` the actor is already dead and
/// unregistered.
pub fn actor_is_dead_and_unregistered_in_on_stop_and_on_failure<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (stopping, failing) = (Events::new(), Events::new());
    fx.start(Probe::new(&stopping)).stop();
    fx.start(Probe::new(&failing)).tell(Cmd::Fail).unwrap();
    for seen in [&stopping.on_stop_seen, &failing.on_failure_seen] {
        let seen = seen.get_timeout(TIMEOUT).unwrap();
        assert!(!seen.alive && !seen.registered, "{seen:?}");
    }
}

/// §2.19.3 (E12): `stop()` returns `true` even when `on_stop` fails or panics.
pub fn stop_returns_true_even_if_on_stop_fails<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    for fault in [Fault::Error, Fault::Panic] {
        let faults = Faults {
            on_stop: Some(fault),
            ..Faults::default()
        };
        let actor = fx.start(Probe::with_faults(&Events::new(), faults));
        assert_eq!(actor.stop_timeout(TIMEOUT), Ok(true));
        assert!(!actor.is_alive());
    }
}

/// §2.19.4 (E2): a failing ask leaves the actor alive and processing.
pub fn ask_failure_leaves_actor_alive_and_processing<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let result = actor.ask_timeout(Cmd::Fail, TIMEOUT);
    assert!(matches!(&result, Err(AskError::Failed(f)) if f.to_string() == "foo"));
    assert!(actor.is_alive());
    assert_eq!(actor.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
}

/// §2.19.5 (E3): a timed-out ask is still handled later.
pub fn timed_out_ask_is_still_handled<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let release = busy(&actor);
    let handled = Event::new();
    let signal = handled.clone();
    let late = Cmd::Run(Box::new(move |_| {
        signal.set();
        String::new()
    }));
    let result = actor.ask_timeout(late, Duration::from_millis(10));
    assert!(matches!(result, Err(AskError::Timeout(_))), "{result:?}");
    release.set();
    wait_for(&handled, "the timed-out ask to be handled");
}

/// §2.19.5 (E20): a timed-out stop leaves the actor alive; it still stops later.
pub fn timed_out_stop_still_stops_the_actor<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let actor = fx.start(Probe::new(&events));
    let release = busy(&actor);
    assert!(actor.stop_timeout(Duration::from_millis(10)).is_err());
    assert!(actor.is_alive());
    release.set();
    wait_for(&events.on_stop_was_called, "on_stop");
    assert!(!actor.is_alive());
}

/// §2.19.6 (E19): `stop_all_nonblocking` gives one reply per actor, each `true`.
pub fn stop_all_nonblocking_returns_one_reply_per_actor<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actors: Vec<_> = (0..3)
        .map(|_| fx.start(Probe::new(&Events::new())))
        .collect();
    let replies = fx.registry.stop_all_nonblocking();
    assert_eq!(replies.len(), 3);
    for reply in replies {
        assert!(reply.get_timeout(TIMEOUT).unwrap());
    }
    assert!(actors.iter().all(|a| !a.is_alive()) && fx.registry.get_all().is_empty());
}

/// §2.19.7 (E21): `stop_all_timeout` gives up at the first actor that does not stop in
/// time; the actors not reached keep running; the timed-out one still stops later.
pub fn stop_all_timeout_aborts_at_first_timeout<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let first = fx.start(Probe::new(&Events::new()));
    let last_events = Events::new();
    let last = fx.start(Probe::new(&last_events));
    let release = busy(&last);
    assert!(
        fx.registry
            .stop_all_timeout(Duration::from_millis(10))
            .is_err()
    );
    assert!(first.is_alive());
    release.set();
    wait_for(
        &last_events.on_stop_was_called,
        "the timed-out actor to stop",
    );
    assert_eq!(first.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
}

/// §2.19.7 (E21): `stop_all` from inside a handler stops the others and queues the
/// caller's own stop, without deadlock, with or without a timeout.
pub fn stop_all_from_inside_a_handler_does_not_deadlock<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    for with_timeout in [false, true] {
        let first = fx.start(Probe::new(&Events::new()));
        let events = Events::new();
        let last = fx.start(Probe::new(&events));
        let run = Cmd::Run(Box::new(move |ctx| match with_timeout {
            false => format!("{:?}", ctx.registry().stop_all()),
            true => format!("{:?}", ctx.registry().stop_all_timeout(TIMEOUT)),
        }));
        let result = last.ask_timeout(run, TIMEOUT).unwrap();
        let expected = if with_timeout {
            "Ok([true, true])"
        } else {
            "[true, true]"
        };
        assert_eq!(result, expected);
        assert!(!first.is_alive());
        wait_for(&events.on_stop_was_called, "the caller's own stop");
    }
}

/// Checks that every sender's messages arrive in the order sent.
#[derive(Debug, Default)]
pub struct Sequencer {
    next: [u32; 2],
    in_order: bool,
}

impl Actor for Sequencer {
    awaiting_handler!();

    type Message = (usize, u32);
    type Reply = (bool, [u32; 2]);

    fn on_start(&mut self, _: &Context<Self>) -> Result<(), Failure> {
        self.in_order = true;
        Ok(())
    }

    fn on_receive(
        &mut self,
        (sender, n): (usize, u32),
        _: &Context<Self>,
    ) -> Result<Self::Reply, Failure> {
        if n != u32::MAX {
            self.in_order &= self.next[sender] == n;
            self.next[sender] = n + 1;
        }
        Ok((self.in_order, self.next))
    }
}

/// §2.19.9 (E35): two threads tell 1000 messages each; each one's arrive in order.
pub fn each_senders_messages_arrive_in_order<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Sequencer::default());
    std::thread::scope(|s| {
        for sender in 0..2 {
            let actor = actor.clone();
            s.spawn(move || (0..1000).for_each(|n| actor.tell((sender, n)).unwrap()));
        }
    });
    assert_eq!(
        actor.ask_timeout((0, u32::MAX), TIMEOUT).unwrap(),
        (true, [1000, 1000])
    );
}

/// §2.19.11 (E27): `set_field` waits for the write, and its error reaches the
/// caller: here the actor stops before handling it.
pub fn set_field_blocks_and_surfaces_errors<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let target = fx.start(Target::new(&Events::new()));
    let proxy = target.proxy().unwrap();
    proxy.set_field(|t| &mut t.cat, "eagle".into()).unwrap();
    assert_eq!(
        proxy.field(|t| &t.cat).get_timeout(TIMEOUT).unwrap(),
        "eagle"
    );
    let blocker = Event::new();
    let release = blocker.clone();
    proxy
        .defer(move |_| assert!(release.wait_timeout(TIMEOUT)))
        .unwrap();
    let _stop = target.stop_nonblocking();
    let result = std::thread::scope(|s| {
        let writer = s.spawn(|| proxy.set_field(|t| &mut t.cat, "owl".into()));
        blocker.set();
        writer.join().expect("set_field does not panic")
    });
    assert!(matches!(result, Err(AskError::Dead(_))), "{result:?}");
}

/// §2.19.12 (E14, decided): a panic in an ask's handler fails the asker's reply with
/// the panic's message; the actor keeps running.
pub fn panic_in_ask_handler_fails_the_reply<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    match actor.ask_timeout(Cmd::Panic, TIMEOUT) {
        Err(AskError::Failed(f)) => assert!(f.is_panic() && f.to_string() == "panicked: boom"),
        other => panic!("expected the panic as a failure, got {other:?}"),
    }
    assert_eq!(actor.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
}

/// §2.19.13 (E4) and misuse: zero timeouts on `get`, `take`, `ask` and `stop` only
/// look; they time out on what is not ready and never wait.
pub fn zero_timeouts_only_look<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let release = busy(&actor);
    assert!(matches!(
        actor.ask_timeout(Cmd::Ping, Duration::ZERO),
        Err(AskError::Timeout(_))
    ));
    assert!(actor.stop_timeout(Duration::ZERO).is_err());
    let pending = Reply::<u32>::new();
    assert!(matches!(
        pending.get_timeout(Duration::ZERO),
        Err(AskError::Timeout(_))
    ));
    assert!(matches!(
        pending.take_timeout(Duration::ZERO),
        Err(AskError::Timeout(_))
    ));
    assert_eq!(Reply::ready(Ok(3)).get_timeout(Duration::ZERO).unwrap(), 3);
    release.set();
    // The stop that timed out stays queued and may already have stopped the actor
    // (then this stop finds it dead); either way it ends dead.
    assert!(actor.stop_timeout(TIMEOUT).is_ok());
    assert!(!actor.is_alive());
}

/// §2.19.13 (E5, E36): `get` repeats the value and the failure; `take` moves the value
/// out once; a failure can be set without any error in flight.
pub fn get_repeats_and_take_moves_once<R: Runtime>(_rt: R) {
    let value = Reply::new();
    value.set(String::from("v")).unwrap();
    assert_eq!(
        (value.get().unwrap(), value.get().unwrap()),
        ("v".into(), "v".into())
    );
    assert_eq!(value.take().unwrap(), "v");
    assert!(matches!(value.take(), Err(AskError::Taken)));
    let failed = Reply::<String>::new();
    failed.set_failure(Failure::msg("bad")).unwrap();
    for _ in 0..2 {
        assert!(matches!(failed.take(), Err(AskError::Failed(f)) if f.to_string() == "bad"));
    }
}

/// Misuse: completing a reply twice is an error value that hands back what was not
/// stored; the first result stays.
pub fn set_reply_twice_is_an_error<R: Runtime>(_rt: R) {
    let reply = Reply::new();
    reply.set(1).unwrap();
    assert_eq!(
        reply
            .set_failure(Failure::msg("late"))
            .unwrap_err()
            .into_inner()
            .to_string(),
        "late"
    );
    assert_eq!(reply.set(2).unwrap_err().into_inner(), 2);
    assert_eq!(reply.get().unwrap(), 1);
}

/// §2.19.14: a message told to self comes after everything already in the inbox.
pub fn message_told_to_self_is_processed_after_queued_messages<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let order = Arc::new(Mutex::new(Vec::new()));
    let done = Event::new();
    let push = |what: &'static str, order: &Arc<Mutex<Vec<_>>>| {
        let order = order.clone();
        move || order.lock().unwrap().push(what)
    };
    let release = busy(&actor);
    let (first, second, own) = (
        push("first", &order),
        push("second", &order),
        push("self", &order),
    );
    let signal = done.clone();
    let tell_self = Cmd::Run(Box::new(move |ctx| {
        let own = Cmd::Run(Box::new(move |_| {
            own();
            signal.set();
            String::new()
        }));
        ctx.actor_ref()
            .tell(own)
            .map(|()| String::new())
            .unwrap_or_default()
    }));
    actor.tell(tell_self).unwrap();
    actor
        .tell(Cmd::Run(Box::new(move |_| (first(), String::new()).1)))
        .unwrap();
    actor
        .tell(Cmd::Run(Box::new(move |_| (second(), String::new()).1)))
        .unwrap();
    release.set();
    wait_for(&done, "the message told to self");
    assert_eq!(*order.lock().unwrap(), ["first", "second", "self"]);
}

/// Misuse: telling a dead actor fails and hands the message back.
pub fn tell_to_dead_actor_hands_the_message_back<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    actor.stop();
    let err = actor.tell(Cmd::Greetings).unwrap_err();
    assert_eq!(err.kind(), DeadKind::NotFound);
    assert!(matches!(err.into_inner(), Cmd::Greetings));
}

/// Misuse: asks queued behind a failing told message fail with "stopped before
/// handling the message" (E10), never hang.
pub fn ask_queued_behind_failing_tell_fails<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let release = busy(&actor);
    actor.tell(Cmd::Panic).unwrap();
    let queued = actor.ask_nonblocking(Cmd::Ping);
    release.set();
    assert!(is_dead(
        &queued.take_timeout(TIMEOUT),
        DeadKind::StoppedBeforeHandling
    ));
    assert!(is_dead(
        &actor.ask_timeout(Cmd::Ping, TIMEOUT),
        DeadKind::NotFound
    ));
}

/// Misuse: stopping twice, also concurrently, returns and leaves the actor dead.
pub fn stop_twice_from_several_threads<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| actor.stop_timeout(TIMEOUT)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .collect()
    });
    assert!(results.contains(&true), "{results:?}");
    assert!(!actor.is_alive());
    assert_eq!(actor.stop_timeout(TIMEOUT), Ok(false));
}

/// Misuse: a blocking `stop()` from `on_start` queues the stop and returns `true`;
/// the actor then stops and runs `on_stop`.
pub fn blocking_stop_from_on_start_is_queued<R: Runtime>(rt: R) {
    struct StopsItself(Reply<bool>, Events);
    impl Actor for StopsItself {
        type Message = ();
        type Reply = ();
        fn on_start(&mut self, ctx: &Context<Self>) -> Result<(), Failure> {
            let _ = self.0.set(ctx.actor_ref().stop());
            Ok(())
        }
        fn on_stop(&mut self, _: &Context<Self>) -> Result<(), Failure> {
            self.1.on_stop_was_called.set();
            Ok(())
        }
    }
    let fx = Fixture::new(rt);
    let (returned, events) = (Reply::new(), Events::new());
    let actor = fx.start(StopsItself(returned.clone(), events.clone()));
    assert!(returned.get_timeout(TIMEOUT).unwrap());
    wait_for(&events.on_stop_was_called, "on_stop");
    assert!(!actor.is_alive());
}

/// Misuse: an actor that asks itself and would wait gets `AskError::Deadlock` at once;
/// a blocking stop of itself is queued and returns `true`.
pub fn actor_asking_itself_gets_deadlock_error<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let actor = fx.start(Probe::new(&events));
    let run = Cmd::Run(Box::new(|ctx| {
        let me = ctx.actor_ref();
        let blocking = matches!(me.ask(Cmd::Ping), Err(AskError::Deadlock(_)));
        let timed = matches!(
            me.ask_timeout(Cmd::Ping, TIMEOUT),
            Err(AskError::Deadlock(_))
        );
        format!("{blocking} {timed} {}", me.stop())
    }));
    assert_eq!(actor.ask_timeout(run, TIMEOUT).unwrap(), "true true true");
    wait_for(&events.on_stop_was_called, "on_stop");
}

/// Misuse: an actor that waits for a reply only it can produce (its own non-blocking
/// ask, its own proxy call) gets `AskError::Deadlock` at once; a zero timeout still only
/// looks, and the queued messages are handled afterwards.
pub fn actor_waiting_for_its_own_reply_gets_deadlock_error<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let later = Arc::new(Mutex::new(None));
    let keep = later.clone();
    let run = Cmd::Run(Box::new(move |ctx| {
        let own_ask = ctx.actor_ref().ask_nonblocking(Cmd::Ping);
        let asked = matches!(own_ask.take(), Err(AskError::Deadlock(_)));
        let call = ctx.proxy().unwrap().call(|_| 1);
        let called = matches!(call.take_timeout(TIMEOUT), Err(AskError::Deadlock(_)));
        let looked = matches!(call.take_timeout(Duration::ZERO), Err(AskError::Timeout(_)));
        *keep.lock().unwrap() = Some((own_ask, call));
        format!("{asked} {called} {looked}")
    }));
    assert_eq!(actor.ask_timeout(run, TIMEOUT).unwrap(), "true true true");
    let (own_ask, call) = later.lock().unwrap().take().unwrap();
    assert_eq!(own_ask.take_timeout(TIMEOUT).unwrap(), "pong");
    assert_eq!(call.take_timeout(TIMEOUT).unwrap(), 1);
}

/// Misuse: panics in `on_start`, `on_stop` and `on_failure` are failures whose
/// message is logged; the caller never unwinds.
pub fn panicking_hooks_keep_their_message<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let panics = |hook: &str| {
        let faults = Faults {
            on_start: (hook == "on_start").then_some(Fault::Panic),
            on_stop: (hook == "on_stop").then_some(Fault::Panic),
            on_failure: (hook == "on_failure").then_some(Fault::Panic),
            ..Faults::default()
        };
        fx.start(Probe::with_faults(&Events::new(), faults))
    };
    let on_start = panics("on_start");
    assert!(on_start.stop_timeout(TIMEOUT).is_ok());
    let on_stop = panics("on_stop");
    assert_eq!(on_stop.stop_timeout(TIMEOUT), Ok(true));
    let on_failure = panics("on_failure");
    on_failure.tell(Cmd::Fail).unwrap();
    for (actor, hook, n) in [
        (&on_start, "on_start", 1),
        (&on_stop, "on_stop", 1),
        (&on_failure, "on_failure", 2),
    ] {
        let records = capture.wait_for(actor.urn(), Level::Error, n);
        let expected = format!("Unhandled exception in {actor}: panicked: {hook} panicked");
        assert_eq!(records.last().unwrap().message, expected);
        assert!(!actor.is_alive());
    }
}

/// A value whose drop panics.
struct Bomb(&'static str);

impl Drop for Bomb {
    fn drop(&mut self) {
        panic!("{} dropped", self.0);
    }
}

enum BomberMsg {
    Block(Event),
    Fail,
    Left(Bomb),
}

/// An actor whose drop panics.
struct Bomber {
    _bomb: Bomb,
}

impl Actor for Bomber {
    type Message = BomberMsg;
    type Reply = ();
    fn on_receive(&mut self, m: BomberMsg, _: &Context<Self>) -> Result<(), Failure> {
        match m {
            BomberMsg::Block(release) => {
                wait_for(&release, "the release");
                Ok(())
            }
            BomberMsg::Fail => Err(Failure::msg("foo")),
            BomberMsg::Left(bomb) => Err(Failure::msg(format!("{} handled", bomb.0))),
        }
    }
}

/// Misuse: a panic in a drop at an actor's end (the actor's own `Drop`, a message
/// left in its inbox) is logged and goes no further: the runtime's other actors, and
/// actors started later, keep answering (on an executor backend it would otherwise
/// unwind out of the worker that runs them all).
pub fn panicking_drops_at_an_actor_s_end_harm_no_other_actor<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let others: Vec<_> = (0..4)
        .map(|_| fx.start(Probe::new(&Events::new())))
        .collect();
    for other in &others {
        assert_eq!(other.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
    }
    let bomber = fx.start(Bomber {
        _bomb: Bomb("the actor"),
    });
    let release = Event::new();
    bomber.tell(BomberMsg::Block(release.clone())).unwrap();
    bomber.tell(BomberMsg::Fail).unwrap();
    // Several: a second panic while the first unwinds would abort the process.
    for left in ["a message", "another message", "a third message"] {
        if let Err(back) = bomber.tell(BomberMsg::Left(Bomb(left))) {
            std::mem::forget(back);
            panic!("the bomber took no message while alive");
        }
    }
    release.set();
    let records = capture.wait_for(bomber.urn(), Level::Error, 5);
    let dropped: Vec<_> = records[1..].iter().map(|r| r.message.as_str()).collect();
    let prefix = format!("Unhandled exception in a drop at the end of {bomber}: panicked:");
    assert_eq!(
        dropped,
        [
            format!("{prefix} a message dropped"),
            format!("{prefix} another message dropped"),
            format!("{prefix} a third message dropped"),
            format!("{prefix} the actor dropped"),
        ]
    );
    assert!(!bomber.is_alive());
    for other in &others {
        assert_eq!(other.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
    }
    let late = fx.start(Probe::new(&Events::new()));
    assert_eq!(late.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
}

/// When dropped: says so, waits (bounded) for the release, then sets its flag.
struct DropFlag {
    flag: Arc<AtomicBool>,
    dropping: Event,
    release: Event,
}

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.dropping.set();
        wait_for(&self.release, "the release of the drop");
        self.flag.store(true, Ordering::SeqCst);
    }
}

impl Actor for DropFlag {
    type Message = ();
    type Reply = ();
}

/// Watches an actor; answers, when it hears of its end, whether its flag was set.
struct FlagWatcher {
    watched: pykka_core::ActorRef<DropFlag>,
    flag: Arc<AtomicBool>,
    seen: Reply<bool>,
}

impl Actor for FlagWatcher {
    type Message = ();
    type Reply = ();
    fn on_start(&mut self, ctx: &Context<Self>) -> Result<(), Failure> {
        ctx.watch(&self.watched)?;
        Ok(())
    }
    fn on_watched_stopped(
        &mut self,
        _: &pykka_core::Ended,
        _: &Context<Self>,
    ) -> Result<(), Failure> {
        let _ = self.seen.set(self.flag.load(Ordering::SeqCst));
        Ok(())
    }
    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> {
        Ok(())
    }
}

/// An actor's value is dropped (its `Drop` has released what it held) before its end
/// is published: while the drop runs, `stopped()` waits and no watcher has heard;
/// after it, both find it dropped, so that what replaces the actor can take over its
/// resources.
pub fn an_actor_is_dropped_before_its_end_is_published<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let flag = Arc::new(AtomicBool::new(false));
    let (dropping, release) = (Event::new(), Event::new());
    let actor = fx.start(DropFlag {
        flag: flag.clone(),
        dropping: dropping.clone(),
        release: release.clone(),
    });
    let seen = Reply::new();
    let watcher = fx.start(FlagWatcher {
        watched: actor.clone(),
        flag: flag.clone(),
        seen: seen.clone(),
    });
    // The watch is on once the watcher answers (its `on_start` ran).
    assert!(watcher.ask_timeout((), TIMEOUT).is_ok());
    let stopping = actor.stop_nonblocking();
    wait_for(&dropping, "the actor's drop");
    let stopped = actor.stopped();
    assert!(!stopped.is_ready(), "the end was published before the drop");
    assert!(!seen.is_ready(), "the watcher heard before the drop");
    release.set();
    assert!(matches!(stopping.get_timeout(TIMEOUT), Ok(true)));
    stopped.get_timeout(TIMEOUT).unwrap();
    assert!(flag.load(Ordering::SeqCst));
    let heard = seen.get_timeout(TIMEOUT);
    assert!(
        matches!(heard, Ok(true)),
        "the watcher heard first: {heard:?}"
    );
}

/// After `ctx.stop()`, `ctx.proxy()` is refused with `DeadKind::Stopping` (work
/// scheduled behind the actor's own stop would never run), as its docs say; before,
/// it returns a proxy.
pub fn context_proxy_is_refused_once_the_actor_stops_itself<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let seen = actor
        .ask_timeout(
            Cmd::Run(Box::new(|ctx| {
                let before = ctx.proxy().is_ok();
                ctx.stop();
                let after = ctx.proxy().map(|_| ()).map_err(|e| e.kind());
                format!("{before} {after:?}")
            })),
            TIMEOUT,
        )
        .unwrap();
    assert_eq!(seen, "true Err(Stopping)");
    // Whether this stop or its own comes first is a race; either way it ends.
    actor.stop_timeout(TIMEOUT).unwrap();
    assert!(!actor.is_alive());
}
