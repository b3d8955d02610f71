//! A deliberate deadlock, and how pykka helps you see it: actor A's method waits for
//! B, and B's method waits for A. Port of Pykka's `examples/deadlock.py`.
//!
//! In Pykka this program hangs forever and you dump thread tracebacks to find out
//! why. Here B's wait for A, which would close the cycle, is refused at once with
//! `AskError::Deadlock` naming both actors (the timeouts are only a second line of
//! defence); B's failure goes back to A, and A's to `main`. The registry then shows
//! which actors are still alive. `deadlock_debugging` shows the debug snapshot of such
//! a program.
//!
//! `cargo run --example deadlock -- [thread|green|smol]`

mod common;

use std::time::Duration;

use pykka::{Actor, ActorRegistry, Failure, Proxy, Runtime};

struct ActorA {
    b: Option<Proxy<ActorB>>,
}

struct ActorB {
    a: Proxy<ActorA>,
}

impl ActorA {
    fn foo(&mut self) -> Result<(), Failure> {
        println!("A::foo asks B::bar and waits (up to 2 s)");
        let b = self.b.as_ref().expect("b is set");
        b.try_call(|b| b.bar())
            .take_timeout(Duration::from_secs(2))
            .map_err(|e| Failure::msg(format!("ActorA::foo failed, because {e}")))
    }

    fn ping(&mut self) -> &'static str {
        "pong"
    }
}

impl ActorB {
    fn bar(&mut self) -> Result<(), Failure> {
        println!("B::bar asks A::ping and waits (up to 1 s), but A is busy waiting for B");
        let answer = self
            .a
            .call(|a| a.ping())
            .take_timeout(Duration::from_secs(1))
            .map_err(|e| Failure::msg(format!("ActorB::bar failed, because it {e}")))?;
        println!("never reached: {answer}");
        Ok(())
    }
}

impl Actor for ActorA {
    type Message = ();
    type Reply = ();
}

impl Actor for ActorB {
    type Message = ();
    type Reply = ();
}

fn run<R: Runtime>(runtime: R) {
    let registry = ActorRegistry::new();
    let a = registry
        .start(&runtime, ActorA { b: None })
        .expect("start A");
    let a_proxy = a.proxy().expect("alive");
    let b = registry
        .start(&runtime, ActorB { a: a_proxy.clone() })
        .expect("start B");
    let b_proxy = b.proxy().expect("alive");
    a_proxy
        .set_field(|a| &mut a.b, Some(b_proxy))
        .expect("wire A to B");

    match a_proxy
        .try_call(|a| a.foo())
        .take_timeout(Duration::from_secs(5))
    {
        Ok(()) => println!("no deadlock?"),
        Err(e) => println!("deadlock refused: {e}"),
    }
    for actor in registry.get_all() {
        println!("still alive: {actor}");
    }
    println!("stop_all: {:?}", registry.stop_all());
}

common::main_on_chosen_backend!(run);
