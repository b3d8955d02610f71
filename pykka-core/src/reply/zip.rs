//! Typed joins of replies: [`Reply::zip`] and [`join!`](crate::join), one reply of a
//! tuple from replies of different types (`get_all` for mixed types).
//!
//! A join is a [`Lazy`] step like the other combinators: it runs on its result's first
//! get, in the getter's context, waits for each source in turn within the getter's one
//! deadline, and *clones* the sources' values, so that each source stays readable by
//! all its handles. Values already had are kept between tries, so a timed-out get loses
//! nothing.

use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use super::{Lazy, Outcome, Reply, Step, extract_clone};

impl<T: Clone + Send + 'static> Reply<T> {
    /// One reply with the values of `self` and `other`, which may differ in type: a
    /// lazy reply computed on its first get, within that getter's timeout for both.
    /// The sources keep their values. The first error met, in order, fails it. For more
    /// than two replies, see [`join!`](crate::join).
    ///
    /// ```
    /// use std::time::Duration;
    /// use pykka_core::Reply;
    ///
    /// let volume = Reply::new();
    /// let track = Reply::ready(Ok("a.ogg".to_string()));
    /// let both = volume.clone().zip(track.clone());
    /// assert!(both.get_timeout(Duration::ZERO).is_err()); // not yet: one deadline for both
    /// volume.set(80u8).unwrap();
    /// assert_eq!(both.get_timeout(Duration::from_secs(5)).unwrap(), (80, "a.ogg".to_string()));
    /// assert_eq!(volume.get().unwrap(), 80); // the sources keep their values
    /// ```
    pub fn zip<U: Clone + Send + 'static>(self, other: Reply<U>) -> Reply<(T, U)> {
        Reply::from((self, other))
    }
}

/// The lazy step of a join: its sources, and the values had so far.
struct Zip<S, V> {
    sources: S,
    /// The values had so far, one slot per source.
    done: V,
}

macro_rules! zip_tuple {
    ($($T:ident $v:ident $i:tt),+) => {
        impl<$($T: Clone + Send + 'static),+> Zip<($(Reply<$T>,)+), ($(Option<$T>,)+)> {
            fn finish(&mut self) -> Step<($($T,)+)> {
                match ($(self.done.$i.take(),)+) {
                    ($(Some($v),)+) => Step::Done(Ok(($($v,)+))),
                    _ => unreachable!("finish runs once every source is done"),
                }
            }
        }

        impl<$($T: Clone + Send + 'static),+> Lazy<($($T,)+)>
            for Zip<($(Reply<$T>,)+), ($(Option<$T>,)+)>
        {
            fn resolve(&mut self, deadline: Option<Instant>) -> Step<($($T,)+)> {
                $(
                    if self.done.$i.is_none() {
                        match self.sources.$i.wait_for(&extract_clone, deadline) {
                            Some(Ok(v)) => self.done.$i = Some(v),
                            Some(Err(e)) => return Step::Done(Err(e)),
                            None => return Step::NotYet,
                        }
                    }
                )+
                self.finish()
            }

            fn poll_resolve(&mut self, cx: &mut TaskContext<'_>) -> Poll<Step<($($T,)+)>> {
                $(
                    if self.done.$i.is_none() {
                        match self.sources.$i.poll_own(cx, &extract_clone) {
                            Poll::Ready(Outcome::Resolved(Ok(v))) => self.done.$i = Some(v),
                            Poll::Ready(Outcome::Resolved(Err(e))) => {
                                return Poll::Ready(Step::Done(Err(e)));
                            }
                            Poll::Ready(Outcome::NotYet) => return Poll::Ready(Step::NotYet),
                            Poll::Pending => return Poll::Pending,
                        }
                    }
                )+
                Poll::Ready(self.finish())
            }
        }

        /// A tuple of replies of any types into one reply of the tuple (what
        /// [`join!`](crate::join) expands to): waited for within one timeout, values
        /// cloned from the sources, the first error met (in order) fails it.
        impl<$($T: Clone + Send + 'static),+> From<($(Reply<$T>,)+)> for Reply<($($T,)+)> {
            fn from(sources: ($(Reply<$T>,)+)) -> Self {
                Reply::lazy(Box::new(Zip {
                    sources,
                    done: ($(None::<$T>,)+),
                }))
            }
        }
    };
}

zip_tuple!(A a 0);
zip_tuple!(A a 0, B b 1);
zip_tuple!(A a 0, B b 1, C c 2);
zip_tuple!(A a 0, B b 1, C c 2, D d 3);
zip_tuple!(A a 0, B b 1, C c 2, D d 3, E e 4);
zip_tuple!(A a 0, B b 1, C c 2, D d 3, E e 4, F f 5);
zip_tuple!(A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6);
zip_tuple!(A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6, H h 7);

/// Joins replies of different types into one reply of a tuple: `join!(a, b, c)` is a
/// `Reply<(A, B, C)>` (up to 8 replies). Pykka's `get_all`, typed per reply.
///
/// The joined reply is lazy, like [`Reply::zip`]: its first getter waits for the
/// sources in order, all within that getter's one timeout (`get_timeout(t)` returns
/// by `t` however many sources are slow), and clones their values, so the sources stay
/// readable. The first error met, in order, fails it. Get it blocking (`get_timeout`,
/// `take_timeout`, …) or `.await` it.
///
/// A reply of a tuple of replies converts the same way, with `Reply::from((a, b))`.
///
/// ```
/// use std::time::Duration;
/// use pykka_core::{Actor, join};
///
/// #[derive(Default)]
/// struct Player { volume: u8, track: Option<String>, queue: Vec<String> }
/// impl Actor for Player { type Message = (); type Reply = (); }
///
/// let player = Player::default().start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// let proxy = player.proxy().unwrap();
/// let status = join!(
///     proxy.field(|p| &p.volume),
///     proxy.field(|p| &p.track),
///     proxy.call(|p| p.queue.len()),
/// );
/// let (volume, track, queued) = status.take_timeout(Duration::from_secs(5)).unwrap();
/// assert_eq!((volume, track, queued), (0, None, 0));
/// player.stop();
/// ```
///
/// Awaiting the joined reply waits without blocking:
///
/// ```
/// use std::time::{Duration, Instant};
/// use pykka_core::{Reply, join, rt::park};
///
/// let (a, b) = (Reply::new(), Reply::new());
/// let mut joined = std::pin::pin!(async { join!(a.clone(), b.clone()).await });
/// a.set(1u32).unwrap();
/// b.set("one").unwrap();
/// let deadline = Some(Instant::now() + Duration::from_secs(5));
/// let out = park::wait_until(|cx| joined.as_mut().poll(cx), deadline);
/// assert_eq!(out.unwrap().unwrap(), (1, "one"));
/// ```
#[macro_export]
macro_rules! join {
    ($($reply:expr),+ $(,)?) => {
        $crate::Reply::from(($($reply,)+))
    };
}

#[cfg(test)]
mod tests {
    use std::pin::pin;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Context as TaskContext, Poll};
    use std::time::Duration;

    use crate::error::AskError;
    use crate::test_wakers::counting_waker;
    use crate::{Event, Failure, Reply};
    use std::sync::{Arc, Mutex};

    const LONG: Duration = Duration::from_secs(10);

    #[test]
    fn zip_gives_both_values_and_leaves_the_sources_readable() {
        let (a, b) = (Reply::new(), Reply::new());
        let zipped = a.clone().zip(b.clone());
        b.set("b".to_string()).unwrap();
        a.set(1u8).unwrap();
        assert_eq!(zipped.get_timeout(LONG).unwrap(), (1, "b".to_string()));
        assert_eq!(zipped.get_timeout(LONG).unwrap(), (1, "b".to_string()));
        assert_eq!(a.get().unwrap(), 1);
        assert_eq!(b.take().unwrap(), "b");
    }

    #[test]
    fn a_timed_out_join_keeps_what_it_had() {
        let (a, b, c) = (Reply::new(), Reply::<u16>::new(), Reply::<bool>::new());
        let joined = crate::join!(a.clone(), b.clone(), c.clone());
        a.set(1u8).unwrap();
        match joined.get_timeout(Duration::from_millis(20)) {
            Err(AskError::Timeout(_)) => {}
            other => panic!("expected a timeout, got {other:?}"),
        }
        // Taking `a`'s value now shows that the join does not ask for it again.
        assert_eq!(a.take().unwrap(), 1);
        b.set(2).unwrap();
        c.set(true).unwrap();
        assert_eq!(joined.get_timeout(LONG).unwrap(), (1, 2, true));
    }

    #[test]
    fn the_sources_share_one_deadline() {
        let budget = Duration::from_millis(200);
        // The first source spends its whole share of the deadline (its hook waits out
        // the time it is given, bounded); the second then gets only what is left.
        let slow = Reply::<u8>::new();
        slow.set_get_hook(|left| {
            Event::new().wait_timeout(left.unwrap_or(LONG));
            Ok(1)
        })
        .unwrap();
        let given = Arc::new(Mutex::new(None));
        let seen = given.clone();
        let probe = Reply::<u8>::new();
        probe
            .set_get_hook(move |left| {
                *seen.lock().unwrap() = Some(left);
                Ok(2)
            })
            .unwrap();
        assert_eq!(slow.zip(probe).get_timeout(budget).unwrap(), (1, 2));
        let left = given.lock().unwrap().expect("the second hook ran");
        let left = left.expect("the getter had a timeout");
        assert!(
            left < budget / 2,
            "the second source got {left:?} of {budget:?}"
        );
    }

    #[test]
    fn the_first_error_in_order_fails_the_join() {
        let a = Reply::<u8>::new();
        let b = Reply::<u8>::ready(Err(AskError::Failed(Failure::msg("second"))));
        let c = Reply::<u8>::ready(Err(AskError::Failed(Failure::msg("third"))));
        let joined = crate::join!(a.clone(), b, c);
        a.set_failure(Failure::msg("first")).unwrap();
        match joined.get_timeout(LONG) {
            Err(AskError::Failed(f)) => assert_eq!(f.to_string(), "first"),
            other => panic!("expected the first failure, got {other:?}"),
        }
    }

    #[test]
    fn a_panicking_map_of_a_source_fails_the_join_for_every_getter() {
        let source = Reply::ready(Ok(1u8));
        let boom = source.clone().map(|_: u8| -> u8 { panic!("boom") });
        let joined = source.zip(boom);
        for _ in 0..2 {
            match joined.get_timeout(LONG) {
                Err(AskError::Failed(f)) => assert!(f.is_panic(), "{f}"),
                other => panic!("expected the panic as a failure, got {other:?}"),
            }
        }
    }

    #[test]
    fn eight_replies_join_and_the_join_runs_once() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let last = Reply::ready(Ok(8u64)).map(move |v| {
            counted.fetch_add(1, Ordering::SeqCst);
            v
        });
        let joined = crate::join!(
            Reply::ready(Ok(1u8)),
            Reply::ready(Ok(2u16)),
            Reply::ready(Ok(3u32)),
            Reply::ready(Ok('4')),
            Reply::ready(Ok("5")),
            Reply::ready(Ok(6i8)),
            Reply::ready(Ok(7i16)),
            last,
        );
        let expected = (1, 2, 3, '4', "5", 6, 7, 8);
        assert_eq!(joined.get_timeout(LONG).unwrap(), expected);
        assert_eq!(joined.get_timeout(LONG).unwrap(), expected);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn an_awaited_join_is_woken_by_its_last_source() {
        let (a, b) = (Reply::<u8>::new(), Reply::<String>::new());
        let (count, waker) = counting_waker();
        let mut fut = pin!(a.clone().zip(b.clone()));
        let mut cx = TaskContext::from_waker(&waker);
        assert!(fut.as_mut().poll(&mut cx).is_pending());
        a.set(1).unwrap();
        // Woken by the first source; the second one still pends.
        assert!(count.get() >= 1);
        assert!(fut.as_mut().poll(&mut cx).is_pending());
        let before = count.get();
        b.set("b".into()).unwrap();
        assert!(count.get() > before, "the last source wakes the awaiter");
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(Ok((1, s))) => assert_eq!(s, "b"),
            other => panic!("{other:?}"),
        }
        assert_eq!(a.get().unwrap(), 1);
    }
}
