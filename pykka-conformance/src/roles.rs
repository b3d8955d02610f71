//! Listener roles: one actor subscribed to several event types through
//! [`Recipient`](pykka_core::Recipient)s, reached by
//! [`ActorRegistry::broadcast_event`](pykka_core::ActorRegistry::broadcast_event).
//!
//! Pykka has no such test: a Pykka actor plays several roles by inheriting from several
//! listener classes, and `broadcast` reaches it through each. These cases check
//! pykka's way of doing the same on every backend (issue 12, item 4).

use crate::support::{Cmd, Events, Fixture, Probe, TIMEOUT, wait_for};
use pykka_core::{Actor, Context, DeadKind, Failure, Runtime};

/// An event of the first role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioEvent(pub String);

/// An event of the second role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixerEvent(pub u8);

/// An event of the third role, handled by a method through a proxy recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendEvent(pub &'static str);

/// The messages of [`Core`].
#[derive(Debug)]
pub enum CoreMsg {
    /// An audio event.
    Audio(AudioEvent),
    /// A mixer event.
    Mixer(MixerEvent),
    /// Replies with everything seen so far.
    Seen,
}

impl From<AudioEvent> for CoreMsg {
    fn from(e: AudioEvent) -> Self {
        CoreMsg::Audio(e)
    }
}

impl From<MixerEvent> for CoreMsg {
    fn from(e: MixerEvent) -> Self {
        CoreMsg::Mixer(e)
    }
}

/// Mopidy's Core: an audio, mixer and backend listener at once.
#[derive(Debug, Default)]
pub struct Core {
    seen: Vec<String>,
}

impl Core {
    /// The backend role's method.
    pub fn on_backend_event(&mut self, e: BackendEvent) {
        self.seen.push(format!("{e:?}"));
    }
}

impl Actor for Core {
    awaiting_handler!();

    type Message = CoreMsg;
    type Reply = Vec<String>;

    fn on_start(&mut self, ctx: &Context<Self>) -> Result<(), Failure> {
        ctx.subscribe::<AudioEvent>()?;
        ctx.subscribe::<MixerEvent>()?;
        let proxy = ctx.proxy()?;
        ctx.registry()
            .subscribe(proxy.recipient(|core: &mut Core, e| core.on_backend_event(e)))?;
        Ok(())
    }

    fn on_receive(&mut self, msg: CoreMsg, _: &Context<Self>) -> Result<Vec<String>, Failure> {
        match msg {
            CoreMsg::Audio(e) => self.seen.push(format!("{e:?}")),
            CoreMsg::Mixer(e) => self.seen.push(format!("{e:?}")),
            CoreMsg::Seen => {}
        }
        Ok(self.seen.clone())
    }
}

/// One actor receives three event types, each broadcast to its subscribers, in the
/// order they were broadcast; an actor of another type that subscribed to one of them
/// gets that one too.
pub fn one_actor_plays_several_listener_roles<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let core = fx.start(Core::default());
    let other = fx.start(Probe::new(&Events::new()));
    fx.registry
        .subscribe(other.recipient_with(|_: MixerEvent| Cmd::Greetings))
        .unwrap();
    // Once `on_start` has run, the subscriptions are in place.
    core.ask_timeout(CoreMsg::Seen, TIMEOUT).unwrap();

    assert_eq!(fx.registry.broadcast_event(AudioEvent("a".into())), 1);
    assert_eq!(fx.registry.broadcast_event(MixerEvent(80)), 2);
    assert_eq!(fx.registry.broadcast_event(BackendEvent("b")), 1);
    assert_eq!(
        fx.registry.broadcast(MixerEvent(1)),
        0,
        "plain broadcast: types differ"
    );
    assert_eq!(
        core.ask_timeout(CoreMsg::Seen, TIMEOUT).unwrap(),
        ["AudioEvent(\"a\")", "MixerEvent(80)", "BackendEvent(\"b\")"]
    );
    assert_eq!(other.ask_timeout(Cmd::Ping, TIMEOUT).unwrap(), "pong");
}

/// Subscriptions end with their actor, whether it stops or fails: broadcasts no
/// longer count it.
pub fn subscriptions_end_when_the_actor_stops_or_fails<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let stopping = fx.start(Probe::new(&Events::new()));
    let failing = fx.start(Probe::new(&events));
    fx.registry
        .subscribe(stopping.recipient_with(|()| Cmd::Ping))
        .unwrap();
    fx.registry
        .subscribe(failing.recipient_with(|fail: bool| if fail { Cmd::Fail } else { Cmd::Ping }))
        .unwrap();
    assert_eq!(fx.registry.broadcast_event(()), 1);
    assert_eq!(fx.registry.broadcast_event(false), 1);

    assert!(stopping.stop_timeout(TIMEOUT).unwrap());
    assert_eq!(fx.registry.broadcast_event(()), 0);

    assert_eq!(fx.registry.broadcast_event(true), 1);
    wait_for(&events.on_failure_was_called, "on_failure");
    assert!(!failing.is_alive());
    assert_eq!(fx.registry.broadcast_event(true), 0);

    let err = fx
        .registry
        .subscribe(failing.recipient_with(|()| Cmd::Ping))
        .unwrap_err();
    assert_eq!(err.actor(), failing.to_string());
}

/// A recipient's tell to a dead actor hands the event back; a failure in the
/// conversion or the handler is a told message's failure: `on_failure` runs.
pub fn recipient_tells_like_tell<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let events = Events::new();
    let probe = fx.start(Probe::new(&events));
    let recipient = probe.recipient_with(|n: u32| match n {
        0 => panic!("zero"),
        _ => Cmd::Ping,
    });
    assert_eq!(recipient.to_string(), probe.to_string());
    recipient.tell(1).unwrap();
    recipient.tell(0).unwrap();
    wait_for(&events.on_failure_was_called, "on_failure");
    let seen = events.on_failure_seen.get_timeout(TIMEOUT).unwrap();
    assert_eq!(
        seen.failure.map(|f| f.to_string()).as_deref(),
        Some("panicked: zero")
    );
    assert!(!recipient.is_alive());
    let err = recipient.tell(2).unwrap_err();
    assert_eq!(err.kind(), DeadKind::NotFound);
    assert_eq!(err.into_inner(), 2);
}
