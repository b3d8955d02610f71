//! Bounded inboxes (issue 15): an actor started with a
//! [`mailbox_capacity`](pykka_core::Actor::mailbox_capacity) makes its senders wait for
//! room, parking the sender's own context; `try_tell` and `tell_timeout` hand the
//! message back; stop requests never wait; an actor telling itself, or a send that would
//! close a cycle of waits, goes over the capacity instead of waiting forever.
//!
//! Every case fills the inbox the same way: the actor is held inside a handler (it has
//! taken that message out, so its inbox is empty), then exactly `capacity` messages fill
//! it. A wait for room is seen in [`debug::snapshot`](pykka_core::debug::snapshot), never guessed with a sleep.
//!
//! Not a port of a Pykka file: Pykka's inboxes are unbounded.

use std::pin::pin;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::thread::ThreadId;
use std::time::Duration;

use crate::cycles::snapshot_until;
use crate::support::{Cmd, Events, Fixture, Probe, TIMEOUT, wait_for};
use pykka_core::debug::{ActorState, WaitingFor};
use pykka_core::{Actor, ActorRef, AskError, Context, Event, Failure, Runtime, TryTellError};

/// Something run inside an [`Inbox`], with its context; its string is the reply.
pub type InboxJob = Box<dyn FnOnce(&Context<Inbox>) -> String + Send>;

/// An actor with a bounded inbox that records the numbers it is told.
#[derive(Debug)]
pub struct Inbox {
    capacity: usize,
    notes: Arc<Mutex<Vec<u32>>>,
}

/// The messages of an [`Inbox`].
pub enum Job {
    /// Sets `busy`, then waits (bounded by [`TIMEOUT`]) until `gate` is set; then fails
    /// (stopping the actor) if `fail`.
    Hold {
        /// Set once the actor is inside this handler.
        busy: Event,
        /// What the handler waits for.
        gate: Event,
        /// Whether the handler fails once released.
        fail: bool,
    },
    /// Records the number.
    Note(u32),
    /// Replies `"pong"`.
    Ping,
    /// Runs the job and replies its string.
    Run(InboxJob),
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Job::Hold { .. } => f.write_str("Hold"),
            Job::Note(n) => write!(f, "Note({n})"),
            Job::Ping => f.write_str("Ping"),
            Job::Run(_) => f.write_str("Run"),
        }
    }
}

impl Inbox {
    /// An actor whose inbox holds `capacity` messages.
    pub fn new(capacity: usize) -> Self {
        Inbox {
            capacity,
            notes: Arc::default(),
        }
    }

    /// The numbers it has recorded so far, in order.
    pub fn notes(&self) -> Arc<Mutex<Vec<u32>>> {
        self.notes.clone()
    }
}

impl Actor for Inbox {
    awaiting_handler!();

    type Message = Job;
    type Reply = String;

    fn mailbox_capacity(&self) -> Option<usize> {
        Some(self.capacity)
    }

    fn on_receive(&mut self, job: Job, ctx: &Context<Self>) -> Result<String, Failure> {
        match job {
            Job::Hold { busy, gate, fail } => {
                busy.set();
                if !gate.wait_timeout(TIMEOUT) {
                    return Err(Failure::msg("the case never released the actor"));
                }
                if fail {
                    return Err(Failure::msg("released to fail"));
                }
            }
            Job::Note(n) => self.notes.lock().unwrap().push(n),
            Job::Ping => return Ok("pong".into()),
            Job::Run(job) => return Ok(job(ctx)),
        }
        Ok(String::new())
    }
}

/// An [`Inbox`] held inside a handler with its inbox full of `Note(1..=capacity)`.
struct Full {
    actor: ActorRef<Inbox>,
    gate: Event,
    notes: Arc<Mutex<Vec<u32>>>,
}

impl Full {
    fn start<R: Runtime>(fx: &Fixture<R>, capacity: u32, fail: bool) -> Full {
        let inbox = Inbox::new(capacity as usize);
        let notes = inbox.notes();
        let actor = fx.start(inbox);
        let (busy, gate) = (Event::new(), Event::new());
        actor
            .tell(Job::Hold {
                busy: busy.clone(),
                gate: gate.clone(),
                fail,
            })
            .unwrap();
        wait_for(&busy, "the actor to take the held message");
        for n in 1..=capacity {
            assert!(
                actor.try_tell(Job::Note(n)).is_ok(),
                "the held message's room was not given back, or the capacity is smaller"
            );
        }
        match actor.try_tell(Job::Note(99)) {
            Err(TryTellError::Full(Job::Note(99))) => {}
            other => panic!("a full inbox took one more message: {other:?}"),
        }
        Full { actor, gate, notes }
    }

    /// Lets the actor go on, then waits (with an ask) until it has handled what was
    /// queued before.
    fn release_and_flush(&self) {
        self.gate.set();
        assert_eq!(self.actor.ask_timeout(Job::Ping, TIMEOUT).unwrap(), "pong");
    }

    fn notes(&self) -> Vec<u32> {
        self.notes.lock().unwrap().clone()
    }
}

fn waits_for_room(waiting_for: &WaitingFor, label: &str) -> bool {
    matches!(waiting_for, WaitingFor::RoomIn(l) if **l == *label)
}

/// Waits until the plain thread `id` is seen waiting for room in `target`'s inbox.
fn wait_until_thread_waits_for_room(id: ThreadId, target: &ActorRef<Inbox>) {
    let label = target.to_string();
    snapshot_until(&format!("a thread waiting for room in {label}"), |s| {
        s.threads()
            .iter()
            .any(|t| t.id() == id && waits_for_room(t.waiting_for(), &label))
    });
}

/// Waits until the actor `urn` is seen waiting for room in `target`'s inbox.
fn wait_until_actor_waits_for_room(urn: &str, target: &ActorRef<Inbox>) {
    let label = target.to_string();
    snapshot_until(&format!("{urn} waiting for room in {label}"), |s| {
        s.actors().iter().any(|a| {
            a.urn() == urn
                && matches!(a.state(), ActorState::Waiting { waiting_for, .. }
                    if waits_for_room(waiting_for, &label))
        })
    });
}

/// A full inbox makes a plain thread's `tell` wait (the thread is seen waiting for room,
/// and its message not yet sent) until the actor takes a message out; the message then
/// arrives after those queued before it.
pub fn full_inbox_makes_tell_wait_for_room<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let full = Full::start(&fx, 2, false);
    let (sent_tx, sent) = mpsc::channel();
    let target = full.actor.clone();
    let sender = std::thread::spawn(move || {
        let _ = sent_tx.send(target.tell(Job::Note(100)).is_ok());
    });
    wait_until_thread_waits_for_room(sender.thread().id(), &full.actor);
    assert!(sent.try_recv().is_err(), "the tell did not wait for room");
    full.release_and_flush();
    assert_eq!(sent.recv_timeout(TIMEOUT), Ok(true));
    assert_eq!(full.actor.ask_timeout(Job::Ping, TIMEOUT).unwrap(), "pong");
    assert_eq!(full.notes(), [1, 2, 100]);
    sender.join().unwrap();
}

/// `sender` (an actor of any runtime) tells the full inbox of `full`: it is seen
/// waiting for room while an actor of its own runtime still answers, then its message
/// arrives once there is room.
fn sender_actor_waits_for_room<R: Runtime>(full: &Full, on_sender_side: &Fixture<R>) {
    let sender = on_sender_side.start(Probe::new(&Events::new()));
    let target = full.actor.clone();
    let told = sender.ask_nonblocking(Cmd::Run(Box::new(move |_| {
        format!("{:?}", target.tell(Job::Note(100)))
    })));
    wait_until_actor_waits_for_room(sender.urn(), &full.actor);
    let other = on_sender_side.start(Probe::new(&Events::new()));
    assert_eq!(
        other.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(),
        "pong",
        "a sender waiting for room blocked its runtime"
    );
    full.release_and_flush();
    assert_eq!(told.get_timeout(TIMEOUT).unwrap(), "Ok(())");
    assert_eq!(full.actor.ask_timeout(Job::Ping, TIMEOUT).unwrap(), "pong");
    assert_eq!(full.notes(), [1, 100]);
}

/// An actor telling a full inbox waits for room by parking its own context only:
/// another actor of the same runtime answers meanwhile.
pub fn sender_actor_waits_for_room_without_blocking_its_runtime<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let full = Full::start(&fx, 1, false);
    sender_actor_waits_for_room(&full, &fx);
}

/// `try_tell` on a full inbox and `tell_timeout` that runs out hand the message back
/// and deliver nothing; on a dead actor, both (and `tell`) hand it back too.
pub fn try_tell_and_tell_timeout_hand_the_message_back<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let full = Full::start(&fx, 2, false);
    let refused = full.actor.try_tell(Job::Note(7)).unwrap_err();
    assert!(refused.is_full());
    assert!(refused.to_string().contains("full"), "{refused}");
    assert!(matches!(refused.into_inner(), Job::Note(7)));

    let timed_out = full
        .actor
        .tell_timeout(Job::Note(8), Duration::from_millis(20))
        .unwrap_err();
    assert!(timed_out.is_timeout());
    assert!(matches!(timed_out.into_inner(), Job::Note(8)));

    full.release_and_flush();
    assert_eq!(full.notes(), [1, 2], "a refused message was delivered");
    assert!(full.actor.try_tell(Job::Note(3)).is_ok(), "room came back");
    assert!(
        full.actor
            .tell_timeout(Job::Note(4), Duration::from_millis(20))
            .is_ok()
    );
    full.release_and_flush();
    assert_eq!(full.notes(), [1, 2, 3, 4]);

    assert!(full.actor.stop());
    let dead = full.actor.try_tell(Job::Note(5)).unwrap_err();
    assert!(!dead.is_full());
    assert!(matches!(dead.into_inner(), Job::Note(5)));
    let dead = full.actor.tell_timeout(Job::Note(6), TIMEOUT).unwrap_err();
    assert!(!dead.is_timeout());
    assert!(matches!(dead.into_inner(), Job::Note(6)));
    let dead = full.actor.tell(Job::Note(7)).unwrap_err();
    assert!(matches!(dead.into_inner(), Job::Note(7)));
}

/// `stop` and `stop_all` on a full inbox never wait for room: the stopping thread is
/// seen waiting for the stop's answer (so the request is queued) while the inbox is
/// still full; the messages queued before the stop are handled, then the actor stops.
pub fn stop_requests_never_wait_for_room<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    for stop_all in [false, true] {
        let full = Full::start(&fx, 2, false);
        let label = full.actor.to_string();
        let (done_tx, done) = mpsc::channel();
        let (target, registry) = (full.actor.clone(), fx.registry.clone());
        let stopper = std::thread::spawn(move || {
            let stopped = if stop_all {
                registry.stop_all().contains(&true)
            } else {
                target.stop()
            };
            let _ = done_tx.send(stopped);
        });
        let id = stopper.thread().id();
        let seen = snapshot_until("the stopping thread waiting", |s| {
            s.threads().iter().any(|t| t.id() == id)
        });
        let waiting_for = seen.threads().iter().find(|t| t.id() == id).unwrap();
        assert!(
            !waits_for_room(waiting_for.waiting_for(), &label),
            "a stop request waited for room: {seen}"
        );
        assert!(done.try_recv().is_err());
        full.gate.set();
        assert_eq!(done.recv_timeout(TIMEOUT), Ok(true));
        assert_eq!(full.notes(), [1, 2], "messages queued before the stop");
        assert!(!full.actor.is_alive());
        stopper.join().unwrap();
    }
}

/// Senders waiting for room when the actor ends get their message back in the error
/// (a tell's [`ActorDeadError`](pykka_core::ActorDeadError)), and a waiting ask fails
/// with [`AskError::Dead`]: nobody waits past the actor's end.
pub fn waiting_senders_get_their_message_back_when_the_actor_ends<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let full = Full::start(&fx, 1, true);
    let (told_tx, told) = mpsc::channel();
    let target = full.actor.clone();
    let teller = std::thread::spawn(move || {
        let back = match target.tell(Job::Note(100)) {
            Err(dead) => matches!(dead.into_inner(), Job::Note(100)),
            Ok(()) => false,
        };
        let _ = told_tx.send(back);
    });
    let (asked_tx, asked) = mpsc::channel();
    let target = full.actor.clone();
    let asker = std::thread::spawn(move || {
        let _ = asked_tx.send(target.ask_timeout(Job::Ping, TIMEOUT));
    });
    wait_until_thread_waits_for_room(teller.thread().id(), &full.actor);
    wait_until_thread_waits_for_room(asker.thread().id(), &full.actor);
    full.gate.set();
    assert_eq!(
        told.recv_timeout(TIMEOUT),
        Ok(true),
        "the waiting tell did not get its message back"
    );
    assert!(matches!(
        asked.recv_timeout(TIMEOUT),
        Ok(Err(AskError::Dead(_)))
    ));
    assert!(!full.actor.is_alive());
    teller.join().unwrap();
    asker.join().unwrap();
}

/// An actor telling itself never waits for its own inbox: `tell` and `tell_timeout` go
/// over the capacity (the messages arrive, in order), `try_tell` still reports a full
/// inbox, and the room is counted right afterwards.
pub fn an_actor_telling_itself_goes_over_the_capacity<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let inbox = Inbox::new(1);
    let notes = inbox.notes();
    let actor = fx.start(inbox);
    let report = actor
        .ask_timeout(
            Job::Run(Box::new(|ctx| {
                let me = ctx.actor_ref();
                let told: Vec<bool> = (1..=3).map(|n| me.tell(Job::Note(n)).is_ok()).collect();
                let full = me.try_tell(Job::Note(4)).is_err_and(|e| e.is_full());
                let timed = me.tell_timeout(Job::Note(5), TIMEOUT).is_ok();
                format!("{told:?} {full} {timed}")
            })),
            TIMEOUT,
        )
        .unwrap();
    assert_eq!(report, "[true, true, true] true true");
    assert_eq!(actor.ask_timeout(Job::Ping, TIMEOUT).unwrap(), "pong");
    assert_eq!(*notes.lock().unwrap(), [1, 2, 3, 5]);
    assert!(
        actor.try_tell(Job::Note(6)).is_ok(),
        "the room was miscounted"
    );
    assert_eq!(actor.ask_timeout(Job::Ping, TIMEOUT).unwrap(), "pong");
    assert_eq!(*notes.lock().unwrap(), [1, 2, 3, 5, 6]);
}

/// An ask waits for room within its timeout: out of time, it fails with
/// [`AskError::Timeout`] and its message is not delivered; with room, it is answered.
pub fn ask_waits_for_room_within_its_timeout<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let full = Full::start(&fx, 1, false);
    assert!(matches!(
        full.actor
            .ask_timeout(Job::Note(50), Duration::from_millis(20)),
        Err(AskError::Timeout(_))
    ));
    full.release_and_flush();
    assert_eq!(full.notes(), [1], "the timed-out ask was delivered");
}

struct Flag(Event);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.set();
    }
}

/// `tell_async` on a full inbox is pending (blocking nothing) until there is room, is
/// woken then, and sends; a `tell_async` dropped while pending sends nothing.
pub fn tell_async_awaits_room<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let full = Full::start(&fx, 1, false);
    let woken = Event::new();
    let waker = Waker::from(Arc::new(Flag(woken.clone())));
    let mut cx = TaskContext::from_waker(&waker);
    let mut told = pin!(full.actor.tell_async(Job::Note(100)));
    assert!(told.as_mut().poll(&mut cx).is_pending());
    {
        let mut dropped = pin!(full.actor.tell_async(Job::Note(200)));
        assert!(dropped.as_mut().poll(&mut cx).is_pending());
    }
    assert!(!woken.is_set());
    full.gate.set();
    wait_for(&woken, "the room to wake the pending tell_async");
    assert!(matches!(told.as_mut().poll(&mut cx), Poll::Ready(Ok(()))));
    assert_eq!(full.actor.ask_timeout(Job::Ping, TIMEOUT).unwrap(), "pong");
    assert_eq!(full.notes(), [1, 100]);
}

/// A timer's message to a full inbox goes over the capacity instead of blocking core's
/// one timer thread: a timer of another actor, due later, still fires while the full
/// inbox is held; the first timer's message arrives once the actor goes on.
pub fn timers_never_wait_for_room<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let full = Full::start(&fx, 1, false);
    let _first = full
        .actor
        .tell_after(Duration::from_millis(1), Job::Note(7));
    let events = Events::new();
    let other = fx.start(Probe::new(&events));
    let _second = other.tell_after(Duration::from_millis(20), Cmd::Greetings);
    wait_for(
        &events.greetings_was_received,
        "a later timer (the timer thread waited for room in a full inbox)",
    );
    full.release_and_flush();
    assert_eq!(full.notes(), [1, 7]);
}

/// A capacity of 0 is a start error (nothing is registered); a started actor reports
/// its capacity, an unbounded one `None`.
pub fn mailbox_capacity_is_reported_and_zero_is_a_start_error<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let err = fx.registry.start(&fx.rt, Inbox::new(0)).unwrap_err();
    assert!(err.to_string().contains("capacity of 0"), "{err}");
    assert!(fx.registry.get_all().is_empty());
    assert_eq!(fx.start(Inbox::new(3)).mailbox_capacity(), Some(3));
    assert_eq!(
        fx.start(Probe::new(&Events::new())).mailbox_capacity(),
        None
    );
}

/// Asks `a` to run `job` once the returned gate opens; returns when `a` runs it (its
/// inbox is then empty), with the job's answer.
fn gated_job(
    a: &ActorRef<Inbox>,
    job: impl FnOnce() -> String + Send + 'static,
) -> (pykka_core::Reply<String>, Event) {
    let (busy, gate) = (Event::new(), Event::new());
    let (job_busy, job_gate) = (busy.clone(), gate.clone());
    let answer = a.ask_nonblocking(Job::Run(Box::new(move |_| {
        job_busy.set();
        assert!(job_gate.wait_timeout(TIMEOUT));
        job()
    })));
    wait_for(&busy, "A to run the job");
    (answer, gate)
}

/// A send that would close a cycle of waits goes over the capacity: A (full) waits for
/// B's reply while B tells A; B's tell would wait for A, which waits for B, so it is
/// sent at once and both go on.
pub fn a_send_that_would_close_a_cycle_goes_over_the_capacity<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let inbox = Inbox::new(1);
    let notes = inbox.notes();
    let a = fx.start(inbox);
    let b = fx.start(Probe::new(&Events::new()));
    let back_to_a = a.clone();
    let (answer, gate) = gated_job(&a, move || {
        let asked = b.ask_timeout(
            Cmd::Run(Box::new(move |_| {
                format!("{:?}", back_to_a.tell(Job::Note(2)))
            })),
            TIMEOUT,
        );
        format!("{asked:?}")
    });
    a.try_tell(Job::Note(1)).unwrap();
    gate.set();
    assert_eq!(answer.get_timeout(TIMEOUT).unwrap(), r#"Ok("Ok(())")"#);
    assert_eq!(a.ask_timeout(Job::Ping, TIMEOUT).unwrap(), "pong");
    assert_eq!(*notes.lock().unwrap(), [1, 2]);
}

/// The same cycle closed the other way: B already waits for room in A (full) when A,
/// busy, asks B. The ask is not refused as a deadlock: B's tell gives way (goes over
/// the capacity), B answers, and A goes on.
pub fn a_cycle_closed_by_an_ask_makes_the_waiting_sender_give_way<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let inbox = Inbox::new(1);
    let notes = inbox.notes();
    let a = fx.start(inbox);
    let b = fx.start(Probe::new(&Events::new()));
    let asked = b.clone();
    let (answer, gate) = gated_job(&a, move || {
        format!("{:?}", asked.ask_timeout(Cmd::Ping, TIMEOUT))
    });
    a.try_tell(Job::Note(1)).unwrap();
    let back_to_a = a.clone();
    let told = b.ask_nonblocking(Cmd::Run(Box::new(move |_| {
        format!("{:?}", back_to_a.tell(Job::Note(2)))
    })));
    wait_until_actor_waits_for_room(b.urn(), &a);
    gate.set();
    assert_eq!(answer.get_timeout(TIMEOUT).unwrap(), r#"Ok("pong")"#);
    assert_eq!(told.get_timeout(TIMEOUT).unwrap(), "Ok(())");
    assert_eq!(a.ask_timeout(Job::Ping, TIMEOUT).unwrap(), "pong");
    assert_eq!(*notes.lock().unwrap(), [1, 2]);
}

/// Cases with two runtimes.
pub mod cross {
    use super::*;

    /// An actor of `b` waits for room in the full inbox of an actor of `a` (parking
    /// only itself) and its message arrives; then the other way round.
    pub fn bounded_inboxes_across_runtimes<A: Runtime, B: Runtime>(a: A, b: B) {
        let (on_a, on_b) = (Fixture::new(a), Fixture::new(b));
        sender_actor_waits_for_room(&Full::start(&on_a, 1, false), &on_b);
        sender_actor_waits_for_room(&Full::start(&on_b, 1, false), &on_a);
    }
}
