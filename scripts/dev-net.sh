#!/usr/bin/env bash
# The main job: a local Triad network that takes inference jobs end to end.
#
#  1. builds and starts `triad-node --dev` (Alice validates; RPC ws://127.0.0.1:9944);
#  2. registers three models with the `triad` CLI: PP-OCRv4 text detection, a
#     pre-trained model from the PyPI package rapidocr-onnxruntime; a
#     generated feature classifier from inference/fixtures; and the int8
#     digits MLP of zk/fixtures (trained by scripts/digits.py), with a
#     Groth16 key: the CLI compiles it to a circuit and runs the setup;
#     each with calibration inputs;
#  3. starts four workers (Bob, Charlie, Dave, Eve) that run the models with
#     ONNX Runtime, pass probation and serve; only Bob is given the model
#     files, the others fetch them by hash over the data plane;
#  4. submits one job per model as Ferdie, prints the verified result, what
#     everyone was paid, and an audit of the task from chain data; the
#     digit goes in twice, once checked by three verifiers (LSH) and once
#     proved by one worker (Groth16, the proof checked on chain). The
#     detector's job is a 640x640 page of text the script renders: its input
#     (4.9 MB) and its probability map (1.6 MB) go over the data plane, and
#     the script checks that the map the client got back shows the text and
#     saves it as a picture ($net/det-map.png);
#  5. runs the explorer (`triad-explorer`, http://127.0.0.1:8090 unless
#     TRIAD_EXPLORER_ADDR says otherwise): it indexes the chain from genesis
#     into $net/explorer.db and serves a page per task, worker and model,
#     each task's audit re-derived from chain data.
#
# The network then keeps running for more `triad` commands until Ctrl-C;
# `./scripts/dev-net.sh --exit` stops it after the jobs instead.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/prereqs.sh"
cd "$triad_root"
keep_running=1
[ "${1:-}" = "--exit" ] && keep_running=0

triad_install_prereqs
triad_install_onnxruntime
# The same build as ./scripts/test.sh, so the two share every artifact.
cargo build --release --locked --workspace --all-targets --features "$TRIAD_FEATURES"
bin="${CARGO_TARGET_DIR:-$triad_root/target}/release"
net="$triad_root/.triad/devnet"
rm -rf "$net" && mkdir -p "$net/logs" "$net/inputs"
url=ws://127.0.0.1:9944
triad() { "$bin/triad" --url "$url" "$@"; }

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

echo "==> node (log: $net/logs/node.log)"
# Archive state: the explorer reads runtime APIs at every block since genesis.
"$bin/triad-node" --dev --tmp --rpc-cors all --no-telemetry --state-pruning archive >"$net/logs/node.log" 2>&1 &
pids+=($!)

# Calibration inputs small enough to travel inline: 3x32x32 patches of
# "text" (dark strokes on a light page, normalized as RapidOCR feeds its
# detector, which marks about a tenth of the pixels as text) and 64-feature
# rows for the classifier. The detector's job is a 640x640 page of text;
# the classifier's a third row.
"$triad_root/.triad/venv/bin/python" - "$net/inputs" "$triad_root/zk/fixtures/digits_test.bin" <<'PY'
import sys, numpy as np
out = sys.argv[1]
rng = np.random.default_rng(2026)
for i in range(2):
    page = np.full((32, 32), 0.95, np.float32)
    for n, x in enumerate(range(4, 28, 4)):
        page[10:10 + 5 + (n * 7 + i * 3) % 6, x:x + 2] = 0.1
    page[15 + i, 4:28] = 0.1
    img = np.stack([(page - 0.5) / 0.5] * 3)[None].astype(np.float32)
    np.save(f"{out}/det{i}.npy", img)
for i in range(3):
    np.save(f"{out}/mlp{i}.npy", rng.standard_normal((1, 64)).astype(np.float32))
digits = np.fromfile(sys.argv[2], np.uint8).reshape(-1, 65)
for i in range(3):
    np.save(f"{out}/digit{i}.npy", digits[i, 1:].reshape(1, 64))
print(f"the digit to classify is a {digits[2, 0]}")
PY
"$triad_root/.triad/venv/bin/python" "$triad_root/scripts/text_page.py" render "$net/inputs/page.npy" "$net/inputs/page-boxes.npy"
site="$("$triad_root/.triad/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
det="$site/rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx"
mlp="$triad_root/inference/fixtures/mlp_classifier.onnx"
digits="$triad_root/zk/fixtures/digits_mlp.onnx"

echo "==> registering models (each waits for finality)"
for _ in $(seq 60); do triad workers >/dev/null 2>&1 && break; sleep 1; done
det_id=$(triad --dev-seed alice model register "$det" --name ppocr-v4-det --version 4 --decision threshold:0.3 \
    --calibration "$net/inputs/det0.npy" "$net/inputs/det1.npy")
mlp_id=$(triad --dev-seed alice model register "$mlp" --name mlp-classifier \
    --calibration "$net/inputs/mlp0.npy" "$net/inputs/mlp1.npy")
digits_id=$(triad --dev-seed alice model register "$digits" --name digits-mlp-int8 --groth16 "$net/digits.pk" \
    --calibration "$net/inputs/digit0.npy" "$net/inputs/digit1.npy")
for m in "$det" "$mlp" "$digits" "$net/digits.pk"; do "$bin/triad-worker" --models-dir "$net/models/bob" import "$m" >/dev/null; done

explorer_addr="${TRIAD_EXPLORER_ADDR:-127.0.0.1:8090}"
echo "==> explorer at http://$explorer_addr (log: $net/logs/explorer.log)"
"$bin/triad-explorer" --node "$url" --db "sqlite://$net/explorer.db" --listen "$explorer_addr" >"$net/logs/explorer.log" 2>&1 &
pids+=($!)

echo "==> workers (logs: $net/logs/<name>.log, metrics: 127.0.0.1:9616..9619/metrics)"
port=9616
for w in bob charlie dave eve; do
    "$bin/triad-worker" --url "$url" --dev-seed "$w" --models "$det_id,$mlp_id,$digits_id" \
        --models-dir "$net/models/$w" --state-dir "$net/state/$w" --metrics-port "$port" \
        >"$net/logs/$w.log" 2>&1 &
    pids+=($!)
    port=$((port + 1))
done
for _ in $(seq 180); do
    [ "$(grep -l '"serving"\|serving' "$net"/logs/{bob,charlie,dave,eve}.log 2>/dev/null | wc -l)" = 4 ] && break
    sleep 1
done

for job in "$det_id:page.npy:" "$mlp_id:mlp2.npy:" "$digits_id:digit2.npy:" "$digits_id:digit2.npy:--groth16"; do
    IFS=: read -r model input mode <<<"$job"
    echo "==> job on model $model with $input ${mode:-(three verifiers)}"
    # shellcheck disable=SC2086
    triad --dev-seed ferdie submit --model "$model" --input "$net/inputs/$input" --wait $mode \
        --output "$net/output-$model$mode.npy" | tee "$net/result-$model$mode.txt"
    task=$(sed -n 's/^task \([0-9]*\) on model.*/\1/p' "$net/result-$model$mode.txt")
    triad audit "$task"
done
echo "==> the probability map the client got back for the page"
"$triad_root/.triad/venv/bin/python" "$triad_root/scripts/text_page.py" check \
    "$net/output-$det_id.npy" "$net/inputs/page-boxes.npy" "$net/det-map.png"
echo "==> workers"
triad workers
echo "==> explorer: http://$explorer_addr (the last task: http://$explorer_addr/task/$task)"

if [ "$keep_running" = 1 ]; then
    echo "==> the network keeps running; try: $bin/triad --dev-seed ferdie submit --model $mlp_id --input $net/inputs/mlp0.npy --wait"
    echo "    Ctrl-C stops it."
    wait
fi
