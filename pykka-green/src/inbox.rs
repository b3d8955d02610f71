//! The green inbox: core's [`mailbox`](pykka_core::rt::mailbox), received by parking the
//! coroutine.
//!
//! may's own MPSC channel was the first inbox here. It needed a gate (a read-write
//! lock around every send) to meet the closing rule of [`Runtime`](pykka_core::Runtime),
//! and it allocates and zeroes two 64-slot queue blocks when it is made: more than
//! half of the instructions of starting a green actor (callgrind), and most of an idle
//! actor's heap. Core's mailbox allocates nothing before the first message and closes
//! atomically by itself; its receive parks through core's [`park`](pykka_core::rt::park),
//! which this crate's `GreenContext` turns into a coroutine park.

use std::fmt;

use pykka_core::rt::mailbox::{self, MailboxReceiver, MailboxSender};
use std::time::{Duration, Instant};

use pykka_core::rt::{InboxSender, RecvBlocking};

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

    fn queued(&self) -> Option<usize> {
        Some(self.0.queued())
    }

    fn receiver_waits(&self) -> Option<bool> {
        Some(self.0.receiver_waits())
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

/// How long a green actor looks at its empty inbox, yielding to the other coroutines of
/// its worker, after a message that a sender from outside the backend waits on.
///
/// Waking a may worker that sleeps in `epoll_wait` from a plain thread costs tens of
/// microseconds on a small machine, and such a thread usually sends its next request
/// within a microsecond or two of its answer: a round trip from `main` then takes well
/// under a microsecond instead of ~25 µs. After a tell or a message from a coroutine,
/// the actor parks at once (a stream of tells wakes it once per batch).
const LOOK: Duration = Duration::from_micros(20);

impl<M: Send + 'static> RecvBlocking<M> for GreenReceiver<M> {
    /// The next message; `None` once every sender is gone and the inbox is empty.
    /// After a message awaited from outside the backend, the coroutine looks at its
    /// empty inbox for up to 20 µs (yielding to the worker's other coroutines) before
    /// it parks.
    fn recv(&mut self, after_outside_ask: bool) -> Option<M> {
        if after_outside_ask {
            // Looking reads one flag, so that it does not contend with senders.
            let until = Instant::now() + LOOK;
            while !self.0.has_queued() && Instant::now() < until {
                may::coroutine::yield_now();
            }
        }
        self.0.recv()
    }

    fn next_queued(&mut self) -> Option<M> {
        self.0.try_recv().ok()
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
        let got: Vec<u32> = std::iter::from_fn(|| rx.recv(false)).collect();
        assert_eq!(got, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_coroutine_gets_tells_and_awaited_messages_from_a_thread() {
        // The receiver parks its coroutine when the inbox is empty (after tells at
        // once, after awaited messages after a look); every message must still arrive,
        // in order, and the disconnect too.
        pykka_core::rt::context::adopt::<crate::GreenContext>();
        let (tx, mut rx) = inbox::<u32>();
        let (out_tx, out_rx) = mpsc::channel();
        crate::spawn::spawn_coroutine("inbox-test".into(), 16 * 1024, move || {
            // As the actor loop does: look after every message that a thread waits on.
            let mut look = false;
            while let Some(i) = rx.recv(look) {
                look = i % 3 == 0;
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
            tx.send(i).unwrap();
            if i % 3 == 0 {
                // Wait for it, as an asking thread would, so that the actor looks.
                check_until(i);
            }
        }
        drop(tx);
        check_until(199);
        assert_eq!(out_rx.recv_timeout(limit).unwrap(), None);
    }
}
