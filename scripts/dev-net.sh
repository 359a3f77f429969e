#!/usr/bin/env bash
# Runs a single-validator development chain (Alice, BABE + GRANDPA) on
# ws/http://127.0.0.1:9944. Blocks are produced and finalized on their own.
# Extra arguments go to `triad-node`, e.g. `./scripts/dev-net.sh --tmp`.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/prereqs.sh"
cd "$triad_root"

triad_install_prereqs
cargo build --release --locked -p triad-node --features "$TRIAD_FEATURES"
target_dir="${CARGO_TARGET_DIR:-$triad_root/target}"
exec "$target_dir/release/triad-node" --dev --rpc-cors all "$@"
