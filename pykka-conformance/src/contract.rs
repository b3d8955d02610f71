//! The parts of the [`Runtime`] contract that Pykka's tests do not reach: waits inside
//! every hook, many handlers blocked at once, the runtime value dropped while its actors
//! run, and (in [`cross`], run by [`cross_suite!`](crate::cross_suite)) actors of two
//! backends waiting for each other.
//!
//! Where a case fails, its message says what usually causes it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::{Cmd, Events, Fixture, Probe, TIMEOUT, watch};
use pykka_core::{
    Actor, ActorRef, ActorRegistry, AskError, Context, Event, Failure, Reply, Runtime,
};

/// What usually breaks a case in which a wait inside an actor never ends.
pub const BLOCKED_WORKER: &str = "a wait inside a handler that never ends usually means it \
     blocked an executor worker or a coroutine's thread instead of parking its own context: \
     did your runtime's park hand the worker on (or park only the coroutine)?";

/// An actor that waits for another actor's answer in every hook, and records what it got.
struct Patient {
    helper: ActorRef<Probe>,
    seen: Reply<Vec<String>>,
    log: Vec<String>,
}

impl Patient {
    fn ask_helper(&mut self, hook: &str) {
        let answer = self.helper.ask_timeout(Cmd::Ping, TIMEOUT);
        self.log.push(format!("{hook}: {answer:?}"));
    }
}

enum PatientMsg {
    Fail,
}

impl Actor for Patient {
    awaiting_handler!();

    type Message = PatientMsg;
    type Reply = ();

    fn on_start(&mut self, _: &Context<Self>) -> Result<(), Failure> {
        self.ask_helper("on_start");
        Ok(())
    }

    fn on_receive(
        &mut self,
        PatientMsg::Fail: PatientMsg,
        _: &Context<Self>,
    ) -> Result<(), Failure> {
        Err(Failure::msg("told to fail"))
    }

    fn on_stop(&mut self, _: &Context<Self>) -> Result<(), Failure> {
        self.ask_helper("on_stop");
        let _ = self.seen.set(std::mem::take(&mut self.log));
        Ok(())
    }

    fn on_failure(&mut self, _: &Failure, _: &Context<Self>) -> Result<(), Failure> {
        self.ask_helper("on_failure");
        let _ = self.seen.set(std::mem::take(&mut self.log));
        Ok(())
    }
}

/// Every hook may wait for another actor of the same runtime (`on_start`, `on_stop`,
/// `on_failure`), on any worker count: the wait parks the hook's own context.
pub fn hooks_may_wait_for_other_actors<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let helper = fx.start(Probe::new(&Events::new()));
    let pong = format!("{:?}", Ok::<_, AskError>("pong".to_string()));

    let stopped = Reply::new();
    let patient = fx.start(Patient {
        helper: helper.clone(),
        seen: stopped.clone(),
        log: Vec::new(),
    });
    assert!(patient.stop_timeout(TIMEOUT).unwrap(), "{BLOCKED_WORKER}");
    let seen = stopped.get_timeout(TIMEOUT).expect(BLOCKED_WORKER);
    assert_eq!(
        seen,
        [format!("on_start: {pong}"), format!("on_stop: {pong}")]
    );

    let failed = Reply::new();
    let patient = fx.start(Patient {
        helper,
        seen: failed.clone(),
        log: Vec::new(),
    });
    patient.tell(PatientMsg::Fail).unwrap();
    let seen = failed.get_timeout(TIMEOUT).expect(BLOCKED_WORKER);
    assert_eq!(
        seen,
        [format!("on_start: {pong}"), format!("on_failure: {pong}")]
    );
}

/// How many live actors [`a_thousand_blocked_handlers_all_finish`] starts.
pub const MANY: usize = 1000;

/// How many of them must be blocked in a handler at the same moment before the case
/// releases them: more than any sensible fixed worker count, fewer than a runtime's
/// cap on threads for blocked handlers.
pub const BLOCKED_AT_ONCE: usize = 64;

/// A thousand live actors, each handling one message that blocks on an event; the
/// event is set only once [`BLOCKED_AT_ONCE`] of them are blocked at the same moment,
/// then every one of them answers. A runtime whose blocked handlers hold a fixed set of
/// threads never gets there.
pub fn a_thousand_blocked_handlers_all_finish<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let (gate, enough) = (Event::new(), Event::new());
    let entered = Arc::new(AtomicUsize::new(0));
    let replies: Vec<_> = (0..MANY)
        .map(|_| {
            let (gate, enough, entered) = (gate.clone(), enough.clone(), entered.clone());
            fx.start(Probe::new(&events))
                .ask_nonblocking(Cmd::Run(Box::new(move |_| {
                    if entered.fetch_add(1, Ordering::SeqCst) + 1 == BLOCKED_AT_ONCE {
                        enough.set();
                    }
                    gate.wait_timeout(TIMEOUT).to_string()
                })))
        })
        .collect();
    assert!(
        enough.wait_timeout(TIMEOUT),
        "{} of {BLOCKED_AT_ONCE} handlers blocked at once; {BLOCKED_WORKER}",
        entered.load(Ordering::SeqCst)
    );
    gate.set();
    for reply in replies {
        assert_eq!(
            reply.get_timeout(TIMEOUT * 2).expect(BLOCKED_WORKER),
            "true"
        );
    }
    assert_eq!(entered.load(Ordering::SeqCst), MANY);
    let stopped = fx.registry.stop_all_timeout(TIMEOUT).unwrap();
    assert_eq!(stopped.len(), MANY);
}

/// The runtime value may be dropped while its actors run: they keep answering and stop
/// normally (a runtime whose drop ends its actors breaks this).
pub fn actors_outlive_the_dropped_runtime_value<R: Runtime>(rt: R) {
    let _watched = watch();
    let registry = ActorRegistry::new();
    let events = Events::new();
    let a = registry.start(&rt, Probe::new(&events)).unwrap();
    let b = registry.start(&rt, Probe::new(&events)).unwrap();
    let busy = Event::new();
    b.tell(Cmd::Wait(busy.clone())).unwrap();
    drop(rt);
    assert_eq!(
        a.ask_timeout(Cmd::Ping, TIMEOUT)
            .expect("an actor of a dropped runtime value"),
        "pong"
    );
    let queued = b.ask_nonblocking(Cmd::Ping);
    busy.set();
    assert_eq!(queued.get_timeout(TIMEOUT).unwrap(), "pong");
    assert_eq!(registry.stop_all_timeout(TIMEOUT).unwrap(), [true, true]);
    assert!(!a.is_alive() && !b.is_alive());
}

/// [`pykka_core::sleep`] inside a handler parks only that handler's context: another
/// actor of the same runtime answers meanwhile, on any worker count, and the sleep
/// lasts at least as long as asked.
pub fn sleep_parks_only_the_calling_context<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let sleeper = fx.start(Probe::new(&events));
    let other = fx.start(Probe::new(&events));
    let (asleep, woke) = (Event::new(), Event::new());
    let (a, w) = (asleep.clone(), woke.clone());
    let nap = Duration::from_secs(1);
    let slept = sleeper.ask_nonblocking(Cmd::Run(Box::new(move |_| {
        a.set();
        let start = Instant::now();
        pykka_core::sleep(nap);
        w.set();
        (start.elapsed() >= nap).to_string()
    })));
    assert!(asleep.wait_timeout(TIMEOUT));
    assert_eq!(other.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
    assert!(
        !woke.is_set(),
        "another actor answered only after the sleep: {BLOCKED_WORKER}"
    );
    assert_eq!(slept.get_timeout(TIMEOUT).unwrap(), "true");
}

/// Cases with actors of two runtimes (two backends, or two runtimes of one backend),
/// run by [`cross_suite!`](crate::cross_suite).
pub mod cross {
    use super::*;

    /// One link of a chain across runtimes: asks the next link, answers its answer + 1.
    pub struct Hop(pub Option<Arc<dyn Fn() -> Result<u32, AskError> + Send + Sync>>);

    impl std::fmt::Debug for Hop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_tuple("Hop").field(&self.0.is_some()).finish()
        }
    }

    impl Actor for Hop {
        awaiting_handler!();

        type Message = ();
        type Reply = u32;
        fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<u32, Failure> {
            match &self.0 {
                None => Ok(0),
                Some(next) => next().map(|n| n + 1).map_err(Failure::new),
            }
        }
    }

    fn asking(next: ActorRef<Hop>) -> Hop {
        Hop(Some(Arc::new(move || next.ask_timeout((), TIMEOUT))))
    }

    /// An actor of `a` waits in its handler for an actor of `b`, and the reverse.
    pub fn actors_wait_for_each_other<A: Runtime, B: Runtime>(a: A, b: B) {
        let (fa, fb) = (Fixture::new(a), Fixture::new(b));
        let on_b = fb.start(Hop(None));
        let on_a = fa.start(asking(on_b));
        assert_eq!(on_a.ask_timeout((), TIMEOUT).expect(BLOCKED_WORKER), 1);
        let on_a = fa.start(Hop(None));
        let on_b = fb.start(asking(on_a));
        assert_eq!(on_b.ask_timeout((), TIMEOUT).expect(BLOCKED_WORKER), 1);
    }

    /// A chain of 32 links alternating between `a` and `b`, each blocked on the next.
    pub fn alternating_chain_of_32<A: Runtime, B: Runtime>(a: A, b: B) {
        let (fa, fb) = (Fixture::new(a), Fixture::new(b));
        let mut next = fb.start(Hop(None));
        for i in 1..32 {
            next = if i % 2 == 1 {
                fa.start(asking(next))
            } else {
                fb.start(asking(next))
            };
        }
        assert_eq!(next.ask_timeout((), TIMEOUT * 2).expect(BLOCKED_WORKER), 31);
    }

    /// An actor of `b` waits for an event that an actor of `a` sets, and for a reply
    /// that an actor of `a` completes; a blocking stop across runtimes works too.
    pub fn events_replies_and_stops_cross<A: Runtime, B: Runtime>(a: A, b: B) {
        let (fa, fb) = (Fixture::new(a), Fixture::new(b));
        let events = Events::new();
        let setter = fa.start(Probe::new(&events));
        let waiter = fb.start(Probe::new(&events));
        let (event, reply) = (Event::new(), Reply::<u32>::new());
        let (e, r) = (event.clone(), reply.clone());
        let waited = waiter.ask_nonblocking(Cmd::Run(Box::new(move |_| {
            format!("{} {:?}", e.wait_timeout(TIMEOUT), r.get_timeout(TIMEOUT))
        })));
        let (e, r) = (event.clone(), reply.clone());
        setter
            .tell(Cmd::Run(Box::new(move |_| {
                e.set();
                let _ = r.set(7);
                String::new()
            })))
            .unwrap();
        assert_eq!(
            waited.get_timeout(TIMEOUT).expect(BLOCKED_WORKER),
            "true Ok(7)"
        );
        let target = fa.start(Probe::new(&Events::new()));
        let stopped = waiter
            .ask_timeout(
                Cmd::Run(Box::new(move |_| {
                    target.stop_timeout(TIMEOUT).is_ok().to_string()
                })),
                TIMEOUT,
            )
            .expect(BLOCKED_WORKER);
        assert_eq!(stopped, "true");
    }
}
