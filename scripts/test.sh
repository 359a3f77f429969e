#!/usr/bin/env bash
# Builds the workspace once, in release, and runs every test: unit tests of each
# crate and the integration tests that drive a real `triad-node`.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/prereqs.sh"
cd "$triad_root"

triad_phase prerequisites triad_install_prereqs
# The inference tests and the calibration harness load the real ONNX Runtime.
triad_phase onnxruntime triad_install_onnxruntime
rustc -V
# One formatting (rustfmt.toml); a few seconds, and it fails before the build.
triad_phase format cargo fmt --all --check
# One profile, one feature resolution: `--all-targets` resolves features the
# same way `cargo test` does, so the test step below reuses every artifact and
# the integration tests find the `triad-node` binary next to them.
triad_phase build cargo build --release --locked --workspace --all-targets --features "$TRIAD_FEATURES"
triad_phase test cargo test --release --locked --workspace --features "$TRIAD_FEATURES" -- --nocapture

echo "==> phase wall times"
printf '    %s\n' "${TRIAD_PHASE_TIMES[@]}"
