//! Prometheus metrics of a worker, served on `/metrics`.

use polkadot_sdk::substrate_prometheus_endpoint::{
    exponential_buckets, register, CounterVec, Histogram, HistogramOpts, Opts, PrometheusError, Registry, U64,
};

/// The worker's metrics.
#[derive(Clone)]
pub struct Metrics {
    /// Tasks whose seat this worker acted on, by role and step.
    pub served: CounterVec<U64>,
    /// Wall time of one inference.
    pub inference_seconds: Histogram,
    /// Wall time of one fingerprint.
    pub fingerprint_seconds: Histogram,
    /// Transactions the chain refused or failed, by call.
    pub failures: CounterVec<U64>,
}

impl Metrics {
    /// Registers the metrics in `registry`.
    pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
        let buckets = exponential_buckets(1e-6, 4.0, 14)?;
        Ok(Metrics {
            served: register(
                CounterVec::new(
                    Opts::new("triad_worker_tasks_served_total", "Seats acted on, by role and step"),
                    &["role", "step"],
                )?,
                registry,
            )?,
            inference_seconds: register(
                Histogram::with_opts(
                    HistogramOpts::new("triad_worker_inference_seconds", "Time of one ONNX Runtime inference")
                        .buckets(buckets.clone()),
                )?,
                registry,
            )?,
            fingerprint_seconds: register(
                Histogram::with_opts(
                    HistogramOpts::new("triad_worker_fingerprint_seconds", "Time of one LSH fingerprint").buckets(buckets),
                )?,
                registry,
            )?,
            failures: register(
                CounterVec::new(Opts::new("triad_worker_failures_total", "Transactions refused or failed, by call"), &["call"])?,
                registry,
            )?,
        })
    }
}
