//! The Savina benchmarks on kameo: actors are tasks of a tokio multi-thread runtime
//! (one worker per core) with unbounded mailboxes; `logmap`'s series awaits its rate
//! actor's `ask` inside its handler.

use std::sync::Arc;
use std::time::Duration;

use kameo::Actor;
use kameo::actor::{ActorRef, Spawn};
use kameo::mailbox;
use kameo::message::{Context, Message};

use crate::kameo_peer::tokio_runtime;
use crate::savina::params::*;
use crate::savina::{Done, Savina, Timer};

pub struct Kameo(tokio::runtime::Runtime);

fn spawn<A: Actor<Args = A>>(rt: &tokio::runtime::Runtime, a: A) -> ActorRef<A> {
    let _g = rt.enter();
    A::spawn_with_mailbox(a, mailbox::unbounded())
}

async fn tell<A, M>(to: &ActorRef<A>, m: M)
where
    A: Actor + Message<M>,
    M: Send + 'static,
{
    let _ = to.tell(m).await;
}

fn stop_all<A: Actor>(rt: &tokio::runtime::Runtime, actors: &[ActorRef<A>]) {
    rt.block_on(async {
        for a in actors {
            let _ = a.stop_gracefully().await;
        }
    });
}

/// Adds up `left` numbers, then hands the sum to the runner.
#[derive(Actor)]
struct Sink {
    left: u64,
    sum: u64,
    done: Done,
}

impl Message<u64> for Sink {
    type Reply = ();
    async fn handle(&mut self, n: u64, _: &mut Context<Self, ()>) {
        self.sum += n;
        self.left -= 1;
        if self.left == 0 {
            let _ = self.done.send(self.sum);
        }
    }
}

// pingpong

#[derive(Actor)]
struct Ping {
    pong: ActorRef<Pong>,
    pongs: u64,
    done: Done,
}
struct Start;
struct PongMsg;
#[derive(Actor)]
struct Pong;
struct PingMsg(ActorRef<Ping>);

impl Message<Start> for Ping {
    type Reply = ();
    async fn handle(&mut self, _: Start, ctx: &mut Context<Self, ()>) {
        tell(&self.pong, PingMsg(ctx.actor_ref().clone())).await;
    }
}

impl Message<PongMsg> for Ping {
    type Reply = ();
    async fn handle(&mut self, _: PongMsg, ctx: &mut Context<Self, ()>) {
        self.pongs += 1;
        if self.pongs == PINGPONG_N {
            let _ = self.done.send(self.pongs);
        } else {
            tell(&self.pong, PingMsg(ctx.actor_ref().clone())).await;
        }
    }
}

impl Message<PingMsg> for Pong {
    type Reply = ();
    async fn handle(&mut self, m: PingMsg, _: &mut Context<Self, ()>) {
        tell(&m.0, PongMsg).await;
    }
}

// counting

#[derive(Actor, Default)]
struct Counter(u64);
struct Increment;
struct Retrieve(ActorRef<Producer>);
#[derive(Actor)]
struct Producer {
    counter: ActorRef<Counter>,
    done: Done,
}
struct Count(u64);

impl Message<Increment> for Counter {
    type Reply = ();
    async fn handle(&mut self, _: Increment, _: &mut Context<Self, ()>) {
        self.0 += 1;
    }
}

impl Message<Retrieve> for Counter {
    type Reply = ();
    async fn handle(&mut self, m: Retrieve, _: &mut Context<Self, ()>) {
        tell(&m.0, Count(self.0)).await;
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
    async fn handle(&mut self, m: Count, _: &mut Context<Self, ()>) {
        let _ = self.done.send(m.0);
    }
}

// fork-join

#[derive(Actor)]
struct FjWorker {
    left: u64,
    processed: u64,
    sink: ActorRef<Sink>,
    stop_after_one: bool,
}
struct Work;

impl Message<Work> for FjWorker {
    type Reply = ();
    async fn handle(&mut self, _: Work, ctx: &mut Context<Self, ()>) {
        std::hint::black_box(compute(THETA));
        self.processed += 1;
        self.left -= 1;
        if self.left == 0 {
            tell(&self.sink, self.processed).await;
            if self.stop_after_one {
                ctx.stop();
            }
        }
    }
}

// threadring

#[derive(Actor)]
struct RingNode {
    index: u64,
    next: Option<ActorRef<RingNode>>,
    done: Done,
}
struct Link(ActorRef<RingNode>);
struct Token(u64);

impl Message<Link> for RingNode {
    type Reply = ();
    async fn handle(&mut self, m: Link, _: &mut Context<Self, ()>) {
        self.next = Some(m.0);
    }
}

impl Message<Token> for RingNode {
    type Reply = ();
    async fn handle(&mut self, m: Token, _: &mut Context<Self, ()>) {
        if m.0 == 0 {
            let _ = self.done.send(self.index);
        } else if let Some(next) = &self.next {
            tell(next, Token(m.0 - 1)).await;
        }
    }
}

// chameneos

#[derive(Actor)]
struct Mall {
    left: u64,
    waiting: Option<ActorRef<Chameneo>>,
    faded: u64,
    sum: u64,
    done: Done,
}
struct Meet(u8, ActorRef<Chameneo>);
struct Faded(u64);
#[derive(Actor)]
struct Chameneo {
    colour: u8,
    meetings: u64,
    mall: ActorRef<Mall>,
}
struct Change(u8);
struct Exit;

impl Message<Meet> for Mall {
    type Reply = ();
    async fn handle(&mut self, Meet(colour, x): Meet, _: &mut Context<Self, ()>) {
        if self.left == 0 {
            tell(&x, Exit).await;
        } else if let Some(w) = self.waiting.take() {
            self.left -= 1;
            tell(&w, Meet(colour, x)).await;
        } else {
            self.waiting = Some(x);
        }
    }
}

impl Message<Faded> for Mall {
    type Reply = ();
    async fn handle(&mut self, m: Faded, _: &mut Context<Self, ()>) {
        self.sum += m.0;
        self.faded += 1;
        if self.faded == CHAMENEOS {
            let _ = self.done.send(self.sum);
        }
    }
}

impl Message<Start> for Chameneo {
    type Reply = ();
    async fn handle(&mut self, _: Start, ctx: &mut Context<Self, ()>) {
        tell(&self.mall, Meet(self.colour, ctx.actor_ref().clone())).await;
    }
}

impl Message<Meet> for Chameneo {
    type Reply = ();
    async fn handle(&mut self, Meet(colour, other): Meet, ctx: &mut Context<Self, ()>) {
        self.colour = complement(self.colour, colour);
        self.meetings += 1;
        tell(&other, Change(self.colour)).await;
        tell(&self.mall, Meet(self.colour, ctx.actor_ref().clone())).await;
    }
}

impl Message<Change> for Chameneo {
    type Reply = ();
    async fn handle(&mut self, m: Change, ctx: &mut Context<Self, ()>) {
        self.colour = m.0;
        self.meetings += 1;
        tell(&self.mall, Meet(self.colour, ctx.actor_ref().clone())).await;
    }
}

impl Message<Exit> for Chameneo {
    type Reply = ();
    async fn handle(&mut self, _: Exit, ctx: &mut Context<Self, ()>) {
        tell(&self.mall, Faded(self.meetings)).await;
        ctx.stop();
    }
}

// big

#[derive(Actor)]
struct BigWorker {
    index: u64,
    rng: Rng,
    pings: u64,
    target: u64,
    all: Arc<Vec<ActorRef<BigWorker>>>,
    sink: ActorRef<Sink>,
    done: Done,
}
struct Neighbours(Arc<Vec<ActorRef<BigWorker>>>);
struct BigPing(u64);
struct BigPong(u64);

impl BigWorker {
    async fn ping(&mut self) {
        self.target = self.rng.below(BIG_ACTORS);
        self.pings += 1;
        tell(&self.all[self.target as usize], BigPing(self.index)).await;
    }
}

impl Message<Neighbours> for BigWorker {
    type Reply = ();
    async fn handle(&mut self, m: Neighbours, _: &mut Context<Self, ()>) {
        self.all = m.0;
    }
}

impl Message<Start> for BigWorker {
    type Reply = ();
    async fn handle(&mut self, _: Start, _: &mut Context<Self, ()>) {
        self.ping().await;
    }
}

impl Message<BigPing> for BigWorker {
    type Reply = ();
    async fn handle(&mut self, m: BigPing, _: &mut Context<Self, ()>) {
        tell(&self.all[m.0 as usize], BigPong(self.index)).await;
    }
}

impl Message<BigPong> for BigWorker {
    type Reply = ();
    async fn handle(&mut self, m: BigPong, _: &mut Context<Self, ()>) {
        if m.0 != self.target {
            let _ = self.done.send(u64::MAX);
        } else if self.pings == BIG_PINGS {
            tell(&self.sink, self.pings).await;
        } else {
            self.ping().await;
        }
    }
}

// logmap

#[derive(Actor)]
struct Rate(f64);
struct Compute(f64);
#[derive(Actor)]
struct Series {
    index: u64,
    term: f64,
    rate: ActorRef<Rate>,
    sink: ActorRef<TermSink>,
}
struct Next;
struct Report;
#[derive(Actor)]
struct TermSink {
    terms: Vec<Option<f64>>,
    done: Done,
}
struct Term(u64, f64);

impl Message<Compute> for Rate {
    type Reply = f64;
    async fn handle(&mut self, m: Compute, _: &mut Context<Self, f64>) -> f64 {
        logmap_next(self.0, m.0)
    }
}

impl Message<Next> for Series {
    type Reply = ();
    async fn handle(&mut self, _: Next, _: &mut Context<Self, ()>) {
        self.term = self
            .rate
            .ask(Compute(self.term))
            .await
            .expect("rate answers");
    }
}

impl Message<Report> for Series {
    type Reply = ();
    async fn handle(&mut self, _: Report, _: &mut Context<Self, ()>) {
        tell(&self.sink, Term(self.index, self.term)).await;
    }
}

impl Message<Term> for TermSink {
    type Reply = ();
    async fn handle(&mut self, Term(i, x): Term, _: &mut Context<Self, ()>) {
        self.terms[i as usize] = Some(x);
        if self.terms.iter().all(Option::is_some) {
            let _ = self
                .done
                .send(logmap_checksum(self.terms.iter().flatten().sum()));
        }
    }
}

impl Savina for Kameo {
    fn new() -> Self {
        Kameo(tokio_runtime())
    }

    fn run(&self, bench: Bench) -> (Duration, u64) {
        let rt = &self.0;
        let mut timer = Timer::new();
        match bench {
            Bench::PingPong => {
                let pong = spawn(rt, Pong);
                let ping = spawn(
                    rt,
                    Ping {
                        pong: pong.clone(),
                        pongs: 0,
                        done: timer.done(),
                    },
                );
                timer.start();
                rt.block_on(tell(&ping, Start));
                let r = timer.wait();
                stop_all(rt, &[ping]);
                stop_all(rt, &[pong]);
                r
            }
            Bench::Counting => {
                let counter = spawn(rt, Counter::default());
                let producer = spawn(
                    rt,
                    Producer {
                        counter: counter.clone(),
                        done: timer.done(),
                    },
                );
                timer.start();
                rt.block_on(tell(&producer, Start));
                let r = timer.wait();
                stop_all(rt, &[producer]);
                stop_all(rt, &[counter]);
                r
            }
            Bench::FjThroughput | Bench::FjCreation => {
                let creation = bench == Bench::FjCreation;
                let (actors, per_actor) = if creation {
                    (FJC_ACTORS, 1)
                } else {
                    (FJ_ACTORS, FJ_MESSAGES)
                };
                let sink = spawn(
                    rt,
                    Sink {
                        left: actors,
                        sum: 0,
                        done: timer.done(),
                    },
                );
                let worker = |rt| {
                    let w = FjWorker {
                        left: per_actor,
                        processed: 0,
                        sink: sink.clone(),
                        stop_after_one: creation,
                    };
                    spawn(rt, w)
                };
                if creation {
                    timer.start();
                    // The runner keeps every reference until the end, as the other
                    // libraries' runners do (none may stop an actor early).
                    let started: Vec<_> = rt.block_on(async {
                        let mut all = Vec::with_capacity(actors as usize);
                        for _ in 0..actors {
                            let w = worker(rt);
                            tell(&w, Work).await;
                            all.push(w);
                        }
                        all
                    });
                    let r = timer.wait();
                    drop(started);
                    stop_all(rt, &[sink]);
                    return r;
                }
                let workers: Vec<_> = (0..actors).map(|_| worker(rt)).collect();
                timer.start();
                rt.block_on(async {
                    for _ in 0..per_actor {
                        for w in &workers {
                            tell(w, Work).await;
                        }
                    }
                });
                let r = timer.wait();
                stop_all(rt, &workers);
                stop_all(rt, &[sink]);
                r
            }
            Bench::ThreadRing => {
                let nodes: Vec<_> = (0..RING_ACTORS)
                    .map(|index| {
                        let n = RingNode {
                            index,
                            next: None,
                            done: timer.done(),
                        };
                        spawn(rt, n)
                    })
                    .collect();
                rt.block_on(async {
                    for (i, n) in nodes.iter().enumerate() {
                        tell(n, Link(nodes[(i + 1) % nodes.len()].clone())).await;
                    }
                });
                timer.start();
                rt.block_on(tell(&nodes[0], Token(RING_HOPS)));
                let r = timer.wait();
                stop_all(rt, &nodes);
                r
            }
            Bench::Chameneos => {
                let mall = spawn(
                    rt,
                    Mall {
                        left: CHAMENEOS_MEETINGS,
                        waiting: None,
                        faded: 0,
                        sum: 0,
                        done: timer.done(),
                    },
                );
                let all: Vec<_> = (0..CHAMENEOS)
                    .map(|i| {
                        let c = Chameneo {
                            colour: (i % 3) as u8,
                            meetings: 0,
                            mall: mall.clone(),
                        };
                        spawn(rt, c)
                    })
                    .collect();
                timer.start();
                rt.block_on(async {
                    for c in &all {
                        tell(c, Start).await;
                    }
                });
                let r = timer.wait();
                stop_all(rt, &all);
                stop_all(rt, &[mall]);
                r
            }
            Bench::Big => {
                let sink = spawn(
                    rt,
                    Sink {
                        left: BIG_ACTORS,
                        sum: 0,
                        done: timer.done(),
                    },
                );
                let workers: Vec<_> = (0..BIG_ACTORS)
                    .map(|index| {
                        let w = BigWorker {
                            index,
                            rng: Rng::new(index),
                            pings: 0,
                            target: u64::MAX,
                            all: Arc::default(),
                            sink: sink.clone(),
                            done: timer.done(),
                        };
                        spawn(rt, w)
                    })
                    .collect();
                let all = Arc::new(workers.clone());
                rt.block_on(async {
                    for w in &workers {
                        tell(w, Neighbours(all.clone())).await;
                    }
                });
                drop(all);
                timer.start();
                rt.block_on(async {
                    for w in &workers {
                        tell(w, Start).await;
                    }
                });
                let r = timer.wait();
                stop_all(rt, &workers);
                stop_all(rt, &[sink]);
                r
            }
            Bench::LogMap => {
                let sink = spawn(
                    rt,
                    TermSink {
                        terms: vec![None; LOGMAP_SERIES as usize],
                        done: timer.done(),
                    },
                );
                let rates: Vec<_> = (0..LOGMAP_SERIES)
                    .map(|i| spawn(rt, Rate(logmap_rate(i))))
                    .collect();
                let series: Vec<_> = (0..LOGMAP_SERIES)
                    .map(|i| {
                        let s = Series {
                            index: i,
                            term: logmap_start(i),
                            rate: rates[i as usize].clone(),
                            sink: sink.clone(),
                        };
                        spawn(rt, s)
                    })
                    .collect();
                timer.start();
                rt.block_on(async {
                    for _ in 0..LOGMAP_TERMS {
                        for s in &series {
                            tell(s, Next).await;
                        }
                    }
                    for s in &series {
                        tell(s, Report).await;
                    }
                });
                let r = timer.wait();
                stop_all(rt, &series);
                stop_all(rt, &rates);
                stop_all(rt, &[sink]);
                r
            }
        }
    }
}
