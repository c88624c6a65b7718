#!/usr/bin/env bash
# run_fuzzers.sh BUILD_DIR SECONDS [JOBS]: runs every libFuzzer binary (*_fuzzer)
# of a clang HV_FUZZ build for SECONDS each, from its checked-in seed corpus,
# JOBS at a time (default: nproc). Fails if any target crashes or a sanitizer
# reports, printing that target's log. Prints executions per target.
set -euo pipefail
dir=$1; secs=${2:-20}; jobs=${3:-$(nproc)}
root=$(cd "$(dirname "$0")/../.." && pwd)
mapfile -t fuzzers < <(find "$dir" -type f -name '*_fuzzer' -perm -u+x | sort)
if [ ${#fuzzers[@]} -eq 0 ]; then echo "fuzz: no fuzz targets built yet"; exit 0; fi

# run_one FUZZER: one bounded run in a scratch copy of the seed corpus.
run_one() {
  local f=$1 name work execs
  name=$(basename "$f")
  work=$(mktemp -d)
  [ -d "$root/tests/fuzz/corpus/$name" ] && cp -r "$root/tests/fuzz/corpus/$name/." "$work/"
  if ! "$f" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 "$work" >"$work.log" 2>&1; then
    tail -40 "$work.log"; echo "fuzz: $name FAILED"
    rm -rf "$work" "$work.log"
    return 1
  fi
  execs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work.log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz: $name ok, $execs executions in ${secs}s"
  rm -rf "$work" "$work.log"
}
export -f run_one
export root secs

# xargs exits non-zero if any run failed; every target still runs.
if ! printf '%s\n' "${fuzzers[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$1"' _ {}; then
  echo "fuzz: at least one target FAILED (log above)"
  exit 1
fi
