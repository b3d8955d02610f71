//! Whose context is this? The [`WaitContext`] of a backend, as its [`Runtime`] names it,
//! and how core finds the one of the calling context when it must wait.
//!
//! A wait parks *the waiter's* context (a green actor that waits for a thread actor
//! parks its coroutine), so the answer is looked up at the moment of the wait:
//!
//! 1. inside a hook of an actor whose context stays on one OS thread while the hook
//!    runs (a thread, an executor task during one poll), core marked the thread with
//!    the actor's runtime's context when the hook started: it is asked first;
//! 2. else every context core has seen so far is asked (core adopts a runtime's context
//!    when it starts the runtime's first actor: there is no registration to forget).
//!    Contexts are disjoint (a context belongs to one backend at most), so the order
//!    in which they are asked does not matter;
//! 3. else the caller is a plain OS thread.
//!
//! [`Runtime`]: crate::Runtime

use std::any::TypeId;
use std::cell::Cell;
use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use super::park::Parker;
use crate::debug::ActivityRef;

/// How one backend's contexts (its coroutines, or its executor's worker threads) wait:
/// the [`Runtime::Context`](crate::Runtime::Context) of a backend.
///
/// Both functions look at the *calling* context and answer `None` quickly for a
/// context that is not the backend's: a wait outside any hook asks every backend's.
///
/// # Examples
///
/// The contexts of a backend whose actors are plain OS threads need nothing:
///
/// ```
/// use pykka_core::rt::context::{OsThread, WaitContext};
/// assert!(OsThread::context_id().is_none());
/// ```
pub trait WaitContext: 'static {
    /// Whether a hook of this backend can move between OS threads while it waits (a
    /// stackful coroutine that may resume on another worker). Then
    /// [`context_id`](Self::context_id) gives each context an id of its own; else a
    /// hook starts and ends on one OS thread (a thread, an executor task during one
    /// poll), and core marks that thread while the hook runs.
    const MOVES_BETWEEN_THREADS: bool = false;

    /// The parker of the calling context if it is one of this backend's: parking it
    /// must not block anything but that context (a coroutine parks itself; an executor
    /// worker hands its place on before its thread sleeps).
    fn parker() -> Option<Parker>;

    /// Whether the calling context is one of this backend's: what
    /// [`parker`](Self::parker)`().is_some()` says, but cheaper if the backend can
    /// tell without making a parker (core asks it for every message that a sender
    /// waits on, to tell the backend's own senders from outside ones).
    fn is_current() -> bool {
        Self::parker().is_some()
    }

    /// For a backend whose contexts [move between threads](Self::MOVES_BETWEEN_THREADS):
    /// a process-unique, non-zero id (from [`new_context_id`]) of the calling context if
    /// it is the backend's, else `None`. Core uses it to refuse an actor that waits for
    /// its own answer.
    fn context_id() -> Option<u64> {
        None
    }
}

/// The contexts of plain OS threads: the thread backend's [`WaitContext`], and where
/// every wait that no backend claims ends. It parks with `std::thread::park`.
#[derive(Debug, Clone, Copy)]
pub enum OsThread {}

impl WaitContext for OsThread {
    fn parker() -> Option<Parker> {
        Some(Parker::for_thread())
    }
}

/// One context kind as core keeps it.
pub(crate) struct Kind {
    /// `TypeId::of` the context type (a function: not yet callable in a `static` on
    /// the crate's minimum Rust version).
    type_id: fn() -> TypeId,
    parker: fn() -> Option<Parker>,
    is_current: fn() -> bool,
    context_id: fn() -> Option<u64>,
    /// Whether hooks of this kind run on one OS thread (`context_id` gives nothing).
    pub(crate) marks_thread: bool,
    next: OnceLock<&'static Kind>,
}

impl fmt::Debug for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kind")
            .field("marks_thread", &self.marks_thread)
            .finish_non_exhaustive()
    }
}

impl Kind {
    pub(crate) fn parker(&self) -> Option<Parker> {
        (self.parker)()
    }

    /// Whether a receive of this kind may look at its inbox after a message awaited
    /// from outside (a plain thread blocks in its receive: it never looks).
    pub(crate) fn looks(&'static self) -> bool {
        !std::ptr::eq(self, &OS_THREAD)
    }

    pub(crate) fn context_id(&self) -> Option<u64> {
        (self.context_id)()
    }
}

/// Plain threads: never in the list of adopted kinds (it would claim every context).
static OS_THREAD: Kind = Kind {
    type_id: TypeId::of::<OsThread>,
    parker: <OsThread as WaitContext>::parker,
    is_current: <OsThread as WaitContext>::is_current,
    context_id: <OsThread as WaitContext>::context_id,
    marks_thread: true,
    next: OnceLock::new(),
};

/// The kinds adopted so far, as lists that only grow (lock-free to read): kinds whose
/// contexts move between threads first, since no thread mark finds them, then the
/// others, which are found by their mark inside hooks and only looked up here outside.
static MOVING: OnceLock<&'static Kind> = OnceLock::new();
static MARKING: OnceLock<&'static Kind> = OnceLock::new();

fn adopted() -> impl Iterator<Item = &'static Kind> {
    let list = |head: &'static OnceLock<&'static Kind>| {
        std::iter::successors(head.get().copied(), |k| k.next.get().copied())
    };
    list(&MOVING).chain(list(&MARKING))
}

/// Makes the waits of `C`'s contexts park the way `C` says, from now on, everywhere.
///
/// Core does it when it starts the first actor of a runtime whose
/// [`Context`](crate::Runtime::Context) is `C`. A backend whose contexts may wait
/// before any actor started (tasks of its own on its executor, say) calls it when it
/// makes those contexts. Calling it again does nothing.
///
/// ```
/// use pykka_core::rt::context::{OsThread, adopt};
/// adopt::<OsThread>(); // plain threads need it never; it is harmless
/// ```
pub fn adopt<C: WaitContext>() {
    kind_of::<C>();
}

/// The kind of `C`, adopted into the list if it is new.
pub(crate) fn kind_of<C: WaitContext>() -> &'static Kind {
    let type_id = TypeId::of::<C>();
    if type_id == (OS_THREAD.type_id)() {
        return &OS_THREAD;
    }
    if let Some(kind) = adopted().find(|k| (k.type_id)() == type_id) {
        return kind;
    }
    let kind: &'static Kind = Box::leak(Box::new(Kind {
        type_id: TypeId::of::<C>,
        parker: C::parker,
        is_current: C::is_current,
        context_id: C::context_id,
        marks_thread: !C::MOVES_BETWEEN_THREADS,
        next: OnceLock::new(),
    }));
    // Append at the tail; a racing adopter of the same kind may append it twice, which
    // only costs a duplicate look.
    let mut slot = if kind.marks_thread { &MARKING } else { &MOVING };
    loop {
        match slot.set(kind) {
            Ok(()) => return kind,
            Err(_) => {
                let there = slot.get().copied().expect("set");
                if (there.type_id)() == type_id {
                    return there;
                }
                slot = &there.next;
            }
        }
    }
}

thread_local! {
    /// The kind of the actor whose hook runs on this thread right now, if that kind
    /// marks threads.
    static CURRENT_KIND: Cell<Option<&'static Kind>> = const { Cell::new(None) };
    static THREAD_CONTEXT_ID: Cell<u64> = const { Cell::new(0) };
    /// The id of the actor loop whose hook runs on this thread right now, or 0.
    /// With the debug slot of its actor (a thread mark for the debug helpers).
    static CURRENT_LOOP: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

/// The parker of the calling context (see the module docs for how it is found).
pub(crate) fn current_parker() -> Parker {
    if let Some(kind) = CURRENT_KIND.with(Cell::get) {
        if let Some(parker) = kind.parker() {
            return parker;
        }
    }
    adopted()
        .find_map(Kind::parker)
        .unwrap_or_else(Parker::for_thread)
}

/// Whether the calling context is of `kind`: the thread's mark inside a hook, else
/// the kind's own answer.
pub(crate) fn is_current(kind: &'static Kind) -> bool {
    match CURRENT_KIND.with(Cell::get) {
        Some(current) => std::ptr::eq(current, kind),
        None => (kind.is_current)(),
    }
}

/// The id a coroutine backend gives the calling context, if any.
pub(crate) fn coroutine_id() -> Option<u64> {
    adopted().find_map(Kind::context_id)
}

/// A fresh process-unique, non-zero context id (for [`WaitContext::context_id`]).
pub fn new_context_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The id of the calling context: a coroutine's own id where its backend gives one;
/// else, inside an actor's hook, the id of that actor's loop; else the calling OS
/// thread's.
///
/// Core uses it to see that an actor is about to wait for itself. The id of an actor's
/// loop stays the same for the actor's whole life, even on an executor whose tasks move
/// between threads between polls.
pub fn context_id() -> u64 {
    if let Some(id) = coroutine_id() {
        return id;
    }
    let in_loop = CURRENT_LOOP.with(Cell::get).0;
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

/// What [`enter`] replaced, to be restored by [`leave`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outer {
    kind: Option<&'static Kind>,
    /// The loop id and debug slot marks.
    outer_loop: (u64, u64),
}

/// Marks the calling thread as running a hook of the actor loop `loop_id` of `kind`
/// (whose debug slot is `actor`) until [`leave`]. Only for kinds that mark threads: a
/// hook of theirs starts and ends on one OS thread.
#[inline]
pub(crate) fn enter(kind: &'static Kind, loop_id: u64, actor: ActivityRef) -> Outer {
    Outer {
        kind: CURRENT_KIND.with(|c| c.replace(Some(kind))),
        outer_loop: CURRENT_LOOP.with(|c| c.replace((loop_id, actor.bits()))),
    }
}

/// The debug slot of the actor whose hook runs on this thread (kinds that mark
/// threads), or 0.
#[inline]
pub(crate) fn current_actor_mark() -> u64 {
    CURRENT_LOOP.with(Cell::get).1
}

/// Ends what [`enter`] started.
#[inline]
pub(crate) fn leave(outer: Outer) {
    CURRENT_KIND.with(|c| c.set(outer.kind));
    CURRENT_LOOP.with(|c| c.set(outer.outer_loop));
}
