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

    fn send_awaited(&self, message: M) -> Result<(), M> {
        if crate::pool::on_worker_thread() {
            self.0.send(message)
        } else {
            self.0.send_foreign(message)
        }
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

impl<M> SmolReceiver<M> {
    /// Waits for the next message; `None` once every sender is gone and the inbox is
    /// empty. After a message that a thread outside the executor waits on, the task
    /// looks at its inbox for a moment (yielding to the worker's other tasks) before
    /// it waits (see [`MailboxReceiver::recv_looking`]).
    pub(crate) async fn recv(&mut self) -> Option<M> {
        // An actor of a runtime that shut down handles no other message (a read-mostly
        // flag of the pool: the mailbox's own lock line stays the senders').
        if self.pool.as_ref().is_some_and(|p| p.is_shut_down()) {
            return None;
        }
        self.rx.recv_looking_async(smol::future::yield_now).await
    }
}

impl<M: Send + 'static> RecvAsync<M> for SmolReceiver<M> {
    fn recv_async(&mut self) -> impl Future<Output = Option<M>> + Send {
        self.recv()
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
        let got: Vec<i32> = smol::block_on(async {
            let mut v = Vec::new();
            while let Some(i) = rx.recv().await {
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
            while let Some(i) = rx.recv().await {
                got.push(i);
            }
            got
        });
        let sender = std::thread::spawn(move || {
            for i in 0..300 {
                if i % 3 == 0 {
                    tx.send_awaited(i).unwrap();
                } else {
                    tx.send(i).unwrap();
                }
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
