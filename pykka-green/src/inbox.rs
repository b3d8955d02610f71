//! The green inbox: core's [`mailbox`](pykka_core::mailbox), received by parking the
//! coroutine.
//!
//! may's own MPSC channel was the first inbox here. It needed a gate (a read-write
//! lock around every send) to meet the closing rule of [`Runtime`](pykka_core::Runtime),
//! and it allocates and zeroes two 64-slot queue blocks when it is made: more than
//! half of the instructions of starting a green actor (callgrind), and most of an idle
//! actor's heap. Core's mailbox allocates nothing before the first message and closes
//! atomically by itself; its receive parks through core's [`park`](pykka_core::park),
//! which this crate's probe turns into a coroutine park.

use std::fmt;
use std::time::Instant;

use pykka_core::InboxSender;
use pykka_core::mailbox::{self, FOREIGN_LOOK, MailboxReceiver, MailboxSender, TryRecvError};

/// Makes a new, open, unbounded inbox.
pub(crate) fn inbox<M: Send + 'static>() -> (GreenSender<M>, GreenReceiver<M>) {
    let (tx, rx) = mailbox::mailbox();
    (GreenSender(tx), GreenReceiver(rx))
}

/// The sending half of a green actor's inbox. Sending never blocks.
pub struct GreenSender<M>(MailboxSender<M>);

impl<M: Send + 'static> InboxSender<M> for GreenSender<M> {
    fn send(&self, message: M) -> Result<(), M> {
        self.0.send(message)
    }

    fn send_awaited(&self, message: M) -> Result<(), M> {
        if may::coroutine::is_coroutine() {
            self.0.send(message)
        } else {
            self.0.send_foreign(message)
        }
    }
}

impl<M> fmt::Debug for GreenSender<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GreenSender").finish_non_exhaustive()
    }
}

/// The receiving half of a green actor's inbox. Receiving parks the calling coroutine
/// (or thread); dropping it closes the inbox and drops every buffered message before
/// the drop returns.
pub struct GreenReceiver<M>(MailboxReceiver<M>);

impl<M> GreenReceiver<M> {
    /// The next message; `None` once every sender is gone and the inbox is empty.
    pub(crate) fn recv(&mut self) -> Option<M> {
        // When the last message came from a plain thread that waits for its reply (see
        // `InboxSender::send_awaited`), look at an empty inbox again for a short while
        // before parking, yielding to the worker's other coroutines in between. A parked coroutine lets its worker sleep in `epoll_wait`, and
        // waking that worker from a plain thread (an eventfd write and a kernel wake-up)
        // costs ~10-25 µs here, while the next request of a thread talking to this actor
        // usually comes within a microsecond or two. After tells it parks at once (a
        // looking receiver takes messages one at a time and fights a streaming sender
        // for the lock: tells from a thread were 3x slower). Messages from coroutines
        // wake the receiver cheaply, so then it parks at once too: spinning would only
        // take turns from the worker's other coroutines (a ring would slow down).
        if !self.0.last_was_foreign() {
            return self.0.recv();
        }
        match self.0.try_recv() {
            Ok(message) => return Some(message),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {}
        }
        // Looking reads one flag, so that it does not contend with the sender.
        let until = Instant::now() + FOREIGN_LOOK;
        while !self.0.has_queued() && Instant::now() < until {
            may::coroutine::yield_now();
        }
        self.0.recv()
    }
}

impl<M> fmt::Debug for GreenReceiver<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GreenReceiver").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    #[test]
    fn fifo_and_disconnect() {
        let (tx, mut rx) = inbox::<u32>();
        for i in 0..5 {
            tx.send(i).unwrap();
        }
        drop(tx);
        let got: Vec<u32> = std::iter::from_fn(|| rx.recv()).collect();
        assert_eq!(got, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_coroutine_gets_tells_and_awaited_messages_from_a_thread() {
        // The receiver parks its coroutine when the inbox is empty (after tells at
        // once, after awaited messages after a look); every message must still arrive,
        // in order, and the disconnect too.
        crate::probe::ensure_registered();
        let (tx, mut rx) = inbox::<u32>();
        let (out_tx, out_rx) = mpsc::channel();
        crate::spawn::spawn_coroutine("inbox-test".into(), 16 * 1024, move || {
            while let Some(i) = rx.recv() {
                out_tx.send(Some(i)).unwrap();
            }
            out_tx.send(None).unwrap();
        })
        .unwrap();
        let limit = Duration::from_secs(10);
        let mut expected = 0;
        let mut check_until = |last: u32| {
            while expected <= last {
                assert_eq!(out_rx.recv_timeout(limit).unwrap(), Some(expected));
                expected += 1;
            }
        };
        for i in 0..200 {
            if i % 3 == 0 {
                tx.send_awaited(i).unwrap();
                // Wait for it, as an asking thread would, so that the actor looks.
                check_until(i);
            } else {
                tx.send(i).unwrap();
            }
        }
        drop(tx);
        check_until(199);
        assert_eq!(out_rx.recv_timeout(limit).unwrap(), None);
    }
}
