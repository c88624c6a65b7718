#!/usr/bin/env bash
# run_fuzzers.sh BUILD_DIR SECONDS: runs every libFuzzer binary (*_fuzzer) of a
# clang HV_FUZZ build for SECONDS each, from its checked-in seed corpus. Fails
# on the first crash or sanitizer report. Prints executions per target.
set -euo pipefail
dir=$1; secs=${2:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
mapfile -t fuzzers < <(find "$dir" -type f -name '*_fuzzer' -perm -u+x | sort)
if [ ${#fuzzers[@]} -eq 0 ]; then echo "fuzz: no fuzz targets built yet"; exit 0; fi
for f in "${fuzzers[@]}"; do
  name=$(basename "$f")
  corpus_src="$root/tests/fuzz/corpus/$name"
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  [ -d "$corpus_src" ] && cp -r "$corpus_src/." "$work/"
  if ! "$f" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 "$work" >"$work.log" 2>&1; then
    tail -40 "$work.log"; echo "fuzz: $name FAILED"; exit 1
  fi
  execs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work.log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz: $name ok, $execs executions in ${secs}s"
  rm -rf "$work" "$work.log"
done
