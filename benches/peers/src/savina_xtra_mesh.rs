//! The Savina benchmarks on xtra where actors talk to many others or ask each other:
//! chameneos, big and logmap (on the runtime of [`Xtra`]).
//!
//! In logmap a series asks its rate actor with `send(..).await` (not detached: it
//! resolves to the handler's answer) inside its handler: xtra handles an actor's
//! messages one after another, so the series handles its next message only once it
//! has the answer. The runner tells the series [`InOrder`]; chameneos and big need no
//! order beyond "the first message queued is handled first", which xtra's heap keeps
//! (the neighbours reach a big worker before anything else).

use std::sync::Arc;

use xtra::{Address, Context, Handler, WeakAddress};

use crate::savina::params::*;
use crate::savina::{Outcome, Runner, Tally, Terms, Timer, unexpected_pong};
use crate::savina_xtra::{Done, InOrder, Sink, Start, Xtra, actors, me, tell};

actors!(Mall, Chameneo, BigWorker, Rate, Series, TermSink);

// chameneos

struct Mall {
    meetings_left: u64,
    waiting: Option<WeakAddress<Chameneo>>,
    counts: Tally,
}

struct Chameneo {
    colour: u8,
    meetings: u64,
    mall: Address<Mall>,
}

/// To the mall, a chameneo that wants to meet; from the mall, the one it meets.
struct Meet(u8, WeakAddress<Chameneo>);
struct Change(u8);
struct Exit;
struct Count(u64);

impl Handler<Meet> for Mall {
    type Return = ();
    async fn handle(&mut self, Meet(colour, x): Meet, _: &mut Context<Self>) {
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

impl Handler<Count> for Mall {
    type Return = ();
    async fn handle(&mut self, Count(meetings): Count, _: &mut Context<Self>) {
        self.counts.add(meetings);
    }
}

impl Chameneo {
    async fn meet_again(&self, ctx: &Context<Self>) {
        tell(&self.mall, Meet(self.colour, me(ctx))).await;
    }
}

impl Handler<Start> for Chameneo {
    type Return = ();
    async fn handle(&mut self, _: Start, ctx: &mut Context<Self>) {
        self.meet_again(ctx).await;
    }
}

impl Handler<Meet> for Chameneo {
    type Return = ();
    async fn handle(&mut self, Meet(colour, other): Meet, ctx: &mut Context<Self>) {
        self.colour = complement(self.colour, colour);
        self.meetings += 1;
        tell(&other, Change(self.colour)).await;
        self.meet_again(ctx).await;
    }
}

impl Handler<Change> for Chameneo {
    type Return = ();
    async fn handle(&mut self, Change(colour): Change, ctx: &mut Context<Self>) {
        self.colour = colour;
        self.meetings += 1;
        self.meet_again(ctx).await;
    }
}

impl Handler<Exit> for Chameneo {
    type Return = ();
    async fn handle(&mut self, _: Exit, ctx: &mut Context<Self>) {
        tell(&self.mall, Count(self.meetings)).await;
        ctx.stop_self();
    }
}

pub(crate) fn chameneos(x: &Xtra) -> Outcome {
    let mut timer = Timer::new();
    let mall = x.start(Mall {
        meetings_left: CHAMENEOS_MEETINGS,
        waiting: None,
        counts: Tally::new(CHAMENEOS, timer.runner()),
    });
    let chameneos: Vec<_> = (0..CHAMENEOS)
        .map(|i| {
            x.start(Chameneo {
                colour: (i % 3) as u8,
                meetings: 0,
                mall: mall.clone(),
            })
        })
        .collect();
    timer.start();
    x.block_on(async {
        for c in &chameneos {
            tell(c, Start).await;
        }
    });
    let measured = timer.wait()?;
    x.gone(&chameneos)?;
    x.stop(&[mall])?;
    Ok(measured)
}

// big

struct BigWorker {
    index: u64,
    rng: Rng,
    pings: u64,
    target: u64,
    neighbours: Arc<Vec<Address<BigWorker>>>,
    sink: Address<Sink>,
    runner: Runner,
}

struct Neighbours(Arc<Vec<Address<BigWorker>>>);
struct Ping(u64);
struct Pong(u64);

impl BigWorker {
    async fn ping(&mut self) {
        self.target = self.rng.below(BIG_ACTORS);
        self.pings += 1;
        tell(&self.neighbours[self.target as usize], Ping(self.index)).await;
    }
}

impl Handler<Neighbours> for BigWorker {
    type Return = ();
    async fn handle(&mut self, Neighbours(all): Neighbours, _: &mut Context<Self>) {
        self.neighbours = all;
    }
}

impl Handler<Start> for BigWorker {
    type Return = ();
    async fn handle(&mut self, _: Start, _: &mut Context<Self>) {
        self.ping().await;
    }
}

impl Handler<Ping> for BigWorker {
    type Return = ();
    async fn handle(&mut self, Ping(from): Ping, _: &mut Context<Self>) {
        tell(&self.neighbours[from as usize], Pong(self.index)).await;
    }
}

impl Handler<Pong> for BigWorker {
    type Return = ();
    async fn handle(&mut self, Pong(from): Pong, _: &mut Context<Self>) {
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

pub(crate) fn big(x: &Xtra) -> Outcome {
    let mut timer = Timer::new();
    let sink = x.start(Sink(Tally::new(BIG_ACTORS, timer.runner())));
    let workers: Vec<_> = (0..BIG_ACTORS)
        .map(|index| {
            x.start(BigWorker {
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
    x.block_on(async {
        for w in &workers {
            tell(w, Neighbours(all.clone())).await;
        }
    });
    drop(all);
    timer.start();
    x.block_on(async {
        for w in &workers {
            tell(w, Start).await;
        }
    });
    let measured = timer.wait()?;
    x.stop(&workers)?;
    x.stop(&[sink])?;
    Ok(measured)
}

// logmap

/// Answers `Compute(x)` with the next term of its series' logistic map.
struct Rate(f64);

struct Series {
    index: u64,
    term: f64,
    rate: Address<Rate>,
    sink: Address<TermSink>,
}

struct TermSink(Terms);

struct Compute(f64);
struct Next;
struct Report;
struct Term(u64, f64);

impl Handler<Compute> for Rate {
    type Return = f64;
    async fn handle(&mut self, Compute(x): Compute, _: &mut Context<Self>) -> f64 {
        logmap_next(self.0, x)
    }
}

impl Handler<Next> for Series {
    type Return = ();
    async fn handle(&mut self, _: Next, ctx: &mut Context<Self>) {
        match self.rate.send(Compute(self.term)).await {
            Ok(term) => self.term = term,
            // The rate actor is gone: the sink never completes, the run fails.
            Err(_) => ctx.stop_self(),
        }
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
    async fn handle(&mut self, Term(index, term): Term, _: &mut Context<Self>) {
        self.0.put(index, term);
    }
}

pub(crate) fn logmap(x: &Xtra) -> Outcome {
    let mut timer = Timer::new();
    let sink = x.start(TermSink(Terms::new(LOGMAP_SERIES, timer.runner())));
    let rates: Vec<_> = (0..LOGMAP_SERIES)
        .map(|i| x.start(Rate(logmap_rate(i))))
        .collect();
    let series: Vec<_> = (0..LOGMAP_SERIES)
        .map(|i| {
            x.start(Series {
                index: i,
                term: logmap_start(i),
                rate: rates[i as usize].clone(),
                sink: sink.clone(),
            })
        })
        .collect();
    timer.start();
    x.block_on(async {
        let mut in_order = InOrder::new();
        for _ in 0..LOGMAP_TERMS {
            for s in &series {
                in_order.tell(s, Next).await;
            }
        }
        for s in &series {
            in_order.tell(s, Report).await;
        }
    });
    let measured = timer.wait()?;
    x.stop(&series)?;
    x.stop(&rates)?;
    x.stop(&[sink])?;
    Ok(measured)
}
