//! `ActorRegistry`: registration, lookups, broadcast and `stop_all`.
//!
//! Ports Pykka 4.5's `tests/test_registry.py` (Apache-2.0, © Stein Magnus Jodal and
//! contributors); rewritten in Rust, names kept minus `test_`.
//!
//! Deliberate deviations:
//! - Every case uses a registry of its own (`ActorRegistry::new()`), not the global
//!   one, so that cases can run in parallel.
//! - `stop_all`'s order is checked with real actors recording their `on_stop`, not by
//!   replacing `get_all` with mocks.
//! - Rust has no subclasses: "look up by superclass" checks a generic actor family
//!   instead (`get_by_class` is exact, `get_by_class_name` matches the family name).
//! - `broadcast` reaches the actors whose message type matches, and returns how many
//!   it reached; `broadcast(msg, target_class=...)` is `broadcast_to::<A>` and
//!   `broadcast_to_name`.

use std::collections::HashSet;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use crate::support::{CollectorA, CollectorB, Events, Fixture, Probe, TIMEOUT};
use pykka_core::{Actor, ActorRef, AnyActorRef, Context, Failure, Runtime};

fn contains<A: Actor>(all: &[AnyActorRef], actor: &ActorRef<A>) -> bool {
    all.contains(&AnyActorRef::from(actor))
}

fn start_ab<R: Runtime>(fx: &Fixture<R>) -> (Vec<ActorRef<CollectorA>>, Vec<ActorRef<CollectorB>>) {
    let a = (0..3).map(|_| fx.start(CollectorA::default())).collect();
    let b = (0..5).map(|_| fx.start(CollectorB::default())).collect();
    (a, b)
}

fn received<A: Actor>(actor: &ActorRef<A>, read: fn(&A) -> &Vec<String>) -> Vec<String> {
    let proxy = actor.proxy().unwrap();
    proxy
        .call(move |a| read(a).clone())
        .take_timeout(TIMEOUT)
        .unwrap()
}

/// §2.4.1
pub fn actor_is_registered_when_started<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    assert!(contains(&fx.registry.get_all(), &actor));
}

/// §2.4.2
pub fn actor_is_unregistered_when_stopped<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    assert!(contains(&fx.registry.get_all(), &actor));
    actor.stop();
    assert!(!contains(&fx.registry.get_all(), &actor));
}

/// §2.4.3
pub fn actor_may_be_registered_manually<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    fx.registry.unregister(&actor);
    assert!(!contains(&fx.registry.get_all(), &actor));
    fx.registry.register(&actor);
    assert!(contains(&fx.registry.get_all(), &actor));
}

/// §2.4.4
pub fn actor_may_be_unregistered_multiple_times_without_error<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    fx.registry.unregister(&actor);
    fx.registry.unregister(&actor);
    assert!(!contains(&fx.registry.get_all(), &actor));
    fx.registry.register(&actor);
    assert!(contains(&fx.registry.get_all(), &actor));
}

/// §2.4.5
pub fn all_actors_can_be_stopped_through_registry<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (a, b) = start_ab(&fx);
    assert_eq!(fx.registry.get_all().len(), 8);
    assert_eq!(fx.registry.stop_all(), vec![true; 8]);
    assert!(fx.registry.get_all().is_empty());
    assert!(a.iter().all(|r| !r.is_alive()) && b.iter().all(|r| !r.is_alive()));
}

/// Records its number in a shared list when it stops.
#[derive(Debug)]
pub struct Ordered {
    id: usize,
    stops: Arc<Mutex<Vec<usize>>>,
}

impl Ordered {
    /// Actor number `id`, recording into `stops`.
    pub fn new(id: usize, stops: &Arc<Mutex<Vec<usize>>>) -> Self {
        Ordered {
            id,
            stops: stops.clone(),
        }
    }
}

impl Actor for Ordered {
    type Message = ();
    type Reply = ();
    fn on_stop(&mut self, _: &Context<Self>) -> Result<(), Failure> {
        self.stops
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(self.id);
        Ok(())
    }
}

/// §2.4.6: a blocking `stop_all` stops the last started actor first (checked with real
/// actors recording their `on_stop`).
pub fn stop_all_stops_last_started_actor_first_if_blocking<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let stops = Arc::new(Mutex::new(Vec::new()));
    let actors: Vec<_> = (0..3).map(|i| fx.start(Ordered::new(i, &stops))).collect();
    assert_eq!(fx.registry.stop_all(), vec![true; 3]);
    assert_eq!(*stops.lock().unwrap(), vec![2, 1, 0]);
    assert!(actors.iter().all(|a| !a.is_alive()));
}

/// §2.4.7
pub fn actors_may_be_looked_up_by_class<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (a, _b) = start_ab(&fx);
    assert_eq!(fx.registry.get_by_class::<CollectorA>(), a);
}

/// A family of actor types: `Family<u8>` and `Family<u16>` share the name `Family`.
#[derive(Debug, Default)]
pub struct Family<T>(PhantomData<fn() -> T>);

impl<T: 'static> Actor for Family<T> {
    awaiting_handler!();

    type Message = ();
    type Reply = ();
    fn on_receive(&mut self, _: (), _: &Context<Self>) -> Result<(), Failure> {
        Ok(())
    }
}

/// §2.4.8 (adapted; §2.19.8): no subclasses in Rust. `get_by_class` matches the exact
/// type; `get_by_class_name` finds the whole generic family by its name.
pub fn actors_may_be_looked_up_by_superclass<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let small = fx.start(Family::<u8>::default());
    let big = fx.start(Family::<u16>::default());
    assert_eq!(
        fx.registry.get_by_class::<Family<u8>>(),
        vec![small.clone()]
    );
    assert_eq!(fx.registry.get_by_class::<Family<u16>>(), vec![big.clone()]);
    let family = fx.registry.get_by_class_name("Family");
    assert_eq!(
        family,
        vec![AnyActorRef::from(&small), AnyActorRef::from(&big)]
    );
}

/// §2.4.9
pub fn actors_may_be_looked_up_by_class_name<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (a, _b) = start_ab(&fx);
    let found = fx.registry.get_by_class_name("CollectorA");
    assert_eq!(found, a.iter().map(AnyActorRef::from).collect::<Vec<_>>());
}

/// §2.4.10: `get_by_urn` finds the very actor.
pub fn actors_may_be_looked_up_by_urn<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let found = fx.registry.get_by_urn(actor.urn()).expect("found");
    assert_eq!(found.downcast::<Probe>(), Some(actor));
}

/// §2.4.11
pub fn get_by_urn_returns_none_if_not_found<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let _actor = fx.start(Probe::new(&Events::new()));
    assert!(fx.registry.get_by_urn("urn:uuid:not-a-real-uuid").is_none());
}

/// §2.4.12: `broadcast` reaches every actor (of the message's type).
pub fn broadcast_sends_message_to_all_actors_if_no_target<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (a, b) = start_ab(&fx);
    assert_eq!(fx.registry.broadcast("hello".to_string()), 8);
    let hello = vec!["hello".to_string()];
    assert!(a.iter().all(|r| received(r, |x| &x.received) == hello));
    assert!(b.iter().all(|r| received(r, |x| &x.received) == hello));
}

/// §2.4.13: `broadcast_to::<A>` reaches every A and no B.
pub fn broadcast_sends_message_to_all_actors_of_given_class<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (a, b) = start_ab(&fx);
    assert_eq!(
        fx.registry.broadcast_to::<CollectorA>("hello".to_string()),
        3
    );
    assert!(a.iter().all(|r| received(r, |x| &x.received) == ["hello"]));
    assert!(b.iter().all(|r| received(r, |x| &x.received).is_empty()));
    let urns = |refs: Vec<ActorRef<CollectorA>>| -> HashSet<String> {
        refs.iter().map(|r| r.urn().to_string()).collect()
    };
    assert_eq!(urns(fx.registry.get_by_class::<CollectorA>()), urns(a));
}

/// §2.4.14: `broadcast_to_name` reaches the actors with that name only.
pub fn broadcast_sends_message_to_all_actors_of_given_class_name<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (a, b) = start_ab(&fx);
    assert_eq!(
        fx.registry
            .broadcast_to_name("CollectorA", "hello".to_string()),
        3
    );
    assert!(a.iter().all(|r| received(r, |x| &x.received) == ["hello"]));
    assert!(b.iter().all(|r| received(r, |x| &x.received).is_empty()));
}
