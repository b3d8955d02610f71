//! The scenarios on pykka: one generic body per scenario, for every `R: Runtime`.

use std::time::Duration;

use pykka_core::{Actor, ActorRef, Context, Failure, Proxy, Reply, Runtime};

use crate::{Kind, Runner, Scenario, Subject, consts, mem, split, timed};

/// pykka on the backend `R`.
#[derive(Debug, Clone)]
pub struct Pykka<R: Runtime>(pub R);

impl<R: Runtime> Subject for Pykka<R> {
    fn kind(&self) -> Kind {
        Kind::Pykka
    }

    fn backend(&self) -> &'static str {
        R::NAME
    }

    fn prepare(&self, scenario: Scenario) -> Box<dyn Runner> {
        let rt = &self.0;
        match scenario {
            Scenario::Ask => Box::new(AskRunner::new(rt)),
            Scenario::AskFromThread => Box::new(AskFromThread::new(rt)),
            Scenario::Tell => Box::new(Tell::new(rt)),
            Scenario::FanIn => Box::new(FanIn::new(rt)),
            Scenario::Spawn => Box::new(Spawn(rt.clone())),
            Scenario::Ring => Box::new(Ring::new(rt)),
            Scenario::ProxyCall => Box::new(ProxyRunner::new(rt, false)),
            Scenario::ProxyField => Box::new(ProxyRunner::new(rt, true)),
        }
    }

    fn idle_memory(&self, n: usize) -> f64 {
        mem::per_item(n, |measure| {
            let actors: Vec<_> = (0..n).map(|_| start(&self.0, Echo)).collect();
            // One round trip each: every actor has run and touched its stack.
            for a in &actors {
                a.ask(0).expect("echo answers");
            }
            measure();
            stop_all(&actors);
        })
    }
}

fn start<A: Actor, R: Runtime>(rt: &R, actor: A) -> ActorRef<A> {
    actor.start(rt).expect("the backend starts an actor")
}

fn stop_all<A: Actor>(actors: &[ActorRef<A>]) {
    let stops: Vec<_> = actors.iter().map(ActorRef::stop_nonblocking).collect();
    for s in stops {
        s.take().expect("stop completes");
    }
}

/// Answers every message with itself.
struct Echo;

impl Actor for Echo {
    type Message = u64;
    type Reply = u64;
    fn on_receive(&mut self, n: u64, _: &Context<Self>) -> Result<u64, Failure> {
        Ok(n)
    }
}

/// Asks its echo `n` times when asked `n` (the caller of `ask` is an actor).
struct Asker(ActorRef<Echo>);

impl Actor for Asker {
    type Message = u64;
    type Reply = u64;
    fn on_receive(&mut self, n: u64, _: &Context<Self>) -> Result<u64, Failure> {
        let mut sum = 0;
        for i in 0..n {
            sum += self.0.ask(i).map_err(Failure::new)?;
        }
        Ok(sum)
    }
}

struct AskRunner {
    echo: ActorRef<Echo>,
    asker: ActorRef<Asker>,
}

impl AskRunner {
    fn new<R: Runtime>(rt: &R) -> Self {
        let echo = start(rt, Echo);
        let asker = start(rt, Asker(echo.clone()));
        AskRunner { echo, asker }
    }
}

impl Runner for AskRunner {
    fn run(&mut self, iters: u64) -> Duration {
        timed(|| {
            let sum = self.asker.ask(iters).expect("asker answers");
            assert_eq!(sum, iters * iters.saturating_sub(1) / 2);
        })
    }
}

impl Drop for AskRunner {
    fn drop(&mut self) {
        self.asker.stop();
        self.echo.stop();
    }
}

struct AskFromThread(ActorRef<Echo>);

impl AskFromThread {
    fn new<R: Runtime>(rt: &R) -> Self {
        AskFromThread(start(rt, Echo))
    }
}

impl Runner for AskFromThread {
    fn run(&mut self, iters: u64) -> Duration {
        timed(|| {
            for i in 0..iters {
                assert_eq!(self.0.ask(i).expect("echo answers"), i);
            }
        })
    }
}

impl Drop for AskFromThread {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// Counts what it is told.
#[derive(Default)]
struct Counter(u64);

enum Count {
    Add(u64),
    Get,
}

impl Actor for Counter {
    type Message = Count;
    type Reply = u64;
    fn on_receive(&mut self, m: Count, _: &Context<Self>) -> Result<u64, Failure> {
        if let Count::Add(n) = m {
            self.0 += n;
        }
        Ok(self.0)
    }
}

struct Tell {
    counter: ActorRef<Counter>,
    expected: u64,
}

impl Tell {
    fn new<R: Runtime>(rt: &R) -> Self {
        Tell {
            counter: start(rt, Counter::default()),
            expected: 0,
        }
    }
}

impl Runner for Tell {
    fn run(&mut self, iters: u64) -> Duration {
        self.expected += iters;
        timed(|| {
            for _ in 0..iters {
                self.counter.tell(Count::Add(1)).expect("counter alive");
            }
            assert_eq!(
                self.counter.ask(Count::Get).expect("counter answers"),
                self.expected
            );
        })
    }
}

impl Drop for Tell {
    fn drop(&mut self) {
        self.counter.stop();
    }
}

/// When asked `k`, tells its sink `k` times, then asks it once, so that its reply
/// means the sink has handled every one of its messages.
struct FanSender(ActorRef<Counter>);

impl Actor for FanSender {
    type Message = u64;
    type Reply = ();
    fn on_receive(&mut self, k: u64, _: &Context<Self>) -> Result<(), Failure> {
        for _ in 0..k {
            self.0.tell(Count::Add(1)).map_err(Failure::msg)?;
        }
        self.0.ask(Count::Get).map_err(Failure::new)?;
        Ok(())
    }
}

struct FanIn {
    sink: ActorRef<Counter>,
    senders: Vec<ActorRef<FanSender>>,
    expected: u64,
}

impl FanIn {
    fn new<R: Runtime>(rt: &R) -> Self {
        let sink = start(rt, Counter::default());
        let senders = (0..consts::FAN_IN_SENDERS)
            .map(|_| start(rt, FanSender(sink.clone())))
            .collect();
        FanIn {
            sink,
            senders,
            expected: 0,
        }
    }
}

impl Runner for FanIn {
    fn run(&mut self, iters: u64) -> Duration {
        self.expected += iters;
        let shares = split(iters, self.senders.len());
        let elapsed = timed(|| {
            let replies: Vec<_> = self
                .senders
                .iter()
                .zip(shares)
                .map(|(s, k)| s.ask_nonblocking(k))
                .collect();
            for r in replies {
                r.take().expect("sender answers");
            }
        });
        assert_eq!(
            self.sink.ask(Count::Get).expect("sink answers"),
            self.expected
        );
        elapsed
    }
}

impl Drop for FanIn {
    fn drop(&mut self) {
        stop_all(&self.senders);
        self.sink.stop();
    }
}

struct Spawn<R>(R);

impl<R: Runtime> Runner for Spawn<R> {
    fn run(&mut self, iters: u64) -> Duration {
        timed(|| {
            let mut left = iters;
            while left > 0 {
                let batch = left.min(consts::SPAWN_BATCH as u64);
                left -= batch;
                let actors: Vec<_> = (0..batch).map(|_| start(&self.0, Echo)).collect();
                stop_all(&actors);
            }
        })
    }
}

/// One actor of the ring.
struct Node(Option<ActorRef<Node>>);

enum RingMsg {
    Link(ActorRef<Node>),
    /// Hops still to go, and the reply to complete when none are left.
    Token(u64, Reply<()>),
}

impl Actor for Node {
    type Message = RingMsg;
    type Reply = ();
    fn on_receive(&mut self, m: RingMsg, _: &Context<Self>) -> Result<(), Failure> {
        match m {
            RingMsg::Link(next) => self.0 = Some(next),
            RingMsg::Token(0, done) => done.set(()).map_err(|_| Failure::msg("token twice"))?,
            RingMsg::Token(n, done) => {
                let next = self.0.as_ref().ok_or_else(|| Failure::msg("unlinked"))?;
                next.tell(RingMsg::Token(n - 1, done))
                    .map_err(Failure::msg)?;
            }
        }
        Ok(())
    }
}

struct Ring(Vec<ActorRef<Node>>);

impl Ring {
    fn new<R: Runtime>(rt: &R) -> Self {
        let nodes: Vec<_> = (0..consts::RING_SIZE)
            .map(|_| start(rt, Node(None)))
            .collect();
        for (i, node) in nodes.iter().enumerate() {
            let next = nodes[(i + 1) % nodes.len()].clone();
            node.ask(RingMsg::Link(next)).expect("node links");
        }
        Ring(nodes)
    }
}

impl Runner for Ring {
    fn run(&mut self, iters: u64) -> Duration {
        timed(|| {
            let done = Reply::new();
            self.0[0]
                .tell(RingMsg::Token(iters, done.clone()))
                .expect("ring alive");
            done.get().expect("token comes back");
        })
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        stop_all(&self.0);
    }
}

/// The target of the proxy scenarios.
#[derive(Default)]
struct Store {
    total: u64,
}

impl Store {
    fn add(&mut self, n: u64) -> u64 {
        self.total += n;
        self.total
    }
}

impl Actor for Store {
    type Message = ();
    type Reply = ();
}

struct ProxyRunner {
    proxy: Proxy<Store>,
    field: bool,
    total: u64,
}

impl ProxyRunner {
    fn new<R: Runtime>(rt: &R, field: bool) -> Self {
        let proxy = start(rt, Store::default()).proxy().expect("store alive");
        ProxyRunner {
            proxy,
            field,
            total: 0,
        }
    }
}

impl Runner for ProxyRunner {
    fn run(&mut self, iters: u64) -> Duration {
        let proxy = &self.proxy;
        if self.field {
            let total = self.total;
            timed(|| {
                for _ in 0..iters {
                    assert_eq!(proxy.field(|s| &s.total).get().expect("field"), total);
                }
            })
        } else {
            let elapsed = timed(|| {
                for _ in 0..iters {
                    proxy.call(|s| s.add(1)).get().expect("call");
                }
            });
            self.total += iters;
            assert_eq!(proxy.field(|s| &s.total).get().expect("field"), self.total);
            elapsed
        }
    }
}

impl Drop for ProxyRunner {
    fn drop(&mut self) {
        self.proxy.actor_ref().stop();
    }
}
