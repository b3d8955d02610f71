//! `quiet_caught_panics` with coroutines that move between worker threads: a green
//! actor's handler waits (its coroutine may resume on the other worker) and then
//! panics, while plain may coroutines on the same two workers panic outside pykka.
//! Every actor panic must stay quiet, every plain one must reach the hook: a region
//! kept in a thread-local would stay behind on the first worker and silence the plain
//! coroutines' panics there, or miss the actor's panic on the second.
//!
//! Its own test binary: it installs a process-wide panic hook.

mod common;

use std::panic::{self, PanicHookInfo};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pykka_core::{Actor, ActorRef, ActorRegistry, AskError, Context, Failure};
use pykka_green::GreenRuntime;

const TIMEOUT: Duration = Duration::from_secs(30);

/// Answers at once.
struct Echo;

impl Actor for Echo {
    type Message = String;
    type Reply = String;

    fn on_receive(&mut self, message: String, _: &Context<Self>) -> Result<String, Failure> {
        Ok(message)
    }
}

/// Waits for its peer's answer (parking its coroutine, which the answer wakes maybe on
/// the other worker), then panics with the message it was asked.
struct WaitThenPanic(ActorRef<Echo>);

impl Actor for WaitThenPanic {
    type Message = String;
    type Reply = ();

    fn on_receive(&mut self, message: String, _: &Context<Self>) -> Result<(), Failure> {
        let echoed = self.0.ask_timeout(message, TIMEOUT)?;
        panic!("{echoed}")
    }
}

fn message_of(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn actor_panics_after_a_move_stay_quiet_and_plain_coroutine_panics_do_not() {
    let printed: Arc<Mutex<Vec<String>>> = Arc::default();
    let record = printed.clone();
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let message = message_of(info);
        if !message.starts_with("plain ") {
            // An actor's panic that got through, or the test's own failure: shown.
            previous(info);
        }
        record
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(message);
    }));
    pykka_core::quiet_caught_panics();

    let rt = common::build(GreenRuntime::builder().worker_threads(2)).unwrap();
    let registry = ActorRegistry::new();
    let echo = registry.start(&rt, Echo).unwrap();
    let actors: Vec<_> = (0..8)
        .map(|_| registry.start(&rt, WaitThenPanic(echo.clone())).unwrap())
        .collect();

    const ROUNDS: usize = 25;
    // `go!` spawns with may's `unsafe` spawn; this coroutine keeps GreenRuntime::new's
    // contract too: it holds no thread-bound state across its yields (its panics are
    // caught before the next one).
    let plain = may::go!(move || {
        for round in 0..ROUNDS {
            // Back of the run queue: the other worker may steal the coroutine.
            may::coroutine::yield_now();
            let caught = panic::catch_unwind(|| panic!("plain {round}"));
            assert!(caught.is_err());
        }
    });
    for round in 0..ROUNDS {
        let replies: Vec<_> = actors
            .iter()
            .map(|a| a.ask_nonblocking(format!("actor {round}")))
            .collect();
        for reply in replies {
            let result = reply.take_timeout(TIMEOUT);
            assert!(
                matches!(&result, Err(AskError::Failed(f)) if f.is_panic()),
                "{result:?}"
            );
        }
    }
    plain.join().unwrap();
    assert_eq!(
        registry.stop_all_timeout(TIMEOUT).unwrap().len(),
        actors.len() + 1
    );

    let printed = printed.lock().unwrap().clone();
    let expected: Vec<_> = (0..ROUNDS).map(|r| format!("plain {r}")).collect();
    assert_eq!(printed, expected);
}
