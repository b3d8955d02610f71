//! The green backend on two may worker threads: every blocking wait must park a
//! coroutine, or these tests deadlock (and fail on their bounded waits).

mod common;

use common::{BOUND, Whoami};
use pykka_core::Actor;
use pykka_green::{ConfigError, GreenRuntime};

/// Every test of this process claims two workers first, whatever the test order.
fn rt() -> GreenRuntime {
    common::build_green(GreenRuntime::builder().worker_threads(2)).unwrap()
}

common::worker_count_tests!(rt());

#[test]
fn a_coroutine_keeps_its_identity_when_it_moves_between_workers() {
    let rt = rt();
    assert_eq!(GreenRuntime::worker_count(), 2);
    // Each asker parks on its peer's reply, so it may resume on the other worker; its
    // self-ask must still be seen as a deadlock, and other actors' asks never are.
    let lone = Whoami { peer: None }.start(&rt).unwrap();
    let actors: Vec<_> = (0..32)
        .map(|_| {
            Whoami {
                peer: Some(lone.clone()),
            }
            .start(&rt)
            .unwrap()
        })
        .collect();
    for _ in 0..4 {
        let replies: Vec<_> = actors.iter().map(|a| a.ask_nonblocking(())).collect();
        for reply in replies {
            let seen = reply.take_timeout(BOUND).unwrap();
            assert!(seen.peer_answered && seen.self_ask_is_deadlock, "{seen:?}");
        }
    }
    for a in actors.iter().chain([&lone]) {
        a.stop_timeout(BOUND).unwrap();
    }
}

#[test]
fn the_worker_count_is_process_wide_and_first_claim_wins() {
    let _ = rt();
    assert_eq!(GreenRuntime::worker_count(), 2);
    let err = common::build_green(GreenRuntime::builder().worker_threads(1)).unwrap_err();
    assert_eq!(
        err,
        ConfigError::WorkersMismatch {
            requested: 1,
            running: 2
        }
    );
    assert_eq!(
        common::build_green(GreenRuntime::builder().worker_threads(0)).unwrap_err(),
        ConfigError::ZeroWorkers
    );
    assert_eq!(
        common::build_green(GreenRuntime::builder().stack_size(1024)).unwrap_err(),
        ConfigError::StackTooSmall { requested: 1024 }
    );
}
