#!/usr/bin/python3
# check-pruned-onnx.py
#
# Copyright 2026 The Feature Maps developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# For developers and optional CI (the test suite does not need Python):
# checks a model written by `feature-maps prune` with onnx's checker
# (full_check: shape inference in strict mode) and that shape inference
# gives its outputs the original's shapes. With --inputs X.npy (model
# inputs [N, C, H, W], preprocessed, from the data the scan saw: pruning is
# exact only where the removed channels stay dead) and an onnx that has the
# reference evaluator (onnx.reference, onnx 1.13 and later), it also runs
# both models on them and compares every output within
# 1e-4 * max(1, |a|), prune's tolerance. Without it (Debian 12 has onnx
# 1.12) both models run through PyTorch's own operators instead, for the
# ops a pruned CNN holds (Conv, BatchNormalization, Relu, LeakyRelu, the
# pools, Flatten, Gemm, MatMul, Add, Concat, Identity, Dropout); the top
# class of every input must agree as well.
#
#   build-aux/check-pruned-onnx.py ORIGINAL.onnx PRUNED.onnx [--inputs X.npy]
#
# Exit status 0 when everything checked passes.
import sys

import numpy as np
import onnx


def output_shapes(model):
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    return [[d.dim_value if d.HasField("dim_value") else d.dim_param
             for d in o.type.tensor_type.shape.dim] for o in inferred.graph.output]


class TorchEvaluator:
    """Runs a CNN's ONNX graph with PyTorch's operators (batch of inputs)."""

    def __init__(self, model):
        import onnx.numpy_helper
        import torch

        self.torch = torch
        self.model = model
        self.weights = {t.name: torch.from_numpy(onnx.numpy_helper.to_array(t).copy())
                        for t in model.graph.initializer}

    def run(self, x):
        import torch.nn.functional as F

        torch = self.torch
        v = dict(self.weights)
        v[self.model.graph.input[0].name] = torch.from_numpy(x)
        for n in self.model.graph.node:
            a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
            i = [v[name] if name else None for name in n.input]
            op = n.op_type
            if op == "Conv":
                k = i[1].shape[2:]
                pads = a.get("pads", [0] * 2 * len(k))
                if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                    raise SystemExit(f"{n.name}: auto_pad is not supported here")
                if pads[:len(k)] != pads[len(k):]:
                    raise SystemExit(f"{n.name}: asymmetric pads are not supported here")
                y = F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None,
                             stride=a.get("strides", [1, 1]), padding=pads[:len(k)],
                             dilation=a.get("dilations", [1, 1]), groups=a.get("group", 1))
            elif op == "BatchNormalization":
                y = F.batch_norm(i[0], i[3], i[4], i[1], i[2], False, 0.0,
                                 a.get("epsilon", 1e-5))
            elif op == "Relu":
                y = F.relu(i[0])
            elif op == "LeakyRelu":
                y = F.leaky_relu(i[0], a.get("alpha", 0.01))
            elif op in ("MaxPool", "AveragePool"):
                pads = a.get("pads", [0, 0, 0, 0])
                pool = F.max_pool2d if op == "MaxPool" else F.avg_pool2d
                y = pool(i[0], a["kernel_shape"], a.get("strides", [1, 1]), pads[:2])
            elif op == "GlobalAveragePool":
                y = i[0].mean(dim=(2, 3), keepdim=True)
            elif op == "GlobalMaxPool":
                y = i[0].amax(dim=(2, 3), keepdim=True)
            elif op == "Flatten":
                y = torch.flatten(i[0], a.get("axis", 1))
            elif op == "Gemm":
                A = i[0].T if a.get("transA", 0) else i[0]
                B = i[1].T if a.get("transB", 0) else i[1]
                y = a.get("alpha", 1.0) * (A @ B)
                if len(i) > 2 and i[2] is not None:
                    y = y + a.get("beta", 1.0) * i[2]
            elif op == "MatMul":
                y = i[0] @ i[1]
            elif op == "Add":
                y = i[0] + i[1]
            elif op == "Concat":
                y = torch.cat(i, dim=a["axis"])
            elif op in ("Identity", "Dropout"):
                y = i[0]
            else:
                raise SystemExit(f"{n.name}: op {op} is not supported by this check")
            v[n.output[0]] = y
        return [v[o.name].numpy() for o in self.model.graph.output]


def compare(original, pruned, path):
    x = np.load(path).astype(np.float32)
    try:
        from onnx.reference import ReferenceEvaluator
    except ImportError:
        print(f"onnx {onnx.__version__} has no reference evaluator: running both through PyTorch")
        outs_a = TorchEvaluator(original).run(x)
        outs_b = TorchEvaluator(pruned).run(x)
    else:
        name = original.graph.input[0].name
        outs_a = ReferenceEvaluator(original).run(None, {name: x})
        outs_b = ReferenceEvaluator(pruned).run(None, {name: x})
    worst = 0.0
    for oa, ob in zip(outs_a, outs_b):
        d = np.abs(oa - ob) / np.maximum(1.0, np.abs(oa))
        worst = max(worst, float(d.max()))
    same_top = int((outs_a[0].argmax(axis=1) == outs_b[0].argmax(axis=1)).sum())
    print(f"{path}: {len(x)} inputs, same top class for {same_top}, "
          f"largest relative difference {worst:.3g}")
    return worst <= 1e-4 and same_top == len(x)


def main():
    args = sys.argv[1:]
    inputs = None
    if "--inputs" in args:
        i = args.index("--inputs")
        inputs = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        print("usage: check-pruned-onnx.py ORIGINAL.onnx PRUNED.onnx [--inputs X.npy]")
        return 2
    original = onnx.load(args[0])
    pruned = onnx.load(args[1])
    onnx.checker.check_model(pruned, full_check=True)
    print(f"{args[1]}: onnx.checker (full_check) passed; producer "
          f"“{pruned.producer_name} {pruned.producer_version}”")
    if output_shapes(original) != output_shapes(pruned):
        print(f"output shapes differ: {output_shapes(original)} vs {output_shapes(pruned)}")
        return 1
    print(f"output shapes as the original's: {output_shapes(pruned)}")
    if inputs is not None and not compare(original, pruned, inputs):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
