//! [`quiet_caught_panics`]: keep the process's panic hook quiet for the panics pykka
//! catches (and logs), and only for those.
//!
//! Rust prints a panic (and, under `RUST_BACKTRACE`, its backtrace) from the panic
//! hook, before unwinding starts, so before anyone knows whether the panic will be
//! caught. pykka catches every panic of a hook, a proxy call, a get-hook, a
//! combinator's function or a waker, and logs it as a failure; the hook's print is a
//! second report of the same thing. The opt-in below wraps the installed hook in one
//! that looks whether the panicking context is inside one of pykka's catching
//! regions.
//!
//! "Context", not thread: a green actor is a coroutine that may resume on another OS
//! thread after any wait inside its handler, and a panic unwinds on the thread it
//! happens on. So a region is recorded by the id of the calling context
//! ([`context_id`](crate::rt::context::context_id): the coroutine's own id, else the
//! actor loop's, else the thread's), which stays the same across such a move, not in
//! a thread-local that the coroutine would leave behind on the first thread.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

use crate::rt::context;

/// Whether the quiet hook is installed: until then, regions cost one load.
static ENABLED: AtomicBool = AtomicBool::new(false);

/// Shards of the set of contexts inside a catching region (an id once per nested
/// region), so that actors on different workers rarely share a lock.
const SHARDS: usize = 16;
static INSIDE: [Mutex<Vec<u64>>; SHARDS] = [const { Mutex::new(Vec::new()) }; SHARDS];

fn shard(id: u64) -> MutexGuard<'static, Vec<u64>> {
    // No code panics while a shard is locked (the hook locks it too).
    INSIDE[(id % SHARDS as u64) as usize]
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// Keeps the process's panic hook quiet for the panics pykka catches: those of actor
/// hooks and handlers, proxy calls, get-hooks, combinators' functions and wakers,
/// which pykka already logs (through the `log` crate, target `pykka`). Every other
/// panic still goes to the hook that was installed when this was first called (the
/// default hook prints it).
///
/// "Inside" is by context: a panic of a thread that a handler starts reaches the hook;
/// one that a handler's own code catches (with `std::panic::catch_unwind`) stays
/// quiet, being inside pykka's region too. On the green backend a handler's coroutine
/// may resume on another OS thread after a wait: its panics stay quiet there as well,
/// and the thread it left behind is not made quiet for other coroutines.
///
/// Opt-in, process-wide, and installed once: later calls do nothing. Call it after
/// installing a panic hook of your own (a hook installed later replaces this one).
/// While it is installed, entering and leaving a catching region (once per message)
/// takes a short lock.
///
/// # Examples
///
/// ```
/// use pykka_core::{Actor, AskError, Context, Failure};
///
/// struct Fragile;
/// impl Actor for Fragile {
///     type Message = ();
///     type Reply = ();
///     fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> {
///         panic!("caught and logged by pykka, not printed by the hook")
///     }
/// }
///
/// pykka_core::quiet_caught_panics();
/// let fragile = Fragile.start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// assert!(matches!(fragile.ask(()), Err(AskError::Failed(f)) if f.is_panic()));
/// fragile.stop();
/// ```
pub fn quiet_caught_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !inside_region() {
                previous(info);
            }
        }));
        ENABLED.store(true, Ordering::Release);
    });
}

/// Whether the calling context is inside a catching region.
fn inside_region() -> bool {
    let id = context::context_id();
    shard(id).contains(&id)
}

/// `std::panic::catch_unwind` for pykka's catching regions: the quiet hook, if
/// installed, stays silent for a panic inside `f`.
#[inline]
pub(crate) fn catch_unwind<R>(f: impl FnOnce() -> R) -> Result<R, Box<dyn Any + Send>> {
    if !ENABLED.load(Ordering::Acquire) {
        return panic::catch_unwind(AssertUnwindSafe(f));
    }
    catch_quietly(f)
}

/// [`catch_unwind`] once the quiet hook is installed, out of line so that the common
/// path stays small enough to inline into every message's dispatch.
#[cold]
#[inline(never)]
fn catch_quietly<R>(f: impl FnOnce() -> R) -> Result<R, Box<dyn Any + Send>> {
    // Taken once: the context's id stays the same where `f` waits and its coroutine
    // resumes on another thread.
    let id = context::context_id();
    shard(id).push(id);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    let mut inside = shard(id);
    if let Some(i) = inside.iter().rposition(|&x| x == id) {
        inside.swap_remove(i);
    }
    result
}
