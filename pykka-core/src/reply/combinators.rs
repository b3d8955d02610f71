//! Lazy combinators of [`Reply`] (Pykka's `Future.map`, `filter`, `join`, `reduce`) and
//! `get_all`.
//!
//! A combinator is a [`Lazy`] step: it runs on its result's first get, in the getter's
//! context, waits for its sources within the getter's deadline, and *clones* their
//! values, so that a source stays readable by all its handles.

use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use super::{Lazy, Outcome, Reply, Step, extract_clone, extract_take};
use crate::Failure;
use crate::error::AskError;
use crate::waiters::deadline_after;

impl<T: Clone + Send + 'static> Reply<T> {
    /// Applies `f` to the value: a lazy reply computed once, on its first get.
    ///
    /// `f` receives a clone of the whole value (Pykka 2.0+: the value, not each item);
    /// the source keeps its own for every other handle. Errors pass through. If `f`
    /// panics, the mapped reply fails with [`AskError::Failed`] (the panic's message)
    /// for every getter.
    ///
    /// ```
    /// let source = pykka_core::Reply::ready(Ok(20));
    /// let plus_one = source.clone().map(|v: u32| v + 1);
    /// let doubled = source.clone().map(|v: u32| v * 2);
    /// assert_eq!(plus_one.get().unwrap(), 21);
    /// assert_eq!(doubled.get().unwrap(), 40);
    /// assert_eq!(source.get().unwrap(), 20);
    /// ```
    pub fn map<U, F>(self, f: F) -> Reply<U>
    where
        U: Send + 'static,
        F: FnOnce(T) -> U + Send + 'static,
    {
        Reply::lazy(Box::new(Map {
            source: self,
            f: Some(f),
        }))
    }

    /// Keeps the items of the value for which `predicate` is true.
    ///
    /// ```
    /// let r = pykka_core::Reply::ready(Ok((1..20).filter(|n| n % 2 == 1).collect::<Vec<_>>()));
    /// assert_eq!(r.filter(|n| *n > 10).get().unwrap(), vec![11, 13, 15, 17, 19]);
    /// ```
    pub fn filter<I, P>(self, mut predicate: P) -> Reply<Vec<I>>
    where
        T: IntoIterator<Item = I>,
        I: Send + 'static,
        P: FnMut(&I) -> bool + Send + 'static,
    {
        self.map(move |v| v.into_iter().filter(|i| predicate(i)).collect())
    }

    /// Folds the items of the value from the left, starting with the first item.
    /// An empty value fails with [`AskError::Failed`].
    ///
    /// ```
    /// let r = pykka_core::Reply::ready(Ok(vec![1, 2, 3, 4]));
    /// assert_eq!(r.reduce(|a, b| a + b).get().unwrap(), 10);
    /// ```
    pub fn reduce<I, F>(self, f: F) -> Reply<I>
    where
        T: IntoIterator<Item = I>,
        I: Send + 'static,
        F: FnMut(I, I) -> I + Send + 'static,
    {
        let folded = self.map(move |v| {
            v.into_iter()
                .reduce(f)
                .ok_or_else(|| Failure::msg("reduce of an empty sequence with no initial value"))
        });
        Reply::lazy(Box::new(Flatten(folded)))
    }

    /// Folds the items of the value from the left, starting with `initial` (Pykka's
    /// `reduce(func, initial)`).
    ///
    /// ```
    /// let r = pykka_core::Reply::ready(Ok(vec![1, 2, 3, 4]));
    /// assert_eq!(r.fold(5, |a, b| a + b).get().unwrap(), 15);
    /// ```
    pub fn fold<I, A, F>(self, initial: A, f: F) -> Reply<A>
    where
        T: IntoIterator<Item = I>,
        A: Send + 'static,
        F: FnMut(A, I) -> A + Send + 'static,
    {
        self.map(move |v| v.into_iter().fold(initial, f))
    }

    /// One reply with the values of `self` and `others`, in that order. The sources
    /// keep their values.
    ///
    /// ```
    /// use pykka_core::Reply;
    /// let (a, b) = (Reply::new(), Reply::new());
    /// let both = a.clone().join([b.clone()]);
    /// a.set(1).unwrap();
    /// b.set(2).unwrap();
    /// assert_eq!(both.get().unwrap(), vec![1, 2]);
    /// assert_eq!(a.get().unwrap(), 1);
    /// ```
    pub fn join(self, others: impl IntoIterator<Item = Reply<T>>) -> Reply<Vec<T>> {
        let sources: Vec<Reply<T>> = std::iter::once(self).chain(others).collect();
        let done = Vec::with_capacity(sources.len());
        Reply::lazy(Box::new(Join { sources, done }))
    }
}

/// Waits for every reply in turn, all within one overall wait: Pykka's `get_all`.
///
/// # Errors
///
/// The first error met, in order.
///
/// ```
/// let replies = vec![pykka_core::Reply::ready(Ok(1)), pykka_core::Reply::ready(Ok(2))];
/// assert_eq!(pykka_core::get_all(&replies).unwrap(), vec![1, 2]);
/// ```
pub fn get_all<T: Clone + Send + 'static>(replies: &[Reply<T>]) -> Result<Vec<T>, AskError> {
    replies.iter().map(Reply::get).collect()
}

/// Like [`get_all`], with one timeout for the whole wait (not one per reply): it returns
/// by the deadline however many replies are slow, get-hooks included (each hook gets
/// what is left of the timeout).
///
/// # Errors
///
/// [`AskError::Timeout`] if not all replies came in time, or the first error met.
pub fn get_all_timeout<T: Clone + Send + 'static>(
    replies: &[Reply<T>],
    timeout: Duration,
) -> Result<Vec<T>, AskError> {
    let deadline = deadline_after(timeout);
    replies
        .iter()
        .map(|r| r.get_with(&extract_clone, deadline, Some(timeout)))
        .collect()
}

/// `f` applied to a source's value.
struct Map<T, F> {
    source: Reply<T>,
    f: Option<F>,
}

impl<T, U, F> Map<T, F>
where
    F: FnOnce(T) -> U,
{
    fn apply(&mut self, r: Result<T, AskError>) -> Step<U> {
        match (r, self.f.take()) {
            (Ok(v), Some(f)) => Step::Done(Ok(f(v))),
            (Err(e), _) => Step::Done(Err(e)),
            (Ok(_), None) => unreachable!("a map step is done once"),
        }
    }
}

impl<T, U, F> Lazy<U> for Map<T, F>
where
    T: Clone + Send + 'static,
    F: FnOnce(T) -> U + Send,
{
    fn resolve(&mut self, deadline: Option<Instant>) -> Step<U> {
        match self.source.wait_for(&extract_clone, deadline) {
            Some(r) => self.apply(r),
            None => Step::NotYet,
        }
    }
    fn poll_resolve(&mut self, cx: &mut TaskContext<'_>) -> Poll<Step<U>> {
        match self.source.poll_own(cx, &extract_clone) {
            Poll::Ready(Outcome::Resolved(r)) => Poll::Ready(self.apply(r)),
            Poll::Ready(Outcome::NotYet) => Poll::Ready(Step::NotYet),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A reply of a `Result<T, Failure>` seen as a reply of `T`. The inner reply is
/// private to this step, so its value is taken, not cloned.
struct Flatten<T>(Reply<Result<T, Failure>>);

fn flatten<T>(r: Result<Result<T, Failure>, AskError>) -> Step<T> {
    Step::Done(r.and_then(|inner| inner.map_err(AskError::Failed)))
}

impl<T: Send + 'static> Lazy<T> for Flatten<T> {
    fn resolve(&mut self, deadline: Option<Instant>) -> Step<T> {
        match self.0.wait_for(&extract_take, deadline) {
            Some(r) => flatten(r),
            None => Step::NotYet,
        }
    }
    fn poll_resolve(&mut self, cx: &mut TaskContext<'_>) -> Poll<Step<T>> {
        match self.0.poll_own(cx, &extract_take) {
            Poll::Ready(Outcome::Resolved(r)) => Poll::Ready(flatten(r)),
            Poll::Ready(Outcome::NotYet) => Poll::Ready(Step::NotYet),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The values of several sources, in order; those already had are kept between tries.
struct Join<T> {
    sources: Vec<Reply<T>>,
    done: Vec<T>,
}

impl<T: Clone + Send + 'static> Lazy<Vec<T>> for Join<T> {
    fn resolve(&mut self, deadline: Option<Instant>) -> Step<Vec<T>> {
        while self.done.len() < self.sources.len() {
            match self.sources[self.done.len()].wait_for(&extract_clone, deadline) {
                Some(Ok(v)) => self.done.push(v),
                Some(Err(e)) => return Step::Done(Err(e)),
                None => return Step::NotYet,
            }
        }
        Step::Done(Ok(std::mem::take(&mut self.done)))
    }
    fn poll_resolve(&mut self, cx: &mut TaskContext<'_>) -> Poll<Step<Vec<T>>> {
        while self.done.len() < self.sources.len() {
            let next = self.done.len();
            match self.sources[next].poll_own(cx, &extract_clone) {
                Poll::Ready(Outcome::Resolved(Ok(v))) => self.done.push(v),
                Poll::Ready(Outcome::Resolved(Err(e))) => return Poll::Ready(Step::Done(Err(e))),
                Poll::Ready(Outcome::NotYet) => return Poll::Ready(Step::NotYet),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Step::Done(Ok(std::mem::take(&mut self.done))))
    }
}
