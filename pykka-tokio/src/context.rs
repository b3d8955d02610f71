//! How core's waits park inside a tokio runtime: [`TokioContext`].

use std::sync::Arc;
use std::thread::{self, Thread};
use std::time::Instant;

use pykka_core::rt::context::WaitContext;
use pykka_core::rt::park::{Park, Parker};
use tokio::runtime::{Handle, RuntimeFlavor};

/// The contexts of a tokio multi-thread runtime (its workers, and `block_on` on it):
/// a wait there first moves the worker's other tasks to another thread
/// ([`tokio::task::block_in_place`]), then parks the OS thread. A task stays on its
/// thread while it is polled, so the thread identifies a hook's context.
#[derive(Debug, Clone, Copy)]
pub enum TokioContext {}

impl WaitContext for TokioContext {
    fn parker() -> Option<Parker> {
        let handle = Handle::try_current().ok()?;
        if handle.runtime_flavor() != RuntimeFlavor::MultiThread {
            // `block_in_place` would panic there; the thread then simply parks.
            return None;
        }
        Some(PARKER.with(Parker::clone))
    }

    fn is_current() -> bool {
        Handle::try_current().is_ok_and(|h| h.runtime_flavor() == RuntimeFlavor::MultiThread)
    }
}

thread_local! {
    static PARKER: Parker = Parker::new(Arc::new(BlockInPlace(thread::current())));
}

/// Parks the thread inside `block_in_place`.
struct BlockInPlace(Thread);

impl Park for BlockInPlace {
    fn park(&self, deadline: Option<Instant>) {
        let left = match deadline {
            None => None,
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Some(left),
                _ => return,
            },
        };
        tokio::task::block_in_place(|| match left {
            None => thread::park(),
            Some(left) => thread::park_timeout(left),
        });
    }

    fn unpark(&self) {
        self.0.unpark();
    }
}
