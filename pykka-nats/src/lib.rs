//! Remote pykka actors over [NATS](https://nats.io): tell, ask and broadcast across
//! processes and machines, with the same model as local actors.
//!
//! A process serves a local actor under a name; any process connected to the same
//! NATS server (or cluster) reaches it through a [`RemoteRef`], whichever backend it
//! runs on. Messages and replies are serde types, serialised with postcard; both
//! sides must use the same types (a mismatch is a clear [`NatsError::TypeMismatch`],
//! never a panic or garbage).
//!
//! ```no_run
//! use pykka_core::{Actor, Context, Failure};
//! use pykka_nats::Nats;
//!
//! struct Player { volume: u8 }
//!
//! impl Actor for Player {
//!     type Message = u8;          // a new volume
//!     type Reply = u8;            // the old one
//!     fn on_receive(&mut self, v: u8, _: &Context<Self>) -> Result<u8, Failure> {
//!         Ok(std::mem::replace(&mut self.volume, v))
//!     }
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // In the process that owns the player:
//! let nats = Nats::connect("nats://127.0.0.1:4222")?;
//! let player = Player { volume: 50 }.start(&pykka_thread::ThreadRuntime::default())?;
//! let _service = nats.serve("player", &player)?;
//!
//! // In any process:
//! let remote = nats.remote::<u8, u8>("player")?;
//! assert_eq!(remote.ask(80)?, 50);
//! # Ok(())
//! # }
//! ```
//!
//! # Errors, as for local actors
//!
//! | what happens | what the caller gets |
//! |---|---|
//! | the remote handler fails or panics | [`AskError::Failed`](pykka_core::AskError::Failed) with its message |
//! | the served actor has stopped | [`AskError::Dead`](pykka_core::AskError::Dead) ("… not found") |
//! | nobody serves the name | `AskError::Dead` at once (NATS "no responders") |
//! | no answer in time | [`AskError::Timeout`](pykka_core::AskError::Timeout) |
//! | the connection is lost | `AskError::Failed` with [`NatsError::Disconnected`] at once |
//! | the types differ | `AskError::Failed` with [`NatsError::TypeMismatch`] |
//!
//! **Every remote call has a timeout**: the connection's
//! [`ask_timeout`](Builder::ask_timeout) ([`DEFAULT_ASK_TIMEOUT`], 5 seconds, unless
//! set), or the one given to [`RemoteRef::with_timeout`] or
//! [`RemoteRef::ask_timeout`]. No remote call waits without a bound. Ask cycles that
//! cross processes are not detected as local ones are (pykka's wait graph is per
//! process): they end with the timeout.
//!
//! # Worker pools and broadcast
//!
//! Several actors served under one name, in one process or many, share its messages:
//! each message goes to one of them (a NATS queue group). [`Nats::broadcast`] sends a
//! message to every actor [subscribed](Nats::subscribe) to a topic, in every process.
//!
//! # Order and delivery
//!
//! Messages from one connection leave in the order they were sent, so one caller's
//! tells reach a served actor in order, as local tells do. [`RemoteRef::tell`] waits
//! until the message is in the actor's inbox (so that a tell to a name nobody serves
//! fails); [`RemoteRef::tell_nowait`] only publishes. NATS itself delivers at most
//! once: a message in flight when a connection drops is lost, and the caller's ask
//! times out.
//!
//! # Runtime
//!
//! A connection runs the async-nats client on a tokio runtime of its own (one worker
//! thread, `pykka-nats`), so the calling side needs no async runtime: blocking calls
//! wait as pykka's replies do on every backend, and [`RemoteRef::ask_nonblocking`]
//! returns a [`Reply`](pykka_core::Reply) to await in an async handler.

mod connection;
mod error;
mod local_server;
mod remote;
mod service;
mod wire;

pub use connection::{Builder, DEFAULT_ASK_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, Nats};
pub use error::NatsError;
pub use local_server::{LocalServer, ServerError};
pub use remote::RemoteRef;
pub use service::Service;
