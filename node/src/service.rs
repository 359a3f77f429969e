//! Assembles the node: client and database, transaction pool, BABE block production,
//! GRANDPA finality, networking and RPC.
//!
//! Block import is a chain of wrappers: BABE checks the slot claim and VRF, then GRANDPA
//! tracks authority-set changes and justifications, then the client imports the block.

use std::{sync::Arc, time::Duration};

use futures::FutureExt;
use polkadot_sdk::{
    sc_client_api::{Backend, BlockBackend},
    sc_consensus_babe::{self, SlotProportion},
    sc_consensus_grandpa as grandpa,
    sc_network::NetworkBackend,
    sc_service::{error::Error as ServiceError, Configuration, TaskManager},
    sc_telemetry::{Telemetry, TelemetryWorker},
    sc_transaction_pool_api::OffchainTransactionPoolFactory,
    sp_runtime::traits::Block as BlockT,
    *,
};
use triad_runtime::opaque::Block;

#[cfg(not(feature = "runtime-benchmarks"))]
pub type HostFunctions = (sp_io::SubstrateHostFunctions, pallet_triad_attestation::host::tee_quotes::HostFunctions);
/// A runtime built with benchmarks imports the benchmarking host functions too.
#[cfg(feature = "runtime-benchmarks")]
pub type HostFunctions = (
    sp_io::SubstrateHostFunctions,
    pallet_triad_attestation::host::tee_quotes::HostFunctions,
    polkadot_sdk::frame_benchmarking::benchmarking::HostFunctions,
);
pub type RuntimeExecutor = sc_executor::WasmExecutor<HostFunctions>;
pub type FullClient = sc_service::TFullClient<Block, triad_runtime::apis::RuntimeApi, RuntimeExecutor>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;
type GrandpaSelectChain = FullSelectChain;
pub type TransactionPool = sc_transaction_pool::TransactionPoolHandle<Block, FullClient>;

/// GRANDPA writes a justification at least this often, so light clients and warp sync can
/// prove finality without replaying every round.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// The inherents of a block: its timestamp and the BABE slot that timestamp falls in.
fn slot_inherents(
    slot_duration: sp_consensus_babe::SlotDuration,
) -> (sp_consensus_babe::inherents::InherentDataProvider, sp_timestamp::InherentDataProvider) {
    let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
    let slot = sp_consensus_babe::inherents::InherentDataProvider::from_timestamp_and_slot_duration(*timestamp, slot_duration);
    (slot, timestamp)
}

/// The parts of the node that the maintenance subcommands also need.
///
/// The BABE block import's type names the inherent-data closure it checks blocks with,
/// so it is returned as an opaque `impl BlockImport`.
#[allow(clippy::type_complexity)]
pub fn new_partial(
    config: &Configuration,
) -> Result<
    sc_service::PartialComponents<
        FullClient,
        FullBackend,
        FullSelectChain,
        sc_consensus::DefaultImportQueue<Block>,
        TransactionPool,
        (
            impl sc_consensus::BlockImport<Block, Error = sp_consensus::Error> + Clone + Send + Sync + 'static,
            grandpa::LinkHalf<Block, FullClient, GrandpaSelectChain>,
            sc_consensus_babe::BabeLink<Block>,
            sc_consensus_babe::BabeWorkerHandle<Block>,
            Option<Telemetry>,
        ),
    >,
    ServiceError,
> {
    let telemetry = config
        .telemetry_endpoints
        .clone()
        .filter(|x| !x.is_empty())
        .map(|endpoints| -> Result<_, sc_telemetry::Error> {
            let worker = TelemetryWorker::new(16)?;
            let telemetry = worker.handle().new_telemetry(endpoints);
            Ok((worker, telemetry))
        })
        .transpose()?;

    let executor = sc_service::new_wasm_executor::<HostFunctions>(&config.executor);
    let (client, backend, keystore_container, task_manager) =
        sc_service::new_full_parts::<Block, triad_runtime::apis::RuntimeApi, _>(
            config,
            telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
            executor,
            Vec::new(),
        )?;
    let client = Arc::new(client);

    let telemetry = telemetry.map(|(worker, telemetry)| {
        task_manager.spawn_handle().spawn("telemetry", None, worker.run());
        telemetry
    });

    let select_chain = sc_consensus::LongestChain::new(backend.clone());

    let transaction_pool = Arc::from(
        sc_transaction_pool::Builder::new(
            crate::shutdown::ShutdownTolerant::new(&task_manager),
            client.clone(),
            config.role.is_authority().into(),
        )
        .with_options(config.transaction_pool.clone())
        .with_prometheus(config.prometheus_registry())
        .build(),
    );

    let (grandpa_block_import, grandpa_link) = grandpa::block_import(
        client.clone(),
        GRANDPA_JUSTIFICATION_PERIOD,
        &(client.clone() as Arc<_>),
        select_chain.clone(),
        telemetry.as_ref().map(|x| x.handle()),
    )?;
    let justification_import = grandpa_block_import.clone();

    let babe_config = sc_consensus_babe::configuration(&*client)?;
    let slot_duration = babe_config.slot_duration();
    let (block_import, babe_link) = sc_consensus_babe::block_import(
        babe_config,
        grandpa_block_import,
        client.clone(),
        move |_, ()| async move { Ok(slot_inherents(slot_duration)) },
        select_chain.clone(),
        OffchainTransactionPoolFactory::new(transaction_pool.clone()),
    )?;

    // The handle must outlive the import queue: the essential `babe-worker` task
    // that answers epoch queries ends, and takes the node down, once every handle
    // is dropped. The BABE RPC owns it for the node's lifetime.
    let (import_queue, babe_worker_handle) = sc_consensus_babe::import_queue(sc_consensus_babe::ImportQueueParams {
        link: babe_link.clone(),
        block_import: block_import.clone(),
        justification_import: Some(Box::new(justification_import)),
        client: client.clone(),
        slot_duration,
        spawner: &task_manager.spawn_essential_handle(),
        registry: config.prometheus_registry(),
        telemetry: telemetry.as_ref().map(|x| x.handle()),
    })?;

    Ok(sc_service::PartialComponents {
        client,
        backend,
        task_manager,
        import_queue,
        keystore_container,
        select_chain,
        transaction_pool,
        other: (block_import, grandpa_link, babe_link, babe_worker_handle, telemetry),
    })
}

/// Starts a full node, and block authoring and GRANDPA voting when it is a validator.
pub fn new_full<N: NetworkBackend<Block, <Block as BlockT>::Hash>>(config: Configuration) -> Result<TaskManager, ServiceError> {
    let sc_service::PartialComponents {
        client,
        backend,
        mut task_manager,
        import_queue,
        keystore_container,
        select_chain,
        transaction_pool,
        other: (block_import, grandpa_link, babe_link, babe_worker_handle, mut telemetry),
    } = new_partial(&config)?;

    let mut net_config = sc_network::config::FullNetworkConfiguration::<Block, <Block as BlockT>::Hash, N>::new(
        &config.network,
        config.prometheus_registry().cloned(),
    );
    let metrics = N::register_notification_metrics(config.prometheus_registry());
    let peer_store_handle = net_config.peer_store_handle();

    let genesis_hash = client.block_hash(0).ok().flatten().expect("genesis block exists; qed");
    let grandpa_protocol_name = grandpa::protocol_standard_name(&genesis_hash, &config.chain_spec);
    let (grandpa_protocol_config, grandpa_notification_service) =
        grandpa::grandpa_peers_set_config::<_, N>(grandpa_protocol_name.clone(), metrics.clone(), peer_store_handle);
    net_config.add_notification_protocol(grandpa_protocol_config);

    let warp_sync = Arc::new(grandpa::warp_proof::NetworkProvider::new(
        backend.clone(),
        grandpa_link.shared_authority_set().clone(),
        Vec::default(),
    ));

    let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
        sc_service::build_network(sc_service::BuildNetworkParams {
            config: &config,
            net_config,
            client: client.clone(),
            transaction_pool: transaction_pool.clone(),
            spawn_handle: task_manager.spawn_handle(),
            spawn_essential_handle: task_manager.spawn_essential_handle(),
            import_queue,
            block_announce_validator_builder: None,
            warp_sync_config: Some(sc_service::WarpSyncConfig::WithProvider(warp_sync)),
            block_relay: None,
            metrics,
            gap_sync_body_policy: None,
        })?;

    if config.offchain_worker.enabled {
        let offchain_workers = sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
            runtime_api_provider: client.clone(),
            is_validator: config.role.is_authority(),
            keystore: Some(keystore_container.keystore()),
            offchain_db: backend.offchain_storage(),
            transaction_pool: Some(OffchainTransactionPoolFactory::new(transaction_pool.clone())),
            network_provider: Arc::new(network.clone()),
            enable_http_requests: true,
            custom_extensions: |_| vec![],
        })?;
        task_manager.spawn_handle().spawn(
            "offchain-workers-runner",
            "offchain-worker",
            offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
        );
    }

    let role = config.role;
    let force_authoring = config.force_authoring;
    let name = config.network.node_name.clone();
    let enable_grandpa = !config.disable_grandpa;
    let prometheus_registry = config.prometheus_registry().cloned();

    let shared_voter_state = grandpa::SharedVoterState::empty();
    let rpc_extensions_builder = {
        let client = client.clone();
        let pool = transaction_pool.clone();
        let keystore = keystore_container.keystore();
        let select_chain = select_chain.clone();
        let shared_voter_state = shared_voter_state.clone();
        let shared_authority_set = grandpa_link.shared_authority_set().clone();
        let justification_stream = grandpa_link.justification_stream();
        let finality_provider =
            grandpa::FinalityProofProvider::new_for_service(backend.clone(), Some(shared_authority_set.clone()));
        Box::new(move |subscription_executor| {
            crate::rpc::create_full(crate::rpc::FullDeps {
                client: client.clone(),
                pool: pool.clone(),
                select_chain: select_chain.clone(),
                babe: crate::rpc::BabeDeps { worker_handle: babe_worker_handle.clone(), keystore: keystore.clone() },
                grandpa: crate::rpc::GrandpaDeps {
                    shared_voter_state: shared_voter_state.clone(),
                    shared_authority_set: shared_authority_set.clone(),
                    justification_stream: justification_stream.clone(),
                    subscription_executor,
                    finality_provider: finality_provider.clone(),
                },
            })
            .map_err(Into::into)
        })
    };

    let _rpc_handlers = sc_service::spawn_tasks(sc_service::SpawnTasksParams {
        network: Arc::new(network.clone()),
        client: client.clone(),
        keystore: keystore_container.keystore(),
        task_manager: &mut task_manager,
        transaction_pool: transaction_pool.clone(),
        rpc_builder: rpc_extensions_builder,
        backend,
        system_rpc_tx,
        tx_handler_controller,
        sync_service: sync_service.clone(),
        config,
        telemetry: telemetry.as_mut(),
        tracing_execute_block: None,
    })?;

    if role.is_authority() {
        let proposer = sc_basic_authorship::ProposerFactory::new(
            task_manager.spawn_handle(),
            client.clone(),
            transaction_pool.clone(),
            prometheus_registry.as_ref(),
            telemetry.as_ref().map(|x| x.handle()),
        );

        let slot_duration = babe_link.config().slot_duration();
        let babe = sc_consensus_babe::start_babe(sc_consensus_babe::BabeParams {
            keystore: keystore_container.keystore(),
            client: client.clone(),
            select_chain,
            env: proposer,
            block_import,
            sync_oracle: sync_service.clone(),
            justification_sync_link: sync_service.clone(),
            create_inherent_data_providers: move |_, ()| async move { Ok(slot_inherents(slot_duration)) },
            force_authoring,
            backoff_authoring_blocks: Some(sc_consensus_slots::BackoffAuthoringOnFinalizedHeadLagging::<u32>::default()),
            babe_link,
            block_proposal_slot_portion: SlotProportion::new(0.5),
            max_block_proposal_slot_portion: None,
            telemetry: telemetry.as_ref().map(|x| x.handle()),
        })?;
        task_manager.spawn_essential_handle().spawn_blocking("babe-proposer", Some("block-authoring"), babe);
    }

    if enable_grandpa {
        // Only validators hold a GRANDPA key; a full node follows finality without voting.
        let keystore = role.is_authority().then(|| keystore_container.keystore());
        let grandpa_config = grandpa::Config {
            gossip_duration: Duration::from_millis(333),
            justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
            name: Some(name),
            observer_enabled: false,
            keystore,
            local_role: role,
            telemetry: telemetry.as_ref().map(|x| x.handle()),
            protocol_name: grandpa_protocol_name,
        };
        let voter = grandpa::run_grandpa_voter(grandpa::GrandpaParams {
            config: grandpa_config,
            link: grandpa_link,
            network,
            sync: Arc::new(sync_service),
            notification_service: grandpa_notification_service,
            voting_rule: grandpa::VotingRulesBuilder::default().build(),
            prometheus_registry,
            shared_voter_state,
            telemetry: telemetry.as_ref().map(|x| x.handle()),
            offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
        })?;
        task_manager.spawn_essential_handle().spawn_blocking("grandpa-voter", None, voter);
    }

    Ok(task_manager)
}
