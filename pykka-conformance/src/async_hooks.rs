//! Async lifecycle hooks: an actor whose [`on_start_async`](Actor::on_start_async),
//! [`on_stop_async`](Actor::on_stop_async) and
//! [`on_failure_async`](Actor::on_failure_async) await other actors' replies keeps
//! every rule of the synchronous hooks, on every backend: nothing is handled before
//! `on_start_async` ends, a blocking stop returns after `on_stop_async` ended, an
//! actor's end is published after its last hook, failures and panics after an await
//! are the hooks' failures, and an await of the actor's own reply is a deadlock.
//!
//! Not a port of a Pykka file: Pykka's hooks cannot await.

use std::sync::{Arc, Mutex};

use log::Level;

use crate::async_actor::Doubler;
use crate::support::{Fixture, TIMEOUT, log_capture};
use pykka_core::{Actor, ActorRef, AskError, Context, Failure, Runtime, StopReason};

/// What a [`Hooked`] records, in order.
type Notes = Arc<Mutex<Vec<String>>>;

/// How a [`Hooked`] actor's hooks misbehave, after their await.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Misstep {
    None,
    FailStart,
    PanicStop,
    FailFailure,
    AskItselfOnStart,
}

/// An actor whose hooks ask a [`Doubler`] and await the reply, then record it.
struct Hooked {
    doubler: ActorRef<Doubler>,
    notes: Notes,
    misstep: Misstep,
    started_with: u32,
}

impl Hooked {
    fn new(doubler: &ActorRef<Doubler>, notes: &Notes, misstep: Misstep) -> Self {
        Hooked {
            doubler: doubler.clone(),
            notes: notes.clone(),
            misstep,
            started_with: 0,
        }
    }

    fn note(&self, note: String) {
        self.notes.lock().unwrap().push(note);
    }
}

/// What a [`Hooked`] actor is told or asked.
#[derive(Debug)]
enum HookedMsg {
    /// Answers what `on_start_async` got.
    Get,
    /// Fails (told: the actor stops and `on_failure_async` runs).
    Fail,
}

impl Actor for Hooked {
    type Message = HookedMsg;
    type Reply = u32;

    async fn on_start_async(&mut self, ctx: &Context<Self>) -> Result<(), Failure> {
        if self.misstep == Misstep::AskItselfOnStart {
            let own = ctx.actor_ref().ask_nonblocking(HookedMsg::Get).await;
            self.note(match own {
                Err(AskError::Deadlock(_)) => "on_start: deadlock".to_string(),
                other => format!("on_start: {other:?}"),
            });
        }
        self.started_with = self.doubler.ask_nonblocking(21).await?;
        self.note(format!("on_start {}", self.started_with));
        if self.misstep == Misstep::FailStart {
            return Err(Failure::msg("start failed after an await"));
        }
        Ok(())
    }

    async fn on_stop_async(&mut self, _: &Context<Self>) -> Result<(), Failure> {
        let doubled = self.doubler.ask_nonblocking(1).await?;
        self.note(format!("on_stop {doubled}"));
        if self.misstep == Misstep::PanicStop {
            panic!("on_stop panicked after an await");
        }
        Ok(())
    }

    async fn on_failure_async(
        &mut self,
        failure: &Failure,
        _: &Context<Self>,
    ) -> Result<(), Failure> {
        let doubled = self.doubler.ask_nonblocking(2).await?;
        self.note(format!("on_failure {doubled}: {failure}"));
        if self.misstep == Misstep::FailFailure {
            return Err(Failure::msg("on_failure failed after an await"));
        }
        Ok(())
    }

    fn on_receive(&mut self, m: HookedMsg, _: &Context<Self>) -> Result<u32, Failure> {
        match m {
            HookedMsg::Get => Ok(self.started_with),
            HookedMsg::Fail => Err(Failure::msg("told to fail")),
        }
    }
}

fn notes_of(notes: &Notes) -> Vec<String> {
    notes.lock().unwrap().clone()
}

/// `on_start_async` ends before the first message is handled; a blocking stop
/// returns after `on_stop_async` ended; a told failure runs `on_failure_async`, and the
/// actor's end is published after it. Each hook awaited another actor's reply.
pub fn async_hooks_await_other_actors<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let doubler = fx.start(Doubler);
    let notes = Notes::default();
    let actor = fx.start(Hooked::new(&doubler, &notes, Misstep::None));
    assert_eq!(actor.ask_timeout(HookedMsg::Get, TIMEOUT).unwrap(), 42);
    assert_eq!(actor.stop_timeout(TIMEOUT), Ok(true));
    assert_eq!(notes_of(&notes), ["on_start 42", "on_stop 2"]);

    let notes = Notes::default();
    let failing = fx.start(Hooked::new(&doubler, &notes, Misstep::None));
    failing.tell(HookedMsg::Fail).unwrap();
    let reason = failing.stopped().get_timeout(TIMEOUT).unwrap();
    assert!(matches!(&reason, StopReason::Failed(_)), "{reason:?}");
    assert_eq!(
        notes_of(&notes),
        ["on_start 42", "on_failure 4: told to fail"]
    );
}

/// Failures and panics of async hooks after their await follow the synchronous
/// hooks' rules: a failed `on_start_async` stops the actor (asks sent meanwhile
/// fail, no other hook runs); a panicking `on_stop_async` is logged and the stop
/// still succeeds; a failing `on_failure_async` is logged a second time.
pub fn async_hook_failures_follow_the_rules<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let doubler = fx.start(Doubler);

    let notes = Notes::default();
    let start_fails = fx.start(Hooked::new(&doubler, &notes, Misstep::FailStart));
    let asked = start_fails.ask_timeout(HookedMsg::Get, TIMEOUT);
    assert!(matches!(asked, Err(AskError::Dead(_))), "{asked:?}");
    let reason = start_fails.stopped().get_timeout(TIMEOUT).unwrap();
    assert!(matches!(&reason, StopReason::StartFailed(_)), "{reason:?}");
    assert_eq!(notes_of(&notes), ["on_start 42"]);

    let notes = Notes::default();
    let stop_panics = fx.start(Hooked::new(&doubler, &notes, Misstep::PanicStop));
    assert_eq!(stop_panics.stop_timeout(TIMEOUT), Ok(true));
    assert_eq!(notes_of(&notes), ["on_start 42", "on_stop 2"]);
    let records = capture.wait_for(stop_panics.urn(), Level::Error, 1);
    assert_eq!(
        records[0].message,
        format!("Unhandled exception in {stop_panics}: panicked: on_stop panicked after an await")
    );

    let notes = Notes::default();
    let failure_fails = fx.start(Hooked::new(&doubler, &notes, Misstep::FailFailure));
    failure_fails.tell(HookedMsg::Fail).unwrap();
    let records = capture.wait_for(failure_fails.urn(), Level::Error, 2);
    assert_eq!(
        records[1].message,
        format!("Unhandled exception in {failure_fails}: on_failure failed after an await")
    );
    assert_eq!(
        notes_of(&notes),
        ["on_start 42", "on_failure 4: told to fail"]
    );
}

/// An `on_start_async` that awaits its own actor's reply (which nothing would ever
/// answer: the actor handles no message before it started) gets
/// [`AskError::Deadlock`] at once instead of hanging, and the actor goes on.
pub fn an_async_hook_awaiting_its_own_actor_is_refused_as_a_deadlock<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let doubler = fx.start(Doubler);
    let notes = Notes::default();
    let actor = fx.start(Hooked::new(&doubler, &notes, Misstep::AskItselfOnStart));
    assert_eq!(actor.ask_timeout(HookedMsg::Get, TIMEOUT).unwrap(), 42);
    assert_eq!(notes_of(&notes), ["on_start: deadlock", "on_start 42"]);
}
