//! Actors and checks shared by the integration tests of the backends whose handlers
//! block inside coroutines or executor tasks (green, smol, and chains that mix them
//! with threads). Each test file is its own process, so each can give may a different
//! worker count; [`worker_count_tests!`] is what every such file runs.
#![allow(dead_code, unreachable_pub, unused_imports, unused_macros)]

use std::time::Duration;

use pykka_core::{
    Actor, ActorRef, ActorRegistry, AskError, Context, Event, Failure, Runtime, get_all_timeout,
};

/// Generous bound for every wait: a bug fails in seconds, never hangs.
pub const BOUND: Duration = Duration::from_secs(20);

/// A green runtime with the default settings, for the tests' actors.
///
/// The tests keep `GreenRuntime::new`'s contract: the actors they start on green
/// runtimes (this module's `Link`, `Waiter`, `Setter`, `Whoami`, `Cell` and `Boss`, the
/// test files' own, and pykka-core's conformance suite) hold no std guard, stdout lock
/// or thread-local borrow across a wait (the locks they take, on an order list, a log
/// capture or a registry, are released before they wait again), never wait while
/// unwinding, and never rely on the thread staying the same across a wait: `Whoami`
/// reads `thread::current()` once, after its wait, only to report where it ran.
pub fn green_runtime() -> pykka_green::GreenRuntime {
    // SAFETY: the tests' actors keep no thread-bound state across waits and never rely
    // on their thread staying the same (the argument is in the doc comment above).
    unsafe { pykka_green::GreenRuntime::new() }
}

/// A green runtime from `builder`'s settings, for the tests' actors (or why not).
pub fn build_green(
    builder: pykka_green::GreenRuntimeBuilder,
) -> Result<pykka_green::GreenRuntime, pykka_green::ConfigError> {
    // SAFETY: the same actors as for `green_runtime`, under the same argument (see its
    // doc comment).
    unsafe { builder.build() }
}

/// How a [`Link`] waits for the next link's answer.
#[derive(Debug, Clone, Copy)]
pub enum Wait {
    Ask,
    AskTimeout,
    Get,
    GetTimeout,
    Take,
}

/// One link of a chain: asks the next link and waits, then answers hops + 1.
pub struct Link {
    pub next: Option<ActorRef<Link>>,
    pub wait: Wait,
}

impl Actor for Link {
    type Message = u32;
    type Reply = u32;
    fn on_receive(&mut self, hops: u32, _: &Context<Self>) -> Result<u32, Failure> {
        let Some(next) = &self.next else {
            return Ok(hops + 1);
        };
        let answer = match self.wait {
            Wait::Ask => next.ask(hops + 1),
            Wait::AskTimeout => next.ask_timeout(hops + 1, BOUND),
            Wait::Get => next.ask_nonblocking(hops + 1).get(),
            Wait::GetTimeout => next.ask_nonblocking(hops + 1).get_timeout(BOUND),
            Wait::Take => next.ask_nonblocking(hops + 1).take(),
        };
        answer.map_err(|e| Failure::msg(e.to_string()))
    }
}

/// Starts a chain of `len` links on `rt`; returns the head and every link.
pub fn chain<R: Runtime>(rt: &R, len: usize, wait: Wait) -> (ActorRef<Link>, Vec<ActorRef<Link>>) {
    let mut links = Vec::new();
    let mut next = None;
    for _ in 0..len {
        let link = Link {
            next: next.take(),
            wait,
        }
        .start(rt)
        .unwrap();
        links.push(link.clone());
        next = Some(link);
    }
    (next.unwrap(), links)
}

/// Runs a chain of `len` links on `rt`: every link but the last is blocked on the
/// next one's reply at the same time. Asserts the answer and stops every link.
pub fn blocking_chain<R: Runtime>(rt: &R, len: usize, wait: Wait) {
    let (head, links) = chain(rt, len, wait);
    assert_eq!(head.ask_timeout(0, BOUND).unwrap(), len as u32);
    for link in &links {
        assert!(link.stop_timeout(BOUND).unwrap());
    }
}

/// Waits on an [`Event`] inside its handler; answers whether it was set in time.
pub struct Waiter {
    pub event: Event,
}

impl Actor for Waiter {
    type Message = Duration;
    type Reply = bool;
    fn on_receive(&mut self, timeout: Duration, _: &Context<Self>) -> Result<bool, Failure> {
        Ok(self.event.wait_timeout(timeout))
    }
}

/// Sets an [`Event`] when told to.
pub struct Setter {
    pub event: Event,
}

impl Actor for Setter {
    type Message = ();
    type Reply = ();
    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> {
        self.event.set();
        Ok(())
    }
}

/// Answers the OS thread its handler ran on, and whether asking itself is refused
/// as a deadlock (which shows that core sees the coroutine, not the thread).
pub struct Whoami {
    pub peer: Option<ActorRef<Whoami>>,
}

#[derive(Debug, Clone)]
pub struct Seen {
    pub thread: std::thread::ThreadId,
    pub self_ask_is_deadlock: bool,
    pub peer_answered: bool,
}

impl Actor for Whoami {
    type Message = ();
    type Reply = Seen;
    fn on_receive(&mut self, (): (), ctx: &Context<Self>) -> Result<Seen, Failure> {
        // Park first (on the peer's reply), so a move to another worker can happen.
        let peer_answered = match &self.peer {
            Some(peer) => peer.ask_timeout((), BOUND).is_ok(),
            None => true,
        };
        let self_ask_is_deadlock = matches!(ctx.actor_ref().ask(()), Err(AskError::Deadlock(_)));
        Ok(Seen {
            thread: std::thread::current().id(),
            self_ask_is_deadlock,
            peer_answered,
        })
    }
}

/// A plain value holder, for proxy field writes.
#[derive(Default)]
pub struct Cell {
    pub value: u64,
}

impl Actor for Cell {
    type Message = ();
    type Reply = ();
}

/// A blocking operation for [`Boss`] to run inside its handler.
pub enum Op {
    /// `stop()` another actor and wait.
    Stop(ActorRef<Setter>),
    /// `stop_all()` of a registry and wait.
    StopAll(ActorRegistry),
    /// Ask every link without waiting, then `get_all` the replies.
    GetAll(Vec<ActorRef<Link>>),
    /// Write a field through a proxy (which waits), then read it back.
    SetField(ActorRef<Cell>, u64),
    /// Wait for an event that another actor sets.
    WaitEvent(Event, ActorRef<Setter>),
}

/// Runs one [`Op`] per message and answers what it observed.
pub struct Boss;

impl Actor for Boss {
    type Message = Op;
    type Reply = Vec<u64>;
    fn on_receive(&mut self, op: Op, _: &Context<Self>) -> Result<Vec<u64>, Failure> {
        let fail = |e: AskError| Failure::msg(e.to_string());
        Ok(match op {
            Op::Stop(other) => vec![u64::from(other.stop())],
            Op::StopAll(registry) => registry.stop_all().into_iter().map(u64::from).collect(),
            Op::GetAll(links) => {
                let replies: Vec<_> = links.iter().map(|l| l.ask_nonblocking(0)).collect();
                get_all_timeout(&replies, BOUND)
                    .map_err(fail)?
                    .into_iter()
                    .map(u64::from)
                    .collect()
            }
            Op::SetField(cell, value) => {
                let proxy = cell.proxy().map_err(|e| Failure::msg(e.to_string()))?;
                proxy
                    .set_field(|c: &mut Cell| &mut c.value, value)
                    .map_err(fail)?;
                vec![
                    proxy
                        .field(|c: &Cell| &c.value)
                        .get_timeout(BOUND)
                        .map_err(fail)?,
                ]
            }
            Op::WaitEvent(event, setter) => {
                setter.tell(()).map_err(|e| Failure::msg(e.to_string()))?;
                vec![u64::from(event.wait_timeout(BOUND))]
            }
        })
    }
}

/// Every blocking operation of core, run inside a green actor while the actors it
/// waits for need the same (possibly single) worker thread.
pub fn blocking_everywhere<R: Runtime>(rt: &R) {
    let boss = Boss.start(rt).unwrap();
    let ask = |op| boss.ask_timeout(op, BOUND).unwrap();

    let event = Event::new();
    let setter = Setter {
        event: event.clone(),
    }
    .start(rt)
    .unwrap();
    assert_eq!(ask(Op::WaitEvent(event, setter.clone())), vec![1]);
    assert_eq!(ask(Op::Stop(setter.clone())), vec![1]);
    assert!(!setter.is_alive());

    let (_, links) = chain(rt, 3, Wait::Ask);
    assert_eq!(ask(Op::GetAll(links.clone())), vec![1, 2, 3]);

    let cell = Cell::default().start(rt).unwrap();
    assert_eq!(ask(Op::SetField(cell.clone(), 42)), vec![42]);

    let registry = ActorRegistry::new();
    for _ in 0..5 {
        registry
            .start(
                rt,
                Setter {
                    event: Event::new(),
                },
            )
            .unwrap();
    }
    assert_eq!(ask(Op::StopAll(registry.clone())), vec![1; 5]);
    assert!(registry.get_all().is_empty());

    for link in &links {
        link.stop();
    }
    cell.stop();
    assert!(boss.stop());
}

/// An ask that times out inside a green actor (the coroutine parks with a deadline),
/// and the actor goes on working afterwards.
pub fn timeout_inside<R: Runtime>(rt: &R) {
    let gate = Event::new();
    let busy = Waiter {
        event: gate.clone(),
    }
    .start(rt)
    .unwrap();
    // `busy` sits in its handler until `gate` is set.
    let _pending = busy.ask_nonblocking(BOUND);

    struct Impatient(ActorRef<Waiter>);
    impl Actor for Impatient {
        type Message = ();
        type Reply = bool;
        fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<bool, Failure> {
            let r = self
                .0
                .ask_timeout(Duration::from_millis(50), Duration::from_millis(50));
            Ok(matches!(r, Err(AskError::Timeout(_))))
        }
    }
    let impatient = Impatient(busy.clone()).start(rt).unwrap();
    assert!(
        impatient.ask_timeout((), BOUND).unwrap(),
        "the inner ask timed out"
    );
    gate.set();
    // Both are still healthy: the timed-out coroutine resumed and handles more.
    assert!(busy.ask_timeout(Duration::ZERO, BOUND).is_ok());
    assert!(impatient.stop_timeout(BOUND).unwrap());
    assert!(busy.stop_timeout(BOUND).unwrap());
}

/// The blocking tests that every worker-count file runs, on the runtime that `$rt`
/// makes: chains of 64 with every kind of wait, several chains at once, every blocking
/// operation inside an actor, a timeout inside an actor, and the conformance chain.
macro_rules! worker_count_tests {
    ($rt:expr) => {
        #[test]
        fn chain_of_64_with_ask() {
            crate::common::blocking_chain(&$rt, 64, crate::common::Wait::Ask);
        }

        #[test]
        fn chain_of_64_with_every_kind_of_wait() {
            use crate::common::Wait;
            let rt = $rt;
            for wait in [Wait::AskTimeout, Wait::Get, Wait::GetTimeout, Wait::Take] {
                crate::common::blocking_chain(&rt, 64, wait);
            }
        }

        #[test]
        fn several_chains_at_once() {
            let rt = $rt;
            let callers: Vec<_> = (0..4)
                .map(|_| {
                    let rt = rt.clone();
                    std::thread::spawn(move || {
                        crate::common::blocking_chain(&rt, 32, crate::common::Wait::Ask)
                    })
                })
                .collect();
            for caller in callers {
                caller.join().unwrap();
            }
        }

        #[test]
        fn every_blocking_operation_inside_an_actor() {
            crate::common::blocking_everywhere(&$rt);
        }

        #[test]
        fn timeout_inside_an_actor() {
            crate::common::timeout_inside(&$rt);
        }

        #[test]
        fn conformance_blocking_chain_of_64() {
            pykka_conformance::stress::blocking_chain($rt, 64);
        }
    };
}
pub(crate) use worker_count_tests;
