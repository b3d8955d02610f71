//! [`Snapshot`]: the process's actors and blocked threads at one moment, as a value and
//! as a table.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use super::activity::{self, ActivityRef, Phase, unstamp};
use super::wait_graph::{self, WaitKind};

/// What kind of message an actor is handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageKind {
    /// A message sent with `tell` (or `broadcast`).
    Tell = 0,
    /// A message sent with `ask`.
    Ask = 1,
    /// A proxy call (`call`, `field`, `set_field`, `defer`).
    Call = 2,
    /// A stop request.
    Stop = 3,
}

impl MessageKind {
    fn from_bits(bits: u64) -> MessageKind {
        match bits & 0b11 {
            0 => MessageKind::Tell,
            1 => MessageKind::Ask,
            2 => MessageKind::Call,
            _ => MessageKind::Stop,
        }
    }

    fn article(self) -> &'static str {
        match self {
            MessageKind::Tell => "a told message",
            MessageKind::Ask => "an ask",
            MessageKind::Call => "a proxy call",
            MessageKind::Stop => "a stop request",
        }
    }
}

/// What an actor or a thread waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitingFor {
    /// The reply of an actor (to an ask, a proxy call or a stop): its label,
    /// `Name (urn:uuid:…)`.
    ReplyOf(Arc<str>),
    /// A [`Reply`](crate::Reply) that no actor answers (made with `Reply::new`, or a
    /// combinator), or the reply of an actor that has just ended.
    Reply,
    /// An [`Event`](crate::Event).
    Event,
    /// [`sleep`](crate::sleep) (or `sleep_until`).
    Sleep,
    /// Whatever an async handler ([`Actor::on_receive_async`](crate::Actor::on_receive_async))
    /// awaits, on a backend that parks the actor's thread or coroutine meanwhile.
    Await,
    /// Room in the full, bounded inbox of an actor (its label), to send it a message.
    RoomIn(Arc<str>),
}

impl fmt::Display for WaitingFor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitingFor::ReplyOf(label) => write!(f, "waiting for the reply of {label}"),
            WaitingFor::Reply => f.write_str("waiting for a reply"),
            WaitingFor::Event => f.write_str("waiting for an event"),
            WaitingFor::Sleep => f.write_str("sleeping"),
            WaitingFor::Await => f.write_str("awaiting in an async handler"),
            WaitingFor::RoomIn(label) => write!(f, "waiting for room in the inbox of {label}"),
        }
    }
}

/// What an actor is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ActorState {
    /// Started, `on_start` not finished yet (or the actor not yet scheduled).
    Starting,
    /// Waiting for its next message.
    Idle,
    /// Busy handling a message. What kind and since when are known while times are
    /// recorded (see [`record_times`](super::record_times)).
    Handling {
        /// What kind of message.
        message: Option<MessageKind>,
        /// When it started.
        since: Option<Instant>,
    },
    /// Blocked in a pykka wait inside one of its hooks.
    Waiting {
        /// For what.
        waiting_for: WaitingFor,
        /// Since when, if known.
        since: Option<Instant>,
    },
    /// Stopping: `on_stop` or `on_failure` runs.
    Stopping,
}

/// One actor in a [`Snapshot`].
#[derive(Debug, Clone)]
pub struct ActorStatus {
    label: Arc<str>,
    name: &'static str,
    runtime: &'static str,
    state: ActorState,
    queued: Option<usize>,
    handled: Option<u64>,
}

impl ActorStatus {
    /// `Name (urn:uuid:…)`, as the actor's reference displays.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The actor's name ([`Actor::name`](crate::Actor::name)).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The actor's URN.
    pub fn urn(&self) -> &str {
        &self.label[self.name.len() + 2..self.label.len() - 1]
    }

    /// The backend running it ([`Runtime::NAME`](crate::Runtime::NAME)).
    pub fn runtime(&self) -> &'static str {
        self.runtime
    }

    /// What it is doing.
    pub fn state(&self) -> &ActorState {
        &self.state
    }

    /// Messages queued in its inbox, if its backend can tell.
    pub fn queued(&self) -> Option<usize> {
        self.queued
    }

    /// Messages it has started to handle so far, counted while times are recorded
    /// (see [`record_times`](super::record_times)).
    pub fn handled(&self) -> Option<u64> {
        self.handled
    }
}

/// A plain thread (no actor's) blocked in a pykka wait, in a [`Snapshot`].
#[derive(Debug, Clone)]
pub struct ThreadStatus {
    name: Option<String>,
    id: ThreadId,
    waiting_for: WaitingFor,
    since: Instant,
}

impl ThreadStatus {
    /// The thread's name, if it has one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The thread's id.
    pub fn id(&self) -> ThreadId {
        self.id
    }

    /// What it waits for.
    pub fn waiting_for(&self) -> &WaitingFor {
        &self.waiting_for
    }

    /// Since when (the moment it parked).
    pub fn since(&self) -> Instant {
        self.since
    }
}

/// The process's actors (of every registry) and the plain threads blocked in pykka
/// waits, at one moment: what [`snapshot`](super::snapshot) returns. Its `Display` is a
/// table.
#[derive(Debug, Clone)]
pub struct Snapshot {
    taken_at: Instant,
    actors: Vec<ActorStatus>,
    threads: Vec<ThreadStatus>,
    cycles: Vec<Vec<Arc<str>>>,
}

impl Snapshot {
    /// When it was taken.
    pub fn taken_at(&self) -> Instant {
        self.taken_at
    }

    /// Every live actor, in the order their slots were made.
    pub fn actors(&self) -> &[ActorStatus] {
        &self.actors
    }

    /// Every plain thread blocked in a pykka wait, longest first.
    pub fn threads(&self) -> &[ThreadStatus] {
        &self.threads
    }

    /// The ask cycles among the actors' waits (each a list of labels, every actor
    /// waiting for the next, the last for the first). Normally empty: pykka refuses a
    /// wait that would close one. One shows here only while its actors wait with
    /// timeouts that began before the cycle closed through an actor that ended.
    pub fn ask_cycles(&self) -> &[Vec<Arc<str>>] {
        &self.cycles
    }

    fn summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut text = format!(
            "{}; {} blocked in a pykka wait",
            plural(self.actors.len(), "actor", "actors"),
            plural(self.threads.len(), "plain thread", "plain threads"),
        );
        if !self.cycles.is_empty() {
            text.push_str(&format!(
                ", {}",
                plural(self.cycles.len(), "ask cycle", "ask cycles")
            ));
        }
        text
    }

    fn describe(&self, state: &ActorState) -> String {
        let elapsed = |since: &Option<Instant>| match since {
            Some(t) => format!(" for {:.1?}", self.taken_at.saturating_duration_since(*t)),
            None => String::new(),
        };
        match state {
            ActorState::Starting => "starting".to_owned(),
            ActorState::Idle => "idle".to_owned(),
            ActorState::Handling { message, since } => match message {
                Some(m) => format!("handling {}{}", m.article(), elapsed(since)),
                None => format!("handling a message{}", elapsed(since)),
            },
            ActorState::Waiting { waiting_for, since } => {
                format!("{waiting_for}{}", elapsed(since))
            }
            ActorState::Stopping => "stopping".to_owned(),
        }
    }

    fn thread_name(t: &ThreadStatus) -> String {
        match &t.name {
            Some(name) => name.clone(),
            None => format!("{:?}", t.id),
        }
    }

    fn waited(&self, since: Instant) -> Duration {
        self.taken_at.saturating_duration_since(since)
    }

    /// One line per actor, thread and cycle, then the summary: what
    /// [`log_actor_states`](super::log_actor_states) logs.
    pub(crate) fn log_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .actors
            .iter()
            .map(|a| {
                format!(
                    "{} [{}]: {}; {} queued, {} handled",
                    a.label,
                    a.runtime,
                    self.describe(&a.state),
                    unknown(a.queued),
                    unknown(a.handled)
                )
            })
            .collect();
        lines.extend(self.threads.iter().map(|t| {
            format!(
                "thread {}: {} for {:.1?}",
                Self::thread_name(t),
                t.waiting_for,
                self.waited(t.since)
            )
        }));
        lines.extend(
            self.cycles
                .iter()
                .map(|c| format!("ask cycle: {}", cycle_text(c))),
        );
        lines.push(self.summary());
        lines
    }
}

fn unknown<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "?".to_owned(), |v| v.to_string())
}

pub(crate) fn cycle_text(cycle: &[Arc<str>]) -> String {
    let mut text = cycle.join(" -> ");
    if let Some(first) = cycle.first() {
        text.push_str(" -> ");
        text.push_str(first);
    }
    text
}

impl fmt::Display for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.summary())?;
        let rows: Vec<[String; 5]> = self
            .actors
            .iter()
            .map(|a| {
                [
                    a.label.to_string(),
                    a.runtime.to_owned(),
                    unknown(a.queued),
                    unknown(a.handled),
                    self.describe(&a.state),
                ]
            })
            .collect();
        let header = ["ACTOR", "BACKEND", "QUEUED", "HANDLED", "STATE"];
        let width = |i: usize| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        };
        let widths = [width(0), width(1), width(2), width(3)];
        let mut row = |cells: [&str; 5]| {
            writeln!(
                f,
                "{:<w0$}  {:<w1$}  {:>w2$}  {:>w3$}  {}",
                cells[0],
                cells[1],
                cells[2],
                cells[3],
                cells[4],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3],
            )
        };
        if !rows.is_empty() {
            row(header)?;
            for r in &rows {
                row([&r[0], &r[1], &r[2], &r[3], &r[4]])?;
            }
        }
        if !self.threads.is_empty() {
            let names: Vec<String> = self.threads.iter().map(Self::thread_name).collect();
            let w = names.iter().map(String::len).chain([6]).max().unwrap_or(6);
            writeln!(f, "{:<w$}  STATE", "THREAD")?;
            for (t, name) in self.threads.iter().zip(&names) {
                writeln!(
                    f,
                    "{name:<w$}  {} for {:.1?}",
                    t.waiting_for,
                    self.waited(t.since)
                )?;
            }
        }
        for cycle in &self.cycles {
            writeln!(f, "ASK CYCLE  {}", cycle_text(cycle))?;
        }
        Ok(())
    }
}

/// Reads every slot and the plain threads' waits.
pub(super) fn take() -> Snapshot {
    let mut actors = Vec::new();
    // Who waits for whom, for the cycle search.
    let mut edges: HashMap<ActivityRef, ActivityRef> = HashMap::new();
    let mut labels: HashMap<ActivityRef, Arc<str>> = HashMap::new();
    for (me, slot) in activity::live() {
        let (origin, runtime, (queued, receiver_waits)) = {
            let owner = slot.owner();
            let Some(owner) = owner.as_ref() else {
                continue;
            };
            (owner.origin.clone(), owner.runtime, (owner.inbox)())
        };
        let word = slot.busy.0.word.load(Ordering::Relaxed);
        let Some(phase) = Phase::from_bits(word) else {
            continue;
        };
        let timed = super::records_times();
        let since = unstamp(slot.busy.0.since.load(Ordering::Relaxed));
        let idle = receiver_waits.or(slot.busy.0.idle.load(Ordering::Relaxed).then_some(true));
        let mut state = match (phase, idle) {
            (Phase::Starting, _) => ActorState::Starting,
            (Phase::Stopping, _) => ActorState::Stopping,
            (_, Some(true)) => ActorState::Idle,
            // Messages are recorded only while times are.
            (Phase::Idle, None) if timed => ActorState::Idle,
            (Phase::Handling, _) if timed => ActorState::Handling {
                message: Some(MessageKind::from_bits(word >> 3)),
                since,
            },
            _ => ActorState::Handling {
                message: None,
                since: None,
            },
        };
        if let Some(record) = wait_graph::read(slot) {
            let target = ActivityRef::from_bits(record.target);
            let waiting_for = match WaitKind::from_bits(record.kind) {
                Some(WaitKind::Actor) => {
                    edges.insert(me, target);
                    match target_label(target) {
                        Some(label) => WaitingFor::ReplyOf(label),
                        None => WaitingFor::Reply,
                    }
                }
                Some(WaitKind::Room) => {
                    edges.insert(me, target);
                    match target_label(target) {
                        Some(label) => WaitingFor::RoomIn(label),
                        None => WaitingFor::Reply,
                    }
                }
                Some(WaitKind::Event) => WaitingFor::Event,
                Some(WaitKind::Sleep) => WaitingFor::Sleep,
                Some(WaitKind::Await) => WaitingFor::Await,
                Some(WaitKind::Reply) | None => WaitingFor::Reply,
            };
            state = ActorState::Waiting {
                waiting_for,
                since: unstamp(record.since),
            };
        }
        let label = origin.label().clone();
        labels.insert(me, label.clone());
        actors.push(ActorStatus {
            label,
            name: origin.name(),
            runtime,
            state,
            queued,
            handled: timed.then_some(word >> 5),
        });
    }
    let threads = wait_graph::thread_waits()
        .into_iter()
        .map(|w| ThreadStatus {
            waiting_for: match (w.kind, &w.target) {
                (WaitKind::Actor, Some(origin)) => WaitingFor::ReplyOf(origin.label().clone()),
                (WaitKind::Room, Some(origin)) => WaitingFor::RoomIn(origin.label().clone()),
                (WaitKind::Event, _) => WaitingFor::Event,
                (WaitKind::Sleep, _) => WaitingFor::Sleep,
                (WaitKind::Await, _) => WaitingFor::Await,
                _ => WaitingFor::Reply,
            },
            name: w.name,
            id: w.id,
            since: w.since,
        })
        .collect();
    Snapshot {
        taken_at: Instant::now(),
        actors,
        threads,
        cycles: cycles(&edges, &labels),
    }
}

fn target_label(target: ActivityRef) -> Option<Arc<str>> {
    let slot = activity::get(target)?;
    let owner = slot.owner();
    owner.as_ref().map(|o| o.origin.label().clone())
}

/// The cycles of a graph in which each node has at most one successor, each once.
fn cycles(
    edges: &HashMap<ActivityRef, ActivityRef>,
    labels: &HashMap<ActivityRef, Arc<str>>,
) -> Vec<Vec<Arc<str>>> {
    let mut done: HashMap<ActivityRef, ()> = HashMap::new();
    let mut found = Vec::new();
    let mut starts: Vec<&ActivityRef> = edges.keys().collect();
    starts.sort_by_key(|r| r.bits());
    for &start in starts {
        let mut path: Vec<ActivityRef> = Vec::new();
        let mut node = start;
        while !done.contains_key(&node) {
            if let Some(at) = path.iter().position(|n| *n == node) {
                let cycle = path[at..]
                    .iter()
                    .filter_map(|n| labels.get(n).cloned())
                    .collect();
                found.push(cycle);
                break;
            }
            path.push(node);
            match edges.get(&node) {
                Some(next) => node = *next,
                None => break,
            }
        }
        for n in path {
            done.insert(n, ());
        }
    }
    found
}
