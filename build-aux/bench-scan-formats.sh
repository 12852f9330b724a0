#!/bin/sh
# bench-scan-formats.sh
#
# Copyright 2026 The Feature Maps developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Dataset-scan throughput per dataset format: the same N digits stored as
# an IDX file, a gzipped IDX file, a folder of PNGs, a folder of class
# folders of PNGs, one WebDataset .tar shard (PNG + .cls members) and a
# uint8 .npy array with its labels, each scanned with the bundled
# mnist-cnn (`feature-maps scan mnist-cnn DATASET --json --no-cache`, 2
# scan threads) ROUNDS times, the formats alternating within each round;
# prints the median images per second of each, and checks every format's
# scan found the same zero counts as the IDX scan (the pixels are the
# same). Times are of the whole process: opening the dataset (listing a
# folder, reading a shard's headers) is part of them.
#
#   build-aux/bench-scan-formats.sh [N [ROUNDS [SOURCE]]]
#
# N (default 10000) digits are taken from SOURCE, an IDX images file with
# a labels file next to it (default the bundled 2,000 held-out digits,
# repeated as needed; Debian's dataset-fashion-mnist gives
# /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz). ROUNDS
# defaults to 5. The files are written with numpy and PIL (python3-numpy,
# python3-pil) into a folder under /tmp, removed at the end. A release
# binary is built in _build-bench-scan, or $FM_BENCH_BUILD names a build
# folder to use as it is. A benchmark for an idle machine: it never fails
# on a slow one, and does not run in the test suite.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
rounds=${2:-5}
source=${3:-$top/data/digits/mnist-heldout-images-idx3-ubyte.gz}
out=$(mktemp -d /tmp/fm-bench-formats-XXXXXX)
trap 'rm -rf "$out"' EXIT

if [ -n "${FM_BENCH_BUILD:-}" ]; then
  build=$FM_BENCH_BUILD
else
  build="$top/_build-bench-scan"
  [ -d "$build" ] || meson setup "$build" "$top" --buildtype=release >/dev/null
  if ! nice ninja -C "$build" src/feature-maps >"$out/build.log" 2>&1; then
    cat "$out/build.log" >&2
    exit 1
  fi
fi
binary="$build/src/feature-maps"

# The formats, written from SOURCE's first N digits (repeated when it has
# fewer).
/usr/bin/python3 - "$source" "$n" "$out" <<'EOF'
import gzip, io, os, struct, sys, tarfile
import numpy as np
from PIL import Image

source, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def read_idx(path, magic, header):
    data = (gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open)(path, "rb").read()
    assert struct.unpack(">I", data[:4])[0] == magic, path
    return data[header:], struct.unpack(">" + "I" * (header // 4 - 1), data[4:header])

pixels, (count, h, w) = read_idx(source, 0x803, 16)
labels_path = source.replace("images", "labels").replace("idx3", "idx1")
labels, _ = read_idx(labels_path, 0x801, 8)
images = np.frombuffer(pixels, np.uint8).reshape(count, h, w)
classes = np.frombuffer(labels, np.uint8)
pick = np.arange(n) % count
images, classes = images[pick], classes[pick]

header = struct.pack(">IIII", 0x803, n, h, w)
open(f"{out}/digits-images-idx3-ubyte", "wb").write(header + images.tobytes())
open(f"{out}/digits-labels-idx1-ubyte", "wb").write(struct.pack(">II", 0x801, n) + classes.tobytes())
with gzip.open(f"{out}/gz-images-idx3-ubyte.gz", "wb") as f:
    f.write(header + images.tobytes())
np.save(f"{out}/digits-images.npy", images)
np.save(f"{out}/digits-labels.npy", classes.astype(np.int64))

os.makedirs(f"{out}/pngs")
with tarfile.open(f"{out}/shard-000000.tar", "w", format=tarfile.USTAR_FORMAT) as tar:
    for i in range(n):
        buf = io.BytesIO()
        Image.fromarray(images[i], "L").save(buf, "PNG")
        png = buf.getvalue()
        open(f"{out}/pngs/{i:07d}.png", "wb").write(png)
        cls_dir = f"{out}/classes/class-{classes[i]}"
        os.makedirs(cls_dir, exist_ok=True)
        open(f"{cls_dir}/{i:07d}.png", "wb").write(png)
        for name, data in ((f"{i:07d}.png", png), (f"{i:07d}.cls", str(classes[i]).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
EOF

echo "digits:  $n from $source"
echo "model:   mnist-cnn (bundled), 2 threads, $rounds rounds"
echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

formats="idx:digits-images-idx3-ubyte idx.gz:gz-images-idx3-ubyte.gz png-folder:pngs class-folders:classes tar:shard-000000.tar npy:digits-images.npy"
now () { date +%s.%N; }
: >"$out/times"
r=1
while [ "$r" -le "$rounds" ]; do
  for f in $formats; do
    name=${f%%:*}
    start=$(now)
    "$binary" scan mnist-cnn "$out/${f#*:}" --json --no-cache --threads 2 >"$out/$name.json"
    end=$(now)
    echo "$name $start $end" >>"$out/times"
  done
  r=$((r + 1))
done

/usr/bin/python3 - "$out" "$n" <<'EOF'
import json, statistics, sys
out, n = sys.argv[1], int(sys.argv[2])
times = {}
for line in open(f"{out}/times"):
    name, start, end = line.split()
    times.setdefault(name, []).append(float(end) - float(start))
want = [l["zero_count"] for l in json.load(open(f"{out}/idx.json"))["layers"]]
print(f"{'format':<14} {'images/s':>9}  {'median s':>9}  same counts as IDX")
for name, secs in times.items():
    scan = json.load(open(f"{out}/{name}.json"))
    same = scan["images"] == n and [l["zero_count"] for l in scan["layers"]] == want
    med = statistics.median(secs)
    print(f"{name:<14} {n / med:>9.0f}  {med:>9.3f}  {'yes' if same else 'NO'}")
EOF
