#!/usr/bin/python3
# bench-peers-models.py
#
# Copyright 2026 The Feature Maps developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes the benchmark models of build-aux/bench-peers.sh in OUTDIR (the
# build folder; nothing here is committed): a copy of the bundled MNIST
# model (mnist-cnn) and torchvision's resnet18, resnet50, densenet121,
# mobilenet_v2, efficientnet_b0, mnasnet0_5 (issue 17's table) and vgg11
# with random weights (seed 0), exported to ONNX (opset 13, input "input"
# of shape [1, 3, 224, 224], eval mode) next to their PyTorch weights
# (NAME.pt, so the PyTorch side runs the same numbers); and for each model
# NAME-all.onnx, the same graph with every node output added as a graph
# output (types from onnx.shape_inference), which is how ONNX Runtime is
# made to return every intermediate tensor. It also writes NAME-input.npy,
# the input all three runtimes get (random normal, seed 0, for the 224x224
# models; the MNIST input is given with --mnist-input), and identity.onnx,
# a one-node model that measures ONNX Runtime's per-call overhead. It
# skips files that exist, does not train and does not time anything.
#
#   bench-peers-models.py OUTDIR [--models NAME,...] [--mnist ONNX --mnist-input NPY]
#
# --models picks some of them (default: all); --mnist and --mnist-input are
# needed only when mnist-cnn is among them.

import argparse
import os
import shutil
import sys

import numpy as np
import onnx
import onnx.shape_inference
import torch
import torchvision


def all_outputs(src, dst):
    """Every node output of @src becomes a graph output of @dst."""
    m = onnx.shape_inference.infer_shapes(onnx.load(src))
    typed = {v.name: v for v in list(m.graph.value_info) + list(m.graph.output)}
    have = {o.name for o in m.graph.output}
    for node in m.graph.node:
        if node.op_type == "Constant":
            continue
        for name in node.output:
            if not name or name in have:
                continue
            if name not in typed:
                sys.exit(f"{src}: no inferred type for {name}")
            m.graph.output.append(typed[name])
            have.add(name)
    onnx.save(m, dst)
    return len(m.graph.output)


def export_torchvision(name, outdir):
    onnx_path = os.path.join(outdir, name + ".onnx")
    pt_path = os.path.join(outdir, name + ".pt")
    if os.path.exists(onnx_path) and os.path.exists(pt_path):
        return
    torch.manual_seed(0)
    net = getattr(torchvision.models, name)(weights=None).eval()
    torch.save(net.state_dict(), pt_path)
    x = torch.zeros(1, 3, 224, 224)
    torch.onnx.export(net, x, onnx_path + ".tmp", opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      do_constant_folding=True)
    os.replace(onnx_path + ".tmp", onnx_path)


def identity_model(path):
    x = onnx.helper.make_tensor_value_info("input", onnx.TensorProto.FLOAT, [1, 1, 28, 28])
    y = onnx.helper.make_tensor_value_info("output", onnx.TensorProto.FLOAT, [1, 1, 28, 28])
    g = onnx.helper.make_graph([onnx.helper.make_node("Identity", ["input"], ["output"])],
                               "identity", [x], [y])
    onnx.save(onnx.helper.make_model(g, opset_imports=[onnx.helper.make_opsetid("", 13)]),
              path)


TORCHVISION = ("resnet18", "resnet50", "densenet121", "mobilenet_v2", "efficientnet_b0",
               "mnasnet0_5", "vgg11")
MODELS = ("mnist-cnn",) + TORCHVISION


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--models", default=",".join(MODELS),
                    help="comma-separated, of: " + ", ".join(MODELS) + " (default: all)")
    ap.add_argument("--mnist", help="the bundled mnist-cnn.onnx")
    ap.add_argument("--mnist-input", help="its input as .npy [1, 1, 28, 28]")
    args = ap.parse_args()
    names = [n for n in args.models.split(",") if n]
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        ap.error("unknown model %s; known: %s" % (", ".join(unknown), ", ".join(MODELS)))
    if "mnist-cnn" in names and (args.mnist is None or args.mnist_input is None):
        ap.error("mnist-cnn needs --mnist and --mnist-input")
    os.makedirs(args.outdir, exist_ok=True)
    torch.set_num_threads(2)

    if "mnist-cnn" in names:
        shutil.copyfile(args.mnist, os.path.join(args.outdir, "mnist-cnn.onnx"))
        shutil.copyfile(args.mnist_input, os.path.join(args.outdir, "mnist-cnn-input.npy"))
    for name in names:
        if name not in TORCHVISION:
            continue
        export_torchvision(name, args.outdir)
        inp = os.path.join(args.outdir, name + "-input.npy")
        if not os.path.exists(inp):
            rng = np.random.RandomState(0)
            np.save(inp, rng.randn(1, 3, 224, 224).astype(np.float32))
    for name in names:
        dst = os.path.join(args.outdir, name + "-all.onnx")
        if not os.path.exists(dst):
            n = all_outputs(os.path.join(args.outdir, name + ".onnx"), dst + ".tmp")
            os.replace(dst + ".tmp", dst)
            print(f"models: {name}-all.onnx with {n} outputs")
    identity = os.path.join(args.outdir, "identity.onnx")
    if not os.path.exists(identity):
        identity_model(identity)


if __name__ == "__main__":
    main()
