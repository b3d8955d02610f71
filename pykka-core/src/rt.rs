//! The implementor API: what a backend uses to run actors. Applications do not need
//! it; they use the crate root.
//!
//! **Unstable before pykka 1.0**: items here may change in minor versions, while the
//! crate root (the user-facing API) will not. `WRITING_A_BACKEND.md` at the top of the
//! repository walks a backend author through it, and the `pykka-conformance` crate
//! checks a backend against it.
//!
//! | item | what a backend does with it |
//! |------|-----------------------------|
//! | [`Runtime`](crate::Runtime) | implements it (it lives at the crate root, because applications name it in `R: Runtime` bounds) |
//! | [`InboxSender`] | implements it for its inbox's sending half |
//! | [`ActorTask`] | runs it, to the actor's end ([`Runtime::spawn`](crate::Runtime::spawn)): the loop is core's |
//! | [`AnyActorTask`] | runs it as an `ActorTask` ([`Runtime::spawn_erased`](crate::Runtime::spawn_erased)): an actor started from another's `Context`, type erased, on core's mailbox |
//! | [`RecvBlocking`], [`RecvAsync`], [`Envelope`] | implements one of them for its inbox's receiving half, of envelopes; core tells each receive whether the last message was awaited from outside, for the backend's own look-before-park policy |
//! | [`mailbox`] | a ready-made inbox with the closing rule |
//! | [`context::WaitContext`] | implements it: how its contexts wait ([`Runtime::Context`](crate::Runtime::Context)) |
//! | [`park`] | [`park::Park`] and [`park::Parker`], the waiting primitive a [`context::WaitContext`] hands out |
//! | [`timer`] | one thread that runs callbacks at deadlines, for a park whose own timeout cannot be trusted (green's) |

pub mod context;
pub mod mailbox;
pub mod park;
pub mod timer;

pub use crate::actor_loop::Envelope;
pub use crate::actor_task::{ActorTask, RecvAsync, RecvBlocking};
pub use crate::any_task::AnyActorTask;
pub use crate::runtime::InboxSender;
