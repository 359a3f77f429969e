//! A network of validators in containers: the `triad-node` image that
//! `docker/build.sh` makes, one container per validator on a private docker
//! network, with the faults the tests need: a SIGTERM, a `kill -9`, a
//! restart on the same base path, and a partition.
//!
//! Each container keeps its base path (`/data`) across restarts, so a
//! restarted validator resumes from its own database. A partition moves some
//! members off the shared network onto an island network of their own: the
//! p2p connections across the cut break, and the test still reaches every
//! node's RPC from the host, by the address it has on whichever network it is.

use std::{
    process::{Command, Output},
    time::Duration,
};

use crate::rpc::{Error, Rpc};

/// The image the validators run.
pub const NODE_IMAGE: &str = "triad-node:local";

fn docker(args: &[&str]) -> Result<Output, Error> {
    let out = Command::new("docker").args(args).output().map_err(|e| format!("docker: {e}"))?;
    if !out.status.success() {
        return Err(format!("docker {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()).into());
    }
    Ok(out)
}

fn docker_text(args: &[&str]) -> Result<String, Error> {
    Ok(String::from_utf8_lossy(&docker(args)?.stdout).trim().to_string())
}

/// One validator's container.
pub struct Member {
    /// The dev key it validates with: `alice`, `bob`, … (`None`: keys set later).
    pub name: String,
    container: String,
    /// Its fixed address on the shared network.
    ip: String,
    peer_id: String,
}

/// Validators in containers on one docker network.
pub struct Cluster {
    prefix: String,
    net: String,
    island: String,
    subnet: u8,
    pub members: Vec<Member>,
    chain: String,
}

impl Cluster {
    /// Starts one validator per name (`alice`, `bob`, …, the `local` chain's
    /// dev authorities), each bootstrapping from all the others.
    pub fn start(names: &[&str]) -> Result<Self, Error> {
        docker(&["image", "inspect", NODE_IMAGE])
            .map_err(|_| format!("no {NODE_IMAGE} image: run docker/build.sh after cargo build"))?;
        let pid = std::process::id();
        let prefix = format!("triad-{pid}");
        let subnet = (pid % 200 + 20) as u8;
        let net = format!("{prefix}-net");
        let island = format!("{prefix}-island");
        docker(&["network", "create", "--subnet", &format!("10.213.{subnet}.0/24"), &net])?;
        docker(&["network", "create", "--subnet", &format!("10.214.{subnet}.0/24"), &island])?;
        let mut cluster = Self { prefix, net, island, subnet, members: Vec::new(), chain: "local".into() };
        let peers: Vec<(String, String)> = names
            .iter()
            .enumerate()
            .map(|(i, _)| peer_id_of(i).map(|id| (cluster.ip_of(i), id)))
            .collect::<Result<Vec<_>, _>>()?;
        for (i, name) in names.iter().enumerate() {
            let bootnodes: Vec<String> = peers
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, (ip, id))| format!("/ip4/{ip}/tcp/30333/p2p/{id}"))
                .collect();
            cluster.launch(name, &[&format!("--{name}")], &bootnodes)?;
        }
        Ok(cluster)
    }

    fn ip_of(&self, index: usize) -> String {
        format!("10.213.{}.{}", self.subnet, index + 10)
    }

    /// Starts one more node, as a validator without keys (they are rotated
    /// over RPC), bootstrapping from the members so far.
    pub fn join(&mut self, name: &str) -> Result<usize, Error> {
        self.join_with(name, &["--validator", "--name", name])
    }

    /// Starts one more node with the given role flags (`--dave` runs a second
    /// node with Dave's keys), bootstrapping from the members so far.
    pub fn join_with(&mut self, name: &str, role: &[&str]) -> Result<usize, Error> {
        let bootnodes: Vec<String> = self.members.iter().map(|m| format!("/ip4/{}/tcp/30333/p2p/{}", m.ip, m.peer_id)).collect();
        self.launch(name, role, &bootnodes)
    }

    fn launch(&mut self, name: &str, role: &[&str], bootnodes: &[String]) -> Result<usize, Error> {
        let index = self.members.len();
        let ip = self.ip_of(index);
        let container = format!("{}-{name}", self.prefix);
        let key = node_key_of(index);
        let mut args: Vec<String> = [
            "run",
            "-d",
            "--name",
            &container,
            "--network",
            &self.net,
            "--ip",
            &ip,
            NODE_IMAGE,
            "--chain",
            &self.chain,
            "--database",
            "paritydb",
            "--node-key",
            &key,
            "--listen-addr",
            "/ip4/0.0.0.0/tcp/30333",
            "--rpc-external",
            "--rpc-cors",
            "all",
            "--rpc-methods",
            "unsafe",
            "--prometheus-external",
            "--no-telemetry",
            "--no-mdns",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(role.iter().map(|s| s.to_string()));
        for b in bootnodes {
            args.push("--bootnodes".into());
            args.push(b.clone());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        docker(&args)?;
        self.members.push(Member { name: name.into(), container, ip, peer_id: peer_id_of(index)? });
        Ok(index)
    }

    /// The member's index by name.
    pub fn index(&self, name: &str) -> usize {
        self.members.iter().position(|m| m.name == name).unwrap_or_else(|| panic!("no member {name}"))
    }

    /// The member's RPC address, on whichever network it is now.
    pub fn rpc_url(&self, i: usize) -> Result<String, Error> {
        let ips = docker_text(&[
            "inspect",
            "-f",
            "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}",
            &self.members[i].container,
        ])?;
        let ip = ips.split_whitespace().next().ok_or_else(|| format!("{} has no network", self.members[i].name))?;
        Ok(format!("http://{ip}:9944"))
    }

    /// A JSON-RPC client of the member.
    pub fn rpc(&self, i: usize) -> Result<Rpc, Error> {
        Rpc::new(&self.rpc_url(i)?)
    }

    /// `kill -9`: no chance to flush or close the database.
    pub fn kill(&self, i: usize) -> Result<(), Error> {
        docker(&["kill", "--signal", "KILL", &self.members[i].container]).map(drop)
    }

    /// SIGTERM, and the exit code once it stopped (0 for a clean stop).
    pub fn stop(&self, i: usize) -> Result<i64, Error> {
        docker(&["stop", "--time", "60", &self.members[i].container])?;
        let code = docker_text(&["inspect", "-f", "{{.State.ExitCode}}", &self.members[i].container])?;
        Ok(code.parse()?)
    }

    /// Starts a stopped or killed member again, on its own base path.
    pub fn restart(&self, i: usize) -> Result<(), Error> {
        docker(&["start", &self.members[i].container]).map(drop)
    }

    /// Cuts `side` off from the other members: moved onto the island network.
    pub fn partition(&self, side: &[usize]) -> Result<(), Error> {
        for &i in side {
            docker(&["network", "disconnect", &self.net, &self.members[i].container])?;
            docker(&["network", "connect", &self.island, &self.members[i].container])?;
        }
        Ok(())
    }

    /// Puts `side` back on the shared network, at the addresses they had.
    pub fn heal(&self, side: &[usize]) -> Result<(), Error> {
        for &i in side {
            docker(&["network", "disconnect", &self.island, &self.members[i].container])?;
            docker(&["network", "connect", "--ip", &self.members[i].ip, &self.net, &self.members[i].container])?;
        }
        Ok(())
    }

    /// Everything the member's node logged.
    pub fn logs(&self, i: usize) -> Result<String, Error> {
        let out = docker(&["logs", &self.members[i].container])?;
        Ok(format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    }

    /// Waits until the member answers RPC.
    pub async fn wait_ready(&self, i: usize, within: Duration) -> Result<Rpc, Error> {
        let rpc = self.rpc(i)?;
        rpc.wait_ready(within).await?;
        Ok(rpc)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if std::env::var_os("TRIAD_KEEP_CLUSTER").is_some() {
            return;
        }
        for m in &self.members {
            let _ = docker(&["rm", "-f", &m.container]);
        }
        let _ = docker(&["network", "rm", &self.net]);
        let _ = docker(&["network", "rm", &self.island]);
    }
}

/// The libp2p secret key of member `index`: fixed, so its peer id is known
/// before it starts and stays the same across restarts.
fn node_key_of(index: usize) -> String {
    format!("{:064x}", 0x7121_0000u64 + index as u64)
}

/// The peer id of [`node_key_of`], as `triad-node key inspect-node-key` derives it.
fn peer_id_of(index: usize) -> Result<String, Error> {
    let dir = std::env::temp_dir().join(format!("triad-node-key-{}-{index}", std::process::id()));
    std::fs::write(&dir, node_key_of(index))?;
    let out = Command::new(crate::node::node_binary()?).args(["key", "inspect-node-key", "--file"]).arg(&dir).output()?;
    let _ = std::fs::remove_file(&dir);
    if !out.status.success() {
        return Err(format!("inspect-node-key: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
