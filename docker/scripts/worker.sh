#!/bin/sh
# A worker container: waits for the demo model to be registered, imports its
# file, then serves it. TRIAD_URLS lists node RPC endpoints, tried in turn.
set -eu
urls=$(echo "$TRIAD_URLS" | tr ',' ' ')
url=${urls%% *}
until triad --url "$url" model show 0 >/dev/null 2>&1; do sleep 3; done
triad-worker --models-dir /data/models import /models/mlp_classifier.onnx >/dev/null
set --
for u in $urls; do set -- "$@" --url "$u"; done
exec triad-worker "$@" --dev-seed "$TRIAD_SEED" --models 0 --models-dir /data/models --state-dir /data/state \
    --metrics-port 9616 --metrics-external \
    --p2p-listen /ip4/0.0.0.0/tcp/30400 --p2p-public "/ip4/$(hostname -i | cut -d' ' -f1)/tcp/30400"
