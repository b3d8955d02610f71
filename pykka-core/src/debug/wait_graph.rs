//! Who waits for whom: every wait that parks is published (an actor's in its
//! [`Activity`], a plain thread's in a process-wide list), and a wait of an actor for
//! another actor's reply is refused when it would close a cycle of such waits.
//!
//! # The protocol
//!
//! An actor about to park for the reply of actor `B` publishes "waiting for `B`" in its
//! own record (a seqlock whose sequence is the wait's id), then, with a sequentially
//! consistent load, follows `B`'s published wait, and the next one's, until a chain ends
//! (no cycle), comes back to itself (a cycle), or loops among others. Two actors that
//! close a cycle at the same moment each publish before they look, so at least one of
//! them sees the other's wait (both may; both are refused).
//!
//! A chain is read hop by hop, not at one instant, so a cycle is reported only after a
//! second pass finds every wait of the chain still there with the same id: each wait
//! was then in place the whole time between its two reads, so all of them were in
//! place together, every actor of the cycle blocked in a hook and unable to answer.
//! Ids are unique per slot, and a slot's reference goes stale when its actor ends, so
//! a wait that ended (answered, timed out, its actor gone) is never counted.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

pub(crate) use super::activity::Activity;
use super::activity::{self, ActivityRef, stamp};
use crate::actor_ref::Origin;
use crate::error::DeadlockError;
use crate::sync::fence;

/// What a wait is for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Waiting<'a> {
    /// A reply, the actor that answers it if any, and the reply itself (to be told who
    /// waits, so that its answer can mark the wait answered).
    Reply(Option<&'a Origin>, Option<&'a dyn Answerable>),
    /// The reply of a blocking ask, made with the wait it will publish already noted
    /// (see [`Reserved`]).
    Noted(&'a Origin, &'a dyn Answerable, Reserved),
    /// An [`Event`](crate::Event).
    Event,
    /// [`sleep`](crate::sleep).
    Sleep,
    /// An async handler's future.
    Await,
    /// Room in the bounded inbox of an actor (a send to a full inbox).
    Room(&'a Origin),
}

/// A reply that a published wait waits for.
pub(crate) trait Answerable: std::fmt::Debug {
    /// Notes that the wait `id` of `slot` waits for this reply, so that its answer
    /// marks the wait answered ([`mark_answered`]); `false` if it is answered already.
    fn note_waiter(&self, slot: &'static Activity, id: u64) -> bool;
}

/// The published waits for one reply (their actor's slot and wait id), to be marked
/// answered when it completes. Nearly always one (the asker's), kept inline so that
/// an ask allocates nothing for it.
#[derive(Debug, Default)]
pub(crate) struct Noted {
    first: Option<(&'static Activity, u64)>,
    rest: Vec<(&'static Activity, u64)>,
}

impl Noted {
    /// The list of a reply made for a blocking ask: the asker's reserved wait.
    pub(crate) fn reserved(reserved: Option<Reserved>) -> Noted {
        Noted {
            first: reserved.map(|r| (r.slot, r.id)),
            rest: Vec::new(),
        }
    }

    /// Notes the wait `id` of `slot`: one entry per actor, whose latest wait replaces
    /// an ended one.
    pub(crate) fn note(&mut self, slot: &'static Activity, id: u64) {
        let same = |entry: &&mut (&'static Activity, u64)| std::ptr::eq(entry.0, slot);
        if let Some(entry) = self.first.as_mut().filter(same) {
            entry.1 = id;
        } else if self.first.is_none() {
            self.first = Some((slot, id));
        } else if let Some(entry) = self.rest.iter_mut().find(|e| std::ptr::eq(e.0, slot)) {
            entry.1 = id;
        } else {
            self.rest.push((slot, id));
        }
    }

    /// Marks every noted wait answered.
    pub(crate) fn mark_answered(self) {
        for (slot, id) in self.first.into_iter().chain(self.rest) {
            mark_answered(slot, id);
        }
    }
}

/// A wait id taken in advance by an actor that is about to ask and then wait for the
/// reply: the reply is made with the wait already noted (see [`Noted::reserved`]), so
/// that the wait, when it parks, is published without telling the reply under its lock.
///
/// Used only if no other wait of the actor was published in between (a send that
/// waited for room, say); otherwise the wait takes a new id and tells the reply as
/// usual. A reserved id that is never published (the reply came before the wait
/// parked) is harmless: the answer marks an id that no record carries, below every
/// later one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reserved {
    /// The actor's slot and its reference: the wait need not look them up again.
    slot: &'static Activity,
    me: ActivityRef,
    id: u64,
}

impl Reserved {
    /// Takes the next wait id of `slot`, the calling actor `me`'s own.
    pub(crate) fn take(slot: &'static Activity, me: ActivityRef) -> Reserved {
        Reserved {
            slot,
            me,
            id: next_id(slot),
        }
    }

    /// The actor that reserved the wait.
    pub(crate) fn actor(self) -> ActivityRef {
        self.me
    }

    /// The id, if it is still the last that `slot` took.
    fn id_in(self, slot: &Activity) -> Option<u64> {
        (std::ptr::eq(self.slot, slot) && slot.wait.0.last_id.load(Ordering::Relaxed) == self.id)
            .then_some(self.id)
    }
}

/// Takes the next wait id of `slot` (only its own actor publishes waits in it).
fn next_id(slot: &Activity) -> u64 {
    let last = &slot.wait.0.last_id;
    let id = last.load(Ordering::Relaxed) + 1;
    last.store(id, Ordering::Relaxed);
    id
}

/// Marks the wait `id` of `slot` answered: it stops counting as an edge of a cycle.
///
/// The mark only moves forward (ids of one slot only grow): a late mark of an older
/// wait must not unmark a newer one. That happens: a waiter that re-polls (an async
/// handler driven by a spinning thread) can publish a newer wait of the same reply,
/// answered already and so marked by the waiter itself, just before the answerer,
/// which took the older wait's note, marks that one.
///
/// Release, not sequentially consistent: no store-load pair runs through the mark
/// (the answerer loads nothing afterwards that a checker stores), so the order that
/// matters is the answerer's own, mark before its later waits, which a checker that
/// sees such a wait (acquire) then sees too.
pub(crate) fn mark_answered(slot: &Activity, id: u64) {
    slot.wait.0.answered.fetch_max(id, Ordering::Release);
}

fn is_answered(slot: &Activity, id: u64) -> bool {
    slot.wait.0.answered.load(Ordering::Acquire) == id
}

/// [`Waiting`] as stored in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum WaitKind {
    Actor = 1,
    Reply = 2,
    Event = 3,
    Sleep = 4,
    Room = 5,
    Await = 6,
}

impl WaitKind {
    pub(crate) fn from_bits(bits: u64) -> Option<WaitKind> {
        Some(match bits {
            1 => WaitKind::Actor,
            2 => WaitKind::Reply,
            3 => WaitKind::Event,
            4 => WaitKind::Sleep,
            5 => WaitKind::Room,
            6 => WaitKind::Await,
            _ => return None,
        })
    }
}

fn kind_and_target(what: Waiting<'_>) -> (WaitKind, ActivityRef) {
    match what {
        Waiting::Reply(Some(origin), _) if !origin.activity.is_none() => {
            (WaitKind::Actor, origin.activity)
        }
        Waiting::Noted(origin, ..) if !origin.activity.is_none() => {
            (WaitKind::Actor, origin.activity)
        }
        Waiting::Reply(..) | Waiting::Noted(..) => (WaitKind::Reply, ActivityRef::NONE),
        Waiting::Event => (WaitKind::Event, ActivityRef::NONE),
        Waiting::Sleep => (WaitKind::Sleep, ActivityRef::NONE),
        Waiting::Await => (WaitKind::Await, ActivityRef::NONE),
        Waiting::Room(origin) => (WaitKind::Room, origin.activity),
    }
}

impl WaitKind {
    /// Whether a wait of this kind waits for an actor (its target), so that it can be
    /// an edge of a cycle.
    pub(crate) fn waits_for_actor(self) -> bool {
        matches!(self, WaitKind::Actor | WaitKind::Room)
    }
}

/// A published record, as read by one consistent look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Published {
    pub(crate) id: u64,
    pub(crate) kind: u64,
    pub(crate) target: u64,
    pub(crate) since: u64,
}

/// Writes a record: sequence to 0, the fields, then the new id.
pub(crate) fn write(slot: &Activity, record: Published) {
    write_fields(slot, record);
    slot.wait.0.id.store(record.id, Ordering::Release);
}

/// The first part of [`write`]: sequence to 0 (unless it is 0: no wait published,
/// the common case), then the fields.
fn write_fields(slot: &Activity, record: Published) {
    let w = &slot.wait.0;
    if w.id.load(Ordering::Relaxed) != 0 {
        w.id.store(0, Ordering::Relaxed);
        fence(Ordering::Release);
    }
    w.kind.store(record.kind, Ordering::Relaxed);
    w.target.store(record.target, Ordering::Relaxed);
    w.since.store(record.since, Ordering::Relaxed);
}

/// Publishes `record` in `me`'s slot, then looks for the cycle a wait for `target`
/// would close. Publication and the first look are a store-load pair that must not be
/// reordered: of two actors that publish and look at the same moment, at least one sees
/// the other's record. Two sequentially consistent operations keep that order: the
/// publication is a `SeqCst` swap (on x86 one locked instruction, cheaper than a fence
/// after a plain store), and every look starts with a `SeqCst` load. loom models
/// sequentially consistent accesses as acquire/release only, so under loom the swap is
/// a release store followed by a `SeqCst` fence, which it models exactly.
pub(crate) fn publish_and_check(
    slots: &impl Slots,
    slot: &Activity,
    record: Published,
    me: ActivityRef,
    target: Option<ActivityRef>,
) -> Option<Cycle> {
    let Some(target) = target else {
        write(slot, record);
        return None;
    };
    write_fields(slot, record);
    let w = &slot.wait.0;
    #[cfg(not(loom))]
    w.id.swap(record.id, Ordering::SeqCst);
    #[cfg(loom)]
    {
        w.id.store(record.id, Ordering::Release);
        fence(Ordering::SeqCst);
    }
    find_cycle(slots, me, target)
}

/// One consistent look at a record; `None` if it does not wait (or changed meanwhile).
pub(crate) fn read(slot: &Activity) -> Option<Published> {
    let w = &slot.wait.0;
    let id = w.id.load(Ordering::SeqCst);
    if id == 0 {
        return None;
    }
    let kind = w.kind.load(Ordering::Relaxed);
    let target = w.target.load(Ordering::Relaxed);
    let since = w.since.load(Ordering::Relaxed);
    fence(Ordering::Acquire);
    (w.id.load(Ordering::Relaxed) == id).then_some(Published {
        id,
        kind,
        target,
        since,
    })
}

/// Whether `slot`'s actor waits now (cheap: one load).
pub(crate) fn is_waiting(slot: &Activity) -> bool {
    slot.wait.0.id.load(Ordering::Acquire) != 0
}

/// How chains are read: the live slots, or a model's own in the loom tests.
pub(crate) trait Slots {
    fn slot(&self, activity: ActivityRef) -> Option<&Activity>;
}

/// The process's table of slots.
pub(crate) struct Table;

impl Slots for Table {
    fn slot(&self, activity: ActivityRef) -> Option<&Activity> {
        activity::get(activity)
    }
}

/// Longest chain followed; a longer one is not reported (never a false positive).
const MAX_HOPS: usize = 1024;

/// A cycle of waits, as [`find_cycle`] read it.
#[derive(Debug)]
pub(crate) struct Cycle {
    /// The actor the look started at, then every actor that waits in turn, the last
    /// one waiting for the looker.
    pub(crate) chain: Vec<ActivityRef>,
    /// The actors whose full inboxes some waits of the chain wait on (room waits), as
    /// read by the look: such a waiter gives way, so the cycle is no deadlock. Kept
    /// from the look itself, not read again later: by then the waiter may have given
    /// way already and ended its wait, which must not make the cycle look like one.
    pub(crate) full: Vec<ActivityRef>,
}

/// The cycle that a wait of `me` for `start`'s reply would close: `[start, …]`, every
/// actor that waits in turn, the last waiting for `me`; `None` if there is none (or it
/// could not be confirmed).
pub(crate) fn find_cycle(slots: &impl Slots, me: ActivityRef, start: ActivityRef) -> Option<Cycle> {
    if me.is_none() {
        return None;
    }
    let mut chain: Vec<(ActivityRef, u64)> = Vec::new();
    let mut full = Vec::new();
    let mut node = start;
    loop {
        if node == me {
            break;
        }
        if chain.len() == MAX_HOPS || chain.iter().any(|(n, _)| *n == node) {
            return None;
        }
        let slot = slots.slot(node)?;
        let record = read(slot)?;
        let kind = WaitKind::from_bits(record.kind);
        if !kind.is_some_and(WaitKind::waits_for_actor) || is_answered(slot, record.id) {
            return None;
        }
        chain.push((node, record.id));
        node = ActivityRef::from_bits(record.target);
        if kind == Some(WaitKind::Room) {
            full.push(node);
        }
    }
    // The second pass: every wait still there, unchanged, and still unanswered (an
    // answer marked before a later wait of the chain was published shows here).
    let confirmed = chain.iter().all(|(n, id)| {
        slots
            .slot(*n)
            .is_some_and(|s| s.wait.0.id.load(Ordering::SeqCst) == *id && !is_answered(s, *id))
    });
    confirmed.then(|| Cycle {
        chain: chain.into_iter().map(|(n, _)| n).collect(),
        full,
    })
}

/// The error for a cycle `me -> chain…`, naming every actor by its label.
pub(crate) fn deadlock(me: ActivityRef, chain: &[ActivityRef]) -> DeadlockError {
    let label = |r: ActivityRef| -> Arc<str> {
        activity::get(r)
            .and_then(|s| s.owner().as_ref().map(|o| o.origin.label().clone()))
            .unwrap_or_else(|| Arc::from("an actor that has just ended"))
    };
    let cycle = std::iter::once(me).chain(chain.iter().copied());
    DeadlockError::cycle(cycle.map(label).collect())
}

/// Whether a wait of the calling actor for `target`'s answer would close a cycle, before
/// anything is sent (so that the message closing it is not delivered). Costs one load
/// when `target` does not wait.
pub(crate) fn check_before_send(
    target: &Origin,
    me: impl FnOnce() -> ActivityRef,
) -> Result<(), DeadlockError> {
    let Some(slot) = activity::get(target.activity) else {
        return Ok(());
    };
    if !is_waiting(slot) {
        return Ok(());
    }
    let me = me();
    match find_cycle(&Table, me, target.activity) {
        // A sender waiting for room in the cycle gives way once the wait is published.
        Some(cycle) if cycle.full.is_empty() => Err(deadlock(me, &cycle.chain)),
        _ => Ok(()),
    }
}

/// Whether a wait of the calling actor for `target` would close a cycle, whatever its
/// waits are for: a sender waiting for room checks it each time it is woken.
pub(crate) fn closes_cycle(target: &Origin, me: impl FnOnce() -> ActivityRef) -> bool {
    let Some(slot) = activity::get(target.activity) else {
        return false;
    };
    is_waiting(slot) && find_cycle(&Table, me(), target.activity).is_some()
}

/// Wakes the senders that wait for room in the full inboxes of a cycle, so that they
/// see the cycle and send over the capacity (see `Bound::take`); whether there was any.
fn nudge_room_waits(cycle: &Cycle) -> bool {
    for &full in &cycle.full {
        let origin = activity::get(full).and_then(|s| s.owner().as_ref().map(|o| o.origin.clone()));
        if let Some(bound) = origin.as_deref().and_then(|o| o.bound.as_ref()) {
            bound.nudge();
        }
    }
    !cycle.full.is_empty()
}

/// A published wait; dropping it ends the wait's record.
#[derive(Debug)]
pub(crate) enum WaitGuard {
    /// An actor's wait, and the record it replaced (a wait nested in a get-hook; rare,
    /// so boxed: guards are moved at every wait, and a small one moves cheaply).
    Actor(&'static Activity, Option<Box<Published>>),
    /// A plain thread's wait, by its key in [`THREADS`].
    Thread(u64),
    /// An actor's wait in a build that publishes none (see [`super::UNPUBLISHED`]).
    #[cfg(pykka_waits_unpublished)]
    Unpublished,
}

impl WaitGuard {
    /// Whether this is `slot`'s wait with no earlier record to restore: then
    /// `WaitGuard::Actor(slot, None)` made again later ends it just as well.
    pub(crate) fn is_plain(&self, slot: &Activity) -> bool {
        matches!(self, WaitGuard::Actor(s, None) if std::ptr::eq(*s, slot))
    }
}

impl Drop for WaitGuard {
    fn drop(&mut self) {
        match self {
            WaitGuard::Actor(slot, previous) => match previous {
                Some(record) => write(slot, **record),
                None => slot.wait.0.id.store(0, Ordering::Release),
            },
            WaitGuard::Thread(key) => {
                let removed = threads().remove(key);
                drop(removed);
            }
            #[cfg(pykka_waits_unpublished)]
            WaitGuard::Unpublished => {}
        }
    }
}

/// Publishes the wait of the calling context (the actor `me`, or a plain thread if
/// `me` is none) for `what`, checking for a cycle if it is an actor's wait for another
/// actor. `exact_time`: stamp the wait's start even for an actor (see
/// [`record_times`](super::record_times)).
pub(crate) fn publish(
    me: ActivityRef,
    what: Waiting<'_>,
    exact_time: bool,
) -> Result<WaitGuard, DeadlockError> {
    let (kind, target) = kind_and_target(what);
    let slot = match what {
        Waiting::Noted(_, _, reserved) => Some(reserved.slot),
        _ => activity::get(me),
    };
    let Some(slot) = slot else {
        return Ok(publish_thread(kind, target));
    };
    let previous = read(slot).map(Box::new);
    let reserved = match what {
        Waiting::Noted(_, _, reserved) => reserved.id_in(slot),
        _ => None,
    };
    let id = reserved.unwrap_or_else(|| next_id(slot));
    let since = if exact_time || super::records_times() {
        stamp(Instant::now())
    } else {
        0
    };
    let record = Published {
        id,
        kind: kind as u64,
        target: target.bits(),
        since,
    };
    // Told before the record is published: an answer that comes from now on marks
    // the wait answered (even before the record shows), and one that came already
    // means there is nothing to check.
    // A reserved wait was noted when its reply was made.
    let unanswered = match what {
        _ if super::UNCHECKED => false,
        _ if reserved.is_some() => true,
        Waiting::Reply(_, Some(reply)) | Waiting::Noted(_, reply, _) => reply.note_waiter(slot, id),
        _ => true,
    };
    if !unanswered && !super::UNCHECKED {
        // Answered before it is published (between the waiter's last look and now):
        // published as answered, so that no check counts it as an edge meanwhile (the
        // answerer, say, asking this actor in its next message before this waiter
        // wakes up and ends the wait). The mark comes first: whoever sees the record
        // sees the mark.
        mark_answered(slot, id);
    }
    let closing = (unanswered && kind.waits_for_actor() && !target.is_none()).then_some(target);
    let cycle = publish_and_check(&Table, slot, record, me, closing);
    let guard = WaitGuard::Actor(slot, previous);
    if let Some(cycle) = cycle.filter(|_| !is_answered(slot, id)) {
        // A cycle through a full inbox is not a deadlock: its waiting sender gives way
        // (this wait then ends once it does), unless this wait is that sender's.
        if kind == WaitKind::Room || !nudge_room_waits(&cycle) {
            drop(guard);
            return Err(deadlock(me, &cycle.chain));
        }
    }
    Ok(guard)
}

// ---- plain threads ----

/// A plain thread blocked in a pykka wait.
#[derive(Debug, Clone)]
pub(crate) struct ThreadWait {
    pub(crate) name: Option<String>,
    pub(crate) id: std::thread::ThreadId,
    pub(crate) kind: WaitKind,
    pub(crate) target: Option<Arc<Origin>>,
    pub(crate) since: Instant,
}

static THREADS: Mutex<Option<HashMap<u64, ThreadWait>>> = Mutex::new(None);

fn threads() -> ThreadsGuard {
    ThreadsGuard(THREADS.lock().unwrap_or_else(|e| e.into_inner()))
}

struct ThreadsGuard(MutexGuard<'static, Option<HashMap<u64, ThreadWait>>>);

impl ThreadsGuard {
    fn map(&mut self) -> &mut HashMap<u64, ThreadWait> {
        self.0.get_or_insert_with(HashMap::new)
    }
    fn remove(&mut self, key: &u64) -> Option<ThreadWait> {
        self.map().remove(key)
    }
}

fn publish_thread(kind: WaitKind, target: ActivityRef) -> WaitGuard {
    static NEXT_KEY: AtomicU64 = AtomicU64::new(1);
    let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
    let current = std::thread::current();
    let target = activity::get(target).and_then(|s| s.owner().as_ref().map(|o| o.origin.clone()));
    let wait = ThreadWait {
        name: current.name().map(str::to_owned),
        id: current.id(),
        kind,
        target,
        since: Instant::now(),
    };
    threads().map().insert(key, wait);
    WaitGuard::Thread(key)
}

/// Every plain thread's wait, oldest first.
pub(crate) fn thread_waits() -> Vec<ThreadWait> {
    let mut all: Vec<ThreadWait> = threads().map().values().cloned().collect();
    all.sort_by_key(|w| w.since);
    all
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn slot() -> &'static Activity {
        Box::leak(Box::default())
    }

    #[test]
    fn noted_waits_keep_one_entry_per_actor_and_are_all_marked() {
        let (a, b, c) = (slot(), slot(), slot());
        let mut noted = Noted::default();
        noted.note(a, 1);
        noted.note(b, 7);
        noted.note(c, 3);
        // A later wait of the same actor replaces its ended one, inline or not.
        noted.note(a, 2);
        noted.note(b, 8);
        assert_eq!(noted.rest.len(), 2);
        noted.mark_answered();
        assert!(is_answered(a, 2) && !is_answered(a, 1));
        assert!(is_answered(b, 8));
        assert!(is_answered(c, 3));
    }

    #[test]
    fn a_reserved_wait_is_used_only_if_no_other_wait_came_first() {
        let a = slot();
        let me = ActivityRef::from_bits(1 << 32);
        let reserved = Reserved::take(a, me);
        assert_eq!(reserved.id_in(a), Some(reserved.id));
        // Another slot's wait never takes it.
        assert_eq!(reserved.id_in(slot()), None);
        // A wait published in between (a send that waited for room) took the next id:
        // the reserved one is stale, and the reply's wait takes a new one.
        let room = next_id(a);
        assert!(room > reserved.id);
        assert_eq!(reserved.id_in(a), None);
        assert!(next_id(a) > room);
    }

    #[test]
    fn a_late_mark_of_an_older_wait_leaves_the_newer_one_answered() {
        let a = slot();
        // The waiter marks its newer wait (answered before it was published), then the
        // answerer, which took the older wait's note, marks that one.
        mark_answered(a, 5);
        mark_answered(a, 4);
        assert!(is_answered(a, 5));
    }
}

/// loom models of the publication protocol, run on the real `write`, `read` and
/// `find_cycle`: `RUSTFLAGS="--cfg loom" cargo test -p pykka-core --lib --release loom`.
#[cfg(all(test, loom))]
mod loom_models {
    use super::*;
    use loom::thread;

    /// Two slots of a model, at references 1 and 2.
    struct Two(&'static Activity, &'static Activity);

    const A: ActivityRef = ActivityRef::from_bits(1 << 32);
    const B: ActivityRef = ActivityRef::from_bits(2 << 32);

    impl Slots for Two {
        fn slot(&self, activity: ActivityRef) -> Option<&Activity> {
            match activity {
                A => Some(self.0),
                B => Some(self.1),
                _ => None,
            }
        }
    }

    fn two() -> &'static Two {
        Box::leak(Box::new(Two(
            Box::leak(Box::default()),
            Box::leak(Box::default()),
        )))
    }

    fn waits_for(id: u64, target: ActivityRef) -> Published {
        Published {
            id,
            kind: WaitKind::Actor as u64,
            target: target.bits(),
            since: 0,
        }
    }

    fn model(f: impl Fn() + Sync + Send + 'static) {
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound.get_or_insert(4);
        builder.check(f);
    }

    /// Two actors that close a cycle at the same moment: at least one sees it.
    #[test]
    fn simultaneous_waits_see_each_other() {
        model(|| {
            let slots = two();
            let other = thread::spawn(move || {
                publish_and_check(slots, slots.1, waits_for(1, A), B, Some(A)).is_some()
            });
            let here = publish_and_check(slots, slots.0, waits_for(1, B), A, Some(B)).is_some();
            let there = other.join().unwrap();
            assert!(here || there, "neither actor saw the cycle");
        });
    }

    /// A reader never sees one record's id with another record's target (a torn read),
    /// whatever the writer republishes meanwhile.
    #[test]
    fn a_record_is_read_whole() {
        model(|| {
            let slots = two();
            let writer = thread::spawn(move || {
                write(slots.0, waits_for(1, A));
                write(slots.0, waits_for(2, B));
                slots.0.wait.0.id.store(0, Ordering::Release);
            });
            for _ in 0..2 {
                if let Some(r) = read(slots.0) {
                    let expected = if r.id == 1 { A } else { B };
                    assert_eq!(r.target, expected.bits(), "torn read: {r:?}");
                }
            }
            writer.join().unwrap();
        });
    }

    /// A wait that ended before the check began is never part of a reported cycle.
    #[test]
    fn an_ended_wait_is_not_a_cycle() {
        model(|| {
            let slots = two();
            write(slots.0, waits_for(1, B));
            slots.0.wait.0.id.store(0, Ordering::Release);
            let other = thread::spawn(move || {
                publish_and_check(slots, slots.1, waits_for(1, A), B, Some(A))
            });
            assert!(other.join().unwrap().is_none());
        });
    }

    /// A's wait for B stands, but B has answered it (and marked it answered) before B
    /// waits for A: whatever a third reader sees meanwhile, B's check finds no cycle,
    /// although A has not woken up to end its wait yet.
    #[test]
    fn an_answered_wait_is_not_a_cycle() {
        model(|| {
            let slots = two();
            write(slots.0, waits_for(1, B));
            let b = thread::spawn(move || {
                mark_answered(slots.0, 1);
                publish_and_check(slots, slots.1, waits_for(1, A), B, Some(A))
            });
            let reader = find_cycle(slots, B, A);
            assert!(
                b.join().unwrap().is_none(),
                "B saw an answered wait as a cycle"
            );
            // A reader that looked before the answer may see the cycle; not after it.
            if is_answered(slots.0, 1) {
                assert!(find_cycle(slots, B, A).is_none());
            }
            drop(reader);
        });
    }

    /// A blocking ask's wait is noted in its reply before it is published (reserved),
    /// so B can answer it, and mark it, before A publishes it; B then waits for A.
    /// However the two interleave, neither reports a cycle: A's check drops a cycle
    /// whose closing wait it finds answered (as `publish` does), and B finds A's wait
    /// answered or not yet there.
    #[test]
    fn a_reserved_wait_answered_before_it_is_published_is_not_a_cycle() {
        model(|| {
            let slots = two();
            let b = thread::spawn(move || {
                mark_answered(slots.0, 1);
                publish_and_check(slots, slots.1, waits_for(1, A), B, Some(A)).is_some()
            });
            let a = publish_and_check(slots, slots.0, waits_for(1, B), A, Some(B))
                .filter(|_| !is_answered(slots.0, 1))
                .is_some();
            assert!(!a, "A saw a cycle through its answered wait");
            assert!(!b.join().unwrap(), "B saw A's answered wait as a cycle");
        });
    }
}
