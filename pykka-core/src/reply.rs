//! [`Reply`]: Pykka's `Future`, a value that arrives later.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use crate::Failure;
use crate::actor_ref::Origin;
use crate::error::{ActorDeadError, AskError, DeadKind, DeadlockError, SetError, TimeoutError};
use crate::park::wait_until_hinted;
use crate::waiters::{Waiters, deadline_after, wake_all};

/// A value (or an error) that arrives later: Pykka's `Future`.
///
/// The name avoids a clash with [`std::future::Future`], which `Reply` also implements:
/// `reply.await` waits without blocking the thread that awaits it. Blocking getters
/// park the calling context the right way for every backend (an OS thread, a green
/// coroutine, a smol worker).
///
/// | Pykka                          | pykka                                              |
/// |--------------------------------|----------------------------------------------------|
/// | `future.get()`                 | [`get`](Reply::get) (`T: Clone`, repeatable) or [`take`](Reply::take) (moves the value out) |
/// | `future.get(timeout=t)`        | [`get_timeout`](Reply::get_timeout), [`get_deadline`](Reply::get_deadline), [`take_timeout`](Reply::take_timeout) |
/// | `future.set(v)`                | [`set`](Reply::set) (a second set is an error value) |
/// | `future.set_exception(e)`      | [`set_failure`](Reply::set_failure)               |
/// | `future.set_get_hook(f)`       | [`set_get_hook`](Reply::set_get_hook)             |
/// | `map`, `filter`, `join`, `reduce` | [`map`](Reply::map), [`filter`](Reply::filter), [`join`](Reply::join), [`reduce`](Reply::reduce) / [`fold`](Reply::fold) |
/// | `pykka.get_all(fs, timeout)`   | [`get_all`](crate::get_all), [`get_all_timeout`](crate::get_all_timeout) |
/// | (none; Pykka #69)              | [`is_ready`](Reply::is_ready)                      |
/// | `await future`                 | `reply.await` (truly non-blocking)                 |
///
/// A `Reply` is a cheap handle: clones share one slot. It is completed once; the value
/// stays for every later `get`. Combinators are lazy: they run when their result is
/// first asked for, pass the caller's timeout through to their sources, and are
/// computed once.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use pykka_core::Reply;
///
/// let reply = Reply::new();
/// let doubled = reply.clone().map(|v: u32| v * 2);
/// assert!(!reply.is_ready());
/// std::thread::spawn(move || reply.set(21).unwrap());
/// assert_eq!(doubled.get_timeout(Duration::from_secs(5)).unwrap(), 42);
/// assert_eq!(doubled.get().unwrap(), 42); // repeatable
/// ```
pub struct Reply<T> {
    shared: Arc<Shared<T>>,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    /// Set once the slot is no longer pending: lets a spinning waiter look without the
    /// lock.
    done: AtomicBool,
    /// Set once a get-hook or a combinator's source is installed: the value then comes
    /// from polling, so a waiter must not spin before its first poll.
    hooked: AtomicBool,
    /// The actor whose answer this is, and what an unused [`Completer`] completes the
    /// reply with: named in timeout errors, checked so that an actor never waits for
    /// its own answer.
    origin: Option<(Arc<Origin>, Orphan<T>)>,
}

/// What a reply gets when the message carrying its completer is dropped unhandled.
type Orphan<T> = fn(&Arc<str>) -> Result<T, AskError>;

struct State<T> {
    slot: Slot<T>,
    waiters: Waiters,
    lazy: Option<Box<dyn Lazy<T>>>,
    resolving: bool,
}

enum Slot<T> {
    Pending,
    Ready(Result<T, AskError>),
    Taken,
}

/// A deferred computation of a reply's value (a get-hook or a combinator).
trait Lazy<T>: Send {
    /// Computes the value, blocking until `deadline`. `Err(AskError::Timeout)` means "not
    /// yet": the computation is kept and retried by the next getter.
    fn resolve(
        &mut self,
        deadline: Option<Instant>,
        timeout: Option<Duration>,
    ) -> Result<T, AskError>;
    /// Computes the value without blocking, registering `cx`'s waker where it waits.
    fn poll_resolve(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<T, AskError>>;
}

impl<T> Clone for Reply<T> {
    fn clone(&self) -> Self {
        Reply {
            shared: self.shared.clone(),
        }
    }
}

impl<T: Send + 'static> Default for Reply<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send + 'static> fmt::Debug for Reply<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("ready", &self.is_ready())
            .finish_non_exhaustive()
    }
}

/// How a getter gets the value out of a ready slot.
type Extract<'a, T> = &'a dyn Fn(&mut Slot<T>) -> Result<T, AskError>;

fn extract_clone<T: Clone>(slot: &mut Slot<T>) -> Result<T, AskError> {
    match slot {
        Slot::Ready(r) => r.clone(),
        Slot::Taken => Err(AskError::Taken),
        Slot::Pending => unreachable!("extract on a pending slot"),
    }
}

fn extract_take<T>(slot: &mut Slot<T>) -> Result<T, AskError> {
    match std::mem::replace(slot, Slot::Taken) {
        Slot::Ready(Ok(v)) => Ok(v),
        Slot::Ready(Err(e)) => {
            *slot = Slot::Ready(Err(e.clone()));
            Err(e)
        }
        Slot::Taken => Err(AskError::Taken),
        Slot::Pending => unreachable!("extract on a pending slot"),
    }
}

impl<T: Send + 'static> Reply<T> {
    /// A reply that nothing has completed yet.
    pub fn new() -> Self {
        Reply::from_state(Slot::Pending, None)
    }

    fn for_actor(origin: Arc<Origin>, orphan: Orphan<T>) -> Self {
        let mut reply = Reply::from_state(Slot::Pending, None);
        Arc::get_mut(&mut reply.shared).expect("fresh").origin = Some((origin, orphan));
        reply
    }

    /// A reply that is already completed with `result`.
    ///
    /// ```
    /// let r = pykka_core::Reply::ready(Ok(5));
    /// assert!(r.is_ready());
    /// assert_eq!(r.get().unwrap(), 5);
    /// ```
    pub fn ready(result: Result<T, AskError>) -> Self {
        Reply::from_state(Slot::Ready(result), None)
    }

    fn from_state(slot: Slot<T>, lazy: Option<Box<dyn Lazy<T>>>) -> Self {
        let done = AtomicBool::new(!matches!(slot, Slot::Pending));
        let hooked = AtomicBool::new(lazy.is_some());
        Reply {
            shared: Arc::new(Shared {
                done,
                hooked,
                state: Mutex::new(State {
                    slot,
                    waiters: Waiters::default(),
                    lazy,
                    resolving: false,
                }),
                origin: None,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // No user code runs under this lock, so it cannot be poisoned by a panic of ours;
        // recover anyway rather than propagate someone else's panic.
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Completes the reply with `value`.
    ///
    /// # Errors
    ///
    /// [`SetError`] (with the value) if the reply was already completed or has a
    /// get-hook.
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        self.complete(Ok(value)).map_err(|r| match r {
            Ok(v) => SetError::new(v),
            Err(_) => unreachable!(),
        })
    }

    /// Completes the reply with a failure; getters get [`AskError::Failed`].
    ///
    /// # Errors
    ///
    /// [`SetError`] (with the failure) if the reply was already completed or has a
    /// get-hook.
    pub fn set_failure(&self, failure: Failure) -> Result<(), SetError<Failure>> {
        self.complete(Err(AskError::Failed(failure)))
            .map_err(|r| match r {
                Err(AskError::Failed(f)) => SetError::new(f),
                _ => unreachable!(),
            })
    }

    /// Completes the reply with any result; hands it back if already completed.
    pub(crate) fn complete(&self, result: Result<T, AskError>) -> Result<(), Result<T, AskError>> {
        let mut state = self.lock();
        if !matches!(state.slot, Slot::Pending) || state.lazy.is_some() || state.resolving {
            return Err(result);
        }
        state.slot = Slot::Ready(result);
        self.shared.done.store(true, Ordering::Release);
        let wakers = state.waiters.take();
        drop(state);
        wake_all(wakers);
        Ok(())
    }

    /// Installs a function that computes the value the first time it is asked for.
    ///
    /// The hook gets the getter's timeout (`None` for no timeout) and runs in the
    /// getter's context, once: its result is kept, except an
    /// [`AskError::Timeout`], after which the next getter calls it again. Awaiting a
    /// hooked reply runs the hook with no timeout on the awaiting thread.
    ///
    /// # Errors
    ///
    /// [`SetError`] if the reply is already completed or already has a hook.
    ///
    /// ```
    /// use pykka_core::Reply;
    ///
    /// let reply = Reply::new();
    /// reply.set_get_hook(|_timeout| Ok(7)).unwrap();
    /// assert_eq!(reply.get().unwrap(), 7);
    /// assert!(reply.set(8).is_err());
    /// ```
    pub fn set_get_hook<F>(&self, hook: F) -> Result<(), SetError<()>>
    where
        F: FnMut(Option<Duration>) -> Result<T, AskError> + Send + 'static,
    {
        let mut state = self.lock();
        if !matches!(state.slot, Slot::Pending) || state.lazy.is_some() || state.resolving {
            return Err(SetError::new(()));
        }
        state.lazy = Some(Box::new(Hook(hook)));
        self.shared.hooked.store(true, Ordering::Release);
        Ok(())
    }

    /// Whether the value (or an error) is there, so that a getter would not wait.
    ///
    /// A reply made by a combinator or with a get-hook reports `false` until it has been
    /// computed by a getter.
    pub fn is_ready(&self) -> bool {
        self.shared.done.load(Ordering::Acquire)
    }

    fn poll_with(
        &self,
        cx: &mut TaskContext<'_>,
        extract: Extract<'_, T>,
        blocking: Option<(Option<Instant>, Option<Duration>)>,
    ) -> Poll<Result<T, AskError>> {
        let mut state = self.lock();
        if !matches!(state.slot, Slot::Pending) {
            return Poll::Ready(extract(&mut state.slot));
        }
        if !state.resolving {
            if let Some(mut lazy) = state.lazy.take() {
                state.resolving = true;
                drop(state);
                let result = match blocking {
                    Some((deadline, timeout)) => Poll::Ready(lazy.resolve(deadline, timeout)),
                    None => lazy.poll_resolve(cx),
                };
                let mut state = self.lock();
                state.resolving = false;
                let wakers = state.waiters.take();
                let out = match result {
                    Poll::Ready(Err(AskError::Timeout(e))) => {
                        state.lazy = Some(lazy);
                        Poll::Ready(Err(AskError::Timeout(e)))
                    }
                    Poll::Pending => {
                        state.lazy = Some(lazy);
                        Poll::Pending
                    }
                    Poll::Ready(r) => {
                        state.slot = Slot::Ready(r);
                        self.shared.done.store(true, Ordering::Release);
                        Poll::Ready(extract(&mut state.slot))
                    }
                };
                drop(state);
                wake_all(wakers);
                return out;
            }
        }
        state.waiters.register(cx.waker());
        Poll::Pending
    }

    /// `take` with a deadline, for callers that have already ruled out waiting for
    /// their own actor (`ask` and the blocking stops check before they send).
    pub(crate) fn take_within(
        &self,
        deadline: Option<Instant>,
        timeout: Option<Duration>,
    ) -> Result<T, AskError> {
        self.wait_unchecked(&extract_take, deadline, timeout)
    }

    /// The actor whose answer this is, if any.
    fn origin(&self) -> Option<&Origin> {
        self.shared.origin.as_ref().map(|(o, _)| &**o)
    }

    fn wait_with(
        &self,
        extract: Extract<'_, T>,
        deadline: Option<Instant>,
        timeout: Option<Duration>,
    ) -> Result<T, AskError> {
        if let Some(origin) = self.origin() {
            let would_wait = deadline.is_none_or(|d| d > Instant::now());
            if would_wait && !self.is_ready() && origin.is_running_here() {
                return Err(AskError::Deadlock(DeadlockError::new(
                    origin.label().clone(),
                )));
            }
        }
        self.wait_unchecked(extract, deadline, timeout)
    }

    fn wait_unchecked(
        &self,
        extract: Extract<'_, T>,
        deadline: Option<Instant>,
        timeout: Option<Duration>,
    ) -> Result<T, AskError> {
        let timed_out = || {
            AskError::Timeout(TimeoutError::new(
                timeout,
                self.origin().map(|o| o.label().clone()),
            ))
        };
        wait_until_hinted(
            |cx| self.poll_with(cx, extract, Some((deadline, timeout))),
            || {
                self.shared.done.load(Ordering::Acquire)
                    || self.shared.hooked.load(Ordering::Acquire)
            },
            deadline,
        )
        .unwrap_or_else(|| Err(timed_out()))
    }

    /// Moves the value out, waiting as long as it takes. Later getters get
    /// [`AskError::Taken`]; an error stays for every getter.
    ///
    /// # Errors
    ///
    /// The [`AskError`] the reply was completed with, or [`AskError::Taken`].
    pub fn take(&self) -> Result<T, AskError> {
        self.wait_with(&extract_take, None, None)
    }

    /// Like [`take`](Reply::take), giving up after `timeout` (a zero timeout only looks).
    ///
    /// # Errors
    ///
    /// [`AskError::Timeout`] if nothing came in time; the reply stays usable.
    pub fn take_timeout(&self, timeout: Duration) -> Result<T, AskError> {
        self.wait_with(&extract_take, deadline_after(timeout), Some(timeout))
    }

    /// Like [`take`](Reply::take), giving up at `deadline`.
    ///
    /// # Errors
    ///
    /// [`AskError::Timeout`] if nothing came in time.
    pub fn take_deadline(&self, deadline: Instant) -> Result<T, AskError> {
        self.wait_with(&extract_take, Some(deadline), None)
    }

    /// Applies `f` to the value: a lazy reply computed once, on its first get.
    ///
    /// `f` receives the whole value (Pykka 2.0+), not each item. Errors pass through.
    /// The source's value is moved into `f`.
    pub fn map<U, F>(self, f: F) -> Reply<U>
    where
        U: Send + 'static,
        F: FnOnce(T) -> U + Send + 'static,
    {
        Reply::from_state(
            Slot::Pending,
            Some(Box::new(Map {
                source: self,
                f: Some(f),
            })),
        )
    }

    /// Keeps the items of the value for which `predicate` is true.
    ///
    /// ```
    /// let r = pykka_core::Reply::ready(Ok((1..20).filter(|n| n % 2 == 1).collect::<Vec<_>>()));
    /// assert_eq!(r.filter(|n| *n > 10).get().unwrap(), vec![11, 13, 15, 17, 19]);
    /// ```
    pub fn filter<I, P>(self, mut predicate: P) -> Reply<Vec<I>>
    where
        T: IntoIterator<Item = I>,
        I: Send + 'static,
        P: FnMut(&I) -> bool + Send + 'static,
    {
        self.map(move |v| v.into_iter().filter(|i| predicate(i)).collect())
    }

    /// Folds the items of the value from the left, starting with the first item.
    /// An empty value fails with [`AskError::Failed`].
    ///
    /// ```
    /// let r = pykka_core::Reply::ready(Ok(vec![1, 2, 3, 4]));
    /// assert_eq!(r.reduce(|a, b| a + b).get().unwrap(), 10);
    /// ```
    pub fn reduce<I, F>(self, f: F) -> Reply<I>
    where
        T: IntoIterator<Item = I>,
        I: Send + 'static,
        F: FnMut(I, I) -> I + Send + 'static,
    {
        let joined = self.map(move |v| {
            v.into_iter()
                .reduce(f)
                .ok_or_else(|| Failure::msg("reduce of an empty sequence with no initial value"))
        });
        Reply::from_state(Slot::Pending, Some(Box::new(Flatten(joined))))
    }

    /// Folds the items of the value from the left, starting with `initial` (Pykka's
    /// `reduce(func, initial)`).
    ///
    /// ```
    /// let r = pykka_core::Reply::ready(Ok(vec![1, 2, 3, 4]));
    /// assert_eq!(r.fold(5, |a, b| a + b).get().unwrap(), 15);
    /// ```
    pub fn fold<I, A, F>(self, initial: A, f: F) -> Reply<A>
    where
        T: IntoIterator<Item = I>,
        A: Send + 'static,
        F: FnMut(A, I) -> A + Send + 'static,
    {
        self.map(move |v| v.into_iter().fold(initial, f))
    }

    /// One reply with the values of `self` and `others`, in that order.
    ///
    /// ```
    /// use pykka_core::Reply;
    /// let (a, b) = (Reply::new(), Reply::new());
    /// let both = a.clone().join([b.clone()]);
    /// a.set(1).unwrap();
    /// b.set(2).unwrap();
    /// assert_eq!(both.get().unwrap(), vec![1, 2]);
    /// ```
    pub fn join(self, others: impl IntoIterator<Item = Reply<T>>) -> Reply<Vec<T>> {
        let sources: Vec<Reply<T>> = std::iter::once(self).chain(others).collect();
        let done = Vec::with_capacity(sources.len());
        Reply::from_state(Slot::Pending, Some(Box::new(Join { sources, done })))
    }
}

impl<T: Clone + Send + 'static> Reply<T> {
    /// The value, waiting as long as it takes. Repeatable: every call returns a clone.
    ///
    /// # Errors
    ///
    /// The [`AskError`] the reply was completed with (a dead actor, a failed handler).
    pub fn get(&self) -> Result<T, AskError> {
        self.wait_with(&extract_clone, None, None)
    }

    /// The value, waiting at most `timeout`. A zero timeout only looks.
    ///
    /// # Errors
    ///
    /// [`AskError::Timeout`] if nothing came in time (the reply stays usable), or the
    /// error the reply was completed with.
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, AskError> {
        self.wait_with(&extract_clone, deadline_after(timeout), Some(timeout))
    }

    /// The value, waiting until `deadline` at most. A past deadline only looks.
    ///
    /// # Errors
    ///
    /// [`AskError::Timeout`] if nothing came in time, or the error the reply was
    /// completed with.
    pub fn get_deadline(&self, deadline: Instant) -> Result<T, AskError> {
        self.wait_with(&extract_clone, Some(deadline), None)
    }
}

impl<T: Send + 'static> Future for Reply<T> {
    type Output = Result<T, AskError>;

    /// Awaiting moves the value out (as [`take`](Reply::take) does) without blocking.
    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        self.poll_with(cx, &extract_take, None)
    }
}

/// Waits for every reply in turn, all within one overall wait: Pykka's `get_all`.
///
/// # Errors
///
/// The first error met, in order.
///
/// ```
/// let replies = vec![pykka_core::Reply::ready(Ok(1)), pykka_core::Reply::ready(Ok(2))];
/// assert_eq!(pykka_core::get_all(&replies).unwrap(), vec![1, 2]);
/// ```
pub fn get_all<T: Clone + Send + 'static>(replies: &[Reply<T>]) -> Result<Vec<T>, AskError> {
    replies.iter().map(Reply::get).collect()
}

/// Like [`get_all`], with one timeout for the whole wait (not one per reply).
///
/// # Errors
///
/// [`AskError::Timeout`] if not all replies came in time, or the first error met.
pub fn get_all_timeout<T: Clone + Send + 'static>(
    replies: &[Reply<T>],
    timeout: Duration,
) -> Result<Vec<T>, AskError> {
    let deadline = deadline_after(timeout);
    replies
        .iter()
        .map(|r| r.wait_with(&extract_clone, deadline, Some(timeout)))
        .collect()
}

/// The completing side of a reply made for a message: if it is dropped without being
/// used (the actor died with the message queued), it completes the reply with the
/// reply's orphan value (see [`Shared::origin`]) so that no waiter hangs.
///
/// One pointer wide, so that envelopes stay small.
pub(crate) struct Completer<T: Send + 'static> {
    reply: Option<Reply<T>>,
}

impl<T: Send + 'static> Completer<T> {
    /// A reply and its completer; an unused completer fails the reply as "stopped before
    /// handling the message".
    pub(crate) fn pair(origin: Arc<Origin>) -> (Reply<T>, Completer<T>) {
        Self::pair_with(origin, |label| {
            Err(AskError::Dead(ActorDeadError::new(
                label.clone(),
                DeadKind::StoppedBeforeHandling,
            )))
        })
    }

    pub(crate) fn pair_with(origin: Arc<Origin>, orphan: Orphan<T>) -> (Reply<T>, Completer<T>) {
        let reply = Reply::for_actor(origin, orphan);
        let completer = Completer {
            reply: Some(reply.clone()),
        };
        (reply, completer)
    }

    pub(crate) fn complete(mut self, result: Result<T, AskError>) {
        if let Some(reply) = self.reply.take() {
            let _ = reply.complete(result);
        }
    }
}

impl<T: Send + 'static> Drop for Completer<T> {
    fn drop(&mut self) {
        if let Some(reply) = self.reply.take() {
            if let Some((origin, orphan)) = &reply.shared.origin {
                let _ = reply.complete(orphan(origin.label()));
            }
        }
    }
}

struct Hook<F>(F);

impl<T, F> Lazy<T> for Hook<F>
where
    F: FnMut(Option<Duration>) -> Result<T, AskError> + Send,
{
    fn resolve(&mut self, _: Option<Instant>, timeout: Option<Duration>) -> Result<T, AskError> {
        (self.0)(timeout)
    }
    fn poll_resolve(&mut self, _: &mut TaskContext<'_>) -> Poll<Result<T, AskError>> {
        Poll::Ready((self.0)(None))
    }
}

struct Map<T, F> {
    source: Reply<T>,
    f: Option<F>,
}

impl<T, U, F> Map<T, F>
where
    T: Send + 'static,
    F: FnOnce(T) -> U,
{
    fn apply(&mut self, r: Result<T, AskError>) -> Result<U, AskError> {
        let v = r?;
        let f = self.f.take().ok_or(AskError::Taken)?;
        Ok(f(v))
    }
}

impl<T, U, F> Lazy<U> for Map<T, F>
where
    T: Send + 'static,
    F: FnOnce(T) -> U + Send,
{
    fn resolve(
        &mut self,
        deadline: Option<Instant>,
        timeout: Option<Duration>,
    ) -> Result<U, AskError> {
        let r = self.source.wait_with(&extract_take, deadline, timeout);
        if let Err(AskError::Timeout(e)) = r {
            return Err(AskError::Timeout(e));
        }
        self.apply(r)
    }
    fn poll_resolve(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<U, AskError>> {
        match self.source.poll_with(cx, &extract_take, None) {
            Poll::Ready(r) => Poll::Ready(self.apply(r)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A reply of a `Result<T, Failure>` seen as a reply of `T`.
struct Flatten<T>(Reply<Result<T, Failure>>);

impl<T: Send + 'static> Lazy<T> for Flatten<T> {
    fn resolve(
        &mut self,
        deadline: Option<Instant>,
        timeout: Option<Duration>,
    ) -> Result<T, AskError> {
        self.0
            .wait_with(&extract_take, deadline, timeout)?
            .map_err(AskError::Failed)
    }
    fn poll_resolve(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<T, AskError>> {
        self.0
            .poll_with(cx, &extract_take, None)
            .map(|r| r?.map_err(AskError::Failed))
    }
}

struct Join<T> {
    sources: Vec<Reply<T>>,
    done: Vec<T>,
}

impl<T: Send + 'static> Lazy<Vec<T>> for Join<T> {
    fn resolve(
        &mut self,
        deadline: Option<Instant>,
        timeout: Option<Duration>,
    ) -> Result<Vec<T>, AskError> {
        while self.done.len() < self.sources.len() {
            let v = self.sources[self.done.len()].wait_with(&extract_take, deadline, timeout)?;
            self.done.push(v);
        }
        Ok(std::mem::take(&mut self.done))
    }
    fn poll_resolve(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<Vec<T>, AskError>> {
        while self.done.len() < self.sources.len() {
            match self.sources[self.done.len()].poll_with(cx, &extract_take, None) {
                Poll::Ready(Ok(v)) => self.done.push(v),
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(std::mem::take(&mut self.done)))
    }
}
