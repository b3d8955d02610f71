//! pykka facade (placeholder).
pub use pykka_core::*;
