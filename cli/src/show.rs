//! `triad task` and `triad workers`: chain state, printed for people.

use triad_client::{
    audit::{measurement, tcb_status},
    chain::{
        self,
        runtime_types::pallet_triad_tasks::types::{Phase, Posted},
    },
    native,
};
use triad_inference::{files, wire};
use triad_job::Schema;

use crate::{chain_err, connect, tokens, CliError};

pub type TaskView = chain::runtime_types::pallet_triad_tasks::types::TaskView;

pub async fn task(url: &str, id: u64) -> Result<(), CliError> {
    let client = connect(url).await?;
    let view = fetch_task(&client, id).await?;
    let (_, schema) = client.model_schema(view.info.model).await?;
    print_task(&view, &schema, view.output.as_ref().map(|o| &o.0[..]));
    Ok(())
}

pub async fn fetch_task(client: &triad_client::Client, id: u64) -> Result<TaskView, CliError> {
    client.task(id).await?.ok_or_else(|| CliError::Chain(format!("task {id} does not exist (or was pruned after its retention)")))
}

const SEATS: [&str; 4] = ["executor", "verifier 1", "verifier 2", "verifier 3"];

/// Prints a task, its attempts and `output`, its result as the client has
/// it (the inline one from chain state, or an off-chain one fetched).
pub fn print_task(view: &TaskView, schema: &Schema, output: Option<&[u8]>) {
    let i = &view.info;
    println!("task {} on model {} ({})", view.id, i.model, schema.name);
    println!("  client     {}", i.client);
    println!(
        "  submitted  #{}  deadline #{}  escrow {}  price {}",
        i.submitted_at,
        i.deadline,
        tokens(i.escrow),
        tokens(i.price)
    );
    println!("  mode       {:?}", i.mode);
    println!("  phase      {}", phase(&i.phase));
    for (n, a) in i.attempts.0.iter().enumerate() {
        let verdict = a.verdict.as_ref().map(|v| format!("{:?}", v.outcome)).unwrap_or_else(|| "pending".into());
        println!("  attempt {} (drawn #{}): {verdict}", n + 1, a.assigned_at);
        if let Some(seal) = &a.attested {
            println!(
                "    attested     {}, TCB {}, valid until {} (Unix s)",
                measurement(&seal.measurement),
                tcb_status(&seal.tcb_status),
                seal.expires_at
            );
        }
        if let Some(key) = a.key {
            println!("    key          {}", hex::encode(key));
        }
        match &a.posted {
            Some(Posted::Output { hash }) => println!("    posted       output, blake3 {}", hex::encode(hash)),
            Some(Posted::Offchain { hash, size }) => {
                println!("    posted       output off chain, {size} bytes, blake3 {}", hex::encode(hash))
            },
            Some(Posted::CannotRun(r)) => println!("    posted       cannot run: {r:?}"),
            None => {},
        }
        if let Some((_, proof)) = view.proofs.iter().find(|(k, _)| *k as usize == n) {
            println!("    proof        groth16, {} bytes: {}…", proof.len(), hex::encode(&proof[..12]));
        }
        for (s, seat) in a.seats.0.iter().enumerate() {
            let fp = seat
                .reveal
                .as_ref()
                .and_then(|f| native::<triad_verifier::Fingerprint>(f).ok())
                .map(|f| hex::encode(&f.bits[..6]) + "…")
                .unwrap_or_else(|| if seat.commit.is_some() { "committed".into() } else { "-".into() });
            let mut money = Vec::new();
            if let Some(vote) = &seat.vote {
                money.push(format!("vote {vote:?}"));
            }
            if seat.paid > 0 {
                money.push(format!("paid {}", tokens(seat.paid)));
            }
            if seat.bounty > 0 {
                money.push(format!("bounty {}", tokens(seat.bounty)));
            }
            if seat.slashed > 0 {
                money.push(format!("slashed {}", tokens(seat.slashed)));
            }
            println!("    {:<10} {}  {fp:<15} {}", SEATS[s], seat.who, money.join(", "));
        }
    }
    let paid: u128 = i.attempts.0.iter().flat_map(|a| a.seats.0.iter()).map(|s| s.paid).sum();
    if let Phase::Done { .. } = i.phase {
        println!("  settlement paid {} to workers, refunded {} to the client", tokens(paid), tokens(i.refunded));
    }
    if let Phase::Done { resolution: chain::runtime_types::pallet_triad_tasks::types::Resolution::CannotRun, .. } = i.phase {
        if let Some(Posted::CannotRun(r)) = i.attempts.0.last().and_then(|a| a.posted.as_ref()) {
            println!("  no output: the executor and the verifiers agreed this input cannot be run ({r:?})");
        }
    }
    if let Some(out) = output {
        match wire::decode(out) {
            Ok(tensors) => {
                println!("  output ({} bytes, blake3 {}):", out.len(), blake3::hash(out).to_hex());
                for t in &tensors {
                    println!(
                        "    {} {} {:?} = {}",
                        t.name,
                        files::kserve_datatype(t.tensor.dtype()),
                        t.tensor.shape,
                        preview(&t.tensor)
                    );
                }
            },
            Err(e) => println!("  output ({} bytes) does not decode: {e}", out.len()),
        }
    }
}

/// The first elements of a tensor, enough to read an answer at a glance.
fn preview(t: &triad_inference::TensorData) -> String {
    const SHOWN: usize = 12;
    let items: Vec<String> = match &t.data {
        // Probability maps and logits differ by orders of magnitude.
        triad_inference::Data::F32(v) => v
            .iter()
            .take(SHOWN)
            .map(|x| if *x == 0.0 || x.abs() >= 1e-3 { format!("{x:.4}") } else { format!("{x:.2e}") })
            .collect(),
        triad_inference::Data::I64(v) => v.iter().take(SHOWN).map(|x| x.to_string()).collect(),
        triad_inference::Data::U8(v) => v.iter().take(SHOWN).map(|x| x.to_string()).collect(),
    };
    let more = if t.len() > SHOWN { format!(", … {} more", t.len() - SHOWN) } else { String::new() };
    format!("[{}{more}]", items.join(", "))
}

/// A task's phase in words.
pub fn phase(p: &Phase<u32>) -> String {
    match p {
        Phase::Queued => "queued".to_string(),
        Phase::Execute { until } => format!("running the model, executor commits until #{until}"),
        Phase::Key { at } => format!("attempt key drawn at #{at}"),
        Phase::Check { until } => format!("verifiers commit until #{until}"),
        Phase::Reveal { until } => format!("executor reveals until #{until}"),
        Phase::Vote { until } => format!("verifiers vote until #{until}"),
        Phase::Done { resolution, at } => format!("done at #{at}: {resolution:?}"),
    }
}

pub async fn workers(url: &str) -> Result<(), CliError> {
    let client = connect(url).await?;
    let at = client.finalized().await?;
    let mut entries = at.storage().iter(chain::storage().workers().workers(), ()).await.map_err(chain_err)?;
    let mut accounts = Vec::new();
    while let Some(entry) = entries.next().await {
        let entry = entry.map_err(chain_err)?;
        accounts.push(entry.key().map_err(chain_err)?.decode().map_err(chain_err)?.0);
    }
    println!("{:<50} {:>22} {:>10}  score by model", "worker", "stake", "status");
    for who in accounts {
        let Some(view) =
            at.runtime_apis().call(chain::runtime_apis().triad_api().worker(who.clone())).await.map_err(chain_err)?
        else {
            continue;
        };
        let scores: Vec<String> = view.standings.iter().map(|s| format!("{}: {:.4}", s.model, s.score.0 as f64 / 1e9)).collect();
        println!(
            "{:<50} {:>22} {:>10}  {}",
            who.to_string(),
            tokens(view.total_stake),
            format!("{:?}", view.info.status),
            scores.join(", ")
        );
        if let Some((a, valid)) = &view.attestation {
            println!("    {}", attestation_line(a, *valid));
        }
    }
    Ok(())
}

/// One line of a worker's TEE attestation: kind, measurement, TCB status,
/// and until when it counts.
fn attestation_line(a: &chain::runtime_types::pallet_triad_attestation::types::Attestation, valid: bool) -> String {
    let state = if valid { "valid until" } else { "expired at" };
    format!("attested {}, TCB {}, {state} {} (Unix s)", measurement(&a.measurement), tcb_status(&a.tcb_status), a.expires_at)
}
