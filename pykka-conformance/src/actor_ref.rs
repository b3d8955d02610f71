//! `ActorRef`: formatting, liveness, `tell`, `ask` and `stop`.
//!
//! Ports Pykka 4.5's `tests/test_ref.py` (Apache-2.0, © Stein Magnus Jodal and
//! contributors); rewritten in Rust, names kept minus `test_`.
//!
//! Deliberate deviations:
//! - `repr(ref)` is `Debug` and `str(ref)` is `Display`. The formatting cases carry a
//!   `ref_` prefix because `proxy.rs` has cases with the same Pykka names.
//! - "tell accepts any object" is one case over six message types (an actor's message
//!   type is generic), not six parametrised runs.
//! - Pykka's "ping" handler sleeps 10 ms so that `ask(timeout=0)` times out; here the
//!   actor is kept busy on an event instead, so the case cannot race.

use std::collections::HashMap;
use std::fmt::Debug;
use std::time::Duration;

use crate::support::{Cmd, Events, Fixture, Probe, Recorder, TIMEOUT};
use pykka_core::{ActorRef, AskError, DeadKind, Event, Reply, Runtime};

fn started<R: Runtime>(fx: &Fixture<R>) -> ActorRef<Probe> {
    fx.start(Probe::new(&Events::new()))
}

/// §2.2.1: `Debug` is wrapped in `<` and `>`.
pub fn ref_repr_is_wrapped_in_lt_and_gt<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let repr = format!("{:?}", started(&fx));
    assert!(repr.starts_with('<') && repr.ends_with('>'), "{repr}");
}

/// §2.2.2: `Debug` says it is an `ActorRef`.
pub fn repr_reveals_that_this_is_a_ref<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    assert!(format!("{:?}", started(&fx)).contains("ActorRef"));
}

/// §2.2.3: `Debug` contains the actor's name.
pub fn ref_repr_contains_actor_class_name<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    assert!(format!("{:?}", started(&fx)).contains("Probe"));
}

/// §2.2.4: `Debug` contains the URN.
pub fn ref_repr_contains_actor_urn<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = started(&fx);
    assert!(format!("{actor:?}").contains(actor.urn()));
}

/// §2.2.5: `Display` contains the actor's name.
pub fn ref_str_contains_actor_class_name<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    assert!(started(&fx).to_string().contains("Probe"));
}

/// §2.2.6: `Display` contains the URN.
pub fn ref_str_contains_actor_urn<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = started(&fx);
    assert!(actor.to_string().contains(actor.urn()));
}

/// §2.2.7
pub fn is_alive_returns_true_for_running_actor<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    assert!(started(&fx).is_alive());
}

/// §2.2.8
pub fn is_alive_returns_false_for_dead_actor<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = started(&fx);
    actor.stop();
    assert!(!actor.is_alive());
}

/// §2.2.9
pub fn stop_returns_true_if_actor_is_stopped<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    assert!(started(&fx).stop());
}

/// §2.2.10
pub fn stop_does_not_stop_already_dead_actor<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = started(&fx);
    assert!(actor.stop());
    assert!(!actor.stop());
}

/// §2.2.11: a told message reaches `on_receive`.
pub fn tell_delivers_message_to_actors_custom_on_receive<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let received = Reply::new();
    let actor = fx.start(Recorder::new(&received));
    actor.tell("a custom message".to_string()).unwrap();
    assert_eq!(received.get_timeout(TIMEOUT).unwrap(), "a custom message");
}

fn tell_and_receive<R, M>(fx: &Fixture<R>, message: M)
where
    R: Runtime,
    M: Clone + PartialEq + Debug + Send + 'static,
{
    let received = Reply::new();
    let actor = fx.start(Recorder::new(&received));
    actor.tell(message.clone()).unwrap();
    assert_eq!(received.get_timeout(TIMEOUT).unwrap(), message);
}

/// §2.2.12–17: a message of any (`Send`) type arrives equal: an integer, a float, a
/// map, a tuple, a list and an error value.
pub fn tell_accepts_any_object_as_the_message<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    tell_and_receive(&fx, 123_i64);
    tell_and_receive(&fx, 123.456_f64);
    tell_and_receive(&fx, HashMap::from([("a", "dict")]));
    tell_and_receive(&fx, ("a", "tuple"));
    tell_and_receive(&fx, vec!["a", "list"]);
    tell_and_receive(&fx, std::fmt::Error);
}

/// §2.2.18: telling a dead actor fails with exactly "{ref} not found".
pub fn tell_fails_if_actor_is_stopped<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = started(&fx);
    actor.stop();
    let err = actor.tell(Cmd::Ping).unwrap_err();
    assert_eq!(err.to_string(), format!("{actor} not found"));
    assert_eq!(err.kind(), DeadKind::NotFound);
}

/// §2.2.19
pub fn ask_blocks_until_response_arrives<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    assert_eq!(started(&fx).ask(Cmd::Ping).unwrap(), "pong");
}

/// §2.2.20: `ask` with a zero timeout to a busy actor times out.
pub fn ask_can_timeout_if_blocked_too_long<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = started(&fx);
    let release = Event::new();
    actor.tell(Cmd::Wait(release.clone())).unwrap();
    let result = actor.ask_timeout(Cmd::Ping, Duration::ZERO);
    release.set();
    assert!(matches!(result, Err(AskError::Timeout(_))), "{result:?}");
}

/// §2.2.21
pub fn ask_can_return_future_instead_of_blocking<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let reply = started(&fx).ask_nonblocking(Cmd::Ping);
    assert_eq!(reply.get_timeout(TIMEOUT).unwrap(), "pong");
}

/// §2.2.22: asking a dead actor fails with exactly "{ref} not found".
pub fn ask_fails_if_actor_is_stopped<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = started(&fx);
    actor.stop();
    match actor.ask(Cmd::Ping) {
        Err(AskError::Dead(e)) => assert_eq!(e.to_string(), format!("{actor} not found")),
        other => panic!("expected ActorDeadError, got {other:?}"),
    }
}

/// §2.2.23: a non-blocking ask to a dead actor returns a failed reply.
pub fn ask_nonblocking_fails_future_if_actor_is_stopped<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = started(&fx);
    actor.stop();
    let reply = actor.ask_nonblocking(Cmd::Ping);
    match reply.get_timeout(TIMEOUT) {
        Err(AskError::Dead(e)) => assert_eq!(e.to_string(), format!("{actor} not found")),
        other => panic!("expected ActorDeadError, got {other:?}"),
    }
}

/// Not in Pykka: every public handle is `Send + Sync + Clone` (checked by the
/// compiler for this runtime), equal clones stay equal, and clones sent to another
/// thread reach the same actor.
pub fn handles_are_send_sync_clone_and_work_from_other_threads<R: Runtime>(rt: R) {
    fn shareable<T: Send + Sync + Clone + 'static>(value: &T) -> T {
        value.clone()
    }
    fn keyed<T: Eq + std::hash::Hash>(a: &T, b: &T) -> bool {
        a == b && HashMap::from([(a, 1)]).contains_key(b)
    }
    let fx = Fixture::new(rt.clone());
    let actor = fx.start(Probe::new(&Events::new()));
    let any = pykka_core::AnyActorRef::from(&actor);
    let proxy = actor.proxy().unwrap();
    let (rt2, registry) = (shareable(&rt), shareable(&fx.registry));
    let (actor2, any2, proxy2) = (shareable(&actor), shareable(&any), shareable(&proxy));
    let (seven, done) = (Reply::<u32>::new(), Event::new());
    let (reply, event) = (shareable(&seven), shareable(&done));
    assert!(keyed(&actor, &actor2) && keyed(&any, &any2) && keyed(&proxy, &proxy2));
    let answer = std::thread::spawn(move || {
        let pong = actor2.ask_timeout(Cmd::Ping, TIMEOUT).unwrap();
        reply
            .set(proxy2.call(|_| 7).take_timeout(TIMEOUT).unwrap())
            .unwrap();
        event.set();
        drop((rt2, any2));
        (pong, registry.get_all().len())
    })
    .join()
    .unwrap();
    assert_eq!(answer, ("pong".to_string(), 1));
    assert_eq!(seven.get_timeout(TIMEOUT).unwrap(), 7);
    assert!(done.is_set());
    assert!(actor.stop());
}
