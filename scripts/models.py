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
    elif len(argv) == 4 and argv[0] == "perturb":
        perturb(argv[1], argv[2], float(argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
