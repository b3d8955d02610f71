//! `pykka::DefaultRuntime` follows the documented precedence: `thread`, then `smol`,
//! then `green`. CI runs this file under several feature sets.
#![cfg(any(feature = "thread", feature = "green", feature = "smol"))]

use pykka::Runtime;

#[test]
fn default_runtime_follows_the_documented_precedence() {
    let expected = if cfg!(feature = "thread") {
        "thread"
    } else if cfg!(feature = "smol") {
        "smol"
    } else {
        "green"
    };
    assert_eq!(<pykka::DefaultRuntime as Runtime>::NAME, expected);
}

#[test]
fn default_runtime_runs_an_actor() {
    use pykka::{Actor, Context, Failure};

    struct Echo;
    impl Actor for Echo {
        type Message = u8;
        type Reply = u8;
        fn on_receive(&mut self, m: u8, _: &Context<Self>) -> Result<u8, Failure> {
            Ok(m)
        }
    }
    let registry = pykka::ActorRegistry::new();
    let echo = registry
        .start(&pykka::DefaultRuntime::default(), Echo)
        .unwrap();
    assert_eq!(
        echo.ask_timeout(7, std::time::Duration::from_secs(10))
            .unwrap(),
        7
    );
    assert!(
        echo.stop_timeout(std::time::Duration::from_secs(10))
            .unwrap()
    );
}
