#!/usr/bin/env bash
# vmms.sh: the two commands of the README.
#
#   ./vmms.sh run    install what is missing, build, start vmms on its embedded
#                    SQLite with a Dynamic Memory demo VM, print the endpoints
#   ./vmms.sh test   install what is missing, build, run the whole test suite:
#                    unit + integration + conformance, then again under
#                    ASan+UBSan, then the fuzzers (clang, bounded), then the
#                    nested-KVM harness
#
# Options for test: --stage=unit|sanitize|fuzz|kvm (repeatable; default all),
# -R REGEX (only ctest tests matching REGEX). Environment: JOBS (default nproc).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
JOBS=${JOBS:-$(nproc)}

log() { printf '\033[1m[vmms.sh]\033[0m %s\n' "$*"; }
die() { printf '[vmms.sh] error: %s\n' "$*" >&2; exit 1; }

# Every build is a unity build: the .cc files of a target are compiled 16 at a
# time, so the gtest/absl/gRPC headers are parsed once per batch, not per file
# (about half the compile time; docs/ci.md). For edit-compile loops configure
# a directory of your own without it.
readonly UNITY=(-DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16)
# build/ (RelWithDebInfo) keeps function names and line tables but not
# variables or inlined frames (-g1): gcc compiles it ~25 % faster than with
# -g; backtraces and perf still name the function, file and line.
readonly MAIN=("${UNITY[@]}" "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
               "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")

# configure DIR [cmake args...]: a configure that fails leaves no cache behind,
# so the next run starts clean instead of tripping over a half-written one. A
# directory configured with other arguments (another compiler) starts over.
configure() {
  local dir=$1; shift
  local args="$*"
  if [ -f "$dir/CMakeCache.txt" ] && [ "$(cat "$dir/.vmms-configure-args" 2>/dev/null)" != "$args" ]; then
    rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
  fi
  if [ ! -f "$dir/build.ninja" ] || [ ! -f "$dir/CMakeCache.txt" ] ||
     [ "$ROOT/CMakeLists.txt" -nt "$dir/build.ninja" ]; then
    if ! cmake -S "$ROOT" -B "$dir" -G Ninja "$@" >"$dir.configure.log" 2>&1; then
      rm -f "$dir/CMakeCache.txt"
      tail -30 "$dir.configure.log" >&2
      die "cmake configure of $dir failed (log: $dir.configure.log)"
    fi
    printf '%s' "$args" >"$dir/.vmms-configure-args"
  fi
}

build() {
  local dir=$1; shift
  configure "$dir" "$@"
  local t0=$SECONDS
  ninja -C "$dir" -j"$JOBS" || die "build in $dir failed"
  log "built $dir in $((SECONDS - t0)) s"
}

# run_ctest DIR PARALLEL [ctest args...]
run_ctest() {
  local dir=$1 parallel=$2; shift 2
  (cd "$dir" && ctest -j"$parallel" --output-on-failure --timeout 600 "$@")
}

cmd_run() {
  scripts/setup.sh build
  build build "${MAIN[@]}"
  for f in build/vmms/vmms build/worker/vmwp build/tools/vmctl build/guest/hv_guest.bin; do
    [ -e "$f" ] || die "$f was not built"
  done
  exec scripts/demo.sh build
}

cmd_test() {
  local stages=() ctest_args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --stage=*) stages+=("${1#--stage=}") ;;
      -R) ctest_args+=(-R "$2"); shift ;;
      *) die "test: unknown option '$1'" ;;
    esac
    shift
  done
  [ ${#stages[@]} -eq 0 ] && stages=(unit sanitize fuzz kvm)
  local want=(test)
  for s in "${stages[@]}"; do [ "$s" = kvm ] && want+=(kvm); done
  scripts/setup.sh "${want[@]}"
  for s in "${stages[@]}"; do
    local t0=$SECONDS
    case "$s" in
      unit)
        log "stage unit: build/ (RelWithDebInfo)"
        build build "${MAIN[@]}"
        # Two tests per core: the suite mostly waits on guests, timers and
        # sockets (~20 % CPU at one per core; docs/ci.md).
        run_ctest build $((JOBS * 2)) "${ctest_args[@]}" ;;
      sanitize)
        # clang: compiles this build in ~0.6x gcc's time at -O0 (docs/ci.md).
        log "stage sanitize: build-asan/ (clang, ASan + UBSan)"
        build build-asan "${UNITY[@]}" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
          -DCMAKE_BUILD_TYPE=Debug -DHV_SANITIZE=ON
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
          run_ctest build-asan "$JOBS" -LE nosanitize "${ctest_args[@]}" ;;
      fuzz)
        log "stage fuzz: build-fuzz/ (clang libFuzzer, bounded runs)"
        # Only the *_fuzzer targets: the rest of the tree is tested above.
        configure build-fuzz "${UNITY[@]}" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DHV_FUZZ=ON
        mapfile -t fuzzers < <(ninja -C build-fuzz -t targets all | grep -o '^[A-Za-z0-9_]*_fuzzer:' | tr -d : | sort -u)
        if [ ${#fuzzers[@]} -gt 0 ]; then
          ninja -C build-fuzz -j"$JOBS" "${fuzzers[@]}" || die "fuzz build failed"
        fi
        tests/fuzz/run_fuzzers.sh build-fuzz "${FUZZ_SECONDS:-20}" "$JOBS" ;;
      kvm)
        if [ -x tests/kvm/run.sh ]; then
          log "stage kvm: nested-KVM harness"
          tests/kvm/run.sh build
        else
          log "stage kvm: no harness in this tree yet (tests/kvm/run.sh), skipped"
        fi ;;
      *) die "test: unknown stage '$s' (want unit|sanitize|fuzz|kvm)" ;;
    esac
    log "stage $s passed in $((SECONDS - t0)) s"
  done
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  *) echo "usage: ./vmms.sh run | ./vmms.sh test [--stage=unit|sanitize|fuzz|kvm] [-R REGEX]" >&2; exit 2 ;;
esac
