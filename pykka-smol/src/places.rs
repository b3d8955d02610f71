//! The book of a pool's thread places: how many threads run the executor, wait in a
//! handler, or idle as spares, and the decisions that keep `workers` of them running;
//! and a worker's wake-up flag.
//!
//! Pure accounting behind one mutex (and a condition variable for the spares): no
//! executor, channel or thread spawn in here, so that it can be model-checked alone.
//! `pykka-core/tests/loom_places.rs` includes this very file and runs it under loom
//! (pykka-smol's own dependencies do not build with `--cfg loom`, and this file needs
//! nothing of them).

#[cfg(loom)]
use loom::sync::atomic::{AtomicBool, Ordering};
#[cfg(loom)]
use loom::sync::{Condvar, Mutex, MutexGuard};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicBool, Ordering};
#[cfg(not(loom))]
use std::sync::{Condvar, Mutex, MutexGuard};
#[cfg(not(loom))]
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// The counts, as one snapshot.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Threads in the executor and not blocked (including ones told to join, not yet there).
    pub(crate) running: usize,
    /// Threads parked in a wait inside a task.
    pub(crate) blocked: usize,
    /// Spare threads waiting to be needed.
    pub(crate) idle: usize,
    /// Idle threads told to become running, not yet awake.
    pub(crate) wakeups: usize,
    /// Live threads of the pool.
    pub(crate) threads: usize,
    /// The most live threads there ever were at once.
    pub(crate) peak: usize,
    /// Threads ever spawned (for names).
    pub(crate) spawned: usize,
    pub(crate) started: bool,
    pub(crate) shutdown: bool,
}

/// The places of a pool's threads.
#[derive(Debug)]
pub(crate) struct Places {
    counts: Mutex<Counts>,
    idle_cv: Condvar,
    workers: usize,
    /// Threads allowed beyond `workers`.
    max_added: usize,
}

/// What a worker that is about to block should do for its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lend {
    /// Enough threads run the executor already.
    Enough,
    /// An idle spare was told to take the place.
    WokeSpare,
    /// Spawn a new thread for the place (already counted; [`Places::spawn_failed`]
    /// undoes it).
    Spawn,
    /// The cap of added threads is reached: the worker keeps its place while it waits.
    Capped,
}

/// What a worker whose wait ended should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TakeBack {
    /// More threads run than `workers`: post a retire token.
    pub(crate) excess: bool,
    /// The pool is shut down and nothing is blocked any more: the drain is over.
    pub(crate) drained: bool,
}

/// What a shutdown found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ShutDown {
    /// No handler was blocked: the drain is over at once.
    pub(crate) drained: bool,
    /// No thread was alive.
    pub(crate) all_gone: bool,
}

impl Places {
    pub(crate) fn new(workers: usize, max_added: usize) -> Self {
        Places {
            counts: Mutex::new(Counts::default()),
            idle_cv: Condvar::new(),
            workers,
            max_added,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Counts> {
        // No user code runs under this lock.
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A snapshot of the counts.
    pub(crate) fn counts(&self) -> Counts {
        *self.lock()
    }

    /// Counts the first `workers` threads in: `Ok(n)` threads to spawn, `Ok(0)` if
    /// already started, `Err(())` once shut down.
    pub(crate) fn start(&self) -> Result<usize, ()> {
        let mut c = self.lock();
        if c.shutdown {
            return Err(());
        }
        if c.started {
            return Ok(0);
        }
        c.started = true;
        c.running += self.workers;
        c.threads += self.workers;
        Ok(self.workers)
    }

    /// `unspawned` of the threads counted by [`start`](Self::start) could not be
    /// spawned.
    pub(crate) fn start_failed(&self, unspawned: usize) {
        let mut c = self.lock();
        c.running -= unspawned;
        c.threads -= unspawned;
        if unspawned == self.workers {
            c.started = false;
        }
    }

    /// The number of the next thread to spawn (1, 2, …), for its name.
    pub(crate) fn next_name(&self) -> usize {
        let mut c = self.lock();
        c.spawned += 1;
        c.peak = c.peak.max(c.threads);
        c.spawned
    }

    /// The calling worker is about to block: what happens to its place.
    pub(crate) fn lend(&self) -> Lend {
        let mut c = self.lock();
        c.running -= 1;
        c.blocked += 1;
        if c.running >= self.workers {
            Lend::Enough
        } else if c.idle > c.wakeups {
            c.wakeups += 1;
            c.running += 1;
            self.idle_cv.notify_one();
            Lend::WokeSpare
        } else if c.threads >= self.workers + self.max_added {
            Lend::Capped
        } else {
            c.running += 1;
            c.threads += 1;
            Lend::Spawn
        }
    }

    /// The thread that [`Lend::Spawn`] counted could not be spawned.
    pub(crate) fn spawn_failed(&self) {
        let mut c = self.lock();
        c.running -= 1;
        c.threads -= 1;
    }

    /// The calling worker's wait is over: it takes a place back.
    pub(crate) fn take_back(&self) -> TakeBack {
        let mut c = self.lock();
        c.blocked -= 1;
        c.running += 1;
        TakeBack {
            excess: c.running > self.workers,
            drained: c.shutdown && c.blocked == 0,
        }
    }

    /// The calling worker took a retire token: `true` if it steps down (it is now an
    /// idle spare and must call [`idle_wait`](Self::idle_wait)).
    pub(crate) fn retire(&self) -> bool {
        let mut c = self.lock();
        if !c.shutdown && c.running > self.workers {
            c.running -= 1;
            c.idle += 1;
            true
        } else {
            false
        }
    }

    /// Waits as an idle spare: `true` when needed again (running once more), `false`
    /// to exit (not needed for `keep_alive`, or shut down).
    pub(crate) fn idle_wait(&self, keep_alive: Duration) -> bool {
        let deadline = Instant::now() + keep_alive;
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

    /// A running worker leaves the executor for good (shutdown, or no executor).
    pub(crate) fn leave(&self) {
        self.lock().running -= 1;
    }

    /// A thread of the pool ends: `true` if it was the last one of a shut-down pool.
    pub(crate) fn exit(&self) -> bool {
        let mut c = self.lock();
        c.threads -= 1;
        c.shutdown && c.threads == 0
    }

    /// Marks the pool shut down and sends the idle spares away; `None` if it was
    /// already.
    pub(crate) fn shut_down(&self) -> Option<ShutDown> {
        let found = {
            let mut c = self.lock();
            if c.shutdown {
                return None;
            }
            c.shutdown = true;
            ShutDown {
                drained: c.blocked == 0,
                all_gone: c.threads == 0,
            }
        };
        self.idle_cv.notify_all();
        Some(found)
    }
}

/// A worker thread's wake-up: a flag over the thread's own park token, so that a short
/// look before the hand-off can see a wake-up without parking, and a wake-up that comes
/// before the park is never lost.
#[derive(Debug)]
pub(crate) struct Wakeup {
    token: Token,
    woken: AtomicBool,
}

/// The OS thread's park token.
#[cfg(not(loom))]
#[derive(Debug)]
struct Token(Thread);

#[cfg(not(loom))]
impl Token {
    fn current() -> Self {
        Token(thread::current())
    }
    fn park(&self, deadline: Option<Instant>) {
        match deadline {
            None => thread::park(),
            Some(d) => thread::park_timeout(d.saturating_duration_since(Instant::now())),
        }
    }
    fn unpark(&self) {
        self.0.unpark();
    }
}

/// Under loom, a token with the semantics of std's (an unpark before the park makes
/// it return at once), made of a mutex and a condition variable: loom's own
/// `unpark` also wakes a thread that blocks on a mutex or in a join, which std's does
/// not, and models would fail on that instead of on pykka's protocol.
#[cfg(loom)]
#[derive(Debug)]
struct Token {
    set: Mutex<bool>,
    cv: Condvar,
}

#[cfg(loom)]
impl Token {
    fn current() -> Self {
        Token {
            set: Mutex::new(false),
            cv: Condvar::new(),
        }
    }
    fn park(&self, _deadline: Option<Instant>) {
        // No timeouts under loom: models park without deadlines.
        let mut set = self.set.lock().unwrap();
        while !*set {
            set = self.cv.wait(set).unwrap();
        }
        *set = false;
    }
    fn unpark(&self) {
        *self.set.lock().unwrap() = true;
        self.cv.notify_one();
    }
}

impl Wakeup {
    /// The wake-up of the calling thread.
    pub(crate) fn current() -> Self {
        Wakeup {
            token: Token::current(),
            woken: AtomicBool::new(false),
        }
    }

    /// Blocks the calling thread (which must be the one this was made on) until
    /// [`unpark`](Self::unpark) or `deadline`, possibly spuriously: first it looks for a
    /// wake-up for `look` (not past the deadline), then it calls `hand_off`, parks, and
    /// calls `take_back` before it returns.
    pub(crate) fn park(
        &self,
        deadline: Option<Instant>,
        look: Option<Duration>,
        hand_off: impl FnOnce(),
        take_back: impl FnOnce(),
    ) {
        if deadline.is_some_and(|d| d <= Instant::now()) {
            return;
        }
        if self.woken.swap(false, Ordering::Acquire) {
            return;
        }
        if let Some(look) = look {
            let soon = Instant::now() + look;
            let until = deadline.map_or(soon, |d| d.min(soon));
            while Instant::now() < until {
                if self.woken.swap(false, Ordering::Acquire) {
                    return;
                }
                std::hint::spin_loop();
            }
            if deadline.is_some_and(|d| d <= Instant::now()) {
                return;
            }
        }
        hand_off();
        self.token.park(deadline);
        take_back();
        self.woken.store(false, Ordering::Release);
    }

    /// Wakes the thread from [`park`](Self::park), now or at its next park.
    pub(crate) fn unpark(&self) {
        self.woken.store(true, Ordering::Release);
        self.token.unpark();
    }
}
