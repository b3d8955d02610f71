//! The connection: an async-nats client on a small tokio runtime of its own, so that
//! callers on any backend (threads, coroutines, smol or tokio tasks) use it without an
//! async runtime of their own, and its waits are pykka [`Reply`] waits.
//!
//! Requests leave through one queue (the outbox) in the order they were made, so
//! messages from one caller keep their order, as local tells do; answers come back on
//! one wildcard inbox subscription and are routed by token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_nats::{Client, Event, Message, StatusCode};
use bytes::Bytes;
use futures_util::StreamExt;
use pykka_core::{AskError, Reply, TimeoutError};
use tokio::sync::{mpsc, oneshot, watch};

use crate::error::NatsError;

/// How long a remote ask or tell waits for its answer unless told otherwise.
pub const DEFAULT_ASK_TIMEOUT: Duration = Duration::from_secs(5);

/// How long closing a connection waits for what it published to leave.
const FLUSH_BOUND: Duration = Duration::from_secs(1);

/// How long [`Nats::connect`] tries to reach the server.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection to a NATS server, shared by every service and remote reference made
/// from it (clones share it; the last one dropped closes it).
///
/// ```no_run
/// let nats = pykka_nats::Nats::connect("nats://127.0.0.1:4222")?;
/// # Ok::<(), pykka_nats::NatsError>(())
/// ```
#[derive(Clone)]
pub struct Nats {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Nats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Nats")
            .field("url", &self.inner.url)
            .field("connected", &self.is_connected())
            .finish()
    }
}

pub(crate) struct Inner {
    url: String,
    pub(crate) client: Client,
    pub(crate) rt: Option<tokio::runtime::Runtime>,
    outbox: mpsc::UnboundedSender<Job>,
    connected: watch::Receiver<bool>,
    pub(crate) ask_timeout: Duration,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.as_ref() {
            // What was published (answers, tells) leaves before the connection closes.
            let client = self.client.clone();
            let _ = run(
                rt.handle(),
                FLUSH_BOUND,
                async move { client.flush().await },
            );
        }
        if let Some(rt) = self.rt.take() {
            // Safe in any context, unlike dropping a runtime inside another one.
            rt.shutdown_background();
        }
    }
}

/// Options of a connection; [`Nats::builder`] makes one.
#[derive(Debug, Clone)]
pub struct Builder {
    ask_timeout: Duration,
    connect_timeout: Duration,
    name: Option<String>,
}

impl Builder {
    /// The timeout of remote asks and tells that are not given one
    /// ([`DEFAULT_ASK_TIMEOUT`] unless set).
    pub fn ask_timeout(mut self, timeout: Duration) -> Self {
        self.ask_timeout = timeout;
        self
    }

    /// How long to try the first connection ([`DEFAULT_CONNECT_TIMEOUT`] unless set).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The client name the server shows in its monitoring.
    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }

    /// Connects to the server at `url` (such as `nats://127.0.0.1:4222`), waiting at
    /// most the connect timeout. After that, a lost connection is re-established in
    /// the background; meanwhile remote calls fail with [`NatsError::Disconnected`].
    ///
    /// # Errors
    ///
    /// [`NatsError::Connect`] if the server cannot be reached in time or the runtime
    /// cannot start.
    pub fn connect(self, url: &str) -> Result<Nats, NatsError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("pykka-nats")
            .enable_all()
            .build()
            .map_err(|e| NatsError::Connect(e.to_string()))?;
        let (state_tx, connected) = watch::channel(false);
        let mut options = async_nats::ConnectOptions::new()
            .connection_timeout(self.connect_timeout)
            .event_callback(move |event| {
                let state_tx = state_tx.clone();
                async move {
                    match event {
                        Event::Connected => state_tx.send_replace(true),
                        Event::Disconnected | Event::Closed => state_tx.send_replace(false),
                        _ => false,
                    };
                }
            });
        if let Some(name) = &self.name {
            options = options.name(name);
        }
        let target = url.to_string();
        let bound = self.connect_timeout + Duration::from_secs(1);
        let client = run(rt.handle(), bound, options.connect(target))
            .map_err(|e| NatsError::Connect(e.to_string()))?
            .map_err(|e| NatsError::Connect(e.to_string()))?;
        let pending = Arc::new(Mutex::new(HashMap::new()));
        let prefix = client.new_inbox();
        let (outbox, jobs) = mpsc::unbounded_channel();
        let inbox = client.clone();
        let router = run(rt.handle(), bound, async move {
            inbox
                .subscribe(format!("{prefix}.*"))
                .await
                .map(|s| (s, prefix))
        })
        .map_err(|e| NatsError::Subscribe(e.to_string()))?;
        let (router, prefix) = router.map_err(|e| NatsError::Subscribe(e.to_string()))?;
        rt.spawn(route(router, pending.clone()));
        rt.spawn(send(jobs, client.clone(), prefix, pending));
        Ok(Nats {
            inner: Arc::new(Inner {
                url: url.to_string(),
                client,
                rt: Some(rt),
                outbox,
                connected,
                ask_timeout: self.ask_timeout,
            }),
        })
    }
}

impl Nats {
    /// Connects to the server at `url` with the default options (see
    /// [`Builder::connect`]).
    ///
    /// # Errors
    ///
    /// [`NatsError::Connect`] if the server cannot be reached in time.
    pub fn connect(url: &str) -> Result<Nats, NatsError> {
        Nats::builder().connect(url)
    }

    /// Options for a connection.
    pub fn builder() -> Builder {
        Builder {
            ask_timeout: DEFAULT_ASK_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            name: None,
        }
    }

    /// Whether the connection to the server is up now.
    pub fn is_connected(&self) -> bool {
        *self.inner.connected.borrow()
    }

    /// Waits until the connection is up (at once if it is), at most `timeout`.
    ///
    /// # Errors
    ///
    /// [`TimeoutError`] if it is still down after `timeout`.
    pub fn wait_connected(&self, timeout: Duration) -> Result<(), TimeoutError> {
        let mut state = self.inner.connected.clone();
        match run(self.handle(), timeout, async move {
            state.wait_for(|up| *up).await.is_ok()
        }) {
            Ok(true) => Ok(()),
            _ => Err(TimeoutError::for_wait(timeout, Some("the nats server"))),
        }
    }

    /// The URL this connection was made to.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    pub(crate) fn handle(&self) -> &tokio::runtime::Handle {
        self.inner
            .rt
            .as_ref()
            .expect("the runtime lives as long as the connection")
            .handle()
    }

    /// Sends `payload` to `subject` and completes `reply` with the answer (decoded by
    /// `answer`), a timeout after `timeout`, or `Dead` from `no_responders` when nobody
    /// listens.
    pub(crate) fn request<T: Send + 'static>(
        &self,
        subject: String,
        payload: Vec<u8>,
        timeout: Duration,
        waiting_for: &str,
        answer: impl FnOnce(Result<Message, Missing>) -> Result<T, AskError> + Send + 'static,
    ) -> Reply<T> {
        if !self.is_connected() {
            return Reply::ready(Err(NatsError::Disconnected.into()));
        }
        let reply = Reply::new();
        let setter = reply.clone();
        let waiting_for = waiting_for.to_string();
        let complete: Complete = Box::new(move |result| {
            let result = match result {
                Err(Missing::TimedOut) => Err(AskError::Timeout(TimeoutError::for_wait(
                    timeout,
                    Some(&waiting_for),
                ))),
                other => answer(other),
            };
            let _ = match result {
                Ok(v) => setter.set(v).map_err(drop),
                Err(e) => setter.set_error(e).map_err(drop),
            };
        });
        let job = Job::Request {
            subject,
            payload: payload.into(),
            timeout,
            complete,
        };
        if let Err(mpsc::error::SendError(Job::Request { complete, .. })) =
            self.inner.outbox.send(job)
        {
            complete(Err(Missing::Lost));
        }
        reply
    }

    /// Publishes `payload` to `subject` and completes the reply once the server has it
    /// (after a flush).
    pub(crate) fn publish(&self, subject: String, payload: Vec<u8>) -> Reply<()> {
        if !self.is_connected() {
            return Reply::ready(Err(NatsError::Disconnected.into()));
        }
        let reply = Reply::new();
        let job = Job::Publish {
            subject,
            payload: payload.into(),
            done: reply.clone(),
        };
        if self.inner.outbox.send(job).is_err() {
            return Reply::ready(Err(NatsError::Disconnected.into()));
        }
        reply
    }
}

/// Runs `future` on the connection's runtime and waits for its output at most
/// `timeout`, as a pykka reply wait (so from any backend, and never inside the
/// runtime's own `block_on`).
pub(crate) fn run<T: Send + 'static>(
    rt: &tokio::runtime::Handle,
    timeout: Duration,
    future: impl Future<Output = T> + Send + 'static,
) -> Result<T, AskError> {
    let reply = Reply::new();
    let setter = reply.clone();
    let task = rt.spawn(async move {
        let _ = setter.set(future.await);
    });
    let result = reply.take_timeout(timeout);
    task.abort();
    result
}

/// Why a request has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    /// Nobody subscribes to the subject (the server said so at once).
    NoResponders,
    /// No answer within the timeout.
    TimedOut,
    /// The connection went away before the request left.
    Lost,
}

type Complete = Box<dyn FnOnce(Result<Message, Missing>) + Send>;
type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Message>>>>;

enum Job {
    Request {
        subject: String,
        payload: Bytes,
        timeout: Duration,
        complete: Complete,
    },
    Publish {
        subject: String,
        payload: Bytes,
        done: Reply<()>,
    },
}

fn lock(pending: &Pending) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<Message>>> {
    pending.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The outbox: sends every job in order; a request's answer is awaited in a task of
/// its own, so that a slow answer holds up nothing.
async fn send(
    mut jobs: mpsc::UnboundedReceiver<Job>,
    client: Client,
    prefix: String,
    pending: Pending,
) {
    let mut next: u64 = 0;
    while let Some(job) = jobs.recv().await {
        match job {
            Job::Request {
                subject,
                payload,
                timeout,
                complete,
            } => {
                let token = next;
                next = next.wrapping_add(1);
                let (tx, rx) = oneshot::channel();
                lock(&pending).insert(token, tx);
                let inbox = format!("{prefix}.{token}");
                if client
                    .publish_with_reply(subject, inbox, payload)
                    .await
                    .is_err()
                {
                    lock(&pending).remove(&token);
                    complete(Err(Missing::Lost));
                    continue;
                }
                let pending = pending.clone();
                tokio::spawn(async move {
                    let answer = match tokio::time::timeout(timeout, rx).await {
                        Ok(Ok(m)) if m.status == Some(StatusCode::NO_RESPONDERS) => {
                            Err(Missing::NoResponders)
                        }
                        Ok(Ok(m)) => Ok(m),
                        Ok(Err(_)) => Err(Missing::Lost),
                        Err(_) => Err(Missing::TimedOut),
                    };
                    lock(&pending).remove(&token);
                    complete(answer);
                });
            }
            Job::Publish {
                subject,
                payload,
                done,
            } => {
                let sent = match client.publish(subject, payload).await {
                    Ok(()) => client.flush().await.is_ok(),
                    Err(_) => false,
                };
                let _ = if sent {
                    done.set(()).map_err(drop)
                } else {
                    done.set_error(NatsError::Disconnected.into()).map_err(drop)
                };
            }
        }
    }
}

/// Routes every answer on the inbox subscription to the request that waits for it.
async fn route(mut inbox: async_nats::Subscriber, pending: Pending) {
    while let Some(message) = inbox.next().await {
        let token = message
            .subject
            .rsplit('.')
            .next()
            .and_then(|t| t.parse::<u64>().ok());
        if let Some(tx) = token.and_then(|t| lock(&pending).remove(&t)) {
            let _ = tx.send(message);
        }
    }
}
