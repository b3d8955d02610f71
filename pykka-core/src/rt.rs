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
//! | [`ActorLoop`], [`Envelope`] | drives one actor's life, envelope by envelope ([`Runtime::spawn`](crate::Runtime::spawn)) |
//! | [`mailbox`] | a ready-made inbox with the closing rule |
//! | [`park`] | how its contexts wait ([`park::ContextProbe`], [`park::Park`]) |

pub mod mailbox;
pub mod park;

pub use crate::actor_loop::{ActorLoop, Envelope};
pub use crate::runtime::InboxSender;
