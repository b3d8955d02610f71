//! The error types of pykka.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use crate::Failure;

/// Why an actor could not take a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeadKind {
    /// The actor was already dead when the message was sent ("… not found").
    NotFound,
    /// The message was queued, but the actor stopped before handling it.
    StoppedBeforeHandling,
    /// The actor asked itself to stop ([`Context::stop`](crate::Context::stop)), so work
    /// it would schedule on itself now would never run.
    Stopping,
}

/// Using an actor that is dead: Pykka's `ActorDeadError`.
///
/// A failed [`tell`](crate::ActorRef::tell) hands the message back inside this error
/// (`M` is the message type); [`into_inner`](ActorDeadError::into_inner) takes it out.
/// Inside [`AskError`] the message is `()`.
///
/// # Examples
///
/// ```
/// # use pykka_core::{Actor, Context, Failure};
/// # struct Echo;
/// # impl Actor for Echo {
/// #     type Message = u32;
/// #     type Reply = u32;
/// #     fn on_receive(&mut self, m: u32, _: &Context<Self>) -> Result<u32, Failure> { Ok(m) }
/// # }
/// let echo = Echo.start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// echo.stop();
/// let err = echo.tell(7).unwrap_err();
/// assert_eq!(err.to_string(), format!("{echo} not found"));
/// assert_eq!(err.into_inner(), 7);
/// ```
#[derive(Clone)]
pub struct ActorDeadError<M = ()> {
    actor: Arc<str>,
    kind: DeadKind,
    message: M,
}

impl ActorDeadError<()> {
    pub(crate) fn new(actor: Arc<str>, kind: DeadKind) -> Self {
        ActorDeadError {
            actor,
            kind,
            message: (),
        }
    }

    /// The error for the actor called `actor` (as the message shows it), for code that
    /// reaches actors by other means than an [`ActorRef`](crate::ActorRef), such as a
    /// remote transport (`pykka-nats`).
    ///
    /// ```
    /// use pykka_core::{ActorDeadError, DeadKind};
    /// let e = ActorDeadError::for_actor("player (nats)", DeadKind::NotFound);
    /// assert_eq!(e.to_string(), "player (nats) not found");
    /// ```
    pub fn for_actor(actor: &str, kind: DeadKind) -> Self {
        ActorDeadError::new(actor.into(), kind)
    }

    pub(crate) fn with_message<M>(self, message: M) -> ActorDeadError<M> {
        ActorDeadError {
            actor: self.actor,
            kind: self.kind,
            message,
        }
    }
}

impl<M> ActorDeadError<M> {
    /// The dead actor, as `TypeName (urn:uuid:…)`.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Whether the actor was dead before the message was sent, or stopped with the
    /// message still queued.
    pub fn kind(&self) -> DeadKind {
        self.kind
    }

    /// The message that could not be delivered.
    pub fn into_inner(self) -> M {
        self.message
    }

    /// The same error without the message.
    pub fn without_message(self) -> ActorDeadError {
        ActorDeadError::new(self.actor, self.kind)
    }
}

impl<M> fmt::Display for ActorDeadError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            DeadKind::NotFound => write!(f, "{} not found", self.actor),
            DeadKind::StoppedBeforeHandling => {
                write!(f, "{} stopped before handling the message", self.actor)
            }
            DeadKind::Stopping => write!(f, "{} is stopping", self.actor),
        }
    }
}

impl<M> fmt::Debug for ActorDeadError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActorDeadError")
            .field("actor", &self.actor)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl<M> StdError for ActorDeadError<M> {}

/// A blocking call gave up after its timeout: Pykka's `Timeout`.
///
/// It names the duration and, when the wait was for an actor's reply, the actor.
///
/// ```
/// use std::time::Duration;
/// let reply = pykka_core::Reply::<u32>::new();
/// let err = reply.get_timeout(Duration::from_millis(20)).unwrap_err();
/// assert_eq!(err.to_string(), "timed out after 20ms");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TimeoutError {
    timeout: Option<Duration>,
    waiting_for: Option<Arc<str>>,
}

impl TimeoutError {
    pub(crate) fn new(timeout: Option<Duration>, waiting_for: Option<Arc<str>>) -> Self {
        TimeoutError {
            timeout,
            waiting_for,
        }
    }

    /// The error of a wait for `waiting_for` that gave up after `timeout`, for code that
    /// waits by other means than a [`Reply`](crate::Reply), such as a remote transport.
    ///
    /// ```
    /// use std::time::Duration;
    /// let e = pykka_core::TimeoutError::for_wait(Duration::from_secs(1), Some("player"));
    /// assert_eq!(e.waiting_for(), Some("player"));
    /// assert_eq!(e.timeout(), Some(Duration::from_secs(1)));
    /// ```
    pub fn for_wait(timeout: Duration, waiting_for: Option<&str>) -> Self {
        TimeoutError::new(Some(timeout), waiting_for.map(Arc::from))
    }

    /// The timeout that expired, if the call was given a duration (not a deadline).
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The actor whose reply was awaited, as `TypeName (urn:uuid:…)`, if known.
    pub fn waiting_for(&self) -> Option<&str> {
        self.waiting_for.as_deref()
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.timeout {
            Some(t) => write!(f, "timed out after {t:?}")?,
            None => f.write_str("deadline passed")?,
        }
        match &self.waiting_for {
            Some(actor) => write!(f, " waiting for {actor}"),
            None => Ok(()),
        }
    }
}

impl StdError for TimeoutError {}

/// Why a reply could not be had: the error of [`ActorRef::ask`](crate::ActorRef::ask)
/// and of every [`Reply`](crate::Reply) getter.
///
/// ```
/// use pykka_core::{AskError, Failure, Reply};
///
/// let reply = Reply::<u32>::new();
/// reply.set_failure(Failure::msg("no such user")).unwrap();
/// match reply.get() {
///     Err(AskError::Failed(f)) => assert_eq!(f.to_string(), "no such user"),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AskError {
    /// The actor was dead, or stopped before handling the message.
    Dead(ActorDeadError),
    /// The reply did not come within the timeout.
    Timeout(TimeoutError),
    /// The handler failed (returned an error or panicked); the failure is kept.
    Failed(Failure),
    /// An actor blocked waiting for its own reply, which could never come.
    Deadlock(DeadlockError),
    /// The value was already moved out by [`Reply::take`](crate::Reply::take) or an
    /// `.await`.
    Taken,
}

impl fmt::Display for AskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AskError::Dead(e) => e.fmt(f),
            AskError::Timeout(e) => e.fmt(f),
            AskError::Failed(e) => e.fmt(f),
            AskError::Deadlock(e) => e.fmt(f),
            AskError::Taken => f.write_str("the reply's value was already taken"),
        }
    }
}

impl StdError for AskError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            AskError::Dead(e) => Some(e),
            AskError::Timeout(e) => Some(e),
            // The failure's own text is this error's text, so its source is the
            // wrapped error's source (each message appears once in a chain).
            AskError::Failed(f) => f.as_error().and_then(|e| e.source()),
            AskError::Deadlock(e) => Some(e),
            AskError::Taken => None,
        }
    }
}

impl From<ActorDeadError> for AskError {
    fn from(e: ActorDeadError) -> Self {
        AskError::Dead(e)
    }
}

impl From<DeadlockError> for AskError {
    fn from(e: DeadlockError) -> Self {
        AskError::Deadlock(e)
    }
}

impl From<TimeoutError> for AskError {
    fn from(e: TimeoutError) -> Self {
        AskError::Timeout(e)
    }
}

/// A wait that could never end: an actor waiting for its own reply, or for the reply of
/// an actor that (perhaps through others) waits for it, an ask cycle (see
/// [`debug`](crate::debug#ask-cycles)).
///
/// Pykka deadlocks here; pykka refuses at once. The error names every actor of the
/// cycle, the waiter first: `A (urn:uuid:…) -> B (urn:uuid:…) -> A (urn:uuid:…)`.
///
/// ```
/// use pykka_core::{Actor, AskError, Context, Failure};
///
/// struct Narcissus;
/// impl Actor for Narcissus {
///     type Message = bool;
///     type Reply = String;
///     fn on_receive(&mut self, outer: bool, ctx: &Context<Self>) -> Result<String, Failure> {
///         if !outer {
///             return Ok("inner".into());
///         }
///         match ctx.actor_ref().ask(false) {
///             Err(AskError::Deadlock(e)) => Ok(e.to_string()),
///             other => Ok(format!("{other:?}")),
///         }
///     }
/// }
///
/// let n = Narcissus.start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// let text = n.ask(true).unwrap();
/// assert!(text.starts_with("Narcissus (urn:uuid:"), "{text}");
/// assert!(text.contains("would wait for its own reply"), "{text}");
/// n.stop();
/// ```
#[derive(Debug, Clone)]
pub struct DeadlockError {
    /// The waiter first, then each actor that the one before it waits for.
    cycle: Arc<[Arc<str>]>,
}

impl DeadlockError {
    /// An actor that would wait for itself.
    pub(crate) fn new(actor: Arc<str>) -> Self {
        DeadlockError {
            cycle: Arc::from([actor]),
        }
    }

    /// A cycle of waits: `cycle[0]` waits for `cycle[1]`, …, the last for `cycle[0]`.
    pub(crate) fn cycle(cycle: Vec<Arc<str>>) -> Self {
        DeadlockError {
            cycle: cycle.into(),
        }
    }

    /// The actors of the cycle as `Name (urn:uuid:…)`, the waiter first; each waits for
    /// the next, the last for the first. One actor for a wait on itself.
    pub fn actors(&self) -> impl ExactSizeIterator<Item = &str> {
        self.cycle.iter().map(|a| &**a)
    }
}

impl fmt::Display for DeadlockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.cycle {
            [actor] => write!(
                f,
                "{actor} would wait for its own reply (deadlock); use a non-blocking ask or tell"
            ),
            cycle => write!(
                f,
                "ask cycle (deadlock): {}; use tell, a non-blocking ask, or a proxy's defer",
                crate::debug::cycle_text(cycle)
            ),
        }
    }
}

impl StdError for DeadlockError {}

/// The backend could not start the actor's thread, coroutine or task.
#[derive(Debug)]
pub struct StartError {
    actor: String,
    source: io::Error,
}

impl StartError {
    pub(crate) fn new(actor: String, source: io::Error) -> Self {
        StartError { actor, source }
    }

    /// The backend's error.
    pub fn io_error(&self) -> &io::Error {
        &self.source
    }
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failed to start {}: {}", self.actor, self.source)
    }
}

impl StdError for StartError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.source)
    }
}

/// A [`Reply`](crate::Reply) can be completed once; this is the second attempt, with
/// the value it carried.
///
/// ```
/// let reply = pykka_core::Reply::new();
/// reply.set(1).unwrap();
/// let err = reply.set(2).unwrap_err();
/// assert_eq!(err.to_string(), "reply already completed");
/// assert_eq!(err.into_inner(), 2);
/// ```
pub struct SetError<T> {
    value: T,
    /// The reply is the answer to an actor's message: only the actor completes it.
    owned: bool,
}

impl<T> SetError<T> {
    pub(crate) fn new(value: T) -> Self {
        SetError {
            value,
            owned: false,
        }
    }

    /// The reply answers an actor's message, which only the actor completes.
    pub(crate) fn owned(value: T) -> Self {
        SetError { value, owned: true }
    }

    /// The value that was not stored.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.owned {
            f.write_str("reply belongs to an actor's message: only the actor completes it")
        } else {
            f.write_str("reply already completed")
        }
    }
}

impl<T> fmt::Debug for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetError").finish_non_exhaustive()
    }
}

impl<T> StdError for SetError<T> {}

/// [`try_tell`](crate::ActorRef::try_tell) did not send: the actor's bounded inbox is
/// full, or the actor is dead. The message is handed back either way.
///
/// ```
/// # use pykka_core::{Actor, Context, Failure, TryTellError};
/// # struct Echo;
/// # impl Actor for Echo {
/// #     type Message = u32;
/// #     type Reply = u32;
/// #     fn on_receive(&mut self, m: u32, _: &Context<Self>) -> Result<u32, Failure> { Ok(m) }
/// # }
/// let echo = Echo.start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// echo.stop();
/// match echo.try_tell(7) {
///     Err(TryTellError::Dead(e)) => assert_eq!(e.into_inner(), 7),
///     other => panic!("{other:?}"),
/// }
/// ```
pub enum TryTellError<M> {
    /// The inbox is full: nothing was sent.
    Full(M),
    /// The actor is dead.
    Dead(ActorDeadError<M>),
}

impl<M> TryTellError<M> {
    /// The message that was not sent.
    pub fn into_inner(self) -> M {
        match self {
            TryTellError::Full(m) => m,
            TryTellError::Dead(e) => e.into_inner(),
        }
    }

    /// Whether the inbox was full (and the actor alive).
    pub fn is_full(&self) -> bool {
        matches!(self, TryTellError::Full(_))
    }
}

impl<M> fmt::Display for TryTellError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryTellError::Full(_) => f.write_str("the actor's inbox is full"),
            TryTellError::Dead(e) => e.fmt(f),
        }
    }
}

impl<M> fmt::Debug for TryTellError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryTellError::Full(_) => f.write_str("Full(..)"),
            TryTellError::Dead(e) => f.debug_tuple("Dead").field(e).finish(),
        }
    }
}

impl<M> StdError for TryTellError<M> {}

/// [`tell_timeout`](crate::ActorRef::tell_timeout) did not send: the actor's bounded
/// inbox stayed full for the whole timeout, or the actor is dead. The message is
/// handed back either way.
pub enum TellTimeoutError<M> {
    /// The inbox stayed full until the timeout: nothing was sent.
    Timeout(M, Duration),
    /// The actor is dead.
    Dead(ActorDeadError<M>),
}

impl<M> TellTimeoutError<M> {
    /// The message that was not sent.
    pub fn into_inner(self) -> M {
        match self {
            TellTimeoutError::Timeout(m, _) => m,
            TellTimeoutError::Dead(e) => e.into_inner(),
        }
    }

    /// Whether the timeout passed (and the actor is alive).
    pub fn is_timeout(&self) -> bool {
        matches!(self, TellTimeoutError::Timeout(..))
    }
}

impl<M> fmt::Display for TellTimeoutError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TellTimeoutError::Timeout(_, d) => {
                write!(f, "the actor's inbox stayed full for {d:?}")
            }
            TellTimeoutError::Dead(e) => e.fmt(f),
        }
    }
}

impl<M> fmt::Debug for TellTimeoutError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TellTimeoutError::Timeout(_, d) => f.debug_tuple("Timeout").field(d).finish(),
            TellTimeoutError::Dead(e) => f.debug_tuple("Dead").field(e).finish(),
        }
    }
}

impl<M> StdError for TellTimeoutError<M> {}
