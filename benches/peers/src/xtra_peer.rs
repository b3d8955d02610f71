//! xtra: actors are tasks of a tokio current-thread runtime driven by the main thread
//! (while it waits), with unbounded mailboxes. On tokio's multi-thread runtime, xtra
//! 0.6 took 1 to 8 ms per ask on this machine (a wake-up that only arrives late), so
//! it is measured in its fastest configuration.

use std::future::Future;

use tokio::sync::mpsc::UnboundedSender;
use xtra::{Actor, Address, Context, Handler, Mailbox};

use crate::Peer;

pub struct Xtra(tokio::runtime::Runtime);

#[derive(Default)]
pub struct Worker(u64);

impl Actor for Worker {
    type Stop = ();
    async fn stopped(self) {}
}

pub struct Echo(u64);
pub struct Add;
pub struct Get;
pub struct Inc;
pub struct Stop;

impl Handler<Echo> for Worker {
    type Return = u64;
    async fn handle(&mut self, m: Echo, _: &mut Context<Self>) -> u64 {
        m.0
    }
}

impl Handler<Add> for Worker {
    type Return = ();
    async fn handle(&mut self, _: Add, _: &mut Context<Self>) {
        self.0 += 1;
    }
}

impl Handler<Get> for Worker {
    type Return = u64;
    async fn handle(&mut self, _: Get, _: &mut Context<Self>) -> u64 {
        self.0
    }
}

impl Handler<Inc> for Worker {
    type Return = u64;
    async fn handle(&mut self, _: Inc, _: &mut Context<Self>) -> u64 {
        self.0 += 1;
        self.0
    }
}

impl Handler<Stop> for Worker {
    type Return = ();
    async fn handle(&mut self, _: Stop, ctx: &mut Context<Self>) {
        ctx.stop_self();
    }
}

pub struct Driver(Address<Worker>);

impl Actor for Driver {
    type Stop = ();
    async fn stopped(self) {}
}

pub struct Drive(u64);

impl Handler<Drive> for Driver {
    type Return = u64;
    async fn handle(&mut self, m: Drive, _: &mut Context<Self>) -> u64 {
        let mut sum = 0;
        for i in 0..m.0 {
            sum += self.0.send(Echo(i)).await.expect("echo answers");
        }
        sum
    }
}

pub struct Node {
    next: Option<Address<Node>>,
    done: UnboundedSender<()>,
}

impl Actor for Node {
    type Stop = ();
    async fn stopped(self) {}
}

pub struct Link(Address<Node>);
pub struct Token(u64);

impl Handler<Link> for Node {
    type Return = ();
    async fn handle(&mut self, m: Link, _: &mut Context<Self>) {
        self.next = Some(m.0);
    }
}

impl Handler<Token> for Node {
    type Return = ();
    async fn handle(&mut self, m: Token, _: &mut Context<Self>) {
        if m.0 == 0 {
            let _ = self.done.send(());
        } else if let Some(next) = &self.next {
            let _ = next.send(Token(m.0 - 1)).detach().await;
        }
    }
}

impl Peer for Xtra {
    type Worker = Address<Worker>;
    type Driver = Address<Driver>;
    type Node = Address<Node>;

    fn new() -> Self {
        Xtra(
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
        )
    }
    fn block_on<T>(&self, f: impl Future<Output = T>) -> T {
        self.0.block_on(f)
    }
    fn spawn(&self, f: impl Future<Output = ()> + Send + 'static) {
        self.0.spawn(f);
    }
    fn start_worker(&self) -> Self::Worker {
        let _g = self.0.enter();
        xtra::spawn_tokio(Worker::default(), Mailbox::unbounded())
    }
    fn start_driver(&self, echo: Self::Worker) -> Self::Driver {
        let _g = self.0.enter();
        xtra::spawn_tokio(Driver(echo), Mailbox::unbounded())
    }
    fn start_node(&self, done: UnboundedSender<()>) -> Self::Node {
        let _g = self.0.enter();
        xtra::spawn_tokio(Node { next: None, done }, Mailbox::unbounded())
    }
    async fn echo(w: &Self::Worker, n: u64) -> u64 {
        w.send(Echo(n)).await.expect("echo")
    }
    async fn add(w: &Self::Worker) {
        drop(w.send(Add).detach().await.expect("add"));
    }
    async fn get(w: &Self::Worker) -> u64 {
        w.send(Get).await.expect("get")
    }
    async fn inc(w: &Self::Worker) -> u64 {
        w.send(Inc).await.expect("inc")
    }
    async fn request_stop(w: &Self::Worker) {
        drop(w.send(Stop).detach().await.expect("stop"));
    }
    async fn wait_stopped(w: &Self::Worker) {
        w.join().await;
    }
    async fn drive(d: &Self::Driver, n: u64) -> u64 {
        d.send(Drive(n)).await.expect("drive")
    }
    async fn link(node: &Self::Node, next: Self::Node) {
        node.send(Link(next)).await.expect("link");
    }
    async fn token(node: &Self::Node, n: u64) {
        drop(node.send(Token(n)).detach().await.expect("token"));
    }
}
