//! Serving a local actor over NATS: under a name (a queue group, so that every process
//! serving the name shares its messages) or as a subscriber of a broadcast topic.

use std::any::type_name;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_nats::{Client, Message, Subject};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use pykka_core::{Actor, ActorRef, AskError, Reply};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::oneshot;

use crate::connection::{Nats, run};
use crate::error::NatsError;
use crate::wire::{
    Kind, Request, Response, actor_subject, broadcast_subject, check_name, decode, decode_owned,
    encode, tag,
};

/// An actor served over NATS. Serving lasts until this handle is dropped (or
/// [`stop`](Service::stop)ped) or the actor stops; the handle keeps its connection
/// open.
#[must_use = "serving stops when the Service is dropped"]
pub struct Service {
    name: String,
    stop: Option<oneshot::Sender<()>>,
    done: Reply<()>,
    nats: Nats,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service").field("name", &self.name).finish()
    }
}

impl Service {
    /// The served name (or broadcast topic).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Stops serving and waits (at most the connection's ask timeout) until the
    /// messages already received are handed to the actor and the asks among them are
    /// answered: stop a service this way before a process exits, so that no caller
    /// waits for an answer that never leaves. Dropping a `Service` stops it without
    /// waiting.
    pub fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = self.done.get_timeout(self.nats.inner.ask_timeout);
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Nats {
    /// Serves `actor` under `name`: remote references made with
    /// [`remote`](Nats::remote)`(name)` in any process reach it. Several actors (in this
    /// or other processes) served under one name share its messages as a worker pool
    /// (a NATS queue group): each message goes to one of them.
    ///
    /// When `serve` returns, the server knows the subscription: a remote ask made after
    /// it finds the actor.
    ///
    /// # Errors
    ///
    /// [`NatsError::InvalidName`] for a name that is not one subject token;
    /// [`NatsError::Subscribe`] or [`NatsError::Disconnected`] if the server cannot be
    /// told.
    pub fn serve<A>(&self, name: &str, actor: &ActorRef<A>) -> Result<Service, NatsError>
    where
        A: Actor,
        A::Message: DeserializeOwned,
        A::Reply: Serialize,
    {
        self.start_service(name, actor_subject(name), true, actor, encode)
    }

    /// Hands every message broadcast to `topic` (by [`broadcast`](Nats::broadcast) in
    /// any process) to `actor`, as a tell. Every subscriber gets every message.
    ///
    /// # Errors
    ///
    /// As [`serve`](Nats::serve).
    pub fn subscribe<A>(&self, topic: &str, actor: &ActorRef<A>) -> Result<Service, NatsError>
    where
        A: Actor,
        A::Message: DeserializeOwned,
    {
        let no_answers = |_: &A::Reply| {
            Err(NatsError::Encode(
                "a topic's subscriber answers no asks".into(),
            ))
        };
        self.start_service(topic, broadcast_subject(topic), false, actor, no_answers)
    }

    /// Sends `message` to every actor subscribed to `topic` in every process, and
    /// returns once the server has it. Subscribers whose message type differs drop it
    /// (with a warning in their log).
    ///
    /// # Errors
    ///
    /// [`AskError::Failed`] with a [`NatsError`] if the topic is invalid, the message
    /// cannot be serialised, or the connection is lost; [`AskError::Timeout`] if the
    /// server does not take it within the connection's ask timeout.
    pub fn broadcast<M: Serialize>(&self, topic: &str, message: &M) -> Result<(), AskError> {
        check_name(topic)?;
        let payload = crate::wire::request::<M, ()>(Kind::Post, message)?;
        self.publish(broadcast_subject(topic), payload)
            .get_timeout(self.inner.ask_timeout)
    }

    fn start_service<A>(
        &self,
        name: &str,
        subject: String,
        queue: bool,
        actor: &ActorRef<A>,
        answer: EncodeReply<A>,
    ) -> Result<Service, NatsError>
    where
        A: Actor,
        A::Message: DeserializeOwned,
    {
        check_name(name)?;
        if !self.is_connected() {
            return Err(NatsError::Disconnected);
        }
        let client = self.inner.client.clone();
        let group = queue.then(|| name.to_string());
        let subscribed = run(self.handle(), self.inner.ask_timeout, async move {
            let sub = match group {
                Some(group) => client.queue_subscribe(subject, group).await,
                None => client.subscribe(subject).await,
            };
            let sub = sub.map_err(|e| NatsError::Subscribe(e.to_string()))?;
            confirm(&client).await?;
            Ok::<_, NatsError>((sub, client))
        });
        let (sub, client) = subscribed.map_err(|_| NatsError::Disconnected)??;
        let (stop, stopped) = oneshot::channel();
        let done = Reply::new();
        let name: Arc<str> = name.into();
        self.handle().spawn(serve(
            sub,
            client,
            actor.clone(),
            name.clone(),
            answer,
            stopped,
            done.clone(),
        ));
        Ok(Service {
            name: name.to_string(),
            stop: Some(stop),
            done,
            nats: self.clone(),
        })
    }
}

/// How a service serialises its actor's replies (a topic's subscriber has none to).
type EncodeReply<A> = fn(&<A as Actor>::Reply) -> Result<Vec<u8>, NatsError>;

/// Waits until the server has processed everything this connection sent so far: a
/// message to a fresh inbox comes back only after the subscriptions before it.
async fn confirm(client: &Client) -> Result<(), NatsError> {
    let inbox = client.new_inbox();
    let mut echo = client
        .subscribe(inbox.clone())
        .await
        .map_err(|e| NatsError::Subscribe(e.to_string()))?;
    client
        .publish(inbox, bytes::Bytes::new())
        .await
        .map_err(|_| NatsError::Disconnected)?;
    echo.next().await.ok_or(NatsError::Disconnected)?;
    let _ = echo.unsubscribe().await;
    Ok(())
}

/// An answer on its way: the served actor's reply, then its publication.
type Answer = Pin<Box<dyn Future<Output = ()> + Send>>;

async fn serve<A>(
    mut sub: async_nats::Subscriber,
    client: Client,
    actor: ActorRef<A>,
    name: Arc<str>,
    answer: EncodeReply<A>,
    mut stop: oneshot::Receiver<()>,
    done: Reply<()>,
) where
    A: Actor,
    A::Message: DeserializeOwned,
{
    let mut ended = Box::pin(actor.stopped());
    let mut answers = FuturesUnordered::<Answer>::new();
    loop {
        tokio::select! {
            m = sub.next() => match m {
                Some(m) => answers.extend(handle(&client, &actor, &name, answer, m).await),
                None => break,
            },
            Some(()) = answers.next(), if !answers.is_empty() => {}
            _ = &mut stop => break,
            _ = &mut ended => break,
        }
    }
    // Nobody new reaches this actor; what the server already sent is still answered
    // (with "not found" if the actor has stopped) until the drain ends the stream.
    if sub.drain().await.is_ok() {
        while let Some(m) = sub.next().await {
            answers.extend(handle(&client, &actor, &name, answer, m).await);
        }
    }
    // Every answer completes: a reply resolves when the actor handles the message or
    // stops.
    while answers.next().await.is_some() {}
    let _ = client.flush().await;
    let _ = done.set(());
}

async fn handle<A>(
    client: &Client,
    actor: &ActorRef<A>,
    name: &str,
    answer_with: EncodeReply<A>,
    m: Message,
) -> Option<Answer>
where
    A: Actor,
    A::Message: DeserializeOwned,
{
    let respond = |response: Response<'_>| {
        let to = m.reply.clone();
        let bytes = encode(&response);
        let client = client.clone();
        async move {
            if let (Some(to), Ok(bytes)) = (to, bytes) {
                let _ = client.publish(to, bytes.into()).await;
            }
        }
    };
    let request: Request<'_> = match decode(&m.payload) {
        Ok(r) => r,
        Err(e) => {
            respond(Response::Undecodable(e.to_string())).await;
            return None;
        }
    };
    let asks = request.kind == Kind::Ask;
    if request.takes != tag::<A::Message>() || (asks && request.answers != tag::<A::Reply>()) {
        if m.reply.is_none() {
            log::warn!(target: "pykka", "{name}: dropped a message of another type than {}", type_name::<A::Message>());
        }
        respond(Response::Mismatch {
            takes: type_name::<A::Message>().to_string(),
            answers: type_name::<A::Reply>().to_string(),
        })
        .await;
        return None;
    }
    let message: A::Message = match decode_owned(request.body) {
        Ok(message) => message,
        Err(e) => {
            respond(Response::Undecodable(e.to_string())).await;
            return None;
        }
    };
    match request.kind {
        Kind::Post => {
            let _ = actor.tell_async(message).await;
            None
        }
        Kind::Tell => {
            let delivered = actor.tell_async(message).await.is_ok();
            respond(if delivered {
                Response::Delivered
            } else {
                Response::NotFound
            })
            .await;
            None
        }
        Kind::Ask => {
            let reply = if actor.mailbox_capacity().is_some() {
                // A full bounded inbox makes the send wait: not on the runtime's worker.
                tokio::task::block_in_place(|| actor.ask_nonblocking(message))
            } else {
                actor.ask_nonblocking(message)
            };
            let to: Option<Subject> = m.reply.clone();
            let client = client.clone();
            Some(Box::pin(async move {
                let answer = match reply.await {
                    Ok(value) => answer_with(&value).and_then(|b| encode(&Response::Reply(&b))),
                    Err(AskError::Dead(_)) => encode(&Response::NotFound),
                    Err(AskError::Failed(f)) => encode(&Response::Failed(f.to_string())),
                    Err(e) => encode(&Response::Failed(e.to_string())),
                };
                let answer = answer.or_else(|e| encode(&Response::Failed(e.to_string())));
                if let (Some(to), Ok(bytes)) = (to, answer) {
                    let _ = client.publish(to, bytes.into()).await;
                }
            }))
        }
    }
}
