//! Two actors cooperating: a `Bookkeeper` holds a proxy to an `Adder` and, inside its
//! own handler, asks the adder and waits for each answer.
//! Port of Pykka's `examples/cooperation.py` (1.2.1: `counter.py`).
//!
//! `cargo run --example cooperation -- [thread|green|smol]`

mod common;

use pykka::{Actor, ActorRegistry, Proxy, Runtime};

struct Adder;

impl Adder {
    fn add_one(&mut self, i: u64) -> u64 {
        println!(
            "{} is increasing {i}",
            std::thread::current().name().unwrap_or("?")
        );
        i + 1
    }
}

impl Actor for Adder {
    type Message = ();
    type Reply = ();
}

struct Bookkeeper {
    adder: Proxy<Adder>,
}

impl Bookkeeper {
    /// Counts to `target` one step at a time, each step done by the adder.
    fn count_to(&mut self, target: u64) -> Result<u64, pykka::AskError> {
        let mut i = 0;
        while i < target {
            i = self.adder.call(move |a| a.add_one(i)).take()?;
            println!("bookkeeper got {i} back");
        }
        Ok(i)
    }
}

impl Actor for Bookkeeper {
    type Message = ();
    type Reply = ();
}

fn run<R: Runtime>(runtime: R) {
    let registry = ActorRegistry::new();
    let adder = registry.start(&runtime, Adder).expect("start the adder");
    let bookkeeper = registry
        .start(
            &runtime,
            Bookkeeper {
                adder: adder.proxy().expect("alive"),
            },
        )
        .expect("start the bookkeeper");
    let counted = bookkeeper
        .proxy()
        .expect("alive")
        .try_call(|b| b.count_to(10))
        .take()
        .expect("the bookkeeper counts");
    assert_eq!(counted, 10);
    println!("stop_all: {:?}", registry.stop_all());
}

common::main_on_chosen_backend!(run);
