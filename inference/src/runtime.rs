//! The process-wide ONNX Runtime environment and model sessions.

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicBool, Ordering},
        mpsc, Arc, OnceLock,
    },
    time::Duration,
};

use ort::{
    environment::Environment,
    session::{builder::GraphOptimizationLevel, RunOptions, Session, SessionInputValue},
    value::{Tensor, TensorElementType, ValueType},
};

use crate::{DType, Data, InferenceError, TensorData, TensorSpec};

/// ONNX Runtime allows one environment per process; every session shares it.
static ENVIRONMENT: OnceLock<Environment> = OnceLock::new();

/// Where the ONNX Runtime library is: `ORT_DYLIB_PATH` if set, else the copy
/// `scripts/prereqs.sh` puts in `.triad/onnxruntime/` of this checkout.
pub fn dylib_path() -> Result<PathBuf, InferenceError> {
    if let Ok(path) = std::env::var("ORT_DYLIB_PATH") {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(InferenceError::DylibNotFound(format!("ORT_DYLIB_PATH={}", path.display())))
        };
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.triad/onnxruntime/libonnxruntime.so");
    if local.is_file() {
        return Ok(local);
    }
    Err(InferenceError::DylibNotFound(format!("ORT_DYLIB_PATH (unset), {}", local.display())))
}

/// Loads ONNX Runtime once per process. Later calls return the same environment.
pub fn init() -> Result<&'static Environment, InferenceError> {
    if let Some(env) = ENVIRONMENT.get() {
        return Ok(env);
    }
    let path = dylib_path()?;
    let load_err = |reason: String| InferenceError::DylibLoad { path: path.display().to_string(), reason };
    let env = ort::init_from(&path)
        .map_err(|e| load_err(e.to_string()))?
        .with_name("triad")
        .build()
        .map_err(|e| load_err(e.to_string()))?;
    // Another thread may have won the race; its environment is equivalent.
    let _ = ENVIRONMENT.set(env);
    Ok(ENVIRONMENT.get().expect("set above; qed"))
}

/// ONNX Runtime graph optimization levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimization {
    /// No graph rewrites.
    Disable,
    /// Constant folding and redundant-node removal.
    Basic,
    /// Plus operator fusions.
    Extended,
    /// Every optimization, including layout changes.
    All,
}

impl Optimization {
    fn level(self) -> GraphOptimizationLevel {
        match self {
            Optimization::Disable => GraphOptimizationLevel::Disable,
            Optimization::Basic => GraphOptimizationLevel::Level1,
            Optimization::Extended => GraphOptimizationLevel::Level2,
            Optimization::All => GraphOptimizationLevel::All,
        }
    }
}

/// How a session runs. Both fields change float results in their last bits,
/// so they are always set explicitly and logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Threads inside one operator.
    pub intra_threads: usize,
    /// Graph optimization level.
    pub optimization: Optimization,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { intra_threads: 1, optimization: Optimization::All }
    }
}

/// A loaded model: one ONNX Runtime session with fixed settings.
pub struct Model {
    session: Session,
    inputs: Vec<TensorSpec>,
    outputs: Vec<TensorSpec>,
    hash: [u8; 32],
    settings: Settings,
}

fn spec(kind: &'static str, name: &str, ty: &ValueType) -> Result<TensorSpec, InferenceError> {
    let unsupported = || InferenceError::UnsupportedType { kind, name: name.to_string(), found: format!("{ty:?}") };
    match ty {
        ValueType::Tensor { ty: elem, shape, .. } => {
            let dtype = match elem {
                TensorElementType::Float32 => DType::F32,
                TensorElementType::Int64 => DType::I64,
                TensorElementType::Uint8 => DType::U8,
                _ => return Err(unsupported()),
            };
            Ok(TensorSpec { name: name.to_string(), dtype, shape: shape.to_vec() })
        },
        _ => Err(unsupported()),
    }
}

impl Model {
    /// Loads an ONNX file.
    pub fn load(path: impl AsRef<Path>, settings: Settings) -> Result<Self, InferenceError> {
        let path = path.as_ref();
        let bytes =
            std::fs::read(path).map_err(|source| InferenceError::ReadModel { path: path.display().to_string(), source })?;
        Self::from_bytes(&bytes, settings)
    }

    /// Loads a model from its bytes.
    pub fn from_bytes(bytes: &[u8], settings: Settings) -> Result<Self, InferenceError> {
        let env = init()?;
        let malformed = |e: ort::Error| InferenceError::MalformedModel(e.to_string());
        let session = Session::builder(env)
            .map_err(malformed)?
            .with_intra_threads(settings.intra_threads.max(1))
            .map_err(|e| InferenceError::MalformedModel(e.to_string()))?
            .with_inter_threads(1)
            .map_err(|e| InferenceError::MalformedModel(e.to_string()))?
            .with_optimization_level(settings.optimization.level())
            .map_err(|e| InferenceError::MalformedModel(e.to_string()))?
            .commit_from_memory(bytes)
            .map_err(malformed)?;
        let inputs = session.inputs().iter().map(|o| spec("input", o.name(), o.dtype())).collect::<Result<_, _>>()?;
        let outputs = session.outputs().iter().map(|o| spec("output", o.name(), o.dtype())).collect::<Result<_, _>>()?;
        Ok(Model { session, inputs, outputs, hash: *blake3::hash(bytes).as_bytes(), settings })
    }

    /// The `blake3` hash of the model file, as the registry stores it.
    pub fn hash(&self) -> [u8; 32] {
        self.hash
    }

    /// Declared inputs, in order.
    pub fn inputs(&self) -> &[TensorSpec] {
        &self.inputs
    }

    /// Declared outputs, in order.
    pub fn outputs(&self) -> &[TensorSpec] {
        &self.outputs
    }

    /// The session settings.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// One line for logs: hash prefix, settings and schema.
    pub fn describe(&self) -> String {
        let hex: String = self.hash[..6].iter().map(|b| format!("{b:02x}")).collect();
        let io = |specs: &[TensorSpec]| {
            specs.iter().map(|s| format!("{}:{:?}{:?}", s.name, s.dtype, s.shape)).collect::<Vec<_>>().join(", ")
        };
        format!(
            "model {hex}… intra_threads={} optimization={:?} inputs=[{}] outputs=[{}]",
            self.settings.intra_threads,
            self.settings.optimization,
            io(&self.inputs),
            io(&self.outputs)
        )
    }

    /// Checks inputs against the declared schema without running anything.
    pub fn check_inputs(&self, inputs: &[TensorData]) -> Result<(), InferenceError> {
        check_inputs(&self.inputs, inputs)
    }

    /// Runs the model on inputs given in declaration order; returns every output.
    pub fn run(&mut self, inputs: &[TensorData]) -> Result<Vec<TensorData>, InferenceError> {
        self.run_inner(inputs, None)
    }

    /// [`Model::run`], stopped by ONNX Runtime's terminate flag once `budget`
    /// has passed: a run that would take longer ends with
    /// [`InferenceError::TimedOut`], and the session is free again at once.
    pub fn run_within(&mut self, inputs: &[TensorData], budget: Duration) -> Result<Vec<TensorData>, InferenceError> {
        self.run_inner(inputs, Some(budget))
    }

    fn run_inner(&mut self, inputs: &[TensorData], budget: Option<Duration>) -> Result<Vec<TensorData>, InferenceError> {
        self.check_inputs(inputs)?;
        let run_err = |e: ort::Error| InferenceError::Run(e.to_string());
        let mut feed: Vec<(String, SessionInputValue<'_>)> = Vec::with_capacity(inputs.len());
        for (spec, t) in self.inputs.iter().zip(inputs) {
            let shape = t.shape.clone();
            let value: SessionInputValue<'_> = match &t.data {
                Data::F32(v) => Tensor::from_array((shape, v.clone())).map_err(run_err)?.into(),
                Data::I64(v) => Tensor::from_array((shape, v.clone())).map_err(run_err)?.into(),
                Data::U8(v) => Tensor::from_array((shape, v.clone())).map_err(run_err)?.into(),
            };
            feed.push((spec.name.clone(), value));
        }
        let options = Arc::new(RunOptions::new().map_err(run_err)?);
        let (done, finished) = mpsc::channel::<()>();
        let fired = Arc::new(AtomicBool::new(false));
        let watchdog = budget.map(|budget| {
            let (options, fired) = (options.clone(), fired.clone());
            std::thread::spawn(move || {
                if finished.recv_timeout(budget) == Err(mpsc::RecvTimeoutError::Timeout) {
                    fired.store(true, Ordering::SeqCst);
                    let _ = options.terminate();
                }
            })
        });
        let ran = self.session.run_with_options(feed, &*options);
        drop(done);
        if let Some(w) = watchdog {
            let _ = w.join();
        }
        let outputs = match ran {
            Err(_) if fired.load(Ordering::SeqCst) => {
                return Err(InferenceError::TimedOut { budget_ms: budget.unwrap_or_default().as_millis() as u64 })
            },
            other => other.map_err(run_err)?,
        };
        let mut result = Vec::with_capacity(self.outputs.len());
        for spec in &self.outputs {
            let value = &outputs[spec.name.as_str()];
            let tensor = match spec.dtype {
                DType::F32 => {
                    let (shape, data) = value.try_extract_tensor::<f32>().map_err(run_err)?;
                    TensorData { shape: dims(shape), data: Data::F32(data.to_vec()) }
                },
                DType::I64 => {
                    let (shape, data) = value.try_extract_tensor::<i64>().map_err(run_err)?;
                    TensorData { shape: dims(shape), data: Data::I64(data.to_vec()) }
                },
                DType::U8 => {
                    let (shape, data) = value.try_extract_tensor::<u8>().map_err(run_err)?;
                    TensorData { shape: dims(shape), data: Data::U8(data.to_vec()) }
                },
            };
            result.push(tensor);
        }
        Ok(result)
    }
}

/// Checks inputs against a declared schema: count, element types, shapes
/// (`-1` matches any size) and element counts. Clients run it before they
/// pay for a job; workers run it again before ONNX Runtime sees the input.
pub fn check_inputs(specs: &[TensorSpec], inputs: &[TensorData]) -> Result<(), InferenceError> {
    if inputs.len() != specs.len() {
        return Err(InferenceError::InputCount { expected: specs.len(), found: inputs.len() });
    }
    for (spec, t) in specs.iter().zip(inputs) {
        if t.dtype() != spec.dtype {
            return Err(InferenceError::InputType { name: spec.name.clone(), expected: spec.dtype, found: t.dtype() });
        }
        let fits = t.shape.len() == spec.shape.len()
            && spec.shape.iter().zip(&t.shape).all(|(want, got)| *want < 0 || *want as usize == *got);
        if !fits {
            return Err(InferenceError::InputShape {
                name: spec.name.clone(),
                expected: spec.shape.clone(),
                found: t.shape.clone(),
            });
        }
        if t.shape.iter().product::<usize>() != t.len() {
            return Err(InferenceError::ElementCount { elements: t.len(), shape: t.shape.clone() });
        }
    }
    Ok(())
}

fn dims(shape: &[i64]) -> Vec<usize> {
    shape.iter().map(|d| *d as usize).collect()
}
