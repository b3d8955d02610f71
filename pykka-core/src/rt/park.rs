//! How the calling context waits: the one place where pykka blocks.
//!
//! Every blocking operation of pykka ([`Reply::get`](crate::Reply::get),
//! [`ActorRef::ask`](crate::ActorRef::ask), [`Event::wait`](crate::Event::wait),
//! blocking stops) ends in [`wait_until`], which parks *the calling context* until a
//! [`Waker`] wakes it or a deadline passes. What "the calling context" is depends on
//! who calls, not on which actor is waited for: a green actor that asks a thread actor
//! must park its coroutine, not its worker thread. So the parking strategy is chosen at
//! the moment of the wait, from the [`WaitContext`](super::context::WaitContext) of the
//! calling context's backend (see [`context`](super::context)). A plain OS thread (the
//! default) parks with [`std::thread::park_timeout`].

use std::convert::Infallible;
use std::fmt;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context as TaskContext, Poll, Wake, Waker};
#[cfg(not(loom))]
use std::thread::{self, Thread};
// Under loom the plain-thread parker is loom's: std's park would block the one OS
// thread that runs every loom thread.
#[cfg(loom)]
use loom::thread::{self, Thread};
use std::time::Instant;

use crate::debug::{self, Waiting};
use crate::error::DeadlockError;

/// A way to block one execution context (an OS thread, a coroutine, an executor
/// worker) until it is unparked.
///
/// Implemented by backends; used only through a [`Parker`].
///
/// # Requirements
///
/// - [`park`](Park::park) blocks the *calling* context until [`unpark`](Park::unpark)
///   is called (before or during the park: an unpark that comes first makes the next
///   park return at once), or until `deadline` passes. It may return spuriously.
/// - [`unpark`](Park::unpark) may be called from any thread, coroutine or task, any
///   number of times.
pub trait Park: Send + Sync + 'static {
    /// Blocks the calling context until unparked or until `deadline` (if any) passes.
    fn park(&self, deadline: Option<Instant>);
    /// Wakes the context that parks (or will next park) on this value.
    fn unpark(&self);
}

/// A [`Park`] together with the [`Waker`] that unparks it.
///
/// # Examples
///
/// ```
/// use pykka_core::rt::park::Parker;
///
/// let parker = Parker::current();
/// parker.waker().wake_by_ref();
/// parker.park(None); // returns at once: the wake came first
/// ```
///
/// Cloning it is one reference-count increment: every blocking wait takes the calling
/// context's parker.
#[derive(Clone)]
pub struct Parker(Arc<ParkerInner>);

struct ParkerInner {
    park: Arc<dyn Park>,
    waker: Waker,
    /// Whether a wait spins and yields before parking (plain OS threads only).
    spins: bool,
    /// The debug slot of the actor whose loop holds this context for life (a coroutine
    /// actor's), or 0: how a wait inside its hooks finds the actor.
    actor: AtomicU64,
}

struct WakeAdapter(Arc<dyn Park>);

impl Wake for WakeAdapter {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

impl Parker {
    /// Wraps a backend's [`Park`] and builds the [`Waker`] that unparks it.
    pub fn new(park: Arc<dyn Park>) -> Self {
        Self::with_spinning(park, false)
    }

    fn with_spinning(park: Arc<dyn Park>, spins: bool) -> Self {
        let waker = Waker::from(Arc::new(WakeAdapter(park.clone())));
        Parker(Arc::new(ParkerInner {
            park,
            waker,
            spins,
            actor: AtomicU64::new(0),
        }))
    }

    /// The parker for the calling context: its backend's (see
    /// [`context`](super::context) for how it is found), else the calling OS thread's.
    pub fn current() -> Parker {
        super::context::current_parker()
    }

    /// The calling OS thread's own parker (it spins a little before it parks).
    pub(crate) fn for_thread() -> Parker {
        THREAD_PARKER.with(|p| p.clone())
    }

    /// The waker that unparks this parker.
    pub fn waker(&self) -> &Waker {
        &self.0.waker
    }

    /// Blocks until woken or until `deadline` passes (it may return spuriously).
    pub fn park(&self, deadline: Option<Instant>) {
        self.0.park.park(deadline);
    }

    /// Whether waits spin and yield before parking (a plain OS thread's parker).
    pub(crate) fn spins(&self) -> bool {
        self.0.spins
    }

    /// Marks this context as running the actor of debug slot `actor` for its life.
    pub(crate) fn mark_actor(&self, actor: u64) {
        self.0.actor.store(actor, Ordering::Relaxed);
    }

    /// Clears the mark, if it is still `actor`'s (a reused parker may carry another's).
    pub(crate) fn unmark_actor(&self, actor: u64) {
        let _ = self
            .0
            .actor
            .compare_exchange(actor, 0, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// The mark (0 for none).
    pub(crate) fn actor_mark(&self) -> u64 {
        self.0.actor.load(Ordering::Relaxed)
    }
}

impl fmt::Debug for Parker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parker").finish_non_exhaustive()
    }
}

/// The default [`Park`]: the OS thread's own park token.
struct ThreadPark(Thread);

impl Park for ThreadPark {
    fn park(&self, deadline: Option<Instant>) {
        match deadline {
            None => thread::park(),
            #[cfg(not(loom))]
            Some(deadline) => {
                let now = Instant::now();
                if deadline > now {
                    thread::park_timeout(deadline - now);
                }
            }
            // loom has no `park_timeout`: a wait with a deadline yields instead (a
            // spurious return, which `Park` allows); the models wait without one.
            #[cfg(loom)]
            Some(_) => thread::yield_now(),
        }
    }
    fn unpark(&self) {
        self.0.unpark();
    }
}

#[cfg(not(loom))]
thread_local! {
    static THREAD_PARKER: Parker =
        Parker::with_spinning(Arc::new(ThreadPark(thread::current())), true);
}

// Under loom: a thread-local per loom thread (std's would be shared by all of them,
// which run on one OS thread), and no spinning, whose rounds of spin hints and yields
// would only blow up the interleavings loom explores.
#[cfg(loom)]
loom::thread_local! {
    static THREAD_PARKER: Parker =
        Parker::with_spinning(Arc::new(ThreadPark(thread::current())), false);
}

/// Polls `poll` until it is ready, parking the calling context in between; gives up
/// (returns `None`) once `deadline` has passed.
///
/// `poll` must register the waker it is given before it returns `Pending`, as any
/// `Future::poll` does. A deadline already in the past polls once and does not park.
///
/// # Examples
///
/// ```
/// use std::task::Poll;
/// use std::time::Instant;
///
/// let mut n = 0;
/// let out = pykka_core::rt::park::wait_until(
///     |cx| {
///         n += 1;
///         if n == 3 { Poll::Ready(n) } else { cx.waker().wake_by_ref(); Poll::Pending }
///     },
///     None,
/// );
/// assert_eq!(out, Some(3));
/// assert_eq!(pykka_core::rt::park::wait_until(|_| Poll::<()>::Pending, Some(Instant::now())), None);
/// ```
pub fn wait_until<T>(
    poll: impl FnMut(&mut TaskContext<'_>) -> Poll<T>,
    deadline: Option<Instant>,
) -> Option<T> {
    // Untracked (an actor idle on its inbox is the hottest wait of all): no
    // publication, and an error type with no values.
    match wait_loop(
        Parker::current(),
        poll,
        || true,
        deadline,
        |_| Ok::<(), Infallible>(()),
    ) {
        Ok(out) => out,
        Err(never) => match never {},
    }
}

/// Runs `recv`, a blocking receive of the calling actor's next message, with the actor
/// shown as idle meanwhile by [`debug::snapshot`].
///
/// For a backend whose inbox cannot tell whether its receiver waits
/// ([`InboxSender::receiver_waits`](crate::rt::InboxSender::receiver_waits)); call it
/// only on the slow path, where the receive is about to block (it publishes a record).
/// Outside an actor's loop it only runs `recv`.
///
/// ```
/// use pykka_core::rt::park::waiting_for_messages;
/// assert_eq!(waiting_for_messages(|| 7), 7);
/// ```
pub fn waiting_for_messages<T>(recv: impl FnOnce() -> T) -> T {
    let _idle = debug::idle_guard();
    recv()
}

/// Runs an async handler's future to its end on the calling context, which parks
/// (its thread or coroutine, through its [`Parker`]) whenever the future is pending.
/// A future that is ready at once (every synchronous handler's) costs one poll with
/// a no-op waker, and no parker.
pub(crate) fn block_on_handler<F: std::future::Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let mut noop = TaskContext::from_waker(std::task::Waker::noop());
    if let Poll::Ready(v) = fut.as_mut().poll(&mut noop) {
        return v;
    }
    // Suspended: from now on each poll publishes what the handler awaits (a reply's
    // actor, checked for a cycle, or "awaiting"), and the wait itself publishes nothing.
    let parker = Parker::current();
    let mut record =
        debug::awaits::AwaitRecord::parked(debug::current_actor(&parker), parker.spins());
    loop {
        // Without a deadline, the wait ends only when the future is ready.
        if let Some(v) = wait_until(|cx| record.poll(|| fut.as_mut().poll(cx)), None) {
            return v;
        }
    }
}

/// [`wait_until`] for a wait that the debug helpers show as waiting for `what` (it
/// cannot close an ask cycle: only a reply's wait can).
pub(crate) fn wait_for<T>(
    poll: impl FnMut(&mut TaskContext<'_>) -> Poll<T>,
    deadline: Option<Instant>,
    what: Waiting<'_>,
) -> Option<T> {
    match wait_until_hinted(poll, || true, deadline, what) {
        Waited::Ready(v) => Some(v),
        Waited::TimedOut | Waited::Deadlock(_) => None,
    }
}

/// How a wait ended.
pub(crate) enum Waited<T> {
    Ready(T),
    TimedOut,
    /// Refused before parking: it would have closed an ask cycle.
    Deadlock(DeadlockError),
}

/// [`wait_until`] with a cheap readiness hint: while a plain thread spins before
/// parking, it calls `ready` (say, an atomic load) and polls only when that says the
/// value may be there, instead of polling (and locking) on every round.
///
/// A plain thread also spins *before* its first poll while `ready` says no: a value
/// that comes within that first microsecond or so then costs the waiter no waker
/// registration and its producer no wake-up. `ready` must therefore say yes whenever
/// polling could make progress by itself (a reply with a get-hook), not only when the
/// value is there.
///
/// Before it first parks, the wait is published for the debug helpers as a wait for
/// `what`; a wait for an actor's reply that would close an ask cycle is refused then.
pub(crate) fn wait_until_hinted<T>(
    poll: impl FnMut(&mut TaskContext<'_>) -> Poll<T>,
    ready: impl Fn() -> bool,
    deadline: Option<Instant>,
    what: Waiting<'_>,
) -> Waited<T> {
    wait_until_hinted_on(Parker::current(), poll, ready, deadline, what)
}

/// [`wait_until_hinted`] on the calling context's `parker`, already looked up.
pub(crate) fn wait_until_hinted_on<T>(
    parker: Parker,
    poll: impl FnMut(&mut TaskContext<'_>) -> Poll<T>,
    ready: impl Fn() -> bool,
    deadline: Option<Instant>,
    what: Waiting<'_>,
) -> Waited<T> {
    // Ends the published wait when the wait ends, however it ends.
    let mut published: Option<debug::WaitGuard> = None;
    let before_park = |parker: &Parker| {
        if published.is_none() {
            published = Some(debug::begin_wait(parker, what)?);
        }
        Ok(())
    };
    match wait_loop(parker, poll, ready, deadline, before_park) {
        Ok(Some(v)) => Waited::Ready(v),
        Ok(None) => Waited::TimedOut,
        Err(deadlock) => Waited::Deadlock(deadlock),
    }
}

/// The spin-yield-park loop: `None` when the deadline passed; `before_park` runs before
/// every park and can end the wait with its error.
fn wait_loop<T, E>(
    parker: Parker,
    mut poll: impl FnMut(&mut TaskContext<'_>) -> Poll<T>,
    ready: impl Fn() -> bool,
    deadline: Option<Instant>,
    mut before_park: impl FnMut(&Parker) -> Result<(), E>,
) -> Result<Option<T>, E> {
    let mut cx = TaskContext::from_waker(parker.waker());
    let mut spins = 0;
    if parker.0.spins {
        while spins < SPIN_ROUNDS && !ready() {
            spin_round(spins);
            spins += 1;
        }
    }
    let mut must_poll = true;
    loop {
        if must_poll {
            if let Poll::Ready(v) = poll(&mut cx) {
                return Ok(Some(v));
            }
        }
        if let Some(d) = deadline {
            if Instant::now() >= d {
                return Ok(None);
            }
        }
        // Waking a parked OS thread costs the kernel tens of microseconds on a small
        // machine, while a reply from an actor on another core often comes within a
        // microsecond or two: a plain thread spins briefly, then yields, before it
        // parks, as crossbeam-channel's receivers do. A coroutine or an executor worker
        // parks at once: its backend's park is cheap or hands the worker on, and
        // spinning would only keep the awaited task (often queued on the same worker)
        // from running. The first poll registered the waker, so spinning only looks.
        if parker.0.spins && spins < SPIN_ROUNDS + YIELD_ROUNDS {
            if spins < SPIN_ROUNDS {
                spin_round(spins);
            } else {
                thread::yield_now();
            }
            spins += 1;
            must_poll = ready();
            continue;
        }
        before_park(&parker)?;
        parker.park(deadline);
        must_poll = true;
    }
}

/// Round `n` of spinning: 2^n spin hints.
fn spin_round(n: u32) {
    for _ in 0..(1u32 << n) {
        std::hint::spin_loop();
    }
}

/// Rounds of spinning before a wait parks: 2^0 + … + 2^(n-1) spin hints in all.
const SPIN_ROUNDS: u32 = 7;
/// Rounds of `yield_now` after the spinning, on plain threads.
const YIELD_ROUNDS: u32 = 4;
