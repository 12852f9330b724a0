#!/usr/bin/env bash
# build-aux/dev.sh: the README's set-up commands.
#
#   build-aux/dev.sh run [ARGS...]  install missing Debian packages, build, start the app on the
#                                   bundled model (ARGS go to feature-maps: a model, a subcommand)
#   build-aux/dev.sh test           same set-up, then the whole test suite (also under
#                                   AddressSanitizer + UndefinedBehaviorSanitizer), ending
#                                   with a line "N passed, N failed"
#   build-aux/dev.sh build          set-up and build only
#
# Idempotent: packages already installed are not touched; build folders are reused.
# CI=true turns warnings into errors.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

build_dir=${FM_BUILD_DIR:-_build}
asan_dir=${FM_ASAN_BUILD_DIR:-_build-asan}

# Everything the build, the app and the tests need, as Debian 12 packages.
packages=(
  # build
  gcc meson ninja-build pkg-config gettext
  libglib2.0-dev libjson-glib-dev libpng-dev libjpeg-dev zlib1g-dev libopenblas-dev
  libgtk-4-dev libadwaita-1-dev
  # tests
  libonnx-testdata python3 xvfb xauth dbus xdotool imagemagick
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

run_tests() {
  build
  local status=0
  log "Running the test suite"
  meson test -C "$build_dir" --print-errorlogs --num-processes 2 || status=1

  log "Running the engine and command-line tests under ASan + UBSan"
  setup "$asan_dir" -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
  ninja -C "$asan_dir"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$top/build-aux/lsan.supp UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C "$asan_dir" --suite engine --suite render --suite cli --suite app-worker --print-errorlogs \
    --num-processes 2 --timeout-multiplier 4 || status=1

  summarise "$build_dir/meson-logs/testlog.json" "$asan_dir/meson-logs/testlog.json" || status=1
  return $status
}

cmd=${1:-run}
shift || true
case "$cmd" in
  build) build ;;
  test) run_tests ;;
  run)
    build
    # The uninstalled app finds its compiled settings schema in the build folder.
    export GSETTINGS_SCHEMA_DIR="$top/$build_dir/data"
    exec "$build_dir/src/feature-maps" "$@"
    ;;
  *) echo "usage: build-aux/dev.sh run|test|build" >&2; exit 2 ;;
esac
