//! Fault tests of a four-validator network (the `local` chain: Alice, Bob,
//! Charlie, Dave), each validator a `triad-node` container on a private
//! docker network. One network serves every scenario, in order:
//!
//! 1. healthy: the finality lag (best − finalized) over ten blocks;
//! 2. one validator killed: blocks and finality go on, with the lag of 3 of 4;
//!    restarted on its own base path, it catches up;
//! 3. two stopped by SIGTERM: each exits 0 without an essential-task error;
//!    finality stalls while BABE goes on; restored, finality resumes and no
//!    finalized block was reverted;
//! 4. a 2|2 partition: neither side finalizes; healed, one chain finalizes;
//! 5. `kill -9` while a restarted validator imports, then a restart on the
//!    same ParityDB base path: it catches up on the same chain;
//! 6. jobs submitted through Alice's node settle while Charlie's validator is
//!    killed, with escrow exact; the workers started on Charlie's node fail
//!    over to Alice's;
//! 7. Dave equivocates: a second node with his keys authors in his slots;
//!    the nodes report it through BABE's `report_equivocation` path and the
//!    chain slashes his bond and removes him;
//! 8. Eve joins (`author_rotateKeysWithOwner`, `session.set_keys`, a bond,
//!    and admission by sudo) while Dave is removed: after the session change
//!    Eve authors blocks and Dave does not;
//! 9. a runtime upgrade (`triad runtime upgrade`: sudo `set_code` with the
//!    runtime one `spec_version` higher) lands while three jobs are in flight
//!    on scenario 6's workers: every validator runs the new spec and the jobs
//!    settle, escrow exact; the same blob again, and a file that is no
//!    runtime, are refused before anything is signed.
//!
//! Needs the images of `docker/build.sh`.

use std::time::{Duration, Instant};

use codec::{Decode, Encode};
use polkadot_sdk::{
    pallet_session, pallet_sudo,
    sp_consensus_babe::{digests::PreDigest, AuthorityId as BabeId, BABE_ENGINE_ID},
    sp_core::{crypto::Ss58Codec, H256},
    sp_keyring::Sr25519Keyring,
    sp_runtime::DigestItem,
};
use triad_client::chain::runtime_types::pallet_triad_tasks::types::Phase;
use triad_inference::{wire, TensorData};
use triad_integration_tests::{
    network::{repo_root, TaskView},
    rpc::Error,
    tx, Cluster, Network, Rpc,
};
use triad_runtime::{opaque::SessionKeys, AccountId, Runtime, RuntimeCall, UNIT};

const BLOCK: Duration = Duration::from_secs(6);

/// Largest best − finalized seen once per block over `blocks` blocks.
async fn finality_lag(rpc: &Rpc, blocks: u32) -> Result<u32, Error> {
    let mut worst = 0;
    for _ in 0..blocks {
        let (best, finalized) = rpc.heads().await?;
        worst = worst.max(best.saturating_sub(finalized));
        tokio::time::sleep(BLOCK).await;
    }
    Ok(worst)
}

/// Waits until `rpc`'s finalized head reaches `number`; returns how long it took.
async fn finalized_reaches(rpc: &Rpc, number: u32, within: Duration) -> Result<Duration, Error> {
    let start = Instant::now();
    rpc.wait_finalized(number, within).await?;
    Ok(start.elapsed())
}

/// Waits until `rpc`'s best block reaches `number`.
async fn best_reaches(rpc: &Rpc, number: u32, within: Duration) -> Result<(), Error> {
    let start = Instant::now();
    loop {
        let best = rpc.best_number().await?;
        if best >= number {
            return Ok(());
        }
        if start.elapsed() > within {
            return Err(format!("best block is #{best} after {within:?}, expected #{number}").into());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The hashes of blocks `from..=to` as `rpc` has them.
async fn hashes(rpc: &Rpc, from: u32, to: u32) -> Result<Vec<H256>, Error> {
    let mut out = Vec::new();
    for n in from..=to {
        out.push(rpc.block_hash(n).await?);
    }
    Ok(out)
}

/// The BABE key that authored block `hash`.
async fn author(rpc: &Rpc, hash: H256) -> Result<BabeId, Error> {
    let digest = rpc.digest(hash).await?;
    let pre = digest
        .iter()
        .find_map(|d| match d {
            DigestItem::PreRuntime(id, data) if *id == BABE_ENGINE_ID => PreDigest::decode(&mut &data[..]).ok(),
            _ => None,
        })
        .ok_or("a block without a BABE pre-digest")?;
    let key = polkadot_sdk::pallet_babe::Authorities::<Runtime>::hashed_key();
    let authorities: Vec<(BabeId, u64)> = rpc.storage(key.to_vec(), hash).await?.ok_or("no BABE authorities")?;
    Ok(authorities.get(pre.authority_index() as usize).ok_or("authority index out of range")?.0.clone())
}

/// Signs and submits `calls` from `who` with consecutive nonces, from its
/// next one; returns the last extrinsic.
async fn submit(rpc: &Rpc, who: Sr25519Keyring, calls: Vec<RuntimeCall>) -> Result<Vec<u8>, Error> {
    let first = rpc.account_next_index(&who.to_account_id().to_ss58check()).await?;
    let mut last = Vec::new();
    for (i, call) in calls.into_iter().enumerate() {
        let ctx = rpc.signing_context(first + i as u32).await?;
        last = tx::sign(call, &who.pair(), &ctx);
        rpc.submit_extrinsic(last.clone()).await?;
    }
    Ok(last)
}

async fn session_validators(rpc: &Rpc, at: H256) -> Result<Vec<AccountId>, Error> {
    let key = pallet_session::Validators::<Runtime>::hashed_key();
    Ok(rpc.storage(key.to_vec(), at).await?.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn four_validators_survive_faults() {
    let mut cluster = Cluster::start(&["alice", "bob", "charlie", "dave"]).unwrap_or_else(|e| panic!("{e}"));
    if let Err(e) = scenarios(&mut cluster).await {
        for i in 0..cluster.members.len() {
            let logs = cluster.logs(i).unwrap_or_default();
            let tail: Vec<&str> = logs.lines().rev().take(40).collect();
            eprintln!("--- {} (last 40 lines)", cluster.members[i].name);
            for line in tail.iter().rev() {
                eprintln!("{line}");
            }
        }
        panic!("{e}");
    }
}

async fn scenarios(c: &mut Cluster) -> Result<(), Error> {
    let (alice, charlie, dave) = (0, 2, 3);
    for i in 0..4 {
        c.wait_ready(i, Duration::from_secs(120)).await?;
    }
    let a = c.rpc(alice)?;
    a.wait_finalized(3, Duration::from_secs(180)).await?;

    // 1. Healthy.
    let lag4 = finality_lag(&a, 10).await?;
    println!("finality lag with 4 of 4 validators: {lag4} blocks");
    assert!(lag4 <= 3, "finality lag {lag4} with four healthy validators");

    // 2. One killed.
    c.kill(dave)?;
    let (_, f) = a.heads().await?;
    finalized_reaches(&a, f + 3, Duration::from_secs(120)).await?;
    let lag3 = finality_lag(&a, 10).await?;
    println!("finality lag with 3 of 4 validators: {lag3} blocks");
    assert!(lag3 <= 3, "finality lag {lag3} with three of four validators");
    c.restart(dave)?;
    let d = c.wait_ready(dave, Duration::from_secs(60)).await?;
    let (_, target) = a.heads().await?;
    let catch_up = finalized_reaches(&d, target, Duration::from_secs(300)).await?;
    println!("a killed validator restarted and caught up with finalized #{target} in {:.1} s", catch_up.as_secs_f64());
    assert_eq!(d.block_hash(target).await?, a.block_hash(target).await?, "Dave rejoined the same chain");

    // 3. Two stopped: finality stalls, BABE goes on; no finalized block is reverted.
    for i in [charlie, dave] {
        let code = c.stop(i)?;
        let logs = c.logs(i)?;
        assert_eq!(code, 0, "{} exits 0 on SIGTERM", c.members[i].name);
        assert!(!logs.contains("Essential task"), "{} stopped with an essential-task error", c.members[i].name);
    }
    tokio::time::sleep(2 * BLOCK).await;
    let (best, stalled) = a.heads().await?;
    let before = hashes(&a, 1, stalled).await?;
    best_reaches(&a, best + 4, Duration::from_secs(120)).await?;
    let (_, still) = a.heads().await?;
    println!("with 2 of 4 validators: best went from #{best} on, finalized stayed at #{still} (stalled at #{stalled})");
    assert_eq!(still, stalled, "two of four validators cannot finalize");
    c.restart(charlie)?;
    c.restart(dave)?;
    let resumed = finalized_reaches(&a, stalled + 2, Duration::from_secs(300)).await?;
    println!("finality resumed {:.1} s after the two restarted", resumed.as_secs_f64());
    assert_eq!(hashes(&a, 1, stalled).await?, before, "a finalized block was reverted");
    let ch = c.wait_ready(charlie, Duration::from_secs(60)).await?;
    finalized_reaches(&ch, stalled, Duration::from_secs(120)).await?;
    assert_eq!(hashes(&ch, 1, stalled).await?, before, "Charlie finalized another chain");

    // 4. A 2|2 partition.
    let (_, f) = a.heads().await?;
    finalized_reaches(&ch, f, Duration::from_secs(120)).await?;
    c.partition(&[charlie, dave])?;
    tokio::time::sleep(2 * BLOCK).await;
    let (left, right) = (c.rpc(alice)?, c.rpc(charlie)?);
    let (lb, lf) = left.heads().await?;
    let (rb, rf) = right.heads().await?;
    best_reaches(&left, lb + 4, Duration::from_secs(120)).await?;
    best_reaches(&right, rb + 2, Duration::from_secs(120)).await?;
    let (_, lf2) = left.heads().await?;
    let (_, rf2) = right.heads().await?;
    println!("partitioned 2|2: Alice's side finalized #{lf} -> #{lf2}, Charlie's #{rf} -> #{rf2}");
    assert_eq!((lf2, rf2), (lf, rf), "a side of a 2|2 partition finalized");
    c.heal(&[charlie, dave])?;
    let right = c.rpc(charlie)?;
    let healed = lf.max(rf) + 2;
    finalized_reaches(&left, healed, Duration::from_secs(300)).await?;
    finalized_reaches(&right, healed, Duration::from_secs(300)).await?;
    assert_eq!(left.block_hash(healed).await?, right.block_hash(healed).await?, "the healed sides finalized two chains");
    println!("healed: both sides finalized #{healed} on one chain");

    // 5. kill -9 while importing, then a restart on the same base path.
    assert_eq!(c.stop(dave)?, 0);
    let (best, _) = a.heads().await?;
    best_reaches(&a, best + 10, Duration::from_secs(180)).await?;
    c.restart(dave)?;
    let d = c.wait_ready(dave, Duration::from_secs(60)).await?;
    let behind = d.best_number().await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    c.kill(dave)?;
    println!("killed Dave with -9 at best #{behind} while it caught up with #{}", a.best_number().await?);
    c.restart(dave)?;
    let d = c.wait_ready(dave, Duration::from_secs(60)).await?;
    let (_, target) = a.heads().await?;
    let catch_up = finalized_reaches(&d, target, Duration::from_secs(300)).await?;
    println!("after kill -9 mid-import, Dave caught up with finalized #{target} in {:.1} s", catch_up.as_secs_f64());
    assert_eq!(d.block_hash(target).await?, a.block_hash(target).await?);

    // 6. Jobs settle with a validator down; workers fail over.
    let (mut net, model) = jobs_with_a_validator_down(c).await?;

    // 7. Dave equivocates and is slashed.
    let twin = c.join_with("dave-twin", &["--dave"])?;
    let bond_of = |at: H256| {
        let a = &a;
        async move {
            let key = pallet_triad_validators::Candidates::<Runtime>::hashed_key_for(Sr25519Keyring::Dave.to_account_id());
            let c: Option<pallet_triad_validators::CandidateOf<Runtime>> = a.storage(key, at).await?;
            Ok::<_, Error>(c.map(|c| c.bond).unwrap_or_default())
        }
    };
    let bonded = bond_of(a.finalized_head().await?).await?;
    let started = Instant::now();
    let slashed = loop {
        let head = a.finalized_head().await?;
        let bond = bond_of(head).await?;
        if bond < bonded {
            break bond;
        }
        if started.elapsed() > Duration::from_secs(300) {
            return Err("Dave's equivocation was not slashed within five minutes".into());
        }
        tokio::time::sleep(BLOCK).await;
    };
    c.kill(twin)?;
    println!(
        "Dave equivocated; reported and slashed {:.0} s after his twin started: bond {} -> {} TRIAD",
        started.elapsed().as_secs_f64(),
        bonded / UNIT,
        slashed / UNIT
    );
    let members: Vec<AccountId> = a
        .storage(pallet_triad_validators::Members::<Runtime>::hashed_key().to_vec(), a.finalized_head().await?)
        .await?
        .ok_or("no members")?;
    assert!(!members.contains(&Sr25519Keyring::Dave.to_account_id()), "the equivocator stays a member");

    // 8. Eve joins, Dave is removed.
    let eve = c.join("eve")?;
    let e = c.wait_ready(eve, Duration::from_secs(60)).await?;
    let eve_account = Sr25519Keyring::Eve.to_account_id();
    let (keys, proof) = e.rotate_keys(eve_account.encode()).await?;
    let keys = SessionKeys::decode(&mut &keys[..])?;
    let eve_babe = keys.babe.clone();
    let set_keys = RuntimeCall::Session(pallet_session::Call::set_keys { keys, proof });
    let bond = RuntimeCall::Validators(pallet_triad_validators::Call::bond { amount: 1_000 * UNIT });
    let (_, f) = a.heads().await?;
    let xt = submit(&a, Sr25519Keyring::Eve, vec![set_keys, bond]).await?;
    a.wait_included_finalized(&xt, f, Duration::from_secs(120)).await?;
    let sudo = |call: pallet_triad_validators::Call<Runtime>| {
        RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(RuntimeCall::Validators(call)) })
    };
    let dave_account = Sr25519Keyring::Dave.to_account_id();
    let (_, f) = a.heads().await?;
    let xt = submit(
        &a,
        Sr25519Keyring::Alice,
        vec![
            sudo(pallet_triad_validators::Call::add_validator { who: eve_account.clone() }),
            // Already out after his slash; the call fails inside sudo and changes nothing.
            sudo(pallet_triad_validators::Call::remove_validator { who: dave_account.clone() }),
        ],
    )
    .await?;
    let (_, at) = a.wait_included_finalized(&xt, f, Duration::from_secs(120)).await?;
    let members: Vec<AccountId> =
        a.storage(pallet_triad_validators::Members::<Runtime>::hashed_key().to_vec(), at).await?.ok_or("no members")?;
    assert!(members.contains(&eve_account) && !members.contains(&dave_account), "sudo admitted Eve and removed Dave");
    let admitted = Instant::now();
    let changed = loop {
        let head = a.block_hash(a.best_number().await?).await?;
        let set = session_validators(&a, head).await?;
        if set.contains(&eve_account) && !set.contains(&dave_account) {
            break a.block_number(head).await?;
        }
        if admitted.elapsed() > Duration::from_secs(600) {
            return Err("the session did not change to Eve in and Dave out within ten minutes".into());
        }
        tokio::time::sleep(BLOCK).await;
    };
    println!("session with Eve and without Dave from #{changed}, {:.0} s after admission", admitted.elapsed().as_secs_f64());
    let dave_babe: BabeId = Sr25519Keyring::Dave.public().into();
    let mut eve_authored = None;
    let mut n = changed;
    while eve_authored.is_none() || n < changed + 10 {
        best_reaches(&a, n, Duration::from_secs(60)).await?;
        let who = author(&a, a.block_hash(n).await?).await?;
        assert_ne!(who, dave_babe, "Dave authored #{n} after his removal took effect");
        if who == eve_babe && eve_authored.is_none() {
            eve_authored = Some(n);
        }
        if n > changed + 60 {
            return Err("Eve authored none of 60 blocks after joining".into());
        }
        n += 1;
    }
    println!("Eve authored #{} after joining; Dave authored none of #{changed}..#{n}", eve_authored.unwrap_or_default());

    // 9. A runtime upgrade with jobs in flight, on the validators of now.
    jobs_across_a_runtime_upgrade(c, &mut net, model, &["alice", "bob", "charlie", "eve"]).await?;
    Ok(())
}

/// Scenario 6: four workers (Bob, Charlie, Dave, Ferdie) whose first node is
/// Charlie's and second Alice's; Charlie's validator is killed after they
/// qualify, and three jobs submitted through Alice's node settle. Returns the
/// workers, still running, and their model.
async fn jobs_with_a_validator_down(c: &Cluster) -> Result<(Network, u32), Error> {
    let (alice, charlie) = (c.index("alice"), c.index("charlie"));
    let ws = |i: usize| c.rpc_url(i).map(|u| u.replace("http://", "ws://"));
    let mut net = Network::attach("faults", &ws(alice)?).await;
    let fixtures = repo_root().join("docker/fixtures");
    let calibration = [fixtures.join("calib0.npy"), fixtures.join("calib1.npy")];
    let model = net.register_model(&repo_root().join("inference/fixtures/mlp_classifier.onnx"), "mlp", &calibration);
    let urls = format!("{},{}", ws(charlie)?, ws(alice)?);
    let workers = ["bob", "charlie", "dave", "ferdie"];
    for seed in workers {
        net.spawn_worker(seed, &["--models", &model.to_string(), "--url", &urls]);
    }
    let accounts: Vec<_> = workers
        .iter()
        .map(|s| triad_client::load_signer(Some(s), None).map(|k| triad_client::account_of(&k)))
        .collect::<Result<_, _>>()?;
    net.wait_qualified(model, &accounts, Duration::from_secs(400)).await;
    c.kill(charlie)?;
    println!("Charlie's validator killed with four workers connected to it");
    let client = triad_client::load_signer(Some("eve"), None)?;
    let ids = net.submit(&client, model, job_inputs(0..3), UNIT / 10).await;
    let (views, _) = net.wait_done(&ids, Duration::from_secs(400)).await;
    settled_honestly(&views, "while its node was down");
    for i in 0..workers.len() {
        let log = net.worker_log(i);
        assert!(log.contains("failing over"), "{} did not fail over:\n{log}", workers[i]);
    }
    println!("three jobs settled with Charlie's validator down; the four workers failed over to Alice's node");
    c.restart(charlie)?;
    c.wait_ready(charlie, Duration::from_secs(60)).await?;
    Ok((net, model))
}

/// Inputs of the 64-feature MLP, one per `k`.
fn job_inputs(ks: std::ops::Range<usize>) -> Vec<Vec<u8>> {
    ks.map(|k| {
        let features = (0..64).map(|j| ((j * 7 + k * 13) % 17) as f32 / 8.0 - 1.0).collect();
        let t = TensorData::f32(vec![1, 64], features);
        wire::encode(&[wire::NamedTensor { name: "features".into(), tensor: t }])
    })
    .collect()
}

/// Every task settled with a result, its escrow paid out or refunded to the
/// plank, and no worker slashed.
fn settled_honestly(views: &[TaskView], when: &str) {
    for v in views {
        let paid: u128 = v.info.attempts.0.iter().flat_map(|a| a.seats.0.iter()).map(|s| s.paid).sum();
        assert_eq!(paid + v.info.refunded, v.info.escrow, "task {}: escrow paid out or refunded to the plank", v.id);
        let slashed: u128 = v.info.attempts.0.iter().flat_map(|a| a.seats.0.iter()).map(|s| s.slashed).sum();
        assert_eq!(slashed, 0, "task {}: an honest worker was slashed {when}", v.id);
        assert!(v.output.is_some(), "task {} settled without a result", v.id);
    }
}

/// Scenario 7: the documented upgrade path, `triad runtime upgrade` with the
/// runtime one `spec_version` higher ([`triad_runtime::next`]), run while
/// three jobs are in flight. Every validator moves to the new spec; the jobs,
/// submitted before the upgrade and settled after it, settle honestly.
async fn jobs_across_a_runtime_upgrade(c: &Cluster, net: &mut Network, model: u32, validators: &[&str]) -> Result<(), Error> {
    let blob = triad_runtime::next::WASM_BINARY.ok_or("the next runtime was not built")?;
    let file = net.dir.join("triad_runtime_next.compact.compressed.wasm");
    std::fs::write(&file, blob)?;
    let file = file.to_str().ok_or("a non-UTF-8 scratch path")?;
    let a = c.rpc(c.index("alice"))?;
    let (spec, tx_version) = a.runtime_versions().await?;

    let not_a_runtime = repo_root().join("inference/fixtures/mlp_classifier.onnx");
    let out = net.cli(&["--dev-seed", "alice", "runtime", "upgrade", not_a_runtime.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("is not a wasm runtime"), "an ONNX file was taken for a runtime: {err}");

    // Eve signed `set_keys` and `bond` outside this client since scenario 6,
    // so its cached nonce is behind: a fresh connection reads it anew.
    net.client = triad_client::Client::connect(&net.url, Duration::from_secs(30)).await?;
    let client = triad_client::load_signer(Some("eve"), None)?;
    let ids = net.submit(&client, model, job_inputs(3..6), UNIT / 10).await;
    let said = net.cli_ok(&["--dev-seed", "alice", "runtime", "upgrade", file]);
    println!("{}", said.trim());
    let set_at: u32 = said
        .split_once("in #")
        .and_then(|(_, rest)| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("unexpected upgrade report: {said}"))?;
    for name in validators {
        let i = c.index(name);
        let rpc = c.rpc(i)?;
        finalized_reaches(&rpc, set_at + 1, Duration::from_secs(120)).await?;
        let (now, now_tx) = rpc.runtime_versions().await?;
        assert_eq!((now, now_tx), (spec + 1, tx_version), "{} runs spec {now} after the upgrade", c.members[i].name);
    }
    let again = net.cli(&["--dev-seed", "alice", "runtime", "upgrade", file]);
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        !again.status.success() && err.contains("spec_version 102 is not above the chain's 102"),
        "the same runtime was set twice: {err}"
    );

    let (views, _) = net.wait_done(&ids, Duration::from_secs(400)).await;
    settled_honestly(&views, "across the upgrade");
    for v in &views {
        let Phase::Done { at, .. } = v.info.phase else { unreachable!("wait_done returns settled tasks") };
        assert!(at > set_at, "task {} settled at #{at}, before the upgrade in #{set_at}: not in flight", v.id);
    }
    println!("spec {spec} -> {}: three jobs in flight across the upgrade settled with escrow exact", spec + 1);
    Ok(())
}
