#!/bin/sh
# bench-peers.sh
#
# Copyright 2026 The Feature Maps developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Feature Maps against its peers, ONNX Runtime (npm onnxruntime-node, CPU)
# and PyTorch (Debian's python3-torch), on the same models and inputs. It
# builds a release binary in _build-bench (or $FM_BENCH_BUILD), installs
# onnxruntime-node into that build folder when missing (and asks apt for
# python3-torch, python3-torchvision, python3-onnx and
# dataset-fashion-mnist when missing), makes the models there
# (bench-peers-models.py: the bundled MNIST model, ResNet-18 and VGG-11
# from torchvision with random weights at 1x3x224x224; nothing is
# committed), then runs, alternating in rounds (ours, ONNX Runtime,
# PyTorch, ours, ...):
#
#   - `feature-maps bench` (every activation kept) with 1 and 2 threads,
#     and the peers with 1 and 2 threads returning only the final output
#     and returning every intermediate tensor (bench-peers-ort.js,
#     bench-peers-torch.py); one image, median of many runs after warm-up;
#   - load time (ours: fm_model_load_file; ONNX Runtime: creating a
#     session) and our peak resident memory less what the process held
#     before loading (the program and its libraries, ~15 MB) against
#     weights + activations, and the whole peak too;
#   - the dataset scan of the 60,000 Fashion-MNIST training images with the
#     bundled model: `feature-maps scan --threads 2` against ONNX Runtime
#     and PyTorch at batch 64 and 2 threads with every intermediate
#     returned and the same per-channel statistics computed.
#
# Each figure is the median over the rounds of each round's median. It
# prints one line per figure with the ratio ours / peer, the targets of
# issue 7 met or not, and a Markdown table (also in
# BUILD/bench-peers/table.md). About 9 minutes on an otherwise idle 2-core
# machine; far longer on a busy one (23 minutes at load 6).
#
#   build-aux/bench-peers.sh
#   FM_BENCH_ROUNDS=3 FM_BENCH_SCAN_ROUNDS=2 (the defaults) set the rounds.
#
# It does not run in the test suite and changes nothing outside the build
# folder and /tmp (apart from the apt packages it may install).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${FM_BENCH_BUILD:-$top/_build-bench}
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
if ! nice ninja -C "$build" src/feature-maps >"$tmp/build.log" 2>&1; then
  cat "$tmp/build.log" >&2
  exit 1
fi

# ---- the peers ---------------------------------------------------------
missing=""
$python -c 'import torch, torchvision' 2>/dev/null || missing="$missing python3-torch python3-torchvision"
$python -c 'import onnx' 2>/dev/null || missing="$missing python3-onnx"
command -v npm >/dev/null || missing="$missing npm"
[ -f "$dataset" ] || missing="$missing dataset-fashion-mnist"
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
"$fm" run mnist-cnn "$top/data/digits/digit-7.png" --dump "$tmp/digit" >/dev/null
say "making the models in $models"
if ! nice $python "$top/build-aux/bench-peers-models.py" "$models" \
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

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
say "cpu: $cpu, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

for spec in mnist-cnn:200:20 resnet18:20:2 vgg11:6:1; do
  name=${spec%%:*}
  rest=${spec#*:}
  runs=${rest%%:*}
  warmup=${rest#*:}
  r=1
  while [ "$r" -le "$rounds" ]; do
    say "$name round $r of $rounds"
    ours_bench "$name" 1 "$runs" "$warmup"
    ours_bench "$name" 2 "$runs" "$warmup"
    node "$top/build-aux/bench-peers-ort.js" latency "$models" "$name" "$runs" "$warmup" >>"$results"
    $python "$top/build-aux/bench-peers-torch.py" "$models" "$name" "$runs" "$warmup" >>"$results"
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
$python -c 'import json, sys
fm = {l["name"]: l["zero_count"] for l in json.load(open(sys.argv[1]))["layers"]}
ort = {l["name"]: l["zero_count"] for l in json.load(open(sys.argv[2]))["layers"]}
th = [l["zero_count"] for l in json.load(open(sys.argv[3]))["layers"]]
same_ort = all(fm[k] == v for k, v in ort.items() if k in fm)
print(json.dumps({"what": "scan-check", "layers": len(ort),
                  "onnxruntime_agrees": same_ort and len(ort) > 0,
                  "pytorch_agrees": [v for k, v in ort.items()] == th}))' \
  "$tmp/scan.json" "$tmp/ort-scan.json" "$tmp/torch-scan.json" >>"$results"

# ---- the figures -------------------------------------------------------
$python - "$results" "$work/table.md" "$cpu" "$(nproc)" "$rounds" "$scan_rounds" <<'EOF'
import json, statistics, sys, datetime

lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cpu, ncpu, rounds, scan_rounds = sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]

def med(rows, key):
    v = [r[key] for r in rows]
    return statistics.median(v) if v else float("nan")

def pick(**kw):
    return [r for r in lines if all(r.get(k) == v for k, v in kw.items())]

def lat(peer, model, threads, mode):
    return med(pick(peer=peer, model=model, threads=threads, mode=mode, what=None), "median_ms")

verdicts = []
def target(label, ratio, limit, at_most=True):
    ok = ratio <= limit if at_most else ratio >= limit
    verdicts.append((label, ratio, limit, at_most, ok))

table = ["| model | threads | feature-maps (all kept) | ONNX Runtime, final only | "
         "ONNX Runtime, all | PyTorch, final only | PyTorch, all | ours / ORT all | "
         "ours / PyTorch all |",
         "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
for model in ("mnist-cnn", "resnet18", "vgg11"):
    for t in (1, 2):
        ours = lat("feature-maps", model, t, "all")
        row = [model, str(t), "%.3f ms" % ours]
        for peer in ("onnxruntime", "pytorch"):
            for mode in ("final", "all"):
                p = lat(peer, model, t, mode)
                print("latency %-9s %d thread%s  feature-maps %9.3f ms   %-11s %-5s %9.3f ms   "
                      "ratio %.2f" % (model, t, "s" if t > 1 else " ", ours, peer, mode, p,
                                      ours / p))
                row.append("%.3f ms" % p)
        row.append("%.2f" % (ours / lat("onnxruntime", model, t, "all")))
        row.append("%.2f" % (ours / lat("pytorch", model, t, "all")))
        table.append("| " + " | ".join(row) + " |")
target("MNIST CNN, 1 thread, latency / ONNX Runtime all",
       lat("feature-maps", "mnist-cnn", 1, "all") / lat("onnxruntime", "mnist-cnn", 1, "all"), 0.5)
for model, label in (("resnet18", "ResNet-18"), ("vgg11", "VGG-11")):
    target(label + ", 2 threads, latency / ONNX Runtime all",
           lat("feature-maps", model, 2, "all") / lat("onnxruntime", model, 2, "all"), 1.0)

load_rows = []
for model in ("mnist-cnn", "resnet18", "vgg11"):
    ours = med(pick(peer="feature-maps", model=model), "load_ms")
    ort = med(pick(peer="onnxruntime", model=model, what="load"), "load_ms")
    print("load    %-9s           feature-maps %9.2f ms   onnxruntime       %9.2f ms   ratio %.2f"
          % (model, ours, ort, ours / ort))
    rss = med(pick(peer="feature-maps", model=model), "peak_rss_mb")
    base = med(pick(peer="feature-maps", model=model), "base_rss_mb")
    need = (pick(peer="feature-maps", model=model)[0]["weights_mb"]
            + pick(peer="feature-maps", model=model)[0]["activations_mb"])
    # The run's memory: the peak less what the program and its libraries
    # held before any model was loaded (the same for every model).
    print("memory  %-9s           feature-maps peak %8.1f MB (%.1f MB before loading)   "
          "weights + activations %8.1f MB   ratio %.2f (whole process %.2f)"
          % (model, rss, base, need, (rss - base) / need, rss / need))
    load_rows.append("| %s | %.2f ms | %.2f ms | %.2f | %.1f MB | %.1f MB | %.1f MB | %.2f | %.2f |"
                     % (model, ours, ort, ours / ort, rss, base, need, (rss - base) / need,
                        rss / need))
    if model == "vgg11":
        target("VGG-11 load time / ONNX Runtime", ours / ort, 0.5)
    if model != "mnist-cnn":
        target("%s run memory / (weights + activations)"
               % ("VGG-11" if model == "vgg11" else "ResNet-18"), (rss - base) / need, 1.2)

overhead = med(pick(peer="onnxruntime", what="overhead"), "median_ms")
print("onnxruntime per-call overhead (one Identity node): %.3f ms" % overhead)

scan = {p: med(pick(peer=p, what="scan"), "rate") for p in ("feature-maps", "onnxruntime", "pytorch")}
for p in ("onnxruntime", "pytorch"):
    print("scan    fashion-mnist 60,000  feature-maps %7.0f images/s   %-11s %7.0f images/s   "
          "ratio %.2f" % (scan["feature-maps"], p, scan[p], scan["feature-maps"] / scan[p]))
check = pick(what="scan-check")[-1]
print("scan    zero counts agree: onnxruntime %s, pytorch %s"
      % ("yes" if check["onnxruntime_agrees"] else "NO", "yes" if check["pytorch_agrees"] else "NO"))
target("scan throughput / ONNX Runtime batch 64, 2 threads, all",
       scan["feature-maps"] / scan["onnxruntime"], 1.5, at_most=False)

print()
for label, ratio, limit, at_most, ok in verdicts:
    print("target  %-55s %.2f (%s %.1f)  %s" % (label, ratio, "<=" if at_most else ">=", limit,
                                                 "met" if ok else "NOT MET"))

with open(sys.argv[2], "w") as f:
    f.write("Measured %s on %s (%s cores); medians over %s alternating rounds (%s for the scan).\n\n"
            % (datetime.date.today().isoformat(), cpu, ncpu, rounds, scan_rounds))
    f.write("\n".join(table) + "\n\n")
    f.write("| model | load, feature-maps | load, ONNX Runtime | ratio | peak memory, feature-maps "
            "| of it before loading | weights + activations | ratio (peak - before) | ratio (peak) |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
    f.write("\n".join(load_rows) + "\n\n")
    f.write("| dataset scan, 60,000 Fashion-MNIST, 2 threads | images/s | ours / peer |\n"
            "| --- | --- | --- |\n")
    f.write("| feature-maps scan | %.0f | |\n" % scan["feature-maps"])
    f.write("| ONNX Runtime, batch 64, all intermediates | %.0f | %.2f |\n"
            % (scan["onnxruntime"], scan["feature-maps"] / scan["onnxruntime"]))
    f.write("| PyTorch, batch 64 | %.0f | %.2f |\n"
            % (scan["pytorch"], scan["feature-maps"] / scan["pytorch"]))
print("\ntable: %s" % sys.argv[2])
EOF
