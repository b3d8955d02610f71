//! The process-wide worker count, and the errors of [`GreenRuntimeBuilder::build`].
//!
//! may has one scheduler per process, started by the first coroutine spawn, with the
//! worker count that its global configuration holds at that moment; later changes
//! have no effect. pykka-green makes that explicit: the worker count is *claimed*
//! once, by the first runtime built with an explicit count or, failing that, by the
//! first actor start, and every later explicit request must match it.
//!
//! [`GreenRuntimeBuilder::build`]: crate::GreenRuntimeBuilder::build

use std::fmt;
use std::sync::{Mutex, PoisonError};

/// The coroutine stack size of [`GreenRuntime::new`](crate::GreenRuntime::new), in
/// bytes: enough for pykka's own frames plus ordinary handlers, and for a panic's
/// `RUST_BACKTRACE=1` report (32 KiB is not always).
pub const DEFAULT_STACK_SIZE: usize = 64 * 1024;

/// may's own default stack, in words (`may::config()` before anyone changes it).
const MAY_BUILTIN_STACK_WORDS: usize = 0x1000;

/// The smallest coroutine stack a runtime accepts, in bytes.
pub const MIN_STACK_SIZE: usize = 16 * 1024;

static CLAIMED: Mutex<Option<usize>> = Mutex::new(None);

/// Claims `workers` for the process, or checks it against the claimed count.
pub(crate) fn claim_workers(workers: usize) -> Result<(), ConfigError> {
    let mut claimed = CLAIMED.lock().unwrap_or_else(PoisonError::into_inner);
    match *claimed {
        Some(running) if running != workers => Err(ConfigError::WorkersMismatch {
            requested: workers,
            running,
        }),
        Some(_) => Ok(()),
        None => {
            may::config().set_workers(workers);
            *claimed = Some(workers);
            Ok(())
        }
    }
}

/// Makes [`DEFAULT_STACK_SIZE`] may's default too, unless the program configured may's
/// stack size itself, so that default green actors reuse may's pooled stacks (may pools
/// only coroutines of its default size).
pub(crate) fn adopt_default_stack() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let config = may::config();
        if config.get_stack_size() == MAY_BUILTIN_STACK_WORDS {
            config.set_stack_size(crate::stack_words(DEFAULT_STACK_SIZE));
        }
    });
}

/// Fixes the worker count before the first spawn, if no runtime claimed one: may's
/// configured count (the number of CPUs unless the program configured may itself).
/// Returns the count.
pub(crate) fn fix_workers() -> usize {
    let mut claimed = CLAIMED.lock().unwrap_or_else(PoisonError::into_inner);
    *claimed.get_or_insert_with(|| may::config().get_workers())
}

/// Why [`GreenRuntimeBuilder::build`](crate::GreenRuntimeBuilder::build)
/// refused the settings.
///
/// ```
/// use pykka_green::{ConfigError, GreenRuntime};
///
/// // SAFETY: `workers(0)` is refused, so there is no runtime to start actors on.
/// let err = unsafe { GreenRuntime::builder().worker_threads(0).build() }.unwrap_err();
/// assert_eq!(err, ConfigError::ZeroWorkers);
/// assert_eq!(err.to_string(), "a green runtime needs at least one worker thread");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// `workers(0)`.
    ZeroWorkers,
    /// The stack size is below [`MIN_STACK_SIZE`].
    StackTooSmall {
        /// The requested size, in bytes.
        requested: usize,
    },
    /// The process already runs (or has committed to) another worker count: may's
    /// scheduler is process-wide and cannot be resized.
    WorkersMismatch {
        /// The count this builder asked for.
        requested: usize,
        /// The count the process has.
        running: usize,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::ZeroWorkers => {
                write!(f, "a green runtime needs at least one worker thread")
            }
            ConfigError::StackTooSmall { requested } => write!(
                f,
                "coroutine stack of {requested} bytes is too small (at least {MIN_STACK_SIZE})"
            ),
            ConfigError::WorkersMismatch { requested, running } => write!(
                f,
                "cannot use {requested} green worker threads: this process already uses {running} \
                 (may's scheduler is process-wide)"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The claimed count, or what may would use now.
pub(crate) fn current_workers() -> usize {
    let claimed = CLAIMED.lock().unwrap_or_else(PoisonError::into_inner);
    claimed.unwrap_or_else(|| may::config().get_workers())
}
