# triad: the client and auditor CLI, with the ONNX Runtime library it loads
# to read model files. Built by docker/build.sh.
FROM scratch
COPY rootfs/ /
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "chown", "1000:1000", "/data"]
ENV ORT_DYLIB_PATH=/usr/local/lib/libonnxruntime.so
USER 1000:1000
WORKDIR /data
ENTRYPOINT ["/usr/local/bin/triad"]
