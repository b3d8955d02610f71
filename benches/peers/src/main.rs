//! The scenarios of `pykka-benches` on other Rust actor libraries: actix, kameo,
//! ractor and xtra. One generic body per scenario over [`Peer`]; one module per
//! library.
//!
//! Usage: `pykka-peers <library> <scenario> [warm-up ms] [measure ms]`. Prints
//! `ns_per_op <value>` (the median of the samples, as `pykka-benches`' compare
//! protocol) and, for `spawn`, `bytes_per_actor <value>`.
//!
//! `pykka-peers <library> savina:<bench> [warm-up ms] [measure ms]`, where `<bench>`
//! is one of pingpong, counting, fjthroughput, fjcreation, threadring, chameneos,
//! big and logmap, runs a Savina benchmark ([`savina`]) as pykka-benches'
//! `savina::measure` does: one warm-up run (the warm-up argument is not used), then
//! fresh runs until `measure ms` has passed (at least 3, at most 100), each checked
//! against the benchmark's checksum. Prints `ms_per_run <median>` and exits 0; on a
//! wrong checksum, a broken protocol or a run without its done within `RUN_BOUND`,
//! prints the error to stderr and exits 1.
//!
//! Where a library has no equivalent of a pykka feature, the nearest idiom is used:
//! the caller of `ask` is an actor of the library that awaits its echo's answer; the
//! four `fan_in` senders are tasks on the library's runtime; `proxy_call` and
//! `proxy_field` (these libraries have no proxies) are asks from the main thread of a
//! message that increments and returns a field, and of one that returns it.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

mod actix_peer;
mod kameo_peer;
mod ractor_peer;
mod savina;
mod savina_actix;
mod savina_actix_mesh;
mod savina_kameo;
mod savina_kameo_mesh;
mod savina_ractor;
mod savina_ractor_mesh;
mod savina_xtra;
mod savina_xtra_mesh;
mod xtra_peer;

/// Fixed sizes, the same as `pykka_benches::consts`.
const FAN_IN_SENDERS: usize = 4;
const RING_SIZE: usize = 1000;
const SPAWN_BATCH: u64 = 100;
const IDLE_ACTORS: usize = 10_000;

/// What the scenarios need from a library. `Worker` answers `echo`, `add` (a tell),
/// `get` and `inc`, and stops on request.
pub trait Peer: Sized + 'static {
    type Worker: Clone + Send + Sync + 'static;
    type Driver: Send + Sync + 'static;
    type Node: Clone + Send + Sync + 'static;

    fn new() -> Self;
    /// Runs `f` to completion on the calling (main) thread.
    fn block_on<T>(&self, f: impl Future<Output = T>) -> T;
    /// Runs `f` as a task of the library's runtime.
    fn spawn(&self, f: impl Future<Output = ()> + Send + 'static);
    fn start_worker(&self) -> Self::Worker;
    /// An actor that asks `echo` `n` times when `drive` asks it `n`.
    fn start_driver(&self, echo: Self::Worker) -> Self::Driver;
    fn start_node(&self, done: mpsc::UnboundedSender<()>) -> Self::Node;

    fn echo(w: &Self::Worker, n: u64) -> impl Future<Output = u64> + Send;
    fn add(w: &Self::Worker) -> impl Future<Output = ()> + Send;
    fn get(w: &Self::Worker) -> impl Future<Output = u64> + Send;
    fn inc(w: &Self::Worker) -> impl Future<Output = u64> + Send;
    fn request_stop(w: &Self::Worker) -> impl Future<Output = ()> + Send;
    fn wait_stopped(w: &Self::Worker) -> impl Future<Output = ()> + Send;
    fn drive(d: &Self::Driver, n: u64) -> impl Future<Output = u64> + Send;
    fn link(node: &Self::Node, next: Self::Node) -> impl Future<Output = ()> + Send;
    fn token(node: &Self::Node, n: u64) -> impl Future<Output = ()> + Send;
}

type Run<'a> = Box<dyn FnMut(u64) -> Duration + 'a>;

fn timed(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn split(total: u64, parts: usize) -> Vec<u64> {
    let p = parts as u64;
    (0..p)
        .map(|i| total / p + u64::from(i < total % p))
        .collect()
}

fn prepare<'a, P: Peer>(p: &'a P, scenario: &str) -> Run<'a> {
    match scenario {
        "ask" => {
            let driver = p.start_driver(p.start_worker());
            Box::new(move |iters| {
                timed(|| {
                    let sum = p.block_on(P::drive(&driver, iters));
                    assert_eq!(sum, iters * iters.saturating_sub(1) / 2);
                })
            })
        }
        "ask_from_thread" => {
            let w = p.start_worker();
            Box::new(move |iters| {
                timed(|| {
                    for i in 0..iters {
                        assert_eq!(p.block_on(P::echo(&w, i)), i);
                    }
                })
            })
        }
        "tell" => {
            let w = p.start_worker();
            let mut expected = 0;
            Box::new(move |iters| {
                expected += iters;
                timed(|| {
                    p.block_on(async {
                        for _ in 0..iters {
                            P::add(&w).await;
                        }
                        // One ask confirms the count; xtra may answer it before the
                        // last tells are handled, so ask again until it does.
                        loop {
                            let n = P::get(&w).await;
                            assert!(n <= expected, "more messages than sent");
                            if n == expected {
                                break;
                            }
                        }
                    });
                })
            })
        }
        "fan_in" => {
            let w = p.start_worker();
            Box::new(move |iters| {
                timed(|| {
                    let (tx, mut rx) = mpsc::unbounded_channel();
                    for k in split(iters, FAN_IN_SENDERS) {
                        let (w, tx) = (w.clone(), tx.clone());
                        p.spawn(async move {
                            for _ in 0..k {
                                P::add(&w).await;
                            }
                            let _ = tx.send(P::get(&w).await);
                        });
                    }
                    p.block_on(async {
                        for _ in 0..FAN_IN_SENDERS {
                            rx.recv().await.expect("sender answers");
                        }
                    });
                })
            })
        }
        "spawn" => Box::new(move |iters| {
            timed(|| {
                let mut left = iters;
                while left > 0 {
                    let batch = left.min(SPAWN_BATCH);
                    left -= batch;
                    let ws: Vec<_> = (0..batch).map(|_| p.start_worker()).collect();
                    p.block_on(async {
                        for w in &ws {
                            P::request_stop(w).await;
                        }
                        for w in &ws {
                            P::wait_stopped(w).await;
                        }
                    });
                }
            })
        }),
        "ring" => {
            let (done_tx, mut done) = mpsc::unbounded_channel();
            let nodes: Vec<_> = (0..RING_SIZE)
                .map(|_| p.start_node(done_tx.clone()))
                .collect();
            p.block_on(async {
                for (i, n) in nodes.iter().enumerate() {
                    P::link(n, nodes[(i + 1) % nodes.len()].clone()).await;
                }
            });
            Box::new(move |iters| {
                timed(|| {
                    p.block_on(async {
                        P::token(&nodes[0], iters).await;
                        done.recv().await.expect("token comes back");
                    });
                })
            })
        }
        "proxy_call" => {
            let w = p.start_worker();
            Box::new(move |iters| {
                timed(|| {
                    for _ in 0..iters {
                        assert!(p.block_on(P::inc(&w)) > 0);
                    }
                })
            })
        }
        "proxy_field" => {
            let w = p.start_worker();
            Box::new(move |iters| {
                timed(|| {
                    for _ in 0..iters {
                        assert_eq!(p.block_on(P::get(&w)), 0);
                    }
                })
            })
        }
        other => panic!("unknown scenario {other}"),
    }
}

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn idle_memory<P: Peer>(p: &P, n: usize) -> f64 {
    let before = resident_bytes();
    let ws: Vec<_> = (0..n).map(|_| p.start_worker()).collect();
    p.block_on(async {
        for w in &ws {
            P::get(w).await;
        }
    });
    let after = resident_bytes();
    p.block_on(async {
        for w in &ws {
            P::request_stop(w).await;
        }
        for w in &ws {
            P::wait_stopped(w).await;
        }
    });
    after.saturating_sub(before) as f64 / n as f64
}

/// The same protocol as `pykka_benches::measure::ns_per_op`.
fn ns_per_op(run: &mut Run<'_>, warm_up: Duration, measure: Duration) -> f64 {
    let target = measure / 20;
    let mut iters: u64 = 1;
    let start = Instant::now();
    loop {
        let took = run(iters);
        if took < target && iters < 1 << 40 {
            iters *= 2;
        } else if start.elapsed() >= warm_up {
            break;
        }
    }
    let mut samples = Vec::new();
    let start = Instant::now();
    while samples.len() < 5 || start.elapsed() < measure {
        samples.push(run(iters).as_nanos() as f64 / iters as f64);
    }
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2.0
    }
}

fn run<P: Peer>(scenario: &str, warm_up: Duration, measure: Duration) {
    let p = P::new();
    if scenario == "spawn" {
        // One actor first starts the runtime's threads (see pykka-benches' compare).
        idle_memory(&p, 1);
        println!("bytes_per_actor {:.0}", idle_memory(&p, IDLE_ACTORS));
    }
    let mut r = prepare(&p, scenario);
    println!("ns_per_op {:.1}", ns_per_op(&mut r, warm_up, measure));
    // Actors and runtimes are left to the end of the process.
    std::process::exit(0);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!(
            "usage: pykka-peers <actix|kameo|ractor|xtra> <scenario | savina:<bench>> [warm-up ms] [measure ms]"
        );
        std::process::exit(2);
    }
    let ms = |i: usize, default: u64| {
        Duration::from_millis(args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default))
    };
    let (warm_up, measure) = (ms(3, 300), ms(4, 700));
    if let Some(bench) = args[2].strip_prefix("savina:") {
        savina::main(&args[1], bench, measure);
    }
    match args[1].as_str() {
        "actix" => run::<actix_peer::Actix>(&args[2], warm_up, measure),
        "kameo" => run::<kameo_peer::Kameo>(&args[2], warm_up, measure),
        "ractor" => run::<ractor_peer::Ractor>(&args[2], warm_up, measure),
        "xtra" => run::<xtra_peer::Xtra>(&args[2], warm_up, measure),
        other => {
            eprintln!("unknown library {other}");
            std::process::exit(2);
        }
    }
}
