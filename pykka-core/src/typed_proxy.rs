//! [`typed_proxy!`](crate::typed_proxy): named, typed proxy methods for an actor or for
//! a member of one, asked ([`Proxy`]) or told ([`Deferred`]).

use std::fmt;

use crate::error::ActorDeadError;
use crate::{Actor, Failure, Proxy, Reply};

/// Keeps [`CallMode`] and [`Fallible`] closed: the macro relies on exactly these impls.
mod sealed {
    pub trait Sealed {}
}

/// How the methods of a [`typed_proxy!`](crate::typed_proxy) trait send their calls,
/// and what they return.
///
/// A typed proxy trait is implemented for every `CallMode` whose
/// [`Target`](CallMode::Target) is the type it was declared for, so the same trait
/// serves two kinds of handle:
///
/// | handle | a call | `Out<R>` |
/// |--------|--------|----------|
/// | [`Proxy<A, T>`](Proxy) (the actor, or a member at any depth) | asked, like [`Proxy::call`] | [`Reply<R>`] |
/// | [`Deferred<A, T>`] (from [`Proxy::deferred`]) | told, like [`Proxy::defer`] | `Result<(), ActorDeadError>` |
///
/// This trait is sealed; the macro uses it, and it can be called directly too.
///
/// # Examples
///
/// ```
/// use pykka_core::{Actor, CallMode};
///
/// #[derive(Default)]
/// struct Counter { n: u32 }
/// impl Actor for Counter { type Message = (); type Reply = (); }
///
/// let counter = Counter::default().start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// let proxy = counter.proxy().unwrap();
/// proxy.deferred().send_call(|c| c.n += 1).unwrap();
/// assert_eq!(proxy.send_call(|c| c.n).get().unwrap(), 1);
/// counter.stop();
/// ```
pub trait CallMode: sealed::Sealed {
    /// The object the calls reach: the actor, or a member of it.
    type Target: 'static;
    /// What a call returns when the method returns `R`.
    type Out<R>;

    /// Runs `f` on the target in the actor's context.
    fn send_call<R, F>(&self, f: F) -> Self::Out<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Self::Target) -> R + Send + 'static;

    /// Runs `f` on the target in the actor's context; an `Err` is a failure: of the
    /// reply when asked ([`AskError::Failed`](crate::AskError::Failed)), of the actor
    /// when told.
    fn send_try_call<R, E, F>(&self, f: F) -> Self::Out<R>
    where
        R: Send + 'static,
        E: Into<Failure>,
        F: FnOnce(&mut Self::Target) -> Result<R, E> + Send + 'static;
}

impl<A: Actor, T: 'static> sealed::Sealed for Proxy<A, T> {}

impl<A: Actor, T: 'static> CallMode for Proxy<A, T> {
    type Target = T;
    type Out<R> = Reply<R>;

    fn send_call<R, F>(&self, f: F) -> Reply<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut T) -> R + Send + 'static,
    {
        self.call(f)
    }

    fn send_try_call<R, E, F>(&self, f: F) -> Reply<R>
    where
        R: Send + 'static,
        E: Into<Failure>,
        F: FnOnce(&mut T) -> Result<R, E> + Send + 'static,
    {
        self.try_call(f)
    }
}

/// A proxy whose calls are told, not asked: Pykka's `proxy.method.defer()`, for every
/// method of a [`typed_proxy!`](crate::typed_proxy) trait at once. Made by
/// [`Proxy::deferred`].
///
/// A call returns as soon as it is queued, `Err(ActorDeadError)` if the actor is dead.
/// The method's return value is dropped in the actor. A failure (a panic, or the `Err`
/// of a `try fn`) is a told message's failure: `on_failure` runs and the actor stops.
/// This is the fire-and-forget form; dropping the [`Reply`] of an asked call instead
/// cancels nothing, but hands a failure to nobody (the actor keeps running).
///
/// ```
/// use pykka_core::{Actor, typed_proxy};
///
/// #[derive(Default)]
/// struct Mixer { volume: u8 }
/// impl Mixer {
///     fn set_volume(&mut self, volume: u8) { self.volume = volume; }
/// }
/// impl Actor for Mixer { type Message = (); type Reply = (); }
///
/// typed_proxy! {
///     pub trait MixerProxy for Mixer {
///         fn set_volume(&mut self, volume: u8);
///     }
/// }
///
/// let mixer = Mixer::default().start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// let proxy = mixer.proxy().unwrap();
/// proxy.deferred().set_volume(80).unwrap(); // no reply to drop
/// assert_eq!(proxy.field(|m| &m.volume).get().unwrap(), 80);
/// mixer.stop();
/// assert!(proxy.deferred().set_volume(10).is_err());
/// ```
pub struct Deferred<A: Actor, T: 'static = A>(Proxy<A, T>);

impl<A: Actor, T: 'static> Deferred<A, T> {
    pub(crate) fn new(proxy: Proxy<A, T>) -> Self {
        Deferred(proxy)
    }

    /// The proxy whose calls this tells.
    pub fn proxy(&self) -> &Proxy<A, T> {
        &self.0
    }
}

impl<A: Actor, T: 'static> sealed::Sealed for Deferred<A, T> {}

impl<A: Actor, T: 'static> CallMode for Deferred<A, T> {
    type Target = T;
    type Out<R> = Result<(), ActorDeadError>;

    fn send_call<R, F>(&self, f: F) -> Result<(), ActorDeadError>
    where
        R: Send + 'static,
        F: FnOnce(&mut T) -> R + Send + 'static,
    {
        self.0.defer(move |t| {
            f(t);
        })
    }

    fn send_try_call<R, E, F>(&self, f: F) -> Result<(), ActorDeadError>
    where
        R: Send + 'static,
        E: Into<Failure>,
        F: FnOnce(&mut T) -> Result<R, E> + Send + 'static,
    {
        self.0.try_defer(move |t| f(t).map(|_| ()))
    }
}

impl<A: Actor, T: 'static> Clone for Deferred<A, T> {
    fn clone(&self) -> Self {
        Deferred(self.0.clone())
    }
}

impl<A: Actor, T: 'static> fmt::Debug for Deferred<A, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Deferred").field(&self.0).finish()
    }
}

/// The return type of a `try fn` in [`typed_proxy!`](crate::typed_proxy): a `Result`
/// whose error converts into a [`Failure`], however it is spelled (`io::Result<T>`
/// too). Sealed; implemented for `Result<T, E>` only.
#[diagnostic::on_unimplemented(
    message = "a `try fn` of `typed_proxy!` must return a `Result` whose error converts into a `Failure`, not `{Self}`",
    label = "declare it with `fn` instead, or return a `Result<_, E>` with `E: std::error::Error + Send + Sync + 'static`"
)]
pub trait Fallible: sealed::Sealed {
    /// The value the flattened reply gets.
    type Ok;
    /// The error that fails it.
    type Err: Into<Failure>;
}

impl<T, E: Into<Failure>> sealed::Sealed for Result<T, E> {}

impl<T, E: Into<Failure>> Fallible for Result<T, E> {
    type Ok = T;
    type Err = E;
}

/// Declares a trait of typed proxy methods for an actor, or for a member of one, and
/// implements it for every handle that reaches that type: Pykka 4's `pykka.typing`
/// proxies (`proxy_method`), checked by the compiler.
///
/// Each declared method mirrors a method of the target (same name and arguments, taking
/// `&self` or `&mut self`); on the handle it takes `&self` and sends the call.
/// Arguments are moved into the message, so they must be `Send + 'static`.
///
/// `pub trait P for X` implements `P` for every [`CallMode`] whose target is `X`:
///
/// - [`Proxy<A, X>`](crate::Proxy) for any actor `A`: `X` may be the actor itself
///   (`actor.proxy()`) or a member reached with [`member`](crate::Proxy::member), at any
///   depth (Mopidy's `PlaybackControllerProxy`). A call is asked and returns a
///   [`Reply`] of the method's return type (`()` when none is written).
/// - [`Deferred<A, X>`] (from [`Proxy::deferred`]): the fire-and-forget form, Pykka's
///   `.defer()`. A call is told and returns `Result<(), ActorDeadError>`.
///
/// So the trait's methods are declared to return `Self::Out<R>` (see [`CallMode`]),
/// which is `Reply<R>` on a proxy and `Result<(), ActorDeadError>` on a deferred one.
/// As with any trait, bring it into scope (`use`) to call its methods.
///
/// # `try fn`: flattening a `Result`
///
/// A method that returns `Result<T, E>` declared with plain `fn` gives a
/// `Reply<Result<T, E>>`. Declared `try fn`, it gives a `Reply<T>` instead, like
/// [`Proxy::try_call`]: an `Err` fails the reply with
/// [`AskError::Failed`](crate::AskError::Failed), so it comes out of `get` as Pykka's
/// exception does, and the original `E` stays reachable with
/// [`Failure::downcast_ref`]. `E` must convert into a [`Failure`] (any
/// `std::error::Error + Send + Sync + 'static` does). Told through [`Deferred`], an
/// `Err` is a failure of the actor, which runs `on_failure` and stops.
///
/// A `try fn` whose method does not return such a `Result` does not compile (the error
/// says so):
///
/// ```compile_fail
/// struct Counter { n: u32 }
/// impl Counter { fn get(&self) -> u32 { self.n } }
/// impl pykka_core::Actor for Counter { type Message = (); type Reply = (); }
/// pykka_core::typed_proxy! {
///     trait CounterProxy for Counter { try fn get(&self) -> u32; }
/// }
/// ```
///
/// # Dropping a reply
///
/// Dropping a [`Reply`] does not cancel the call: the actor runs it anyway, and a
/// failure goes to the dropped reply (logged at INFO) instead of stopping the actor.
/// `let _ = proxy.method()` says this, but trips clippy's `let_underscore_future`; use
/// `proxy.deferred().method()` when the result is not wanted (a failure then stops the
/// actor, as with Pykka's `defer`).
///
/// # Examples
///
/// An actor with a member, each with a typed proxy:
///
/// ```
/// use pykka_core::{Actor, AskError, typed_proxy};
///
/// #[derive(Debug, PartialEq)]
/// struct NoSuchTrack(String);
/// impl std::fmt::Display for NoSuchTrack {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         write!(f, "no such track: {}", self.0)
///     }
/// }
/// impl std::error::Error for NoSuchTrack {}
///
/// #[derive(Default)]
/// struct Playback {
///     current: Option<String>,
/// }
/// impl Playback {
///     fn play(&mut self, uri: String) -> Result<u32, NoSuchTrack> {
///         if !uri.starts_with("file:") {
///             return Err(NoSuchTrack(uri));
///         }
///         self.current = Some(uri);
///         Ok(180)
///     }
///     fn current(&self) -> Option<String> {
///         self.current.clone()
///     }
///     fn stop(&mut self) {
///         self.current = None;
///     }
/// }
///
/// #[derive(Default)]
/// struct Core {
///     playback: Playback,
///     calls: u32,
/// }
/// impl Core {
///     fn ping(&mut self) -> u32 {
///         self.calls += 1;
///         self.calls
///     }
/// }
/// impl Actor for Core {
///     type Message = ();
///     type Reply = ();
/// }
///
/// typed_proxy! {
///     /// The calls other actors may make on the [`Core`].
///     pub trait CoreProxy for Core {
///         fn ping(&mut self) -> u32;
///     }
/// }
///
/// typed_proxy! {
///     /// The calls on the core's playback controller (a member, not an actor).
///     pub trait PlaybackProxy for Playback {
///         /// Plays a track; the reply gets its length, or fails with the error.
///         try fn play(&mut self, uri: String) -> Result<u32, NoSuchTrack>;
///         fn current(&self) -> Option<String>;
///         fn stop(&mut self);
///     }
/// }
///
/// let core = Core::default().start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// let proxy = core.proxy().unwrap();
/// assert_eq!(proxy.ping().get().unwrap(), 1);
///
/// let playback = proxy.member("playback", |c| &mut c.playback);
/// assert_eq!(playback.play("file:a.ogg".into()).get().unwrap(), 180);
/// match playback.play("http:b".into()).get() {
///     Err(AskError::Failed(failure)) => assert_eq!(
///         failure.downcast_ref::<NoSuchTrack>(),
///         Some(&NoSuchTrack("http:b".into()))
///     ),
///     other => panic!("{other:?}"),
/// }
/// // Fire and forget: told, nothing to drop.
/// playback.deferred().stop().unwrap();
/// assert_eq!(playback.current().get().unwrap(), None);
/// core.stop();
/// ```
#[macro_export]
macro_rules! typed_proxy {
    (
        $(#[$attr:meta])*
        $vis:vis trait $trait_name:ident for $target:ty {
            $($methods:tt)*
        }
    ) => {
        $(#[$attr])*
        $vis trait $trait_name: $crate::CallMode<Target = $target> {
            $crate::typed_proxy!(@methods $($methods)*);
        }

        impl<__PykkaHandle> $trait_name for __PykkaHandle
        where
            __PykkaHandle: $crate::CallMode<Target = $target> + ?Sized,
        {
        }
    };

    (@methods) => {};
    (@methods
        $(#[$fn_attr:meta])*
        try fn $method:ident(&$(mut)? self $(, $arg:ident : $arg_ty:ty)* $(,)?) -> $ret:ty;
        $($rest:tt)*
    ) => {
        $(#[$fn_attr])*
        #[doc = concat!(
            "Calls `", stringify!($method), "` on the target. Asked: the reply gets the `Ok` ",
            "value of its `", stringify!($ret), "`, and an `Err` fails the reply (`AskError::Failed`, ",
            "the error reachable with `Failure::downcast_ref`). Told: an `Err` fails the actor."
        )]
        fn $method(&self $(, $arg: $arg_ty)*) -> Self::Out<<$ret as $crate::Fallible>::Ok> {
            $crate::CallMode::send_try_call(self, move |target: &mut Self::Target| -> $ret {
                target.$method($($arg),*)
            })
        }
        $crate::typed_proxy!(@methods $($rest)*);
    };
    (@methods
        $(#[$fn_attr:meta])*
        fn $method:ident(&$(mut)? self $(, $arg:ident : $arg_ty:ty)* $(,)?) $(-> $ret:ty)?;
        $($rest:tt)*
    ) => {
        $(#[$fn_attr])*
        #[doc = concat!(
            "Calls `", stringify!($method), "` on the target. Asked: the reply gets its result. ",
            "Told: the result is dropped."
        )]
        fn $method(&self $(, $arg: $arg_ty)*) -> Self::Out<$crate::typed_proxy!(@ret $($ret)?)> {
            $crate::CallMode::send_call(self, move |target: &mut Self::Target| {
                target.$method($($arg),*)
            })
        }
        $crate::typed_proxy!(@methods $($rest)*);
    };

    (@ret) => { () };
    (@ret $ret:ty) => { $ret };
}
