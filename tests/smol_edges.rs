//! The smol runtime at its edges: a shutdown while handlers wait, and the cap on the
//! threads that take blocked handlers' places.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use pykka_conformance::support::{Cmd, Events, Probe};
use pykka_core::{ActorRegistry, AskError, Event};
use pykka_smol::SmolRuntime;

const WAIT: Duration = Duration::from_secs(10);

/// A handler waits (its worker handed on); the runtime shuts down; then the handler
/// asks another actor of the runtime. Before, the other workers had left the executor,
/// whose last handle was in the waiting worker's frame: the asked actor never ran nor
/// was dropped, so the ask hung and `stopped` was never set. Now the shutdown closes
/// every inbox (the ask fails at once) and the workers stay until no handler waits.
#[test]
fn a_shutdown_while_a_handler_waits_ends_every_actor() {
    let rt = SmolRuntime::builder().worker_threads(1).build();
    let registry = ActorRegistry::new();
    let events = Events::new();
    let b = registry.start(&rt, Probe::new(&events)).unwrap();
    let a = registry.start(&rt, Probe::new(&events)).unwrap();
    let gate = Event::new();
    let entered = Event::new();
    let (g, e, target) = (gate.clone(), entered.clone(), b.clone());
    let answer = a.ask_nonblocking(Cmd::Run(Box::new(move |_| {
        e.set();
        g.wait_timeout(WAIT);
        match target.ask_timeout(Cmd::Ping, WAIT) {
            Err(AskError::Dead(_)) => "dead".to_string(),
            other => format!("{other:?}"),
        }
    })));
    assert!(entered.wait_timeout(WAIT));
    rt.shutdown();
    gate.set();
    assert_eq!(answer.get_timeout(WAIT).unwrap(), "dead");
    assert!(
        rt.stopped().wait_timeout(WAIT),
        "the runtime's threads did not end"
    );
    assert!(!a.is_alive() && !b.is_alive());
    assert!(matches!(
        b.ask_timeout(Cmd::Ping, WAIT),
        Err(AskError::Dead(_))
    ));
}

/// Idle actors of a runtime that shuts down end too, and asks queued for a busy actor
/// fail with `ActorDeadError` instead of waiting for a handler that will not come.
#[test]
fn a_shutdown_fails_queued_asks_at_once() {
    let rt = SmolRuntime::builder().worker_threads(2).build();
    let registry = ActorRegistry::new();
    let events = Events::new();
    let idle = registry.start(&rt, Probe::new(&events)).unwrap();
    let busy = registry.start(&rt, Probe::new(&events)).unwrap();
    let gate = Event::new();
    busy.tell(Cmd::Wait(gate.clone())).unwrap();
    let queued = busy.ask_nonblocking(Cmd::Ping);
    rt.shutdown();
    assert!(matches!(queued.get_timeout(WAIT), Err(AskError::Dead(_))));
    gate.set();
    assert!(rt.stopped().wait_timeout(WAIT));
    assert!(!idle.is_alive() && !busy.is_alive());
}

/// At most `max_blocking_threads` threads are added for handlers blocked at once; past
/// the cap a blocked handler holds its worker, and everything completes once the waits
/// end.
#[test]
fn blocking_threads_are_capped() {
    let rt = SmolRuntime::builder()
        .worker_threads(1)
        .max_blocking_threads(2)
        .build();
    let registry = ActorRegistry::new();
    let gate = Event::new();
    let events = Events::new();
    let mut replies = Vec::new();
    let entered = Arc::new(AtomicUsize::new(0));
    let three_entered = Event::new();
    for _ in 0..4 {
        let actor = registry.start(&rt, Probe::new(&events)).unwrap();
        let (g, e, n) = (gate.clone(), three_entered.clone(), entered.clone());
        replies.push(actor.ask_nonblocking(Cmd::Run(Box::new(move |_| {
            if n.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
                e.set();
            }
            g.wait_timeout(WAIT).to_string()
        }))));
    }
    // One worker and two added threads: three handlers (any three) can be blocked at
    // once; the fourth runs once one of them is done.
    assert!(three_entered.wait_timeout(WAIT));
    gate.set();
    for reply in replies {
        assert_eq!(reply.get_timeout(WAIT).unwrap(), "true");
    }
    let stats = rt.thread_stats();
    assert!(stats.peak <= 3, "{stats:?}");
    registry.stop_all_timeout(WAIT).unwrap();
}

/// A worker that blocks in a handler must not strand the tasks queued on it. With
/// async-executor's `run`, each worker keeps a local run queue (filled in batches from
/// the global one) that others steal from only when they have nothing else to do: with
/// the executor kept busy, a task stuck there waited until the handler returned.
#[test]
fn tasks_queued_on_a_blocked_worker_still_run() {
    let rt = SmolRuntime::builder().worker_threads(2).build();
    let stop = Arc::new(AtomicBool::new(false));
    // Keep the executor's queue busy, as under load.
    for _ in 0..8 {
        let stop = stop.clone();
        rt.spawn_future(async move {
            while !stop.load(Ordering::Relaxed) {
                pykka_smol::smol::future::yield_now().await;
            }
        })
        .unwrap()
        .detach();
    }
    let registry = ActorRegistry::new();
    let events = Events::new();
    let mut stranded = 0;
    for _ in 0..20 {
        let blocker = registry.start(&rt, Probe::new(&events)).unwrap();
        let marker = registry.start(&rt, Probe::new(&events)).unwrap();
        let (gate, ran) = (Event::new(), Event::new());
        // Told back to back, so that both sit in the queue together.
        blocker.tell(Cmd::Wait(gate.clone())).unwrap();
        let r = ran.clone();
        marker
            .tell(Cmd::Run(Box::new(move |_| {
                r.set();
                String::new()
            })))
            .unwrap();
        if !ran.wait_timeout(Duration::from_secs(5)) {
            stranded += 1;
        }
        gate.set();
        assert!(ran.wait_timeout(WAIT));
        blocker.stop_timeout(WAIT).unwrap();
        marker.stop_timeout(WAIT).unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    assert_eq!(
        stranded, 0,
        "of 20 tasks, {stranded} waited for a blocked handler"
    );
}
