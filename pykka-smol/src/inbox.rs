//! The inbox of a smol actor: an unbounded async-channel whose receiver closes it on drop.

use std::fmt;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use async_channel::{Receiver, Sender, TryRecvError};
use pykka_core::InboxSender;

/// The sending half of a smol actor's inbox.
///
/// Sending never blocks (the inbox is unbounded) and never needs an executor: any
/// thread, coroutine or task can send.
pub struct SmolSender<M>(pub(crate) Sender<M>, pub(crate) Arc<AtomicBool>);

/// Makes a new, open, unbounded inbox.
pub(crate) fn inbox<M>() -> (SmolSender<M>, SmolReceiver<M>) {
    let (tx, rx) = async_channel::unbounded();
    let from_thread = Arc::new(AtomicBool::new(false));
    (
        SmolSender(tx, from_thread.clone()),
        SmolReceiver(rx, from_thread),
    )
}

impl<M: Send + 'static> InboxSender<M> for SmolSender<M> {
    fn send(&self, message: M) -> Result<(), M> {
        if !self.1.load(Ordering::Relaxed) && !crate::pool::on_worker_thread() {
            self.1.store(true, Ordering::Relaxed);
        }
        self.0.try_send(message).map_err(|e| e.into_inner())
    }
}

impl<M> fmt::Debug for SmolSender<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmolSender")
            .field("queued", &self.0.len())
            .field("closed", &self.0.is_closed())
            .finish()
    }
}

/// The receiving half of a smol actor's inbox.
///
/// async-channel keeps buffered messages until the channel itself is freed, which is
/// when the last *sender* goes too. The closing rule of
/// [`Runtime`](pykka_core::Runtime) wants more: once the receiver is dropped, later
/// sends fail and every buffered message is dropped before the drop returns (so that
/// the asks inside fail at once instead of waiting for a reply that will never come).
/// This wrapper's `Drop` closes the channel, then drains it.
/// The flag is set by a send from outside the executor's worker threads.
pub struct SmolReceiver<M>(pub(crate) Receiver<M>, pub(crate) Arc<AtomicBool>);

/// How long an empty inbox is looked at again before its task waits, when its last
/// message came from outside the executor.
const RECV_SPIN: Duration = Duration::from_micros(20);

impl<M> SmolReceiver<M> {
    /// Waits for the next message; `None` once every sender is gone and the inbox is
    /// empty.
    ///
    /// When the last message came from a thread outside the executor (say, `main`
    /// asking), the task looks at an empty inbox again for a short while, yielding to
    /// the worker's other tasks in between, before it waits: a waiting task lets its
    /// worker sleep, and waking a sleeping worker from another thread costs ~10-25 µs
    /// here, while that thread's next request usually comes within a microsecond or
    /// two. Messages from tasks wake the receiver cheaply, so then it waits at once.
    pub(crate) async fn recv(&self) -> Option<M> {
        // A message already there is taken without touching the flag, so that a
        // stream of messages does not bounce the flag's cache line between threads.
        match self.0.try_recv() {
            Ok(message) => return Some(message),
            Err(TryRecvError::Closed) => return None,
            Err(TryRecvError::Empty) => {}
        }
        if self.1.load(Ordering::Relaxed) {
            self.1.store(false, Ordering::Relaxed);
            let until = Instant::now() + RECV_SPIN;
            while Instant::now() < until {
                match self.0.try_recv() {
                    Ok(message) => return Some(message),
                    Err(TryRecvError::Empty) => smol::future::yield_now().await,
                    Err(TryRecvError::Closed) => return None,
                }
            }
        }
        self.0.recv().await.ok()
    }
}

impl<M> Drop for SmolReceiver<M> {
    fn drop(&mut self) {
        self.0.close();
        // After `close` no send can succeed, so this drains everything there is.
        while let Ok(message) = self.0.try_recv() {
            drop(message);
        }
    }
}

impl<M> fmt::Debug for SmolReceiver<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmolReceiver")
            .field("queued", &self.0.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn dropping_the_receiver_fails_sends_and_drops_buffered_messages() {
        let (tx, rx) = inbox();
        let dropped = Arc::new(AtomicUsize::new(0));
        for _ in 0..3 {
            assert!(tx.send(Counted(dropped.clone())).is_ok());
        }
        drop(rx);
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            3,
            "buffered messages dropped with the receiver"
        );
        let back = tx
            .send(Counted(dropped.clone()))
            .expect_err("send after close must fail");
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            3,
            "the failed send hands the message back"
        );
        drop(back);
        assert_eq!(dropped.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn messages_from_one_sender_arrive_in_order() {
        let (tx, rx) = inbox();
        for i in 0..100 {
            tx.send(i).unwrap();
        }
        drop(tx);
        let got: Vec<i32> = smol::block_on(async {
            let mut v = Vec::new();
            while let Some(i) = rx.recv().await {
                v.push(i);
            }
            v
        });
        assert_eq!(got, (0..100).collect::<Vec<_>>());
    }
}
