//! The Savina benchmarks on kameo: pingpong, counting, the two fork-joins and
//! threadring (chameneos, big and logmap are in `savina_kameo_mesh.rs`).
//!
//! Actors are tasks of a tokio multi-thread runtime (one worker per core) with
//! unbounded mailboxes, as in `kameo_peer.rs`. Actors tell with `tell(..).await`
//! (immediate on an unbounded mailbox); the runner, on the main thread, with
//! `tell(..).try_send()`. An actor stops with `stop_gracefully` (after what it has
//! queued) or by itself with `Context::stop`; the runner waits for
//! `wait_for_shutdown`, so that no actor outlives its run.

use kameo::Actor;
use kameo::actor::{ActorRef, Spawn};
use kameo::mailbox;
use kameo::message::{Context, Message};

use crate::kameo_peer::tokio_runtime;
use crate::savina::params::*;
use crate::savina::{Outcome, Runner, Savina, Tally, Timer, bounded};
use crate::savina_kameo_mesh as mesh;

pub struct Kameo(pub(crate) tokio::runtime::Runtime);

impl Kameo {
    pub(crate) fn start<A: Actor<Args = A>>(&self, a: A) -> ActorRef<A> {
        let _in_runtime = self.0.enter();
        A::spawn_with_mailbox(a, mailbox::unbounded())
    }

    /// Stops `actors` after what they have queued and waits until they are gone.
    pub(crate) fn stop<A: Actor>(&self, actors: &[ActorRef<A>]) -> Result<(), String> {
        self.0.block_on(bounded("stopping", async {
            for a in actors {
                // An actor that is gone already cannot be stopped: nothing to do.
                let _ = a.stop_gracefully().await;
            }
            for a in actors {
                a.wait_for_shutdown().await;
            }
        }))
    }

    /// Waits until `actors`, which stop by themselves, are gone.
    pub(crate) fn gone<A: Actor>(&self, actors: &[ActorRef<A>]) -> Result<(), String> {
        self.0.block_on(bounded("stopping", async {
            for a in actors {
                a.wait_for_shutdown().await;
            }
        }))
    }
}

/// A tell from the runner (not an actor): queued at once on an unbounded mailbox.
pub(crate) fn tell_from_runner<A, M>(to: &ActorRef<A>, m: M) -> Result<(), String>
where
    A: Actor + Message<M>,
    M: Send + 'static,
{
    to.tell(m)
        .try_send()
        .map_err(|_| "a tell from the runner found its actor gone".to_string())
}

/// A tell from an actor. A receiver that is gone leaves the run without its done,
/// which the runner's bound reports.
pub(crate) async fn tell<A, M>(to: &ActorRef<A>, m: M)
where
    A: Actor + Message<M>,
    M: Send + 'static,
{
    let _ = to.tell(m).await;
}

/// A number for a sink.
pub(crate) struct Done(pub u64);

/// Adds up what it is told, then hands the sum to the runner.
#[derive(Actor)]
pub(crate) struct Sink(pub Tally);

impl Message<Done> for Sink {
    type Reply = ();
    async fn handle(&mut self, Done(n): Done, _: &mut Context<Self, ()>) {
        self.0.add(n);
    }
}

pub(crate) struct Start;

// pingpong

/// The Ping actor.
#[derive(Actor)]
struct Pinger {
    pong: ActorRef<Ponger>,
    pongs: u64,
    runner: Runner,
}

/// The Pong actor.
#[derive(Actor)]
struct Ponger;

struct Ping(ActorRef<Pinger>);
struct Pong;

impl Message<Start> for Pinger {
    type Reply = ();
    async fn handle(&mut self, _: Start, ctx: &mut Context<Self, ()>) {
        tell(&self.pong, Ping(ctx.actor_ref().clone())).await;
    }
}

impl Message<Pong> for Pinger {
    type Reply = ();
    async fn handle(&mut self, _: Pong, ctx: &mut Context<Self, ()>) {
        self.pongs += 1;
        if self.pongs == PINGPONG_N {
            self.runner.done(self.pongs);
        } else {
            tell(&self.pong, Ping(ctx.actor_ref().clone())).await;
        }
    }
}

impl Message<Ping> for Ponger {
    type Reply = ();
    async fn handle(&mut self, Ping(from): Ping, _: &mut Context<Self, ()>) {
        tell(&from, Pong).await;
    }
}

// counting

#[derive(Actor, Default)]
struct Counter(u64);

#[derive(Actor)]
struct Producer {
    counter: ActorRef<Counter>,
    runner: Runner,
}

struct Increment;
struct Retrieve(ActorRef<Producer>);
/// Named `Result` in the protocol.
struct Count(u64);

impl Message<Increment> for Counter {
    type Reply = ();
    async fn handle(&mut self, _: Increment, _: &mut Context<Self, ()>) {
        self.0 += 1;
    }
}

impl Message<Retrieve> for Counter {
    type Reply = ();
    async fn handle(&mut self, Retrieve(producer): Retrieve, _: &mut Context<Self, ()>) {
        tell(&producer, Count(self.0)).await;
    }
}

impl Message<Start> for Producer {
    type Reply = ();
    async fn handle(&mut self, _: Start, ctx: &mut Context<Self, ()>) {
        for _ in 0..COUNTING_N {
            tell(&self.counter, Increment).await;
        }
        tell(&self.counter, Retrieve(ctx.actor_ref().clone())).await;
    }
}

impl Message<Count> for Producer {
    type Reply = ();
    async fn handle(&mut self, Count(n): Count, _: &mut Context<Self, ()>) {
        self.runner.done(n);
    }
}

// the fork-joins

struct Work;

/// An `fjthroughput` worker: computes for each `Work`, reports after the last.
#[derive(Actor)]
struct FjWorker {
    left: u64,
    processed: u64,
    sink: ActorRef<Sink>,
}

impl Message<Work> for FjWorker {
    type Reply = ();
    async fn handle(&mut self, _: Work, _: &mut Context<Self, ()>) {
        std::hint::black_box(compute(THETA));
        self.processed += 1;
        self.left -= 1;
        if self.left == 0 {
            tell(&self.sink, Done(self.processed)).await;
        }
    }
}

/// An `fjcreation` actor: computes once, reports, stops itself.
#[derive(Actor)]
struct Once(ActorRef<Sink>);

impl Message<Work> for Once {
    type Reply = ();
    async fn handle(&mut self, _: Work, ctx: &mut Context<Self, ()>) {
        std::hint::black_box(compute(THETA));
        tell(&self.0, Done(1)).await;
        ctx.stop();
    }
}

// threadring

#[derive(Actor)]
struct RingNode {
    index: u64,
    next: Option<ActorRef<RingNode>>,
    runner: Runner,
}

struct Link(ActorRef<RingNode>);
struct Token(u64);

impl Message<Link> for RingNode {
    type Reply = ();
    async fn handle(&mut self, Link(next): Link, _: &mut Context<Self, ()>) {
        self.next = Some(next);
    }
}

impl Message<Token> for RingNode {
    type Reply = ();
    async fn handle(&mut self, Token(n): Token, _: &mut Context<Self, ()>) {
        match (n, &self.next) {
            (0, _) => self.runner.done(self.index),
            (_, Some(next)) => tell(next, Token(n - 1)).await,
            (_, None) => self
                .runner
                .fail(format!("node {} is not linked", self.index)),
        }
    }
}

// the runs

impl Savina for Kameo {
    fn new() -> Self {
        Kameo(tokio_runtime())
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
        tell_from_runner(&ping, Start)?;
        let measured = timer.wait()?;
        self.stop(&[ping])?;
        self.stop(&[pong])?;
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
        tell_from_runner(&producer, Start)?;
        let measured = timer.wait()?;
        self.stop(&[producer])?;
        self.stop(&[counter])?;
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
                tell_from_runner(w, Work)?;
            }
        }
        let measured = timer.wait()?;
        self.stop(&workers)?;
        self.stop(&[sink])?;
        Ok(measured)
    }

    fn fj_creation(&self) -> Outcome {
        let mut timer = Timer::new();
        let sink = self.start(Sink(Tally::new(FJC_ACTORS, timer.runner())));
        timer.start();
        // The runner keeps every reference, as on the other libraries (where an actor
        // whose last reference goes may stop before it handles its queued `Work`).
        let started = (0..FJC_ACTORS)
            .map(|_| {
                let once = self.start(Once(sink.clone()));
                tell_from_runner(&once, Work)?;
                Ok(once)
            })
            .collect::<Result<Vec<_>, String>>()?;
        let measured = timer.wait()?;
        self.gone(&started)?;
        self.stop(&[sink])?;
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
            tell_from_runner(node, Link(nodes[(i + 1) % nodes.len()].clone()))?;
        }
        timer.start();
        tell_from_runner(&nodes[0], Token(RING_HOPS))?;
        let measured = timer.wait()?;
        self.stop(&nodes)?;
        Ok(measured)
    }
}
