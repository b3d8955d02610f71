//! Async handlers hold no thread while they await (issue 14, point 2): on smol and on
//! tokio, 10,000 async actors each awaiting another async actor's reply at the same
//! moment (20,000 actors, all of them awaiting) run on the runtime's own threads; the
//! process gains no thread meanwhile. One test, so that no other test's threads count.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pykka_core::{Actor, ActorRef, ActorRegistry, Context, Event, Failure, Runtime};

const N: usize = 10_000;
const WAIT: Duration = Duration::from_secs(120);

/// Counts itself in, then awaits the gate, then answers.
struct Holder {
    waiting: Arc<AtomicUsize>,
    all_waiting: Event,
    gate: Event,
}

impl Actor for Holder {
    type Message = ();
    type Reply = u32;
    async fn on_receive_async(&mut self, (): (), _: &Context<Self>) -> Result<u32, Failure> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) + 1 == N {
            self.all_waiting.set();
        }
        self.gate.wait_async().await;
        Ok(1)
    }
}

/// Awaits its holder's reply.
struct Asker(ActorRef<Holder>);

impl Actor for Asker {
    type Message = ();
    type Reply = u32;
    async fn on_receive_async(&mut self, (): (), _: &Context<Self>) -> Result<u32, Failure> {
        Ok(self.0.ask_nonblocking(()).await? + 1)
    }
}

/// The process's thread count, from `/proc/self/status`.
fn threads() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a Threads: line")
}

fn awaiting_actors_hold_no_thread<R: Runtime>(rt: &R) {
    let registry = ActorRegistry::new();
    // The runtime's threads exist once an actor has answered.
    let warm = registry
        .start(
            rt,
            Asker(
                registry
                    .start(
                        rt,
                        Holder {
                            waiting: Arc::default(),
                            all_waiting: Event::new(),
                            gate: {
                                let open = Event::new();
                                open.set();
                                open
                            },
                        },
                    )
                    .unwrap(),
            ),
        )
        .unwrap();
    assert_eq!(warm.ask_timeout((), WAIT).unwrap(), 2);
    let before = threads();

    let (waiting, all_waiting, gate) = (Arc::new(AtomicUsize::new(0)), Event::new(), Event::new());
    let askers: Vec<_> = (0..N)
        .map(|_| {
            let holder = Holder {
                waiting: waiting.clone(),
                all_waiting: all_waiting.clone(),
                gate: gate.clone(),
            };
            let holder = registry.start(rt, holder).expect("start a holder");
            registry.start(rt, Asker(holder)).expect("start an asker")
        })
        .collect();
    let replies: Vec<_> = askers.iter().map(|a| a.ask_nonblocking(())).collect();
    assert!(
        all_waiting.wait_timeout(WAIT),
        "only {} of {N} holders got their ask",
        waiting.load(Ordering::SeqCst)
    );
    let during = threads();
    assert!(
        during <= before + 2,
        "{}: {before} threads before, {during} while {N} async actors awaited {N} others",
        R::NAME
    );
    gate.set();
    let answers = pykka_core::get_all_timeout(&replies, WAIT).expect("every asker answers");
    assert!(answers.iter().all(|&a| a == 2));
    let stopped = pykka_core::get_all_timeout(&registry.stop_all_nonblocking(), WAIT).unwrap();
    assert!(stopped.into_iter().all(|s| s));
}

#[test]
fn ten_thousand_awaiting_actors_hold_no_thread() {
    awaiting_actors_hold_no_thread(&pykka_smol::SmolRuntime::default());
    awaiting_actors_hold_no_thread(&pykka_tokio::TokioRuntime::default());
}

#[test]
fn ten_thousand_awaiting_actors_hold_no_thread_on_one_worker() {
    // A one-worker runtime runs its actors from its own run queue (the actor just
    // woken first): awaiting still holds no thread.
    awaiting_actors_hold_no_thread(&pykka_smol::SmolRuntime::builder().worker_threads(1).build());
}
