//! The one place where pykka-green calls `unsafe` code: may's coroutine spawn.
#![allow(unsafe_code)]

use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::overflow;

/// Starts `f` as a detached may coroutine named `name`, with a stack of `stack_words`
/// machine words (may reuses pooled stacks when that is its configured default).
///
/// may allocates the stack inside `spawn` and panics if `mmap` fails (for example when
/// `vm.max_map_count` is reached); that panic becomes an `io::Error` here, so a start
/// that cannot get a stack is a [`StartError`](pykka_core::StartError), not a crash.
pub(crate) fn spawn_coroutine<F>(name: String, stack_words: usize, f: F) -> io::Result<()>
where
    F: FnOnce() + Send + 'static,
{
    let builder = may::coroutine::Builder::new()
        .name(name)
        .stack_size(stack_words);
    let spawned = catch_unwind(AssertUnwindSafe(move || {
        // SAFETY: may documents two hazards for code run in a coroutine.
        // 1. Thread-bound state: a coroutine can resume on another worker thread after
        //    any park, so a thread local read before a park and after it may belong to
        //    different threads, and a thread-bound guard held across it moves threads.
        //    pykka's own code in `f` (`ActorLoop::run_blocking` over this crate's
        //    inbox) keeps no per-context state in thread locals while running on a
        //    coroutine (core's thread-local parker and context id are bypassed by the
        //    `GreenContext` of this crate, which answers from may's coroutine-local
        //    storage), and the inbox (core's mailbox) holds a short std lock that is
        //    never held across a park. The user's code that `f` runs (the actor's
        //    hooks, handlers and proxy closures, the `Drop` of its state and messages)
        //    is covered by the contract of the `unsafe fn` that made the runtime this
        //    coroutine belongs to: `spawn_coroutine` is called only from
        //    `GreenRuntime::spawn`, and every `GreenRuntime` comes from
        //    `GreenRuntime::new` or `GreenRuntimeBuilder::build` (or is a clone of
        //    one), whose `# Safety` sections make the caller promise exactly this.
        // 2. Stack overflow: the stack is a fixed mmap with a guard page, so an
        //    overflow faults rather than corrupting memory; generator's handler then
        //    abandons the coroutine, and `overflow::watch` below aborts the process
        //    when may drops the abandoned coroutine's local storage. The size is the
        //    user's documented knob, validated in `build`.
        // pykka never blocks a worker thread itself: every wait goes through `GreenContext`
        // and parks the coroutine. The closure is `Send + 'static`, as may requires.
        unsafe {
            builder.spawn(move || {
                let _frames = overflow::watch();
                f();
            })
        }
    }));
    match spawned {
        Ok(Ok(_detached)) => Ok(()),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(io::Error::new(
            io::ErrorKind::OutOfMemory,
            "may could not allocate a coroutine stack (see vm.max_map_count)",
        )),
    }
}
