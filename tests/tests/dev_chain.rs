//! Foundation test: a real `triad-node --dev` finalizes blocks on its own and includes a
//! signed balance transfer in a finalized block.

use std::time::Duration;

use polkadot_sdk::{frame_system, pallet_balances, sp_core::crypto::Ss58Codec, sp_keyring::Sr25519Keyring};
use triad_integration_tests::{tx, Node, Rpc};
use triad_runtime::{Balance, Nonce, Runtime, RuntimeCall, UNIT};

type AccountInfo = frame_system::AccountInfo<Nonce, pallet_balances::AccountData<Balance>>;

async fn free_balance(rpc: &Rpc, who: &triad_runtime::AccountId, at: polkadot_sdk::sp_core::H256) -> Balance {
    let key = frame_system::Account::<Runtime>::hashed_key_for(who);
    rpc.storage::<AccountInfo>(key, at).await.expect("state_getStorage answers").map(|info| info.data.free).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_node_finalizes_blocks_and_a_transfer() {
    let node = Node::start_dev().unwrap_or_else(|e| panic!("{e}"));
    let rpc = Rpc::new(&node.rpc_url()).expect("RPC client");
    rpc.wait_ready(Duration::from_secs(60)).await.expect("node RPC comes up");

    // BABE authors and GRANDPA finalizes with Alice alone; 6 s blocks.
    let head = rpc.wait_finalized(3, Duration::from_secs(120)).await.expect("block 3 finalized");
    let finalized = rpc.block_number(head).await.unwrap();
    assert!(finalized >= 3, "finalized head #{finalized} is below #3");
    println!("finalized head reached #{finalized}");

    let alice = Sr25519Keyring::Alice;
    let bob = Sr25519Keyring::Bob.to_account_id();
    let bob_before = free_balance(&rpc, &bob, head).await;
    assert_eq!(bob_before, triad_runtime::genesis::ENDOWMENT, "Bob starts with the dev endowment");

    let amount: Balance = 42 * UNIT;
    let nonce = rpc.account_next_index(&alice.to_account_id().to_ss58check()).await.unwrap();
    let ctx = rpc.signing_context(nonce).await.unwrap();
    let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive { dest: bob.clone().into(), value: amount });
    let xt = tx::sign(call, &alice.pair(), &ctx);
    rpc.submit_extrinsic(xt.clone()).await.expect("the pool accepts the transfer");

    let (included, at) = rpc
        .wait_included_finalized(&xt, finalized, Duration::from_secs(120))
        .await
        .expect("transfer included in a finalized block");
    let bob_after = free_balance(&rpc, &bob, at).await;
    println!("transfer finalized in block #{included}; Bob {bob_before} -> {bob_after}");
    assert_eq!(bob_after, bob_before + amount, "Bob receives exactly the transferred amount");

    node.shutdown(Duration::from_secs(30)).expect("node stops cleanly on SIGTERM");
}

#[test]
fn missing_node_binary_is_a_clear_error() {
    let err = triad_integration_tests::node::node_binary_from(Some("/nonexistent/triad-node".into()))
        .expect_err("a path that does not exist is refused");
    assert!(matches!(err, triad_integration_tests::NodeError::BinaryMissing(_)));
    let msg = err.to_string();
    assert!(msg.contains("cargo build --release -p triad-node"), "unhelpful message: {msg}");
}

/// `triad-node new-spec` builds a chain spec from validators' public keys:
/// each validator's session keys and bond are in its genesis, and a key that
/// is not SS58 is a one-line error.
#[test]
fn new_spec_writes_a_chain_spec_from_public_keys() {
    use polkadot_sdk::sp_keyring::Ed25519Keyring;
    let node = triad_integration_tests::node::node_binary().unwrap_or_else(|e| panic!("{e}"));
    let validator = |sr: Sr25519Keyring, ed: Ed25519Keyring| {
        format!("{},{},{}", sr.to_account_id().to_ss58check(), sr.public().to_ss58check(), ed.public().to_ss58check())
    };
    let out = std::process::Command::new(&node)
        .args(["new-spec", "--name", "Test", "--id", "triad_test", "--sudo"])
        .arg(Sr25519Keyring::Alice.to_account_id().to_ss58check())
        .args(["--validator", &validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice)])
        .args(["--validator", &validator(Sr25519Keyring::Bob, Ed25519Keyring::Bob)])
        .args(["--endow", &Sr25519Keyring::Ferdie.to_account_id().to_ss58check()])
        .output()
        .expect("triad-node runs");
    assert!(out.status.success(), "new-spec failed: {}", String::from_utf8_lossy(&out.stderr));
    let spec: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON chain spec");
    assert_eq!(spec["id"], "triad_test");
    let patch = &spec["genesis"]["runtimeGenesis"]["patch"];
    let keys = patch["session"]["keys"].as_array().expect("session keys in genesis");
    assert_eq!(keys.len(), 2, "one session-keys entry per validator");
    let bonds = patch["validators"]["validators"].as_array().expect("validator bonds in genesis");
    assert_eq!(bonds.len(), 2);
    assert_eq!(patch["balances"]["balances"].as_array().map(Vec::len), Some(3), "two validators and Ferdie endowed");

    let bad = std::process::Command::new(&node)
        .args(["new-spec", "--sudo", "nonsense", "--validator", "a,b,c"])
        .output()
        .expect("triad-node runs");
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("is not an SS58 account"), "unhelpful error: {err}");
}
