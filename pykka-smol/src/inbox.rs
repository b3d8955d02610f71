//! The inbox of a smol actor: core's [`mailbox`](pykka_core::rt::mailbox), awaited.
//!
//! The first smol inbox was an unbounded async-channel. It met the closing rule only
//! behind a wrapper (close, then drain, on drop), and every idle actor kept about
//! 2.5 KB in it: the channel's cache-padded state (768 B), its first queue block
//! (31 slots, about 1.5 KB, kept while the inbox is idle) and the event-listener
//! entries of the waiting receive. Core's mailbox keeps about 100 bytes plus a
//! four-message buffer, allocates nothing before the first message, and closes by
//! itself.

use std::fmt;

use std::future::Future;
use std::sync::Arc;

use crate::pool::Pool;

use pykka_core::rt::mailbox::{self, MailboxReceiver, MailboxSender};
use std::time::{Duration, Instant};

use pykka_core::rt::{InboxSender, RecvAsync};

/// The sending half of a smol actor's inbox.
///
/// Sending never blocks (the inbox is unbounded) and never needs an executor: any
/// thread, coroutine or task can send.
pub struct SmolSender<M>(MailboxSender<M>);

/// Makes a new, open, unbounded inbox.
/// `pool` is the runtime's own pool (none on a user's executor): once it is shut down,
/// the receiver receives nothing more.
pub(crate) fn inbox<M>(pool: Option<Arc<Pool>>) -> (SmolSender<M>, SmolReceiver<M>) {
    let (tx, rx) = mailbox::mailbox();
    (SmolSender(tx), SmolReceiver { rx, pool })
}

impl<M: Send + 'static> InboxSender<M> for SmolSender<M> {
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

impl<M> fmt::Debug for SmolSender<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmolSender").finish_non_exhaustive()
    }
}

/// The receiving half of a smol actor's inbox; dropping it closes the inbox, drops
/// every buffered message before the drop returns and makes later sends fail.
pub struct SmolReceiver<M> {
    rx: MailboxReceiver<M>,
    pool: Option<Arc<Pool>>,
}

/// How long a smol actor looks at its empty inbox, yielding to the other tasks of its
/// worker, after a message that a sender from outside the backend waits on.
///
/// Waking a sleeping worker from a thread outside the executor costs tens of
/// microseconds on a small machine, and such a thread usually sends its next request
/// within a microsecond or two of its answer: a round trip from `main` then takes well
/// under a microsecond instead of ~25 µs. After a tell or a message from a task, the
/// actor waits at once.
const LOOK: Duration = Duration::from_micros(20);

impl<M> SmolReceiver<M> {
    /// Waits for the next message; `None` once every sender is gone and the inbox is
    /// empty. After a message awaited from outside the backend, the task looks at its
    /// empty inbox for up to 20 µs (yielding to the worker's other tasks) before it
    /// waits.
    pub(crate) async fn recv(&mut self, after_outside_ask: bool) -> Option<M> {
        // An actor of a runtime that shut down handles no other message (a read-mostly
        // flag of the pool: the mailbox's own lock line stays the senders').
        if self.pool.as_ref().is_some_and(|p| p.is_shut_down()) {
            return None;
        }
        if after_outside_ask {
            // Looking reads one flag, so that it does not contend with senders.
            let until = Instant::now() + LOOK;
            while !self.rx.has_queued() && Instant::now() < until {
                smol::future::yield_now().await;
            }
        }
        self.rx.recv_async().await
    }
}

impl<M: Send + 'static> RecvAsync<M> for SmolReceiver<M> {
    fn recv_async(&mut self, after_outside_ask: bool) -> impl Future<Output = Option<M>> + Send {
        self.recv(after_outside_ask)
    }

    fn next_queued(&mut self) -> Option<M> {
        self.rx.try_recv().ok()
    }
}

impl<M: Send + 'static> SmolReceiver<M> {
    /// Closes this inbox from outside (a runtime shutdown), without keeping it alive.
    pub(crate) fn closer(&self) -> pykka_core::rt::mailbox::MailboxCloser {
        self.rx.closer()
    }
}

impl<M> fmt::Debug for SmolReceiver<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmolReceiver").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_from_one_sender_arrive_in_order() {
        let (tx, mut rx) = inbox(None);
        for i in 0..100 {
            tx.send(i).unwrap();
        }
        drop(tx);
        let got: Vec<u32> = smol::block_on(async {
            let mut v = Vec::new();
            while let Some(i) = rx.recv(false).await {
                v.push(i);
            }
            v
        });
        assert_eq!(got, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn tells_and_awaited_messages_from_a_thread_reach_a_task() {
        // After tells the task waits at once, after awaited messages after a look;
        // every message must arrive in order either way.
        let (tx, mut rx) = inbox::<u32>(None);
        let ex = smol::Executor::new();
        let task = ex.spawn(async move {
            let mut got = Vec::new();
            // As the actor loop does: look after every message that a thread waits on.
            let mut look = false;
            while let Some(i) = rx.recv(look).await {
                look = i % 3 == 0;
                got.push(i);
            }
            got
        });
        let sender = std::thread::spawn(move || {
            for i in 0..300 {
                tx.send(i).unwrap();
            }
        });
        // Bounded: a lost message would leave the task waiting forever.
        let got = smol::block_on(ex.run(smol::future::or(async { Some(task.await) }, async {
            smol::Timer::after(std::time::Duration::from_secs(10)).await;
            None
        })));
        sender.join().unwrap();
        assert_eq!(got, Some((0..300).collect::<Vec<_>>()));
    }
}
