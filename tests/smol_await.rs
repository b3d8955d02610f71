//! Awaiting a reply inside an async task yields to the executor (issue 4, point 4).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pykka_core::{Actor, ActorRegistry, Context, Event, Failure, Reply};
use pykka_smol::SmolRuntime;
use pykka_thread::ThreadRuntime;

const WAIT: Duration = Duration::from_secs(30);

/// Answers only once `release` is set (bounded: `false` after a long wait).
struct Slow {
    release: Event,
}

impl Actor for Slow {
    type Message = ();
    type Reply = bool;
    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<bool, Failure> {
        Ok(self.release.wait_timeout(WAIT))
    }
}

/// On a one-worker runtime, task A awaits a slow actor's reply; task B, spawned after
/// A, must run meanwhile: it is the one that releases the slow actor.
fn one_task_awaits_while_another_runs(slow_rt: impl pykka_core::Runtime) {
    let rt = SmolRuntime::builder().worker_threads(1).build();
    let registry = ActorRegistry::new();
    let release = Event::new();
    let slow = registry
        .start(
            &slow_rt,
            Slow {
                release: release.clone(),
            },
        )
        .unwrap();

    let a_waits = Event::new();
    let a_result: Reply<bool> = Reply::new();
    let task_a = {
        let (a_waits, a_result) = (a_waits.clone(), a_result.clone());
        rt.spawn_future(async move {
            let reply = slow.ask_nonblocking(());
            a_waits.set();
            let answer = reply.await.expect("the slow actor answers");
            a_result.set(answer).unwrap();
        })
        .unwrap()
    };
    let task_b = rt
        .spawn_future(async move {
            a_waits.wait_async().await;
            release.set();
        })
        .unwrap();
    task_a.detach();
    task_b.detach();

    assert!(
        a_result.get_timeout(WAIT).expect("task A finishes"),
        "the slow actor was released by task B, not by its own timeout"
    );
    // Nothing blocked a worker thread: the pool never needed a spare.
    assert_eq!(rt.thread_stats().total, 1, "{:?}", rt.thread_stats());
    assert_eq!(rt.thread_stats().blocked, 0);
    registry.stop_all_timeout(WAIT).unwrap();
}

#[test]
fn awaiting_a_thread_actor_on_one_worker_lets_other_tasks_run() {
    one_task_awaits_while_another_runs(ThreadRuntime::default());
}

#[test]
fn awaiting_an_actor_of_another_smol_runtime_on_one_worker_lets_other_tasks_run() {
    one_task_awaits_while_another_runs(SmolRuntime::builder().worker_threads(1).build());
}

#[test]
fn many_tasks_finish_while_one_awaits() {
    let rt = SmolRuntime::builder().worker_threads(1).build();
    let later = Reply::<u32>::new();
    // The reply itself is the task's future: it waits until the end of the test.
    let waiting = rt.spawn_future(later.clone()).unwrap();
    let done: Vec<Reply<usize>> = (0..100).map(|_| Reply::new()).collect();
    for (i, d) in done.iter().enumerate() {
        let d = d.clone();
        rt.spawn_future(async move {
            pykka_smol::smol::future::yield_now().await;
            d.set(i).unwrap();
        })
        .unwrap()
        .detach();
    }
    assert_eq!(
        pykka_core::get_all_timeout(&done, WAIT).unwrap(),
        (0..100).collect::<Vec<_>>()
    );
    later.set(5).unwrap();
    assert_eq!(pykka_smol::smol::block_on(waiting).unwrap(), 5);
}

/// A smol actor answering from the same one-worker runtime as the awaiting task.
struct Echo;

impl Actor for Echo {
    type Message = String;
    type Reply = String;
    fn on_receive(&mut self, m: String, _: &Context<Self>) -> Result<String, Failure> {
        Ok(m)
    }
}

#[test]
fn a_task_awaits_an_actor_of_its_own_runtime() {
    let rt = SmolRuntime::builder().worker_threads(1).build();
    let echo = Echo.start(&rt).unwrap();
    let asker = echo.clone();
    let task = rt
        .spawn_future(async move {
            let mut out = Vec::new();
            for i in 0..10 {
                out.push(asker.ask_nonblocking(format!("m{i}")).await.unwrap());
            }
            out
        })
        .unwrap();
    let got = pykka_smol::smol::block_on(task);
    assert_eq!(got, (0..10).map(|i| format!("m{i}")).collect::<Vec<_>>());
    assert!(echo.stop_timeout(WAIT).unwrap());
    assert_eq!(rt.thread_stats().total, 1);
}

/// Awaits a smol timer (async I/O of the reactor), then answers.
struct Napper;

impl Actor for Napper {
    type Message = u32;
    type Reply = u32;
    async fn on_receive_async(&mut self, n: u32, _: &Context<Self>) -> Result<u32, Failure> {
        pykka_smol::smol::Timer::after(Duration::from_millis(1)).await;
        Ok(n)
    }
}

/// An idle one-worker runtime drives the reactor on its worker thread, so that is where
/// the timer wakes the actor: outside any task's run, the woken actor must go where
/// the worker looks for work (it once went into the worker's slot for the actor woken
/// last, which is only looked at after a run, and the ask hung).
#[test]
fn an_actor_awaiting_a_timer_on_one_worker_answers() {
    let rt = SmolRuntime::builder().worker_threads(1).build();
    let napper = Napper.start(&rt).unwrap();
    for n in 0..50 {
        let answer = napper.ask_timeout(n, Duration::from_secs(5));
        assert_eq!(answer.ok(), Some(n), "ask {n}");
    }
    assert!(napper.stop_timeout(WAIT).unwrap());
}

/// Its `on_start_async` and `on_stop_async` await their gates.
struct GatedHooks {
    start_gate: Event,
    stop_gate: Event,
    stopped: Arc<AtomicUsize>,
}

impl Actor for GatedHooks {
    type Message = ();
    type Reply = u32;
    async fn on_start_async(&mut self, _: &Context<Self>) -> Result<(), Failure> {
        self.start_gate.wait_async().await;
        Ok(())
    }
    async fn on_stop_async(&mut self, _: &Context<Self>) -> Result<(), Failure> {
        self.stop_gate.wait_async().await;
        self.stopped.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<u32, Failure> {
        Ok(1)
    }
}

#[test]
fn async_hooks_that_await_on_one_worker_hold_no_thread() {
    const N: usize = 100;
    let rt = SmolRuntime::builder().worker_threads(1).build();
    let registry = ActorRegistry::new();
    let stopped = Arc::new(AtomicUsize::new(0));
    let (start_gate, stop_gate) = (Event::new(), Event::new());
    let actors: Vec<_> = (0..N)
        .map(|_| {
            let actor = GatedHooks {
                start_gate: start_gate.clone(),
                stop_gate: stop_gate.clone(),
                stopped: stopped.clone(),
            };
            registry.start(&rt, actor).unwrap()
        })
        .collect();
    let echo = registry.start(&rt, Echo).unwrap();
    // Every `on_start_async` is suspended on its gate, and the one worker still runs
    // another actor: nothing blocked it, and no thread took its place.
    assert_eq!(echo.ask_timeout("7".into(), WAIT).unwrap(), "7");
    assert_eq!(rt.thread_stats().total, 1);
    start_gate.set();
    for actor in &actors {
        assert_eq!(actor.ask_timeout((), WAIT).unwrap(), 1);
    }
    // The same for `on_stop_async`; a stop is answered only once it ended.
    let stops: Vec<_> = actors.iter().map(|a| a.stop_nonblocking()).collect();
    assert_eq!(echo.ask_timeout("8".into(), WAIT).unwrap(), "8");
    assert_eq!(rt.thread_stats().total, 1);
    assert_eq!(stopped.load(Ordering::SeqCst), 0);
    assert!(stops.iter().all(|stop| !stop.is_ready()));
    stop_gate.set();
    for stop in &stops {
        assert!(stop.get_timeout(WAIT).unwrap());
    }
    assert_eq!(stopped.load(Ordering::SeqCst), N);
}
