//! A pool of workers doing CPU work: jobs are handed out round-robin through proxies,
//! and the results are gathered with `get_all`.
//! Port of Pykka's `examples/worker_pool.py` (1.2.1: `resolver.py`), with CPU work
//! (counting primes) instead of reverse DNS look-ups, so it needs no network.
//!
//! `cargo run --example worker_pool -- [thread|green|smol]`

mod common;

use std::time::Duration;

use pykka::{Actor, ActorRegistry, Runtime, get_all_timeout};

struct PrimeCounter;

impl PrimeCounter {
    /// How many primes lie in `from..to`.
    fn count(&mut self, from: u64, to: u64) -> u64 {
        (from..to).filter(|&n| is_prime(n)).count() as u64
    }
}

fn is_prime(n: u64) -> bool {
    n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0)
}

impl Actor for PrimeCounter {
    type Message = ();
    type Reply = ();
}

const POOL_SIZE: usize = 4;
const JOBS: u64 = 16;
const JOB_SIZE: u64 = 25_000;

fn run<R: Runtime>(runtime: R) {
    let registry = ActorRegistry::new();
    let pool: Vec<_> = (0..POOL_SIZE)
        .map(|_| {
            registry
                .start(&runtime, PrimeCounter)
                .expect("start a worker")
                .proxy()
                .expect("alive")
        })
        .collect();

    let replies: Vec<_> = (0..JOBS)
        .map(|job| {
            let (from, to) = (job * JOB_SIZE, (job + 1) * JOB_SIZE);
            pool[job as usize % POOL_SIZE].call(move |w| w.count(from, to))
        })
        .collect();

    let counts = get_all_timeout(&replies, Duration::from_secs(60)).expect("all jobs finish");
    let total: u64 = counts.iter().sum();
    println!(
        "primes below {}: {total} (per job: {counts:?})",
        JOBS * JOB_SIZE
    );
    assert_eq!(total, 33_860); // pi(400_000), the number of primes below 400,000
    println!("stop_all: {:?}", registry.stop_all());
}

common::main_on_chosen_backend!(run);
