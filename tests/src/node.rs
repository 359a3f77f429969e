//! Starting and stopping a `triad-node --dev --tmp` process on free ports.

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

/// Why a node could not be started or stopped.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error(
        "triad-node binary not found at {0}; build it with `cargo build --release -p triad-node` \
         or set TRIAD_NODE to its path"
    )]
    BinaryMissing(PathBuf),
    #[error("could not start triad-node: {0}")]
    Spawn(std::io::Error),
    #[error("no free TCP port on 127.0.0.1: {0}")]
    NoFreePort(std::io::Error),
    #[error("triad-node did not exit within {0:?} of SIGTERM")]
    ShutdownTimeout(Duration),
    #[error("triad-node exited with {0} after SIGTERM")]
    UncleanExit(ExitStatus),
    #[error("triad-node stopped on SIGTERM but logged: {0}")]
    ShutdownComplaint(String),
    #[error("waiting for triad-node: {0}")]
    Wait(std::io::Error),
}

/// Where the node binary is: `TRIAD_NODE`, else beside the running test in the target dir.
pub fn node_binary() -> Result<PathBuf, NodeError> {
    node_binary_from(std::env::var_os("TRIAD_NODE"))
}

/// A workspace binary (`triad-worker`, `triad`) beside the node binary.
pub fn sibling_binary(name: &str) -> Result<PathBuf, NodeError> {
    let node = node_binary()?;
    let path = node.with_file_name(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(NodeError::BinaryMissing(path))
    }
}

/// [`node_binary`] with the `TRIAD_NODE` value given explicitly.
pub fn node_binary_from(configured: Option<std::ffi::OsString>) -> Result<PathBuf, NodeError> {
    let path = match configured {
        Some(p) => PathBuf::from(p),
        None => {
            // target/<profile>/deps/<test-binary> -> target/<profile>/triad-node
            let exe = std::env::current_exe().map_err(NodeError::Spawn)?;
            let profile_dir = exe.parent().and_then(|d| d.parent()).map(PathBuf::from);
            profile_dir.unwrap_or_default().join("triad-node")
        },
    };
    if path.is_file() {
        Ok(path)
    } else {
        Err(NodeError::BinaryMissing(path))
    }
}

fn free_port() -> Result<u16, NodeError> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(NodeError::NoFreePort)?;
    Ok(l.local_addr().map_err(NodeError::NoFreePort)?.port())
}

/// A running dev node. Dropping it kills the process; [`Node::shutdown`] stops it
/// gracefully and checks that it exited cleanly.
pub struct Node {
    child: Option<Child>,
    pub rpc_port: u16,
    /// Where the node's stderr goes; printed when the node is dropped if `TRIAD_NODE_LOG` is set.
    log: PathBuf,
}

impl Node {
    /// Starts `triad-node --dev --tmp` with RPC and p2p on free loopback ports.
    pub fn start_dev() -> Result<Self, NodeError> {
        let bin = node_binary()?;
        let rpc_port = free_port()?;
        let p2p_port = free_port()?;
        let log = std::env::temp_dir().join(format!("triad-node-{}-{rpc_port}.log", std::process::id()));
        let file = std::fs::File::create(&log).map_err(NodeError::Spawn)?;
        let child = Command::new(bin)
            .args(["--dev", "--tmp", "--no-prometheus", "--no-telemetry", "--no-mdns"])
            // The explorer reads runtime APIs at every block since genesis.
            .args(["--state-pruning", "archive"])
            .args(["--rpc-port", &rpc_port.to_string()])
            .args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{p2p_port}")])
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .map_err(NodeError::Spawn)?;
        Ok(Self { child: Some(child), rpc_port, log })
    }

    pub fn rpc_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.rpc_port)
    }

    /// The same endpoint for WebSocket clients (subxt, the worker, the CLI).
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.rpc_port)
    }

    /// Everything the node logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM and waits for a clean exit: status 0, and no essential
    /// task reported as failed on the way out.
    pub fn shutdown(mut self, within: Duration) -> Result<(), NodeError> {
        let mut child = self.child.take().expect("a node is shut down once");
        let pid = child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().map_err(NodeError::Wait)?;
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().map_err(NodeError::Wait)? {
                if !status.success() {
                    return Err(NodeError::UncleanExit(status));
                }
                let log = self.log();
                return match log.lines().find(|l| l.contains("Essential task") || l.contains("panicked")) {
                    Some(line) => Err(NodeError::ShutdownComplaint(line.trim().to_string())),
                    None => Ok(()),
                };
            }
            if start.elapsed() > within {
                let _ = child.kill();
                return Err(NodeError::ShutdownTimeout(within));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::env::var_os("TRIAD_NODE_LOG").is_some() {
            eprintln!("--- triad-node log ({})\n{}", self.log.display(), self.log());
        } else {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}
