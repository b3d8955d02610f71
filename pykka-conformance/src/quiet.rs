//! [`quiet_caught_panics`](pykka_core::quiet_caught_panics): the panic hook stays
//! quiet for the panics pykka catches, and only for those.
//!
//! Not in Pykka (Python prints nothing for an exception it catches). The case installs
//! a recording hook in front of the process's hook, then the quiet wrapper around it,
//! once per process: every other case of the binary then runs with caught panics
//! quiet, which changes nothing but their output.

use std::panic::{self, PanicHookInfo};
use std::sync::{Mutex, OnceLock};

use crate::support::{Cmd, Events, Fixture, Probe, TIMEOUT, Target, wait_for};
use pykka_core::{AskError, Reply, Runtime};

/// The messages of every panic that reached the hook under the quiet wrapper.
fn printed() -> &'static Mutex<Vec<String>> {
    static PRINTED: OnceLock<&'static Mutex<Vec<String>>> = OnceLock::new();
    PRINTED.get_or_init(|| {
        let printed: &'static Mutex<Vec<String>> = Box::leak(Box::default());
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            printed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(message);
            previous(info);
        }));
        pykka_core::quiet_caught_panics();
        printed
    })
}

fn printed_with(tag: &str) -> Vec<String> {
    let printed = printed().lock().unwrap_or_else(|e| e.into_inner());
    printed
        .iter()
        .filter(|m| m.contains(tag))
        .cloned()
        .collect()
}

/// Panics in an ask's handler (after a wait for another actor, where a coroutine may
/// resume on another thread), a told message, a proxy call and a combinator are
/// caught, logged and not printed; a panic of a thread started inside a handler, and
/// one of a plain thread, are printed.
pub fn caught_panics_are_quiet_and_others_are_not<R: Runtime>(rt: R) {
    let _ = printed();
    let fx = Fixture::new(rt);
    let tag = uuid::Uuid::new_v4().to_string();
    let events = Events::new();
    let probe = fx.start(Probe::new(&events));
    let other = fx.start(Probe::new(&Events::new()));

    let (t, peer) = (tag.clone(), other.clone());
    let waited = probe.ask_timeout(
        Cmd::Run(Box::new(move |_| {
            let pong = peer.ask_timeout(Cmd::Ping, TIMEOUT).unwrap_or_default();
            assert_eq!(pong, "pong");
            // A thread of its own is another context: its panic is printed.
            let outside = t.clone();
            let joined = std::thread::spawn(move || panic!("thread in handler {outside}")).join();
            assert!(joined.is_err());
            panic!("caught after a wait {t}")
        })),
        TIMEOUT,
    );
    assert!(
        matches!(&waited, Err(AskError::Failed(f)) if f.is_panic()),
        "{waited:?}"
    );

    let target = fx.start(Target::new(&Events::new()));
    let t = tag.clone();
    let call = target
        .proxy()
        .unwrap()
        .call(move |_| -> () { panic!("caught in a proxy call {t}") })
        .take_timeout(TIMEOUT);
    assert!(matches!(&call, Err(AskError::Failed(f)) if f.is_panic()));

    let t = tag.clone();
    let mapped = Reply::ready(Ok(1))
        .map(move |_: i32| -> i32 { panic!("caught in map {t}") })
        .take_timeout(TIMEOUT);
    assert!(matches!(&mapped, Err(AskError::Failed(f)) if f.is_panic()));

    let t = tag.clone();
    probe
        .tell(Cmd::Run(Box::new(move |_| panic!("caught in a tell {t}"))))
        .unwrap();
    wait_for(&events.on_failure_was_called, "on_failure");

    let t = tag.clone();
    assert!(
        std::thread::spawn(move || panic!("plain thread {t}"))
            .join()
            .is_err()
    );

    let mut printed = printed_with(&tag);
    printed.sort();
    assert_eq!(
        printed,
        [
            format!("plain thread {tag}"),
            format!("thread in handler {tag}")
        ]
    );
}
