#!/usr/bin/env bash
# build-aux/bench-scroll.sh MODEL [SECONDS]: how smoothly the window's page of
# tiles scrolls.
#
# Starts the app on MODEL (All Layers) under its own Xvfb, turns the mouse
# wheel over the tiles with real X events (about 60 steps a second) for
# SECONDS (default 10), down and back up, quits, and prints what the app
# measured (FM_BENCH_LIVE): the time from one painted frame to the next
# while the page moves (p50 / p95 / max; 16.7 ms is every frame of a 60 Hz
# display) and the longest stall of the main thread meanwhile. The tiles of
# the layers coming into sight are built as they come. A benchmark, not a
# test: it prints figures and never fails on a slow machine. Run it on an
# idle machine (check `uptime`); GSK_RENDERER=cairo avoids measuring Mesa's
# software OpenGL, which Xvfb otherwise uses.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
model=${1:?usage: build-aux/bench-scroll.sh MODEL [SECONDS]}
seconds=${2:-10}
model=$(realpath "$model")
build_dir=${FM_BUILD_DIR:-_build}
"$top/build-aux/dev.sh" build >/dev/null 2>&1 || "$top/build-aux/dev.sh" build
. "$top/build-aux/bench-window.sh"

inner=$(mktemp)
data=$(mktemp -d)
trap 'rm -rf "$inner" "$data"' EXIT
export XDG_DATA_HOME=$data
cat >"$inner" <<'INNER'
set -euo pipefail
. "$FM_BENCH_WINDOW"
app=$1; model=$2; seconds=$3; out=$4
bench_open "$app" "$model" "$out" 300 0.05 4
# Over the tiles of a 1280x800 window (right of the input pane and the
# layer list), wheel down for most of the time, then back up.
xdotool mousemove 1000 500
steps=$((seconds * 60))
xdotool click --repeat $((steps * 3 / 4)) --delay 16 5
xdotool click --repeat $((steps / 4)) --delay 16 4
sleep 0.5
bench_quit
INNER
out=$(mktemp)
bench_xvfb 1280x800x24 "$inner" "$top/$build_dir/src/feature-maps" "$model" "$seconds" "$out" \
  >/dev/null 2>&1
echo "bench-scroll: $(basename "$model"), $(nproc) cores, ${seconds} s of scrolling," \
     "$(bench_renderer); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E '^(scroll|live: longest)' "$out" || echo "no frames while scrolling were reported"
rm -f "$out"
