#!/usr/bin/python3
# bench-scan-torch.py
#
# Copyright 2026 The Feature Maps developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The PyTorch side of build-aux/bench-scan.sh: the same dataset scan as
# `feature-maps scan`, done with PyTorch (batch 64, 2 threads), so the two
# throughputs can be compared. It rebuilds the bundled model's module
# (3 conv + fc, as in build-aux/train-mnist.py) from the ONNX initializers
# with the onnx package (onnx2torch is not in Debian), streams the IDX
# images (gzip or plain) in batches, normalises them with the model's
# metadata and computes, for every channel of the 8 feature maps (conv1,
# relu1, pool1, conv2, relu2, pool2, conv3, relu3), what the scan
# computes: images leaving it all zero, its largest and mean activation,
# the largest pre-activation (the Conv output) for the ReLU maps, and the
# top 9 images by maximum. It prints one line "torch: N images in S s,
# R images/s" and, with --json FILE, the per-layer zero counts for a
# cross-check. It does not train, and is not used by the app or tests.

import argparse
import gzip
import json
import struct
import sys
import time

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F


class MnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1)
        self.fc = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        """Returns the feature maps in execution order, then the logits."""
        c1 = self.conv1(x)
        r1 = F.relu(c1)
        p1 = F.max_pool2d(r1, 2)
        c2 = self.conv2(p1)
        r2 = F.relu(c2)
        p2 = F.max_pool2d(r2, 2)
        c3 = self.conv3(p2)
        r3 = F.relu(c3)
        logits = self.fc(torch.flatten(r3, 1))
        return [c1, r1, p1, c2, r2, p2, c3, r3], logits


# Which map is the pre-activation of which (index into the list), as the
# engine's layer list has it: each ReLU's input is a Conv output.
PRE = {1: 0, 4: 3, 7: 6}


def load_model(path):
    m = onnx.load(path)
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in m.graph.initializer}
    meta = {p.key: p.value for p in m.metadata_props}
    convs = [n for n in m.graph.node if n.op_type == "Conv"]
    gemms = [n for n in m.graph.node if n.op_type == "Gemm"]
    if len(convs) != 3 or len(gemms) != 1:
        sys.exit(f"{path}: expected 3 Conv and 1 Gemm nodes")
    net = MnistCnn()
    with torch.no_grad():
        for conv, node in zip([net.conv1, net.conv2, net.conv3], convs):
            conv.weight.copy_(torch.from_numpy(inits[node.input[1]].copy()))
            conv.bias.copy_(torch.from_numpy(inits[node.input[2]].copy()))
        g = gemms[0]
        attrs = {a.name: a for a in g.attribute}
        w = inits[g.input[1]]
        if "transB" in attrs and attrs["transB"].i == 1:
            net.fc.weight.copy_(torch.from_numpy(w.copy()))
        else:
            net.fc.weight.copy_(torch.from_numpy(w.T.copy()))
        net.fc.bias.copy_(torch.from_numpy(inits[g.input[2]].copy()))
    net.eval()
    mean = float(meta.get("feature_maps.mean", "0"))
    std = float(meta.get("feature_maps.std", "1"))
    return net, mean, std


def open_idx(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    f = gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")
    head = f.read(16)
    magic, n, h, w = struct.unpack(">IIII", head)
    if magic != 0x803:
        sys.exit(f"{path}: not an IDX images file")
    return f, n, h, w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("images")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--top-k", type=int, default=9)
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    net, mean, std = load_model(args.model)

    start = time.perf_counter()
    f, n, h, w = open_idx(args.images)
    if args.limit > 0:
        n = min(n, args.limit)
    K = args.top_k
    zero = fire = mx = sums = pre_max = top_v = top_i = None
    done = 0
    with torch.no_grad():
        while done < n:
            b = min(args.batch, n - done)
            raw = f.read(b * h * w)
            if len(raw) != b * h * w:
                sys.exit(f"{args.images}: truncated")
            x = torch.frombuffer(bytearray(raw), dtype=torch.uint8)
            x = x.reshape(b, 1, h, w).float().div_(255.0).sub_(mean).div_(std)
            maps, _ = net(x)
            if zero is None:
                zero = [torch.zeros(m.shape[1], dtype=torch.int64) for m in maps]
                mx = [torch.full((m.shape[1],), -float("inf")) for m in maps]
                sums = [torch.zeros(m.shape[1], dtype=torch.float64) for m in maps]
                pre_max = {i: torch.full((maps[i].shape[1],), -float("inf")) for i in PRE}
                top_v = [torch.full((m.shape[1], K), -float("inf")) for m in maps]
                top_i = [torch.full((m.shape[1], K), -1, dtype=torch.int64) for m in maps]
            idx = torch.arange(done, done + b, dtype=torch.int64)
            for li, m in enumerate(maps):
                flat = m.flatten(2)                      # [B, C, H*W]
                cmax = flat.amax(2)                      # [B, C]
                allzero = (flat.abs() <= 0).all(2)       # [B, C]
                zero[li] += allzero.sum(0)
                mx[li] = torch.maximum(mx[li], cmax.amax(0))
                sums[li] += flat.sum(2).double().sum(0)
                if li in PRE:
                    pre_max[li] = torch.maximum(pre_max[li], maps[PRE[li]].flatten(2).amax(2).amax(0))
                # running top-k per channel: merge the kept K with this batch
                cv = torch.cat([top_v[li], cmax.t()], 1)             # [C, K + B]
                ci = torch.cat([top_i[li], idx.expand(m.shape[1], b)], 1)
                v, j = cv.topk(K, 1)
                top_v[li] = v
                top_i[li] = ci.gather(1, j)
            done += b
    elapsed = time.perf_counter() - start
    rate = done / elapsed if elapsed > 0 else 0.0
    print(f"torch: {done} images in {elapsed:.2f} s, {rate:.0f} images/s "
          f"(batch {args.batch}, {args.threads} threads)")
    if args.json:
        names = ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "conv3", "relu3"]
        out = {"images": done, "rate": rate, "layers": []}
        for li, nm in enumerate(names):
            out["layers"].append({
                "name": nm,
                "zero_count": zero[li].tolist(),
                "max": mx[li].tolist(),
                "mean": (sums[li] / (done * maps[li].shape[2] * maps[li].shape[3])).tolist(),
                "dead": [c for c, z in enumerate(zero[li].tolist()) if z == done],
            })
        with open(args.json, "w") as out_f:
            json.dump(out, out_f)


if __name__ == "__main__":
    main()
