//! [`Failure`]: what a failed hook or handler produced.

use std::any::Any;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// Why a hook or a message handler failed: an error it returned, or a panic it raised.
///
/// This is Pykka's exception raised by a handler. Hooks and handlers return
/// `Result<_, Failure>`; any error type converts with `?`, and a panic is caught by
/// pykka and turned into a `Failure` that keeps the panic's message. A `Failure` is
/// cheap to clone, so a [`Reply`](crate::Reply) can hand the same one to every `get`.
///
/// Like `anyhow::Error`, `Failure` does not implement [`std::error::Error`] itself (that
/// would conflict with the blanket `From`), but it goes where errors go: `?` turns it
/// into a `Box<dyn Error>` (with or without `Send + Sync`), and
/// [`into_error`](Failure::into_error) makes a [`FailureError`] for anything that wants
/// a `std::error::Error` (an `anyhow::Error`, say). [`AskError`](crate::AskError)
/// implements `std::error::Error` itself, and its `source()` is the original error.
///
/// # Examples
///
/// ```
/// use pykka_core::Failure;
///
/// fn parse(s: &str) -> Result<i32, Failure> {
///     Ok(s.parse::<i32>()?)
/// }
/// let failure = parse("x").unwrap_err();
/// assert_eq!(failure.to_string(), "invalid digit found in string");
/// assert!(failure.downcast_ref::<std::num::ParseIntError>().is_some());
///
/// let failure = Failure::msg("disk full");
/// assert_eq!(failure.to_string(), "disk full");
/// assert!(!failure.is_panic());
/// ```
#[derive(Clone)]
pub struct Failure(Arc<Repr>);

enum Repr {
    Error(Box<dyn StdError + Send + Sync>),
    Message(String),
    Panic(String),
    Unexpected(&'static str),
}

impl Failure {
    /// A failure with just a message.
    pub fn msg(message: impl fmt::Display) -> Self {
        Failure(Arc::new(Repr::Message(message.to_string())))
    }

    /// A failure that wraps an error value.
    pub fn new(error: impl StdError + Send + Sync + 'static) -> Self {
        Failure(Arc::new(Repr::Error(Box::new(error))))
    }

    /// A failure made from a caught panic's payload (its `&str` or `String` message is
    /// kept).
    ///
    /// ```
    /// let payload = std::panic::catch_unwind(|| panic!("boom")).unwrap_err();
    /// let failure = pykka_core::Failure::from_panic(payload);
    /// assert!(failure.is_panic());
    /// assert_eq!(failure.to_string(), "panicked: boom");
    /// ```
    pub fn from_panic(payload: Box<dyn Any + Send>) -> Self {
        let message = match payload.downcast::<String>() {
            Ok(s) => *s,
            Err(payload) => match payload.downcast::<&'static str>() {
                Ok(s) => (*s).to_string(),
                Err(_) => "non-string panic payload".to_string(),
            },
        };
        Failure(Arc::new(Repr::Panic(message)))
    }

    /// What [`Actor::on_receive`](crate::Actor::on_receive) returns by default: the
    /// actor got a message it does not handle. Such a failure is logged at WARNING and
    /// does not stop the actor; an asker gets it as [`AskError::Failed`](crate::AskError::Failed).
    pub fn unexpected_message(actor_name: &'static str) -> Self {
        Failure(Arc::new(Repr::Unexpected(actor_name)))
    }

    /// Whether this failure is a caught panic.
    pub fn is_panic(&self) -> bool {
        matches!(*self.0, Repr::Panic(_))
    }

    /// Whether this failure is the default "unexpected message" of
    /// [`Actor::on_receive`](crate::Actor::on_receive).
    pub fn is_unexpected_message(&self) -> bool {
        matches!(*self.0, Repr::Unexpected(_))
    }

    /// The wrapped error, if this failure wraps an error of type `E`.
    pub fn downcast_ref<E: StdError + 'static>(&self) -> Option<&E> {
        match &*self.0 {
            Repr::Error(e) => e.downcast_ref::<E>(),
            _ => None,
        }
    }

    /// The wrapped error as a `std::error::Error`, if this failure wraps one.
    pub fn as_error(&self) -> Option<&(dyn StdError + Send + Sync + 'static)> {
        match &*self.0 {
            Repr::Error(e) => Some(&**e),
            _ => None,
        }
    }
}

impl Failure {
    /// This failure as a [`std::error::Error`] (its `source()` is the wrapped error, if
    /// any).
    ///
    /// ```
    /// use std::error::Error;
    /// let failure = pykka_core::Failure::new(std::fmt::Error);
    /// let error = failure.into_error();
    /// assert_eq!(error.to_string(), "an error occurred when formatting an argument");
    /// assert!(error.source().is_some());
    /// ```
    pub fn into_error(self) -> FailureError {
        FailureError(self)
    }
}

/// A [`Failure`] as a [`std::error::Error`] (from [`Failure::into_error`], and what `?`
/// puts in a `Box<dyn Error>`). Displays as the failure does.
#[derive(Clone)]
pub struct FailureError(Failure);

impl FailureError {
    /// The failure.
    pub fn failure(&self) -> &Failure {
        &self.0
    }
}

impl fmt::Display for FailureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for FailureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl StdError for FailureError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.as_error().map(|e| e as &(dyn StdError + 'static))
    }
}

/// `?` from a `Result<_, Failure>` in a function returning `Result<_, Box<dyn Error +
/// Send + Sync>>`.
///
/// ```
/// use std::error::Error;
/// use pykka_core::Failure;
///
/// fn handler() -> Result<u32, Failure> {
///     Err(Failure::msg("no such track"))
/// }
/// fn main_like() -> Result<u32, Box<dyn Error + Send + Sync>> {
///     Ok(handler()?)
/// }
/// assert_eq!(main_like().unwrap_err().to_string(), "no such track");
/// ```
impl From<Failure> for Box<dyn StdError + Send + Sync> {
    fn from(failure: Failure) -> Self {
        Box::new(FailureError(failure))
    }
}

/// `?` from a `Result<_, Failure>` in a function returning `Result<_, Box<dyn Error>>`.
///
/// ```
/// use std::error::Error;
/// fn main_like() -> Result<(), Box<dyn Error>> {
///     Err(pykka_core::Failure::msg("nope"))?
/// }
/// assert_eq!(main_like().unwrap_err().to_string(), "nope");
/// ```
impl From<Failure> for Box<dyn StdError> {
    fn from(failure: Failure) -> Self {
        Box::new(FailureError(failure))
    }
}

impl<E: StdError + Send + Sync + 'static> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure::new(error)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Repr::Error(e) => fmt::Display::fmt(e, f),
            Repr::Message(m) => f.write_str(m),
            Repr::Panic(m) => write!(f, "panicked: {m}"),
            Repr::Unexpected(name) => write!(f, "unexpected message for {name}"),
        }
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Repr::Error(e) => f.debug_tuple("Failure").field(e).finish(),
            _ => f.debug_tuple("Failure").field(&self.to_string()).finish(),
        }
    }
}
