//! The Savina benchmarks on actix: every actor on one arbiter (actix's single-threaded
//! event loop, on its own thread), as in `actix_peer.rs`; the runner sends with
//! `do_send` from the main thread. `logmap`'s series awaits its rate actor inside its
//! handler with an `AtomicResponse`, so that it handles one message at a time.

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;

use crate::savina::params::*;
use crate::savina::{Done, Savina, Timer};

pub struct Actix {
    arbiter: actix_rt::ArbiterHandle,
}

#[derive(Message)]
#[rtype(result = "()")]
struct Stop;

/// Declares actor types with a `Context` that stop on [`Stop`].
macro_rules! actor {
    ($($t:ty),*) => {
        $(impl Actor for $t {
            type Context = Context<Self>;
        }

        impl Handler<Stop> for $t {
            type Result = ();
            fn handle(&mut self, _: Stop, ctx: &mut Context<Self>) {
                ctx.stop();
            }
        })*
    };
}

actor!(
    Sink, Ping, Pong, Counter, Producer, FjWorker, RingNode, Mall, Chameneo, BigWorker, Rate,
    Series, TermSink
);

fn stop_all<A: Actor<Context = Context<A>> + Handler<Stop>>(actors: &[Addr<A>]) {
    for a in actors {
        a.do_send(Stop);
    }
}

#[derive(Message)]
#[rtype(result = "()")]
struct Start;

#[derive(Message)]
#[rtype(result = "()")]
struct Num(u64);

struct Sink {
    left: u64,
    sum: u64,
    done: Done,
}

impl Handler<Num> for Sink {
    type Result = ();
    fn handle(&mut self, n: Num, _: &mut Context<Self>) {
        self.sum += n.0;
        self.left -= 1;
        if self.left == 0 {
            let _ = self.done.send(self.sum);
        }
    }
}

// pingpong

struct Ping {
    pong: Addr<Pong>,
    pongs: u64,
    done: Done,
}
struct Pong;
#[derive(Message)]
#[rtype(result = "()")]
struct PingMsg(Addr<Ping>);
#[derive(Message)]
#[rtype(result = "()")]
struct PongMsg;

impl Handler<Start> for Ping {
    type Result = ();
    fn handle(&mut self, _: Start, ctx: &mut Context<Self>) {
        self.pong.do_send(PingMsg(ctx.address()));
    }
}

impl Handler<PongMsg> for Ping {
    type Result = ();
    fn handle(&mut self, _: PongMsg, ctx: &mut Context<Self>) {
        self.pongs += 1;
        if self.pongs == PINGPONG_N {
            let _ = self.done.send(self.pongs);
        } else {
            self.pong.do_send(PingMsg(ctx.address()));
        }
    }
}

impl Handler<PingMsg> for Pong {
    type Result = ();
    fn handle(&mut self, m: PingMsg, _: &mut Context<Self>) {
        m.0.do_send(PongMsg);
    }
}

// counting

struct Counter(u64);
#[derive(Message)]
#[rtype(result = "()")]
struct Increment;
#[derive(Message)]
#[rtype(result = "()")]
struct Retrieve(Addr<Producer>);
struct Producer {
    counter: Addr<Counter>,
    done: Done,
}

impl Handler<Increment> for Counter {
    type Result = ();
    fn handle(&mut self, _: Increment, _: &mut Context<Self>) {
        self.0 += 1;
    }
}

impl Handler<Retrieve> for Counter {
    type Result = ();
    fn handle(&mut self, m: Retrieve, _: &mut Context<Self>) {
        m.0.do_send(Num(self.0));
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

impl Handler<Num> for Producer {
    type Result = ();
    fn handle(&mut self, m: Num, _: &mut Context<Self>) {
        let _ = self.done.send(m.0);
    }
}

// fork-join

struct FjWorker {
    left: u64,
    processed: u64,
    sink: Addr<Sink>,
    stop_after_one: bool,
}
#[derive(Message)]
#[rtype(result = "()")]
struct Work;

impl Handler<Work> for FjWorker {
    type Result = ();
    fn handle(&mut self, _: Work, ctx: &mut Context<Self>) {
        std::hint::black_box(compute(THETA));
        self.processed += 1;
        self.left -= 1;
        if self.left == 0 {
            self.sink.do_send(Num(self.processed));
            if self.stop_after_one {
                ctx.stop();
            }
        }
    }
}

// threadring

struct RingNode {
    index: u64,
    next: Option<Addr<RingNode>>,
    done: Done,
}
#[derive(Message)]
#[rtype(result = "()")]
struct Link(Addr<RingNode>);
#[derive(Message)]
#[rtype(result = "()")]
struct Token(u64);

impl Handler<Link> for RingNode {
    type Result = ();
    fn handle(&mut self, m: Link, _: &mut Context<Self>) {
        self.next = Some(m.0);
    }
}

impl Handler<Token> for RingNode {
    type Result = ();
    fn handle(&mut self, m: Token, _: &mut Context<Self>) {
        if m.0 == 0 {
            let _ = self.done.send(self.index);
        } else if let Some(next) = &self.next {
            next.do_send(Token(m.0 - 1));
        }
    }
}

// chameneos

struct Mall {
    left: u64,
    waiting: Option<Addr<Chameneo>>,
    faded: u64,
    sum: u64,
    done: Done,
}
#[derive(Message)]
#[rtype(result = "()")]
struct Meet(u8, Addr<Chameneo>);
struct Chameneo {
    colour: u8,
    meetings: u64,
    mall: Addr<Mall>,
}
#[derive(Message)]
#[rtype(result = "()")]
struct Change(u8);
#[derive(Message)]
#[rtype(result = "()")]
struct Exit;

impl Handler<Meet> for Mall {
    type Result = ();
    fn handle(&mut self, Meet(colour, x): Meet, _: &mut Context<Self>) {
        if self.left == 0 {
            x.do_send(Exit);
        } else if let Some(w) = self.waiting.take() {
            self.left -= 1;
            w.do_send(Meet(colour, x));
        } else {
            self.waiting = Some(x);
        }
    }
}

impl Handler<Num> for Mall {
    type Result = ();
    fn handle(&mut self, m: Num, _: &mut Context<Self>) {
        self.sum += m.0;
        self.faded += 1;
        if self.faded == CHAMENEOS {
            let _ = self.done.send(self.sum);
        }
    }
}

impl Handler<Start> for Chameneo {
    type Result = ();
    fn handle(&mut self, _: Start, ctx: &mut Context<Self>) {
        self.mall.do_send(Meet(self.colour, ctx.address()));
    }
}

impl Handler<Meet> for Chameneo {
    type Result = ();
    fn handle(&mut self, Meet(colour, other): Meet, ctx: &mut Context<Self>) {
        self.colour = complement(self.colour, colour);
        self.meetings += 1;
        other.do_send(Change(self.colour));
        self.mall.do_send(Meet(self.colour, ctx.address()));
    }
}

impl Handler<Change> for Chameneo {
    type Result = ();
    fn handle(&mut self, m: Change, ctx: &mut Context<Self>) {
        self.colour = m.0;
        self.meetings += 1;
        self.mall.do_send(Meet(self.colour, ctx.address()));
    }
}

impl Handler<Exit> for Chameneo {
    type Result = ();
    fn handle(&mut self, _: Exit, ctx: &mut Context<Self>) {
        self.mall.do_send(Num(self.meetings));
        ctx.stop();
    }
}

// big

struct BigWorker {
    index: u64,
    rng: Rng,
    pings: u64,
    target: u64,
    all: Arc<Vec<Addr<BigWorker>>>,
    sink: Addr<Sink>,
    done: Done,
}
#[derive(Message)]
#[rtype(result = "()")]
struct Neighbours(Arc<Vec<Addr<BigWorker>>>);
#[derive(Message)]
#[rtype(result = "()")]
struct BigPing(u64);
#[derive(Message)]
#[rtype(result = "()")]
struct BigPong(u64);

impl BigWorker {
    fn ping(&mut self) {
        self.target = self.rng.below(BIG_ACTORS);
        self.pings += 1;
        self.all[self.target as usize].do_send(BigPing(self.index));
    }
}

impl Handler<Neighbours> for BigWorker {
    type Result = ();
    fn handle(&mut self, m: Neighbours, _: &mut Context<Self>) {
        self.all = m.0;
    }
}

impl Handler<Start> for BigWorker {
    type Result = ();
    fn handle(&mut self, _: Start, _: &mut Context<Self>) {
        self.ping();
    }
}

impl Handler<BigPing> for BigWorker {
    type Result = ();
    fn handle(&mut self, m: BigPing, _: &mut Context<Self>) {
        self.all[m.0 as usize].do_send(BigPong(self.index));
    }
}

impl Handler<BigPong> for BigWorker {
    type Result = ();
    fn handle(&mut self, m: BigPong, _: &mut Context<Self>) {
        if m.0 != self.target {
            let _ = self.done.send(u64::MAX);
        } else if self.pings == BIG_PINGS {
            self.sink.do_send(Num(self.pings));
        } else {
            self.ping();
        }
    }
}

// logmap

struct Rate(f64);
#[derive(Message)]
#[rtype(result = "f64")]
struct Compute(f64);
struct Series {
    index: u64,
    term: f64,
    rate: Addr<Rate>,
    sink: Addr<TermSink>,
}
#[derive(Message)]
#[rtype(result = "()")]
struct Next;
#[derive(Message)]
#[rtype(result = "()")]
struct Report;
struct TermSink {
    terms: Vec<Option<f64>>,
    done: Done,
}
#[derive(Message)]
#[rtype(result = "()")]
struct Term(u64, f64);

impl Handler<Compute> for Rate {
    type Result = f64;
    fn handle(&mut self, m: Compute, _: &mut Context<Self>) -> f64 {
        logmap_next(self.0, m.0)
    }
}

impl Handler<Next> for Series {
    type Result = AtomicResponse<Self, ()>;
    fn handle(&mut self, _: Next, _: &mut Context<Self>) -> Self::Result {
        let asked = self.rate.send(Compute(self.term));
        AtomicResponse::new(Box::pin(
            async move { asked.await.expect("rate answers") }
                .into_actor(self)
                .map(|x, act, _| act.term = x),
        ))
    }
}

impl Handler<Report> for Series {
    type Result = ();
    fn handle(&mut self, _: Report, _: &mut Context<Self>) {
        self.sink.do_send(Term(self.index, self.term));
    }
}

impl Handler<Term> for TermSink {
    type Result = ();
    fn handle(&mut self, Term(i, x): Term, _: &mut Context<Self>) {
        self.terms[i as usize] = Some(x);
        if self.terms.iter().all(Option::is_some) {
            let _ = self
                .done
                .send(logmap_checksum(self.terms.iter().flatten().sum()));
        }
    }
}

impl Actix {
    fn start<A: Actor<Context = Context<A>> + Send>(&self, a: A) -> Addr<A> {
        A::start_in_arbiter(&self.arbiter, move |_| a)
    }
}

impl Savina for Actix {
    fn new() -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_rt::System::new().block_on(async move {
                tx.send(actix_rt::Arbiter::current()).expect("main waits");
                std::future::pending::<()>().await;
            });
        });
        Actix {
            arbiter: rx.recv().expect("arbiter"),
        }
    }

    fn run(&self, bench: Bench) -> (Duration, u64) {
        let mut timer = Timer::new();
        let sink = |left| {
            self.start(Sink {
                left,
                sum: 0,
                done: timer.done(),
            })
        };
        match bench {
            Bench::PingPong => {
                let pong = self.start(Pong);
                let ping = self.start(Ping {
                    pong: pong.clone(),
                    pongs: 0,
                    done: timer.done(),
                });
                timer.start();
                ping.do_send(Start);
                let r = timer.wait();
                stop_all(&[ping]);
                stop_all(&[pong]);
                r
            }
            Bench::Counting => {
                let counter = self.start(Counter(0));
                let producer = self.start(Producer {
                    counter: counter.clone(),
                    done: timer.done(),
                });
                timer.start();
                producer.do_send(Start);
                let r = timer.wait();
                stop_all(&[producer]);
                stop_all(&[counter]);
                r
            }
            Bench::FjThroughput => {
                let sink = sink(FJ_ACTORS);
                let workers: Vec<_> = (0..FJ_ACTORS)
                    .map(|_| {
                        self.start(FjWorker {
                            left: FJ_MESSAGES,
                            processed: 0,
                            sink: sink.clone(),
                            stop_after_one: false,
                        })
                    })
                    .collect();
                timer.start();
                for _ in 0..FJ_MESSAGES {
                    for w in &workers {
                        w.do_send(Work);
                    }
                }
                let r = timer.wait();
                stop_all(&workers);
                stop_all(&[sink]);
                r
            }
            Bench::FjCreation => {
                let sink = sink(FJC_ACTORS);
                timer.start();
                // An actix actor whose last address is dropped may stop before it
                // handles what is queued: the runner keeps the addresses.
                let workers: Vec<_> = (0..FJC_ACTORS)
                    .map(|_| {
                        let w = self.start(FjWorker {
                            left: 1,
                            processed: 0,
                            sink: sink.clone(),
                            stop_after_one: true,
                        });
                        w.do_send(Work);
                        w
                    })
                    .collect();
                let r = timer.wait();
                drop(workers);
                stop_all(&[sink]);
                r
            }
            Bench::ThreadRing => {
                let nodes: Vec<_> = (0..RING_ACTORS)
                    .map(|index| {
                        self.start(RingNode {
                            index,
                            next: None,
                            done: timer.done(),
                        })
                    })
                    .collect();
                for (i, n) in nodes.iter().enumerate() {
                    n.do_send(Link(nodes[(i + 1) % nodes.len()].clone()));
                }
                timer.start();
                nodes[0].do_send(Token(RING_HOPS));
                let r = timer.wait();
                stop_all(&nodes);
                r
            }
            Bench::Chameneos => {
                let mall = self.start(Mall {
                    left: CHAMENEOS_MEETINGS,
                    waiting: None,
                    faded: 0,
                    sum: 0,
                    done: timer.done(),
                });
                let all: Vec<_> = (0..CHAMENEOS)
                    .map(|i| {
                        self.start(Chameneo {
                            colour: (i % 3) as u8,
                            meetings: 0,
                            mall: mall.clone(),
                        })
                    })
                    .collect();
                timer.start();
                for c in &all {
                    c.do_send(Start);
                }
                let r = timer.wait();
                stop_all(&[mall]);
                r
            }
            Bench::Big => {
                let sink = sink(BIG_ACTORS);
                let workers: Vec<_> = (0..BIG_ACTORS)
                    .map(|index| {
                        self.start(BigWorker {
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
                for w in &workers {
                    w.do_send(Neighbours(all.clone()));
                }
                drop(all);
                timer.start();
                for w in &workers {
                    w.do_send(Start);
                }
                let r = timer.wait();
                stop_all(&workers);
                stop_all(&[sink]);
                r
            }
            Bench::LogMap => {
                let sink = self.start(TermSink {
                    terms: vec![None; LOGMAP_SERIES as usize],
                    done: timer.done(),
                });
                let rates: Vec<_> = (0..LOGMAP_SERIES)
                    .map(|i| self.start(Rate(logmap_rate(i))))
                    .collect();
                let series: Vec<_> = (0..LOGMAP_SERIES)
                    .map(|i| {
                        self.start(Series {
                            index: i,
                            term: logmap_start(i),
                            rate: rates[i as usize].clone(),
                            sink: sink.clone(),
                        })
                    })
                    .collect();
                timer.start();
                for _ in 0..LOGMAP_TERMS {
                    for s in &series {
                        s.do_send(Next);
                    }
                }
                for s in &series {
                    s.do_send(Report);
                }
                let r = timer.wait();
                stop_all(&series);
                stop_all(&rates);
                stop_all(&[sink]);
                r
            }
        }
    }
}
