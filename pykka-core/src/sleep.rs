//! [`sleep`]: a pause that parks the calling context, whatever it is.

use std::task::Poll;
use std::time::{Duration, Instant};

use crate::debug::Waiting;
use crate::rt::park::wait_for;
use crate::waiters::deadline_after;

/// Pauses the calling context for `duration`, the way every pykka wait does: a plain
/// thread parks, a green actor parks only its coroutine, a smol or tokio actor hands
/// its worker on first. Use it instead of `std::thread::sleep` inside handlers: on the
/// green backend that would stall every coroutine of the worker thread, and on an
/// executor it would hold a worker.
///
/// It returns no earlier than `duration` from the call (later if the context is slow to
/// be run again).
///
/// ```
/// use std::time::{Duration, Instant};
/// let start = Instant::now();
/// pykka_core::sleep(Duration::from_millis(20));
/// assert!(start.elapsed() >= Duration::from_millis(20));
/// ```
pub fn sleep(duration: Duration) {
    match deadline_after(duration) {
        Some(deadline) => sleep_until(deadline),
        // Too far to represent: wait forever, as `std::thread::sleep` would.
        None => {
            wait_for(|_| Poll::<()>::Pending, None, Waiting::Sleep);
        }
    }
}

/// Pauses the calling context until `deadline` (at once if it has passed), as
/// [`sleep`] does.
///
/// ```
/// use std::time::{Duration, Instant};
/// let deadline = Instant::now() + Duration::from_millis(10);
/// pykka_core::sleep_until(deadline);
/// assert!(Instant::now() >= deadline);
/// ```
pub fn sleep_until(deadline: Instant) {
    // Nothing wakes this wait: each park ends at the deadline (or spuriously, then the
    // loop parks again until the deadline has passed).
    wait_for(|_| Poll::<()>::Pending, Some(deadline), Waiting::Sleep);
}
