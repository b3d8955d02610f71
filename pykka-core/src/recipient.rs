//! [`Recipient`]: a reference to an actor erased to one message type, so that one
//! actor can play several listener roles.
//!
//! The pattern, one actor in several listener roles, is documented on [`Recipient`].

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use crate::actor_loop::{Call, Msg, catch};
use crate::actor_ref::Meta;
use crate::bounded::Room;
use crate::error::{ActorDeadError, DeadKind};
use crate::{Actor, ActorRef, AnyActorRef, Context, Failure, Proxy};

/// What a recipient needs of the actor behind it.
trait Deliver<E>: Send + Sync + 'static {
    fn meta(&self) -> &Meta;
    fn actor(&self) -> AnyActorRef;
    /// Queues `event` for the actor; hands it back if the actor is dead.
    fn deliver(&self, event: E) -> Result<(), E>;
}

/// The event of one delivery, shared between the sender and the queued work: if the
/// inbox refuses the work, the sender takes the event back out (the work is a closure,
/// which cannot hand back what it captured).
type Slot<E> = Arc<Mutex<Option<E>>>;

fn take<E>(slot: &Slot<E>) -> Option<E> {
    slot.lock().unwrap_or_else(PoisonError::into_inner).take()
}

/// How an event is handled on the actor: a tell's semantics (see [`receive`]).
type Run<A, E> = Arc<dyn Fn(&mut A, &Context<A>, E) -> Result<(), Failure> + Send + Sync>;

/// A recipient made from an [`ActorRef`] and a conversion into its message type.
struct Route<A: Actor, E> {
    actor_ref: ActorRef<A>,
    run: Run<A, E>,
}

impl<A: Actor, E: Send + 'static> Deliver<E> for Route<A, E> {
    fn meta(&self) -> &Meta {
        self.actor_ref.meta()
    }

    fn actor(&self) -> AnyActorRef {
        AnyActorRef::from(&self.actor_ref)
    }

    fn deliver(&self, event: E) -> Result<(), E> {
        if !self.actor_ref.is_alive() {
            return Err(event);
        }
        let slot: Slot<E> = Arc::new(Mutex::new(Some(event)));
        let queued = slot.clone();
        let run = self.run.clone();
        let call: Call<A> = Box::new(move |actor, ctx| match take(&queued) {
            Some(event) => run(actor, ctx, event).map(|()| false),
            None => Ok(false),
        });
        match self.actor_ref.send(Msg::Call(call), Room::Wait(None)) {
            Ok(()) => Ok(()),
            Err(refused) => {
                drop(refused);
                Err(take(&slot).expect("refused work was never run"))
            }
        }
    }
}

/// A told message's handling, as the actor loop does it: a failure (error or panic,
/// also in the conversion) stops the actor, the default "unexpected message" does not.
fn receive<A: Actor>(
    actor: &mut A,
    ctx: &Context<A>,
    message: impl FnOnce() -> A::Message,
) -> Result<(), Failure> {
    match catch(|| actor.on_receive(message(), ctx)) {
        Ok(_) => Ok(()),
        Err(f) if f.is_unexpected_message() => Ok(()),
        Err(f) => Err(f),
    }
}

/// What a proxy recipient runs on its target with each event.
type OnTarget<T, E> = Arc<dyn Fn(&mut T, E) + Send + Sync>;

/// A recipient made from a proxy and a closure run on its target.
struct Deferred<A: Actor, T: 'static, E> {
    proxy: Proxy<A, T>,
    f: OnTarget<T, E>,
}

impl<A: Actor, T: 'static, E: Send + 'static> Deliver<E> for Deferred<A, T, E> {
    fn meta(&self) -> &Meta {
        self.proxy.actor_ref().meta()
    }

    fn actor(&self) -> AnyActorRef {
        AnyActorRef::from(self.proxy.actor_ref())
    }

    fn deliver(&self, event: E) -> Result<(), E> {
        if !self.proxy.actor_ref().is_alive() {
            return Err(event);
        }
        let slot: Slot<E> = Arc::new(Mutex::new(Some(event)));
        let queued = slot.clone();
        let f = self.f.clone();
        let sent = self.proxy.defer(move |target| {
            if let Some(event) = take(&queued) {
                f(target, event);
            }
        });
        match sent {
            Ok(()) => Ok(()),
            Err(_) => Err(take(&slot).expect("refused work was never run")),
        }
    }
}

/// A reference to an actor that takes messages of type `E`, whatever the actor's own
/// message type: what lets one actor play several listener roles.
///
/// Made from an [`ActorRef`] with a conversion of `E` into the actor's message
/// ([`ActorRef::recipient`] for `A::Message: From<E>`, [`ActorRef::recipient_with`]
/// with a closure), or from a [`Proxy`] with a closure run on its target
/// ([`Proxy::recipient`]). A [`tell`](Recipient::tell) through it is a told message
/// (or a deferred call) of the actor, in the same inbox order as every other message:
/// the conversion runs in the actor's context, and a failure there (or in the handler)
/// stops the actor as a failing tell does.
///
/// Cheap to clone, `Send` and `Sync`; displayed and debugged like the actor's
/// [`ActorRef`] (`Name (urn:uuid:…)`, `<Recipient for Name (urn:uuid:…)>`).
///
/// # One actor, several listener roles
///
/// [`ActorRegistry::broadcast`](crate::ActorRegistry::broadcast) reaches the actors
/// whose [`Actor::Message`] is exactly the broadcast type, so an actor listens to one
/// kind of event that way. Pykka's listeners are classes (`AudioListener`,
/// `BackendListener`, …) and an actor may inherit from several; in pykka an actor
/// plays several roles through recipients:
///
/// 1. its message type accepts each event type (`impl From<AudioEvent> for Msg`, or
///    a closure given to [`ActorRef::recipient_with`]), or a proxy routes each event
///    to a method ([`Proxy::recipient`]);
/// 2. it subscribes to each event type in its registry
///    ([`Context::subscribe`], or [`ActorRegistry::subscribe`](crate::ActorRegistry::subscribe)
///    with any recipient), for instance in `on_start`;
/// 3. whoever emits an event calls
///    [`ActorRegistry::broadcast_event`](crate::ActorRegistry::broadcast_event), which
///    tells it to every subscriber of that event type, whatever their message types.
///
/// A subscription ends when its actor unregisters (it stops or fails), or with
/// [`ActorRegistry::unsubscribe`](crate::ActorRegistry::unsubscribe).
///
/// For example, one actor in two listener roles:
///
/// ```
/// use std::time::Duration;
/// use pykka_core::{Actor, ActorRegistry, Context, Failure};
///
/// // Two listener roles: the events of each.
/// #[derive(Clone)]
/// enum AudioEvent { StreamChanged(String) }
/// #[derive(Clone)]
/// enum MixerEvent { VolumeChanged(u8) }
///
/// enum CoreMsg { Audio(AudioEvent), Mixer(MixerEvent), Seen }
/// impl From<AudioEvent> for CoreMsg { fn from(e: AudioEvent) -> Self { CoreMsg::Audio(e) } }
/// impl From<MixerEvent> for CoreMsg { fn from(e: MixerEvent) -> Self { CoreMsg::Mixer(e) } }
///
/// #[derive(Default)]
/// struct Core { seen: Vec<String> }
///
/// impl Actor for Core {
///     type Message = CoreMsg;
///     type Reply = Vec<String>;
///
///     fn on_start(&mut self, ctx: &Context<Self>) -> Result<(), Failure> {
///         ctx.subscribe::<AudioEvent>()?;
///         ctx.subscribe::<MixerEvent>()?;
///         Ok(())
///     }
///
///     fn on_receive(&mut self, msg: CoreMsg, _: &Context<Self>) -> Result<Vec<String>, Failure> {
///         match msg {
///             CoreMsg::Audio(AudioEvent::StreamChanged(uri)) => self.seen.push(uri),
///             CoreMsg::Mixer(MixerEvent::VolumeChanged(v)) => self.seen.push(v.to_string()),
///             CoreMsg::Seen => {}
///         }
///         Ok(self.seen.clone())
///     }
/// }
///
/// let rt = pykka_thread::ThreadRuntime::default();
/// let registry = ActorRegistry::new();
/// let core = registry.start(&rt, Core::default()).unwrap();
/// // `on_start` runs in the actor's context, after `start` returned: once the actor
/// // answered something, its subscriptions are in place.
/// let timeout = Duration::from_secs(5);
/// assert!(core.ask_timeout(CoreMsg::Seen, timeout).unwrap().is_empty());
/// assert_eq!(registry.broadcast_event(AudioEvent::StreamChanged("uri".into())), 1);
/// assert_eq!(registry.broadcast_event(MixerEvent::VolumeChanged(80)), 1);
/// assert_eq!(
///     core.ask_timeout(CoreMsg::Seen, timeout).unwrap(),
///     ["uri", "80"],
/// );
/// core.stop();
/// assert_eq!(registry.broadcast_event(MixerEvent::VolumeChanged(0)), 0); // unsubscribed
/// ```
///
/// # Examples
///
/// ```
/// use pykka_core::{Actor, Context, Failure, Recipient};
///
/// struct Log { lines: Vec<String> }
/// enum LogMsg { Line(String), Count }
/// impl From<String> for LogMsg {
///     fn from(line: String) -> Self { LogMsg::Line(line) }
/// }
/// impl Actor for Log {
///     type Message = LogMsg;
///     type Reply = usize;
///     fn on_receive(&mut self, msg: LogMsg, _: &Context<Self>) -> Result<usize, Failure> {
///         if let LogMsg::Line(line) = msg {
///             self.lines.push(line);
///         }
///         Ok(self.lines.len())
///     }
/// }
///
/// let log = Log { lines: vec![] }.start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// let lines: Recipient<String> = log.recipient();
/// let numbers: Recipient<u32> = log.recipient_with(|n: u32| LogMsg::Line(n.to_string()));
/// lines.tell("one".to_string()).unwrap();
/// numbers.tell(2).unwrap();
/// assert_eq!(log.ask(LogMsg::Count).unwrap(), 2);
/// assert_eq!(lines.to_string(), log.to_string());
///
/// log.stop();
/// assert!(!lines.is_alive());
/// assert_eq!(numbers.tell(3).unwrap_err().into_inner(), 3); // the event comes back
/// ```
pub struct Recipient<E: Send + 'static> {
    inner: Arc<dyn Deliver<E>>,
}

impl<E: Send + 'static> Recipient<E> {
    pub(crate) fn meta(&self) -> &Meta {
        self.inner.meta()
    }

    /// Tells the actor `event` (converted into its message, or run through its
    /// closure, in the actor's context), without waiting for it to be handled (a full,
    /// bounded inbox is waited for, as [`ActorRef::tell`](crate::ActorRef::tell) does).
    ///
    /// # Errors
    ///
    /// [`ActorDeadError`] ("… not found") with the event inside
    /// ([`into_inner`](ActorDeadError::into_inner)) if the actor is dead.
    pub fn tell(&self, event: E) -> Result<(), ActorDeadError<E>> {
        self.inner
            .deliver(event)
            .map_err(|event| self.meta().dead(DeadKind::NotFound).with_message(event))
    }

    /// Whether the actor is alive.
    pub fn is_alive(&self) -> bool {
        self.meta().is_alive()
    }

    /// The actor's URN, `urn:uuid:…`.
    pub fn urn(&self) -> &str {
        self.meta().origin.urn()
    }

    /// The actor's name ([`Actor::name`]).
    pub fn actor_name(&self) -> &'static str {
        self.meta().name
    }

    /// The actor behind the recipient (to stop it, or to downcast it to its
    /// [`ActorRef`]).
    pub fn actor_ref(&self) -> AnyActorRef {
        self.inner.actor()
    }
}

impl<E: Send + 'static> Clone for Recipient<E> {
    fn clone(&self) -> Self {
        Recipient {
            inner: self.inner.clone(),
        }
    }
}

impl<E: Send + 'static> fmt::Display for Recipient<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.inner.meta().label())
    }
}

impl<E: Send + 'static> fmt::Debug for Recipient<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<Recipient for {}>", self.inner.meta().label())
    }
}

impl<A: Actor> ActorRef<A> {
    /// A [`Recipient`] of `E` for this actor: each event is converted into the actor's
    /// message with `From` (in the actor's context) and handled as a told message.
    ///
    /// ```
    /// # use pykka_core::{Actor, Context, Failure};
    /// # struct Counter(u64);
    /// # impl Actor for Counter {
    /// #     type Message = u64;
    /// #     type Reply = u64;
    /// #     fn on_receive(&mut self, n: u64, _: &Context<Self>) -> Result<u64, Failure> {
    /// #         self.0 += n;
    /// #         Ok(self.0)
    /// #     }
    /// # }
    /// let counter = Counter(0).start(&pykka_thread::ThreadRuntime::default()).unwrap();
    /// counter.recipient::<u8>().tell(2).unwrap(); // u64: From<u8>
    /// assert_eq!(counter.ask(0).unwrap(), 2);
    /// counter.stop();
    /// ```
    pub fn recipient<E>(&self) -> Recipient<E>
    where
        E: Send + 'static,
        A::Message: From<E>,
    {
        self.recipient_with(A::Message::from)
    }

    /// A [`Recipient`] of `E` for this actor, converting each event into the actor's
    /// message with `convert` (in the actor's context; a panic there is a failure of
    /// the told message).
    ///
    /// ```
    /// # use pykka_core::{Actor, Context, Failure};
    /// # struct Counter(u64);
    /// # impl Actor for Counter {
    /// #     type Message = u64;
    /// #     type Reply = u64;
    /// #     fn on_receive(&mut self, n: u64, _: &Context<Self>) -> Result<u64, Failure> {
    /// #         self.0 += n;
    /// #         Ok(self.0)
    /// #     }
    /// # }
    /// let counter = Counter(0).start(&pykka_thread::ThreadRuntime::default()).unwrap();
    /// let words = counter.recipient_with(|word: &'static str| word.len() as u64);
    /// words.tell("four").unwrap();
    /// assert_eq!(counter.ask(0).unwrap(), 4);
    /// counter.stop();
    /// ```
    pub fn recipient_with<E, F>(&self, convert: F) -> Recipient<E>
    where
        E: Send + 'static,
        F: Fn(E) -> A::Message + Send + Sync + 'static,
    {
        let run: Run<A, E> =
            Arc::new(move |actor, ctx, event| receive(actor, ctx, || convert(event)));
        Recipient {
            inner: Arc::new(Route {
                actor_ref: self.clone(),
                run,
            }),
        }
    }
}

impl<A: Actor, T: 'static> Proxy<A, T> {
    /// A [`Recipient`] of `E` that runs `f` on the proxy's target with each event, as
    /// [`defer`](Proxy::defer) does: in the actor's context, without a reply; a panic
    /// in `f` is a failure of the actor.
    ///
    /// ```
    /// use pykka_core::Actor;
    ///
    /// #[derive(Default)]
    /// struct Mixer { volume: u8 }
    /// impl Mixer { fn set_volume(&mut self, v: u8) { self.volume = v; } }
    /// impl Actor for Mixer { type Message = (); type Reply = (); }
    ///
    /// let mixer = Mixer::default().start(&pykka_thread::ThreadRuntime::default()).unwrap();
    /// let proxy = mixer.proxy().unwrap();
    /// let volumes = proxy.recipient(|m: &mut Mixer, v: u8| m.set_volume(v));
    /// volumes.tell(70).unwrap();
    /// assert_eq!(proxy.field(|m| &m.volume).get().unwrap(), 70);
    /// mixer.stop();
    /// ```
    pub fn recipient<E, F>(&self, f: F) -> Recipient<E>
    where
        E: Send + 'static,
        F: Fn(&mut T, E) + Send + Sync + 'static,
    {
        Recipient {
            inner: Arc::new(Deferred {
                proxy: self.clone(),
                f: Arc::new(f),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use crate::test_refs::{context, run_call, unstarted};
    use crate::{Actor, ActorRegistry, Context, DeadKind, Failure};

    #[derive(Default)]
    struct Sink {
        got: Vec<u64>,
    }

    impl Actor for Sink {
        type Message = u64;
        type Reply = ();
        fn on_receive(&mut self, n: u64, _: &Context<Self>) -> Result<(), Failure> {
            match n {
                13 => Err(Failure::msg("unlucky")),
                99 => Err(Failure::unexpected_message(Self::name())),
                _ => {
                    self.got.push(n);
                    Ok(())
                }
            }
        }
    }

    #[test]
    fn a_tell_queues_the_event_converted_in_the_actor_with_tell_semantics() {
        let (actor_ref, mut inbox) = unstarted::<Sink>();
        let ctx = context(&actor_ref, &ActorRegistry::new());
        let mut sink = Sink::default();
        let bytes = actor_ref.recipient::<u8>();
        let words = actor_ref.recipient_with(|w: &str| w.len() as u64);
        bytes.tell(7).unwrap();
        words.tell("four").unwrap();
        bytes.tell(99).unwrap();
        bytes.tell(13).unwrap();
        assert!(matches!(
            run_call(&mut inbox, &mut sink, &ctx),
            Some(Ok(false))
        ));
        assert!(matches!(
            run_call(&mut inbox, &mut sink, &ctx),
            Some(Ok(false))
        ));
        assert_eq!(sink.got, [7, 4]);
        // An unexpected message does not fail the actor; another failure does.
        assert!(matches!(
            run_call(&mut inbox, &mut sink, &ctx),
            Some(Ok(false))
        ));
        let failed = run_call(&mut inbox, &mut sink, &ctx).unwrap().unwrap_err();
        assert_eq!(failed.to_string(), "unlucky");
    }

    #[test]
    fn a_panicking_conversion_is_a_failure_of_the_told_message() {
        let (actor_ref, mut inbox) = unstarted::<Sink>();
        let ctx = context(&actor_ref, &ActorRegistry::new());
        let recipient = actor_ref.recipient_with(|_: ()| -> u64 { panic!("no conversion") });
        recipient.tell(()).unwrap();
        let failed = run_call(&mut inbox, &mut Sink::default(), &ctx)
            .unwrap()
            .unwrap_err();
        assert_eq!(failed.to_string(), "panicked: no conversion");
    }

    #[test]
    fn the_event_comes_back_from_a_dead_actor_and_from_a_closed_inbox() {
        let (actor_ref, inbox) = unstarted::<Sink>();
        let recipient = actor_ref.recipient::<u32>();
        // Alive, but its inbox closed: the race of a tell with the actor's end.
        drop(inbox);
        let err = recipient.tell(5).unwrap_err();
        assert_eq!(err.kind(), DeadKind::NotFound);
        assert_eq!(err.to_string(), format!("{actor_ref} not found"));
        assert_eq!(err.into_inner(), 5);
        actor_ref.meta().alive.store(false, Ordering::Release);
        assert!(!recipient.is_alive());
        assert_eq!(recipient.tell(6).unwrap_err().into_inner(), 6);
    }

    #[test]
    fn proxy_recipients_run_their_closure_on_the_target() {
        let (actor_ref, mut inbox) = unstarted::<Sink>();
        let ctx = context(&actor_ref, &ActorRegistry::new());
        let mut sink = Sink::default();
        let proxy = crate::Proxy::new(actor_ref.clone());
        let recipient = proxy.recipient(|s: &mut Sink, n: u64| s.got.push(n * 10));
        recipient.tell(4).unwrap();
        assert!(matches!(
            run_call(&mut inbox, &mut sink, &ctx),
            Some(Ok(false))
        ));
        assert_eq!(sink.got, [40]);
        drop(inbox);
        assert_eq!(recipient.tell(5).unwrap_err().into_inner(), 5);
    }

    #[test]
    fn names_display_and_debug_are_the_actors() {
        let (actor_ref, _inbox) = unstarted::<Sink>();
        let recipient = actor_ref.recipient::<u64>();
        let copy = recipient.clone();
        assert_eq!(copy.urn(), actor_ref.urn());
        assert_eq!(copy.actor_name(), "Sink");
        assert_eq!(copy.to_string(), actor_ref.to_string());
        assert_eq!(format!("{copy:?}"), format!("<Recipient for {actor_ref}>"));
        assert_eq!(copy.actor_ref().downcast::<Sink>(), Some(actor_ref.clone()));
        assert!(copy.is_alive());
    }
}
