//! The Savina benchmarks (Imam & Sarkar, "Savina: An Actor Benchmark Suite", AGERE!
//! 2014), scaled to finish in well under a second per run on a 2-core machine.
//!
//! Each benchmark is implemented once for pykka, generic over `R: Runtime`
//! (`pykka.rs`, `pykka_mesh.rs`, `pykka_logmap.rs`), and once per peer library in
//! `benches/peers` (`pykka-peers <library> savina:<bench>`). Every implementation follows the protocol
//! written here, message for message, and returns the same checksum, which the runner
//! checks after every run: a broken implementation fails instead of reporting a time.
//!
//! | bench | Savina | here | what it stresses |
//! |---|---|---|---|
//! | `pingpong` | N = 40,000 | N = 40,000 | one message in flight between two actors |
//! | `counting` | N = 1,000,000 | N = 1,000,000 | one producer flooding one counter |
//! | `fjthroughput` | A = 60, N = 10,000 | A = 60, N = 5,000 | many actors fed round-robin |
//! | `fjcreation` | N = 40,000 | N = 10,000 | start, one message, stop |
//! | `threadring` | N = 100, R = 100,000 | N = 100, R = 50,000 | a token passed along a ring |
//! | `chameneos` | C = 100, M = 200,000 | C = 100, M = 40,000 | a contended broker (the mall) |
//! | `big` | W = 120, N = 16,000 | W = 120, N = 2,000 | many-to-many pings with replies |
//! | `logmap` | T = 25,000, S = 10 | T = 5,000, S = 10 | actor-to-actor request/response with computation |
//!
//! ## The protocols
//!
//! "Tell" is a one-way message; "done(x)" hands the checksum `x` to the thread that
//! started the run (a channel), which waits for it with a bound.
//!
//! - **pingpong**: a `Ping` and a `Pong` actor. The runner tells Ping `Start`. Ping
//!   tells Pong `Ping`; Pong tells Ping `Pong`; Ping counts the pongs and tells the next
//!   `Ping` until it has received [`PINGPONG_N`] pongs, then done(pongs).
//! - **counting**: a `Counter` and a `Producer`. The runner tells Producer `Start`; it
//!   tells Counter `Increment` [`COUNTING_N`] times, then `Retrieve` (carrying the
//!   producer's reference); Counter tells Producer `Result(count)`; Producer
//!   done(count).
//! - **fjthroughput**: [`FJ_ACTORS`] workers. The runner, for each of
//!   [`FJ_MESSAGES`] rounds, tells every worker (in index order) `Work`; a worker runs
//!   [`compute`] for each, and after its [`FJ_MESSAGES`]th tells a shared `Sink` actor
//!   `Done(processed)`; the sink sums and, after [`FJ_ACTORS`] of them, done(sum).
//! - **fjcreation**: the runner starts [`FJC_ACTORS`] actors one after another and
//!   tells each `Work` right after starting it; each runs [`compute`], tells the `Sink`
//!   `Done(1)` and stops itself; the sink done(sum) after [`FJC_ACTORS`] of them.
//! - **threadring**: [`RING_ACTORS`] actors, actor `i` linked to `(i + 1) % N`. The
//!   runner tells actor 0 `Token(RING_HOPS)`; an actor that receives `Token(0)`
//!   done(its index), otherwise tells `Token(n - 1)` to its successor. The checksum is
//!   `RING_HOPS % RING_ACTORS`.
//! - **chameneos**: a `Mall` (with a count `n` = [`CHAMENEOS_MEETINGS`] and an optional
//!   waiting chameneo) and [`CHAMENEOS`] chameneos; chameneo `i` starts with colour
//!   `i % 3` (0 red, 1 yellow, 2 blue) and tells the mall `Meet(colour, self)` when
//!   the runner tells it `Start`. The mall, on `Meet(c, x)`: if `n > 0` and nobody waits, x waits; if
//!   `n > 0` and w waits, `n -= 1`, tells w `Meet(c, x)` and nobody waits; if `n == 0`,
//!   tells x `Exit`. A chameneo, on `Meet(c, x)`: colour = [`complement`](colour, c),
//!   meetings += 1, tells x `Change(colour)`, tells the mall `Meet(colour, self)`; on
//!   `Change(c)`: colour = c, meetings += 1, tells the mall `Meet(colour, self)`; on
//!   `Exit`: tells the mall `Count(meetings)` and stops. The mall sums the counts and,
//!   after [`CHAMENEOS`] of them, done(sum); the checksum is `2 *
//!   CHAMENEOS_MEETINGS`.
//! - **big**: [`BIG_ACTORS`] workers and a `Sink`; every worker knows all workers
//!   (told `Neighbours` before `Start`) and has a [`Rng`] seeded with its index. On
//!   `Start` and on every `Pong` (until it has sent [`BIG_PINGS`] pings) a worker
//!   picks `target = rng.below(BIG_ACTORS)` and tells it `Ping(my index)`; on
//!   `Ping(from)` it tells worker `from` `Pong(my index)`; a `Pong` from anyone but
//!   the last target is a failure. After its [`BIG_PINGS`]th pong it tells the sink
//!   `Done(pings)`; the sink done(sum) after [`BIG_ACTORS`] of them.
//! - **logmap**: [`LOGMAP_SERIES`] `Series` actors, each with its own `Rate` actor
//!   (series `i` has rate [`logmap_rate`]`(i)` and first term
//!   [`logmap_start`]`(i)`). The runner tells every series `Next`
//!   [`LOGMAP_TERMS`] times (round-robin), then tells every series `Report`. A
//!   series, on `Next`, **asks** its rate actor `Compute(term)` and waits for the
//!   answer [`logmap_next`]`(rate, term)` (blocking, or awaiting in an async
//!   handler), which becomes its term; on `Report` it tells a `Sink` `Term(i, term)`;
//!   the sink, once it has all [`LOGMAP_SERIES`] terms, adds them up in index order
//!   and done([`logmap_checksum`]`(sum)`).
//!
//! Every run starts its actors, runs, and stops them all before it returns. The time
//! of a run is from the runner's first message (after the actors are started and
//! linked) to the done; in `fjcreation`, where starting actors is the work, it
//! includes starting them. Stopping is never timed.

use std::time::{Duration, Instant};

use crate::measure::median;

mod params;
pub mod pykka;
pub mod pykka_logmap;
mod pykka_mesh;

pub use params::*;

/// One run of a benchmark on a subject: its time and checksum.
pub type Run<'a> = Box<dyn FnMut() -> (Duration, u64) + 'a>;

impl Bench {
    /// The sizes of the benchmark here, as the charts show them.
    pub fn scale(self) -> String {
        match self {
            Bench::PingPong => format!("{PINGPONG_N} pings"),
            Bench::Counting => format!("{COUNTING_N} increments"),
            Bench::FjThroughput => format!("{FJ_ACTORS} actors x {FJ_MESSAGES} messages"),
            Bench::FjCreation => format!("{FJC_ACTORS} actors"),
            Bench::ThreadRing => format!("{RING_ACTORS} actors, {RING_HOPS} hops"),
            Bench::Chameneos => format!("{CHAMENEOS} chameneos, {CHAMENEOS_MEETINGS} meetings"),
            Bench::Big => format!("{BIG_ACTORS} actors x {BIG_PINGS} pings"),
            Bench::LogMap => format!("{LOGMAP_SERIES} series x {LOGMAP_TERMS} terms, by ask"),
        }
    }
}

/// Runs `run` (one whole benchmark run that returns its time and checksum) once to
/// warm up, then again until `measure` has passed (at least three runs, at most 100),
/// and returns the median time of a run in milliseconds. A wrong checksum is an error.
pub fn measure(
    bench: Bench,
    measure: Duration,
    mut run: impl FnMut() -> (Duration, u64),
) -> Result<f64, String> {
    let mut check = || {
        let (took, sum) = run();
        if sum == bench.checksum() {
            Ok(took.as_secs_f64() * 1e3)
        } else {
            Err(format!(
                "{}: checksum {sum}, expected {}",
                bench.name(),
                bench.checksum()
            ))
        }
    };
    check()?;
    let mut samples = Vec::new();
    let start = Instant::now();
    while samples.len() < 3 || (start.elapsed() < measure && samples.len() < 100) {
        samples.push(check()?);
    }
    Ok(median(&mut samples))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_checksum_fails_the_measurement() {
        let err = measure(Bench::PingPong, Duration::ZERO, || (Duration::ZERO, 1));
        assert!(err.unwrap_err().contains("checksum 1"));
        let ok = measure(Bench::PingPong, Duration::ZERO, || {
            (Duration::from_millis(2), PINGPONG_N)
        });
        assert_eq!(ok, Ok(2.0));
    }
}
