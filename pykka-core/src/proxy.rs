//! [`Proxy`]: method calls and field access that travel as messages.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::actor_loop::{Call, Msg, catch, log_returned};
use crate::bounded::Room;
use crate::error::{ActorDeadError, AskError, DeadKind};
use crate::{Actor, ActorRef, Context, Deferred, Failure, Reply};

type Access<A, T> = Arc<dyn for<'a> Fn(&'a mut A) -> &'a mut T + Send + Sync>;

/// Turns closures over the actor into messages: Pykka's `ActorProxy` (the "active
/// object" pattern).
///
/// Python proxies intercept attribute access; Rust has no such thing, so a proxy takes
/// a closure that says what to do with the actor, runs it in the actor's context (in
/// inbox order, between other messages), and hands back a typed [`Reply`]:
///
/// | Pykka                               | pykka                                                  |
/// |-------------------------------------|--------------------------------------------------------|
/// | `proxy.method(a)` → future          | [`call`](Proxy::call)`(move \|x\| x.method(a))`, or [`try_call`](Proxy::try_call) for a `Result` |
/// | `proxy.meth.defer(a)`             | [`defer`](Proxy::defer)`(move \|x\| x.method(a))`, [`try_defer`](Proxy::try_defer) |
/// | `pykka.typing` proxy, `.defer(a)`   | [`typed_proxy!`](crate::typed_proxy) methods; [`deferred`](Proxy::deferred)`().method(a)` |
/// | `proxy.attr` → future               | [`field`](Proxy::field)`(\|x\| &x.attr)`                |
/// | `proxy.attr = v` (blocks)           | [`set_field`](Proxy::set_field)`(\|x\| &mut x.attr, v)` |
/// | `proxy.member.…` (traversable)      | [`member`](Proxy::member)`("member", \|x\| &mut x.member)` |
/// | `proxy.actor_ref`                   | [`actor_ref`](Proxy::actor_ref)                        |
///
/// A failure (error or panic) in a `call` goes to its reply and the actor keeps
/// running; a failure in a `defer` is a told message's failure: `on_failure` runs and the
/// actor stops. `T` is the object the proxy reaches: the actor itself, or a member
/// reached with [`member`](Proxy::member).
///
/// # Examples
///
/// ```
/// use pykka_core::Actor;
///
/// #[derive(Default)]
/// struct Adder {
///     total: u64,
/// }
/// impl Adder {
///     fn add(&mut self, n: u64) -> u64 {
///         self.total += n;
///         self.total
///     }
/// }
/// impl Actor for Adder {
///     type Message = ();
///     type Reply = ();
/// }
///
/// let adder = Adder::default().start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// let proxy = adder.proxy().unwrap();
/// let sum = proxy.call(|a| a.add(2));
/// proxy.defer(|a| { a.add(3); }).unwrap();
/// assert_eq!(sum.take().unwrap(), 2);
/// assert_eq!(proxy.field(|a| &a.total).get().unwrap(), 5);
/// proxy.set_field(|a| &mut a.total, 0).unwrap();
/// assert_eq!(proxy.call(|a| a.add(1)).take().unwrap(), 1);
/// adder.stop();
/// ```
pub struct Proxy<A: Actor, T: 'static = A> {
    actor_ref: ActorRef<A>,
    path: Arc<[&'static str]>,
    access: Access<A, T>,
}

impl<A: Actor> Proxy<A> {
    pub(crate) fn new(actor_ref: ActorRef<A>) -> Self {
        Proxy {
            actor_ref,
            path: Arc::from([]),
            access: Arc::new(|a| a),
        }
    }
}

impl<A: Actor, T: 'static> Proxy<A, T> {
    /// The reference of the actor behind the proxy; usable after the actor died.
    pub fn actor_ref(&self) -> &ActorRef<A> {
        &self.actor_ref
    }

    /// The names of the members between the actor and `T` (empty for the actor).
    pub fn attr_path(&self) -> &[&'static str] {
        &self.path
    }

    fn not_found(&self) -> ActorDeadError {
        self.actor_ref.meta().dead(DeadKind::NotFound)
    }

    /// Sends a call; if the actor is dead, the call (and the completer in it) is dropped.
    fn send(&self, call: Call<A>) -> Result<(), ActorDeadError> {
        if !self.actor_ref.is_alive() {
            return Err(self.not_found());
        }
        self.actor_ref
            .send(Msg::Call(call), Room::Wait(None))
            .map_err(|_| self.not_found())
    }

    /// Runs `f` on the target in the actor's context, with the actor's [`Context`];
    /// the reply gets its result (ask semantics).
    pub fn call_with<R, F>(&self, f: F) -> Reply<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut T, &Context<A>) -> Result<R, Failure> + Send + 'static,
    {
        let (reply, completer) = self.actor_ref.answer();
        let access = self.access.clone();
        let call: Call<A> = Box::new(move |actor, ctx| {
            let result = catch(|| f(access(actor), ctx));
            if let Err(failure) = &result {
                log_returned(ctx.actor_ref().meta().label(), failure);
            }
            Ok(completer.complete(result.map_err(AskError::Failed)))
        });
        if let Err(dead) = self.send(call) {
            return Reply::ready(Err(AskError::Dead(dead)));
        }
        reply
    }

    /// Calls a method (or runs any closure) on the target; the reply gets its result. A
    /// panic fails the reply with [`AskError::Failed`].
    pub fn call<R, F>(&self, f: F) -> Reply<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut T) -> R + Send + 'static,
    {
        self.call_with(move |t, _| Ok(f(t)))
    }

    /// Like [`call`](Proxy::call) for a closure returning a `Result`: an `Err` fails the
    /// reply with [`AskError::Failed`].
    pub fn try_call<R, E, F>(&self, f: F) -> Reply<R>
    where
        R: Send + 'static,
        E: Into<Failure>,
        F: FnOnce(&mut T) -> Result<R, E> + Send + 'static,
    {
        self.call_with(move |t, _| f(t).map_err(Into::into))
    }

    /// Reads a field (a clone of it) of the target.
    pub fn field<V, F>(&self, f: F) -> Reply<V>
    where
        V: Clone + Send + 'static,
        F: for<'a> FnOnce(&'a T) -> &'a V + Send + 'static,
    {
        self.call_with(move |t, _| Ok(f(t).clone()))
    }

    /// Writes a field of the target and waits until it is written (like Pykka's
    /// attribute assignment, this blocks, and errors reach the caller).
    ///
    /// # Errors
    ///
    /// [`AskError::Dead`] if the actor is dead or stops first; [`AskError::Deadlock`]
    /// (and nothing is sent) if the caller is the actor itself or waiting would close an
    /// [ask cycle](crate::debug#ask-cycles).
    pub fn set_field<V, F>(&self, f: F, value: V) -> Result<(), AskError>
    where
        V: Send + 'static,
        F: for<'a> FnOnce(&'a mut T) -> &'a mut V + Send + 'static,
    {
        if !self.actor_ref.is_alive() {
            return Err(AskError::Dead(self.not_found()));
        }
        // As a blocking ask: a write that could never be waited for is not sent.
        self.actor_ref.meta().origin.refuse_wait()?;
        self.call_with(move |t, _| {
            *f(t) = value;
            Ok(())
        })
        .take()
    }

    /// Runs `f` on the target without waiting (tell semantics): a panic in it is a
    /// failure of the actor, which runs `on_failure` and stops.
    ///
    /// # Errors
    ///
    /// [`ActorDeadError`] if the actor is dead.
    pub fn defer<F>(&self, f: F) -> Result<(), ActorDeadError>
    where
        F: FnOnce(&mut T) + Send + 'static,
    {
        self.try_defer(move |t| {
            f(t);
            Ok::<(), Failure>(())
        })
    }

    /// Like [`defer`](Proxy::defer) for a closure returning a `Result`: an `Err` is a
    /// failure of the actor.
    ///
    /// # Errors
    ///
    /// [`ActorDeadError`] if the actor is dead.
    pub fn try_defer<E, F>(&self, f: F) -> Result<(), ActorDeadError>
    where
        E: Into<Failure>,
        F: FnOnce(&mut T) -> Result<(), E> + Send + 'static,
    {
        let access = self.access.clone();
        self.send(Box::new(move |actor, _| {
            catch(|| f(access(actor)).map_err(Into::into)).map(|()| false)
        }))
    }

    /// This proxy's calls told instead of asked, for the methods of a
    /// [`typed_proxy!`](crate::typed_proxy) trait: `proxy.deferred().method(a)` is
    /// Pykka's `proxy.method.defer(a)` and returns `Result<(), ActorDeadError>`, with no
    /// [`Reply`] to drop. See [`Deferred`].
    ///
    /// ```
    /// use pykka_core::{Actor, typed_proxy};
    ///
    /// #[derive(Default)]
    /// struct Log { lines: Vec<String> }
    /// impl Log {
    ///     fn write(&mut self, line: String) { self.lines.push(line); }
    /// }
    /// impl Actor for Log { type Message = (); type Reply = (); }
    /// typed_proxy! {
    ///     trait LogProxy for Log { fn write(&mut self, line: String); }
    /// }
    ///
    /// let log = Log::default().start(&pykka_thread::ThreadRuntime::default()).unwrap();
    /// let proxy = log.proxy().unwrap();
    /// proxy.deferred().write("started".into()).unwrap();
    /// assert_eq!(proxy.field(|l| &l.lines).get().unwrap(), ["started"]);
    /// log.stop();
    /// ```
    pub fn deferred(&self) -> Deferred<A, T> {
        Deferred::new(self.clone())
    }

    /// A proxy to a member of the target, named `name` (Pykka's traversable
    /// attributes). Calls, reads and writes through it run in the actor's context.
    ///
    /// ```
    /// use pykka_core::Actor;
    ///
    /// #[derive(Default)]
    /// struct Player { mixer: Mixer }
    /// #[derive(Default)]
    /// struct Mixer { volume: u8 }
    /// impl Actor for Player { type Message = (); type Reply = (); }
    ///
    /// let player = Player::default().start(&pykka_thread::ThreadRuntime::default()).unwrap();
    /// let mixer = player.proxy().unwrap().member("mixer", |p| &mut p.mixer);
    /// mixer.set_field(|m| &mut m.volume, 80).unwrap();
    /// assert_eq!(mixer.field(|m| &m.volume).get().unwrap(), 80);
    /// assert_eq!(mixer.attr_path(), ["mixer"]);
    /// player.stop();
    /// ```
    pub fn member<U: 'static>(&self, name: &'static str, f: fn(&mut T) -> &mut U) -> Proxy<A, U> {
        let outer = self.access.clone();
        let mut path = self.path.to_vec();
        path.push(name);
        Proxy {
            actor_ref: self.actor_ref.clone(),
            path: path.into(),
            access: Arc::new(move |a| f(outer(a))),
        }
    }
}

impl<A: Actor, T: 'static> Clone for Proxy<A, T> {
    fn clone(&self) -> Self {
        Proxy {
            actor_ref: self.actor_ref.clone(),
            path: self.path.clone(),
            access: self.access.clone(),
        }
    }
}

/// Equal when they reach the same actor through the same member names.
impl<A: Actor, T: 'static> PartialEq for Proxy<A, T> {
    fn eq(&self, other: &Self) -> bool {
        self.actor_ref == other.actor_ref && self.path == other.path
    }
}

impl<A: Actor, T: 'static> Eq for Proxy<A, T> {}

impl<A: Actor, T: 'static> Hash for Proxy<A, T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.actor_ref.hash(state);
        self.path.hash(state);
    }
}

impl<A: Actor, T: 'static> fmt::Display for Proxy<A, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.actor_ref, f)?;
        for name in self.path.iter() {
            write!(f, ".{name}")?;
        }
        Ok(())
    }
}

impl<A: Actor, T: 'static> fmt::Debug for Proxy<A, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<ActorProxy for {}, attr_path=(", self.actor_ref)?;
        for (i, name) in self.path.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "'{name}'")?;
        }
        if self.path.len() == 1 {
            f.write_str(",")?;
        }
        f.write_str(")>")
    }
}
