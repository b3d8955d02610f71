//! How cost grows with the number of live actors: with `n` actors started (and each
//! asked once, so that every one has run and touched its stack), the latency of an ask
//! from the main thread, the time per message of tells spread over all of them, and
//! the resident memory per actor. One size per process (`compare --growth`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use pykka_core::{Actor, ActorRef, Context, Failure, Runtime};

use crate::mem;
use crate::pykka::{start, stop_all};
use crate::savina::RUN_BOUND;

/// The numbers of live actors measured, where the backend allows them.
pub const SIZES: [usize; 5] = [10, 100, 1_000, 10_000, 100_000];

/// Asks timed at every size, spread round-robin over the actors.
pub const ASKS: u64 = 20_000;

/// Tells timed at every size (at least one per actor), spread round-robin.
pub const TELLS: u64 = 200_000;

/// The most actors a backend is measured with on a default Linux machine: an OS
/// thread per actor on `thread`, and two memory maps per coroutine on `green` under
/// `vm.max_map_count` (65530), stop at 10,000; tasks go to 100,000.
pub fn max_actors(backend: &str) -> usize {
    match backend {
        "thread" | "green" => 10_000,
        _ => 100_000,
    }
}

/// What one size costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Growth {
    /// Nanoseconds per ask round trip from the main thread.
    pub ask_ns: f64,
    /// Nanoseconds per told message, until all are handled.
    pub tell_ns: f64,
    /// Resident bytes per live actor.
    pub bytes_per_actor: f64,
}

enum Msg {
    Ask(u64),
    Tell,
}

/// Echoes asks; counts tells down on a shared counter, and the one that reaches zero
/// signals the main thread.
struct Member {
    left: Arc<AtomicU64>,
    done: mpsc::Sender<()>,
}

impl Actor for Member {
    type Message = Msg;
    type Reply = u64;
    fn on_receive(&mut self, m: Msg, _: &Context<Self>) -> Result<u64, Failure> {
        match m {
            Msg::Ask(n) => Ok(n),
            Msg::Tell => {
                if self.left.fetch_sub(1, Ordering::AcqRel) == 1 {
                    let _ = self.done.send(());
                }
                Ok(0)
            }
        }
    }
}

/// Measures `n` live actors on `rt`.
pub fn measure<R: Runtime>(rt: &R, n: usize) -> Growth {
    let left = Arc::new(AtomicU64::new(0));
    let (tx, rx) = mpsc::channel();
    // One actor first starts executor threads and allocator arenas.
    let warm = start(rt, member(&left, &tx));
    warm.ask(Msg::Ask(0)).expect("the actor answers");
    stop_all(&[warm]);
    let mut result = Growth {
        ask_ns: 0.0,
        tell_ns: 0.0,
        bytes_per_actor: 0.0,
    };
    result.bytes_per_actor = mem::per_item(n, |at_peak| {
        let actors: Vec<ActorRef<Member>> = (0..n).map(|_| start(rt, member(&left, &tx))).collect();
        for a in &actors {
            a.ask(Msg::Ask(0)).expect("the actor answers");
        }
        at_peak();
        result.ask_ns = time_asks(&actors);
        result.tell_ns = time_tells(&actors, &left, &rx);
        stop_all(&actors);
    });
    result
}

fn member(left: &Arc<AtomicU64>, done: &mpsc::Sender<()>) -> Member {
    Member {
        left: left.clone(),
        done: done.clone(),
    }
}

fn time_asks(actors: &[ActorRef<Member>]) -> f64 {
    let start = Instant::now();
    for i in 0..ASKS {
        let a = &actors[i as usize % actors.len()];
        assert_eq!(a.ask(Msg::Ask(i)).expect("the actor answers"), i);
    }
    start.elapsed().as_nanos() as f64 / ASKS as f64
}

fn time_tells(actors: &[ActorRef<Member>], left: &AtomicU64, done: &mpsc::Receiver<()>) -> f64 {
    let tells = TELLS.max(actors.len() as u64);
    left.store(tells, Ordering::Release);
    let start = Instant::now();
    for i in 0..tells {
        actors[i as usize % actors.len()]
            .tell(Msg::Tell)
            .expect("the actor is alive");
    }
    done.recv_timeout(RUN_BOUND)
        .expect("every tell is handled in time");
    start.elapsed().as_nanos() as f64 / tells as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_is_measured_on_a_small_runtime() {
        let rt = pykka_smol::SmolRuntime::default();
        let g = measure(&rt, 10);
        assert!(g.ask_ns > 0.0 && g.tell_ns > 0.0, "{g:?}");
    }

    #[test]
    fn thread_backends_stop_at_ten_thousand() {
        assert_eq!(max_actors("thread"), 10_000);
        assert_eq!(max_actors("smol"), 100_000);
        assert!(SIZES.contains(&max_actors("green")));
    }
}
