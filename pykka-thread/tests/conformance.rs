//! The conformance suite on the OS-thread backend, plus the thread-specific cases of
//! Pykka 4.5's `tests/test_threading_actor.py` (Apache-2.0, © Stein Magnus Jodal and
//! contributors), rewritten in Rust.
//!
//! Deliberate deviations:
//! - Pykka's two daemon-thread cases have no port: a Rust process ends when `main`
//!   returns whatever threads still run, so every actor thread behaves like a Python
//!   daemon thread (see `pykka_thread`'s crate docs). What can be checked is tested
//!   instead: one thread per actor, and the builder's name prefix and stack size.

use pykka_conformance::support::{Cmd, Events, Fixture, Probe, TIMEOUT};
use pykka_thread::ThreadRuntime;

pykka_conformance::suite!(ThreadRuntime::default());

fn thread_name() -> Cmd {
    Cmd::Run(Box::new(|_| {
        std::thread::current().name().unwrap_or("").to_string()
    }))
}

/// §2.6.1: the actor's thread is named `TypeName-N`.
#[test]
fn actor_thread_is_named_after_pykka_actor_class() {
    let fx = Fixture::new(ThreadRuntime::default());
    let actor = fx.start(Probe::new(&Events::new()));
    let name = actor.ask_timeout(thread_name(), TIMEOUT).unwrap();
    let number = name.strip_prefix("Probe-").expect("named after the actor");
    assert!(number.parse::<u64>().is_ok(), "{name}");
}

/// §2.6.2 (adapted): every actor runs on a thread of its own, not the caller's.
#[test]
fn each_actor_has_a_thread_of_its_own() {
    let fx = Fixture::new(ThreadRuntime::default());
    let events = Events::new();
    let (a, b) = (fx.start(Probe::new(&events)), fx.start(Probe::new(&events)));
    let name_a = a.ask_timeout(thread_name(), TIMEOUT).unwrap();
    let name_b = b.ask_timeout(thread_name(), TIMEOUT).unwrap();
    assert_ne!(name_a, name_b);
    assert_eq!(a.ask_timeout(thread_name(), TIMEOUT).unwrap(), name_a);
    assert_ne!(std::thread::current().name(), Some(name_a.as_str()));
}

/// §2.6.3 (adapted): the builder's options apply to actor threads: the name prefix,
/// and a stack size with which actors still start and answer.
#[test]
fn builder_options_apply_to_actor_threads() {
    let rt = ThreadRuntime::builder()
        .thread_name_prefix("audio")
        .stack_size(256 * 1024)
        .build();
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let name = actor.ask_timeout(thread_name(), TIMEOUT).unwrap();
    assert!(name.starts_with("audio-Probe-"), "{name}");
    assert_eq!(actor.stop_timeout(TIMEOUT), Ok(true));
}

/// §1.14 E16: the actor is built on the caller's thread; `on_start` and handlers run
/// on the actor's thread.
#[test]
fn hooks_run_on_the_actor_thread() {
    struct WhereAmI(pykka_core::Reply<Option<String>>);
    impl pykka_core::Actor for WhereAmI {
        type Message = ();
        type Reply = Option<String>;
        fn on_start(&mut self, _: &pykka_core::Context<Self>) -> Result<(), pykka_core::Failure> {
            let _ = self
                .0
                .set(std::thread::current().name().map(str::to_string));
            Ok(())
        }
        fn on_receive(
            &mut self,
            (): (),
            _: &pykka_core::Context<Self>,
        ) -> Result<Self::Reply, pykka_core::Failure> {
            Ok(std::thread::current().name().map(str::to_string))
        }
    }
    let fx = Fixture::new(ThreadRuntime::default());
    let started = pykka_core::Reply::new();
    let actor = fx.start(WhereAmI(started.clone()));
    let in_start = started
        .get_timeout(TIMEOUT)
        .unwrap()
        .expect("a named thread");
    assert!(in_start.starts_with("WhereAmI-"), "{in_start}");
    assert_eq!(actor.ask_timeout((), TIMEOUT).unwrap(), Some(in_start));
}
