//! The Savina benchmarks where many actors talk to each other: `chameneos` (a
//! contended broker) and `big` (many-to-many pings), on pykka for every `R: Runtime`.

use std::sync::Arc;
use std::time::Duration;

use pykka_core::{Actor, ActorRef, Context, Failure, Runtime};

use super::pykka::{Done, Sink, Timer, tell};
use super::{BIG_ACTORS, BIG_PINGS, CHAMENEOS, CHAMENEOS_MEETINGS, Rng, complement};
use crate::pykka::{start, stop_all};

enum MallMsg {
    Meet(u8, ActorRef<Chameneo>),
    Count(u64),
}

struct Mall {
    meetings_left: u64,
    waiting: Option<ActorRef<Chameneo>>,
    faded: u64,
    sum: u64,
    done: Done,
}

impl Actor for Mall {
    type Message = MallMsg;
    type Reply = ();
    fn on_receive(&mut self, m: MallMsg, _: &Context<Self>) -> Result<(), Failure> {
        match m {
            MallMsg::Meet(colour, x) if self.meetings_left > 0 => match self.waiting.take() {
                None => self.waiting = Some(x),
                Some(w) => {
                    self.meetings_left -= 1;
                    tell(&w, ChameneoMsg::Meet(colour, x))?;
                }
            },
            MallMsg::Meet(_, x) => tell(&x, ChameneoMsg::Exit)?,
            MallMsg::Count(n) => {
                self.sum += n;
                self.faded += 1;
                if self.faded == CHAMENEOS {
                    let _ = self.done.send(self.sum);
                }
            }
        }
        Ok(())
    }
}

enum ChameneoMsg {
    Start,
    Meet(u8, ActorRef<Chameneo>),
    Change(u8),
    Exit,
}

struct Chameneo {
    colour: u8,
    meetings: u64,
    mall: ActorRef<Mall>,
}

impl Chameneo {
    fn meet_again(&self, ctx: &Context<Self>) -> Result<(), Failure> {
        tell(
            &self.mall,
            MallMsg::Meet(self.colour, ctx.actor_ref().clone()),
        )
    }
}

impl Actor for Chameneo {
    type Message = ChameneoMsg;
    type Reply = ();
    fn on_receive(&mut self, m: ChameneoMsg, ctx: &Context<Self>) -> Result<(), Failure> {
        match m {
            ChameneoMsg::Start => self.meet_again(ctx),
            ChameneoMsg::Meet(colour, other) => {
                self.colour = complement(self.colour, colour);
                self.meetings += 1;
                tell(&other, ChameneoMsg::Change(self.colour))?;
                self.meet_again(ctx)
            }
            ChameneoMsg::Change(colour) => {
                self.colour = colour;
                self.meetings += 1;
                self.meet_again(ctx)
            }
            ChameneoMsg::Exit => {
                ctx.stop();
                tell(&self.mall, MallMsg::Count(self.meetings))
            }
        }
    }
}

pub(crate) fn chameneos<R: Runtime>(rt: &R) -> (Duration, u64) {
    let mut timer = Timer::new();
    let mall = start(
        rt,
        Mall {
            meetings_left: CHAMENEOS_MEETINGS,
            waiting: None,
            faded: 0,
            sum: 0,
            done: timer.done(),
        },
    );
    let chameneos: Vec<_> = (0..CHAMENEOS)
        .map(|i| {
            let c = Chameneo {
                colour: (i % 3) as u8,
                meetings: 0,
                mall: mall.clone(),
            };
            start(rt, c)
        })
        .collect();
    timer.start();
    for c in &chameneos {
        c.tell(ChameneoMsg::Start).expect("chameneo is alive");
    }
    let result = timer.wait();
    stop_all(&chameneos);
    stop_all(&[mall]);
    result
}

enum BigMsg {
    Neighbours(Arc<Vec<ActorRef<BigWorker>>>),
    Start,
    Ping(u64),
    Pong(u64),
}

struct BigWorker {
    index: u64,
    rng: Rng,
    pings: u64,
    target: u64,
    neighbours: Arc<Vec<ActorRef<BigWorker>>>,
    sink: ActorRef<Sink>,
    done: Done,
}

impl BigWorker {
    fn ping(&mut self) -> Result<(), Failure> {
        self.target = self.rng.below(BIG_ACTORS);
        self.pings += 1;
        tell(
            &self.neighbours[self.target as usize],
            BigMsg::Ping(self.index),
        )
    }
}

impl Actor for BigWorker {
    type Message = BigMsg;
    type Reply = ();
    fn on_receive(&mut self, m: BigMsg, _: &Context<Self>) -> Result<(), Failure> {
        match m {
            BigMsg::Neighbours(all) => self.neighbours = all,
            BigMsg::Start => self.ping()?,
            BigMsg::Ping(from) => tell(&self.neighbours[from as usize], BigMsg::Pong(self.index))?,
            BigMsg::Pong(from) if from != self.target => {
                // A wrong checksum ends the run at once instead of a hang.
                let _ = self.done.send(u64::MAX);
            }
            BigMsg::Pong(_) if self.pings == BIG_PINGS => tell(&self.sink, self.pings)?,
            BigMsg::Pong(_) => self.ping()?,
        }
        Ok(())
    }
}

pub(crate) fn big<R: Runtime>(rt: &R) -> (Duration, u64) {
    let mut timer = Timer::new();
    let sink = start(rt, Sink::new(BIG_ACTORS, timer.done()));
    let workers: Vec<_> = (0..BIG_ACTORS)
        .map(|index| {
            let w = BigWorker {
                index,
                rng: Rng::new(index),
                pings: 0,
                target: u64::MAX,
                neighbours: Arc::default(),
                sink: sink.clone(),
                done: timer.done(),
            };
            start(rt, w)
        })
        .collect();
    let all = Arc::new(workers.clone());
    for w in &workers {
        w.tell(BigMsg::Neighbours(all.clone()))
            .expect("worker is alive");
    }
    drop(all);
    timer.start();
    for w in &workers {
        w.tell(BigMsg::Start).expect("worker is alive");
    }
    let result = timer.wait();
    stop_all(&workers);
    stop_all(&[sink]);
    result
}
