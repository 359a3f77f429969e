//! Gathers what [`triad_job::audit`] checks from a node: the task as the
//! chain keeps it, the model's parameters and key, and each seat's reveal
//! extrinsic, located by block.
//!
//! A reveal is looked for only in the blocks it is said to be in: the CLI
//! names each attempt's blocks ([`attempt_blocks`]); the explorer names the
//! blocks its index saw `AnswerRevealed` and `VoteRevealed` in. Either way
//! the extrinsic is read from the chain and must be a successful call signed
//! by the seat, inside its attempt's blocks, so a wrong location gives a
//! missing reveal, which the audit fails, never a wrong one.

use std::ops::RangeInclusive;

use codec::Decode;
use triad_job::audit::{self, AttemptRecord, Fetched, Found, Mode as AuditMode, Reveal, SeatRecord, TaskRecord};
use triad_job::EncodedAnswer;

use crate::{
    chain::{
        self,
        runtime_types::{
            pallet_triad_tasks::types::{AnswerArg, Mode, Phase, Posted, TaskInput, TaskView},
            triad_tee::{Measurement, TcbStatus},
        },
    },
    native, AccountId32, Client, ClientError,
};

/// A successful reveal extrinsic and its signer.
#[derive(Clone, Debug)]
pub struct FoundReveal {
    /// Who signed it.
    pub who: AccountId32,
    /// Where it is and what it revealed.
    pub found: Found,
}

/// The successful `reveal_answer` and `reveal_vote` extrinsics of `task` in
/// block `number`.
pub async fn reveals_in(client: &Client, number: u64, task: u64) -> Result<Vec<FoundReveal>, ClientError> {
    let at = client.api().at_block(number).await.map_err(ClientError::rpc)?;
    let extrinsics = at.extrinsics().fetch().await.map_err(ClientError::rpc)?;
    let mut found = Vec::new();
    for ext in extrinsics.iter() {
        let ext = ext.map_err(ClientError::rpc)?;
        let reveal = if let Some(call) = ext.decode_call_data_fields_as::<chain::tasks::calls::RevealAnswer>() {
            let call = call.map_err(ClientError::rpc)?;
            if call.task != task {
                continue;
            }
            match call.answer {
                AnswerArg::Output(bytes) => Reveal::Answer { answer: EncodedAnswer::Output(bytes), salt: call.salt },
                AnswerArg::CannotRun(r) => Reveal::Answer { answer: EncodedAnswer::CannotRun(native(&r)?), salt: call.salt },
                AnswerArg::Offchain { hash, size, fingerprint } => {
                    Reveal::Offchain { hash, size, fingerprint: native(&fingerprint)?, salt: call.salt }
                },
            }
        } else if let Some(call) = ext.decode_call_data_fields_as::<chain::tasks::calls::RevealVote>() {
            let call = call.map_err(ClientError::rpc)?;
            if call.task != task {
                continue;
            }
            Reveal::Vote { fingerprint: native(&call.fingerprint)?, vote: native(&call.vote)?, salt: call.salt }
        } else {
            continue;
        };
        let Some(who) = signer(ext.address_bytes()) else { continue };
        if ext.events().await.map_err(ClientError::rpc)?.has::<chain::system::events::ExtrinsicSuccess>() {
            found.push(FoundReveal { who, found: Found { block: number, index: ext.index() as u32, reveal } });
        }
    }
    Ok(found)
}

/// [`reveals_in`] over several blocks, each read once.
pub async fn reveals_among(
    client: &Client,
    blocks: impl IntoIterator<Item = u64>,
    task: u64,
) -> Result<Vec<FoundReveal>, ClientError> {
    let mut blocks: Vec<u64> = blocks.into_iter().collect();
    blocks.sort_unstable();
    blocks.dedup();
    let mut found = Vec::new();
    for n in blocks {
        found.extend(reveals_in(client, n, task).await?);
    }
    Ok(found)
}

/// The signer of an extrinsic from its address: a `MultiAddress::Id`.
fn signer(address: Option<&[u8]>) -> Option<AccountId32> {
    match subxt::utils::MultiAddress::<AccountId32, ()>::decode(&mut address?).ok()? {
        subxt::utils::MultiAddress::Id(who) => Some(who),
        _ => None,
    }
}

/// Each attempt's blocks: from its draw to the next attempt's draw, the
/// task's end, or `head` while it runs.
pub fn attempt_blocks(view: &TaskView, head: u64) -> Vec<RangeInclusive<u64>> {
    let attempts = &view.info.attempts.0;
    let end = match view.info.phase {
        Phase::Done { at, .. } => u64::from(at),
        _ => head,
    };
    attempts
        .iter()
        .enumerate()
        .map(|(n, a)| u64::from(a.assigned_at)..=attempts.get(n + 1).map_or(end, |next| u64::from(next.assigned_at)))
        .collect()
}

/// The audit's record of `view`, with `reveals` placed on the seats that
/// signed them inside their attempt's blocks.
pub async fn record(client: &Client, view: &TaskView, reveals: &[FoundReveal]) -> Result<TaskRecord, ClientError> {
    let at = client.finalized().await?;
    let (_, schema) = client.model_schema(view.info.model).await?;
    let ranges = attempt_blocks(view, at.block_number());
    let mode = match view.info.mode {
        Mode::Lsh => AuditMode::Lsh,
        Mode::Groth16 => AuditMode::Groth16,
        Mode::Tee => AuditMode::Tee,
    };
    let proof_key = match mode {
        AuditMode::Groth16 => crate::registry::proof_key(&at, view.info.model).await?.map(|k| audit::ProofKey {
            verifying_key: k.verifying_key.0,
            output_count: k.output_count,
            output_bits: k.output_bits,
        }),
        _ => None,
    };
    let mut attempts = Vec::new();
    for (n, a) in view.info.attempts.0.iter().enumerate() {
        let range = &ranges[n];
        let seats = a
            .seats
            .0
            .iter()
            .map(|s| {
                let call = reveals.iter().find(|r| r.who == s.who && range.contains(&r.found.block)).map(|r| r.found.clone());
                Ok(SeatRecord {
                    who: s.who.0,
                    name: s.who.to_string(),
                    commit: s.commit,
                    reveal: s.reveal.as_ref().map(native).transpose()?,
                    vote: s.vote.as_ref().map(native).transpose()?,
                    paid: s.paid,
                    bounty: s.bounty,
                    slashed: s.slashed,
                    call,
                })
            })
            .collect::<Result<Vec<_>, ClientError>>()?;
        attempts.push(AttemptRecord {
            assigned_at: a.assigned_at,
            end: *range.end() as u32,
            key: a.key,
            posted: a
                .posted
                .as_ref()
                .map(|p| match p {
                    Posted::Output { hash } => Ok(audit::Posted::Output { hash: *hash }),
                    Posted::Offchain { hash, size } => Ok(audit::Posted::Offchain { hash: *hash, size: *size }),
                    Posted::CannotRun(r) => native(r).map(audit::Posted::CannotRun),
                })
                .transpose()?,
            output: view.outputs.iter().find(|(i, _)| *i as usize == n).map(|(_, o)| o.0.clone()),
            proof: view.proofs.iter().find(|(i, _)| *i as usize == n).map(|(_, p)| p.to_vec()),
            attested: a.attested.as_ref().map(|seal| audit::Seal {
                measurement: measurement(&seal.measurement),
                tcb_status: tcb_status(&seal.tcb_status),
                checked_at: seal.checked_at,
                expires_at: seal.expires_at,
            }),
            verdict: a.verdict.as_ref().map(native).transpose()?,
            seats,
            fetched: Fetched::NotTried,
        });
    }
    Ok(TaskRecord {
        id: view.id,
        model: view.info.model,
        mode,
        lsh: schema.lsh,
        proof_key,
        escrow: view.info.escrow,
        price: view.info.price,
        refunded: view.info.refunded,
        settled: match &view.info.phase {
            Phase::Done { resolution, at } => Some(audit::Settlement { resolution: format!("{resolution:?}"), at: *at }),
            _ => None,
        },
        input: match &view.input {
            TaskInput::Inline(bytes) => Some(bytes.0.clone()),
            TaskInput::Offchain { .. } => None,
        },
        result: view.output.as_ref().map(|o| o.0.clone()),
        attempts,
    })
}

/// A TEE measurement with its kind: `TDX MRTD <hex>` or `SGX MRENCLAVE <hex>`.
pub fn measurement(m: &Measurement) -> String {
    match m {
        Measurement::MrEnclave(m) => format!("SGX MRENCLAVE {}", hex::encode(m)),
        Measurement::MrTd(m) => format!("TDX MRTD {}", hex::encode(m)),
    }
}

/// A TCB status by Intel's name.
pub fn tcb_status(s: &TcbStatus) -> String {
    native::<triad_primitives::TcbStatus>(s).map(|s| s.name().to_string()).unwrap_or_else(|_| format!("{s:?}"))
}
