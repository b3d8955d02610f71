//! A ready-made inbox for backends: an unbounded MPSC queue that meets the closing rule
//! of [`Runtime`](crate::Runtime) and waits the way its receiver's context waits.
//!
//! Backends whose tasks are not OS threads can build their inbox on it instead of on a
//! channel of their runtime's ecosystem; the receiver can block (through
//! [`park`], so a coroutine parks its coroutine) or be polled as a future.
//!
//! It is small on purpose, because every actor owns one:
//!
//! - nothing is allocated until the first message: a new mailbox is one allocation of
//!   about 100 bytes (no pre-allocated queue blocks, nothing to zero), which keeps
//!   starting an actor and an idle actor cheap;
//! - the receiver takes *every* queued message in one step (it swaps the queue with
//!   its own empty buffer under the lock) and then hands them out without touching
//!   shared memory, so a busy actor locks once per batch, not once per message;
//! - a sender wakes the receiver only if it is waiting, and only the first sender after
//!   it started waiting does;
//! - [`MailboxReceiver::has_queued`] looks without the lock, for a backend whose
//!   receive looks at the mailbox for a moment before it parks (its own policy; see
//!   [`RecvBlocking::recv`](crate::rt::RecvBlocking::recv)).
//!
//! The price is a short lock per send (one uncontended compare-and-swap in the common
//! case) where lock-free channels use one atomic add; the lock is never held across a
//! park, a wake or user code.
//!
//! # Closing
//!
//! Dropping the [`MailboxReceiver`] closes the mailbox: later sends fail and hand their
//! message back, and every message still queued is dropped before the drop returns.
//! Dropping every [`MailboxSender`] makes the receiver return `None` once it has taken
//! what was queued.
//!
//! # Examples
//!
//! ```
//! use pykka_core::rt::mailbox;
//!
//! let (tx, mut rx) = mailbox::mailbox::<u32>();
//! let tx2 = tx.clone();
//! std::thread::spawn(move || {
//!     tx.send(1).unwrap();
//!     tx2.send(2).unwrap();
//! })
//! .join()
//! .unwrap();
//! // `recv` would block the calling context until a message comes; here both are there.
//! assert_eq!(rx.recv(), Some(1));
//! assert_eq!(rx.recv(), Some(2));
//! assert_eq!(rx.recv(), None); // every sender is gone
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::future::poll_fn;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError, Weak};
use std::task::{Context, Poll, Waker};

use crate::rt::park;
use crate::sync::{AtomicBool, Mutex, MutexGuard};

/// Above this capacity (in messages), a drained receive buffer is freed rather than
/// kept for the next batch, so that one burst does not pin its memory for the actor's
/// whole life.
const KEEP_CAPACITY: usize = 256;

struct State<M> {
    queue: VecDeque<M>,
    /// The receiver's waker while it waits for an empty mailbox.
    waker: Option<Waker>,
    /// Live senders.
    senders: usize,
    /// The receiver is gone (or a closer closed the mailbox).
    closed: bool,
}

struct Shared<M> {
    state: Mutex<State<M>>,
    /// Whether the receiver has something to take: messages queued, or every sender
    /// gone. Written under the lock; read without it by [`MailboxReceiver::has_queued`]
    /// and by `try_recv`, so that looking at an empty mailbox does not lock.
    queued: AtomicBool,
}

impl<M> Shared<M> {
    fn lock(&self) -> MutexGuard<'_, State<M>> {
        // No user code runs under the lock, so a poisoned lock still holds a sound state.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Makes a new, open, empty mailbox.
///
/// # Examples
///
/// ```
/// let (tx, mut rx) = pykka_core::rt::mailbox::mailbox();
/// tx.send("hello").unwrap();
/// assert_eq!(rx.try_recv(), Ok("hello"));
/// ```
pub fn mailbox<M>() -> (MailboxSender<M>, MailboxReceiver<M>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            queue: VecDeque::new(),
            waker: None,
            senders: 1,
            closed: false,
        }),
        queued: AtomicBool::new(false),
    });
    (
        MailboxSender {
            shared: shared.clone(),
        },
        MailboxReceiver {
            shared,
            buffer: VecDeque::new(),
        },
    )
}

/// The sending half of a [`mailbox`]. Cloning it adds a sender.
pub struct MailboxSender<M> {
    shared: Arc<Shared<M>>,
}

impl<M> MailboxSender<M> {
    /// Queues `message` without blocking and wakes the receiver if it waits.
    ///
    /// # Errors
    ///
    /// The message itself, handed back, when the receiver is gone.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = pykka_core::rt::mailbox::mailbox();
    /// assert!(tx.send(1).is_ok());
    /// drop(rx);
    /// assert_eq!(tx.send(2), Err(2));
    /// ```
    pub fn send(&self, message: M) -> Result<(), M> {
        self.push(message)
    }

    /// The number of messages sent and not yet taken by the receiver (which takes them
    /// in batches: the messages of the batch it is working through are not counted).
    ///
    /// ```
    /// let (tx, _rx) = pykka_core::rt::mailbox::mailbox();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(tx.queued(), 2);
    /// ```
    pub fn queued(&self) -> usize {
        self.shared.lock().queue.len()
    }

    /// Whether the receiver waits for a message now (it registered its waker with an
    /// empty mailbox, and no send has woken it since).
    ///
    /// ```
    /// let (tx, _rx) = pykka_core::rt::mailbox::mailbox::<u32>();
    /// assert!(!tx.receiver_waits()); // nobody received yet
    /// ```
    pub fn receiver_waits(&self) -> bool {
        self.shared.lock().waker.is_some()
    }

    fn push(&self, message: M) -> Result<(), M> {
        let mut state = self.shared.lock();
        if state.closed {
            return Err(message);
        }
        if state.queue.is_empty() {
            self.shared.queued.store(true, Ordering::Relaxed);
        }
        state.queue.push_back(message);
        let waker = state.waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }
}

impl<M> Clone for MailboxSender<M> {
    fn clone(&self) -> Self {
        self.shared.lock().senders += 1;
        MailboxSender {
            shared: self.shared.clone(),
        }
    }
}

impl<M> Drop for MailboxSender<M> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.senders -= 1;
        let waker = if state.senders == 0 {
            self.shared.queued.store(true, Ordering::Relaxed);
            state.waker.take()
        } else {
            None
        };
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<M> fmt::Debug for MailboxSender<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailboxSender").finish_non_exhaustive()
    }
}

/// Why [`MailboxReceiver::try_recv`] returned no message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing is queued now.
    Empty,
    /// Nothing is queued and every sender is gone.
    Disconnected,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryRecvError::Empty => "the mailbox is empty",
            TryRecvError::Disconnected => "the mailbox is empty and every sender is gone",
        })
    }
}

impl std::error::Error for TryRecvError {}

/// The receiving half of a [`mailbox`]; dropping it closes the mailbox.
///
/// # Examples
///
/// How a backend's receive uses it: take what is there, look without the lock, then
/// wait (here with a blocking `recv`; an executor task would `.await`
/// [`recv_async`](Self::recv_async)).
///
/// ```
/// use pykka_core::rt::mailbox::{self, TryRecvError};
///
/// let (tx, mut rx) = mailbox::mailbox();
/// tx.send("ask").unwrap();
/// assert!(rx.has_queued());
/// assert_eq!(rx.try_recv(), Ok("ask"));
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
///
/// tx.send("tell").unwrap();
/// assert_eq!(rx.recv(), Some("tell"));
/// drop(tx);
/// assert_eq!(rx.recv(), None);
/// ```
pub struct MailboxReceiver<M> {
    shared: Arc<Shared<M>>,
    /// Messages taken from the shared queue in one step, handed out one by one.
    buffer: VecDeque<M>,
}

impl<M> MailboxReceiver<M> {
    /// The next message if one is queued, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] when nothing is queued, [`TryRecvError::Disconnected`]
    /// when moreover every sender is gone.
    pub fn try_recv(&mut self) -> Result<M, TryRecvError> {
        if let Some(message) = self.buffer.pop_front() {
            return Ok(message);
        }
        if !self.shared.queued.load(Ordering::Relaxed) {
            // Possibly stale, which only delays a message to the next look or to the
            // locked check of a wait.
            return Err(TryRecvError::Empty);
        }
        let mut state = self.shared.lock();
        if let Some(message) = take_queued(&mut self.buffer, &self.shared.queued, &mut state) {
            return Ok(message);
        }
        if state.senders == 0 || state.closed {
            Err(TryRecvError::Disconnected)
        } else {
            Err(TryRecvError::Empty)
        }
    }

    /// Polls for the next message: `Ready(None)` once every sender is gone and nothing
    /// is queued; `Pending` registers `cx`'s waker, which the next send wakes.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<M>> {
        if let Some(message) = self.buffer.pop_front() {
            return Poll::Ready(Some(message));
        }
        let mut state = self.shared.lock();
        if let Some(message) = take_queued(&mut self.buffer, &self.shared.queued, &mut state) {
            return Poll::Ready(Some(message));
        }
        if state.senders == 0 || state.closed {
            return Poll::Ready(None);
        }
        if state.queue.capacity() == 0 {
            // About to wait with nothing queued: lend the drained receive buffer to
            // the senders, so that an idle actor keeps one buffer, not two; a buffer
            // that a burst grew is freed instead, or it would pass back and forth
            // between the two sides for the actor's whole life.
            if self.buffer.capacity() > KEEP_CAPACITY {
                self.buffer = VecDeque::new();
            }
            std::mem::swap(&mut self.buffer, &mut state.queue);
        }
        let replaced = match &state.waker {
            Some(waker) if waker.will_wake(cx.waker()) => None,
            _ => state.waker.replace(cx.waker().clone()),
        };
        drop(state);
        // Dropped outside the lock: a waker's drop may release the last handle of
        // something whose drop sends to this very mailbox.
        drop(replaced);
        Poll::Pending
    }

    /// Waits for the next message; `None` once every sender is gone and nothing is
    /// queued.
    ///
    /// The wait parks the calling context the way [`park`] decides: an OS
    /// thread parks its thread, a coroutine of a backend with a context of its own parks
    /// only its coroutine.
    pub fn recv(&mut self) -> Option<M> {
        // Looking first spares the context lookup of a wait when a message is there.
        match self.try_recv() {
            Ok(message) => return Some(message),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {}
        }
        park::wait_until(|cx| self.poll_recv(cx), None).flatten()
    }

    /// Waits for the next message without blocking the thread (the async form of
    /// [`recv`](Self::recv)).
    pub async fn recv_async(&mut self) -> Option<M> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Whether a message is (probably) waiting, read without taking the lock: meant for
    /// a receiver that looks at its mailbox repeatedly before it parks, so that looking
    /// does not contend with senders. `true` may be stale; follow it with a receive.
    pub fn has_queued(&self) -> bool {
        !self.buffer.is_empty() || self.shared.queued.load(Ordering::Relaxed)
    }
}

/// Moves everything queued into the (empty) receive buffer and returns the first
/// message; `None` if nothing was queued. Called under the lock (`state`).
fn take_queued<M>(
    buffer: &mut VecDeque<M>,
    queued: &AtomicBool,
    state: &mut State<M>,
) -> Option<M> {
    if state.queue.is_empty() {
        return None;
    }
    if state.senders > 0 {
        queued.store(false, Ordering::Relaxed);
    }
    if buffer.capacity() > KEEP_CAPACITY {
        *buffer = VecDeque::new();
    }
    std::mem::swap(buffer, &mut state.queue);
    buffer.pop_front()
}

impl<M> Drop for MailboxReceiver<M> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.closed = true;
        let queued = std::mem::take(&mut state.queue);
        let waker = state.waker.take();
        drop(state);
        // Dropped outside the lock: a message's drop may wake an asker or send.
        drop(queued);
        drop(waker);
        self.buffer.clear();
    }
}

impl<M: Send + 'static> MailboxReceiver<M> {
    /// A handle that can close this mailbox from outside without keeping it alive:
    /// for a runtime that must end every actor it runs when it shuts down.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = pykka_core::rt::mailbox::mailbox();
    /// let closer = rx.closer();
    /// tx.send(1).unwrap();
    /// assert!(closer.close());
    /// assert_eq!(tx.send(2), Err(2)); // refused
    /// assert_eq!(rx.recv(), None); // the queued message was dropped
    /// ```
    pub fn closer(&self) -> MailboxCloser {
        let shared: Arc<dyn Close> = self.shared.clone();
        MailboxCloser(Arc::downgrade(&shared))
    }
}

/// Closes a mailbox from outside (see [`MailboxReceiver::closer`]): later sends fail,
/// queued messages are dropped, and the receiver's next receive returns `None` once
/// its own buffer is empty. It does not keep the mailbox alive.
#[derive(Clone)]
pub struct MailboxCloser(Weak<dyn Close>);

trait Close: Send + Sync {
    fn close(&self);
    fn is_closed(&self) -> bool;
}

impl<M: Send> Close for Shared<M> {
    fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        self.queued.store(true, Ordering::Relaxed);
        let queued = std::mem::take(&mut state.queue);
        let waker = state.waker.take();
        drop(state);
        // Outside the lock: a message's drop may fail an ask and wake its asker.
        drop(queued);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn is_closed(&self) -> bool {
        self.lock().closed
    }
}

impl MailboxCloser {
    /// Closes the mailbox; `false` if it was already gone (its receiver dropped).
    pub fn close(&self) -> bool {
        match self.0.upgrade() {
            Some(shared) => {
                shared.close();
                true
            }
            None => false,
        }
    }

    /// Whether the mailbox is still open (its receiver is alive and it was not closed).
    pub fn is_live(&self) -> bool {
        self.0.upgrade().is_some_and(|shared| !shared.is_closed())
    }
}

impl fmt::Debug for MailboxCloser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailboxCloser")
            .field("live", &self.is_live())
            .finish()
    }
}

/// A mailbox is an inbox as it is: a backend that needs nothing more can name
/// `MailboxSender` and `MailboxReceiver` as its `Sender` and `Receiver` types.
impl<M: Send + 'static> crate::rt::InboxSender<M> for MailboxSender<M> {
    fn send(&self, message: M) -> Result<(), M> {
        MailboxSender::send(self, message)
    }

    fn queued(&self) -> Option<usize> {
        Some(MailboxSender::queued(self))
    }

    fn receiver_waits(&self) -> Option<bool> {
        Some(MailboxSender::receiver_waits(self))
    }
}

/// Receives without looking before it parks (`after_outside_ask` is ignored).
impl<M: Send + 'static> crate::rt::RecvBlocking<M> for MailboxReceiver<M> {
    fn recv(&mut self, _after_outside_ask: bool) -> Option<M> {
        MailboxReceiver::recv(self)
    }

    fn next_queued(&mut self) -> Option<M> {
        MailboxReceiver::try_recv(self).ok()
    }
}

/// Receives without looking before it waits (`after_outside_ask` is ignored).
impl<M: Send + 'static> crate::rt::RecvAsync<M> for MailboxReceiver<M> {
    fn recv_async(&mut self, _after_outside_ask: bool) -> impl Future<Output = Option<M>> + Send {
        poll_fn(|cx| self.poll_recv(cx))
    }

    fn next_queued(&mut self) -> Option<M> {
        MailboxReceiver::try_recv(self).ok()
    }
}

impl<M> fmt::Debug for MailboxReceiver<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailboxReceiver")
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    /// `recv`, but failing the test after a bound instead of hanging on a bug.
    fn recv_bounded<M>(rx: &mut MailboxReceiver<M>) -> Option<M> {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        park::wait_until(|cx| rx.poll_recv(cx), Some(deadline))
            .expect("a message or the disconnect within 10 s")
    }

    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn fifo_then_disconnected() {
        let (tx, mut rx) = mailbox();
        for i in 0..5 {
            tx.send(i).unwrap();
        }
        assert_eq!(rx.try_recv(), Ok(0));
        tx.send(5).unwrap();
        drop(tx);
        let rest: Vec<i32> = std::iter::from_fn(|| recv_bounded(&mut rx)).collect();
        assert_eq!(rest, vec![1, 2, 3, 4, 5]);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    }

    /// A waker whose drop sends to the mailbox it waited on.
    struct SendOnDrop(Mutex<Option<MailboxSender<u8>>>);
    impl std::task::Wake for SendOnDrop {
        fn wake(self: Arc<Self>) {}
    }
    impl Drop for SendOnDrop {
        fn drop(&mut self) {
            if let Some(tx) = self.0.lock().unwrap().take() {
                let _ = tx.send(9);
            }
        }
    }

    #[test]
    fn a_replaced_waker_is_dropped_outside_the_lock() {
        let (tx, mut rx) = mailbox::<u8>();
        let done = std::sync::mpsc::channel();
        let done_tx = done.0;
        // Runs where a deadlock can be seen without hanging the test: a helper thread.
        std::thread::spawn(move || {
            let first = std::task::Waker::from(Arc::new(SendOnDrop(Mutex::new(Some(tx)))));
            assert!(rx.poll_recv(&mut Context::from_waker(&first)).is_pending());
            drop(first); // the mailbox now holds the last handle of that waker
            let second = std::task::Waker::noop();
            // Replacing the waker drops the first one, which sends to this mailbox.
            let polled = rx.poll_recv(&mut Context::from_waker(second));
            let _ = done_tx.send(polled.is_pending());
            let _ = done_tx.send(rx.try_recv() == Ok(9));
        });
        let pending = done.1.recv_timeout(Duration::from_secs(10));
        assert_eq!(pending, Ok(true), "the receive deadlocked on its own lock");
        assert_eq!(done.1.recv_timeout(Duration::from_secs(10)), Ok(true));
    }

    #[test]
    fn empty_until_sent() {
        let (tx, mut rx) = mailbox::<u8>();
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        tx.send(7).unwrap();
        assert_eq!(rx.try_recv(), Ok(7));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    }

    #[test]
    fn dropping_the_receiver_drops_queued_and_refuses_later_sends() {
        let dropped = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = mailbox();
        for _ in 0..3 {
            tx.send(Counted(dropped.clone())).ok().unwrap();
        }
        // One message taken into the receiver's buffer, two still queued.
        drop(rx.try_recv().ok().unwrap());
        tx.send(Counted(dropped.clone())).ok().unwrap();
        assert_eq!(dropped.load(Ordering::SeqCst), 1);
        drop(rx);
        assert_eq!(dropped.load(Ordering::SeqCst), 4);
        let back = tx.send(Counted(dropped.clone())).err().unwrap();
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            4,
            "handed back, not dropped"
        );
        drop(back);
        assert_eq!(dropped.load(Ordering::SeqCst), 5);
    }

    #[test]
    fn a_waiting_receiver_is_woken_by_a_send_from_another_thread() {
        let (tx, mut rx) = mailbox();
        let sender = std::thread::spawn(move || {
            for i in 0..10_000u32 {
                tx.send(i).unwrap();
            }
        });
        let mut expected = 0;
        while let Some(i) = recv_bounded(&mut rx) {
            assert_eq!(i, expected);
            expected += 1;
        }
        assert_eq!(expected, 10_000);
        sender.join().unwrap();
    }

    #[test]
    fn racing_sends_are_either_refused_or_dropped_by_the_receivers_drop() {
        for _ in 0..200 {
            let dropped = Arc::new(AtomicUsize::new(0));
            let accepted = Arc::new(AtomicUsize::new(0));
            let (tx, rx) = mailbox();
            let senders: Vec<_> = (0..2)
                .map(|_| {
                    let (tx, dropped, accepted) = (tx.clone(), dropped.clone(), accepted.clone());
                    std::thread::spawn(move || {
                        for _ in 0..100 {
                            match tx.send(Counted(dropped.clone())) {
                                Ok(()) => {
                                    accepted.fetch_add(1, Ordering::SeqCst);
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
            assert_eq!(
                dropped.load(Ordering::SeqCst),
                accepted.load(Ordering::SeqCst)
            );
        }
    }

    #[test]
    fn a_burst_does_not_pin_its_buffer() {
        let (tx, mut rx) = mailbox();
        for i in 0..10_000 {
            tx.send(i).unwrap();
        }
        for _ in 0..10_000 {
            rx.try_recv().unwrap();
        }
        tx.send(1).unwrap();
        assert_eq!(rx.try_recv(), Ok(1));
        assert!(rx.buffer.capacity() <= KEEP_CAPACITY);
    }

    #[test]
    fn a_burst_into_an_idle_receiver_does_not_pin_its_buffer() {
        let (tx, mut rx) = mailbox();
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        for _ in 0..3 {
            // Idle: the receiver waits (and lends its buffer), then a burst comes.
            assert!(rx.poll_recv(&mut cx).is_pending());
            for i in 0..10_000 {
                tx.send(i).unwrap();
            }
            for _ in 0..10_000 {
                assert!(rx.poll_recv(&mut cx).is_ready());
            }
            assert!(rx.poll_recv(&mut cx).is_pending());
            let lent = rx.shared.lock().queue.capacity();
            assert!(rx.buffer.capacity() <= KEEP_CAPACITY);
            assert!(lent <= KEEP_CAPACITY, "a grown buffer was lent: {lent}");
        }
    }

    #[test]
    fn an_idle_receiver_keeps_one_buffer() {
        let (tx, mut rx) = mailbox();
        tx.send(1).unwrap();
        assert_eq!(rx.try_recv(), Ok(1));
        // The receiver holds the buffer of the first message; the next send would
        // allocate a second one, unless a waiting receiver lent its own.
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        assert!(rx.poll_recv(&mut cx).is_pending());
        assert_eq!(rx.buffer.capacity(), 0);
        assert!(rx.shared.lock().queue.capacity() > 0);
        tx.send(2).unwrap();
        assert_eq!(rx.try_recv(), Ok(2));
    }

    #[test]
    fn async_receive_and_the_queued_hint() {
        let (tx, mut rx) = mailbox();
        assert!(!rx.has_queued());
        tx.send(3).unwrap();
        assert!(rx.has_queued());
        let got = park::wait_until(
            |cx| {
                let fut = rx.recv_async();
                let mut fut = std::pin::pin!(fut);
                fut.as_mut().poll(cx)
            },
            None,
        );
        assert_eq!(got, Some(Some(3)));
        assert!(!rx.has_queued());
        tx.send(4).unwrap();
        assert_eq!(rx.try_recv(), Ok(4));
    }
}
