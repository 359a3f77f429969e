# triad-worker: runs models with the ONNX Runtime library it carries, keeps
# its models and state in /data. Built by docker/build.sh.
FROM scratch
COPY rootfs/ /
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "chown", "1000:1000", "/data"]
ENV ORT_DYLIB_PATH=/usr/local/lib/libonnxruntime.so
USER 1000:1000
WORKDIR /data
# data plane, Prometheus
EXPOSE 30400 9616
ENTRYPOINT ["/usr/local/bin/triad-worker", "--models-dir", "/data/models", "--state-dir", "/data/state"]
