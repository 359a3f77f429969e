# triad-node: a validator or full node. Its chain data is in /data (mount a
# volume there to keep it). Built by docker/build.sh from the release binary.
FROM scratch
COPY rootfs/ /
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "chown", "1000:1000", "/data"]
USER 1000:1000
WORKDIR /data
# p2p, JSON-RPC, Prometheus
EXPOSE 30333 9944 9615
ENTRYPOINT ["/usr/local/bin/triad-node", "--base-path", "/data"]
# Ready: the node has peers and is not major-syncing (sc-rpc-server's
# /health/readiness on the RPC port).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=6 \
    CMD ["/bin/wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9944/health/readiness"]
