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
//! pool takes from: tasks woken from outside a worker (another thread, another pool),
//! a task that wakes itself while it runs (a yield: it goes to the back), the task a
//! newer one pushed out of the slot, and a slot's task after [`LIFO_LIMIT`] runs in a
//! row (so that two actors asking each other forever cannot starve the rest).
//!
//! Why only with one worker: a task in a worker's slot can be run by that worker only
//! (a pool of several workers runs its actors on the executor).
//! With several workers, a handler that woke an actor and then computes, or blocks
//! outside pykka, would hold that actor back while another worker idles; with one
//! worker nothing else could have run it meanwhile anyway. A worker about to block
//! through pykka (its place lent to another thread) first moves its slot's task to the
//! shared queue ([`RunQueue::flush_slot`]), so the thread that takes its place runs it.
//!
//! When the pool is gone (its last thread left), the queue is closed: queued tasks are
//! dropped, as an executor drops its tasks, and a later wake-up drops its task instead
//! of queueing it.

use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;

use async_channel::{Receiver, Sender};
use async_task::{Runnable, ScheduleInfo, WithInfo};

/// How many tasks a worker runs from its slot in a row before the slot's task goes to
/// the back of the shared queue.
pub(crate) const LIFO_LIMIT: usize = 32;

thread_local! {
    /// The run queue whose worker this thread is (its address; 0 for none).
    static HOME: Cell<usize> = const { Cell::new(0) };
    /// The task this worker woke last, to run next.
    static SLOT: Cell<Option<Runnable>> = const { Cell::new(None) };
}

/// The shared queue of a pool's actor tasks (its workers' slots are thread-locals).
#[derive(Debug)]
pub(crate) struct RunQueue {
    tx: Sender<Runnable>,
    rx: Receiver<Runnable>,
}

impl RunQueue {
    pub(crate) fn new() -> Arc<RunQueue> {
        let (tx, rx) = async_channel::unbounded();
        Arc::new(RunQueue { tx, rx })
    }

    fn id(self: &Arc<Self>) -> usize {
        Arc::as_ptr(self) as usize
    }

    /// Spawns `future` as a task of this queue, scheduled at once; it runs until it
    /// completes or the queue closes.
    pub(crate) fn spawn<F>(self: &Arc<Self>, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let tx = self.tx.clone();
        let home = self.id();
        let schedule = move |runnable: Runnable, info: ScheduleInfo| {
            if !info.woken_while_running && HOME.get() == home {
                if let Some(older) = SLOT.replace(Some(runnable)) {
                    push(&tx, older);
                }
            } else {
                push(&tx, runnable);
            }
        };
        let (runnable, task) = async_task::spawn(future, WithInfo(schedule));
        task.detach();
        runnable.schedule();
    }

    /// Makes the calling thread a worker of this queue (for its slot).
    pub(crate) fn enter(self: &Arc<Self>) {
        HOME.set(self.id());
    }

    /// The next task of the shared queue; `None` once the queue is closed.
    pub(crate) async fn next(&self) -> Option<Runnable> {
        self.rx.recv().await.ok()
    }

    /// Runs `runnable`, then the tasks it (and they) woke into this worker's slot, at
    /// most [`LIFO_LIMIT`] of them; a slot's task left after that goes to the back of
    /// the shared queue. The slot is empty when this returns.
    pub(crate) fn run(&self, runnable: Runnable) {
        runnable.run();
        for _ in 0..LIFO_LIMIT {
            match SLOT.take() {
                Some(next) => {
                    next.run();
                }
                None => return,
            }
        }
        self.flush_slot();
    }

    /// Runs the tasks that code outside this queue's tasks (an executor task) woke into
    /// this worker's slot.
    pub(crate) fn run_slot(&self) {
        if let Some(next) = SLOT.take() {
            self.run(next);
        }
    }

    /// Moves the calling worker's slot task to the shared queue: the worker is about to
    /// block, and another thread is to run it.
    pub(crate) fn flush_slot(&self) {
        if let Some(task) = SLOT.take() {
            push(&self.tx, task);
        }
    }

    /// Closes the queue and drops the tasks queued in it; later wake-ups drop their
    /// task. For when no thread will run the queue again.
    pub(crate) fn close(&self) {
        self.rx.close();
        while let Ok(task) = self.rx.try_recv() {
            drop(task);
        }
    }
}

/// Queues `task` on the shared queue; once it is closed, drops it (which drops its
/// future: the task is cancelled).
fn push(tx: &Sender<Runnable>, task: Runnable) {
    if let Err(closed) = tx.try_send(task) {
        drop(closed.into_inner());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn log_task(queue: &Arc<RunQueue>, log: &Arc<Mutex<Vec<&'static str>>>, name: &'static str) {
        let log = log.clone();
        queue.spawn(async move { log.lock().unwrap().push(name) });
    }

    #[test]
    fn tasks_woken_from_outside_run_in_the_order_they_were_woken() {
        let queue = RunQueue::new();
        let log = Arc::new(Mutex::new(Vec::new()));
        for name in ["a", "b", "c"] {
            log_task(&queue, &log, name);
        }
        while let Ok(task) = queue.rx.try_recv() {
            queue.run(task);
        }
        assert_eq!(*log.lock().unwrap(), ["a", "b", "c"]);
    }

    #[test]
    fn a_worker_runs_the_task_it_woke_last_first() {
        let queue = RunQueue::new();
        let log = Arc::new(Mutex::new(Vec::new()));
        std::thread::scope(|s| {
            s.spawn(|| {
                queue.enter();
                let (q, l) = (queue.clone(), log.clone());
                // A task that, while it runs, wakes two more: the last one woken runs
                // right after it, the other goes to the shared queue.
                queue.spawn(async move {
                    l.lock().unwrap().push("first");
                    log_task(&q, &l, "pushed out");
                    log_task(&q, &l, "woken last");
                });
                // Spawned from the worker: in the slot, not the shared queue.
                assert!(queue.rx.is_empty());
                queue.run_slot();
                assert!(SLOT.take().is_none(), "the slot is empty after a run");
                while let Ok(task) = queue.rx.try_recv() {
                    queue.run(task);
                }
            });
        });
        assert_eq!(*log.lock().unwrap(), ["first", "woken last", "pushed out"]);
    }

    #[test]
    fn a_task_woken_by_another_thread_goes_to_the_shared_queue() {
        let queue = RunQueue::new();
        let ran = Arc::new(Mutex::new(false));
        let r = ran.clone();
        // This thread never entered the queue.
        queue.spawn(async move { *r.lock().unwrap() = true });
        let task = queue.rx.try_recv().expect("queued on the shared queue");
        queue.run(task);
        assert!(*ran.lock().unwrap());
    }

    #[test]
    fn the_slot_runs_at_most_its_limit_in_a_row() {
        // A task that wakes itself through a copy of its waker held by the next one:
        // a chain of tasks each waking the next, longer than the limit.
        let queue = RunQueue::new();
        let count = Arc::new(Mutex::new(0usize));
        std::thread::scope(|s| {
            s.spawn(|| {
                queue.enter();
                fn chain(q: Arc<RunQueue>, count: Arc<Mutex<usize>>, left: usize) {
                    let q2 = q.clone();
                    q.spawn(async move {
                        *count.lock().unwrap() += 1;
                        if left > 0 {
                            chain(q2, count, left - 1);
                        }
                    });
                }
                chain(queue.clone(), count.clone(), 2 * LIFO_LIMIT);
                queue.run_slot();
                assert_eq!(*count.lock().unwrap(), LIFO_LIMIT + 1);
                assert_eq!(
                    queue.rx.len(),
                    1,
                    "the rest of the chain waits in the shared queue"
                );
                while let Ok(task) = queue.rx.try_recv() {
                    queue.run(task);
                }
            });
        });
        assert_eq!(*count.lock().unwrap(), 2 * LIFO_LIMIT + 1);
    }

    #[test]
    fn a_closed_queue_drops_its_tasks_and_later_wakeups() {
        struct Flag(Arc<Mutex<bool>>);
        impl Drop for Flag {
            fn drop(&mut self) {
                *self.0.lock().unwrap() = true;
            }
        }
        let queue = RunQueue::new();
        let dropped = Arc::new(Mutex::new(false));
        let flag = Flag(dropped.clone());
        queue.spawn(async move {
            let _flag = flag;
        });
        queue.close();
        assert!(
            *dropped.lock().unwrap(),
            "the queued task's future is dropped"
        );
        let after = Arc::new(Mutex::new(false));
        let flag = Flag(after.clone());
        queue.spawn(async move {
            let _flag = flag;
        });
        assert!(
            *after.lock().unwrap(),
            "a task scheduled after the close is dropped"
        );
    }
}
