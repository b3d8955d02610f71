//! Handlers that block never deadlock the smol executor: a blocked worker hands its place
//! to another thread (issue 4, point 3).

mod common;

use common::{BOUND as WAIT, Link, Setter, Wait, Waiter};
use pykka_core::{Actor, ActorRef, ActorRegistry, Context, Event, Failure};
use pykka_smol::SmolRuntime;

/// A chain of `n` actors, each blocking-asking the next; returns the number of links
/// the request went through.
fn blocking_chain(rt: &SmolRuntime, n: u32) -> u32 {
    let registry = ActorRegistry::new();
    let mut next = None;
    for _ in 0..n {
        next = Some(
            registry
                .start(
                    rt,
                    Link {
                        next,
                        wait: Wait::AskTimeout,
                    },
                )
                .expect("start a link"),
        );
    }
    let head = next.expect("at least one link");
    let depth = head.ask_timeout(0, WAIT).expect("the chain answers");
    // Twice: the second run reuses the spare threads of the first.
    assert_eq!(
        head.ask_timeout(0, WAIT).expect("the chain answers again"),
        depth
    );
    let stopped = registry.stop_all_timeout(WAIT).expect("every link stops");
    assert_eq!(stopped.len(), n as usize);
    assert!(stopped.into_iter().all(|s| s));
    depth
}

#[test]
fn a_chain_of_64_blocking_asks_completes_on_one_worker() {
    let rt = SmolRuntime::builder().worker_threads(1).build();
    assert_eq!(blocking_chain(&rt, 64), 64);
}

#[test]
fn a_chain_of_64_blocking_asks_completes_on_two_workers() {
    let rt = SmolRuntime::builder().worker_threads(2).build();
    assert_eq!(blocking_chain(&rt, 64), 64);
}

#[test]
fn the_chain_completes_with_the_default_worker_count() {
    assert_eq!(blocking_chain(&SmolRuntime::default(), 64), 64);
}

#[test]
fn a_handler_waiting_on_an_event_lets_the_only_worker_run_the_actor_that_sets_it() {
    let rt = SmolRuntime::builder().worker_threads(1).build();
    let registry = ActorRegistry::new();
    let go = Event::new();
    let waiter = registry.start(&rt, Waiter { event: go.clone() }).unwrap();
    let setter = registry.start(&rt, Setter { event: go }).unwrap();
    let waited = waiter.ask_nonblocking(WAIT);
    // The waiter holds its thread; the setter still runs.
    setter.tell(()).unwrap();
    assert!(waited.get_timeout(WAIT).expect("the waiter answers"));
    registry.stop_all_timeout(WAIT).unwrap();
}

/// Stops another actor with a blocking stop, inside a handler.
struct Stopper {
    victim: ActorRef<Setter>,
}

impl Actor for Stopper {
    type Message = ();
    type Reply = bool;
    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<bool, Failure> {
        self.victim.stop_timeout(WAIT).map_err(Failure::new)
    }
}

#[test]
fn a_blocking_stop_inside_a_handler_completes_on_one_worker() {
    let rt = SmolRuntime::builder().worker_threads(1).build();
    let registry = ActorRegistry::new();
    let victim = registry
        .start(
            &rt,
            Setter {
                event: Event::new(),
            },
        )
        .unwrap();
    let stopper = registry
        .start(
            &rt,
            Stopper {
                victim: victim.clone(),
            },
        )
        .unwrap();
    assert!(stopper.ask_timeout((), WAIT).expect("the stopper answers"));
    assert!(!victim.is_alive());
    assert_eq!(stopper.stop_timeout(WAIT), Ok(true));
}

#[test]
fn spare_threads_come_back_to_the_configured_worker_count() {
    let rt = SmolRuntime::builder().worker_threads(1).build();
    assert_eq!(blocking_chain(&rt, 8), 8);
    // Nothing blocks any more; the pool may still be giving surplus places back, but it
    // never has fewer running threads than configured.
    let stats = rt.thread_stats();
    assert!(stats.running >= 1, "{stats:?}");
    assert!(stats.total <= 1 + 8 + 1, "{stats:?}");
}
