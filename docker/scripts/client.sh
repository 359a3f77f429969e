#!/bin/sh
# The client container: registers the demo model (as Alice, once), then
# submits a job every few seconds as Ferdie and prints what settled.
set -eu
until triad --url "$TRIAD_URL" workers >/dev/null 2>&1; do sleep 3; done
if ! triad --url "$TRIAD_URL" model show 0 >/dev/null 2>&1; then
    triad --url "$TRIAD_URL" --dev-seed alice model register /models/mlp_classifier.onnx --name mlp-classifier \
        --calibration /fixtures/calib0.npy /fixtures/calib1.npy
fi
while true; do
    triad --url "$TRIAD_URL" --dev-seed ferdie submit --model 0 --input /fixtures/job.npy --wait || true
    sleep "${TRIAD_JOB_INTERVAL:-10}"
done
