//! Races and chains: asks racing with a stop, blocking asks through a chain of actors,
//! and the operations Pykka's benchmarks exercise.
//!
//! Not a port of a Pykka test file. The race is the experiment E41 of the behaviour
//! reference (run against Pykka 4.5, Apache-2.0, © Stein Magnus Jodal and
//! contributors); the smoke case mirrors the seven operations of Pykka 4.5's
//! `benchmarks/test_threading_actors.py`.
//!
//! Deliberate deviations:
//! - Pykka closes E41's window only in practice (the GIL); here no ask may be lost, and
//!   the case counts every outcome.
//! - Speed is never asserted: the smoke case only checks that each operation works ten
//!   times in a row.

use std::sync::Barrier;

use crate::support::{Cmd, Events, Fixture, Probe, TIMEOUT, Target};
use pykka_core::{Actor, ActorRef, AskError, Context, DeadKind, Failure, Runtime};

const TRIALS: usize = if cfg!(miri) { 2 } else { 300 };
const ASKERS: usize = 4;

/// How one asking thread's asks ended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Outcomes {
    asked: usize,
    replies: usize,
    dead: usize,
}

/// Asks until three asks in a row found the actor dead; any other outcome (a timeout,
/// a failure) fails the case. Odd askers use non-blocking asks.
fn ask_until_dead(actor: &ActorRef<Probe>, nonblocking: bool) -> Outcomes {
    let mut out = Outcomes::default();
    while out.dead < 3 {
        out.asked += 1;
        let result = match nonblocking {
            true => actor.ask_nonblocking(Cmd::Ping).take_timeout(TIMEOUT),
            false => actor.ask_timeout(Cmd::Ping, TIMEOUT),
        };
        match result {
            Ok(pong) => {
                assert_eq!(pong, "pong");
                assert_eq!(out.dead, 0, "a reply came after the actor was seen dead");
                out.replies += 1;
            }
            Err(AskError::Dead(_)) => out.dead += 1,
            Err(other) => panic!("an ask was lost or failed: {other}"),
        }
    }
    out
}

/// E41: several threads ask while the actor is stopped mid-stream; every ask ends in
/// a reply or an `ActorDeadError`, none is lost and none hangs.
pub fn asks_racing_with_stop_all_end<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let mut total = Outcomes::default();
    for _ in 0..TRIALS {
        let actor = fx.start(Probe::new(&Events::new()));
        let barrier = Barrier::new(ASKERS + 1);
        let outcomes: Vec<Outcomes> = std::thread::scope(|s| {
            let askers: Vec<_> = (0..ASKERS)
                .map(|i| {
                    let (actor, barrier) = (&actor, &barrier);
                    s.spawn(move || {
                        barrier.wait();
                        ask_until_dead(actor, i % 2 == 1)
                    })
                })
                .collect();
            barrier.wait();
            for _ in 0..10 {
                assert_eq!(actor.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
            }
            assert_eq!(actor.stop_timeout(TIMEOUT), Ok(true));
            askers
                .into_iter()
                .map(|h| h.join().expect("asker panicked"))
                .collect()
        });
        let after = actor.ask_timeout(Cmd::Ping, TIMEOUT);
        assert!(matches!(&after, Err(AskError::Dead(e)) if e.kind() == DeadKind::NotFound));
        for o in outcomes {
            assert_eq!(o.replies + o.dead, o.asked, "{o:?}");
            total.asked += o.asked;
            total.replies += o.replies;
            total.dead += o.dead;
        }
    }
    assert_eq!(total.replies + total.dead, total.asked);
    assert_eq!(total.dead, TRIALS * ASKERS * 3);
}

/// One link of [`blocking_chain`]: asks the next link (blocking) and answers its reply
/// plus one; the last link answers 0.
#[derive(Debug)]
pub struct Link {
    next: Option<ActorRef<Link>>,
}

impl Actor for Link {
    awaiting_handler!();

    type Message = ();
    type Reply = usize;

    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<usize, Failure> {
        match &self.next {
            None => Ok(0),
            Some(next) => Ok(next.ask_timeout((), TIMEOUT)? + 1),
        }
    }
}

/// Starts `len` actors, each of which, on a message, blocking-asks the next one and
/// answers its reply + 1 (the last answers 0); asks the first and checks the answer is
/// `len - 1`; stops them all.
///
/// Every link blocks inside its handler while the rest of the chain works, so this
/// shows that a backend's waits inside handlers do not starve other actors, even with
/// one or two workers. Backends call it from their own tests with small runtimes.
///
/// # Panics
///
/// If the answer is wrong, an ask fails or times out (10 s per link), or `len` is 0.
///
/// # Examples
///
/// ```
/// pykka_conformance::stress::blocking_chain(pykka_thread::ThreadRuntime::default(), 8);
/// ```
pub fn blocking_chain<R: Runtime>(rt: R, len: usize) {
    assert!(len > 0, "a chain has at least one link");
    let fx = Fixture::new(rt);
    let mut next = None;
    for _ in 0..len {
        next = Some(fx.start(Link { next }));
    }
    let first = next.expect("len > 0");
    assert_eq!(first.ask_timeout((), TIMEOUT * 2).unwrap(), len - 1);
    let stopped = fx.registry.stop_all_timeout(TIMEOUT).unwrap();
    assert_eq!(stopped, vec![true; len]);
}

/// [`blocking_chain`] with 64 links.
pub fn blocking_chain_of_64<R: Runtime>(rt: R) {
    blocking_chain(rt, 64);
}

/// §2.16: the seven operations of Pykka's benchmarks (tell, ask, proxy call, proxy
/// read, traversable call, traversable read, start/stop), ten times each.
pub fn benchmark_operations_run_ten_times<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let probe = fx.start(Probe::new(&events));
    let target = fx.start(Target::new(&events));
    let proxy = target.proxy().unwrap();
    let inner = proxy.member("inner", |t| &mut t.inner);
    for _ in 0..10 {
        probe.tell(Cmd::Ping).unwrap();
        assert_eq!(probe.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
        assert_eq!(
            proxy
                .call(|t| t.functional_hello("x"))
                .take_timeout(TIMEOUT)
                .unwrap(),
            "Hello, x!"
        );
        assert_eq!(proxy.field(|t| &t.cat).get_timeout(TIMEOUT).unwrap(), "dog");
        assert!(
            inner
                .call(|i| i.record_thread())
                .take_timeout(TIMEOUT)
                .is_ok()
        );
        assert_eq!(
            inner.field(|i| &i.val).get_timeout(TIMEOUT).unwrap(),
            "inner"
        );
        let short = fx.start(Probe::new(&Events::new()));
        assert!(short.stop_timeout(TIMEOUT).unwrap());
    }
}
