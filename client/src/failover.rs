//! An RPC transport over several nodes of one chain: requests go to one node
//! until its connection drops, then to the next that answers.
//!
//! A worker whose node dies would otherwise miss its commits and reveals and
//! be slashed as absent while the rest of the network is fine. Subscriptions
//! do not move: a stream from the dead node ends, and its reader subscribes
//! again, which reaches the next node. Every node a [`Failover`] switches to
//! must serve the chain it started on: its genesis hash is checked.

use std::{sync::Arc, time::Duration};

use jsonrpsee::ws_client::{PingConfig, WsClientBuilder};
use subxt::rpcs::client::{JsonrpseeRpcClient, RawRpcFuture, RawRpcSubscription, RawValue, RpcClientT};
use tokio::sync::Mutex;

use crate::{error::ClientError, LOG_TARGET};

/// A connection to the first of `urls` that answers, moving on when it drops.
pub struct Failover {
    urls: Vec<String>,
    /// The node in use (index into `urls`) and its connection.
    current: Mutex<(usize, Arc<JsonrpseeRpcClient>)>,
    genesis: String,
}

/// A WebSocket connection that pings the node: a node that vanishes without
/// closing its sockets (a killed host or container) is noticed within
/// [`DEAD_AFTER`] rather than when TCP gives up, minutes later.
async fn ws_client(url: &str) -> Result<JsonrpseeRpcClient, jsonrpsee::core::client::Error> {
    WsClientBuilder::default()
        .enable_ws_ping(PingConfig::new().ping_interval(PING_EVERY).inactive_limit(DEAD_AFTER).max_failures(1))
        .max_buffer_capacity_per_subscription(4096)
        .connection_timeout(Duration::from_secs(10))
        .build(url)
        .await
}

/// How often an idle connection is pinged.
const PING_EVERY: Duration = Duration::from_secs(5);
/// How long a connection may be silent before it counts as dropped.
const DEAD_AFTER: Duration = Duration::from_secs(15);

/// A connection to `url` and the genesis hash it serves.
async fn open(url: &str) -> Result<(JsonrpseeRpcClient, String), String> {
    let client = ws_client(url).await.map_err(|e| e.to_string())?;
    let genesis = genesis_of(&client).await?;
    Ok((client, genesis))
}

async fn genesis_of(client: &JsonrpseeRpcClient) -> Result<String, String> {
    let raw = client
        .request_raw("chain_getBlockHash", Some(RawValue::from_string("[0]".into()).expect("valid JSON")))
        .await
        .map_err(|e| e.to_string())?;
    Ok(raw.get().to_string())
}

impl Failover {
    /// Connects to the first of `urls` that answers.
    pub async fn connect(urls: &[String]) -> Result<Self, ClientError> {
        let mut last = String::from("no URL given");
        for (i, url) in urls.iter().enumerate() {
            match open(url).await {
                Ok((client, genesis)) => {
                    return Ok(Self { urls: urls.to_vec(), current: Mutex::new((i, Arc::new(client))), genesis });
                },
                // One address is named once, by the error itself.
                Err(e) if urls.len() == 1 => last = e.to_string(),
                Err(e) => last = format!("{url}: {e}"),
            }
        }
        Err(ClientError::Connect { url: urls.join(","), reason: last })
    }

    /// The connection to use: the current one while it is up, else the next
    /// node, in order, that answers and serves the same chain.
    async fn live(&self) -> Result<Arc<JsonrpseeRpcClient>, subxt::rpcs::Error> {
        let mut current = self.current.lock().await;
        if current.1.is_connected() {
            return Ok(current.1.clone());
        }
        let n = self.urls.len();
        for step in 1..=n {
            let i = (current.0 + step) % n;
            let url = &self.urls[i];
            match open(url).await {
                Ok((client, genesis)) if genesis == self.genesis => {
                    tracing::warn!(target: LOG_TARGET, from = %self.urls[current.0], to = %url, "node connection lost; failing over");
                    *current = (i, Arc::new(client));
                    return Ok(current.1.clone());
                },
                Ok(_) => tracing::error!(target: LOG_TARGET, %url, "node serves another chain; skipped"),
                Err(_) => continue,
            }
        }
        Err(subxt::rpcs::Error::Client(format!("no node of {} answers", self.urls.join(",")).into()))
    }
}

impl RpcClientT for Failover {
    fn request_raw<'a>(&'a self, method: &'a str, params: Option<Box<RawValue>>) -> RawRpcFuture<'a, Box<RawValue>> {
        Box::pin(async move { self.live().await?.request_raw(method, params).await })
    }

    fn subscribe_raw<'a>(
        &'a self,
        sub: &'a str,
        params: Option<Box<RawValue>>,
        unsub: &'a str,
    ) -> RawRpcFuture<'a, RawRpcSubscription> {
        Box::pin(async move { self.live().await?.subscribe_raw(sub, params, unsub).await })
    }
}
