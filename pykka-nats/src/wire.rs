//! What travels over NATS: requests to a served actor, its responses, broadcasts; the
//! subjects they use; the type tags that catch a mismatch between the two sides.
//!
//! Bodies are serialised with postcard (compact, no field names, no self-description):
//! both sides must agree on the types, which the tags check before a body is decoded.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::NatsError;

/// The subject prefix of served actors: `pykka.actor.<name>`.
const ACTOR_PREFIX: &str = "pykka.actor.";
/// The subject prefix of broadcast topics: `pykka.broadcast.<topic>`.
const BROADCAST_PREFIX: &str = "pykka.broadcast.";

/// What a request asks of the served actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Kind {
    /// Queue the message and answer `Delivered` (a tell that knows it arrived).
    Tell,
    /// Queue the message and answer with the handler's reply.
    Ask,
    /// Queue the message; there is nobody to answer (a broadcast, a `tell_nowait`).
    Post,
}

/// A message to a served actor or a broadcast topic.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Request<'a> {
    pub(crate) kind: Kind,
    /// [`tag`] of the message type the sender serialised.
    pub(crate) takes: u64,
    /// [`tag`] of the reply type the sender expects (0 when there is no reply).
    pub(crate) answers: u64,
    #[serde(borrow)]
    pub(crate) body: &'a [u8],
}

/// What a served actor answers.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Response<'a> {
    /// The handler's reply, serialised.
    Reply(#[serde(borrow)] &'a [u8]),
    /// The told message is in the actor's inbox.
    Delivered,
    /// The handler failed (returned an error or panicked): its message.
    Failed(String),
    /// The served actor has stopped.
    NotFound,
    /// The request's types are not the served actor's: its message and reply types.
    Mismatch { takes: String, answers: String },
    /// The body could not be decoded as the served actor's message type.
    Undecodable(String),
}

/// A 64-bit tag of the type `T` (FNV-1a of its type name): equal on both sides when
/// they are built from the same definitions.
pub(crate) fn tag<T: ?Sized>() -> u64 {
    std::any::type_name::<T>()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// Serialises `value`.
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, NatsError> {
    postcard::to_stdvec(value).map_err(|e| NatsError::Encode(e.to_string()))
}

/// Deserialises a `T` from `bytes`.
pub(crate) fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, NatsError> {
    postcard::from_bytes(bytes).map_err(|e| NatsError::Decode(e.to_string()))
}

/// Deserialises an owned `T` from `bytes`.
pub(crate) fn decode_owned<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, NatsError> {
    postcard::from_bytes(bytes).map_err(|e| NatsError::Decode(e.to_string()))
}

/// A request's bytes: the envelope with `message` serialised inside.
pub(crate) fn request<M: Serialize, R>(kind: Kind, message: &M) -> Result<Vec<u8>, NatsError> {
    let body = encode(message)?;
    let answers = if kind == Kind::Ask { tag::<R>() } else { 0 };
    encode(&Request {
        kind,
        takes: tag::<M>(),
        answers,
        body: &body,
    })
}

/// Checks that `name` can be one token of a NATS subject: not empty, no spaces or
/// control characters, no `.` (a separator) and no `*` or `>` (wildcards).
pub(crate) fn check_name(name: &str) -> Result<(), NatsError> {
    let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '.' | '*' | '>');
    if name.is_empty() || name.chars().any(bad) {
        Err(NatsError::InvalidName(name.to_string()))
    } else {
        Ok(())
    }
}

/// The subject of the actor served as `name`.
pub(crate) fn actor_subject(name: &str) -> String {
    format!("{ACTOR_PREFIX}{name}")
}

/// The subject of the broadcast topic `topic`.
pub(crate) fn broadcast_subject(topic: &str) -> String {
    format!("{BROADCAST_PREFIX}{topic}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_tell_types_apart() {
        assert_eq!(tag::<u64>(), tag::<u64>());
        assert_ne!(tag::<u64>(), tag::<u32>());
        assert_ne!(tag::<String>(), tag::<Vec<u8>>());
    }

    #[test]
    fn a_request_round_trips() {
        let bytes = request::<(u8, String), u64>(Kind::Ask, &(7, "x".to_string())).unwrap();
        let r: Request<'_> = decode(&bytes).unwrap();
        assert_eq!(r.kind, Kind::Ask);
        assert_eq!(r.takes, tag::<(u8, String)>());
        assert_eq!(r.answers, tag::<u64>());
        let m: (u8, String) = decode_owned(r.body).unwrap();
        assert_eq!(m, (7, "x".to_string()));
    }

    #[test]
    fn the_envelope_is_compact() {
        let bytes = request::<u8, ()>(Kind::Tell, &1).unwrap();
        assert!(bytes.len() <= 2 + 2 * 10 + 2, "{} bytes", bytes.len());
    }

    #[test]
    fn bad_bytes_are_an_error_not_a_panic() {
        assert!(matches!(
            decode::<Request<'_>>(&[0xff, 0xff, 0xff]),
            Err(NatsError::Decode(_))
        ));
        assert!(matches!(
            decode_owned::<String>(&[5, b'a']),
            Err(NatsError::Decode(_))
        ));
    }

    #[test]
    fn names_are_single_subject_tokens() {
        for good in ["player", "mixer-1", "a_b", "ünïcode"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "a.b", "a b", "*", "a>", "tab\t"] {
            assert!(
                matches!(check_name(bad), Err(NatsError::InvalidName(_))),
                "{bad:?}"
            );
        }
        assert_eq!(actor_subject("player"), "pykka.actor.player");
        assert_eq!(broadcast_subject("volume"), "pykka.broadcast.volume");
    }
}
