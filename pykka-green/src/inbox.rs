//! The green inbox: may's MPSC channel behind a gate that makes closing atomic.
//!
//! may's channel alone does not meet the closing rule of
//! [`Runtime`](pykka_core::Runtime): its `send` checks a "receiver dropped" flag and
//! then pushes, while the receiver's drop sets the flag and then drains. A send that
//! checked the flag just before the drop set it pushes after the drain, and its
//! message stays in the queue, unhandled and undropped, until the last sender goes
//! (for an actor, until every reference to it is dropped): an `ask` sent at that
//! moment would wait forever. The gate closes that window: senders hold a read lock
//! across check-and-push, the receiver's drop takes the write lock to close the gate,
//! and only then drains. The lock is held for one lock-free push and never across a
//! park, so it never blocks a worker thread for longer than that push.

use std::fmt;
use std::sync::mpsc::TryRecvError;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use may::sync::mpsc;
use pykka_core::InboxSender;

/// How long an empty inbox is looked at again before its coroutine parks, when its
/// last message came from a plain thread.
const RECV_SPIN_MICROS: u64 = 20;

/// `true` once the receiver is gone.
type Gate = Arc<RwLock<bool>>;

/// A message and whether it was sent from a plain thread (not a coroutine).
///
/// The flag travels with its message, so that the receiver knows exactly whether the
/// message it took last came from a thread. (A shared flag, set by senders and cleared
/// by the receiver, lost marks: a sender that found it still set from its previous
/// message skipped writing it just before the receiver cleared it, so the receiver
/// parked at once after the next message and the thread's following request paid a
/// kernel wake-up of the worker. Measured: `ask_from_thread` 2x slower.)
type Tagged<M> = (M, bool);

/// Makes a new, open, unbounded inbox.
pub(crate) fn inbox<M: Send + 'static>() -> (GreenSender<M>, GreenReceiver<M>) {
    let (tx, rx) = mpsc::channel();
    let gate = Gate::default();
    (
        GreenSender {
            tx,
            gate: gate.clone(),
        },
        GreenReceiver {
            rx: Some(rx),
            gate,
            last_from_thread: false,
        },
    )
}

/// The sending half of a green actor's inbox. Sending never blocks.
pub struct GreenSender<M> {
    tx: mpsc::Sender<Tagged<M>>,
    gate: Gate,
}

impl<M: Send + 'static> InboxSender<M> for GreenSender<M> {
    fn send(&self, message: M) -> Result<(), M> {
        let closed = self.gate.read().unwrap_or_else(PoisonError::into_inner);
        if *closed {
            return Err(message);
        }
        let from_thread = !may::coroutine::is_coroutine();
        self.tx.send((message, from_thread)).map_err(|e| e.0.0)
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
pub struct GreenReceiver<M> {
    // `None` only during drop.
    rx: Option<mpsc::Receiver<Tagged<M>>>,
    gate: Gate,
    /// Whether the message taken last came from a plain thread.
    last_from_thread: bool,
}

impl<M> GreenReceiver<M> {
    /// The next message; `None` once every sender is gone and the inbox is empty.
    pub(crate) fn recv(&mut self) -> Option<M> {
        let rx = self.rx.as_ref()?;
        // When the last message came from a plain thread, look at an empty inbox again
        // for a short while before parking, yielding to the worker's other coroutines
        // in between. A parked coroutine lets its worker sleep in `epoll_wait`, and
        // waking that worker from a plain thread (an eventfd write and a kernel wake-up)
        // costs ~10-25 µs here, while the next request of a thread talking to this actor
        // usually comes within a microsecond or two. Messages from coroutines wake the
        // receiver cheaply, so then it parks at once: spinning would only take turns
        // from the worker's other coroutines (a ring of actors would slow down).
        let tagged = match rx.try_recv() {
            Ok(tagged) => Some(tagged),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) if self.last_from_thread => {
                let until = Instant::now() + Duration::from_micros(RECV_SPIN_MICROS);
                let mut found = None;
                while found.is_none() && Instant::now() < until {
                    match rx.try_recv() {
                        Ok(tagged) => found = Some(tagged),
                        Err(TryRecvError::Empty) => may::coroutine::yield_now(),
                        Err(TryRecvError::Disconnected) => return None,
                    }
                }
                found
            }
            Err(TryRecvError::Empty) => None,
        };
        let (message, from_thread) = match tagged {
            Some(tagged) => tagged,
            None => rx.recv().ok()?,
        };
        self.last_from_thread = from_thread;
        Some(message)
    }
}

impl<M> Drop for GreenReceiver<M> {
    fn drop(&mut self) {
        *self.gate.write().unwrap_or_else(PoisonError::into_inner) = true;
        // No send can push any more, and every send that passed the gate has finished
        // its push: dropping may's receiver now drains everything that was sent.
        // Messages are dropped outside the lock (their drops may wake askers).
        drop(self.rx.take());
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
