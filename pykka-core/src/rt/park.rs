//! How the calling context waits: the one place where pykka blocks.
//!
//! Every blocking operation of pykka ([`Reply::get`](crate::Reply::get),
//! [`ActorRef::ask`](crate::ActorRef::ask), [`Event::wait`](crate::Event::wait),
//! blocking stops) ends in [`wait_until`], which parks *the calling context* until a
//! [`Waker`] wakes it or a deadline passes. What "the calling context" is depends on
//! who calls, not on which actor is waited for: a green actor that asks a thread actor
//! must park its coroutine, not its worker thread. So the parking strategy is chosen at
//! the moment of the wait, by asking every registered [`ContextProbe`] whether the
//! calling context is one of its own. A plain OS thread (the default) parks with
//! [`std::thread::park_timeout`].
//!
//! Backends whose tasks must not block their OS thread register a probe once, when
//! their runtime value is created, with [`register_probe`]. The thread backend needs
//! none.

use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context as TaskContext, Poll, Wake, Waker};
#[cfg(not(loom))]
use std::thread::{self, Thread};
// Under loom the plain-thread parker is loom's: std's park would block the one OS
// thread that runs every loom thread.
#[cfg(loom)]
use loom::thread::{self, Thread};
use std::time::Instant;

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
        Parker(Arc::new(ParkerInner { park, waker, spins }))
    }

    /// The parker for the calling context: the first registered [`ContextProbe`] that
    /// recognises it, else the calling OS thread's own parker.
    pub fn current() -> Parker {
        for probe in probes() {
            if let Some(parker) = probe.parker() {
                return parker;
            }
        }
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

thread_local! {
    static THREAD_CONTEXT_ID: Cell<u64> = const { Cell::new(0) };
    /// The id of the actor loop whose step runs on this thread right now, or 0.
    static CURRENT_LOOP: Cell<u64> = const { Cell::new(0) };
}

/// A backend's hook that tells core whether the calling context is one of its own, and
/// if so how it waits.
///
/// # Implementing
///
/// Return `None` from both methods for any context that is not yours, quickly: every
/// blocking wait asks every registered probe in registration order.
pub trait ContextProbe: Send + Sync + 'static {
    /// The parker for the calling context, or `None` if the context is not this
    /// backend's.
    fn parker(&self) -> Option<Parker>;
    /// A process-unique, non-zero identifier of the calling context, or `None` if the
    /// context is not this backend's or if its OS thread identifies it (a task that
    /// never leaves its thread while it runs, such as an executor task during one
    /// poll). Values must not collide with [`context_id`] of plain threads: take them
    /// from [`new_context_id`].
    fn context_id(&self) -> Option<u64>;
}

const MAX_PROBES: usize = 8;
static PROBES: [OnceLock<&'static dyn ContextProbe>; MAX_PROBES] =
    [const { OnceLock::new() }; MAX_PROBES];
static PROBE_COUNT: AtomicUsize = AtomicUsize::new(0);

fn probes() -> impl Iterator<Item = &'static dyn ContextProbe> {
    let n = PROBE_COUNT.load(Ordering::Acquire);
    PROBES[..n.min(MAX_PROBES)]
        .iter()
        .filter_map(|p| p.get().copied())
}

/// The probe table is full: more than eight backends registered a probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeTableFull;

impl fmt::Display for ProbeTableFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no room for another context probe ({MAX_PROBES} at most)"
        )
    }
}

impl std::error::Error for ProbeTableFull {}

/// Registers a backend's [`ContextProbe`] for the rest of the process.
///
/// Call it once per backend (for example from a `std::sync::Once` in the runtime's
/// constructor); registering the same probe twice is harmless but wastes a slot.
///
/// # Errors
///
/// [`ProbeTableFull`] when eight probes are already registered.
pub fn register_probe(probe: &'static dyn ContextProbe) -> Result<(), ProbeTableFull> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let n = PROBE_COUNT.load(Ordering::Acquire);
    if n >= MAX_PROBES {
        return Err(ProbeTableFull);
    }
    let _ = PROBES[n].set(probe);
    PROBE_COUNT.store(n + 1, Ordering::Release);
    Ok(())
}

/// A fresh process-unique, non-zero context identifier (for [`ContextProbe::context_id`]).
pub fn new_context_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The identifier of the calling context: a coroutine's own identifier where a probe
/// gives one; else, inside an actor's hook, the identifier of that actor's loop; else
/// the calling OS thread's.
///
/// Core uses it to see that an actor is about to wait for itself. The identifier of
/// an actor's loop stays the same for the actor's whole life, even on an executor
/// whose tasks move between threads between polls.
pub fn context_id() -> u64 {
    if let Some(id) = probe_context_id() {
        return id;
    }
    let in_loop = CURRENT_LOOP.with(Cell::get);
    if in_loop != 0 {
        return in_loop;
    }
    THREAD_CONTEXT_ID.with(|id| {
        if id.get() == 0 {
            id.set(new_context_id());
        }
        id.get()
    })
}

/// The identifier a registered probe gives the calling context, if any.
pub(crate) fn probe_context_id() -> Option<u64> {
    probes().find_map(|probe| probe.context_id())
}

/// Marks the calling thread as running a step of the actor loop `id` (for
/// [`context_id`]) until the returned value is passed to [`leave_loop`].
///
/// A thread-local is right here: a step is synchronous, so it starts and ends on one
/// OS thread, except on a coroutine backend, whose probe answers [`context_id`] first
/// and makes this value irrelevant there.
pub(crate) fn enter_loop(id: u64) -> u64 {
    CURRENT_LOOP.with(|c| c.replace(id))
}

/// Ends what [`enter_loop`] started, restoring the previous value.
pub(crate) fn leave_loop(previous: u64) {
    CURRENT_LOOP.with(|c| c.set(previous));
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
    wait_until_hinted(poll, || true, deadline)
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
pub(crate) fn wait_until_hinted<T>(
    mut poll: impl FnMut(&mut TaskContext<'_>) -> Poll<T>,
    ready: impl Fn() -> bool,
    deadline: Option<Instant>,
) -> Option<T> {
    let parker = Parker::current();
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
                return Some(v);
            }
        }
        if let Some(d) = deadline {
            if Instant::now() >= d {
                return None;
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
