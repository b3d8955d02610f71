//! Children started from an actor's [`Context`] (issue 13): on the parent's runtime and
//! registry, independent of the parent, watched in the same step with
//! [`Context::start_watched`], and supervised on the supervisor's runtime with
//! [`ChildSpec::inherit`].
//!
//! Not a port of a Pykka file: Pykka's actors start children with the child class's
//! `start()`, which needs no runtime value because Pykka's runtime is the class.

use crate::supervision::Notes;
use crate::support::{Cmd, Events, Fault, Faults, Fixture, Probe, TIMEOUT};
use pykka_core::{
    Actor, ActorRef, ChildSpec, Context, Ended, Failure, Runtime, StartError, StopReason, Strategy,
    Supervisor, SupervisorMsg, debug,
};

/// What a [`Parent`] is asked to do.
#[derive(Debug)]
pub enum ParentCmd {
    /// Starts a [`Probe`] with these faults through `ctx.start`.
    Start(Faults),
    /// Starts a [`Probe`] with these faults through `ctx.start_watched`.
    StartWatched(Faults),
    /// Starts a probe, then asks it (from inside this actor) to ping; answers the
    /// probe's reply.
    StartAndAsk,
}

/// An actor that starts children from its context, recording the ends of those it
/// watches.
#[derive(Debug)]
pub struct Parent {
    events: Events,
    notes: Notes,
}

impl Parent {
    /// A parent whose children report into `events`, and whose watches into `notes`.
    pub fn new(events: &Events, notes: &Notes) -> Self {
        Parent {
            events: events.clone(),
            notes: notes.clone(),
        }
    }
}

/// What a [`Parent`] answers.
pub type ParentAnswer = Result<ActorRef<Probe>, StartError>;

impl Actor for Parent {
    awaiting_handler!();

    type Message = ParentCmd;
    type Reply = (ParentAnswer, Option<String>);

    fn on_receive(&mut self, cmd: ParentCmd, ctx: &Context<Self>) -> Result<Self::Reply, Failure> {
        Ok(match cmd {
            ParentCmd::Start(faults) => (ctx.start(Probe::with_faults(&self.events, faults)), None),
            ParentCmd::StartWatched(faults) => (
                ctx.start_watched(Probe::with_faults(&self.events, faults)),
                None,
            ),
            ParentCmd::StartAndAsk => {
                let child = ctx.start(Probe::new(&self.events))?;
                let pong = child.ask_timeout(Cmd::Ping, TIMEOUT)?;
                (Ok(child), Some(pong))
            }
        })
    }

    fn on_watched_stopped(&mut self, ended: &Ended, _: &Context<Self>) -> Result<(), Failure> {
        self.notes.push(ended);
        Ok(())
    }
}

fn start_child(parent: &ActorRef<Parent>, cmd: ParentCmd) -> ActorRef<Probe> {
    parent
        .ask_timeout(cmd, TIMEOUT)
        .unwrap()
        .0
        .unwrap_or_else(|e| panic!("{e}"))
}

fn runtime_of(urn: &str) -> &'static str {
    debug::snapshot()
        .actors()
        .iter()
        .find(|a| a.urn() == urn)
        .map(|a| a.runtime())
        .expect("the child is in the snapshot")
}

/// A child started from a context runs on the parent's backend, is registered in the
/// parent's registry, answers asks (also from its parent), and lives on after its
/// parent stops.
pub fn child_runs_on_the_parents_runtime_and_registry<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let parent = fx.start(Parent::new(&events, &Notes::new()));
    let child = start_child(&parent, ParentCmd::Start(Faults::default()));
    assert!(events.on_start_was_called.wait_timeout(TIMEOUT));
    assert_eq!(runtime_of(child.urn()), R::NAME);
    assert_eq!(fx.registry.get_by_urn(child.urn()), Some((&child).into()));
    assert_eq!(child.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");

    let (answer, pong) = parent.ask_timeout(ParentCmd::StartAndAsk, TIMEOUT).unwrap();
    let second = answer.unwrap();
    assert_eq!(pong.as_deref(), Some("pong"), "the parent asked its child");

    assert!(parent.stop());
    assert!(
        child.is_alive() && second.is_alive(),
        "children outlive their parent"
    );
    assert!(child.stop());
    assert!(second.stop());
    assert!(fx.registry.get_by_urn(child.urn()).is_none());
}

/// A child started from a context follows every rule of a started actor: a failing
/// `on_start` ends it (asks fail, it is unregistered); a told failure ends it.
pub fn child_fails_like_any_actor<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let parent = fx.start(Parent::new(&Events::new(), &Notes::new()));
    let broken = start_child(
        &parent,
        ParentCmd::Start(Faults {
            on_start: Some(Fault::Error),
            ..Faults::default()
        }),
    );
    assert!(matches!(
        broken.stopped().get_timeout(TIMEOUT),
        Ok(StopReason::StartFailed(_))
    ));
    assert!(broken.ask_timeout(Cmd::Ping, TIMEOUT).is_err());
    assert!(fx.registry.get_by_urn(broken.urn()).is_none());

    let child = start_child(&parent, ParentCmd::Start(Faults::default()));
    child.tell(Cmd::Fail).unwrap();
    assert!(
        child
            .stopped()
            .get_timeout(TIMEOUT)
            .unwrap()
            .failure()
            .is_some()
    );
    assert!(parent.is_alive(), "a child's failure is not its parent's");
}

/// `start_watched` notifies the parent exactly once, even for a child whose `on_start`
/// fails before the start returns, and for a later stop.
pub fn start_watched_notifies_once_even_for_an_instant_end<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let notes = Notes::new();
    let parent = fx.start(Parent::new(&Events::new(), &notes));
    let broken = start_child(
        &parent,
        ParentCmd::StartWatched(Faults {
            on_start: Some(Fault::Panic),
            ..Faults::default()
        }),
    );
    let seen = notes.wait_for(1);
    assert_eq!(seen[0].urn(), broken.urn());
    assert!(matches!(seen[0].reason(), StopReason::StartFailed(f) if f.is_panic()));

    let child = start_child(&parent, ParentCmd::StartWatched(Faults::default()));
    assert!(child.stop());
    let seen = notes.wait_for(2);
    assert_eq!(seen[1].urn(), child.urn());
    assert!(seen[1].reason().is_normal());
    // Everything queued before this ask has been handled: no third notification.
    start_child(&parent, ParentCmd::Start(Faults::default())).stop();
    assert_eq!(notes.all().len(), 2);
}

/// A supervisor's [`ChildSpec::inherit`] children run on the supervisor's runtime and
/// are restarted there.
pub fn inherited_child_specs_restart_on_the_supervisors_runtime<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let factory_events = events.clone();
    let supervisor = fx.start(
        Supervisor::new(Strategy::OneForOne)
            .child(ChildSpec::inherit(move || Probe::new(&factory_events))),
    );
    let first = current(&supervisor);
    assert_eq!(runtime_of(first.urn()), R::NAME);
    first.tell(Cmd::Fail).unwrap();
    first.stopped().get_timeout(TIMEOUT).unwrap();
    let second = current(&supervisor);
    assert_ne!(first.urn(), second.urn());
    assert_eq!(runtime_of(second.urn()), R::NAME);
    assert!(second.ask_timeout(Cmd::Ping, TIMEOUT).is_ok());
    assert!(supervisor.stop());
    assert!(!second.is_alive());
}

fn current(supervisor: &ActorRef<Supervisor>) -> ActorRef<Probe> {
    supervisor
        .ask_timeout(SupervisorMsg::Children, TIMEOUT)
        .unwrap()[0]
        .as_ref()
        .expect("the child runs")
        .downcast::<Probe>()
        .expect("a probe")
}

/// Cases with two runtimes.
pub mod cross {
    use super::*;

    /// A parent on `a` starts children on `a`; a `b` actor's asks reach them, and
    /// a supervisor on `b` restarts inherited children on `b`.
    pub fn children_stay_on_their_parents_runtime<A: Runtime, B: Runtime>(a: A, b: B) {
        let on_a = Fixture::new(a);
        let parent = on_a.start(Parent::new(&Events::new(), &Notes::new()));
        let child = start_child(&parent, ParentCmd::Start(Faults::default()));
        assert_eq!(runtime_of(child.urn()), A::NAME);

        let on_b = Fixture::new(b);
        let asker = on_b.start(Probe::new(&Events::new()));
        let target = child.clone();
        let pong = asker
            .ask_timeout(
                Cmd::Run(Box::new(move |_| {
                    format!("{:?}", target.ask_timeout(Cmd::Ping, TIMEOUT))
                })),
                TIMEOUT,
            )
            .unwrap();
        assert_eq!(pong, r#"Ok("pong")"#);
        inherited_child_specs_restart_on_the_supervisors_runtime(on_b.rt.clone());
        assert!(child.stop());
    }
}
