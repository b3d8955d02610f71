//! 20,000 live green actors at once, within the default `vm.max_map_count` (65530):
//! may maps each coroutine stack with a guard page, two memory maps per coroutine.

mod common;

use common::BOUND;
use pykka_core::{Actor, ActorRegistry, Context, Failure, get_all_timeout};

const ACTORS: usize = 20_000;

struct Square;

impl Actor for Square {
    type Message = u64;
    type Reply = u64;
    fn on_receive(&mut self, n: u64, _: &Context<Self>) -> Result<u64, Failure> {
        Ok(n * n)
    }
}

#[test]
fn twenty_thousand_green_actors_answer_one_ask_each_then_all_stop() {
    let rt = common::green_runtime();
    let registry = ActorRegistry::new();
    let actors: Vec<_> = (0..ACTORS)
        .map(|i| {
            registry
                .start(&rt, Square)
                .unwrap_or_else(|e| panic!("actor {i} did not start: {e}"))
        })
        .collect();
    assert_eq!(registry.get_all().len(), ACTORS);

    let replies: Vec<_> = actors
        .iter()
        .zip(0u64..)
        .map(|(a, n)| a.ask_nonblocking(n))
        .collect();
    let squares = get_all_timeout(&replies, BOUND * 3).unwrap();
    assert!(squares.iter().zip(0u64..).all(|(&s, n)| s == n * n));

    let stopped = registry.stop_all_timeout(BOUND * 3).unwrap();
    assert_eq!(stopped.len(), ACTORS);
    assert!(stopped.iter().all(|&s| s));
    assert!(actors.iter().all(|a| !a.is_alive()));
    assert!(registry.get_all().is_empty());
}
