//! Registry test: on a real `triad-node --dev`, a client registers a model and a
//! worker bonds for it; both are read back through the `TriadApi` runtime API,
//! the way wallets, workers and auditors read them.

use std::time::Duration;

use codec::Encode;
use pallet_triad_models::{LshParams, ModelInfo, ModelSpec, ModelState, OutputCheck, TensorSpecInput, VerificationModes};
use pallet_triad_workers::{Roles, Status};
use polkadot_sdk::{sp_core::crypto::Ss58Codec, sp_keyring::Sr25519Keyring, sp_runtime::Perbill};
use triad_integration_tests::{tx, Node, Rpc};
use triad_runtime::{apis::WorkerView, AccountId, Runtime, RuntimeCall, UNIT};

async fn signed(rpc: &Rpc, who: Sr25519Keyring, call: RuntimeCall) -> Vec<u8> {
    let nonce = rpc.account_next_index(&who.to_account_id().to_ss58check()).await.unwrap();
    let ctx = rpc.signing_context(nonce).await.unwrap();
    tx::sign(call, &who.pair(), &ctx)
}

fn mlp_spec() -> ModelSpec<triad_runtime::Balance> {
    let tensor =
        |name: &str, shape: &[i64]| TensorSpecInput { name: name.into(), datatype: b"FP32".to_vec(), shape: shape.to_vec() };
    ModelSpec {
        name: b"mlp-classifier".to_vec(),
        version: b"1".to_vec(),
        onnx_hash: *blake3_of_fixture(),
        onnx_size: std::fs::metadata(fixture()).expect("fixture model").len(),
        opset: 17,
        inputs: vec![tensor("features", &[-1, 64])],
        outputs: vec![tensor("logits", &[-1, 10])],
        lsh: LshParams::projection(0x7121),
        checks: vec![OutputCheck::with_decision(triad_verifier::Decision::Argmax)],
        modes: VerificationModes { lsh_majority: true, groth16: None, tee: false },
        price_floor: UNIT / 10,
    }
}

fn fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../inference/fixtures/mlp_classifier.onnx")
}

fn blake3_of_fixture() -> &'static [u8; 32] {
    static HASH: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    HASH.get_or_init(|| *blake3::hash(&std::fs::read(fixture()).expect("fixture model")).as_bytes())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_model_and_a_worker_registered_on_chain_read_back_through_the_runtime_api() {
    let node = Node::start_dev().unwrap_or_else(|e| panic!("{e}"));
    let rpc = Rpc::new(&node.rpc_url()).expect("RPC client");
    rpc.wait_ready(Duration::from_secs(60)).await.expect("node RPC comes up");
    let start = rpc.wait_finalized(1, Duration::from_secs(120)).await.expect("block 1 finalized");
    let after = rpc.block_number(start).await.unwrap();

    let owner = Sr25519Keyring::Alice;
    let worker = Sr25519Keyring::Bob;
    let register_model =
        signed(&rpc, owner, RuntimeCall::Models(pallet_triad_models::Call::register_model { spec: mlp_spec() })).await;
    rpc.submit_extrinsic(register_model.clone()).await.expect("the pool accepts register_model");
    rpc.wait_included_finalized(&register_model, after, Duration::from_secs(120)).await.expect("register_model finalized");

    // The worker names the model by the id the registry gave it: the first, 0.
    let bond = 500 * UNIT;
    let register_worker = signed(
        &rpc,
        worker,
        RuntimeCall::Workers(pallet_triad_workers::Call::register_worker {
            roles: Roles { executor: true, verifier: true },
            models: vec![0],
            peer_id: Some(vec![0x00, 0x24, 0x08, 0x01]),
            multiaddr: Some(b"/ip4/127.0.0.1/tcp/30555".to_vec()),
            bond,
        }),
    )
    .await;
    rpc.submit_extrinsic(register_worker.clone()).await.expect("the pool accepts register_worker");
    let (included, at) =
        rpc.wait_included_finalized(&register_worker, after, Duration::from_secs(120)).await.expect("register_worker finalized");
    println!("model and worker registered; worker finalized in block #{included}");

    let model: Option<ModelInfo<Runtime>> = rpc.runtime_call("TriadApi_model", 0u32.encode(), at).await.unwrap();
    let model = model.expect("model 0 is registered");
    assert_eq!(model.owner, owner.to_account_id());
    assert_eq!(&model.name[..], b"mlp-classifier");
    assert_eq!(model.onnx_hash, *blake3_of_fixture());
    assert_eq!(model.lsh, LshParams::projection(0x7121));
    assert_eq!(&model.checks[..], &[OutputCheck::with_decision(triad_verifier::Decision::Argmax)]);
    assert_eq!(model.state, ModelState::Active);
    assert!(model.deposit > UNIT, "a deposit of at least DepositBase is held");

    let view: Option<WorkerView> = rpc.runtime_call("TriadApi_worker", worker.to_account_id().encode(), at).await.unwrap();
    let view = view.expect("Bob is a worker");
    assert_eq!(view.info.bonded, bond);
    assert_eq!(view.info.status, Status::Online);
    assert_eq!(&view.info.models[..], &[0]);
    assert_eq!(view.total_stake, bond);
    assert_eq!(view.standings.len(), 1);
    assert_eq!(
        (view.standings[0].model, view.standings[0].score),
        (0, Perbill::from_percent(50)),
        "a newcomer has the prior score"
    );

    let serving: Vec<AccountId> = rpc.runtime_call("TriadApi_workers_for_model", (0u32, 0u32, 10u32).encode(), at).await.unwrap();
    assert_eq!(serving, vec![worker.to_account_id()]);
    let none: Option<ModelInfo<Runtime>> = rpc.runtime_call("TriadApi_model", 7u32.encode(), at).await.unwrap();
    assert!(none.is_none());

    node.shutdown(Duration::from_secs(30)).expect("node stops cleanly on SIGTERM");
}
