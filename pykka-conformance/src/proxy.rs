//! `Proxy`: method calls, field access and traversal that travel as messages.
//!
//! Ports Pykka 4.5's `tests/proxy/test_proxy.py`, `test_attribute_access.py`,
//! `test_static_method_calls.py` and `test_traversable.py` (Apache-2.0, © Stein Magnus
//! Jodal and contributors); rewritten in Rust, names kept minus `test_`.
//!
//! Deliberate deviations:
//! - A method call is `proxy.call(|a| a.method(..))`, an attribute read is
//!   `proxy.field(|a| &a.attr)`, an assignment is `proxy.set_field(..)`, `.defer(..)` is
//!   `proxy.defer(..)`, and a traversable attribute is `proxy.member("name", ..)`.
//!   Unknown methods or attributes, private attributes, properties, `dir()`, mocks,
//!   runtime-added methods, typed-proxy helpers and traversable markers are checked by
//!   the compiler (or do not exist) and have no port.
//! - The formatting cases carry a `proxy_` prefix because `actor_ref.rs` has cases with
//!   the same Pykka names.
//! - `proxy.stop()` is `proxy.actor_ref().stop()`.
//!
//! The cases after [`typed_proxy_method`] are pykka's own: typed proxies on members
//! (Mopidy's `PlaybackControllerProxy`), `try fn`, `deferred()`, and `zip`/`join!` over
//! replies of different types.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::pin::pin;
use std::time::{Duration, Instant};

use crate::support::{Events, Fixture, TIMEOUT, Target, wait_for};
use pykka_core::rt::park;
use pykka_core::{AskError, DeadKind, Event, Failure, Proxy, Reply, Runtime};

fn proxy<R: Runtime>(fx: &Fixture<R>, events: &Events) -> Proxy<Target> {
    fx.start(Target::new(events)).proxy().unwrap()
}

fn hash_of<T: Hash>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// §2.9.1
#[allow(clippy::eq_op)] // reflexivity is the point
pub fn eq_to_self<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    assert_eq!(p, p);
}

/// §2.9.2
pub fn is_hashable<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    assert_eq!(hash_of(&p), hash_of(&p.clone()));
}

/// §2.9.3
pub fn eq_to_another_proxy_for_same_actor_and_attr_path<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    let other = p.actor_ref().proxy().unwrap();
    assert_eq!(p, other);
    assert_eq!(hash_of(&p), hash_of(&other));
}

/// §2.9.4: proxies that reach the actor through different paths differ (Rust:
/// a root proxy and a member proxy even differ in type).
pub fn not_eq_to_proxy_with_different_attr_path<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    let inner = p.member("inner", |t| &mut t.inner);
    let other = p.member("other", |t| &mut t.inner);
    assert_ne!(p.attr_path(), inner.attr_path());
    assert_ne!(inner, other);
    assert_eq!(inner, p.member("inner", |t| &mut t.inner));
}

/// §2.9.5
pub fn proxy_repr_is_wrapped_in_lt_and_gt<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let repr = format!("{:?}", proxy(&fx, &Events::new()));
    assert!(repr.starts_with('<') && repr.ends_with('>'), "{repr}");
}

/// §2.9.6
pub fn repr_reveals_that_this_is_a_proxy<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    assert!(format!("{:?}", proxy(&fx, &Events::new())).contains("ActorProxy"));
}

/// §2.9.7
pub fn proxy_repr_contains_actor_class_name<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    assert!(format!("{:?}", proxy(&fx, &Events::new())).contains("Target"));
}

/// §2.9.8
pub fn proxy_repr_contains_actor_urn<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    assert!(format!("{p:?}").contains(p.actor_ref().urn()));
}

/// §2.9.9
pub fn repr_contains_attr_path<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let inner = proxy(&fx, &Events::new()).member("inner", |t| &mut t.inner);
    assert!(format!("{inner:?}").contains("inner"));
}

/// §2.9.10
pub fn proxy_str_contains_actor_class_name<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    assert!(proxy(&fx, &Events::new()).to_string().contains("Target"));
}

/// §2.9.11
pub fn proxy_str_contains_actor_urn<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    assert!(p.to_string().contains(p.actor_ref().urn()));
}

/// §2.9.14: `proxy()` gives a proxy through which the actor can be stopped.
pub fn refs_proxy_method_returns_a_proxy<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    assert!(p.actor_ref().stop());
    assert!(!p.actor_ref().is_alive());
}

/// §2.9.15: a proxy to a dead actor is refused with "{ref} not found".
pub fn proxy_constructor_raises_exception_if_actor_is_dead<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let actor = fx.start(Target::new(&Events::new()));
    actor.stop();
    let err = actor.proxy().unwrap_err();
    assert_eq!(err.to_string(), format!("{actor} not found"));
}

/// §2.9.16
pub fn actor_ref_may_be_retrieved_from_proxy_if_actor_is_dead<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    p.actor_ref().stop();
    assert!(!p.actor_ref().is_alive());
}

/// §2.10.1
pub fn attr_can_be_read_using_get_postfix<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    assert_eq!(p.field(|t| &t.cat).get_timeout(TIMEOUT).unwrap(), "dog");
}

/// §2.10.2
pub fn attr_can_be_set_using_assignment<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    p.set_field(|t| &mut t.cat, "eagle".to_string()).unwrap();
    assert_eq!(p.field(|t| &t.cat).get_timeout(TIMEOUT).unwrap(), "eagle");
}

/// §2.13.1
pub fn functional_method_call_returns_correct_value<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    assert_eq!(
        p.call(|t| t.functional_hello("world"))
            .get_timeout(TIMEOUT)
            .unwrap(),
        "Hello, world!"
    );
    assert_eq!(
        p.call(|t| t.functional_hello("moon"))
            .get_timeout(TIMEOUT)
            .unwrap(),
        "Hello, moon!"
    );
}

/// §2.13.2
pub fn side_effect_of_method_call_is_observable<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    assert_eq!(p.field(|t| &t.cat).get_timeout(TIMEOUT).unwrap(), "dog");
    p.call(|t| t.set_cat("eagle")).get_timeout(TIMEOUT).unwrap();
    assert_eq!(p.field(|t| &t.cat).get_timeout(TIMEOUT).unwrap(), "eagle");
}

/// §2.13.3
pub fn side_effect_of_deferred_method_call_is_observable<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    assert_eq!(p.field(|t| &t.cat).get_timeout(TIMEOUT).unwrap(), "dog");
    p.defer(|t| t.set_cat("eagle")).unwrap();
    assert_eq!(p.field(|t| &t.cat).get_timeout(TIMEOUT).unwrap(), "eagle");
}

/// §2.13.4: a failing call fails its reply; `on_failure` does not run.
pub fn exception_in_method_reraised_by_future<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let p = proxy(&fx, &events);
    match p.try_call(|t| t.raise_exception()).get_timeout(TIMEOUT) {
        Err(AskError::Failed(f)) => assert_eq!(f.to_string(), "boom!"),
        other => panic!("expected the failure, got {other:?}"),
    }
    assert_eq!(p.field(|t| &t.cat).get_timeout(TIMEOUT).unwrap(), "dog");
    assert!(!events.on_failure_was_called.is_set());
}

/// §2.13.5: a failing deferred call runs `on_failure`, not `on_stop`.
pub fn exception_in_deferred_method_call_triggers_on_failure<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let p = proxy(&fx, &events);
    p.try_defer(|t| t.raise_exception()).unwrap();
    wait_for(&events.on_failure_was_called, "on_failure");
    let seen = events.on_failure_seen.get_timeout(TIMEOUT).unwrap();
    assert_eq!(seen.failure.unwrap().to_string(), "boom!");
    assert!(!events.on_stop_was_called.is_set());
}

/// §2.13.8: an actor hands out a reply from its own proxy; it resolves later.
pub fn can_proxy_itself_for_offloading_work_to_the_future<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    let outer = p.call_with(|t, ctx| t.talk_with_self(ctx));
    let inner = outer.take_timeout(TIMEOUT).unwrap();
    assert_eq!(
        inner.get_timeout(TIMEOUT).unwrap(),
        "Hello, from the future!"
    );
}

/// §2.14.2 (and §1.14 E26): members are reachable through the proxy: nested reads,
/// two levels deep, nested writes, and nested calls that run in the actor's context.
pub fn attr_of_traversable_attr_can_be_read<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    let inner = p.member("inner", |t| &mut t.inner);
    assert_eq!(
        inner.field(|i| &i.val).get_timeout(TIMEOUT).unwrap(),
        "inner"
    );
    let nested = inner.member("nested", |i| &mut i.nested);
    assert_eq!(nested.attr_path(), ["inner", "nested"]);
    assert_eq!(nested.field(|n| &n.deep).get_timeout(TIMEOUT).unwrap(), 42);
    nested.set_field(|n| &mut n.deep, 7).unwrap();
    assert_eq!(
        p.call(|t| t.inner.nested.deep)
            .get_timeout(TIMEOUT)
            .unwrap(),
        7
    );
    let caller = std::thread::current().id();
    let ran_on = inner.call(move |_| std::thread::current().id() != caller);
    assert!(
        ran_on.get_timeout(TIMEOUT).unwrap(),
        "the nested call ran in the caller's thread"
    );
}

/// §2.19.10 (E8): an existing proxy of a dead actor fails reads and calls through
/// their replies, and writes and defers at once.
pub fn proxy_of_dead_actor_fails_reads_via_reply_and_writes_at_once<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let p = proxy(&fx, &Events::new());
    assert!(p.actor_ref().stop());
    let dead = |r: Result<String, AskError>| matches!(r, Err(AskError::Dead(e)) if e.kind() == DeadKind::NotFound);
    assert!(dead(p.field(|t| &t.cat).get_timeout(TIMEOUT)));
    assert!(dead(
        p.call(|t| t.functional_hello("x")).get_timeout(TIMEOUT)
    ));
    assert!(matches!(
        p.set_field(|t| &mut t.cat, "x".into()),
        Err(AskError::Dead(_))
    ));
    assert!(p.defer(|t| t.set_cat("x")).is_err());
    assert!(p.member("inner", |t| &mut t.inner).defer(|_| {}).is_err());
}

/// An actor with plain methods, for the typed proxy of [`typed_proxy_method`].
#[derive(Debug, Default)]
pub struct Tally {
    total: u64,
}

impl Tally {
    /// Adds `n`; the new total.
    pub fn add(&mut self, n: u64) -> u64 {
        self.total += n;
        self.total
    }
    /// The total.
    pub fn total(&self) -> u64 {
        self.total
    }
}

impl pykka_core::Actor for Tally {
    type Message = ();
    type Reply = ();
}

pykka_core::typed_proxy! {
    /// The typed proxy methods of a [`Tally`].
    pub trait TallyProxy for Tally {
        fn add(&mut self, n: u64) -> u64;
        fn total(&self) -> u64;
    }
}

/// §2.15.3 (`test_proxy_method`): a typed proxy's method sends the call and returns a
/// reply of the method's type, run in the actor's context, in order.
pub fn typed_proxy_method<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let tally = fx.start(Tally::default());
    let proxy = tally.proxy().unwrap();
    let first = proxy.add(2);
    let second = proxy.add(3);
    assert_eq!(first.get_timeout(TIMEOUT).unwrap(), 2);
    assert_eq!(second.get_timeout(TIMEOUT).unwrap(), 5);
    assert_eq!(proxy.total().get_timeout(TIMEOUT).unwrap(), 5);
}

/// The error of [`Playback::play`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSuchTrack(pub String);

impl std::fmt::Display for NoSuchTrack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no such track: {}", self.0)
    }
}

impl std::error::Error for NoSuchTrack {}

/// A Mopidy-shaped actor for the typed proxies of members: its playback controller is
/// a member, with a mixer inside it.
#[derive(Debug, Default)]
pub struct Core {
    /// The member reached with `member("playback", ..)`.
    pub playback: Playback,
    /// Completed by `on_failure` with what it saw.
    failed: Reply<Failure>,
}

/// A member of [`Core`], with a member of its own.
#[derive(Debug, Default)]
pub struct Playback {
    track: Option<String>,
    /// The nested member.
    pub mixer: Mixer,
}

impl Playback {
    /// Plays `uri` (only `file:` ones exist); the track's length.
    pub fn play(&mut self, uri: String) -> Result<u32, NoSuchTrack> {
        if !uri.starts_with("file:") {
            return Err(NoSuchTrack(uri));
        }
        self.track = Some(uri);
        Ok(180)
    }
    /// The track playing.
    pub fn current(&self) -> Option<String> {
        self.track.clone()
    }
}

/// A member of [`Playback`].
#[derive(Debug, Default)]
pub struct Mixer {
    volume: u8,
}

impl Mixer {
    /// Sets the volume.
    pub fn set_volume(&mut self, volume: u8) {
        self.volume = volume;
    }
    /// The volume.
    pub fn volume(&self) -> u8 {
        self.volume
    }
}

impl pykka_core::Actor for Core {
    type Message = ();
    type Reply = ();

    fn on_failure(
        &mut self,
        failure: &Failure,
        _: &pykka_core::Context<Self>,
    ) -> Result<(), Failure> {
        let _ = self.failed.set(failure.clone());
        Ok(())
    }
}

pykka_core::typed_proxy! {
    /// The typed proxy methods of the [`Playback`] member.
    pub trait PlaybackProxy for Playback {
        try fn play(&mut self, uri: String) -> Result<u32, NoSuchTrack>;
        fn current(&self) -> Option<String>;
    }
}

pykka_core::typed_proxy! {
    /// The typed proxy methods of the nested [`Mixer`] member.
    pub trait MixerProxy for Mixer {
        fn set_volume(&mut self, volume: u8);
        fn volume(&self) -> u8;
    }
}

/// A started [`Core`], the reply its `on_failure` completes, and proxies to its
/// playback member and to the mixer inside that.
#[allow(clippy::type_complexity)]
fn core<R: Runtime>(
    fx: &Fixture<R>,
) -> (
    Proxy<Core>,
    Reply<Failure>,
    Proxy<Core, Playback>,
    Proxy<Core, Mixer>,
) {
    let failed = Reply::new();
    let actor = fx.start(Core {
        playback: Playback::default(),
        failed: failed.clone(),
    });
    let proxy = actor.proxy().unwrap();
    let playback = proxy.member("playback", |c| &mut c.playback);
    let mixer = playback.member("mixer", |p| &mut p.mixer);
    (proxy, failed, playback, mixer)
}

/// Typed proxies work on members, nested ones too (Mopidy's `PlaybackControllerProxy`):
/// the calls reach the member in the actor, in order.
pub fn typed_proxy_of_a_member_and_a_nested_member<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (proxy, _, playback, mixer) = core(&fx);
    let set = mixer.set_volume(80);
    let volume = mixer.volume();
    set.get_timeout(TIMEOUT).unwrap();
    assert_eq!(volume.get_timeout(TIMEOUT).unwrap(), 80);
    assert_eq!(
        playback
            .play("file:a.ogg".into())
            .get_timeout(TIMEOUT)
            .unwrap(),
        180
    );
    assert_eq!(
        playback.current().get_timeout(TIMEOUT).unwrap().as_deref(),
        Some("file:a.ogg")
    );
    let seen = proxy.call(|c| (c.playback.track.clone(), c.playback.mixer.volume));
    assert_eq!(
        seen.get_timeout(TIMEOUT).unwrap(),
        (Some("file:a.ogg".to_string()), 80)
    );
}

/// A typed `try fn` flattens the method's `Result`: an `Err` comes out of the reply as
/// `AskError::Failed`, the error reachable by downcast, and the actor keeps running
/// (`on_failure` does not run).
pub fn typed_proxy_try_method_fails_its_reply_with_the_error<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (_, failed, playback, _) = core(&fx);
    let reply: Reply<u32> = playback.play("http:b".into());
    match reply.get_timeout(TIMEOUT) {
        Err(AskError::Failed(f)) => {
            assert_eq!(f.to_string(), "no such track: http:b");
            assert_eq!(
                f.downcast_ref::<NoSuchTrack>(),
                Some(&NoSuchTrack("http:b".into()))
            );
        }
        other => panic!("expected the error as a failure, got {other:?}"),
    }
    assert_eq!(playback.current().get_timeout(TIMEOUT).unwrap(), None);
    assert!(!failed.is_ready(), "on_failure ran for an asked call");
}

/// `deferred()` tells typed calls (Pykka's `.defer()`): they run in order with the
/// sender's later asks, and a dead actor refuses them at once.
pub fn typed_proxy_deferred_calls_are_told<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (proxy, _, playback, mixer) = core(&fx);
    mixer.deferred().set_volume(30).unwrap();
    playback.deferred().play("file:c.ogg".into()).unwrap();
    assert_eq!(mixer.volume().get_timeout(TIMEOUT).unwrap(), 30);
    assert_eq!(
        playback.current().get_timeout(TIMEOUT).unwrap().as_deref(),
        Some("file:c.ogg")
    );
    assert!(proxy.actor_ref().stop_timeout(TIMEOUT).unwrap());
    let refused = mixer.deferred().set_volume(1).unwrap_err();
    assert_eq!(
        refused.to_string(),
        format!("{} not found", proxy.actor_ref())
    );
}

/// A deferred `try fn` whose method returns `Err` is a told message's failure:
/// `on_failure` sees the error (downcastable) and the actor stops.
pub fn typed_proxy_deferred_try_method_error_fails_the_actor<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (_, failed, playback, _) = core(&fx);
    playback.deferred().play("http:d".into()).unwrap();
    let failure = failed.get_timeout(TIMEOUT).unwrap();
    assert_eq!(
        failure.downcast_ref::<NoSuchTrack>(),
        Some(&NoSuchTrack("http:d".into()))
    );
    assert!(matches!(
        playback.current().get_timeout(TIMEOUT),
        Err(AskError::Dead(_))
    ));
}

/// `zip` and `join!` wait for replies of different types with one timeout, blocking or
/// awaited; a busy actor makes the whole join time out, and it completes later.
pub fn join_waits_for_replies_of_different_types<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let (proxy, _, playback, mixer) = core(&fx);
    mixer.deferred().set_volume(55).unwrap();
    playback.deferred().play("file:e.ogg".into()).unwrap();

    let zipped = mixer.volume().zip(playback.current());
    assert_eq!(
        zipped.get_timeout(TIMEOUT).unwrap(),
        (55, Some("file:e.ogg".to_string()))
    );

    let gate = Event::new();
    let held = gate.clone();
    let busy = proxy.call(move |_| held.wait_timeout(TIMEOUT));
    let joined = pykka_core::join!(
        mixer.volume(),
        playback.current(),
        proxy.field(|c| &c.playback.mixer.volume)
    );
    match joined.get_timeout(Duration::from_millis(20)) {
        Err(AskError::Timeout(_)) => {}
        other => panic!("expected a timeout while the actor is busy, got {other:?}"),
    }
    gate.set();
    assert!(busy.get_timeout(TIMEOUT).unwrap(), "the gate was set");
    assert_eq!(
        joined.take_timeout(TIMEOUT).unwrap(),
        (55, Some("file:e.ogg".to_string()), 55)
    );

    let mut awaited = pin!(async { pykka_core::join!(mixer.volume(), playback.current()).await });
    let deadline = Instant::now() + TIMEOUT;
    let out = park::wait_until(|cx| awaited.as_mut().poll(cx), Some(deadline));
    assert_eq!(
        out.expect("the await finished in time").unwrap(),
        (55, Some("file:e.ogg".to_string()))
    );
}
