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
//! handlers are blocked, up to `max_blocking` added threads; the cost is one OS thread
//! per handler blocked at the same moment (created once, then reused while it is kept
//! alive). At the cap a blocked handler keeps its worker (reported once at ERROR).
//!
//! # Shutdown
//!
//! A shutdown closes the inbox of every actor the pool runs (each spawn hands the pool
//! a [`MailboxCloser`]), so queued asks fail at once and idle actors end. The workers
//! do not leave at once: a handler that is blocked on one of them may wait for a task
//! of this very executor, and the blocked worker's frame holds a handle of the
//! executor, so if the others left, that task would never run nor be dropped. They
//! keep running the executor until no handler of the pool is blocked (`drained`), then
//! leave; the last one out drops the executor and the tasks still on it.
//!
//! # Run queues
//!
//! In a pool of one worker, actors run from the pool's own run queue (see
//! `run_queue`: the actor just woken runs next); other tasks (`spawn_future`), and
//! every task of a pool of several workers, run from the executor's queue. Workers take
//! the executor's tasks one at a time from its global queue (`tick`), not through
//! `Executor::run`, whose per-thread local queues would strand the tasks queued on a
//! worker while its handler blocks (see `Pool::drive`).

use std::cell::OnceCell;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use async_channel::{Receiver, Sender};
use pykka_core::Event;
use pykka_core::rt::context::{WaitContext, adopt};
use pykka_core::rt::mailbox::MailboxCloser;
use pykka_core::rt::park::{Park, Parker};

use crate::places::{Lend, Places, ShutDown, TakeBack, Wakeup};
use crate::pruned::Pruned;
use crate::run_queue::RunQueue;
use smol::Executor;

/// Settings of a pool (from the builder).
#[derive(Debug, Clone)]
pub(crate) struct PoolConfig {
    pub(crate) workers: usize,
    pub(crate) name: String,
    pub(crate) stack_size: Option<usize>,
    pub(crate) keep_alive: Duration,
    /// Threads allowed beyond `workers` for handlers blocked at the same moment.
    pub(crate) max_blocking: usize,
}

/// The executor and its worker threads.
pub(crate) struct Pool {
    config: PoolConfig,
    executor: Mutex<Option<Arc<Executor<'static>>>>,
    /// The actors' tasks, in a pool of one worker (else they are the executor's).
    queue: Option<Arc<RunQueue>>,
    places: Places,
    retire_tx: Sender<()>,
    retire_rx: Receiver<()>,
    started: AtomicBool,
    shut_down: AtomicBool,
    stopped: Event,
    /// Set once the pool is shut down and no handler of it is blocked any more: the
    /// workers, which kept running the executor meanwhile, may exit.
    drained: Event,
    /// Closers of the inboxes of the actors that run here, so that a shutdown can end
    /// every one of them (pruned of closed ones as it grows).
    actors: Mutex<Pruned<MailboxCloser>>,
    /// Whether the cap of blocking threads was reported already.
    cap_reported: AtomicBool,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = self.places.counts();
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
#[non_exhaustive]
pub struct ThreadStats {
    /// Threads running the executor (the configured worker count while the runtime is up).
    pub running: usize,
    /// Threads blocked in a handler, whose places other threads took.
    pub blocked: usize,
    /// Spare threads waiting to be needed.
    pub idle: usize,
    /// All live threads of the runtime.
    pub total: usize,
    /// The most live threads the runtime ever had at once (at most
    /// `worker_threads + max_blocking_threads`).
    pub peak: usize,
}

enum Exit {
    Retired,
    Shutdown,
}

impl Pool {
    pub(crate) fn new(config: PoolConfig) -> Arc<Pool> {
        let (retire_tx, retire_rx) = async_channel::unbounded();
        Arc::new(Pool {
            places: Places::new(config.workers, config.max_blocking),
            queue: (config.workers == 1).then(RunQueue::new),
            config,
            executor: Mutex::new(Some(Arc::new(Executor::new()))),
            retire_tx,
            retire_rx,
            started: AtomicBool::new(false),
            shut_down: AtomicBool::new(false),
            stopped: Event::new(),
            drained: Event::new(),
            actors: Mutex::default(),
            cap_reported: AtomicBool::new(false),
        })
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
        let c = self.places.counts();
        ThreadStats {
            running: c.running,
            blocked: c.blocked,
            idle: c.idle,
            total: c.threads,
            peak: c.peak,
        }
    }

    /// Keeps `closer` so that a shutdown can close that actor's inbox. Closed inboxes
    /// are pruned whenever the list doubles, so it stays within twice the live actors.
    pub(crate) fn adopt(&self, closer: MailboxCloser) {
        let mut actors = self.actors.lock().unwrap_or_else(|e| e.into_inner());
        actors.push(closer, MailboxCloser::is_live);
        drop(actors);
        if self.is_shut_down() {
            // Raced with a shutdown that already closed the others.
            self.close_actors();
        }
    }

    /// Closes the inbox of every actor of the pool: queued messages are dropped (their
    /// asks fail with `ActorDeadError`), later sends fail, and each actor's task ends
    /// at its next receive.
    fn close_actors(&self) {
        let list = self.actors.lock().unwrap_or_else(|e| e.into_inner()).take();
        for closer in list {
            closer.close();
        }
    }

    /// Spawns an actor's task (starting the worker threads): on the pool's run queue
    /// if it has one, else on the executor.
    pub(crate) fn spawn_actor<F>(self: &Arc<Self>, task: F) -> io::Result<()>
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let executor = self.executor()?;
        match &self.queue {
            Some(queue) => queue.spawn(task),
            None => executor.spawn(task).detach(),
        }
        Ok(())
    }

    /// The executor, with its worker threads started; an error once shut down.
    pub(crate) fn executor(self: &Arc<Self>) -> io::Result<Arc<Executor<'static>>> {
        if self.is_shut_down() {
            // The workers may still run the executor while they drain: nothing new.
            return Err(shut_down());
        }
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
        // Tasks of `spawn_future` may wait before any actor started (which is when
        // core adopts the runtime's context by itself).
        adopt::<SmolContext>();
        let n = match self.places.start() {
            Err(()) => return Err(shut_down()),
            Ok(0) => return Ok(()),
            Ok(n) => n,
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
            self.places.start_failed(n - spawned);
        }
        self.started.store(spawned > 0, Ordering::Release);
        match error {
            Some(e) if spawned == 0 => Err(e),
            _ => Ok(()),
        }
    }

    /// Spawns one worker thread; the caller has already counted it as running.
    fn spawn_thread(self: &Arc<Self>) -> io::Result<()> {
        let n = self.places.next_name();
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
                wakeup: Wakeup::current(),
                pool: self.clone(),
            })));
        });
        if let Some(queue) = &self.queue {
            queue.enter();
        }
        loop {
            let executor = self
                .executor
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            let Some(executor) = executor else {
                self.places.leave();
                break;
            };
            let exit = smol::block_on(self.drive(&executor));
            drop(executor);
            match exit {
                Exit::Shutdown => {
                    self.places.leave();
                    break;
                }
                Exit::Retired => {
                    if !self.places.idle_wait(self.config.keep_alive) {
                        break;
                    }
                }
            }
        }
        if self.places.exit() {
            // No thread runs the actors' queue any more: drop what is left in it, as
            // the last worker out dropped the executor's tasks.
            self.close_queue();
            self.stopped.set();
        }
    }

    fn close_queue(&self) {
        if let Some(queue) = &self.queue {
            queue.close();
        }
    }

    /// Runs the actors' and the executor's tasks on this thread until it should stop
    /// (see [`until_retired`](Self::until_retired)).
    ///
    /// Each executor task is taken from the executor's global queue with `tick`, not through
    /// `Executor::run`: `run` keeps a run queue local to each thread, filled in batches
    /// from the global one, which other threads only steal from when they have nothing
    /// else to run. A worker that then blocks in a handler would strand the tasks in its
    /// local queue for as long as the others are busy (measured: 1 to 7 tasks of 20
    /// waited for the blocked handler, over 5 s, with the executor kept busy). With one
    /// queue, whichever thread runs next takes the next task.
    async fn drive(&self, executor: &Executor<'static>) -> Exit {
        let ticks = async {
            loop {
                for _ in 0..TICKS_BETWEEN_LOOKS {
                    executor.tick().await;
                }
                // Lets `until_retired` and the actors be polled while tasks keep coming.
                smol::future::yield_now().await;
            }
        };
        let actors = async {
            let Some(queue) = &self.queue else {
                return std::future::pending().await;
            };
            loop {
                let mut ran = 0;
                while ran < TICKS_BETWEEN_LOOKS {
                    match queue.next().await {
                        // With the tasks it woke into the slot.
                        Some(task) => ran += queue.run(task),
                        // Closed: only when no thread is left, so not on this one.
                        None => std::future::pending().await,
                    }
                }
                smol::future::yield_now().await;
            }
        };
        smol::future::or(self.until_retired(), smol::future::or(actors, ticks)).await
    }

    /// Resolves when this thread should stop running the executor: it took a retire
    /// token while there were too many running threads, or the pool shut down.
    async fn until_retired(&self) -> Exit {
        loop {
            if self.retire_rx.recv().await.is_err() {
                // Shut down. While a handler of this pool is blocked, what it waits for
                // may be a task of this executor: keep running it until none is.
                self.drained.wait_async().await;
                return Exit::Shutdown;
            }
            if self.places.retire() {
                return Exit::Retired;
            }
        }
    }

    /// The calling worker is about to block: give its place to another thread.
    fn lend_place(self: &Arc<Self>) {
        match self.places.lend() {
            Lend::Enough | Lend::WokeSpare => {}
            Lend::Capped => self.report_cap(),
            Lend::Spawn => {
                if self.spawn_thread().is_err() {
                    // No thread to be had: this wait holds its worker, as at the cap.
                    self.places.spawn_failed();
                    self.report_cap();
                }
            }
        }
    }

    /// At the cap of blocking threads (or when no thread can be spawned) a blocked
    /// handler keeps its worker: said once per pool, loudly, since a runtime whose
    /// workers all wait that way stalls until one of the waits ends.
    fn report_cap(&self) {
        if !self.cap_reported.swap(true, Ordering::Relaxed) {
            log::error!(
                target: "pykka",
                "{}: {} handlers are blocked at once (max_blocking_threads = {}, or no more \
                 threads could be spawned); further blocking waits hold their worker thread, \
                 and if every worker waits so, the runtime stalls until a wait times out",
                self.config.name,
                self.places.counts().blocked,
                self.config.max_blocking,
            );
        }
    }

    /// The calling worker's wait is over: take a place back.
    fn take_place(&self) {
        let TakeBack { excess, drained } = self.places.take_back();
        if excess {
            let _ = self.retire_tx.try_send(());
        }
        if drained {
            self.finish_drain();
        }
    }

    /// The pool is shut down and no handler is blocked: let the workers go, and drop
    /// the pool's handle of the executor (the last worker out drops its tasks).
    fn finish_drain(&self) {
        let executor = self
            .executor
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        self.drained.set();
        drop(executor);
    }

    /// Stops the pool: no new tasks; every actor's inbox is closed (its queued asks
    /// fail, its task ends at its next receive); idle spares exit now; workers exit
    /// once no handler of the pool is blocked any more (until then they keep running
    /// the executor, which what a blocked handler waits for may need); tasks still on
    /// the executor are dropped with it.
    pub(crate) fn shutdown(&self) {
        let Some(ShutDown { drained, all_gone }) = self.places.shut_down() else {
            return;
        };
        self.shut_down.store(true, Ordering::Release);
        self.retire_tx.close();
        self.close_actors();
        if drained {
            // Dropping the executor here (if no worker holds it) drops its tasks.
            self.finish_drain();
        }
        if all_gone {
            self.close_queue();
            self.stopped.set();
        }
    }
}

fn shut_down() -> io::Error {
    io::Error::other("the smol runtime is shut down")
}

/// Tasks a worker runs in a row before it looks for a retire token again. The look
/// is a yield to `block_on`, which then polls the reactor (two system calls): rare
/// enough that a worker busy with short tasks barely pays for it, and looks every few
/// hundred microseconds (meanwhile async-io's own thread drives the reactor).
const TICKS_BETWEEN_LOOKS: usize = 1024;

/// How a worker thread waits: hand the place over, park the thread, take a place back.
struct WorkerPark {
    wakeup: Wakeup,
    pool: Arc<Pool>,
}

/// How long a blocked worker waits for its wake-up before it hands its place on, when
/// the pool has other workers that can run what it waits for.
const HAND_OFF_AFTER: Duration = Duration::from_micros(30);

impl Park for WorkerPark {
    fn park(&self, deadline: Option<Instant>) {
        // What this handler woke last may be what it waits for: another thread is to
        // run it.
        let _out = self.pool.queue.as_ref().map(|queue| queue.step_out());
        // With other workers, what this task waits for (an actor's reply, usually)
        // often runs on one of them and answers within microseconds: look a little
        // before paying for a hand-off (two thread wake-ups). With one worker, nothing
        // can run until the place is lent, so lend it at once.
        let look = (self.pool.workers() > 1).then_some(HAND_OFF_AFTER);
        self.wakeup.park(
            deadline,
            look,
            || self.pool.lend_place(),
            || self.pool.take_place(),
        );
    }

    fn unpark(&self) {
        self.wakeup.unpark();
    }
}

thread_local! {
    /// Set on every worker thread of every pool: the parker that lends the place.
    static WORKER: OnceCell<Parker> = const { OnceCell::new() };
}

/// The contexts of smol actors and tasks: the worker threads of the runtime's pools,
/// whose park lends the worker's place before the thread sleeps. A task never leaves
/// its thread during a poll, so the thread identifies the task while a hook runs.
#[derive(Debug, Clone, Copy)]
pub enum SmolContext {}

impl WaitContext for SmolContext {
    fn parker() -> Option<Parker> {
        WORKER.with(|w| w.get().cloned())
    }

    fn is_current() -> bool {
        WORKER.with(|w| w.get().is_some())
    }
}
