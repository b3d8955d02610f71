//! A server restart in the middle: asks fail cleanly (an error value within the
//! timeout, never a hang) while it is down, and succeed again after the clients
//! reconnect.

mod support;

use std::time::{Duration, Instant};

use pykka_core::{Actor, AskError};
use pykka_nats::{LocalServer, NatsError};
use support::{BOUND, Cmd, Svc, connect, server};

#[test]
fn asks_fail_cleanly_while_the_server_is_down_and_work_after_it_is_back() {
    let mut server = server();
    let port = server.port();
    let (here, there) = (connect(&server), connect(&server));
    let svc = Svc::new(1)
        .start(&pykka_smol::SmolRuntime::default())
        .unwrap();
    let _service = there.serve("player", &svc).unwrap();
    let remote = here
        .remote::<Cmd, u64>("player")
        .unwrap()
        .with_timeout(Duration::from_secs(2));
    assert_eq!(remote.ask(Cmd::Echo(1)).unwrap(), 1);

    server.stop();
    // The client notices the lost connection; until then an ask times out.
    let start = Instant::now();
    for i in 0..3 {
        match remote.ask(Cmd::Echo(i)) {
            Err(AskError::Timeout(_)) => {}
            Err(AskError::Failed(f)) => {
                assert_eq!(
                    f.downcast_ref::<NatsError>(),
                    Some(&NatsError::Disconnected)
                );
            }
            other => panic!("an ask to a stopped server: {other:?}"),
        }
    }
    assert!(
        start.elapsed() < Duration::from_secs(3 * 3 + 1),
        "each within its bound"
    );

    let _server = LocalServer::start_on(port).expect("the server restarts on its port");
    here.wait_connected(BOUND).expect("the asker reconnects");
    there
        .wait_connected(BOUND)
        .expect("the server side reconnects");
    // The served actor's subscription is restored on reconnect; the asker may get
    // there first ("not found"), so ask until the deadline.
    let deadline = Instant::now() + BOUND;
    loop {
        match remote.ask(Cmd::Echo(7)) {
            Ok(v) => {
                assert_eq!(v, 7);
                break;
            }
            Err(e) if Instant::now() < deadline => {
                assert!(
                    !matches!(e, AskError::Deadlock(_) | AskError::Taken),
                    "{e:?}"
                );
            }
            Err(e) => panic!("no answer after the restart: {e:?}"),
        }
    }
    assert_eq!(remote.ask(Cmd::Add).unwrap(), 1, "the actor kept its state");
    svc.stop();
}
