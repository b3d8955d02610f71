//! The Savina benchmarks on xtra: pingpong, counting, the two fork-joins and
//! threadring (chameneos, big and logmap are in `savina_xtra_mesh.rs`).
//!
//! Actors are tasks of a tokio multi-thread runtime (one worker per core) with
//! unbounded mailboxes. A tell is `send(..).detach().await`, which returns once the
//! message is queued; an actor knows its own (weak) address from its mailbox. An
//! actor stops on [`Stop`] or by itself (`stop_self`); the runner waits for `join`, so
//! that no actor outlives its run.
//!
//! xtra 0.6 keeps a mailbox as one binary heap by priority, which hands out messages
//! of equal priority in no particular order (its documentation promises send order
//! for the default priority; xtra issue #225). Where the protocol needs a stream of
//! messages from one sender handled in order (counting's increments before the
//! retrieve, logmap's `Next`s before the `Report`), the sender tells [`InOrder`]:
//! every message a lower priority than the one before.

use xtra::refcount::RefCounter;
use xtra::{Actor, Address, Context, Handler, Mailbox, WeakAddress};

use crate::kameo_peer::tokio_runtime;
use crate::savina::params::*;
use crate::savina::{Outcome, Runner, Savina, Tally, Timer, bounded};
use crate::savina_xtra_mesh as mesh;

pub struct Xtra(pub(crate) tokio::runtime::Runtime);

/// Asks an actor to stop after the message it is handling.
pub(crate) struct Stop;

/// Declares actor types that need nothing when they stop and stop on [`Stop`].
macro_rules! actors {
    ($($t:ty),*) => {
        $(impl xtra::Actor for $t {
            type Stop = ();
            async fn stopped(self) {}
        }

        impl xtra::Handler<$crate::savina_xtra::Stop> for $t {
            type Return = ();
            async fn handle(&mut self, _: $crate::savina_xtra::Stop, ctx: &mut xtra::Context<Self>) {
                ctx.stop_self();
            }
        })*
    };
}
pub(crate) use actors;

impl Xtra {
    pub(crate) fn start<A: Actor<Stop = ()>>(&self, a: A) -> Address<A> {
        let _in_runtime = self.0.enter();
        xtra::spawn_tokio(a, Mailbox::unbounded())
    }

    /// Runs the runner's part of a run (its tells are futures) on the main thread.
    pub(crate) fn block_on<T>(&self, f: impl Future<Output = T>) -> T {
        self.0.block_on(f)
    }

    /// Stops `actors` and waits until they are gone.
    pub(crate) fn stop<A: Handler<Stop, Return = ()>>(
        &self,
        actors: &[Address<A>],
    ) -> Result<(), String> {
        self.block_on(async {
            for a in actors {
                tell(a, Stop).await;
            }
        });
        self.gone(actors)
    }

    /// Waits until `actors`, which stop by themselves, are gone.
    pub(crate) fn gone<A: Actor>(&self, actors: &[Address<A>]) -> Result<(), String> {
        self.block_on(bounded("stopping", async {
            for a in actors {
                a.join().await;
            }
        }))
    }
}

/// A tell. A receiver that is gone leaves the run without its done, which the
/// runner's bound reports.
pub(crate) async fn tell<A, M, Rc>(to: &Address<A, Rc>, m: M)
where
    A: Handler<M, Return = ()>,
    M: Send + 'static,
    Rc: RefCounter,
{
    let _ = to.send(m).detach().await;
}

/// Tells whose messages are handled in the order they are sent (see the module's
/// documentation): each has a lower priority than the one before, all above the
/// default priority, 0.
pub(crate) struct InOrder(u32);

impl InOrder {
    pub(crate) fn new() -> InOrder {
        InOrder(u32::MAX)
    }

    pub(crate) async fn tell<A, M, Rc>(&mut self, to: &Address<A, Rc>, m: M)
    where
        A: Handler<M, Return = ()>,
        M: Send + 'static,
        Rc: RefCounter,
    {
        self.0 -= 1;
        let _ = to.send(m).priority(self.0).detach().await;
    }
}

/// The actor's own address (weak: the runner keeps the strong ones).
pub(crate) fn me<A: Actor>(ctx: &Context<A>) -> WeakAddress<A> {
    ctx.mailbox().address()
}

/// A number for a sink.
pub(crate) struct Done(pub u64);

/// Adds up what it is told, then hands the sum to the runner.
pub(crate) struct Sink(pub Tally);

impl Handler<Done> for Sink {
    type Return = ();
    async fn handle(&mut self, Done(n): Done, _: &mut Context<Self>) {
        self.0.add(n);
    }
}

pub(crate) struct Start;

actors!(
    Sink, Pinger, Ponger, Counter, Producer, FjWorker, Once, RingNode
);

// pingpong

/// The Ping actor.
struct Pinger {
    pong: Address<Ponger>,
    pongs: u64,
    runner: Runner,
}

/// The Pong actor.
struct Ponger;

struct Ping(WeakAddress<Pinger>);
struct Pong;

impl Handler<Start> for Pinger {
    type Return = ();
    async fn handle(&mut self, _: Start, ctx: &mut Context<Self>) {
        tell(&self.pong, Ping(me(ctx))).await;
    }
}

impl Handler<Pong> for Pinger {
    type Return = ();
    async fn handle(&mut self, _: Pong, ctx: &mut Context<Self>) {
        self.pongs += 1;
        if self.pongs == PINGPONG_N {
            self.runner.done(self.pongs);
        } else {
            tell(&self.pong, Ping(me(ctx))).await;
        }
    }
}

impl Handler<Ping> for Ponger {
    type Return = ();
    async fn handle(&mut self, Ping(from): Ping, _: &mut Context<Self>) {
        tell(&from, Pong).await;
    }
}

// counting

#[derive(Default)]
struct Counter(u64);

struct Producer {
    counter: Address<Counter>,
    runner: Runner,
}

struct Increment;
struct Retrieve(WeakAddress<Producer>);
/// Named `Result` in the protocol.
struct Count(u64);

impl Handler<Increment> for Counter {
    type Return = ();
    async fn handle(&mut self, _: Increment, _: &mut Context<Self>) {
        self.0 += 1;
    }
}

impl Handler<Retrieve> for Counter {
    type Return = ();
    async fn handle(&mut self, Retrieve(producer): Retrieve, _: &mut Context<Self>) {
        tell(&producer, Count(self.0)).await;
    }
}

impl Handler<Start> for Producer {
    type Return = ();
    async fn handle(&mut self, _: Start, ctx: &mut Context<Self>) {
        let mut in_order = InOrder::new();
        for _ in 0..COUNTING_N {
            in_order.tell(&self.counter, Increment).await;
        }
        in_order.tell(&self.counter, Retrieve(me(ctx))).await;
    }
}

impl Handler<Count> for Producer {
    type Return = ();
    async fn handle(&mut self, Count(n): Count, _: &mut Context<Self>) {
        self.runner.done(n);
    }
}

// the fork-joins

struct Work;

/// An `fjthroughput` worker: computes for each `Work`, reports after the last.
struct FjWorker {
    left: u64,
    processed: u64,
    sink: Address<Sink>,
}

impl Handler<Work> for FjWorker {
    type Return = ();
    async fn handle(&mut self, _: Work, _: &mut Context<Self>) {
        std::hint::black_box(compute(THETA));
        self.processed += 1;
        self.left -= 1;
        if self.left == 0 {
            tell(&self.sink, Done(self.processed)).await;
        }
    }
}

/// An `fjcreation` actor: computes once, reports, stops itself.
struct Once(Address<Sink>);

impl Handler<Work> for Once {
    type Return = ();
    async fn handle(&mut self, _: Work, ctx: &mut Context<Self>) {
        std::hint::black_box(compute(THETA));
        tell(&self.0, Done(1)).await;
        ctx.stop_self();
    }
}

// threadring

struct RingNode {
    index: u64,
    next: Option<Address<RingNode>>,
    runner: Runner,
}

struct Link(Address<RingNode>);
struct Token(u64);

impl Handler<Link> for RingNode {
    type Return = ();
    async fn handle(&mut self, Link(next): Link, _: &mut Context<Self>) {
        self.next = Some(next);
    }
}

impl Handler<Token> for RingNode {
    type Return = ();
    async fn handle(&mut self, Token(n): Token, _: &mut Context<Self>) {
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

impl Savina for Xtra {
    fn new() -> Self {
        Xtra(tokio_runtime())
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
        self.block_on(tell(&ping, Start));
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
        self.block_on(tell(&producer, Start));
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
        self.block_on(async {
            for _ in 0..FJ_MESSAGES {
                for w in &workers {
                    tell(w, Work).await;
                }
            }
        });
        let measured = timer.wait()?;
        self.stop(&workers)?;
        self.stop(&[sink])?;
        Ok(measured)
    }

    fn fj_creation(&self) -> Outcome {
        let mut timer = Timer::new();
        let sink = self.start(Sink(Tally::new(FJC_ACTORS, timer.runner())));
        timer.start();
        // The runner keeps every strong address: an xtra actor with none left stops,
        // possibly before it handles its queued `Work`.
        let started = self.block_on(async {
            let mut started = Vec::with_capacity(FJC_ACTORS as usize);
            for _ in 0..FJC_ACTORS {
                let once = self.start(Once(sink.clone()));
                tell(&once, Work).await;
                started.push(once);
            }
            started
        });
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
        self.block_on(async {
            for (i, node) in nodes.iter().enumerate() {
                tell(node, Link(nodes[(i + 1) % nodes.len()].clone())).await;
            }
        });
        timer.start();
        self.block_on(tell(&nodes[0], Token(RING_HOPS)));
        let measured = timer.wait()?;
        self.stop(&nodes)?;
        Ok(measured)
    }
}
