#!/usr/bin/env python3
"""Generates the small ONNX test models and makes weight-perturbed copies.

  models.py generate <dir>                      the committed fixtures
  models.py perturb <in.onnx> <out.onnx> <rel>  every float initializer w -> w * (1 + rel * N(0, 1))

Generation is seeded, so the fixtures are reproducible byte for byte with the
pinned onnx and numpy versions installed by scripts/prereqs.sh.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def _init(name, array):
    return numpy_helper.from_array(array.astype(np.float32), name)


def mlp_classifier(seed):
    """64 features -> 32 hidden (ReLU) -> 10 class logits, dynamic batch."""
    rng = np.random.default_rng(seed)
    inits = [
        _init("w1", rng.normal(0, 1 / np.sqrt(64), (64, 32))),
        _init("b1", rng.normal(0, 0.1, 32)),
        _init("w2", rng.normal(0, 1 / np.sqrt(32), (32, 10))),
        _init("b2", rng.normal(0, 0.1, 10)),
    ]
    nodes = [
        helper.make_node("Gemm", ["features", "w1", "b1"], ["h"]),
        helper.make_node("Relu", ["h"], ["a"]),
        helper.make_node("Gemm", ["a", "w2", "b2"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        f"mlp_classifier_{seed}",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])],
        inits,
    )
    return graph


def conv_filter(seed):
    """An image-to-image network: NCHW in, NHWC out, as image generators emit."""
    rng = np.random.default_rng(seed)
    inits = [
        _init("k1", rng.normal(0, 0.3, (8, 3, 3, 3))),
        _init("c1", rng.normal(0, 0.1, 8)),
        _init("k2", rng.normal(0, 0.3, (3, 8, 3, 3))),
        _init("c2", rng.normal(0, 0.1, 3)),
    ]
    nodes = [
        helper.make_node("Conv", ["image", "k1", "c1"], ["f1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["f1"], ["r1"]),
        helper.make_node("Conv", ["r1", "k2", "c2"], ["f2"], pads=[1, 1, 1, 1]),
        helper.make_node("Sigmoid", ["f2"], ["s"]),
        helper.make_node("Transpose", ["s"], ["pixels"], perm=[0, 2, 3, 1]),
    ]
    graph = helper.make_graph(
        nodes,
        f"conv_filter_{seed}",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, "height", "width"])],
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, [1, "height", "width", 3])],
        inits,
    )
    return graph


def mlp_digit(seed):
    """The classifier with an ArgMax head: its output is one int64 class
    label per row, a small discrete answer (ten possible values)."""
    graph = mlp_classifier(seed)
    graph.name = f"mlp_digit_{seed}"
    graph.output.pop()
    graph.node.append(helper.make_node("ArgMax", ["logits"], ["label"], axis=1, keepdims=0))
    graph.output.append(helper.make_tensor_value_info("label", TensorProto.INT64, ["batch"]))
    return graph


def slow_loop():
    """A model whose running time the client picks: `steps` iterations of a
    cheap update. Honest workers must stop it at their time budget."""
    body = helper.make_graph(
        [
            helper.make_node("Identity", ["cond_in"], ["cond_out"]),
            helper.make_node("Mul", ["x_in", "decay"], ["scaled"]),
            helper.make_node("Tanh", ["scaled"], ["x_out"]),
        ],
        "step",
        [
            helper.make_tensor_value_info("i", TensorProto.INT64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("x_in", TensorProto.FLOAT, [1, 64]),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("x_out", TensorProto.FLOAT, [1, 64]),
        ],
        [_init("decay", np.array(1.0001))],
    )
    nodes = [
        helper.make_node("Reshape", ["steps", "scalar"], ["m"]),
        helper.make_node("Loop", ["m", "go", "x"], ["y"], body=body),
    ]
    inits = [
        numpy_helper.from_array(np.array([], np.int64), "scalar"),
        numpy_helper.from_array(np.array(True), "go"),
    ]
    return helper.make_graph(
        nodes,
        "slow_loop",
        [
            helper.make_tensor_value_info("steps", TensorProto.INT64, [1]),
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64])],
        inits,
    )


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="triad")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def perturb(src, dst, rel, seed=7):
    model = onnx.load(src)
    rng = np.random.default_rng(seed)
    for init in model.graph.initializer:
        if init.data_type != TensorProto.FLOAT:
            continue
        w = numpy_helper.to_array(init)
        noisy = (w * (1 + rel * rng.standard_normal(w.shape))).astype(np.float32)
        init.CopyFrom(numpy_helper.from_array(noisy, init.name))
    onnx.save(model, dst)


def main(argv):
    if len(argv) == 2 and argv[0] == "generate":
        out = argv[1]
        save(mlp_classifier(1), f"{out}/mlp_classifier.onnx")
        save(mlp_classifier(2), f"{out}/mlp_classifier_other.onnx")
        save(conv_filter(3), f"{out}/conv_filter.onnx")
        save(conv_filter(4), f"{out}/conv_filter_other.onnx")
        save(mlp_digit(1), f"{out}/mlp_digit.onnx")
        save(slow_loop(), f"{out}/slow_loop.onnx")
    elif len(argv) == 4 and argv[0] == "perturb":
        perturb(argv[1], argv[2], float(argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
