#!/bin/sh
# bench-scan.sh
#
# Copyright 2026 The Feature Maps developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Dataset-scan throughput: builds a release binary in _build-bench-scan,
# times `feature-maps scan mnist-cnn DATASET --json --no-cache` (2 scan
# threads) over the 60,000 Fashion-MNIST training images from Debian's
# dataset-fashion-mnist, then the same scan in PyTorch (python3-torch,
# batch 64, 2 threads; build-aux/bench-scan-torch.py computes the same
# per-channel statistics) in the same run, and prints both rates in images
# per second and their ratio. Both times include reading and decompressing
# the dataset; neither includes starting Python or loading torch.
#
#   build-aux/bench-scan.sh [DATASET [LIMIT]]
#
# It does not run in the test suite, and changes nothing outside the build
# folder and /tmp.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
dataset=${1:-/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz}
limit=${2:-0}
build="$top/_build-bench-scan"
out=$(mktemp -d /tmp/fm-bench-scan-XXXXXX)
trap 'rm -rf "$out"' EXIT

if [ ! -f "$dataset" ]; then
  echo "bench-scan: $dataset: not found (sudo apt-get install dataset-fashion-mnist)" >&2
  exit 1
fi

if [ ! -d "$build" ]; then
  meson setup "$build" "$top" --buildtype=release >/dev/null
fi
if ! nice ninja -C "$build" src/feature-maps >"$out/build.log" 2>&1; then
  cat "$out/build.log" >&2
  exit 1
fi

now () { date +%s.%N; }

echo "dataset: $dataset"
echo "model:   mnist-cnn (bundled)"
echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

start=$(now)
"$build/src/feature-maps" scan mnist-cnn "$dataset" --json --no-cache --threads 2 \
  --limit "$limit" >"$out/scan.json"
end=$(now)
images=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['images'])" "$out/scan.json")
fm_rate=$(/usr/bin/python3 -c "import sys; print('%.0f' % (int(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2]))))" \
  "$images" "$start" "$end")
echo "feature-maps: $images images in $(/usr/bin/python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$end") s, $fm_rate images/s (2 threads, whole process)"

/usr/bin/python3 "$top/build-aux/bench-scan-torch.py" "$top/data/models/mnist-cnn.onnx" \
  "$dataset" --batch 64 --threads 2 --limit "$limit" --json "$out/torch.json" | tee "$out/torch.txt"

/usr/bin/python3 - "$out/scan.json" "$out/torch.json" "$fm_rate" <<'EOF'
import json, sys
fm = json.load(open(sys.argv[1]))
th = json.load(open(sys.argv[2]))
fm_rate = float(sys.argv[3])
# Cross-check: the same images leave the same channels all zero.
same = all(a["zero_count"] == b["zero_count"] for a, b in zip(fm["layers"], th["layers"]))
print("zero counts agree with PyTorch: %s" % ("yes" if same else "NO"))
print("ratio feature-maps / PyTorch: %.2f" % (fm_rate / th["rate"]))
EOF
