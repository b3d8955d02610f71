//! `Reply` (Pykka's `Future`): completion, waiting, hooks and combinators.
//!
//! Ports Pykka 4.5's `tests/test_future.py` (Apache-2.0, © Stein Magnus Jodal and
//! contributors); rewritten in Rust, names kept minus `test_`.
//!
//! Deliberate deviations:
//! - The base-class `NotImplementedError` cases, the `TypeError` cases for
//!   non-iterable values (`filter`/`reduce` on a number) and `yield from` have no
//!   port: `Reply` is one concrete type, and `filter`/`reduce` require an iterable
//!   value at compile time.
//! - "full traceback" becomes: the original error keeps its type across contexts
//!   (`Failure::downcast_ref`).
//! - Where a value comes "from elsewhere", an actor of the runtime under test sets it,
//!   so that the wait crosses contexts the way the backend runs them.
//! - Pykka's `reduce(f, initial)` is `fold(initial, f)`.

use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::{Cmd, Events, Fixture, Probe, TIMEOUT};
use pykka_core::rt::park;
use pykka_core::{AskError, Failure, Reply, Runtime, get_all, get_all_timeout};

fn three() -> [Reply<u32>; 3] {
    [Reply::new(), Reply::new(), Reply::new()]
}

fn assert_timeout<T: std::fmt::Debug>(result: Result<T, AskError>) {
    assert!(matches!(result, Err(AskError::Timeout(_))), "{result:?}");
}

/// Sets `reply` to `value` from inside an actor of `fx`.
fn set_from_actor<R: Runtime, T: Send + 'static>(fx: &Fixture<R>, reply: &Reply<T>, value: T) {
    let actor = fx.start(Probe::new(&Events::new()));
    let reply = reply.clone();
    let run = Cmd::Run(Box::new(move |_| {
        reply.set(value).map(|()| String::new()).unwrap_or_default()
    }));
    actor.tell(run).unwrap();
}

/// §2.3.4: a second `set` is an error value.
pub fn set_multiple_times_fails<R: Runtime>(_rt: R) {
    let reply = Reply::new();
    reply.set(0).unwrap();
    assert_eq!(reply.set(1).unwrap_err().into_inner(), 1);
    assert_eq!(reply.get().unwrap(), 0);
}

/// §2.3.5: `get_all` waits for every reply (set by actors) and keeps their order.
pub fn get_all_blocks_until_all_futures_are_available<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let replies = three();
    for (n, reply) in (0..).zip(&replies) {
        set_from_actor(&fx, reply, n);
    }
    assert_eq!(get_all_timeout(&replies, TIMEOUT).unwrap(), vec![0, 1, 2]);
}

/// §2.3.6: `get_all` with a zero timeout fails while one reply is missing.
pub fn get_all_raises_timeout_if_not_all_futures_are_available<R: Runtime>(_rt: R) {
    let replies = three();
    replies[0].set(0).unwrap();
    replies[1].set(1).unwrap();
    assert_timeout(get_all_timeout(&replies, Duration::ZERO));
}

/// §2.3.7
pub fn get_all_can_be_called_multiple_times<R: Runtime>(_rt: R) {
    let replies = three();
    for (n, reply) in (0..).zip(&replies) {
        reply.set(n).unwrap();
    }
    assert_eq!(get_all(&replies).unwrap(), get_all(&replies).unwrap());
}

/// §2.3.8: a reply can carry another reply.
pub fn future_in_future_works<R: Runtime>(_rt: R) {
    let inner = Reply::new();
    inner.set("foo").unwrap();
    let outer = Reply::new();
    outer.set(inner).unwrap();
    assert_eq!(outer.get().unwrap().get().unwrap(), "foo");
}

/// §2.3.9 (adapted): an error set in an actor reaches the getter with its type.
pub fn get_raises_exception_with_full_traceback<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let reply = Reply::<u32>::new();
    let failure = Failure::new("x".parse::<u32>().unwrap_err());
    let actor = fx.start(Probe::new(&Events::new()));
    let sender = reply.clone();
    let run = Cmd::Run(Box::new(move |_| {
        format!("{:?}", sender.set_failure(failure).is_ok())
    }));
    assert_eq!(actor.ask_timeout(run, TIMEOUT).unwrap(), "true");
    match reply.get() {
        Err(AskError::Failed(f)) => assert!(f.downcast_ref::<std::num::ParseIntError>().is_some()),
        other => panic!("expected the failure, got {other:?}"),
    }
}

/// §2.3.10: `Reply` is a `std::future::Future`; awaiting it yields the value.
pub fn future_supports_await_syntax<R: Runtime>(rt: R) {
    let fx = Fixture::new(rt);
    let reply = Reply::new();
    let mut awaited = pin!(async { reply.clone().await });
    set_from_actor(&fx, &reply, 42);
    let deadline = Instant::now() + TIMEOUT;
    let out = park::wait_until(|cx| awaited.as_mut().poll(cx), Some(deadline));
    assert_eq!(out.expect("the await finished in time").unwrap(), 42);
}

fn counted_hook(
    calls: &Arc<AtomicUsize>,
) -> impl FnMut(Option<Duration>) -> Result<(), AskError> + Send + 'static {
    let calls = calls.clone();
    move |_| {
        calls.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// §2.3.12: a get-hook runs once, even when its value is `()`.
pub fn get_hook_is_only_called_once_even_if_result_is_none<R: Runtime>(_rt: R) {
    let calls = Arc::new(AtomicUsize::new(0));
    let reply = Reply::new();
    reply.set_get_hook(counted_hook(&calls)).unwrap();
    reply.get().unwrap();
    reply.get().unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// §2.3.13: `set` on a hooked reply fails; `get` still gives the hook's value.
pub fn set_is_not_allowed_on_future_with_get_hook<R: Runtime>(_rt: R) {
    let calls = Arc::new(AtomicUsize::new(0));
    let reply = Reply::new();
    reply.set_get_hook(counted_hook(&calls)).unwrap();
    assert!(reply.set(()).is_err());
    reply.get_timeout(TIMEOUT).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// §2.3.14: `set_failure` on a hooked reply fails; `get` still gives the hook's value.
pub fn set_exception_is_not_allowed_on_future_with_get_hook<R: Runtime>(_rt: R) {
    let reply = Reply::new();
    reply.set_get_hook(|_| Ok(1)).unwrap();
    let err = reply.set_failure(Failure::msg("nope")).unwrap_err();
    assert_eq!(err.into_inner().to_string(), "nope");
    assert_eq!(reply.get().unwrap(), 1);
}

/// §2.3.15: a reply that has a value refuses a hook and keeps its value.
pub fn set_hook_is_not_allowed_on_future_with_result<R: Runtime>(_rt: R) {
    let reply = Reply::new();
    reply.set(1).unwrap();
    assert!(reply.set_get_hook(|_| Ok(2)).is_err());
    assert_eq!(reply.get().unwrap(), 1);
}

/// §2.3.16
pub fn filter_excludes_items_not_matching_predicate<R: Runtime>(_rt: R) {
    let reply = Reply::new();
    let filtered = reply.clone().filter(|x| *x > 10);
    reply.set(vec![1, 3, 5, 7, 9, 11, 13, 15, 17, 19]).unwrap();
    assert_eq!(
        filtered.get_timeout(Duration::ZERO).unwrap(),
        vec![11, 13, 15, 17, 19]
    );
}

/// §2.3.18
pub fn filter_preserves_the_timeout_kwarg<R: Runtime>(_rt: R) {
    let reply = Reply::<Vec<u32>>::new();
    assert_timeout(reply.filter(|x| *x > 10).get_timeout(Duration::ZERO));
}

/// §2.3.19: the predicate runs once per item, not once per `get`.
pub fn filter_reuses_result_if_called_multiple_times<R: Runtime>(_rt: R) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let reply = Reply::new();
    let filtered = reply.clone().filter(move |x| {
        counter.fetch_add(1, Ordering::SeqCst);
        *x > 1
    });
    reply.set(vec![1, 2, 3]).unwrap();
    assert_eq!(filtered.get().unwrap(), vec![2, 3]);
    assert_eq!(filtered.get().unwrap(), vec![2, 3]);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

/// §2.3.20
pub fn join_combines_multiple_futures_into_one<R: Runtime>(_rt: R) {
    let [a, b, c] = three();
    let joined = a.clone().join([b.clone(), c.clone()]);
    a.set(0).unwrap();
    b.set(1).unwrap();
    c.set(2).unwrap();
    assert_eq!(joined.get_timeout(Duration::ZERO).unwrap(), vec![0, 1, 2]);
}

/// §2.3.21
pub fn join_preserves_timeout_kwarg<R: Runtime>(_rt: R) {
    let [a, b, c] = three();
    let joined = a.clone().join([b.clone(), c]);
    a.set(0).unwrap();
    b.set(1).unwrap();
    assert_timeout(joined.get_timeout(Duration::ZERO));
}

/// §2.3.22
pub fn map_returns_future_which_passes_result_through_func<R: Runtime>(_rt: R) {
    let reply = Reply::new();
    let mapped = reply.clone().map(|x: u32| x + 10);
    reply.set(30).unwrap();
    assert_eq!(mapped.get_timeout(Duration::ZERO).unwrap(), 40);
}

/// §2.3.23: `map` gets the whole map and can pick a field (Pykka #64).
pub fn map_works_on_dict<R: Runtime>(_rt: R) {
    let reply = Reply::new();
    let mapped = reply.clone().map(|d: HashMap<&str, &str>| d["foo"]);
    reply.set(HashMap::from([("foo", "bar")])).unwrap();
    assert_eq!(mapped.get_timeout(Duration::ZERO).unwrap(), "bar");
}

/// §2.3.24: `map` gets the whole list, not each item.
pub fn map_does_not_map_each_value_in_futures_iterable_result<R: Runtime>(_rt: R) {
    let reply = Reply::new();
    let mapped = reply.clone().map(|v: Vec<u32>| v.len());
    reply.set(vec![10, 20, 30]).unwrap();
    assert_eq!(mapped.get_timeout(Duration::ZERO).unwrap(), 3);
}

/// §2.3.25
pub fn map_preserves_timeout_kwarg<R: Runtime>(_rt: R) {
    let reply = Reply::<u32>::new();
    assert_timeout(reply.map(|x| x + 10).get_timeout(Duration::ZERO));
}

/// §2.3.26: the function runs once, whatever the number of `get`s.
pub fn map_reuses_result_if_called_multiple_times<R: Runtime>(_rt: R) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let reply = Reply::new();
    let mapped = reply.clone().map(move |x: u32| {
        counter.fetch_add(1, Ordering::SeqCst);
        x + 1
    });
    reply.set(1).unwrap();
    assert_eq!(mapped.get().unwrap(), 2);
    assert_eq!(mapped.get().unwrap(), 2);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// §2.3.27
pub fn reduce_applies_function_cumulatively_from_the_left<R: Runtime>(_rt: R) {
    let reply = Reply::new();
    let reduced = reply.clone().reduce(|x: String, y| format!("({x}{y})"));
    reply
        .set(vec!["1".to_string(), "2".into(), "3".into(), "4".into()])
        .unwrap();
    assert_eq!(reduced.get_timeout(Duration::ZERO).unwrap(), "(((12)3)4)");
}

/// §2.3.28: `fold` is `reduce` with an initial value.
pub fn reduce_accepts_an_initial_value<R: Runtime>(_rt: R) {
    let reply = Reply::new();
    let reduced = reply.clone().fold(5, |x, y: u32| x + y);
    reply.set(vec![1, 2, 3, 4]).unwrap();
    assert_eq!(reduced.get_timeout(Duration::ZERO).unwrap(), 15);
}

/// §2.3.30
pub fn reduce_preserves_the_timeout_kwarg<R: Runtime>(_rt: R) {
    let reply = Reply::<Vec<u32>>::new();
    assert_timeout(reply.reduce(|x, y| x + y).get_timeout(Duration::ZERO));
}

/// §2.3.31
pub fn reduce_reuses_result_if_called_multiple_times<R: Runtime>(_rt: R) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let reply = Reply::new();
    let reduced = reply.clone().reduce(move |x: u32, y| {
        counter.fetch_add(1, Ordering::SeqCst);
        x + y
    });
    reply.set(vec![1, 2, 3]).unwrap();
    assert_eq!(reduced.get().unwrap(), 6);
    assert_eq!(reduced.get().unwrap(), 6);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}
