//! [`AnyActorRef`]: a reference to an actor of any type, as the registry holds them.

use std::any::{Any, TypeId};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::actor_ref::{Meta, stop_wait};
use crate::error::TimeoutError;
use crate::waiters::deadline_after;
use crate::{Actor, ActorRef, Reply, StopReason};

/// What the registry needs of a typed reference.
trait Erased: Send + Sync + 'static {
    fn meta(&self) -> &Meta;
    fn actor_type(&self) -> TypeId;
    fn message_type(&self) -> TypeId;
    fn stop_nonblocking(&self) -> Reply<bool>;
    fn tell_any(&self, message: Box<dyn Any + Send>) -> Result<(), Box<dyn Any + Send>>;
    fn as_any(&self) -> &dyn Any;
}

impl<A: Actor> Erased for ActorRef<A> {
    fn meta(&self) -> &Meta {
        ActorRef::meta(self)
    }
    fn actor_type(&self) -> TypeId {
        TypeId::of::<A>()
    }
    fn message_type(&self) -> TypeId {
        TypeId::of::<A::Message>()
    }
    fn stop_nonblocking(&self) -> Reply<bool> {
        ActorRef::stop_nonblocking(self)
    }
    fn tell_any(&self, message: Box<dyn Any + Send>) -> Result<(), Box<dyn Any + Send>> {
        let message = message.downcast::<A::Message>()?;
        self.tell(*message)
            .map_err(|e| Box::new(e.into_inner()) as Box<dyn Any + Send>)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A reference to an actor whatever its type: what the [`ActorRegistry`](crate::ActorRegistry)
/// returns where Pykka returns a list of mixed `ActorRef`s.
///
/// It can stop the actor and tell it messages of the right type; for everything else,
/// [`downcast`](AnyActorRef::downcast) it to the typed [`ActorRef`]. Equal, hashed,
/// displayed and debugged like the typed reference.
///
/// # Examples
///
/// ```
/// use pykka_core::{Actor, AnyActorRef};
///
/// struct Quiet;
/// impl Actor for Quiet {
///     type Message = ();
///     type Reply = ();
/// }
/// let typed = Quiet.start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// let any = AnyActorRef::from(&typed);
/// assert_eq!(any.actor_name(), "Quiet");
/// assert_eq!(any.downcast::<Quiet>(), Some(typed.clone()));
/// assert!(any.stop());
/// ```
#[derive(Clone)]
pub struct AnyActorRef {
    inner: Arc<dyn Erased>,
}

impl AnyActorRef {
    pub(crate) fn meta(&self) -> &Meta {
        self.inner.meta()
    }

    pub(crate) fn actor_type(&self) -> TypeId {
        self.inner.actor_type()
    }

    pub(crate) fn message_type(&self) -> TypeId {
        self.inner.message_type()
    }

    /// The typed reference, if the actor is an `A`.
    pub fn downcast<A: Actor>(&self) -> Option<ActorRef<A>> {
        self.inner.as_any().downcast_ref::<ActorRef<A>>().cloned()
    }

    /// Whether the actor is an `A`.
    pub fn is<A: Actor>(&self) -> bool {
        self.actor_type() == TypeId::of::<A>()
    }

    /// The actor's URN.
    pub fn urn(&self) -> &str {
        self.meta().origin.urn()
    }

    /// The actor's name ([`Actor::name`]).
    pub fn actor_name(&self) -> &'static str {
        self.meta().name
    }

    /// Whether the actor is alive.
    pub fn is_alive(&self) -> bool {
        self.meta().is_alive()
    }

    /// Tells the actor `message` if its message type is `M`.
    ///
    /// # Errors
    ///
    /// The message back if the type does not match or the actor is dead.
    pub fn tell_any<M: Send + 'static>(&self, message: M) -> Result<(), M> {
        self.inner.tell_any(Box::new(message)).map_err(|b| {
            *b.downcast::<M>()
                .expect("the message comes back with its own type")
        })
    }

    /// As [`ActorRef::stop`].
    pub fn stop(&self) -> bool {
        self.stop_deadline(None, None).unwrap_or(true)
    }

    /// As [`ActorRef::stop_timeout`].
    ///
    /// # Errors
    ///
    /// [`TimeoutError`] if the actor had not stopped in time.
    pub fn stop_timeout(&self, timeout: Duration) -> Result<bool, TimeoutError> {
        self.stop_deadline(deadline_after(timeout), Some(timeout))
    }

    pub(crate) fn stop_deadline(
        &self,
        deadline: Option<Instant>,
        timeout: Option<Duration>,
    ) -> Result<bool, TimeoutError> {
        stop_wait(
            self.meta(),
            || self.inner.stop_nonblocking(),
            deadline,
            timeout,
        )
    }

    /// As [`ActorRef::stop_nonblocking`].
    pub fn stop_nonblocking(&self) -> Reply<bool> {
        self.inner.stop_nonblocking()
    }

    /// As [`ActorRef::stopped`]: why the actor ended, once it has.
    pub fn stopped(&self) -> Reply<StopReason> {
        let meta = self.meta();
        meta.rare.death.stopped(&meta.origin)
    }
}

impl<A: Actor> From<ActorRef<A>> for AnyActorRef {
    fn from(actor: ActorRef<A>) -> Self {
        AnyActorRef {
            inner: Arc::new(actor),
        }
    }
}

impl<A: Actor> From<&ActorRef<A>> for AnyActorRef {
    fn from(actor: &ActorRef<A>) -> Self {
        AnyActorRef::from(actor.clone())
    }
}

impl From<&AnyActorRef> for AnyActorRef {
    fn from(actor: &AnyActorRef) -> Self {
        actor.clone()
    }
}

impl PartialEq for AnyActorRef {
    fn eq(&self, other: &Self) -> bool {
        self.meta().id == other.meta().id
    }
}

impl Eq for AnyActorRef {}

impl Hash for AnyActorRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.meta().id.hash(state);
    }
}

impl fmt::Display for AnyActorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.meta().label())
    }
}

impl fmt::Debug for AnyActorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<ActorRef for {}>", self.meta().label())
    }
}
