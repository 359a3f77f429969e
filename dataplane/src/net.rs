//! The libp2p transport: blobs fetched from peers by their id, verified as
//! they arrive.
//!
//! One request-response protocol, [`PROTOCOL`], over TCP with noise and
//! yamux. A request is a [`BlobId`] (the 32-byte hash, then the size as 8
//! little-endian bytes). The answer is one status byte, [`HAVE`] or
//! [`MISSING`], and after [`HAVE`] the blob's verified stream. The receiving
//! side decodes that stream while it arrives, in a blocking thread fed
//! chunk by chunk, so the first chunk group that does not belong to the blob
//! stops the read and closes the stream; the serving side reads its own
//! store in a blocking thread too, and checks each group before sending it.
//!
//! [`DataPlane::fetch`] asks its sources one after another and keeps the
//! first complete, verified copy: a source that is unreachable, does not
//! hold the blob, times out or sends foreign bytes only costs the time it
//! took, and the error names each source and why it failed.

use std::{
    io,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, StreamExt};
use libp2p::{
    identity::Keypair,
    noise,
    request_response::{self, OutboundFailure, OutboundRequestId, ProtocolSupport},
    swarm::SwarmEvent,
    tcp, yamux, Multiaddr, PeerId, StreamProtocol, Swarm,
};
use tokio::sync::{mpsc, oneshot};

use crate::{BlobId, DataPlaneError, Store, LOG_TARGET};

/// The protocol name peers negotiate.
pub const PROTOCOL: &str = "/triad/blob/1";
/// Status byte: the blob's stream follows.
pub const HAVE: u8 = 0;
/// Status byte: the peer does not hold the blob.
pub const MISSING: u8 = 1;

/// Bytes moved between the network and a blocking encoder or decoder at once.
const PIECE: usize = 64 * 1024;

/// How a data-plane peer runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen, for example `/ip4/0.0.0.0/tcp/30444`.
    pub listen: Multiaddr,
    /// How long one source may take to deliver a whole blob.
    pub fetch_timeout: Duration,
}

/// A request: which blob.
#[derive(Clone, Copy, Debug)]
pub struct BlobRequest(pub BlobId);

/// The two sides of an answer: the server's `Serve` is written as a stream,
/// and the client reads it into its store, or learns the blob is missing.
#[derive(Clone, Copy, Debug)]
pub enum BlobResponse {
    /// Server side: stream this held blob.
    Serve(BlobId),
    /// Client side: the blob was received, verified and stored.
    Received,
    /// Either side: the server does not hold the blob.
    Missing,
}

/// What a peer moved since it started, for the caller's metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Stream bytes (blob and hash tree) sent to other peers.
    pub served_bytes: u64,
    /// Stream bytes received so far, as they arrive, verified or not: what a
    /// progress display shows.
    pub received_bytes: u64,
    /// Blob bytes received, verified and stored.
    pub fetched_bytes: u64,
    /// Blobs received whole and verified.
    pub fetched: u64,
    /// Transfers refused because the bytes did not match the hash, or the
    /// stream ended before the blob did.
    pub refused: u64,
}

#[derive(Default)]
struct Counters {
    served_bytes: AtomicU64,
    received_bytes: AtomicU64,
    fetched_bytes: AtomicU64,
    fetched: AtomicU64,
    refused: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> Stats {
        Stats {
            served_bytes: self.served_bytes.load(Ordering::Relaxed),
            received_bytes: self.received_bytes.load(Ordering::Relaxed),
            fetched_bytes: self.fetched_bytes.load(Ordering::Relaxed),
            fetched: self.fetched.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
        }
    }
}

/// Reads and writes the protocol; each outbound stream has its own clone,
/// which remembers the blob it asked for.
#[derive(Clone)]
struct BlobCodec {
    store: Arc<Store>,
    counters: Arc<Counters>,
    requested: Option<BlobId>,
}

#[async_trait::async_trait]
impl request_response::Codec for BlobCodec {
    type Protocol = StreamProtocol;
    type Request = BlobRequest;
    type Response = BlobResponse;

    async fn read_request<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<BlobRequest> {
        let mut buf = [0u8; 40];
        io.read_exact(&mut buf).await?;
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&buf[..32]);
        let size = u64::from_le_bytes(buf[32..].try_into().expect("8 bytes"));
        Ok(BlobRequest(BlobId { hash, size }))
    }

    async fn read_response<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<BlobResponse> {
        let id = self.requested.ok_or_else(|| io::Error::other("a response without a request"))?;
        let mut status = [0u8; 1];
        io.read_exact(&mut status).await?;
        if status[0] == MISSING {
            return Ok(BlobResponse::Missing);
        }
        // Refuse what the store would refuse before reading the stream.
        if id.size > self.store.limits().max_blob {
            return Err(io::Error::other(DataPlaneError::TooLarge {
                hash: id.hex(),
                size: id.size,
                limit: self.store.limits().max_blob,
            }));
        }
        let (tx, rx) = mpsc::channel::<Vec<u8>>(4);
        let store = self.store.clone();
        let decoder = tokio::task::spawn_blocking(move || store.receive(&id, PieceReader { rx, piece: Vec::new(), at: 0 }));
        let mut left = id.stream_len();
        while left > 0 {
            let mut piece = vec![0u8; PIECE.min(left as usize)];
            let n = io.read(&mut piece).await?;
            if n == 0 {
                break;
            }
            piece.truncate(n);
            left -= n as u64;
            self.counters.received_bytes.fetch_add(n as u64, Ordering::Relaxed);
            // The decoder stops at the first foreign group and drops its end.
            if tx.send(piece).await.is_err() {
                break;
            }
        }
        drop(tx);
        match decoder.await.map_err(io::Error::other)? {
            Ok(()) => {
                self.counters.fetched.fetch_add(1, Ordering::Relaxed);
                self.counters.fetched_bytes.fetch_add(id.size, Ordering::Relaxed);
                Ok(BlobResponse::Received)
            },
            Err(e) => {
                if matches!(e, DataPlaneError::Corrupt { .. } | DataPlaneError::Truncated { .. }) {
                    self.counters.refused.fetch_add(1, Ordering::Relaxed);
                }
                Err(io::Error::other(e))
            },
        }
    }

    async fn write_request<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        BlobRequest(id): BlobRequest,
    ) -> io::Result<()> {
        self.requested = Some(id);
        let mut buf = [0u8; 40];
        buf[..32].copy_from_slice(&id.hash);
        buf[32..].copy_from_slice(&id.size.to_le_bytes());
        io.write_all(&buf).await?;
        io.flush().await
    }

    async fn write_response<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        response: BlobResponse,
    ) -> io::Result<()> {
        let BlobResponse::Serve(id) = response else {
            io.write_all(&[MISSING]).await?;
            return io.close().await;
        };
        io.write_all(&[HAVE]).await?;
        let (tx, mut rx) = mpsc::channel::<Vec<u8>>(4);
        let store = self.store.clone();
        let encoder = tokio::task::spawn_blocking(move || store.send(&id, PieceWriter { tx, piece: Vec::new() }));
        while let Some(piece) = rx.recv().await {
            io.write_all(&piece).await?;
            self.counters.served_bytes.fetch_add(piece.len() as u64, Ordering::Relaxed);
        }
        if let Err(e) = encoder.await.map_err(io::Error::other)? {
            // Stop short: the receiver sees a truncated stream and asks elsewhere.
            tracing::warn!(target: LOG_TARGET, blob = %id.hex(), error = %e, "stopped serving a blob");
        }
        io.close().await
    }
}

/// The decoder's `Read` over pieces arriving from the network.
struct PieceReader {
    rx: mpsc::Receiver<Vec<u8>>,
    piece: Vec<u8>,
    at: usize,
}

impl io::Read for PieceReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.piece.len() {
            match self.rx.blocking_recv() {
                Some(piece) => (self.piece, self.at) = (piece, 0),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.piece.len() - self.at);
        buf[..n].copy_from_slice(&self.piece[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The encoder's `Write` into pieces sent to the network.
struct PieceWriter {
    tx: mpsc::Sender<Vec<u8>>,
    piece: Vec<u8>,
}

impl io::Write for PieceWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.piece.extend_from_slice(buf);
        if self.piece.len() >= PIECE {
            self.flush()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.piece.is_empty() {
            let piece = std::mem::take(&mut self.piece);
            self.tx.blocking_send(piece).map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))?;
        }
        Ok(())
    }
}

impl Drop for PieceWriter {
    fn drop(&mut self) {
        let _ = io::Write::flush(self);
    }
}

enum Command {
    Fetch { peer: PeerId, addr: Multiaddr, id: BlobId, reply: oneshot::Sender<Result<(), DataPlaneError>> },
    Addresses { reply: oneshot::Sender<Vec<Multiaddr>> },
}

/// A running data-plane peer: it serves every blob of its store and fetches
/// blobs into it.
pub struct DataPlane {
    peer_id: PeerId,
    commands: mpsc::Sender<Command>,
    store: Arc<Store>,
    counters: Arc<Counters>,
}

impl DataPlane {
    /// Starts a peer with identity `keypair` over `store`, listening on
    /// `config.listen`, on the current tokio runtime.
    pub async fn start(keypair: Keypair, store: Arc<Store>, config: Config) -> Result<Self, DataPlaneError> {
        let counters = Arc::new(Counters::default());
        let codec = BlobCodec { store: store.clone(), counters: counters.clone(), requested: None };
        let behaviour = request_response::Behaviour::with_codec(
            codec,
            [(StreamProtocol::new(PROTOCOL), ProtocolSupport::Full)],
            request_response::Config::default().with_request_timeout(config.fetch_timeout),
        );
        let mut swarm = libp2p::SwarmBuilder::with_existing_identity(keypair)
            .with_tokio()
            .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
            .map_err(|e| DataPlaneError::Transport(e.to_string()))?
            .with_behaviour(|_| behaviour)
            .map_err(|e| DataPlaneError::Transport(e.to_string()))?
            .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(60)))
            .build();
        swarm.listen_on(config.listen.clone()).map_err(|e| DataPlaneError::Transport(e.to_string()))?;
        // Wait until the listener is up, so `addresses` has something to say.
        let first = loop {
            match swarm.select_next_some().await {
                SwarmEvent::NewListenAddr { address, .. } => break address,
                SwarmEvent::ListenerError { error, .. } => return Err(DataPlaneError::Transport(error.to_string())),
                _ => {},
            }
        };
        // On an unspecified address (every interface) the others follow at once.
        let mut addrs = vec![first];
        let every_interface = crate::peers::unspecified(&config.listen);
        while every_interface {
            match tokio::time::timeout(Duration::from_millis(200), swarm.select_next_some()).await {
                Ok(SwarmEvent::NewListenAddr { address, .. }) => addrs.push(address),
                Ok(_) => {},
                Err(_) => break,
            }
        }
        let peer_id = *swarm.local_peer_id();
        tracing::info!(target: LOG_TARGET, %peer_id, addresses = ?addrs, "data plane listening");
        let (commands, rx) = mpsc::channel(64);
        tokio::spawn(run(swarm, rx, addrs, store.clone()));
        Ok(Self { peer_id, commands, store, counters })
    }

    /// This peer's id, as workers register it on chain.
    pub fn peer_id(&self) -> PeerId {
        self.peer_id
    }

    /// What this peer has moved so far.
    pub fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    /// The store this peer serves and fetches into.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The addresses this peer listens on.
    pub async fn addresses(&self) -> Vec<Multiaddr> {
        let (reply, rx) = oneshot::channel();
        if self.commands.send(Command::Addresses { reply }).await.is_err() {
            return Vec::new();
        }
        rx.await.unwrap_or_default()
    }

    /// Fetches blob `id` into the store from the first of `sources` that
    /// delivers it whole and verified; returns that source. A blob already
    /// held is not fetched again.
    pub async fn fetch(&self, id: BlobId, sources: &[(PeerId, Multiaddr)]) -> Result<Option<PeerId>, DataPlaneError> {
        if self.store.has(&id) {
            return Ok(None);
        }
        if id.size > self.store.limits().max_blob {
            return Err(DataPlaneError::TooLarge { hash: id.hex(), size: id.size, limit: self.store.limits().max_blob });
        }
        let mut failures = Vec::new();
        for (peer, addr) in sources.iter().filter(|(p, _)| *p != self.peer_id) {
            let (reply, rx) = oneshot::channel();
            let command = Command::Fetch { peer: *peer, addr: addr.clone(), id, reply };
            if self.commands.send(command).await.is_err() {
                return Err(DataPlaneError::Transport("the data plane has stopped".into()));
            }
            match rx.await.unwrap_or_else(|_| Err(DataPlaneError::Transport("the data plane has stopped".into()))) {
                Ok(()) => return Ok(Some(*peer)),
                Err(e) => {
                    tracing::info!(target: LOG_TARGET, blob = %id.hex(), %peer, error = %e, "source failed, trying the next");
                    failures.push(format!("{peer}: {e}"));
                },
            }
        }
        Err(DataPlaneError::NoSource { hash: id.hex(), tried: failures })
    }
}

async fn run(
    mut swarm: Swarm<request_response::Behaviour<BlobCodec>>,
    mut commands: mpsc::Receiver<Command>,
    mut addrs: Vec<Multiaddr>,
    store: Arc<Store>,
) {
    let mut pending: std::collections::HashMap<OutboundRequestId, oneshot::Sender<Result<(), DataPlaneError>>> =
        Default::default();
    loop {
        tokio::select! {
            command = commands.recv() => match command {
                None => return,
                Some(Command::Addresses { reply }) => {
                    let _ = reply.send(addrs.clone());
                },
                Some(Command::Fetch { peer, addr, id, reply }) => {
                    swarm.add_peer_address(peer, addr);
                    let request = swarm.behaviour_mut().send_request(&peer, BlobRequest(id));
                    pending.insert(request, reply);
                },
            },
            event = swarm.select_next_some() => match event {
                SwarmEvent::NewListenAddr { address, .. } => addrs.push(address),
                SwarmEvent::Behaviour(request_response::Event::Message { message, peer, .. }) => match message {
                    request_response::Message::Request { request: BlobRequest(id), channel, .. } => {
                        let have = store.has(&id);
                        let response = if have { BlobResponse::Serve(id) } else { BlobResponse::Missing };
                        tracing::debug!(target: LOG_TARGET, blob = %id.hex(), %peer, have, "blob requested");
                        let _ = swarm.behaviour_mut().send_response(channel, response);
                    },
                    request_response::Message::Response { request_id, response } => {
                        if let Some(reply) = pending.remove(&request_id) {
                            let _ = reply.send(match response {
                                BlobResponse::Missing => Err(DataPlaneError::Missing),
                                _ => Ok(()),
                            });
                        }
                    },
                },
                SwarmEvent::Behaviour(request_response::Event::OutboundFailure { request_id, error, .. }) => {
                    if let Some(reply) = pending.remove(&request_id) {
                        let _ = reply.send(Err(outbound_error(error)));
                    }
                },
                _ => {},
            },
        }
    }
}

/// A failed fetch from one source, as the caller should see it: what the
/// store refused (corrupt, truncated, too large) when it was that, else the
/// transport's reason.
fn outbound_error(error: OutboundFailure) -> DataPlaneError {
    match error {
        OutboundFailure::Io(e) => match e.into_inner().map(|inner| inner.downcast::<DataPlaneError>()) {
            Some(Ok(refused)) => *refused,
            Some(Err(other)) => DataPlaneError::Transport(other.to_string()),
            None => DataPlaneError::Transport("i/o error".into()),
        },
        OutboundFailure::Timeout => DataPlaneError::Timeout,
        other => DataPlaneError::Transport(other.to_string()),
    }
}
