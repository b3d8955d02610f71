//! Measurement of one scenario inside one process, for the `compare` program (the
//! criterion benches use criterion's own).
//!
//! The protocol, shared with the peers' program (`benches/peers`), which prints the
//! same lines: a process measures one subject on one scenario and prints
//! `ns_per_op <value>` (the median of its samples), and for `spawn` also
//! `bytes_per_actor <value>`.

use std::time::{Duration, Instant};

use crate::Runner;

/// How long to warm up and to measure.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Time spent running before samples are kept (iteration counts are calibrated then).
    pub warm_up: Duration,
    /// Time spent taking samples.
    pub measure: Duration,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            warm_up: Duration::from_millis(300),
            measure: Duration::from_millis(700),
        }
    }
}

/// Runs `runner` for `budget` and returns the median time of one operation, in
/// nanoseconds.
///
/// The iteration count of a sample doubles during the warm-up until one sample takes
/// at least a twentieth of the measuring time; then samples of that size are taken
/// until the measuring time is used (at least five).
pub fn ns_per_op(runner: &mut dyn Runner, budget: Budget) -> f64 {
    let target = budget.measure / 20;
    let mut iters: u64 = 1;
    let start = Instant::now();
    loop {
        let took = runner.run(iters);
        if took < target && iters < 1 << 40 {
            iters *= 2;
        } else if start.elapsed() >= budget.warm_up {
            break;
        }
    }
    let mut samples = Vec::new();
    let start = Instant::now();
    while samples.len() < 5 || start.elapsed() < budget.measure {
        let took = runner.run(iters);
        samples.push(took.as_nanos() as f64 / iters as f64);
    }
    median(&mut samples)
}

/// The median of `values` (the mean of the middle two for an even count); NaN for none.
pub fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }

    struct Sleepy;
    impl Runner for Sleepy {
        fn run(&mut self, iters: u64) -> Duration {
            Duration::from_micros(iters)
        }
    }

    #[test]
    fn measures_the_time_per_operation() {
        let budget = Budget {
            warm_up: Duration::from_millis(1),
            measure: Duration::from_millis(1),
        };
        assert_eq!(ns_per_op(&mut Sleepy, budget), 1000.0);
    }
}
