//! Remote actors over NATS, in two processes started by one command: a player service
//! (this program run again as a child) and a controller that asks it, sees a remote
//! failure, and broadcasts to every speaker.
//!
//! ```text
//! bash scripts/install-nats-server.sh        # once, where nats-server is missing
//! cargo run --features nats --example nats_player -- [thread|green|smol|tokio]
//! ```
//!
//! It starts its own `nats-server` on a free port, unless `NATS_URL` names one.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use pykka::nats::{LocalServer, Nats};
use pykka::{Actor, Context, Failure, Runtime};
use serde::{Deserialize, Serialize};

/// Where the controller tells the child to connect.
const SERVICE_ENV: &str = "NATS_PLAYER_SERVICE_URL";
/// Every wait of this example is bounded.
const BOUND: Duration = Duration::from_secs(20);

/// What the player understands, on both sides of the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum PlayerCmd {
    Play(String),
    Volume(u8),
    Status,
    Quit,
}

/// The player service: answers every command with its status line.
struct Player {
    library: Vec<&'static str>,
    track: Option<String>,
    volume: u8,
    quit: mpsc::Sender<()>,
}

impl Player {
    fn status(&self) -> String {
        match &self.track {
            Some(t) => format!("playing {t:?} at volume {}", self.volume),
            None => format!("stopped, volume {}", self.volume),
        }
    }
}

impl Actor for Player {
    type Message = PlayerCmd;
    type Reply = String;
    fn on_receive(&mut self, cmd: PlayerCmd, _: &Context<Self>) -> Result<String, Failure> {
        match cmd {
            PlayerCmd::Play(t) if !self.library.contains(&t.as_str()) => {
                return Err(Failure::msg(format!("no track named {t:?}")));
            }
            PlayerCmd::Play(t) => self.track = Some(t),
            PlayerCmd::Volume(v) => self.volume = v,
            PlayerCmd::Status => {}
            PlayerCmd::Quit => {
                let _ = self.quit.send(());
            }
        }
        Ok(self.status())
    }
}

/// A speaker: prints every broadcast it gets.
struct Speaker;

impl Actor for Speaker {
    type Message = PlayerCmd;
    type Reply = ();
    fn on_receive(&mut self, cmd: PlayerCmd, _: &Context<Self>) -> Result<(), Failure> {
        println!("speaker got broadcast {cmd:?}");
        Ok(())
    }
}

fn run<R: Runtime>(rt: R) {
    match std::env::var(SERVICE_ENV) {
        Ok(url) => service(&rt, &url),
        Err(_) => controller(),
    }
}

common::main_on_chosen_backend!(run);

/// The child process: serves the player and a speaker until told to quit.
fn service<R: Runtime>(rt: &R, url: &str) {
    let nats = Nats::connect(url).expect("the service connects");
    let (quit, quitting) = mpsc::channel();
    let player = Player {
        library: vec!["Kind of Blue", "Blue Train"],
        track: None,
        volume: 50,
        quit,
    }
    .start(rt)
    .expect("the player starts");
    let speaker = Speaker.start(rt).expect("the speaker starts");
    let player_service = nats.serve("player", &player).expect("serve the player");
    let speakers = nats
        .subscribe("speakers", &speaker)
        .expect("subscribe the speaker");
    println!("player ready");
    quitting
        .recv_timeout(BOUND)
        .expect("the controller says quit");
    // Stopping the services waits until the answer to `Quit` has left.
    player_service.stop();
    speakers.stop();
    player.stop();
    speaker.stop();
}

/// The parent process: starts the server and the service, then uses the player.
fn controller() {
    let (_server, url) = match std::env::var("NATS_URL") {
        Ok(url) => (None, url),
        Err(_) => {
            let server = LocalServer::start().unwrap_or_else(|e| {
                eprintln!("{e}");
                std::process::exit(2);
            });
            let url = server.url().to_string();
            (Some(server), url)
        }
    };
    let mut child = Command::new(std::env::current_exe().expect("this program"))
        .args(std::env::args().skip(1))
        .env(SERVICE_ENV, &url)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the service process starts");
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().expect("piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("    [service] {line}");
            let _ = tx.send(line);
        }
    });
    let wait_for = |what: &str| loop {
        match lines.recv_timeout(BOUND) {
            Ok(line) if line.contains(what) => break,
            Ok(_) => {}
            Err(_) => panic!("the service did not say {what:?}"),
        }
    };
    wait_for("player ready");

    let nats = Nats::connect(&url).expect("the controller connects");
    let player = nats
        .remote::<PlayerCmd, String>("player")
        .expect("a valid name");
    let ask = |cmd: PlayerCmd| {
        let shown = format!("{cmd:?}");
        match player.ask(cmd) {
            Ok(status) => println!("ask {shown}: {status}"),
            Err(e) => println!("ask {shown} failed: {e}"),
        }
    };
    ask(PlayerCmd::Play("Kind of Blue".into()));
    ask(PlayerCmd::Volume(80));
    ask(PlayerCmd::Play("Giant Steps".into()));
    let pending = player.ask_nonblocking(PlayerCmd::Status);
    println!(
        "ask_nonblocking Status, then get: {}",
        pending.get_timeout(BOUND).expect("the status")
    );

    nats.broadcast("speakers", &PlayerCmd::Volume(0))
        .expect("the broadcast is sent");
    wait_for("speaker got broadcast");

    let nobody = nats
        .remote::<PlayerCmd, String>("nobody")
        .expect("a valid name");
    match nobody.ask(PlayerCmd::Status) {
        Ok(_) => println!("nobody answered?"),
        Err(e) => println!("ask to a name nobody serves: {e}"),
    }

    ask(PlayerCmd::Quit);
    let (done_tx, done) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done_tx.send(child.wait());
    });
    let status = done
        .recv_timeout(BOUND)
        .expect("the service exits")
        .expect("its status");
    println!("service exited: {status}");
    assert!(status.success());
}
