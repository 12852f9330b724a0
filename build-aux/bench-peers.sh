#!/bin/sh
# bench-peers.sh
#
# Copyright 2026 The Feature Maps developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Feature Maps against its peers, ONNX Runtime (npm onnxruntime-node, CPU)
# and PyTorch (Debian's python3-torch), on the same models and inputs. It
# builds a release binary and benchmarks/bench-gemm-peak in _build-bench
# (or $FM_BENCH_BUILD), installs onnxruntime-node into that build folder
# when missing (and asks apt for python3-torch, python3-torchvision,
# python3-onnx and, for the scan, dataset-fashion-mnist when missing),
# makes the models there (bench-peers-models.py: the bundled MNIST model,
# and from torchvision with random weights at 1x3x224x224 ResNet-18,
# ResNet-50, DenseNet-121, MobileNet v2, EfficientNet-B0, MnasNet 0.5 and
# VGG-11; nothing is committed), then runs, alternating in rounds (ours,
# ONNX Runtime, PyTorch, ours, ...):
#
#   - `feature-maps bench` (every activation kept) with 1 and 2 threads,
#     and the peers with 1 and 2 threads returning only the final output
#     and returning every intermediate tensor (bench-peers-ort.js,
#     bench-peers-torch.py); one image, median of many runs after warm-up.
#     PyTorch runs only the MNIST model, ResNet-18 and VGG-11 (the other
#     models' columns are left empty: they would make the run far longer);
#   - with ResNet-18, benchmarks/bench-gemm-peak: one core's peak FP32
#     rate (the GEMM kernel on data in L1, and its FMAs alone), against
#     which ResNet-18's GFLOP/s at one thread is set;
#   - load time (ours: fm_model_load_file; ONNX Runtime: creating a
#     session) and our peak resident memory less what the process held
#     before loading (the program and its libraries, ~15 MB) against
#     weights + activations, and the whole peak too;
#   - the dataset scan of the 60,000 Fashion-MNIST training images with the
#     bundled model: `feature-maps scan --threads 2` against ONNX Runtime
#     and PyTorch at batch 64 and 2 threads with every intermediate
#     returned and the same per-channel statistics computed.
#
# Each figure is the median over the rounds of each round's median.
# bench-peers-report.py prints one line per figure with the ratio ours /
# peer, issue 17's table (ours, ONNX Runtime all and final, the ratios, per
# model and thread count), the targets of issues 7 and 17 met or not, and
# the tables in Markdown (also in BUILD/bench-peers/table.md). With one
# round of each (FM_BENCH_ROUNDS=1 FM_BENCH_SCAN_ROUNDS=1) it took 6
# minutes on a 2-core machine at load 2 to 4, the scan round 3.5 of them
# (PyTorch's share 2); the defaults take about twice that.
#
#   build-aux/bench-peers.sh
#   FM_BENCH_MODELS="mnist-cnn resnet18 resnet50 densenet121 mobilenet_v2
#     efficientnet_b0 mnasnet0_5 vgg11" (the default) picks the models;
#   FM_BENCH_ROUNDS=3 FM_BENCH_SCAN_ROUNDS=2 (the defaults) set the rounds;
#     FM_BENCH_SCAN_ROUNDS=0 leaves out the scan. A short run:
#   FM_BENCH_MODELS=mnasnet0_5 FM_BENCH_ROUNDS=1 FM_BENCH_SCAN_ROUNDS=0 build-aux/bench-peers.sh
#
# It does not run in the test suite and changes nothing outside the build
# folder and /tmp (apart from the apt packages it may install).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${FM_BENCH_BUILD:-$top/_build-bench}
all_models="mnist-cnn resnet18 resnet50 densenet121 mobilenet_v2 efficientnet_b0 mnasnet0_5 vgg11"
bench_models=$(echo "${FM_BENCH_MODELS:-$all_models}" | tr ',' ' ')
rounds=${FM_BENCH_ROUNDS:-3}
scan_rounds=${FM_BENCH_SCAN_ROUNDS:-2}
dataset=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
ort_version=1.30.0
python=/usr/bin/python3
work="$build/bench-peers"
models="$work/models"
fm="$build/src/feature-maps"
tmp=$(mktemp -d /tmp/fm-bench-peers-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

say () { echo "bench-peers: $*" >&2; }
sudo_if_needed () { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ---- the binary --------------------------------------------------------
if [ ! -d "$build" ]; then
  meson setup "$build" "$top" -Dbuildtype=release >/dev/null
fi
if ! nice ninja -C "$build" src/feature-maps benchmarks/bench-gemm-peak >"$tmp/build.log" 2>&1; then
  cat "$tmp/build.log" >&2
  exit 1
fi

# ---- the peers ---------------------------------------------------------
missing=""
$python -c 'import torch, torchvision' 2>/dev/null || missing="$missing python3-torch python3-torchvision"
$python -c 'import onnx' 2>/dev/null || missing="$missing python3-onnx"
command -v npm >/dev/null || missing="$missing npm"
[ "$scan_rounds" -eq 0 ] || [ -f "$dataset" ] || missing="$missing dataset-fashion-mnist"
if [ -n "$missing" ]; then
  say "installing$missing"
  sudo_if_needed apt-get install -y $missing
fi
if [ ! -f "$work/npm/node_modules/onnxruntime-node/package.json" ]; then
  say "installing onnxruntime-node $ort_version into $work/npm"
  mkdir -p "$work/npm"
  # Its install script would otherwise fetch GPU libraries; the CPU
  # library is in the package.
  (cd "$work/npm" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund \
     "onnxruntime-node@$ort_version" >"$tmp/npm.log" 2>&1) || { cat "$tmp/npm.log" >&2; exit 1; }
fi
export NODE_PATH="$work/npm/node_modules"

# ---- the models --------------------------------------------------------
# The scan needs the MNIST model's -all variant whatever the models timed.
make_models=$bench_models
if [ "$scan_rounds" -gt 0 ]; then make_models="mnist-cnn $make_models"; fi
"$fm" run mnist-cnn "$top/data/digits/digit-7.png" --dump "$tmp/digit" >/dev/null
say "making the models in $models"
if ! nice $python "$top/build-aux/bench-peers-models.py" "$models" \
     --models "$(echo $make_models | tr ' ' ',')" \
     --mnist "$top/data/models/mnist-cnn.onnx" --mnist-input "$tmp/digit/input.npy" \
     >"$tmp/models.log" 2>&1; then
  cat "$tmp/models.log" >&2
  exit 1
fi

# ---- latency, alternating ----------------------------------------------
results="$work/results.jsonl"
: >"$results"

ours_bench () # NAME THREADS RUNS WARMUP
{
  "$fm" bench "$models/$1.onnx" "$models/$1-input.npy" --threads "$2" --runs "$3" \
    --warmup "$4" --json \
    | $python -c 'import json, sys
d = json.load(sys.stdin)
d.update(peer="feature-maps", model=sys.argv[1], mode="all")
print(json.dumps(d))' "$1" >>"$results"
}

# One core's peak FP32 rate (benchmarks/bench-gemm-peak.c).
gemm_peak ()
{
  "$build/benchmarks/bench-gemm-peak" --json \
    | $python -c 'import json, sys
d = json.load(sys.stdin)
d.update(what="peak")
print(json.dumps(d))' >>"$results"
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
say "cpu: $cpu, $(nproc) cores, load $load_start"

for name in $bench_models; do
  # Runs and warm-up runs per round: about a second of ours at one thread.
  case $name in
    mnist-cnn) runs=200 warmup=20 ;;
    resnet18) runs=20 warmup=2 ;;
    resnet50|densenet121) runs=12 warmup=2 ;;
    mobilenet_v2|efficientnet_b0) runs=30 warmup=3 ;;
    mnasnet0_5) runs=50 warmup=5 ;;
    vgg11) runs=6 warmup=1 ;;
    *) say "unknown model $name (known: $all_models)"; exit 1 ;;
  esac
  r=1
  while [ "$r" -le "$rounds" ]; do
    say "$name round $r of $rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
    ours_bench "$name" 1 "$runs" "$warmup"
    ours_bench "$name" 2 "$runs" "$warmup"
    node "$top/build-aux/bench-peers-ort.js" latency "$models" "$name" "$runs" "$warmup" >>"$results"
    case $name in
      mnist-cnn|resnet18|vgg11)
        $python "$top/build-aux/bench-peers-torch.py" "$models" "$name" "$runs" "$warmup" >>"$results" ;;
    esac
    if [ "$name" = resnet18 ]; then gemm_peak; fi
    r=$((r + 1))
  done
done
node "$top/build-aux/bench-peers-ort.js" overhead "$models" >>"$results"

# ---- dataset scan, alternating -----------------------------------------
now () { date +%s.%N; }
meta=$($python -c 'import onnx, sys
m = {p.key: p.value for p in onnx.load(sys.argv[1]).metadata_props}
print(m["feature_maps.mean"], m["feature_maps.std"])' "$top/data/models/mnist-cnn.onnx")
mean=${meta% *}
std=${meta#* }
r=1
while [ "$r" -le "$scan_rounds" ]; do
  say "scan round $r of $scan_rounds"
  start=$(now)
  "$fm" scan mnist-cnn "$dataset" --json --no-cache --threads 2 >"$tmp/scan.json"
  end=$(now)
  $python -c 'import json, sys
d = json.load(open(sys.argv[1]))
s = float(sys.argv[3]) - float(sys.argv[2])
print(json.dumps({"peer": "feature-maps", "what": "scan", "images": d["images"],
                  "seconds": s, "rate": d["images"] / s}))' "$tmp/scan.json" "$start" "$end" >>"$results"
  node "$top/build-aux/bench-peers-ort.js" scan "$models/mnist-cnn-all.onnx" "$dataset" 64 2 \
    "$mean" "$std" "$tmp/ort-scan.json" >>"$results"
  $python "$top/build-aux/bench-scan-torch.py" "$top/data/models/mnist-cnn.onnx" "$dataset" \
    --batch 64 --threads 2 --json "$tmp/torch-scan.json" >"$tmp/torch-scan.txt"
  $python -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps({"peer": "pytorch", "what": "scan", "images": d["images"], "rate": d["rate"]}))' \
    "$tmp/torch-scan.json" >>"$results"
  r=$((r + 1))
done
# The same images leave the same channels all zero in all three.
[ "$scan_rounds" -eq 0 ] || $python -c 'import json, sys
fm = {l["name"]: l["zero_count"] for l in json.load(open(sys.argv[1]))["layers"]}
ort = {l["name"]: l["zero_count"] for l in json.load(open(sys.argv[2]))["layers"]}
th = [l["zero_count"] for l in json.load(open(sys.argv[3]))["layers"]]
same_ort = all(fm[k] == v for k, v in ort.items() if k in fm)
print(json.dumps({"what": "scan-check", "layers": len(ort),
                  "onnxruntime_agrees": same_ort and len(ort) > 0,
                  "pytorch_agrees": [v for k, v in ort.items()] == th}))' \
  "$tmp/scan.json" "$tmp/ort-scan.json" "$tmp/torch-scan.json" >>"$results"

# ---- the figures -------------------------------------------------------
$python "$top/build-aux/bench-peers-report.py" "$results" "$work/table.md" "$cpu" "$(nproc)" \
  "$rounds" "$scan_rounds" "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)" $bench_models
