//! The errors of the NATS transport itself.
//!
//! What goes wrong with the remote actor is reported as a local actor's would be, in
//! [`AskError`](pykka_core::AskError): `Dead` (nobody serves the name, or the served
//! actor stopped), `Timeout`, `Failed` (the remote handler's failure, with its
//! message). What goes wrong on the way (no connection, a type mismatch, bytes that do
//! not decode) is a [`NatsError`], delivered inside `AskError::Failed` where an ask
//! reports it; [`Failure::downcast_ref`](pykka_core::Failure::downcast_ref) finds it.

use std::error::Error as StdError;
use std::fmt;

use pykka_core::{AskError, Failure};

/// A failure of the transport, not of the remote actor.
///
/// ```
/// use pykka_nats::NatsError;
/// let e = NatsError::InvalidName("a.b".into());
/// assert_eq!(e.to_string(), "invalid actor name \"a.b\": one NATS subject token, without '.', '*', '>' or spaces");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NatsError {
    /// The first connection to the server failed.
    Connect(String),
    /// The connection to the server is lost (the client is reconnecting).
    Disconnected,
    /// A name or topic that cannot be one token of a NATS subject.
    InvalidName(String),
    /// A value could not be serialised.
    Encode(String),
    /// Bytes from the other side could not be deserialised.
    Decode(String),
    /// The served actor takes or answers other types than this side sends or expects.
    TypeMismatch {
        /// The served name.
        name: String,
        /// The message type of the served actor.
        takes: String,
        /// The reply type of the served actor.
        answers: String,
        /// The message type this side sent.
        sent: &'static str,
    },
    /// Subscribing to a subject failed.
    Subscribe(String),
}

impl fmt::Display for NatsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NatsError::Connect(e) => write!(f, "cannot connect to the nats server: {e}"),
            NatsError::Disconnected => f.write_str("the connection to the nats server is lost"),
            NatsError::InvalidName(n) => write!(
                f,
                "invalid actor name {n:?}: one NATS subject token, without '.', '*', '>' or spaces"
            ),
            NatsError::Encode(e) => write!(f, "cannot serialise the message: {e}"),
            NatsError::Decode(e) => write!(f, "cannot deserialise what came over nats: {e}"),
            NatsError::TypeMismatch {
                name,
                takes,
                answers,
                sent,
            } => write!(
                f,
                "type mismatch: {name} takes {takes} and answers {answers}, but this side sent {sent} (or expects another reply)"
            ),
            NatsError::Subscribe(e) => write!(f, "cannot subscribe: {e}"),
        }
    }
}

impl StdError for NatsError {}

impl From<NatsError> for AskError {
    fn from(e: NatsError) -> AskError {
        AskError::Failed(Failure::new(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ask_error_keeps_the_transport_error() {
        let AskError::Failed(f) = AskError::from(NatsError::Disconnected) else {
            panic!("not a failure");
        };
        assert_eq!(
            f.downcast_ref::<NatsError>(),
            Some(&NatsError::Disconnected)
        );
        assert_eq!(f.to_string(), "the connection to the nats server is lost");
    }

    #[test]
    fn works_with_question_mark_and_box_dyn_error() {
        fn f() -> Result<(), Box<dyn StdError + Send + Sync>> {
            Err(NatsError::Encode("x".into()))?
        }
        assert_eq!(
            f().unwrap_err().to_string(),
            "cannot serialise the message: x"
        );
    }
}
