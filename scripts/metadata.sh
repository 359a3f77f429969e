#!/usr/bin/env bash
# Rewrites client/metadata/triad.scale from the runtime in this checkout, so
# the subxt code of triad-client matches it. Run after changing the runtime.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/prereqs.sh"
cd "$triad_root"
TRIAD_WRITE_METADATA=1 cargo test --release --locked --workspace --features "$TRIAD_FEATURES" \
    --test metadata
echo "client/metadata/triad.scale updated; rebuild triad-client"
