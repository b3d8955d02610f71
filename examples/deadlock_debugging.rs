//! Seeing what every actor does when an application seems stuck: the debug snapshot,
//! logged on SIGUSR1. Port of Pykka's `examples/deadlock_debugging.py`.
//!
//! Pykka's example builds an ask cycle (A's `foo` waits for B's `bar`, which waits for
//! A's `foo`), hangs, and installs `pykka.debug.log_thread_tracebacks` as the SIGUSR1
//! handler so that `kill -SIGUSR1 <pid>` logs every thread's stack. pykka refuses the
//! wait that would close the cycle (`AskError::Deadlock`, naming both actors), and its
//! snapshot says more than a stack would: who handles what, and who waits for whom.
//!
//! Here the signal comes from the program itself, so that it runs to its end: once while
//! A waits for B and B is still busy, once after B's wait for A was refused. Run it with
//! `PYKKA_LOG=error` (the default shows warnings and errors, so the snapshot shows):
//!
//! `cargo run --example deadlock_debugging -- [thread|green|smol|tokio]`
//!
//! In your own application, start the signal thread the same way and send the signal
//! from a shell: `kill -USR1 <pid>`.

mod common;

use std::time::Duration;

use pykka::{Actor, ActorRegistry, AskError, Event, Failure, Proxy, Runtime};

struct DeadlockActorA;

struct DeadlockActorB {
    a: Proxy<DeadlockActorA>,
    /// Held closed until `main` has looked, so that the first snapshot shows A waiting.
    busy: Event,
}

impl DeadlockActorA {
    fn foo(&mut self, b: Proxy<DeadlockActorB>) -> Result<String, Failure> {
        println!("this is foo calling bar");
        Ok(b.try_call(|b| b.bar())
            .take_timeout(Duration::from_secs(10))?)
    }
}

impl DeadlockActorB {
    fn bar(&mut self) -> Result<String, Failure> {
        self.busy.wait_timeout(Duration::from_secs(10));
        println!("this is bar calling foo; BOOM!");
        match self.a.call(|_| ()).take_timeout(Duration::from_secs(10)) {
            Err(AskError::Deadlock(e)) => Ok(format!("bar was refused: {e}")),
            other => Ok(format!("bar got {other:?}")),
        }
    }
}

impl Actor for DeadlockActorA {
    type Message = ();
    type Reply = ();
}

impl Actor for DeadlockActorB {
    type Message = ();
    type Reply = ();
}

#[cfg(unix)]
fn with_signal_handler(body: impl FnOnce(&dyn Fn())) {
    use signal_hook::consts::SIGUSR1;
    use signal_hook::iterator::Signals;

    println!("registering the SIGUSR1 handler...");
    let mut signals = Signals::new([SIGUSR1]).expect("signal handler");
    let handle = signals.handle();
    let (logged_tx, logged_rx) = std::sync::mpsc::channel();
    // The handler is a plain thread that waits for the signal: a snapshot allocates and
    // takes locks, which a raw signal handler must never do.
    let handler = std::thread::spawn(move || {
        for _ in signals.forever() {
            pykka::debug::log_actor_states();
            let _ = logged_tx.send(());
        }
    });
    let raise = || {
        signal_hook::low_level::raise(SIGUSR1).expect("raise SIGUSR1");
        logged_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the handler logged the snapshot");
    };
    body(&raise);
    handle.close();
    handler.join().expect("signal thread");
}

#[cfg(not(unix))]
fn with_signal_handler(body: impl FnOnce(&dyn Fn())) {
    println!("no signals here: logging the snapshot directly");
    body(&pykka::debug::log_actor_states);
}

fn run<R: Runtime>(runtime: R) {
    // Coroutine and task actors stamp times only when asked (thread actors always do).
    pykka::debug::record_times(true);
    if std::env::var_os("PYKKA_LOG").is_none() {
        log::set_max_level(log::LevelFilter::Error);
    }
    with_signal_handler(|raise| {
        let registry = ActorRegistry::new();
        let a = registry.start(&runtime, DeadlockActorA).expect("start A");
        let busy = Event::new();
        let b = registry
            .start(
                &runtime,
                DeadlockActorB {
                    a: a.proxy().expect("alive"),
                    busy: busy.clone(),
                },
            )
            .expect("start B");
        let b_proxy = b.proxy().expect("alive");

        println!("starting the deadlock...");
        let foo_reply = a.proxy().expect("alive").try_call(move |a| a.foo(b_proxy));
        // Wait until A really waits for B (the snapshot says so), then look.
        let b_label = b.to_string();
        for _ in 0..10_000 {
            let s = pykka::debug::snapshot();
            if s.actors().iter().any(|x| {
                matches!(x.state(), pykka::debug::ActorState::Waiting {
                    waiting_for: pykka::debug::WaitingFor::ReplyOf(l), ..
                } if **l == *b_label)
            }) {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        println!("A waits for B, B is busy; the snapshot, as SIGUSR1 logs it:");
        raise();

        busy.set();
        match foo_reply.take_timeout(Duration::from_secs(10)) {
            Ok(answer) => println!("foo returned: {answer}"),
            Err(e) => println!("foo failed: {e}"),
        }
        println!("and after the cycle was refused:");
        raise();
        registry.stop_all();
    });
}

common::main_on_chosen_backend!(run);
