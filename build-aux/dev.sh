#!/usr/bin/env bash
# build-aux/dev.sh: the README's set-up commands.
#
#   build-aux/dev.sh run [ARGS...]  install missing Debian packages, build, start the app on the
#                                   bundled model (ARGS go to feature-maps: a model, a subcommand)
#   build-aux/dev.sh test           same set-up, then the whole test suite (also under
#                                   AddressSanitizer + UndefinedBehaviorSanitizer, and a short
#                                   run of each fuzz target), ending with "N passed, N failed"
#   build-aux/dev.sh build          set-up and build only
#   build-aux/dev.sh fuzz [SECONDS]  every libFuzzer target of tests/fuzz/ for SECONDS each
#                                   (default 60), built with clang + ASan + UBSan in
#                                   _build-fuzz; prints executions and coverage per target
#   build-aux/dev.sh tsan           the engine and worker tests under ThreadSanitizer (not yet
#                                   part of `test`: GLib's own locks are invisible to TSan and
#                                   the worker test still gets a false report under load)
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
fuzz_targets=(onnx-proto model-load model-run idx image export)
# The fuzz smoke run by `test` (CI) is deterministic: a fixed seed and a
# fixed number of executions per target (about 20 s each on a 2-core
# machine), so a CI run is reproducible and never fails by chance; `fuzz`
# explores at random for as long as you say.
fuzz_smoke_seed=20261127
declare -A fuzz_smoke_runs=(
  [onnx-proto]=400000 [model-load]=300000 [model-run]=200000
  [idx]=40000 [image]=1000000 [export]=400
)

# Everything the build, the app and the tests need, as Debian 12 packages.
packages=(
  # build
  gcc meson ninja-build pkg-config gettext
  libglib2.0-dev libjson-glib-dev libpng-dev libjpeg-dev zlib1g-dev libopenblas-dev
  libgtk-4-dev libadwaita-1-dev
  # tests
  libonnx-testdata python3 xvfb xauth dbus xdotool imagemagick
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
# subtests) in the given meson test logs.
summarise() {
  python3 - "$@" <<'PY'
import json, re, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout") or ""
        oks = len(re.findall(r"^ok \d+(?! # SKIP)", out, re.M))
        skips = len(re.findall(r"^ok \d+ .*# SKIP", out, re.M))
        bad = len(re.findall(r"^not ok \d+", out, re.M))
        if oks + bad + skips == 0:
            if t["result"] in ("OK", "EXPECTEDFAIL"):
                oks = 1
            elif t["result"] == "SKIP":
                skips = 1
            else:
                bad = 1
        elif t["result"] not in ("OK", "EXPECTEDFAIL", "SKIP") and bad == 0:
            bad = 1  # crashed or timed out after its last subtest
        passed += oks; failed += bad; skipped += skips
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
}

# Runs libFuzzer target $1 for $2 seconds (or, with $3, exactly $3
# executions from a fixed seed) from its committed corpus (new inputs go to
# a scratch folder, never into the tree) and prints one line of executions
# and coverage. Crashes are saved as $fuzz_dir/crash-<target>-*.
fuzz_one() {
  local target=$1 seconds=$2 runs=${3:-}
  local limit=(-max_total_time="$seconds")
  [ -n "$runs" ] && limit=(-runs="$runs" -seed="$fuzz_smoke_seed" -max_total_time=300)
  local bin="$fuzz_dir/tests/fuzz/fuzz-$target"
  local work log dict=()
  work=$(mktemp -d)
  log="$fuzz_dir/fuzz-$target.log"
  case $target in
    onnx-proto|model-load|model-run) dict=(-dict="$top/tests/fuzz/onnx.dict") ;;
  esac
  local status=0
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$top/build-aux/lsan.supp \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 OPENBLAS_NUM_THREADS=1 nice "$bin" "${dict[@]}" "${limit[@]}" -timeout=20 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$fuzz_dir/crash-$target-" "$work" "$top/tests/fuzz/corpus/$target" \
    >"$log" 2>&1 || status=1
  rm -rf "$work"
  local execs cov
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9a-zA-Z]*' "$log" | tail -n 1)
  if [ $status -eq 0 ]; then
    printf 'fuzz-%s: %s executions, %s\n' "$target" "${execs:-?}" "$cov"
  else
    printf 'fuzz-%s: FAILED after %s executions (see %s)\n' "$target" "${execs:-?}" "$log"
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

# `fuzz [SECONDS]`; with a second argument, also writes one JSON line per
# target in meson's test-log form, for summarise(); with a third ("smoke"),
# runs the deterministic smoke instead of SECONDS each.
run_fuzz() {
  local seconds=${1:-60} results=${2:-} smoke=${3:-}
  install_packages
  setup_fuzz
  local status=0 t ok
  [ -n "$results" ] && : >"$results"
  for t in "${fuzz_targets[@]}"; do
    ok=OK
    if [ -n "$smoke" ]; then
      log "Fuzzing $t: ${fuzz_smoke_runs[$t]} executions from seed $fuzz_smoke_seed"
      fuzz_one "$t" "$seconds" "${fuzz_smoke_runs[$t]}" || { ok=FAIL; status=1; }
    else
      log "Fuzzing $t for $seconds s"
      fuzz_one "$t" "$seconds" || { ok=FAIL; status=1; }
    fi
    [ -n "$results" ] && printf '{"name": "fuzz-%s", "result": "%s", "stdout": ""}\n' "$t" "$ok" >>"$results"
  done
  return $status
}

run_tsan() {
  install_packages
  log "Running the engine and worker tests under ThreadSanitizer"
  setup "$tsan_dir" -Db_sanitize=thread -Db_lundef=false -Dbuildtype=debug
  ninja -C "$tsan_dir"
  # GMutex/GCond are futexes TSan cannot see: the shim annotates them.
  # shellcheck disable=SC2046
  gcc -shared -fPIC -O1 $(pkg-config --cflags glib-2.0) build-aux/tsan-glib.c \
    -o "$tsan_dir/libtsan-glib.so" $(pkg-config --libs glib-2.0) -ldl
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$top/build-aux/tsan.supp" \
    LD_PRELOAD="$top/$tsan_dir/libtsan-glib.so" \
    meson test -C "$tsan_dir" --suite engine --suite app-worker --print-errorlogs \
    --num-processes 2 --timeout-multiplier 6
}

run_tests() {
  build
  local status=0
  log "Running the test suite"
  meson test -C "$build_dir" --print-errorlogs --num-processes 2 || status=1

  log "Running the engine, command-line, worker, stress and fuzz replay tests under ASan + UBSan"
  setup "$asan_dir" -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
  ninja -C "$asan_dir"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$top/build-aux/lsan.supp UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C "$asan_dir" --suite engine --suite render --suite cli --suite app-worker \
    --suite fuzz-replay --suite app-stress --print-errorlogs --num-processes 2 --timeout-multiplier 4 || status=1

  log "Running the deterministic fuzz smoke"
  run_fuzz 0 "$fuzz_dir/fuzz-smoke.json" smoke || status=1

  summarise "$build_dir/meson-logs/testlog.json" "$asan_dir/meson-logs/testlog.json" \
    "$fuzz_dir/fuzz-smoke.json" || status=1
  return $status
}

cmd=${1:-run}
shift || true
case "$cmd" in
  build) build ;;
  test) run_tests ;;
  fuzz) run_fuzz "${1:-60}" ;;
  tsan) run_tsan ;;
  run)
    build
    # The uninstalled app finds its compiled settings schema in the build folder.
    export GSETTINGS_SCHEMA_DIR="$top/$build_dir/data"
    exec "$build_dir/src/feature-maps" "$@"
    ;;
  *) echo "usage: build-aux/dev.sh run|test|build|fuzz [SECONDS]|tsan" >&2; exit 2 ;;
esac
