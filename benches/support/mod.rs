//! What the benchmarks share: reading this run's estimates back from criterion's output.

use std::path::{Path, PathBuf};

/// Criterion's median for benchmark `id` in this run (nanoseconds), if it ran. The median of
/// the samples' per-iteration times: on a shared machine, the estimate least moved by other
/// work (a burst in one sample shifts the mean, not the median).
pub fn median_ns(id: &str) -> Option<f64> {
    let path = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("criterion")
        .join(id)
        .join("new")
        .join("estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}
