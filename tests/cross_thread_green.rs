//! Green and thread actors asking each other and waiting, in both directions, and
//! plain OS threads (the test threads) waiting on green actors' replies.

mod common;

use common::{BOUND, Link, Wait, blocking_chain};
use pykka_core::{Actor, ActorRef, Event, get_all_timeout};
use pykka_thread::ThreadRuntime;

/// A chain that alternates backends: green asks thread asks green asks thread...
/// Every link waits for the next one's reply, so each kind of context waits for the
/// other kind, both ways, at the same time.
fn mixed_chain(len: usize, green_first: bool, wait: Wait) {
    let (green, thread) = (common::green_runtime(), ThreadRuntime::default());
    let mut links: Vec<ActorRef<Link>> = Vec::new();
    let mut next = None;
    for i in 0..len {
        let on_green = (len - 1 - i) % 2 == 0;
        let on_green = if green_first { on_green } else { !on_green };
        let link = Link {
            next: next.take(),
            wait,
        };
        let link = if on_green {
            link.start(&green)
        } else {
            link.start(&thread)
        }
        .unwrap();
        links.push(link.clone());
        next = Some(link);
    }
    let head = next.unwrap();
    assert_eq!(head.ask_timeout(0, BOUND).unwrap(), len as u32);
    for link in &links {
        assert!(link.stop_timeout(BOUND).unwrap());
    }
}

#[test]
fn green_asks_thread_asks_green_and_everyone_waits() {
    mixed_chain(16, true, Wait::Ask);
    mixed_chain(16, true, Wait::GetTimeout);
}

#[test]
fn thread_asks_green_asks_thread_and_everyone_waits() {
    mixed_chain(16, false, Wait::Ask);
    mixed_chain(16, false, Wait::Take);
}

#[test]
fn mixed_chains_from_several_threads_at_once() {
    let callers: Vec<_> = (0..4)
        .map(|i| std::thread::spawn(move || mixed_chain(12, i % 2 == 0, Wait::Ask)))
        .collect();
    for caller in callers {
        caller.join().unwrap();
    }
}

#[test]
fn main_thread_asks_green_actors_and_waits() {
    blocking_chain(&common::green_runtime(), 8, Wait::Ask);
    let rt = common::green_runtime();
    let tails: Vec<_> = (0..50)
        .map(|_| {
            Link {
                next: None,
                wait: Wait::Ask,
            }
            .start(&rt)
            .unwrap()
        })
        .collect();
    let replies: Vec<_> = tails
        .iter()
        .zip(0u32..)
        .map(|(t, n)| t.ask_nonblocking(n))
        .collect();
    let got = get_all_timeout(&replies, BOUND).unwrap();
    assert_eq!(got, (1u32..=50).collect::<Vec<_>>());
    assert!(
        replies.iter().all(|r| r.get().is_ok()),
        "a ready reply answers again"
    );
    for t in &tails {
        assert!(t.stop_timeout(BOUND).unwrap());
        assert!(
            !t.stop_timeout(BOUND).unwrap(),
            "a second stop finds it dead"
        );
    }
}

#[test]
fn a_thread_actor_and_a_green_actor_signal_each_other_with_events() {
    use common::{Setter, Waiter};
    let (green, thread) = (common::green_runtime(), ThreadRuntime::default());
    // A green actor waits for an event that a thread actor sets, and the reverse.
    for (waiter_on_green, setter_on_green) in [(true, false), (false, true)] {
        let event = Event::new();
        let waiter = Waiter {
            event: event.clone(),
        };
        let waiter = if waiter_on_green {
            waiter.start(&green)
        } else {
            waiter.start(&thread)
        }
        .unwrap();
        let setter = Setter { event };
        let setter = if setter_on_green {
            setter.start(&green)
        } else {
            setter.start(&thread)
        }
        .unwrap();
        let waited = waiter.ask_nonblocking(BOUND);
        setter.tell(()).unwrap();
        assert!(waited.take_timeout(BOUND).unwrap());
        waiter.stop_timeout(BOUND).unwrap();
        setter.stop_timeout(BOUND).unwrap();
    }
}
