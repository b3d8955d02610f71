//! Event subscriptions of an [`ActorRegistry`]: broadcasting an event to every actor
//! that subscribed to its type, whatever the actor's own message type (see
//! [`Recipient`] for the pattern).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use super::ActorRegistry;
use crate::{Actor, Context, Recipient};

/// The subscribers of each event type, in subscription order, and the event types of
/// each subscribed actor (so that unregistering an actor costs a look-up, not a scan).
#[derive(Default)]
pub(super) struct Subscriptions {
    by_event: HashMap<TypeId, Vec<Subscriber>>,
    by_actor: HashMap<u64, Vec<TypeId>>,
}

struct Subscriber {
    actor: u64,
    /// A `Recipient<E>` for the `E` of its list.
    recipient: Box<dyn Any + Send>,
}

/// Recipients taken out of the registry, to be dropped after its lock is released (a
/// recipient may hold an actor's last reference, whose drop wakes the actor).
pub(super) type Removed = Vec<Box<dyn Any + Send>>;

impl Subscriptions {
    /// Adds `recipient` (replacing the actor's earlier subscription to `E`).
    fn add<E: Send + 'static>(&mut self, actor: u64, recipient: Recipient<E>) -> Removed {
        let event = TypeId::of::<E>();
        let list = self.by_event.entry(event).or_default();
        let recipient: Box<dyn Any + Send> = Box::new(recipient);
        if let Some(s) = list.iter_mut().find(|s| s.actor == actor) {
            return vec![std::mem::replace(&mut s.recipient, recipient)];
        }
        list.push(Subscriber { actor, recipient });
        self.by_actor.entry(actor).or_default().push(event);
        Vec::new()
    }

    /// Removes the actor's subscription to `event`, if any.
    fn remove(&mut self, actor: u64, event: TypeId) -> Removed {
        let mut removed = Vec::new();
        if let Some(list) = self.by_event.get_mut(&event) {
            if let Some(i) = list.iter().position(|s| s.actor == actor) {
                removed.push(list.remove(i).recipient);
            }
            if list.is_empty() {
                self.by_event.remove(&event);
            }
        }
        if let Some(events) = self.by_actor.get_mut(&actor) {
            events.retain(|e| *e != event);
            if events.is_empty() {
                self.by_actor.remove(&actor);
            }
        }
        removed
    }

    /// Removes every subscription of the actor (it unregistered).
    pub(super) fn remove_actor(&mut self, actor: u64) -> Removed {
        let events = self.by_actor.get(&actor).cloned().unwrap_or_default();
        events
            .into_iter()
            .flat_map(|event| self.remove(actor, event))
            .collect()
    }

    fn recipients<E: Send + 'static>(&self) -> Vec<Recipient<E>> {
        self.by_event
            .get(&TypeId::of::<E>())
            .into_iter()
            .flatten()
            .filter_map(|s| s.recipient.downcast_ref::<Recipient<E>>().cloned())
            .collect()
    }
}

/// Subscribing an actor that is not registered in the registry (it is dead, or
/// registered in another one).
///
/// ```
/// use pykka_core::{Actor, ActorRegistry};
///
/// struct Listener;
/// impl Actor for Listener { type Message = u32; type Reply = (); }
///
/// let listener = Listener.start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// let elsewhere = ActorRegistry::new(); // the actor is in the global registry
/// let err = elsewhere.subscribe(listener.recipient::<u32>()).unwrap_err();
/// assert_eq!(err.to_string(), format!("{listener} is not registered in this registry"));
/// listener.stop();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRegisteredError {
    actor: Arc<str>,
}

impl NotRegisteredError {
    /// The actor, as `TypeName (urn:uuid:…)`.
    pub fn actor(&self) -> &str {
        &self.actor
    }
}

impl fmt::Display for NotRegisteredError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not registered in this registry", self.actor)
    }
}

impl StdError for NotRegisteredError {}

impl ActorRegistry {
    /// Subscribes `recipient`'s actor to events of type `E`: every
    /// [`broadcast_event`](ActorRegistry::broadcast_event) of an `E` is told to it,
    /// whatever the actor's own message type. An actor has one subscription per event
    /// type: subscribing it again replaces the recipient. The subscription ends when
    /// the actor unregisters (it stops or fails) or with
    /// [`unsubscribe`](ActorRegistry::unsubscribe).
    ///
    /// # Errors
    ///
    /// [`NotRegisteredError`] if the actor is not registered in this registry (a dead
    /// actor is not): a subscription could then never end.
    pub fn subscribe<E: Send + 'static>(
        &self,
        recipient: Recipient<E>,
    ) -> Result<(), NotRegisteredError> {
        let id = recipient.meta().id;
        let mut inner = self.lock();
        // Checked under the lock that `unregister` takes: an actor registered now will
        // drop its subscriptions when it unregisters, so none outlives it.
        if !inner.seq_of.contains_key(&id) {
            drop(inner);
            return Err(NotRegisteredError {
                actor: recipient.meta().label().clone(),
            });
        }
        let replaced = inner.subscriptions.add(id, recipient);
        drop(inner);
        drop(replaced);
        Ok(())
    }

    /// Ends the subscription of `recipient`'s actor to events of type `E`; returns
    /// whether it had one.
    pub fn unsubscribe<E: Send + 'static>(&self, recipient: &Recipient<E>) -> bool {
        let removed = self
            .lock()
            .subscriptions
            .remove(recipient.meta().id, TypeId::of::<E>());
        !removed.is_empty()
    }

    /// Tells `event` to every actor subscribed to events of type `E`, in subscription
    /// order; returns how many it reached. Subscribers found dead are dropped.
    ///
    /// ```
    /// use pykka_core::{Actor, ActorRegistry, Context, Failure};
    ///
    /// #[derive(Clone)]
    /// struct Tick;
    /// struct Clock(u32);
    /// impl Actor for Clock {
    ///     type Message = u32;
    ///     type Reply = u32;
    ///     fn on_receive(&mut self, n: u32, _: &Context<Self>) -> Result<u32, Failure> {
    ///         self.0 += n;
    ///         Ok(self.0)
    ///     }
    /// }
    ///
    /// let registry = ActorRegistry::new();
    /// let clock = registry.start(&pykka_thread::ThreadRuntime::default(), Clock(0)).unwrap();
    /// registry.subscribe(clock.recipient_with(|Tick| 1)).unwrap();
    /// assert_eq!(registry.broadcast_event(Tick), 1);
    /// assert_eq!(clock.ask(0).unwrap(), 1);
    /// clock.stop();
    /// ```
    pub fn broadcast_event<E: Clone + Send + 'static>(&self, event: E) -> usize {
        let recipients = self.lock().subscriptions.recipients::<E>();
        let mut reached = 0;
        let mut dead = Vec::new();
        for recipient in recipients {
            match recipient.tell(event.clone()) {
                Ok(()) => reached += 1,
                Err(_) => dead.push(recipient),
            }
        }
        if !dead.is_empty() {
            let removed: Removed = {
                let mut inner = self.lock();
                dead.iter()
                    .flat_map(|r| inner.subscriptions.remove(r.meta().id, TypeId::of::<E>()))
                    .collect()
            };
            drop(removed);
        }
        reached
    }
}

impl<A: Actor> Context<A> {
    /// Subscribes this actor, in its registry, to events of type `E` (converted into
    /// its message with `From`): [`ActorRegistry::subscribe`] with
    /// [`ActorRef::recipient`](crate::ActorRef::recipient). Call it from `on_start` or
    /// later; see [`Recipient`] for the pattern.
    ///
    /// `on_start` runs after [`start`](crate::ActorRegistry::start) returned, so an
    /// event broadcast right after the start may come before the subscription: when
    /// that matters, subscribe from the starting code instead
    /// (`registry.subscribe(actor_ref.recipient::<E>())`), or wait for an answer of the
    /// actor first.
    ///
    /// # Errors
    ///
    /// [`NotRegisteredError`] if the actor was unregistered (it is stopping).
    pub fn subscribe<E>(&self) -> Result<(), NotRegisteredError>
    where
        E: Send + 'static,
        A::Message: From<E>,
    {
        self.registry().subscribe(self.actor_ref().recipient::<E>())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use crate::test_refs::unstarted;
    use crate::{Actor, ActorRegistry};

    struct Listener;
    impl Actor for Listener {
        type Message = u64;
        type Reply = ();
    }

    #[derive(Clone)]
    struct Ping;

    fn queued<M>(inbox: &mut crate::rt::mailbox::MailboxReceiver<M>) -> usize {
        std::iter::from_fn(|| inbox.try_recv().ok()).count()
    }

    #[test]
    fn only_registered_actors_subscribe() {
        let registry = ActorRegistry::new();
        let (actor_ref, _inbox) = unstarted::<Listener>();
        let err = registry
            .subscribe(actor_ref.recipient_with(|Ping| 1))
            .unwrap_err();
        assert_eq!(err.actor(), actor_ref.to_string());
        assert_eq!(registry.broadcast_event(Ping), 0);
    }

    #[test]
    fn events_reach_each_subscriber_once_until_it_unregisters() {
        let registry = ActorRegistry::new();
        let (a, mut inbox_a) = unstarted::<Listener>();
        let (b, mut inbox_b) = unstarted::<Listener>();
        registry.register(&a);
        registry.register(&b);
        registry.subscribe(a.recipient_with(|Ping| 1)).unwrap();
        registry.subscribe(a.recipient_with(|Ping| 2)).unwrap(); // replaces
        registry.subscribe(b.recipient_with(|Ping| 3)).unwrap();
        registry.subscribe(a.recipient::<u8>()).unwrap();
        assert_eq!(registry.broadcast_event(Ping), 2);
        assert_eq!(registry.broadcast_event(7u8), 1);
        assert_eq!((queued(&mut inbox_a), queued(&mut inbox_b)), (2, 1));

        registry.unregister(&a);
        assert_eq!(registry.broadcast_event(Ping), 1);
        assert_eq!(registry.broadcast_event(7u8), 0);
        let subscribed = registry
            .lock()
            .subscriptions
            .by_actor
            .contains_key(&a.meta().id);
        assert!(!subscribed);

        assert!(registry.unsubscribe(&b.recipient_with(|Ping| 0)));
        assert!(!registry.unsubscribe(&b.recipient_with(|Ping| 0)));
        assert_eq!(registry.broadcast_event(Ping), 0);
        let subscriptions = &registry.lock().subscriptions;
        assert!(subscriptions.by_event.is_empty() && subscriptions.by_actor.is_empty());
    }

    #[test]
    fn dead_subscribers_are_dropped_by_a_broadcast() {
        let registry = ActorRegistry::new();
        let (a, _inbox) = unstarted::<Listener>();
        registry.register(&a);
        registry.subscribe(a.recipient_with(|Ping| 1)).unwrap();
        // Dead but still registered: a broadcast racing with the actor's end.
        a.meta().alive.store(false, Ordering::Release);
        assert_eq!(registry.broadcast_event(Ping), 0);
        assert!(registry.lock().subscriptions.by_event.is_empty());
    }
}
