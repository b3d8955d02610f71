//! loom models of core's concurrency protocols, run against the real code.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p pykka-core --test loom --release`.
//! A thread that parks forever is reported by loom as a deadlock: that is each
//! model's "never hangs" check.
#![cfg(loom)]

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use loom::thread;
use pykka_core::rt::mailbox::mailbox;
use pykka_core::rt::park::{self, Parker};
use pykka_core::{AskError, Reply};

/// A model checker with a preemption bound, so that every model stays fast.
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(5);
    }
    builder.check(f);
}

/// Wakes a loom thread by unparking it.
struct Unpark(thread::Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// A minimal executor: polls `future` on the calling loom thread, parking it (loom's
/// park) between polls until its waker is woken.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        thread::park();
    }
}

/// Installs (once) a panic hook that keeps the models' intended panics quiet (every
/// other panic, loom's reports included, still prints).
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() != Some(&"loom-intended") {
                default(info);
            }
        }));
    });
}

/// One thread sets a reply while another blocks in `get` and a third awaits it.
#[test]
fn reply_set_races_get_and_await() {
    model(|| {
        let reply = Reply::<u32>::new();
        let setter = reply.clone();
        let getter = reply.clone();
        let set = thread::spawn(move || setter.set(7).unwrap());
        let get = thread::spawn(move || getter.get());
        // Awaiting moves the value out: the blocking getter may come after it.
        assert!(matches!(block_on(reply), Ok(7)));
        set.join().unwrap();
        let got = get.join().unwrap();
        assert!(matches!(got, Ok(7) | Err(AskError::Taken)), "{got:?}");
    });
}

/// One thread sets a reply while another blocks in `get` on it and a third awaits a
/// `map` of it (a lazy reply that forwards its source's wake-up).
#[test]
fn reply_set_races_get_and_awaited_map() {
    model(|| {
        let reply = Reply::<u32>::new();
        let mapped = reply.clone().map(|v| v + 1);
        let setter = reply.clone();
        let set = thread::spawn(move || setter.set(7).unwrap());
        let get = thread::spawn(move || reply.get());
        assert!(matches!(block_on(mapped), Ok(8)));
        set.join().unwrap();
        assert!(matches!(get.join().unwrap(), Ok(7)));
    });
}

/// A combinator whose function panics: getters on two threads both get
/// `AskError::Failed`, whichever runs the step, and neither hangs.
#[test]
fn panicking_map_fails_every_getter() {
    quiet_panics();
    model(|| {
        let reply = Reply::<u32>::new();
        let mapped = reply.clone().map(|_| -> u32 { panic!("loom-intended") });
        let other = mapped.clone();
        let set = thread::spawn(move || reply.set(1).unwrap());
        let get = thread::spawn(move || other.get());
        assert!(matches!(mapped.get(), Err(AskError::Failed(_))));
        assert!(matches!(get.join().unwrap(), Err(AskError::Failed(_))));
        set.join().unwrap();
    });
}

/// A message that counts its drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// `close` races a `send` and a blocking `recv`: the message is received, handed
/// back or dropped by the close, exactly once, and the `recv` returns. A second
/// sender stays alive throughout, so only the message or the close can end the
/// `recv`.
#[test]
fn mailbox_close_races_send_and_recv() {
    model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = mailbox::<Counted>();
        let keep = tx.clone();
        let closer = rx.closer();
        let message = Counted(drops.clone());
        let send = thread::spawn(move || match tx.send(message) {
            Ok(()) => false,
            Err(handed_back) => {
                drop(handed_back);
                true
            }
        });
        let close = thread::spawn(move || assert!(closer.close()));
        let received = rx.recv().is_some(); // dropped here if received
        let handed_back = send.join().unwrap();
        close.join().unwrap();
        assert!(!(received && handed_back), "the message came out twice");
        drop(keep);
        drop(rx);
        assert_eq!(drops.load(Ordering::SeqCst), 1, "lost or dropped twice");
    });
}

/// Two senders race a close and a receiver that receives until the end: every
/// message is received or dropped exactly once.
#[test]
fn mailbox_close_races_two_sends_and_recv_loop() {
    model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = mailbox::<Counted>();
        let closer = rx.closer();
        let tx2 = tx.clone();
        let (m1, m2) = (Counted(drops.clone()), Counted(drops.clone()));
        let send1 = thread::spawn(move || tx.send(m1).is_err());
        let send2 = thread::spawn(move || {
            let refused = tx2.send(m2).is_err();
            closer.close();
            refused
        });
        let mut received = 0;
        while rx.recv().is_some() {
            received += 1;
        }
        let refused = usize::from(send1.join().unwrap()) + usize::from(send2.join().unwrap());
        assert!(received + refused <= 2, "a message came out twice");
        drop(rx);
        assert_eq!(drops.load(Ordering::SeqCst), 2, "lost or dropped twice");
    });
}

/// A parker's waker woken from another thread, before or during the park, makes the
/// park return.
#[test]
fn parker_wake_before_or_during_park() {
    model(|| {
        let parker = Parker::current();
        let waker = parker.waker().clone();
        let wake = thread::spawn(move || waker.wake());
        parker.park(None);
        wake.join().unwrap();
    });
}

/// `wait_until` on a plain thread: a value made ready and woken from another thread is
/// seen, whether the wake comes before the poll, between the poll and the park, or
/// during the park.
///
/// The waiter is a spawned thread and the main thread only wakes and joins: a wake
/// may come after the waiter already saw the value, and loom aborts a model whose
/// thread is unparked while it blocks in `join` (tokio-rs/loom#249), which std allows.
#[test]
fn wait_until_sees_a_wake_from_another_thread() {
    model(|| {
        let flag = Arc::new(loom::sync::atomic::AtomicBool::new(false));
        let waker = Arc::new(loom::sync::Mutex::new(None::<Waker>));
        let (f, w) = (flag.clone(), waker.clone());
        let waiter = thread::spawn(move || {
            park::wait_until(
                |cx| {
                    *w.lock().unwrap() = Some(cx.waker().clone());
                    if f.load(Ordering::Acquire) {
                        Poll::Ready(1)
                    } else {
                        Poll::Pending
                    }
                },
                None,
            )
        });
        flag.store(true, Ordering::Release);
        let taken = waker.lock().unwrap().take();
        if let Some(waker) = taken {
            waker.wake();
        }
        assert_eq!(waiter.join().unwrap(), Some(1));
    });
}
