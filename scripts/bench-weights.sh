#!/usr/bin/env bash
# Measures the Triad pallets' calls with frame-omni-bencher and writes each
# pallet's weights.rs from scripts/weights.hbs. Run on the reference machine
# after changing a call or its benchmark; the result is committed.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/prereqs.sh"
cd "$triad_root"

triad_install_prereqs
tools="${TRIAD_TOOLS:-/var/cache/triad/tools}"
bencher="$tools/bin/frame-omni-bencher"
if [ ! -x "$bencher" ]; then
    # 0.28 is the release that matches polkadot-sdk stable2609.
    cargo install frame-omni-bencher@0.28.0 --locked --root "$tools"
fi
# The same build as ./scripts/test.sh, so nothing is compiled twice.
cargo build --release --locked --workspace --all-targets --features "$TRIAD_FEATURES"
target_dir="${CARGO_TARGET_DIR:-$triad_root/target}"
wasm="$target_dir/release/wbuild/triad-runtime/triad_runtime.compact.compressed.wasm"

# The runtime imports the node's `tee_quotes` host function, which the bencher
# lacks: it is allowed missing, and `pallet_triad_attestation`, whose `attest`
# calls it, keeps weights derived from native timings (see its weights.rs).
for pallet in models workers reputation tasks validators; do
    "$bencher" v1 benchmark pallet \
        --runtime "$wasm" \
        --allow-missing-host-functions \
        --pallet "pallet_triad_$pallet" \
        --extrinsic '*' \
        --steps "${TRIAD_BENCH_STEPS:-50}" --repeat "${TRIAD_BENCH_REPEAT:-20}" \
        --template scripts/weights.hbs \
        --output "pallets/$pallet/src/weights.rs"
done
# The template's output, in the workspace's one formatting.
cargo fmt --all
