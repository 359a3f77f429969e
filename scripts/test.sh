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
# The explorer's browser and generic-client tools install beside the build,
# which keeps both cores busy while apt and pip mostly wait on the network.
tools_log="$(mktemp)"
triad_install_explorer_tools >"$tools_log" 2>&1 &
tools=$!
triad_phase build cargo build --release --locked --workspace --all-targets --features "$TRIAD_FEATURES"
tools_rc=0
triad_phase explorer-tools wait "$tools" || tools_rc=$?
[ "$tools_rc" = 0 ] || { cat "$tools_log"; echo "installing the explorer's test tools failed"; exit "$tools_rc"; }
# The validator images, from the binaries just built; the fault tests run them.
triad_phase images bash docker/build.sh
# The fault tests of a four-validator network (tests/validators.rs) mostly wait
# for blocks, so they run beside the rest rather than after it.
# The test binary is run directly, so the other `cargo test` need not wait
# for cargo's lock on the target directory.
faults_bin="$(cargo test --release --locked --workspace --features "$TRIAD_FEATURES" --test validators --no-run 2>&1 |
    sed -n 's/.*Executable tests\/validators.rs (\(.*\))/\1/p')"
[ -x "$faults_bin" ] || { echo "the fault test binary was not built"; exit 1; }
faults_log="$(mktemp)"
"$faults_bin" --nocapture >"$faults_log" 2>&1 &
faults=$!
triad_phase test cargo test --release --locked --workspace --features "$TRIAD_FEATURES" -- --nocapture \
    --skip four_validators_survive_faults
faults_rc=0
triad_phase faults wait "$faults" || faults_rc=$?
echo "==> fault tests (tests/validators.rs)"
cat "$faults_log"
[ "$faults_rc" = 0 ] || { echo "fault tests failed"; exit "$faults_rc"; }

echo "==> phase wall times"
printf '    %s\n' "${TRIAD_PHASE_TIMES[@]}"
