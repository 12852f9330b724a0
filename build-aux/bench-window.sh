# build-aux/bench-window.sh: what the window benchmarks (bench-live.sh,
# bench-scroll.sh, bench-window-load.sh) share. Sourced, not run: by each
# benchmark for bench_xvfb, and by the script it runs under Xvfb (which
# finds this file in $FM_BENCH_WINDOW) for the rest.
#
#   bench_xvfb SCREEN SCRIPT ARGS...  runs `bash SCRIPT ARGS...` under its own
#                                   Xvfb (screen SCREEN, e.g. 1280x800x24) and
#                                   D-Bus session, with the build's settings
#                                   schema ($top, $build_dir)
#   bench_wait_window TRIES PAUSE   looks for the "Feature Maps" window up to
#                                   TRIES times, PAUSE seconds apart
#   bench_open APP MODEL OUT TRIES PAUSE SETTLE
#                                   starts APP on MODEL with FM_BENCH_LIVE (its
#                                   report into OUT) and the renderer of
#                                   $GSK_RENDERER, waits for its window, then
#                                   SETTLE seconds, and closes the Input
#                                   Settings that a model without our metadata
#                                   opens first
#   bench_quit                      quits the app (Ctrl+Q) that bench_open
#                                   started, and waits for it
#   bench_renderer                  prints the renderer the app will use, for
#                                   the report's first line (Xvfb has no GPU:
#                                   GTK's default OpenGL renderer runs on the
#                                   CPU there, beside the app)

# $top and $build_dir are the sourcing benchmark's.
# shellcheck disable=SC2154
bench_xvfb() {
  local screen=$1
  shift
  FM_BENCH_WINDOW="$top/build-aux/bench-window.sh" GSETTINGS_SCHEMA_DIR="$top/$build_dir/data" \
    xvfb-run -a -s "-screen 0 $screen" dbus-run-session -- bash "$@"
}

bench_renderer() {
  if [ -n "${GSK_RENDERER:-}" ]; then
    echo "renderer $GSK_RENDERER"
  else
    echo "GTK's default renderer (OpenGL, in software under Xvfb; GSK_RENDERER=cairo to change)"
  fi
}

bench_wait_window() {
  for _ in $(seq "$1"); do
    xdotool search --name "Feature Maps" >/dev/null 2>&1 && return
    sleep "$2"
  done
}

bench_open() {
  FM_BENCH_LIVE=1 GSETTINGS_BACKEND=memory GSK_RENDERER=${GSK_RENDERER:-} "$1" "$2" > "$3" 2>/dev/null &
  bench_pid=$!
  bench_wait_window "$4" "$5"
  sleep "$6"
  xdotool key Escape
  sleep 0.5
}

bench_quit() {
  xdotool key ctrl+q
  wait "$bench_pid" || true
}
