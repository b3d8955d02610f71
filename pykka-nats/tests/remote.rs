//! Remote actors in one process, over two connections to a real nats-server: every call
//! and every error of the list.

mod support;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use pykka_core::{Actor, ActorRef, AskError, Context, Failure, Runtime};
use pykka_nats::{NatsError, RemoteRef};
use support::{BOUND, Cmd, Svc, connect, served, server};

#[test]
fn tell_ask_and_ask_nonblocking_reach_the_served_actor() {
    let s = served(
        "counter",
        Svc::new(1),
        &pykka_thread::ThreadRuntime::default(),
    );
    let (svc, remote) = (&s.svc, &s.remote);
    assert_eq!(remote.ask(Cmd::Echo(42)).unwrap(), 42);
    remote.tell(Cmd::Add).unwrap();
    remote.tell_nowait(Cmd::Add).unwrap();
    assert_eq!(remote.ask_timeout(Cmd::Add, BOUND).unwrap(), 3);
    let reply = remote.ask_nonblocking(Cmd::Count);
    assert_eq!(reply.get_timeout(BOUND).unwrap(), 3);
    assert_eq!(
        smol::block_on(remote.ask_nonblocking(Cmd::Echo(7))).unwrap(),
        7
    );
    assert_eq!(remote.to_string(), "counter (nats)");
    svc.stop();
}

#[test]
fn one_callers_tells_arrive_in_order() {
    let s = served("ordered", Svc::new(1), &pykka_smol::SmolRuntime::default());
    let (svc, remote) = (&s.svc, &s.remote);
    // `Add` answers the count it reached: in order, the asks see 1..=n between the
    // fire-and-forget tells.
    for i in 0..200 {
        remote.tell_nowait(Cmd::Add).unwrap();
        assert_eq!(remote.ask(Cmd::Count).unwrap(), i + 1);
    }
    svc.stop();
}

/// Asks the remote counter from inside its handler (a sync handler that blocks).
struct Caller(RemoteRef<Cmd, u64>);

impl Actor for Caller {
    type Message = u64;
    type Reply = u64;
    fn on_receive(&mut self, n: u64, _: &Context<Self>) -> Result<u64, Failure> {
        self.0.ask(Cmd::Echo(n)).map_err(Failure::new)
    }
}

/// Awaits the remote counter's reply in an async handler.
struct AsyncCaller(RemoteRef<Cmd, u64>);

impl Actor for AsyncCaller {
    type Message = u64;
    type Reply = u64;
    async fn on_receive_async(&mut self, n: u64, _: &Context<Self>) -> Result<u64, Failure> {
        Ok(self.0.ask_nonblocking(Cmd::Echo(n)).await?)
    }
}

fn callers_on<R: Runtime>(rt: &R, remote: &RemoteRef<Cmd, u64>) {
    let sync = Caller(remote.clone()).start(rt).unwrap();
    let awaiting = AsyncCaller(remote.clone()).start(rt).unwrap();
    assert_eq!(sync.ask_timeout(5, BOUND).unwrap(), 5, "{}", R::NAME);
    assert_eq!(awaiting.ask_timeout(6, BOUND).unwrap(), 6, "{}", R::NAME);
    sync.stop();
    awaiting.stop();
}

#[test]
fn actors_of_every_backend_ask_remote_actors() {
    let s = served("echo", Svc::new(1), &pykka_tokio::TokioRuntime::default());
    let (svc, remote) = (&s.svc, &s.remote);
    callers_on(&pykka_thread::ThreadRuntime::default(), remote);
    // SAFETY: the caller actors hold no thread-bound state across their waits.
    callers_on(&unsafe { pykka_green::GreenRuntime::new() }, remote);
    callers_on(&pykka_smol::SmolRuntime::default(), remote);
    callers_on(&pykka_tokio::TokioRuntime::default(), remote);
    svc.stop();
}

fn failed_message(e: AskError) -> String {
    match e {
        AskError::Failed(f) => f.to_string(),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn a_remote_failure_and_a_remote_panic_reach_the_asker_with_their_messages() {
    let s = served(
        "fragile",
        Svc::new(1),
        &pykka_thread::ThreadRuntime::default(),
    );
    let remote = &s.remote;
    let e = remote.ask(Cmd::Fail("no such track".into())).unwrap_err();
    assert!(failed_message(e).contains("no such track"));
    let e = remote
        .ask(Cmd::Panic("the decoder exploded".into()))
        .unwrap_err();
    assert!(failed_message(e).contains("the decoder exploded"));
}

#[test]
fn nobody_serving_the_name_is_a_dead_actor_at_once() {
    let server = server();
    let here = connect(&server);
    let remote = here
        .remote::<Cmd, u64>("nobody")
        .unwrap()
        .with_timeout(Duration::from_secs(30));
    let start = Instant::now();
    let e = remote.ask(Cmd::Echo(1)).unwrap_err();
    assert!(matches!(e, AskError::Dead(_)), "{e:?}");
    assert_eq!(e.to_string(), "nobody (nats) not found");
    assert!(matches!(remote.tell(Cmd::Add), Err(AskError::Dead(_))));
    // "At once": long before the 30 s timeout.
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_stopped_actor_answers_not_found() {
    let s = served("gone", Svc::new(1), &pykka_thread::ThreadRuntime::default());
    let (svc, remote) = (&s.svc, &s.remote);
    assert_eq!(remote.ask(Cmd::Echo(1)).unwrap(), 1);
    svc.stop();
    let e = remote.ask(Cmd::Echo(2)).unwrap_err();
    assert!(matches!(e, AskError::Dead(_)), "{e:?}");
}

#[test]
fn a_type_mismatch_is_a_clear_error() {
    let server = server();
    let (here, there) = (connect(&server), connect(&server));
    let svc = Svc::new(1)
        .start(&pykka_thread::ThreadRuntime::default())
        .unwrap();
    let _service = there.serve("typed", &svc).unwrap();
    let wrong_message = here.remote::<String, u64>("typed").unwrap();
    let wrong_reply = here.remote::<Cmd, String>("typed").unwrap();
    for e in [
        wrong_message.ask("play".into()).unwrap_err(),
        wrong_reply.ask(Cmd::Echo(1)).map(drop).unwrap_err(),
    ] {
        let AskError::Failed(f) = e else {
            panic!("expected a failure, got {e:?}")
        };
        let mismatch = f.downcast_ref::<NatsError>();
        assert!(
            matches!(mismatch, Some(NatsError::TypeMismatch { .. })),
            "{f}"
        );
        assert!(f.to_string().contains("type mismatch: typed takes"), "{f}");
    }
    // The actor is unharmed.
    assert_eq!(
        here.remote::<Cmd, u64>("typed")
            .unwrap()
            .ask(Cmd::Echo(3))
            .unwrap(),
        3
    );
    svc.stop();
}

#[test]
fn a_remote_ask_gives_up_at_its_timeout() {
    let (svc, release, _) = Svc::holding();
    let s = served("slow", svc, &pykka_thread::ThreadRuntime::default());
    let remote = s.remote.clone().with_timeout(Duration::from_millis(300));
    let e = remote.ask(Cmd::Hold(20_000)).unwrap_err();
    assert!(matches!(e, AskError::Timeout(_)), "{e:?}");
    let e = remote
        .ask_nonblocking(Cmd::Echo(1))
        .get_timeout(BOUND)
        .unwrap_err();
    assert!(matches!(e, AskError::Timeout(_)), "{e:?}");
    release.send(()).unwrap();
    s.svc.stop();
}

#[test]
fn actors_serving_one_name_share_its_messages() {
    let server = server();
    let (a, b, client) = (connect(&server), connect(&server), connect(&server));
    let rt = pykka_thread::ThreadRuntime::default();
    let one = Svc::new(1).start(&rt).unwrap();
    let two = Svc::new(2).start(&rt).unwrap();
    let _s1 = a.serve("pool", &one).unwrap();
    let _s2 = b.serve("pool", &two).unwrap();
    let remote = client.remote::<Cmd, u64>("pool").unwrap();
    let answers: Vec<u64> = (0..200).map(|_| remote.ask(Cmd::Who).unwrap()).collect();
    assert!(answers.contains(&1) && answers.contains(&2), "{answers:?}");
    one.stop();
    two.stop();
}

/// Forwards what it is told to the test.
struct Listener(mpsc::Sender<(u8, String)>, u8);

impl Actor for Listener {
    type Message = String;
    type Reply = ();
    fn on_receive(&mut self, m: String, _: &Context<Self>) -> Result<(), Failure> {
        let _ = self.0.send((self.1, m));
        Ok(())
    }
}

#[test]
fn a_broadcast_reaches_every_subscriber_on_every_connection() {
    let server = server();
    let (a, b, sender) = (connect(&server), connect(&server), connect(&server));
    let (tx, rx) = mpsc::channel();
    let rt = pykka_smol::SmolRuntime::default();
    let one: ActorRef<Listener> = Listener(tx.clone(), 1).start(&rt).unwrap();
    let two = Listener(tx, 2).start(&rt).unwrap();
    let _s1 = a.subscribe("volume", &one).unwrap();
    let _s2 = b.subscribe("volume", &two).unwrap();
    sender.broadcast("volume", &"up".to_string()).unwrap();
    let mut got = vec![
        rx.recv_timeout(BOUND).unwrap(),
        rx.recv_timeout(BOUND).unwrap(),
    ];
    got.sort();
    assert_eq!(got, vec![(1, "up".to_string()), (2, "up".to_string())]);
    one.stop();
    two.stop();
}

#[test]
fn names_that_are_not_one_subject_token_are_refused() {
    let server = server();
    let nats = connect(&server);
    let svc = Svc::new(1)
        .start(&pykka_thread::ThreadRuntime::default())
        .unwrap();
    assert!(matches!(
        nats.serve("a.b", &svc),
        Err(NatsError::InvalidName(_))
    ));
    assert!(matches!(
        nats.remote::<Cmd, u64>("a b"),
        Err(NatsError::InvalidName(_))
    ));
    let e = nats.broadcast("*", &1u8).unwrap_err();
    assert!(failed_message(e).contains("invalid actor name"));
    svc.stop();
}

#[test]
fn dropping_the_service_stops_serving() {
    let s = served(
        "brief",
        Svc::new(1),
        &pykka_thread::ThreadRuntime::default(),
    );
    let (svc, remote) = (&s.svc, &s.remote);
    assert_eq!(remote.ask(Cmd::Echo(1)).unwrap(), 1);
    drop(s.service);
    let deadline = Instant::now() + BOUND;
    // The unsubscribe travels to the server after the drop: ask until it has.
    loop {
        match remote.ask(Cmd::Echo(2)) {
            Err(AskError::Dead(_)) => break,
            Ok(2) if Instant::now() < deadline => continue,
            other => panic!("still served: {other:?}"),
        }
    }
    assert!(svc.is_alive(), "the actor itself goes on");
    svc.stop();
}

#[test]
fn stopping_a_service_waits_until_its_pending_answers_have_left() {
    let (svc, release, holding) = Svc::holding();
    let s = served("draining", svc, &pykka_thread::ThreadRuntime::default());
    let (service, there, svc) = (s.service, s.there, s.svc);
    let remote = s.remote.with_timeout(BOUND);
    let pending = remote.ask_nonblocking(Cmd::Hold(20_000));
    holding
        .recv_timeout(BOUND)
        .expect("the ask reaches the actor");
    let (stopped_tx, stopped) = mpsc::channel();
    std::thread::spawn(move || {
        service.stop();
        // The last handle of the connection: its runtime ends here.
        drop(there);
        let _ = stopped_tx.send(());
    });
    assert!(
        stopped.recv_timeout(Duration::from_millis(300)).is_err(),
        "stop returned while an answer was pending"
    );
    release.send(()).unwrap();
    stopped
        .recv_timeout(BOUND)
        .expect("stop returns once answered");
    assert_eq!(pending.get_timeout(BOUND).unwrap(), 0);
    svc.stop();
}
