//! kameo: actors are tokio tasks (multi-thread runtime, one worker per core), with
//! unbounded mailboxes.

use std::future::Future;

use kameo::Actor;
use kameo::actor::{ActorRef, Spawn};
use kameo::mailbox;
use kameo::message::{Context, Message};
use tokio::sync::mpsc::UnboundedSender;

use crate::Peer;

pub struct Kameo(tokio::runtime::Runtime);

#[derive(Actor, Default)]
pub struct Worker(u64);

pub struct Echo(u64);
pub struct Add;
pub struct Get;
pub struct Inc;

impl Message<Echo> for Worker {
    type Reply = u64;
    async fn handle(&mut self, m: Echo, _: &mut Context<Self, u64>) -> u64 {
        m.0
    }
}

impl Message<Add> for Worker {
    type Reply = ();
    async fn handle(&mut self, _: Add, _: &mut Context<Self, ()>) {
        self.0 += 1;
    }
}

impl Message<Get> for Worker {
    type Reply = u64;
    async fn handle(&mut self, _: Get, _: &mut Context<Self, u64>) -> u64 {
        self.0
    }
}

impl Message<Inc> for Worker {
    type Reply = u64;
    async fn handle(&mut self, _: Inc, _: &mut Context<Self, u64>) -> u64 {
        self.0 += 1;
        self.0
    }
}

#[derive(Actor)]
pub struct Driver(ActorRef<Worker>);

pub struct Drive(u64);

impl Message<Drive> for Driver {
    type Reply = u64;
    async fn handle(&mut self, m: Drive, _: &mut Context<Self, u64>) -> u64 {
        let mut sum = 0;
        for i in 0..m.0 {
            sum += self.0.ask(Echo(i)).await.expect("echo answers");
        }
        sum
    }
}

#[derive(Actor)]
pub struct Node {
    next: Option<ActorRef<Node>>,
    done: UnboundedSender<()>,
}

pub struct Link(ActorRef<Node>);
pub struct Token(u64);

impl Message<Link> for Node {
    type Reply = ();
    async fn handle(&mut self, m: Link, _: &mut Context<Self, ()>) {
        self.next = Some(m.0);
    }
}

impl Message<Token> for Node {
    type Reply = ();
    async fn handle(&mut self, m: Token, _: &mut Context<Self, ()>) {
        if m.0 == 0 {
            let _ = self.done.send(());
        } else if let Some(next) = &self.next {
            next.tell(Token(m.0 - 1)).await.expect("next alive");
        }
    }
}

pub fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(std::thread::available_parallelism().map_or(1, |n| n.get()))
        .enable_all()
        .build()
        .expect("tokio runtime")
}

impl Peer for Kameo {
    type Worker = ActorRef<Worker>;
    type Driver = ActorRef<Driver>;
    type Node = ActorRef<Node>;

    fn new() -> Self {
        Kameo(tokio_runtime())
    }
    fn block_on<T>(&self, f: impl Future<Output = T>) -> T {
        self.0.block_on(f)
    }
    fn spawn(&self, f: impl Future<Output = ()> + Send + 'static) {
        self.0.spawn(f);
    }
    fn start_worker(&self) -> Self::Worker {
        let _g = self.0.enter();
        Worker::spawn_with_mailbox(Worker::default(), mailbox::unbounded())
    }
    fn start_driver(&self, echo: Self::Worker) -> Self::Driver {
        let _g = self.0.enter();
        Driver::spawn_with_mailbox(Driver(echo), mailbox::unbounded())
    }
    fn start_node(&self, done: UnboundedSender<()>) -> Self::Node {
        let _g = self.0.enter();
        Node::spawn_with_mailbox(Node { next: None, done }, mailbox::unbounded())
    }
    async fn echo(w: &Self::Worker, n: u64) -> u64 {
        w.ask(Echo(n)).await.expect("echo")
    }
    async fn add(w: &Self::Worker) {
        w.tell(Add).await.expect("add");
    }
    async fn get(w: &Self::Worker) -> u64 {
        w.ask(Get).await.expect("get")
    }
    async fn inc(w: &Self::Worker) -> u64 {
        w.ask(Inc).await.expect("inc")
    }
    async fn request_stop(w: &Self::Worker) {
        w.stop_gracefully().await.expect("stop");
    }
    async fn wait_stopped(w: &Self::Worker) {
        w.wait_for_shutdown().await;
    }
    async fn drive(d: &Self::Driver, n: u64) -> u64 {
        d.ask(Drive(n)).await.expect("drive")
    }
    async fn link(node: &Self::Node, next: Self::Node) {
        node.ask(Link(next)).await.expect("link");
    }
    async fn token(node: &Self::Node, n: u64) {
        node.tell(Token(n)).await.expect("token");
    }
}
