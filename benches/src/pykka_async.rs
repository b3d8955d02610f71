//! pykka with async handlers ([`Actor::on_receive_async`]): the actor-to-actor `ask`
//! (the asker awaits each reply instead of blocking) and the `ring` (every node's
//! handler async), on an executor backend. Other scenarios are not async-specific and
//! are left to [`Pykka`](crate::Pykka).

use std::time::Duration;

use pykka_core::{Actor, ActorRef, Context, Failure, Reply, Runtime};

use crate::{Kind, Runner, Scenario, Subject, consts, mem, timed};

/// pykka with async handlers on the backend `R`, named `backend` in the tables (the
/// same backend can appear with several worker counts).
#[derive(Debug, Clone)]
pub struct PykkaAsync<R: Runtime> {
    /// The runtime.
    pub rt: R,
    /// Its name in the tables: `smol1` for a one-worker smol runtime, say.
    pub backend: &'static str,
}

impl<R: Runtime> Subject for PykkaAsync<R> {
    fn kind(&self) -> Kind {
        Kind::PykkaAsync
    }

    fn backend(&self) -> &'static str {
        self.backend
    }

    fn supports(&self, scenario: Scenario) -> bool {
        matches!(scenario, Scenario::Ask | Scenario::Ring)
    }

    fn prepare(&self, scenario: Scenario) -> Box<dyn Runner> {
        match scenario {
            Scenario::Ring => Box::new(Ring::new(&self.rt)),
            _ => Box::new(AskRunner::new(&self.rt)),
        }
    }

    fn idle_memory(&self, n: usize) -> f64 {
        mem::per_item(n, |measure| {
            let actors: Vec<_> = (0..n).map(|_| start(&self.rt, Echo)).collect();
            for a in &actors {
                a.ask(0).expect("echo answers");
            }
            measure();
            for a in &actors {
                a.stop();
            }
        })
    }
}

fn start<A: Actor, R: Runtime>(rt: &R, actor: A) -> ActorRef<A> {
    actor.start(rt).expect("the backend starts an actor")
}

/// Answers every message with itself, from an async handler.
struct Echo;

impl Actor for Echo {
    type Message = u64;
    type Reply = u64;
    async fn on_receive_async(&mut self, n: u64, _: &Context<Self>) -> Result<u64, Failure> {
        Ok(n)
    }
}

/// Asked `n`, asks its echo `n` times, awaiting each reply.
struct Asker(ActorRef<Echo>);

impl Actor for Asker {
    type Message = u64;
    type Reply = u64;
    async fn on_receive_async(&mut self, n: u64, _: &Context<Self>) -> Result<u64, Failure> {
        let mut sum = 0;
        for i in 0..n {
            sum += self.0.ask_nonblocking(i).await?;
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

/// One node of the ring, with an async handler.
struct Node(Option<ActorRef<Node>>);

enum RingMsg {
    Link(ActorRef<Node>),
    Token(u64, Reply<()>),
}

impl Actor for Node {
    type Message = RingMsg;
    type Reply = ();
    async fn on_receive_async(&mut self, m: RingMsg, _: &Context<Self>) -> Result<(), Failure> {
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
        for node in &self.0 {
            node.stop();
        }
    }
}
