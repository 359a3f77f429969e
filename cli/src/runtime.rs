//! `triad runtime version` and `triad runtime upgrade`: which code the chain
//! runs, and replacing it.
//!
//! An upgrade is `system.set_code` dispatched by the chain's governance, today
//! `sudo`. The chain refuses a blob whose `spec_name` differs or whose
//! `spec_version` is not higher; `sudo` still includes the extrinsic and
//! reports the refusal in its `Sudid` event, which is read here so that a
//! refused upgrade is an error rather than a silent no-op. The new code runs
//! from the block after the one that set it.

use std::{path::PathBuf, time::Duration};

use clap::Subcommand;
use codec::Encode;
use triad_client::{
    chain::{self, runtime_types::frame_system::pallet::Call as SystemCall, runtime_types::triad_runtime::RuntimeCall},
    Client, ClientError, Wait,
};

use crate::{chain_err, connect, CliError, Keys};

#[derive(Subcommand)]
pub enum RuntimeCommand {
    /// The runtime of the node's best block: name, spec and transaction version.
    Version,
    /// Replace the chain's runtime with a wasm blob (the builder's
    /// `*.compact.compressed.wasm`) through sudo; signed by the sudo key.
    Upgrade {
        /// The runtime blob.
        file: PathBuf,
    },
}

pub async fn run(url: &str, keys: &Keys, cmd: RuntimeCommand) -> Result<(), CliError> {
    match cmd {
        RuntimeCommand::Version => {
            let client = connect(url).await?;
            let v = version(&client, None).await?;
            println!("{} spec {} transaction {}", v.name, v.spec, v.transaction);
            // Test paths are compiled out of production runtimes; the
            // metadata of the running one says whether it has them.
            if triad_client::registry::accepts_recorded_quotes(&client.best().await?) {
                println!(
                    "test runtime: Attestation::attest_recorded accepts recorded quotes, so its TEE attestations prove nothing"
                );
            }
            Ok(())
        },
        RuntimeCommand::Upgrade { file } => upgrade(url, keys, file).await,
    }
}

/// What `state_getRuntimeVersion` says of a block.
struct Version {
    name: String,
    spec: u32,
    transaction: u32,
}

async fn version(client: &Client, at: Option<triad_client::Hash>) -> Result<Version, CliError> {
    let v = client.rpc().state_get_runtime_version(at).await.map_err(chain_err)?;
    let name = v.other.get("specName").and_then(|n| n.as_str()).unwrap_or("?").to_string();
    Ok(Version { name, spec: v.spec_version, transaction: v.transaction_version })
}

/// Plain wasm starts with `\0asm`; the builder's compressed blobs with the
/// zstd prefix of `sp-maybe-compressed-blob`.
const WASM_MAGIC: &[u8] = b"\0asm";
const COMPRESSED_MAGIC: &[u8] = &[82, 188, 83, 118, 70, 219, 142, 5];

/// Whether `code` looks like a runtime blob at all.
pub fn is_runtime_blob(code: &[u8]) -> bool {
    code.starts_with(WASM_MAGIC) || code.starts_with(COMPRESSED_MAGIC)
}

/// An unsigned LEB128 number at the start of `b`, and its length.
fn leb128(b: &[u8]) -> Option<(usize, usize)> {
    let mut value = 0usize;
    for (i, byte) in b.iter().enumerate().take(5) {
        value |= ((byte & 0x7f) as usize) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// The `spec_name` and `spec_version` a runtime blob declares in its
/// `runtime_version` custom section (which `#[runtime_version]` writes and
/// the chain itself reads when it checks an upgrade).
pub fn blob_version(code: &[u8]) -> Result<(String, u32), String> {
    let wasm = sp_maybe_compressed_blob::decompress(code, 64 << 20).map_err(|e| e.to_string())?;
    if !wasm.starts_with(WASM_MAGIC) {
        return Err("not a wasm module".into());
    }
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        let (len, n) = leb128(&wasm[at + 1..]).ok_or("a malformed section")?;
        let start = at + 1 + n;
        let end = start.checked_add(len).filter(|e| *e <= wasm.len()).ok_or("a truncated section")?;
        if id == 0 {
            let (name_len, n) = leb128(&wasm[start..end]).ok_or("a malformed custom section")?;
            let name = wasm.get(start + n..start + n + name_len).ok_or("a truncated custom section")?;
            if name == b"runtime_version" {
                let mut body = &wasm[start + n + name_len..end];
                let (spec_name, _impl_name, _authoring, spec_version): (String, String, u32, u32) =
                    codec::Decode::decode(&mut body).map_err(|e| format!("runtime_version: {e}"))?;
                return Ok((spec_name, spec_version));
            }
        }
        at = end;
    }
    Err("no runtime_version section".into())
}

async fn upgrade(url: &str, keys: &Keys, file: PathBuf) -> Result<(), CliError> {
    let code = std::fs::read(&file).map_err(|e| CliError::Input(format!("{}: {e}", file.display())))?;
    if !is_runtime_blob(&code) {
        return Err(CliError::Input(format!("{} is not a wasm runtime (plain or zstd-compressed)", file.display())));
    }
    let bad = |e: String| CliError::Input(format!("{}: {e}", file.display()));
    let (name, spec) = blob_version(&code).map_err(bad)?;
    let client = connect(url).await?;
    let signer = keys.signer_on(&client).await?;
    let before = version(&client, None).await?;
    // The chain checks the same, except in a build with runtime benchmarks,
    // whose `set_code` skips it; either way nothing is signed for a refusal.
    if name != before.name {
        return Err(bad(format!("the blob is runtime {name}, the chain runs {} (InvalidSpecName)", before.name)));
    }
    if spec <= before.spec {
        return Err(bad(format!("spec_version {spec} is not above the chain's {} (SpecVersionNeedsToIncrease)", before.spec)));
    }
    let call = chain::transactions().sudo().sudo(RuntimeCall::System(SystemCall::set_code { code }));
    let included = client.submit(&call, &signer, Wait::Finalized).await?;
    let sudid = included.event::<chain::sudo::events::Sudid>()?;
    if let Err(refused) = sudid.sudo_result {
        let metadata = client.api().at_block(included.block).await.map_err(chain_err)?.metadata();
        return Err(ClientError::from_dispatch_bytes(&refused.encode(), metadata).into());
    }
    let at = client.api().at_block(included.block).await.map_err(chain_err)?;
    let set_at = at.block_number();
    // The new code runs from the next block; wait until one is finalized.
    let started = std::time::Instant::now();
    let after = loop {
        let head = client.finalized().await?;
        if head.block_number() > set_at {
            break version(&client, Some(head.block_hash())).await?;
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(chain_err(format!("no block after #{set_at} was finalized within two minutes")));
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    println!(
        "runtime upgraded in #{set_at}: {} spec {} -> {} spec {} (transaction {} -> {})",
        before.name, before.spec, after.name, after.spec, before.transaction, after.transaction
    );
    Ok(())
}
