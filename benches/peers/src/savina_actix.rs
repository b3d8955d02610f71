//! The Savina benchmarks on actix: pingpong, counting, the two fork-joins and
//! threadring (chameneos, big and logmap are in `savina_actix_mesh.rs`).
//!
//! Every actor runs on one arbiter, actix's single-threaded event loop, on a thread of
//! its own, as in `actix_peer.rs`. The runner, on the main thread, starts actors with
//! `start_in_arbiter` and tells with `do_send`, which queues whatever the mailbox's
//! capacity, as do the actors' tells. An actor stops on [`Stop`] (or by itself); the
//! runner then waits until its mailbox is gone, so that no actor outlives its run.

use std::time::{Duration, Instant};

use actix::prelude::*;

use crate::savina::params::*;
use crate::savina::{Outcome, Runner, Savina, Tally, Timer};
use crate::savina_actix_mesh as mesh;

pub struct Actix {
    arbiter: actix_rt::ArbiterHandle,
}

impl Actix {
    pub(crate) fn start<A: Actor<Context = Context<A>> + Send>(&self, a: A) -> Addr<A> {
        A::start_in_arbiter(&self.arbiter, move |_| a)
    }
}

/// Asks an actor to stop after what it has queued.
#[derive(Message)]
#[rtype(result = "()")]
pub(crate) struct Stop;

/// Declares actor types on a [`Context`] that stop on [`Stop`].
macro_rules! actors {
    ($($t:ty),*) => {
        $(impl actix::Actor for $t {
            type Context = actix::Context<Self>;
        }

        impl actix::Handler<$crate::savina_actix::Stop> for $t {
            type Result = ();
            fn handle(&mut self, _: $crate::savina_actix::Stop, ctx: &mut actix::Context<Self>) {
                actix::ActorContext::stop(ctx);
            }
        })*
    };
}
pub(crate) use actors;

/// Tells `actors` to stop and waits until they are gone.
pub(crate) fn stop<A>(actors: &[Addr<A>]) -> Result<(), String>
where
    A: Actor<Context = Context<A>> + Handler<Stop>,
{
    for a in actors {
        a.do_send(Stop);
    }
    gone(actors)
}

/// Waits (at most `RUN_BOUND`) until every one of `actors` has stopped: actix closes
/// an actor's mailbox when it is gone, which its addresses see.
pub(crate) fn gone<A: Actor>(actors: &[Addr<A>]) -> Result<(), String> {
    let deadline = Instant::now() + RUN_BOUND;
    for a in actors {
        while a.connected() {
            if Instant::now() > deadline {
                return Err(format!("actors still running after {RUN_BOUND:?}"));
            }
            std::thread::sleep(Duration::from_micros(50));
        }
    }
    Ok(())
}

/// A number for a sink.
#[derive(Message)]
#[rtype(result = "()")]
pub(crate) struct Done(pub u64);

/// Adds up what it is told, then hands the sum to the runner.
pub(crate) struct Sink(pub Tally);

impl Handler<Done> for Sink {
    type Result = ();
    fn handle(&mut self, Done(n): Done, _: &mut Context<Self>) {
        self.0.add(n);
    }
}

#[derive(Message)]
#[rtype(result = "()")]
pub(crate) struct Start;

actors!(
    Sink, Pinger, Ponger, Counter, Producer, FjWorker, Once, RingNode
);

// pingpong

/// The Ping actor.
struct Pinger {
    pong: Addr<Ponger>,
    pongs: u64,
    runner: Runner,
}

/// The Pong actor.
struct Ponger;

#[derive(Message)]
#[rtype(result = "()")]
struct Ping(Addr<Pinger>);

#[derive(Message)]
#[rtype(result = "()")]
struct Pong;

impl Handler<Start> for Pinger {
    type Result = ();
    fn handle(&mut self, _: Start, ctx: &mut Context<Self>) {
        self.pong.do_send(Ping(ctx.address()));
    }
}

impl Handler<Pong> for Pinger {
    type Result = ();
    fn handle(&mut self, _: Pong, ctx: &mut Context<Self>) {
        self.pongs += 1;
        if self.pongs == PINGPONG_N {
            self.runner.done(self.pongs);
        } else {
            self.pong.do_send(Ping(ctx.address()));
        }
    }
}

impl Handler<Ping> for Ponger {
    type Result = ();
    fn handle(&mut self, Ping(from): Ping, _: &mut Context<Self>) {
        from.do_send(Pong);
    }
}

// counting

#[derive(Default)]
struct Counter(u64);

#[derive(Message)]
#[rtype(result = "()")]
struct Increment;

#[derive(Message)]
#[rtype(result = "()")]
struct Retrieve(Addr<Producer>);

struct Producer {
    counter: Addr<Counter>,
    runner: Runner,
}

/// Named `Result` in the protocol.
#[derive(Message)]
#[rtype(result = "()")]
struct Count(u64);

impl Handler<Increment> for Counter {
    type Result = ();
    fn handle(&mut self, _: Increment, _: &mut Context<Self>) {
        self.0 += 1;
    }
}

impl Handler<Retrieve> for Counter {
    type Result = ();
    fn handle(&mut self, Retrieve(producer): Retrieve, _: &mut Context<Self>) {
        producer.do_send(Count(self.0));
    }
}

impl Handler<Start> for Producer {
    type Result = ();
    fn handle(&mut self, _: Start, ctx: &mut Context<Self>) {
        for _ in 0..COUNTING_N {
            self.counter.do_send(Increment);
        }
        self.counter.do_send(Retrieve(ctx.address()));
    }
}

impl Handler<Count> for Producer {
    type Result = ();
    fn handle(&mut self, Count(n): Count, _: &mut Context<Self>) {
        self.runner.done(n);
    }
}

// the fork-joins

#[derive(Message)]
#[rtype(result = "()")]
struct Work;

/// An `fjthroughput` worker: computes for each `Work`, reports after the last.
struct FjWorker {
    left: u64,
    processed: u64,
    sink: Addr<Sink>,
}

impl Handler<Work> for FjWorker {
    type Result = ();
    fn handle(&mut self, _: Work, _: &mut Context<Self>) {
        std::hint::black_box(compute(THETA));
        self.processed += 1;
        self.left -= 1;
        if self.left == 0 {
            self.sink.do_send(Done(self.processed));
        }
    }
}

/// An `fjcreation` actor: computes once, reports, stops itself.
struct Once(Addr<Sink>);

impl Handler<Work> for Once {
    type Result = ();
    fn handle(&mut self, _: Work, ctx: &mut Context<Self>) {
        std::hint::black_box(compute(THETA));
        self.0.do_send(Done(1));
        ctx.stop();
    }
}

// threadring

struct RingNode {
    index: u64,
    next: Option<Addr<RingNode>>,
    runner: Runner,
}

#[derive(Message)]
#[rtype(result = "()")]
struct Link(Addr<RingNode>);

#[derive(Message)]
#[rtype(result = "()")]
struct Token(u64);

impl Handler<Link> for RingNode {
    type Result = ();
    fn handle(&mut self, Link(next): Link, _: &mut Context<Self>) {
        self.next = Some(next);
    }
}

impl Handler<Token> for RingNode {
    type Result = ();
    fn handle(&mut self, Token(n): Token, _: &mut Context<Self>) {
        match (n, &self.next) {
            (0, _) => self.runner.done(self.index),
            (_, Some(next)) => next.do_send(Token(n - 1)),
            (_, None) => self
                .runner
                .fail(format!("node {} is not linked", self.index)),
        }
    }
}

// the runs

impl Savina for Actix {
    fn new() -> Self {
        Actix {
            arbiter: crate::actix_peer::start_arbiter(),
        }
    }

    fn chameneos(&self) -> Outcome {
        mesh::chameneos(self)
    }

    fn big(&self) -> Outcome {
        mesh::big(self)
    }

    fn logmap(&self) -> Outcome {
        mesh::logmap(self)
    }

    fn pingpong(&self) -> Outcome {
        let mut timer = Timer::new();
        let pong = self.start(Ponger);
        let ping = self.start(Pinger {
            pong: pong.clone(),
            pongs: 0,
            runner: timer.runner(),
        });
        timer.start();
        ping.do_send(Start);
        let measured = timer.wait()?;
        stop(&[ping])?;
        stop(&[pong])?;
        Ok(measured)
    }

    fn counting(&self) -> Outcome {
        let mut timer = Timer::new();
        let counter = self.start(Counter::default());
        let producer = self.start(Producer {
            counter: counter.clone(),
            runner: timer.runner(),
        });
        timer.start();
        producer.do_send(Start);
        let measured = timer.wait()?;
        stop(&[producer])?;
        stop(&[counter])?;
        Ok(measured)
    }

    fn fj_throughput(&self) -> Outcome {
        let mut timer = Timer::new();
        let sink = self.start(Sink(Tally::new(FJ_ACTORS, timer.runner())));
        let workers: Vec<_> = (0..FJ_ACTORS)
            .map(|_| {
                self.start(FjWorker {
                    left: FJ_MESSAGES,
                    processed: 0,
                    sink: sink.clone(),
                })
            })
            .collect();
        timer.start();
        for _ in 0..FJ_MESSAGES {
            for w in &workers {
                w.do_send(Work);
            }
        }
        let measured = timer.wait()?;
        stop(&workers)?;
        stop(&[sink])?;
        Ok(measured)
    }

    fn fj_creation(&self) -> Outcome {
        let mut timer = Timer::new();
        let sink = self.start(Sink(Tally::new(FJC_ACTORS, timer.runner())));
        timer.start();
        // The runner keeps every address: an actix actor with none left may stop
        // before it handles its queued `Work`.
        let started: Vec<_> = (0..FJC_ACTORS)
            .map(|_| {
                let once = self.start(Once(sink.clone()));
                once.do_send(Work);
                once
            })
            .collect();
        let measured = timer.wait()?;
        gone(&started)?;
        stop(&[sink])?;
        Ok(measured)
    }

    fn thread_ring(&self) -> Outcome {
        let mut timer = Timer::new();
        let nodes: Vec<_> = (0..RING_ACTORS)
            .map(|index| {
                self.start(RingNode {
                    index,
                    next: None,
                    runner: timer.runner(),
                })
            })
            .collect();
        for (i, node) in nodes.iter().enumerate() {
            node.do_send(Link(nodes[(i + 1) % nodes.len()].clone()));
        }
        timer.start();
        nodes[0].do_send(Token(RING_HOPS));
        let measured = timer.wait()?;
        stop(&nodes)?;
        Ok(measured)
    }
}
