//! [`typed_proxy!`](crate::typed_proxy): named, typed proxy methods for an actor.

/// Declares a trait of typed proxy methods for an actor and implements it for
/// [`Proxy`](crate::Proxy): Pykka 4's `pykka.typing` proxies (`proxy_method`), checked
/// by the compiler.
///
/// Each declared method mirrors a method of the actor (same name and arguments, taking
/// `&self` or `&mut self`); on the proxy it takes `&self`, sends the call, and returns a
/// [`Reply`](crate::Reply) of the method's return type (`()` when none is written).
/// Arguments are moved into the message, so they must be `Send + 'static`.
///
/// # Examples
///
/// ```
/// use pykka_core::{Actor, typed_proxy};
///
/// #[derive(Default)]
/// struct Adder {
///     calls: u32,
/// }
///
/// impl Adder {
///     fn add(&mut self, a: u64, b: u64) -> u64 {
///         self.calls += 1;
///         a + b
///     }
///     fn reset(&mut self) {
///         self.calls = 0;
///     }
///     fn calls(&self) -> u32 {
///         self.calls
///     }
/// }
///
/// impl Actor for Adder {
///     type Message = ();
///     type Reply = ();
/// }
///
/// typed_proxy! {
///     /// The calls other actors may make on an [`Adder`].
///     pub trait AdderProxy for Adder {
///         fn add(&mut self, a: u64, b: u64) -> u64;
///         fn reset(&mut self);
///         fn calls(&self) -> u32;
///     }
/// }
///
/// let adder = Adder::default().start(&pykka_thread::ThreadRuntime::default()).unwrap();
/// let proxy = adder.proxy().unwrap();
/// assert_eq!(proxy.add(2, 3).take().unwrap(), 5);
/// assert_eq!(proxy.calls().get().unwrap(), 1);
/// proxy.reset().take().unwrap();
/// assert_eq!(proxy.calls().get().unwrap(), 0);
/// adder.stop();
/// ```
#[macro_export]
macro_rules! typed_proxy {
    (
        $(#[$attr:meta])*
        $vis:vis trait $trait_name:ident for $actor:ty {
            $(
                $(#[$fn_attr:meta])*
                fn $method:ident(&$(mut)? self $(, $arg:ident : $arg_ty:ty)* $(,)?) $(-> $ret:ty)?;
            )*
        }
    ) => {
        $(#[$attr])*
        $vis trait $trait_name {
            $(
                $(#[$fn_attr])*
                #[doc = concat!("Calls `", stringify!($method), "` on the actor; the reply gets its result.")]
                fn $method(&self $(, $arg: $arg_ty)*) -> $crate::Reply<$crate::typed_proxy!(@ret $($ret)?)>;
            )*
        }

        impl $trait_name for $crate::Proxy<$actor> {
            $(
                fn $method(&self $(, $arg: $arg_ty)*) -> $crate::Reply<$crate::typed_proxy!(@ret $($ret)?)> {
                    self.call(move |actor: &mut $actor| actor.$method($($arg),*))
                }
            )*
        }
    };
    (@ret) => { () };
    (@ret $ret:ty) => { $ret };
}
