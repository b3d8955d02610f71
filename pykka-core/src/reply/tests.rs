//! The slot's state machine: what the conformance suite cannot reach through actors
//! (several futures polled by hand, waiter bookkeeping).

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use super::*;
use crate::test_wakers::counting_waker;

fn waiting<T>(r: &Reply<T>) -> usize {
    lock(&r.shared).waiters.len()
}

#[test]
fn two_awaiters_of_a_map_are_both_woken_even_if_one_is_dropped() {
    let source = Reply::<u32>::new();
    let mapped = source.clone().map(|v| v + 1);
    let (c1, w1) = counting_waker();
    let (_, w2) = counting_waker();
    let mut f1 = pin!(mapped.clone());
    let mut f2 = Box::pin(mapped.clone());
    assert!(
        f1.as_mut()
            .poll(&mut TaskContext::from_waker(&w1))
            .is_pending()
    );
    assert!(
        f2.as_mut()
            .poll(&mut TaskContext::from_waker(&w2))
            .is_pending()
    );
    // The second awaiter goes away before the source is ready.
    drop(f2);
    source.set(1).unwrap();
    assert_eq!(c1.get(), 1, "the remaining awaiter is woken");
    match f1.as_mut().poll(&mut TaskContext::from_waker(&w1)) {
        Poll::Ready(Ok(2)) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(source.get().unwrap(), 1);
}

#[test]
fn a_cancelled_await_leaves_no_waker_behind() {
    let reply = Reply::<u32>::new();
    let (_, w) = counting_waker();
    for _ in 0..1_000 {
        let mut f = Box::pin(reply.clone());
        assert!(
            f.as_mut()
                .poll(&mut TaskContext::from_waker(&w))
                .is_pending()
        );
    }
    assert_eq!(waiting(&reply), 0);
}

#[test]
fn timed_out_gets_leave_no_waker_behind() {
    let reply = Reply::<u32>::new();
    for _ in 0..1_000 {
        assert!(matches!(
            reply.get_timeout(Duration::from_micros(1)),
            Err(AskError::Timeout(_))
        ));
    }
    assert_eq!(waiting(&reply), 0);
}

#[test]
fn a_panicking_map_polled_as_a_future_fails_and_wakes() {
    let source = Reply::<u32>::new();
    let mapped = source.clone().map(|_| -> u32 { panic!("bad map") });
    let (c, w) = counting_waker();
    let mut f = pin!(mapped.clone());
    assert!(
        f.as_mut()
            .poll(&mut TaskContext::from_waker(&w))
            .is_pending()
    );
    source.set(1).unwrap();
    assert_eq!(c.get(), 1);
    match f.as_mut().poll(&mut TaskContext::from_waker(&w)) {
        Poll::Ready(Err(AskError::Failed(f))) => assert!(f.to_string().contains("bad map")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(mapped.get(), Err(AskError::Failed(_))));
}

#[test]
fn a_hook_that_says_not_yet_is_asked_again() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let reply = Reply::new();
    reply
        .set_get_hook(move |_| {
            if counted.fetch_add(1, Ordering::SeqCst) == 0 {
                Err(AskError::Timeout(TimeoutError::new(None, None)))
            } else {
                Ok(3)
            }
        })
        .unwrap();
    assert!(matches!(
        reply.get_timeout(Duration::ZERO),
        Err(AskError::Timeout(_))
    ));
    assert_eq!(reply.get().unwrap(), 3);
    assert_eq!(reply.get().unwrap(), 3);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn a_plain_reply_still_wakes_its_awaiter_once() {
    let reply = Reply::<u32>::new();
    let (c, w) = counting_waker();
    let mut f = pin!(reply.clone());
    assert!(
        f.as_mut()
            .poll(&mut TaskContext::from_waker(&w))
            .is_pending()
    );
    assert!(
        f.as_mut()
            .poll(&mut TaskContext::from_waker(&w))
            .is_pending()
    );
    assert_eq!(waiting(&reply), 1, "polled twice, registered once");
    reply.set(5).unwrap();
    assert_eq!(c.get(), 1);
    assert!(matches!(
        f.as_mut().poll(&mut TaskContext::from_waker(&w)),
        Poll::Ready(Ok(5))
    ));
}
