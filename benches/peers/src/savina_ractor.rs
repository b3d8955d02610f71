//! The Savina benchmarks on ractor: pingpong, counting, the two fork-joins and
//! threadring (chameneos, big and logmap are in `savina_ractor_mesh.rs`).
//!
//! Actors are tasks of a tokio multi-thread runtime (one worker per core), as in
//! `ractor_peer.rs`. A ractor actor is a stateless behaviour with one message type
//! (an enum where it takes several) and a `State` built by `pre_start`; here the
//! state is the `Arguments` as they are. Everyone tells with `cast`, a plain function
//! (mailboxes are unbounded). An actor stops with `stop` or by stopping itself
//! (`myself.stop`); the runner waits for it with `wait`, so that no actor outlives its
//! run.

use ractor::{Actor, ActorProcessingErr, ActorRef};

use crate::kameo_peer::tokio_runtime;
use crate::savina::params::*;
use crate::savina::{Outcome, Runner, Savina, Tally, Timer, bounded};
use crate::savina_ractor_mesh as mesh;

pub struct Ractor(pub(crate) tokio::runtime::Runtime);

/// What a handler returns: an error stops the actor (and so fails the run).
pub(crate) type Handled = Result<(), ActorProcessingErr>;

/// The message, state and `pre_start` of an actor whose state is its arguments.
macro_rules! state_is_arguments {
    ($msg:ty, $state:ty) => {
        type Msg = $msg;
        type State = $state;
        type Arguments = $state;
        async fn pre_start(
            &self,
            _: ractor::ActorRef<$msg>,
            state: $state,
        ) -> Result<$state, ractor::ActorProcessingErr> {
            Ok(state)
        }
    };
}
pub(crate) use state_is_arguments;

impl Ractor {
    /// Starts `behaviour` with `state` (once `pre_start` has run).
    pub(crate) fn start<A: Actor>(&self, behaviour: A, state: A::Arguments) -> ActorRef<A::Msg> {
        self.0
            .block_on(Actor::spawn(None, behaviour, state))
            .expect("ractor starts an actor")
            .0
    }

    /// Stops `actors` (a stop comes before what they have queued; here nothing is) and
    /// waits until they are gone.
    pub(crate) fn stop<M: ractor::Message>(&self, actors: &[ActorRef<M>]) -> Result<(), String> {
        for a in actors {
            a.stop(None);
        }
        self.gone(actors)
    }

    /// Waits until `actors` are gone.
    pub(crate) fn gone<M: ractor::Message>(&self, actors: &[ActorRef<M>]) -> Result<(), String> {
        self.0.block_on(bounded("stopping", async {
            for a in actors {
                let _ = a.wait(None).await;
            }
        }))
    }
}

/// A tell from the runner.
pub(crate) fn tell_from_runner<M: ractor::Message>(to: &ActorRef<M>, m: M) -> Result<(), String> {
    to.cast(m)
        .map_err(|_| "a tell from the runner found its actor gone".to_string())
}

/// Adds up what it is told, then hands the sum to the runner.
pub(crate) struct Sink;

impl Actor for Sink {
    state_is_arguments!(u64, Tally);
    async fn handle(&self, _: ActorRef<u64>, n: u64, tally: &mut Tally) -> Handled {
        tally.add(n);
        Ok(())
    }
}

// pingpong

/// The Ping actor.
struct Pinger;

struct PingerState {
    pong: ActorRef<Ping>,
    pongs: u64,
    runner: Runner,
}

enum PingerMsg {
    Start,
    Pong,
}

/// The Pong actor.
struct Ponger;

/// A ping carries its sender.
struct Ping(ActorRef<PingerMsg>);

impl Actor for Pinger {
    state_is_arguments!(PingerMsg, PingerState);
    async fn handle(
        &self,
        myself: ActorRef<PingerMsg>,
        m: PingerMsg,
        s: &mut PingerState,
    ) -> Handled {
        if let PingerMsg::Pong = m {
            s.pongs += 1;
            if s.pongs == PINGPONG_N {
                s.runner.done(s.pongs);
                return Ok(());
            }
        }
        s.pong.cast(Ping(myself))?;
        Ok(())
    }
}

impl Actor for Ponger {
    state_is_arguments!(Ping, ());
    async fn handle(&self, _: ActorRef<Ping>, Ping(from): Ping, _: &mut ()) -> Handled {
        from.cast(PingerMsg::Pong)?;
        Ok(())
    }
}

// counting

struct Counter;

enum CounterMsg {
    Increment,
    Retrieve(ActorRef<ProducerMsg>),
}

struct Producer;

struct ProducerState {
    counter: ActorRef<CounterMsg>,
    runner: Runner,
}

enum ProducerMsg {
    Start,
    Result(u64),
}

impl Actor for Counter {
    state_is_arguments!(CounterMsg, u64);
    async fn handle(&self, _: ActorRef<CounterMsg>, m: CounterMsg, n: &mut u64) -> Handled {
        match m {
            CounterMsg::Increment => *n += 1,
            CounterMsg::Retrieve(producer) => producer.cast(ProducerMsg::Result(*n))?,
        }
        Ok(())
    }
}

impl Actor for Producer {
    state_is_arguments!(ProducerMsg, ProducerState);
    async fn handle(
        &self,
        myself: ActorRef<ProducerMsg>,
        m: ProducerMsg,
        s: &mut ProducerState,
    ) -> Handled {
        match m {
            ProducerMsg::Start => {
                for _ in 0..COUNTING_N {
                    s.counter.cast(CounterMsg::Increment)?;
                }
                s.counter.cast(CounterMsg::Retrieve(myself))?;
            }
            ProducerMsg::Result(n) => s.runner.done(n),
        }
        Ok(())
    }
}

// the fork-joins

/// The `Work` message.
struct Work;

/// An `fjthroughput` worker: computes for each `Work`, reports after the last.
struct FjWorker;

struct FjState {
    left: u64,
    processed: u64,
    sink: ActorRef<u64>,
}

impl Actor for FjWorker {
    state_is_arguments!(Work, FjState);
    async fn handle(&self, _: ActorRef<Work>, _: Work, s: &mut FjState) -> Handled {
        std::hint::black_box(compute(THETA));
        s.processed += 1;
        s.left -= 1;
        if s.left == 0 {
            s.sink.cast(s.processed)?;
        }
        Ok(())
    }
}

/// An `fjcreation` actor: computes once, reports, stops itself.
struct Once;

impl Actor for Once {
    state_is_arguments!(Work, ActorRef<u64>);
    async fn handle(&self, myself: ActorRef<Work>, _: Work, sink: &mut ActorRef<u64>) -> Handled {
        std::hint::black_box(compute(THETA));
        sink.cast(1)?;
        myself.stop(None);
        Ok(())
    }
}

// threadring

struct RingNode;

struct RingState {
    index: u64,
    next: Option<ActorRef<RingMsg>>,
    runner: Runner,
}

enum RingMsg {
    Link(ActorRef<RingMsg>),
    Token(u64),
}

impl Actor for RingNode {
    state_is_arguments!(RingMsg, RingState);
    async fn handle(&self, _: ActorRef<RingMsg>, m: RingMsg, s: &mut RingState) -> Handled {
        match (m, &s.next) {
            (RingMsg::Link(next), _) => s.next = Some(next),
            (RingMsg::Token(0), _) => s.runner.done(s.index),
            (RingMsg::Token(n), Some(next)) => next.cast(RingMsg::Token(n - 1))?,
            (RingMsg::Token(_), None) => s.runner.fail(format!("node {} is not linked", s.index)),
        }
        Ok(())
    }
}

// the runs

impl Savina for Ractor {
    fn new() -> Self {
        Ractor(tokio_runtime())
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
        let pong = self.start(Ponger, ());
        let ping = self.start(
            Pinger,
            PingerState {
                pong: pong.clone(),
                pongs: 0,
                runner: timer.runner(),
            },
        );
        timer.start();
        tell_from_runner(&ping, PingerMsg::Start)?;
        let measured = timer.wait()?;
        self.stop(&[ping])?;
        self.stop(&[pong])?;
        Ok(measured)
    }

    fn counting(&self) -> Outcome {
        let mut timer = Timer::new();
        let counter = self.start(Counter, 0);
        let producer = self.start(
            Producer,
            ProducerState {
                counter: counter.clone(),
                runner: timer.runner(),
            },
        );
        timer.start();
        tell_from_runner(&producer, ProducerMsg::Start)?;
        let measured = timer.wait()?;
        self.stop(&[producer])?;
        self.stop(&[counter])?;
        Ok(measured)
    }

    fn fj_throughput(&self) -> Outcome {
        let mut timer = Timer::new();
        let sink = self.start(Sink, Tally::new(FJ_ACTORS, timer.runner()));
        let workers: Vec<_> = (0..FJ_ACTORS)
            .map(|_| {
                let s = FjState {
                    left: FJ_MESSAGES,
                    processed: 0,
                    sink: sink.clone(),
                };
                self.start(FjWorker, s)
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
        let sink = self.start(Sink, Tally::new(FJC_ACTORS, timer.runner()));
        timer.start();
        let started = self.0.block_on(async {
            let mut started = Vec::with_capacity(FJC_ACTORS as usize);
            for _ in 0..FJC_ACTORS {
                let (once, _) = Actor::spawn(None, Once, sink.clone())
                    .await
                    .map_err(|e| format!("ractor did not start an actor: {e}"))?;
                tell_from_runner(&once, Work)?;
                started.push(once);
            }
            Ok::<_, String>(started)
        })?;
        let measured = timer.wait()?;
        self.gone(&started)?;
        self.stop(&[sink])?;
        Ok(measured)
    }

    fn thread_ring(&self) -> Outcome {
        let mut timer = Timer::new();
        let nodes: Vec<_> = (0..RING_ACTORS)
            .map(|index| {
                let s = RingState {
                    index,
                    next: None,
                    runner: timer.runner(),
                };
                self.start(RingNode, s)
            })
            .collect();
        for (i, node) in nodes.iter().enumerate() {
            tell_from_runner(node, RingMsg::Link(nodes[(i + 1) % nodes.len()].clone()))?;
        }
        timer.start();
        tell_from_runner(&nodes[0], RingMsg::Token(RING_HOPS))?;
        let measured = timer.wait()?;
        self.stop(&nodes)?;
        Ok(measured)
    }
}
