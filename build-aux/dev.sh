#!/usr/bin/env bash
# build-aux/dev.sh: the README's set-up commands.
#
#   build-aux/dev.sh run [ARGS...]  install missing Debian packages, build, start the app on the
#                                   bundled model (ARGS go to feature-maps: a model, a subcommand)
#   build-aux/dev.sh test           same set-up, then the whole test suite; the engine, CLI,
#                                   worker, stress and fuzz replay tests under AddressSanitizer +
#                                   UndefinedBehaviorSanitizer; the engine, worker and stress
#                                   tests (all 1,000 sequences) under ThreadSanitizer, as `tsan`;
#                                   a 60 s smoke of each fuzz target, two at a time; ends with
#                                   "N passed, N failed" over all of them. About 28 minutes on
#                                   2 cores (CI=true bash .ci/run), of which ThreadSanitizer
#                                   takes about 13 and the fuzz smoke 6
#   build-aux/dev.sh build          set-up and build only
#   build-aux/dev.sh fuzz [SECONDS]  every libFuzzer target of tests/fuzz/ for SECONDS each
#                                   (default 60), built with clang + ASan + UBSan in
#                                   _build-fuzz; prints executions and coverage per target
#   build-aux/dev.sh tsan [SEQUENCES]  the engine, worker and stress tests under
#                                   ThreadSanitizer in _build-tsan; the stress test runs
#                                   SEQUENCES seeded sequences (default $FM_STRESS_SEQUENCES or
#                                   1,000, seed 1: about 4.5 minutes of the 6 here)
#
# ThreadSanitizer sees only our code: GLib, GTK and Mesa are not
# instrumented. build-aux/tsan-glib.c (LD_PRELOAD) tells it about the
# happens-before edges GLib provides to our code (GMutex, GCond, g_once,
# atomic reference counts, idle sources, GTask), ignore_noninstrumented_modules
# keeps it from checking the memory GLib and GTK allocate, copy and free
# themselves, and G_SLICE=always-malloc gives every GLib block a fresh
# malloc. build-aux/tsan.supp names what remains, each with its reason.
#
# Idempotent: packages already installed are not touched; build folders are reused.
# CI=true turns warnings into errors.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

build_dir=${FM_BUILD_DIR:-_build}
asan_dir=${FM_ASAN_BUILD_DIR:-_build-asan}
fuzz_dir=${FM_FUZZ_BUILD_DIR:-_build-fuzz}
tsan_dir=${FM_TSAN_BUILD_DIR:-_build-tsan}
# Every tests/fuzz/fuzz-NAME.c is a target (tests/fuzz/meson.build builds each).
fuzz_targets=()
for f in "$top"/tests/fuzz/fuzz-*.c; do
  f=${f##*/fuzz-}
  fuzz_targets+=("${f%.c}")
done
# The fuzz smoke run by `test` (CI): 60 s per target from a fixed seed, two
# targets at a time (one per core), so about 6 minutes. A fixed seed makes a
# failure reproducible (rerun the target with -seed=$fuzz_smoke_seed on the
# crash file); how far each target gets in 60 s still depends on the
# machine. `fuzz` explores at random for as long as you say.
fuzz_smoke_seed=20261127
fuzz_smoke_seconds=60
# The stress test under ThreadSanitizer, in `tsan` and in `test` alike:
# 1,000 sequences take about 4.5 minutes on 2 cores, which CI can afford.
tsan_stress_seed=1
tsan_stress_sequences=${FM_STRESS_SEQUENCES:-1000}

# Everything the build, the app and the tests need, as Debian 12 packages.
packages=(
  # build
  gcc meson ninja-build pkg-config gettext
  libglib2.0-dev libjson-glib-dev libpng-dev libjpeg-dev zlib1g-dev nettle-dev libarchive-dev
  libgtk-4-dev libadwaita-1-dev
  # tests
  libonnx-testdata python3 xvfb xauth dbus xdotool imagemagick
  poppler-utils  # pdfinfo, pdftotext: the exported PDFs
  dataset-fashion-mnist  # real IDX files for the dataset and scan tests
  # fuzzing (libFuzzer) and ThreadSanitizer
  clang libclang-rt-14-dev
  desktop-file-utils appstream shared-mime-info
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "Installing missing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

setup() {
  local dir=$1; shift
  local werror=()
  [ "${CI:-}" = "true" ] && werror=(--werror)
  if [ ! -f "$dir/build.ninja" ]; then
    log "Configuring $dir"
    meson setup "$dir" "${werror[@]}" "$@"
  fi
}

build() {
  install_packages
  setup "$build_dir"
  log "Building"
  ninja -C "$build_dir"
}

# Prints "N passed, N failed" over every TAP subtest (or whole test without
# subtests) in the given meson test logs, then the skipped ones and the
# known failures (TAP "not ok ... # TODO": a bug outside our code that a
# test pins down, such as GLib's keyfile backend in test-settings.c).
summarise() {
  python3 - "$@" <<'PY'
import json, re, sys
passed = failed = skipped = todo = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout") or ""
        oks = len(re.findall(r"^ok \d+(?!.*# SKIP).*$", out, re.M))
        skips = len(re.findall(r"^ok \d+.*# SKIP", out, re.M))
        todos = len(re.findall(r"^not ok \d+.*# TODO", out, re.M))
        bad = len(re.findall(r"^not ok \d+(?!.*# TODO).*$", out, re.M))
        if oks + bad + skips + todos == 0:
            if t["result"] in ("OK", "EXPECTEDFAIL"):
                oks = 1
            elif t["result"] == "SKIP":
                skips = 1
            else:
                bad = 1
        elif t["result"] not in ("OK", "EXPECTEDFAIL", "SKIP") and bad == 0:
            bad = 1  # crashed or timed out after its last subtest
        passed += oks; failed += bad; skipped += skips; todo += todos
print(f"{passed} passed, {failed} failed, {skipped} skipped, {todo} known failures (TODO)")
sys.exit(1 if failed else 0)
PY
}

# Runs libFuzzer target $1 for $2 seconds (with $3, from the fixed smoke
# seed) from its committed corpus (new inputs go to a scratch folder, never
# into the tree) and prints one line of executions and coverage. Crashes
# are saved as $fuzz_dir/crash-<target>-*.
fuzz_one() {
  local target=$1 seconds=$2 seeded=${3:-}
  local limit=(-max_total_time="$seconds")
  [ -n "$seeded" ] && limit+=(-seed="$fuzz_smoke_seed")
  local bin="$fuzz_dir/tests/fuzz/fuzz-$target"
  local work log dict=()
  work=$(mktemp -d)
  log="$fuzz_dir/fuzz-$target.log"
  case $target in
    onnx-proto|model-load|model-run) dict=(-dict="$top/tests/fuzz/onnx.dict") ;;
  esac
  local status=0
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$top/build-aux/lsan.supp:print_suppressions=0 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 nice "$bin" "${dict[@]}" "${limit[@]}" -timeout=20 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$fuzz_dir/crash-$target-" "$work" "$top/tests/fuzz/corpus/$target" \
    >"$log" 2>&1 || status=1
  rm -rf "$work"
  # libFuzzer's timeout is wall time: a machine that stalls (a paused
  # virtual machine) makes any input "slow". The targets are single-threaded
  # and deterministic, so the saved input is replayed alone: one that ends
  # well within the limit was the machine, not the target; one that is
  # slow again fails the run.
  local unit replay_ms
  if [ $status -ne 0 ] && grep -q 'ERROR: libFuzzer: timeout' "$log"; then
    unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    if [ -n "$unit" ] && [ -f "$unit" ]; then
      local t0 t1
      t0=$(date +%s%N)
      if timeout 20 "$bin" "$unit" >/dev/null 2>&1; then
        t1=$(date +%s%N)
        replay_ms=$(( (t1 - t0) / 1000000 ))
        if [ "$replay_ms" -lt 5000 ]; then
          printf 'fuzz-%s: a timeout that did not reproduce: its input (%s) ran in %s ms alone; the machine stalled\n' \
            "$target" "$unit" "$replay_ms"
          status=0
        fi
      fi
    fi
  fi
  local execs cov
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9a-zA-Z]*' "$log" | tail -n 1)
  if [ $status -eq 0 ]; then
    printf 'fuzz-%s: %s executions, %s\n' "$target" "${execs:-?}" "$cov"
  else
    printf 'fuzz-%s: FAILED after %s executions (see %s)\n' "$target" "${execs:-?}" "$log"
    # What failed, in CI's own output: the sanitizer's or libFuzzer's
    # verdict, the top frames and the failing input (base64, if short).
    grep -E -m 24 '(ERROR|WARNING): |SUMMARY: |runtime error|^ +#[0-9] |check failed|round trip refused|Test unit written|^Base64: .{0,400}$' \
      "$log" | sed 's/^/    /' || true
  fi
  return $status
}

# No --werror here: the gcc builds already hold the code to that, and a
# clang-only warning must not hide what the fuzzers find.
setup_fuzz() {
  if [ ! -f "$fuzz_dir/build.ninja" ]; then
    log "Configuring $fuzz_dir"
    CC=clang meson setup "$fuzz_dir" -Dfuzzing=true -Db_sanitize=address,undefined \
      -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link -Dbuildtype=debugoptimized
  fi
  ninja -C "$fuzz_dir" "${fuzz_targets[@]/#/tests/fuzz/fuzz-}"
}

# `fuzz [SECONDS]`: each target in turn for SECONDS.
run_fuzz() {
  local seconds=${1:-60}
  install_packages
  setup_fuzz
  local status=0 t
  for t in "${fuzz_targets[@]}"; do
    log "Fuzzing $t for $seconds s"
    fuzz_one "$t" "$seconds" || status=1
  done
  return $status
}

# The smoke run by `test`: every target for $fuzz_smoke_seconds from the
# fixed seed, two at a time; writes one JSON line per target to $1 in
# meson's test-log form, for summarise().
run_fuzz_smoke() {
  local results=$1
  install_packages
  setup_fuzz
  local status=0 i j t ok
  local -a batch pids
  : >"$results"
  for ((i = 0; i < ${#fuzz_targets[@]}; i += 2)); do
    batch=("${fuzz_targets[@]:i:2}")
    pids=()
    log "Fuzzing ${batch[*]} for $fuzz_smoke_seconds s from seed $fuzz_smoke_seed"
    for t in "${batch[@]}"; do
      fuzz_one "$t" "$fuzz_smoke_seconds" seeded >"$fuzz_dir/fuzz-$t.line" &
      pids+=($!)
    done
    for ((j = 0; j < ${#batch[@]}; j++)); do
      t=${batch[j]} ok=OK
      wait "${pids[j]}" || { ok=FAIL; status=1; }
      cat "$fuzz_dir/fuzz-$t.line"
      rm -f "$fuzz_dir/fuzz-$t.line"
      printf '{"name": "fuzz-%s", "result": "%s", "stdout": ""}\n' "$t" "$ok" >>"$results"
    done
  done
  return $status
}

# The engine, worker and stress tests under ThreadSanitizer; $1 is the
# number of stress sequences.
run_tsan() {
  local sequences=${1:-$tsan_stress_sequences}
  install_packages
  log "Running the engine, worker and stress tests under ThreadSanitizer ($sequences sequences)"
  setup "$tsan_dir" -Db_sanitize=thread -Db_lundef=false -Dbuildtype=debug
  ninja -C "$tsan_dir"
  rm -f "$tsan_dir/meson-logs/testlog.json"
  # GLib's synchronisation is invisible to TSan: the shim annotates it
  # (see the top of this file and of tsan-glib.c).
  # shellcheck disable=SC2046
  gcc -shared -fPIC -O1 $(pkg-config --cflags gio-2.0) build-aux/tsan-glib.c \
    -o "$tsan_dir/libtsan-glib.so" $(pkg-config --libs gio-2.0) -ldl
  # The cairo renderer and software GL keep Mesa's threads out of the
  # window; the stress test's seed is fixed.
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ignore_noninstrumented_modules=1 suppressions=$top/build-aux/tsan.supp" \
    LD_PRELOAD="$top/$tsan_dir/libtsan-glib.so" G_SLICE=always-malloc \
    GSK_RENDERER=cairo LIBGL_ALWAYS_SOFTWARE=1 \
    FM_STRESS_SEQUENCES="$sequences" FM_STRESS_SEED="$tsan_stress_seed" \
    meson test -C "$tsan_dir" --suite engine --suite app-worker --suite app-stress \
    --print-errorlogs --num-processes 2 --timeout-multiplier 6
}

run_tests() {
  build
  local status=0
  log "Running the test suite"
  meson test -C "$build_dir" --print-errorlogs --num-processes 2 || status=1

  log "Running the engine, render, command-line, worker, stress, settings and fuzz replay tests under ASan + UBSan"
  setup "$asan_dir" -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
  ninja -C "$asan_dir"
  # GDK_DEBUG=gl-disable: GDK would load Mesa's DRI driver to probe OpenGL
  # and unload it, and LeakSanitizer then reports what the driver kept in
  # its own static data (128 bytes, "<unknown module>"), not ours; the
  # stress test draws with cairo here, the plain run above with OpenGL.
  GDK_DEBUG=gl-disable \
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$top/build-aux/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C "$asan_dir" --suite engine --suite render --suite cli --suite app-worker \
    --suite fuzz-replay --suite app-stress --suite app-settings --print-errorlogs --num-processes 2 \
    --timeout-multiplier 4 || status=1

  run_tsan || status=1

  log "Running the fuzz smoke"
  run_fuzz_smoke "$fuzz_dir/fuzz-smoke.json" || status=1

  summarise "$build_dir/meson-logs/testlog.json" "$asan_dir/meson-logs/testlog.json" \
    "$tsan_dir/meson-logs/testlog.json" "$fuzz_dir/fuzz-smoke.json" || status=1
  return $status
}

cmd=${1:-run}
shift || true
case "$cmd" in
  build) build ;;
  test) run_tests ;;
  fuzz) run_fuzz "${1:-60}" ;;
  tsan) run_tsan "${1:-$tsan_stress_sequences}" ;;
  run)
    build
    # The uninstalled app finds its compiled settings schema in the build folder.
    export GSETTINGS_SCHEMA_DIR="$top/$build_dir/data"
    exec "$build_dir/src/feature-maps" "$@"
    ;;
  *) echo "usage: build-aux/dev.sh run|test|build|fuzz [SECONDS]|tsan [SEQUENCES]" >&2; exit 2 ;;
esac
