//! pykka's errors where applications put errors: `?` into `Box<dyn Error>` (with and
//! without `Send + Sync`), and the handler's original error still reachable.

use std::error::Error;
use std::time::Duration;

use pykka_core::{Actor, AskError, Context, Failure};
use pykka_thread::ThreadRuntime;

struct Parser;

impl Actor for Parser {
    type Message = String;
    type Reply = i32;
    fn on_receive(&mut self, text: String, _: &Context<Self>) -> Result<i32, Failure> {
        Ok(text.parse::<i32>()?)
    }
}

fn ask_parser(text: &str) -> Result<i32, Box<dyn Error + Send + Sync>> {
    let parser = Parser.start(&ThreadRuntime::default())?;
    let answer = parser.ask_timeout(text.to_string(), Duration::from_secs(10))?;
    parser.stop_timeout(Duration::from_secs(10))?;
    Ok(answer)
}

#[test]
fn ask_errors_go_into_a_boxed_error_and_keep_the_handlers_error() {
    assert_eq!(ask_parser("42").unwrap(), 42);
    let error = ask_parser("x").unwrap_err();
    assert_eq!(error.to_string(), "invalid digit found in string");
    // The handler's own error stays reachable by downcasting the failure.
    match error.downcast_ref::<AskError>() {
        Some(AskError::Failed(f)) => {
            assert!(f.downcast_ref::<std::num::ParseIntError>().is_some());
        }
        other => panic!("expected a failed ask, got {other:?}"),
    }
}

fn failing() -> Result<(), Failure> {
    Err(Failure::new(std::fmt::Error))
}

#[test]
fn failures_go_into_boxed_errors_with_their_source() {
    let boxed = (|| -> Result<(), Box<dyn Error>> { Ok(failing()?) })().unwrap_err();
    assert_eq!(
        boxed.to_string(),
        "an error occurred when formatting an argument"
    );
    assert!(
        boxed
            .source()
            .unwrap()
            .downcast_ref::<std::fmt::Error>()
            .is_some()
    );
    let sendable =
        (|| -> Result<(), Box<dyn Error + Send + Sync>> { Ok(failing()?) })().unwrap_err();
    let as_error = sendable
        .downcast_ref::<pykka_core::FailureError>()
        .expect("a FailureError");
    assert!(
        as_error
            .failure()
            .downcast_ref::<std::fmt::Error>()
            .is_some()
    );
}
