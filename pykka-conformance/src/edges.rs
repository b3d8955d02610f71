//! Promises at the edges: replies keep their values for every handle, user code that
//! panics around a reply fails it instead of sticking it, deadlines are upper bounds,
//! and only an actor completes the answer to its message.
//!
//! Each case failed on pykka before the fix it guards (the audit of issue 9).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Wake, Waker};
use std::time::{Duration, Instant};

use crate::support::{Cmd, Events, Fixture, Probe, TIMEOUT};
use pykka_core::{AskError, Event, Failure, Reply, Runtime, get_all_timeout};

fn ping<R: Runtime>(fx: &Fixture<R>) -> Reply<String> {
    fx.start(Probe::new(&Events::new()))
        .ask_nonblocking(Cmd::Ping)
}

fn assert_failed_with<T: std::fmt::Debug>(result: Result<T, AskError>, text: &str) {
    match result {
        Err(AskError::Failed(f)) => assert!(f.to_string().contains(text), "{f}"),
        other => panic!("expected a failure with {text:?}, got {other:?}"),
    }
}

/// Combinators clone their source's value: the source, a second `map`, a `join` and
/// a chain of combinators all still read it.
pub fn combinators_leave_their_source_readable<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let source = ping(&fx);
    let len = source.clone().map(|s| s.len());
    assert_eq!(len.get_timeout(TIMEOUT).unwrap(), 4);
    assert_eq!(source.get_timeout(TIMEOUT).unwrap(), "pong");
    let upper = source.clone().map(|s| s.to_uppercase());
    assert_eq!(upper.get_timeout(TIMEOUT).unwrap(), "PONG");
    let both = source.clone().join([source.clone()]);
    assert_eq!(both.get_timeout(TIMEOUT).unwrap(), ["pong", "pong"]);
    let consonants = source
        .clone()
        .map(|s| s.chars().collect::<Vec<_>>())
        .filter(|c| *c != 'o')
        .fold(String::new(), |mut acc, c| {
            acc.push(c);
            acc
        });
    assert_eq!(consonants.get_timeout(TIMEOUT).unwrap(), "png");
    assert_eq!(source.get().unwrap(), "pong");
}

/// A combinator's function that panics fails the combined reply for every getter
/// (the one that ran it, and one waiting in an actor meanwhile) with the panic's
/// message; no getter hangs, and the reply counts as completed.
pub fn panicking_combinator_fails_every_getter<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let source = Reply::<u32>::new();
    let mapped = source.clone().map(|_| -> u32 { panic!("map blew up") });
    let in_actor = mapped.clone();
    let waiter = fx
        .start(Probe::new(&Events::new()))
        .ask_nonblocking(Cmd::Run(Box::new(move |_| {
            match in_actor.get_timeout(TIMEOUT) {
                Err(AskError::Failed(f)) => format!("getter failed: {f}"),
                other => format!("getter got {other:?}"),
            }
        })));
    source.set(1).unwrap();
    assert_failed_with(mapped.get_timeout(TIMEOUT), "map blew up");
    let seen = waiter.get_timeout(TIMEOUT).unwrap();
    assert!(
        seen.starts_with("getter failed: ") && seen.contains("map blew up"),
        "{seen}"
    );
    assert!(mapped.is_ready());
    assert_failed_with(mapped.get_timeout(Duration::ZERO), "map blew up");
    assert_eq!(source.get().unwrap(), 1);
}

/// A get-hook that panics: the first get and every later one (in an actor too) return
/// the panic as a failure; the panic never reaches the caller as a panic.
pub fn panicking_get_hook_fails_every_getter<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let reply = Reply::<u32>::new();
    reply.set_get_hook(|_| panic!("hook blew up")).unwrap();
    assert_failed_with(reply.get_timeout(TIMEOUT), "hook blew up");
    let in_actor = reply.clone();
    let seen = fx
        .start(Probe::new(&Events::new()))
        .ask_nonblocking(Cmd::Run(Box::new(move |_| format!("{:?}", in_actor.get()))))
        .get_timeout(TIMEOUT)
        .unwrap();
    assert!(seen.contains("hook blew up"), "{seen}");
    assert_failed_with(reply.take(), "hook blew up");
    assert!(reply.set(2).is_err());
}

/// A hook that records the time it is given, waits that long (on an event nobody
/// sets, so in pykka's own wait), then answers.
fn patient_hook(given: &Arc<Mutex<Vec<Option<Duration>>>>, value: u32) -> Reply<u32> {
    let reply = Reply::new();
    let given = given.clone();
    reply
        .set_get_hook(move |left| {
            given.lock().unwrap().push(left);
            if let Some(left) = left {
                Event::new().wait_timeout(left);
            }
            Ok(value)
        })
        .unwrap();
    reply
}

/// `get_all_timeout` is one deadline for all: each get-hook is given what is left of
/// it (Pykka's hooks get the timeout; three hooks each given the whole timeout made
/// the call last three timeouts), and `get_deadline` gives hooks the time left too.
pub fn deadlines_bound_get_hooks<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let given = Arc::new(Mutex::new(Vec::new()));
    let replies: Vec<_> = (0..3).map(|n| patient_hook(&given, n)).collect();
    let timeout = Duration::from_millis(200);
    let in_actor = replies.clone();
    let got = fx
        .start(Probe::new(&Events::new()))
        .ask_nonblocking(Cmd::Run(Box::new(move |_| {
            format!("{:?}", get_all_timeout(&in_actor, timeout))
        })))
        .get_timeout(TIMEOUT)
        .unwrap();
    assert_eq!(got, "Ok([0, 1, 2])");
    let given = std::mem::take(&mut *given.lock().unwrap());
    assert_eq!(given.len(), 3, "{given:?}");
    // Each hook waited the whole time it was given, so what the next one got is what
    // was left: together they were given at most the one timeout.
    let total: Duration = given
        .iter()
        .map(|g| g.expect("a timed get gives time"))
        .sum();
    assert!(
        total <= timeout,
        "hooks were given {given:?} of one {timeout:?}"
    );

    let seen = Arc::new(Mutex::new(Vec::new()));
    let hooked = patient_hook(&seen, 7);
    let deadline = Instant::now() + Duration::from_millis(50);
    assert_eq!(hooked.get_deadline(deadline).unwrap(), 7);
    let left = seen.lock().unwrap()[0].expect("a deadline gives the hook time");
    assert!(left <= Duration::from_millis(50), "{left:?}");
}

/// The answer to an actor's message is completed by the actor alone: a holder of the
/// reply cannot `set` it, fail it or hook it, and the actor's answer then arrives.
pub fn only_the_actor_completes_its_reply<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let gate = Event::new();
    actor.tell(Cmd::Wait(gate.clone())).unwrap();
    let reply = actor.ask_nonblocking(Cmd::Ping);
    let forged = reply.clone().set("forged".to_string()).unwrap_err();
    assert_eq!(forged.into_inner(), "forged");
    assert!(reply.set_failure(Failure::msg("forged")).is_err());
    assert!(reply.set_get_hook(|_| Ok(String::new())).is_err());
    gate.set();
    assert_eq!(reply.get_timeout(TIMEOUT).unwrap(), "pong");
}

struct PanickingWake(AtomicUsize);

impl Wake for PanickingWake {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
        panic!("waker blew up");
    }
}

/// A waker that panics when the actor answers (an awaiting task's bug) neither stops
/// the answer from reaching the reply's other waiters nor hurts the actor.
pub fn panicking_waker_of_an_asker_harms_nobody<R: Runtime>(rt: R) {
    use std::future::Future;
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let gate = Event::new();
    actor.tell(Cmd::Wait(gate.clone())).unwrap();
    let reply = actor.ask_nonblocking(Cmd::Ping);
    let wake = Arc::new(PanickingWake(AtomicUsize::new(0)));
    let waker = Waker::from(wake.clone());
    let mut awaited = Box::pin(reply.clone());
    assert!(
        awaited
            .as_mut()
            .poll(&mut TaskContext::from_waker(&waker))
            .is_pending()
    );
    // A second waiter, in another actor, waits for the same reply.
    let other = reply.clone();
    let second = fx
        .start(Probe::new(&Events::new()))
        .ask_nonblocking(Cmd::Run(Box::new(move |_| {
            other.get_timeout(TIMEOUT).unwrap_or_else(|e| e.to_string())
        })));
    gate.set();
    assert_eq!(second.get_timeout(TIMEOUT).unwrap(), "pong");
    assert_eq!(reply.get_timeout(TIMEOUT).unwrap(), "pong");
    assert_eq!(wake.0.load(Ordering::SeqCst), 1);
    assert_eq!(actor.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
    assert!(actor.stop_timeout(TIMEOUT).unwrap());
}
