//! Async handlers (issue 14): an actor whose [`on_receive_async`](Actor::on_receive_async)
//! awaits other actors' replies and events still handles one message at a time, and
//! its failures, panics and stops follow the rules of a synchronous actor's, on every
//! backend and across backends.
//!
//! Not a port of a Pykka file: Pykka's handlers cannot await (Pykka #94).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use crate::cycles::snapshot_until;
use crate::support::{Callback, Cmd, Events, Fixture, Probe, TIMEOUT, wait_for};
use pykka_core::debug::{ActorState, WaitingFor};
use pykka_core::{Actor, ActorRef, AskError, Context, Event, Failure, Runtime, StopReason};

/// A synchronous actor that answers twice what it is asked.
#[derive(Debug, Default)]
pub struct Doubler;

impl Actor for Doubler {
    type Message = u32;
    type Reply = u32;

    fn on_receive(&mut self, n: u32, _: &Context<Self>) -> Result<u32, Failure> {
        Ok(n * 2)
    }
}

/// What an [`Awaiter`] is told or asked.
pub enum Await {
    /// Asks both doublers `n` at once, awaits both replies together, answers the sum.
    Both(ActorRef<Doubler>, ActorRef<Doubler>, u32),
    /// Asks another awaiter `n` (through its `Both`), awaits, answers its reply plus 1.
    Via(ActorRef<Awaiter>, Box<Await>),
    /// Sets `started`, awaits `gate`, then records the note.
    Hold {
        /// Set once the handler runs.
        started: Event,
        /// What the handler awaits.
        gate: Event,
        /// Recorded once the gate opens.
        note: &'static str,
    },
    /// Records the note at once.
    Note(&'static str),
    /// Awaits the event, then fails.
    FailAfter(Event),
    /// Awaits the event, then panics.
    PanicAfter(Event),
    /// Asks the probe `Ping` and awaits its reply.
    AskProbe(ActorRef<Probe>),
    /// Asks the probe to run the job and awaits its reply.
    RunOnProbe(ActorRef<Probe>, Callback),
    /// Yields once, then asks the probe `Ping`, polls the reply once and answers 3
    /// if it was pending (4 if not), without awaiting it.
    PeekProbe(ActorRef<Probe>),
    /// Asks itself a note and awaits its own reply.
    Myself,
}

impl std::fmt::Debug for Await {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Await::Both(..) => "Both",
            Await::Via(..) => "Via",
            Await::Hold { .. } => "Hold",
            Await::Note(_) => "Note",
            Await::FailAfter(_) => "FailAfter",
            Await::PanicAfter(_) => "PanicAfter",
            Await::AskProbe(_) => "AskProbe",
            Await::RunOnProbe(..) => "RunOnProbe",
            Await::PeekProbe(_) => "PeekProbe",
            Await::Myself => "Myself",
        })
    }
}

/// An actor with an async handler that records its notes in order.
#[derive(Debug, Default)]
pub struct Awaiter {
    notes: Arc<Mutex<Vec<&'static str>>>,
}

impl Awaiter {
    /// The notes it has recorded so far.
    pub fn notes(&self) -> Arc<Mutex<Vec<&'static str>>> {
        self.notes.clone()
    }
}

impl Actor for Awaiter {
    type Message = Await;
    type Reply = u32;

    async fn on_receive_async(&mut self, msg: Await, ctx: &Context<Self>) -> Result<u32, Failure> {
        match msg {
            Await::Both(a, b, n) => {
                let (x, y) = a.ask_nonblocking(n).zip(b.ask_nonblocking(n)).await?;
                Ok(x + y)
            }
            Await::Via(next, inner) => Ok(next.ask_nonblocking(*inner).await? + 1),
            Await::Hold {
                started,
                gate,
                note,
            } => {
                started.set();
                gate.wait_async().await;
                self.notes.lock().unwrap().push(note);
                Ok(0)
            }
            Await::Note(note) => {
                self.notes.lock().unwrap().push(note);
                Ok(0)
            }
            Await::FailAfter(event) => {
                event.wait_async().await;
                Err(Failure::msg("failed after an await"))
            }
            Await::PanicAfter(event) => {
                event.wait_async().await;
                panic!("panicked after an await");
            }
            Await::AskProbe(probe) => {
                probe.ask_nonblocking(Cmd::Ping).await?;
                Ok(1)
            }
            Await::RunOnProbe(probe, job) => {
                let shown = probe.ask_nonblocking(Cmd::Run(job)).await?;
                self.notes
                    .lock()
                    .unwrap()
                    .push(Box::leak(shown.into_boxed_str()));
                Ok(2)
            }
            Await::PeekProbe(probe) => {
                // Suspended once, so that the next poll is a resumed handler's (a
                // handler's first poll may be made outside its await scope).
                let mut yielded = false;
                std::future::poll_fn(|cx| {
                    if std::mem::replace(&mut yielded, true) {
                        Poll::Ready(())
                    } else {
                        cx.waker().wake_by_ref();
                        Poll::Pending
                    }
                })
                .await;
                let mut reply = probe.ask_nonblocking(Cmd::Ping);
                let pending = std::future::poll_fn(|cx| {
                    Poll::Ready(Pin::new(&mut reply).poll(cx).is_pending())
                })
                .await;
                Ok(if pending { 3 } else { 4 })
            }
            Await::Myself => Ok(ctx.actor_ref().ask_nonblocking(Await::Note("self")).await?),
        }
    }
}

fn set(event: Event) -> Event {
    event.set();
    event
}

/// An async handler asks two actors at once and awaits both replies together; asks
/// from a plain thread and from another async actor get its answer.
pub fn async_handler_awaits_two_replies_together<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (a, b) = (fx.start(Doubler), fx.start(Doubler));
    let awaiter = fx.start(Awaiter::default());
    assert_eq!(
        awaiter
            .ask_timeout(Await::Both(a.clone(), b.clone(), 5), TIMEOUT)
            .unwrap(),
        20
    );
    let front = fx.start(Awaiter::default());
    let via = Await::Via(awaiter.clone(), Box::new(Await::Both(a, b, 1)));
    assert_eq!(front.ask_timeout(via, TIMEOUT).unwrap(), 5);
}

/// An [`Awaiter`] whose handler has started and awaits the returned gate (then records
/// `note`), with its notes.
fn held<R: Runtime>(
    fx: &Fixture<R>,
    note: &'static str,
) -> (ActorRef<Awaiter>, Arc<Mutex<Vec<&'static str>>>, Event) {
    let awaiter = Awaiter::default();
    let notes = awaiter.notes();
    let actor = fx.start(awaiter);
    let (started, gate) = (Event::new(), Event::new());
    actor
        .tell(Await::Hold {
            started: started.clone(),
            gate: gate.clone(),
            note,
        })
        .unwrap();
    wait_for(&started, "the async handler to start");
    (actor, notes, gate)
}

/// While its handler awaits, the actor handles no other message: what comes next
/// waits in the inbox (an ask of it times out), and is handled in order once the
/// handler ends.
pub fn async_actor_handles_one_message_at_a_time<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (actor, notes, gate) = held(&fx, "first");
    actor.tell(Await::Note("second")).unwrap();
    assert!(matches!(
        actor.ask_timeout(Await::Note("third"), Duration::from_millis(30)),
        Err(AskError::Timeout(_))
    ));
    assert!(
        notes.lock().unwrap().is_empty(),
        "a message overtook the await"
    );
    gate.set();
    assert_eq!(
        actor.ask_timeout(Await::Note("fourth"), TIMEOUT).unwrap(),
        0
    );
    assert_eq!(
        *notes.lock().unwrap(),
        ["first", "second", "third", "fourth"]
    );
}

/// A failure or a panic after an `.await` goes to the asker (the actor keeps running),
/// and a told one stops the actor, as a synchronous handler's would.
pub fn async_failures_and_panics_follow_the_rules<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Awaiter::default());
    let failed = actor.ask_timeout(Await::FailAfter(set(Event::new())), TIMEOUT);
    assert!(
        matches!(&failed, Err(AskError::Failed(f)) if f.to_string().contains("failed after an await")),
        "{failed:?}"
    );
    let panicked = actor.ask_timeout(Await::PanicAfter(set(Event::new())), TIMEOUT);
    assert!(
        matches!(&panicked, Err(AskError::Failed(f)) if f.is_panic() && f.to_string().contains("panicked after an await")),
        "{panicked:?}"
    );
    assert!(actor.is_alive());
    assert_eq!(actor.ask_timeout(Await::Note("alive"), TIMEOUT).unwrap(), 0);

    let told = Event::new();
    actor.tell(Await::PanicAfter(told.clone())).unwrap();
    let queued = actor.ask_nonblocking(Await::Note("never"));
    told.set();
    let reason = actor.stopped().get_timeout(TIMEOUT).unwrap();
    assert!(
        matches!(&reason, StopReason::Failed(f) if f.is_panic()),
        "{reason:?}"
    );
    assert!(matches!(
        queued.get_timeout(TIMEOUT),
        Err(AskError::Dead(_))
    ));
}

/// A stop request behind an awaiting handler waits for it (a poison pill), then stops
/// the actor; asks queued after it fail.
pub fn stop_waits_for_the_awaiting_handler<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (actor, notes, gate) = held(&fx, "held");
    let stopped = actor.stop_nonblocking();
    let after = actor.ask_nonblocking(Await::Note("after"));
    assert!(!stopped.is_ready());
    gate.set();
    assert!(stopped.get_timeout(TIMEOUT).unwrap());
    assert!(matches!(after.get_timeout(TIMEOUT), Err(AskError::Dead(_))));
    assert_eq!(*notes.lock().unwrap(), ["held"]);
}

fn is_refused_cycle(result: &Result<u32, AskError>) -> bool {
    matches!(result, Err(AskError::Failed(f)) if f.to_string().contains("(deadlock)"))
}

/// An async handler that awaits its own reply, and two async handlers that await
/// each other (A awaits B, which awaits A), are refused with a deadlock naming the
/// cycle instead of hanging; the actors go on afterwards.
pub fn awaiting_each_other_is_refused_as_a_deadlock<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let a = fx.start(Awaiter::default());
    let myself = a.ask_timeout(Await::Myself, TIMEOUT);
    assert!(is_refused_cycle(&myself), "{myself:?}");

    let b = fx.start(Awaiter::default());
    let round = Await::Via(
        b.clone(),
        Box::new(Await::Via(a.clone(), Box::new(Await::Note("x")))),
    );
    let cycle = a.ask_timeout(round, TIMEOUT);
    assert!(is_refused_cycle(&cycle), "{cycle:?}");
    assert_eq!(a.ask_timeout(Await::Note("after"), TIMEOUT).unwrap(), 0);
    assert_eq!(b.ask_timeout(Await::Note("after"), TIMEOUT).unwrap(), 0);
}

/// A cycle of an async handler's await and a synchronous handler's blocking ask (A
/// awaits P, whose handler asks A and blocks) is refused too, whichever wait closes it.
pub fn sync_and_async_waits_close_cycles_together<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let a = fx.start(Awaiter::default());
    let p = fx.start(Probe::new(&Events::new()));
    let back = a.clone();
    let job: Callback =
        Box::new(move |_| format!("{:?}", back.ask_timeout(Await::Note("p"), TIMEOUT)));
    let result = a.ask_timeout(Await::RunOnProbe(p.clone(), job), TIMEOUT);
    match result {
        // P's blocking ask closed the cycle: P's job shows the refusal, A goes on.
        Ok(2) => {}
        // A's await closed it.
        other => assert!(is_refused_cycle(&other), "{other:?}"),
    }
    assert_eq!(p.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
    assert_eq!(a.ask_timeout(Await::Note("after"), TIMEOUT).unwrap(), 0);
}

/// No false cycle: B answers A's awaited ask and, in its very next message, asks A
/// and blocks, before A has resumed. A's wait for B, still published, was answered,
/// so B's ask is no cycle and gets its answer (run many times: the window is short).
pub fn an_answered_await_is_no_cycle<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let a = fx.start(Awaiter::default());
    let b = fx.start(Probe::new(&Events::new()));
    let label = b.to_string();
    for round in 0..50 {
        let gate = Event::new();
        b.tell(Cmd::Wait(gate.clone())).unwrap();
        let awaited = a.ask_nonblocking(Await::AskProbe(b.clone()));
        snapshot_until(&format!("A awaiting B's reply (round {round})"), |s| {
            s.actors().iter().any(|x| {
                x.urn() == a.urn()
                    && matches!(x.state(), ActorState::Waiting { waiting_for: WaitingFor::ReplyOf(l), .. } if **l == *label)
            })
        });
        let back = a.clone();
        let asked = b.ask_nonblocking(Cmd::Run(Box::new(move |_| {
            format!("{:?}", back.ask_timeout(Await::Note("b"), TIMEOUT))
        })));
        gate.set();
        assert_eq!(asked.get_timeout(TIMEOUT).unwrap(), "Ok(0)");
        assert_eq!(awaited.get_timeout(TIMEOUT).unwrap(), 1);
    }
}

/// No false cycle from an await given up: A's handler polls its ask of B once (pending,
/// so its wait for B is published) and ends without awaiting it. The wait ends with
/// the handler: B, asking A before it has answered A's ask, gets its answer.
pub fn an_await_given_up_ends_its_wait<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let a = fx.start(Awaiter::default());
    let b = fx.start(Probe::new(&Events::new()));
    let gate = Event::new();
    b.tell(Cmd::Wait(gate.clone())).unwrap();
    let back = a.clone();
    let asked = b.ask_nonblocking(Cmd::Run(Box::new(move |_| {
        format!("{:?}", back.ask_timeout(Await::Note("b"), TIMEOUT))
    })));
    // A's ask of B waits behind B's gate and job.
    let peeked = a.ask_timeout(Await::PeekProbe(b.clone()), TIMEOUT);
    assert_eq!(peeked.unwrap(), 3);
    gate.set();
    assert_eq!(asked.get_timeout(TIMEOUT).unwrap(), "Ok(0)");
}

/// Cases with two runtimes.
pub mod cross {
    use super::*;

    /// Async and sync actors of two runtimes ask each other in a chain: an awaiter on
    /// `a` awaits one on `b`, which awaits two doublers on `a`; and the other way.
    pub fn async_and_sync_actors_chain_across_runtimes<A: Runtime, B: Runtime>(a: A, b: B) {
        let (on_a, on_b) = (Fixture::new(a), Fixture::new(b));
        let chain =
            |front: ActorRef<Awaiter>, back: ActorRef<Awaiter>, d: [ActorRef<Doubler>; 2]| {
                let [x, y] = d;
                let via = Await::Via(back, Box::new(Await::Both(x, y, 3)));
                assert_eq!(front.ask_timeout(via, TIMEOUT).unwrap(), 13);
            };
        chain(
            on_a.start(Awaiter::default()),
            on_b.start(Awaiter::default()),
            [on_a.start(Doubler), on_a.start(Doubler)],
        );
        chain(
            on_b.start(Awaiter::default()),
            on_a.start(Awaiter::default()),
            [on_b.start(Doubler), on_a.start(Doubler)],
        );
    }
}
