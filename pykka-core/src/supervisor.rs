//! [`Supervisor`]: an actor that starts children from factories and restarts them when
//! they end, with OTP's strategies, restart kinds and restart intensity, built on
//! death watch ([`Context::watch`]).

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use crate::{Actor, AnyActorRef, Context, Ended, Failure, Runtime, StartError, WatchId};

/// Which children a supervisor restarts when one of them is to be restarted (OTP's
/// `strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Only the child that ended.
    OneForOne,
    /// Every child: the others are stopped (last started first), then all are
    /// started again in order.
    OneForAll,
    /// The child that ended and those started after it: the later ones are stopped
    /// (last started first), then all of them are started again in order.
    RestForOne,
}

/// When a child is restarted (OTP's `restart`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restart {
    /// Always, whatever the reason it ended (a stop included).
    Permanent,
    /// Only if it failed ([`StopReason::is_normal`](crate::StopReason::is_normal) is
    /// `false`).
    Transient,
    /// Never: once ended, it is gone from the supervisor.
    Temporary,
}

type StartFn = Box<dyn Fn(&Context<Supervisor>) -> Result<AnyActorRef, StartError> + Send>;

/// How a [`Supervisor`] starts one child: a factory of fresh actor values, the runtime
/// to start them on, and a [`Restart`] kind ([`Permanent`](Restart::Permanent) unless
/// [`restart`](ChildSpec::restart) says otherwise).
///
/// The runtime is the spec's own ([`new`](ChildSpec::new)): children may run on another
/// backend than their supervisor; or the supervisor's ([`inherit`](ChildSpec::inherit)).
pub struct ChildSpec {
    name: &'static str,
    restart: Restart,
    start: StartFn,
}

impl ChildSpec {
    /// A child made by `factory` (called for the first start and for every restart),
    /// started on `runtime`.
    pub fn new<A, R, F>(runtime: &R, factory: F) -> Self
    where
        A: Actor,
        R: Runtime,
        F: Fn() -> A + Send + 'static,
    {
        let runtime = runtime.clone();
        ChildSpec {
            name: A::name(),
            restart: Restart::Permanent,
            start: Box::new(move |ctx| {
                ctx.registry()
                    .start(&runtime, factory())
                    .map(AnyActorRef::from)
            }),
        }
    }

    /// A child made by `factory`, started on the supervisor's own runtime (through
    /// [`Context::start`]), so that the spec needs no runtime value.
    ///
    /// ```
    /// use pykka_core::{Actor, ChildSpec, Context, Failure, Strategy, Supervisor};
    ///
    /// struct Worker;
    /// impl Actor for Worker {
    ///     type Message = u32;
    ///     type Reply = u32;
    ///     fn on_receive(&mut self, n: u32, _: &Context<Self>) -> Result<u32, Failure> { Ok(n) }
    /// }
    ///
    /// // The worker runs on the green, smol or thread backend as the supervisor does.
    /// let sup = Supervisor::new(Strategy::OneForOne)
    ///     .child(ChildSpec::inherit(|| Worker))
    ///     .start(&pykka_thread::ThreadRuntime::default())
    ///     .unwrap();
    /// let children = sup.ask(pykka_core::SupervisorMsg::Children).unwrap();
    /// let worker = children[0].as_ref().unwrap().downcast::<Worker>().unwrap();
    /// assert_eq!(worker.ask(5).unwrap(), 5);
    /// sup.stop();
    /// assert!(!worker.is_alive());
    /// ```
    pub fn inherit<A, F>(factory: F) -> Self
    where
        A: Actor,
        F: Fn() -> A + Send + 'static,
    {
        ChildSpec {
            name: A::name(),
            restart: Restart::Permanent,
            start: Box::new(move |ctx| ctx.start(factory()).map(AnyActorRef::from)),
        }
    }

    /// Sets when the child is restarted.
    #[must_use]
    pub fn restart(mut self, restart: Restart) -> Self {
        self.restart = restart;
        self
    }
}

impl fmt::Debug for ChildSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildSpec")
            .field("name", &self.name)
            .field("restart", &self.restart)
            .finish_non_exhaustive()
    }
}

/// What a [`Supervisor`] is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SupervisorMsg {
    /// The current incarnation of each child, in the order of the specs; `None` for a
    /// child that ended and was not restarted.
    Children,
}

struct Child {
    actor: AnyActorRef,
    watch: WatchId,
}

/// A ready-made supervisor (OTP's `supervisor`, Akka's supervision): starts its
/// children from [`ChildSpec`]s in its `on_start` (in its own registry; they are
/// registered once the supervisor has answered a first message), watches them, restarts them by their
/// [`Restart`] kind and its [`Strategy`], and stops them, last started first, when it
/// ends.
///
/// **Restart intensity**: at most `max_restarts` restarts within `within` (OTP's
/// intensity and period; by default 3 in 5 s). One more, and the supervisor gives up:
/// it fails (ERROR, "Unhandled exception in Supervisor (…): gave up: …"), stops its
/// children, and its own watchers (or supervisor) learn it through its
/// [`StopReason::Failed`](crate::StopReason::Failed). A child whose `on_start`
/// keeps failing is restarted until then.
///
/// **Finding a restarted child**: a restart starts a *new* actor (a new URN),
/// registered again in the supervisor's registry. Callers find the current
/// incarnation there, by class ([`ActorRegistry::get_by_class`](crate::ActorRegistry::get_by_class)) or by name, or ask
/// the supervisor ([`SupervisorMsg::Children`]). A handle that silently follows the
/// incarnations would hide the restart from its holders (an ask in flight to the old
/// one fails with [`ActorDeadError`](crate::ActorDeadError) and should be seen), so
/// pykka keeps references honest: a reference names one actor for life.
///
/// Stop the supervisor, not its children: a permanent child stopped from outside is
/// restarted. Stopping a child waits for it at most the shutdown timeout (5 s by
/// default, [`shutdown_timeout`](Self::shutdown_timeout)); one that takes longer is
/// left to stop on its own (logged at WARNING): pykka cannot kill an actor.
///
/// Links (Erlang's `link`) are not needed on top of this: a supervisor restarts what
/// it watches, and an actor that cannot live without another fails in its own
/// [`on_watched_stopped`](Actor::on_watched_stopped).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use pykka_core::{
///     Actor, ActorRegistry, ChildSpec, Context, Failure, Strategy, Supervisor, SupervisorMsg,
/// };
///
/// struct Worker;
/// impl Actor for Worker {
///     type Message = u32;
///     type Reply = u32;
///     fn on_receive(&mut self, n: u32, _: &Context<Self>) -> Result<u32, Failure> {
///         if n == 0 { Err(Failure::msg("zero")) } else { Ok(100 / n) }
///     }
/// }
///
/// let rt = pykka_thread::ThreadRuntime::default();
/// let registry = ActorRegistry::new();
/// let supervisor = Supervisor::new(Strategy::OneForOne)
///     .intensity(3, Duration::from_secs(5))
///     .child(ChildSpec::new(&rt, || Worker));
/// let supervisor = registry.start(&rt, supervisor).unwrap();
/// // The children start in the supervisor's on_start: they are there once it answers.
/// let children = supervisor.ask(SupervisorMsg::Children).unwrap();
/// let first = children[0].as_ref().unwrap().downcast::<Worker>().unwrap();
/// assert_eq!(registry.get_by_class::<Worker>(), vec![first.clone()]);
/// first.tell(0).unwrap(); // crashes the worker
/// first.stopped().get_timeout(Duration::from_secs(10)).unwrap();
/// // The supervisor handled the crash before this ask: a new worker is registered.
/// let children = supervisor.ask(SupervisorMsg::Children).unwrap();
/// let second = children[0].as_ref().unwrap().downcast::<Worker>().unwrap();
/// assert_ne!(first.urn(), second.urn());
/// assert_eq!(registry.get_by_class::<Worker>(), vec![second.clone()]);
/// assert_eq!(second.ask(4).unwrap(), 25);
/// supervisor.stop(); // stops the worker too
/// assert!(!second.is_alive());
/// ```
pub struct Supervisor {
    strategy: Strategy,
    max_restarts: u32,
    within: Duration,
    shutdown: Duration,
    specs: Vec<ChildSpec>,
    children: Vec<Option<Child>>,
    restarts: VecDeque<Instant>,
}

impl Supervisor {
    /// A supervisor with no children yet, restarting by `strategy`, at most 3
    /// restarts in 5 s.
    pub fn new(strategy: Strategy) -> Self {
        Supervisor {
            strategy,
            max_restarts: 3,
            within: Duration::from_secs(5),
            shutdown: Duration::from_secs(5),
            specs: Vec::new(),
            children: Vec::new(),
            restarts: VecDeque::new(),
        }
    }

    /// At most `max_restarts` restarts within `within`; one more and the supervisor
    /// gives up (fails).
    #[must_use]
    pub fn intensity(mut self, max_restarts: u32, within: Duration) -> Self {
        self.max_restarts = max_restarts;
        self.within = within;
        self
    }

    /// How long stopping one child may take before the supervisor goes on without it.
    #[must_use]
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown = timeout;
        self
    }

    /// Adds a child, started after those added before.
    #[must_use]
    pub fn child(mut self, spec: ChildSpec) -> Self {
        self.specs.push(spec);
        self
    }

    fn start_child(&mut self, i: usize, ctx: &Context<Self>) -> Result<(), Failure> {
        let actor = (self.specs[i].start)(ctx)?;
        let watch = ctx.watch(&actor)?;
        self.children[i] = Some(Child { actor, watch });
        Ok(())
    }

    fn stop_child(&mut self, i: usize, ctx: &Context<Self>) {
        let Some(child) = self.children[i].take() else {
            return;
        };
        ctx.unwatch(child.watch);
        if child.actor.stop_timeout(self.shutdown).is_err() {
            log::warn!(
                target: "pykka",
                "{} did not stop within {:?}; {} goes on without waiting",
                child.actor,
                self.shutdown,
                ctx.actor_ref()
            );
        }
    }

    /// Stops every child, last started first.
    fn stop_children(&mut self, ctx: &Context<Self>) {
        for i in (0..self.children.len()).rev() {
            self.stop_child(i, ctx);
        }
    }

    /// Counts a restart; fails once there were more than the intensity allows.
    fn count_restart(&mut self, ended: &Ended) -> Result<(), Failure> {
        let now = Instant::now();
        while let Some(&first) = self.restarts.front() {
            if now.duration_since(first) > self.within {
                self.restarts.pop_front();
            } else {
                break;
            }
        }
        self.restarts.push_back(now);
        if self.restarts.len() > self.max_restarts as usize {
            return Err(Failure::msg(format!(
                "gave up: more than {} restarts in {:?} (last: {ended})",
                self.max_restarts, self.within
            )));
        }
        Ok(())
    }
}

impl fmt::Debug for Supervisor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Supervisor")
            .field("strategy", &self.strategy)
            .field("max_restarts", &self.max_restarts)
            .field("within", &self.within)
            .field("specs", &self.specs)
            .finish_non_exhaustive()
    }
}

impl Actor for Supervisor {
    type Message = SupervisorMsg;
    type Reply = Vec<Option<AnyActorRef>>;

    fn on_start(&mut self, ctx: &Context<Self>) -> Result<(), Failure> {
        self.children = (0..self.specs.len()).map(|_| None).collect();
        for i in 0..self.specs.len() {
            if let Err(failure) = self.start_child(i, ctx) {
                // A failing on_start runs neither on_stop nor on_failure.
                self.stop_children(ctx);
                return Err(failure);
            }
        }
        Ok(())
    }

    fn on_receive(
        &mut self,
        message: SupervisorMsg,
        _: &Context<Self>,
    ) -> Result<Self::Reply, Failure> {
        match message {
            SupervisorMsg::Children => Ok(self
                .children
                .iter()
                .map(|c| c.as_ref().map(|c| c.actor.clone()))
                .collect()),
        }
    }

    fn on_watched_stopped(&mut self, ended: &Ended, ctx: &Context<Self>) -> Result<(), Failure> {
        let Some(i) = self
            .children
            .iter()
            .position(|c| c.as_ref().is_some_and(|c| c.watch == ended.watch_id()))
        else {
            return Ok(());
        };
        self.children[i] = None;
        let restart = match self.specs[i].restart {
            Restart::Permanent => true,
            Restart::Transient => !ended.reason().is_normal(),
            Restart::Temporary => false,
        };
        if !restart {
            log::debug!(target: "pykka", "{} does not restart {ended}", ctx.actor_ref());
            return Ok(());
        }
        self.count_restart(ended)?;
        let group = match self.strategy {
            Strategy::OneForOne => i..i + 1,
            Strategy::OneForAll => 0..self.children.len(),
            Strategy::RestForOne => i..self.children.len(),
        };
        // The running ones of the group, and the one that ended, start again.
        let again: Vec<usize> = group
            .clone()
            .filter(|&j| j == i || self.children[j].is_some())
            .collect();
        for j in group.rev() {
            self.stop_child(j, ctx);
        }
        log::debug!(
            target: "pykka",
            "{} restarts {} child(ren) ({:?}) after {ended}",
            ctx.actor_ref(),
            again.len(),
            self.strategy
        );
        for j in again {
            self.start_child(j, ctx)?;
        }
        Ok(())
    }

    fn on_stop(&mut self, ctx: &Context<Self>) -> Result<(), Failure> {
        self.stop_children(ctx);
        Ok(())
    }

    fn on_failure(&mut self, _: &Failure, ctx: &Context<Self>) -> Result<(), Failure> {
        self.stop_children(ctx);
        Ok(())
    }
}
