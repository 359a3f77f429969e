//! A connection to a node, and signed submission with locally kept nonces.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use subxt::{
    config::{DefaultExtrinsicParamsBuilder, RpcConfigFor},
    extrinsics::ExtrinsicEvents,
    rpcs::{LegacyRpcMethods, RpcClient},
    transactions::{Payload, TransactionStatus},
    OnlineClient,
};
use tokio::sync::Mutex;

use triad_job::Schema;

use crate::{
    account_of,
    chain::{
        self,
        runtime_types::{pallet_triad_models::types::ModelInfo, pallet_triad_tasks::types::TaskView},
    },
    error::ClientError,
    failover::Failover,
    AtBlock, Config, Signer, LOG_TARGET,
};

/// Block hash type of the chain.
pub type Hash = subxt::config::substrate::H256;

/// How long [`Client::submit`] waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Until the transaction is in a best block: enough for a worker, which
    /// re-reads chain state every block anyway.
    InBlock,
    /// Until GRANDPA finalizes the block holding it: what a client wants
    /// before it reports money as moved.
    Finalized,
}

/// A successful transaction and where it landed.
pub struct Included {
    /// Hash of the block that holds it.
    pub block: Hash,
    /// The events it emitted.
    pub events: ExtrinsicEvents<Config>,
}

impl Included {
    /// The first event of type `E` the transaction emitted; an error when it
    /// emitted none, since the call that succeeded promises one.
    pub fn event<E: subxt::events::DecodeAsEvent>(&self) -> Result<E, ClientError> {
        let name = std::any::type_name::<E>().rsplit("::").next().unwrap_or_default();
        match self.events.find_first::<E>() {
            Some(event) => event.map_err(ClientError::rpc),
            None => Err(ClientError::Rpc(format!("the transaction emitted no {name} event"))),
        }
    }
}

/// A connection to one Triad node.
pub struct Client {
    api: OnlineClient<Config>,
    rpc: LegacyRpcMethods<RpcConfigFor<Config>>,
    // Next nonce per signer. Several transactions of one signer may sit in the
    // pool at once; the chain's own counter only moves when they land.
    nonces: Mutex<HashMap<[u8; 32], u64>>,
}

impl Client {
    /// Connects to `url` (`ws://…`), retrying until `patience` runs out so a
    /// worker can start before its node, and checks that the node's runtime
    /// has the metadata this client was generated from. If the connection
    /// drops later, requests reconnect to the same node.
    pub async fn connect(url: &str, patience: Duration) -> Result<Self, ClientError> {
        Self::connect_any(&[url.to_string()], patience).await
    }

    /// [`Self::connect`] over several nodes of one chain: requests go to the
    /// first that answers, and to the next when its connection drops
    /// ([`Failover`]).
    pub async fn connect_any(urls: &[String], patience: Duration) -> Result<Self, ClientError> {
        let start = Instant::now();
        let connect_err =
            |reason: String| ClientError::Connect { url: urls.join(","), reason: crate::error::without_repeats(&reason) };
        let (rpc_client, api) = loop {
            let attempt = async {
                // Failover's error names the address already.
                let failover = Failover::connect(urls).await?;
                let rpc_client = RpcClient::new(failover);
                let api =
                    OnlineClient::<Config>::from_rpc_client(rpc_client.clone()).await.map_err(|e| connect_err(e.to_string()))?;
                Ok::<_, ClientError>((rpc_client, api))
            };
            match attempt.await {
                Ok(ok) => break ok,
                Err(e) if start.elapsed() >= patience => return Err(e),
                Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
            }
        };
        let at = api.at_current_block().await.map_err(|e| connect_err(e.to_string()))?;
        if !chain::is_codegen_valid_for(at.metadata_ref()) {
            return Err(ClientError::Incompatible(format!(
                "spec version {} at block {}; regenerate client/metadata/triad.scale (scripts/metadata.sh)",
                at.spec_version(),
                at.block_number()
            )));
        }
        Ok(Client { api, rpc: LegacyRpcMethods::new(rpc_client), nonces: Mutex::new(HashMap::new()) })
    }

    /// The subxt client, for reads at any block.
    pub fn api(&self) -> &OnlineClient<Config> {
        &self.api
    }

    /// The node's legacy RPC methods.
    pub fn rpc(&self) -> &LegacyRpcMethods<RpcConfigFor<Config>> {
        &self.rpc
    }

    /// A client at the latest finalized block.
    pub async fn finalized(&self) -> Result<AtBlock, ClientError> {
        self.api.at_current_block().await.map_err(ClientError::rpc)
    }

    /// Task `id` as of the latest finalized block, if it exists (a settled
    /// task is pruned after the runtime's retention period).
    pub async fn task(&self, id: u64) -> Result<Option<TaskView>, ClientError> {
        let at = self.finalized().await?;
        at.runtime_apis().call(chain::runtime_apis().tasks_api().task(id)).await.map_err(ClientError::rpc)
    }

    /// Model `id`'s registry entry and its schema, as of the latest
    /// finalized block; [`ClientError::NotFound`] when it is not registered.
    pub async fn model_schema(&self, id: u32) -> Result<(ModelInfo, Schema), ClientError> {
        let at = self.finalized().await?;
        let info = at
            .runtime_apis()
            .call(chain::runtime_apis().triad_api().model(id))
            .await
            .map_err(ClientError::rpc)?
            .ok_or_else(|| ClientError::NotFound(format!("model {id} is not registered")))?;
        let schema = crate::registry::schema(&info)?;
        Ok((info, schema))
    }

    /// A client at the node's best block. The node may name a best block
    /// before it serves its header ("cannot find the block header"), so a
    /// failed read is tried again a few times before it is an error.
    pub async fn best(&self) -> Result<AtBlock, ClientError> {
        header_race(|| async {
            let hash = self.rpc.chain_get_block_hash(None).await.map_err(ClientError::rpc)?;
            let hash = hash.ok_or_else(|| ClientError::Rpc("the node has no best block".into()))?;
            self.api.at_block(hash).await.map_err(ClientError::rpc)
        })
        .await
    }

    /// A transaction builder at the finalized block, tried again like
    /// [`Self::best`]: a transaction not sent for that race would leave a
    /// seat absent. From a runtime upgrade until the block that made it is
    /// finalized, the best block runs a newer spec than the finalized one,
    /// and the pool refuses what is signed for the older; the builder then
    /// signs at the best block instead.
    async fn transactions(
        &self,
    ) -> Result<subxt::tx::TransactionsClient<Config, subxt::client::OnlineClientAtBlockImpl<Config>>, ClientError> {
        header_race(|| async {
            let finalized = self.api.at_current_block().await.map_err(ClientError::rpc)?;
            let best = self.rpc.chain_get_block_hash(None).await.map_err(ClientError::rpc)?;
            if let Some(best) = best.filter(|b| *b != finalized.block_hash()) {
                let at_best = self.api.at_block(best).await.map_err(ClientError::rpc)?;
                if at_best.spec_version() != finalized.spec_version() {
                    return Ok(at_best.transactions());
                }
            }
            Ok(finalized.transactions())
        })
        .await
    }

    /// Signs `call` with the signer's next nonce, submits it and waits as told.
    /// A failed dispatch comes back as [`ClientError::Dispatch`] with the
    /// pallet error's name.
    ///
    /// A kept nonce is behind when the account signed elsewhere (the CLI,
    /// another client), and the pool calls the transaction outdated: as the
    /// answer to the submission, or through the chain-head API as the first
    /// status of its watch. Before any block held it, nothing of it can land,
    /// so the chain's next index is read and the call signed once more.
    ///
    /// A kept nonce can also be taken: when a submission was dropped and the
    /// next index was read again while other transactions of the signer were
    /// still on their way into the pool. The pool then refuses the newcomer
    /// as "priority too low" against its own twin; the nonce after it is
    /// signed instead.
    pub async fn submit<C: Payload>(&self, call: &C, signer: &Signer, wait: Wait) -> Result<Included, ClientError> {
        let mut tries = 0;
        loop {
            match self.submit_once(call, signer, wait).await {
                Err(Refusal { error: ClientError::Refused(message), in_block: false })
                    if tries < SIGN_AGAIN && (message.contains("outdated") || nonce_taken(&message)) =>
                {
                    tracing::debug!(target: LOG_TARGET, "nonce outdated or taken, signing again: {message}");
                    tries += 1;
                },
                outcome => return outcome.map_err(|r| r.error),
            }
        }
    }

    async fn submit_once<C: Payload>(&self, call: &C, signer: &Signer, wait: Wait) -> Result<Included, Refusal> {
        let who = account_of(signer);
        let forget = |nonces: &mut HashMap<[u8; 32], u64>| nonces.remove(&who.0);
        let early = |error| Refusal { error, in_block: false };
        let mut progress = {
            let mut nonces = self.nonces.lock().await;
            let nonce = match nonces.get(&who.0) {
                Some(n) => *n,
                None => self.rpc.system_account_next_index(&who).await.map_err(|e| early(ClientError::rpc(e)))?,
            };
            let params = DefaultExtrinsicParamsBuilder::<Config>::new().nonce(nonce).build();
            let mut txs = self.transactions().await.map_err(early)?;
            let submitted = async { txs.create_signed(call, signer, params).await?.submit_and_watch().await }.await;
            match submitted {
                Ok(progress) => {
                    nonces.insert(who.0, nonce + 1);
                    progress
                },
                Err(e) => {
                    let message = e.to_string();
                    if nonce_taken(&message) {
                        nonces.insert(who.0, nonce + 1);
                    } else {
                        forget(&mut nonces);
                    }
                    return Err(early(ClientError::Refused(message)));
                },
            }
        };
        let (mut unread, mut in_block) = (None, false);
        while let Some(status) = progress.next().await {
            let status = status.map_err(|e| Refusal { error: ClientError::rpc(e), in_block })?;
            let included = match status {
                TransactionStatus::InBestBlock(b) if wait == Wait::InBlock => b,
                TransactionStatus::InBestBlock(_) => {
                    in_block = true;
                    continue;
                },
                TransactionStatus::InFinalizedBlock(b) => b,
                TransactionStatus::Error { message }
                | TransactionStatus::Invalid { message }
                | TransactionStatus::Dropped { message } => {
                    let mut nonces = self.nonces.lock().await;
                    if !nonce_taken(&message) {
                        forget(&mut nonces);
                    }
                    return Err(Refusal { error: ClientError::Refused(message), in_block });
                },
                _ => continue,
            };
            in_block = true;
            let block = included.block_hash();
            // The node may announce a block before it serves its header: try
            // a few times before waiting for the transaction's next status.
            let mut read = included.wait_for_success().await;
            for _ in 0..10 {
                match &read {
                    Err(subxt::error::TransactionEventsError::CannotInstantiateClientAtBlock(_)) => {
                        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                        read = included.wait_for_success().await;
                    },
                    _ => break,
                }
            }
            return match read {
                Ok(events) => Ok(Included { block, events }),
                Err(subxt::error::TransactionEventsError::ExtrinsicFailed(e)) => {
                    Err(Refusal { error: ClientError::from_dispatch(&e), in_block })
                },
                // A best block can be replaced before its events are read:
                // the transaction's next status names the block it is in now.
                Err(e) => {
                    tracing::debug!(target: LOG_TARGET, "events of {block:?} unreadable, waiting for the next status: {e}");
                    unread = Some(ClientError::rpc(e));
                    continue;
                },
            };
        }
        let error = unread.unwrap_or_else(|| ClientError::Rpc("the node closed the transaction's status stream".into()));
        Err(Refusal { error, in_block })
    }
}

/// How many times [`Client::submit`] signs a call again for a nonce that
/// was outdated or taken.
const SIGN_AGAIN: usize = 4;

/// Whether the pool refused a transaction because another of the same
/// signer and nonce is already in it.
fn nonce_taken(message: &str) -> bool {
    message.contains("priority of the transaction is too low")
}

/// Why one submission failed, and whether a block had held the transaction
/// by then (after which signing it again could run it twice).
struct Refusal {
    error: ClientError,
    in_block: bool,
}

/// Runs `read` up to ten times, 300 ms apart, until it succeeds: a node may
/// announce a block before it serves the block's header.
async fn header_race<R, F, Fut>(read: F) -> Result<R, ClientError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<R, ClientError>>,
{
    let mut last = None;
    for _ in 0..10 {
        match read().await {
            Ok(r) => return Ok(r),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    Err(last.unwrap_or_else(|| ClientError::Rpc("no block to read at".into())))
}
