//! What the tests of pykka-nats share: a local nats-server (installed first where it is
//! missing) and a small served actor.

#![allow(dead_code, unreachable_pub)]

use std::sync::mpsc;
use std::time::Duration;

use pykka_core::{Actor, ActorRef, Context, Failure, Runtime};
use pykka_nats::{LocalServer, Nats, RemoteRef, Service};
use serde::{Deserialize, Serialize};

/// A bound for every wait of a test.
pub const BOUND: Duration = Duration::from_secs(20);

/// A nats-server on a free port; installs Debian's package first if there is none.
pub fn server() -> LocalServer {
    if LocalServer::binary().is_none() {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../scripts/install-nats-server.sh"
        );
        let status = std::process::Command::new("bash").arg(script).status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "cannot install nats-server with {script}"
        );
    }
    LocalServer::start().expect("nats-server starts")
}

/// A connection with a short ask timeout, so that a test that fails does so quickly.
pub fn connect(server: &LocalServer) -> Nats {
    Nats::builder()
        .ask_timeout(Duration::from_secs(5))
        .connect(server.url())
        .expect("connects to the local server")
}

/// A [`Svc`] served under a name on one connection and reached from another.
pub struct Served {
    /// The caller's connection.
    pub here: Nats,
    /// The serving side's connection.
    pub there: Nats,
    pub svc: ActorRef<Svc>,
    pub service: Service,
    pub remote: RemoteRef<Cmd, u64>,
    /// Last, so that it stops after the connections.
    pub server: LocalServer,
}

/// Starts `svc` on `rt`, serves it as `name` and makes a remote reference to it.
pub fn served<R: Runtime>(name: &str, svc: Svc, rt: &R) -> Served {
    let server = server();
    let (here, there) = (connect(&server), connect(&server));
    let svc = svc.start(rt).expect("the actor starts");
    let service = there.serve(name, &svc).expect("serve");
    let remote = here.remote::<Cmd, u64>(name).expect("a valid name");
    Served {
        here,
        there,
        svc,
        service,
        remote,
        server,
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Cmd {
    /// Answers the number.
    Echo(u64),
    /// Adds one to the count (answers the new count).
    Add,
    /// Answers the count.
    Count,
    /// Fails with this message.
    Fail(String),
    /// Panics with this message.
    Panic(String),
    /// Answers the server's id.
    Who,
    /// Waits up to this many milliseconds for the test to release it.
    Hold(u64),
}

/// Answers [`Cmd`]s; `id` tells pool members apart; `held` is what `Hold` waits on.
pub struct Svc {
    pub id: u64,
    pub count: u64,
    pub held: Option<mpsc::Receiver<()>>,
    /// Told when a `Hold` starts waiting.
    pub holding: Option<mpsc::Sender<()>>,
}

impl Svc {
    pub fn new(id: u64) -> Svc {
        Svc {
            id,
            count: 0,
            held: None,
            holding: None,
        }
    }

    /// A `Svc` whose `Hold` waits for the returned sender and tells the returned
    /// receiver when it starts waiting.
    pub fn holding() -> (Svc, mpsc::Sender<()>, mpsc::Receiver<()>) {
        let (release, held) = mpsc::channel();
        let (holding_tx, holding) = mpsc::channel();
        let mut s = Svc::new(1);
        s.held = Some(held);
        s.holding = Some(holding_tx);
        (s, release, holding)
    }
}

impl Actor for Svc {
    type Message = Cmd;
    type Reply = u64;
    fn on_receive(&mut self, m: Cmd, _: &Context<Self>) -> Result<u64, Failure> {
        match m {
            Cmd::Echo(n) => Ok(n),
            Cmd::Add => {
                self.count += 1;
                Ok(self.count)
            }
            Cmd::Count => Ok(self.count),
            Cmd::Fail(text) => Err(Failure::msg(text)),
            Cmd::Panic(text) => panic!("{text}"),
            Cmd::Who => Ok(self.id),
            Cmd::Hold(ms) => {
                if let Some(tx) = &self.holding {
                    let _ = tx.send(());
                }
                if let Some(rx) = &self.held {
                    let _ = rx.recv_timeout(Duration::from_millis(ms));
                }
                Ok(0)
            }
        }
    }
}
