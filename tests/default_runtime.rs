//! `pykka::DefaultRuntime` follows the documented rule: `thread` if enabled, else
//! `smol`, else `tokio`, and never `green` (its runtime needs an `unsafe` constructor), so with only
//! `green` it does not exist. CI runs this file under several feature sets.
#![cfg(any(
    feature = "thread",
    feature = "green",
    feature = "smol",
    feature = "tokio"
))]

/// An actor that answers its message.
struct Echo;

impl pykka::Actor for Echo {
    type Message = u8;
    type Reply = u8;
    fn on_receive(&mut self, m: u8, _: &pykka::Context<Self>) -> Result<u8, pykka::Failure> {
        Ok(m)
    }
}

/// Starts an [`Echo`] on `rt`, asks it and stops it, every wait bounded.
fn echo_on<R: pykka::Runtime>(rt: &R) {
    let bound = std::time::Duration::from_secs(10);
    let registry = pykka::ActorRegistry::new();
    let echo = registry.start(rt, Echo).unwrap();
    assert_eq!(echo.ask_timeout(7, bound).unwrap(), 7);
    assert!(echo.stop_timeout(bound).unwrap());
}

#[cfg(any(feature = "thread", feature = "smol", feature = "tokio"))]
#[test]
fn default_runtime_follows_the_documented_precedence() {
    use pykka::Runtime;

    let expected = if cfg!(feature = "thread") {
        "thread"
    } else if cfg!(feature = "smol") {
        "smol"
    } else {
        "tokio"
    };
    assert_eq!(<pykka::DefaultRuntime as Runtime>::NAME, expected);
}

#[cfg(any(feature = "thread", feature = "smol", feature = "tokio"))]
#[test]
fn default_runtime_runs_an_actor() {
    echo_on(&pykka::DefaultRuntime::default());
}

/// With only `green`, `pykka::DefaultRuntime` must not exist. Two glob imports that
/// both provide a name make that name ambiguous where it is used (an error, or the
/// `ambiguous_glob_imports` lint, denied here): if the facade had a `DefaultRuntime`,
/// this module would not compile; without one, the name resolves to the stand-in.
#[cfg(not(any(feature = "thread", feature = "smol", feature = "tokio")))]
#[deny(ambiguous_glob_imports)]
mod only_green {
    mod stand_in {
        pub struct DefaultRuntime;
    }

    #[allow(unused_imports)]
    use pykka::*;
    use stand_in::*;

    pub(super) fn default_runtime_name() -> &'static str {
        std::any::type_name::<DefaultRuntime>()
    }
}

#[cfg(not(any(feature = "thread", feature = "smol", feature = "tokio")))]
#[test]
fn green_alone_gives_no_default_runtime() {
    assert!(
        only_green::default_runtime_name().ends_with("stand_in::DefaultRuntime"),
        "{}",
        only_green::default_runtime_name()
    );
}

#[cfg(feature = "green")]
#[test]
fn green_is_reached_by_name_and_runs_an_actor() {
    use pykka::Runtime;

    assert_eq!(<pykka::green::GreenRuntime as Runtime>::NAME, "green");
    #[cfg(any(feature = "thread", feature = "smol", feature = "tokio"))]
    assert_ne!(<pykka::DefaultRuntime as Runtime>::NAME, "green");
    // SAFETY: `Echo` only returns its message: it holds no thread-bound state and
    // never looks at the thread it runs on.
    let rt = unsafe { pykka::green::GreenRuntime::new() };
    echo_on(&rt);
}
