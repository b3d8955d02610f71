//! What pykka logs, at which level, in which words.
//!
//! Ports Pykka 4.5's `tests/test_logging.py` (Apache-2.0, © Stein Magnus Jodal and
//! contributors); rewritten in Rust, names kept minus `test_`.
//!
//! Deliberate deviations:
//! - Records go through the `log` crate (target `pykka`) and are captured by one
//!   process-wide logger ([`log_capture`]); each case selects the records that mention
//!   its own actor's URN, since cases run in parallel.
//! - Python's `exc_info` becomes the failure's text after `": "` in the message.
//! - `test_null_handler_is_added_to_avoid_warnings` has no port: with no logger
//!   installed, the `log` crate drops records silently.
//! - Pykka's `BaseException` (three DEBUG records, "Stopping all actors") maps to a
//!   panic, which is an ordinary failure: one ERROR record with the panic's message.
//! - The unexpected-message WARNING prints the message only where the actor shows it
//!   (`Actor::describe_message`; messages need
//!   not be `Debug`).
//! - Extra: the DEBUG lifecycle records and their order (§1.14 E18).

use log::Level;

use crate::support::{
    Cmd, Events, Fault, Faults, Fixture, Plain, Probe, TIMEOUT, Target, log_capture, wait_for,
};
use pykka_core::{Actor, AskError, DeadKind, Event, Runtime};

/// §2.5.2: the default `on_receive` logs one WARNING.
pub fn unexpected_messages_are_logged<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let actor = fx.start(Plain);
    let result = actor.ask_timeout(1, TIMEOUT);
    assert!(
        matches!(&result, Err(AskError::Failed(f)) if f.is_unexpected_message()),
        "{result:?}"
    );
    let records = capture.wait_for(actor.urn(), Level::Warn, 1);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(
        records[0].message,
        format!("Unexpected message received by {actor}")
    );
    assert_eq!(records[0].target, "pykka");
}

/// An actor that shows its messages in the unexpected-message WARNING.
#[derive(Debug)]
pub struct Shown;

/// The messages of [`Shown`].
#[derive(Debug)]
pub enum ShownMsg {
    /// A message nobody handles.
    Volume(u8),
}

impl Actor for Shown {
    type Message = ShownMsg;
    type Reply = ();

    fn describe_message(message: &ShownMsg) -> Option<String> {
        pykka_core::describe_debug(message)
    }
}

/// Pykka's WARNING with the message, where the actor shows its messages (a told one
/// and an asked one).
pub fn unexpected_messages_are_logged_with_the_message_if_shown<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let actor = fx.start(Shown);
    actor.tell(ShownMsg::Volume(7)).unwrap();
    let result = actor.ask_timeout(ShownMsg::Volume(8), TIMEOUT);
    assert!(
        matches!(&result, Err(AskError::Failed(f)) if f.is_unexpected_message()),
        "{result:?}"
    );
    let records = capture.wait_for(actor.urn(), Level::Warn, 2);
    let messages: Vec<_> = records.into_iter().map(|r| r.message).collect();
    assert_eq!(
        messages,
        [7, 8].map(|v| format!("Unexpected message received by {actor}: Volume({v})"))
    );
    assert!(actor.is_alive());
}

/// §2.5.3: a failure returned to an asker is logged once at INFO.
pub fn exception_is_logged_when_returned_to_caller<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    let result = actor.ask_timeout(Cmd::Fail, TIMEOUT);
    assert!(
        matches!(&result, Err(AskError::Failed(f)) if f.to_string() == "foo"),
        "{result:?}"
    );
    let records = capture.wait_for(actor.urn(), Level::Info, 1);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(
        records[0].message,
        format!("Exception returned from {actor} to caller: foo")
    );
}

/// §2.5.3 on the proxy-call path: a method call whose failure goes back to the caller
/// is logged once at INFO, as an ask's is.
pub fn exception_is_logged_when_returned_to_caller_of_a_proxy_call<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let target = fx.start(Target::new(&Events::new()));
    let proxy = target.proxy().unwrap();
    let result = proxy
        .call_with(|t, _| t.raise_exception())
        .take_timeout(TIMEOUT);
    assert!(
        matches!(&result, Err(AskError::Failed(f)) if f.to_string() == "boom!"),
        "{result:?}"
    );
    let records = capture.wait_for(target.urn(), Level::Info, 1);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(
        records[0].message,
        format!("Exception returned from {target} to caller: boom!")
    );
}

/// §2.5.4: a failing told message is logged once at ERROR; `on_failure` runs.
pub fn exception_is_logged_when_not_reply_requested<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let events = Events::new();
    let actor = fx.start(Probe::new(&events));
    actor.tell(Cmd::Fail).unwrap();
    wait_for(&events.on_failure_was_called, "on_failure");
    let records = capture.wait_for(actor.urn(), Level::Error, 1);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(
        records[0].message,
        format!("Unhandled exception in {actor}: foo")
    );
}

/// §2.5.5 (adapted): a panic in a told message is logged once at ERROR, with the
/// panic's message.
pub fn base_exception_is_logged<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let events = Events::new();
    let actor = fx.start(Probe::new(&events));
    actor.tell(Cmd::Panic).unwrap();
    wait_for(&events.on_failure_was_called, "on_failure");
    let records = capture.wait_for(actor.urn(), Level::Error, 1);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(
        records[0].message,
        format!("Unhandled exception in {actor}: panicked: boom")
    );
}

/// §2.5.6
pub fn exception_in_on_start_is_logged<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let faults = Faults {
        on_start: Some(Fault::Error),
        ..Faults::default()
    };
    let actor = fx.start(Probe::with_faults(&Events::new(), faults));
    let records = capture.wait_for(actor.urn(), Level::Error, 1);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(
        records[0].message,
        format!("Unhandled exception in {actor}: on_start failed")
    );
}

/// §2.5.7
pub fn exception_in_on_stop_is_logged<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let faults = Faults {
        on_stop: Some(Fault::Error),
        ..Faults::default()
    };
    let actor = fx.start(Probe::with_faults(&Events::new(), faults));
    assert!(actor.stop());
    let records = capture.wait_for(actor.urn(), Level::Error, 1);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(
        records[0].message,
        format!("Unhandled exception in {actor}: on_stop failed")
    );
}

/// §2.5.8: a failing `on_failure` gives two ERROR records, the told message's first.
pub fn exception_in_on_failure_is_logged<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let events = Events::new();
    let faults = Faults {
        on_failure: Some(Fault::Error),
        ..Faults::default()
    };
    let actor = fx.start(Probe::with_faults(&events, faults));
    actor.tell(Cmd::Fail).unwrap();
    wait_for(&events.on_failure_was_called, "on_failure");
    let records = capture.wait_for(actor.urn(), Level::Error, 2);
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(
        records[0].message,
        format!("Unhandled exception in {actor}: foo")
    );
    assert_eq!(
        records[1].message,
        format!("Unhandled exception in {actor}: on_failure failed")
    );
}

/// Issue 12 item 7: what an actor's end leaves in its inbox is dropped (asks fail) and
/// reported at DEBUG, by kind.
pub fn dropped_queued_messages_are_logged_at_debug<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let events = Events::new();
    let actor = fx.start(Probe::new(&events));
    let release = Event::new();
    actor.tell(Cmd::Wait(release.clone())).unwrap();
    actor.tell(Cmd::Fail).unwrap();
    actor.tell(Cmd::Ping).unwrap();
    actor.tell(Cmd::Greetings).unwrap();
    let asked = actor.ask_nonblocking(Cmd::Ping);
    actor.proxy().unwrap().defer(|_| {}).unwrap();
    release.set();
    let result = asked.take_timeout(TIMEOUT);
    assert!(
        matches!(&result, Err(AskError::Dead(e)) if e.kind() == DeadKind::StoppedBeforeHandling),
        "{result:?}"
    );
    let record = capture.wait_for_message(actor.urn(), Level::Debug, "Dropped");
    assert_eq!(
        record.message,
        format!("Dropped 4 queued messages of {actor}: 2 tells, 1 ask, 1 call")
    );
    assert!(!events.greetings_was_received.is_set());
}

/// §1.14 E18: "Registered", "Starting", then on stop "Unregistered", "Stopped", all
/// at DEBUG, before `stop()` returns.
pub fn lifecycle_is_logged_at_debug<R: Runtime>(rt: R) {
    let capture = log_capture();
    let fx = Fixture::new(rt);
    let actor = fx.start(Probe::new(&Events::new()));
    assert!(actor.stop());
    let messages: Vec<_> = capture
        .records(actor.urn(), Level::Debug)
        .into_iter()
        .map(|r| r.message)
        .collect();
    let expected =
        ["Registered", "Starting", "Unregistered", "Stopped"].map(|w| format!("{w} {actor}"));
    assert_eq!(messages, expected);
}
