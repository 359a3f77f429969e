#!/usr/bin/env bash
# Measures the verifier's false-accept and false-reject rates on real ONNX
# models: the committed generated fixtures and the pre-trained PP-OCR models
# shipped in the PyPI package rapidocr-onnxruntime. Prints Markdown tables.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/prereqs.sh"
cd "$triad_root"

triad_install_prereqs
triad_install_onnxruntime
models="$triad_root/.triad/models"
mkdir -p "$models"
site="$(.triad/venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
cp inference/fixtures/*.onnx "$models/"
cp "$site/rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx" "$models/ppocr_cls.onnx"
cp "$site/rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx" "$models/ppocr_rec.onnx"
cp "$site/rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx" "$models/ppocr_det.onnx"
for m in mlp_classifier conv_filter ppocr_cls ppocr_rec ppocr_det; do
    for rel in 1e-2 1e-1; do
        [ -f "$models/$m.w$rel.onnx" ] || .triad/venv/bin/python scripts/models.py perturb "$models/$m.onnx" "$models/$m.w$rel.onnx" "$rel"
    done
done
# The same build as ./scripts/test.sh (one profile, one feature set), so a
# tree already tested compiles nothing here.
cargo build --release --locked --workspace --all-targets --features "$TRIAD_FEATURES"
"${CARGO_TARGET_DIR:-$triad_root/target}/release/triad-calibration" --models "$models" "$@"
