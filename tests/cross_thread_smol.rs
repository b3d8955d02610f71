//! Callers outside the smol backend: the main thread, and thread-backend actors that ask
//! smol actors and are asked by them (issue 4, point 5).

mod common;

use std::time::Duration;

use common::{Link, Wait};
use pykka_core::{Actor, ActorRef, ActorRegistry, Context, Failure, Runtime};
use pykka_smol::SmolRuntime;
use pykka_thread::ThreadRuntime;

const WAIT: Duration = Duration::from_secs(30);

struct Echo;

impl Actor for Echo {
    type Message = u64;
    type Reply = u64;
    fn on_receive(&mut self, m: u64, _: &Context<Self>) -> Result<u64, Failure> {
        Ok(m)
    }
}

/// Asks `target` (of any backend) inside its handler and waits.
struct Relay {
    target: ActorRef<Echo>,
}

impl Actor for Relay {
    type Message = u64;
    type Reply = u64;
    fn on_receive(&mut self, m: u64, _: &Context<Self>) -> Result<u64, Failure> {
        let back = self.target.ask_timeout(m, WAIT).map_err(Failure::new)?;
        Ok(back + 1)
    }
}

#[test]
fn the_main_thread_asks_smol_actors_and_waits() {
    let rt = SmolRuntime::default();
    let registry = ActorRegistry::new();
    let echoes: Vec<_> = (0..10)
        .map(|_| registry.start(&rt, Echo).unwrap())
        .collect();
    for (i, e) in echoes.iter().enumerate() {
        assert_eq!(e.ask_timeout(i as u64, WAIT).unwrap(), i as u64);
        assert_eq!(e.ask_timeout(i as u64 + 1, WAIT).unwrap(), i as u64 + 1);
    }
    assert_eq!(registry.stop_all_timeout(WAIT).unwrap(), vec![true; 10]);
}

/// A relay on `relay_rt` asks an echo on `echo_rt`, many times, from several callers.
fn relay_across<R1: Runtime, R2: Runtime>(relay_rt: &R1, echo_rt: &R2) {
    let registry = ActorRegistry::new();
    let echo = registry.start(echo_rt, Echo).unwrap();
    let relay = registry.start(relay_rt, Relay { target: echo }).unwrap();
    let replies: Vec<_> = (0..200).map(|i| relay.ask_nonblocking(i)).collect();
    let got = pykka_core::get_all_timeout(&replies, WAIT).unwrap();
    assert_eq!(got, (1..=200).collect::<Vec<_>>());
    registry.stop_all_timeout(WAIT).unwrap();
}

#[test]
fn a_thread_actor_asks_a_smol_actor_and_waits() {
    relay_across(
        &ThreadRuntime::default(),
        &SmolRuntime::builder().worker_threads(1).build(),
    );
}

#[test]
fn a_smol_actor_asks_a_thread_actor_and_waits() {
    relay_across(
        &SmolRuntime::builder().worker_threads(1).build(),
        &ThreadRuntime::default(),
    );
}

#[test]
fn both_directions_at_once_do_not_deadlock() {
    let smol = SmolRuntime::builder().worker_threads(1).build();
    let thread = ThreadRuntime::default();
    let a = std::thread::spawn({
        let (smol, thread) = (smol.clone(), thread.clone());
        move || relay_across(&smol, &thread)
    });
    let b = std::thread::spawn(move || relay_across(&thread, &smol));
    a.join().expect("smol asks thread");
    b.join().expect("thread asks smol");
}

#[test]
fn a_chain_alternating_thread_and_smol_actors_completes_on_one_smol_worker() {
    let smol = SmolRuntime::builder().worker_threads(1).build();
    let thread = ThreadRuntime::default();
    let registry = ActorRegistry::new();
    let mut next = None;
    for i in 0..32 {
        next = Some(if i % 2 == 0 {
            registry
                .start(
                    &smol,
                    Link {
                        next,
                        wait: Wait::AskTimeout,
                    },
                )
                .unwrap()
        } else {
            registry
                .start(
                    &thread,
                    Link {
                        next,
                        wait: Wait::AskTimeout,
                    },
                )
                .unwrap()
        });
    }
    assert_eq!(next.unwrap().ask_timeout(0, WAIT).unwrap(), 32);
    assert_eq!(registry.stop_all_timeout(WAIT).unwrap(), vec![true; 32]);
}
