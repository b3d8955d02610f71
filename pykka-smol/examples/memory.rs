//! Measures the resident memory of an idle smol actor: starts N actors (default
//! 100,000), has each answer one ask so that every task has run and is parked on its
//! inbox, and divides the growth of the resident set size by N. Linux only
//! (`/proc/self/statm`).
//!
//! `cargo run --release -p pykka-smol --example memory -- [N]`

use std::time::Duration;

use pykka_core::{Actor, ActorRegistry, Context, Failure};
use pykka_smol::SmolRuntime;

#[derive(Debug)]
struct Idle(u64);

impl Actor for Idle {
    type Message = ();
    type Reply = u64;
    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<u64, Failure> {
        Ok(self.0)
    }
}

/// Resident set size in bytes (assuming 4 KiB pages, as on x86-64 Linux).
fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let wait = Duration::from_secs(120);
    let rt = SmolRuntime::default();
    let registry = ActorRegistry::new();
    // Warm up: threads, executor, registry, allocator arenas.
    let warm: Vec<_> = (0..1000)
        .map(|i| registry.start(&rt, Idle(i)).unwrap())
        .collect();
    let replies: Vec<_> = warm.iter().map(|a| a.ask_nonblocking(())).collect();
    pykka_core::get_all_timeout(&replies, wait).unwrap();

    let Some(before) = rss() else {
        eprintln!("cannot read /proc/self/statm: Linux only");
        return;
    };
    let actors: Vec<_> = (0..n as u64)
        .map(|i| registry.start(&rt, Idle(i)).unwrap())
        .collect();
    // Right after `start` (some tasks may not have run `on_start` yet).
    let started = rss().unwrap_or(before);
    let replies: Vec<_> = actors.iter().map(|a| a.ask_nonblocking(())).collect();
    pykka_core::get_all_timeout(&replies, wait).unwrap();
    drop(replies);
    let after = rss().unwrap_or(before);
    let per = |bytes: u64| bytes.saturating_sub(before) as f64 / n as f64;
    println!(
        "{n} idle smol actors: {:.0} bytes of resident memory each right after start, {:.0} once each has handled a message",
        per(started),
        per(after)
    );

    let stops = registry.stop_all_nonblocking();
    pykka_core::get_all_timeout(&stops, wait).unwrap();
}
