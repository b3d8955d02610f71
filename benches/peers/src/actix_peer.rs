//! actix: actors on one arbiter (actix's single-threaded event loop, on its own
//! thread); the main thread waits with a tokio current-thread runtime.

use std::future::Future;
use std::sync::Arc;

use actix::prelude::*;
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;

use crate::Peer;

pub struct Actix {
    arbiter: actix_rt::ArbiterHandle,
    main: tokio::runtime::Runtime,
}

pub struct Worker {
    n: u64,
    stopped: Arc<Notify>,
}

impl Actor for Worker {
    type Context = Context<Self>;
    fn stopped(&mut self, _: &mut Context<Self>) {
        self.stopped.notify_one();
    }
}

macro_rules! message {
    ($name:ident $(($($field:ty),*))?, $result:ty) => {
        pub struct $name $(($(pub $field),*))?;
        impl Message for $name {
            type Result = $result;
        }
    };
}

message!(Echo(u64), u64);
message!(Add, ());
message!(Get, u64);
message!(Inc, u64);
message!(Stop, ());
message!(Drive(u64), u64);
message!(Link(Addr<Node>), ());
message!(Token(u64), ());

impl Handler<Echo> for Worker {
    type Result = u64;
    fn handle(&mut self, m: Echo, _: &mut Context<Self>) -> u64 {
        m.0
    }
}

impl Handler<Add> for Worker {
    type Result = ();
    fn handle(&mut self, _: Add, _: &mut Context<Self>) {
        self.n += 1;
    }
}

impl Handler<Get> for Worker {
    type Result = u64;
    fn handle(&mut self, _: Get, _: &mut Context<Self>) -> u64 {
        self.n
    }
}

impl Handler<Inc> for Worker {
    type Result = u64;
    fn handle(&mut self, _: Inc, _: &mut Context<Self>) -> u64 {
        self.n += 1;
        self.n
    }
}

impl Handler<Stop> for Worker {
    type Result = ();
    fn handle(&mut self, _: Stop, ctx: &mut Context<Self>) {
        ctx.stop();
    }
}

pub struct Driver(Addr<Worker>);

impl Actor for Driver {
    type Context = Context<Self>;
}

impl Handler<Drive> for Driver {
    type Result = ResponseFuture<u64>;
    fn handle(&mut self, m: Drive, _: &mut Context<Self>) -> Self::Result {
        let echo = self.0.clone();
        Box::pin(async move {
            let mut sum = 0;
            for i in 0..m.0 {
                sum += echo.send(Echo(i)).await.expect("echo answers");
            }
            sum
        })
    }
}

pub struct Node {
    next: Option<Addr<Node>>,
    done: UnboundedSender<()>,
}

impl Actor for Node {
    type Context = Context<Self>;
}

impl Handler<Link> for Node {
    type Result = ();
    fn handle(&mut self, m: Link, _: &mut Context<Self>) {
        self.next = Some(m.0);
    }
}

impl Handler<Token> for Node {
    type Result = ();
    fn handle(&mut self, m: Token, _: &mut Context<Self>) {
        if m.0 == 0 {
            let _ = self.done.send(());
        } else if let Some(next) = &self.next {
            next.do_send(Token(m.0 - 1));
        }
    }
}

#[derive(Clone)]
pub struct WorkerHandle {
    addr: Addr<Worker>,
    stopped: Arc<Notify>,
}

impl Peer for Actix {
    type Worker = WorkerHandle;
    type Driver = Addr<Driver>;
    type Node = Addr<Node>;

    fn new() -> Self {
        Actix {
            arbiter: start_arbiter(),
            main: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
        }
    }
    fn block_on<T>(&self, f: impl Future<Output = T>) -> T {
        self.main.block_on(f)
    }
    fn spawn(&self, f: impl Future<Output = ()> + Send + 'static) {
        self.arbiter.spawn(f);
    }
    fn start_worker(&self) -> Self::Worker {
        let stopped = Arc::new(Notify::new());
        let s = stopped.clone();
        let addr = Worker::start_in_arbiter(&self.arbiter, move |_| Worker { n: 0, stopped: s });
        WorkerHandle { addr, stopped }
    }
    fn start_driver(&self, echo: Self::Worker) -> Self::Driver {
        Driver::start_in_arbiter(&self.arbiter, move |_| Driver(echo.addr))
    }
    fn start_node(&self, done: UnboundedSender<()>) -> Self::Node {
        Node::start_in_arbiter(&self.arbiter, move |_| Node { next: None, done })
    }
    async fn echo(w: &Self::Worker, n: u64) -> u64 {
        w.addr.send(Echo(n)).await.expect("echo")
    }
    async fn add(w: &Self::Worker) {
        w.addr.do_send(Add);
    }
    async fn get(w: &Self::Worker) -> u64 {
        w.addr.send(Get).await.expect("get")
    }
    async fn inc(w: &Self::Worker) -> u64 {
        w.addr.send(Inc).await.expect("inc")
    }
    async fn request_stop(w: &Self::Worker) {
        w.addr.do_send(Stop);
    }
    async fn wait_stopped(w: &Self::Worker) {
        w.stopped.notified().await;
    }
    async fn drive(d: &Self::Driver, n: u64) -> u64 {
        d.send(Drive(n)).await.expect("drive")
    }
    async fn link(node: &Self::Node, next: Self::Node) {
        node.send(Link(next)).await.expect("link");
    }
    async fn token(node: &Self::Node, n: u64) {
        node.do_send(Token(n));
    }
}

/// An arbiter (actix's single-threaded event loop) on a thread of its own, running for
/// the rest of the process: where every actix actor of the benchmarks runs.
pub(crate) fn start_arbiter() -> actix_rt::ArbiterHandle {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_rt::System::new().block_on(async move {
            tx.send(actix_rt::Arbiter::current()).expect("main waits");
            std::future::pending::<()>().await;
        });
    });
    rx.recv().expect("the arbiter starts")
}
