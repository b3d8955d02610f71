//! Savina's logistic map series on pykka: the one benchmark where an actor asks another
//! and waits for the answer inside its handler, so it runs in two forms: a blocking
//! `ask` in `on_receive`, and an awaited reply in `on_receive_async`.

use std::time::Duration;

use pykka_core::{Actor, ActorRef, Context, Failure, Runtime};

use super::pykka::{Done, Timer, tell};
use super::{LOGMAP_SERIES, LOGMAP_TERMS, logmap_checksum, logmap_next, logmap_rate, logmap_start};
use crate::pykka::{start, stop_all};

/// How a series waits for its rate actor's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `ask` in a synchronous handler.
    Blocking,
    /// `ask_nonblocking(..).await` in an async handler.
    Awaiting,
}

/// Answers a term with the next one.
struct Rate(f64);

impl Actor for Rate {
    type Message = f64;
    type Reply = f64;
    fn on_receive(&mut self, x: f64, _: &Context<Self>) -> Result<f64, Failure> {
        Ok(logmap_next(self.0, x))
    }
}

enum SeriesMsg {
    Next,
    Report,
}

/// What both forms of a series hold.
struct Series {
    index: u64,
    term: f64,
    rate: ActorRef<Rate>,
    sink: ActorRef<TermSink>,
}

impl Series {
    fn report(&self) -> Result<(), Failure> {
        tell(&self.sink, (self.index, self.term))
    }
}

/// A series that blocks in `ask`.
struct Blocking(Series);

impl Actor for Blocking {
    type Message = SeriesMsg;
    type Reply = ();
    fn on_receive(&mut self, m: SeriesMsg, _: &Context<Self>) -> Result<(), Failure> {
        let s = &mut self.0;
        match m {
            SeriesMsg::Next => s.term = s.rate.ask(s.term).map_err(Failure::new)?,
            SeriesMsg::Report => s.report()?,
        }
        Ok(())
    }
}

/// A series that awaits its rate actor's reply.
struct Awaiting(Series);

impl Actor for Awaiting {
    type Message = SeriesMsg;
    type Reply = ();
    async fn on_receive_async(&mut self, m: SeriesMsg, _: &Context<Self>) -> Result<(), Failure> {
        let s = &mut self.0;
        match m {
            SeriesMsg::Next => s.term = s.rate.ask_nonblocking(s.term).await?,
            SeriesMsg::Report => s.report()?,
        }
        Ok(())
    }
}

/// Collects the last term of every series and adds them up in index order.
struct TermSink {
    terms: Vec<Option<f64>>,
    done: Done,
}

impl Actor for TermSink {
    type Message = (u64, f64);
    type Reply = ();
    fn on_receive(&mut self, (i, x): (u64, f64), _: &Context<Self>) -> Result<(), Failure> {
        self.terms[i as usize] = Some(x);
        if self.terms.iter().all(Option::is_some) {
            let sum = self.terms.iter().flatten().sum();
            let _ = self.done.send(logmap_checksum(sum));
        }
        Ok(())
    }
}

/// Runs `logmap` once on `rt` in the given form.
pub fn logmap<R: Runtime>(rt: &R, form: Form) -> (Duration, u64) {
    let mut timer = Timer::new();
    let sink = start(
        rt,
        TermSink {
            terms: vec![None; LOGMAP_SERIES as usize],
            done: timer.done(),
        },
    );
    let rates: Vec<_> = (0..LOGMAP_SERIES)
        .map(|i| start(rt, Rate(logmap_rate(i))))
        .collect();
    let series = |i: u64| Series {
        index: i,
        term: logmap_start(i),
        rate: rates[i as usize].clone(),
        sink: sink.clone(),
    };
    let result = match form {
        Form::Blocking => {
            let all: Vec<_> = (0..LOGMAP_SERIES)
                .map(|i| start(rt, Blocking(series(i))))
                .collect();
            drive(&mut timer, &all)
        }
        Form::Awaiting => {
            let all: Vec<_> = (0..LOGMAP_SERIES)
                .map(|i| start(rt, Awaiting(series(i))))
                .collect();
            drive(&mut timer, &all)
        }
    };
    stop_all(&rates);
    stop_all(&[sink]);
    result
}

/// Tells every series `Next` round-robin, then `Report`; waits; stops the series.
fn drive<S: Actor<Message = SeriesMsg>>(timer: &mut Timer, all: &[ActorRef<S>]) -> (Duration, u64) {
    timer.start();
    for _ in 0..LOGMAP_TERMS {
        for s in all {
            s.tell(SeriesMsg::Next).expect("series is alive");
        }
    }
    for s in all {
        s.tell(SeriesMsg::Report).expect("series is alive");
    }
    let result = timer.wait();
    stop_all(all);
    result
}
