//! The client's generated code must describe the runtime this workspace
//! builds. `client/metadata/triad.scale` is the runtime's V16 metadata; when
//! the runtime changes, `scripts/metadata.sh` rewrites it and this test fails
//! until it is.

use std::path::Path;

#[test]
fn client_metadata_is_the_runtime_metadata() {
    let built = triad_runtime::Runtime::metadata_at_version(16).expect("the runtime serves V16 metadata");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/metadata/triad.scale");
    if std::env::var_os("TRIAD_WRITE_METADATA").is_some() {
        std::fs::write(&path, &*built).unwrap();
    }
    let committed = std::fs::read(&path).unwrap();
    assert!(committed == *built, "client/metadata/triad.scale is stale: run scripts/metadata.sh and rebuild");
}
