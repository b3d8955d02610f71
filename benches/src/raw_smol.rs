//! The raw baseline of the smol backend: async-channel between tasks of a smol
//! executor with one worker thread per core (the default of `pykka-smol`); the calling
//! thread waits with `recv_blocking`. The same shapes as the pykka scenarios.

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use async_channel::{Receiver, Sender, unbounded};
use smol::Executor;

use crate::{Kind, Runner, Scenario, Subject, consts, mem, split, timed};

/// async-channel between smol tasks.
#[derive(Debug, Default, Clone, Copy)]
pub struct RawSmol;

/// The executor's worker threads: as many as cores, like `pykka-smol`'s default.
fn worker_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn executor() -> &'static Executor<'static> {
    static EX: OnceLock<&'static Executor<'static>> = OnceLock::new();
    EX.get_or_init(|| {
        let ex: &'static Executor<'static> = Box::leak(Box::new(Executor::new()));
        for i in 0..worker_threads() {
            std::thread::Builder::new()
                .name(format!("raw-smol-{i}"))
                .spawn(move || smol::block_on(ex.run(std::future::pending::<()>())))
                .expect("executor thread");
        }
        ex
    })
}

fn spawn(f: impl Future<Output = ()> + Send + 'static) {
    executor().spawn(f).detach();
}

fn send<T>(tx: &Sender<T>, v: T) -> bool {
    tx.try_send(v).is_ok()
}

impl Subject for RawSmol {
    fn kind(&self) -> Kind {
        Kind::Raw
    }

    fn backend(&self) -> &'static str {
        "smol"
    }

    fn prepare(&self, scenario: Scenario) -> Box<dyn Runner> {
        match scenario {
            Scenario::Ask => Box::new(Ask::new()),
            Scenario::AskFromThread => Box::new(Server::echo()),
            Scenario::Tell => Box::new(Tell::new()),
            Scenario::FanIn => Box::new(FanIn::new()),
            Scenario::Spawn => Box::new(Spawn),
            Scenario::Ring => Box::new(Ring::new()),
            Scenario::ProxyCall => Box::new(Server::jobs(false)),
            Scenario::ProxyField => Box::new(Server::jobs(true)),
        }
    }

    fn idle_memory(&self, n: usize) -> f64 {
        mem::per_item(n, |measure| {
            let (ack_tx, ack_rx) = unbounded::<()>();
            let stops: Vec<_> = (0..n)
                .map(|_| {
                    let (tx, rx) = unbounded::<()>();
                    let ack = ack_tx.clone();
                    spawn(async move {
                        send(&ack, ());
                        let _ = rx.recv().await;
                        send(&ack, ());
                    });
                    tx
                })
                .collect();
            for _ in 0..n {
                let _ = ack_rx.recv_blocking();
            }
            measure();
            for s in &stops {
                send(s, ());
            }
            for _ in 0..n {
                let _ = ack_rx.recv_blocking();
            }
        })
    }
}

/// A task that answers every request on one reply channel until its request channel
/// closes.
fn serve<Q: Send + 'static, A: Send + 'static>(
    mut handle: impl FnMut(Q) -> A + Send + 'static,
) -> (Sender<Q>, Receiver<A>) {
    let (req_tx, req_rx) = unbounded::<Q>();
    let (rep_tx, rep_rx) = unbounded::<A>();
    spawn(async move {
        while let Ok(q) = req_rx.recv().await {
            if !send(&rep_tx, handle(q)) {
                break;
            }
        }
    });
    (req_tx, rep_rx)
}

type Job = Box<dyn FnOnce(&mut u64) -> u64 + Send>;

struct Server<Q> {
    tx: Sender<Q>,
    rx: Receiver<u64>,
    make: fn(u64) -> Q,
    expect: fn(u64, u64) -> bool,
}

impl Server<u64> {
    fn echo() -> Self {
        let (tx, rx) = serve::<u64, u64>(|n| n);
        Server {
            tx,
            rx,
            make: |i| i,
            expect: |i, r| i == r,
        }
    }
}

impl Server<Job> {
    fn jobs(field: bool) -> Self {
        let mut state = 0u64;
        let (tx, rx) = serve::<Job, u64>(move |job| job(&mut state));
        let make: fn(u64) -> Job = if field {
            |_| Box::new(|s: &mut u64| *s)
        } else {
            |_| {
                Box::new(|s: &mut u64| {
                    *s += 1;
                    *s
                })
            }
        };
        let expect: fn(u64, u64) -> bool = if field { |_, r| r == 0 } else { |_, r| r > 0 };
        Server {
            tx,
            rx,
            make,
            expect,
        }
    }
}

impl<Q: Send + 'static> Runner for Server<Q> {
    fn run(&mut self, iters: u64) -> Duration {
        timed(|| {
            for i in 0..iters {
                send(&self.tx, (self.make)(i));
                let r = self.rx.recv_blocking().expect("server answers");
                assert!((self.expect)(i, r));
            }
        })
    }
}

/// A driver task doing round trips with an echo task.
struct Ask {
    go: Sender<u64>,
    done: Receiver<u64>,
}

impl Ask {
    fn new() -> Self {
        let (echo_tx, echo_rx) = serve::<u64, u64>(|n| n);
        let (go, go_rx) = unbounded::<u64>();
        let (done_tx, done) = unbounded::<u64>();
        spawn(async move {
            while let Ok(n) = go_rx.recv().await {
                let mut sum = 0;
                for i in 0..n {
                    send(&echo_tx, i);
                    sum += echo_rx.recv().await.expect("echo answers");
                }
                send(&done_tx, sum);
            }
        });
        Ask { go, done }
    }
}

impl Runner for Ask {
    fn run(&mut self, iters: u64) -> Duration {
        timed(|| {
            send(&self.go, iters);
            let sum = self.done.recv_blocking().expect("driver answers");
            assert_eq!(sum, iters * iters.saturating_sub(1) / 2);
        })
    }
}

enum Count {
    Add,
    Get(Sender<u64>),
}

fn counter() -> Sender<Count> {
    let (tx, rx) = unbounded::<Count>();
    spawn(async move {
        let mut n = 0u64;
        while let Ok(m) = rx.recv().await {
            match m {
                Count::Add => n += 1,
                Count::Get(reply) => {
                    send(&reply, n);
                }
            }
        }
    });
    tx
}

struct Tell {
    counter: Sender<Count>,
    reply: (Sender<u64>, Receiver<u64>),
    expected: u64,
}

impl Tell {
    fn new() -> Self {
        Tell {
            counter: counter(),
            reply: unbounded(),
            expected: 0,
        }
    }
}

impl Runner for Tell {
    fn run(&mut self, iters: u64) -> Duration {
        self.expected += iters;
        timed(|| {
            for _ in 0..iters {
                send(&self.counter, Count::Add);
            }
            send(&self.counter, Count::Get(self.reply.0.clone()));
            assert_eq!(self.reply.1.recv_blocking().ok(), Some(self.expected));
        })
    }
}

struct FanIn {
    senders: Vec<Sender<u64>>,
    done: Receiver<u64>,
}

impl FanIn {
    fn new() -> Self {
        let sink = counter();
        let (done_tx, done) = unbounded::<u64>();
        let senders = (0..consts::FAN_IN_SENDERS)
            .map(|_| {
                let (tx, rx) = unbounded::<u64>();
                let sink = sink.clone();
                let done_tx = done_tx.clone();
                spawn(async move {
                    let (reply_tx, reply_rx) = unbounded::<u64>();
                    while let Ok(k) = rx.recv().await {
                        for _ in 0..k {
                            send(&sink, Count::Add);
                        }
                        send(&sink, Count::Get(reply_tx.clone()));
                        let seen = reply_rx.recv().await.expect("sink answers");
                        send(&done_tx, seen);
                    }
                });
                tx
            })
            .collect();
        FanIn { senders, done }
    }
}

impl Runner for FanIn {
    fn run(&mut self, iters: u64) -> Duration {
        let shares = split(iters, self.senders.len());
        timed(|| {
            for (s, k) in self.senders.iter().zip(shares) {
                send(s, k);
            }
            for _ in 0..self.senders.len() {
                self.done.recv_blocking().expect("sender answers");
            }
        })
    }
}

struct Spawn;

impl Runner for Spawn {
    fn run(&mut self, iters: u64) -> Duration {
        timed(|| {
            let mut left = iters;
            while left > 0 {
                let batch = left.min(consts::SPAWN_BATCH as u64);
                left -= batch;
                let (ack_tx, ack_rx) = unbounded::<()>();
                let stops: Vec<_> = (0..batch)
                    .map(|_| {
                        let (tx, rx) = unbounded::<()>();
                        let ack = ack_tx.clone();
                        spawn(async move {
                            let _ = rx.recv().await;
                            send(&ack, ());
                        });
                        tx
                    })
                    .collect();
                for s in &stops {
                    send(s, ());
                }
                for _ in 0..batch {
                    ack_rx.recv_blocking().expect("stopped");
                }
            }
        })
    }
}

struct Ring {
    first: Sender<u64>,
    done: Receiver<()>,
}

/// Sent around the ring when it is dropped: every node passes it on and ends.
const RING_STOP: u64 = u64::MAX;

impl Ring {
    fn new() -> Self {
        let (done_tx, done) = unbounded::<()>();
        let (txs, rxs): (Vec<_>, Vec<_>) =
            (0..consts::RING_SIZE).map(|_| unbounded::<u64>()).unzip();
        let first = txs[0].clone();
        for (i, rx) in rxs.into_iter().enumerate() {
            let next = txs[(i + 1) % txs.len()].clone();
            let done_tx = done_tx.clone();
            spawn(async move {
                while let Ok(n) = rx.recv().await {
                    match n {
                        RING_STOP => {
                            send(&next, RING_STOP);
                            break;
                        }
                        0 => {
                            send(&done_tx, ());
                        }
                        n => {
                            send(&next, n - 1);
                        }
                    }
                }
            });
        }
        Ring { first, done }
    }
}

impl Runner for Ring {
    fn run(&mut self, iters: u64) -> Duration {
        timed(|| {
            send(&self.first, iters);
            self.done.recv_blocking().expect("token comes back");
        })
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        send(&self.first, RING_STOP);
    }
}
