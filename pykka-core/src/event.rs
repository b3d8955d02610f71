//! [`Event`]: a flag that contexts can wait for, like Python's `threading.Event`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use crate::debug::Waiting;
use crate::rt::park::wait_for;
use crate::sync::{Mutex, MutexGuard};
use crate::waiters::{WaitKey, Waiters, deadline_after, wake_all};

/// A flag that can be set once and waited for, from any context: Python's
/// `threading.Event`, which Pykka's tests and many Pykka programs use to signal between
/// actors and the main thread.
///
/// Waiting parks the caller the way its backend needs (an OS thread, a green coroutine,
/// a smol worker), and [`wait_async`](Event::wait_async) waits in async code without
/// blocking. Clones share one flag.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use pykka_core::Event;
///
/// let started = Event::new();
/// let signal = started.clone();
/// std::thread::spawn(move || signal.set());
/// assert!(started.wait_timeout(Duration::from_secs(5)));
/// assert!(started.is_set());
/// ```
#[derive(Clone, Default)]
pub struct Event {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    set: bool,
    waiters: Waiters,
}

impl Event {
    /// A new event, not set.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets the flag and wakes every waiter. Setting it again does nothing.
    pub fn set(&self) {
        let mut inner = self.lock();
        inner.set = true;
        let wakers = inner.waiters.take();
        drop(inner);
        wake_all(wakers);
    }

    /// Clears the flag, so that later waits wait again.
    pub fn clear(&self) {
        self.lock().set = false;
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        self.lock().set
    }

    fn poll_set(&self, cx: &mut TaskContext<'_>, key: &mut WaitKey) -> Poll<()> {
        let mut inner = self.lock();
        if inner.set {
            Poll::Ready(())
        } else {
            let replaced = inner.waiters.register(key, cx.waker());
            drop(inner);
            drop(replaced);
            Poll::Pending
        }
    }

    /// Gives up a wait: its waker leaves the list (a waiter that timed out must not
    /// stay registered, or waits on an event that is never set would pile up).
    fn forget(&self, key: &mut WaitKey) {
        if key.is_set() {
            let removed = self.lock().waiters.remove(key);
            drop(removed);
        }
    }

    /// Waits until the flag is set.
    pub fn wait(&self) {
        self.wait_deadline_inner(None);
    }

    /// Waits until the flag is set or `timeout` passes; returns whether it is set.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.wait_deadline_inner(deadline_after(timeout))
    }

    /// Waits until the flag is set or `deadline` passes; returns whether it is set.
    pub fn wait_deadline(&self, deadline: Instant) -> bool {
        self.wait_deadline_inner(Some(deadline))
    }

    fn wait_deadline_inner(&self, deadline: Option<Instant>) -> bool {
        let mut key = WaitKey::default();
        let set = wait_for(|cx| self.poll_set(cx, &mut key), deadline, Waiting::Event).is_some();
        if !set {
            self.forget(&mut key);
        }
        set
    }

    /// Waits in async code, without blocking the thread.
    ///
    /// ```
    /// let e = pykka_core::Event::new();
    /// e.set();
    /// let waited = e.wait_async(); // a future; `.await` it in async code
    /// # drop(waited);
    /// ```
    pub fn wait_async(&self) -> impl Future<Output = ()> + Send + 'static {
        EventFuture {
            event: self.clone(),
            key: WaitKey::default(),
        }
    }
}

/// The future of [`Event::wait_async`]; dropping it before the event is set removes
/// its waker.
struct EventFuture {
    event: Event,
    key: WaitKey,
}

impl Future for EventFuture {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.event.poll_set(cx, &mut this.key)
    }
}

impl Drop for EventFuture {
    fn drop(&mut self) {
        self.event.forget(&mut self.key);
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("set", &self.is_set())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    #[test]
    fn waits_that_time_out_leave_no_waker_behind() {
        let event = Event::new();
        for _ in 0..1_000 {
            assert!(!event.wait_timeout(Duration::from_micros(1)));
        }
        assert_eq!(event.lock().waiters.len(), 0);
    }

    #[test]
    fn a_dropped_wait_async_leaves_no_waker_behind() {
        let event = Event::new();
        let mut cx = TaskContext::from_waker(Waker::noop());
        for _ in 0..1_000 {
            let mut wait = std::pin::pin!(event.wait_async());
            assert!(wait.as_mut().poll(&mut cx).is_pending());
            assert!(wait.as_mut().poll(&mut cx).is_pending());
        }
        assert_eq!(event.lock().waiters.len(), 0);
        event.set();
    }
}
