//! Shared fixtures of the conformance suite: test actors, [`Events`], a per-case
//! [`Fixture`] with its own registry, and a process-wide log capture.
//!
//! Everything here is public so that a backend's own tests can reuse it.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use pykka_core::{Actor, ActorRef, ActorRegistry, Context, Event, Failure, Reply, Runtime};

/// The bound of every wait that is expected to succeed: a bug fails the case after
/// this long instead of hanging it.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Waits (bounded by [`TIMEOUT`]) until `event` is set, failing the case otherwise.
pub fn wait_for(event: &Event, what: &str) {
    assert!(
        event.wait_timeout(TIMEOUT),
        "timed out waiting for {what} (usually a message lost by the inbox, or a wait \
         that blocked the thread of the context that should have set it)"
    );
}

/// Puts the calling case under the watchdog (see [`CASE_LIMIT`]) until the returned
/// value is dropped, for a case that cannot hold a [`Fixture`] (one that drops its
/// runtime value, say).
pub fn watch() -> impl Drop {
    Watchdog::get().enter()
}

/// Whether the suite's actors handle messages with an async handler that suspends
/// once (see [`with_async_handlers`]).
static ASYNC_HANDLERS: AtomicBool = AtomicBool::new(false);

/// Makes every actor of the suite (but those that are only sync or only async by
/// design) handle its messages in [`Actor::on_receive_async`], suspended once before
/// it runs its `on_receive`, for the rest of the process; returns `rt`. A backend runs
/// the suite a second time with it, in a test binary of its own:
///
/// ```ignore
/// pykka_conformance::suite!(pykka_conformance::support::with_async_handlers(MyRuntime::default()));
/// ```
pub fn with_async_handlers<R>(rt: R) -> R {
    ASYNC_HANDLERS.store(true, Ordering::SeqCst);
    rt
}

/// Pending once (waking its task at once) if [`with_async_handlers`] was called,
/// else ready: what the suite's handlers await first.
pub async fn maybe_yield() {
    struct YieldOnce(bool);
    impl std::future::Future for YieldOnce {
        type Output = ();
        fn poll(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<()> {
            if self.0 {
                return std::task::Poll::Ready(());
            }
            self.0 = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
    if ASYNC_HANDLERS.load(Ordering::Relaxed) {
        YieldOnce(false).await;
    }
}

/// How long one case may hold a [`Fixture`] before the watchdog ends the process.
///
/// Some cases exercise the unbounded blocking calls themselves (`stop()`, `ask()`,
/// `get()`); with a broken backend they would hang forever. The watchdog bounds them:
/// it names the case on stderr and aborts the test process, so the bug fails the run in
/// a minute instead of stalling CI.
pub const CASE_LIMIT: Duration = Duration::from_secs(60);

/// The cases that hold a fixture, with their deadlines.
#[derive(Default)]
struct Watchdog {
    cases: Mutex<HashMap<u64, (String, Instant)>>,
    changed: Condvar,
}

impl Watchdog {
    fn get() -> &'static Watchdog {
        static WATCHDOG: OnceLock<&'static Watchdog> = OnceLock::new();
        WATCHDOG.get_or_init(|| {
            let watchdog: &'static Watchdog = Box::leak(Box::default());
            std::thread::Builder::new()
                .name("pykka-conformance-watchdog".into())
                .spawn(move || watchdog.watch())
                .expect("start the conformance watchdog");
            watchdog
        })
    }

    fn watch(&self) {
        let mut cases = self.cases.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let earliest = cases
                .values()
                .min_by_key(|(_, deadline)| *deadline)
                .cloned();
            cases = match earliest {
                None => self.changed.wait(cases).unwrap_or_else(|e| e.into_inner()),
                Some((case, deadline)) => {
                    let now = Instant::now();
                    if now >= deadline {
                        // Straight to stderr: the test harness captures `eprintln!`
                        // of threads started by a test, and would lose this.
                        let _ = writeln!(
                            std::io::stderr(),
                            "conformance case `{case}` still runs after {CASE_LIMIT:?}: \
                             a wait hangs (usually an unbounded wait inside an actor that \
                             blocked its executor worker or coroutine thread instead of \
                             parking its own context, or an ask whose envelope was never \
                             dropped: check the inbox's closing rule); aborting the test \
                             process"
                        );
                        std::process::abort();
                    }
                    self.changed
                        .wait_timeout(cases, deadline - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
        }
    }

    fn enter(&'static self) -> CaseGuard {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let case = std::thread::current()
            .name()
            .unwrap_or("unnamed case")
            .to_string();
        self.cases
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, (case, Instant::now() + CASE_LIMIT));
        self.changed.notify_all();
        CaseGuard { id, watchdog: self }
    }
}

/// Keeps a case under the watchdog until dropped.
struct CaseGuard {
    id: u64,
    watchdog: &'static Watchdog,
}

impl Drop for CaseGuard {
    fn drop(&mut self) {
        let mut cases = self
            .watchdog
            .cases
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        cases.remove(&self.id);
        self.watchdog.changed.notify_all();
    }
}

impl std::fmt::Debug for CaseGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseGuard").field("id", &self.id).finish()
    }
}

/// One case's world: a fresh runtime value and a registry of its own, so that cases
/// running in parallel threads never see each other's actors, and a place under the
/// watchdog (see [`CASE_LIMIT`]). Dropping it asks every actor still registered to
/// stop, without waiting.
#[derive(Debug)]
pub struct Fixture<R: Runtime> {
    /// The runtime under test.
    pub rt: R,
    /// The case's own registry.
    pub registry: ActorRegistry,
    _watched: CaseGuard,
}

impl<R: Runtime> Fixture<R> {
    /// A fixture around `rt` with an empty registry; the case is watched from now on.
    pub fn new(rt: R) -> Self {
        Fixture {
            rt,
            registry: ActorRegistry::new(),
            _watched: Watchdog::get().enter(),
        }
    }

    /// Starts `actor` in the fixture's registry; a start error fails the case.
    pub fn start<A: Actor>(&self, actor: A) -> ActorRef<A> {
        self.registry
            .start(&self.rt, actor)
            .unwrap_or_else(|e| panic!("{e}"))
    }
}

impl<R: Runtime> Drop for Fixture<R> {
    fn drop(&mut self) {
        drop(self.registry.stop_all_nonblocking());
    }
}

/// What an actor saw of itself in `on_stop` or `on_failure`.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `is_alive()` of its own reference.
    pub alive: bool,
    /// Whether its registry still listed it.
    pub registered: bool,
    /// The failure `on_failure` got (`None` in `on_stop`).
    pub failure: Option<Failure>,
}

/// Signals from a [`Probe`] to the case: Pykka's `events` fixture. Clones share them.
#[derive(Debug, Clone, Default)]
pub struct Events {
    /// Set in `on_start` (after the registry check below).
    pub on_start_was_called: Event,
    /// Set in `on_start` if the registry already finds the actor by URN.
    pub actor_registered_before_on_start_was_called: Event,
    /// Set in `on_stop`.
    pub on_stop_was_called: Event,
    /// Set in `on_failure`.
    pub on_failure_was_called: Event,
    /// Set when the actor handles [`Cmd::Greetings`].
    pub greetings_was_received: Event,
    /// What `on_stop` saw.
    pub on_stop_seen: Reply<Seen>,
    /// What `on_failure` saw.
    pub on_failure_seen: Reply<Seen>,
}

impl Events {
    /// Fresh, unset events.
    pub fn new() -> Self {
        Self::default()
    }
}

/// How a hook of a [`Probe`] fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The hook returns `Err(Failure::msg("{hook} failed"))`.
    Error,
    /// The hook panics with `"{hook} panicked"`.
    Panic,
}

impl Fault {
    fn raise(self, hook: &str) -> Result<(), Failure> {
        match self {
            Fault::Error => Err(Failure::msg(format!("{hook} failed"))),
            Fault::Panic => panic!("{hook} panicked"),
        }
    }
}

/// Which hooks of a [`Probe`] fail, and how.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// `on_start` fails.
    pub on_start: Option<Fault>,
    /// `on_start` stops the actor (Pykka's early-stopping actors).
    pub stop_in_on_start: bool,
    /// `on_stop` fails.
    pub on_stop: Option<Fault>,
    /// `on_failure` fails.
    pub on_failure: Option<Fault>,
}

/// A callback run inside the actor, with its context.
pub type Callback = Box<dyn FnOnce(&Context<Probe>) -> String + Send>;

/// The messages of a [`Probe`].
pub enum Cmd {
    /// Replies `"pong"`.
    Ping,
    /// Fails with `Failure::msg("foo")`.
    Fail,
    /// Panics with `"boom"`.
    Panic,
    /// Calls `ctx.stop()` twice.
    StopTwice,
    /// Tells itself [`Cmd::Greetings`], then stops itself.
    MessageSelfThenStop,
    /// Sets `greetings_was_received`.
    Greetings,
    /// Blocks (with pykka's own wait, bounded by [`TIMEOUT`]) until the event is set:
    /// makes the actor busy until the case releases it.
    Wait(Event),
    /// Runs the callback in the actor and replies its result.
    Run(Callback),
}

impl std::fmt::Debug for Cmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Cmd::Ping => "Ping",
            Cmd::Fail => "Fail",
            Cmd::Panic => "Panic",
            Cmd::StopTwice => "StopTwice",
            Cmd::MessageSelfThenStop => "MessageSelfThenStop",
            Cmd::Greetings => "Greetings",
            Cmd::Wait(_) => "Wait",
            Cmd::Run(_) => "Run",
        };
        f.write_str(name)
    }
}

/// Pykka's `ActorA` of `test_actor.py`: reports its hooks through [`Events`] and fails
/// the hooks its [`Faults`] name.
#[derive(Debug)]
pub struct Probe {
    events: Events,
    faults: Faults,
}

impl Probe {
    /// A probe whose hooks all succeed.
    pub fn new(events: &Events) -> Self {
        Self::with_faults(events, Faults::default())
    }

    /// A probe whose hooks fail as `faults` says.
    pub fn with_faults(events: &Events, faults: Faults) -> Self {
        Probe {
            events: events.clone(),
            faults,
        }
    }

    fn seen(ctx: &Context<Self>, failure: Option<Failure>) -> Seen {
        Seen {
            alive: ctx.actor_ref().is_alive(),
            registered: ctx.registry().get_by_urn(ctx.urn()).is_some(),
            failure,
        }
    }
}

impl Actor for Probe {
    awaiting_handler!();

    type Message = Cmd;
    type Reply = String;

    fn on_start(&mut self, ctx: &Context<Self>) -> Result<(), Failure> {
        if ctx.registry().get_by_urn(ctx.urn()).is_some() {
            self.events
                .actor_registered_before_on_start_was_called
                .set();
        }
        self.events.on_start_was_called.set();
        if self.faults.stop_in_on_start {
            ctx.stop();
        }
        self.faults.on_start.map_or(Ok(()), |f| f.raise("on_start"))
    }

    fn on_stop(&mut self, ctx: &Context<Self>) -> Result<(), Failure> {
        let _ = self.events.on_stop_seen.set(Self::seen(ctx, None));
        self.events.on_stop_was_called.set();
        self.faults.on_stop.map_or(Ok(()), |f| f.raise("on_stop"))
    }

    fn on_failure(&mut self, failure: &Failure, ctx: &Context<Self>) -> Result<(), Failure> {
        let _ = self
            .events
            .on_failure_seen
            .set(Self::seen(ctx, Some(failure.clone())));
        self.events.on_failure_was_called.set();
        self.faults
            .on_failure
            .map_or(Ok(()), |f| f.raise("on_failure"))
    }

    fn on_receive(&mut self, message: Cmd, ctx: &Context<Self>) -> Result<String, Failure> {
        match message {
            Cmd::Ping => return Ok("pong".into()),
            Cmd::Fail => return Err(Failure::msg("foo")),
            Cmd::Panic => panic!("boom"),
            Cmd::StopTwice => {
                ctx.stop();
                ctx.stop();
            }
            Cmd::MessageSelfThenStop => {
                ctx.actor_ref()
                    .tell(Cmd::Greetings)
                    .map_err(|e| Failure::msg(e.without_message()))?;
                ctx.stop();
            }
            Cmd::Greetings => self.events.greetings_was_received.set(),
            Cmd::Wait(event) => {
                if !event.wait_timeout(TIMEOUT) {
                    return Err(Failure::msg("the case never released the actor"));
                }
            }
            Cmd::Run(callback) => return Ok(callback(ctx)),
        }
        Ok(String::new())
    }
}

/// An actor with the default `on_receive`: every message is unexpected.
#[derive(Debug, Default)]
pub struct Plain;

impl Actor for Plain {
    type Message = u32;
    type Reply = ();
}

/// Pykka's `ActorA` of `test_ref.py`: completes a reply with the first message told.
#[derive(Debug)]
pub struct Recorder<M: Send + 'static> {
    received: Reply<M>,
}

impl<M: Send + 'static> Recorder<M> {
    /// A recorder that puts the first message it gets into `received`.
    pub fn new(received: &Reply<M>) -> Self {
        Recorder {
            received: received.clone(),
        }
    }
}

impl<M: Send + 'static> Actor for Recorder<M> {
    awaiting_handler!();

    type Message = M;
    type Reply = ();

    fn on_receive(&mut self, message: M, _: &Context<Self>) -> Result<(), Failure> {
        self.received
            .set(message)
            .map_err(|_| Failure::msg("a second message"))
    }
}

/// A member of [`Target`], reached through `Proxy::member` (Pykka's traversable
/// attribute).
#[derive(Debug, Default, Clone)]
pub struct Inner {
    /// A plain value.
    pub val: String,
    /// A member one level further down.
    pub nested: Nested,
    /// Where [`Inner::record_thread`] writes.
    pub seen_thread: Option<String>,
}

impl Inner {
    /// Records the name of the thread it runs on, and returns it.
    pub fn record_thread(&mut self) -> Option<String> {
        self.seen_thread = std::thread::current().name().map(str::to_string);
        self.seen_thread.clone()
    }
}

/// A member two levels down.
#[derive(Debug, Default, Clone)]
pub struct Nested {
    /// A plain value.
    pub deep: u32,
}

/// Pykka's `StaticMethodActor` and friends: an actor used through proxies.
#[derive(Debug)]
pub struct Target {
    events: Events,
    /// Pykka's `cat` attribute, `"dog"` at first.
    pub cat: String,
    /// A traversable member.
    pub inner: Inner,
}

impl Target {
    /// A target reporting its hooks to `events`.
    pub fn new(events: &Events) -> Self {
        Target {
            events: events.clone(),
            cat: "dog".into(),
            inner: Inner {
                val: "inner".into(),
                nested: Nested { deep: 42 },
                seen_thread: None,
            },
        }
    }

    /// `"Hello, {s}!"`.
    pub fn functional_hello(&self, s: &str) -> String {
        format!("Hello, {s}!")
    }

    /// Sets `cat`.
    pub fn set_cat(&mut self, s: &str) {
        self.cat = s.into();
    }

    /// Always fails with `"boom!"`.
    pub fn raise_exception(&mut self) -> Result<(), Failure> {
        Err(Failure::msg("boom!"))
    }

    /// Asks itself, through its own proxy, for a greeting that is computed later.
    pub fn talk_with_self(&self, ctx: &Context<Self>) -> Result<Reply<String>, Failure> {
        let proxy = ctx.proxy().map_err(Failure::new)?;
        Ok(proxy.call(|t| t.functional_hello("from the future")))
    }
}

impl Actor for Target {
    type Message = ();
    type Reply = ();

    fn on_stop(&mut self, _: &Context<Self>) -> Result<(), Failure> {
        self.events.on_stop_was_called.set();
        Ok(())
    }

    fn on_failure(&mut self, failure: &Failure, ctx: &Context<Self>) -> Result<(), Failure> {
        let seen = Seen {
            alive: ctx.actor_ref().is_alive(),
            registered: ctx.registry().get_by_urn(ctx.urn()).is_some(),
            failure: Some(failure.clone()),
        };
        let _ = self.events.on_failure_seen.set(seen);
        self.events.on_failure_was_called.set();
        Ok(())
    }
}

/// Collects the strings it is told; `A` and `B` are two distinct actor types (Pykka's
/// `ActorA` and `ActorB` of `test_registry.py`).
macro_rules! collector {
    ($name:ident) => {
        #[doc = concat!("A collecting actor named `", stringify!($name), "`.")]
        #[derive(Debug, Default)]
        pub struct $name {
            /// Every message received, in order.
            pub received: Vec<String>,
        }

        impl Actor for $name {
            type Message = String;
            type Reply = ();

            awaiting_handler!();

            fn on_receive(&mut self, message: String, _: &Context<Self>) -> Result<(), Failure> {
                self.received.push(message);
                Ok(())
            }
        }
    };
}

collector!(CollectorA);
collector!(CollectorB);

/// One captured log record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Its level.
    pub level: log::Level,
    /// Its target.
    pub target: String,
    /// Its formatted message.
    pub message: String,
}

/// A `log::Log` that keeps every record whose target starts with `pykka` and that
/// names an actor, filed by that actor's URN. Installed once per process by
/// [`log_capture`]; cases find their own records by their actor's URN, since all cases
/// of a test binary share it.
///
/// Filing by URN keeps every look-up (and the time the lock is held) proportional to
/// one actor's records: actors log from their own threads, coroutines and executor
/// workers, and must never wait long for this lock while a case scans.
#[derive(Debug, Default)]
pub struct LogCapture {
    records: Mutex<HashMap<String, Vec<Record>>>,
    added: Condvar,
}

/// The first `urn:uuid:…` in a log message.
fn urn_in(message: &str) -> Option<&str> {
    const URN_LEN: usize = "urn:uuid:".len() + 36;
    let start = message.find("urn:uuid:")?;
    message.get(start..start + URN_LEN)
}

impl log::Log for LogCapture {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target().starts_with("pykka")
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let message = record.args().to_string();
        let Some(urn) = urn_in(&message).map(str::to_string) else {
            return;
        };
        let record = Record {
            level: record.level(),
            target: record.target().to_string(),
            message,
        };
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(urn)
            .or_default()
            .push(record);
        self.added.notify_all();
    }

    fn flush(&self) {}
}

impl LogCapture {
    /// The records at `level` that mention `urn`, in the order they were logged.
    pub fn records(&self, urn: &str, level: log::Level) -> Vec<Record> {
        let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        Self::select(&records, urn, level)
    }

    fn select(records: &HashMap<String, Vec<Record>>, urn: &str, level: log::Level) -> Vec<Record> {
        records
            .get(urn)
            .into_iter()
            .flatten()
            .filter(|r| r.level == level)
            .cloned()
            .collect()
    }

    /// Waits (at most [`TIMEOUT`]) until at least `n` records at `level` mention
    /// `urn`, then returns all of them; fails the case on timeout.
    pub fn wait_for(&self, urn: &str, level: log::Level, n: usize) -> Vec<Record> {
        let deadline = Instant::now() + TIMEOUT;
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let found = Self::select(&records, urn, level);
            if found.len() >= n {
                return found;
            }
            let now = Instant::now();
            assert!(
                now < deadline,
                "timed out waiting for {n} {level} records about {urn}: {found:?}"
            );
            records = self
                .added
                .wait_timeout(records, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

impl LogCapture {
    /// Waits (at most [`TIMEOUT`]) until a record at `level` that mentions `urn`
    /// starts with `prefix`, and returns it; fails the case on timeout.
    pub fn wait_for_message(&self, urn: &str, level: log::Level, prefix: &str) -> Record {
        let deadline = Instant::now() + TIMEOUT;
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let found = Self::select(&records, urn, level);
            if let Some(record) = found.iter().find(|r| r.message.starts_with(prefix)) {
                return record.clone();
            }
            let now = Instant::now();
            assert!(
                now < deadline,
                "timed out waiting for a {level} record about {urn} starting with {prefix:?}: {found:?}"
            );
            records = self
                .added
                .wait_timeout(records, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// The process's log capture, installed (with the maximum level) on first use.
///
/// # Panics
///
/// If another logger was installed first: the logging cases could not see pykka's
/// records.
pub fn log_capture() -> &'static LogCapture {
    static CAPTURE: OnceLock<&'static LogCapture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture: &'static LogCapture = Box::leak(Box::default());
        log::set_logger(capture).expect("the logging cases need to install their own logger");
        log::set_max_level(log::LevelFilter::Trace);
        capture
    })
}
