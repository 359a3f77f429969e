//! Running a model on a job's input bytes within a time budget, and the
//! answers the misbehaviours give instead.

use std::time::{Duration, Instant};

use triad_inference::{wire, Data, InferenceError, TensorData};
use triad_job::{Answer, JobError, Schema};
use triad_verifier::{null_space_edit, CannotRun, CALIBRATION_KEY, SKETCH_DIM};

use crate::{metrics::Metrics, store::ModelStore, Behaviour};

/// Runs the model honestly; CPU-bound, so called from a blocking thread.
///
/// What the input itself decides becomes a [`CannotRun`] answer every
/// honest seat gives alike: an input ONNX Runtime refuses, a run past the
/// `budget`, an output larger than the chain takes at all, even over the
/// data plane (`max_output` bytes). A failure of this worker's own (a missing model file) is an error:
/// it commits nothing rather than vouch for something it did not compute.
pub fn honest(
    store: &ModelStore,
    schema: &Schema,
    input: &[u8],
    budget: Duration,
    max_output: usize,
    metrics: &Metrics,
) -> Result<Answer, JobError> {
    let inputs = match schema.inputs_from_bytes(input) {
        Ok(inputs) => inputs,
        Err(_) => return Ok(Answer::CannotRun(CannotRun::InvalidInput)),
    };
    let model = store.model(&schema.onnx_hash).map_err(|e| JobError::Model(e.to_string()))?;
    let started = Instant::now();
    let ran = model.lock().expect("model lock").run_within(&inputs, budget);
    metrics.inference_seconds.observe(started.elapsed().as_secs_f64());
    let outputs = match ran {
        Ok(outputs) => outputs,
        Err(InferenceError::TimedOut { .. }) => return Ok(Answer::CannotRun(CannotRun::TooSlow)),
        Err(
            InferenceError::Run(_)
            | InferenceError::InputCount { .. }
            | InferenceError::InputType { .. }
            | InferenceError::InputShape { .. }
            | InferenceError::ElementCount { .. },
        ) => return Ok(Answer::CannotRun(CannotRun::InvalidInput)),
        Err(e) => return Err(JobError::Model(e.to_string())),
    };
    let answer = Answer::Output(outputs);
    let too_large = match answer.encoded(schema) {
        triad_job::EncodedAnswer::Output(bytes) => bytes.len() > max_output,
        _ => false,
    };
    Ok(if too_large { Answer::CannotRun(CannotRun::OutputTooLarge) } else { answer })
}

/// Zeros in the declared output shapes, dynamic dimensions as 1.
pub fn lazy(schema: &Schema) -> Answer {
    Answer::Output(
        schema
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
            .collect(),
    )
}

/// Random values in the declared output shapes.
pub fn random(schema: &Schema) -> Answer {
    let Answer::Output(mut outputs) = lazy(schema) else { unreachable!("lazy answers are outputs") };
    for t in &mut outputs {
        match &mut t.data {
            Data::F32(v) => v.iter_mut().for_each(|x| *x = rand::random::<f32>() * 8.0 - 4.0),
            Data::I64(v) => v.iter_mut().for_each(|x| *x = rand::random::<u8>() as i64),
            Data::U8(v) => v.iter_mut().for_each(|x| *x = rand::random()),
        }
    }
    Answer::Output(outputs)
}

/// What an attacking executor posts instead of its honest `answer`.
pub fn tamper(behaviour: Behaviour, schema: &Schema, answer: Answer) -> Answer {
    let Answer::Output(mut outputs) = answer else { return answer };
    let Some(first) = outputs.first_mut() else { return Answer::Output(outputs) };
    match (behaviour, &mut first.data) {
        (Behaviour::Collide, Data::F32(v)) if v.len() > SKETCH_DIM => {
            // Erase the strongest elements (a detected text region, in a
            // detection map), invisibly under the public calibration key.
            null_space_edit(&schema.lsh, &CALIBRATION_KEY, v, SKETCH_DIM / 2);
        },
        (Behaviour::Substitute | Behaviour::Collide, Data::F32(v)) => swap_best(&first.shape.clone(), v),
        (_, Data::I64(v)) => v.iter_mut().for_each(|x| *x += 1),
        (_, Data::U8(v)) => v.iter_mut().for_each(|x| *x = x.wrapping_add(1)),
        _ => {},
    }
    Answer::Output(outputs)
}

/// Swaps the best and the second best value of every row (the class a
/// classifier answers, the character a CTC step reads).
fn swap_best(shape: &[usize], v: &mut [f32]) {
    let row = shape.last().copied().unwrap_or(v.len()).max(1);
    for r in v.chunks_mut(row) {
        if r.len() < 2 {
            r[0] = -r[0] - 1.0;
            continue;
        }
        let mut idx: Vec<usize> = (0..r.len()).collect();
        idx.sort_by(|a, b| r[*b].total_cmp(&r[*a]));
        r.swap(idx[0], idx[1]);
    }
}

/// The answer a dictionary attacker guesses for a small discrete output
/// without running the model: the first candidate, all zeros.
pub fn guess(schema: &Schema) -> Answer {
    lazy(schema)
}

/// Every candidate of a small discrete output: for a model whose first
/// output is one integer label per row of one row, the labels `0..1024`.
pub fn candidates(schema: &Schema) -> Vec<Answer> {
    let Some(first) = schema.outputs.first() else { return Vec::new() };
    if first.dtype != triad_inference::DType::I64 || first.shape.iter().map(|d| (*d).max(1)).product::<i64>() != 1 {
        return Vec::new();
    }
    let shape: Vec<usize> = first.shape.iter().map(|d| (*d).max(1) as usize).collect();
    (0..1024).map(|label| Answer::Output(vec![TensorData { shape: shape.clone(), data: Data::I64(vec![label]) }])).collect()
}

/// Decodes an encoded output back into tensors, in the schema's order.
pub fn decode_output(bytes: &[u8]) -> Option<Answer> {
    let tensors = wire::decode(bytes).ok()?;
    Some(Answer::Output(tensors.into_iter().map(|t| t.tensor).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use triad_inference::{DType, TensorSpec};
    use triad_job as job;
    use triad_verifier::{fingerprint, Decision, LshParams, OutputCheck};

    fn schema(len: usize) -> Schema {
        let spec = |n: &str| TensorSpec { name: n.into(), dtype: DType::F32, shape: vec![1, len as i64] };
        Schema {
            name: "m".into(),
            onnx_hash: [0; 32],
            onnx_size: 0,
            inputs: vec![spec("x")],
            outputs: vec![spec("y")],
            lsh: LshParams::projection(5),
            checks: vec![OutputCheck::with_decision(Decision::Argmax)],
            groth16: None,
        }
    }

    fn honest(len: usize) -> Answer {
        Answer::Output(vec![TensorData::f32(vec![1, len], (0..len).map(|i| ((i * 37) % 101) as f32 / 50.0 - 1.0).collect())])
    }

    #[test]
    fn the_collide_edit_hides_under_the_public_key_and_not_under_an_attempt_key() {
        let s = schema(2 * SKETCH_DIM);
        let (truth, forged) = (honest(2 * SKETCH_DIM), tamper(Behaviour::Collide, &s, honest(2 * SKETCH_DIM)));
        let fp = |a: &Answer, key| a.fingerprint(&s.lsh, key).unwrap();
        assert!(triad_verifier::distance(&fp(&truth, &CALIBRATION_KEY), &fp(&forged, &CALIBRATION_KEY)) <= 2);
        assert!(!triad_verifier::agrees(&fp(&truth, &[3; 32]), &fp(&forged, &[3; 32]), &s.lsh));
        let posted = forged.encoded(&s);
        assert!(job::vote(&s, Some(&posted), &truth).is_err(), "the verifiers' full outputs see it");
        let _ = fingerprint;
    }

    #[test]
    fn a_substituted_output_changes_the_answer_and_fails_the_vote() {
        let s = schema(10);
        let forged = tamper(Behaviour::Substitute, &s, honest(10));
        assert_ne!(forged, honest(10));
        assert!(job::vote(&s, Some(&forged.encoded(&s)), &honest(10)).is_err());
    }

    #[test]
    fn a_discrete_output_has_a_dictionary_of_candidates() {
        let spec = TensorSpec { name: "label".into(), dtype: DType::I64, shape: vec![-1] };
        let s = Schema { outputs: vec![spec], checks: vec![OutputCheck::with_decision(Decision::Values)], ..schema(1) };
        assert_eq!(candidates(&s).len(), 1024);
        assert!(candidates(&schema(10)).is_empty());
    }
}
