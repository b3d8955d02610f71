//! [`AnyActorTask`]: an actor task whose actor type is erased, and the [`Spawner`]
//! each [`Context`](crate::Context) keeps, so that an actor can start other actors on
//! its own runtime without naming the runtime ([`Context::start`](crate::Context::start)).
//!
//! A context knows its actor's type but not its runtime's; a start knows the child's
//! type. A runtime cannot be asked through a trait object to make an inbox of a type it
//! has never seen, so a child started from a context gets core's
//! [`mailbox`](crate::rt::mailbox) and its task is handed to the runtime with its type
//! erased ([`Runtime::spawn_erased`]).

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;

use crate::actor_loop::{ActorLoop, Envelope};
use crate::actor_task::{Ending, run_async};
use crate::rt::context::{self, Kind};
use crate::rt::mailbox::{MailboxCloser, MailboxReceiver};
use crate::{Actor, Runtime};

/// One actor with its inbox (core's [`mailbox`](crate::rt::mailbox)), its type erased:
/// what [`Runtime::spawn_erased`] gets when an actor starts another from its
/// [`Context`](crate::Context). Run it as an [`ActorTask`](crate::rt::ActorTask) is
/// run: [`run_blocking`](Self::run_blocking) on a thread or coroutine of its own, or
/// [`run`](Self::run) polled as a task. Dropping it unrun closes the inbox, failing
/// every queued ask, and marks the actor dead.
pub struct AnyActorTask {
    task: Box<dyn ErasedTask>,
}

trait ErasedTask: Send {
    fn name(&self) -> String;
    fn closer(&self) -> MailboxCloser;
    fn run_blocking(self: Box<Self>);
    fn run(self: Box<Self>) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// Dropped unrun as an `ActorTask` is: through its `Ending`.
struct Typed<A: Actor> {
    ending: Ending<MailboxReceiver<Envelope<A>>, A>,
}

impl<A: Actor> ErasedTask for Typed<A> {
    fn name(&self) -> String {
        self.ending.actor_loop().name()
    }

    fn closer(&self) -> MailboxCloser {
        self.ending.inbox().closer()
    }

    fn run_blocking(self: Box<Self>) {
        let (inbox, actor_loop) = self.ending.into_parts();
        actor_loop.run_blocking(
            inbox,
            |inbox, _| inbox.recv(),
            |inbox| inbox.try_recv().ok(),
        );
    }

    fn run(self: Box<Self>) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(run_async(self.ending))
    }
}

impl AnyActorTask {
    pub(crate) fn new<A: Actor>(
        inbox: MailboxReceiver<Envelope<A>>,
        actor_loop: ActorLoop<A>,
    ) -> Self {
        AnyActorTask {
            task: Box::new(Typed {
                ending: Ending::new(inbox, actor_loop),
            }),
        }
    }

    /// The name for the actor's thread, coroutine or task, as
    /// [`ActorTask::name`](crate::rt::ActorTask::name).
    pub fn name(&self) -> String {
        self.task.name()
    }

    /// A handle that closes the actor's inbox from outside (for a runtime that ends
    /// its actors at shutdown), as [`MailboxReceiver::closer`].
    pub fn closer(&self) -> MailboxCloser {
        self.task.closer()
    }

    /// Runs the actor to its end on the calling thread or coroutine, as
    /// [`ActorTask::run_blocking`](crate::rt::ActorTask::run_blocking).
    pub fn run_blocking(self) {
        self.task.run_blocking();
    }

    /// Runs the actor to its end as a task, as
    /// [`ActorTask::run`](crate::rt::ActorTask::run).
    pub fn run(self) -> impl Future<Output = ()> + Send {
        self.task.run()
    }
}

impl fmt::Debug for AnyActorTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyActorTask")
            .field("name", &self.task.name())
            .finish_non_exhaustive()
    }
}

/// A runtime as a context keeps it: enough to start any actor on it.
pub(crate) trait Spawner: Send + Sync + 'static {
    fn kind(&self) -> &'static Kind;
    fn runtime_name(&self) -> &'static str;
    fn spawn_erased(&self, task: AnyActorTask) -> io::Result<()>;
}

impl<R: Runtime> Spawner for R {
    fn kind(&self) -> &'static Kind {
        context::kind_of::<R::Context>()
    }

    fn runtime_name(&self) -> &'static str {
        R::NAME
    }

    fn spawn_erased(&self, task: AnyActorTask) -> io::Result<()> {
        Runtime::spawn_erased(self, task)
    }
}
