//! A typed view of the node's standard JSON-RPC methods (chain, state, author).

use codec::Decode;
use jsonrpsee::{
    core::client::ClientT,
    http_client::{HttpClient, HttpClientBuilder},
    rpc_params,
};
use polkadot_sdk::sp_core::{Bytes, H256};
use serde_json::Value;
use std::time::{Duration, Instant};

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// JSON-RPC client of one node.
pub struct Rpc {
    client: HttpClient,
}

fn hex_u32(v: &Value) -> Result<u32, Error> {
    let s = v.as_str().ok_or("expected a hex string")?;
    Ok(u32::from_str_radix(s.trim_start_matches("0x"), 16)?)
}

impl Rpc {
    pub fn new(url: &str) -> Result<Self, Error> {
        Ok(Self { client: HttpClientBuilder::default().build(url)? })
    }

    /// Polls `system_health` until the RPC server answers or `within` passes.
    pub async fn wait_ready(&self, within: Duration) -> Result<(), Error> {
        let start = Instant::now();
        loop {
            match self.client.request::<Value, _>("system_health", rpc_params![]).await {
                Ok(_) => return Ok(()),
                Err(e) if start.elapsed() > within => return Err(format!("node RPC not ready after {within:?}: {e}").into()),
                Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
            }
        }
    }

    pub async fn finalized_head(&self) -> Result<H256, Error> {
        Ok(self.client.request("chain_getFinalizedHead", rpc_params![]).await?)
    }

    pub async fn block_number(&self, hash: H256) -> Result<u32, Error> {
        let header: Value = self.client.request("chain_getHeader", rpc_params![hash]).await?;
        hex_u32(&header["number"])
    }

    pub async fn finalized_number(&self) -> Result<u32, Error> {
        let head = self.finalized_head().await?;
        self.block_number(head).await
    }

    pub async fn block_hash(&self, number: u32) -> Result<H256, Error> {
        let hash: Option<H256> = self.client.request("chain_getBlockHash", rpc_params![number]).await?;
        hash.ok_or_else(|| format!("no block #{number}").into())
    }

    /// The SCALE-encoded extrinsics of a block.
    pub async fn block_extrinsics(&self, hash: H256) -> Result<Vec<Bytes>, Error> {
        let block: Value = self.client.request("chain_getBlock", rpc_params![hash]).await?;
        Ok(serde_json::from_value(block["block"]["extrinsics"].clone())?)
    }

    pub async fn genesis_hash(&self) -> Result<H256, Error> {
        self.block_hash(0).await
    }

    /// `(spec_version, transaction_version)` of the runtime at the best block.
    pub async fn runtime_versions(&self) -> Result<(u32, u32), Error> {
        let v: Value = self.client.request("state_getRuntimeVersion", rpc_params![]).await?;
        let field = |k: &str| v[k].as_u64().map(|n| n as u32).ok_or_else(|| Error::from(format!("no {k}")));
        Ok((field("specVersion")?, field("transactionVersion")?))
    }

    /// What an extrinsic signed now with `nonce` must commit to: this chain's
    /// genesis and the best block's runtime versions.
    pub async fn signing_context(&self, nonce: u32) -> Result<crate::tx::SigningContext, Error> {
        let (spec_version, tx_version) = self.runtime_versions().await?;
        Ok(crate::tx::SigningContext { genesis: self.genesis_hash().await?, spec_version, tx_version, nonce })
    }

    /// The best block's number.
    pub async fn best_number(&self) -> Result<u32, Error> {
        let header: Value = self.client.request("chain_getHeader", rpc_params![]).await?;
        hex_u32(&header["number"])
    }

    /// `(best, finalized)` block numbers.
    pub async fn heads(&self) -> Result<(u32, u32), Error> {
        Ok((self.best_number().await?, self.finalized_number().await?))
    }

    /// The digest items of block `hash`, decoded.
    pub async fn digest(&self, hash: H256) -> Result<Vec<polkadot_sdk::sp_runtime::DigestItem>, Error> {
        let header: Value = self.client.request("chain_getHeader", rpc_params![hash]).await?;
        let logs: Vec<Bytes> = serde_json::from_value(header["digest"]["logs"].clone())?;
        logs.iter().map(|b| Ok(polkadot_sdk::sp_runtime::DigestItem::decode(&mut &b.0[..])?)).collect()
    }

    /// `author_rotateKeysWithOwner`: new session keys in the node's keystore,
    /// and the proof that `owner` (an encoded account) holds them.
    pub async fn rotate_keys(&self, owner: Vec<u8>) -> Result<(Vec<u8>, Vec<u8>), Error> {
        let v: Value = self.client.request("author_rotateKeysWithOwner", rpc_params![Bytes(owner)]).await?;
        let keys: Bytes = serde_json::from_value(v["keys"].clone())?;
        let proof: Bytes = serde_json::from_value(v["proof"].clone()).map_err(|_| "the node gave no ownership proof")?;
        Ok((keys.0, proof.0))
    }

    pub async fn account_next_index(&self, ss58: &str) -> Result<u32, Error> {
        Ok(self.client.request("system_accountNextIndex", rpc_params![ss58]).await?)
    }

    /// Decodes the value at `key` in the state of block `at`, if any.
    pub async fn storage<T: Decode>(&self, key: Vec<u8>, at: H256) -> Result<Option<T>, Error> {
        let raw: Option<Bytes> = self.client.request("state_getStorage", rpc_params![Bytes(key), at]).await?;
        raw.map(|b| T::decode(&mut &b.0[..]).map_err(Error::from)).transpose()
    }

    /// Calls runtime API `method` (`Api_function`) with SCALE-encoded `args` in the
    /// state of block `at`, and decodes the answer.
    pub async fn runtime_call<T: Decode>(&self, method: &str, args: Vec<u8>, at: H256) -> Result<T, Error> {
        let raw: Bytes = self.client.request("state_call", rpc_params![method, Bytes(args), at]).await?;
        Ok(T::decode(&mut &raw.0[..])?)
    }

    pub async fn submit_extrinsic(&self, xt: Vec<u8>) -> Result<H256, Error> {
        Ok(self.client.request("author_submitExtrinsic", rpc_params![Bytes(xt)]).await?)
    }

    /// Waits until the finalized head reaches `number`.
    pub async fn wait_finalized(&self, number: u32, within: Duration) -> Result<H256, Error> {
        let start = Instant::now();
        loop {
            let head = self.finalized_head().await?;
            let n = self.block_number(head).await?;
            if n >= number {
                return Ok(head);
            }
            if start.elapsed() > within {
                return Err(format!("finalized head is #{n} after {within:?}, expected at least #{number}").into());
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// Scans finalized blocks after `after` until one contains `xt`; returns its number
    /// and hash.
    pub async fn wait_included_finalized(&self, xt: &[u8], after: u32, within: Duration) -> Result<(u32, H256), Error> {
        let start = Instant::now();
        let mut next = after + 1;
        loop {
            let finalized = self.finalized_number().await?;
            while next <= finalized {
                let hash = self.block_hash(next).await?;
                if self.block_extrinsics(hash).await?.iter().any(|e| e.0 == xt) {
                    return Ok((next, hash));
                }
                next += 1;
            }
            if start.elapsed() > within {
                return Err(format!("extrinsic not in any finalized block #{}..=#{finalized} after {within:?}", after + 1).into());
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}
