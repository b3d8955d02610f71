//! The ready-made [`Supervisor`] (issue 13): restart kinds, strategies, restart
//! intensity, children stopped in reverse order, and the race of a child's failure
//! with its supervisor's stop.
//!
//! Not a port of a Pykka file (Pykka has no supervisors); the rules are OTP's.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use log::Level;

use crate::support::{Fixture, TIMEOUT, log_capture};
use pykka_core::{
    Actor, ActorRef, ChildSpec, Context, Failure, Restart, Runtime, StopReason, Strategy,
    Supervisor, SupervisorMsg,
};

/// What the children of a case did: how many starts, and which stopped (by tag, in
/// order).
#[derive(Debug, Clone, Default)]
pub struct Lives {
    starts: Arc<AtomicUsize>,
    stops: Arc<Mutex<Vec<&'static str>>>,
}

impl Lives {
    /// How many times a child's `on_start` ran.
    pub fn starts(&self) -> usize {
        self.starts.load(Ordering::SeqCst)
    }

    /// The tags of the children whose `on_stop` ran, in order.
    pub fn stops(&self) -> Vec<&'static str> {
        self.stops.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// What a [`Kid`] is told or asked.
#[derive(Debug)]
pub enum KidCmd {
    /// Fails (a told `Crash` ends the kid).
    Crash,
    /// Stops itself, answering its tag.
    Quit,
    /// Answers its tag.
    Ping,
}

/// A supervised child that reports its starts and stops to [`Lives`].
#[derive(Debug)]
pub struct Kid {
    tag: &'static str,
    lives: Lives,
    fail_start: bool,
}

impl Actor for Kid {
    awaiting_handler!();

    type Message = KidCmd;
    type Reply = &'static str;

    fn on_start(&mut self, _: &Context<Self>) -> Result<(), Failure> {
        self.lives.starts.fetch_add(1, Ordering::SeqCst);
        match self.fail_start {
            true => Err(Failure::msg("cannot start")),
            false => Ok(()),
        }
    }

    fn on_receive(
        &mut self,
        message: KidCmd,
        ctx: &Context<Self>,
    ) -> Result<&'static str, Failure> {
        match message {
            KidCmd::Crash => Err(Failure::msg("crash")),
            KidCmd::Quit => {
                ctx.stop();
                Ok(self.tag)
            }
            KidCmd::Ping => Ok(self.tag),
        }
    }

    fn on_stop(&mut self, _: &Context<Self>) -> Result<(), Failure> {
        self.lives
            .stops
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(self.tag);
        Ok(())
    }
}

/// A spec of a kid tagged `tag`.
pub fn kid<R: Runtime>(rt: &R, tag: &'static str, lives: &Lives, restart: Restart) -> ChildSpec {
    let lives = lives.clone();
    ChildSpec::new(rt, move || Kid {
        tag,
        lives: lives.clone(),
        fail_start: false,
    })
    .restart(restart)
}

fn children(supervisor: &ActorRef<Supervisor>) -> Vec<Option<ActorRef<Kid>>> {
    supervisor
        .ask_timeout(SupervisorMsg::Children, TIMEOUT)
        .unwrap()
        .into_iter()
        .map(|c| c.map(|c| c.downcast::<Kid>().expect("a kid")))
        .collect()
}

fn running(supervisor: &ActorRef<Supervisor>) -> Vec<ActorRef<Kid>> {
    children(supervisor)
        .into_iter()
        .map(|c| c.expect("every child runs"))
        .collect()
}

/// Tells `kid` to end by `cmd` and waits for its end; the supervisor has handled it
/// once this returns and the caller asks the supervisor (the notification is queued
/// before the end is published).
fn end(kid: &ActorRef<Kid>, cmd: KidCmd) -> StopReason {
    kid.tell(cmd).unwrap();
    kid.stopped().get_timeout(TIMEOUT).unwrap()
}

fn urns(kids: &[ActorRef<Kid>]) -> Vec<String> {
    kids.iter().map(|k| k.urn().to_string()).collect()
}

/// One-for-one: a failed child is replaced by a new actor (a new URN), registered
/// again; its sibling is untouched.
pub fn supervisor_restarts_a_failed_child_as_a_new_registered_actor<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let lives = Lives::default();
    let supervisor = fx.start(
        Supervisor::new(Strategy::OneForOne)
            .child(kid(&fx.rt, "a", &lives, Restart::Permanent))
            .child(kid(&fx.rt, "b", &lives, Restart::Permanent)),
    );
    let old = running(&supervisor);
    assert!(end(&old[0], KidCmd::Crash).failure().is_some());
    let new = running(&supervisor);
    assert_ne!(new[0].urn(), old[0].urn());
    assert_eq!(new[1], old[1]);
    assert_eq!(new[0].ask_timeout(KidCmd::Ping, TIMEOUT).unwrap(), "a");
    // b's `on_start` has run too once it answers (a start returns before it runs).
    assert_eq!(new[1].ask_timeout(KidCmd::Ping, TIMEOUT).unwrap(), "b");
    let registered = fx.registry.get_by_class::<Kid>();
    assert!(registered.contains(&new[0]) && !registered.contains(&old[0]));
    assert_eq!(lives.starts(), 3);
    assert!(supervisor.stop());
    assert!(new.iter().all(|k| !k.is_alive()));
}

/// Permanent children come back even after a stop; transient ones only after a
/// failure; temporary ones never.
pub fn restart_kinds_decide_what_is_restarted<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let lives = Lives::default();
    let supervisor = fx.start(
        Supervisor::new(Strategy::OneForOne)
            .intensity(10, Duration::from_secs(60))
            .child(kid(&fx.rt, "p", &lives, Restart::Permanent))
            .child(kid(&fx.rt, "t", &lives, Restart::Transient))
            .child(kid(&fx.rt, "t2", &lives, Restart::Transient))
            .child(kid(&fx.rt, "x", &lives, Restart::Temporary)),
    );
    let old = running(&supervisor);
    assert!(end(&old[0], KidCmd::Quit).is_normal());
    assert!(end(&old[1], KidCmd::Quit).is_normal());
    assert!(end(&old[2], KidCmd::Crash).failure().is_some());
    assert!(end(&old[3], KidCmd::Crash).failure().is_some());
    let now = children(&supervisor);
    assert!(now[0].as_ref().is_some_and(|k| k != &old[0]), "{now:?}");
    assert!(now[1].is_none(), "{now:?}");
    assert!(now[2].as_ref().is_some_and(|k| k != &old[2]), "{now:?}");
    assert!(now[3].is_none(), "{now:?}");
    supervisor.stop();
}

/// A supervisor of three permanent kids `a`, `b`, `c` under `strategy`.
fn three_permanent_kids<R: Runtime>(
    fx: &Fixture<R>,
    strategy: Strategy,
    lives: &Lives,
) -> ActorRef<Supervisor> {
    fx.start(
        Supervisor::new(strategy)
            .child(kid(&fx.rt, "a", lives, Restart::Permanent))
            .child(kid(&fx.rt, "b", lives, Restart::Permanent))
            .child(kid(&fx.rt, "c", lives, Restart::Permanent)),
    )
}

/// One-for-all: every child is started again; the others are stopped first, last
/// started first.
pub fn one_for_all_restarts_every_child<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let lives = Lives::default();
    let supervisor = three_permanent_kids(&fx, Strategy::OneForAll, &lives);
    let old = running(&supervisor);
    end(&old[1], KidCmd::Crash);
    let new = running(&supervisor);
    assert!(
        urns(&new).iter().all(|u| !urns(&old).contains(u)),
        "{new:?}"
    );
    assert_eq!(lives.stops(), ["c", "a"]);
    // A kid's on_start has run once it answers.
    for (kid, tag) in new.iter().zip(["a", "b", "c"]) {
        assert_eq!(kid.ask_timeout(KidCmd::Ping, TIMEOUT).unwrap(), tag);
    }
    assert_eq!(lives.starts(), 6);
    supervisor.stop();
}

/// Rest-for-one: the child that ended and those started after it start again.
pub fn rest_for_one_restarts_the_later_children<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let lives = Lives::default();
    let supervisor = three_permanent_kids(&fx, Strategy::RestForOne, &lives);
    let old = running(&supervisor);
    end(&old[1], KidCmd::Crash);
    let new = running(&supervisor);
    assert_eq!(new[0], old[0]);
    assert!(new[1] != old[1] && new[2] != old[2]);
    assert_eq!(lives.stops(), ["c"]);
    supervisor.stop();
}

/// A child whose `on_start` keeps failing is restarted up to the intensity; then
/// the supervisor gives up: it fails (logged at ERROR) and nothing is left running.
pub fn restarts_past_the_intensity_make_the_supervisor_give_up<R: Runtime>(rt: R) {
    let logs = log_capture();
    let fx = Fixture::new(rt);
    let lives = Lives::default();
    let spec = {
        let lives = lives.clone();
        ChildSpec::new(&fx.rt, move || Kid {
            tag: "doomed",
            lives: lives.clone(),
            fail_start: true,
        })
    };
    let supervisor = fx.start(
        Supervisor::new(Strategy::OneForOne)
            .intensity(2, Duration::from_secs(60))
            .child(spec),
    );
    let reason = supervisor.stopped().get_timeout(TIMEOUT).unwrap();
    assert!(
        matches!(&reason, StopReason::Failed(f) if f.to_string().starts_with("gave up: more than 2 restarts")),
        "{reason:?}"
    );
    assert_eq!(lives.starts(), 3, "the first start and two restarts");
    assert!(fx.registry.get_by_class::<Kid>().is_empty());
    let record = logs.wait_for_message(
        supervisor.urn(),
        Level::Error,
        &format!("Unhandled exception in {supervisor}: gave up"),
    );
    assert!(record.message.contains("Kid"), "{record:?}");
}

/// A supervisor that stops stops its children, last started first.
pub fn children_stop_in_reverse_order_with_their_supervisor<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let lives = Lives::default();
    let supervisor = fx.start(
        Supervisor::new(Strategy::OneForOne)
            .child(kid(&fx.rt, "a", &lives, Restart::Permanent))
            .child(kid(&fx.rt, "b", &lives, Restart::Transient))
            .child(kid(&fx.rt, "c", &lives, Restart::Temporary)),
    );
    let kids = running(&supervisor);
    assert!(supervisor.stop_timeout(TIMEOUT).unwrap());
    assert_eq!(lives.stops(), ["c", "b", "a"]);
    for kid in &kids {
        assert!(kid.stopped().get_timeout(TIMEOUT).unwrap().is_normal());
    }
    assert!(fx.registry.get_all().is_empty());
}

/// A child fails while its supervisor is stopping: no restart outlives the
/// supervisor, nothing hangs, and the supervisor ends normally.
pub fn child_failing_while_its_supervisor_stops<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    for _ in 0..20 {
        let lives = Lives::default();
        let supervisor = fx.start(
            Supervisor::new(Strategy::OneForAll)
                .intensity(100, Duration::from_secs(60))
                .child(kid(&fx.rt, "a", &lives, Restart::Permanent))
                .child(kid(&fx.rt, "b", &lives, Restart::Permanent)),
        );
        let kids = running(&supervisor);
        let crasher = {
            let a = kids[0].clone();
            std::thread::spawn(move || a.tell(KidCmd::Crash))
        };
        let stop = supervisor.stop_nonblocking();
        assert!(crasher.join().unwrap().is_ok() || !kids[0].is_alive());
        assert!(stop.get_timeout(TIMEOUT).unwrap());
        assert!(
            supervisor
                .stopped()
                .get_timeout(TIMEOUT)
                .unwrap()
                .is_normal()
        );
        assert!(
            fx.registry.get_by_class::<Kid>().is_empty(),
            "a child outlived its supervisor"
        );
    }
}

/// Supervisors across two runtimes, run by [`cross_suite!`](crate::cross_suite).
pub mod cross {
    use super::*;

    /// A supervisor of `a` restarts children of `b`, and stops them when it stops.
    pub fn supervisor_across_runtimes<A: Runtime, B: Runtime>(a: A, b: B) {
        let fa = Fixture::new(a);
        let lives = Lives::default();
        let supervisor = fa.start(
            Supervisor::new(Strategy::OneForOne)
                .child(kid(&b, "a", &lives, Restart::Permanent))
                .child(kid(&b, "b", &lives, Restart::Transient)),
        );
        let old = running(&supervisor);
        end(&old[1], KidCmd::Crash);
        let new = running(&supervisor);
        assert!(new[0] == old[0] && new[1] != old[1]);
        assert_eq!(new[1].ask_timeout(KidCmd::Ping, TIMEOUT).unwrap(), "b");
        assert!(supervisor.stop_timeout(TIMEOUT).unwrap());
        assert_eq!(lives.stops(), ["b", "a"]);
    }
}
