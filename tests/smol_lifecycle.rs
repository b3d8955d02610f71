//! The smol runtime's threads: names, lifetime, shutdown, and a runtime on the user's own
//! executor.

use std::sync::Arc;
use std::time::Duration;

use pykka_core::{Actor, ActorRegistry, AskError, Context, Event, Failure};
use pykka_smol::SmolRuntime;

const WAIT: Duration = Duration::from_secs(30);

struct Echo;

impl Actor for Echo {
    type Message = u32;
    type Reply = u32;
    fn on_receive(&mut self, m: u32, _: &Context<Self>) -> Result<u32, Failure> {
        Ok(m)
    }
}

/// Reports the name of the thread its handler runs on.
struct WhereAmI;

impl Actor for WhereAmI {
    type Message = ();
    type Reply = String;
    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<String, Failure> {
        Ok(std::thread::current()
            .name()
            .unwrap_or_default()
            .to_string())
    }
}

#[test]
fn handlers_run_on_the_runtime_s_named_threads() {
    let rt = SmolRuntime::builder()
        .worker_threads(2)
        .thread_name_prefix("smolnames")
        .build();
    let a = WhereAmI.start(&rt).unwrap();
    let name = a.ask_timeout((), WAIT).unwrap();
    assert!(name.starts_with("smolnames-"), "{name}");
    assert!(a.stop_timeout(WAIT).unwrap());
}

#[test]
fn no_thread_starts_before_the_first_actor() {
    let rt = SmolRuntime::builder().worker_threads(3).build();
    assert_eq!(rt.thread_stats().total, 0);
    let a = Echo.start(&rt).unwrap();
    assert_eq!(a.ask_timeout(1, WAIT).unwrap(), 1);
    assert_eq!(rt.thread_stats().total, 3);
    assert!(a.stop_timeout(WAIT).unwrap());
}

#[test]
fn an_actor_keeps_its_runtime_alive_and_the_threads_end_after_both_are_gone() {
    // One worker runs its actors from the runtime's own run queue, two from the
    // executor's: the same lifetime either way.
    for workers in [1, 2] {
        let rt = SmolRuntime::builder().worker_threads(workers).build();
        let stopped = rt.stopped();
        let registry = ActorRegistry::new();
        let echo = registry.start(&rt, Echo).unwrap();
        drop(rt);
        // The runtime value is gone, the actor is not: it still answers.
        assert_eq!(echo.ask_timeout(7, WAIT).unwrap(), 7);
        assert!(!stopped.is_set());
        assert!(echo.stop_timeout(WAIT).unwrap());
        assert!(
            stopped.wait_timeout(WAIT),
            "{workers} workers: every worker thread exits"
        );
    }
}

#[test]
fn the_threads_end_when_the_last_clone_of_an_idle_runtime_is_dropped() {
    let rt = SmolRuntime::builder().worker_threads(2).build();
    let stopped = rt.stopped();
    let echo = Echo.start(&rt).unwrap();
    assert!(echo.stop_timeout(WAIT).unwrap());
    let clone = rt.clone();
    drop(rt);
    assert!(!stopped.is_set());
    drop(clone);
    assert!(stopped.wait_timeout(WAIT), "every worker thread exits");
}

/// Blocks in its handler until `release` is set.
struct Blocker {
    entered: Event,
    release: Event,
}

impl Actor for Blocker {
    type Message = ();
    type Reply = bool;
    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<bool, Failure> {
        self.entered.set();
        Ok(self.release.wait_timeout(WAIT))
    }
}

#[test]
fn shutdown_fails_pending_asks_and_refuses_new_actors() {
    let rt = SmolRuntime::builder().worker_threads(1).build();
    let registry = ActorRegistry::new();
    let (entered, release) = (Event::new(), Event::new());
    let blocker = registry
        .start(
            &rt,
            Blocker {
                entered: entered.clone(),
                release: release.clone(),
            },
        )
        .unwrap();
    let idle = registry.start(&rt, Echo).unwrap();
    assert_eq!(idle.ask_timeout(1, WAIT).unwrap(), 1);
    let first = blocker.ask_nonblocking(());
    assert!(entered.wait_timeout(WAIT));
    let queued = blocker.ask_nonblocking(());

    rt.shutdown();
    assert!(Echo.start(&rt).is_err(), "no new actor after shutdown");
    assert!(registry.start(&rt, Echo).is_err());

    // The running handler finishes (the executor is dropped once no thread runs it
    // any more); the message queued behind it fails, and so does every actor left.
    release.set();
    assert!(first.get_timeout(WAIT).unwrap());
    assert!(matches!(queued.get_timeout(WAIT), Err(AskError::Dead(_))));
    assert!(rt.stopped().wait_timeout(WAIT), "every worker thread exits");
    assert!(matches!(idle.ask_timeout(2, WAIT), Err(AskError::Dead(_))));
    assert!(!idle.is_alive());
    assert!(!blocker.is_alive());
}

#[test]
fn a_runtime_on_the_user_s_executor_runs_actors_where_the_user_drives_it() {
    let ex = Arc::new(pykka_smol::smol::Executor::new());
    let rt = SmolRuntime::with_executor(ex.clone());
    assert_eq!(rt.worker_threads(), 0);
    let done = Event::new();
    let driver = std::thread::spawn({
        let (ex, done) = (ex.clone(), done.clone());
        move || pykka_smol::smol::block_on(ex.run(done.wait_async()))
    });
    let echo = Echo.start(&rt).unwrap();
    // Asked from outside the executor: a blocking ask is fine here.
    assert_eq!(echo.ask_timeout(3, WAIT).unwrap(), 3);
    assert!(echo.stop_timeout(WAIT).unwrap());
    done.set();
    driver.join().unwrap();
}

/// Awaits an event nobody sets; says when it is dropped.
struct Stuck {
    entered: Event,
    never: Event,
    dropped: Event,
}

impl Drop for Stuck {
    fn drop(&mut self) {
        self.dropped.set();
    }
}

impl Actor for Stuck {
    type Message = ();
    type Reply = ();
    async fn on_receive_async(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> {
        self.entered.set();
        self.never.wait_async().await;
        Ok(())
    }
}

#[test]
fn shutdown_drops_an_actor_that_awaits_forever() {
    // The executor drops its tasks, waiting or not, once no thread runs it; so must a
    // one-worker runtime's own run queue.
    for workers in [1, 2] {
        let rt = SmolRuntime::builder().worker_threads(workers).build();
        let (entered, dropped) = (Event::new(), Event::new());
        let stuck = Stuck {
            entered: entered.clone(),
            never: Event::new(),
            dropped: dropped.clone(),
        }
        .start(&rt)
        .unwrap();
        let reply = stuck.ask_nonblocking(());
        assert!(entered.wait_timeout(WAIT));
        rt.shutdown();
        assert!(
            rt.stopped().wait_timeout(WAIT),
            "{workers} workers: threads exit"
        );
        assert!(
            dropped.wait_timeout(Duration::from_secs(5)),
            "{workers} workers: the awaiting actor is dropped"
        );
        assert!(
            reply.get_timeout(WAIT).is_err(),
            "{workers} workers: its ask fails"
        );
    }
}

/// Sets its event, then panics, when it is dropped (unless its thread already
/// unwinds).
struct Bomb(Event);

impl Drop for Bomb {
    fn drop(&mut self) {
        self.0.set();
        if !std::thread::panicking() {
            panic!("a bomb held across an await went off in its drop");
        }
    }
}

/// What an armed handler or hook does: sets `entered`, then awaits `never` (an event
/// nobody sets) with a [`Bomb`] held across the await.
struct Trap {
    entered: Event,
    never: Event,
    bomb_dropped: Event,
}

impl Trap {
    async fn spring(&self) -> Result<(), Failure> {
        let bomb = Bomb(self.bomb_dropped.clone());
        self.entered.set();
        self.never.wait_async().await;
        drop(bomb);
        Ok(())
    }
}

/// Its handler springs its [`Trap`].
struct Armed(Trap);

impl Actor for Armed {
    type Message = ();
    type Reply = ();
    async fn on_receive_async(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> {
        self.0.spring().await
    }
}

/// Its `on_start_async` springs its [`Trap`].
struct ArmedStart(Trap);

impl Actor for ArmedStart {
    type Message = ();
    type Reply = ();
    async fn on_start_async(&mut self, _: &Context<Self>) -> Result<(), Failure> {
        self.0.spring().await
    }
    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> {
        Ok(())
    }
}

/// Starts two actors made by `armed` around a [`Trap`], which their handler or hook
/// (`what`) springs, and one
/// [`Stuck`] actor; shuts the runtime down while they all await. A shutdown drops every
/// suspended future with the values it holds across its await: a panic in one of those
/// drops must not unwind into the thread that drops the tasks (two of them aborted the
/// process), nor keep the other actors from being dropped and the threads from exiting.
fn shutdown_contains_panicking_drops<A: Actor<Message = (), Reply = ()>>(
    what: &str,
    armed: impl Fn(Trap) -> A,
) {
    for workers in [1, 2] {
        let rt = SmolRuntime::builder().worker_threads(workers).build();
        let mut replies = Vec::new();
        let mut bombs = Vec::new();
        for _ in 0..2 {
            let (entered, bomb_dropped) = (Event::new(), Event::new());
            let actor = armed(Trap {
                entered: entered.clone(),
                never: Event::new(),
                bomb_dropped: bomb_dropped.clone(),
            })
            .start(&rt)
            .unwrap();
            replies.push(actor.ask_nonblocking(()));
            bombs.push(bomb_dropped);
            assert!(
                entered.wait_timeout(WAIT),
                "{workers} workers: {what} awaits"
            );
        }
        let (entered, dropped) = (Event::new(), Event::new());
        let stuck = Stuck {
            entered: entered.clone(),
            never: Event::new(),
            dropped: dropped.clone(),
        }
        .start(&rt)
        .unwrap();
        replies.push(stuck.ask_nonblocking(()));
        assert!(entered.wait_timeout(WAIT));
        rt.shutdown();
        assert!(
            rt.stopped().wait_timeout(WAIT),
            "{workers} workers: threads exit"
        );
        assert!(
            dropped.wait_timeout(WAIT),
            "{workers} workers: the other awaiting actor is dropped"
        );
        for reply in replies {
            assert!(
                reply.get_timeout(WAIT).is_err(),
                "{workers} workers: every ask fails"
            );
        }
        for bomb in bombs {
            // Dropped, not leaked (the last handle of the executor may be dropped
            // just after the threads exit).
            assert!(
                bomb.wait_timeout(WAIT),
                "{workers} workers: the bomb is dropped"
            );
        }
    }
}

#[test]
fn shutdown_contains_panics_in_the_drops_of_suspended_hooks() {
    shutdown_contains_panicking_drops("hook", ArmedStart);
}

#[test]
fn shutdown_contains_panics_in_the_drops_of_suspended_handlers() {
    shutdown_contains_panicking_drops("handler", Armed);
}
