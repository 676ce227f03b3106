//! What the end-to-end modules share: starting the real `duban serve` on 127.0.0.1:0 and
//! waiting for the address it prints, and fresh temporary directories.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The line `duban serve` prints once it listens, before the address.
pub const READY: &str = "督办 duban 已启动：http://";

/// The running server; killed (SIGKILL) and reaped when dropped, on every path including panics.
pub struct Server {
    /// The process (tests that kill it on purpose reach in here).
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// What it printed before it was ready (the demo logins, for one).
    pub stdout: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `duban serve --listen 127.0.0.1:0 --data-dir dir EXTRA…` and waits (60 s at most)
/// for the line that names the bound address.
pub fn start_server(dir: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .args(extra)
        .env_remove("DUBAN_DATABASE_URL")
        .env_remove("DUBAN_DATA_DIR")
        .env_remove("DUBAN_LISTEN")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run duban: {e}"));
    let stdout = child.stdout.take();
    let mut server = Server {
        child,
        addr: String::new(),
        stdout: Vec::new(),
    };
    let Some(stdout) = stdout else {
        panic!("no stdout");
    };
    let (tx, rx) = mpsc::channel();
    // Reads stdout to the end so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => {
                if let Some(addr) = line.strip_prefix(READY) {
                    server.addr = addr.trim().to_owned();
                    return server;
                }
                server.stdout.push(line);
            }
            Err(e) => panic!("server did not start ({e}); stdout: {:?}", server.stdout),
        }
    }
}

/// An empty directory of its own for test `name` of module `area` (removed first if a previous
/// run left it).
pub fn temp_dir(area: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("duban-it-{area}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}
