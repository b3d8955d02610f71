//! Unit-test helpers: references to actors that no loop runs, whose inbox the test
//! reads itself, so that what a reference queues can be checked step by step.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::actor_loop::{Envelope, Msg};
use crate::actor_ref::{Cell, Meta};
use crate::rt::context::{self, OsThread};
use crate::rt::mailbox::{MailboxReceiver, mailbox};
use crate::{Actor, ActorRef, ActorRegistry, Context, Failure};

/// An actor reference with no loop behind it, and its inbox.
pub(crate) fn unstarted<A: Actor>() -> (ActorRef<A>, MailboxReceiver<Envelope<A>>) {
    // Far from the ids of started actors, which count from 0.
    static NEXT: AtomicU64 = AtomicU64::new(1 << 40);
    let (sender, inbox) = mailbox();
    let meta = Meta::new(NEXT.fetch_add(1, Ordering::Relaxed), A::name(), None);
    let cell: Arc<Cell<A>> = Arc::new(Cell::new(meta, context::kind_of::<OsThread>(), sender));
    (ActorRef::from_cell(cell), inbox)
}

/// A context for `actor_ref` in `registry`, to run queued work by hand.
pub(crate) fn context<A: Actor>(actor_ref: &ActorRef<A>, registry: &ActorRegistry) -> Context<A> {
    Context::new(actor_ref.clone(), registry.clone(), Arc::new(NoRuntime))
}

/// A runtime that starts nothing: hand-run contexts never start children.
#[derive(Clone)]
pub(crate) struct NoRuntime;

impl crate::Runtime for NoRuntime {
    const NAME: &'static str = "none";
    type Sender<M: Send + 'static> = crate::rt::mailbox::MailboxSender<M>;
    type Receiver<M: Send + 'static> = MailboxReceiver<M>;
    type Context = OsThread;

    fn inbox<M: Send + 'static>(&self) -> (Self::Sender<M>, Self::Receiver<M>) {
        mailbox()
    }

    fn spawn<B: Actor>(&self, _: crate::rt::ActorTask<B, Self>) -> std::io::Result<()> {
        Err(std::io::ErrorKind::Unsupported.into())
    }

    fn spawn_erased(&self, _: crate::rt::AnyActorTask) -> std::io::Result<()> {
        Err(std::io::ErrorKind::Unsupported.into())
    }
}

/// Runs the next queued message, if it is a proxy call (what recipients queue), as the
/// loop would; `None` if the inbox holds none.
pub(crate) fn run_call<A: Actor>(
    inbox: &mut MailboxReceiver<Envelope<A>>,
    actor: &mut A,
    ctx: &Context<A>,
) -> Option<Result<bool, Failure>> {
    match inbox.try_recv().ok()?.0 {
        Msg::Call(call) => Some(call(actor, ctx)),
        _ => None,
    }
}
