use std::{
    io::{self, Read},
    time::Duration,
};

use super::*;

/// `len` bytes that never repeat a 64-byte window, from blake3's XOF.
fn blob(len: usize, seed: u8) -> Vec<u8> {
    let mut bytes = vec![0; len];
    blake3::Hasher::new().update(&[seed]).finalize_xof().fill(&mut bytes);
    bytes
}

fn store(dir: &tempfile::TempDir, name: &str, max_blob: u64) -> Store {
    Store::open(dir.path().join(name), Limits { max_blob }).expect("store opens")
}

fn stream_of(store: &Store, id: &BlobId) -> Vec<u8> {
    let mut out = Vec::new();
    store.send(id, &mut out).expect("a held blob is sent");
    out
}

/// Counts what the receiver read, to show where a transfer stopped.
struct Counting<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

#[test]
fn a_blob_is_addressed_by_its_plain_blake3_hash_and_arrives_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, worker) = (store(&dir, "owner", 1 << 30), store(&dir, "worker", 1 << 30));
    for len in [0, 1, 1024, CHUNK_GROUP_BYTES as usize, 5 * CHUNK_GROUP_BYTES as usize + 7] {
        let bytes = blob(len, 3);
        let id = owner.put(&bytes).unwrap();
        // The id is what the chain holds: blake3 of the bytes and their size.
        assert_eq!(id.hash, *blake3::hash(&bytes).as_bytes());
        assert_eq!(id.size, len as u64);
        let stream = stream_of(&owner, &id);
        assert_eq!(stream.len() as u64, id.stream_len());
        assert!(!worker.has(&id));
        worker.receive(&id, stream.as_slice()).unwrap();
        assert!(worker.has(&id));
        assert_eq!(worker.read(&id).unwrap(), bytes);
        // What was received can be served on, to the next peer.
        assert_eq!(stream_of(&worker, &id), stream);
    }
}

#[test]
fn a_corrupt_chunk_group_is_refused_as_it_arrives_and_nothing_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, worker) = (store(&dir, "owner", 1 << 30), store(&dir, "worker", 1 << 30));
    let bytes = blob(64 * CHUNK_GROUP_BYTES as usize, 5);
    let id = owner.put(&bytes).unwrap();
    let mut stream = stream_of(&owner, &id);
    // Flip one byte of the data of group 8 (the stream is pre-order: hash
    // pairs come before the data they cover, so find it by content).
    let at = 8 * CHUNK_GROUP_BYTES as usize + 100;
    let pos = stream.windows(64).position(|w| w == &bytes[at..at + 64]).expect("data appears in the stream");
    stream[pos] ^= 0x40;
    let mut reader = Counting { inner: stream.as_slice(), read: 0 };
    match worker.receive(&id, &mut reader) {
        Err(DataPlaneError::Corrupt { offset, .. }) => assert_eq!(offset, 8 * CHUNK_GROUP_BYTES),
        other => panic!("expected Corrupt at group 8, got {other:?}"),
    }
    // Refused at that group: far less than the whole stream was read.
    assert!(reader.read < (pos as u64) + CHUNK_GROUP_BYTES + 64, "read {} of {}", reader.read, stream.len());
    assert!(reader.read < id.stream_len() / 4);
    assert!(!worker.has(&id));
    assert_eq!(std::fs::read_dir(dir.path().join("worker")).unwrap().count(), 0, "no partial file stays");
    // The same blob from an honest peer is accepted.
    worker.receive(&id, stream_of(&owner, &id).as_slice()).unwrap();
    assert_eq!(worker.read(&id).unwrap(), bytes);
}

#[test]
fn a_stream_for_another_blob_or_cut_short_is_refused_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, worker) = (store(&dir, "owner", 1 << 30), store(&dir, "worker", 1 << 30));
    let bytes = blob(10 * CHUNK_GROUP_BYTES as usize, 7);
    let id = owner.put(&bytes).unwrap();
    let other = owner.put(&blob(10 * CHUNK_GROUP_BYTES as usize, 9)).unwrap();
    let stream = stream_of(&owner, &id);
    assert!(matches!(worker.receive(&id, stream_of(&owner, &other).as_slice()), Err(DataPlaneError::Corrupt { .. })));
    match worker.receive(&id, &stream[..stream.len() - 10]) {
        Err(DataPlaneError::Truncated { offset, .. }) => assert_eq!(offset, 9 * CHUNK_GROUP_BYTES),
        other => panic!("expected Truncated in the last group, got {other:?}"),
    }
    // A size the chain did not record changes the tree, so the hash fails.
    let wrong_size = BlobId { size: id.size - 1, ..id };
    assert!(matches!(worker.receive(&wrong_size, stream.as_slice()), Err(DataPlaneError::Corrupt { .. })));
    assert!(!worker.has(&id) && !worker.has(&wrong_size));
}

#[test]
fn a_blob_over_the_limit_is_refused_before_a_byte_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let owner = store(&dir, "owner", 1 << 30);
    let small = store(&dir, "small", 4 * CHUNK_GROUP_BYTES);
    let bytes = blob(5 * CHUNK_GROUP_BYTES as usize, 1);
    let id = owner.put(&bytes).unwrap();
    let stream = stream_of(&owner, &id);
    let mut reader = Counting { inner: stream.as_slice(), read: 0 };
    match small.receive(&id, &mut reader) {
        Err(DataPlaneError::TooLarge { size, limit, .. }) => assert_eq!((size, limit), (id.size, 4 * CHUNK_GROUP_BYTES)),
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert_eq!(reader.read, 0);
    assert!(matches!(small.put(&bytes), Err(DataPlaneError::TooLarge { .. })));
    let file = dir.path().join("big.bin");
    std::fs::write(&file, &bytes).unwrap();
    assert!(matches!(small.put_file(&file), Err(DataPlaneError::TooLarge { .. })));
    assert_eq!(owner.put_file(&file).unwrap(), id);
}

#[test]
fn a_store_does_not_serve_a_blob_corrupted_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let owner = store(&dir, "owner", 1 << 30);
    let bytes = blob(6 * CHUNK_GROUP_BYTES as usize, 2);
    let id = owner.put(&bytes).unwrap();
    let path = owner.path(&id).unwrap();
    let mut on_disk = std::fs::read(&path).unwrap();
    on_disk[3 * CHUNK_GROUP_BYTES as usize] ^= 1;
    std::fs::write(&path, &on_disk).unwrap();
    match owner.send(&id, io::sink()) {
        Err(DataPlaneError::Corrupt { offset, .. }) => assert_eq!(offset, 3 * CHUNK_GROUP_BYTES),
        other => panic!("expected Corrupt at group 3, got {other:?}"),
    }
    let missing = BlobId::of(b"never stored");
    assert!(matches!(owner.send(&missing, io::sink()), Err(DataPlaneError::NotFound(_))));
}

#[test]
fn garbage_collection_removes_blobs_unused_for_the_retention_period_only() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir, "s", 1 << 30);
    let old = s.put(&blob(1000, 1)).unwrap();
    let fresh = s.put(&blob(1000, 2)).unwrap();
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options().append(true).open(s.path(&old).unwrap()).unwrap().set_modified(an_hour_ago).unwrap();
    assert_eq!(s.collect_garbage(Duration::from_secs(600)).unwrap(), 1);
    assert!(!s.has(&old) && s.has(&fresh));
    assert_eq!(std::fs::read_dir(dir.path().join("s")).unwrap().count(), 2, "the blob and its tree are both gone");
    // Reading a blob counts as use.
    std::fs::File::options().append(true).open(s.path(&fresh).unwrap()).unwrap().set_modified(an_hour_ago).unwrap();
    s.read(&fresh).unwrap();
    assert_eq!(s.collect_garbage(Duration::from_secs(600)).unwrap(), 0);
}

#[test]
fn concurrent_receives_of_one_blob_each_succeed_and_leave_one_copy() {
    // Two tasks with the same input fetch it at once; neither may fail.
    let dir = tempfile::tempdir().unwrap();
    let (owner, worker) = (store(&dir, "owner", 1 << 30), store(&dir, "worker", 1 << 30));
    let bytes = blob(32 * CHUNK_GROUP_BYTES as usize, 4);
    let id = owner.put(&bytes).unwrap();
    let stream = stream_of(&owner, &id);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| worker.receive(&id, stream.as_slice()))).collect();
        for h in handles {
            h.join().unwrap().expect("every concurrent receive succeeds");
        }
    });
    assert_eq!(worker.read(&id).unwrap(), bytes);
    assert_eq!(std::fs::read_dir(dir.path().join("worker")).unwrap().count(), 2, "one blob and its tree, no temporary files");
}
