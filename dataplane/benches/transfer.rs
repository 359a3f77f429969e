//! Benchmark (not a test): what the data plane costs, as ratios measured
//! side by side in one run on one machine.
//!
//! 1. one 100 MB blob fetched between two data-plane peers on loopback
//!    (libp2p, TCP + noise + yamux, verified as it arrives, written to the
//!    store) ÷ the same bytes over a plain loopback TCP socket;
//! 2. verification alone (decoding the blob's verified stream from memory,
//!    every chunk group and hash pair checked, no I/O) ÷ the fetch in 1.
//!
//! Run with `cargo bench --locked --workspace --features "$TRIAD_FEATURES" --bench transfer`.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    sync::Arc,
    time::{Duration, Instant},
};

use bao_tree::{
    io::{sync::DecodeResponseIter, BaoContentItem},
    BaoTree, BlockSize, ChunkRanges,
};
use libp2p::identity::Keypair;
use triad_dataplane::{net::Config, DataPlane, Limits, Store};

const SIZE: usize = 100 << 20;

fn raw_tcp(bytes: &Arc<Vec<u8>>) -> f64 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let data = bytes.clone();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.write_all(&data).unwrap();
    });
    let start = Instant::now();
    let mut client = TcpStream::connect(addr).unwrap();
    let mut buf = vec![0u8; 64 << 10];
    let mut got = 0;
    while got < SIZE {
        let n = client.read(&mut buf).unwrap();
        assert!(n > 0);
        got += n;
    }
    let t = start.elapsed().as_secs_f64();
    server.join().unwrap();
    t
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0u8; SIZE];
    blake3::Hasher::new().update(b"bench").finalize_xof().fill(&mut bytes);
    let bytes = Arc::new(bytes);
    let limits = Limits { max_blob: 1 << 30 };
    let config = Config { listen: "/ip4/127.0.0.1/tcp/0".parse().unwrap(), fetch_timeout: Duration::from_secs(120) };
    let owner = Arc::new(Store::open(dir.path().join("owner"), limits).unwrap());
    let id = owner.put(&bytes).unwrap();
    let owner = DataPlane::start(Keypair::generate_ed25519(), owner, config.clone()).await.unwrap();
    let source = [(owner.peer_id(), owner.addresses().await[0].clone())];

    let (mut tcp, mut p2p, mut verify) = (Vec::new(), Vec::new(), Vec::new());
    let mut stream = Vec::new();
    owner.store().send(&id, &mut stream).unwrap();
    for round in 0..3 {
        let b = bytes.clone();
        tcp.push(tokio::task::spawn_blocking(move || raw_tcp(&b)).await.unwrap());

        let store = Arc::new(Store::open(dir.path().join(format!("worker{round}")), limits).unwrap());
        let worker = DataPlane::start(Keypair::generate_ed25519(), store, config.clone()).await.unwrap();
        let start = Instant::now();
        worker.fetch(id, &source).await.unwrap();
        p2p.push(start.elapsed().as_secs_f64());

        let start = Instant::now();
        let root = blake3::Hash::from_bytes(id.hash);
        let tree = BaoTree::new(id.size, BlockSize::from_chunk_log(4));
        let ranges = ChunkRanges::all();
        let mut verified = 0u64;
        for item in DecodeResponseIter::new(root, tree, stream.as_slice(), &ranges) {
            if let BaoContentItem::Leaf(leaf) = item.unwrap() {
                verified += leaf.data.len() as u64;
            }
        }
        assert_eq!(verified, id.size);
        verify.push(start.elapsed().as_secs_f64());
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let (tcp, p2p, verify) = (median(tcp), median(p2p), median(verify));
    let mb = SIZE as f64 / 1e6;
    println!("| measure (100 MB blob, loopback, median of 3) | data plane | baseline | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| fetch between two peers ÷ plain TCP | {:.3} s ({:.0} MB/s) | {:.3} s ({:.0} MB/s) | {:.2} |",
        p2p,
        mb / p2p,
        tcp,
        mb / tcp,
        p2p / tcp
    );
    println!(
        "| verification alone ÷ the fetch | {:.3} s ({:.0} MB/s) | {:.3} s | {:.2} |",
        verify,
        mb / verify,
        p2p,
        verify / p2p
    );
    println!("\nthroughput of the fetch: {:.0}% of plain TCP", 100.0 * tcp / p2p);
}
