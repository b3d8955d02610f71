//! A stack overflow in a green actor ends the process with a clear message on stderr,
//! as a thread's stack overflow does. It must never leave the actor "alive" with its
//! asks hanging (what may alone does: its signal handler abandons the coroutine's
//! frames without unwinding them).
//!
//! Each case overflows in a child process: this test binary again, running only the
//! `child` test, with `PYKKA_GREEN_OVERFLOW_CHILD` naming the case. The parent waits
//! for it with a deadline and kills it if it hangs.
#![cfg(unix)]

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use pykka_core::{Actor, Context, Failure};
use pykka_green::{GreenRuntime, MIN_STACK_SIZE};

const CHILD_ENV: &str = "PYKKA_GREEN_OVERFLOW_CHILD";

/// `SIGABRT`: 6 on every unix that may supports.
const SIGABRT: i32 = 6;

/// How long a child may take, overflow and abort included.
const CHILD_LIMIT: Duration = Duration::from_secs(60);

/// How long the child's own asks wait: if one returns, the child survived the
/// overflow, says so and exits successfully, which fails the case.
const ASK_LIMIT: Duration = Duration::from_secs(10);

/// Recurses until the stack overflows, with a frame the optimiser cannot fold away.
#[inline(never)]
fn recurse(depth: u64) -> u64 {
    if depth == u64::MAX {
        return 0;
    }
    let pad = std::hint::black_box([depth as u8; 256]);
    std::hint::black_box(recurse(std::hint::black_box(depth + 1))) + u64::from(pad[255])
}

/// Recurses until the stack overflows, with frames of several pages: the stack probes
/// of such a frame skip most of the stack's words, and a write lands in the guard page
/// first.
#[inline(never)]
fn recurse_big(depth: u64) -> u64 {
    if depth == u64::MAX {
        return 0;
    }
    let pad = std::hint::black_box([depth as u8; 3 * 4096]);
    std::hint::black_box(recurse_big(std::hint::black_box(depth + 1))) + u64::from(pad[0])
}

/// Overflows its stack where told to: in `on_start`, or when it handles `true`.
struct Deep {
    in_on_start: bool,
}

impl Actor for Deep {
    type Message = bool;
    type Reply = u64;
    fn on_start(&mut self, _: &Context<Self>) -> Result<(), Failure> {
        if self.in_on_start {
            recurse(0);
        }
        Ok(())
    }
    fn on_receive(&mut self, overflow: bool, _: &Context<Self>) -> Result<u64, Failure> {
        Ok(if overflow { recurse(0) } else { 1 })
    }
}

fn small_stack() -> GreenRuntime {
    let builder = GreenRuntime::builder().stack_size(MIN_STACK_SIZE);
    // SAFETY: the actors of this file (`Deep`, `Big`) hold no guard or thread-local
    // borrow, never wait and never look at their thread; they only recurse.
    unsafe { builder.build() }.unwrap()
}

fn default_stack() -> GreenRuntime {
    // SAFETY: as in `small_stack`. The default size uses may's pooled stacks.
    unsafe { GreenRuntime::new() }
}

/// The child's side: runs one case, and reports (on stdout) if it survives.
#[test]
fn child() {
    let Ok(case) = std::env::var(CHILD_ENV) else {
        return; // not a child: the cases below start the children
    };
    let outcome = match case.as_str() {
        "ask_on_small_stack" => {
            let deep = Deep { in_on_start: false }.start(&small_stack()).unwrap();
            assert_eq!(deep.ask_timeout(false, ASK_LIMIT).unwrap(), 1);
            format!("{:?}", deep.ask_timeout(true, ASK_LIMIT))
        }
        "tell_on_default_stack" => {
            let deep = Deep { in_on_start: false }.start(&default_stack()).unwrap();
            deep.tell(true).unwrap();
            format!("{:?}", deep.ask_timeout(false, ASK_LIMIT))
        }
        "big_frames" => {
            let rt = small_stack();
            struct Big;
            impl Actor for Big {
                type Message = ();
                type Reply = u64;
                fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<u64, Failure> {
                    Ok(recurse_big(0))
                }
            }
            let big = Big.start(&rt).unwrap();
            format!("{:?}", big.ask_timeout((), ASK_LIMIT))
        }
        "on_start" => {
            let deep = Deep { in_on_start: true }.start(&small_stack()).unwrap();
            format!("{:?}", deep.ask_timeout(false, ASK_LIMIT))
        }
        "no_overflow" => {
            // The watch must stay quiet for actors that end normally.
            let rt = small_stack();
            let actors: Vec<_> = (0..8)
                .map(|_| Deep { in_on_start: false }.start(&rt).unwrap())
                .collect();
            for deep in &actors {
                assert_eq!(deep.ask_timeout(false, ASK_LIMIT).unwrap(), 1);
                assert!(deep.stop_timeout(ASK_LIMIT).unwrap());
            }
            println!("CHILD DONE");
            return;
        }
        other => panic!("unknown child case {other:?}"),
    };
    println!("CHILD SURVIVED THE OVERFLOW: {outcome}");
}

/// What a child did.
struct Outcome {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs `case` in a child process and waits for it, at most [`CHILD_LIMIT`] (then
/// kills it and fails).
fn run_child(case: &str) -> Outcome {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, case)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain both pipes while waiting, so that a chatty child cannot block on them.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + CHILD_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "child {case:?} still runs after {CHILD_LIMIT:?}: the overflow left it hanging\n\
                 stderr:\n{}",
                stderr.join().unwrap()
            );
        }
        // A poll interval, not a synchronisation: the loop ends on the child's exit.
        std::thread::sleep(Duration::from_millis(10));
    };
    Outcome {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// How a child must end.
#[derive(Clone, Copy, PartialEq)]
enum End {
    /// With pykka-green's message and an abort.
    Abort,
    /// Either that, or (when the overflow wrote the lowest words of the stack, which
    /// small frames do in release builds) with may's own "stack overflow detected"
    /// and exit status 1.
    AbortOrMayExit,
}

/// The child ended abnormally, with generator's report and then as `end` says, naming
/// the actor `actor`.
fn assert_overflow_ended_the_process(case: &str, actor: &str, end: End) {
    let out = run_child(case);
    let context = format!(
        "case {case:?}: {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status, out.stdout, out.stderr
    );
    assert!(!out.stdout.contains("SURVIVED"), "{context}");
    assert!(!out.status.success(), "{context}");
    assert!(
        out.stderr.contains("has overflowed its stack"),
        "generator's report is missing: {context}"
    );
    let ours = out.stderr.contains(&format!("actor '{actor}-"))
        && out
            .stderr
            .contains("has overflowed its green coroutine stack")
        && out
            .stderr
            .contains("fatal runtime error: stack overflow in a green actor, aborting")
        && out.status.signal() == Some(SIGABRT);
    let mays = out.stderr.contains("stack overflow detected") && out.status.code() == Some(1);
    match end {
        End::Abort => assert!(ours, "no abort by pykka-green: {context}"),
        End::AbortOrMayExit => assert!(ours || mays, "no clear end: {context}"),
    }
}

#[test]
fn an_overflow_with_big_frames_aborts_the_process() {
    assert_overflow_ended_the_process("big_frames", "Big", End::Abort);
}

#[test]
fn an_overflow_while_handling_an_ask_aborts_the_process() {
    assert_overflow_ended_the_process("ask_on_small_stack", "Deep", End::AbortOrMayExit);
}

#[test]
fn an_overflow_while_handling_a_tell_on_a_pooled_stack_aborts_the_process() {
    assert_overflow_ended_the_process("tell_on_default_stack", "Deep", End::AbortOrMayExit);
}

#[test]
fn an_overflow_in_on_start_aborts_the_process() {
    assert_overflow_ended_the_process("on_start", "Deep", End::AbortOrMayExit);
}

#[test]
fn actors_that_end_normally_do_not_trip_the_overflow_watch() {
    let out = run_child("no_overflow");
    assert!(
        out.status.success() && out.stdout.contains("CHILD DONE"),
        "{:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        out.stdout,
        out.stderr
    );
    assert!(!out.stderr.contains("overflowed"), "{}", out.stderr);
}
