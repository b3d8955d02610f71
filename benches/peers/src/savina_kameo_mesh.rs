//! The Savina benchmarks on kameo where actors talk to many others or ask each other:
//! chameneos, big and logmap (on the runtime of [`Kameo`]).
//!
//! In logmap a series asks its rate actor with `ask(..).await` inside its handler:
//! kameo handles an actor's messages one after another, so the series handles its
//! next message only once it has the answer.

use std::sync::Arc;

use kameo::Actor;
use kameo::actor::ActorRef;
use kameo::message::{Context, Message};

use crate::savina::params::*;
use crate::savina::{Outcome, Runner, Tally, Terms, Timer, unexpected_pong};
use crate::savina_kameo::{Done, Kameo, Sink, Start, tell, tell_from_runner};

// chameneos

#[derive(Actor)]
struct Mall {
    meetings_left: u64,
    waiting: Option<ActorRef<Chameneo>>,
    counts: Tally,
}

#[derive(Actor)]
struct Chameneo {
    colour: u8,
    meetings: u64,
    mall: ActorRef<Mall>,
}

/// To the mall, a chameneo that wants to meet; from the mall, the one it meets.
struct Meet(u8, ActorRef<Chameneo>);
struct Change(u8);
struct Exit;
struct Count(u64);

impl Message<Meet> for Mall {
    type Reply = ();
    async fn handle(&mut self, Meet(colour, x): Meet, _: &mut Context<Self, ()>) {
        if self.meetings_left == 0 {
            tell(&x, Exit).await;
        } else if let Some(w) = self.waiting.take() {
            self.meetings_left -= 1;
            tell(&w, Meet(colour, x)).await;
        } else {
            self.waiting = Some(x);
        }
    }
}

impl Message<Count> for Mall {
    type Reply = ();
    async fn handle(&mut self, Count(meetings): Count, _: &mut Context<Self, ()>) {
        self.counts.add(meetings);
    }
}

impl Chameneo {
    async fn meet_again(&self, me: &ActorRef<Self>) {
        tell(&self.mall, Meet(self.colour, me.clone())).await;
    }
}

impl Message<Start> for Chameneo {
    type Reply = ();
    async fn handle(&mut self, _: Start, ctx: &mut Context<Self, ()>) {
        self.meet_again(ctx.actor_ref()).await;
    }
}

impl Message<Meet> for Chameneo {
    type Reply = ();
    async fn handle(&mut self, Meet(colour, other): Meet, ctx: &mut Context<Self, ()>) {
        self.colour = complement(self.colour, colour);
        self.meetings += 1;
        tell(&other, Change(self.colour)).await;
        self.meet_again(ctx.actor_ref()).await;
    }
}

impl Message<Change> for Chameneo {
    type Reply = ();
    async fn handle(&mut self, Change(colour): Change, ctx: &mut Context<Self, ()>) {
        self.colour = colour;
        self.meetings += 1;
        self.meet_again(ctx.actor_ref()).await;
    }
}

impl Message<Exit> for Chameneo {
    type Reply = ();
    async fn handle(&mut self, _: Exit, ctx: &mut Context<Self, ()>) {
        tell(&self.mall, Count(self.meetings)).await;
        ctx.stop();
    }
}

pub(crate) fn chameneos(k: &Kameo) -> Outcome {
    let mut timer = Timer::new();
    let mall = k.start(Mall {
        meetings_left: CHAMENEOS_MEETINGS,
        waiting: None,
        counts: Tally::new(CHAMENEOS, timer.runner()),
    });
    let chameneos: Vec<_> = (0..CHAMENEOS)
        .map(|i| {
            k.start(Chameneo {
                colour: (i % 3) as u8,
                meetings: 0,
                mall: mall.clone(),
            })
        })
        .collect();
    timer.start();
    for c in &chameneos {
        tell_from_runner(c, Start)?;
    }
    let measured = timer.wait()?;
    k.gone(&chameneos)?;
    k.stop(&[mall])?;
    Ok(measured)
}

// big

#[derive(Actor)]
struct BigWorker {
    index: u64,
    rng: Rng,
    pings: u64,
    target: u64,
    neighbours: Arc<Vec<ActorRef<BigWorker>>>,
    sink: ActorRef<Sink>,
    runner: Runner,
}

struct Neighbours(Arc<Vec<ActorRef<BigWorker>>>);
struct Ping(u64);
struct Pong(u64);

impl BigWorker {
    async fn ping(&mut self) {
        self.target = self.rng.below(BIG_ACTORS);
        self.pings += 1;
        tell(&self.neighbours[self.target as usize], Ping(self.index)).await;
    }
}

impl Message<Neighbours> for BigWorker {
    type Reply = ();
    async fn handle(&mut self, Neighbours(all): Neighbours, _: &mut Context<Self, ()>) {
        self.neighbours = all;
    }
}

impl Message<Start> for BigWorker {
    type Reply = ();
    async fn handle(&mut self, _: Start, _: &mut Context<Self, ()>) {
        self.ping().await;
    }
}

impl Message<Ping> for BigWorker {
    type Reply = ();
    async fn handle(&mut self, Ping(from): Ping, _: &mut Context<Self, ()>) {
        tell(&self.neighbours[from as usize], Pong(self.index)).await;
    }
}

impl Message<Pong> for BigWorker {
    type Reply = ();
    async fn handle(&mut self, Pong(from): Pong, _: &mut Context<Self, ()>) {
        if from != self.target {
            self.runner
                .fail(unexpected_pong(self.index, from, self.target));
        } else if self.pings == BIG_PINGS {
            tell(&self.sink, Done(self.pings)).await;
        } else {
            self.ping().await;
        }
    }
}

pub(crate) fn big(k: &Kameo) -> Outcome {
    let mut timer = Timer::new();
    let sink = k.start(Sink(Tally::new(BIG_ACTORS, timer.runner())));
    let workers: Vec<_> = (0..BIG_ACTORS)
        .map(|index| {
            k.start(BigWorker {
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
        tell_from_runner(w, Neighbours(all.clone()))?;
    }
    drop(all);
    timer.start();
    for w in &workers {
        tell_from_runner(w, Start)?;
    }
    let measured = timer.wait()?;
    k.stop(&workers)?;
    k.stop(&[sink])?;
    Ok(measured)
}

// logmap

/// Answers `Compute(x)` with the next term of its series' logistic map.
#[derive(Actor)]
struct Rate(f64);

#[derive(Actor)]
struct Series {
    index: u64,
    term: f64,
    rate: ActorRef<Rate>,
    sink: ActorRef<TermSink>,
}

#[derive(Actor)]
struct TermSink(Terms);

struct Compute(f64);
struct Next;
struct Report;
struct Term(u64, f64);

impl Message<Compute> for Rate {
    type Reply = f64;
    async fn handle(&mut self, Compute(x): Compute, _: &mut Context<Self, f64>) -> f64 {
        logmap_next(self.0, x)
    }
}

impl Message<Next> for Series {
    type Reply = ();
    async fn handle(&mut self, _: Next, ctx: &mut Context<Self, ()>) {
        match self.rate.ask(Compute(self.term)).await {
            Ok(term) => self.term = term,
            // The rate actor is gone: the sink never completes, the run fails.
            Err(_) => ctx.stop(),
        }
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
    async fn handle(&mut self, Term(index, term): Term, _: &mut Context<Self, ()>) {
        self.0.put(index, term);
    }
}

pub(crate) fn logmap(k: &Kameo) -> Outcome {
    let mut timer = Timer::new();
    let sink = k.start(TermSink(Terms::new(LOGMAP_SERIES, timer.runner())));
    let rates: Vec<_> = (0..LOGMAP_SERIES)
        .map(|i| k.start(Rate(logmap_rate(i))))
        .collect();
    let series: Vec<_> = (0..LOGMAP_SERIES)
        .map(|i| {
            k.start(Series {
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
            tell_from_runner(s, Next)?;
        }
    }
    for s in &series {
        tell_from_runner(s, Report)?;
    }
    let measured = timer.wait()?;
    k.stop(&series)?;
    k.stop(&rates)?;
    k.stop(&[sink])?;
    Ok(measured)
}
