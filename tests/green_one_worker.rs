//! The green backend on a single may worker thread: every blocking wait must park a
//! coroutine, or these tests deadlock (and fail on their bounded waits).

mod common;

use std::collections::HashSet;

use common::{BOUND, Wait, Whoami, blocking_chain};
use pykka_core::Actor;
use pykka_green::{ConfigError, GreenRuntime};

/// Every test of this process claims one worker first, whatever the test order.
fn rt() -> GreenRuntime {
    common::build_green(GreenRuntime::builder().worker_threads(1)).unwrap()
}

common::worker_count_tests!(rt());

#[test]
fn one_worker_runs_every_actor_and_sees_coroutines_apart() {
    let rt = rt();
    let lone = Whoami { peer: None }.start(&rt).unwrap();
    let actors: Vec<_> = (0..8)
        .map(|_| {
            Whoami {
                peer: Some(lone.clone()),
            }
            .start(&rt)
            .unwrap()
        })
        .collect();
    let seen: Vec<_> = actors
        .iter()
        .map(|a| a.ask_timeout((), BOUND).unwrap())
        .collect();
    let threads: HashSet<_> = seen.iter().map(|s| s.thread).collect();
    assert_eq!(
        threads.len(),
        1,
        "one worker thread ran every handler: {seen:?}"
    );
    assert_ne!(
        threads.into_iter().next(),
        Some(std::thread::current().id())
    );
    // On one thread, core still tells coroutines apart: asking oneself is a deadlock,
    // asking another coroutine of the same thread is not.
    assert!(
        seen.iter()
            .all(|s| s.peer_answered && s.self_ask_is_deadlock),
        "{seen:?}"
    );
    for a in actors.iter().chain([&lone]) {
        a.stop_timeout(BOUND).unwrap();
    }
}

#[test]
fn the_worker_count_is_process_wide_and_first_claim_wins() {
    let _ = rt();
    assert_eq!(GreenRuntime::worker_count(), 1);
    // Asking again for the same count is fine; for another is a clear error.
    assert!(common::build_green(GreenRuntime::builder().worker_threads(1)).is_ok());
    let err = common::build_green(GreenRuntime::builder().worker_threads(2)).unwrap_err();
    assert_eq!(
        err,
        ConfigError::WorkersMismatch {
            requested: 2,
            running: 1
        }
    );
    assert_eq!(
        err.to_string(),
        "cannot use 2 green worker threads: this process already uses 1 (may's scheduler is process-wide)"
    );
    // A runtime without a count takes the process's, and stack sizes are per runtime.
    let small = common::build_green(GreenRuntime::builder().stack_size(32 * 1024)).unwrap();
    assert_eq!(small.stack_size(), 32 * 1024);
    assert_eq!(
        common::green_runtime().stack_size(),
        pykka_green::DEFAULT_STACK_SIZE
    );
    blocking_chain(&small, 8, Wait::Ask);
    assert_eq!(GreenRuntime::worker_count(), 1);
}
