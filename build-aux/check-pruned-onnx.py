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
# 1e-4 * max(1, |a|), prune's tolerance.
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


def compare(original, pruned, path):
    try:
        from onnx.reference import ReferenceEvaluator
    except ImportError:
        print(f"onnx {onnx.__version__} has no reference evaluator: outputs not compared")
        return True
    a = ReferenceEvaluator(original)
    b = ReferenceEvaluator(pruned)
    name = original.graph.input[0].name
    worst = 0.0
    for x in np.load(path).astype(np.float32):
        x = x[np.newaxis]
        for oa, ob in zip(a.run(None, {name: x}), b.run(None, {name: x})):
            d = np.abs(oa - ob) / np.maximum(1.0, np.abs(oa))
            worst = max(worst, float(d.max()))
    print(f"{path}: largest relative difference {worst:.3g}")
    return worst <= 1e-4


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
