//! `triad model register`, `triad model show` and `triad model tee-policy`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use triad_client::{
    chain::{self, runtime_types::pallet_triad_models::types as models},
    generated,
};
use triad_inference::{files, wire, DType, Model, Settings, TensorSpec};
use triad_verifier::{default_check, Decision, Family, LshParams, OutputCheck, CALIBRATION_KEY};

use crate::{connect, CliError, Keys, UNIT};

#[derive(Subcommand)]
pub enum ModelCommand {
    /// Register an ONNX model: its blake3 hash, opset and I/O schema are read
    /// from the file; calibration inputs are run locally to set the
    /// fingerprints new workers must reproduce.
    Register(RegisterArgs),
    /// Show a registered model.
    Show {
        /// Model id.
        id: u32,
    },
    /// Set which TEE executors may run a model's TEE-mode jobs (owner only;
    /// the model must allow TEE). No measurement removes the policy.
    TeePolicy {
        /// Model id.
        id: u32,
        #[command(flatten)]
        tee: crate::tee::TeeArgs,
    },
}

#[derive(Args)]
pub struct RegisterArgs {
    /// The ONNX file.
    file: PathBuf,
    /// Name shown to clients.
    #[arg(long)]
    name: String,
    /// Version label.
    #[arg(long, default_value = "1")]
    version: String,
    /// Schema as KServe-style JSON (`{"inputs":[{"name","datatype","shape"}],
    /// "outputs":[…]}`); by default it is read from the ONNX file.
    #[arg(long)]
    schema: Option<PathBuf>,
    /// Least fee per job, in milli-tokens.
    #[arg(long, default_value_t = 100)]
    price_milli: u128,
    /// Fingerprint family: auto (projection for a float first output, exact
    /// for integers and bytes), projection, perceptual or exact.
    #[arg(long, default_value = "auto")]
    family: String,
    /// What the first output means, for the verifiers' check: auto (class
    /// for `[N, C]` and `[N, T, C]` scores, thresholded map at 0.5 for
    /// `[N, 1, H, W]`, values otherwise), values, argmax, or threshold:T.
    /// Other outputs are checked by `auto`.
    #[arg(long, default_value = "auto")]
    decision: String,
    /// Largest difference between honest runs, in millionths of an output's
    /// scale; every float output must match within it element by element.
    #[arg(long, default_value_t = OutputCheck::DEFAULT_TOLERANCE_PPM)]
    tolerance_ppm: u32,
    /// Seed of the fingerprint function; random by default.
    #[arg(long)]
    lsh_seed: Option<u64>,
    /// Calibration inputs (.npy or KServe .json), run here to set the
    /// fingerprints new workers must reproduce.
    #[arg(long, num_args = 1..)]
    calibration: Vec<PathBuf>,
    /// Also allow Groth16 proofs: compile the (integer-quantized) model to a
    /// circuit, run its setup here, write the proving key to this file
    /// (workers import it with `triad-worker import`), and register the
    /// verifying key. Whoever runs the setup could forge proofs for this
    /// model: clients of the mode trust its owner with that.
    #[arg(long, value_name = "PROVING_KEY_FILE")]
    groth16: Option<PathBuf>,
    /// Price of a proved job, in milli-tokens: it pays the prover alone.
    #[arg(long, default_value_t = 200)]
    proof_price_milli: u128,
    /// TEE mode, allowed when a measurement is given.
    #[command(flatten)]
    tee: crate::tee::TeeArgs,
}

pub async fn run(url: &str, keys: &Keys, cmd: ModelCommand) -> Result<(), CliError> {
    match cmd {
        ModelCommand::Register(args) => register(url, keys, args).await,
        ModelCommand::Show { id } => show(url, id).await,
        ModelCommand::TeePolicy { id, tee } => {
            let policy = tee.policy()?;
            let client = connect(url).await?;
            crate::tee::set_policy(&client, &keys.signer_on(&client).await?, id, policy).await
        },
    }
}

fn datatype(d: DType) -> Vec<u8> {
    files::kserve_datatype(d).as_bytes().to_vec()
}

fn spec_input(s: &TensorSpec) -> models::TensorSpecInput {
    models::TensorSpecInput { name: s.name.clone().into_bytes(), datatype: datatype(s.dtype), shape: s.shape.clone() }
}

fn params(family: &str, seed: u64, first_output: DType) -> Result<LshParams, CliError> {
    let p = match family {
        "auto" if first_output == DType::F32 => LshParams::projection(seed),
        "auto" => LshParams::exact(),
        "projection" => LshParams::projection(seed),
        "perceptual" => LshParams::perceptual(seed),
        "exact" => LshParams::exact(),
        _ => return Err(CliError::Input(format!("--family must be auto, projection, perceptual or exact, not {family}"))),
    };
    debug_assert!(matches!(p.family, Family::Projection | Family::Perceptual | Family::Exact));
    p.validate().map_err(|e| CliError::Input(format!("fingerprint parameters: {e}")))?;
    Ok(p)
}

/// One check per output: the owner's `decision` for the first, the
/// default for its type and shape for the others, all at `tolerance_ppm`.
fn checks(outputs: &[TensorSpec], decision: &str, tolerance_ppm: u32) -> Result<Vec<OutputCheck>, CliError> {
    let first = match decision.split_once(':') {
        None if decision == "auto" => None,
        None if decision == "values" => Some(Decision::Values),
        None if decision == "argmax" => Some(Decision::Argmax),
        Some(("threshold", t)) => {
            let t: f64 = t.parse().map_err(|_| CliError::Input(format!("--decision threshold:T needs a number, got {t}")))?;
            Some(Decision::Threshold { at_micros: (t * 1e6).round() as i32 })
        },
        _ => return Err(CliError::Input(format!("--decision must be auto, values, argmax or threshold:T, not {decision}"))),
    };
    outputs
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mut check = default_check(o.dtype, &o.shape);
            if let (0, Some(d), DType::F32) = (i, first, o.dtype) {
                check.decision = d;
            }
            check.tolerance_ppm = tolerance_ppm;
            if !check.is_valid() {
                return Err(CliError::Input(format!("output '{}': the check {check:?} compares nothing", o.name)));
            }
            Ok(check)
        })
        .collect()
}

fn schema_file(path: &PathBuf) -> Result<(Vec<models::TensorSpecInput>, Vec<models::TensorSpecInput>), CliError> {
    let bad = |e: String| CliError::Input(format!("{}: {e}", path.display()));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).map_err(|e| bad(e.to_string()))?).map_err(|e| bad(e.to_string()))?;
    let list = |key: &str| -> Result<Vec<models::TensorSpecInput>, CliError> {
        v.get(key)
            .and_then(|l| l.as_array())
            .ok_or_else(|| bad(format!("needs an \"{key}\" list")))?
            .iter()
            .map(|t| {
                let name = t.get("name").and_then(|n| n.as_str()).ok_or_else(|| bad("tensor without a name".into()))?;
                let dt = t.get("datatype").and_then(|n| n.as_str()).ok_or_else(|| bad(format!("{name}: no datatype")))?;
                let shape = t
                    .get("shape")
                    .and_then(|s| s.as_array())
                    .and_then(|s| s.iter().map(|d| d.as_i64()).collect::<Option<Vec<_>>>())
                    .ok_or_else(|| bad(format!("{name}: shape must be a list of integers")))?;
                Ok(models::TensorSpecInput { name: name.into(), datatype: dt.into(), shape })
            })
            .collect()
    };
    Ok((list("inputs")?, list("outputs")?))
}

async fn register(url: &str, keys: &Keys, args: RegisterArgs) -> Result<(), CliError> {
    let bytes = std::fs::read(&args.file).map_err(|e| CliError::Input(format!("{}: {e}", args.file.display())))?;
    let onnx_hash = *blake3::hash(&bytes).as_bytes();
    let opset = triad_inference::default_opset(&bytes)
        .ok_or_else(|| CliError::Input(format!("{} is not an ONNX model (no default-domain opset)", args.file.display())))?;
    let mut model = Model::from_bytes(&bytes, Settings::default()).map_err(|e| CliError::Input(e.to_string()))?;
    let (inputs, outputs) = match &args.schema {
        Some(path) => schema_file(path)?,
        None => (model.inputs().iter().map(spec_input).collect(), model.outputs().iter().map(spec_input).collect()),
    };
    let native_outputs: Vec<TensorSpec> = outputs
        .iter()
        .map(|o| {
            let dtype = match o.datatype.as_slice() {
                b"FP32" => DType::F32,
                b"INT64" => DType::I64,
                b"UINT8" => DType::U8,
                other => {
                    return Err(CliError::Input(format!(
                        "output '{}' is {}, which workers cannot run (FP32, INT64 and UINT8 only)",
                        String::from_utf8_lossy(&o.name),
                        String::from_utf8_lossy(other)
                    )))
                },
            };
            Ok(TensorSpec { name: String::from_utf8_lossy(&o.name).into(), dtype, shape: o.shape.clone() })
        })
        .collect::<Result<_, _>>()?;
    let checks = checks(&native_outputs, &args.decision, args.tolerance_ppm)?;
    let first = native_outputs.first().map_or(DType::F32, |o| o.dtype);
    let lsh = params(&args.family, args.lsh_seed.unwrap_or_else(rand_seed), first)?;
    let mut cases = Vec::new();
    for path in &args.calibration {
        let named = files::read_input(path, model.inputs()).map_err(|e| CliError::Input(e.to_string()))?;
        let input = wire::encode(&named);
        let arranged = wire::arrange(model.inputs(), named).map_err(|e| CliError::Input(e.to_string()))?;
        let outputs = model.run(&arranged).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
        let fp = triad_job::fingerprint(&lsh, &CALIBRATION_KEY, &outputs).map_err(|e| CliError::Input(e.to_string()))?;
        cases.push(models::CalibrationCaseInput { input, expected: generated(&fp)? });
    }
    let tee = args.tee.policy()?;
    let proved = match &args.groth16 {
        Some(path) => Some(crate::prove::setup(&bytes, path)?),
        None => None,
    };
    let spec = models::ModelSpec {
        name: args.name.clone().into_bytes(),
        version: args.version.into_bytes(),
        onnx_hash,
        onnx_size: bytes.len() as u64,
        opset,
        inputs,
        outputs,
        lsh: generated(&lsh)?,
        checks: checks.iter().map(generated).collect::<Result<_, _>>()?,
        modes: chain::runtime_types::triad_primitives::VerificationModes {
            lsh_majority: true,
            groth16: proved.as_ref().map(|p| triad_zk::verify::vk_hash(&p.verifying_key)),
            tee: !tee.0.is_empty(),
        },
        price_floor: args.price_milli * UNIT / 1000,
    };
    let client = connect(url).await?;
    let signer = keys.signer_on(&client).await?;
    let included =
        client.submit(&chain::transactions().models().register_model(spec), &signer, triad_client::Wait::Finalized).await?;
    let registered = included.event::<chain::models::events::ModelRegistered>()?;
    let id = registered.model;
    if let Some(p) = proved {
        let vk_hash = triad_zk::verify::vk_hash(&p.verifying_key);
        let key = models::Groth16KeyInput {
            verifying_key: p.verifying_key,
            proving_key_hash: p.proving_key_hash,
            proving_key_size: p.proving_key_size,
            output_bits: p.output_bits,
            price: args.proof_price_milli * UNIT / 1000,
        };
        client.submit(&chain::transactions().models().set_groth16_key(id, key), &signer, triad_client::Wait::Finalized).await?;
        eprintln!(
            "groth16: verifying key blake3 {} registered; proved jobs cost {}",
            hex::encode(vk_hash),
            crate::tokens(args.proof_price_milli * UNIT / 1000)
        );
    }
    if !tee.0.is_empty() {
        crate::tee::set_policy(&client, &signer, id, tee).await?;
    }
    if !cases.is_empty() {
        let n = cases.len();
        let call = chain::transactions().models().set_calibration_set(id, cases);
        client.submit(&call, &signer, triad_client::Wait::Finalized).await?;
        eprintln!("calibration set: {n} cases");
    }
    eprintln!(
        "registered '{}' as model {id}: blake3 {} opset {opset}, deposit {}",
        args.name,
        hex::encode(onnx_hash),
        crate::tokens(registered.deposit)
    );
    println!("{id}");
    Ok(())
}

fn rand_seed() -> u64 {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    u64::from_le_bytes(blake3::hash(&t.as_nanos().to_le_bytes()).as_bytes()[..8].try_into().expect("8 bytes"))
}

async fn show(url: &str, id: u32) -> Result<(), CliError> {
    let client = connect(url).await?;
    let (info, schema) = client.model_schema(id).await?;
    println!("model {id}: {} v{}", schema.name, String::from_utf8_lossy(&info.version.0));
    println!("  onnx     blake3 {} ({} bytes, opset {})", hex::encode(info.onnx_hash), info.onnx_size, info.opset);
    for s in &schema.inputs {
        println!("  input    {} {} {:?}", s.name, files::kserve_datatype(s.dtype), s.shape);
    }
    for s in &schema.outputs {
        println!("  output   {} {} {:?}", s.name, files::kserve_datatype(s.dtype), s.shape);
    }
    println!("  price    {}  state {:?}", crate::tokens(info.price_floor), info.state);
    println!("  lsh      {:?}", schema.lsh);
    if let Some(vk_hash) = info.modes.groth16 {
        match triad_client::registry::proof_key(&client.finalized().await?, id).await? {
            Some(k) => println!(
                "  groth16  vk blake3 {} ({} bytes), proving key blake3 {} ({} bytes), {} outputs of {} bits, price {}",
                hex::encode(vk_hash),
                k.verifying_key.0.len(),
                hex::encode(k.proving_key_hash),
                k.proving_key_size,
                k.output_count,
                k.output_bits,
                crate::tokens(k.price)
            ),
            None => println!("  groth16  vk blake3 {} declared, key not registered yet", hex::encode(vk_hash)),
        }
    }
    if info.modes.tee {
        crate::tee::show_policy(triad_client::registry::tee_policy(&client.finalized().await?, id).await?.as_ref());
    }
    for (o, c) in schema.outputs.iter().zip(&schema.checks) {
        println!(
            "  check    {}: {:?}, {} within {} ppm of its scale",
            o.name,
            c.decision,
            if c.elementwise { "every element" } else { "the decision only" },
            c.tolerance_ppm
        );
    }
    Ok(())
}
