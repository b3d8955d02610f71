//! Two processes ask each other over one nats-server, share a pool name and get each
//! other's broadcasts: this test binary runs itself a second time as the child (its
//! own `main`, so that the child runs no test).

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;

use pykka_core::{Actor, Context, Failure};
use support::{BOUND, Cmd, Svc, connect, server};

const CHILD_ENV: &str = "PYKKA_NATS_TEST_CHILD_URL";

/// Prints every broadcast it gets (the parent reads the child's output).
struct Printer;

impl Actor for Printer {
    type Message = String;
    type Reply = ();
    fn on_receive(&mut self, m: String, _: &Context<Self>) -> Result<(), Failure> {
        println!("news {m}");
        Ok(())
    }
}

/// Forwards every broadcast it gets to the parent's test thread.
struct Forward(mpsc::Sender<String>);

impl Actor for Forward {
    type Message = String;
    type Reply = ();
    fn on_receive(&mut self, m: String, _: &Context<Self>) -> Result<(), Failure> {
        let _ = self.0.send(m);
        Ok(())
    }
}

/// Tells the child's main thread to finish.
struct Quit(mpsc::Sender<()>);

impl Actor for Quit {
    type Message = ();
    type Reply = ();
    fn on_receive(&mut self, (): (), _: &Context<Self>) -> Result<(), Failure> {
        let _ = self.0.send(());
        Ok(())
    }
}

fn main() {
    match std::env::var(CHILD_ENV) {
        Ok(url) => child(&url),
        Err(_) => {
            parent();
            println!("two_processes: ok");
        }
    }
}

/// Serves `child` (id 200) and `child-quit`, asks the parent's actor, reports, and
/// waits to be told to quit.
fn child(url: &str) {
    let nats = pykka_nats::Nats::connect(url).expect("the child connects");
    let rt = pykka_thread::ThreadRuntime::default();
    let svc = Svc::new(200).start(&rt).unwrap();
    let (tx, quit) = mpsc::channel();
    let quitter = Quit(tx).start(&rt).unwrap();
    let printer = Printer.start(&rt).unwrap();
    let _s1 = nats.serve("child", &svc).unwrap();
    let _s2 = nats.serve("child-quit", &quitter).unwrap();
    // A member of the parent's pool, and a subscriber of its news.
    let _s3 = nats.serve("pool", &svc).unwrap();
    let _s4 = nats.subscribe("news", &printer).unwrap();
    let parent = nats.remote::<Cmd, u64>("parent").unwrap();
    println!("asked-parent {}", parent.ask(Cmd::Who).unwrap());
    println!("ready");
    quit.recv_timeout(BOUND).expect("the parent says quit");
    svc.stop();
    quitter.stop();
    printer.stop();
}

fn parent() {
    let server = server();
    let nats = connect(&server);
    let svc = Svc::new(100)
        .start(&pykka_smol::SmolRuntime::default())
        .unwrap();
    let _service = nats.serve("parent", &svc).unwrap();
    let _pool = nats.serve("pool", &svc).unwrap();
    let (news_tx, news) = mpsc::channel();
    let local = Forward(news_tx)
        .start(&pykka_smol::SmolRuntime::default())
        .unwrap();
    let _news = nats.subscribe("news", &local).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(CHILD_ENV, server.url())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the child starts");
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let first = lines.recv_timeout(BOUND).expect("the child reports");
    assert_eq!(
        first, "asked-parent 100",
        "the child reached the parent's actor"
    );
    assert_eq!(lines.recv_timeout(BOUND).unwrap(), "ready");
    let remote = nats.remote::<Cmd, u64>("child").unwrap();
    assert_eq!(
        remote.ask(Cmd::Who).unwrap(),
        200,
        "the parent reached the child's actor"
    );
    assert_eq!(remote.ask(Cmd::Add).unwrap(), 1);

    // One name served in both processes: the asks are shared between them.
    let pool = nats.remote::<Cmd, u64>("pool").unwrap();
    let who: Vec<u64> = (0..100).map(|_| pool.ask(Cmd::Who).unwrap()).collect();
    assert!(who.contains(&100) && who.contains(&200), "{who:?}");

    // A broadcast reaches the subscribers of both processes.
    nats.broadcast("news", &"hello".to_string()).unwrap();
    assert_eq!(news.recv_timeout(BOUND).unwrap(), "hello");
    loop {
        let line = lines
            .recv_timeout(BOUND)
            .expect("the child prints the news");
        if line == "news hello" {
            break;
        }
    }
    nats.remote::<(), ()>("child-quit")
        .unwrap()
        .tell(())
        .unwrap();
    let (done_tx, done) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done_tx.send(child.wait());
    });
    let status = done.recv_timeout(BOUND).expect("the child exits").unwrap();
    assert!(status.success(), "the child failed: {status}");
    svc.stop();
    local.stop();
}
