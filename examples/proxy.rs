//! Actor proxies (Pykka's "active objects"): call methods, read and write fields,
//! fire and forget with `defer`, reach into a member object. Each line shows where the
//! code runs.
//! Port of Pykka's `examples/proxy.py` (1.2.1: `typed_actor.py`).
//!
//! `cargo run --example proxy -- [thread|green|smol]`

mod common;

use pykka::{Actor, Runtime};

fn whereami() -> String {
    std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_string()
}

#[derive(Default)]
struct Bar {
    calls: u32,
}

#[derive(Default)]
struct AnActor {
    field: String,
    bar: Bar,
}

impl AnActor {
    fn proc(&mut self) {
        println!("{}: this was printed by AnActor::proc", whereami());
    }

    fn func(&mut self) -> &'static str {
        println!("{}: AnActor::func was called", whereami());
        "this was returned by AnActor::func after a while"
    }
}

impl Bar {
    fn touch(&mut self) -> u32 {
        self.calls += 1;
        self.calls
    }
}

impl Actor for AnActor {
    type Message = ();
    type Reply = ();
}

fn run<R: Runtime>(runtime: R) {
    let actor = AnActor {
        field: "this is the value of AnActor.field".into(),
        ..Default::default()
    }
    .start(&runtime)
    .expect("start the actor");
    let proxy = actor.proxy().expect("alive");

    // A method with a side effect, fire and forget (tell semantics).
    proxy.defer(|a| a.proc()).expect("alive");

    // A method with a return value: a reply now, the value when we ask for it.
    let reply = proxy.call(|a| a.func());
    println!(
        "{}: main thread is doing something else meanwhile",
        whereami()
    );
    println!("{}: {}", whereami(), reply.take().expect("func answers"));

    // Fields: reading gives a reply; writing blocks until done.
    println!(
        "{}: {}",
        whereami(),
        proxy.field(|a| &a.field).get().expect("read")
    );
    proxy
        .set_field(|a| &mut a.field, "new value".to_string())
        .expect("write");
    println!(
        "{}: {}",
        whereami(),
        proxy.field(|a| &a.field).get().expect("read")
    );

    // A member object, reached through the actor (Pykka's traversable attributes).
    let bar = proxy.member("bar", |a| &mut a.bar);
    bar.call(|b| b.touch()).take().expect("touch");
    println!(
        "{bar:?} was touched {} times",
        bar.call(|b| b.touch()).take().expect("touch")
    );

    actor.stop();
}

common::main_on_chosen_backend!(run);
