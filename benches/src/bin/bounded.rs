//! What a bounded inbox costs and buys, per backend: `tell` to an actor with a capacity
//! of 1,000 against an unbounded one (a plain thread telling as fast as it can, the
//! actor counting), and the resident memory of a fast producer telling a slow consumer
//! 100,000 messages of 1 KiB, with and without a capacity. Each memory figure comes from
//! a fresh process (this program runs itself), so that one case's freed heap does not
//! hide the next one's growth. Speed is reported, never asserted.
//!
//! ```text
//! cargo run --release -p pykka-benches --bin bounded
//! ```

use std::process::Command;
use std::time::{Duration, Instant};

use pykka_benches::{green_runtime, mem};
use pykka_core::{Actor, ActorRef, Context, Failure, Runtime};

/// Counts what it is told; asked, answers the count. `work` spins that long per
/// message (a slow consumer).
struct Sink {
    capacity: Option<usize>,
    work: Duration,
    count: u64,
}

enum Msg {
    Add(u64),
    Payload(#[allow(dead_code)] Box<[u8; 1024]>),
    Get,
}

impl Actor for Sink {
    type Message = Msg;
    type Reply = u64;

    fn mailbox_capacity(&self) -> Option<usize> {
        self.capacity
    }

    fn on_receive(&mut self, msg: Msg, _: &Context<Self>) -> Result<u64, Failure> {
        match msg {
            Msg::Add(n) => self.count += n,
            Msg::Payload(_) => {
                let until = Instant::now() + self.work;
                while Instant::now() < until {
                    std::hint::spin_loop();
                }
                self.count += 1;
            }
            Msg::Get => {}
        }
        Ok(self.count)
    }
}

fn sink<R: Runtime>(rt: &R, capacity: Option<usize>, work: Duration) -> ActorRef<Sink> {
    Sink {
        capacity,
        work,
        count: 0,
    }
    .start(rt)
    .expect("start the sink")
}

/// Nanoseconds per `tell` of `n` messages, until the sink has counted them all.
fn tell_ns<R: Runtime>(rt: &R, capacity: Option<usize>, n: u64) -> f64 {
    let actor = sink(rt, capacity, Duration::ZERO);
    let start = Instant::now();
    for _ in 0..n {
        actor.tell(Msg::Add(1)).expect("sink alive");
    }
    assert_eq!(actor.ask(Msg::Get).expect("sink answers"), n);
    let ns = start.elapsed().as_nanos() as f64 / n as f64;
    actor.stop();
    ns
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Interleaved runs of unbounded and bounded tells: the medians, in ns per tell.
fn tell_row<R: Runtime>(rt: &R) -> (f64, f64) {
    const N: u64 = 200_000;
    const RUNS: usize = 7;
    let (mut unbounded, mut bounded) = (Vec::new(), Vec::new());
    tell_ns(rt, None, N / 10); // warm-up
    for _ in 0..RUNS {
        unbounded.push(tell_ns(rt, None, N));
        bounded.push(tell_ns(rt, Some(1000), N));
    }
    (median(unbounded), median(bounded))
}

/// The child's part: MiB gained at the end of the producer's 100,000 tells (most still
/// queued without a capacity), and the producer's time.
fn producer_memory<R: Runtime>(rt: &R, capacity: Option<usize>) {
    const N: u64 = 100_000;
    let actor = sink(rt, capacity, Duration::from_micros(2));
    let before = mem::resident_bytes().unwrap_or(0);
    let start = Instant::now();
    for _ in 0..N {
        actor
            .tell(Msg::Payload(Box::new([1; 1024])))
            .expect("sink alive");
    }
    let produced = start.elapsed();
    let grown = mem::resident_bytes().unwrap_or(0).saturating_sub(before);
    assert_eq!(actor.ask(Msg::Get).expect("sink answers"), N);
    actor.stop();
    println!(
        "{:.1} {:.0}",
        grown as f64 / (1 << 20) as f64,
        produced.as_secs_f64() * 1000.0
    );
}

fn run_child(backend: &str, capacity: Option<usize>) {
    match backend {
        "thread" => producer_memory(&pykka_thread::ThreadRuntime::default(), capacity),
        "green" => producer_memory(&green_runtime(), capacity),
        "smol" => producer_memory(&pykka_smol::SmolRuntime::default(), capacity),
        "tokio" => producer_memory(&pykka_tokio::TokioRuntime::default(), capacity),
        other => panic!("unknown backend {other}"),
    }
}

/// Runs the memory case in a fresh process: (MiB grown, ms to produce).
fn memory_in_child(backend: &str, capacity: Option<usize>) -> (f64, f64) {
    let cap = capacity.map_or("none".to_string(), |c| c.to_string());
    let out = Command::new(std::env::current_exe().expect("own path"))
        .args(["--child", backend, &cap])
        .output()
        .expect("run the child");
    assert!(out.status.success(), "child failed: {out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text
        .split_whitespace()
        .map(|p| p.parse::<f64>().expect("a number"));
    (parts.next().expect("MiB"), parts.next().expect("ms"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        let capacity = args[3].parse().ok();
        run_child(&args[2], capacity);
        return;
    }
    println!("tell, ns per message (median of 7 interleaved runs of 200,000):");
    println!("| backend | unbounded | capacity 1,000 | ratio |");
    println!("|---|---|---|---|");
    let rows = [
        ("thread", tell_row(&pykka_thread::ThreadRuntime::default())),
        ("green", tell_row(&green_runtime())),
        ("smol", tell_row(&pykka_smol::SmolRuntime::default())),
        ("tokio", tell_row(&pykka_tokio::TokioRuntime::default())),
    ];
    for (backend, (unbounded, bounded)) in rows {
        println!(
            "| {backend} | {unbounded:.0} | {bounded:.0} | {:.2} |",
            bounded / unbounded
        );
    }
    println!();
    println!("fast producer, slow consumer (2 us per message), 100,000 tells of 1 KiB:");
    println!("| backend | capacity | resident MiB gained | producer ms |");
    println!("|---|---|---|---|");
    for backend in ["thread", "green", "smol", "tokio"] {
        for capacity in [None, Some(1000)] {
            let (mib, ms) = memory_in_child(backend, capacity);
            let cap = capacity.map_or("unbounded".to_string(), |c| c.to_string());
            println!("| {backend} | {cap} | {mib:.1} | {ms:.0} |");
        }
    }
}
