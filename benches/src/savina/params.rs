//! The sizes and shared pieces of the Savina benchmarks ([`super`] describes the
//! protocols). This file has no dependency: `benches/peers` includes it with
//! `#[path]`, so that every implementation runs exactly the same workload.

use std::time::Duration;

/// Pongs in `pingpong`.
pub const PINGPONG_N: u64 = 40_000;
/// Increments in `counting`.
pub const COUNTING_N: u64 = 1_000_000;
/// Workers in `fjthroughput`.
pub const FJ_ACTORS: u64 = 60;
/// Messages per worker in `fjthroughput`.
pub const FJ_MESSAGES: u64 = 5_000;
/// Actors started in `fjcreation`.
pub const FJC_ACTORS: u64 = 10_000;
/// Actors in `threadring`.
pub const RING_ACTORS: u64 = 100;
/// Hops in `threadring`.
pub const RING_HOPS: u64 = 50_000;
/// Chameneos in `chameneos`.
pub const CHAMENEOS: u64 = 100;
/// Meetings in `chameneos`.
pub const CHAMENEOS_MEETINGS: u64 = 40_000;
/// Workers in `big`.
pub const BIG_ACTORS: u64 = 120;
/// Pings each worker sends in `big`.
pub const BIG_PINGS: u64 = 2_000;
/// Series in `logmap`.
pub const LOGMAP_SERIES: u64 = 10;
/// Terms computed per series in `logmap`.
pub const LOGMAP_TERMS: u64 = 5_000;

/// How long the runner waits for a run's done before it gives up (no run may hang).
pub const RUN_BOUND: Duration = Duration::from_secs(120);

/// One Savina benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bench {
    /// Ping-pong between two actors.
    PingPong,
    /// One producer, one counter.
    Counting,
    /// Fork-join, throughput.
    FjThroughput,
    /// Fork-join, actor creation.
    FjCreation,
    /// A token around a ring.
    ThreadRing,
    /// Chameneos meeting in a mall.
    Chameneos,
    /// Many-to-many pings.
    Big,
    /// Logistic map series, request/response.
    LogMap,
}

impl Bench {
    /// Every benchmark, in table order.
    pub const ALL: [Bench; 8] = [
        Bench::PingPong,
        Bench::Counting,
        Bench::FjThroughput,
        Bench::FjCreation,
        Bench::ThreadRing,
        Bench::Chameneos,
        Bench::Big,
        Bench::LogMap,
    ];

    /// The name used on command lines, in tables and in chart file names.
    pub fn name(self) -> &'static str {
        match self {
            Bench::PingPong => "pingpong",
            Bench::Counting => "counting",
            Bench::FjThroughput => "fjthroughput",
            Bench::FjCreation => "fjcreation",
            Bench::ThreadRing => "threadring",
            Bench::Chameneos => "chameneos",
            Bench::Big => "big",
            Bench::LogMap => "logmap",
        }
    }

    /// The benchmark called `name`.
    pub fn from_name(name: &str) -> Option<Bench> {
        Bench::ALL.into_iter().find(|b| b.name() == name)
    }

    /// The checksum every correct run returns.
    pub fn checksum(self) -> u64 {
        match self {
            Bench::PingPong => PINGPONG_N,
            Bench::Counting => COUNTING_N,
            Bench::FjThroughput => FJ_ACTORS * FJ_MESSAGES,
            Bench::FjCreation => FJC_ACTORS,
            Bench::ThreadRing => RING_HOPS % RING_ACTORS,
            Bench::Chameneos => 2 * CHAMENEOS_MEETINGS,
            Bench::Big => BIG_ACTORS * BIG_PINGS,
            Bench::LogMap => logmap_checksum(
                (0..LOGMAP_SERIES)
                    .map(|i| {
                        let (rate, mut x) = (logmap_rate(i), logmap_start(i));
                        for _ in 0..LOGMAP_TERMS {
                            x = logmap_next(rate, x);
                        }
                        x
                    })
                    .sum(),
            ),
        }
    }
}

/// The work of one fork-join message (Savina's `performComputation`).
pub fn compute(theta: f64) -> f64 {
    let s = std::hint::black_box(theta).sin();
    s * s
}

/// The argument of [`compute`] in both fork-join benchmarks.
pub const THETA: f64 = 37.2;

/// The colour two chameneos of colours `a` and `b` both take (0 red, 1 yellow, 2 blue).
pub fn complement(a: u8, b: u8) -> u8 {
    if a == b { a } else { 3 - a - b }
}

/// The rate of series `i` in `logmap`.
pub fn logmap_rate(i: u64) -> f64 {
    3.46 + i as f64 * 0.0025
}

/// The first term of series `i` in `logmap`.
pub fn logmap_start(i: u64) -> f64 {
    0.25 + i as f64 * 0.0025
}

/// The next term of the logistic map: what a `Rate` actor answers.
pub fn logmap_next(rate: f64, x: f64) -> f64 {
    rate * x * (1.0 - x)
}

/// The checksum of `logmap` from the sum of the last terms, in the sink's order of
/// addition (series index order).
pub fn logmap_checksum(sum: f64) -> u64 {
    (sum * 1e9).round() as u64
}

/// The deterministic random numbers of `big`: xorshift64*, the same in every
/// implementation.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// The generator of worker `index`.
    pub fn new(index: u64) -> Rng {
        Rng(index.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for b in Bench::ALL {
            assert_eq!(Bench::from_name(b.name()), Some(b));
        }
    }

    #[test]
    fn complement_is_the_third_colour_or_the_same() {
        assert_eq!(complement(0, 0), 0);
        assert_eq!(complement(0, 1), 2);
        assert_eq!(complement(2, 1), 0);
    }

    #[test]
    fn rng_stays_below_its_bound_and_differs_per_seed() {
        let (mut a, mut b) = (Rng::new(0), Rng::new(1));
        let xs: Vec<u64> = (0..100).map(|_| a.below(120)).collect();
        let ys: Vec<u64> = (0..100).map(|_| b.below(120)).collect();
        assert!(xs.iter().chain(&ys).all(|&x| x < 120));
        assert_ne!(xs, ys);
    }
}
