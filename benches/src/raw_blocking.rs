//! The raw baselines of the blocking backends: crossbeam-channel between OS threads
//! (`thread`) and may's channel between may coroutines (`green`). One generic body per
//! scenario over [`Kit`], the same shapes as the pykka scenarios with nothing of pykka:
//! persistent channels instead of a reply per ask, no registry, no failure handling.

use std::marker::PhantomData;
use std::time::Duration;

use crate::{Kind, Runner, Scenario, Subject, consts, mem, split, timed};

/// What a raw baseline needs: an unbounded channel whose `recv` blocks the calling
/// context, and a way to spawn a thread or coroutine.
pub trait Kit: Send + Sync + 'static {
    /// The backend whose primitives these are.
    const NAME: &'static str;
    /// The sending half.
    type Tx<T: Send + 'static>: Clone + Send + 'static;
    /// The receiving half.
    type Rx<T: Send + 'static>: Send + 'static;
    /// An unbounded channel.
    fn channel<T: Send + 'static>() -> (Self::Tx<T>, Self::Rx<T>);
    /// Sends without blocking; `false` if the receiver is gone.
    fn send<T: Send + 'static>(tx: &Self::Tx<T>, value: T) -> bool;
    /// Waits for a value; `None` once every sender is gone.
    fn recv<T: Send + 'static>(rx: &Self::Rx<T>) -> Option<T>;
    /// Runs `f` in a new thread or coroutine.
    fn spawn(f: impl FnOnce() + Send + 'static);
}

/// crossbeam-channel between OS threads.
#[derive(Debug, Default)]
pub struct Threads;

impl Kit for Threads {
    const NAME: &'static str = "thread";
    type Tx<T: Send + 'static> = crossbeam_channel::Sender<T>;
    type Rx<T: Send + 'static> = crossbeam_channel::Receiver<T>;
    fn channel<T: Send + 'static>() -> (Self::Tx<T>, Self::Rx<T>) {
        crossbeam_channel::unbounded()
    }
    fn send<T: Send + 'static>(tx: &Self::Tx<T>, value: T) -> bool {
        tx.send(value).is_ok()
    }
    fn recv<T: Send + 'static>(rx: &Self::Rx<T>) -> Option<T> {
        rx.recv().ok()
    }
    fn spawn(f: impl FnOnce() + Send + 'static) {
        std::thread::spawn(f);
    }
}

/// may's mpsc channel between may coroutines (with may's default configuration).
#[derive(Debug, Default)]
pub struct Coroutines;

impl Kit for Coroutines {
    const NAME: &'static str = "green";
    type Tx<T: Send + 'static> = may::sync::mpsc::Sender<T>;
    type Rx<T: Send + 'static> = may::sync::mpsc::Receiver<T>;
    fn channel<T: Send + 'static>() -> (Self::Tx<T>, Self::Rx<T>) {
        may::sync::mpsc::channel()
    }
    fn send<T: Send + 'static>(tx: &Self::Tx<T>, value: T) -> bool {
        tx.send(value).is_ok()
    }
    fn recv<T: Send + 'static>(rx: &Self::Rx<T>) -> Option<T> {
        rx.recv().ok()
    }
    fn spawn(f: impl FnOnce() + Send + 'static) {
        may::go!(f);
    }
}

/// The raw baseline on the primitives of `K`.
#[derive(Debug)]
pub struct Raw<K>(PhantomData<K>);

impl<K> Default for Raw<K> {
    fn default() -> Self {
        Raw(PhantomData)
    }
}

impl<K: Kit> Subject for Raw<K> {
    fn kind(&self) -> Kind {
        Kind::Raw
    }

    fn backend(&self) -> &'static str {
        K::NAME
    }

    fn prepare(&self, scenario: Scenario) -> Box<dyn Runner> {
        match scenario {
            Scenario::Ask => Box::new(Ask::<K>::new()),
            Scenario::AskFromThread => Box::new(Server::<K, u64>::echo()),
            Scenario::Tell => Box::new(Tell::<K>::new()),
            Scenario::FanIn => Box::new(FanIn::<K>::new()),
            Scenario::Spawn => Box::new(Spawn::<K>(PhantomData)),
            Scenario::Ring => Box::new(Ring::<K>::new()),
            Scenario::ProxyCall => Box::new(Server::<K, Job>::jobs(false)),
            Scenario::ProxyField => Box::new(Server::<K, Job>::jobs(true)),
        }
    }

    fn idle_memory(&self, n: usize) -> f64 {
        mem::per_item(n, |measure| {
            let (ack_tx, ack_rx) = K::channel::<()>();
            let stops: Vec<_> = (0..n)
                .map(|_| {
                    let (tx, rx) = K::channel::<()>();
                    let ack = ack_tx.clone();
                    K::spawn(move || {
                        K::send(&ack, ());
                        K::recv(&rx);
                        K::send(&ack, ());
                    });
                    tx
                })
                .collect();
            for _ in 0..n {
                K::recv(&ack_rx);
            }
            measure();
            for s in &stops {
                K::send(s, ());
            }
            for _ in 0..n {
                K::recv(&ack_rx);
            }
        })
    }
}

/// A thread or coroutine that answers every request on one reply channel until its
/// request channel closes.
fn serve<K: Kit, Q: Send + 'static, A: Send + 'static>(
    mut handle: impl FnMut(Q) -> A + Send + 'static,
) -> (K::Tx<Q>, K::Rx<A>) {
    let (req_tx, req_rx) = K::channel::<Q>();
    let (rep_tx, rep_rx) = K::channel::<A>();
    K::spawn(move || {
        while let Some(q) = K::recv(&req_rx) {
            if !K::send(&rep_tx, handle(q)) {
                break;
            }
        }
    });
    (req_tx, rep_rx)
}

/// A closure sent to the state's owner: the raw form of a proxy call.
type Job = Box<dyn FnOnce(&mut u64) -> u64 + Send>;

/// A server answered from the calling thread: `ask_from_thread` (echo) and the proxy
/// scenarios (jobs on a `u64` state).
struct Server<K: Kit, Q: Send + 'static> {
    tx: K::Tx<Q>,
    rx: K::Rx<u64>,
    make: fn(u64) -> Q,
    expect: fn(u64, u64) -> bool,
}

impl<K: Kit> Server<K, u64> {
    fn echo() -> Self {
        let (tx, rx) = serve::<K, u64, u64>(|n| n);
        Server {
            tx,
            rx,
            make: |i| i,
            expect: |i, r| i == r,
        }
    }
}

impl<K: Kit> Server<K, Job> {
    fn jobs(field: bool) -> Self {
        let mut state = 0u64;
        let (tx, rx) = serve::<K, Job, u64>(move |job| job(&mut state));
        if field {
            Server {
                tx,
                rx,
                make: |_| Box::new(|s: &mut u64| *s),
                expect: |_, r| r == 0,
            }
        } else {
            Server {
                tx,
                rx,
                make: |_| {
                    Box::new(|s: &mut u64| {
                        *s += 1;
                        *s
                    })
                },
                expect: |_, r| r > 0,
            }
        }
    }
}

impl<K: Kit, Q: Send + 'static> Runner for Server<K, Q> {
    fn run(&mut self, iters: u64) -> Duration {
        timed(|| {
            for i in 0..iters {
                K::send(&self.tx, (self.make)(i));
                let r = K::recv(&self.rx).expect("server answers");
                assert!((self.expect)(i, r));
            }
        })
    }
}

/// A driver (thread or coroutine) doing round trips with an echo; the calling thread
/// only starts it and waits for the end of the batch.
struct Ask<K: Kit> {
    go: K::Tx<u64>,
    done: K::Rx<u64>,
}

impl<K: Kit> Ask<K> {
    fn new() -> Self {
        let (echo_tx, echo_rx) = serve::<K, u64, u64>(|n| n);
        let (go, done) = serve::<K, u64, u64>(move |n| {
            let mut sum = 0;
            for i in 0..n {
                K::send(&echo_tx, i);
                sum += K::recv(&echo_rx).expect("echo answers");
            }
            sum
        });
        Ask { go, done }
    }
}

impl<K: Kit> Runner for Ask<K> {
    fn run(&mut self, iters: u64) -> Duration {
        timed(|| {
            K::send(&self.go, iters);
            let sum = K::recv(&self.done).expect("driver answers");
            assert_eq!(sum, iters * iters.saturating_sub(1) / 2);
        })
    }
}

/// A counter's message: add one, or report the count on the given channel.
enum Count<K: Kit> {
    Add,
    Get(K::Tx<u64>),
}

fn counter<K: Kit>() -> K::Tx<Count<K>> {
    let (tx, rx) = K::channel::<Count<K>>();
    K::spawn(move || {
        let mut n = 0u64;
        while let Some(m) = K::recv(&rx) {
            match m {
                Count::Add => n += 1,
                Count::Get(reply) => {
                    K::send(&reply, n);
                }
            }
        }
    });
    tx
}

struct Tell<K: Kit> {
    counter: K::Tx<Count<K>>,
    reply: (K::Tx<u64>, K::Rx<u64>),
    expected: u64,
}

impl<K: Kit> Tell<K> {
    fn new() -> Self {
        Tell {
            counter: counter::<K>(),
            reply: K::channel(),
            expected: 0,
        }
    }
}

impl<K: Kit> Runner for Tell<K> {
    fn run(&mut self, iters: u64) -> Duration {
        self.expected += iters;
        timed(|| {
            for _ in 0..iters {
                K::send(&self.counter, Count::Add);
            }
            K::send(&self.counter, Count::Get(self.reply.0.clone()));
            assert_eq!(K::recv(&self.reply.1), Some(self.expected));
        })
    }
}

struct FanIn<K: Kit> {
    senders: Vec<K::Tx<u64>>,
    done: K::Rx<u64>,
}

impl<K: Kit> FanIn<K> {
    fn new() -> Self {
        let sink = counter::<K>();
        let (done_tx, done) = K::channel::<u64>();
        let senders = (0..consts::FAN_IN_SENDERS)
            .map(|_| {
                let (tx, rx) = K::channel::<u64>();
                let sink = sink.clone();
                let done_tx = done_tx.clone();
                let (reply_tx, reply_rx) = K::channel::<u64>();
                K::spawn(move || {
                    while let Some(k) = K::recv(&rx) {
                        for _ in 0..k {
                            K::send(&sink, Count::Add);
                        }
                        K::send(&sink, Count::Get(reply_tx.clone()));
                        let seen = K::recv(&reply_rx).expect("sink answers");
                        K::send(&done_tx, seen);
                    }
                });
                tx
            })
            .collect();
        FanIn { senders, done }
    }
}

impl<K: Kit> Runner for FanIn<K> {
    fn run(&mut self, iters: u64) -> Duration {
        let shares = split(iters, self.senders.len());
        timed(|| {
            for (s, k) in self.senders.iter().zip(shares) {
                K::send(s, k);
            }
            for _ in 0..self.senders.len() {
                K::recv(&self.done).expect("sender answers");
            }
        })
    }
}

struct Spawn<K>(PhantomData<K>);

impl<K: Kit> Runner for Spawn<K> {
    fn run(&mut self, iters: u64) -> Duration {
        timed(|| {
            let mut left = iters;
            while left > 0 {
                let batch = left.min(consts::SPAWN_BATCH as u64);
                left -= batch;
                let (ack_tx, ack_rx) = K::channel::<()>();
                let stops: Vec<_> = (0..batch)
                    .map(|_| {
                        let (tx, rx) = K::channel::<()>();
                        let ack = ack_tx.clone();
                        K::spawn(move || {
                            K::recv(&rx);
                            K::send(&ack, ());
                        });
                        tx
                    })
                    .collect();
                for s in &stops {
                    K::send(s, ());
                }
                for _ in 0..batch {
                    K::recv(&ack_rx).expect("stopped");
                }
            }
        })
    }
}

struct Ring<K: Kit> {
    first: K::Tx<u64>,
    done: K::Rx<()>,
}

/// Sent around the ring when it is dropped: every node passes it on and ends.
const RING_STOP: u64 = u64::MAX;

impl<K: Kit> Ring<K> {
    fn new() -> Self {
        let (done_tx, done) = K::channel::<()>();
        let (txs, rxs): (Vec<_>, Vec<_>) =
            (0..consts::RING_SIZE).map(|_| K::channel::<u64>()).unzip();
        let first = txs[0].clone();
        for (i, rx) in rxs.into_iter().enumerate() {
            let next = txs[(i + 1) % txs.len()].clone();
            let done_tx = done_tx.clone();
            K::spawn(move || {
                while let Some(n) = K::recv(&rx) {
                    match n {
                        RING_STOP => {
                            K::send(&next, RING_STOP);
                            break;
                        }
                        0 => {
                            K::send(&done_tx, ());
                        }
                        n => {
                            K::send(&next, n - 1);
                        }
                    }
                }
            });
        }
        Ring { first, done }
    }
}

impl<K: Kit> Runner for Ring<K> {
    fn run(&mut self, iters: u64) -> Duration {
        timed(|| {
            K::send(&self.first, iters);
            K::recv(&self.done).expect("token comes back");
        })
    }
}

impl<K: Kit> Drop for Ring<K> {
    fn drop(&mut self) {
        K::send(&self.first, RING_STOP);
    }
}
