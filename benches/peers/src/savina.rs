//! The Savina benchmarks on the peers (`pykka-peers <library> savina:<bench>`). The
//! protocols are pykka-benches' (`benches/src/savina/mod.rs` states them message for
//! message); their sizes, checksums and shared pieces are its `params.rs`, included
//! here so that both sides run exactly the same workload.
//!
//! This file has what every library shares: the command line, the measuring loop (the
//! same as `pykka_benches::savina::measure`), the runner's end of a run ([`Runner`],
//! [`Timer`]) and the two sums a sink keeps ([`Tally`], [`Terms`]). Each library's
//! actors are in `savina_<library>.rs` (pingpong, counting, the fork-joins, threadring)
//! and `savina_<library>_mesh.rs` (chameneos, big, logmap).

use std::future::Future;
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[path = "../../src/savina/params.rs"]
#[allow(dead_code)]
pub mod params;

use params::{Bench, RUN_BOUND, logmap_checksum};

/// What a run ends with: its time and checksum, or why it failed.
pub type Outcome = Result<(Duration, u64), String>;

/// One library's runs of the benchmarks: each starts its actors, times the run, and
/// stops them all.
pub trait Savina {
    /// Starts the library's runtime (once per process).
    fn new() -> Self;
    fn pingpong(&self) -> Outcome;
    fn counting(&self) -> Outcome;
    fn fj_throughput(&self) -> Outcome;
    fn fj_creation(&self) -> Outcome;
    fn thread_ring(&self) -> Outcome;
    fn chameneos(&self) -> Outcome;
    fn big(&self) -> Outcome;
    fn logmap(&self) -> Outcome;

    /// Runs `bench` once.
    fn run(&self, bench: Bench) -> Outcome {
        match bench {
            Bench::PingPong => self.pingpong(),
            Bench::Counting => self.counting(),
            Bench::FjThroughput => self.fj_throughput(),
            Bench::FjCreation => self.fj_creation(),
            Bench::ThreadRing => self.thread_ring(),
            Bench::Chameneos => self.chameneos(),
            Bench::Big => self.big(),
            Bench::LogMap => self.logmap(),
        }
    }
}

/// `pykka-peers <library> savina:<bench> [warm-up ms] [measure ms]`: prints
/// `ms_per_run <median>` and exits 0, or prints the error and exits 1. The warm-up is
/// one run, as on pykka's side; the warm-up argument is accepted for the same command
/// line as the other scenarios and not used.
pub fn main(library: &str, bench: &str, measure: Duration) -> ! {
    let Some(bench) = Bench::from_name(bench) else {
        eprintln!("unknown benchmark {bench}");
        std::process::exit(2);
    };
    let result = match library {
        "actix" => measure_on::<crate::savina_actix::Actix>(bench, measure),
        "kameo" => measure_on::<crate::savina_kameo::Kameo>(bench, measure),
        "ractor" => measure_on::<crate::savina_ractor::Ractor>(bench, measure),
        "xtra" => measure_on::<crate::savina_xtra::Xtra>(bench, measure),
        other => {
            eprintln!("unknown library {other}");
            std::process::exit(2);
        }
    };
    match result {
        Ok(ms) => {
            println!("ms_per_run {ms:.3}");
            // The runtimes are left to the end of the process (their actors are gone).
            std::process::exit(0);
        }
        Err(e) => {
            eprintln!("{library} {}: {e}", bench.name());
            std::process::exit(1);
        }
    }
}

/// One warm-up run, then runs until `measure` has passed (at least three, at most
/// 100): the median time of a run in milliseconds. A wrong checksum is an error.
fn measure_on<S: Savina>(bench: Bench, measure: Duration) -> Result<f64, String> {
    let s = S::new();
    let check = || {
        let (took, sum) = s.run(bench)?;
        if sum == bench.checksum() {
            Ok(took.as_secs_f64() * 1e3)
        } else {
            Err(format!("checksum {sum}, expected {}", bench.checksum()))
        }
    };
    check()?;
    let mut samples = Vec::new();
    let start = Instant::now();
    while samples.len() < 3 || (start.elapsed() < measure && samples.len() < 100) {
        samples.push(check()?);
    }
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    Ok(if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2.0
    })
}

/// The runner's end of a run, held by the actor that finishes it: `done(x)` hands the
/// runner the checksum `x`; `fail` tells it the protocol broke.
#[derive(Clone)]
pub struct Runner(mpsc::Sender<Result<u64, String>>);

impl Runner {
    pub fn done(&self, checksum: u64) {
        // The runner may have given up already; nothing to do then.
        let _ = self.0.send(Ok(checksum));
    }

    pub fn fail(&self, why: String) {
        let _ = self.0.send(Err(why));
    }
}

/// The thread that starts a run: hands out [`Runner`]s, starts the clock once the
/// actors are set up, and waits for the done with a bound.
pub struct Timer {
    rx: mpsc::Receiver<Result<u64, String>>,
    runner: Runner,
    start: Instant,
}

impl Timer {
    pub fn new() -> Timer {
        let (tx, rx) = mpsc::channel();
        Timer {
            rx,
            runner: Runner(tx),
            start: Instant::now(),
        }
    }

    pub fn runner(&self) -> Runner {
        self.runner.clone()
    }

    /// Starts the clock: the runner's first message follows.
    pub fn start(&mut self) {
        self.start = Instant::now();
    }

    /// Waits at most `RUN_BOUND` for the done: the time since [`start`](Timer::start)
    /// and the checksum.
    pub fn wait(&self) -> Outcome {
        match self.rx.recv_timeout(RUN_BOUND) {
            Ok(Ok(sum)) => Ok((self.start.elapsed(), sum)),
            Ok(Err(why)) => Err(why),
            Err(e) => Err(format!("no done within {RUN_BOUND:?}: {e}")),
        }
    }
}

/// What a sink keeps: it adds up `left` numbers, then hands the sum to the runner.
pub struct Tally {
    left: u64,
    sum: u64,
    runner: Runner,
}

impl Tally {
    pub fn new(expected: u64, runner: Runner) -> Tally {
        Tally {
            left: expected,
            sum: 0,
            runner,
        }
    }

    pub fn add(&mut self, n: u64) {
        self.sum += n;
        self.left -= 1;
        if self.left == 0 {
            self.runner.done(self.sum);
        }
    }
}

/// What `logmap`'s sink keeps: the last term of every series; once it has all of them
/// it adds them up in index order and hands the runner their checksum.
pub struct Terms {
    terms: Vec<Option<f64>>,
    runner: Runner,
}

impl Terms {
    pub fn new(series: u64, runner: Runner) -> Terms {
        Terms {
            terms: vec![None; series as usize],
            runner,
        }
    }

    pub fn put(&mut self, index: u64, term: f64) {
        self.terms[index as usize] = Some(term);
        if self.terms.iter().all(Option::is_some) {
            let sum = self.terms.iter().flatten().sum();
            self.runner.done(logmap_checksum(sum));
        }
    }
}

/// `f` (the end of a run: actors stopping), given at most `RUN_BOUND`.
pub async fn bounded<T>(what: &str, f: impl Future<Output = T>) -> Result<T, String> {
    tokio::time::timeout(RUN_BOUND, f)
        .await
        .map_err(|_| format!("{what}: not within {RUN_BOUND:?}"))
}

/// The message `big`'s worker fails with on a pong it did not wait for.
pub fn unexpected_pong(me: u64, from: u64, target: u64) -> String {
    format!("big: worker {me} got a pong from {from}, its target was {target}")
}
