//! The basics: an actor with private state, `tell`, `ask` and `stop`.
//! Port of Pykka's `examples/basic.py` (1.2.1: `plain_actor.py`).
//!
//! `cargo run --example basic -- [thread|green|smol]`

mod common;

use pykka::{Actor, Context, Failure, Runtime};

/// Keeps every message it is told; answers `Get` with all of them.
#[derive(Default)]
struct PlainActor {
    stored: Vec<String>,
}

enum Message {
    Store(String),
    Get,
}

impl Actor for PlainActor {
    type Message = Message;
    type Reply = Vec<String>;

    fn on_receive(
        &mut self,
        message: Message,
        _ctx: &Context<Self>,
    ) -> Result<Vec<String>, Failure> {
        match message {
            Message::Store(text) => {
                self.stored.push(text);
                Ok(Vec::new())
            }
            Message::Get => Ok(self.stored.clone()),
        }
    }
}

fn run<R: Runtime>(runtime: R) {
    let actor = PlainActor::default()
        .start(&runtime)
        .expect("start the actor");
    actor
        .tell(Message::Store("hello".into()))
        .expect("the actor is alive");
    actor
        .tell(Message::Store("world".into()))
        .expect("the actor is alive");
    // Messages are handled in order, so the ask sees both tells.
    let stored = actor.ask(Message::Get).expect("the actor answers");
    println!("{actor} stored {stored:?}");
    assert_eq!(stored, ["hello", "world"]);
    println!("stopped: {}", actor.stop());
}

common::main_on_chosen_backend!(run);
