//! Prometheus metrics of a worker, served on `/metrics`.

use polkadot_sdk::substrate_prometheus_endpoint::{
    exponential_buckets, register, Counter, CounterVec, Histogram, HistogramOpts, Opts, PrometheusError, Registry, U64,
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
    /// Time to prove one job of a proved task.
    pub prove_seconds: Histogram,
    /// Transactions the chain refused or failed, by call.
    pub failures: CounterVec<U64>,
    /// Data plane: stream bytes served to other peers.
    pub served_bytes: Counter<U64>,
    /// Data plane: blob bytes fetched and verified.
    pub fetched_bytes: Counter<U64>,
    /// Data plane: transfers refused because the bytes did not match the hash.
    pub refused: Counter<U64>,
    /// Data plane: off-chain inputs no source delivered in time.
    pub unavailable: Counter<U64>,
    /// Data plane: time from the first request to a verified input.
    pub fetch_seconds: Histogram,
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
            prove_seconds: register(
                Histogram::with_opts(
                    HistogramOpts::new("triad_worker_prove_seconds", "Time to prove one job with Groth16")
                        .buckets(vec![0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0]),
                )?,
                registry,
            )?,
            failures: register(
                CounterVec::new(Opts::new("triad_worker_failures_total", "Transactions refused or failed, by call"), &["call"])?,
                registry,
            )?,
            served_bytes: counter("triad_dataplane_served_bytes_total", "Stream bytes served to other peers", registry)?,
            fetched_bytes: counter("triad_dataplane_fetched_bytes_total", "Blob bytes fetched and verified", registry)?,
            refused: counter("triad_dataplane_refused_total", "Transfers refused: bytes that did not match the hash", registry)?,
            unavailable: counter("triad_dataplane_unavailable_total", "Off-chain inputs no source delivered in time", registry)?,
            fetch_seconds: register(
                Histogram::with_opts(
                    HistogramOpts::new("triad_dataplane_fetch_seconds", "Time to a fetched, verified input")
                        .buckets(exponential_buckets(1e-3, 4.0, 10)?),
                )?,
                registry,
            )?,
        })
    }

    /// Adds what the data plane moved since `last` to the counters.
    pub fn observe_plane(&self, now: triad_dataplane::Stats, last: &mut triad_dataplane::Stats) {
        self.served_bytes.inc_by(now.served_bytes.saturating_sub(last.served_bytes));
        self.fetched_bytes.inc_by(now.fetched_bytes.saturating_sub(last.fetched_bytes));
        self.refused.inc_by(now.refused.saturating_sub(last.refused));
        *last = now;
    }
}

fn counter(name: &str, help: &str, registry: &Registry) -> Result<Counter<U64>, PrometheusError> {
    register(Counter::new(name, help)?, registry)
}
