//! pykka with async handlers ([`Actor::on_receive_async`]): the actor-to-actor `ask`
//! (the asker awaits each reply instead of blocking) and the `ring` (every node's
//! handler async), on an executor backend. Other scenarios are not async-specific and
//! are left to [`Pykka`](crate::Pykka).

use pykka_core::{Actor, ActorRef, Context, Failure, Runtime};

use crate::pykka::{AskRunner, Ring, RingMsg, RingNode, hop, start, stop_all};
use crate::savina::pykka_logmap::{Form, logmap};
use crate::savina::{Bench, Run};
use crate::{Kind, Runner, Scenario, Subject, mem};

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
            Scenario::Ring => Box::new(Ring::<Node>::new(&self.rt)),
            _ => Box::new(AskRunner::new(&self.rt, Echo, Asker)),
        }
    }

    /// Only `logmap`, the one Savina benchmark whose handlers wait for a reply.
    fn savina(&self, bench: Bench) -> Option<Run<'_>> {
        (bench == Bench::LogMap)
            .then(|| -> Run<'_> { Box::new(|| logmap(&self.rt, Form::Awaiting)) })
    }

    fn idle_memory(&self, n: usize) -> f64 {
        mem::per_item(n, |measure| {
            let actors: Vec<_> = (0..n).map(|_| start(&self.rt, Echo)).collect();
            for a in &actors {
                a.ask(0).expect("echo answers");
            }
            measure();
            stop_all(&actors);
        })
    }
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

/// One node of the ring, with an async handler.
struct Node(Option<ActorRef<Node>>);

impl RingNode for Node {
    fn unlinked() -> Self {
        Node(None)
    }
}

impl Actor for Node {
    type Message = RingMsg<Node>;
    type Reply = ();
    async fn on_receive_async(
        &mut self,
        m: RingMsg<Node>,
        _: &Context<Self>,
    ) -> Result<(), Failure> {
        hop(&mut self.0, m)
    }
}
