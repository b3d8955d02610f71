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
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug)]
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

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
    fn drop_drains_and_later_sends_fail() {
        let dropped = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = inbox::<Counted>();
        tx.send(Counted(dropped.clone())).unwrap();
        tx.send(Counted(dropped.clone())).unwrap();
        drop(rx);
        assert_eq!(dropped.load(Ordering::SeqCst), 2);
        let back = tx.send(Counted(dropped.clone())).unwrap_err();
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            2,
            "a refused message is handed back"
        );
        drop(back);
        assert_eq!(dropped.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn racing_sends_are_either_refused_or_dropped_by_the_drop() {
        // Every message is accounted for when the receiver's drop returns: handed back
        // to its sender, or dropped by the drain. None stays in the queue.
        for _ in 0..200 {
            let dropped = Arc::new(AtomicUsize::new(0));
            let (tx, rx) = inbox::<Counted>();
            let tx = Arc::new(tx);
            let sent = Arc::new(AtomicUsize::new(0));
            let senders: Vec<_> = (0..2)
                .map(|_| {
                    let (tx, dropped, sent) = (tx.clone(), dropped.clone(), sent.clone());
                    std::thread::spawn(move || {
                        for _ in 0..100 {
                            match tx.send(Counted(dropped.clone())) {
                                Ok(()) => {
                                    sent.fetch_add(1, Ordering::SeqCst);
                                }
                                Err(back) => {
                                    std::mem::forget(back);
                                    break;
                                }
                            }
                        }
                    })
                })
                .collect();
            drop(rx);
            for s in senders {
                s.join().unwrap();
            }
            assert_eq!(dropped.load(Ordering::SeqCst), sent.load(Ordering::SeqCst));
        }
    }
}
