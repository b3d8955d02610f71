//! What each live actor is doing, kept where a snapshot and the ask-cycle check can read
//! it: one [`Activity`] per actor, in a process-wide table of reusable slots.
//!
//! The actor writes its own slot: its phase and message count at every message (two
//! relaxed stores on a cache line of its own), and what it waits for at every wait
//! that parks (see [`wait_graph`](super::wait_graph)). Readers (a snapshot, another
//! actor checking for a cycle) only load. Slots are `&'static` and reused: a slot's
//! generation, bumped when its actor ends, tells a live reference from a stale one,
//! so no reader ever needs a lock or a reference count to reach a slot.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use crate::actor_ref::Origin;
use crate::sync::AtomicU64 as ModelledU64;

/// A reference to one actor's slot: its index and the generation it had when the actor
/// claimed it, packed in one word (0 is "no slot").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct ActivityRef(u64);

impl ActivityRef {
    pub(crate) const NONE: ActivityRef = ActivityRef(0);

    fn new(index: u32, generation: u32) -> Self {
        ActivityRef(u64::from(index) << 32 | u64::from(generation))
    }

    #[inline]
    pub(crate) const fn from_bits(bits: u64) -> Self {
        ActivityRef(bits)
    }

    #[inline]
    pub(crate) fn bits(self) -> u64 {
        self.0
    }

    #[inline]
    pub(crate) fn is_none(self) -> bool {
        self.0 == 0
    }

    fn index(self) -> u32 {
        (self.0 >> 32) as u32
    }

    fn generation(self) -> u32 {
        self.0 as u32
    }
}

/// Keeps a value on a cache line of its own, so that the actor's per-message stores do
/// not make other cores' reads of the wait record miss.
#[derive(Default)]
#[repr(align(64))]
pub(crate) struct Line<T>(pub(crate) T);

/// What the actor's loop stores at every message.
#[derive(Default)]
pub(crate) struct Busy {
    /// `count << 5 | kind << 3 | phase` (see [`Phase`], [`MessageKind`](super::MessageKind)).
    pub(crate) word: AtomicU64,
    /// When the current message (or phase) started, in [`stamp`] form; 0 if unknown.
    pub(crate) since: AtomicU64,
    /// Set while the actor blocks for its next message, by a backend whose inbox cannot
    /// tell (see [`rt::park::waiting_for_messages`](crate::rt::park::waiting_for_messages)).
    pub(crate) idle: AtomicBool,
}

/// What the actor waits for, written by the actor before it parks and read by anyone:
/// a seqlock whose sequence is the wait's `id` (0 while it does not wait).
#[derive(Default)]
pub(crate) struct WaitRecord {
    /// The current wait's id, unique for this slot, or 0.
    pub(crate) id: ModelledU64,
    /// What is waited for ([`WaitKind`](super::wait_graph::WaitKind) as a number).
    pub(crate) kind: ModelledU64,
    /// For a wait for an actor's reply: that actor's [`ActivityRef`] bits.
    pub(crate) target: ModelledU64,
    /// When the wait started, in [`stamp`] form; 0 if unknown.
    pub(crate) since: AtomicU64,
    /// The last id handed out (only the slot's actor writes it).
    pub(crate) last_id: AtomicU64,
    /// The id of a wait for a reply that has been answered while the wait still
    /// stands (written by whoever completed the reply): that wait is no longer an edge
    /// of any cycle, even before its actor wakes up and ends it.
    pub(crate) answered: ModelledU64,
}

/// Who owns a slot: what a snapshot prints about the actor.
pub(crate) struct Owner {
    pub(crate) origin: Arc<Origin>,
    /// The backend's [`Runtime::NAME`](crate::Runtime::NAME).
    pub(crate) runtime: &'static str,
    /// The number of messages queued in the actor's inbox, and whether its receiver
    /// waits for one, where the backend can tell.
    pub(crate) inbox: Box<dyn Fn() -> (Option<usize>, Option<bool>) + Send + Sync>,
}

/// One actor's activity.
#[derive(Default)]
pub(crate) struct Activity {
    pub(crate) busy: Line<Busy>,
    pub(crate) wait: Line<WaitRecord>,
    generation: AtomicU32,
    owner: Mutex<Option<Owner>>,
    /// While the actor's async handler is polled: the poll's scope, and what its awaits
    /// published (see [`awaits`](super::awaits)). Only the actor's own context touches
    /// these.
    pub(crate) awaits: super::awaits::ScopeState,
}

impl fmt::Debug for Activity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Activity").finish_non_exhaustive()
    }
}

impl Activity {
    pub(crate) fn owner(&self) -> MutexGuard<'_, Option<Owner>> {
        self.owner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records the actor's phase at the start (or end) of a message.
    #[inline]
    pub(crate) fn set_word(&self, word: u64) {
        self.busy.0.word.store(word, Ordering::Relaxed);
    }
}

/// The phases an actor goes through, as stored in [`Busy::word`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Phase {
    Starting = 1,
    Idle = 2,
    Handling = 3,
    Stopping = 4,
}

impl Phase {
    pub(crate) fn from_bits(bits: u64) -> Option<Phase> {
        Some(match bits & 0b111 {
            1 => Phase::Starting,
            2 => Phase::Idle,
            3 => Phase::Handling,
            4 => Phase::Stopping,
            _ => return None,
        })
    }
}

// ---- the table of slots ----

/// Slots come in pages of 64, 128, 256, … (page `k` holds `64 << k`), so that an index
/// finds its slot with no lock and pages never move.
const FIRST_PAGE: usize = 64;
const PAGES: usize = 26;

static TABLE: [OnceLock<Box<[Activity]>>; PAGES] = [const { OnceLock::new() }; PAGES];
/// Slots whose actors ended, ready for new ones.
static FREE: Mutex<Vec<u32>> = Mutex::new(Vec::new());
/// The next index never used (index 0 is never used: it is "no slot").
static NEXT: AtomicU32 = AtomicU32::new(1);

fn locate(index: u32) -> (usize, usize) {
    let n = index as usize / FIRST_PAGE + 1;
    let page = (usize::BITS - 1 - n.leading_zeros()) as usize;
    let base = FIRST_PAGE * ((1 << page) - 1);
    (page, index as usize - base)
}

fn slot_at(index: u32, make: bool) -> Option<&'static Activity> {
    let (page, offset) = locate(index);
    let page_slots = TABLE.get(page)?;
    let slots = match page_slots.get() {
        Some(slots) => slots,
        None if make => page_slots.get_or_init(|| {
            (0..FIRST_PAGE << page)
                .map(|_| Activity::default())
                .collect()
        }),
        None => return None,
    };
    slots.get(offset)
}

fn free_list() -> MutexGuard<'static, Vec<u32>> {
    FREE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Claims a slot for a new actor (its owner is set later by [`adopt`]). Returns
/// [`ActivityRef::NONE`] only if every one of the ~4 billion slots is taken.
pub(crate) fn claim() -> ActivityRef {
    let index = match free_list().pop() {
        Some(index) => index,
        None => NEXT.fetch_add(1, Ordering::Relaxed),
    };
    match slot_at(index, true) {
        Some(slot) => {
            slot.set_word(Phase::Starting as u64);
            slot.busy.0.since.store(0, Ordering::Relaxed);
            ActivityRef::new(index, slot.generation.load(Ordering::Acquire))
        }
        None => ActivityRef::NONE,
    }
}

/// Records who owns a claimed slot.
pub(crate) fn adopt(activity: ActivityRef, owner: Owner) {
    if let Some(slot) = get(activity) {
        *slot.owner() = Some(owner);
    }
}

/// Gives a slot back when its actor's loop ends: its references go stale at once.
pub(crate) fn release(activity: ActivityRef) {
    let Some(slot) = get(activity) else { return };
    let owner = slot.owner().take();
    slot.generation.fetch_add(1, Ordering::AcqRel);
    slot.set_word(0);
    free_list().push(activity.index());
    // The owner's drop (an `Origin`, a closure) runs with no lock held.
    drop(owner);
}

/// The slot of a live actor; `None` for no slot or a stale reference (the actor ended).
pub(crate) fn get(activity: ActivityRef) -> Option<&'static Activity> {
    if activity.is_none() {
        return None;
    }
    let slot = slot_at(activity.index(), false)?;
    (slot.generation.load(Ordering::Acquire) == activity.generation()).then_some(slot)
}

/// Every slot whose actor is alive, with its reference.
pub(crate) fn live() -> Vec<(ActivityRef, &'static Activity)> {
    let end = NEXT.load(Ordering::Acquire);
    (1..end)
        .filter_map(|index| {
            let slot = slot_at(index, false)?;
            let generation = slot.generation.load(Ordering::Acquire);
            let alive = slot.owner().is_some();
            alive.then_some((ActivityRef::new(index, generation), slot))
        })
        .collect()
}

// ---- time stamps ----

static EPOCH: OnceLock<Instant> = OnceLock::new();

/// `now` as nanoseconds since the first stamp of the process, plus one (0 is "unknown").
pub(crate) fn stamp(now: Instant) -> u64 {
    let epoch = *EPOCH.get_or_init(|| now);
    u64::try_from(now.saturating_duration_since(epoch).as_nanos())
        .unwrap_or(u64::MAX - 1)
        .saturating_add(1)
}

/// The instant of a stamp; `None` for 0.
pub(crate) fn unstamp(stamp: u64) -> Option<Instant> {
    let epoch = *EPOCH.get()?;
    let nanos = stamp.checked_sub(1)?;
    epoch.checked_add(Duration::from_nanos(nanos))
}

// ---- which actor is calling ----

/// The slot of the actor whose hook the calling context runs, if any: the thread's mark,
/// else the mark on the context's parker (coroutines, whose loops hold their parker for
/// life).
pub(crate) fn current(parker_mark: impl FnOnce() -> u64) -> ActivityRef {
    let here = crate::rt::context::current_actor_mark();
    ActivityRef::from_bits(if here != 0 { here } else { parker_mark() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_index_once() {
        let mut expected = (0usize, 0usize);
        for index in 0..10_000u32 {
            let (page, offset) = locate(index);
            if page != expected.0 {
                assert_eq!((page, offset), (expected.0 + 1, 0), "index {index}");
                expected = (page, 0);
            } else {
                assert_eq!(offset, expected.1, "index {index}");
            }
            assert!(offset < FIRST_PAGE << page);
            expected.1 = offset + 1;
        }
    }

    #[test]
    fn a_released_slot_makes_its_references_stale_and_is_reused() {
        let first = claim();
        assert!(get(first).is_some());
        release(first);
        assert!(get(first).is_none());
        // Another test may claim the freed slot first; claim until this one comes back.
        let mut claimed = Vec::new();
        let again = loop {
            let next = claim();
            if next.index() == first.index() {
                break next;
            }
            claimed.push(next);
            assert!(claimed.len() < 10_000, "the freed slot never came back");
        };
        assert_ne!(again, first);
        assert!(get(again).is_some());
        for r in claimed.into_iter().chain([again]) {
            release(r);
        }
    }

    #[test]
    fn stamps_round_trip() {
        let now = Instant::now();
        let back = unstamp(stamp(now)).unwrap();
        assert!(back <= now && now - back < Duration::from_micros(1));
        assert_eq!(unstamp(0), None);
    }
}
