//! An async actor fetching from two others at once: a `Library` asks two backends to
//! search, awaits both answers together, and merges them. While it awaits, it holds
//! no thread on smol and tokio (its task yields), and parks its own thread or
//! coroutine on thread and green; either way it handles one message at a time.
//! Port of the "get the results of several actors" pattern of Pykka's docs
//! (`pykka.get_all` over two `ask(..., block=False)` futures), with `.await` instead of
//! blocking.
//!
//! `cargo run --example async_fetch -- [thread|green|smol|tokio]`

mod common;

use std::time::Duration;

use pykka::{Actor, ActorRef, ActorRegistry, Context, Failure, Runtime};

/// A music backend that answers searches (synchronously: not every actor needs async).
struct Backend {
    name: &'static str,
    tracks: Vec<&'static str>,
}

impl Actor for Backend {
    type Message = String;
    type Reply = Vec<String>;

    fn on_receive(&mut self, query: String, _: &Context<Self>) -> Result<Vec<String>, Failure> {
        // A slow lookup, which pykka::sleep makes right on every backend.
        pykka::sleep(Duration::from_millis(50));
        Ok(self
            .tracks
            .iter()
            .filter(|t| t.to_lowercase().contains(&query.to_lowercase()))
            .map(|t| format!("{t} ({})", self.name))
            .collect())
    }
}

/// Searches both backends at once.
struct Library {
    local: ActorRef<Backend>,
    stream: ActorRef<Backend>,
}

impl Actor for Library {
    type Message = String;
    type Reply = Vec<String>;

    async fn on_receive_async(
        &mut self,
        query: String,
        _: &Context<Self>,
    ) -> Result<Vec<String>, Failure> {
        // Both asks are sent before either is awaited: the backends search together.
        let local = self.local.ask_nonblocking(query.clone());
        let stream = self.stream.ask_nonblocking(query);
        let (mut found, more) = local.zip(stream).await?;
        found.extend(more);
        found.sort();
        Ok(found)
    }
}

fn run<R: Runtime>(runtime: R) {
    let registry = ActorRegistry::new();
    let start = |name, tracks| {
        registry
            .start(&runtime, Backend { name, tracks })
            .expect("start a backend")
    };
    let local = start("local", vec!["Blue in Green", "So What", "Blue Train"]);
    let stream = start("stream", vec!["Blue Monday", "Kind of Blue", "Giant Steps"]);
    let library = registry
        .start(&runtime, Library { local, stream })
        .expect("start the library");

    let started = std::time::Instant::now();
    let found = library
        .ask_timeout("blue".to_string(), Duration::from_secs(10))
        .expect("the library answers");
    for track in &found {
        println!("found: {track}");
    }
    assert_eq!(found.len(), 4);
    println!(
        "two 50 ms searches took {:?} together (they ran at the same time)",
        started.elapsed()
    );
    println!("stop_all: {:?}", registry.stop_all());
}

common::main_on_chosen_backend!(run);
