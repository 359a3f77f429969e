#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu host needs to build Triad. Sourced by the
# other scripts; safe to run again, each step is skipped when already satisfied.
set -euo pipefail

triad_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# One feature set for every build (node, tests, benchmarks), so nothing is
# compiled twice: the pallets' benchmarks run as tests, and the runtime carries
# the benchmarking API that scripts/bench-weights.sh drives. `recorded-quotes`
# adds the test-only `Attestation::attest_recorded`, through which the
# end-to-end tests attest workers with quotes recorded on real TEE hardware;
# a production build leaves out both features (see README).
TRIAD_FEATURES="triad-node/runtime-benchmarks,triad-runtime/runtime-benchmarks,pallet-triad-models/runtime-benchmarks,pallet-triad-workers/runtime-benchmarks,pallet-triad-reputation/runtime-benchmarks,pallet-triad-tasks/runtime-benchmarks,pallet-triad-validators/runtime-benchmarks,pallet-triad-attestation/runtime-benchmarks,triad-runtime/recorded-quotes,pallet-triad-attestation/recorded-quotes"

triad_sudo() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

triad_install_prereqs() {
    local missing=()
    command -v protoc >/dev/null || missing+=(protobuf-compiler)
    command -v clang >/dev/null || missing+=(clang)
    # bindgen (used by the WASM builder's dependencies) needs libclang itself.
    ldconfig -p 2>/dev/null | grep -q 'libclang' || missing+=(libclang-dev)
    command -v curl >/dev/null || missing+=(curl ca-certificates)
    if [ "${#missing[@]}" -gt 0 ] || [ "${TRIAD_FORCE_APT:-0}" = 1 ]; then
        triad_sudo apt-get update
        triad_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y \
            protobuf-compiler clang libclang-dev curl ca-certificates
    fi

    if ! command -v rustup >/dev/null; then
        curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
        # shellcheck disable=SC1091
        . "$HOME/.cargo/env"
    fi
    # rust-toolchain.toml names the channel; these make sure the runtime's
    # WASM target and the std sources for `-Z build-std` are present.
    (cd "$triad_root" && rustup target add wasm32-unknown-unknown && rustup component add rust-src)
}

# ONNX Runtime's shared library comes from the PyPI `onnxruntime` wheel (ort
# loads it at run time: `load-dynamic`), and the Python tools that generate
# and perturb test models come from PyPI too. Everything lands in .triad/.
TRIAD_ORT_VERSION=1.32.0
triad_install_venv() {
    local home="$triad_root/.triad"
    if [ ! -x "$home/venv/bin/python" ]; then
        python3 -m venv "$home/venv" 2>/dev/null || {
            triad_sudo apt-get update
            triad_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv
            python3 -m venv "$home/venv"
        }
    fi
}

triad_install_onnxruntime() {
    local home="$triad_root/.triad"
    local lib="$home/onnxruntime/libonnxruntime.so.$TRIAD_ORT_VERSION"
    triad_install_venv
    # The wheels are only unpacked for their files (the runtime library, the
    # pre-trained OCR models), so their own dependencies are not needed.
    "$home/venv/bin/pip" install -q --disable-pip-version-check \
        numpy==2.4.6 onnx==1.19.1 protobuf pillow==11.3.0
    "$home/venv/bin/pip" install -q --disable-pip-version-check --no-deps \
        "onnxruntime==$TRIAD_ORT_VERSION" rapidocr-onnxruntime==1.4.4
    if [ ! -f "$lib" ]; then
        local site
        site="$("$home/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
        mkdir -p "$home/onnxruntime"
        cp "$site/onnxruntime/capi/libonnxruntime.so.$TRIAD_ORT_VERSION" "$lib"
        ln -sf "$(basename "$lib")" "$home/onnxruntime/libonnxruntime.so"
    fi
    export ORT_DYLIB_PATH="${ORT_DYLIB_PATH:-$lib}"
    echo "ONNX Runtime: $ORT_DYLIB_PATH"
}

# The explorer's browser tests: headless Chromium and its WebDriver from
# Debian, Selenium to drive them, and substrate-interface, a client that
# knows nothing of Triad, to read the chain from its metadata alone.
triad_install_explorer_tools() {
    if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
        triad_sudo apt-get update
        triad_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
    fi
    triad_install_venv
    "$triad_root/.triad/venv/bin/pip" install -q --disable-pip-version-check selenium==4.27.1 substrate-interface==1.8.1
}

# Prints "<label>: <seconds>s" after running a command, so logs show where time goes.
triad_phase() {
    local label="$1"; shift
    local start end
    start=$(date +%s)
    echo "==> [$label] $*"
    "$@"
    end=$(date +%s)
    echo "==> [$label] done in $((end - start))s"
    TRIAD_PHASE_TIMES+=("$label: $((end - start))s")
}
TRIAD_PHASE_TIMES=()
