//! The Savina benchmarks on the peers (`pykka-peers <library> savina:<bench>`): the
//! protocols and sizes are pykka-benches' (`benches/src/savina`), whose `params.rs`
//! is included here so that both sides run exactly the same workload. Each library's
//! actors are in `savina_<library>.rs`; this file has the measuring loop and the done
//! channel they share.

use std::sync::mpsc;
use std::time::{Duration, Instant};

#[path = "../../src/savina/params.rs"]
#[allow(dead_code)]
pub mod params;

pub use params::Bench;

/// Where a run's checksum goes.
pub type Done = mpsc::Sender<u64>;

/// A done channel and the start of the timed part of a run.
pub struct Timer {
    rx: mpsc::Receiver<u64>,
    tx: Done,
    start: Instant,
}

impl Timer {
    pub fn new() -> Timer {
        let (tx, rx) = mpsc::channel();
        Timer {
            rx,
            tx,
            start: Instant::now(),
        }
    }

    pub fn done(&self) -> Done {
        self.tx.clone()
    }

    /// Starts the clock (after the actors are set up).
    pub fn start(&mut self) {
        self.start = Instant::now();
    }

    /// Waits at most `RUN_BOUND` for the done: the time since `start`, the checksum.
    pub fn wait(&self) -> (Duration, u64) {
        match self.rx.recv_timeout(params::RUN_BOUND) {
            Ok(sum) => (self.start.elapsed(), sum),
            Err(e) => {
                eprintln!("the run did not finish: {e}");
                std::process::exit(1);
            }
        }
    }
}

impl Timer {
    /// [`wait`](Timer::wait) for a runtime that runs only while the waiting thread
    /// drives it (a tokio current-thread runtime): the wait yields to the actors.
    pub fn wait_in(&self, rt: &tokio::runtime::Runtime) -> (Duration, u64) {
        let bound = Instant::now() + params::RUN_BOUND;
        rt.block_on(async {
            loop {
                match self.rx.try_recv() {
                    Ok(sum) => return (self.start.elapsed(), sum),
                    Err(_) if Instant::now() < bound => tokio::task::yield_now().await,
                    Err(e) => {
                        eprintln!("the run did not finish: {e}");
                        std::process::exit(1);
                    }
                }
            }
        })
    }
}

/// One library's runs.
pub trait Savina {
    fn new() -> Self;
    /// Runs `bench` once: its time and checksum.
    fn run(&self, bench: Bench) -> (Duration, u64);
}

/// The same protocol as `pykka_benches::savina::measure`: one warm-up run, then runs
/// until `measure` has passed (at least three, at most 100); prints the median.
pub fn main<S: Savina>(bench: &str, measure: Duration) {
    let Some(bench) = Bench::from_name(bench) else {
        eprintln!("unknown benchmark {bench}");
        std::process::exit(2);
    };
    let s = S::new();
    let check = || {
        let (took, sum) = s.run(bench);
        if sum != bench.checksum() {
            eprintln!(
                "{}: checksum {sum}, expected {}",
                bench.name(),
                bench.checksum()
            );
            std::process::exit(1);
        }
        took.as_secs_f64() * 1e3
    };
    check();
    let mut samples = Vec::new();
    let start = Instant::now();
    while samples.len() < 3 || (start.elapsed() < measure && samples.len() < 100) {
        samples.push(check());
    }
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    let median = if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2.0
    };
    println!("ms_per_run {median:.3}");
    // Actors and runtimes are left to the end of the process.
    std::process::exit(0);
}
