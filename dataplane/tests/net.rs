//! Peers on loopback, each a real libp2p swarm over TCP with noise and
//! yamux: a blob is fetched from whichever source delivers it whole and
//! verified, past sources that lie, lack it or cannot be reached.

use std::{io, sync::Arc, time::Duration};

use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, StreamExt};
use libp2p::{
    identity::Keypair,
    request_response::{self, ProtocolSupport},
    swarm::SwarmEvent,
    Multiaddr, PeerId, StreamProtocol,
};
use triad_dataplane::{
    net::{Config, HAVE, PROTOCOL},
    BlobId, DataPlane, DataPlaneError, Limits, Store, CHUNK_GROUP_BYTES,
};

fn blob(len: usize, seed: u8) -> Vec<u8> {
    let mut bytes = vec![0; len];
    blake3::Hasher::new().update(&[seed]).finalize_xof().fill(&mut bytes);
    bytes
}

async fn peer(dir: &tempfile::TempDir, name: &str) -> DataPlane {
    let store = Arc::new(Store::open(dir.path().join(name), Limits { max_blob: 64 << 20 }).unwrap());
    let config = Config { listen: "/ip4/127.0.0.1/tcp/0".parse().unwrap(), fetch_timeout: Duration::from_secs(20) };
    DataPlane::start(Keypair::generate_ed25519(), store, config).await.unwrap()
}

async fn source(p: &DataPlane) -> (PeerId, Multiaddr) {
    (p.peer_id(), p.addresses().await[0].clone())
}

/// An attacker's server: answers every request with "have it" and then the
/// verified stream of another blob of the same size.
#[derive(Clone)]
struct Liar(Arc<Vec<u8>>);

#[async_trait::async_trait]
impl request_response::Codec for Liar {
    type Protocol = StreamProtocol;
    type Request = ();
    type Response = ();

    async fn read_request<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<()> {
        io.read_exact(&mut [0u8; 40]).await
    }
    async fn read_response<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, _: &mut T) -> io::Result<()> {
        Err(io::Error::other("the liar only serves"))
    }
    async fn write_request<T: AsyncWrite + Unpin + Send>(&mut self, _: &StreamProtocol, _: &mut T, _: ()) -> io::Result<()> {
        Err(io::Error::other("the liar only serves"))
    }
    async fn write_response<T: AsyncWrite + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T, _: ()) -> io::Result<()> {
        io.write_all(&[HAVE]).await?;
        io.write_all(&self.0).await?;
        io.close().await
    }
}

async fn liar(stream: Vec<u8>) -> (PeerId, Multiaddr) {
    let behaviour = request_response::Behaviour::with_codec(
        Liar(Arc::new(stream)),
        [(StreamProtocol::new(PROTOCOL), ProtocolSupport::Full)],
        request_response::Config::default(),
    );
    let mut swarm = libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(Default::default(), libp2p::noise::Config::new, libp2p::yamux::Config::default)
        .unwrap()
        .with_behaviour(|_| behaviour)
        .unwrap()
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(60)))
        .build();
    swarm.listen_on("/ip4/127.0.0.1/tcp/0".parse().unwrap()).unwrap();
    let addr = loop {
        if let SwarmEvent::NewListenAddr { address, .. } = swarm.select_next_some().await {
            break address;
        }
    };
    let id = *swarm.local_peer_id();
    tokio::spawn(async move {
        loop {
            if let SwarmEvent::Behaviour(request_response::Event::Message {
                message: request_response::Message::Request { channel, .. },
                ..
            }) = swarm.select_next_some().await
            {
                let _ = swarm.behaviour_mut().send_response(channel, ());
            }
        }
    });
    (id, addr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blob_is_fetched_whole_from_an_honest_source_past_liars_and_the_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, worker, other) = (peer(&dir, "owner").await, peer(&dir, "worker").await, peer(&dir, "other").await);
    let bytes = blob(3 << 20, 1);
    let id = owner.store().put(&bytes).unwrap();

    // The liar streams another blob of the same size: the worker refuses it
    // at the first chunk group and moves on.
    let decoy = other.store().put(&blob(bytes.len(), 2)).unwrap();
    let mut decoy_stream = Vec::new();
    other.store().send(&decoy, &mut decoy_stream).unwrap();
    let liar = liar(decoy_stream).await;
    // A source that is not there: a fresh peer id at a closed port.
    let gone = (PeerId::random(), "/ip4/127.0.0.1/tcp/9".parse().unwrap());
    // A source that does not hold the blob.
    let empty = source(&other).await;

    let from = worker.fetch(id, &[liar.clone(), gone, empty, source(&owner).await]).await.unwrap();
    assert_eq!(from, Some(owner.peer_id()));
    assert_eq!(worker.store().read(&id).unwrap(), bytes);

    // What the worker fetched it now serves: the next peer gets it from the worker alone.
    let from = other.fetch(id, &[source(&worker).await]).await.unwrap();
    assert_eq!(from, Some(worker.peer_id()));
    assert_eq!(other.store().read(&id).unwrap(), bytes);
    // Held already: nothing is fetched.
    assert_eq!(other.fetch(id, &[]).await.unwrap(), None);
    // The counters: the worker refused the liar's stream, fetched the blob
    // once and served it once (the blob and its hash tree).
    let (w, o) = (worker.stats(), owner.stats());
    assert_eq!((w.fetched, w.fetched_bytes, w.refused), (1, bytes.len() as u64, 1));
    assert_eq!(w.served_bytes, id.stream_len());
    assert_eq!((o.served_bytes, o.fetched), (id.stream_len(), 0));
    assert_eq!(other.stats().fetched_bytes, bytes.len() as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failed_source_is_named_with_its_reason_and_nothing_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, worker) = (peer(&dir, "owner").await, peer(&dir, "worker").await);
    let bytes = blob(40 * CHUNK_GROUP_BYTES as usize, 3);
    let id = BlobId::of(&bytes);
    let mut stream = Vec::new();
    let honest = owner.store().put(&bytes).unwrap();
    owner.store().send(&honest, &mut stream).unwrap();
    // The liar sends the right blob with one byte flipped in group 20.
    let at = 20 * CHUNK_GROUP_BYTES as usize + 5;
    let pos = stream.windows(32).position(|w| w == &bytes[at..at + 32]).unwrap();
    stream[pos] ^= 1;
    let liar = liar(stream).await;
    match worker.fetch(id, std::slice::from_ref(&liar)).await {
        Err(DataPlaneError::NoSource { tried, .. }) => {
            assert_eq!(tried.len(), 1);
            assert!(tried[0].contains(&format!("offset {}", 20 * CHUNK_GROUP_BYTES)), "{tried:?}");
        },
        other => panic!("expected NoSource, got {other:?}"),
    }
    assert!(!worker.store().has(&id));
    // A blob nobody has: each source says so.
    let unknown = BlobId::of(b"nobody has this");
    match worker.fetch(unknown, &[source(&owner).await]).await {
        Err(DataPlaneError::NoSource { tried, .. }) => assert!(tried[0].contains("does not hold"), "{tried:?}"),
        other => panic!("expected NoSource, got {other:?}"),
    }
    // Over the store's limit: refused before any source is asked.
    let huge = BlobId { hash: [7; 32], size: 1 << 40 };
    assert!(matches!(worker.fetch(huge, &[liar]).await, Err(DataPlaneError::TooLarge { .. })));
}
