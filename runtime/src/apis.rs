//! The runtime APIs the node, wallets and indexers call into.

use crate::{configs::EpochDuration, *};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use polkadot_sdk::{
    frame_support::{
        genesis_builder_helper::{build_state, get_preset},
        weights::Weight,
    },
    pallet_grandpa::AuthorityId as GrandpaId,
    sp_api::impl_runtime_apis,
    sp_core::{crypto::KeyTypeId, OpaqueMetadata},
    sp_inherents, sp_offchain,
    sp_runtime::{
        traits::{Block as BlockT, NumberFor},
        transaction_validity::{TransactionSource, TransactionValidity},
        ApplyExtrinsicResult,
    },
    sp_session, sp_transaction_pool,
};
use scale_info::TypeInfo;

/// A worker's standing on one model it serves.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct ModelStanding {
    /// The model.
    pub model: triad_primitives::ModelId,
    /// Evidence behind the score, with decay applied up to the queried block.
    pub standing: pallet_triad_reputation::Standing<BlockNumber>,
    /// `alpha / (alpha + beta)`.
    pub score: Perbill,
    /// Weight in the draw of this model's executors and verifiers.
    pub selection_weight: u128,
}

/// A worker as [`triad_primitives::TriadApi::worker`] returns it: the registry
/// entry with the standing and stake that selection uses, per model.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct WorkerView {
    /// Roles, models, addresses, bond, status, and what the draw sees of them.
    pub info: pallet_triad_workers::WorkerInfo<Runtime>,
    /// Standing on each model it serves, in the order of `info.models`.
    pub standings: Vec<ModelStanding>,
    /// Bond plus unbonding stake: what a slash can reach.
    pub total_stake: Balance,
    /// Its latest TEE attestation, and whether it still counts at the
    /// queried block's time.
    pub attestation: Option<(pallet_triad_attestation::Attestation, bool)>,
}

#[cfg(feature = "runtime-benchmarks")]
mod benches {
    polkadot_sdk::frame_benchmarking::define_benchmarks!(
        [pallet_triad_models, Models]
        [pallet_triad_workers, Workers]
        [pallet_triad_reputation, Reputation]
        [pallet_triad_tasks, Tasks]
        [pallet_triad_validators, Validators]
        [pallet_triad_attestation, Attestation]
    );
}

impl_runtime_apis! {
    impl sp_api::Core<Block> for Runtime {
        fn version() -> RuntimeVersion {
            VERSION
        }

        fn execute_block(block: <Block as BlockT>::LazyBlock) {
            Executive::execute_block(block);
        }

        fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
            Executive::initialize_block(header)
        }
    }

    impl sp_api::Metadata<Block> for Runtime {
        fn metadata() -> OpaqueMetadata {
            OpaqueMetadata::new(Runtime::metadata().into())
        }

        fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
            Runtime::metadata_at_version(version)
        }

        fn metadata_versions() -> Vec<u32> {
            Runtime::metadata_versions()
        }
    }

    impl sp_block_builder::BlockBuilder<Block> for Runtime {
        fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
            Executive::apply_extrinsic(extrinsic)
        }

        fn finalize_block() -> <Block as BlockT>::Header {
            Executive::finalize_block()
        }

        fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
            data.create_extrinsics()
        }

        fn check_inherents(
            block: <Block as BlockT>::LazyBlock,
            data: sp_inherents::InherentData,
        ) -> sp_inherents::CheckInherentsResult {
            data.check_extrinsics(&block)
        }
    }

    impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
        fn validate_transaction(
            source: TransactionSource,
            tx: <Block as BlockT>::Extrinsic,
            block_hash: <Block as BlockT>::Hash,
        ) -> TransactionValidity {
            Executive::validate_transaction(source, tx, block_hash)
        }
    }

    impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
        fn offchain_worker(header: &<Block as BlockT>::Header) {
            Executive::offchain_worker(header)
        }
    }

    impl sp_session::SessionKeys<Block> for Runtime {
        fn generate_session_keys(
            owner: Vec<u8>,
            seed: Option<Vec<u8>>,
        ) -> sp_session::OpaqueGeneratedSessionKeys {
            opaque::SessionKeys::generate(&owner, seed).into()
        }

        fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
            opaque::SessionKeys::decode_into_raw_public_keys(&encoded)
        }
    }

    impl sp_consensus_babe::BabeApi<Block> for Runtime {
        fn configuration() -> sp_consensus_babe::BabeConfiguration {
            let epoch_config = Babe::epoch_config().unwrap_or(BABE_GENESIS_EPOCH_CONFIG);
            sp_consensus_babe::BabeConfiguration {
                slot_duration: Babe::slot_duration(),
                epoch_length: EpochDuration::get(),
                c: epoch_config.c,
                authorities: Babe::authorities().to_vec(),
                randomness: Babe::randomness(),
                allowed_slots: epoch_config.allowed_slots,
            }
        }

        fn current_epoch_start() -> sp_consensus_babe::Slot {
            Babe::current_epoch_start()
        }

        fn current_epoch() -> sp_consensus_babe::Epoch {
            Babe::current_epoch()
        }

        fn next_epoch() -> sp_consensus_babe::Epoch {
            Babe::next_epoch()
        }

        fn generate_key_ownership_proof(
            _slot: sp_consensus_babe::Slot,
            authority_id: sp_consensus_babe::AuthorityId,
        ) -> Option<sp_consensus_babe::OpaqueKeyOwnershipProof> {
            use codec::Encode;
            <Historical as polkadot_sdk::frame_support::traits::KeyOwnerProofSystem<_>>::prove((sp_consensus_babe::KEY_TYPE, authority_id))
                .map(|p| p.encode())
                .map(sp_consensus_babe::OpaqueKeyOwnershipProof::new)
        }

        fn submit_report_equivocation_unsigned_extrinsic(
            equivocation_proof: sp_consensus_babe::EquivocationProof<<Block as BlockT>::Header>,
            key_owner_proof: sp_consensus_babe::OpaqueKeyOwnershipProof,
        ) -> Option<()> {
            let key_owner_proof = key_owner_proof.decode()?;
            Babe::submit_unsigned_equivocation_report(equivocation_proof, key_owner_proof)
        }
    }

    impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
        fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
            Grandpa::grandpa_authorities()
        }

        fn current_set_id() -> sp_consensus_grandpa::SetId {
            Grandpa::current_set_id()
        }

        fn submit_report_equivocation_unsigned_extrinsic(
            equivocation_proof: sp_consensus_grandpa::EquivocationProof<
                <Block as BlockT>::Hash,
                NumberFor<Block>,
            >,
            key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
        ) -> Option<()> {
            let key_owner_proof = key_owner_proof.decode()?;
            Grandpa::submit_unsigned_equivocation_report(equivocation_proof, key_owner_proof)
        }

        fn generate_key_ownership_proof(
            _set_id: sp_consensus_grandpa::SetId,
            authority_id: GrandpaId,
        ) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
            use codec::Encode;
            <Historical as polkadot_sdk::frame_support::traits::KeyOwnerProofSystem<_>>::prove((sp_consensus_grandpa::KEY_TYPE, authority_id))
                .map(|p| p.encode())
                .map(sp_consensus_grandpa::OpaqueKeyOwnershipProof::new)
        }
    }

    impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
        fn account_nonce(account: AccountId) -> Nonce {
            System::account_nonce(account)
        }
    }

    impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
        fn query_info(
            uxt: <Block as BlockT>::Extrinsic,
            len: u32,
        ) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
            TransactionPayment::query_info(uxt, len)
        }

        fn query_fee_details(
            uxt: <Block as BlockT>::Extrinsic,
            len: u32,
        ) -> pallet_transaction_payment::FeeDetails<Balance> {
            TransactionPayment::query_fee_details(uxt, len)
        }

        fn query_weight_to_fee(weight: Weight) -> Balance {
            TransactionPayment::weight_to_fee(weight)
        }

        fn query_length_to_fee(length: u32) -> Balance {
            TransactionPayment::length_to_fee(length)
        }
    }

    impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
        for Runtime
    {
        fn query_call_info(
            call: RuntimeCall,
            len: u32,
        ) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
            TransactionPayment::query_call_info(call, len)
        }

        fn query_call_fee_details(
            call: RuntimeCall,
            len: u32,
        ) -> pallet_transaction_payment::FeeDetails<Balance> {
            TransactionPayment::query_call_fee_details(call, len)
        }

        fn query_weight_to_fee(weight: Weight) -> Balance {
            TransactionPayment::weight_to_fee(weight)
        }

        fn query_length_to_fee(length: u32) -> Balance {
            TransactionPayment::length_to_fee(length)
        }
    }

    impl triad_primitives::TriadApi<Block, AccountId, pallet_triad_models::ModelInfo<Runtime>, WorkerView> for Runtime {
        fn model(model: triad_primitives::ModelId) -> Option<pallet_triad_models::ModelInfo<Runtime>> {
            pallet_triad_models::Models::<Runtime>::get(model)
        }

        fn worker(who: AccountId) -> Option<WorkerView> {
            use triad_primitives::{Reputation as _, WorkerRegistry as _};
            type Rep = pallet_triad_reputation::Pallet<Runtime>;
            let info = pallet_triad_workers::Workers::<Runtime>::get(&who)?;
            let free = pallet_triad_workers::Pallet::<Runtime>::free_stake(&who);
            let standings = info
                .models
                .iter()
                .map(|model| {
                    let standing = Rep::standing(&who, *model);
                    ModelStanding {
                        model: *model,
                        score: Rep::score(&standing),
                        selection_weight: Rep::selection_weight(&who, *model, free),
                        standing,
                    }
                })
                .collect();
            let total_stake = pallet_triad_workers::Pallet::<Runtime>::total_stake(&who);
            let attestation = pallet_triad_attestation::Pallet::<Runtime>::attestation_of(&who);
            Some(WorkerView { info, standings, total_stake, attestation })
        }

        fn workers_for_model(model: triad_primitives::ModelId, start: u32, limit: u32) -> Vec<AccountId> {
            pallet_triad_workers::ModelWorkers::<Runtime>::get(model)
                .into_iter()
                .skip(start as usize)
                .take(limit as usize)
                .collect()
        }
    }

    impl triad_primitives::TasksApi<Block, AccountId, pallet_triad_tasks::TaskView<Runtime>, pallet_triad_tasks::Role> for Runtime {
        fn task(id: u64) -> Option<pallet_triad_tasks::TaskView<Runtime>> {
            pallet_triad_tasks::Pallet::<Runtime>::task_view(id)
        }

        fn tasks_of(who: AccountId) -> Vec<(u64, pallet_triad_tasks::Role)> {
            pallet_triad_tasks::Pallet::<Runtime>::tasks_of(&who)
        }
    }

    #[cfg(feature = "runtime-benchmarks")]
    impl polkadot_sdk::frame_benchmarking::Benchmark<Block> for Runtime {
        fn benchmark_metadata(extra: bool) -> (
            Vec<polkadot_sdk::frame_benchmarking::BenchmarkList>,
            Vec<polkadot_sdk::frame_support::traits::StorageInfo>,
        ) {
            use polkadot_sdk::frame_benchmarking::BenchmarkList;
            use polkadot_sdk::frame_support::traits::StorageInfoTrait;
            let mut list = Vec::<BenchmarkList>::new();
            list_benchmarks!(list, extra);
            (list, AllPalletsWithSystem::storage_info())
        }

        fn dispatch_benchmark(
            config: polkadot_sdk::frame_benchmarking::BenchmarkConfig,
        ) -> Result<Vec<polkadot_sdk::frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
            use polkadot_sdk::frame_benchmarking::BenchmarkBatch;
            use polkadot_sdk::frame_support::traits::WhitelistedStorageKeys;
            let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
            let mut batches = Vec::<BenchmarkBatch>::new();
            let params = (&config, &whitelist);
            add_benchmarks!(params, batches);
            Ok(batches)
        }
    }

    #[cfg(feature = "try-runtime")]
    impl polkadot_sdk::frame_try_runtime::TryRuntime<Block> for Runtime {
        fn on_runtime_upgrade(checks: polkadot_sdk::frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
            // The weight of every migration, and the most a block may take,
            // so `try-runtime` can tell whether the upgrade fits one block.
            let weight = Executive::try_runtime_upgrade(checks).expect("runtime upgrade logic must be correct");
            (weight, configs::RuntimeBlockWeights::get().max_block)
        }

        fn execute_block(
            block: <Block as BlockT>::LazyBlock,
            state_root_check: bool,
            signature_check: bool,
            select: polkadot_sdk::frame_try_runtime::TryStateSelect,
        ) -> Weight {
            // Runs every pallet's `try_state` after the block, as selected.
            Executive::try_execute_block(block, state_root_check, signature_check, select)
                .expect("execute-block failed")
        }
    }

    impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
        fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
            build_state::<RuntimeGenesisConfig>(config)
        }

        fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
            get_preset::<RuntimeGenesisConfig>(id, crate::genesis::get_preset)
        }

        fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
            crate::genesis::preset_names()
        }
    }
}
