#!/usr/bin/env bash
# build-aux/bench-window-load.sh MODEL [ROUNDS]: how long the window takes to
# open a model, against what the command line takes to load it.
#
# In each of ROUNDS rounds (default 5), alternately: `feature-maps inspect
# MODEL` as a whole process (wall time: start, load, print, exit), `feature-maps
# bench MODEL --runs 3` for the load and forward-pass times the engine itself
# measures, and the window started on MODEL under its own Xvfb, which reports
# (FM_BENCH_LIVE) the time from asking for the model to the first painted
# frame with its tiles. Prints each round and the medians, and the issue's
# goal: the window within 1.5 x the CLI's load plus one pass. A benchmark,
# not a test: it prints figures and never fails on a slow machine. Run it on
# an idle machine (check `uptime`).
#
# The ResNet-18 export of build-aux/bench-peers-models.py (random weights,
# no metadata of ours) is the model the issue names.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
model=${1:?usage: build-aux/bench-window-load.sh MODEL [ROUNDS]}
rounds=${2:-5}
build_dir=${FM_BUILD_DIR:-_build}
"$top/build-aux/dev.sh" build >/dev/null
app="$top/$build_dir/src/feature-maps"
model=$(realpath "$model")

inner=$(mktemp)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
app=$1; model=$2; out=$3
FM_BENCH_LIVE=1 GSETTINGS_BACKEND=memory "$app" "$model" > "$out" 2>/dev/null &
pid=$!
# Wait for the first tiles (the report is written at close), then quit.
for _ in $(seq 300); do xdotool search --name "Feature Maps" >/dev/null 2>&1 && break; sleep 0.05; done
sleep 4
# A model without our metadata opens its Input Settings: close them first.
xdotool key Escape
sleep 0.3
xdotool key ctrl+q
wait "$pid" || true
INNER

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

cli_wall=() cli_load=() pass=() window=()
echo "bench-window-load: $(basename "$model"), $(nproc) cores, $rounds rounds; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  start=$(date +%s%N)
  "$app" inspect "$model" >/dev/null
  end=$(date +%s%N)
  wall=$(( (end - start) / 1000000 ))
  bench=$("$app" bench "$model" --runs 3)
  load=$(sed -n 's/^Load: *\([0-9.]*\) ms.*/\1/p' <<<"$bench")
  fwd=$(sed -n 's/^Forward: *median \([0-9.]*\) ms.*/\1/p' <<<"$bench")
  out=$(mktemp)
  GSETTINGS_SCHEMA_DIR="$top/$build_dir/data" \
    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
    bash "$inner" "$app" "$model" "$out" 2>/dev/null
  win=$(sed -n 's/^load: open to first tiles painted \([0-9.]*\) ms/\1/p' "$out")
  rm -f "$out"
  echo "round $r: inspect ${wall} ms (whole process); load ${load} ms, pass ${fwd} ms (bench); window: open to first tiles ${win:-?} ms"
  cli_wall+=("$wall") cli_load+=("$load") pass+=("$fwd") window+=("${win:-0}")
done
m_wall=$(printf '%s\n' "${cli_wall[@]}" | median)
m_load=$(printf '%s\n' "${cli_load[@]}" | median)
m_pass=$(printf '%s\n' "${pass[@]}" | median)
m_win=$(printf '%s\n' "${window[@]}" | median)
goal=$(awk -v l="$m_load" -v p="$m_pass" 'BEGIN {printf "%.0f", 1.5 * l + p}')
echo "median: inspect ${m_wall} ms; load ${m_load} ms; pass ${m_pass} ms; window open to first tiles ${m_win} ms"
echo "goal: window <= 1.5 x load + one pass = ${goal} ms: $(awk -v w="$m_win" -v g="$goal" 'BEGIN {print (w <= g) ? "met" : "not met"}')"
