//! Task lifecycle on a real `triad-node --dev`: a model with a calibration set,
//! four workers that pass probation, then two jobs driven by signed commits
//! and reveals from this test (the worker binary does it in production).
//!
//! 1. All honest: the job is accepted, the executor and verifiers are paid
//!    their shares of the price, and the client gets the rest back.
//! 2. A lying executor: the verifiers reject it, it is slashed and pays each of
//!    them a bounty, and the client, who cancels the re-run, gets everything
//!    back but its transaction fees.
//!
//! Balances are checked to the plank, with every transaction fee read from
//! the `TransactionFeePaid` events of the blocks that charged it.

use std::time::{Duration, Instant};

use codec::Encode;
use polkadot_sdk::{
    frame_support::storage::storage_prefix,
    frame_system,
    pallet_transaction_payment,
    sp_core::{crypto::Ss58Codec, H256},
    sp_keyring::Sr25519Keyring,
};
use triad_integration_tests::{tx, Node, Rpc};
use triad_primitives::{reveal_commitment, Fingerprint, FINGERPRINT_BYTES};
use triad_runtime::{AccountId, Balance, Runtime, RuntimeCall, RuntimeEvent, UNIT};
use pallet_triad_models::{CalibrationCaseInput, LshParams, ModelSpec, TensorSpecInput, VerificationModes};
use pallet_triad_tasks::{InputArg, Mode, Phase, Resolution, Role, TaskView};
use pallet_triad_workers::Roles;

const WAIT: Duration = Duration::from_secs(180);
const PRICE: Balance = UNIT / 10;
const FEE: Balance = UNIT;
const OUTPUT: &[u8] = b"logits of the honest run";

fn params() -> LshParams {
    LshParams::projection(0x7A5C)
}

/// A fingerprint under the model's parameters with the first `flips` bits
/// set; within 12 bits of each other, two agree.
fn fp(flips: usize) -> Fingerprint {
    let p = params();
    let mut bits = [0u8; FINGERPRINT_BYTES];
    for i in 0..flips {
        bits[i / 8] |= 1 << (i % 8);
    }
    Fingerprint { family: p.family, version: p.version, bits, decision: [0; 32] }
}

struct Chain {
    rpc: Rpc,
    after: u32,
}

impl Chain {
    async fn signed(&self, who: Sr25519Keyring, call: RuntimeCall, nonce: u32) -> Vec<u8> {
        tx::sign(call, &who.pair(), &self.rpc.signing_context(nonce).await.unwrap())
    }

    /// Submits the calls of each signer in order, and waits until all are in
    /// finalized blocks; returns the highest such block.
    async fn run(&self, calls: Vec<(Sr25519Keyring, Vec<RuntimeCall>)>) -> (u32, H256) {
        let mut xts = Vec::new();
        for (who, calls) in calls {
            // Taken once: the pool counts each submitted call in the next index.
            let nonce = self.rpc.account_next_index(&who.to_account_id().to_ss58check()).await.unwrap();
            for (k, call) in calls.into_iter().enumerate() {
                let xt = self.signed(who, call, nonce + k as u32).await;
                self.rpc.submit_extrinsic(xt.clone()).await.expect("the pool accepts the call");
                xts.push(xt);
            }
        }
        let mut last = (0, H256::zero());
        for xt in xts {
            let at = self.rpc.wait_included_finalized(&xt, self.after, WAIT).await.expect("included and finalized");
            self.assert_succeeded(&xt, at).await;
            if at.0 > last.0 {
                last = at;
            }
        }
        last
    }

    async fn events(&self, at: H256) -> Vec<frame_system::EventRecord<RuntimeEvent, H256>> {
        self.rpc.storage(storage_prefix(b"System", b"Events").to_vec(), at).await.unwrap().unwrap_or_default()
    }

    /// Fails with the dispatch error if the extrinsic `xt` in block `at` failed.
    async fn assert_succeeded(&self, xt: &[u8], (_, at): (u32, H256)) {
        let index = self.rpc.block_extrinsics(at).await.unwrap().iter().position(|e| e.0 == xt).unwrap() as u32;
        for record in self.events(at).await {
            if record.phase == frame_system::Phase::ApplyExtrinsic(index) {
                if let RuntimeEvent::System(frame_system::Event::ExtrinsicFailed { dispatch_error, .. }) = record.event {
                    panic!("extrinsic failed: {dispatch_error:?}");
                }
            }
        }
    }

    /// Transaction fees `who` paid in finalized blocks `from..=to`.
    async fn fees(&self, who: &AccountId, from: u32, to: u32) -> Balance {
        let mut total = 0;
        for n in from..=to {
            let at = self.rpc.block_hash(n).await.unwrap();
            for r in self.events(at).await {
                if let RuntimeEvent::TransactionPayment(pallet_transaction_payment::Event::TransactionFeePaid {
                    who: payer,
                    actual_fee,
                    tip,
                }) = r.event
                {
                    if &payer == who {
                        total += actual_fee + tip;
                    }
                }
            }
        }
        total
    }

    async fn free(&self, who: &AccountId, at: H256) -> Balance {
        let key = frame_system::Account::<Runtime>::hashed_key_for(who);
        let info: Option<frame_system::AccountInfo<u32, polkadot_sdk::pallet_balances::AccountData<Balance>>> =
            self.rpc.storage(key, at).await.unwrap();
        info.map(|i| i.data.free).unwrap_or_default()
    }

    async fn task(&self, id: u64, at: H256) -> TaskView<Runtime> {
        let view: Option<TaskView<Runtime>> = self.rpc.runtime_call("TasksApi_task", id.encode(), at).await.unwrap();
        view.expect("the task exists")
    }

    /// Polls finalized heads until task `id` is in a phase `pred` accepts.
    async fn wait_task(&self, id: u64, what: &str, pred: impl Fn(&Phase<u32>) -> bool) -> (TaskView<Runtime>, u32, H256) {
        let start = Instant::now();
        loop {
            let head = self.rpc.finalized_head().await.unwrap();
            let view = self.task(id, head).await;
            if pred(&view.info.phase) {
                return (view, self.rpc.block_number(head).await.unwrap(), head);
            }
            assert!(start.elapsed() < WAIT, "task {id} did not reach {what}: {:?}", view.info.phase);
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

fn model_spec() -> ModelSpec<Balance> {
    let tensor = |name: &str, shape: &[i64]| TensorSpecInput { name: name.into(), datatype: b"FP32".to_vec(), shape: shape.to_vec() };
    ModelSpec {
        name: b"mlp-classifier".to_vec(),
        version: b"1".to_vec(),
        onnx_hash: [0x11; 32],
        onnx_size: 10_000,
        opset: 17,
        inputs: vec![tensor("features", &[-1, 64])],
        outputs: vec![tensor("logits", &[-1, 10])],
        lsh: params(),
        modes: VerificationModes { lsh_majority: true, groth16: None, tee: false },
        price_floor: PRICE,
    }
}

const WORKERS: [Sr25519Keyring; 4] = [Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave, Sr25519Keyring::Eve];
const CLIENT: Sr25519Keyring = Sr25519Keyring::Ferdie;

fn keyring(who: &AccountId) -> Sr25519Keyring {
    *WORKERS.iter().find(|k| &k.to_account_id() == who).expect("seats go to the registered workers")
}

fn tasks_call(call: pallet_triad_tasks::Call<Runtime>) -> RuntimeCall {
    RuntimeCall::Tasks(call)
}

/// Commits then reveals `fps[i]` for seat `i`, the executor with `OUTPUT`.
async fn drive(chain: &Chain, task: u64, seats: &[AccountId; 4], fps: [Fingerprint; 4]) {
    let salt = |i: usize| [i as u8 + 1; 32];
    let commits = (0..4)
        .map(|i| {
            let c = reveal_commitment(&fps[i], &salt(i), &seats[i], task);
            let output_hash = (i == 0).then(|| *blake3::hash(OUTPUT).as_bytes());
            (keyring(&seats[i]), vec![tasks_call(pallet_triad_tasks::Call::commit { task, commitment: c, output_hash })])
        })
        .collect();
    chain.run(commits).await;
    chain.wait_task(task, "reveal", |p| matches!(p, Phase::Reveal { .. })).await;
    let reveals = (0..4)
        .map(|i| {
            let output = (i == 0).then(|| OUTPUT.to_vec());
            let call = pallet_triad_tasks::Call::reveal { task, fingerprint: fps[i], salt: salt(i), output };
            (keyring(&seats[i]), vec![tasks_call(call)])
        })
        .collect();
    chain.run(reveals).await;
}

async fn submit(chain: &Chain) -> (u64, u32) {
    let head = chain.rpc.finalized_head().await.unwrap();
    let now = chain.rpc.block_number(head).await.unwrap();
    let next_id: u64 = chain
        .rpc
        .storage(pallet_triad_tasks::NextTaskId::<Runtime>::hashed_key().to_vec(), head)
        .await
        .unwrap()
        .unwrap_or_default();
    let call = pallet_triad_tasks::Call::submit_task {
        model: 0,
        input: InputArg::Inline(vec![0u8; 256]),
        max_fee: FEE,
        mode: Mode::Lsh,
        deadline: now + 300,
    };
    let (block, _) = chain.run(vec![(CLIENT, vec![tasks_call(call)])]).await;
    (next_id, block)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_is_assigned_committed_revealed_and_settled_and_a_liar_is_slashed() {
    let node = Node::start_dev().unwrap_or_else(|e| panic!("{e}"));
    let rpc = Rpc::new(&node.rpc_url()).expect("RPC client");
    rpc.wait_ready(Duration::from_secs(60)).await.expect("node RPC comes up");
    let start = rpc.wait_finalized(1, Duration::from_secs(120)).await.expect("block 1 finalized");
    let after = rpc.block_number(start).await.unwrap();
    let chain = Chain { rpc, after };

    // A model with one calibration case, whose honest fingerprint is fp(0).
    let case = CalibrationCaseInput { input: vec![1; 256], expected: fp(0) };
    let models = |call| RuntimeCall::Models(call);
    chain
        .run(vec![(
            Sr25519Keyring::Alice,
            vec![
                models(pallet_triad_models::Call::register_model { spec: model_spec() }),
                models(pallet_triad_models::Call::set_calibration_set { model: 0, cases: vec![case] }),
            ],
        )])
        .await;

    // Four workers register and pass probation: three calibration cases each,
    // answered with a fingerprint 3 bits off the expected one.
    let both = Roles { executor: true, verifier: true };
    let mut registrations = Vec::new();
    for w in WORKERS {
        let mut calls = vec![RuntimeCall::Workers(pallet_triad_workers::Call::register_worker {
            roles: both,
            models: vec![0],
            peer_id: None,
            multiaddr: None,
            attestation: None,
            bond: 1_000 * UNIT,
        })];
        for _ in 0..3 {
            calls.push(tasks_call(pallet_triad_tasks::Call::request_calibration { model: 0 }));
            calls.push(tasks_call(pallet_triad_tasks::Call::submit_calibration { model: 0, fingerprint: fp(3) }));
        }
        registrations.push((w, calls));
    }
    chain.run(registrations).await;

    // 1. All honest, with a few bits of noise between hosts.
    let client = CLIENT.to_account_id();
    let before = chain.free(&client, chain.rpc.finalized_head().await.unwrap()).await;
    let (task, submitted) = submit(&chain).await;
    let (view, _, _) = chain.wait_task(task, "commit", |p| matches!(p, Phase::Commit { .. })).await;
    assert!(view.info.submitted_at < view.info.attempts[0].assigned_at, "drawn in a later block");
    let seats = view.info.attempts[0].seats.clone().map(|s| s.who);
    let roles: Vec<(u64, Role)> = chain
        .rpc
        .runtime_call("TasksApi_tasks_of", seats[0].encode(), chain.rpc.finalized_head().await.unwrap())
        .await
        .unwrap();
    assert_eq!(roles, vec![(task, Role::Executor)]);
    let worker_before: Vec<Balance> = {
        let head = chain.rpc.finalized_head().await.unwrap();
        let mut v = Vec::new();
        for s in &seats {
            v.push(chain.free(s, head).await);
        }
        v
    };
    let first = chain.rpc.finalized_number().await.unwrap();
    drive(&chain, task, &seats, [fp(0), fp(2), fp(4), fp(1)]).await;
    let (view, done_at, head) = chain.wait_task(task, "done", |p| matches!(p, Phase::Done { .. })).await;
    assert!(matches!(view.info.phase, Phase::Done { resolution: Resolution::Accepted, .. }));
    assert_eq!(view.output.expect("the executor posted its output").into_inner(), OUTPUT.to_vec());
    let executor_pay = PRICE * 40 / 100;
    let verifier_pay = (PRICE - executor_pay) / 3;
    for (i, s) in seats.iter().enumerate() {
        let expected = if i == 0 { executor_pay } else { verifier_pay };
        let fees = chain.fees(s, first + 1, done_at).await;
        assert_eq!(chain.free(s, head).await, worker_before[i] + expected - fees, "seat {i} is paid its share");
    }
    let client_fees = chain.fees(&client, submitted, submitted).await;
    assert_eq!(chain.free(&client, head).await, before - PRICE - client_fees, "the client pays the price and no more");
    assert_eq!(view.info.refunded, FEE - view.info.paid());
    println!("task {task}: accepted at #{done_at}; executor +{executor_pay}, verifiers +{verifier_pay} each");

    // 2. The executor lies; the three verifiers agree with each other.
    let before = chain.free(&client, head).await;
    let (task, submitted) = submit(&chain).await;
    let (view, _, at) = chain.wait_task(task, "commit", |p| matches!(p, Phase::Commit { .. })).await;
    let seats = view.info.attempts[0].seats.clone().map(|s| s.who);
    let stake_of = |view: Option<triad_runtime::apis::WorkerView>| view.expect("a worker").total_stake;
    let liar_stake = stake_of(chain.rpc.runtime_call("TriadApi_worker", seats[0].encode(), at).await.unwrap());
    drive(&chain, task, &seats, [fp(300), fp(0), fp(1), fp(2)]).await;
    let (view, _, head) = chain.wait_task(task, "re-queued", |p| matches!(p, Phase::Queued | Phase::Done { .. })).await;
    let attempt = &view.info.attempts[0];
    assert_eq!(attempt.verdict.map(|v| v.outcome), Some(triad_verifier::Outcome::Rejected));
    let liar_after = stake_of(chain.rpc.runtime_call("TriadApi_worker", seats[0].encode(), head).await.unwrap());
    assert_eq!(liar_after, liar_stake - attempt.seats[0].slashed, "the liar lost what the task records");
    assert!(attempt.seats[0].slashed >= 3 * verifier_pay, "it paid at least a bounty per catching verifier");
    for s in &attempt.seats[1..] {
        assert_eq!(s.bounty, verifier_pay);
    }
    // With the liar excluded only three workers are left: the re-run cannot
    // be drawn, and the client takes its money back.
    assert_eq!(view.info.phase, Phase::Queued);
    let (cancelled, _) = chain.run(vec![(CLIENT, vec![tasks_call(pallet_triad_tasks::Call::cancel_task { task })])]).await;
    let (view, _, head) = chain.wait_task(task, "done", |p| matches!(p, Phase::Done { .. })).await;
    assert!(matches!(view.info.phase, Phase::Done { resolution: Resolution::Cancelled, .. }));
    assert_eq!(view.info.refunded, FEE, "the client is fully refunded");
    let fees = chain.fees(&client, submitted, submitted).await + chain.fees(&client, cancelled, cancelled).await;
    assert_eq!(chain.free(&client, head).await, before - fees);
    println!("task {task}: liar slashed {} planks, client refunded {FEE}", attempt.seats[0].slashed);

    node.shutdown(Duration::from_secs(30)).expect("node stops cleanly on SIGTERM");
}
