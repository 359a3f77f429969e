//! Running a model on a job's input bytes and fingerprinting the result.

use std::time::Instant;

use triad_client::job::{self, JobError, Schema};
use triad_inference::{wire, Data, TensorData};
use triad_verifier::{Fingerprint, LshParams, FINGERPRINT_BYTES};

use crate::{metrics::Metrics, store::ModelStore, Behaviour};

/// A seat's answer: the fingerprint it commits to and, for an executor, the
/// encoded outputs it commits to by hash.
pub struct Answer {
    pub fingerprint: Fingerprint,
    pub output: Vec<u8>,
}

/// Runs the model honestly; CPU-bound, so called from a blocking thread.
pub fn honest(store: &ModelStore, schema: &Schema, input: &[u8], metrics: &Metrics) -> Result<Answer, JobError> {
    let inputs = schema.inputs_from_bytes(input)?;
    let model = store.model(&schema.onnx_hash).map_err(|e| JobError::Fingerprint(e.to_string()))?;
    let started = Instant::now();
    let outputs = model.lock().expect("model lock").run(&inputs)?;
    metrics.inference_seconds.observe(started.elapsed().as_secs_f64());
    let started = Instant::now();
    let fingerprint = job::fingerprint(&schema.lsh, &outputs)?;
    metrics.fingerprint_seconds.observe(started.elapsed().as_secs_f64());
    Ok(Answer { fingerprint, output: wire::encode(&schema.named_outputs(outputs)) })
}

/// Whether an error is the input's fault, the same for every honest seat,
/// rather than this worker's (a missing model file, an ONNX Runtime failure).
pub fn input_is_invalid(e: &JobError) -> bool {
    use triad_inference::InferenceError as E;
    matches!(
        e,
        JobError::Wire(_) |
            JobError::Inference(E::InputCount { .. } | E::InputType { .. } | E::InputShape { .. } | E::ElementCount { .. })
    )
}

/// What every honest seat answers for an input the model cannot take: a
/// fixed fingerprint derived from a constant, so the seats agree the job was
/// malformed (the client pays for asking) and nobody is slashed for it. The
/// executor's output is the empty tensor list.
pub fn invalid_input(params: &LshParams) -> Answer {
    let mut bits = [0u8; FINGERPRINT_BYTES];
    let mut xof = blake3::Hasher::new_derive_key("triad 2026 invalid job input").finalize_xof();
    xof.fill(&mut bits);
    let mut decision = [0u8; 32];
    xof.fill(&mut decision);
    Answer {
        fingerprint: Fingerprint { family: params.family, version: params.version, bits, decision },
        output: wire::encode(&[]),
    }
}

fn random_fingerprint(params: &LshParams) -> Fingerprint {
    let mut bits = [0u8; FINGERPRINT_BYTES];
    let mut decision = [0u8; 32];
    rand::Rng::fill(&mut rand::thread_rng(), &mut bits[..]);
    rand::Rng::fill(&mut rand::thread_rng(), &mut decision[..]);
    Fingerprint { family: params.family, version: params.version, bits, decision }
}

/// What a dishonest behaviour reports instead of running the model.
pub fn dishonest(behaviour: Behaviour, schema: &Schema) -> Answer {
    match behaviour {
        Behaviour::Lazy => {
            // Zeros in the declared output shapes, dynamic dimensions as 1.
            let outputs: Vec<TensorData> = schema
                .outputs
                .iter()
                .map(|s| {
                    let shape: Vec<usize> = s.shape.iter().map(|d| (*d).max(1) as usize).collect();
                    let n = shape.iter().product();
                    let data = match s.dtype {
                        triad_inference::DType::F32 => Data::F32(vec![0.0; n]),
                        triad_inference::DType::I64 => Data::I64(vec![0; n]),
                        triad_inference::DType::U8 => Data::U8(vec![0; n]),
                    };
                    TensorData { shape, data }
                })
                .collect();
            let fingerprint = job::fingerprint(&schema.lsh, &outputs).unwrap_or_else(|_| Fingerprint {
                family: schema.lsh.family,
                version: schema.lsh.version,
                bits: [0; FINGERPRINT_BYTES],
                decision: [0; 32],
            });
            Answer { fingerprint, output: wire::encode(&schema.named_outputs(outputs)) }
        },
        _ => {
            let mut output = vec![0u8; 64];
            rand::Rng::fill(&mut rand::thread_rng(), &mut output[..]);
            Answer { fingerprint: random_fingerprint(&schema.lsh), output }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seat_gives_the_same_answer_for_an_invalid_input() {
        let params = LshParams::projection(3);
        let (a, b) = (invalid_input(&params), invalid_input(&params));
        assert_eq!((a.fingerprint, a.output.clone()), (b.fingerprint, b.output));
        assert!(wire::decode(&a.output).unwrap().is_empty());
        assert!(triad_verifier::agrees(&a.fingerprint, &b.fingerprint, &params));
        assert!(input_is_invalid(&JobError::Wire(wire::WireError::MissingInput("x".into()))));
        assert!(!input_is_invalid(&JobError::Fingerprint("model file missing".into())));
    }
}
