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
            Scenario::Ask => Box::new(AskRunner::new(rt, Echo, Asker)),
            Scenario::AskFromThread => Box::new(AskFromThread::new(rt)),
            Scenario::Tell => Box::new(Tell::new(rt)),
            Scenario::FanIn => Box::new(FanIn::new(rt)),
            Scenario::Spawn => Box::new(Spawn(rt.clone())),
            Scenario::Ring => Box::new(Ring::<Node>::new(rt)),
            Scenario::ProxyCall => Box::new(ProxyRunner::new(rt, false)),
            Scenario::ProxyField => Box::new(ProxyRunner::new(rt, true)),
        }
    }

    fn savina(&self, bench: crate::savina::Bench) -> Option<crate::savina::Run<'_>> {
        Some(Box::new(move || crate::savina::pykka::run(&self.0, bench)))
    }

    fn growth(&self, n: usize) -> Option<crate::growth::Growth> {
        Some(crate::growth::measure(&self.0, n))
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

pub(crate) fn start<A: Actor, R: Runtime>(rt: &R, actor: A) -> ActorRef<A> {
    actor.start(rt).expect("the backend starts an actor")
}

pub(crate) fn stop_all<A: Actor>(actors: &[ActorRef<A>]) {
    let stops: Vec<_> = actors.iter().map(ActorRef::stop_nonblocking).collect();
    for s in stops {
        s.take().expect("stop completes");
    }
}

/// Answers every message with itself.
#[derive(Debug)]
pub struct Echo;

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

/// The actor-to-actor `ask`: the main thread asks the asker `n`, which asks its echo
/// `n` times (whatever the form of their handlers).
pub(crate) struct AskRunner<E: Actor, A: Actor> {
    echo: ActorRef<E>,
    asker: ActorRef<A>,
}

impl<E, A> AskRunner<E, A>
where
    E: Actor<Message = u64, Reply = u64>,
    A: Actor<Message = u64, Reply = u64>,
{
    pub(crate) fn new<R: Runtime>(rt: &R, echo: E, asker: impl FnOnce(ActorRef<E>) -> A) -> Self {
        let echo = start(rt, echo);
        let asker = start(rt, asker(echo.clone()));
        AskRunner { echo, asker }
    }
}

impl<E, A> Runner for AskRunner<E, A>
where
    E: Actor<Message = u64, Reply = u64>,
    A: Actor<Message = u64, Reply = u64>,
{
    fn run(&mut self, iters: u64) -> Duration {
        timed(|| {
            let sum = self.asker.ask(iters).expect("asker answers");
            assert_eq!(sum, iters * iters.saturating_sub(1) / 2);
        })
    }
}

impl<E: Actor, A: Actor> Drop for AskRunner<E, A> {
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

/// What a ring node gets.
pub(crate) enum RingMsg<N: Actor> {
    Link(ActorRef<N>),
    /// Hops still to go, and the reply to complete when none are left.
    Token(u64, Reply<()>),
}

/// A node of the ring, whatever the form of its handler: it hands every message to
/// [`hop`].
pub(crate) trait RingNode: Actor<Message = RingMsg<Self>, Reply = ()> {
    /// A node not linked yet.
    fn unlinked() -> Self;
}

/// One node's part of the ring: link it, or pass the token on to `next`.
pub(crate) fn hop<N: RingNode>(
    next: &mut Option<ActorRef<N>>,
    m: RingMsg<N>,
) -> Result<(), Failure> {
    match m {
        RingMsg::Link(node) => *next = Some(node),
        RingMsg::Token(0, done) => done.set(()).map_err(|_| Failure::msg("token twice"))?,
        RingMsg::Token(n, done) => {
            let next = next.as_ref().ok_or_else(|| Failure::msg("unlinked"))?;
            next.tell(RingMsg::Token(n - 1, done))
                .map_err(Failure::msg)?;
        }
    }
    Ok(())
}

/// One actor of the ring.
struct Node(Option<ActorRef<Node>>);

impl RingNode for Node {
    fn unlinked() -> Self {
        Node(None)
    }
}

impl Actor for Node {
    type Message = RingMsg<Node>;
    type Reply = ();
    fn on_receive(&mut self, m: RingMsg<Node>, _: &Context<Self>) -> Result<(), Failure> {
        hop(&mut self.0, m)
    }
}

/// A token passed around a ring of [`consts::RING_SIZE`] nodes.
pub(crate) struct Ring<N: RingNode>(Vec<ActorRef<N>>);

impl<N: RingNode> Ring<N> {
    pub(crate) fn new<R: Runtime>(rt: &R) -> Self {
        let nodes: Vec<_> = (0..consts::RING_SIZE)
            .map(|_| start(rt, N::unlinked()))
            .collect();
        for (i, node) in nodes.iter().enumerate() {
            let next = nodes[(i + 1) % nodes.len()].clone();
            node.ask(RingMsg::Link(next)).expect("node links");
        }
        Ring(nodes)
    }
}

impl<N: RingNode> Runner for Ring<N> {
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

impl<N: RingNode> Drop for Ring<N> {
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
