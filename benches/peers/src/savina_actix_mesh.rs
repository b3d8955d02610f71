//! The Savina benchmarks on actix where actors talk to many others or ask each other:
//! chameneos, big and logmap (on the arbiter of [`Actix`]).
//!
//! In logmap a series asks its rate actor with `send` and awaits the answer in an
//! `AtomicResponse`: actix runs that future to completion before the series handles
//! its next message (a `ResponseActFuture` would let the next `Next` in meanwhile).

use std::sync::Arc;

use actix::prelude::*;

use crate::savina::params::*;
use crate::savina::{Outcome, Runner, Tally, Terms, Timer, unexpected_pong};
use crate::savina_actix::{Actix, Done, Sink, Start, actors, gone, stop};

actors!(Mall, Chameneo, BigWorker, Rate, Series, TermSink);

// chameneos

struct Mall {
    meetings_left: u64,
    waiting: Option<Addr<Chameneo>>,
    counts: Tally,
}

struct Chameneo {
    colour: u8,
    meetings: u64,
    mall: Addr<Mall>,
}

/// To the mall, a chameneo that wants to meet; from the mall, the one it meets.
#[derive(Message)]
#[rtype(result = "()")]
struct Meet(u8, Addr<Chameneo>);

#[derive(Message)]
#[rtype(result = "()")]
struct Change(u8);

#[derive(Message)]
#[rtype(result = "()")]
struct Exit;

#[derive(Message)]
#[rtype(result = "()")]
struct Count(u64);

impl Handler<Meet> for Mall {
    type Result = ();
    fn handle(&mut self, Meet(colour, x): Meet, _: &mut Context<Self>) {
        if self.meetings_left == 0 {
            x.do_send(Exit);
        } else if let Some(w) = self.waiting.take() {
            self.meetings_left -= 1;
            w.do_send(Meet(colour, x));
        } else {
            self.waiting = Some(x);
        }
    }
}

impl Handler<Count> for Mall {
    type Result = ();
    fn handle(&mut self, Count(meetings): Count, _: &mut Context<Self>) {
        self.counts.add(meetings);
    }
}

impl Chameneo {
    fn meet_again(&self, ctx: &Context<Self>) {
        self.mall.do_send(Meet(self.colour, ctx.address()));
    }
}

impl Handler<Start> for Chameneo {
    type Result = ();
    fn handle(&mut self, _: Start, ctx: &mut Context<Self>) {
        self.meet_again(ctx);
    }
}

impl Handler<Meet> for Chameneo {
    type Result = ();
    fn handle(&mut self, Meet(colour, other): Meet, ctx: &mut Context<Self>) {
        self.colour = complement(self.colour, colour);
        self.meetings += 1;
        other.do_send(Change(self.colour));
        self.meet_again(ctx);
    }
}

impl Handler<Change> for Chameneo {
    type Result = ();
    fn handle(&mut self, Change(colour): Change, ctx: &mut Context<Self>) {
        self.colour = colour;
        self.meetings += 1;
        self.meet_again(ctx);
    }
}

impl Handler<Exit> for Chameneo {
    type Result = ();
    fn handle(&mut self, _: Exit, ctx: &mut Context<Self>) {
        self.mall.do_send(Count(self.meetings));
        ctx.stop();
    }
}

pub(crate) fn chameneos(a: &Actix) -> Outcome {
    let mut timer = Timer::new();
    let mall = a.start(Mall {
        meetings_left: CHAMENEOS_MEETINGS,
        waiting: None,
        counts: Tally::new(CHAMENEOS, timer.runner()),
    });
    let chameneos: Vec<_> = (0..CHAMENEOS)
        .map(|i| {
            a.start(Chameneo {
                colour: (i % 3) as u8,
                meetings: 0,
                mall: mall.clone(),
            })
        })
        .collect();
    timer.start();
    for c in &chameneos {
        c.do_send(Start);
    }
    let measured = timer.wait()?;
    gone(&chameneos)?;
    stop(&[mall])?;
    Ok(measured)
}

// big

struct BigWorker {
    index: u64,
    rng: Rng,
    pings: u64,
    target: u64,
    neighbours: Arc<Vec<Addr<BigWorker>>>,
    sink: Addr<Sink>,
    runner: Runner,
}

#[derive(Message)]
#[rtype(result = "()")]
struct Neighbours(Arc<Vec<Addr<BigWorker>>>);

#[derive(Message)]
#[rtype(result = "()")]
struct Ping(u64);

#[derive(Message)]
#[rtype(result = "()")]
struct Pong(u64);

impl BigWorker {
    fn ping(&mut self) {
        self.target = self.rng.below(BIG_ACTORS);
        self.pings += 1;
        self.neighbours[self.target as usize].do_send(Ping(self.index));
    }
}

impl Handler<Neighbours> for BigWorker {
    type Result = ();
    fn handle(&mut self, Neighbours(all): Neighbours, _: &mut Context<Self>) {
        self.neighbours = all;
    }
}

impl Handler<Start> for BigWorker {
    type Result = ();
    fn handle(&mut self, _: Start, _: &mut Context<Self>) {
        self.ping();
    }
}

impl Handler<Ping> for BigWorker {
    type Result = ();
    fn handle(&mut self, Ping(from): Ping, _: &mut Context<Self>) {
        self.neighbours[from as usize].do_send(Pong(self.index));
    }
}

impl Handler<Pong> for BigWorker {
    type Result = ();
    fn handle(&mut self, Pong(from): Pong, _: &mut Context<Self>) {
        if from != self.target {
            self.runner
                .fail(unexpected_pong(self.index, from, self.target));
        } else if self.pings == BIG_PINGS {
            self.sink.do_send(Done(self.pings));
        } else {
            self.ping();
        }
    }
}

pub(crate) fn big(a: &Actix) -> Outcome {
    let mut timer = Timer::new();
    let sink = a.start(Sink(Tally::new(BIG_ACTORS, timer.runner())));
    let workers: Vec<_> = (0..BIG_ACTORS)
        .map(|index| {
            a.start(BigWorker {
                index,
                rng: Rng::new(index),
                pings: 0,
                target: u64::MAX,
                neighbours: Arc::default(),
                sink: sink.clone(),
                runner: timer.runner(),
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
    let measured = timer.wait()?;
    stop(&workers)?;
    stop(&[sink])?;
    Ok(measured)
}

// logmap

/// Answers `Compute(x)` with the next term of its series' logistic map.
struct Rate(f64);

struct Series {
    index: u64,
    term: f64,
    rate: Addr<Rate>,
    sink: Addr<TermSink>,
}

struct TermSink(Terms);

#[derive(Message)]
#[rtype(result = "f64")]
struct Compute(f64);

#[derive(Message)]
#[rtype(result = "()")]
struct Next;

#[derive(Message)]
#[rtype(result = "()")]
struct Report;

#[derive(Message)]
#[rtype(result = "()")]
struct Term(u64, f64);

impl Handler<Compute> for Rate {
    type Result = f64;
    fn handle(&mut self, Compute(x): Compute, _: &mut Context<Self>) -> f64 {
        logmap_next(self.0, x)
    }
}

impl Handler<Next> for Series {
    type Result = AtomicResponse<Self, ()>;
    fn handle(&mut self, _: Next, _: &mut Context<Self>) -> Self::Result {
        let answer = self.rate.send(Compute(self.term));
        AtomicResponse::new(Box::pin(answer.into_actor(self).map(
            |answer, series, ctx| match answer {
                Ok(term) => series.term = term,
                // The rate actor is gone: the sink never completes, the run fails.
                Err(_) => ctx.stop(),
            },
        )))
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
    fn handle(&mut self, Term(index, term): Term, _: &mut Context<Self>) {
        self.0.put(index, term);
    }
}

pub(crate) fn logmap(a: &Actix) -> Outcome {
    let mut timer = Timer::new();
    let sink = a.start(TermSink(Terms::new(LOGMAP_SERIES, timer.runner())));
    let rates: Vec<_> = (0..LOGMAP_SERIES)
        .map(|i| a.start(Rate(logmap_rate(i))))
        .collect();
    let series: Vec<_> = (0..LOGMAP_SERIES)
        .map(|i| {
            a.start(Series {
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
    let measured = timer.wait()?;
    stop(&series)?;
    stop(&rates)?;
    stop(&[sink])?;
    Ok(measured)
}
