//! The inbox of a tokio actor: core's [`mailbox`](pykka_core::rt::mailbox), awaited.

use std::fmt;
use std::future::Future;

use pykka_core::rt::mailbox::{self, MailboxReceiver, MailboxSender};
use pykka_core::rt::{InboxSender, RecvAsync};

/// Makes a new, open, unbounded inbox.
pub(crate) fn inbox<M>() -> (TokioSender<M>, TokioReceiver<M>) {
    let (tx, rx) = mailbox::mailbox();
    (TokioSender(tx), TokioReceiver(rx))
}

/// The sending half of a tokio actor's inbox. Sending never blocks and needs no
/// runtime: any thread, coroutine or task can send.
pub struct TokioSender<M>(MailboxSender<M>);

impl<M: Send + 'static> InboxSender<M> for TokioSender<M> {
    fn send(&self, message: M) -> Result<(), M> {
        self.0.send(message)
    }
}

impl<M> fmt::Debug for TokioSender<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokioSender").finish_non_exhaustive()
    }
}

/// The receiving half of a tokio actor's inbox; dropping it closes the inbox.
pub struct TokioReceiver<M>(MailboxReceiver<M>);

impl<M: Send + 'static> RecvAsync<M> for TokioReceiver<M> {
    fn recv_async(&mut self, _after_outside_ask: bool) -> impl Future<Output = Option<M>> + Send {
        self.0.recv_async()
    }
}

impl<M> fmt::Debug for TokioReceiver<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokioReceiver").finish_non_exhaustive()
    }
}
