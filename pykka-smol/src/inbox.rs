//! The inbox of a smol actor: an unbounded async-channel whose receiver closes it on drop.

use std::fmt;

use async_channel::{Receiver, Sender};
use pykka_core::InboxSender;

/// The sending half of a smol actor's inbox.
///
/// Sending never blocks (the inbox is unbounded) and never needs an executor: any
/// thread, coroutine or task can send.
pub struct SmolSender<M>(pub(crate) Sender<M>);

impl<M: Send + 'static> InboxSender<M> for SmolSender<M> {
    fn send(&self, message: M) -> Result<(), M> {
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
pub struct SmolReceiver<M>(pub(crate) Receiver<M>);

impl<M> SmolReceiver<M> {
    /// Waits for the next message; `None` once every sender is gone and the inbox is
    /// empty.
    pub(crate) async fn recv(&self) -> Option<M> {
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
        let (tx, rx) = async_channel::unbounded();
        let (tx, rx) = (SmolSender(tx), SmolReceiver(rx));
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
        let (tx, rx) = async_channel::unbounded();
        let (tx, rx) = (SmolSender(tx), SmolReceiver(rx));
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
