//! [`Reply`]: Pykka's `Future`, a value that arrives later.
//!
//! # The slot
//!
//! Every reply is one slot behind a mutex, shared by all its clones:
//!
//! ```text
//! Pending ──complete──▶ Ready ──take──▶ Taken
//! Lazy ──a getter takes the step──▶ Resolving ──done / panicked──▶ Ready
//!                                       └──not yet (deadline, pending)──▶ Lazy
//! ```
//!
//! User code (a get-hook, a combinator's function) runs only in `Resolving`, outside
//! the lock and under `catch_unwind`: whatever it does, the slot leaves `Resolving`
//! and every waiter is woken, so no reply can be left stuck by a panic.

mod combinators;
mod zip;

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;

// Quiet under `quiet_caught_panics`, like every panic pykka catches.
use crate::quiet::catch_unwind;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use crate::Failure;
use crate::actor_ref::Origin;
use crate::debug::Reserved;
use crate::debug::Waiting;
use crate::debug::wait_graph::{Activity, Answerable, Noted};
use crate::error::{ActorDeadError, AskError, DeadKind, DeadlockError, SetError, TimeoutError};
use crate::rt::park::{Parker, Waited, wait_until_hinted_on};
use crate::sync::{AtomicBool, Mutex, MutexGuard};
use crate::waiters::{WaitKey, Waiters, deadline_after, time_left, wake_all};

pub use combinators::{get_all, get_all_timeout};

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
/// | `pykka.get_all(fs, timeout)`   | [`get_all`](crate::get_all), [`get_all_timeout`](crate::get_all_timeout); of different types: [`zip`](Reply::zip), [`join!`](crate::join) |
/// | (none; Pykka #69)              | [`is_ready`](Reply::is_ready)                      |
/// | `await future`                 | `reply.await` (truly non-blocking)                 |
///
/// A `Reply` is a cheap handle: clones share one slot. It is completed once; the value
/// stays for every later `get`. Combinators are lazy: they run when their result is
/// first asked for, wait for their sources within the caller's deadline, and are
/// computed once. They *clone* their sources' values, so a source stays readable by
/// every handle: `get`, another `map`, a `join`.
///
/// # `get` and `take`
///
/// [`get`](Reply::get) clones the value and can be called any number of times, from
/// any clone. [`take`](Reply::take) and `.await` move the value out of the shared slot
/// for every clone: later getters, and combinators that had not computed their value
/// yet, get [`AskError::Taken`]. Take only from a reply you do not share (the one an
/// [`ask_nonblocking`](crate::ActorRef::ask_nonblocking) just gave you, say). Errors
/// are never taken: every getter sees them.
///
/// # Dropping a reply
///
/// Dropping a `Reply` (every clone of it) cancels nothing: the actor still handles the
/// message, as in Pykka when a future is never `get()`. Only the answer is lost, a
/// failure included (still logged at INFO), and the actor keeps running. To call for the
/// effect alone, say so: [`Proxy::defer`](crate::Proxy::defer),
/// [`deferred`](crate::Proxy::deferred) for a [`typed_proxy!`](crate::typed_proxy), or
/// [`tell`](crate::ActorRef::tell) (a failure then stops the actor, as for any told
/// message); `let _ = proxy.call(..)` does the same as dropping but trips clippy's
/// `let_underscore_future`.
///
/// # Who completes a reply
///
/// A reply made with [`Reply::new`] is completed by whoever calls [`set`](Reply::set)
/// or [`set_failure`](Reply::set_failure) first. A reply that answers an actor's
/// message (from `ask_nonblocking`, a proxy call or `stop_nonblocking`) is completed by
/// that actor only: `set` on it is refused, so no holder of a clone can answer in the
/// actor's place.
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
/// let setter = reply.clone();
/// std::thread::spawn(move || setter.set(21).unwrap());
/// assert_eq!(doubled.get_timeout(Duration::from_secs(5)).unwrap(), 42);
/// assert_eq!(doubled.get().unwrap(), 42); // repeatable
/// assert_eq!(reply.get().unwrap(), 21); // the source keeps its value
/// ```
pub struct Reply<T> {
    shared: Arc<Shared<T>>,
    /// This handle's place among the waiters while it is awaited as a future (or
    /// polled by a combinator that holds it).
    key: WaitKey,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    /// Set once the slot is no longer pending: lets a spinning waiter look without the
    /// lock.
    done: AtomicBool,
    /// The answer is awaited by a context outside the actor's backend; set once, when
    /// the reply is made (see [`RecvBlocking::recv`](crate::rt::RecvBlocking::recv)).
    outside: bool,
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
    /// For lazy replies polled as futures: the waker their step registers with its
    /// sources, which wakes every waiter of this reply (made on the first async poll).
    forward: Option<Waker>,
    /// Set by `forward` while a step runs, so that the step's "pending" is not
    /// trusted when its source completed meanwhile.
    notified: bool,
    /// The published waits of actors for this reply (their debug slot and wait id),
    /// marked answered when it completes (see [`Answerable`]).
    published: Noted,
}

enum Slot<T> {
    Pending,
    /// A get-hook or a combinator, not computed yet.
    Lazy(Box<dyn Lazy<T>>),
    /// A getter runs the lazy step, outside the lock.
    Resolving,
    Ready(Result<T, AskError>),
    Taken,
}

/// What a lazy step made.
enum Step<T> {
    Done(Result<T, AskError>),
    /// Nothing yet (a source's deadline passed, or a hook said so): the step stays
    /// and the next getter runs it again.
    NotYet,
}

/// A deferred computation of a reply's value (a get-hook or a combinator).
trait Lazy<T>: Send {
    /// Computes the value, waiting for sources until `deadline` at most.
    fn resolve(&mut self, deadline: Option<Instant>) -> Step<T>;
    /// Computes the value without blocking, registering `cx`'s waker where it waits.
    fn poll_resolve(&mut self, cx: &mut TaskContext<'_>) -> Poll<Step<T>>;
}

/// How a getter waits: blocking until a deadline, or polled as a future.
#[derive(Clone, Copy)]
enum Mode {
    Blocking(Option<Instant>),
    Async,
}

/// What one look at the slot gave.
enum Outcome<T> {
    Resolved(Result<T, AskError>),
    NotYet,
}

impl<T> Clone for Reply<T> {
    fn clone(&self) -> Self {
        Reply {
            shared: self.shared.clone(),
            key: WaitKey::default(),
        }
    }
}

impl<T> Drop for Reply<T> {
    fn drop(&mut self) {
        // A future dropped while it waited (a cancelled `.await`, a combinator never
        // computed) leaves the waiters.
        if self.key.is_set() && !self.shared.done.load(Ordering::Acquire) {
            forget(&self.shared, &mut self.key);
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
        _ => Err(AskError::Taken),
    }
}

fn extract_take<T>(slot: &mut Slot<T>) -> Result<T, AskError> {
    match std::mem::replace(slot, Slot::Taken) {
        Slot::Ready(Ok(v)) => Ok(v),
        Slot::Ready(Err(e)) => {
            *slot = Slot::Ready(Err(e.clone()));
            Err(e)
        }
        _ => Err(AskError::Taken),
    }
}

fn lock<T>(shared: &Shared<T>) -> MutexGuard<'_, State<T>> {
    // No user code runs under this lock, so it cannot be poisoned by a panic of ours;
    // recover anyway rather than propagate someone else's panic.
    shared.state.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes the waiter of `key`, dropping its waker after the lock is released.
fn forget<T>(shared: &Shared<T>, key: &mut WaitKey) {
    let removed = lock(shared).waiters.remove(key);
    drop(removed);
}

/// Completes a pending slot with `result`; hands it back if the slot is not pending.
fn complete<T>(shared: &Shared<T>, result: Result<T, AskError>) -> Result<(), Result<T, AskError>> {
    let mut state = lock(shared);
    if !matches!(state.slot, Slot::Pending) {
        return Err(result);
    }
    state.slot = Slot::Ready(result);
    shared.done.store(true, Ordering::Release);
    let wakers = state.waiters.take();
    let published = std::mem::take(&mut state.published);
    drop(state);
    published.mark_answered();
    wake_all(wakers);
    Ok(())
}

impl<T> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("done", &self.done.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl<T> Answerable for Shared<T> {
    fn note_waiter(&self, slot: &'static Activity, id: u64) -> bool {
        let mut state = lock(self);
        if !matches!(state.slot, Slot::Pending) {
            return false;
        }
        state.published.note(slot, id);
        true
    }
}

/// Wakes every waiter of a lazy reply when one of its step's sources is ready.
struct Forward<T>(Weak<Shared<T>>);

impl<T: Send + 'static> Wake for Forward<T> {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        if let Some(shared) = self.0.upgrade() {
            let mut state = lock(&shared);
            state.notified = true;
            let wakers = state.waiters.take();
            drop(state);
            wake_all(wakers);
        }
    }
}

/// One look at the slot: the value, "not yet", or `Pending` with `cx` registered under
/// `key`. A lazy step found in the slot is run here, by this caller.
fn poll_slot<T: Send + 'static>(
    shared: &Arc<Shared<T>>,
    cx: &mut TaskContext<'_>,
    extract: Extract<'_, T>,
    mode: Mode,
    key: &mut WaitKey,
) -> Poll<Outcome<T>> {
    let mut state = lock(shared);
    match state.slot {
        Slot::Ready(_) | Slot::Taken => {
            return Poll::Ready(Outcome::Resolved(extract(&mut state.slot)));
        }
        Slot::Pending | Slot::Resolving => {
            let replaced = state.waiters.register(key, cx.waker());
            drop(state);
            drop(replaced);
            return Poll::Pending;
        }
        Slot::Lazy(_) => {}
    }
    let Slot::Lazy(mut lazy) = std::mem::replace(&mut state.slot, Slot::Resolving) else {
        unreachable!("matched above")
    };
    state.notified = false;
    let forward = match mode {
        Mode::Async => Some(
            state
                .forward
                .get_or_insert_with(|| Waker::from(Arc::new(Forward(Arc::downgrade(shared)))))
                .clone(),
        ),
        Mode::Blocking(_) => None,
    };
    drop(state);

    let step = catch_unwind(AssertUnwindSafe(|| match (mode, &forward) {
        (Mode::Blocking(deadline), _) => Poll::Ready(lazy.resolve(deadline)),
        (Mode::Async, Some(forward)) => lazy.poll_resolve(&mut TaskContext::from_waker(forward)),
        (Mode::Async, None) => unreachable!("made above"),
    }));

    let mut state = lock(shared);
    let result = match step {
        Ok(Poll::Ready(Step::Done(result))) => result,
        Err(payload) => Err(AskError::Failed(Failure::from_panic(payload))),
        Ok(Poll::Ready(Step::NotYet)) => {
            state.slot = Slot::Lazy(lazy);
            let wakers = state.waiters.take();
            drop(state);
            // Others may wait longer than this caller: let them try again.
            wake_all(wakers);
            return Poll::Ready(Outcome::NotYet);
        }
        Ok(Poll::Pending) => {
            state.slot = Slot::Lazy(lazy);
            let replaced = state.waiters.register(key, cx.waker());
            let notified = std::mem::take(&mut state.notified);
            drop(state);
            drop(replaced);
            if notified {
                // A source became ready while the step ran: look again at once.
                cx.waker().wake_by_ref();
            }
            return Poll::Pending;
        }
    };
    state.slot = Slot::Ready(result);
    shared.done.store(true, Ordering::Release);
    let out = extract(&mut state.slot);
    let wakers = state.waiters.take();
    state.forward = None;
    drop(state);
    wake_all(wakers);
    // The step is spent; its drop runs user code (captured values), outside the lock
    // and without letting a panic there reach this getter.
    let _ = catch_unwind(AssertUnwindSafe(move || drop(lazy)));
    Poll::Ready(Outcome::Resolved(out))
}

impl<T: Send + 'static> Reply<T> {
    /// A reply that nothing has completed yet.
    pub fn new() -> Self {
        Reply::from_slot(Slot::Pending, None, false)
    }

    fn for_actor(
        origin: Arc<Origin>,
        orphan: Orphan<T>,
        outside: bool,
        reserved: Option<Reserved>,
    ) -> Self {
        Reply::from_parts(
            Slot::Pending,
            Some((origin, orphan)),
            outside,
            Noted::reserved(reserved),
        )
    }

    /// A reply that is already completed with `result`.
    ///
    /// ```
    /// let r = pykka_core::Reply::ready(Ok(5));
    /// assert!(r.is_ready());
    /// assert_eq!(r.get().unwrap(), 5);
    /// ```
    pub fn ready(result: Result<T, AskError>) -> Self {
        Reply::from_slot(Slot::Ready(result), None, false)
    }

    /// A reply whose value `lazy` computes on the first get.
    fn lazy(lazy: Box<dyn Lazy<T>>) -> Self {
        Reply::from_slot(Slot::Lazy(lazy), None, false)
    }

    fn from_slot(slot: Slot<T>, origin: Option<(Arc<Origin>, Orphan<T>)>, outside: bool) -> Self {
        Reply::from_parts(slot, origin, outside, Noted::default())
    }

    fn from_parts(
        slot: Slot<T>,
        origin: Option<(Arc<Origin>, Orphan<T>)>,
        outside: bool,
        published: Noted,
    ) -> Self {
        let done = AtomicBool::new(matches!(slot, Slot::Ready(_)));
        let hooked = AtomicBool::new(matches!(slot, Slot::Lazy(_)));
        Reply {
            shared: Arc::new(Shared {
                done,
                hooked,
                state: Mutex::new(State {
                    slot,
                    waiters: Waiters::default(),
                    forward: None,
                    notified: false,
                    published,
                }),
                origin,
                outside,
            }),
            key: WaitKey::default(),
        }
    }

    /// Completes the reply with `value`.
    ///
    /// # Errors
    ///
    /// [`SetError`] (with the value) if the reply was already completed, has a
    /// get-hook, or answers an actor's message (only the actor completes those).
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        self.set_result(Ok(value)).map_err(|(r, owned)| {
            let Ok(v) = r else {
                unreachable!("set hands back what it got")
            };
            if owned {
                SetError::owned(v)
            } else {
                SetError::new(v)
            }
        })
    }

    /// Completes the reply with a failure; getters get [`AskError::Failed`].
    ///
    /// # Errors
    ///
    /// [`SetError`] (with the failure) if the reply was already completed, has a
    /// get-hook, or answers an actor's message.
    pub fn set_failure(&self, failure: Failure) -> Result<(), SetError<Failure>> {
        self.set_result(Err(AskError::Failed(failure)))
            .map_err(|(r, owned)| {
                let Err(AskError::Failed(f)) = r else {
                    unreachable!("set_failure hands back what it got")
                };
                if owned {
                    SetError::owned(f)
                } else {
                    SetError::new(f)
                }
            })
    }

    /// Completes the reply with `error`, which getters then get as it is: for errors
    /// that are not a handler's failure, such as a remote transport's dead actor or
    /// timeout (for a failure, [`set_failure`](Reply::set_failure)).
    ///
    /// # Errors
    ///
    /// [`SetError`] (with the error) if the reply was already completed, has a
    /// get-hook, or answers an actor's message.
    ///
    /// ```
    /// use pykka_core::{ActorDeadError, AskError, DeadKind, Reply};
    ///
    /// let reply = Reply::<u32>::new();
    /// let dead = ActorDeadError::for_actor("player", DeadKind::NotFound);
    /// reply.set_error(AskError::Dead(dead)).unwrap();
    /// assert!(matches!(reply.get(), Err(AskError::Dead(_))));
    /// ```
    pub fn set_error(&self, error: AskError) -> Result<(), SetError<AskError>> {
        self.set_result(Err(error)).map_err(|(r, owned)| {
            let Err(e) = r else {
                unreachable!("set_error hands back what it got")
            };
            if owned {
                SetError::owned(e)
            } else {
                SetError::new(e)
            }
        })
    }

    /// `set` for users: refused for a reply that answers an actor's message.
    #[allow(clippy::type_complexity)]
    fn set_result(&self, result: Result<T, AskError>) -> Result<(), (Result<T, AskError>, bool)> {
        if self.shared.origin.is_some() {
            return Err((result, true));
        }
        complete(&self.shared, result).map_err(|r| (r, false))
    }

    /// Installs a function that computes the value the first time it is asked for.
    ///
    /// The hook gets the time the getter has left (`None` for no timeout; from
    /// [`get_all_timeout`] and `get_deadline`, what remains of the one deadline) and
    /// runs in the getter's context, once: its result is kept, except an
    /// [`AskError::Timeout`], which means "not yet": the getter then times out and the
    /// next getter calls the hook again. A hook that panics completes the reply with
    /// [`AskError::Failed`] (the panic's message) for every getter. Awaiting a hooked
    /// reply runs the hook with no timeout on the awaiting thread.
    ///
    /// # Errors
    ///
    /// [`SetError`] if the reply is already completed, already has a hook, or answers
    /// an actor's message.
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
        if self.shared.origin.is_some() {
            return Err(SetError::owned(()));
        }
        let mut state = lock(&self.shared);
        if !matches!(state.slot, Slot::Pending) {
            return Err(SetError::new(()));
        }
        state.slot = Slot::Lazy(Box::new(Hook(hook)));
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

    /// The actor whose answer this is, if any.
    fn origin(&self) -> Option<&Origin> {
        self.shared.origin.as_ref().map(|(o, _)| &**o)
    }

    fn timed_out(&self, timeout: Option<Duration>) -> AskError {
        AskError::Timeout(TimeoutError::new(
            timeout,
            self.origin().map(|o| o.label().clone()),
        ))
    }

    /// Polls this handle as a future would, with its own waiter key.
    fn poll_own(&mut self, cx: &mut TaskContext<'_>, extract: Extract<'_, T>) -> Poll<Outcome<T>> {
        poll_slot(&self.shared, cx, extract, Mode::Async, &mut self.key)
    }

    /// Waits until `deadline` at most, refusing a wait of an actor for its own answer;
    /// `None` when the deadline passed (or a lazy step said "not yet").
    fn wait_for(
        &self,
        extract: Extract<'_, T>,
        deadline: Option<Instant>,
    ) -> Option<Result<T, AskError>> {
        if let Some(origin) = self.origin() {
            let would_wait = deadline.is_none_or(|d| d > Instant::now());
            if would_wait && !self.is_ready() && origin.is_running_here() {
                return Some(Err(AskError::Deadlock(DeadlockError::new(
                    origin.label().clone(),
                ))));
            }
        }
        self.wait_unchecked(extract, deadline, Parker::current(), None)
    }

    /// Waits on the calling context's `parker`; `reserved`: the wait that this
    /// reply noted when it was made (a blocking ask's).
    fn wait_unchecked(
        &self,
        extract: Extract<'_, T>,
        deadline: Option<Instant>,
        parker: Parker,
        reserved: Option<Reserved>,
    ) -> Option<Result<T, AskError>> {
        let mut key = WaitKey::default();
        let what = match (self.origin(), reserved) {
            (Some(origin), Some(reserved)) => Waiting::Noted(origin, &*self.shared, reserved),
            (origin, _) => Waiting::Reply(origin, Some(&*self.shared)),
        };
        let waited = wait_until_hinted_on(
            parker,
            |cx| match poll_slot(
                &self.shared,
                cx,
                extract,
                Mode::Blocking(deadline),
                &mut key,
            ) {
                Poll::Ready(Outcome::Resolved(r)) => Poll::Ready(Some(r)),
                Poll::Ready(Outcome::NotYet) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            },
            || {
                self.shared.done.load(Ordering::Acquire)
                    || self.shared.hooked.load(Ordering::Acquire)
            },
            deadline,
            what,
        );
        let out = match waited {
            Waited::Ready(out) => out,
            Waited::TimedOut => None,
            Waited::Deadlock(e) => Some(Err(AskError::Deadlock(e))),
        };
        if out.is_none() && key.is_set() {
            forget(&self.shared, &mut key);
        }
        out
    }

    fn get_with(
        &self,
        extract: Extract<'_, T>,
        deadline: Option<Instant>,
        timeout: Option<Duration>,
    ) -> Result<T, AskError> {
        self.wait_for(extract, deadline)
            .unwrap_or_else(|| Err(self.timed_out(timeout)))
    }

    /// `take` with a deadline, for callers that have already ruled out waiting for
    /// their own actor (`ask` and the blocking stops check before they send).
    pub(crate) fn take_within(
        &self,
        deadline: Option<Instant>,
        timeout: Option<Duration>,
    ) -> Result<T, AskError> {
        self.take_noted(Parker::current(), None, deadline, timeout)
    }

    /// [`take_within`](Self::take_within) for a blocking ask: on the `parker` it
    /// looked up, with the wait it reserved (see [`Reserved`]).
    pub(crate) fn take_noted(
        &self,
        parker: Parker,
        reserved: Option<Reserved>,
        deadline: Option<Instant>,
        timeout: Option<Duration>,
    ) -> Result<T, AskError> {
        self.wait_unchecked(&extract_take, deadline, parker, reserved)
            .unwrap_or_else(|| Err(self.timed_out(timeout)))
    }

    /// Moves the value out, waiting as long as it takes. Later getters of every clone
    /// get [`AskError::Taken`]; an error stays for every getter.
    ///
    /// # Errors
    ///
    /// The [`AskError`] the reply was completed with, or [`AskError::Taken`].
    pub fn take(&self) -> Result<T, AskError> {
        self.get_with(&extract_take, None, None)
    }

    /// Like [`take`](Reply::take), giving up after `timeout` (a zero timeout only looks).
    ///
    /// # Errors
    ///
    /// [`AskError::Timeout`] if nothing came in time; the reply stays usable.
    pub fn take_timeout(&self, timeout: Duration) -> Result<T, AskError> {
        self.get_with(&extract_take, deadline_after(timeout), Some(timeout))
    }

    /// Like [`take`](Reply::take), giving up at `deadline`.
    ///
    /// # Errors
    ///
    /// [`AskError::Timeout`] if nothing came in time.
    pub fn take_deadline(&self, deadline: Instant) -> Result<T, AskError> {
        self.get_with(&extract_take, Some(deadline), None)
    }
}

impl<T: Clone + Send + 'static> Reply<T> {
    /// The value, waiting as long as it takes. Repeatable: every call returns a clone.
    ///
    /// # Errors
    ///
    /// The [`AskError`] the reply was completed with (a dead actor, a failed handler).
    pub fn get(&self) -> Result<T, AskError> {
        self.get_with(&extract_clone, None, None)
    }

    /// The value, waiting at most `timeout`. A zero timeout only looks.
    ///
    /// # Errors
    ///
    /// [`AskError::Timeout`] if nothing came in time (the reply stays usable), or the
    /// error the reply was completed with.
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, AskError> {
        self.get_with(&extract_clone, deadline_after(timeout), Some(timeout))
    }

    /// The value, waiting until `deadline` at most. A past deadline only looks.
    ///
    /// # Errors
    ///
    /// [`AskError::Timeout`] if nothing came in time, or the error the reply was
    /// completed with.
    pub fn get_deadline(&self, deadline: Instant) -> Result<T, AskError> {
        self.get_with(&extract_clone, Some(deadline), None)
    }
}

impl<T: Send + 'static> Future for Reply<T> {
    type Output = Result<T, AskError>;

    /// Awaiting moves the value out (as [`take`](Reply::take) does) without blocking.
    /// A future dropped before it is ready leaves no waker behind.
    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match this.poll_own(cx, &extract_take) {
            Poll::Ready(Outcome::Resolved(r)) => Poll::Ready(r),
            Poll::Ready(Outcome::NotYet) => Poll::Ready(Err(this.timed_out(None))),
            Poll::Pending => {
                // Awaited by an async handler: its wait for the actor that answers is
                // published, and refused if it closes a cycle (see `debug::awaits`).
                let Some((origin, _)) = &this.shared.origin else {
                    return Poll::Pending;
                };
                match crate::debug::awaits::awaiting(origin, &*this.shared) {
                    Ok(()) => Poll::Pending,
                    Err(deadlock) => this.refused(deadlock),
                }
            }
        }
    }
}

impl<T: Send + 'static> Reply<T> {
    /// An await refused as closing a cycle: out of line, so that the await path stays
    /// small where it is inlined.
    #[cold]
    #[inline(never)]
    fn refused(&mut self, deadlock: DeadlockError) -> Poll<Result<T, AskError>> {
        forget(&self.shared, &mut self.key);
        Poll::Ready(Err(AskError::Deadlock(deadlock)))
    }
}

/// The completing side of a reply made for a message: if it is dropped without being
/// used (the actor died with the message queued), it completes the reply with the
/// reply's orphan value (see [`Shared::origin`]) so that no waiter hangs.
///
/// One pointer wide, so that envelopes stay small.
pub(crate) struct Completer<T: Send + 'static> {
    shared: Option<Arc<Shared<T>>>,
}

impl<T: Send + 'static> Completer<T> {
    /// A reply and its completer; an unused completer fails the reply as "stopped before
    /// handling the message".
    /// `reserved`: the asker's wait, noted in the reply (a blocking ask's).
    pub(crate) fn pair(
        origin: Arc<Origin>,
        outside: bool,
        reserved: Option<Reserved>,
    ) -> (Reply<T>, Completer<T>) {
        Self::pair_parts(
            origin,
            |label| {
                Err(AskError::Dead(ActorDeadError::new(
                    label.clone(),
                    DeadKind::StoppedBeforeHandling,
                )))
            },
            outside,
            reserved,
        )
    }

    /// `pair` with the reply's orphan value; `outside`: the answer is awaited from
    /// outside the actor's backend.
    pub(crate) fn pair_with(
        origin: Arc<Origin>,
        orphan: Orphan<T>,
        outside: bool,
    ) -> (Reply<T>, Completer<T>) {
        Self::pair_parts(origin, orphan, outside, None)
    }

    fn pair_parts(
        origin: Arc<Origin>,
        orphan: Orphan<T>,
        outside: bool,
        reserved: Option<Reserved>,
    ) -> (Reply<T>, Completer<T>) {
        let reply = Reply::for_actor(origin, orphan, outside, reserved);
        let completer = Completer {
            shared: Some(reply.shared.clone()),
        };
        (reply, completer)
    }

    /// Whether every handle of the reply is gone, so that nobody can read what this
    /// completer would complete.
    pub(crate) fn is_abandoned(&self) -> bool {
        self.shared
            .as_ref()
            .is_none_or(|shared| Arc::strong_count(shared) == 1)
    }

    /// Completes the reply; returns whether its answer was awaited from outside the
    /// actor's backend.
    pub(crate) fn complete(mut self, result: Result<T, AskError>) -> bool {
        match self.shared.take() {
            Some(shared) => {
                let _ = complete(&shared, result);
                shared.outside
            }
            None => false,
        }
    }
}

impl<T: Send + 'static> Drop for Completer<T> {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.take() {
            if let Some((origin, orphan)) = &shared.origin {
                let _ = complete(&shared, orphan(origin.label()));
            }
        }
    }
}

/// A get-hook as a lazy step.
struct Hook<F>(F);

impl<T, F> Lazy<T> for Hook<F>
where
    F: FnMut(Option<Duration>) -> Result<T, AskError> + Send,
{
    fn resolve(&mut self, deadline: Option<Instant>) -> Step<T> {
        match (self.0)(time_left(deadline)) {
            Err(AskError::Timeout(_)) => Step::NotYet,
            result => Step::Done(result),
        }
    }
    fn poll_resolve(&mut self, _: &mut TaskContext<'_>) -> Poll<Step<T>> {
        Poll::Ready(self.resolve(None))
    }
}

#[cfg(test)]
mod tests;
