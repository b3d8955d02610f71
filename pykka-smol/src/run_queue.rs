//! The run queue of a pool's actors: which actor task a worker runs next.
//!
//! Actor tasks of an owned runtime with **one worker** are not tasks of its executor:
//! each one is an `async_task` whose schedule function is the pool's, so that the
//! worker can run the actor that its running actor just woke *next*, from a slot of its
//! own (LIFO), instead of through a shared queue. An `ask` between two
//! actors of such a pool then goes asker -> asked -> asker with no queue in between,
//! which is how single-threaded actor runtimes (actix) pass messages.
//!
//! Everything else goes through the pool's shared queue, which every thread of the
//! pool takes from: tasks woken from outside a run (another thread, another pool, or
//! this worker's own reactor turn while it idles in `block_on`), a task that wakes
//! itself while it runs (a yield: it goes to the back), the task a newer one pushed
//! out of the slot, and a slot's task after [`LIFO_LIMIT`] runs in a row (so that two
//! actors asking each other forever cannot starve the rest).
//!
//! Why only with one worker: a task in a worker's slot can be run by that worker only.
//! With several workers, a handler that woke an actor and then computes, or blocks
//! outside pykka, would hold that actor back while another worker idles; with one
//! worker nothing else could have run it meanwhile anyway (a pool of several workers
//! runs its actors on the executor). A worker about to block through pykka (its place
//! lent to another thread) first moves its slot's task to the shared queue
//! ([`RunQueue::step_out`]), so the thread that takes its place runs it. A handler
//! that blocks some other way (a nested `smol::block_on`, a lock) keeps the slot's
//! task until it returns, as it keeps the worker.
//!
//! When no thread will run the queue again (the pool's last thread left), the queue is
//! closed: as an executor that is dropped, it cancels every task it still has, queued
//! or waiting (their futures are dropped), and a later wake-up drops its task instead
//! of queueing it (on the thread that wakes it: a timer's, say).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_channel::{Receiver, Sender};
use async_task::{Builder, ScheduleInfo, Task, WithInfo};

use crate::pruned::Pruned;

/// How many tasks a worker runs from its slot in a row before the slot's task goes to
/// the back of the shared queue.
pub(crate) const LIFO_LIMIT: usize = 32;

thread_local! {
    /// The shared queue of the run queue whose worker this thread is.
    static HOME: RefCell<Option<Sender<Runnable>>> = const { RefCell::new(None) };
    /// Whether this worker is inside [`RunQueue::run`]: only then does a wake-up on
    /// it go to its slot, which the run empties before it returns.
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    /// The task this worker woke last, to run next.
    static SLOT: Cell<Option<Runnable>> = const { Cell::new(None) };
}

/// A task of a run queue, ready to run.
pub(crate) type Runnable = async_task::Runnable<Home>;

/// Where a task goes when it is woken: kept in the task, so that its schedule function
/// ([`schedule`]) holds nothing. A schedule function that captures values makes
/// `async_task` wake a waker by value as a wake by reference plus a drop, two
/// reference-count updates more per wake-up.
#[derive(Debug)]
pub(crate) struct Home {
    tx: Sender<Runnable>,
}

/// The shared queue of a pool's actor tasks (its workers' slots are thread-locals),
/// and the tasks it has, to cancel them when it closes.
#[derive(Debug)]
pub(crate) struct RunQueue {
    tx: Sender<Runnable>,
    rx: Receiver<Runnable>,
    /// The handle of every task, to cancel the live ones at the close (a finished
    /// task's memory waits for the next prune; a handle costs no poll, unlike a guard
    /// in each task).
    tasks: Mutex<Pruned<Task<(), Home>>>,
}

impl RunQueue {
    pub(crate) fn new() -> Arc<RunQueue> {
        let (tx, rx) = async_channel::unbounded();
        Arc::new(RunQueue {
            tx,
            rx,
            tasks: Mutex::default(),
        })
    }

    fn tasks(&self) -> MutexGuard<'_, Pruned<Task<(), Home>>> {
        // Nothing panics under this lock.
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Spawns `future` as a task of this queue, scheduled at once; it runs until it
    /// completes or the queue closes.
    pub(crate) fn spawn<F>(self: &Arc<Self>, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let home = Home {
            tx: self.tx.clone(),
        };
        // A panic out of a poll ends the task (kept, unread, in its handle) instead of
        // unwinding into the worker, which runs other actors: as the executor does.
        let (runnable, task) = Builder::new()
            .metadata(home)
            .propagate_panic(true)
            .spawn(move |_| future, WithInfo(schedule));
        self.tasks().push(task, |task| !task.is_finished());
        runnable.schedule();
    }

    /// Makes the calling thread a worker of this queue (for its slot).
    pub(crate) fn enter(self: &Arc<Self>) {
        HOME.set(Some(self.tx.clone()));
    }

    /// The next task of the shared queue; `None` once the queue is closed.
    pub(crate) async fn next(&self) -> Option<Runnable> {
        self.rx.recv().await.ok()
    }

    /// Runs `runnable`, then the tasks it (and they) woke into this worker's slot, at
    /// most [`LIFO_LIMIT`] of them; a slot's task left after that goes to the back of
    /// the shared queue. The slot is empty when this returns (or unwinds). Returns how
    /// many tasks ran.
    pub(crate) fn run(&self, runnable: Runnable) -> usize {
        let _running = Running::enter(self);
        runnable.run();
        let mut ran = 1;
        while ran <= LIFO_LIMIT {
            let Some(next) = SLOT.take() else {
                break;
            };
            next.run();
            ran += 1;
        }
        ran
    }

    /// Before the calling worker blocks inside a run (its place lent to another
    /// thread): moves its slot's task to the shared queue, for that thread, and sends
    /// wake-ups there until the returned guard is dropped.
    pub(crate) fn step_out(&self) -> SteppedOut {
        let was_running = RUNNING.replace(false);
        if was_running {
            // (Outside a run the slot is empty, and not touched.)
            self.flush_slot();
        }
        SteppedOut { was_running }
    }

    fn flush_slot(&self) {
        if let Some(task) = SLOT.take() {
            push(&self.tx, task);
        }
    }

    /// Closes the queue and cancels every task it has, queued or waiting (their
    /// futures are dropped); a task woken later is dropped instead of queued. For when
    /// no thread will run the queue again.
    pub(crate) fn close(&self) {
        // In rounds, with the queue still open: a future's drop may wake other tasks
        // (an actor's drop fails the asks it held), which then queue up to be dropped
        // in the next round instead of inside that drop, one stack frame deeper per
        // task of a chain.
        loop {
            while let Ok(task) = self.rx.try_recv() {
                cancel(task);
            }
            // Taken out of the lock first: dropping a handle may drop a future.
            let tasks = self.tasks().take();
            if tasks.is_empty() && self.rx.is_empty() {
                break;
            }
            // Dropping a handle cancels its task: a waiting one is scheduled once
            // more, into the queue, for the next round to drop its future.
            tasks.into_iter().for_each(cancel);
        }
        self.rx.close();
        while let Ok(task) = self.rx.try_recv() {
            cancel(task);
        }
    }
}

/// The span of [`RunQueue::run`] on its worker: wake-ups go to the slot; whatever is
/// left in it at the end (or in an unwind) goes to the shared queue.
struct Running<'a> {
    queue: &'a RunQueue,
    was_running: bool,
}

impl<'a> Running<'a> {
    fn enter(queue: &'a RunQueue) -> Self {
        Running {
            queue,
            was_running: RUNNING.replace(true),
        }
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        RUNNING.set(self.was_running);
        self.queue.flush_slot();
    }
}

/// See [`RunQueue::step_out`].
pub(crate) struct SteppedOut {
    was_running: bool,
}

impl Drop for SteppedOut {
    fn drop(&mut self) {
        RUNNING.set(self.was_running);
    }
}

/// The schedule function of every task of a run queue: the worker's slot for a task
/// that the worker's running task woke, else the shared queue.
fn schedule(runnable: Runnable, info: ScheduleInfo) {
    let mut foreign = Some(runnable);
    // `try_with`: a wake-up can come from another thread-local's destructor, after
    // this one's ran (the task then goes the way of another thread's wake-ups).
    let _ = HOME.try_with(|home| {
        let home = home.borrow();
        let Some(tx) = home.as_ref() else {
            return;
        };
        let Some(runnable) = foreign.take_if(|task| tx.same_channel(&task.metadata().tx)) else {
            return;
        };
        let queued = if !info.woken_while_running && RUNNING.get() {
            SLOT.replace(Some(runnable))
        } else {
            Some(runnable)
        };
        if let Some(task) = queued {
            push(tx, task);
        }
    });
    if let Some(task) = foreign {
        push_cloned(task);
    }
}

/// Queues `task` on its shared queue from a thread that is not its queue's worker,
/// through a sender of its own: the task's is borrowed from the task, which the send
/// moves.
fn push_cloned(task: Runnable) {
    let tx = task.metadata().tx.clone();
    push(&tx, task);
}

/// Queues `task` on the shared queue; once it is closed, drops it (which drops its
/// future: the task is cancelled).
fn push(tx: &Sender<Runnable>, task: Runnable) {
    if let Err(closed) = tx.try_send(task) {
        cancel(closed.into_inner());
    }
}

/// Drops a task, or a task's handle, cancelling it. Its future's drop runs user code
/// (an actor's values, dropped mid-await); async-task aborts the process if that
/// panics, so core drops those values contained inside the future first
/// (`contain::Pinned` in pykka-core). The catch here is only a backstop, should a
/// drop unwind out of async-task some day: it must stop neither the close nor the
/// thread that woke the task.
fn cancel<T>(task: T) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(task)));
}

#[cfg(test)]
mod tests {
    use super::*;

    type Log = Arc<Mutex<Vec<&'static str>>>;

    fn log_task(queue: &Arc<RunQueue>, log: &Log, name: &'static str) {
        let log = log.clone();
        queue.spawn(async move { log.lock().unwrap().push(name) });
    }

    /// Runs the shared queue's tasks until it is empty.
    fn run_all(queue: &RunQueue) {
        while let Ok(task) = queue.rx.try_recv() {
            queue.run(task);
        }
    }

    /// Runs `f` on a thread that is a worker of `queue`.
    fn on_worker(queue: &Arc<RunQueue>, f: impl FnOnce() + Send) {
        std::thread::scope(|s| {
            s.spawn(|| {
                queue.enter();
                f();
            });
        });
    }

    #[test]
    fn tasks_woken_outside_a_run_go_to_the_shared_queue_in_order() {
        let queue = RunQueue::new();
        let log = Log::default();
        // Even on the queue's own worker: a wake-up outside a run (its reactor turn
        // while it idles) must reach the queue the worker waits on.
        on_worker(&queue, || {
            for name in ["a", "b", "c"] {
                log_task(&queue, &log, name);
            }
            assert_eq!(queue.rx.len(), 3);
            run_all(&queue);
        });
        assert_eq!(*log.lock().unwrap(), ["a", "b", "c"]);
    }

    #[test]
    fn a_worker_runs_the_task_it_woke_last_first() {
        let queue = RunQueue::new();
        let log = Log::default();
        on_worker(&queue, || {
            let (q, l) = (queue.clone(), log.clone());
            // A task that, while it runs, wakes two more: the last one woken runs
            // right after it, the other goes to the shared queue.
            queue.spawn(async move {
                l.lock().unwrap().push("first");
                log_task(&q, &l, "pushed out");
                log_task(&q, &l, "woken last");
            });
            let first = queue.rx.try_recv().unwrap();
            assert_eq!(
                queue.run(first),
                2,
                "the first task and the one in the slot"
            );
            assert!(SLOT.take().is_none(), "the slot is empty after a run");
            assert_eq!(queue.rx.len(), 1);
            run_all(&queue);
        });
        assert_eq!(*log.lock().unwrap(), ["first", "woken last", "pushed out"]);
    }

    #[test]
    fn a_task_of_another_queue_woken_in_a_run_goes_to_its_own_queue() {
        let (queue, other) = (RunQueue::new(), RunQueue::new());
        let log = Log::default();
        on_worker(&queue, || {
            let (o, l) = (other.clone(), log.clone());
            queue.spawn(async move { log_task(&o, &l, "other's") });
            let first = queue.rx.try_recv().unwrap();
            assert_eq!(
                queue.run(first),
                1,
                "another queue's task is not in the slot"
            );
            assert!(queue.rx.is_empty());
            assert_eq!(other.rx.len(), 1);
        });
        run_all(&other);
        assert_eq!(*log.lock().unwrap(), ["other's"]);
    }

    /// Wakes its waker when it is dropped.
    struct WakeOnDrop(std::task::Waker);

    impl Drop for WakeOnDrop {
        fn drop(&mut self) {
            self.0.wake_by_ref();
        }
    }

    thread_local! {
        static WAKE_AT_EXIT: RefCell<Option<WakeOnDrop>> = const { RefCell::new(None) };
    }

    #[test]
    fn a_task_woken_by_a_thread_local_s_destructor_is_queued() {
        let queue = RunQueue::new();
        let waker = Arc::new(Mutex::new(None));
        let w = waker.clone();
        // A task that keeps its waker and waits for ever.
        queue.spawn(std::future::poll_fn(move |cx| {
            *w.lock().unwrap() = Some(cx.waker().clone());
            std::task::Poll::<()>::Pending
        }));
        run_all(&queue);
        let waker = waker.lock().unwrap().take().unwrap();
        let (woke_tx, woke) = std::sync::mpsc::channel();
        let (exit, exit_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            // Registered first, so destroyed after the run queue's thread-local, which
            // the wake-up below registers.
            WAKE_AT_EXIT.set(Some(WakeOnDrop(waker.clone())));
            waker.wake();
            woke_tx.send(()).unwrap();
            let _ = exit_rx.recv_timeout(std::time::Duration::from_secs(10));
        });
        woke.recv_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        assert_eq!(queue.rx.len(), 1, "queued by the thread's wake-up");
        run_all(&queue);
        drop(exit);
        thread.join().expect("the thread exits cleanly");
        assert_eq!(queue.rx.len(), 1, "queued by the destructor's wake-up");
        queue.close();
    }

    #[test]
    fn a_task_that_panics_ends_and_the_worker_goes_on() {
        let queue = RunQueue::new();
        let log = Log::default();
        queue.spawn(async { panic!("a task panics") });
        log_task(&queue, &log, "after");
        run_all(&queue);
        assert_eq!(*log.lock().unwrap(), ["after"]);
        assert!(queue.tasks().take().iter().all(|task| task.is_finished()));
    }

    #[test]
    fn a_worker_that_steps_out_hands_its_slot_to_the_shared_queue() {
        let queue = RunQueue::new();
        let log = Log::default();
        on_worker(&queue, || {
            let (q, l) = (queue.clone(), log.clone());
            queue.spawn(async move {
                log_task(&q, &l, "in the slot");
                // About to block: the slot's task must be runnable by another thread.
                let out = q.step_out();
                assert_eq!(q.rx.len(), 1);
                log_task(&q, &l, "woken while out");
                assert_eq!(q.rx.len(), 2, "woken while stepped out: the shared queue");
                drop(out);
                log_task(&q, &l, "back in the slot");
                assert_eq!(q.rx.len(), 2);
            });
            let first = queue.rx.try_recv().unwrap();
            assert_eq!(queue.run(first), 2);
            run_all(&queue);
        });
        assert_eq!(
            *log.lock().unwrap(),
            ["back in the slot", "in the slot", "woken while out"]
        );
    }

    #[test]
    fn the_slot_runs_at_most_its_limit_in_a_row() {
        // A chain of tasks, each waking the next as it runs, longer than the limit.
        fn chain(q: Arc<RunQueue>, count: Arc<Mutex<usize>>, left: usize) {
            let q2 = q.clone();
            q.spawn(async move {
                *count.lock().unwrap() += 1;
                if left > 0 {
                    chain(q2, count, left - 1);
                }
            });
        }
        let queue = RunQueue::new();
        let count = Arc::new(Mutex::new(0usize));
        on_worker(&queue, || {
            chain(queue.clone(), count.clone(), 2 * LIFO_LIMIT);
            let first = queue.rx.try_recv().unwrap();
            assert_eq!(queue.run(first), LIFO_LIMIT + 1);
            assert_eq!(*count.lock().unwrap(), LIFO_LIMIT + 1);
            assert_eq!(
                queue.rx.len(),
                1,
                "the rest of the chain waits in the shared queue"
            );
            run_all(&queue);
        });
        assert_eq!(*count.lock().unwrap(), 2 * LIFO_LIMIT + 1);
    }

    struct Flag(Arc<Mutex<bool>>);

    impl Drop for Flag {
        fn drop(&mut self) {
            *self.0.lock().unwrap() = true;
        }
    }

    #[test]
    fn a_closed_queue_cancels_its_queued_and_waiting_tasks_and_later_ones() {
        let queue = RunQueue::new();
        let [queued, waiting, later]: [Arc<Mutex<bool>>; 3] = Default::default();
        let flag = Flag(waiting.clone());
        queue.spawn(async move {
            let _flag = flag;
            std::future::pending::<()>().await;
        });
        run_all(&queue); // now waiting, woken by nothing
        let flag = Flag(queued.clone());
        queue.spawn(async move {
            let _flag = flag;
        });
        queue.close();
        assert!(
            *queued.lock().unwrap(),
            "the queued task's future is dropped"
        );
        assert!(
            *waiting.lock().unwrap(),
            "the waiting task's future is dropped"
        );
        assert_eq!(queue.tasks().len(), 0);
        let flag = Flag(later.clone());
        queue.spawn(async move {
            let _flag = flag;
        });
        assert!(
            *later.lock().unwrap(),
            "a task scheduled after the close is dropped"
        );
    }

    #[test]
    fn closing_cancels_a_long_chain_without_recursing() {
        // Each task, when its future is dropped, wakes the next one (as an actor's
        // drop fails the asks it held, waking their askers): the close must drop
        // them one after another, not each inside the previous one's drop.
        const N: usize = 50_000;
        struct WakeNext {
            wakers: Arc<Mutex<Vec<Option<std::task::Waker>>>>,
            next: usize,
        }
        impl Drop for WakeNext {
            fn drop(&mut self) {
                let waker = self
                    .wakers
                    .lock()
                    .unwrap()
                    .get_mut(self.next)
                    .and_then(Option::take);
                if let Some(waker) = waker {
                    waker.wake();
                }
            }
        }
        let queue = RunQueue::new();
        let wakers = Arc::new(Mutex::new(vec![None; N]));
        let dropped = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for i in 0..N {
            let (wakers, dropped) = (wakers.clone(), dropped.clone());
            queue.spawn(async move {
                let _next = WakeNext {
                    wakers: wakers.clone(),
                    next: i + 1,
                };
                struct Count(Arc<std::sync::atomic::AtomicUsize>);
                impl Drop for Count {
                    fn drop(&mut self) {
                        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
                let _count = Count(dropped);
                std::future::poll_fn(|cx| {
                    wakers.lock().unwrap()[i] = Some(cx.waker().clone());
                    std::task::Poll::<()>::Pending
                })
                .await;
            });
        }
        run_all(&queue);
        queue.close();
        assert_eq!(dropped.load(std::sync::atomic::Ordering::Relaxed), N);
    }

    #[test]
    fn finished_tasks_handles_are_pruned() {
        let queue = RunQueue::new();
        for _ in 0..1000 {
            queue.spawn(async {});
            run_all(&queue);
        }
        let tasks = queue.tasks();
        assert!(tasks.len() <= 64, "{} handles kept", tasks.len());
    }
}
