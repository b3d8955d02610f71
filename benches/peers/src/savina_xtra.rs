//! The Savina benchmarks on xtra: actors are tasks of a tokio current-thread runtime
//! driven by the main thread while it waits (xtra's fastest configuration here, see
//! `xtra_peer.rs`), with unbounded mailboxes. Actors pass their own (weak) addresses;
//! `logmap`'s series awaits its rate actor's answer in its handler.

use std::sync::Arc;
use std::time::Duration;

use xtra::{Actor, Address, Context, Handler, Mailbox, WeakAddress};

use crate::savina::params::*;
use crate::savina::{Done, Savina, Timer};

pub struct Xtra(tokio::runtime::Runtime);

/// Declares actor types that need nothing when they stop and stop on [`Stop`].
macro_rules! actor {
    ($($t:ty),*) => {
        $(impl Actor for $t {
            type Stop = ();
            async fn stopped(self) {}
        }

        impl Handler<Stop> for $t {
            type Return = ();
            async fn handle(&mut self, _: Stop, ctx: &mut Context<Self>) {
                ctx.stop_self();
            }
        })*
    };
}

actor!(
    Sink, Ping, Pong, Counter, Producer, FjWorker, RingNode, Mall, Chameneo, BigWorker, Rate,
    Series, TermSink
);

/// A tell: queued, not waited for.
async fn tell<A, M, R>(to: &Address<A, R>, m: M)
where
    A: Handler<M, Return = ()>,
    M: Send + 'static,
    R: xtra::refcount::RefCounter,
{
    let _ = to.send(m).detach().await;
}

struct Stop;

async fn stop_all<A: Handler<Stop, Return = ()>>(actors: &[Address<A>]) {
    for a in actors {
        tell(a, Stop).await;
    }
}

fn me<A: Actor>(ctx: &Context<A>) -> WeakAddress<A> {
    ctx.mailbox().address()
}

struct Sink {
    left: u64,
    sum: u64,
    done: Done,
}

impl Handler<u64> for Sink {
    type Return = ();
    async fn handle(&mut self, n: u64, _: &mut Context<Self>) {
        self.sum += n;
        self.left -= 1;
        if self.left == 0 {
            let _ = self.done.send(self.sum);
        }
    }
}

struct Start;

// pingpong

struct Ping {
    pong: Address<Pong>,
    pongs: u64,
    done: Done,
}
struct Pong;
struct PingMsg(WeakAddress<Ping>);
struct PongMsg;

impl Handler<Start> for Ping {
    type Return = ();
    async fn handle(&mut self, _: Start, ctx: &mut Context<Self>) {
        tell(&self.pong, PingMsg(me(ctx))).await;
    }
}

impl Handler<PongMsg> for Ping {
    type Return = ();
    async fn handle(&mut self, _: PongMsg, ctx: &mut Context<Self>) {
        self.pongs += 1;
        if self.pongs == PINGPONG_N {
            let _ = self.done.send(self.pongs);
        } else {
            tell(&self.pong, PingMsg(me(ctx))).await;
        }
    }
}

impl Handler<PingMsg> for Pong {
    type Return = ();
    async fn handle(&mut self, m: PingMsg, _: &mut Context<Self>) {
        tell(&m.0, PongMsg).await;
    }
}

// counting

#[derive(Default)]
struct Counter(u64);
struct Increment;
struct Retrieve(WeakAddress<Producer>);
struct Producer {
    counter: Address<Counter>,
    done: Done,
}
struct Count(u64);

impl Handler<Increment> for Counter {
    type Return = ();
    async fn handle(&mut self, _: Increment, _: &mut Context<Self>) {
        self.0 += 1;
    }
}

impl Handler<Retrieve> for Counter {
    type Return = ();
    async fn handle(&mut self, m: Retrieve, _: &mut Context<Self>) {
        tell(&m.0, Count(self.0)).await;
    }
}

impl Handler<Start> for Producer {
    type Return = ();
    async fn handle(&mut self, _: Start, ctx: &mut Context<Self>) {
        for _ in 0..COUNTING_N {
            tell(&self.counter, Increment).await;
        }
        tell(&self.counter, Retrieve(me(ctx))).await;
    }
}

impl Handler<Count> for Producer {
    type Return = ();
    async fn handle(&mut self, m: Count, _: &mut Context<Self>) {
        let _ = self.done.send(m.0);
    }
}

// fork-join

struct FjWorker {
    left: u64,
    processed: u64,
    sink: Address<Sink>,
    stop_after_one: bool,
}
struct Work;

impl Handler<Work> for FjWorker {
    type Return = ();
    async fn handle(&mut self, _: Work, ctx: &mut Context<Self>) {
        std::hint::black_box(compute(THETA));
        self.processed += 1;
        self.left -= 1;
        if self.left == 0 {
            tell(&self.sink, self.processed).await;
            if self.stop_after_one {
                ctx.stop_self();
            }
        }
    }
}

// threadring

struct RingNode {
    index: u64,
    next: Option<Address<RingNode>>,
    done: Done,
}
struct Link(Address<RingNode>);
struct Token(u64);

impl Handler<Link> for RingNode {
    type Return = ();
    async fn handle(&mut self, m: Link, _: &mut Context<Self>) {
        self.next = Some(m.0);
    }
}

impl Handler<Token> for RingNode {
    type Return = ();
    async fn handle(&mut self, m: Token, _: &mut Context<Self>) {
        if m.0 == 0 {
            let _ = self.done.send(self.index);
        } else if let Some(next) = &self.next {
            tell(next, Token(m.0 - 1)).await;
        }
    }
}

// chameneos

struct Mall {
    left: u64,
    waiting: Option<WeakAddress<Chameneo>>,
    faded: u64,
    sum: u64,
    done: Done,
}
struct Meet(u8, WeakAddress<Chameneo>);
struct Faded(u64);
struct Chameneo {
    colour: u8,
    meetings: u64,
    mall: Address<Mall>,
}
struct Change(u8);
struct Exit;

impl Handler<Meet> for Mall {
    type Return = ();
    async fn handle(&mut self, Meet(colour, x): Meet, _: &mut Context<Self>) {
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

impl Handler<Faded> for Mall {
    type Return = ();
    async fn handle(&mut self, m: Faded, _: &mut Context<Self>) {
        self.sum += m.0;
        self.faded += 1;
        if self.faded == CHAMENEOS {
            let _ = self.done.send(self.sum);
        }
    }
}

impl Handler<Start> for Chameneo {
    type Return = ();
    async fn handle(&mut self, _: Start, ctx: &mut Context<Self>) {
        tell(&self.mall, Meet(self.colour, me(ctx))).await;
    }
}

impl Handler<Meet> for Chameneo {
    type Return = ();
    async fn handle(&mut self, Meet(colour, other): Meet, ctx: &mut Context<Self>) {
        self.colour = complement(self.colour, colour);
        self.meetings += 1;
        tell(&other, Change(self.colour)).await;
        tell(&self.mall, Meet(self.colour, me(ctx))).await;
    }
}

impl Handler<Change> for Chameneo {
    type Return = ();
    async fn handle(&mut self, m: Change, ctx: &mut Context<Self>) {
        self.colour = m.0;
        self.meetings += 1;
        tell(&self.mall, Meet(self.colour, me(ctx))).await;
    }
}

impl Handler<Exit> for Chameneo {
    type Return = ();
    async fn handle(&mut self, _: Exit, ctx: &mut Context<Self>) {
        tell(&self.mall, Faded(self.meetings)).await;
        ctx.stop_self();
    }
}

// big

struct BigWorker {
    index: u64,
    rng: Rng,
    pings: u64,
    target: u64,
    all: Arc<Vec<Address<BigWorker>>>,
    sink: Address<Sink>,
    done: Done,
}
struct Neighbours(Arc<Vec<Address<BigWorker>>>);
struct BigPing(u64);
struct BigPong(u64);

impl BigWorker {
    async fn ping(&mut self) {
        self.target = self.rng.below(BIG_ACTORS);
        self.pings += 1;
        tell(&self.all[self.target as usize], BigPing(self.index)).await;
    }
}

impl Handler<Neighbours> for BigWorker {
    type Return = ();
    async fn handle(&mut self, m: Neighbours, _: &mut Context<Self>) {
        self.all = m.0;
    }
}

impl Handler<Start> for BigWorker {
    type Return = ();
    async fn handle(&mut self, _: Start, _: &mut Context<Self>) {
        self.ping().await;
    }
}

impl Handler<BigPing> for BigWorker {
    type Return = ();
    async fn handle(&mut self, m: BigPing, _: &mut Context<Self>) {
        tell(&self.all[m.0 as usize], BigPong(self.index)).await;
    }
}

impl Handler<BigPong> for BigWorker {
    type Return = ();
    async fn handle(&mut self, m: BigPong, _: &mut Context<Self>) {
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

struct Rate(f64);
struct Compute(f64);
struct Series {
    index: u64,
    term: f64,
    rate: Address<Rate>,
    sink: Address<TermSink>,
}
struct Next;
struct Report;
struct TermSink {
    terms: Vec<Option<f64>>,
    done: Done,
}
struct Term(u64, f64);

impl Handler<Compute> for Rate {
    type Return = f64;
    async fn handle(&mut self, m: Compute, _: &mut Context<Self>) -> f64 {
        logmap_next(self.0, m.0)
    }
}

impl Handler<Next> for Series {
    type Return = ();
    async fn handle(&mut self, _: Next, _: &mut Context<Self>) {
        self.term = self
            .rate
            .send(Compute(self.term))
            .await
            .expect("rate answers");
    }
}

impl Handler<Report> for Series {
    type Return = ();
    async fn handle(&mut self, _: Report, _: &mut Context<Self>) {
        tell(&self.sink, Term(self.index, self.term)).await;
    }
}

impl Handler<Term> for TermSink {
    type Return = ();
    async fn handle(&mut self, Term(i, x): Term, _: &mut Context<Self>) {
        self.terms[i as usize] = Some(x);
        if self.terms.iter().all(Option::is_some) {
            let _ = self
                .done
                .send(logmap_checksum(self.terms.iter().flatten().sum()));
        }
    }
}

impl Xtra {
    fn spawn<A: Actor<Stop = ()>>(&self, a: A) -> Address<A> {
        let _g = self.0.enter();
        xtra::spawn_tokio(a, Mailbox::unbounded())
    }
}

impl Savina for Xtra {
    fn new() -> Self {
        Xtra(
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
        )
    }

    fn run(&self, bench: Bench) -> (Duration, u64) {
        let rt = &self.0;
        let mut timer = Timer::new();
        let sink = |left| {
            self.spawn(Sink {
                left,
                sum: 0,
                done: timer.done(),
            })
        };
        match bench {
            Bench::PingPong => {
                let pong = self.spawn(Pong);
                let ping = self.spawn(Ping {
                    pong: pong.clone(),
                    pongs: 0,
                    done: timer.done(),
                });
                timer.start();
                rt.block_on(tell(&ping, Start));
                let r = timer.wait_in(rt);
                rt.block_on(async {
                    stop_all(&[ping]).await;
                    stop_all(&[pong]).await;
                });
                r
            }
            Bench::Counting => {
                let counter = self.spawn(Counter::default());
                let producer = self.spawn(Producer {
                    counter: counter.clone(),
                    done: timer.done(),
                });
                timer.start();
                rt.block_on(tell(&producer, Start));
                let r = timer.wait_in(rt);
                rt.block_on(async {
                    stop_all(&[producer]).await;
                    stop_all(&[counter]).await;
                });
                r
            }
            Bench::FjThroughput => {
                let sink = sink(FJ_ACTORS);
                let workers: Vec<_> = (0..FJ_ACTORS)
                    .map(|_| {
                        self.spawn(FjWorker {
                            left: FJ_MESSAGES,
                            processed: 0,
                            sink: sink.clone(),
                            stop_after_one: false,
                        })
                    })
                    .collect();
                timer.start();
                rt.block_on(async {
                    for _ in 0..FJ_MESSAGES {
                        for w in &workers {
                            tell(w, Work).await;
                        }
                    }
                });
                let r = timer.wait_in(rt);
                rt.block_on(async {
                    stop_all(&workers).await;
                    stop_all(&[sink]).await;
                });
                r
            }
            Bench::FjCreation => {
                let sink = sink(FJC_ACTORS);
                timer.start();
                // An xtra actor stops when its last strong address goes: the runner
                // keeps them until the end.
                let started: Vec<_> = rt.block_on(async {
                    let mut all = Vec::with_capacity(FJC_ACTORS as usize);
                    for _ in 0..FJC_ACTORS {
                        let w = self.spawn(FjWorker {
                            left: 1,
                            processed: 0,
                            sink: sink.clone(),
                            stop_after_one: true,
                        });
                        tell(&w, Work).await;
                        all.push(w);
                    }
                    all
                });
                let r = timer.wait_in(rt);
                drop(started);
                rt.block_on(stop_all(&[sink]));
                r
            }
            Bench::ThreadRing => {
                let nodes: Vec<_> = (0..RING_ACTORS)
                    .map(|index| {
                        self.spawn(RingNode {
                            index,
                            next: None,
                            done: timer.done(),
                        })
                    })
                    .collect();
                rt.block_on(async {
                    for (i, n) in nodes.iter().enumerate() {
                        tell(n, Link(nodes[(i + 1) % nodes.len()].clone())).await;
                    }
                });
                timer.start();
                rt.block_on(tell(&nodes[0], Token(RING_HOPS)));
                let r = timer.wait_in(rt);
                rt.block_on(stop_all(&nodes));
                r
            }
            Bench::Chameneos => {
                let mall = self.spawn(Mall {
                    left: CHAMENEOS_MEETINGS,
                    waiting: None,
                    faded: 0,
                    sum: 0,
                    done: timer.done(),
                });
                let all: Vec<_> = (0..CHAMENEOS)
                    .map(|i| {
                        self.spawn(Chameneo {
                            colour: (i % 3) as u8,
                            meetings: 0,
                            mall: mall.clone(),
                        })
                    })
                    .collect();
                timer.start();
                rt.block_on(async {
                    for c in &all {
                        tell(c, Start).await;
                    }
                });
                let r = timer.wait_in(rt);
                rt.block_on(stop_all(&[mall]));
                r
            }
            Bench::Big => {
                let sink = sink(BIG_ACTORS);
                let workers: Vec<_> = (0..BIG_ACTORS)
                    .map(|index| {
                        self.spawn(BigWorker {
                            index,
                            rng: Rng::new(index),
                            pings: 0,
                            target: u64::MAX,
                            all: Arc::default(),
                            sink: sink.clone(),
                            done: timer.done(),
                        })
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
                let r = timer.wait_in(rt);
                rt.block_on(async {
                    stop_all(&workers).await;
                    stop_all(&[sink]).await;
                });
                r
            }
            Bench::LogMap => {
                let sink = self.spawn(TermSink {
                    terms: vec![None; LOGMAP_SERIES as usize],
                    done: timer.done(),
                });
                let rates: Vec<_> = (0..LOGMAP_SERIES)
                    .map(|i| self.spawn(Rate(logmap_rate(i))))
                    .collect();
                let series: Vec<_> = (0..LOGMAP_SERIES)
                    .map(|i| {
                        self.spawn(Series {
                            index: i,
                            term: logmap_start(i),
                            rate: rates[i as usize].clone(),
                            sink: sink.clone(),
                        })
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
                let r = timer.wait_in(rt);
                rt.block_on(async {
                    stop_all(&series).await;
                    stop_all(&rates).await;
                    stop_all(&[sink]).await;
                });
                r
            }
        }
    }
}
