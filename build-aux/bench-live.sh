#!/usr/bin/env bash
# build-aux/bench-live.sh [SECONDS [MODEL [top|end]]]: how live the window is while drawing.
#
# Starts the app on MODEL (default the bundled mnist-cnn) under its own Xvfb, draws continuous
# strokes on the canvas with real X input events (xdotool, about 125
# pointer motions a second) for SECONDS (default 10), quits, and prints
# what the app measured (FM_BENCH_LIVE): for each pointer motion the time
# until a painted frame shows tiles from that input or a newer one
# (p50 / p95), and the longest stall of the main thread. A benchmark, not
# a test: it prints figures and never fails on a slow machine. With
# "end", the layers page is scrolled to its end before drawing, so the
# last layers are the ones in sight (the window runs a pass only as far
# as the layers in sight before it shows them: see fm-worker.h).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-10}
model=${2:-mnist-cnn}
position=${3:-top}
[ -f "$model" ] && model=$(realpath "$model")
build_dir=${FM_BUILD_DIR:-_build}
"$top/build-aux/dev.sh" build >/dev/null
. "$top/build-aux/bench-window.sh"

inner=$(mktemp)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
. "$FM_BENCH_WINDOW"
app=$1; seconds=$2; model=$4; position=$5
bench_open "$app" "$model" "$3" 100 0.1 3
if [ "$position" = end ]; then
  # The wheel over the layers page, which starts right of the input pane.
  xdotool mousemove 900 500 click --repeat 1500 --delay 2 5
  sleep 1
fi
# The canvas of a 1280x800 window at the top-left corner spans about
# (17..293, 102..378); draw loops and zigzags across it.
cmd=(mousemove 150 160 mousedown 1)
n=$((seconds * 125))
for i in $(seq 0 $n); do
  x=$(( 150 + (i * 7) % 120 ))
  y=$(( 160 + (i * 3) % 140 ))
  cmd+=(mousemove "$x" "$y" sleep 0.008)
  if (( i % 250 == 249 )); then cmd+=(mouseup 1 key Delete mousedown 1); fi
done
cmd+=(mouseup 1)
xdotool "${cmd[@]}"
sleep 0.5
bench_quit
INNER
out=$(mktemp)
bench_xvfb 1400x900x24 "$inner" "$top/$build_dir/src/feature-maps" "$seconds" "$out" "$model" "$position"
echo "bench-live: $(basename "$model"), $(nproc) cores, ${seconds} s of drawing, layers page at its $position; $(bench_renderer)"
cat "$out"
rm -f "$out"
