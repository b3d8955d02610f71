//! The Savina benchmarks on ractor where actors talk to many others or ask each
//! other: chameneos, big and logmap (on the runtime of [`Ractor`]).
//!
//! In logmap a series asks its rate actor with `call!` (the request carries an
//! `RpcReplyPort`) and awaits the answer inside its handler: ractor handles an actor's
//! messages one after another, so the series handles its next message only once it
//! has the answer.

use std::sync::Arc;

use ractor::{Actor, ActorRef, RpcReplyPort};

use crate::savina::params::*;
use crate::savina::{Outcome, Runner, Tally, Terms, Timer, unexpected_pong};
use crate::savina_ractor::{Handled, Ractor, Sink, state_is_arguments, tell_from_runner};

// chameneos

struct Mall;

struct MallState {
    meetings_left: u64,
    waiting: Option<ActorRef<ChameneoMsg>>,
    counts: Tally,
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
    /// From the mall: the chameneo met and its colour.
    Meet(u8, ActorRef<ChameneoMsg>),
    Change(u8),
    Exit,
}

impl Actor for Mall {
    state_is_arguments!(MallMsg, MallState);
    async fn handle(&self, _: ActorRef<MallMsg>, m: MallMsg, s: &mut MallState) -> Handled {
        match m {
            MallMsg::Meet(_, x) if s.meetings_left == 0 => x.cast(ChameneoMsg::Exit)?,
            MallMsg::Meet(colour, x) => match s.waiting.take() {
                None => s.waiting = Some(x),
                Some(w) => {
                    s.meetings_left -= 1;
                    w.cast(ChameneoMsg::Meet(colour, x))?;
                }
            },
            MallMsg::Count(meetings) => s.counts.add(meetings),
        }
        Ok(())
    }
}

impl Actor for Chameneo {
    state_is_arguments!(ChameneoMsg, ChameneoState);
    async fn handle(
        &self,
        myself: ActorRef<ChameneoMsg>,
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
                myself.stop(None);
                return Ok(());
            }
        }
        // After Start, Meet and Change: back to the mall.
        s.mall.cast(MallMsg::Meet(s.colour, myself))?;
        Ok(())
    }
}

pub(crate) fn chameneos(r: &Ractor) -> Outcome {
    let mut timer = Timer::new();
    let mall = r.start(
        Mall,
        MallState {
            meetings_left: CHAMENEOS_MEETINGS,
            waiting: None,
            counts: Tally::new(CHAMENEOS, timer.runner()),
        },
    );
    let chameneos: Vec<_> = (0..CHAMENEOS)
        .map(|i| {
            let s = ChameneoState {
                colour: (i % 3) as u8,
                meetings: 0,
                mall: mall.clone(),
            };
            r.start(Chameneo, s)
        })
        .collect();
    timer.start();
    for c in &chameneos {
        tell_from_runner(c, ChameneoMsg::Start)?;
    }
    let measured = timer.wait()?;
    r.gone(&chameneos)?;
    r.stop(&[mall])?;
    Ok(measured)
}

// big

struct BigWorker;

struct BigState {
    index: u64,
    rng: Rng,
    pings: u64,
    target: u64,
    neighbours: Arc<Vec<ActorRef<BigMsg>>>,
    sink: ActorRef<u64>,
    runner: Runner,
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
        self.neighbours[self.target as usize].cast(BigMsg::Ping(self.index))?;
        Ok(())
    }
}

impl Actor for BigWorker {
    state_is_arguments!(BigMsg, BigState);
    async fn handle(&self, _: ActorRef<BigMsg>, m: BigMsg, s: &mut BigState) -> Handled {
        match m {
            BigMsg::Neighbours(all) => s.neighbours = all,
            BigMsg::Start => s.ping()?,
            BigMsg::Ping(from) => s.neighbours[from as usize].cast(BigMsg::Pong(s.index))?,
            BigMsg::Pong(from) if from != s.target => {
                s.runner.fail(unexpected_pong(s.index, from, s.target));
            }
            BigMsg::Pong(_) if s.pings == BIG_PINGS => s.sink.cast(s.pings)?,
            BigMsg::Pong(_) => s.ping()?,
        }
        Ok(())
    }
}

pub(crate) fn big(r: &Ractor) -> Outcome {
    let mut timer = Timer::new();
    let sink = r.start(Sink, Tally::new(BIG_ACTORS, timer.runner()));
    let workers: Vec<_> = (0..BIG_ACTORS)
        .map(|index| {
            let s = BigState {
                index,
                rng: Rng::new(index),
                pings: 0,
                target: u64::MAX,
                neighbours: Arc::default(),
                sink: sink.clone(),
                runner: timer.runner(),
            };
            r.start(BigWorker, s)
        })
        .collect();
    let all = Arc::new(workers.clone());
    for w in &workers {
        tell_from_runner(w, BigMsg::Neighbours(all.clone()))?;
    }
    drop(all);
    timer.start();
    for w in &workers {
        tell_from_runner(w, BigMsg::Start)?;
    }
    let measured = timer.wait()?;
    r.stop(&workers)?;
    r.stop(&[sink])?;
    Ok(measured)
}

// logmap

/// Answers `Compute(x)` with the next term of its series' logistic map.
struct Rate;

/// `Compute(term)`, with the port for the answer.
struct Compute(f64, RpcReplyPort<f64>);

struct Series;

struct SeriesState {
    index: u64,
    term: f64,
    rate: ActorRef<Compute>,
    sink: ActorRef<Term>,
}

enum SeriesMsg {
    Next,
    Report,
}

struct TermSink;

struct Term(u64, f64);

impl Actor for Rate {
    state_is_arguments!(Compute, f64);
    async fn handle(
        &self,
        _: ActorRef<Compute>,
        Compute(x, reply): Compute,
        rate: &mut f64,
    ) -> Handled {
        // The series waits for this answer; if it is gone, nobody needs it.
        let _ = reply.send(logmap_next(*rate, x));
        Ok(())
    }
}

impl Actor for Series {
    state_is_arguments!(SeriesMsg, SeriesState);
    async fn handle(&self, _: ActorRef<SeriesMsg>, m: SeriesMsg, s: &mut SeriesState) -> Handled {
        match m {
            SeriesMsg::Next => s.term = ractor::call!(s.rate, Compute, s.term)?,
            SeriesMsg::Report => s.sink.cast(Term(s.index, s.term))?,
        }
        Ok(())
    }
}

impl Actor for TermSink {
    state_is_arguments!(Term, Terms);
    async fn handle(
        &self,
        _: ActorRef<Term>,
        Term(index, term): Term,
        terms: &mut Terms,
    ) -> Handled {
        terms.put(index, term);
        Ok(())
    }
}

pub(crate) fn logmap(r: &Ractor) -> Outcome {
    let mut timer = Timer::new();
    let sink = r.start(TermSink, Terms::new(LOGMAP_SERIES, timer.runner()));
    let rates: Vec<_> = (0..LOGMAP_SERIES)
        .map(|i| r.start(Rate, logmap_rate(i)))
        .collect();
    let series: Vec<_> = (0..LOGMAP_SERIES)
        .map(|i| {
            let s = SeriesState {
                index: i,
                term: logmap_start(i),
                rate: rates[i as usize].clone(),
                sink: sink.clone(),
            };
            r.start(Series, s)
        })
        .collect();
    timer.start();
    for _ in 0..LOGMAP_TERMS {
        for s in &series {
            tell_from_runner(s, SeriesMsg::Next)?;
        }
    }
    for s in &series {
        tell_from_runner(s, SeriesMsg::Report)?;
    }
    let measured = timer.wait()?;
    r.stop(&series)?;
    r.stop(&rates)?;
    r.stop(&[sink])?;
    Ok(measured)
}
