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
# (torch functions for the simple ops; pooling, ReduceMean, Pow, Sqrt, Erf,
# LayerNormalization, InstanceNormalization, ConvTranspose, Resize, Split and
# reflect/edge Pad written from the ONNX spec in numpy, so that what torch and
# the exporter do is checked independently), fed the mapped references of its
# inputs, must reproduce the mapped reference of each output. The script fails
# if any computing node has no reference, any record is left over, a clamping
# activation never clamps, or the graph output differs from the model output.
#
# Layers the exporter writes as several nodes (Linear on rank > 2, GELU,
# LayerNorm before opset 17) record every step: see Recorder.linear, .gelu
# and .layer_norm.
#
# It does not run any ONNX runtime (none is installed) and does not test the C
# engine; the engine's tests read these files.
#
# Run:  /usr/bin/python3 build-aux/make-test-models.py [OUTDIR [NAME...]]
# (OUTDIR defaults to tests/fixtures/pytorch next to this script's parent;
# NAMEs, if given, build only those models).
# Needs torch 1.13, onnx 1.12 and numpy. Output is byte-identical between runs.

import hashlib
import io
import json
import math
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
        self.opset = None           # set by build () before the model runs

    def r (self, op, t):
        if self.records is not None:
            self.records.append ((op, t.detach ().clone ()))
        return t

    # Layers the exporter writes as several nodes. Each records its steps as
    # PyTorch computes them, in the exporter's order, and returns (and
    # records as the last node's value) the module's own output, so every
    # node has a PyTorch reference and the model computes what it always does.

    def linear (self, fc, x):
        """nn.Linear on a rank > 2 tensor: MatMul with the transposed weight, then Add."""
        if self.records is not None:
            self.r ("MatMul", torch.matmul (x, fc.weight.t ()))
        return self.r ("Add", fc (x))

    def gelu (self, x):
        """GELU before opset 20: Div (sqrt 2), Erf, Add 1, Mul x, Mul 0.5."""
        if self.records is not None:
            e = self.r ("Erf", torch.erf (self.r ("Div", x / math.sqrt (2.0))))
            self.r ("Mul", x * self.r ("Add", e + 1.0))
        return self.r ("Mul", F.gelu (x))

    def layer_norm (self, ln, x, op_from=17):
        """nn.LayerNorm over the last axis: one LayerNormalization node from
        opset 17, before that ReduceMean, Sub, Pow 2, ReduceMean, Add eps,
        Sqrt, Div, Mul weight, Add bias."""
        if self.opset >= op_from:
            return self.r ("LayerNormalization", ln (x))
        if self.records is not None:
            r = self.r
            d = r ("Sub", x - r ("ReduceMean", x.mean (-1, keepdim=True)))
            var = r ("ReduceMean", r ("Pow", d.pow (2.0)).mean (-1, keepdim=True))
            r ("Mul", r ("Div", d / r ("Sqrt", torch.sqrt (r ("Add", var + ln.eps))))
               * ln.weight)
        return self.r ("Add", ln (x))


def randomise_bn (bn, gen):
    """Give a BatchNorm2d non-trivial running stats and affine parameters."""
    c = bn.num_features
    with torch.no_grad ():
        bn.running_mean.copy_ (torch.randn (c, generator=gen) * 0.5)
        bn.running_var.copy_ (torch.rand (c, generator=gen) * 1.5 + 0.25)
        bn.weight.copy_ (torch.rand (c, generator=gen) + 0.5)
        bn.bias.copy_ (torch.randn (c, generator=gen) * 0.2)


def randomise_ln (ln, gen):
    """Give a LayerNorm (or InstanceNorm) affine parameters other than ones
    and zeros (equal constants would be shared through Identity nodes)."""
    c = ln.weight.shape[0]
    with torch.no_grad ():
        ln.weight.copy_ (torch.rand (c, generator=gen) + 0.5)
        ln.bias.copy_ (torch.randn (c, generator=gen) * 0.2)


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


class ConvNeXtBlock (nn.Module):
    """ConvNeXt block: depthwise 7x7, channels-last LayerNorm, Linear 4x,
    GELU, Linear, layer-scale gamma, residual."""

    def __init__ (self, c, gen):
        super ().__init__ ()
        self.dw = nn.Conv2d (c, c, 7, padding=3, groups=c)
        self.norm = nn.LayerNorm (c, eps=1e-6)
        self.fc1 = nn.Linear (c, 4 * c)
        self.fc2 = nn.Linear (4 * c, c)
        self.gamma = nn.Parameter (torch.rand (c, generator=gen) * 0.5 + 0.25)
        randomise_ln (self.norm, gen)

    def forward (self, m, x):                               # m: the Recorder
        r = m.r
        y = r ("Conv", self.dw (x))
        y = r ("Transpose", y.permute (0, 2, 3, 1))         # [N, H, W, C]
        y = m.layer_norm (self.norm, y)
        y = m.gelu (m.linear (self.fc1, y))
        y = m.linear (self.fc2, y)
        y = r ("Mul", self.gamma * y)
        y = r ("Transpose", y.permute (0, 3, 1, 2))         # [N, C, H, W]
        return r ("Add", x + y)


class ConvNeXt (Recorder):
    """A two-stage ConvNeXt: 4x4 stride-4 stem, channels-first LayerNorm
    (written out, as the reference code does), blocks, a downsampling layer,
    global mean and a LayerNorm + Linear head. LayerNorm and GELU are
    decomposed at opset 13; nn.LayerNorm is one node at opset 17."""

    def __init__ (self, gen):
        super ().__init__ ()
        self.stem = nn.Conv2d (3, 8, 4, stride=4)
        self.stem_w = nn.Parameter (torch.rand (8, generator=gen) + 0.5)
        self.stem_b = nn.Parameter (torch.randn (8, generator=gen) * 0.2)
        self.block1 = ConvNeXtBlock (8, gen)
        self.down_w = nn.Parameter (torch.rand (8, generator=gen) + 0.5)
        self.down_b = nn.Parameter (torch.randn (8, generator=gen) * 0.2)
        self.down = nn.Conv2d (8, 16, 2, stride=2)
        self.block2 = ConvNeXtBlock (16, gen)
        self.norm = nn.LayerNorm (16)
        self.head = nn.Linear (16, 10)
        randomise_ln (self.norm, gen)

    def norm_cf (self, x, w, b):
        """ConvNeXt's LayerNorm over channels of [N, C, H, W]: always ops."""
        r = self.r
        u = r ("ReduceMean", x.mean (1, keepdim=True))
        d = r ("Sub", x - u)
        s = r ("ReduceMean", r ("Pow", d.pow (2)).mean (1, keepdim=True))
        x = r ("Div", d / r ("Sqrt", torch.sqrt (r ("Add", s + 1e-6))))
        return r ("Add", r ("Mul", w[:, None, None] * x) + b[:, None, None])

    def forward (self, x):                                  # [1, 3, 32, 32]
        r = self.r
        x = r ("Conv", self.stem (x))                       # [1, 8, 8, 8]
        x = self.norm_cf (x, self.stem_w, self.stem_b)
        x = self.block1 (self, x)
        x = self.norm_cf (x, self.down_w, self.down_b)
        x = r ("Conv", self.down (x))                       # [1, 16, 4, 4]
        x = self.block2 (self, x)
        x = r ("ReduceMean", x.mean ((-2, -1)))             # [1, 16]
        x = self.layer_norm (self.norm, x)
        x = r ("Gemm", self.head (x))                       # [1, 10]
        return x


class ViT (Recorder):
    """A one-block Vision Transformer: 8x8 patches by a stride-8 Conv,
    flatten + transpose to tokens, a class token (Concat), position
    embedding (Add), pre-norm multi-head self-attention written with MatMul
    and Softmax, a GELU MLP, residuals, a final LayerNorm and a Linear head
    on the class token (Gather)."""

    DIM, HEADS, TOKENS = 16, 2, 17                          # 4 x 4 patches + class

    def __init__ (self, gen):
        super ().__init__ ()
        d = self.DIM
        self.patch = nn.Conv2d (3, d, 8, stride=8)
        self.cls = nn.Parameter (torch.randn (1, 1, d, generator=gen))
        self.pos = nn.Parameter (torch.randn (1, self.TOKENS, d, generator=gen) * 0.5)
        self.norm1 = nn.LayerNorm (d)
        self.q = nn.Linear (d, d)
        self.k = nn.Linear (d, d)
        self.v = nn.Linear (d, d)
        self.proj = nn.Linear (d, d)
        self.norm2 = nn.LayerNorm (d)
        self.fc1 = nn.Linear (d, 2 * d)
        self.fc2 = nn.Linear (2 * d, d)
        self.norm = nn.LayerNorm (d)
        self.head = nn.Linear (d, 10)
        for ln in (self.norm1, self.norm2, self.norm):
            randomise_ln (ln, gen)
        scale_ (self.q, 3.0)
        scale_ (self.k, 3.0)

    def heads (self, t, perm=(0, 2, 1, 3)):
        """[1, T, D] -> [1, heads, T, D / heads], or with perm (0, 2, 3, 1)
        [1, heads, D / heads, T] (the exporter merges k's two transposes)."""
        t = self.r ("Reshape", t.reshape (1, self.TOKENS, self.HEADS, self.DIM // self.HEADS))
        return self.r ("Transpose", t.permute (*perm))

    def forward (self, x):                                  # [1, 3, 32, 32]
        r = self.r
        x = r ("Conv", self.patch (x))                      # [1, 16, 4, 4]
        x = r ("Reshape", x.flatten (2))                    # [1, 16, 16]
        x = r ("Transpose", x.transpose (1, 2))             # [1, 16 tokens, 16]
        x = r ("Concat", torch.cat ((self.cls, x), 1))      # [1, 17, 16]
        x = r ("Add", x + self.pos)
        # attention
        y = self.layer_norm (self.norm1, x)
        q = self.heads (self.linear (self.q, y))
        k = self.heads (self.linear (self.k, y), (0, 2, 3, 1))  # [1, 2, 8, 17]
        v = self.heads (self.linear (self.v, y))
        a = r ("MatMul", q @ k)                             # [1, 2, 17, 17]
        a = r ("Mul", a * (self.DIM // self.HEADS) ** -0.5)
        a = r ("Softmax", a.softmax (-1))
        y = r ("MatMul", a @ v)                             # [1, 2, 17, 8]
        y = r ("Transpose", y.transpose (1, 2))             # [1, 17, 2, 8]
        y = r ("Reshape", y.reshape (1, self.TOKENS, self.DIM))
        x = r ("Add", x + self.linear (self.proj, y))
        # MLP
        y = self.gelu (self.linear (self.fc1, self.layer_norm (self.norm2, x)))
        x = r ("Add", x + self.linear (self.fc2, y))
        x = self.layer_norm (self.norm, x)
        x = r ("Gather", x[:, 0])                           # [1, 16] class token
        return r ("Gemm", self.head (x))                    # [1, 10]


class UNet (Recorder):
    """A small U-Net: two down levels (Conv, ReLU, MaxPool), a bottleneck,
    up by ConvTranspose (kernel 2, stride 2) and by bilinear Resize
    (align_corners False), skip Concats, and a side output from the
    bottleneck, up by ConvTranspose (kernel 3, stride 2, pads 1,
    output_padding 1) and bilinear Resize with align_corners True."""

    def __init__ (self, gen):
        super ().__init__ ()
        self.enc1 = nn.Conv2d (3, 4, 3, padding=1)
        self.enc2 = nn.Conv2d (4, 8, 3, padding=1)
        self.mid = nn.Conv2d (8, 16, 3, padding=1)
        self.up2 = nn.ConvTranspose2d (16, 8, 2, stride=2)
        self.dec2 = nn.Conv2d (16, 8, 3, padding=1)
        self.red1 = nn.Conv2d (8, 4, 1)
        self.dec1 = nn.Conv2d (8, 4, 3, padding=1)
        self.out = nn.Conv2d (4, 2, 1)
        self.side = nn.ConvTranspose2d (16, 2, 3, stride=2, padding=1, output_padding=1)

    def forward (self, x):                                  # [1, 3, 16, 16]
        r = self.r
        e1 = r ("Relu", F.relu (r ("Conv", self.enc1 (x))))         # [1, 4, 16, 16]
        x = r ("MaxPool", F.max_pool2d (e1, 2))                     # [1, 4, 8, 8]
        e2 = r ("Relu", F.relu (r ("Conv", self.enc2 (x))))         # [1, 8, 8, 8]
        x = r ("MaxPool", F.max_pool2d (e2, 2))                     # [1, 8, 4, 4]
        m = r ("Relu", F.relu (r ("Conv", self.mid (x))))           # [1, 16, 4, 4]
        x = r ("ConvTranspose", self.up2 (m))                       # [1, 8, 8, 8]
        x = r ("Concat", torch.cat ((x, e2), 1))                    # [1, 16, 8, 8]
        x = r ("Relu", F.relu (r ("Conv", self.dec2 (x))))          # [1, 8, 8, 8]
        x = r ("Resize", F.interpolate (x, scale_factor=2, mode="bilinear",
                                        align_corners=False))       # [1, 8, 16, 16]
        x = r ("Conv", self.red1 (x))                               # [1, 4, 16, 16]
        x = r ("Concat", torch.cat ((x, e1), 1))                    # [1, 8, 16, 16]
        x = r ("Relu", F.relu (r ("Conv", self.dec1 (x))))          # [1, 4, 16, 16]
        x = r ("Conv", self.out (x))                                # [1, 2, 16, 16]
        s = r ("ConvTranspose", self.side (m))                      # [1, 2, 8, 8]
        s = r ("Resize", F.interpolate (s, scale_factor=2, mode="bilinear",
                                        align_corners=True))        # [1, 2, 16, 16]
        return r ("Add", x + s)


class StyleNet (Recorder):
    """Johnson et al.'s fast neural style network, narrow: reflection-padded
    Convs with affine InstanceNorm and ReLU, two stride-2 downsamplings,
    residual blocks, nearest upsampling + Conv twice, a 9x9 output Conv and
    no Tanh."""

    def __init__ (self, gen):
        super ().__init__ ()

        def conv_in (cin, cout, k, stride=1):
            conv = nn.Conv2d (cin, cout, k, stride=stride)
            norm = nn.InstanceNorm2d (cout, affine=True)
            randomise_ln (norm, gen)
            return nn.ModuleList ([nn.ReflectionPad2d (k // 2), conv, norm])

        self.c1 = conv_in (3, 4, 9)
        self.c2 = conv_in (4, 8, 3, 2)
        self.c3 = conv_in (8, 16, 3, 2)
        self.res = nn.ModuleList ([conv_in (16, 16, 3) for _ in range (4)])
        self.u1 = conv_in (16, 8, 3)
        self.u2 = conv_in (8, 4, 3)
        self.out = nn.ModuleList ([nn.ReflectionPad2d (4), nn.Conv2d (4, 3, 9)])

    def layer (self, layer, x, relu=True):
        r = self.r
        x = r ("Conv", layer[1] (r ("Pad", layer[0] (x))))
        if len (layer) > 2:
            x = r ("InstanceNormalization", layer[2] (x))
        return r ("Relu", F.relu (x)) if relu else x

    def forward (self, x):                                  # [1, 3, 16, 16]
        r = self.r
        x = self.layer (self.c1, x)                         # [1, 4, 16, 16]
        x = self.layer (self.c2, x)                         # [1, 8, 8, 8]
        x = self.layer (self.c3, x)                         # [1, 16, 4, 4]
        for k in range (0, len (self.res), 2):
            y = self.layer (self.res[k], x)
            y = self.layer (self.res[k + 1], y, relu=False)
            x = r ("Add", x + y)
        x = r ("Resize", F.interpolate (x, scale_factor=2, mode="nearest"))
        x = self.layer (self.u1, x)                         # [1, 8, 8, 8]
        x = r ("Resize", F.interpolate (x, scale_factor=2, mode="nearest"))
        x = self.layer (self.u2, x)                         # [1, 4, 16, 16]
        return self.layer (self.out, x, relu=False)         # [1, 3, 16, 16]


class YoloHead (Recorder):
    """A YOLOv5-style detector on a three-Conv SiLU backbone: the deepest
    level upsampled (nearest) and concatenated with the one above, a 1x1
    Conv per level to (5 + classes) * anchors channels, reshaped to
    [1, anchors, H, W, 5 + classes], split into xy, wh, objectness and
    classes (Split), decoded with Sigmoid (xy: 2 s - 0.5 + grid, wh:
    (2 s)^2 anchor), concatenated back and over both levels."""

    CLASSES, ANCHORS = 3, 2
    NO = 5 + CLASSES

    def __init__ (self, gen):
        super ().__init__ ()
        self.b1 = nn.Conv2d (3, 8, 3, stride=2, padding=1)
        self.b2 = nn.Conv2d (8, 16, 3, stride=2, padding=1)
        self.b3 = nn.Conv2d (16, 16, 3, stride=2, padding=1)
        self.lat = nn.Conv2d (32, 16, 1)
        self.det = nn.ModuleList ([nn.Conv2d (16, self.NO * self.ANCHORS, 1)
                                   for _ in range (2)])
        # constants of the trace, as YOLOv5's cached grids and anchors
        self.anchors = [torch.rand (1, self.ANCHORS, 1, 1, 2, generator=gen) * 4 + 1
                        for _ in range (2)]
        self.grids = []
        for n in (8, 4):                                    # the levels' sizes
            gy, gx = torch.meshgrid (torch.arange (n), torch.arange (n), indexing="ij")
            self.grids.append (torch.stack ((gx, gy), -1).view (1, 1, n, n, 2).float ())
        scale_ (self.b1, 3.0)

    def silu (self, x):
        return self.r ("Mul", x * self.r ("Sigmoid", torch.sigmoid (x)))

    def detect (self, k, x):
        r = self.r
        _, _, h, w = x.shape
        x = r ("Conv", self.det[k] (x))
        x = r ("Reshape", x.view (1, self.ANCHORS, self.NO, h, w))
        x = r ("Transpose", x.permute (0, 1, 3, 4, 2))     # [1, A, H, W, NO]
        xy, wh, obj, cls = (r ("Split", t) for t in x.split ((2, 2, 1, self.CLASSES), -1))
        xy = r ("Sigmoid", torch.sigmoid (xy))
        xy = r ("Add", r ("Sub", r ("Mul", xy * 2) - 0.5) + self.grids[k])
        wh = r ("Sigmoid", torch.sigmoid (wh))
        wh = r ("Mul", r ("Pow", r ("Mul", wh * 2) ** 2) * self.anchors[k])
        obj = r ("Sigmoid", torch.sigmoid (obj))
        cls = r ("Sigmoid", torch.sigmoid (cls))
        x = r ("Concat", torch.cat ((xy, wh, obj, cls), -1))
        return r ("Reshape", x.view (1, -1, self.NO))      # [1, A * H * W, NO]

    def forward (self, x):                                  # [1, 3, 32, 32]
        r = self.r
        x = self.silu (r ("Conv", self.b1 (x)))             # [1, 8, 16, 16]
        p3 = self.silu (r ("Conv", self.b2 (x)))            # [1, 16, 8, 8]
        p4 = self.silu (r ("Conv", self.b3 (p3)))           # [1, 16, 4, 4]
        u = r ("Resize", F.interpolate (p4, scale_factor=2, mode="nearest"))
        p3 = r ("Concat", torch.cat ((u, p3), 1))           # [1, 32, 8, 8]
        p3 = self.silu (r ("Conv", self.lat (p3)))          # [1, 16, 8, 8]
        d3 = self.detect (0, p3)                            # [1, 128, 8]
        d4 = self.detect (1, p4)                            # [1, 32, 8]
        return r ("Concat", torch.cat ((d3, d4), 1))        # [1, 160, 8]


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
    dict (name="convnext_opset13", cls=ConvNeXt, opset=13, shape=(1, 3, 32, 32),
          dynamic=False, must=["ReduceMean", "Pow", "Sqrt", "Erf", "MatMul", "Transpose"],
          must_not=["LayerNormalization"],
          chains=[["ReduceMean", "Sub", "Pow", "ReduceMean", "Add", "Sqrt", "Div", "Mul", "Add"],
                  ["Div", "Erf", "Add", "Mul", "Mul"]]),
    dict (name="convnext_opset17", cls=ConvNeXt, opset=17, shape=(1, 3, 32, 32),
          dynamic=False, must=["LayerNormalization", "Erf", "MatMul", "Transpose"]),
    dict (name="vit", cls=ViT, opset=14, shape=(1, 3, 32, 32), dynamic=False,
          must=["Concat", "MatMul", "Softmax", "Transpose", "Reshape", "Erf", "Gather"],
          must_not=["Identity"], chains=[["Transpose", "MatMul", "Mul", "Softmax", "MatMul"]]),
    dict (name="unet", cls=UNet, opset=13, shape=(1, 3, 16, 16), dynamic=False,
          must=["ConvTranspose", "Resize", "Concat", "MaxPool"],
          chains=[["ConvTranspose", "Concat"], ["Resize", "Conv", "Concat"],
                  ["ConvTranspose", "Resize", "Add"]]),
    dict (name="style", cls=StyleNet, opset=13, shape=(1, 3, 16, 16), dynamic=False,
          must=["Pad", "InstanceNormalization", "Resize"], must_not=["Tanh"],
          chains=[["Pad", "Conv", "InstanceNormalization", "Relu"],
                  ["Resize", "Pad", "Conv"]]),
    dict (name="yolo", cls=YoloHead, opset=13, shape=(1, 3, 32, 32), dynamic=False,
          must=["Split", "Sigmoid", "Resize", "Concat", "Pow"],
          chains=[["Conv", "Reshape", "Transpose", "Split", "Sigmoid"],
                  ["Resize", "Concat", "Conv"]]),
]


# ---------------------------------------------------------------------------
# A small evaluator of single ONNX nodes (torch, and numpy from the spec where
# torch's own kernel would check itself), used to check the mapping and to
# compute the glue tensors (shape chains) between references.


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


def f32 (array):
    """A float64 numpy result of the spec evaluators as a float32 tensor."""
    return torch.from_numpy (np.ascontiguousarray (array, dtype=np.float32))


def conv_transpose_spec (x, w, b, a):
    """ConvTranspose from the ONNX operator text: every input pixel scatters
    its kernel-weighted values into the full output, which then loses
    pads at each side (output_padding extends the end)."""
    if a.get ("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET") or "output_shape" in a:
        raise RuntimeError ("ConvTranspose auto_pad / output_shape not supported by checker")
    x, w = x.astype (np.float64), w.astype (np.float64)
    n, c, h, wd = x.shape                                   # [N, C, H, W]
    g = a.get ("group", 1)
    cg, mg, kh, kw = w.shape                                # [C, M / group, kH, kW]
    sh, sw = a.get ("strides", [1, 1])
    dh, dw = a.get ("dilations", [1, 1])
    pt, pl, pb, pr = a.get ("pads", [0, 0, 0, 0])
    oph, opw = a.get ("output_padding", [0, 0])
    fh = (h - 1) * sh + (kh - 1) * dh + 1 + oph
    fw = (wd - 1) * sw + (kw - 1) * dw + 1 + opw
    full = np.zeros ((n, g * mg, fh, fw))
    cpg = c // g
    for gi in range (g):
        xs = x[:, gi * cpg:(gi + 1) * cpg]
        for u in range (kh):
            for v in range (kw):
                contrib = np.einsum ("nchw,cm->nmhw", xs, w[gi * cpg:(gi + 1) * cpg, :, u, v])
                full[:, gi * mg:(gi + 1) * mg,
                     u * dh:u * dh + (h - 1) * sh + 1:sh,
                     v * dw:v * dw + (wd - 1) * sw + 1:sw] += contrib
    y = full[:, :, pt:fh - pb, pl:fw - pr]
    if b is not None:
        y = y + b.astype (np.float64)[None, :, None, None]
    return y


def resize_spec (x, out_shape, scales, a):
    """Resize (opset 11 to 18, modes nearest and linear) from the ONNX
    operator text, one axis at a time: each output index is mapped back by
    the coordinate transformation, then taken (nearest) or interpolated
    between its two neighbours, clamped to the edge (linear)."""
    mode = a.get ("mode", b"nearest").decode ()
    ctm = a.get ("coordinate_transformation_mode", b"half_pixel").decode ()
    nearest = a.get ("nearest_mode", b"round_prefer_floor").decode ()
    if mode not in ("nearest", "linear") or ctm == "tf_crop_and_resize":
        raise RuntimeError ("Resize mode %s / %s not supported by checker" % (mode, ctm))
    y = x.astype (np.float64)
    for ax, (n_in, n_out, scale) in enumerate (zip (x.shape, out_shape, scales)):
        o = np.arange (n_out, dtype=np.float64)
        if ctm == "half_pixel":
            src = (o + 0.5) / scale - 0.5
        elif ctm == "pytorch_half_pixel":
            src = (o + 0.5) / scale - 0.5 if n_out > 1 else np.zeros (n_out)
        elif ctm == "align_corners":
            src = o * (n_in - 1) / (n_out - 1) if n_out > 1 else np.zeros (n_out)
        elif ctm == "asymmetric":
            src = o / scale
        else:
            raise RuntimeError ("Resize coordinate_transformation_mode %s" % ctm)
        if mode == "nearest":
            frac = src - np.floor (src)
            idx = {"floor": np.floor (src), "ceil": np.ceil (src),
                   "round_prefer_floor": np.where (frac == 0.5, np.floor (src), np.round (src)),
                   "round_prefer_ceil": np.where (frac == 0.5, np.ceil (src), np.round (src))}[nearest]
            y = np.take (y, np.clip (idx, 0, n_in - 1).astype (np.int64), axis=ax)
        else:
            src = np.clip (src, 0, n_in - 1)
            i0 = np.floor (src).astype (np.int64)
            i1 = np.minimum (i0 + 1, n_in - 1)
            shape = [1] * y.ndim
            shape[ax] = n_out
            t = (src - i0).reshape (shape)
            y = np.take (y, i0, axis=ax) * (1 - t) + np.take (y, i1, axis=ax) * t
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
        mode = a.get ("mode", b"constant").decode ()
        pads = [int (v) for v in ins[1].tolist ()]
        if mode in ("reflect", "edge"):
            # numpy's reflect (mirror without the edge) and edge are ONNX's
            if min (pads) < 0:
                raise RuntimeError ("Pad: negative pads not supported by checker")
            n = x.dim ()
            return [torch.from_numpy (np.pad (x.numpy (), list (zip (pads[:n], pads[n:])),
                                              mode=mode))]
        if mode != "constant":
            raise RuntimeError ("Pad mode %s" % mode)
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
    if op == "ReduceMean":
        # axes an attribute up to opset 17, an input from 18
        axes = a.get ("axes") if opset < 18 else (
            ins[1].tolist () if len (ins) > 1 and ins[1] is not None else None)
        axes = tuple (range (x.dim ())) if axes is None else tuple (v % x.dim () for v in axes)
        y = x.numpy ().astype (np.float64).mean (axis=axes, keepdims=bool (a.get ("keepdims", 1)))
        return [f32 (y)]
    if op == "Pow":
        return [f32 (np.power (x.numpy ().astype (np.float64), ins[1].numpy ().astype (np.float64)))]
    if op == "Sqrt":
        return [f32 (np.sqrt (x.numpy ().astype (np.float64)))]
    if op == "Erf":
        return [f32 (np.vectorize (math.erf) (x.numpy ().astype (np.float64)))]
    if op == "LayerNormalization":
        if len (node.output) > 1 or a.get ("stash_type", 1) != 1:
            raise RuntimeError ("LayerNormalization: Mean/InvStdDev outputs or stash_type")
        axis = a.get ("axis", -1) % x.dim ()
        xd = x.numpy ().astype (np.float64)
        axes = tuple (range (axis, x.dim ()))
        d = xd - xd.mean (axis=axes, keepdims=True)
        y = d / np.sqrt ((d * d).mean (axis=axes, keepdims=True) + a.get ("epsilon", 1e-5))
        y = y * ins[1].numpy ()
        if len (ins) > 2 and ins[2] is not None:
            y = y + ins[2].numpy ()
        return [f32 (y)]
    if op == "ConvTranspose":
        b = ins[2].numpy () if len (ins) > 2 and ins[2] is not None else None
        return [f32 (conv_transpose_spec (x.numpy (), ins[1].numpy (), b, a))]
    if op == "Resize":
        if opset < 11:
            raise RuntimeError ("Resize before opset 11")
        scales = ins[2] if len (ins) > 2 and ins[2] is not None and ins[2].numel () else None
        sizes = ins[3] if len (ins) > 3 and ins[3] is not None else None
        if scales is not None:
            scales = [float (v) for v in scales.tolist ()]
            out = [int (math.floor (n * sc)) for n, sc in zip (x.shape, scales)]
        else:
            out = [int (v) for v in sizes.tolist ()]
            scales = [o / n for o, n in zip (out, x.shape)]
        return [f32 (resize_spec (x.numpy (), out, scales, a))]
    if op == "InstanceNormalization":
        xd = x.numpy ().astype (np.float64)
        axes = tuple (range (2, x.dim ()))
        d = xd - xd.mean (axis=axes, keepdims=True)
        y = d / np.sqrt ((d * d).mean (axis=axes, keepdims=True) + a.get ("epsilon", 1e-5))
        bc = (1, -1) + (1,) * len (axes)
        return [f32 (y * ins[1].numpy ().reshape (bc) + ins[2].numpy ().reshape (bc))]
    if op == "Split":
        axis = a.get ("axis", 0) % x.dim ()
        sizes = a.get ("split") if opset < 13 else (
            ins[1].tolist () if len (ins) > 1 and ins[1] is not None else None)
        if sizes is None:
            sizes = [x.shape[axis] // len (node.output)] * len (node.output)
        bounds = np.cumsum (sizes)[:-1]
        return [torch.from_numpy (np.ascontiguousarray (p))
                for p in np.split (x.numpy (), bounds, axis=axis)]
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
    model.opset = spec["opset"]
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
            # Every float output needs a record (Split has several).
            if not (dep and oval.is_floating_point ()):
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
    only = sys.argv[2:]
    if not torch.__version__.startswith ("1.13") or not onnx.__version__.startswith ("1.12"):
        print ("warning: made with torch 1.13 / onnx 1.12; this is torch %s / onnx %s, "
               "so names and bytes may differ" % (torch.__version__, onnx.__version__),
               file=sys.stderr)
    torch.set_num_threads (1)
    torch.use_deterministic_algorithms (True)
    total = 0
    for spec in MODELS:
        if not only or spec["name"] in only:
            total += build (spec, outdir)
    print ("total %d bytes in %s" % (total, os.path.normpath (outdir)))


if __name__ == "__main__":
    main ()
