//! What pykka's timers cost: resident memory per pending timer (100,000 of them), the
//! time to arm and to cancel one, and how late a timer fires (its lateness, from its due
//! time to its message's arrival in an actor). Speed is reported, never asserted.
//!
//! ```text
//! cargo run --release -p pykka-benches --bin timers
//! ```

use std::sync::mpsc;
use std::time::{Duration, Instant};

use pykka_benches::mem;
use pykka_core::{Actor, Context, Failure};
use pykka_thread::ThreadRuntime;

/// Sends the arrival time of every message to the channel.
struct Stamp(mpsc::Sender<Instant>);

impl Actor for Stamp {
    type Message = ();
    type Reply = ();
    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> {
        let _ = self.0.send(Instant::now());
        Ok(())
    }
}

fn main() {
    let (tx, rx) = mpsc::channel();
    let actor = Stamp(tx).start(&ThreadRuntime::default()).expect("start");

    // Memory and arming: 100,000 timers an hour away, then all cancelled.
    let n = 100_000;
    let mut handles = Vec::with_capacity(n);
    let mut arm = Duration::ZERO;
    let per_timer = mem::per_item(n, |measure| {
        let start = Instant::now();
        for _ in 0..n {
            handles.push(actor.tell_after(Duration::from_secs(3600), ()));
        }
        arm = start.elapsed();
        measure();
    });
    let start = Instant::now();
    for h in &handles {
        h.cancel();
    }
    let cancel = start.elapsed();
    println!("pending timers: {n}");
    println!("resident bytes per pending timer: {per_timer:.0}");
    println!("arm: {:.0} ns per timer", arm.as_nanos() as f64 / n as f64);
    println!(
        "cancel: {:.0} ns per timer",
        cancel.as_nanos() as f64 / n as f64
    );

    // Lateness: 200 timers, 5 ms apart, each measured from its due time to its arrival.
    let mut lateness: Vec<Duration> = (0..200)
        .map(|_| {
            let due = Instant::now() + Duration::from_millis(5);
            let _timer = actor.tell_after(due - Instant::now(), ());
            let arrived = rx.recv_timeout(Duration::from_secs(10)).expect("fired");
            arrived.saturating_duration_since(due)
        })
        .collect();
    lateness.sort();
    let pick = |q: f64| lateness[((lateness.len() - 1) as f64 * q) as usize];
    println!(
        "lateness (due to handled): median {:?}, p99 {:?}, max {:?}",
        pick(0.5),
        pick(0.99),
        pick(1.0)
    );
    actor.stop();
}
