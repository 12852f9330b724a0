#!/usr/bin/python3
# bench-peers-torch.py
#
# Copyright 2026 The Feature Maps developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The PyTorch side of build-aux/bench-peers.sh: one image through the
# model's own PyTorch module, measured like `feature-maps bench` (a warm-up,
# then the wall time of each forward pass, median and 90th percentile by
# nearest rank) for 1 and 2 threads (torch.set_num_threads), once returning
# only the final output and once returning every intermediate tensor.
# ResNet-18 and VGG-11 are torchvision's modules with the weights that
# bench-peers-models.py exported (NAME.pt); every intermediate is what
# forward hooks on every leaf module return, with the ReLUs made
# out-of-place so each output is its own tensor (torchvision's residual
# `out += identity` still writes over its BatchNorm's output). The MNIST
# model is rebuilt from the ONNX weights by bench-scan-torch.py, whose
# forward already returns every feature map. It prints one JSON object per
# line, and does not check results.
#
#   bench-peers-torch.py MODELDIR NAME RUNS WARMUP

import importlib.util
import json
import os
import sys
import time

import numpy as np
import torch
import torchvision


def median(v):
    s = sorted(v)
    n = len(s)
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


def p90(v):
    s = sorted(v)
    return s[min(len(s), max(1, -(-9 * len(s) // 10))) - 1]


def load_mnist(dirname):
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("bench_scan_torch",
                                                  os.path.join(here, "bench-scan-torch.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    net, _, _ = mod.load_model(os.path.join(dirname, "mnist-cnn.onnx"))

    def final(x):
        return net(x)[1]

    def every(x):
        maps, logits = net(x)
        return maps + [logits]

    return final, every


def load_torchvision(dirname, name):
    net = getattr(torchvision.models, name)(weights=None)
    net.load_state_dict(torch.load(os.path.join(dirname, name + ".pt")))
    net.eval()
    kept = []
    collecting = [False]

    def hook(module, inputs, output):
        if collecting[0]:
            kept.append(output)

    def final(x):
        collecting[0] = False
        return net(x)

    def every(x):
        kept.clear()
        collecting[0] = True
        out = net(x)
        return list(kept) + [out]

    for m in net.modules():
        if not list(m.children()):
            if isinstance(m, torch.nn.ReLU):
                m.inplace = False
            m.register_forward_hook(hook)
    return final, every


def main():
    dirname, name, runs, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    x = torch.from_numpy(np.load(os.path.join(dirname, name + "-input.npy")))
    if name == "mnist-cnn":
        final, every = load_mnist(dirname)
    else:
        final, every = load_torchvision(dirname, name)
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for mode, f in (("final", final), ("all", every)):
            with torch.inference_mode():
                for _ in range(warmup):
                    f(x)
                times = []
                outputs = 0
                for _ in range(runs):
                    t0 = time.perf_counter()
                    out = f(x)
                    times.append((time.perf_counter() - t0) * 1e3)
                    outputs = len(out) if isinstance(out, list) else 1
            print(json.dumps({"peer": "pytorch", "model": name, "threads": threads,
                              "mode": mode, "outputs": outputs, "runs": runs,
                              "median_ms": median(times), "p90_ms": p90(times)}),
                  flush=True)


if __name__ == "__main__":
    main()
