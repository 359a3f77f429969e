//! Job inputs and outputs as files: NumPy `.npy` arrays and KServe v2 JSON.
//!
//! A `.npy` file holds one array, so it feeds a model with one input. A JSON
//! file is a KServe v2 inference request (`{"inputs": [{"name", "shape",
//! "datatype", "data"}]}`), the format inference servers already speak, and
//! can feed any number of inputs. Outputs are written as a KServe v2 response.

use std::path::Path;

use serde::{Deserialize, Serialize};

use triad_verifier::{DType, Data, TensorData};

use crate::{wire::NamedTensor, TensorSpec};

/// Why an input file cannot be read as tensors.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Neither `.npy` nor `.json`.
    #[error("{0}: input files must be .npy or .json (KServe v2)")]
    UnknownFormat(String),
    /// The `.npy` header or body is malformed.
    #[error("{path} is not a valid .npy file: {reason}")]
    Npy {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The array's element type is not one Triad models take.
    #[error("{path}: element type {descr} is not supported (use float32, int64 or uint8)")]
    NpyType {
        /// The file.
        path: String,
        /// NumPy type string.
        descr: String,
    },
    /// A `.npy` file feeds one input, but the model has several.
    #[error("the model has {0} inputs; give them in a KServe v2 .json file")]
    NpyNeedsOneInput(usize),
    /// The JSON is malformed or not a KServe v2 request.
    #[error("{path} is not a KServe v2 request: {reason}")]
    Json {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

#[derive(Serialize, Deserialize)]
struct KServeTensor {
    name: String,
    shape: Vec<usize>,
    datatype: String,
    data: serde_json::Value,
}

#[derive(Deserialize)]
struct KServeRequest {
    #[serde(alias = "outputs")]
    inputs: Vec<KServeTensor>,
}

#[derive(Serialize)]
struct KServeResponse<'a> {
    model_name: &'a str,
    outputs: Vec<KServeTensor>,
}

/// Reads a job input file for a model with the given inputs.
pub fn read_input(path: &Path, inputs: &[TensorSpec]) -> Result<Vec<NamedTensor>, FileError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| FileError::Read { path: shown.clone(), source })?;
    match path.extension().and_then(|e| e.to_str()) {
        Some("npy") => {
            let [spec] = inputs else { return Err(FileError::NpyNeedsOneInput(inputs.len())) };
            Ok(vec![NamedTensor { name: spec.name.clone(), tensor: read_npy(&shown, &bytes)? }])
        },
        Some("json") => read_kserve(&shown, &bytes),
        _ => Err(FileError::UnknownFormat(shown)),
    }
}

fn read_npy(path: &str, bytes: &[u8]) -> Result<TensorData, FileError> {
    let npy_err = |reason: String| FileError::Npy { path: path.to_string(), reason };
    let file = npyz::NpyFile::new(bytes).map_err(|e| npy_err(e.to_string()))?;
    if file.order() != npyz::Order::C {
        return Err(npy_err("Fortran-ordered arrays are not supported; save with np.ascontiguousarray".into()));
    }
    let shape: Vec<usize> = file.shape().iter().map(|d| *d as usize).collect();
    let descr = match file.dtype() {
        npyz::DType::Plain(ts) => ts.to_string(),
        other => other.descr(),
    };
    let data = match descr.as_str() {
        "<f4" => Data::F32(file.into_vec::<f32>().map_err(|e| npy_err(e.to_string()))?),
        "<i8" => Data::I64(file.into_vec::<i64>().map_err(|e| npy_err(e.to_string()))?),
        "|u1" => Data::U8(file.into_vec::<u8>().map_err(|e| npy_err(e.to_string()))?),
        _ => return Err(FileError::NpyType { path: path.to_string(), descr }),
    };
    Ok(TensorData { shape, data })
}

fn read_kserve(path: &str, bytes: &[u8]) -> Result<Vec<NamedTensor>, FileError> {
    let json_err = |reason: String| FileError::Json { path: path.to_string(), reason };
    let request: KServeRequest = serde_json::from_slice(bytes).map_err(|e| json_err(e.to_string()))?;
    request
        .inputs
        .into_iter()
        .map(|t| {
            let flat = flatten(&t.data);
            let bad = |what: &str| json_err(format!("input '{}': {what}", t.name));
            let data = match t.datatype.as_str() {
                "FP32" => Data::F32(
                    flat.iter()
                        .map(|v| v.as_f64().map(|x| x as f32))
                        .collect::<Option<_>>()
                        .ok_or_else(|| bad("data must be numbers"))?,
                ),
                "INT64" => {
                    Data::I64(flat.iter().map(|v| v.as_i64()).collect::<Option<_>>().ok_or_else(|| bad("data must be integers"))?)
                },
                "UINT8" => Data::U8(
                    flat.iter()
                        .map(|v| v.as_u64().and_then(|x| u8::try_from(x).ok()))
                        .collect::<Option<_>>()
                        .ok_or_else(|| bad("data must be integers 0..=255"))?,
                ),
                other => return Err(bad(&format!("datatype {other} is not supported (FP32, INT64, UINT8)"))),
            };
            Ok(NamedTensor { name: t.name, tensor: TensorData { shape: t.shape, data } })
        })
        .collect()
}

// KServe allows the data as a flat list or nested by dimension.
fn flatten(v: &serde_json::Value) -> Vec<&serde_json::Value> {
    match v {
        serde_json::Value::Array(items) => items.iter().flat_map(flatten).collect(),
        other => vec![other],
    }
}

/// Reads the tensors of a KServe v2 response, as [`kserve_response`] writes it.
pub fn read_output(path: &Path) -> Result<Vec<NamedTensor>, FileError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| FileError::Read { path: shown.clone(), source })?;
    read_kserve(&shown, &bytes)
}

/// A KServe v2 response body for `outputs` named after the model's outputs.
pub fn kserve_response(model_name: &str, outputs: &[NamedTensor]) -> String {
    let outputs = outputs
        .iter()
        .map(|t| {
            let (datatype, data) = match &t.tensor.data {
                Data::F32(v) => ("FP32", serde_json::json!(v)),
                Data::I64(v) => ("INT64", serde_json::json!(v)),
                Data::U8(v) => ("UINT8", serde_json::json!(v)),
            };
            KServeTensor { name: t.name.clone(), shape: t.tensor.shape.clone(), datatype: datatype.into(), data }
        })
        .collect();
    serde_json::to_string_pretty(&KServeResponse { model_name, outputs }).expect("plain data serializes")
}

/// A tensor as a NumPy `.npy` file (format 1.0, little-endian, C order).
pub fn npy_bytes(t: &TensorData) -> Vec<u8> {
    let descr = match t.dtype() {
        DType::F32 => "<f4",
        DType::I64 => "<i8",
        DType::U8 => "|u1",
    };
    let dims: Vec<String> = t.shape.iter().map(|d| d.to_string()).collect();
    let shape = if dims.len() == 1 { format!("({},)", dims[0]) } else { format!("({})", dims.join(", ")) };
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    // The header is padded so the data starts on a 64-byte boundary.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend((header.len() as u16).to_le_bytes());
    out.extend(header.as_bytes());
    match &t.data {
        Data::F32(v) => out.extend(v.iter().flat_map(|x| x.to_le_bytes())),
        Data::I64(v) => out.extend(v.iter().flat_map(|x| x.to_le_bytes())),
        Data::U8(v) => out.extend(v),
    }
    out
}

/// The KServe v2 name of an element type.
pub fn kserve_datatype(dtype: DType) -> &'static str {
    match dtype {
        DType::F32 => "FP32",
        DType::I64 => "INT64",
        DType::U8 => "UINT8",
    }
}
