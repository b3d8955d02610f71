//! Shared by the examples: picking the backend from the command line, and a tiny
//! stderr logger so that pykka's log records (target `pykka`) can be seen.
//!
//! Every example is written once, generic over `R: Runtime`, and run as
//! `cargo run --example NAME -- [thread|green|smol|tokio]` (default: thread).

#![allow(dead_code)]

use std::io::Write;

/// Expands to `fn main()` that runs `$run::<R>(runtime)` on the backend named by the
/// first command-line argument.
macro_rules! main_on_chosen_backend {
    ($run:ident) => {
        fn main() {
            common::init_logging();
            let backend = std::env::args()
                .nth(1)
                .unwrap_or_else(|| "thread".to_string());
            println!("[running on the {backend} backend]");
            match backend.as_str() {
                "thread" => $run(pykka_thread::ThreadRuntime::default()),
                "green" => $run(common::green_runtime()),
                "smol" => $run(pykka_smol::SmolRuntime::default()),
                "tokio" => $run(pykka_tokio::TokioRuntime::default()),
                other => {
                    eprintln!("unknown backend {other:?}: choose thread, green, smol or tokio");
                    std::process::exit(2);
                }
            }
        }
    };
}
pub(crate) use main_on_chosen_backend;

/// The green runtime of the examples.
///
/// The examples keep `GreenRuntime::new`'s contract: their actors hold no lock guard
/// (`println!` takes and releases stdout's lock within one call; the logger takes
/// stderr's the same way) and no thread-local borrow across a wait, and they read
/// `thread::current()` only to print where a line runs, never to compare it across a
/// wait.
pub(crate) fn green_runtime() -> pykka_green::GreenRuntime {
    // SAFETY: the examples' actors keep no thread-bound state across waits and never
    // rely on their thread staying the same (see the doc comment above).
    unsafe { pykka_green::GreenRuntime::new() }
}

struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }
    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            let _ = writeln!(
                std::io::stderr(),
                "{:<5} {}: {}",
                record.level(),
                record.target(),
                record.args()
            );
        }
    }
    fn flush(&self) {}
}

/// Shows pykka's records at WARN and above, or at the level in `PYKKA_LOG`
/// (`error`, `warn`, `info`, `debug`).
pub(crate) fn init_logging() {
    static LOGGER: StderrLogger = StderrLogger;
    let level = std::env::var("PYKKA_LOG")
        .ok()
        .and_then(|l| l.parse().ok())
        .unwrap_or(log::LevelFilter::Warn);
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(level);
    }
}
