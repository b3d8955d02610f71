//! What a remote ask costs over NATS (issue 17): the round trip of a pykka remote
//! `ask` (a caller on the main thread, the served actor on each backend) next to a raw
//! async-nats request/reply between two connections of one tokio runtime, in the same
//! run, against one local `nats-server` (started here). Speed is reported, never
//! asserted.
//!
//! ```text
//! bash scripts/install-nats-server.sh     # once, where nats-server is missing
//! cargo run --release -p pykka-benches --bin nats -- [asks]
//! ```

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use pykka_benches::measure::median;
use pykka_benches::pykka::Echo;
use pykka_core::{Actor, Runtime};
use pykka_nats::{LocalServer, Nats};

/// Median over five samples of `asks` round trips, in nanoseconds per round trip.
fn per_round_trip(asks: u64, mut sample: impl FnMut(u64)) -> f64 {
    sample(asks / 10 + 1);
    let mut ns: Vec<f64> = (0..5)
        .map(|_| {
            let start = Instant::now();
            sample(asks);
            start.elapsed().as_nanos() as f64 / asks as f64
        })
        .collect();
    median(&mut ns)
}

fn pykka_ask<R: Runtime>(rt: &R, url: &str, asks: u64) -> f64 {
    let (server_side, client_side) = (connect(url), connect(url));
    let echo = Echo.start(rt).expect("start");
    let _service = server_side.serve("echo", &echo).expect("serve");
    let remote = client_side.remote::<u64, u64>("echo").expect("remote");
    let ns = per_round_trip(asks, |n| {
        for i in 0..n {
            assert_eq!(remote.ask(i).expect("answer"), i);
        }
    });
    echo.stop();
    ns
}

fn connect(url: &str) -> Nats {
    Nats::builder()
        .ask_timeout(Duration::from_secs(10))
        .connect(url)
        .expect("connect")
}

/// async-nats alone: a responder task answers every request with its payload; the
/// caller awaits each request in turn.
fn raw_request(url: &str, asks: u64) -> f64 {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio");
    let (responder, caller) = rt.block_on(async {
        let a = async_nats::connect(url).await.expect("connect");
        let b = async_nats::connect(url).await.expect("connect");
        (a, b)
    });
    let mut sub = rt
        .block_on(responder.subscribe("raw.echo"))
        .expect("subscribe");
    rt.block_on(responder.flush()).expect("flush");
    let answering = responder.clone();
    rt.spawn(async move {
        while let Some(m) = sub.next().await {
            if let Some(to) = m.reply {
                let _ = answering.publish(to, m.payload).await;
            }
        }
    });
    per_round_trip(asks, |n| {
        rt.block_on(async {
            for i in 0..n {
                let payload = i.to_le_bytes().to_vec();
                let answer = caller
                    .request("raw.echo", payload.clone().into())
                    .await
                    .expect("answer");
                assert_eq!(answer.payload.as_ref(), payload.as_slice());
            }
        })
    })
}

fn main() {
    let asks: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5_000);
    let server = LocalServer::start().unwrap_or_else(|e| {
        eprintln!("nats: {e}");
        std::process::exit(2);
    });
    let url = server.url().to_string();
    let raw = raw_request(&url, asks);
    println!("| round trip over one local nats-server | µs | / raw |");
    println!("|---|---:|---:|");
    println!(
        "| raw async-nats request/reply | {:.1} | 1.00x |",
        raw / 1e3
    );
    let rows = [
        (
            "thread",
            pykka_ask(&pykka_thread::ThreadRuntime::default(), &url, asks),
        ),
        (
            "green",
            pykka_ask(&pykka_benches::green_runtime(), &url, asks),
        ),
        (
            "smol",
            pykka_ask(&pykka_smol::SmolRuntime::default(), &url, asks),
        ),
        (
            "tokio",
            pykka_ask(&pykka_tokio::TokioRuntime::default(), &url, asks),
        ),
    ];
    for (backend, ns) in rows {
        println!(
            "| pykka remote ask, served on {backend} | {:.1} | {:.2}x |",
            ns / 1e3,
            ns / raw
        );
    }
}
