//! The one place where pykka-green calls `unsafe` code: may's coroutine spawn.
#![allow(unsafe_code)]

use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};

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
        // 1. Thread-local storage: a coroutine can resume on another worker thread, so
        //    TLS read before a park and after it may belong to different threads. `f`
        //    is `ActorLoop::run_blocking` over this crate's inbox: pykka-core keeps no
        //    per-context state in thread locals while running on a coroutine (its
        //    thread-local parker and context id are bypassed by the probe this crate
        //    registers, which answers from may's coroutine-local storage), and the
        //    inbox (core's mailbox) holds a short std lock that is never held across
        //    a park. User handlers are covered by the crate docs' caveats.
        // 2. Stack overflow: the stack is a fixed mmap with a guard page, so an
        //    overflow faults (may/generator report it and abort) rather than corrupting
        //    memory. pykka itself keeps frames small (no recursion, boxed messages);
        //    the size is the user's documented knob, validated in `try_build`.
        // pykka never blocks a worker thread itself: every wait goes through the probe
        // and parks the coroutine. The closure is `Send + 'static`, as may requires.
        unsafe { builder.spawn(f) }
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
