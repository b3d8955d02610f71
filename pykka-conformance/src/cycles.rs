//! Ask cycles and the debug snapshot (pykka's [`debug`]): a wait
//! that would close a cycle of actors waiting for each other fails at once with
//! [`AskError::Deadlock`] naming the cycle, the message that would have closed it is
//! not delivered, and nothing that is not a cycle is ever refused. The cases in
//! [`cross`] run the cycles across two runtimes (see [`cross_suite!`](crate::cross_suite)).
//!
//! A case that must see a wait in place before it goes on polls
//! [`debug::snapshot`] until the wait shows (bounded by
//! [`TIMEOUT`]): the wait is the condition, not a guess at how long it takes.

use std::time::{Duration, Instant};

use crate::support::{Fixture, TIMEOUT};
use pykka_core::debug::{self, ActorState, WaitingFor};
use pykka_core::{Actor, ActorRef, AskError, Context, Event, Failure, Reply, Runtime};

/// Something run inside a [`Node`], with its context; its string is the reply.
pub type Job = Box<dyn FnOnce(&Context<Node>) -> String + Send>;

/// An actor that counts the pings it handled and runs jobs.
#[derive(Debug, Default)]
pub struct Node {
    pings: u32,
}

/// The messages of a [`Node`].
pub enum NodeMsg {
    /// Replies `"pong"` and counts it.
    Ping,
    /// Replies how many pings it handled.
    Pings,
    /// Runs the job and replies its string.
    Run(Job),
}

impl std::fmt::Debug for NodeMsg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NodeMsg::Ping => "Ping",
            NodeMsg::Pings => "Pings",
            NodeMsg::Run(_) => "Run",
        })
    }
}

impl Actor for Node {
    awaiting_handler!();

    type Message = NodeMsg;
    type Reply = String;

    fn on_receive(&mut self, msg: NodeMsg, ctx: &Context<Self>) -> Result<String, Failure> {
        Ok(match msg {
            NodeMsg::Ping => {
                self.pings += 1;
                "pong".to_owned()
            }
            NodeMsg::Pings => self.pings.to_string(),
            NodeMsg::Run(job) => job(ctx),
        })
    }
}

/// A job message.
pub fn run(job: impl FnOnce(&Context<Node>) -> String + Send + 'static) -> NodeMsg {
    NodeMsg::Run(Box::new(job))
}

/// What an ask's result looks like in a job's reply: `ok:…`, `deadlock:<cycle>`, or
/// `error:…`.
pub fn outcome(result: Result<String, AskError>) -> String {
    match result {
        Ok(s) => format!("ok:{s}"),
        Err(AskError::Deadlock(e)) => {
            format!("deadlock:{}", e.actors().collect::<Vec<_>>().join(" -> "))
        }
        Err(e) => format!("error:{e}"),
    }
}

/// The expected `deadlock:` outcome for a cycle through `actors`, the waiter first.
pub fn deadlock_of(actors: &[&ActorRef<Node>]) -> String {
    let labels: Vec<String> = actors.iter().map(|a| a.to_string()).collect();
    format!("deadlock:{}", labels.join(" -> "))
}

/// Polls the debug snapshot (bounded by [`TIMEOUT`]) until `cond` holds, and returns
/// that snapshot; fails the case with `what` and the last snapshot otherwise.
pub fn snapshot_until(what: &str, cond: impl Fn(&debug::Snapshot) -> bool) -> debug::Snapshot {
    let until = Instant::now() + TIMEOUT;
    loop {
        let snapshot = debug::snapshot();
        if cond(&snapshot) {
            return snapshot;
        }
        assert!(
            Instant::now() < until,
            "never saw {what} in the debug snapshot:\n{snapshot}"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Waits (polling the debug snapshot, bounded by [`TIMEOUT`]) until `actor` is blocked
/// in a wait that `matches`.
pub fn wait_until_waiting(
    actor: &ActorRef<Node>,
    what: &str,
    matches: impl Fn(&WaitingFor) -> bool,
) {
    snapshot_until(&format!("{actor} {what}"), |snapshot| {
        snapshot.actors().iter().any(|a| {
            a.urn() == actor.urn()
                && matches!(a.state(), ActorState::Waiting { waiting_for, .. } if matches(waiting_for))
        })
    });
}

/// Waits until `actor` waits for the reply of `target`.
pub fn wait_until_waiting_for(actor: &ActorRef<Node>, target: &ActorRef<Node>) {
    let label = target.to_string();
    wait_until_waiting(
        actor,
        &format!("waiting for {label}"),
        |w| matches!(w, WaitingFor::ReplyOf(l) if **l == *label),
    );
}

/// A job that waits for `gate`, then asks `target` a ping (with a timeout).
fn gated_ping(gate: &Event, target: &ActorRef<Node>) -> NodeMsg {
    let (gate, target) = (gate.clone(), target.clone());
    run(move |_| {
        assert!(gate.wait_timeout(TIMEOUT), "the case never opened the gate");
        outcome(target.ask_timeout(NodeMsg::Ping, TIMEOUT))
    })
}

/// A job that waits for `gate`.
fn gated(gate: &Event) -> NodeMsg {
    let gate = gate.clone();
    run(move |_| {
        assert!(gate.wait_timeout(TIMEOUT), "the case never opened the gate");
        "opened".to_owned()
    })
}

/// A job that asks `target` `msg` and replies its outcome.
fn asking(target: &ActorRef<Node>, msg: NodeMsg) -> NodeMsg {
    let target = target.clone();
    run(move |_| outcome(target.ask_timeout(msg, TIMEOUT)))
}

/// Three actors `a -> b -> c -> a`: `a` asks `b`, `b` asks `c`, and `c`, once both
/// waits are in place, asks `a` (closing the cycle). Returns what `a` got.
fn three_cycle(a: &ActorRef<Node>, b: &ActorRef<Node>, c: &ActorRef<Node>) -> String {
    let gate = Event::new();
    let reply = a.ask_nonblocking(asking(b, asking(c, gated_ping(&gate, a))));
    wait_until_waiting_for(a, b);
    wait_until_waiting_for(b, c);
    gate.set();
    reply.take_timeout(TIMEOUT).unwrap()
}

fn two_cycle(a: &ActorRef<Node>, b: &ActorRef<Node>) -> String {
    let gate = Event::new();
    let reply = a.ask_nonblocking(asking(b, gated_ping(&gate, a)));
    wait_until_waiting_for(a, b);
    gate.set();
    reply.take_timeout(TIMEOUT).unwrap()
}

fn pings(actor: &ActorRef<Node>) -> String {
    actor.ask_timeout(NodeMsg::Pings, TIMEOUT).unwrap()
}

/// `b` asks `a` while `a` waits for `b`: `b`'s ask (with a timeout, too) fails at once
/// with `Deadlock` naming `b -> a`, and `a` never receives the ping.
pub fn two_actor_ask_cycle_is_refused<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (a, b) = (fx.start(Node::default()), fx.start(Node::default()));
    let got = two_cycle(&a, &b);
    assert_eq!(got, format!("ok:{}", deadlock_of(&[&b, &a])));
    assert_eq!(
        pings(&a),
        "0",
        "the ping that would have closed the cycle was delivered"
    );
    // Both actors carry on.
    assert_eq!(
        b.ask_timeout(asking(&a, NodeMsg::Ping), TIMEOUT).unwrap(),
        "ok:pong"
    );
}

/// `a -> b -> c`, then `c` asks `a`: refused with the whole cycle `c -> a -> b`.
pub fn three_actor_ask_cycle_is_refused<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let [a, b, c] = [(); 3].map(|()| fx.start(Node::default()));
    let got = three_cycle(&a, &b, &c);
    assert_eq!(got, format!("ok:ok:{}", deadlock_of(&[&c, &a, &b])));
    assert_eq!(pings(&a), "0");
}

/// Every kind of blocking wait that would close a cycle is refused: a `get` of a
/// non-blocking ask, a proxy call waited on, `get_all`; a blocking stop is queued and
/// not waited for (as a stop of oneself is).
pub fn every_blocking_wait_refuses_a_cycle<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (a, b) = (fx.start(Node::default()), fx.start(Node::default()));
    let gate = Event::new();
    let (g, target) = (gate.clone(), a.clone());
    let job = run(move |_| {
        assert!(g.wait_timeout(TIMEOUT));
        let reply = target.ask_nonblocking(NodeMsg::Ping);
        let get = matches!(reply.get_timeout(TIMEOUT), Err(AskError::Deadlock(_)));
        let proxy = target.proxy().unwrap();
        let call = matches!(proxy.call(|n| n.pings).get(), Err(AskError::Deadlock(_)));
        let all = matches!(
            pykka_core::get_all_timeout(std::slice::from_ref(&reply), TIMEOUT),
            Err(AskError::Deadlock(_))
        );
        // The messages were sent before the waits; they stay queued for `a`.
        format!("{get} {call} {all} {}", target.stop())
    });
    let reply = a.ask_nonblocking(asking(&b, job));
    wait_until_waiting_for(&a, &b);
    gate.set();
    assert_eq!(
        reply.take_timeout(TIMEOUT).unwrap(),
        "ok:true true true true"
    );
    // `a` handles the ping and the call queued meanwhile, then the stop.
    a.stopped()
        .get_timeout(TIMEOUT)
        .expect("the queued stop never stopped the actor");
}

/// Two actors that ask each other at the same moment: at least one of them is refused
/// (both may be), none waits past its timeout, and every refusal names both actors.
pub fn simultaneous_asks_never_hang<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    for _ in 0..20 {
        let (a, b) = (fx.start(Node::default()), fx.start(Node::default()));
        let gate = Event::new();
        let from_a = a.ask_nonblocking(gated_ping(&gate, &b));
        let from_b = b.ask_nonblocking(gated_ping(&gate, &a));
        gate.set();
        let got = [
            from_a.take_timeout(TIMEOUT * 2).unwrap(),
            from_b.take_timeout(TIMEOUT * 2).unwrap(),
        ];
        assert!(
            got.iter().any(|g| g.starts_with("deadlock:")),
            "neither side saw the cycle: {got:?}"
        );
        for g in got.iter().filter(|g| g.starts_with("deadlock:")) {
            assert!(g.contains(a.urn()) && g.contains(b.urn()), "{g}");
        }
        assert!(
            got.iter()
                .all(|g| g == "ok:pong" || g.starts_with("deadlock:")),
            "{got:?}"
        );
        a.stop();
        b.stop();
    }
}

/// No false positive: a non-blocking ask that is never waited for is no edge (`a` asks
/// `b` without waiting, then waits for an event; `b` asks `a` and just waits).
pub fn unawaited_ask_is_not_a_cycle<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (a, b) = (fx.start(Node::default()), fx.start(Node::default()));
    let (release, handed) = (Event::new(), Reply::<Reply<String>>::new());
    let (r, h, a2, b2) = (release.clone(), handed.clone(), a.clone(), b.clone());
    let first = a.ask_nonblocking(run(move |_| {
        h.set(b2.ask_nonblocking(asking(&a2, NodeMsg::Ping)))
            .unwrap();
        assert!(r.wait_timeout(TIMEOUT));
        "released".to_owned()
    }));
    wait_until_waiting_for(&b, &a);
    release.set();
    assert_eq!(first.take_timeout(TIMEOUT).unwrap(), "released");
    let from_b = handed.take_timeout(TIMEOUT).unwrap();
    assert_eq!(from_b.take_timeout(TIMEOUT).unwrap(), "ok:pong");
}

/// No false positive: a reply passed to a third actor is that actor's wait, not the
/// asker's (`a` asks `b`, hands the reply to `c` and goes idle; `c` waits for `b`,
/// and `b` asks `a`).
pub fn reply_passed_to_a_third_actor_is_not_a_cycle<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let [a, b, c] = [(); 3].map(|()| fx.start(Node::default()));
    let (gate, handed) = (Event::new(), Reply::<Reply<String>>::new());
    let (g, h, a2, b2) = (gate.clone(), handed.clone(), a.clone(), b.clone());
    let sent = a.ask_timeout(
        run(move |_| {
            h.set(b2.ask_nonblocking(gated_ping(&g, &a2))).unwrap();
            "sent".to_owned()
        }),
        TIMEOUT,
    );
    assert_eq!(sent.unwrap(), "sent");
    let passed = handed.take_timeout(TIMEOUT).unwrap();
    let from_c = c.ask_nonblocking(run(move |_| outcome(passed.take_timeout(TIMEOUT))));
    wait_until_waiting_for(&c, &b);
    gate.set();
    assert_eq!(from_c.take_timeout(TIMEOUT).unwrap(), "ok:ok:pong");
}

/// No false positive: a wait that timed out is gone (`a`'s ask of `b` times out, then
/// `a` waits for an event; `b` asks `a` and just waits).
pub fn timed_out_wait_is_not_a_cycle<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (a, b) = (fx.start(Node::default()), fx.start(Node::default()));
    let (gate, release, seen) = (Event::new(), Event::new(), Reply::<String>::new());
    let (g, s, a2) = (gate.clone(), seen.clone(), a.clone());
    let from_b = run(move |_| {
        assert!(g.wait_timeout(TIMEOUT));
        s.set(outcome(a2.ask_timeout(NodeMsg::Ping, TIMEOUT)))
            .unwrap();
        "done".to_owned()
    });
    let (r, b2) = (release.clone(), b.clone());
    let first = a.ask_nonblocking(run(move |_| {
        let timed_out = outcome(b2.ask_timeout(from_b, Duration::from_millis(20)));
        assert!(r.wait_timeout(TIMEOUT));
        timed_out
    }));
    wait_until_waiting(&a, "waiting for an event", |w| *w == WaitingFor::Event);
    gate.set();
    wait_until_waiting_for(&b, &a);
    release.set();
    assert!(first.take_timeout(TIMEOUT).unwrap().starts_with("error:"));
    assert_eq!(seen.take_timeout(TIMEOUT).unwrap(), "ok:pong");
}

/// No false positive: a reply that no actor answers (made with `Reply::new`, set by
/// hand) is no edge (`a` waits for it; `b` asks `a` and just waits).
pub fn reply_set_by_hand_is_not_a_cycle<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (a, b) = (fx.start(Node::default()), fx.start(Node::default()));
    let (gate, by_hand) = (Event::new(), Reply::<u32>::new());
    let hand = by_hand.clone();
    let first = a.ask_nonblocking(run(move |_| {
        outcome(hand.get_timeout(TIMEOUT).map(|n| n.to_string()))
    }));
    wait_until_waiting(&a, "waiting for a reply", |w| *w == WaitingFor::Reply);
    let from_b = b.ask_nonblocking(gated_ping(&gate, &a));
    gate.set();
    wait_until_waiting_for(&b, &a);
    by_hand.set(7).unwrap();
    assert_eq!(first.take_timeout(TIMEOUT).unwrap(), "ok:7");
    assert_eq!(from_b.take_timeout(TIMEOUT).unwrap(), "ok:pong");
}

/// The snapshot names every actor with its backend, shows who waits for whom and for
/// what, counts queued and handled messages, and lists plain threads blocked in waits.
pub fn snapshot_shows_states_waits_and_threads<R: Runtime>(rt: R) {
    // Message counts are kept while times are recorded.
    debug::record_times(true);
    let fx = Fixture::new(rt);
    let (a, b) = (fx.start(Node::default()), fx.start(Node::default()));
    let gate = Event::new();
    let reply = a.ask_nonblocking(asking(&b, gated(&gate)));
    // Wait for b to block on the gate, then queue two pings behind it.
    wait_until_waiting(&b, "waiting for an event", |w| *w == WaitingFor::Event);
    let queued = [
        b.ask_nonblocking(NodeMsg::Ping),
        b.ask_nonblocking(NodeMsg::Ping),
    ];
    // A plain thread waits for `a`.
    let blocked = Event::new();
    let waiter = {
        let (a, blocked) = (a.clone(), blocked.clone());
        std::thread::Builder::new()
            .name("snapshot-waiter".into())
            .spawn(move || {
                let r = a.ask_nonblocking(NodeMsg::Pings);
                blocked.set();
                r.take_timeout(TIMEOUT)
            })
            .unwrap()
    };
    assert!(blocked.wait_timeout(TIMEOUT));
    let snapshot = snapshot_until(
        "a's and the plain thread's waits and two queued pings",
        |s| {
            let thread_waits = s.threads().iter().any(|t| {
                t.name() == Some("snapshot-waiter")
                    && *t.waiting_for() == WaitingFor::ReplyOf(a.to_string().into())
            });
            let b_queued = s
                .actors()
                .iter()
                .find(|x| x.urn() == b.urn())
                .and_then(|x| x.queued());
            // a publishes its wait after it sent the job b is blocked in: look for it too.
            let a_waits = s.actors().iter().any(|x| {
            x.urn() == a.urn()
                && matches!(x.state(), ActorState::Waiting { waiting_for: WaitingFor::ReplyOf(l), .. } if **l == *b.to_string())
        });
            thread_waits && a_waits && b_queued.is_some_and(|n| n >= 2)
        },
    );
    let text = snapshot.to_string();
    let status = |x: &ActorRef<Node>| {
        snapshot
            .actors()
            .iter()
            .find(|s| s.urn() == x.urn())
            .unwrap()
            .clone()
    };
    let (sa, sb) = (status(&a), status(&b));
    assert_eq!(sa.name(), "Node");
    assert_eq!(sa.runtime(), R::NAME);
    assert!(
        matches!(sa.state(), ActorState::Waiting { waiting_for: WaitingFor::ReplyOf(l), .. } if **l == *b.to_string()),
        "{text}"
    );
    assert!(
        matches!(
            sb.state(),
            ActorState::Waiting {
                waiting_for: WaitingFor::Event,
                ..
            }
        ),
        "{text}"
    );
    assert_eq!(sb.handled(), Some(1), "{text}");
    assert!(
        text.contains(&a.to_string()) && text.contains("snapshot-waiter"),
        "{text}"
    );
    assert!(
        text.contains(&format!("waiting for the reply of {b}")),
        "{text}"
    );
    gate.set();
    reply.take_timeout(TIMEOUT).unwrap();
    for r in queued {
        assert_eq!(r.take_timeout(TIMEOUT).unwrap(), "pong");
    }
    waiter.join().unwrap().unwrap();
    // With nothing left to do, both show as idle.
    for actor in [&a, &b] {
        snapshot_until(&format!("{actor} idle"), |s| {
            s.actors()
                .iter()
                .any(|x| x.urn() == actor.urn() && *x.state() == ActorState::Idle)
        });
    }
    // A stopped actor leaves the snapshot (once its loop has ended).
    a.stop();
    snapshot_until("the stopped actor gone", |s| {
        s.actors().iter().all(|x| x.urn() != a.urn())
    });
}

/// `log_actor_states` logs one ERROR record per actor (with its backend and state), on
/// target `pykka`, and a summary line.
pub fn log_actor_states_logs_every_actor_at_error<R: Runtime>(rt: R) {
    let capture = crate::support::log_capture();
    let fx = Fixture::new(rt);
    let a = fx.start(Node::default());
    let gate = Event::new();
    let reply = a.ask_nonblocking(gated(&gate));
    wait_until_waiting(&a, "waiting for an event", |w| *w == WaitingFor::Event);
    debug::log_actor_states();
    let records = capture.records(a.urn(), log::Level::Error);
    gate.set();
    reply.take_timeout(TIMEOUT).unwrap();
    let expected = format!("{a} [{}]: waiting for an event", R::NAME);
    assert!(
        records
            .iter()
            .any(|r| r.target == "pykka" && r.message.starts_with(&expected)),
        "no record starting with {expected:?}: {records:?}"
    );
}

/// Cases with actors of two runtimes, run by [`cross_suite!`](crate::cross_suite).
pub mod cross {
    use super::*;

    /// Two- and three-actor cycles through actors of both runtimes are refused with
    /// the whole cycle, and nothing else is.
    pub fn ask_cycles_across_runtimes<A: Runtime, B: Runtime>(a: A, b: B) {
        let (fa, fb) = (Fixture::new(a), Fixture::new(b));
        let (x, y) = (fa.start(Node::default()), fb.start(Node::default()));
        assert_eq!(two_cycle(&x, &y), format!("ok:{}", deadlock_of(&[&y, &x])));
        assert_eq!(two_cycle(&y, &x), format!("ok:{}", deadlock_of(&[&x, &y])));
        let z = fa.start(Node::default());
        assert_eq!(
            three_cycle(&x, &y, &z),
            format!("ok:ok:{}", deadlock_of(&[&z, &x, &y]))
        );
        assert_eq!(pings(&x), "0");
        assert_eq!(pings(&y), "0");
        // A chain that is not a cycle still works.
        let chain = x.ask_timeout(asking(&y, asking(&z, NodeMsg::Ping)), TIMEOUT);
        assert_eq!(chain.unwrap(), "ok:ok:pong");
    }
}
