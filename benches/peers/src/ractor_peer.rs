//! ractor: actors are tokio tasks (multi-thread runtime, one worker per core).

use std::future::Future;
use std::sync::{Arc, Mutex};

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::Peer;
use crate::kameo_peer::tokio_runtime;

pub struct Ractor(tokio::runtime::Runtime);

pub struct Worker;

pub enum WorkerMsg {
    Echo(u64, RpcReplyPort<u64>),
    Add,
    Get(RpcReplyPort<u64>),
    Inc(RpcReplyPort<u64>),
}

impl Actor for Worker {
    type Msg = WorkerMsg;
    type State = u64;
    type Arguments = ();
    async fn pre_start(&self, _: ActorRef<WorkerMsg>, _: ()) -> Result<u64, ActorProcessingErr> {
        Ok(0)
    }
    async fn handle(
        &self,
        _: ActorRef<WorkerMsg>,
        m: WorkerMsg,
        n: &mut u64,
    ) -> Result<(), ActorProcessingErr> {
        match m {
            WorkerMsg::Echo(v, r) => {
                let _ = r.send(v);
            }
            WorkerMsg::Add => *n += 1,
            WorkerMsg::Get(r) => {
                let _ = r.send(*n);
            }
            WorkerMsg::Inc(r) => {
                *n += 1;
                let _ = r.send(*n);
            }
        }
        Ok(())
    }
}

pub struct Driver;

pub struct Drive(u64, RpcReplyPort<u64>);

impl Actor for Driver {
    type Msg = Drive;
    type State = ActorRef<WorkerMsg>;
    type Arguments = ActorRef<WorkerMsg>;
    async fn pre_start(
        &self,
        _: ActorRef<Drive>,
        echo: ActorRef<WorkerMsg>,
    ) -> Result<ActorRef<WorkerMsg>, ActorProcessingErr> {
        Ok(echo)
    }
    async fn handle(
        &self,
        _: ActorRef<Drive>,
        Drive(n, reply): Drive,
        echo: &mut ActorRef<WorkerMsg>,
    ) -> Result<(), ActorProcessingErr> {
        let mut sum = 0;
        for i in 0..n {
            sum += ractor::call!(echo, WorkerMsg::Echo, i)?;
        }
        let _ = reply.send(sum);
        Ok(())
    }
}

pub struct Node;

pub enum NodeMsg {
    Link(ActorRef<NodeMsg>, RpcReplyPort<()>),
    Token(u64),
}

type NodeState = (Option<ActorRef<NodeMsg>>, UnboundedSender<()>);

impl Actor for Node {
    type Msg = NodeMsg;
    type State = NodeState;
    type Arguments = UnboundedSender<()>;
    async fn pre_start(
        &self,
        _: ActorRef<NodeMsg>,
        done: UnboundedSender<()>,
    ) -> Result<NodeState, ActorProcessingErr> {
        Ok((None, done))
    }
    async fn handle(
        &self,
        _: ActorRef<NodeMsg>,
        m: NodeMsg,
        (next, done): &mut NodeState,
    ) -> Result<(), ActorProcessingErr> {
        match m {
            NodeMsg::Link(n, r) => {
                *next = Some(n);
                let _ = r.send(());
            }
            NodeMsg::Token(0) => {
                let _ = done.send(());
            }
            NodeMsg::Token(k) => {
                if let Some(next) = next {
                    next.cast(NodeMsg::Token(k - 1))?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone)]
pub struct WorkerHandle {
    actor: ActorRef<WorkerMsg>,
    join: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl Peer for Ractor {
    type Worker = WorkerHandle;
    type Driver = ActorRef<Drive>;
    type Node = ActorRef<NodeMsg>;

    fn new() -> Self {
        Ractor(tokio_runtime())
    }
    fn block_on<T>(&self, f: impl Future<Output = T>) -> T {
        self.0.block_on(f)
    }
    fn spawn(&self, f: impl Future<Output = ()> + Send + 'static) {
        self.0.spawn(f);
    }
    fn start_worker(&self) -> Self::Worker {
        let (actor, join) = self
            .0
            .block_on(Actor::spawn(None, Worker, ()))
            .expect("spawn");
        WorkerHandle {
            actor,
            join: Arc::new(Mutex::new(Some(join))),
        }
    }
    fn start_driver(&self, echo: Self::Worker) -> Self::Driver {
        self.0
            .block_on(Actor::spawn(None, Driver, echo.actor))
            .expect("spawn")
            .0
    }
    fn start_node(&self, done: UnboundedSender<()>) -> Self::Node {
        self.0
            .block_on(Actor::spawn(None, Node, done))
            .expect("spawn")
            .0
    }
    async fn echo(w: &Self::Worker, n: u64) -> u64 {
        ractor::call!(w.actor, WorkerMsg::Echo, n).expect("echo")
    }
    async fn add(w: &Self::Worker) {
        w.actor.cast(WorkerMsg::Add).expect("add");
    }
    async fn get(w: &Self::Worker) -> u64 {
        ractor::call!(w.actor, WorkerMsg::Get).expect("get")
    }
    async fn inc(w: &Self::Worker) -> u64 {
        ractor::call!(w.actor, WorkerMsg::Inc).expect("inc")
    }
    async fn request_stop(w: &Self::Worker) {
        w.actor.stop(None);
    }
    async fn wait_stopped(w: &Self::Worker) {
        let join = w.join.lock().expect("lock").take();
        if let Some(join) = join {
            let _ = join.await;
        }
    }
    async fn drive(d: &Self::Driver, n: u64) -> u64 {
        ractor::call!(d, Drive, n).expect("drive")
    }
    async fn link(node: &Self::Node, next: Self::Node) {
        ractor::call!(node, NodeMsg::Link, next).expect("link");
    }
    async fn token(node: &Self::Node, n: u64) {
        node.cast(NodeMsg::Token(n)).expect("token");
    }
}
