//! 10,000 remote asks from 8 threads: every one answered with its own value, none lost
//! and none handled twice.

mod support;

use std::collections::HashSet;

use pykka_core::{Actor, Context, Failure};
use support::{BOUND, connect, server};

/// Remembers every id it is asked and answers it.
#[derive(Default)]
struct Ledger {
    seen: HashSet<u64>,
    handled: u64,
}

impl Actor for Ledger {
    type Message = Option<u64>;
    type Reply = (u64, u64);
    fn on_receive(&mut self, m: Option<u64>, _: &Context<Self>) -> Result<(u64, u64), Failure> {
        match m {
            Some(id) => {
                self.handled += 1;
                if !self.seen.insert(id) {
                    return Err(Failure::msg(format!("{id} handled twice")));
                }
                Ok((id, 0))
            }
            None => Ok((self.seen.len() as u64, self.handled)),
        }
    }
}

#[test]
fn ten_thousand_asks_from_eight_threads_are_each_answered_once() {
    const THREADS: u64 = 8;
    const TOTAL: u64 = 10_000;
    let server = server();
    let there = connect(&server);
    let ledger = Ledger::default()
        .start(&pykka_smol::SmolRuntime::default())
        .unwrap();
    let _service = there.serve("ledger", &ledger).unwrap();
    let here = connect(&server);
    let remote = here
        .remote::<Option<u64>, (u64, u64)>("ledger")
        .unwrap()
        .with_timeout(BOUND);
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let remote = remote.clone();
            std::thread::spawn(move || {
                for i in 0..TOTAL / THREADS {
                    let id = t * TOTAL + i;
                    assert_eq!(remote.ask(Some(id)).unwrap(), (id, 0));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("every ask was answered with its own id");
    }
    assert_eq!(remote.ask(None).unwrap(), (TOTAL, TOTAL));
    ledger.stop();
}
