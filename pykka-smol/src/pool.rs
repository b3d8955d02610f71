//! The worker threads of an owned executor, and how a worker lends its place while a
//! handler blocks.
//!
//! # The hand-off
//!
//! The pool keeps `target` threads *running* the executor: neither blocked in a
//! handler nor idle. When code on a worker thread blocks through pykka (a reply's
//! `get`, an `ask`, an `Event::wait`, a blocking stop), core calls the worker's
//! [`Park`]; before the OS thread sleeps, it gives its place to another thread: an
//! idle spare if there is one (a condition-variable wake-up), else a new thread. When
//! the wait ends, the thread takes a place back; if there are now more running threads
//! than `target`, it posts a retire token, and whichever running worker takes it
//! (between two tasks) steps down and becomes an idle spare. A spare that nobody needs
//! for `keep_alive` exits.
//!
//! So the executor always has `target` threads able to run tasks, however many
//! handlers are blocked; the cost is one OS thread per handler blocked at the same
//! moment (created once, then reused while it is kept alive).

use std::cell::OnceCell;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use async_channel::{Receiver, Sender};
use pykka_core::Event;
use pykka_core::park::{ContextProbe, Park, Parker, register_probe};
use smol::Executor;

/// Settings of a pool (from the builder).
#[derive(Debug, Clone)]
pub(crate) struct PoolConfig {
    pub(crate) workers: usize,
    pub(crate) name: String,
    pub(crate) stack_size: Option<usize>,
    pub(crate) keep_alive: Duration,
}

#[derive(Debug, Default)]
struct Counts {
    /// Threads in the executor and not blocked (including ones told to join, not yet there).
    running: usize,
    /// Threads parked in a wait inside a task.
    blocked: usize,
    /// Spare threads waiting to be needed.
    idle: usize,
    /// Idle threads told to become running, not yet awake.
    wakeups: usize,
    /// Live threads of the pool.
    threads: usize,
    /// Threads ever spawned (for names).
    spawned: usize,
    started: bool,
    shutdown: bool,
}

/// The executor and its worker threads.
pub(crate) struct Pool {
    config: PoolConfig,
    executor: Mutex<Option<Arc<Executor<'static>>>>,
    counts: Mutex<Counts>,
    idle_cv: Condvar,
    retire_tx: Sender<()>,
    retire_rx: Receiver<()>,
    started: AtomicBool,
    shut_down: AtomicBool,
    stopped: Event,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = self.lock();
        f.debug_struct("Pool")
            .field("workers", &self.config.workers)
            .field("running", &c.running)
            .field("blocked", &c.blocked)
            .field("idle", &c.idle)
            .field("threads", &c.threads)
            .field("shutdown", &c.shutdown)
            .finish()
    }
}

/// A snapshot of a pool's threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThreadStats {
    /// Threads running the executor (the configured worker count while the runtime is up).
    pub running: usize,
    /// Threads blocked in a handler, whose places other threads took.
    pub blocked: usize,
    /// Spare threads waiting to be needed.
    pub idle: usize,
    /// All live threads of the runtime.
    pub total: usize,
}

enum Exit {
    Retired,
    Shutdown,
}

impl Pool {
    pub(crate) fn new(config: PoolConfig) -> Arc<Pool> {
        let (retire_tx, retire_rx) = async_channel::unbounded();
        Arc::new(Pool {
            config,
            executor: Mutex::new(Some(Arc::new(Executor::new()))),
            counts: Mutex::new(Counts::default()),
            idle_cv: Condvar::new(),
            retire_tx,
            retire_rx,
            started: AtomicBool::new(false),
            shut_down: AtomicBool::new(false),
            stopped: Event::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Counts> {
        // No user code runs under this lock.
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn workers(&self) -> usize {
        self.config.workers
    }

    pub(crate) fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::Acquire)
    }

    pub(crate) fn stopped(&self) -> Event {
        self.stopped.clone()
    }

    pub(crate) fn stats(&self) -> ThreadStats {
        let c = self.lock();
        ThreadStats {
            running: c.running,
            blocked: c.blocked,
            idle: c.idle,
            total: c.threads,
        }
    }

    /// The executor, with its worker threads started; an error once shut down.
    pub(crate) fn executor(self: &Arc<Self>) -> io::Result<Arc<Executor<'static>>> {
        if !self.started.load(Ordering::Acquire) {
            self.start()?;
        }
        self.executor
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(shut_down)
    }

    fn start(self: &Arc<Self>) -> io::Result<()> {
        if !*PROBE_REGISTERED.get_or_init(|| register_probe(&PROBE).is_ok()) {
            return Err(io::Error::other(
                "pykka-smol could not register its context probe (the probe table is full)",
            ));
        }
        let n = {
            let mut c = self.lock();
            if c.shutdown {
                return Err(shut_down());
            }
            if c.started {
                return Ok(());
            }
            c.started = true;
            c.running += self.config.workers;
            c.threads += self.config.workers;
            self.config.workers
        };
        let mut spawned = 0;
        let mut error = None;
        for _ in 0..n {
            match self.spawn_thread() {
                Ok(()) => spawned += 1,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        if spawned < n {
            let mut c = self.lock();
            c.running -= n - spawned;
            c.threads -= n - spawned;
            if spawned == 0 {
                c.started = false;
            }
        }
        self.started.store(spawned > 0, Ordering::Release);
        match error {
            Some(e) if spawned == 0 => Err(e),
            _ => Ok(()),
        }
    }

    /// Spawns one worker thread; the caller has already counted it as running.
    fn spawn_thread(self: &Arc<Self>) -> io::Result<()> {
        let n = {
            let mut c = self.lock();
            c.spawned += 1;
            c.spawned
        };
        let mut builder = thread::Builder::new().name(format!("{}-{n}", self.config.name));
        if let Some(size) = self.config.stack_size {
            builder = builder.stack_size(size);
        }
        let pool = self.clone();
        builder.spawn(move || pool.worker_main())?;
        Ok(())
    }

    fn worker_main(self: Arc<Self>) {
        WORKER.with(|w| {
            let _ = w.set(Parker::new(Arc::new(WorkerPark {
                thread: thread::current(),
                pool: self.clone(),
                woken: AtomicBool::new(false),
            })));
        });
        loop {
            let executor = self
                .executor
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            let Some(executor) = executor else {
                self.lock().running -= 1;
                break;
            };
            let exit = smol::block_on(executor.run(self.until_retired()));
            drop(executor);
            match exit {
                Exit::Shutdown => {
                    self.lock().running -= 1;
                    break;
                }
                Exit::Retired => {
                    if !self.idle_wait() {
                        break;
                    }
                }
            }
        }
        let all_gone = {
            let mut c = self.lock();
            c.threads -= 1;
            c.shutdown && c.threads == 0
        };
        if all_gone {
            self.stopped.set();
        }
    }

    /// Resolves when this thread should stop running the executor: it took a retire
    /// token while there were too many running threads, or the pool shut down.
    async fn until_retired(&self) -> Exit {
        loop {
            if self.retire_rx.recv().await.is_err() {
                return Exit::Shutdown;
            }
            let mut c = self.lock();
            if !c.shutdown && c.running > self.config.workers {
                c.running -= 1;
                c.idle += 1;
                return Exit::Retired;
            }
        }
    }

    /// Waits as an idle spare; `true` when needed again, `false` to exit (the spare was
    /// not needed for `keep_alive`, or the pool shut down).
    fn idle_wait(&self) -> bool {
        let deadline = Instant::now() + self.config.keep_alive;
        let mut c = self.lock();
        loop {
            if c.wakeups > 0 {
                c.wakeups -= 1;
                c.idle -= 1;
                return true;
            }
            if c.shutdown {
                c.idle -= 1;
                return false;
            }
            let now = Instant::now();
            if now >= deadline {
                c.idle -= 1;
                return false;
            }
            c = self
                .idle_cv
                .wait_timeout(c, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// The calling worker is about to block: give its place to another thread.
    fn lend_place(self: &Arc<Self>) {
        let spawn = {
            let mut c = self.lock();
            c.running -= 1;
            c.blocked += 1;
            if c.shutdown || c.running >= self.config.workers {
                false
            } else if c.idle > c.wakeups {
                c.wakeups += 1;
                c.running += 1;
                self.idle_cv.notify_one();
                false
            } else {
                c.running += 1;
                c.threads += 1;
                true
            }
        };
        if spawn && self.spawn_thread().is_err() {
            // No thread to be had: block anyway. Other workers (if any) keep running.
            let mut c = self.lock();
            c.running -= 1;
            c.threads -= 1;
        }
    }

    /// The calling worker's wait is over: take a place back.
    fn take_place(&self) {
        let excess = {
            let mut c = self.lock();
            c.blocked -= 1;
            c.running += 1;
            c.running > self.config.workers
        };
        if excess {
            let _ = self.retire_tx.try_send(());
        }
    }

    /// Stops the pool: no new tasks; workers exit once their current task yields; idle
    /// spares exit now; tasks still on the executor are dropped with it.
    pub(crate) fn shutdown(&self) {
        let (executor, all_gone) = {
            let mut c = self.lock();
            c.shutdown = true;
            self.shut_down.store(true, Ordering::Release);
            let executor = self
                .executor
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
            (executor, c.threads == 0)
        };
        self.retire_tx.close();
        self.idle_cv.notify_all();
        // Dropping the executor here (if no worker holds it) drops its tasks.
        drop(executor);
        if all_gone {
            self.stopped.set();
        }
    }
}

fn shut_down() -> io::Error {
    io::Error::other("the smol runtime is shut down")
}

/// How a worker thread waits: hand the place over, park the thread, take a place back.
struct WorkerPark {
    thread: Thread,
    pool: Arc<Pool>,
    /// Set by `unpark`, so that a short wait before the hand-off can see it.
    woken: AtomicBool,
}

/// How long a blocked worker waits for its wake-up before it hands its place on, when
/// the pool has other workers that can run what it waits for.
const HAND_OFF_AFTER: Duration = Duration::from_micros(30);

impl Park for WorkerPark {
    fn park(&self, deadline: Option<Instant>) {
        if let Some(d) = deadline {
            if d <= Instant::now() {
                return;
            }
        }
        if self.woken.swap(false, Ordering::Acquire) {
            return;
        }
        // With other workers, what this task waits for (an actor's reply, usually)
        // often runs on one of them and answers within microseconds: wait a little
        // before paying for a hand-off (two thread wake-ups). With one worker, nothing
        // can run until the place is lent, so lend it at once.
        if self.pool.workers() > 1 {
            let until = Instant::now() + HAND_OFF_AFTER;
            while Instant::now() < until {
                if self.woken.swap(false, Ordering::Acquire) {
                    return;
                }
                std::hint::spin_loop();
            }
        }
        self.pool.lend_place();
        match deadline {
            None => thread::park(),
            Some(d) => thread::park_timeout(d.saturating_duration_since(Instant::now())),
        }
        self.pool.take_place();
        self.woken.store(false, Ordering::Release);
    }

    fn unpark(&self) {
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

thread_local! {
    /// Set on every worker thread of every pool: the parker that lends the place.
    static WORKER: OnceCell<Parker> = const { OnceCell::new() };
}

/// Whether the calling thread is a worker thread of some pool.
pub(crate) fn on_worker_thread() -> bool {
    WORKER.with(|w| w.get().is_some())
}

/// Recognises worker threads. A task never leaves its thread during a poll, so the
/// thread's identity is the task's (`context_id` is `None`).
struct Probe;

impl ContextProbe for Probe {
    fn parker(&self) -> Option<Parker> {
        WORKER.with(|w| w.get().cloned())
    }
    fn context_id(&self) -> Option<u64> {
        None
    }
}

static PROBE: Probe = Probe;
/// Whether the probe is registered (once per process, by the first pool that starts).
static PROBE_REGISTERED: OnceLock<bool> = OnceLock::new();
