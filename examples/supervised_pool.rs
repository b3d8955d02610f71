//! A supervised worker pool that survives its workers crashing: Erlang/OTP's
//! `one_for_one` supervisor over a pool of workers, with pykka's ready-made
//! `Supervisor`. Jobs are handed out round-robin; a poisoned job crashes its worker,
//! the supervisor starts a new one (a new actor, registered again), and the caller
//! finds it again through the supervisor (or the registry) and goes on.
//!
//! `cargo run --example supervised_pool -- [thread|green|smol|tokio]`
//! (`PYKKA_LOG=debug` shows the watches and restarts).

mod common;

use std::time::Duration;

use pykka::{
    Actor, ActorRef, ActorRegistry, ChildSpec, Context, Failure, Runtime, Strategy, Supervisor,
    SupervisorMsg,
};

const POOL_SIZE: usize = 3;
const TIMEOUT: Duration = Duration::from_secs(10);

/// A job: count the primes below `n`; `None` is poison.
type Job = Option<u64>;

struct PrimeCounter;

impl Actor for PrimeCounter {
    type Message = Job;
    type Reply = u64;

    fn on_receive(&mut self, job: Job, _: &Context<Self>) -> Result<u64, Failure> {
        let n = job.ok_or_else(|| Failure::msg("poisoned job"))?;
        Ok((2..n)
            .filter(|&k| (2..).take_while(|d| d * d <= k).all(|d| k % d != 0))
            .count() as u64)
    }
}

/// The current workers, as the supervisor knows them.
fn pool(supervisor: &ActorRef<Supervisor>) -> Vec<ActorRef<PrimeCounter>> {
    supervisor
        .ask_timeout(SupervisorMsg::Children, TIMEOUT)
        .expect("the supervisor answers")
        .into_iter()
        .flatten()
        .filter_map(|w| w.downcast::<PrimeCounter>())
        .collect()
}

fn run<R: Runtime>(runtime: R) {
    let registry = ActorRegistry::new();
    let supervisor = (0..POOL_SIZE).fold(
        Supervisor::new(Strategy::OneForOne).intensity(5, Duration::from_secs(5)),
        // `inherit`: the workers run on the supervisor's own runtime.
        |s, _| s.child(ChildSpec::inherit(|| PrimeCounter)),
    );
    let supervisor = registry
        .start(&runtime, supervisor)
        .expect("start the supervisor");

    let jobs = [Some(1000), Some(2000), None, Some(3000), None, Some(4000)];
    let mut results = Vec::new();
    for (i, job) in jobs.into_iter().enumerate() {
        let workers = pool(&supervisor);
        let worker = &workers[i % workers.len()];
        match job {
            Some(n) => {
                let count = worker
                    .ask_timeout(Some(n), TIMEOUT)
                    .expect("a worker answers");
                println!("primes below {n}: {count} (from {worker})");
                results.push(count);
            }
            None => {
                // Told, so its failure ends the worker; wait for that end.
                worker.tell(None).expect("the worker is alive");
                let reason = worker.stopped().get_timeout(TIMEOUT).expect("it ends");
                println!("{worker} {reason}; the supervisor replaces it");
            }
        }
    }
    assert_eq!(results, [168, 303, 430, 550]);
    let workers = pool(&supervisor);
    assert_eq!(workers.len(), POOL_SIZE);
    // The registry has the same workers (in start order, the replacements last).
    let mut registered = registry.get_by_class::<PrimeCounter>();
    registered.sort_by(|a, b| a.urn().cmp(b.urn()));
    let mut current = workers.clone();
    current.sort_by(|a, b| a.urn().cmp(b.urn()));
    assert_eq!(registered, current);
    println!("the pool survived: {} workers", workers.len());

    assert!(supervisor.stop_timeout(TIMEOUT).expect("stops in time"));
    assert!(workers.iter().all(|w| !w.is_alive()));
    assert!(registry.get_all().is_empty());
}

common::main_on_chosen_backend!(run);
