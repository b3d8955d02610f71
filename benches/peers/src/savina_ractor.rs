//! The Savina benchmarks on ractor: actors are tasks of a tokio multi-thread runtime
//! (one worker per core); an actor's state is its `State`, started from `Arguments`
//! as they are; `logmap`'s series awaits its rate actor with `call!` in its handler.

use std::sync::Arc;
use std::time::Duration;

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};

use crate::kameo_peer::tokio_runtime;
use crate::savina::params::*;
use crate::savina::{Done, Savina, Timer};

pub struct Ractor(tokio::runtime::Runtime);

type Handled = Result<(), ActorProcessingErr>;

/// `pre_start` that takes the arguments as the state.
macro_rules! state_is_arguments {
    ($msg:ty, $state:ty) => {
        type Msg = $msg;
        type State = $state;
        type Arguments = $state;
        async fn pre_start(
            &self,
            _: ActorRef<$msg>,
            state: $state,
        ) -> Result<$state, ActorProcessingErr> {
            Ok(state)
        }
    };
}

fn spawn<A: Actor<Arguments = S>, S>(
    rt: &tokio::runtime::Runtime,
    actor: A,
    state: S,
) -> ActorRef<A::Msg>
where
    S: Send + 'static,
{
    rt.block_on(Actor::spawn(None, actor, state))
        .expect("spawn")
        .0
}

fn stop_all<M>(actors: &[ActorRef<M>]) {
    for a in actors {
        a.stop(None);
    }
}

/// Adds up `left` numbers, then hands the sum to the runner.
struct Sink;
struct SinkState {
    left: u64,
    sum: u64,
    done: Done,
}

impl Actor for Sink {
    state_is_arguments!(u64, SinkState);
    async fn handle(&self, _: ActorRef<u64>, n: u64, s: &mut SinkState) -> Handled {
        s.sum += n;
        s.left -= 1;
        if s.left == 0 {
            let _ = s.done.send(s.sum);
        }
        Ok(())
    }
}

// pingpong

struct Ping;
struct PingState {
    pong: ActorRef<ActorRef<PingMsg>>,
    pongs: u64,
    done: Done,
}
enum PingMsg {
    Start,
    Pong,
}
struct Pong;

impl Actor for Ping {
    state_is_arguments!(PingMsg, PingState);
    async fn handle(&self, me: ActorRef<PingMsg>, m: PingMsg, s: &mut PingState) -> Handled {
        if let PingMsg::Pong = m {
            s.pongs += 1;
            if s.pongs == PINGPONG_N {
                let _ = s.done.send(s.pongs);
                return Ok(());
            }
        }
        s.pong.cast(me)?;
        Ok(())
    }
}

impl Actor for Pong {
    state_is_arguments!(ActorRef<PingMsg>, ());
    async fn handle(
        &self,
        _: ActorRef<ActorRef<PingMsg>>,
        ping: ActorRef<PingMsg>,
        _: &mut (),
    ) -> Handled {
        ping.cast(PingMsg::Pong)?;
        Ok(())
    }
}

// counting

struct Counter;
enum CountMsg {
    Increment,
    Retrieve(ActorRef<ProducerMsg>),
}
struct Producer;
struct ProducerState {
    counter: ActorRef<CountMsg>,
    done: Done,
}
enum ProducerMsg {
    Start,
    Result(u64),
}

impl Actor for Counter {
    state_is_arguments!(CountMsg, u64);
    async fn handle(&self, _: ActorRef<CountMsg>, m: CountMsg, n: &mut u64) -> Handled {
        match m {
            CountMsg::Increment => *n += 1,
            CountMsg::Retrieve(p) => p.cast(ProducerMsg::Result(*n))?,
        }
        Ok(())
    }
}

impl Actor for Producer {
    state_is_arguments!(ProducerMsg, ProducerState);
    async fn handle(
        &self,
        me: ActorRef<ProducerMsg>,
        m: ProducerMsg,
        s: &mut ProducerState,
    ) -> Handled {
        match m {
            ProducerMsg::Start => {
                for _ in 0..COUNTING_N {
                    s.counter.cast(CountMsg::Increment)?;
                }
                s.counter.cast(CountMsg::Retrieve(me))?;
            }
            ProducerMsg::Result(n) => {
                let _ = s.done.send(n);
            }
        }
        Ok(())
    }
}

// fork-join

struct FjWorker;
struct FjState {
    left: u64,
    processed: u64,
    sink: ActorRef<u64>,
    stop_after_one: bool,
}

impl Actor for FjWorker {
    state_is_arguments!((), FjState);
    async fn handle(&self, me: ActorRef<()>, (): (), s: &mut FjState) -> Handled {
        std::hint::black_box(compute(THETA));
        s.processed += 1;
        s.left -= 1;
        if s.left == 0 {
            s.sink.cast(s.processed)?;
            if s.stop_after_one {
                me.stop(None);
            }
        }
        Ok(())
    }
}

// threadring

struct RingNode;
struct RingState {
    index: u64,
    next: Option<ActorRef<RingMsg>>,
    done: Done,
}
enum RingMsg {
    Link(ActorRef<RingMsg>),
    Token(u64),
}

impl Actor for RingNode {
    state_is_arguments!(RingMsg, RingState);
    async fn handle(&self, _: ActorRef<RingMsg>, m: RingMsg, s: &mut RingState) -> Handled {
        match m {
            RingMsg::Link(next) => s.next = Some(next),
            RingMsg::Token(0) => {
                let _ = s.done.send(s.index);
            }
            RingMsg::Token(n) => {
                if let Some(next) = &s.next {
                    next.cast(RingMsg::Token(n - 1))?;
                }
            }
        }
        Ok(())
    }
}

// chameneos

struct Mall;
struct MallState {
    left: u64,
    waiting: Option<ActorRef<ChameneoMsg>>,
    faded: u64,
    sum: u64,
    done: Done,
}
enum MallMsg {
    Meet(u8, ActorRef<ChameneoMsg>),
    Count(u64),
}
struct Chameneo;
struct ChameneoState {
    colour: u8,
    meetings: u64,
    mall: ActorRef<MallMsg>,
}
enum ChameneoMsg {
    Start,
    Meet(u8, ActorRef<ChameneoMsg>),
    Change(u8),
    Exit,
}

impl Actor for Mall {
    state_is_arguments!(MallMsg, MallState);
    async fn handle(&self, _: ActorRef<MallMsg>, m: MallMsg, s: &mut MallState) -> Handled {
        match m {
            MallMsg::Meet(_, x) if s.left == 0 => x.cast(ChameneoMsg::Exit)?,
            MallMsg::Meet(colour, x) => match s.waiting.take() {
                None => s.waiting = Some(x),
                Some(w) => {
                    s.left -= 1;
                    w.cast(ChameneoMsg::Meet(colour, x))?;
                }
            },
            MallMsg::Count(n) => {
                s.sum += n;
                s.faded += 1;
                if s.faded == CHAMENEOS {
                    let _ = s.done.send(s.sum);
                }
            }
        }
        Ok(())
    }
}

impl Actor for Chameneo {
    state_is_arguments!(ChameneoMsg, ChameneoState);
    async fn handle(
        &self,
        me: ActorRef<ChameneoMsg>,
        m: ChameneoMsg,
        s: &mut ChameneoState,
    ) -> Handled {
        match m {
            ChameneoMsg::Start => {}
            ChameneoMsg::Meet(colour, other) => {
                s.colour = complement(s.colour, colour);
                s.meetings += 1;
                other.cast(ChameneoMsg::Change(s.colour))?;
            }
            ChameneoMsg::Change(colour) => {
                s.colour = colour;
                s.meetings += 1;
            }
            ChameneoMsg::Exit => {
                s.mall.cast(MallMsg::Count(s.meetings))?;
                me.stop(None);
                return Ok(());
            }
        }
        s.mall.cast(MallMsg::Meet(s.colour, me))?;
        Ok(())
    }
}

// big

struct BigWorker;
struct BigState {
    index: u64,
    rng: Rng,
    pings: u64,
    target: u64,
    all: Arc<Vec<ActorRef<BigMsg>>>,
    sink: ActorRef<u64>,
    done: Done,
}
enum BigMsg {
    Neighbours(Arc<Vec<ActorRef<BigMsg>>>),
    Start,
    Ping(u64),
    Pong(u64),
}

impl BigState {
    fn ping(&mut self) -> Handled {
        self.target = self.rng.below(BIG_ACTORS);
        self.pings += 1;
        self.all[self.target as usize].cast(BigMsg::Ping(self.index))?;
        Ok(())
    }
}

impl Actor for BigWorker {
    state_is_arguments!(BigMsg, BigState);
    async fn handle(&self, _: ActorRef<BigMsg>, m: BigMsg, s: &mut BigState) -> Handled {
        match m {
            BigMsg::Neighbours(all) => s.all = all,
            BigMsg::Start => s.ping()?,
            BigMsg::Ping(from) => s.all[from as usize].cast(BigMsg::Pong(s.index))?,
            BigMsg::Pong(from) if from != s.target => {
                let _ = s.done.send(u64::MAX);
            }
            BigMsg::Pong(_) if s.pings == BIG_PINGS => s.sink.cast(s.pings)?,
            BigMsg::Pong(_) => s.ping()?,
        }
        Ok(())
    }
}

// logmap

struct Rate;
enum RateMsg {
    Compute(f64, RpcReplyPort<f64>),
}
struct Series;
struct SeriesState {
    index: u64,
    term: f64,
    rate: ActorRef<RateMsg>,
    sink: ActorRef<(u64, f64)>,
}
enum SeriesMsg {
    Next,
    Report,
}
struct TermSink;
struct TermState {
    terms: Vec<Option<f64>>,
    done: Done,
}

impl Actor for Rate {
    state_is_arguments!(RateMsg, f64);
    async fn handle(
        &self,
        _: ActorRef<RateMsg>,
        RateMsg::Compute(x, reply): RateMsg,
        rate: &mut f64,
    ) -> Handled {
        let _ = reply.send(logmap_next(*rate, x));
        Ok(())
    }
}

impl Actor for Series {
    state_is_arguments!(SeriesMsg, SeriesState);
    async fn handle(&self, _: ActorRef<SeriesMsg>, m: SeriesMsg, s: &mut SeriesState) -> Handled {
        match m {
            SeriesMsg::Next => s.term = ractor::call!(s.rate, RateMsg::Compute, s.term)?,
            SeriesMsg::Report => s.sink.cast((s.index, s.term))?,
        }
        Ok(())
    }
}

impl Actor for TermSink {
    state_is_arguments!((u64, f64), TermState);
    async fn handle(
        &self,
        _: ActorRef<(u64, f64)>,
        (i, x): (u64, f64),
        s: &mut TermState,
    ) -> Handled {
        s.terms[i as usize] = Some(x);
        if s.terms.iter().all(Option::is_some) {
            let _ = s.done.send(logmap_checksum(s.terms.iter().flatten().sum()));
        }
        Ok(())
    }
}

impl Savina for Ractor {
    fn new() -> Self {
        Ractor(tokio_runtime())
    }

    fn run(&self, bench: Bench) -> (Duration, u64) {
        let rt = &self.0;
        let mut timer = Timer::new();
        let sink = |left| {
            let s = SinkState {
                left,
                sum: 0,
                done: timer.done(),
            };
            spawn(rt, Sink, s)
        };
        match bench {
            Bench::PingPong => {
                let pong = spawn(rt, Pong, ());
                let ping = spawn(
                    rt,
                    Ping,
                    PingState {
                        pong: pong.clone(),
                        pongs: 0,
                        done: timer.done(),
                    },
                );
                timer.start();
                ping.cast(PingMsg::Start).expect("ping alive");
                let r = timer.wait();
                ping.stop(None);
                pong.stop(None);
                r
            }
            Bench::Counting => {
                let counter = spawn(rt, Counter, 0);
                let producer = spawn(
                    rt,
                    Producer,
                    ProducerState {
                        counter: counter.clone(),
                        done: timer.done(),
                    },
                );
                timer.start();
                producer.cast(ProducerMsg::Start).expect("producer alive");
                let r = timer.wait();
                producer.stop(None);
                counter.stop(None);
                r
            }
            Bench::FjThroughput => {
                let sink = sink(FJ_ACTORS);
                let workers: Vec<_> = (0..FJ_ACTORS)
                    .map(|_| {
                        let s = FjState {
                            left: FJ_MESSAGES,
                            processed: 0,
                            sink: sink.clone(),
                            stop_after_one: false,
                        };
                        spawn(rt, FjWorker, s)
                    })
                    .collect();
                timer.start();
                for _ in 0..FJ_MESSAGES {
                    for w in &workers {
                        w.cast(()).expect("worker alive");
                    }
                }
                let r = timer.wait();
                stop_all(&workers);
                sink.stop(None);
                r
            }
            Bench::FjCreation => {
                let sink = sink(FJC_ACTORS);
                timer.start();
                rt.block_on(async {
                    for _ in 0..FJC_ACTORS {
                        let s = FjState {
                            left: 1,
                            processed: 0,
                            sink: sink.clone(),
                            stop_after_one: true,
                        };
                        let (w, _) = Actor::spawn(None, FjWorker, s).await.expect("spawn");
                        w.cast(()).expect("worker alive");
                    }
                });
                let r = timer.wait();
                sink.stop(None);
                r
            }
            Bench::ThreadRing => {
                let nodes: Vec<_> = (0..RING_ACTORS)
                    .map(|index| {
                        let s = RingState {
                            index,
                            next: None,
                            done: timer.done(),
                        };
                        spawn(rt, RingNode, s)
                    })
                    .collect();
                for (i, n) in nodes.iter().enumerate() {
                    n.cast(RingMsg::Link(nodes[(i + 1) % nodes.len()].clone()))
                        .expect("node alive");
                }
                timer.start();
                nodes[0]
                    .cast(RingMsg::Token(RING_HOPS))
                    .expect("node alive");
                let r = timer.wait();
                stop_all(&nodes);
                r
            }
            Bench::Chameneos => {
                let mall = spawn(
                    rt,
                    Mall,
                    MallState {
                        left: CHAMENEOS_MEETINGS,
                        waiting: None,
                        faded: 0,
                        sum: 0,
                        done: timer.done(),
                    },
                );
                let all: Vec<_> = (0..CHAMENEOS)
                    .map(|i| {
                        let s = ChameneoState {
                            colour: (i % 3) as u8,
                            meetings: 0,
                            mall: mall.clone(),
                        };
                        spawn(rt, Chameneo, s)
                    })
                    .collect();
                timer.start();
                for c in &all {
                    c.cast(ChameneoMsg::Start).expect("chameneo alive");
                }
                let r = timer.wait();
                stop_all(&all);
                mall.stop(None);
                r
            }
            Bench::Big => {
                let sink = sink(BIG_ACTORS);
                let workers: Vec<_> = (0..BIG_ACTORS)
                    .map(|index| {
                        let s = BigState {
                            index,
                            rng: Rng::new(index),
                            pings: 0,
                            target: u64::MAX,
                            all: Arc::default(),
                            sink: sink.clone(),
                            done: timer.done(),
                        };
                        spawn(rt, BigWorker, s)
                    })
                    .collect();
                let all = Arc::new(workers.clone());
                for w in &workers {
                    w.cast(BigMsg::Neighbours(all.clone()))
                        .expect("worker alive");
                }
                drop(all);
                timer.start();
                for w in &workers {
                    w.cast(BigMsg::Start).expect("worker alive");
                }
                let r = timer.wait();
                stop_all(&workers);
                sink.stop(None);
                r
            }
            Bench::LogMap => {
                let sink = spawn(
                    rt,
                    TermSink,
                    TermState {
                        terms: vec![None; LOGMAP_SERIES as usize],
                        done: timer.done(),
                    },
                );
                let rates: Vec<_> = (0..LOGMAP_SERIES)
                    .map(|i| spawn(rt, Rate, logmap_rate(i)))
                    .collect();
                let series: Vec<_> = (0..LOGMAP_SERIES)
                    .map(|i| {
                        let s = SeriesState {
                            index: i,
                            term: logmap_start(i),
                            rate: rates[i as usize].clone(),
                            sink: sink.clone(),
                        };
                        spawn(rt, Series, s)
                    })
                    .collect();
                timer.start();
                for _ in 0..LOGMAP_TERMS {
                    for s in &series {
                        s.cast(SeriesMsg::Next).expect("series alive");
                    }
                }
                for s in &series {
                    s.cast(SeriesMsg::Report).expect("series alive");
                }
                let r = timer.wait();
                stop_all(&series);
                stop_all(&rates);
                sink.stop(None);
                r
            }
        }
    }
}
