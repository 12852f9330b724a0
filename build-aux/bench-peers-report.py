#!/usr/bin/python3
# bench-peers-report.py
#
# Copyright 2026 The Feature Maps developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The figures of build-aux/bench-peers.sh from its results (one JSON object
# per line: `feature-maps bench --json`, bench-peers-ort.js,
# bench-peers-torch.py, benchmarks/bench-gemm-peak and the scan). Each
# figure is the median over the rounds of each round's median. It prints
# one line per latency, load, memory and scan figure with the ratio ours /
# peer, issue 17's table (per model and thread count: ours with every
# activation kept, ONNX Runtime returning every tensor and only the final
# one, the two ratios, our GFLOP/s), ResNet-18's GFLOP/s at one thread
# against one core's peak, and the targets of issues 7 and 17 met or not
# (with, for issue 17's latency ratios, the lowest and highest of the
# rounds, and "level" where the rounds fall on both sides of the line);
# it writes the tables in Markdown to TABLE. Models left out of the run
# leave out their lines and targets. It measures nothing itself.
#
#   bench-peers-report.py RESULTS TABLE CPU CORES ROUNDS SCAN_ROUNDS LOAD_START LOAD_END MODEL...

import datetime
import json
import math
import statistics
import sys

LABELS = {"mnist-cnn": "MNIST CNN (bundled)", "resnet18": "ResNet-18", "resnet50": "ResNet-50",
          "densenet121": "DenseNet-121", "mobilenet_v2": "MobileNet v2",
          "efficientnet_b0": "EfficientNet-B0", "mnasnet0_5": "MnasNet 0.5", "vgg11": "VGG-11"}
# Issue 17's table: these models, 1 and 2 threads.
ISSUE17 = ("mnist-cnn", "resnet18", "resnet50", "densenet121", "mobilenet_v2",
           "efficientnet_b0", "mnasnet0_5")
NAN = float("nan")


def main():
    (results, table_path, cpu, ncpu, rounds, scan_rounds, load_start,
     load_end), models = sys.argv[1:9], sys.argv[9:]
    lines = [json.loads(l) for l in open(results) if l.strip()]

    def pick(**kw):
        return [r for r in lines if all(r.get(k) == v for k, v in kw.items())]

    def med(rows, key):
        v = [r[key] for r in rows if key in r]
        return statistics.median(v) if v else NAN

    def lat(peer, model, threads, mode):
        return med(pick(peer=peer, model=model, threads=threads, mode=mode, what=None),
                   "median_ms")

    def ours_over(model, threads, mode="all"):
        """Ours (every activation kept) / ONNX Runtime returning @mode."""
        return (lat("feature-maps", model, threads, "all")
                / lat("onnxruntime", model, threads, mode))

    def per_round(num, den):
        """The ratio of two latencies (peer, model, threads, mode) in each
        round: the n-th result of one against the n-th of the other."""
        a = [r["median_ms"] for r in pick(peer=num[0], model=num[1], threads=num[2],
                                          mode=num[3], what=None)]
        b = [r["median_ms"] for r in pick(peer=den[0], model=den[1], threads=den[2],
                                          mode=den[3], what=None)]
        assert len(a) == len(b), "%s and %s have different numbers of rounds" % (num, den)
        return [x / y for x, y in zip(a, b)]

    def ours_over_rounds(model, threads, mode="all"):
        return per_round(("feature-maps", model, threads, "all"),
                         ("onnxruntime", model, threads, mode))

    verdicts = []

    def target(issue, label, ratio, limit, at_most=True, rounds=()):
        if math.isnan(ratio):
            return
        ok = ratio <= limit if at_most else ratio >= limit
        verdicts.append((issue, label, ratio, limit, at_most, ok, list(rounds)))

    # ---- latency
    rows = []   # model, threads, ours, ORT all, ORT final, PyTorch all, PyTorch final, GFLOP/s
    for model in models:
        for t in (1, 2):
            ours = lat("feature-maps", model, t, "all")
            for peer in ("onnxruntime", "pytorch"):
                for mode in ("final", "all"):
                    p = lat(peer, model, t, mode)
                    if not math.isnan(p):
                        print("latency %-15s %d thread%s  feature-maps %9.3f ms   %-11s %-5s "
                              "%9.3f ms   ratio %.2f" % (model, t, "s" if t > 1 else " ", ours,
                                                         peer, mode, p, ours / p))
            rows.append((model, t, ours, lat("onnxruntime", model, t, "all"),
                         lat("onnxruntime", model, t, "final"), lat("pytorch", model, t, "all"),
                         lat("pytorch", model, t, "final"),
                         med(pick(peer="feature-maps", model=model, threads=t), "gflops")))

    print()
    print("%-20s %7s %9s %9s %9s %8s %8s %8s" % ("model", "threads", "ours", "ORT all",
                                                  "ORT final", "/ORT all", "/final", "GFLOP/s"))
    table = ["| model | threads | ours (all kept) | ORT all | ORT final | ours / ORT all | "
             "ours / ORT final | PyTorch all | PyTorch final | ours / PyTorch all | "
             "ours GFLOP/s |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for model, t, ours, ort_all, ort_final, th_all, th_final, gflops in rows:
        label = LABELS.get(model, model)
        print("%-20s %7d %9.3f %9.3f %9.3f %8.2f %8.2f %8.1f"
              % (label, t, ours, ort_all, ort_final, ours / ort_all, ours / ort_final, gflops))
        no_torch = math.isnan(th_all)
        cells = [label, str(t), "%.3f" % ours, "%.3f" % ort_all, "%.3f" % ort_final,
                 "%.2f" % (ours / ort_all), "%.2f" % (ours / ort_final),
                 "" if no_torch else "%.3f" % th_all, "" if no_torch else "%.3f" % th_final,
                 "" if no_torch else "%.2f" % (ours / th_all), "%.1f" % gflops]
        table.append("| " + " | ".join(cells) + " |")
    print("(milliseconds; ours keeps every activation; ORT all returns every node output, "
          "ORT final only the last)")

    # ---- one core's peak against ResNet-18 at one thread
    peak_line = None
    if "resnet18" in models and pick(what="peak"):
        kernel = med(pick(what="peak"), "kernel_gflops")
        fma = med(pick(what="peak"), "fma_gflops")
        achieved = med(pick(peer="feature-maps", model="resnet18", threads=1), "gflops")
        peak_line = ("ResNet-18, 1 thread: %.1f GFLOP/s (%.3f GFLOP per pass); one core's peak "
                     "(benchmarks/bench-gemm-peak, %s): GEMM kernel in L1 %.1f GFLOP/s, ratio "
                     "%.2f; FMAs alone in registers %.1f GFLOP/s, ratio %.2f"
                     % (achieved, med(pick(peer="feature-maps", model="resnet18"), "gflop"),
                        pick(what="peak")[0]["isa"], kernel, achieved / kernel, fma,
                        achieved / fma))
        print()
        print(peak_line)

    # ---- targets of issue 7 (latency)
    if "mnist-cnn" in models:
        target(7, "MNIST CNN, 1 thread, latency / ONNX Runtime all", ours_over("mnist-cnn", 1),
               0.5)
    for model in ("resnet18", "vgg11"):
        if model in models:
            target(7, LABELS[model] + ", 2 threads, latency / ONNX Runtime all",
                   ours_over(model, 2), 1.0)

    # ---- targets of issue 17
    for model in [m for m in models if m in ISSUE17]:
        for t in (1, 2):
            target(17, LABELS[model] + ", %d thread%s, ours / ORT all" % (t, "s" if t > 1 else ""),
                   ours_over(model, t), 0.8, rounds=ours_over_rounds(model, t))
    for model in ("resnet18", "resnet50"):
        if model in models:
            target(17, LABELS[model] + ", 2 threads, ours / ORT final",
                   ours_over(model, 2, "final"), 1.2, rounds=ours_over_rounds(model, 2, "final"))
    for model in [m for m in models if m in ISSUE17]:
        target(17, LABELS[model] + ", ours 2 threads / 1 thread (never slower)",
               lat("feature-maps", model, 2, "all") / lat("feature-maps", model, 1, "all"), 1.0,
               rounds=per_round(("feature-maps", model, 2, "all"),
                                ("feature-maps", model, 1, "all")))
    if "resnet50" in models:
        target(17, "ResNet-50, speed-up of 2 threads over 1",
               lat("feature-maps", "resnet50", 1, "all")
               / lat("feature-maps", "resnet50", 2, "all"), 1.6, at_most=False)

    # ---- load and memory
    print()
    load_rows = []
    for model in models:
        ours_rows = pick(peer="feature-maps", model=model)
        if not ours_rows:
            continue
        ours = med(ours_rows, "load_ms")
        ort = med(pick(peer="onnxruntime", model=model, what="load"), "load_ms")
        print("load    %-15s           feature-maps %9.2f ms   onnxruntime       %9.2f ms   "
              "ratio %.2f" % (model, ours, ort, ours / ort))
        rss = med(ours_rows, "peak_rss_mb")
        base = med(ours_rows, "base_rss_mb")
        need = ours_rows[0]["weights_mb"] + ours_rows[0]["activations_mb"]
        # The run's memory: the peak less what the program and its
        # libraries held before any model was loaded (the same for every
        # model).
        print("memory  %-15s           feature-maps peak %8.1f MB (%.1f MB before loading)   "
              "weights + activations %8.1f MB   ratio %.2f (whole process %.2f)"
              % (model, rss, base, need, (rss - base) / need, rss / need))
        load_rows.append("| %s | %.2f ms | %.2f ms | %.2f | %.1f MB | %.1f MB | %.1f MB | %.2f "
                         "| %.2f |" % (LABELS.get(model, model), ours, ort, ours / ort, rss,
                                       base, need, (rss - base) / need, rss / need))
        if model == "vgg11":
            target(7, "VGG-11 load time / ONNX Runtime", ours / ort, 0.5)
        if model in ("resnet18", "vgg11"):
            target(7, "%s run memory / (weights + activations)" % LABELS[model],
                   (rss - base) / need, 1.2)

    overhead = med(pick(peer="onnxruntime", what="overhead"), "median_ms")
    print("onnxruntime per-call overhead (one Identity node): %.3f ms" % overhead)

    # ---- scan
    scan = {p: med(pick(peer=p, what="scan"), "rate")
            for p in ("feature-maps", "onnxruntime", "pytorch")}
    if pick(what="scan-check"):
        for p in ("onnxruntime", "pytorch"):
            print("scan    fashion-mnist 60,000  feature-maps %7.0f images/s   %-11s %7.0f "
                  "images/s   ratio %.2f" % (scan["feature-maps"], p, scan[p],
                                             scan["feature-maps"] / scan[p]))
        check = pick(what="scan-check")[-1]
        print("scan    zero counts agree: onnxruntime %s, pytorch %s"
              % ("yes" if check["onnxruntime_agrees"] else "NO",
                 "yes" if check["pytorch_agrees"] else "NO"))
        ratio = scan["feature-maps"] / scan["onnxruntime"]
        target(7, "scan throughput / ONNX Runtime batch 64, 2 threads, all", ratio, 1.5,
               at_most=False)
        target(17, "scan throughput / ONNX Runtime batch 64, 2 threads, all", ratio, 5.0,
               at_most=False)

    print()
    # A target whose rounds fall on both sides of its line is level: the
    # median's verdict is then the noise's.
    for issue, label, ratio, limit, at_most, ok, each in verdicts:
        spread = ""
        if len(each) > 1:
            spread = " rounds %.2f-%.2f" % (min(each), max(each))
            if min(each) <= limit <= max(each):
                spread += ", level"
        print("target  issue %-2d %-62s %5.2f (%s %.1f)  %s%s"
              % (issue, label, ratio, "<=" if at_most else ">=", limit,
                 "met" if ok else "NOT MET", spread))
    print("\nload average at the start %s, at the end %s" % (load_start, load_end))

    with open(table_path, "w") as f:
        f.write("Measured %s on %s (%s cores), load average %s at the start and %s at the "
                "end; medians over %s alternating rounds (%s). Milliseconds.\n\n"
                % (datetime.date.today().isoformat(), cpu, ncpu, load_start, load_end, rounds,
                   "%s for the scan" % scan_rounds if int(scan_rounds) > 0 else "no scan"))
        f.write("\n".join(table) + "\n\n")
        if peak_line is not None:
            f.write(peak_line + ".\n\n")
        f.write("| model | load, feature-maps | load, ONNX Runtime | ratio | peak memory, "
                "feature-maps | of it before loading | weights + activations | ratio (peak - "
                "before) | ratio (peak) |\n"
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
        f.write("\n".join(load_rows) + "\n\n")
        if pick(what="scan-check"):
            f.write("| dataset scan, 60,000 Fashion-MNIST, 2 threads | images/s | ours / peer |\n"
                    "| --- | --- | --- |\n")
            f.write("| feature-maps scan | %.0f | |\n" % scan["feature-maps"])
            f.write("| ONNX Runtime, batch 64, all intermediates | %.0f | %.2f |\n"
                    % (scan["onnxruntime"], scan["feature-maps"] / scan["onnxruntime"]))
            f.write("| PyTorch, batch 64 | %.0f | %.2f |\n"
                    % (scan["pytorch"], scan["feature-maps"] / scan["pytorch"]))
    print("\ntable: %s" % table_path)


if __name__ == "__main__":
    main()
