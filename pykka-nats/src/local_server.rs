//! A `nats-server` child process on a free local port, for tests, examples and
//! benchmarks: started and ready when [`LocalServer::start`] returns, stopped when
//! dropped.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use std::{fmt, io};

/// How long a server may take to say it is ready.
const READY_BOUND: Duration = Duration::from_secs(15);

/// A `nats-server` started by this process.
///
/// The binary is `$PYKKA_NATS_SERVER` if set, else `nats-server` on the `PATH` or in
/// `/usr/sbin` or `/usr/bin` (Debian's package `nats-server` installs it there; the
/// project's `scripts/install-nats-server.sh` installs it).
///
/// ```no_run
/// let server = pykka_nats::LocalServer::start()?;
/// let nats = pykka_nats::Nats::connect(server.url())?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct LocalServer {
    child: Option<Child>,
    port: u16,
    url: String,
}

/// Why a local server did not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServerError {
    /// No `nats-server` binary was found.
    NotInstalled,
    /// Starting it or finding a free port failed.
    Io(io::Error),
    /// It did not report ready in time; its last output line.
    NotReady(String),
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerError::NotInstalled => f.write_str(
                "no nats-server binary (set PYKKA_NATS_SERVER, or run scripts/install-nats-server.sh)",
            ),
            ServerError::Io(e) => write!(f, "cannot start nats-server: {e}"),
            ServerError::NotReady(line) => write!(f, "nats-server did not get ready: {line}"),
        }
    }
}

impl std::error::Error for ServerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServerError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl LocalServer {
    /// Starts a server on a free port of 127.0.0.1 and waits until it is ready.
    ///
    /// # Errors
    ///
    /// [`ServerError`] if there is no binary, it cannot start, or it is not ready
    /// within 15 seconds.
    pub fn start() -> Result<LocalServer, ServerError> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(ServerError::Io)?
            .port();
        LocalServer::start_on(port)
    }

    /// Starts a server on `port` of 127.0.0.1 (to restart one where its clients
    /// reconnect) and waits until it is ready.
    ///
    /// # Errors
    ///
    /// As [`start`](LocalServer::start).
    pub fn start_on(port: u16) -> Result<LocalServer, ServerError> {
        let binary = LocalServer::binary().ok_or(ServerError::NotInstalled)?;
        let mut child = Command::new(binary)
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(ServerError::Io)?;
        let stderr = child.stderr.take().expect("stderr is piped");
        let (tx, rx) = mpsc::channel();
        // Reads the log to its end (a full pipe would stall the server).
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut server = LocalServer {
            child: Some(child),
            port,
            url: format!("nats://127.0.0.1:{port}"),
        };
        let mut last = String::from("no output");
        loop {
            match rx.recv_timeout(READY_BOUND) {
                Ok(line) if line.contains("Server is ready") => return Ok(server),
                Ok(line) => last = line,
                Err(_) => {
                    server.stop();
                    return Err(ServerError::NotReady(last));
                }
            }
        }
    }

    /// Where the `nats-server` binary is, if anywhere.
    pub fn binary() -> Option<PathBuf> {
        if let Some(p) = std::env::var_os("PYKKA_NATS_SERVER") {
            return Some(PathBuf::from(p));
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path)
            .chain(["/usr/sbin".into(), "/usr/bin".into()])
            .map(|dir| dir.join("nats-server"))
            .find(|p| p.is_file())
    }

    /// The URL to connect to: `nats://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server (at once: clients see the connection drop) and waits until it
    /// has exited. Stopping twice does nothing.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        self.stop();
    }
}
