//! Scale: 100,000 smol actors each answer one ask, then all stop (issue 4, point 6).

use std::time::Duration;

use pykka_core::{Actor, ActorRegistry, Context, Failure};
use pykka_smol::SmolRuntime;

const N: usize = 100_000;
const WAIT: Duration = Duration::from_secs(120);

struct Numbered(usize);

impl Actor for Numbered {
    type Message = ();
    type Reply = usize;
    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<usize, Failure> {
        Ok(self.0)
    }
}

#[test]
fn a_hundred_thousand_actors_answer_and_stop() {
    let rt = SmolRuntime::default();
    let registry = ActorRegistry::new();
    let refs: Vec<_> = (0..N)
        .map(|i| registry.start(&rt, Numbered(i)).expect("start an actor"))
        .collect();
    assert_eq!(registry.get_all().len(), N);

    let replies: Vec<_> = refs.iter().map(|r| r.ask_nonblocking(())).collect();
    let answers = pykka_core::get_all_timeout(&replies, WAIT).expect("every actor answers");
    assert!(
        answers.iter().copied().eq(0..N),
        "each actor answered with its own number"
    );

    let stops = registry.stop_all_nonblocking();
    assert_eq!(stops.len(), N);
    let stopped = pykka_core::get_all_timeout(&stops, WAIT).expect("every actor stops");
    assert!(stopped.into_iter().all(|s| s));
    assert!(registry.get_all().is_empty());
    assert!(refs.iter().all(|r| !r.is_alive()));
}
