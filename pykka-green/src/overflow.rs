//! Turns a stack overflow in a green actor into a process abort.
//!
//! Every coroutine stack ends in a guard page. When an actor's code runs into it, the
//! SIGSEGV handler of may's `generator` crate prints "coroutine in thread '…' has
//! overflowed its stack", marks the coroutine as failed and switches straight back to
//! the scheduler, *out of the signal handler*: the coroutine's frames are abandoned,
//! never unwound. may then drops the coroutine's local storage (and recycles or frees
//! its stack) and goes on. Left at that, the actor would stay registered and "alive"
//! forever: its inbox and the completers of its pending asks live in the abandoned
//! frames, so they are never dropped, and every ask to it would hang (a timed ask
//! would time out) and every stop would wait forever. (Only when the overflow wrote
//! to the lowest words of the stack does may notice by itself; it then ends the process
//! with `exit(1)`.)
//!
//! So every green coroutine *arms* a [`Watch`] in its coroutine-local storage (in the
//! probe's per-coroutine state) before it runs the actor, and a guard on its stack
//! ([`Frames`]) disarms it when the actor's frames end, by returning or by unwinding.
//! The coroutine-local storage is dropped with the watch still armed only if the
//! frames were abandoned: then the watch names the actor on stderr and aborts the
//! process, at once and on the same worker thread, as std does for a thread that
//! overflows its stack. No `unsafe` and no signal handler of our own: the detection
//! rides on may dropping the storage.

use std::cell::Cell;
use std::io::Write;

use may::coroutine::{self, Coroutine};

use crate::probe;

/// Armed: the handle of the coroutine it watches (for its name and stack size).
/// Disarmed (`None`) before the coroutine's frames run and once they ended.
#[derive(Default)]
pub(crate) struct Watch(Cell<Option<Coroutine>>);

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(co) = self.0.get_mut().take() {
            abort_for_overflow(&co);
        }
    }
}

/// Disarms the watch of its coroutine when dropped: when the coroutine's frames return
/// or unwind, never when they are abandoned.
pub(crate) struct Frames(());

impl Drop for Frames {
    fn drop(&mut self) {
        drop(probe::with_watch(|w| w.0.take()));
    }
}

/// Arms the watch of the current coroutine, until the returned guard is dropped. Call
/// it first thing in the coroutine, and keep the guard in the outermost frame.
pub(crate) fn watch() -> Frames {
    let co = coroutine::current();
    probe::with_watch(|w| w.0.set(Some(co)));
    Frames(())
}

#[cold]
fn abort_for_overflow(co: &Coroutine) -> ! {
    let bytes = co.stack_size() * size_of::<usize>();
    let name = co.name().unwrap_or("<unnamed>");
    // Straight to the process's stderr: `eprintln!` would go to a test harness's
    // capture if a test thread started may's workers, and the abort would lose it.
    let _ = writeln!(
        std::io::stderr(),
        "\nactor '{name}' has overflowed its green coroutine stack ({bytes} bytes; see \
         GreenRuntimeBuilder::stack_size)\nfatal runtime error: stack overflow in a green \
         actor, aborting"
    );
    std::process::abort();
}
