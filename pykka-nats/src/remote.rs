//! A reference to an actor served over NATS, from any process.

use std::any::type_name;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use async_nats::Message;
use pykka_core::{ActorDeadError, AskError, DeadKind, Failure, Reply};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::connection::{Missing, Nats};
use crate::error::NatsError;
use crate::wire::{self, Kind, Response, actor_subject, check_name, decode, decode_owned};

/// A reference to the actor served as `name` ([`Nats::serve`]) in any process: it
/// sends messages of type `M` and gets replies of type `R`, the served actor's
/// `Message` and `Reply` types (a mismatch is a [`NatsError::TypeMismatch`]).
///
/// Every call waits at most the reference's timeout (the connection's
/// [`ask_timeout`](crate::Builder::ask_timeout), 5 seconds unless set; change it per
/// reference with [`with_timeout`](RemoteRef::with_timeout)): a remote call never
/// hangs. The blocking calls park the caller as a local ask does, on any backend;
/// [`ask_nonblocking`](RemoteRef::ask_nonblocking) returns a [`Reply`] to await or to
/// wait for.
pub struct RemoteRef<M, R> {
    nats: Nats,
    name: Arc<str>,
    label: Arc<str>,
    timeout: Duration,
    types: PhantomData<fn(M) -> R>,
}

impl<M, R> Clone for RemoteRef<M, R> {
    fn clone(&self) -> Self {
        RemoteRef {
            nats: self.nats.clone(),
            name: self.name.clone(),
            label: self.label.clone(),
            timeout: self.timeout,
            types: PhantomData,
        }
    }
}

impl<M, R> fmt::Debug for RemoteRef<M, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteRef")
            .field("name", &self.name)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl<M, R> fmt::Display for RemoteRef<M, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

impl Nats {
    /// A reference to the actor served as `name`, which takes messages of type `M` and
    /// answers `R`. Nothing is sent yet: whether anybody serves the name shows at the
    /// first call.
    ///
    /// # Errors
    ///
    /// [`NatsError::InvalidName`] for a name that is not one subject token.
    pub fn remote<M, R>(&self, name: &str) -> Result<RemoteRef<M, R>, NatsError>
    where
        M: Serialize,
        R: DeserializeOwned + Send + 'static,
    {
        check_name(name)?;
        Ok(RemoteRef {
            nats: self.clone(),
            name: name.into(),
            label: format!("{name} (nats)").into(),
            timeout: self.inner.ask_timeout,
            types: PhantomData,
        })
    }
}

impl<M, R> RemoteRef<M, R>
where
    M: Serialize,
    R: DeserializeOwned + Send + 'static,
{
    /// The served name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The timeout of this reference's calls.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The same reference with another timeout for its calls.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends `message` and waits until it is in the served actor's inbox (not until it
    /// is handled): unlike a fire-and-forget publish, a tell to a name nobody serves
    /// fails, as a local tell to a dead actor does.
    ///
    /// # Errors
    ///
    /// [`AskError::Dead`] if nobody serves the name or the actor has stopped;
    /// [`AskError::Timeout`] after the reference's timeout; [`AskError::Failed`] with a
    /// [`NatsError`] for a type mismatch or a lost connection.
    pub fn tell(&self, message: M) -> Result<(), AskError> {
        self.call::<()>(Kind::Tell, &message, self.timeout)
            .take_timeout(self.bound(self.timeout))
    }

    /// Sends `message` without waiting for anything: as fast as NATS publishes, and
    /// lost without an error if nobody serves the name.
    ///
    /// # Errors
    ///
    /// [`AskError::Failed`] with a [`NatsError`] if the message cannot be serialised
    /// or the connection is lost.
    pub fn tell_nowait(&self, message: M) -> Result<(), AskError> {
        let payload = wire::request::<M, ()>(Kind::Post, &message)?;
        let sent = self.nats.publish(actor_subject(&self.name), payload);
        if sent.is_ready() {
            sent.take()?;
        }
        Ok(())
    }

    /// Sends `message` and waits for the reply, at most the reference's timeout.
    ///
    /// # Errors
    ///
    /// As local asks: [`AskError::Dead`] if nobody serves the name (at once) or the
    /// actor has stopped; [`AskError::Failed`] with the remote handler's failure
    /// message, or with a [`NatsError`]; [`AskError::Timeout`].
    pub fn ask(&self, message: M) -> Result<R, AskError> {
        self.ask_timeout(message, self.timeout)
    }

    /// [`ask`](RemoteRef::ask) with `timeout` instead of the reference's.
    ///
    /// # Errors
    ///
    /// As [`ask`](RemoteRef::ask).
    pub fn ask_timeout(&self, message: M, timeout: Duration) -> Result<R, AskError> {
        self.call(Kind::Ask, &message, timeout)
            .take_timeout(self.bound(timeout))
    }

    /// Sends `message` and returns a [`Reply`] to its answer at once: `.await` it (on
    /// any executor, or in an async handler) or wait for it with `get`. The reply
    /// completes within the reference's timeout, with the answer or an error.
    pub fn ask_nonblocking(&self, message: M) -> Reply<R> {
        self.call(Kind::Ask, &message, self.timeout)
    }

    /// The local wait's bound: the remote timeout, plus a margin for the last hop.
    fn bound(&self, timeout: Duration) -> Duration {
        timeout + Duration::from_secs(1)
    }

    fn call<T>(&self, kind: Kind, message: &M, timeout: Duration) -> Reply<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let payload = match wire::request::<M, T>(kind, message) {
            Ok(p) => p,
            Err(e) => return Reply::ready(Err(e.into())),
        };
        let label = self.label.clone();
        let name = self.name.clone();
        self.nats.request(
            actor_subject(&self.name),
            payload,
            timeout,
            &self.label,
            move |answer| answer_of::<M, T>(answer, &name, &label),
        )
    }
}

/// Turns what came back into the value the caller expects, or the error a local call
/// would give.
fn answer_of<M, T: DeserializeOwned>(
    answer: Result<Message, Missing>,
    name: &str,
    label: &str,
) -> Result<T, AskError> {
    let dead = || AskError::Dead(ActorDeadError::for_actor(label, DeadKind::NotFound));
    let message = match answer {
        Ok(m) => m,
        Err(Missing::NoResponders) => return Err(dead()),
        Err(Missing::Lost | Missing::TimedOut) => return Err(NatsError::Disconnected.into()),
    };
    match decode::<Response<'_>>(&message.payload)? {
        Response::Reply(bytes) => Ok(decode_owned(bytes)?),
        Response::Delivered => Ok(decode_owned(&[])?),
        Response::Failed(text) => Err(AskError::Failed(Failure::msg(text))),
        Response::NotFound => Err(dead()),
        Response::Mismatch { takes, answers } => Err(NatsError::TypeMismatch {
            name: name.to_string(),
            takes,
            answers,
            sent: type_name::<M>(),
        }
        .into()),
        Response::Undecodable(e) => Err(NatsError::Decode(e).into()),
    }
}
