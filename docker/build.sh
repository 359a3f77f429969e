#!/usr/bin/env bash
# Builds Triad's container images from the binaries `cargo build` made, with
# nothing pulled from a registry: each image is `FROM scratch` with its
# binaries, the shared libraries `ldd` says they load (glibc, libstdc++ for
# ONNX Runtime), the host's root certificates (the node's network stack
# loads them), the directories they write to, and a static busybox from
# Debian's `busybox-static` package for the shell, `wget` health checks and
# scripts of docker/compose.yml. The images therefore run exactly the
# binaries the tests ran, built with the workspace's one feature set.
#
#   docker/build.sh            # triad-node, triad-worker and triad, tagged :local
#
# Environment: CARGO_TARGET_DIR (where the release binaries are), ORT_DYLIB_PATH
# (the ONNX Runtime library the worker image carries; prereqs.sh sets it).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/prereqs.sh"
cd "$triad_root"
[ -n "${ORT_DYLIB_PATH:-}" ] || triad_install_onnxruntime >/dev/null
bin="${CARGO_TARGET_DIR:-$triad_root/target}/release"
tag="${TRIAD_IMAGE_TAG:-local}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Copies a file and every library it links, at their paths, under $1.
with_libs() {
    local root="$1"; shift
    local f lib
    for f in "$@"; do
        install -D -m 0755 "$f" "$root/usr/local/bin/$(basename "$f")"
        for lib in $(ldd "$f" | grep -o '/[^ ]*'); do
            install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
        done
    done
}

# A static busybox, from Debian's package, kept in .triad/docker.
busybox="$triad_root/.triad/docker/busybox"
if [ ! -x "$busybox" ]; then
    mkdir -p "$work/deb" "$(dirname "$busybox")"
    (cd "$work/deb" && apt-get download busybox-static >/dev/null 2>&1 || {
        triad_sudo apt-get update >/dev/null && apt-get download busybox-static >/dev/null; })
    dpkg-deb -x "$work"/deb/busybox-static_*.deb "$work/deb/root"
    install -m 0755 "$work/deb/root/bin/busybox" "$busybox"
fi

# image <name> <binary>...
image() {
    local name="$1"; shift
    local ctx="$work/$name" b
    mkdir -p "$ctx/rootfs/tmp" "$ctx/rootfs/data" "$ctx/rootfs/etc" "$ctx/rootfs/bin"
    chmod 1777 "$ctx/rootfs/tmp"
    install -m 0755 "$busybox" "$ctx/rootfs/bin/busybox"
    # The node's network stack loads the system's root certificates at start.
    install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
    for b in "$@"; do with_libs "$ctx/rootfs" "$bin/$b"; done
    # A name for uid 1000, so that libraries asking who they run as get an answer.
    printf 'root:x:0:0::/:/nonexistent\ntriad:x:1000:1000::/data:/nonexistent\n' >"$ctx/rootfs/etc/passwd"
    printf 'root:x:0:\ntriad:x:1000:\n' >"$ctx/rootfs/etc/group"
    printf 'ID=triad\nNAME="Triad (FROM scratch)"\n' >"$ctx/rootfs/etc/os-release"
    if [ "$name" != triad-node ]; then
        install -D -m 0644 "$ORT_DYLIB_PATH" "$ctx/rootfs/usr/local/lib/libonnxruntime.so"
        for lib in $(ldd "$ORT_DYLIB_PATH" | grep -o '/[^ ]*'); do
            install -D -m 0755 "$(readlink -f "$lib")" "$ctx/rootfs$lib"
        done
    fi
    cp "docker/$name.Dockerfile" "$ctx/Dockerfile"
    docker build --quiet --tag "$name:$tag" \
        --label "org.opencontainers.image.revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)" "$ctx" >/dev/null
    echo "built $name:$tag ($(du -sh "$ctx/rootfs" | cut -f1))"
}

image triad-node triad-node
# The worker image carries the CLI too, for its start script (docker/compose.yml).
image triad-worker triad-worker triad
image triad triad
