//! The benchmark scenarios of pykka, shared by the criterion benches
//! (`benches/scenarios.rs`) and the `compare` program (`src/bin/compare.rs`).
//!
//! A *subject* is something that can run every scenario: pykka on one backend
//! ([`Pykka`], one generic body per scenario for every `R: Runtime`) or the raw
//! primitives a backend is built on ([`raw_blocking::Raw`] for crossbeam-channel between
//! OS threads and may's channel between coroutines, [`raw_smol::RawSmol`] for
//! async-channel between smol tasks). [`subjects`] lists them all; adding a backend is
//! one line there.
//!
//! Every scenario is prepared once (actors started, the ring linked) and then timed
//! for `iters` operations by [`Runner::run`], the shape of criterion's `iter_custom`.
//! The unit of one operation is [`Scenario::unit`].

use std::time::{Duration, Instant};

pub mod growth;
pub mod measure;
pub mod mem;
pub mod pykka;
pub mod pykka_async;
pub mod raw_blocking;
pub mod raw_smol;
pub mod savina;
pub mod svg;

pub use crate::pykka::Pykka;
pub use crate::pykka_async::PykkaAsync;

/// The fixed sizes of the scenarios.
pub mod consts {
    /// Senders in `fan_in`.
    pub const FAN_IN_SENDERS: usize = 4;
    /// Actors in the `ring` (Savina's thread-ring).
    pub const RING_SIZE: usize = 1000;
    /// Actors started before they are all stopped, in `spawn`.
    pub const SPAWN_BATCH: usize = 100;
    /// Idle actors started to measure resident memory per actor, for backends whose
    /// actors are OS threads.
    pub const IDLE_THREADS: usize = 1000;
    /// Idle actors started to measure resident memory per actor, for coroutines and tasks.
    pub const IDLE_LIGHT: usize = 10_000;
}

/// One benchmark scenario; [`name`](Scenario::name) is used everywhere (benches, table,
/// README).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// Actor-to-actor ask round trips (the caller is an actor of the same backend).
    Ask,
    /// The main OS thread asks an actor and blocks on the reply.
    AskFromThread,
    /// Tells to one actor, then one ask that confirms the count.
    Tell,
    /// Four sender actors tell one actor.
    FanIn,
    /// Start and stop actors, in batches of [`consts::SPAWN_BATCH`].
    Spawn,
    /// A token passed around a ring of [`consts::RING_SIZE`] actors.
    Ring,
    /// A proxied method call from the main thread, waited for with `get`.
    ProxyCall,
    /// A proxied field read from the main thread, waited for with `get`.
    ProxyField,
}

impl Scenario {
    /// Every scenario, in table order.
    pub const ALL: [Scenario; 8] = [
        Scenario::Ask,
        Scenario::AskFromThread,
        Scenario::Tell,
        Scenario::FanIn,
        Scenario::Spawn,
        Scenario::Ring,
        Scenario::ProxyCall,
        Scenario::ProxyField,
    ];

    /// The scenario's name.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Ask => "ask",
            Scenario::AskFromThread => "ask_from_thread",
            Scenario::Tell => "tell",
            Scenario::FanIn => "fan_in",
            Scenario::Spawn => "spawn",
            Scenario::Ring => "ring",
            Scenario::ProxyCall => "proxy_call",
            Scenario::ProxyField => "proxy_field",
        }
    }

    /// The scenario called `name`.
    pub fn from_name(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    /// What one timed iteration is.
    pub fn unit(self) -> &'static str {
        match self {
            Scenario::Ask | Scenario::AskFromThread => "round trip",
            Scenario::Tell | Scenario::FanIn => "message",
            Scenario::Spawn => "actor started and stopped",
            Scenario::Ring => "hop",
            Scenario::ProxyCall => "call",
            Scenario::ProxyField => "read",
        }
    }
}

/// A prepared scenario: actors started, ready to time.
pub trait Runner {
    /// Runs `iters` operations and returns the time they took (setup excluded).
    fn run(&mut self, iters: u64) -> Duration;
}

/// Whether a subject is pykka or a raw baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// pykka on a backend.
    Pykka,
    /// pykka with async handlers (`on_receive_async`) on a backend.
    PykkaAsync,
    /// The raw channel and spawn primitive of a backend.
    Raw,
}

impl Kind {
    /// `"pykka"` or `"raw"`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Pykka => "pykka",
            Kind::PykkaAsync => "pykka-async",
            Kind::Raw => "raw",
        }
    }
}

/// Something that runs every scenario.
pub trait Subject: Send + Sync {
    /// pykka or raw.
    fn kind(&self) -> Kind;
    /// The backend token: `thread`, `green` or `smol`.
    fn backend(&self) -> &'static str;
    /// Whether it runs `scenario` (every subject runs `ask` and `ring`).
    fn supports(&self, scenario: Scenario) -> bool {
        let _ = scenario;
        true
    }
    /// Starts what `scenario` needs; dropping the runner stops it again.
    fn prepare(&self, scenario: Scenario) -> Box<dyn Runner>;
    /// A run of the Savina benchmark `bench` (each call runs it once and returns its
    /// time and checksum); `None` where the subject does not implement it.
    fn savina(&self, bench: savina::Bench) -> Option<savina::Run<'_>> {
        let _ = bench;
        None
    }
    /// Measures `n` live actors ([`growth`]); `None` for subjects without it.
    fn growth(&self, n: usize) -> Option<growth::Growth> {
        let _ = n;
        None
    }
    /// Starts `n` idle actors and returns the growth of resident memory per actor in
    /// bytes (they are stopped again before it returns).
    fn idle_memory(&self, n: usize) -> f64;
    /// How many idle actors [`idle_memory`](Subject::idle_memory) should start.
    fn idle_count(&self) -> usize {
        if self.backend() == "thread" {
            consts::IDLE_THREADS
        } else {
            consts::IDLE_LIGHT
        }
    }
    /// `kind/backend`, for example `pykka/thread`.
    fn label(&self) -> String {
        format!("{}/{}", self.kind().name(), self.backend())
    }
}

/// Every subject: pykka on every backend, then the raw baseline of every backend.
///
/// Adding a backend is one line in the first block.
pub fn subjects() -> Vec<Box<dyn Subject>> {
    vec![
        Box::new(Pykka(pykka_thread::ThreadRuntime::default())),
        Box::new(Pykka(green_runtime())),
        Box::new(Pykka(pykka_smol::SmolRuntime::default())),
        Box::new(Pykka(pykka_tokio::TokioRuntime::default())),
        Box::new(PykkaAsync {
            rt: pykka_smol::SmolRuntime::builder().worker_threads(1).build(),
            backend: "smol1",
        }),
        Box::new(PykkaAsync {
            rt: pykka_smol::SmolRuntime::default(),
            backend: "smol",
        }),
        Box::new(PykkaAsync {
            rt: pykka_tokio::TokioRuntime::default(),
            backend: "tokio",
        }),
        Box::new(raw_blocking::Raw::<raw_blocking::Threads>::default()),
        Box::new(raw_blocking::Raw::<raw_blocking::Coroutines>::default()),
        Box::new(raw_smol::RawSmol),
    ]
}

/// The green runtime of the benchmarks. Their actors (`crate::pykka`'s echo, asker,
/// counter, fan-in senders, ring nodes and stores) hold no lock guard or thread-local
/// borrow across a wait and never look at the thread they run on.
pub fn green_runtime() -> pykka_green::GreenRuntime {
    // SAFETY: the benchmark actors keep no thread-bound state across waits and never
    // rely on their thread staying the same (see the doc comment above).
    unsafe { pykka_green::GreenRuntime::new() }
}

/// Times `f`.
pub(crate) fn timed(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

/// Splits `total` into `parts` nearly equal counts that add up to `total`.
pub(crate) fn split(total: u64, parts: usize) -> Vec<u64> {
    let parts_u = parts as u64;
    (0..parts_u)
        .map(|i| total / parts_u + u64::from(i < total % parts_u))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_adds_up() {
        assert_eq!(split(10, 4), vec![3, 3, 2, 2]);
        assert_eq!(split(3, 4).iter().sum::<u64>(), 3);
    }

    #[test]
    fn names_round_trip() {
        for s in Scenario::ALL {
            assert_eq!(Scenario::from_name(s.name()), Some(s));
        }
    }
}
