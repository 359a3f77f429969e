//! `triad submit`: check an input against the model's schema, hold the fee in
//! escrow with `submit_task`, and optionally follow the job to its verdict.
//! An input over the chain's inline limit goes over the data plane
//! ([`crate::serve`]): the chain holds its hash, size and where it is served.

use std::{path::PathBuf, time::Duration};

use clap::Args;
use triad_client::{
    chain::{
        self,
        runtime_types::pallet_triad_tasks::types::{InputArg, Mode, Phase},
    },
    Wait,
};
use triad_inference::{files, wire};

use crate::{chain_err, connect, serve, show, CliError, Keys, UNIT};

#[derive(Args)]
pub struct SubmitArgs {
    /// Model id.
    #[arg(long)]
    model: u32,
    /// Input: a .npy array (one-input models) or a KServe v2 .json request.
    #[arg(long)]
    input: PathBuf,
    /// Most the job may cost, in milli-tokens; defaults to the model's price.
    /// Whatever the job does not cost is refunded.
    #[arg(long)]
    max_fee_milli: Option<u128>,
    /// Blocks from now by which the job must be settled or refunded.
    #[arg(long, default_value_t = 100)]
    deadline: u32,
    /// Follow the job until it is settled and print the verified output.
    #[arg(long)]
    wait: bool,
    /// Ask for a Groth16 proof instead of three verifiers: one worker runs
    /// the model in its circuit and the chain checks the proof. The model
    /// must allow it (`triad model show`), and the input must be inline.
    #[arg(long)]
    groth16: bool,
    /// Ask for one executor attested to run the model's TEE policy and one
    /// verifier, instead of three: cheaper, and trusting the TEE hardware.
    /// The model must allow it (`triad model show`).
    #[arg(long, conflicts_with = "groth16")]
    tee: bool,
    /// With --wait, also write the output to this file: a .npy array
    /// (one-output models), else a KServe v2 response.
    #[arg(long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    serve: serve::ServeArgs,
}

pub async fn run(url: &str, keys: &Keys, args: SubmitArgs) -> Result<(), CliError> {
    let client = connect(url).await?;
    let (info, schema) = client.model_schema(args.model).await?;
    // Everything about the input is checked before anything is signed.
    // The same check the chain makes at submission: names, types, shapes,
    // no empty dimension, finite floats.
    let named = files::read_input(&args.input, &schema.inputs).map_err(|e| CliError::Input(e.to_string()))?;
    let bytes = wire::encode(&named);
    wire::fit(&schema.inputs, &bytes)
        .map_err(|e| CliError::Input(format!("{} does not fit model {}: {e}", args.input.display(), args.model)))?;
    let at = client.finalized().await?;
    let max_inline = at.constants().entry(chain::constants().tasks().max_inline_input()).map_err(chain_err)? as usize;
    let max_offchain = at.constants().entry(chain::constants().tasks().max_offchain_input()).map_err(chain_err)?;
    if bytes.len() as u64 > max_offchain {
        return Err(CliError::Input(format!(
            "the encoded input is {} bytes; the chain takes inputs of at most {max_offchain}",
            bytes.len()
        )));
    }
    let (mode, price) = if args.groth16 {
        let key = triad_client::registry::proof_key(&at, args.model).await?.ok_or_else(|| {
            CliError::Input(format!("model {} does not take proved jobs (no Groth16 key registered)", args.model))
        })?;
        let max_proof = at.constants().entry(chain::constants().tasks().max_proof_input()).map_err(chain_err)? as usize;
        if bytes.len() > max_proof {
            return Err(CliError::Input(format!(
                "the encoded input is {} bytes; a proved job takes at most {max_proof}, inline",
                bytes.len()
            )));
        }
        (Mode::Groth16, key.price)
    } else if args.tee {
        if !info.modes.tee || triad_client::registry::tee_policy(&at, args.model).await?.is_none() {
            return Err(CliError::Input(format!("model {} takes no TEE jobs (no TEE policy set)", args.model)));
        }
        let share = at.constants().entry(chain::constants().tasks().executor_share()).map_err(chain_err)?;
        (Mode::Tee, triad_primitives::pricing::tee_price(info.price_floor, triad_client::native(&share)?))
    } else {
        (Mode::Lsh, info.price_floor)
    };
    let max_fee = args.max_fee_milli.map(|m| m * UNIT / 1000).unwrap_or(price);
    if max_fee < price {
        return Err(CliError::Input(format!(
            "a fee of {} is below the job's price of {}",
            crate::tokens(max_fee),
            crate::tokens(price)
        )));
    }
    let deadline = deadline(&client, &at, args.deadline).await?;
    let signer = keys.signer_on(&client).await?;
    let (input, serving) = if bytes.len() > max_inline && matches!(mode, Mode::Lsh | Mode::Tee) {
        let serving = serve::start(&args.serve, &bytes, max_offchain).await?;
        let input = InputArg::Offchain { hash: serving.id.hash, size: serving.id.size, provider: serving.provider.clone() };
        (input, Some(serving))
    } else {
        (InputArg::Inline(bytes), None)
    };
    let call = chain::transactions().tasks().submit_task(args.model, input, max_fee, mode, deadline);
    let included = client.submit(&call, &signer, Wait::Finalized).await?;
    let submitted = included.event::<chain::tasks::events::TaskSubmitted>()?;
    let id = submitted.task;
    eprintln!(
        "task {id} submitted on model {}: escrow {}, price {}, deadline #{}",
        args.model,
        crate::tokens(submitted.escrow),
        crate::tokens(submitted.price),
        submitted.deadline
    );
    if !args.wait {
        if let Some(serving) = &serving {
            follow(&client, id, Some(serving), true).await?;
        }
        println!("{id}");
        return Ok(());
    }
    let view = follow(&client, id, serving.as_ref(), false).await?;
    use chain::runtime_types::pallet_triad_tasks::types::{Posted, Resolution};
    let accepted = matches!(view.info.phase, Phase::Done { resolution: Resolution::Accepted, .. });
    let last = view.info.attempts.0.len().saturating_sub(1);
    let output = match view.info.attempts.0.last().and_then(|a| a.posted.as_ref()) {
        Some(Posted::Offchain { .. }) if accepted => {
            let max_output = at.constants().entry(chain::constants().tasks().max_offchain_output()).map_err(chain_err)?;
            let fetched = match &serving {
                Some(s) => serve::fetch_output(&client, &s.plane, &view, last, &schema.lsh).await?,
                None => {
                    serve::fetch_output(&client, &serve::plane(&args.serve, max_output).await?, &view, last, &schema.lsh).await?
                },
            };
            Some(fetched)
        },
        _ => view.output.as_ref().map(|o| o.0.clone()),
    };
    show::print_task(&view, &schema, output.as_deref());
    if accepted && matches!(view.info.mode, Mode::Groth16) {
        eprintln!("the chain verified the executor's Groth16 proof of this output; `triad audit {id}` verifies it again here");
    }
    if let Some(path) = &args.output {
        let output = output.ok_or_else(|| chain_err("the task has no accepted output"))?;
        write_output(path, &schema.name, &output)?;
    }
    match view.info.phase {
        Phase::Done { resolution: Resolution::Accepted, .. } => Ok(()),
        Phase::Done { resolution: Resolution::CannotRun, .. } => Err(CliError::Chain(format!(
            "task {id}: the workers agreed this input cannot be run by model {}; the price was paid",
            args.model
        ))),
        _ => Err(CliError::Chain(format!("task {id} ended without an accepted result; escrow refunded"))),
    }
}

/// Blocks a transaction may take from the best block to the block that
/// includes it, which the chain counts the deadline from.
const LANDING_BLOCKS: u32 = 5;

/// The deadline block `blocks` after the best block, refused here when the
/// chain would refuse it: too soon for one attempt once the transaction
/// lands, or past the chain's latest.
async fn deadline(client: &triad_client::Client, at: &triad_client::AtBlock, blocks: u32) -> Result<u32, CliError> {
    let min = at.constants().entry(chain::constants().tasks().min_deadline()).map_err(chain_err)?;
    let max = at.constants().entry(chain::constants().tasks().max_deadline()).map_err(chain_err)?;
    if blocks < min + LANDING_BLOCKS {
        return Err(CliError::Input(format!(
            "--deadline {blocks} leaves no room for one attempt: the chain needs {min} blocks after the one that includes \
             the job, and the transaction up to {LANDING_BLOCKS} to land; give at least {}",
            min + LANDING_BLOCKS
        )));
    }
    if blocks > max {
        return Err(CliError::Input(format!("--deadline {blocks} is past the chain's latest deadline, {max} blocks away")));
    }
    Ok(client.best().await?.block_number() as u32 + blocks)
}

/// Writes an output as a `.npy` array when the path says so (the model must
/// have one output), else as a KServe v2 response.
fn write_output(path: &std::path::Path, model: &str, output: &[u8]) -> Result<(), CliError> {
    let tensors = wire::decode(output).map_err(|e| CliError::Chain(format!("posted output: {e}")))?;
    let bytes = match (path.extension().and_then(|e| e.to_str()), &tensors[..]) {
        (Some("npy"), [one]) => files::npy_bytes(&one.tensor),
        (Some("npy"), _) => {
            return Err(CliError::Input(format!(
                "{}: the model has {} outputs; write them as a KServe .json",
                path.display(),
                tensors.len()
            )))
        },
        _ => files::kserve_response(model, &tensors).into_bytes(),
    };
    std::fs::write(path, bytes).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
}

/// Polls finalized state until the task is done, showing its phase and,
/// while it serves the input, what it sent. With `until_answered`, stops
/// as soon as every seat of the current attempt has answered instead.
pub async fn follow(
    client: &triad_client::Client,
    id: u64,
    serving: Option<&serve::Serving>,
    until_answered: bool,
) -> Result<show::TaskView, CliError> {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(Duration::from_millis(120));
    let mut blocks = client.api().stream_blocks().await.map_err(chain_err)?;
    while let Some(block) = blocks.next().await {
        let block = block.map_err(chain_err)?;
        // A block announced before its header is served: the next one will do.
        let Ok(at) = block.at().await else { continue };
        let view = at
            .runtime_apis()
            .call(chain::runtime_apis().tasks_api().task(id))
            .await
            .map_err(chain_err)?
            .ok_or_else(|| CliError::Chain(format!("task {id} does not exist")))?;
        let attempt = view.info.attempts.0.len();
        if until_answered && matches!(view.info.phase, Phase::Reveal { .. } | Phase::Vote { .. }) {
            bar.finish_with_message(format!("#{}: every seat of attempt {attempt} has answered", block.number()));
            return Ok(view);
        }
        let msg = match &view.info.phase {
            Phase::Queued => format!("queued, waiting for the draw (attempts so far: {attempt})"),
            Phase::Done { resolution, at } => {
                bar.finish_with_message(format!("#{}: done: {resolution:?} at #{at}", block.number()));
                return Ok(view);
            },
            phase @ Phase::Execute { until } if matches!(view.info.mode, Mode::Groth16) => {
                let prover =
                    view.info.attempts.0.last().and_then(|a| a.seats.0.first()).map(|s| s.who.to_string()).unwrap_or_default();
                let _ = phase;
                format!("attempt {attempt}: {prover} runs the model in its circuit and proves it (until #{until})")
            },
            phase => format!("attempt {attempt}: {}", show::phase(phase)),
        };
        let sent = serving.map(|s| format!("; {}", s.progress())).unwrap_or_default();
        bar.set_message(format!("#{} task {id}: {msg}{sent}", block.number()));
    }
    Err(chain_err("the node stopped sending finalized blocks"))
}
