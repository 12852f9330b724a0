#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Feature Maps developers
#
# make-test-models.py: builds the PyTorch-exported test models under
# tests/fixtures/pytorch/. For each small model (random weights from a fixed
# seed, one thread) it exports model.onnx, writes input.npy and one .npy per
# ONNX tensor that a computing node produces, with values recorded from the
# PyTorch forward pass itself, and a manifest.json listing them in execution
# order.
#
# How the reference values are tied to ONNX names: every model's forward()
# records each intermediate as (expected ONNX op, tensor) when recording is on.
# Recording is off while exporting, so the exported graph is the plain model.
# The exported graph's computing nodes (float output depending on the graph
# input; shape glue such as Shape/Gather/Concat is skipped) are walked in order
# and each is matched to the next unused record with the same op and shape.
# The mapping is then checked node by node: a small evaluator of the ONNX node
# (torch functions, except pooling, which is written from the ONNX spec in
# numpy so that ceil_mode and count_include_pad are checked independently),
# fed the mapped references of its inputs, must reproduce the mapped reference
# of its output. The script fails if any computing node has no reference, any
# record is left over, a clamping activation never clamps, or the graph output
# differs from the model output.
#
# It does not run any ONNX runtime (none is installed) and does not test the C
# engine; the engine's tests read these files.
#
# Run:  /usr/bin/python3 build-aux/make-test-models.py [OUTDIR]
# (OUTDIR defaults to tests/fixtures/pytorch next to this script's parent).
# Needs torch 1.13, onnx 1.12 and numpy. Output is byte-identical between runs.

import hashlib
import io
import json
import os
import re
import sys
import warnings

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

# A node is "computing" when its output is floating point and depends on the
# graph input; every such output must have a reference. Shape glue (Shape,
# Gather, Unsqueeze, Concat, Slice, Cast... on int64 shapes) and Constant
# nodes fall outside that rule and are evaluated, not recorded.

# Tolerance of the per-node consistency check (same library, same thread count,
# so differences come only from summation order in the evaluator).
RTOL = 1e-4
ATOL = 1e-5


class Recorder (nn.Module):
    """Base for test models: self.r (op, t) records t when recording is on."""

    def __init__ (self):
        super ().__init__ ()
        self.records = None

    def r (self, op, t):
        if self.records is not None:
            self.records.append ((op, t.detach ().clone ()))
        return t


def randomise_bn (bn, gen):
    """Give a BatchNorm2d non-trivial running stats and affine parameters."""
    c = bn.num_features
    with torch.no_grad ():
        bn.running_mean.copy_ (torch.randn (c, generator=gen) * 0.5)
        bn.running_var.copy_ (torch.rand (c, generator=gen) * 1.5 + 0.25)
        bn.weight.copy_ (torch.rand (c, generator=gen) + 0.5)
        bn.bias.copy_ (torch.randn (c, generator=gen) * 0.2)


def scale_ (module, factor):
    """Scale a layer's weights so that later activations reach their clamps
    (ReLU6 above 6, HardSigmoid beyond +-3, Tanh and Softmax away from linear)."""
    with torch.no_grad ():
        module.weight.mul_ (factor)


# ---------------------------------------------------------------------------
# Models


class LeNet (Recorder):
    """LeNet-5 style; the view exports as Shape->Gather->Unsqueeze->Concat->Reshape."""

    def __init__ (self, gen):
        super ().__init__ ()
        self.conv1 = nn.Conv2d (1, 6, 5)
        self.conv2 = nn.Conv2d (6, 16, 5)
        self.fc1 = nn.Linear (16 * 4 * 4, 120)
        self.fc2 = nn.Linear (120, 84)
        self.fc3 = nn.Linear (84, 10)
        scale_ (self.fc3, 10.0)

    def forward (self, x):                                  # [N, 1, 28, 28]
        r = self.r
        x = r ("Conv", self.conv1 (x))                      # [N, 6, 24, 24]
        x = r ("Relu", F.relu (x))
        x = r ("MaxPool", F.max_pool2d (x, 2))              # [N, 6, 12, 12]
        x = r ("Conv", self.conv2 (x))                      # [N, 16, 8, 8]
        x = r ("Relu", F.relu (x))
        x = r ("MaxPool", F.max_pool2d (x, 2))              # [N, 16, 4, 4]
        x = r ("Reshape", x.view (x.size (0), -1))          # [N, 256]
        x = r ("Gemm", self.fc1 (x))
        x = r ("Relu", F.relu (x))
        x = r ("Gemm", self.fc2 (x))
        x = r ("Relu", F.relu (x))
        x = r ("Gemm", self.fc3 (x))                        # [N, 10]
        return x


class Mixed (Recorder):
    """Most Tier 1 CNN layers in one small net, exported at opset 13."""

    def __init__ (self, gen):
        super ().__init__ ()
        self.conv1 = nn.Conv2d (3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d (8)
        self.drop = nn.Dropout (0.3)
        self.pool1 = nn.AvgPool2d (3, stride=2, padding=1, count_include_pad=False)
        self.dw = nn.Conv2d (8, 8, 3, padding=1, groups=8)
        self.relu6 = nn.ReLU6 ()
        self.pw = nn.Conv2d (8, 8, 1)
        self.dil = nn.Conv2d (8, 12, 3, padding=2, dilation=2)
        self.leaky = nn.LeakyReLU (0.1)
        self.pool2 = nn.MaxPool2d (3, stride=2, ceil_mode=True)
        self.hswish = nn.Hardswish ()
        self.strided = nn.Conv2d (12, 16, 3, stride=2)
        self.pool3 = nn.AvgPool2d (2, stride=2, ceil_mode=True, count_include_pad=False)
        self.gap = nn.AdaptiveAvgPool2d (1)
        self.fc = nn.Linear (16, 10)
        randomise_bn (self.bn1, gen)
        scale_ (self.dw, 12.0)
        with torch.no_grad ():
            self.dw.bias.copy_ (torch.randn (8, generator=gen) * 2.0 + 4.0)
        scale_ (self.pw, 2.0)
        scale_ (self.dil, 5.0)
        scale_ (self.strided, 2.0)
        scale_ (self.fc, 8.0)

    def forward (self, x):                                  # [1, 3, 32, 32]
        r = self.r
        x = r ("Conv", self.conv1 (x))                      # [1, 8, 32, 32]
        x = r ("BatchNormalization", self.bn1 (x))
        x = r ("Relu", F.relu (x))
        x = self.drop (x)                                   # eval: not exported
        x = r ("AveragePool", self.pool1 (x))               # [1, 8, 16, 16]
        y = r ("Conv", self.dw (x))                         # depthwise
        y = r ("Clip", self.relu6 (y))
        y = r ("Conv", self.pw (y))
        y = r ("Sigmoid", torch.sigmoid (y))
        x = r ("Add", x + y)                                # residual
        x = r ("Conv", self.dil (x))                        # [1, 12, 16, 16]
        x = r ("LeakyRelu", self.leaky (x))
        x = r ("MaxPool", self.pool2 (x))                   # [1, 12, 8, 8] (ceil)
        # Hardswish has no ONNX op before opset 14: torch writes
        # HardSigmoid (alpha 1/6) then Mul. Record both from torch itself.
        if self.records is not None:
            r ("HardSigmoid", F.hardsigmoid (x))
        x = r ("Mul", self.hswish (x))
        x = r ("Conv", self.strided (x))                    # [1, 16, 3, 3]
        x = r ("Tanh", torch.tanh (x))
        x = r ("AveragePool", self.pool3 (x))               # [1, 16, 2, 2] (ceil)
        x = r ("GlobalAveragePool", self.gap (x))           # [1, 16, 1, 1]
        x = r ("Flatten", torch.flatten (x, 1))             # [1, 16]
        x = r ("Gemm", self.fc (x))                         # [1, 10]
        x = r ("Softmax", F.softmax (x, dim=1))
        return x


class KerasNhwc (Recorder):
    """What tf2onnx makes of a small Keras CNN: NHWC input, SAME padding, Dense as MatMul+Add."""

    def __init__ (self, gen):
        super ().__init__ ()
        self.conv = nn.Conv2d (1, 8, 3, stride=2)
        self.w1 = nn.Parameter (torch.randn (7 * 7 * 8, 16, generator=gen) * 0.05)
        self.b1 = nn.Parameter (torch.randn (16, generator=gen) * 0.1)
        self.w2 = nn.Parameter (torch.randn (16, 10, generator=gen) * 1.5)
        self.b2 = nn.Parameter (torch.randn (10, generator=gen) * 0.1)

    def forward (self, x):                                  # [1, 28, 28, 1] NHWC
        r = self.r
        x = r ("Transpose", x.permute (0, 3, 1, 2))         # [1, 1, 28, 28]
        # 'SAME' for k3 s2 on 28: out 14, total pad 1, all of it at the end.
        x = r ("Pad", F.pad (x, (0, 1, 0, 1)))              # [1, 1, 29, 29]
        x = r ("Conv", self.conv (x))                       # [1, 8, 14, 14]
        x = r ("Relu", F.relu (x))
        x = r ("MaxPool", F.max_pool2d (x, 2))              # [1, 8, 7, 7]
        x = r ("Transpose", x.permute (0, 2, 3, 1))         # [1, 7, 7, 8] Keras order
        x = r ("Reshape", x.reshape (1, 7 * 7 * 8))         # [1, 392]
        x = r ("MatMul", x @ self.w1)                       # [1, 16]
        x = r ("Add", x + self.b1)
        x = r ("Relu", F.relu (x))
        x = r ("MatMul", x @ self.w2)                       # [1, 10]
        x = r ("Add", x + self.b2)
        x = r ("Softmax", F.softmax (x, dim=-1))
        return x


class TinyResNet (Recorder):
    """Residual block with a squeeze-excitation gate, exported at opset 11
    (Clip with min/max inputs, Squeeze/Unsqueeze with axes attributes)."""

    def __init__ (self, gen):
        super ().__init__ ()
        self.stem = nn.Conv2d (3, 8, 3, padding=1, bias=False)
        self.bn0 = nn.BatchNorm2d (8)
        self.c1 = nn.Conv2d (8, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d (8)
        self.c2 = nn.Conv2d (8, 8, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d (8)
        self.se = nn.Linear (8, 8)
        self.fc = nn.Linear (8, 10)
        for bn in (self.bn0, self.bn1, self.bn2):
            randomise_bn (bn, gen)
        scale_ (self.c1, 10.0)
        scale_ (self.se, 3.0)
        scale_ (self.fc, 5.0)

    def forward (self, x):                                  # [1, 3, 16, 16]
        r = self.r
        x = r ("Conv", self.stem (x))                       # [1, 8, 16, 16]
        x = r ("BatchNormalization", self.bn0 (x))
        x = r ("Relu", F.relu (x))
        y = r ("Conv", self.c1 (x))
        y = r ("BatchNormalization", self.bn1 (y))
        # torch 1.13 at opset 11 writes relu6 as Relu then Clip (0, 6).
        if self.records is not None:
            r ("Relu", F.relu (y))
        y = r ("Clip", F.relu6 (y))
        y = r ("Conv", self.c2 (y))
        y = r ("BatchNormalization", self.bn2 (y))
        x = r ("Add", x + y)
        x = r ("Relu", F.relu (x))
        s = r ("MaxPool", F.max_pool2d (x, 2))              # [1, 8, 8, 8]
        s = r ("GlobalAveragePool", F.adaptive_avg_pool2d (s, 1))
        s = r ("Squeeze", s.squeeze (3))                    # [1, 8, 1]
        s = r ("Squeeze", s.squeeze (2))                    # [1, 8]
        s = r ("Gemm", self.se (s))
        s = r ("Sigmoid", torch.sigmoid (s))
        s = r ("Unsqueeze", s.unsqueeze (2))                # [1, 8, 1]
        s = r ("Unsqueeze", s.unsqueeze (3))                # [1, 8, 1, 1]
        x = r ("Mul", x * s)                                # [1, 8, 16, 16]
        x = r ("GlobalAveragePool", F.adaptive_avg_pool2d (x, 1))
        x = r ("Flatten", torch.flatten (x, 1))
        x = r ("Gemm", self.fc (x))
        x = r ("Softmax", F.softmax (x, dim=1))
        return x


class Opset14 (Recorder):
    """HardSwish as one node and BatchNormalization with training_mode (opset 14)."""

    def __init__ (self, gen):
        super ().__init__ ()
        self.conv = nn.Conv2d (2, 4, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d (4)
        self.hswish = nn.Hardswish ()
        self.fc = nn.Linear (4 * 4 * 4, 5)
        randomise_bn (self.bn, gen)
        scale_ (self.conv, 8.0)

    def forward (self, x):                                  # [1, 2, 8, 8]
        r = self.r
        x = r ("Conv", self.conv (x))                       # [1, 4, 8, 8]
        x = r ("BatchNormalization", self.bn (x))
        x = r ("HardSwish", self.hswish (x))
        x = r ("MaxPool", F.max_pool2d (x, 2))              # [1, 4, 4, 4]
        x = r ("Flatten", torch.flatten (x, 1))
        x = r ("Gemm", self.fc (x))
        return x


# name, class, opset, input shape, dynamic batch axis, and what the exported
# graph must contain (ops, op chains) or must not contain
MODELS = [
    dict (name="lenet", cls=LeNet, opset=13, shape=(1, 1, 28, 28), dynamic=True,
          chains=[["Shape", "Gather", "Unsqueeze", "Concat", "Reshape"]]),
    dict (name="mixed", cls=Mixed, opset=13, shape=(1, 3, 32, 32), dynamic=False,
          must=["BatchNormalization", "Clip", "LeakyRelu", "HardSigmoid",
                "AveragePool", "MaxPool", "GlobalAveragePool", "Flatten",
                "Gemm", "Softmax", "Sigmoid", "Tanh", "Add"]),
    dict (name="keras_nhwc", cls=KerasNhwc, opset=13, shape=(1, 28, 28, 1),
          dynamic=False, must=["Transpose", "Pad", "MatMul", "Add", "Softmax"],
          must_not=["Gemm"]),
    dict (name="tiny_resnet", cls=TinyResNet, opset=11, shape=(1, 3, 16, 16),
          dynamic=False, must=["BatchNormalization", "Clip", "Squeeze", "Unsqueeze"]),
    dict (name="opset14", cls=Opset14, opset=14, shape=(1, 2, 8, 8),
          dynamic=False, must=["HardSwish", "BatchNormalization"]),
]


# ---------------------------------------------------------------------------
# A small torch-based evaluator of single ONNX nodes, used to check the mapping
# and to compute the glue tensors (shape chains) between references.


def attrs_of (node):
    return {a.name: onnx.helper.get_attribute_value (a) for a in node.attribute}


def sym_pads (pads, node):
    n = len (pads) // 2
    if list (pads[:n]) != list (pads[n:]):
        raise RuntimeError ("%s: asymmetric pads %s not supported by checker"
                            % (node.name, pads))
    return tuple (pads[:n])


def pool_spec (x, op, a):
    """2-D MaxPool / AveragePool written from the ONNX operator text rather
    than with torch, so torch's ceil_mode and count_include_pad behaviour is
    checked against the spec the C engine follows."""
    n, c, h, w = x.shape                                    # [N, C, H, W]
    kh, kw = a["kernel_shape"]
    sh, sw = a.get ("strides", [1, 1])
    dh, dw = a.get ("dilations", [1, 1])
    pt, pl, pb, pr = a.get ("pads", [0, 0, 0, 0])
    ceil = a.get ("ceil_mode", 0)
    include_pad = a.get ("count_include_pad", 0)

    def out_len (size, k, s, d, p0, p1):
        span = size + p0 + p1 - ((k - 1) * d + 1)
        o = (-(-span // s) if ceil else span // s) + 1
        if ceil and (o - 1) * s >= size + p0:
            o -= 1                  # last window would start in the padding
        return o

    oh = out_len (h, kh, sh, dh, pt, pb)
    ow = out_len (w, kw, sw, dw, pl, pr)
    y = np.zeros ((n, c, oh, ow), np.float32)               # [N, C, OH, OW]
    for i in range (oh):
        for j in range (ow):
            rows = [i * sh - pt + u * dh for u in range (kh)]
            cols = [j * sw - pl + v * dw for v in range (kw)]
            vr = [r for r in rows if 0 <= r < h]
            vc = [q for q in cols if 0 <= q < w]
            win = x[:, :, vr][:, :, :, vc]
            if op == "MaxPool":
                y[:, :, i, j] = win.max (axis=(2, 3))
            else:
                if include_pad:
                    cnt = (sum (1 for r in rows if -pt <= r < h + pb)
                           * sum (1 for q in cols if -pl <= q < w + pr))
                else:
                    cnt = len (vr) * len (vc)
                y[:, :, i, j] = win.sum (axis=(2, 3), dtype=np.float64) / cnt
    return y


def eval_node (node, ins, opset):
    """Outputs (list of torch tensors) of one ONNX node given input tensors."""
    op = node.op_type
    a = attrs_of (node)
    x = ins[0] if ins else None
    if op == "Conv":
        k = len (x.shape) - 2
        if a.get ("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
            raise RuntimeError ("auto_pad not supported by checker")
        pads = sym_pads (a.get ("pads", [0] * 2 * k), node)
        return [F.conv2d (x, ins[1], ins[2] if len (ins) > 2 and ins[2] is not None else None,
                          stride=tuple (a.get ("strides", [1] * k)), padding=pads,
                          dilation=tuple (a.get ("dilations", [1] * k)),
                          groups=a.get ("group", 1))]
    if op == "BatchNormalization":
        if a.get ("training_mode", 0) != 0:
            raise RuntimeError ("training_mode BN")
        return [F.batch_norm (x, ins[3], ins[4], ins[1], ins[2], False, 0.0,
                              a.get ("epsilon", 1e-5))]
    if op == "Relu":
        return [F.relu (x)]
    if op == "LeakyRelu":
        return [F.leaky_relu (x, a.get ("alpha", 0.01))]
    if op == "Sigmoid":
        return [torch.sigmoid (x)]
    if op == "Tanh":
        return [torch.tanh (x)]
    if op == "HardSigmoid":
        return [torch.clamp (a.get ("alpha", 0.2) * x + a.get ("beta", 0.5), 0, 1)]
    if op == "HardSwish":
        return [x * torch.clamp (x / 6 + 0.5, 0, 1)]
    if op == "Clip":
        if opset < 11:
            lo, hi = a.get ("min", -3.4e38), a.get ("max", 3.4e38)
        else:
            lo = ins[1] if len (ins) > 1 and ins[1] is not None else None
            hi = ins[2] if len (ins) > 2 and ins[2] is not None else None
            lo = float (lo) if lo is not None else -3.4e38
            hi = float (hi) if hi is not None else 3.4e38
        return [torch.clamp (x, lo, hi)]
    if op in ("Add", "Sub", "Mul", "Div"):
        f = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div}[op]
        if x.dtype == torch.int64 and op == "Div":
            return [torch.div (x, ins[1], rounding_mode="trunc")]
        return [f (x, ins[1])]
    if op in ("MaxPool", "AveragePool"):
        if len (node.output) > 1:
            raise RuntimeError ("MaxPool Indices output")
        return [torch.from_numpy (pool_spec (x.numpy (), op, a))]
    if op == "GlobalAveragePool":
        return [x.mean (dim=tuple (range (2, x.dim ())), keepdim=True)]
    if op == "GlobalMaxPool":
        return [x.amax (dim=tuple (range (2, x.dim ())), keepdim=True)]
    if op == "Gemm":
        A, B = ins[0], ins[1]
        if a.get ("transA", 0):
            A = A.t ()
        if a.get ("transB", 0):
            B = B.t ()
        y = a.get ("alpha", 1.0) * (A @ B)
        if len (ins) > 2 and ins[2] is not None:
            y = y + a.get ("beta", 1.0) * ins[2]
        return [y]
    if op == "MatMul":
        return [torch.matmul (x, ins[1])]
    if op == "Softmax":
        axis = a.get ("axis", -1 if opset >= 13 else 1)
        if opset >= 13:
            return [torch.softmax (x, axis)]
        axis = axis % x.dim ()
        flat = x.reshape (int (np.prod (x.shape[:axis])), -1)
        return [torch.softmax (flat, 1).reshape (x.shape)]
    if op == "Flatten":
        axis = a.get ("axis", 1) % (x.dim () + 1) if x.dim () else 0
        return [x.reshape (int (np.prod (x.shape[:axis])), -1)]
    if op == "Reshape":
        shape = [int (v) for v in ins[1].tolist ()]
        if not a.get ("allowzero", 0):
            shape = [x.shape[i] if v == 0 else v for i, v in enumerate (shape)]
        return [x.reshape (shape)]
    if op == "Transpose":
        perm = a.get ("perm", list (reversed (range (x.dim ()))))
        return [x.permute (*perm)]
    if op == "Pad":
        if a.get ("mode", b"constant") not in (b"constant", "constant"):
            raise RuntimeError ("Pad mode")
        pads = [int (v) for v in ins[1].tolist ()]
        value = float (ins[2]) if len (ins) > 2 and ins[2] is not None else 0.0
        n = x.dim ()
        tp = []
        for d in reversed (range (n)):
            tp += [pads[d], pads[d + n]]
        return [F.pad (x, tp, value=value)]
    if op == "Dropout":
        return [x] + ([torch.ones_like (x, dtype=torch.bool)] if len (node.output) > 1 else [])
    if op == "Identity":
        return [x]
    if op == "Constant":
        if "value" in a:
            return [torch.from_numpy (numpy_helper.to_array (a["value"]).copy ())]
        raise RuntimeError ("Constant form %s" % list (a))
    if op == "Shape":
        s = list (x.shape)
        s = s[a.get ("start", 0):a.get ("end", len (s))] if opset >= 15 else s
        return [torch.tensor (s, dtype=torch.int64)]
    if op == "Gather":
        axis = a.get ("axis", 0)
        idx = ins[1]
        return [torch.index_select (x, axis, idx.reshape (-1) % x.shape[axis]).reshape (
            x.shape[:axis] + idx.shape + x.shape[axis + 1:])]
    if op in ("Unsqueeze", "Squeeze"):
        axes = a.get ("axes") if opset < 13 else (
            ins[1].tolist () if len (ins) > 1 and ins[1] is not None else None)
        if op == "Unsqueeze":
            y = x
            n = x.dim () + len (axes)
            for ax in sorted (v % n for v in axes):
                y = y.unsqueeze (ax)
            return [y]
        if axes is None:
            return [x.squeeze ()]
        y = x
        for ax in sorted ((v % x.dim () for v in axes), reverse=True):
            assert y.shape[ax] == 1
            y = y.squeeze (ax)
        return [y]
    if op == "Concat":
        return [torch.cat (ins, a["axis"])]
    if op == "Cast":
        to = {1: torch.float32, 7: torch.int64, 6: torch.int32, 9: torch.bool,
              11: torch.float64}[a["to"]]
        return [x.to (to)]
    if op == "ConstantOfShape":
        v = a.get ("value")
        arr = numpy_helper.to_array (v).copy () if v is not None else np.zeros (1, np.float32)
        return [torch.full ([int (d) for d in x.tolist ()], arr.reshape (-1)[0].item (),
                            dtype=torch.from_numpy (arr).dtype)]
    if op == "Slice":
        starts, ends = ins[1].tolist (), ins[2].tolist ()
        axes = ins[3].tolist () if len (ins) > 3 and ins[3] is not None else list (range (len (starts)))
        steps = ins[4].tolist () if len (ins) > 4 and ins[4] is not None else [1] * len (starts)
        y = x.numpy ()
        sl = [slice (None)] * y.ndim
        for s, e, ax, st in zip (starts, ends, axes, steps):
            dim = y.shape[ax]
            # numpy slicing clamps like ONNX once INT64 extremes are mapped.
            s = max (min (s, dim), -dim - 1) if st < 0 else s
            e = None if (st < 0 and e < -dim) else e
            sl[ax] = slice (s, e, st)
        return [torch.from_numpy (np.ascontiguousarray (y[tuple (sl)]))]
    raise RuntimeError ("checker has no evaluator for %s" % op)


# ---------------------------------------------------------------------------
# Export, mapping, writing


def safe_name (name, taken):
    base = re.sub (r"[^A-Za-z0-9._-]", "_", name)
    cand, i = base, 2
    while cand.lower () in taken:
        cand = "%s_%d" % (base, i)
        i += 1
    taken.add (cand.lower ())
    return cand + ".npy"


def save_npy (path, array):
    array = np.ascontiguousarray (array, dtype="<f4")
    buf = io.BytesIO ()
    np.lib.format.write_array (buf, array, version=(1, 0), allow_pickle=False)
    with open (path, "wb") as f:
        f.write (buf.getvalue ())


def manifest_json (manifest):
    """JSON text with one line per tensor, so diffs stay readable."""
    lines = ["{"]
    for key, value in manifest.items ():
        if key != "tensors":
            lines.append ("  %s: %s," % (json.dumps (key), json.dumps (value)))
    lines.append ('  "tensors": [')
    rows = [json.dumps (t) for t in manifest["tensors"]]
    lines += ["    %s%s" % (r, "," if k + 1 < len (rows) else "") for k, r in enumerate (rows)]
    lines += ["  ]", "}", ""]
    text = "\n".join (lines)
    assert json.loads (text) == manifest
    return text


def export (model, x, spec):
    buf = io.BytesIO ()
    kwargs = dict (input_names=["input"], output_names=["output"],
                   opset_version=spec["opset"], do_constant_folding=True,
                   # PRESERVE with an eval-mode model keeps BatchNormalization
                   # nodes (EVAL folds BN into the preceding Conv).
                   training=torch.onnx.TrainingMode.PRESERVE)
    if spec["dynamic"]:
        kwargs["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    with warnings.catch_warnings ():
        warnings.simplefilter ("ignore")
        torch.onnx.export (model, (x,), buf, **kwargs)
    proto = onnx.load_from_string (buf.getvalue ())
    onnx.checker.check_model (proto)
    return proto, buf.getvalue ()


def check_exercised (name, node, ins, out):
    """Clamping activations must clamp: a reference where ReLU6 never reaches
    6 would not tell Clip from Relu."""
    op = node.op_type
    x = ins[0]
    if op == "Clip":
        # The upper bound must cut (torch's opset-11 ReLU6 is Relu then
        # Clip, so the lower one may have nothing left to cut).
        ok = float (out.max ()) < float (x.max ())
    elif op == "HardSigmoid":
        ok = (out == 1).any () and ((out > 0) & (out < 1)).any ()
    elif op == "HardSwish":
        ok = (x > 3).any () and ((x > -3) & (x < 0)).any ()
    elif op in ("Relu", "LeakyRelu"):
        ok = (x < 0).any () and (x > 0).any ()
    else:
        return
    if not ok:
        raise AssertionError ("%s: %s (%s) does not reach its clamps; scale the weights"
                              % (name, node.output[0], op))


def has_chain (graph, chain):
    """True if some path node0 -> node1 -> ... has exactly these op types."""
    consumers = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault (i, []).append (n)

    def walk (n, k):
        if n.op_type != chain[k]:
            return False
        if k == len (chain) - 1:
            return True
        return any (walk (c, k + 1) for o in n.output for c in consumers.get (o, []))

    return any (walk (n, 0) for n in graph.node)


def build (spec, outdir):
    name = spec["name"]
    torch.manual_seed (1234)
    gen = torch.Generator ().manual_seed (sum (map (ord, name)))
    model = spec["cls"] (gen).eval ()
    x = torch.rand (spec["shape"], generator=gen)
    if name == "keras_nhwc":
        x = x * 2.0 - 0.5

    with torch.no_grad ():
        model.records = []
        y = model (x)
        records = model.records
        model.records = None

    proto, blob = export (model, x, spec)
    graph = proto.graph
    ops = [n.op_type for n in graph.node]
    opset = {o.domain: o.version for o in proto.opset_import}[""]
    assert opset == spec["opset"], (name, opset)
    for bad in ("If", "Loop", "Scan"):
        assert bad not in ops, (name, bad)
    for op in spec.get ("must", []):
        assert op in ops, "%s: expected a %s node, graph has %s" % (name, op, sorted (set (ops)))
    for op in spec.get ("must_not", []):
        assert op not in ops, "%s: unexpected %s node" % (name, op)
    for chain in spec.get ("chains", []):
        assert has_chain (graph, chain), "%s: no %s chain" % (name, "->".join (chain))

    inits = {t.name: torch.from_numpy (numpy_helper.to_array (t).copy ())
             for t in graph.initializer}
    real_inputs = [i for i in graph.input if i.name not in inits]
    assert len (real_inputs) == 1 and real_inputs[0].name == "input"
    assert len (graph.output) == 1

    # Walk the nodes: compute glue with the evaluator, take computing outputs
    # from the PyTorch records, and check each against the evaluator.
    values = dict (inits)
    values["input"] = x
    depends = {"input"}
    used = [False] * len (records)
    cursor = 0
    tensors = []
    taken = {"input", "manifest"}
    for node in graph.node:
        ins = [values[i] if i else None for i in node.input]
        outs = eval_node (node, ins, opset)
        dep = any (i in depends for i in node.input)
        for oname, oval in zip (node.output, outs):
            if dep:
                depends.add (oname)
            computing = dep and oval.is_floating_point ()
            if not computing or oname != node.output[0]:
                values[oname] = oval
                continue
            match = None
            for k in range (cursor, len (records)):
                op, t = records[k]
                if not used[k] and op == node.op_type and tuple (t.shape) == tuple (oval.shape):
                    match = k
                    break
            assert match is not None, "%s: no PyTorch record for %s (%s, %s)" % (
                name, oname, node.op_type, list (oval.shape))
            used[match] = True
            while cursor < len (records) and used[cursor]:
                cursor += 1
            ref = records[match][1]
            check_exercised (name, node, ins, ref)
            if not torch.allclose (oval, ref, rtol=RTOL, atol=ATOL):
                raise AssertionError ("%s: %s (%s) differs from its record by %g" % (
                    name, oname, node.op_type, (oval - ref).abs ().max ().item ()))
            values[oname] = ref
            tensors.append ({"name": oname, "file": safe_name (oname, taken),
                             "op": node.op_type, "node": node.name,
                             "shape": list (ref.shape)})
    left = [records[k][0] for k in range (len (records)) if not used[k]]
    assert not left, "%s: records without an ONNX node: %s" % (name, left)
    out_name = graph.output[0].name
    assert out_name in [t["name"] for t in tensors], name
    assert torch.equal (values[out_name], y), "%s: graph output != model output" % name

    d = os.path.join (outdir, name)
    os.makedirs (d, exist_ok=True)
    for f in os.listdir (d):
        if f.endswith (".npy") or f in ("model.onnx", "manifest.json"):
            os.unlink (os.path.join (d, f))
    with open (os.path.join (d, "model.onnx"), "wb") as f:
        f.write (blob)
    save_npy (os.path.join (d, "input.npy"), x.numpy ())
    for t in tensors:
        save_npy (os.path.join (d, t["file"]), values[t["name"]].numpy ())
    manifest = {"model": "model.onnx", "opset": opset, "input_name": "input",
                "input_shape": list (x.shape), "input": "input.npy",
                "output": out_name, "tensors": tensors}
    with open (os.path.join (d, "manifest.json"), "w") as f:
        f.write (manifest_json (manifest))

    uniq = []
    for o in ops:
        if o not in uniq:
            uniq.append (o)
    size = sum (os.path.getsize (os.path.join (d, f)) for f in os.listdir (d))
    print ("%s (opset %d): %d nodes, ops: %s" % (name, opset, len (ops), " ".join (uniq)))
    print ("  %d reference tensors, %d bytes, onnx sha256 %s"
           % (len (tensors), size, hashlib.sha256 (blob).hexdigest ()[:16]))
    return size


def main ():
    here = os.path.dirname (os.path.abspath (__file__))
    outdir = sys.argv[1] if len (sys.argv) > 1 else os.path.join (
        here, "..", "tests", "fixtures", "pytorch")
    if not torch.__version__.startswith ("1.13") or not onnx.__version__.startswith ("1.12"):
        print ("warning: made with torch 1.13 / onnx 1.12; this is torch %s / onnx %s, "
               "so names and bytes may differ" % (torch.__version__, onnx.__version__),
               file=sys.stderr)
    torch.set_num_threads (1)
    torch.use_deterministic_algorithms (True)
    total = 0
    for spec in MODELS:
        total += build (spec, outdir)
    print ("total %d bytes in %s" % (total, os.path.normpath (outdir)))


if __name__ == "__main__":
    main ()
