#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu host needs to build Triad. Sourced by the
# other scripts; safe to run again, each step is skipped when already satisfied.
set -euo pipefail

triad_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

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
