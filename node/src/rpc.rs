//! The node-specific JSON-RPC methods, merged with the standard ones that `sc-service`
//! serves (system, author, chain, state).

use std::sync::Arc;

use jsonrpsee::RpcModule;
use polkadot_sdk::{
    pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer},
    sc_consensus_babe::BabeWorkerHandle,
    sc_consensus_babe_rpc::{Babe, BabeApiServer},
    sc_consensus_grandpa::{FinalityProofProvider, GrandpaJustificationStream, SharedAuthoritySet, SharedVoterState},
    sc_consensus_grandpa_rpc::{Grandpa, GrandpaApiServer},
    sc_rpc::SubscriptionTaskExecutor,
    sc_transaction_pool_api::TransactionPool,
    sp_api::ProvideRuntimeApi,
    sp_block_builder::BlockBuilder,
    sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata},
    sp_consensus::SelectChain,
    sp_keystore::KeystorePtr,
    substrate_frame_rpc_system::{System, SystemApiServer},
};
use triad_runtime::{opaque::Block, AccountId, Balance, Nonce};

/// What the RPC extensions need from the running node.
pub struct FullDeps<C, P, SC, B> {
    /// The client, for runtime API calls and headers.
    pub client: Arc<C>,
    /// The transaction pool, for nonces that count pending transactions.
    pub pool: Arc<P>,
    /// The fork choice, for the BABE epoch queries.
    pub select_chain: SC,
    /// What `babe_epochAuthorship` needs.
    pub babe: BabeDeps,
    /// What the `grandpa_*` methods need.
    pub grandpa: GrandpaDeps<B>,
}

/// The GRANDPA voter's shared state, for `grandpa_roundState`,
/// `grandpa_proveFinality` and `grandpa_subscribeJustifications`: what
/// finality tools and light clients ask a node.
pub struct GrandpaDeps<B> {
    /// The voter's rounds and votes.
    pub shared_voter_state: SharedVoterState,
    /// The current authority set.
    pub shared_authority_set: SharedAuthoritySet<
        <Block as polkadot_sdk::sp_runtime::traits::Block>::Hash,
        polkadot_sdk::sp_runtime::traits::NumberFor<Block>,
    >,
    /// Justifications as the voter produces them.
    pub justification_stream: GrandpaJustificationStream<Block>,
    /// Runs the subscriptions.
    pub subscription_executor: SubscriptionTaskExecutor,
    /// Builds finality proofs from stored justifications.
    pub finality_provider: Arc<FinalityProofProvider<B, Block>>,
}

/// The BABE worker and keystore, so a validator can ask which slots it will author.
pub struct BabeDeps {
    /// Answers epoch-data requests from the BABE worker.
    pub worker_handle: BabeWorkerHandle<Block>,
    /// The node's keys.
    pub keystore: KeystorePtr,
}

/// Builds `system_accountNextIndex`, `system_dryRun`, `payment_*`
/// (`transactionPaymentApi`), `babe_epochAuthorship` and `grandpa_*`.
pub fn create_full<C, P, SC, B>(deps: FullDeps<C, P, SC, B>) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
    C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + HeaderMetadata<Block, Error = BlockChainError> + Send + Sync + 'static,
    C::Api: polkadot_sdk::substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
    C::Api: polkadot_sdk::pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
    C::Api: BlockBuilder<Block>,
    C::Api: polkadot_sdk::sp_consensus_babe::BabeApi<Block>,
    P: TransactionPool + 'static,
    SC: SelectChain<Block> + Clone + 'static,
    B: polkadot_sdk::sc_client_api::Backend<Block> + Send + Sync + 'static,
    B::State: polkadot_sdk::sc_client_api::StateBackend<polkadot_sdk::sp_runtime::traits::HashingFor<Block>>,
{
    let mut module = RpcModule::new(());
    let FullDeps { client, pool, select_chain, babe, grandpa } = deps;
    module.merge(System::new(client.clone(), pool).into_rpc())?;
    module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
    module.merge(Babe::new(client, babe.worker_handle, babe.keystore, select_chain).into_rpc())?;
    module.merge(
        Grandpa::new(
            grandpa.subscription_executor,
            grandpa.shared_authority_set,
            grandpa.shared_voter_state,
            grandpa.justification_stream,
            grandpa.finality_provider,
        )
        .into_rpc(),
    )?;
    Ok(module)
}
