//! Death watch: a keeper starts a pool of workers, watches them, and replaces a worker
//! that crashes; a plain thread waits for a worker's end and reads why it ended.
//! In the spirit of an Erlang monitor (`erlang:monitor/2` and its `'DOWN'` message) or
//! Akka's `context.watch`; Pykka has no counterpart (Pykka #42, #70).
//!
//! `cargo run --example watchdog -- [thread|green|smol|tokio]`
//! (`PYKKA_LOG=debug` shows the watches and notifications).

mod common;

use std::time::Duration;

use pykka::{Actor, ActorRef, ActorRegistry, Context, Ended, Failure, Runtime, StopReason};

const POOL_SIZE: usize = 3;
const TIMEOUT: Duration = Duration::from_secs(10);

/// Divides 1000 by what it is sent; 0 crashes it (when told).
struct Worker;

impl Actor for Worker {
    type Message = u64;
    type Reply = u64;

    fn on_receive(&mut self, n: u64, _: &Context<Self>) -> Result<u64, Failure> {
        1000u64
            .checked_div(n)
            .ok_or_else(|| Failure::msg("division by zero"))
    }
}

/// Keeps `POOL_SIZE` workers alive: a worker that fails is replaced by a new actor
/// (a new URN), registered again, so callers find it by class in the registry.
struct Keeper<R: Runtime> {
    rt: R,
    workers: Vec<ActorRef<Worker>>,
    replaced: u32,
}

impl<R: Runtime> Keeper<R> {
    fn start_worker(&mut self, ctx: &Context<Self>) -> Result<(), Failure> {
        let worker = ctx.registry().start(&self.rt, Worker)?;
        ctx.watch(&worker)?;
        self.workers.push(worker);
        Ok(())
    }
}

impl<R: Runtime> Actor for Keeper<R> {
    /// Asks for the current workers.
    type Message = ();
    type Reply = (Vec<ActorRef<Worker>>, u32);

    fn on_start(&mut self, ctx: &Context<Self>) -> Result<(), Failure> {
        for _ in 0..POOL_SIZE {
            self.start_worker(ctx)?;
        }
        Ok(())
    }

    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<Self::Reply, Failure> {
        Ok((self.workers.clone(), self.replaced))
    }

    fn on_watched_stopped(&mut self, ended: &Ended, ctx: &Context<Self>) -> Result<(), Failure> {
        self.workers.retain(|w| w.urn() != ended.urn());
        if let StopReason::Failed(failure) = ended.reason() {
            println!(
                "keeper: {} crashed ({failure}); starting a new one",
                ended.actor()
            );
            self.replaced += 1;
            self.start_worker(ctx)?;
        }
        Ok(())
    }
}

fn run<R: Runtime>(runtime: R) {
    let registry = ActorRegistry::new();
    let keeper = registry
        .start(
            &runtime,
            Keeper {
                rt: runtime.clone(),
                workers: Vec::new(),
                replaced: 0,
            },
        )
        .expect("start the keeper");
    let (workers, _) = keeper.ask_timeout((), TIMEOUT).expect("the keeper answers");
    assert_eq!(workers.len(), POOL_SIZE);

    // A told message that fails ends the worker; this thread waits for that end.
    let victim = workers[1].clone();
    victim.tell(0).expect("the worker is alive");
    let reason = victim
        .stopped()
        .get_timeout(TIMEOUT)
        .expect("the worker ends");
    println!("main: {victim} ended: {reason}");
    assert!(matches!(&reason, StopReason::Failed(f) if f.to_string() == "division by zero"));

    // The keeper's notification was queued before `stopped()` resolved, so it has
    // been handled before this ask: the pool is whole again, with a new worker.
    let (workers, replaced) = keeper.ask_timeout((), TIMEOUT).expect("the keeper answers");
    assert_eq!((workers.len(), replaced), (POOL_SIZE, 1));
    assert!(!workers.contains(&victim));
    // Callers that look workers up by class find the replacement too.
    let found = registry.get_by_class::<Worker>();
    assert_eq!(found.len(), POOL_SIZE);
    for (i, worker) in found.iter().enumerate() {
        let n = i as u64 + 1;
        let answer = worker.ask_timeout(n, TIMEOUT).expect("a worker answers");
        println!("main: 1000 / {n} = {answer} (from {worker})");
    }

    println!("stop_all: {:?}", registry.stop_all());
    assert!(
        keeper
            .stopped()
            .get_timeout(TIMEOUT)
            .expect("ended")
            .is_normal()
    );
}

common::main_on_chosen_backend!(run);
