#!/usr/bin/env python3
"""Trains the models Triad proves with Groth16 and exports them quantized.

  digits.py <out dir>

Data: scikit-learn's `load_digits` (1,797 8x8 handwritten digits, pixels
0..16), read from the CSV the scikit-learn wheel ships, so nothing is
downloaded at run time. Training is plain NumPy, seeded, so the exports are
reproducible with the pinned versions.

Models (uint8 pixels in, int64 class logits out):
  digits_mlp.onnx  64 -> 32 (ReLU) -> 10
  digits_cnn.onnx  conv 3x3, 8 channels (ReLU) -> 288 -> 10
  mlp_784.onnx     784 -> 64 (ReLU) -> 10, random weights: a benchmark shape

Quantization is integer-only ONNX that ONNX Runtime runs exactly and the
circuit compiler (zk/) proves: 7-bit int8 weights with a scale per output channel,
int32 accumulators (MatMulInteger / ConvInteger), int32 bias, ReLU, then
requantization to uint8 as clip((acc * M + 2^(S-1)) / 2^S, 0, 255) with
integer M per channel. The last layer keeps one weight scale so the logits
stay comparable across classes.

Also writes digits_test.bin: the held-out split as (label, 64 pixels) rows, and
prints float and quantized accuracy on it.
"""
import gzip
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

SHIFT = 20
OPSET = 17


def load_digits():
    # Only the data file the wheel ships: importing scikit-learn would need SciPy.
    import importlib.util

    root = importlib.util.find_spec("sklearn").submodule_search_locations[0]
    path = os.path.join(root, "datasets", "data", "digits.csv.gz")
    with gzip.open(path, "rt") as f:
        data = np.loadtxt(f, delimiter=",")
    pixels, labels = data[:, :64].astype(np.uint8), data[:, 64].astype(np.int64)
    order = np.random.default_rng(0).permutation(len(labels))
    cut = int(0.8 * len(labels))
    return (pixels[order[:cut]], labels[order[:cut]]), (pixels[order[cut:]], labels[order[cut:]])


class Adam:
    def __init__(self, params, lr):
        self.params, self.lr, self.t = params, lr, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, grads):
        self.t += 1
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p -= self.lr * (m / (1 - 0.9**self.t)) / (np.sqrt(v / (1 - 0.999**self.t)) + 1e-8)


def softmax_grad(logits, y):
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    return p / len(y)


def patches(x):
    """(N, 64) pixels in [0, 1] -> (N, 36, 9) 3x3 valid windows, row-major."""
    img = x.reshape(-1, 8, 8)
    return np.stack([img[:, i : i + 6, j : j + 6].reshape(-1, 36) for i in range(3) for j in range(3)], axis=2)


def train_mlp(x, y, rng):
    w1, b1 = rng.normal(0, 1 / 8, (64, 32)), np.zeros(32)
    w2, b2 = rng.normal(0, 1 / np.sqrt(32), (32, 10)), np.zeros(10)
    opt = Adam([w1, b1, w2, b2], 0.01)
    for _ in range(60):
        for idx in np.array_split(rng.permutation(len(y)), len(y) // 32):
            xb, yb = x[idx], y[idx]
            h = np.maximum(xb @ w1 + b1, 0)
            g = softmax_grad(h @ w2 + b2, yb)
            gh = (g @ w2.T) * (h > 0)
            opt.step([xb.T @ gh, gh.sum(0), h.T @ g, g.sum(0)])
    return w1, b1, w2, b2


def mlp_float(params, x):
    w1, b1, w2, b2 = params
    h = np.maximum(x @ w1 + b1, 0)
    return h, h @ w2 + b2


def train_cnn(x, y, rng):
    k, c = rng.normal(0, 1 / 3, (9, 8)), np.zeros(8)
    w, b = rng.normal(0, 1 / np.sqrt(288), (288, 10)), np.zeros(10)
    opt = Adam([k, c, w, b], 0.01)
    for _ in range(40):
        for idx in np.array_split(rng.permutation(len(y)), len(y) // 32):
            pb, yb = patches(x[idx]), y[idx]
            z = pb @ k + c  # (N, 36, 8)
            a = np.maximum(z, 0)
            flat = a.transpose(0, 2, 1).reshape(len(idx), 288)  # channel-major, as ONNX flattens NCHW
            g = softmax_grad(flat @ w + b, yb)
            ga = (g @ w.T).reshape(len(idx), 8, 36).transpose(0, 2, 1) * (z > 0)
            opt.step([np.einsum("npk,npc->kc", pb, ga), ga.sum((0, 1)), flat.T @ g, g.sum(0)])
    return k, c, w, b


def cnn_float(params, x):
    k, c, w, b = params
    a = np.maximum(patches(x) @ k + c, 0)
    flat = a.transpose(0, 2, 1).reshape(len(x), 288)
    return flat, flat @ w + b


# Weights use 7 bits ([-63, 63]), as onnxruntime's `reduce_range`: its x86
# kernels without VNNI add adjacent uint8 x int8 products in saturating 16-bit
# lanes, so 2 * 255 * |w| must stay under 32768 for its results to be exact.
WMAX = 63


def per_channel(w):
    """7-bit int8 weights with one scale per output column of w (in, out)."""
    scale = np.maximum(np.abs(w).max(0), 1e-8) / WMAX
    return np.clip(np.round(w / scale), -WMAX, WMAX).astype(np.int8), scale


def requant_nodes(src, out, multiplier, shape, tag):
    """acc (int32, >= 0 after ReLU) -> uint8 = clip((acc * M + 2^(S-1)) >> S, 0, 255)."""
    inits = [
        numpy_helper.from_array(multiplier.astype(np.int64).reshape(shape), f"{tag}_m"),
        numpy_helper.from_array(np.array(1 << (SHIFT - 1), np.int64), f"{tag}_half"),
        numpy_helper.from_array(np.array(1 << SHIFT, np.int64), f"{tag}_div"),
        numpy_helper.from_array(np.array(0, np.int64), f"{tag}_lo"),
        numpy_helper.from_array(np.array(255, np.int64), f"{tag}_hi"),
    ]
    nodes = [
        helper.make_node("Cast", [src], [f"{tag}_wide"], to=TensorProto.INT64),
        helper.make_node("Mul", [f"{tag}_wide", f"{tag}_m"], [f"{tag}_scaled"]),
        helper.make_node("Add", [f"{tag}_scaled", f"{tag}_half"], [f"{tag}_rounded"]),
        helper.make_node("Div", [f"{tag}_rounded", f"{tag}_div"], [f"{tag}_q"]),
        helper.make_node("Clip", [f"{tag}_q", f"{tag}_lo", f"{tag}_hi"], [f"{tag}_clipped"]),
        helper.make_node("Cast", [f"{tag}_clipped"], [out], to=TensorProto.UINT8),
    ]
    return nodes, inits


def dense_head(src, w, b, in_scale, tag):
    """uint8 (N, in) -> int64 logits (N, 10), one weight scale."""
    scale = max(np.abs(w).max(), 1e-8) / WMAX
    wq = np.clip(np.round(w / scale), -WMAX, WMAX).astype(np.int8)
    bq = np.round(b / (in_scale * scale)).astype(np.int32)
    nodes = [
        helper.make_node("MatMulInteger", [src, f"{tag}_w"], [f"{tag}_acc"]),
        helper.make_node("Add", [f"{tag}_acc", f"{tag}_b"], [f"{tag}_sum"]),
        helper.make_node("Cast", [f"{tag}_sum"], ["logits"], to=TensorProto.INT64),
    ]
    return nodes, [numpy_helper.from_array(wq, f"{tag}_w"), numpy_helper.from_array(bq, f"{tag}_b")]


def quantize_mlp(params, hidden_max, name):
    w1, b1, w2, b2 = params
    sx = 1 / 16
    sh = hidden_max / 255
    w1q, s1 = per_channel(w1)
    b1q = np.round(b1 / (sx * s1)).astype(np.int32)
    m1 = np.round(sx * s1 / sh * (1 << SHIFT))
    nodes = [
        helper.make_node("MatMulInteger", ["pixels", "w1"], ["acc1"]),
        helper.make_node("Add", ["acc1", "b1"], ["sum1"]),
        helper.make_node("Relu", ["sum1"], ["act1"]),
    ]
    rq, rq_inits = requant_nodes("act1", "hidden", m1, [w1.shape[1]], "rq1")
    head, head_inits = dense_head("hidden", w2, b2, sh, "fc2")
    inputs = [helper.make_tensor_value_info("pixels", TensorProto.UINT8, [1, w1.shape[0]])]
    inits = [numpy_helper.from_array(w1q, "w1"), numpy_helper.from_array(b1q, "b1")] + rq_inits + head_inits
    return graph(name, nodes + rq + head, inputs, inits)


def quantize_cnn(params, hidden_max):
    k, c, w, b = params
    sx, sh = 1 / 16, hidden_max / 255
    kq, sk = per_channel(k)  # k: (9, 8) -> per output channel
    cq = np.round(c / (sx * sk)).astype(np.int32)
    m = np.round(sx * sk / sh * (1 << SHIFT))
    nodes = [
        helper.make_node("ConvInteger", ["pixels", "k"], ["acc1"]),
        helper.make_node("Add", ["acc1", "c"], ["sum1"]),
        helper.make_node("Relu", ["sum1"], ["act1"]),
    ]
    rq, rq_inits = requant_nodes("act1", "maps", m, [1, 8, 1, 1], "rq1")
    flat = [helper.make_node("Flatten", ["maps"], ["flat"], axis=1)]
    head, head_inits = dense_head("flat", w, b, sh, "fc2")
    inputs = [helper.make_tensor_value_info("pixels", TensorProto.UINT8, [1, 1, 8, 8])]
    kernel = kq.T.reshape(8, 1, 3, 3)
    inits = [numpy_helper.from_array(kernel, "k"), numpy_helper.from_array(cq.reshape(1, 8, 1, 1), "c")] + rq_inits + head_inits
    return graph("digits_cnn", nodes + rq + flat + head, inputs, inits)


def graph(name, nodes, inputs, inits):
    out = [helper.make_tensor_value_info("logits", TensorProto.INT64, [1, 10])]
    model = helper.make_model(helper.make_graph(nodes, name, inputs, out, inits), opset_imports=[helper.make_opsetid("", OPSET)], producer_name="triad")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def accuracy_onnx(model, pixels, labels, shape):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    hits = sum(int(session.run(None, {name: p.reshape(shape)})[0].argmax() == y) for p, y in zip(pixels, labels))
    return hits / len(labels)


def main(argv):
    if len(argv) != 1:
        sys.exit(__doc__)
    out = argv[0]
    (xtr, ytr), (xte, yte) = load_digits()
    ftr, fte = xtr / 16.0, xte / 16.0
    rng = np.random.default_rng(1)

    mlp = train_mlp(ftr, ytr, rng)
    hidden, _ = mlp_float(mlp, ftr)
    mlp_q = quantize_mlp(mlp, hidden.max(), "digits_mlp")
    float_acc = (mlp_float(mlp, fte)[1].argmax(1) == yte).mean()
    print(f"digits_mlp (64-32-10): float {float_acc:.2%}, int8 {accuracy_onnx(mlp_q, xte, yte, (1, 64)):.2%} on {len(yte)} held-out digits")

    cnn = train_cnn(ftr, ytr, rng)
    maps, _ = cnn_float(cnn, ftr)
    cnn_q = quantize_cnn(cnn, maps.max())
    float_acc = (cnn_float(cnn, fte)[1].argmax(1) == yte).mean()
    print(f"digits_cnn (conv3x3x8-288-10): float {float_acc:.2%}, int8 {accuracy_onnx(cnn_q, xte, yte, (1, 1, 8, 8)):.2%} on {len(yte)} held-out digits")

    big = (rng.normal(0, 1 / 28, (784, 64)), rng.normal(0, 0.1, 64), rng.normal(0, 1 / 8, (64, 10)), rng.normal(0, 0.1, 10))
    mlp_784 = quantize_mlp(big, 3.0, "mlp_784")

    for model, file in [(mlp_q, "digits_mlp.onnx"), (cnn_q, "digits_cnn.onnx"), (mlp_784, "mlp_784.onnx")]:
        onnx.save(model, os.path.join(out, file))
    rows = np.concatenate([yte.astype(np.uint8)[:, None], xte], axis=1)
    rows.tofile(os.path.join(out, "digits_test.bin"))


if __name__ == "__main__":
    main(sys.argv[1:])
