//! The Savina benchmarks on pykka, one generic body per benchmark for every
//! `R: Runtime` (the protocols are in [`super`]). This file holds the runner, the
//! shared sink and the benchmarks with one kind of worker; `chameneos` and `big` are in
//! `pykka_mesh.rs`, `logmap` in [`super::pykka_logmap`].

use std::sync::mpsc;
use std::time::{Duration, Instant};

use pykka_core::{Actor, ActorRef, Context, Failure, Runtime};

use super::{
    Bench, COUNTING_N, FJ_ACTORS, FJ_MESSAGES, FJC_ACTORS, PINGPONG_N, RING_ACTORS, RING_HOPS,
    RUN_BOUND, THETA, compute, pykka_logmap, pykka_mesh,
};
use crate::pykka::{start, stop_all};

/// Runs `bench` once on `rt` with synchronous handlers: its time and checksum.
pub fn run<R: Runtime>(rt: &R, bench: Bench) -> (Duration, u64) {
    match bench {
        Bench::PingPong => pingpong(rt),
        Bench::Counting => counting(rt),
        Bench::FjThroughput => fj_throughput(rt),
        Bench::FjCreation => fj_creation(rt),
        Bench::ThreadRing => thread_ring(rt),
        Bench::Chameneos => pykka_mesh::chameneos(rt),
        Bench::Big => pykka_mesh::big(rt),
        Bench::LogMap => pykka_logmap::logmap(rt, pykka_logmap::Form::Blocking),
    }
}

/// Where a run's checksum goes: the thread that started the run waits on the other end.
pub(crate) type Done = mpsc::Sender<u64>;

/// A done channel and the start of the timed part of a run.
pub(crate) struct Timer {
    rx: mpsc::Receiver<u64>,
    tx: Done,
    start: Instant,
}

impl Timer {
    pub(crate) fn new() -> Timer {
        let (tx, rx) = mpsc::channel();
        Timer {
            rx,
            tx,
            start: Instant::now(),
        }
    }

    /// A sender of the run's done.
    pub(crate) fn done(&self) -> Done {
        self.tx.clone()
    }

    /// Starts the clock (after the actors are set up).
    pub(crate) fn start(&mut self) {
        self.start = Instant::now();
    }

    /// Waits (at most [`RUN_BOUND`]) for the done: the time since [`start`] and the
    /// checksum.
    ///
    /// [`start`]: Timer::start
    pub(crate) fn wait(&self) -> (Duration, u64) {
        let sum = self
            .rx
            .recv_timeout(RUN_BOUND)
            .unwrap_or_else(|e| panic!("the run did not finish: {e}"));
        (self.start.elapsed(), sum)
    }
}

/// Adds up `expected` numbers, then hands the sum to the runner.
pub(crate) struct Sink {
    left: u64,
    sum: u64,
    done: Done,
}

impl Sink {
    pub(crate) fn new(expected: u64, done: Done) -> Sink {
        Sink {
            left: expected,
            sum: 0,
            done,
        }
    }
}

impl Actor for Sink {
    type Message = u64;
    type Reply = ();
    fn on_receive(&mut self, n: u64, _: &Context<Self>) -> Result<(), Failure> {
        self.sum += n;
        self.left -= 1;
        if self.left == 0 {
            // The runner may have given up already; nothing to do then.
            let _ = self.done.send(self.sum);
        }
        Ok(())
    }
}

/// A tell whose failure (the receiver died) is a failure of the handler.
pub(crate) fn tell<A: Actor>(to: &ActorRef<A>, m: A::Message) -> Result<(), Failure> {
    to.tell(m).map_err(|e| Failure::new(e.without_message()))
}

enum PingMsg {
    Start,
    Pong,
}

struct Ping {
    pong: ActorRef<Pong>,
    pongs: u64,
    done: Done,
}

impl Actor for Ping {
    type Message = PingMsg;
    type Reply = ();
    fn on_receive(&mut self, m: PingMsg, ctx: &Context<Self>) -> Result<(), Failure> {
        if let PingMsg::Pong = m {
            self.pongs += 1;
            if self.pongs == PINGPONG_N {
                let _ = self.done.send(self.pongs);
                return Ok(());
            }
        }
        tell(&self.pong, ctx.actor_ref().clone())
    }
}

/// Answers every ping (which carries the pinger) with a pong.
struct Pong;

impl Actor for Pong {
    type Message = ActorRef<Ping>;
    type Reply = ();
    fn on_receive(&mut self, ping: ActorRef<Ping>, _: &Context<Self>) -> Result<(), Failure> {
        tell(&ping, PingMsg::Pong)
    }
}

fn pingpong<R: Runtime>(rt: &R) -> (Duration, u64) {
    let mut timer = Timer::new();
    let pong = start(rt, Pong);
    let ping = start(
        rt,
        Ping {
            pong: pong.clone(),
            pongs: 0,
            done: timer.done(),
        },
    );
    timer.start();
    ping.tell(PingMsg::Start).expect("ping is alive");
    let result = timer.wait();
    stop_all(&[ping]);
    stop_all(&[pong]);
    result
}

enum CountMsg {
    Increment,
    Retrieve(ActorRef<Producer>),
}

#[derive(Default)]
struct Counter(u64);

impl Actor for Counter {
    type Message = CountMsg;
    type Reply = ();
    fn on_receive(&mut self, m: CountMsg, _: &Context<Self>) -> Result<(), Failure> {
        match m {
            CountMsg::Increment => {
                self.0 += 1;
                Ok(())
            }
            CountMsg::Retrieve(producer) => tell(&producer, ProducerMsg::Result(self.0)),
        }
    }
}

enum ProducerMsg {
    Start,
    Result(u64),
}

struct Producer {
    counter: ActorRef<Counter>,
    done: Done,
}

impl Actor for Producer {
    type Message = ProducerMsg;
    type Reply = ();
    fn on_receive(&mut self, m: ProducerMsg, ctx: &Context<Self>) -> Result<(), Failure> {
        match m {
            ProducerMsg::Start => {
                for _ in 0..COUNTING_N {
                    tell(&self.counter, CountMsg::Increment)?;
                }
                tell(&self.counter, CountMsg::Retrieve(ctx.actor_ref().clone()))
            }
            ProducerMsg::Result(n) => {
                let _ = self.done.send(n);
                Ok(())
            }
        }
    }
}

fn counting<R: Runtime>(rt: &R) -> (Duration, u64) {
    let mut timer = Timer::new();
    let counter = start(rt, Counter::default());
    let producer = start(
        rt,
        Producer {
            counter: counter.clone(),
            done: timer.done(),
        },
    );
    timer.start();
    producer
        .tell(ProducerMsg::Start)
        .expect("producer is alive");
    let result = timer.wait();
    stop_all(&[producer]);
    stop_all(&[counter]);
    result
}

/// A fork-join worker: computes for each message, reports after `left` of them.
struct FjWorker {
    left: u64,
    processed: u64,
    sink: ActorRef<Sink>,
}

impl Actor for FjWorker {
    type Message = ();
    type Reply = ();
    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> {
        std::hint::black_box(compute(THETA));
        self.processed += 1;
        self.left -= 1;
        if self.left == 0 {
            tell(&self.sink, self.processed)?;
        }
        Ok(())
    }
}

fn fj_throughput<R: Runtime>(rt: &R) -> (Duration, u64) {
    let mut timer = Timer::new();
    let sink = start(rt, Sink::new(FJ_ACTORS, timer.done()));
    let workers: Vec<_> = (0..FJ_ACTORS)
        .map(|_| {
            let w = FjWorker {
                left: FJ_MESSAGES,
                processed: 0,
                sink: sink.clone(),
            };
            start(rt, w)
        })
        .collect();
    timer.start();
    for _ in 0..FJ_MESSAGES {
        for w in &workers {
            w.tell(()).expect("worker is alive");
        }
    }
    let result = timer.wait();
    stop_all(&workers);
    stop_all(&[sink]);
    result
}

/// Computes once, reports to the sink and stops itself.
struct Once(ActorRef<Sink>);

impl Actor for Once {
    type Message = ();
    type Reply = ();
    fn on_receive(&mut self, (): (), ctx: &Context<Self>) -> Result<(), Failure> {
        std::hint::black_box(compute(THETA));
        tell(&self.0, 1)?;
        ctx.stop();
        Ok(())
    }
}

fn fj_creation<R: Runtime>(rt: &R) -> (Duration, u64) {
    let mut timer = Timer::new();
    let sink = start(rt, Sink::new(FJC_ACTORS, timer.done()));
    timer.start();
    for _ in 0..FJC_ACTORS {
        start(rt, Once(sink.clone()))
            .tell(())
            .expect("a new actor is alive");
    }
    let result = timer.wait();
    stop_all(&[sink]);
    result
}

enum RingMsg {
    Link(ActorRef<RingNode>),
    Token(u64),
}

struct RingNode {
    index: u64,
    next: Option<ActorRef<RingNode>>,
    done: Done,
}

impl Actor for RingNode {
    type Message = RingMsg;
    type Reply = ();
    fn on_receive(&mut self, m: RingMsg, _: &Context<Self>) -> Result<(), Failure> {
        match m {
            RingMsg::Link(next) => self.next = Some(next),
            RingMsg::Token(0) => {
                let _ = self.done.send(self.index);
            }
            RingMsg::Token(n) => {
                let next = self.next.as_ref().ok_or(Failure::msg("not linked"))?;
                tell(next, RingMsg::Token(n - 1))?;
            }
        }
        Ok(())
    }
}

fn thread_ring<R: Runtime>(rt: &R) -> (Duration, u64) {
    let mut timer = Timer::new();
    let nodes: Vec<_> = (0..RING_ACTORS)
        .map(|index| {
            let node = RingNode {
                index,
                next: None,
                done: timer.done(),
            };
            start(rt, node)
        })
        .collect();
    for (i, node) in nodes.iter().enumerate() {
        let next = nodes[(i + 1) % nodes.len()].clone();
        node.tell(RingMsg::Link(next)).expect("node is alive");
    }
    timer.start();
    nodes[0]
        .tell(RingMsg::Token(RING_HOPS))
        .expect("node is alive");
    let result = timer.wait();
    stop_all(&nodes);
    result
}
