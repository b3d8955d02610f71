//! Actor lifecycle: start, stop, hooks and their failures.
//!
//! Ports Pykka 4.5's `tests/test_actor.py` (Apache-2.0, © Stein Magnus Jodal and
//! contributors); rewritten in Rust, names kept minus `test_`.
//!
//! Deliberate deviations:
//! - A URN is assigned when the actor starts, not when the value is constructed: the
//!   "raw actor" cases check the type's name and what the actor sees of itself in
//!   `on_start`.
//! - `test_init_can_be_called_with_arbitrary_arguments` has no port: an actor is an
//!   ordinary Rust value with whatever constructor it likes.
//! - Pykka's `BaseException` (which stops *all* actors) maps to a panic, which pykka
//!   treats as an ordinary failure: the actor runs `on_failure` and stops; other actors
//!   keep running.
//! - Pykka's `become`/`unbecome` tests are not in 4.5's suite and have no port.

use crate::support::{Cmd, Events, Fault, Faults, Fixture, Probe, TIMEOUT, wait_for};
use pykka_core::{Actor, AnyActorRef, AskError, DeadKind, Event, Runtime};

/// §2.1.1: an ask queued behind a stop request fails with `ActorDeadError`.
pub fn messages_left_in_queue_after_actor_stops_receive_an_error<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let release = Event::new();
    actor.tell(Cmd::Wait(release.clone())).unwrap();
    let _stop = actor.stop_nonblocking();
    let response = actor.ask_nonblocking(Cmd::Ping);
    release.set();
    match response.take_timeout(TIMEOUT) {
        Err(AskError::Dead(e)) => assert_eq!(e.kind(), DeadKind::StoppedBeforeHandling),
        other => panic!("expected ActorDeadError, got {other:?}"),
    }
}

/// §2.1.2: a second stop request queued behind the first is completed.
pub fn stop_requests_left_in_queue_after_actor_stops_are_handled<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let release = Event::new();
    actor.tell(Cmd::Wait(release.clone())).unwrap();
    let first = actor.stop_nonblocking();
    let second = actor.stop_nonblocking();
    release.set();
    assert!(first.get_timeout(TIMEOUT).unwrap());
    assert!(second.get_timeout(TIMEOUT).is_ok());
    assert!(!actor.is_alive());
}

/// §2.1.3: the URN is `urn:uuid:` and a version 4 UUID.
pub fn actor_has_an_uuid4_based_urn<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let uuid = actor
        .urn()
        .strip_prefix("urn:uuid:")
        .expect("urn:uuid: prefix");
    assert_eq!(uuid::Uuid::parse_str(uuid).unwrap().get_version_num(), 4);
}

/// §2.1.4: three actors have three distinct URNs.
pub fn actor_has_unique_uuid<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let actors: Vec<_> = (0..3).map(|_| fx.start(Probe::new(&events))).collect();
    assert_ne!(actors[0].urn(), actors[1].urn());
    assert_ne!(actors[1].urn(), actors[2].urn());
    assert_ne!(actors[2].urn(), actors[0].urn());
}

/// §2.1.5: the actor's name is known before it starts and is its type's name.
pub fn str_on_raw_actor_contains_actor_class_name<R: Runtime>(rt: R) {
    assert_eq!(Probe::name(), "Probe");
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    assert_eq!(actor.actor_name(), "Probe");
    assert!(actor.to_string().starts_with("Probe ("));
}

/// §2.1.6: from its first hook on, the actor's own label contains its URN.
pub fn str_on_raw_actor_contains_actor_urn<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let seen = actor
        .ask_timeout(
            Cmd::Run(Box::new(|ctx| ctx.actor_ref().to_string())),
            TIMEOUT,
        )
        .unwrap();
    assert!(seen.contains(actor.urn()));
    assert_eq!(seen, actor.to_string());
}

/// §2.1.8: `on_start` runs after `start()`.
pub fn on_start_is_called_before_first_message_is_processed<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let _actor = fx.start(Probe::new(&events));
    wait_for(&events.on_start_was_called, "on_start");
}

/// §2.1.9: the actor is registered before `on_start` runs.
pub fn on_start_is_called_after_the_actor_is_registered<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let _actor = fx.start(Probe::new(&events));
    wait_for(&events.on_start_was_called, "on_start");
    assert!(events.actor_registered_before_on_start_was_called.is_set());
}

/// §2.1.10: a stop from `on_start` stops the actor before its receive loop.
pub fn on_start_can_stop_actor_before_receive_loop_is_started<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let faults = Faults {
        stop_in_on_start: true,
        ..Faults::default()
    };
    let actor = fx.start(Probe::with_faults(&events, faults));
    wait_for(&events.on_stop_was_called, "on_stop");
    assert!(actor.stop_timeout(TIMEOUT).is_ok());
    assert!(!actor.is_alive());
}

/// §2.1.11: a failing `on_start` stops the actor.
pub fn on_start_failure_causes_actor_to_stop<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let faults = Faults {
        on_start: Some(Fault::Error),
        ..Faults::default()
    };
    let actor = fx.start(Probe::with_faults(&events, faults));
    wait_for(&events.on_start_was_called, "on_start");
    actor.stop_timeout(TIMEOUT).unwrap();
    assert!(!actor.is_alive());
}

/// §2.1.12: `on_stop` runs on `stop()`, not before.
pub fn on_stop_is_called_when_actor_is_stopped<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let actor = fx.start(Probe::new(&events));
    assert_eq!(actor.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
    assert!(!events.on_stop_was_called.is_set());
    assert!(actor.stop());
    assert!(events.on_stop_was_called.is_set());
}

/// §2.1.13: a failing `on_stop` still leaves the actor stopped.
pub fn on_stop_failure_causes_actor_to_stop<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let faults = Faults {
        stop_in_on_start: true,
        on_stop: Some(Fault::Error),
        ..Faults::default()
    };
    let actor = fx.start(Probe::with_faults(&events, faults));
    wait_for(&events.on_stop_was_called, "on_stop");
    actor.stop_timeout(TIMEOUT).unwrap();
    assert!(!actor.is_alive());
}

/// §2.1.14: a failing told message runs `on_failure`, not `on_stop`.
pub fn on_failure_is_called_when_exception_cannot_be_returned<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let actor = fx.start(Probe::new(&events));
    assert!(!events.on_failure_was_called.is_set());
    actor.tell(Cmd::Fail).unwrap();
    wait_for(&events.on_failure_was_called, "on_failure");
    actor.stop_timeout(TIMEOUT).unwrap();
    assert!(!events.on_stop_was_called.is_set());
}

/// §2.1.15: a failing `on_failure` still leaves the actor stopped.
pub fn on_failure_failure_causes_actor_to_stop<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let faults = Faults {
        on_failure: Some(Fault::Error),
        ..Faults::default()
    };
    let actor = fx.start(Probe::with_faults(&events, faults));
    actor.tell(Cmd::Fail).unwrap();
    wait_for(&events.on_failure_was_called, "on_failure");
    actor.stop_timeout(TIMEOUT).unwrap();
    assert!(!actor.is_alive());
}

/// §2.1.16: after a failing told message, the actor is unregistered.
pub fn actor_is_stopped_when_unhandled_exceptions_are_raised<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let actor = fx.start(Probe::new(&events));
    actor.tell(Cmd::Fail).unwrap();
    wait_for(&events.on_failure_was_called, "on_failure");
    assert!(fx.registry.get_all().is_empty());
    assert!(!actor.is_alive());
}

/// §2.1.17 (adapted): a panic in a told message stops that actor like any failure
/// (`on_failure` gets the panic, `on_stop` does not run); other actors keep running.
pub fn all_actors_are_stopped_on_base_exception<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (events, other_events) = (Events::new(), Events::new());
    let other = fx.start(Probe::new(&other_events));
    let actor = fx.start(Probe::new(&events));
    actor.tell(Cmd::Panic).unwrap();
    let seen = events.on_failure_seen.get_timeout(TIMEOUT).unwrap();
    let failure = seen.failure.expect("on_failure got the failure");
    assert!(failure.is_panic());
    assert_eq!(failure.to_string(), "panicked: boom");
    assert!(!events.on_stop_was_called.is_set());
    assert_eq!(fx.registry.get_all(), vec![AnyActorRef::from(&other)]);
    assert_eq!(other.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
}

/// §2.1.18: a handler may call `stop()` on itself twice; the ask still returns.
pub fn actor_can_call_stop_on_self_multiple_times<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let actor = fx.start(Probe::new(&events));
    assert_eq!(actor.ask_timeout(Cmd::StopTwice, TIMEOUT).unwrap(), "");
    wait_for(&events.on_stop_was_called, "on_stop");
}

/// §2.1.19: a message told to self before `stop()` is handled before the stop.
pub fn actor_processes_all_messages_before_stop_on_self_stops_it<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let actor = fx.start(Probe::new(&events));
    actor
        .ask_timeout(Cmd::MessageSelfThenStop, TIMEOUT)
        .unwrap();
    wait_for(&events.greetings_was_received, "the greeting");
    wait_for(&events.on_stop_was_called, "on_stop");
    assert!(fx.registry.get_all().is_empty());
}
