//! loom models of the smol pool's thread places (`pykka-smol/src/places.rs`, included
//! here as it is: pykka-smol's own dependencies do not build with `--cfg loom`, and
//! that file needs none of them).
//!
//! A worker blocks in a handler (it lends its place: a spare is spawned or woken), is
//! woken from another thread, takes its place back and posts a retire token; the
//! spare takes the token, steps down and idles; a shutdown sends everyone away. The
//! models check that no wake-up is lost (a thread parked forever is a loom deadlock),
//! that the counts balance in the end, and that the cap holds.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p pykka-core --test loom_places --release`.
#![cfg(loom)]

#[allow(dead_code)]
#[path = "../../pykka-smol/src/places.rs"]
mod places;

use std::sync::Arc;
use std::time::Duration;

use loom::sync::atomic::{AtomicBool, Ordering};
use loom::sync::{Condvar, Mutex};
use loom::thread::{self, JoinHandle};
use places::{Counts, Lend, Places, Wakeup};

/// Spares in the models never time out: only a wake-up or the shutdown ends their wait.
const KEEP_ALIVE: Duration = Duration::from_secs(3600);

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(5);
    }
    builder.check(f);
}

/// The pool's retire channel: tokens, closed by the shutdown.
#[derive(Default)]
struct Tokens {
    state: Mutex<(usize, bool)>,
    cv: Condvar,
}

impl Tokens {
    fn send(&self) {
        self.state.lock().unwrap().0 += 1;
        self.cv.notify_one();
    }
    fn close(&self) {
        self.state.lock().unwrap().1 = true;
        self.cv.notify_all();
    }
    /// A token, or `false` once closed.
    fn recv(&self) -> bool {
        let mut s = self.state.lock().unwrap();
        loop {
            if s.0 > 0 {
                s.0 -= 1;
                return true;
            }
            if s.1 {
                return false;
            }
            s = self.cv.wait(s).unwrap();
        }
    }
}

struct Pool {
    places: Places,
    tokens: Tokens,
    spares: Mutex<Vec<JoinHandle<()>>>,
}

impl Pool {
    fn new(workers: usize, max_added: usize) -> Arc<Pool> {
        let pool = Arc::new(Pool {
            places: Places::new(workers, max_added),
            tokens: Tokens::default(),
            spares: Mutex::new(Vec::new()),
        });
        assert_eq!(pool.places.start(), Ok(workers));
        pool
    }

    /// What the pool's `lend_place` does, with a loom thread for a spawned spare.
    fn lend(self: &Arc<Self>) {
        if self.places.lend() == Lend::Spawn {
            self.places.next_name();
            let pool = self.clone();
            let spare = thread::spawn(move || pool.spare());
            self.spares.lock().unwrap().push(spare);
        }
    }

    fn take_back(&self) {
        if self.places.take_back().excess {
            self.tokens.send();
        }
    }

    /// A spawned thread "runs the executor": it waits for a retire token (which it
    /// takes between two tasks) and steps down, or leaves at the shutdown.
    fn spare(&self) {
        loop {
            if !self.tokens.recv() {
                self.places.leave();
                break;
            }
            if self.places.retire() && !self.places.idle_wait(KEEP_ALIVE) {
                break;
            }
        }
        self.places.exit();
    }

    /// Shuts down and waits for every spare; the original workers leave too.
    fn shut_down(&self, workers: usize) {
        assert!(self.places.shut_down().is_some());
        self.tokens.close();
        let spares = std::mem::take(&mut *self.spares.lock().unwrap());
        for spare in spares {
            spare.join().unwrap();
        }
        for _ in 0..workers {
            self.places.leave();
            self.places.exit();
        }
        let c = self.places.counts();
        let balanced = Counts {
            peak: c.peak,
            spawned: c.spawned,
            started: true,
            shutdown: true,
            ..Counts::default()
        };
        assert_eq!(c, balanced, "every place given back");
    }
}

/// Where a waiter registers its wake-up before it looks at the value, as a reply does.
#[derive(Default)]
struct Slot {
    ready: AtomicBool,
    waiter: Mutex<Option<Arc<Wakeup>>>,
}

impl Slot {
    fn complete(&self) {
        self.ready.store(true, Ordering::SeqCst);
        if let Some(w) = self.waiter.lock().unwrap().clone() {
            w.unpark();
        }
    }

    /// Blocks the calling worker of `pool` until `complete`, lending its place while
    /// it parks.
    fn wait(&self, pool: &Arc<Pool>) {
        let wakeup = Arc::new(Wakeup::current());
        *self.waiter.lock().unwrap() = Some(wakeup.clone());
        while !self.ready.load(Ordering::SeqCst) {
            wakeup.park(None, None, || pool.lend(), || pool.take_back());
        }
    }
}

/// A worker blocks, a spare takes its place, a wake-up from another thread (before,
/// during or after the park) ends the wait; the spare retires; the shutdown ends all.
#[test]
fn a_blocked_worker_lends_its_place_and_takes_it_back() {
    model(|| {
        let pool = Pool::new(1, 4);
        let slot = Arc::new(Slot::default());
        let (p, s) = (pool.clone(), slot.clone());
        let worker = thread::spawn(move || s.wait(&p));
        slot.complete();
        worker.join().unwrap();
        pool.shut_down(1);
    });
}

/// Two handlers block one after the other on one worker: the second reuses the idle
/// spare or spawns another, never past the cap, and no spare is lost.
#[test]
fn spares_are_reused_and_capped() {
    model(|| {
        let pool = Pool::new(1, 1);
        let first = Arc::new(Slot::default());
        let second = Arc::new(Slot::default());
        let (p, a, b) = (pool.clone(), first.clone(), second.clone());
        let worker = thread::spawn(move || {
            a.wait(&p);
            b.wait(&p);
        });
        first.complete();
        second.complete();
        worker.join().unwrap();
        let peak = pool.places.counts().peak;
        assert!(peak <= 2, "{peak} threads with a cap of one added");
        pool.shut_down(1);
    });
}
