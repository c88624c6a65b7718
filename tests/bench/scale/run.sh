#!/usr/bin/env bash
# run.sh: the full scale benchmark (issue 10) -> docs/scale/results.md + docs/scale/scale.png.
# Usage: tests/bench/scale/run.sh [scale_bench flags...]
#   BUILD=<build dir> (default: build). Default levels: 10,100,200,300,400,500,600.
# Needs: a built tree (it builds scale_bench, vmms, vmwp, the guest) and gnuplot
# (scripts/setup.sh bench). Takes several minutes and most of the machine: run it alone.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$PWD
BUILD=${BUILD:-build}
OUT=$ROOT/docs/scale
scripts/setup.sh bench
ninja -C "$BUILD" -j2 scale_bench vmms vmwp hv_guest_image >/dev/null
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--levels=10,100,200,300,400,500,600)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
HV_BINARY_DIR=$ROOT/$BUILD "$ROOT/$BUILD/tests/bench/scale/scale_bench" "${args[@]}" \
  --markdown="$tmp/table.md" --data="$tmp/scale.dat" 2> >(tee "$tmp/progress.log" >&2) >/dev/null
{
  echo "# Scale benchmark results (issue 10)"
  echo
  echo "One run, $started, commit $(git rev-parse --short HEAD) (+ working tree), $(nproc) CPUs," \
       "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, kernel $(uname -r)," \
       "backend $([ -w /dev/kvm ] && echo kvm || echo 'TCG (no /dev/kvm)')."
  echo
  echo "Command: \`tests/bench/scale/run.sh ${args[*]}\` (= \`HV_BINARY_DIR=$BUILD $BUILD/tests/bench/scale/scale_bench ${args[*]}\`)."
  echo "Method and definitions: \`tests/bench/scale/scale_run.h\`; notes and findings: \`docs/scale/README.md\`."
  echo
  cat "$tmp/table.md"
  echo
  echo "### Progress log"
  echo
  echo '```'
  cat "$tmp/progress.log"
  echo '```'
} >"$OUT/results.md"
cp "$tmp/scale.dat" "$OUT/scale.dat"
gnuplot <<GP
set terminal png size 1200,520
set output "$OUT/scale.png"
set multiplot layout 1,2 title "vmms scale benchmark ($started)"
set xlabel "concurrent DM VMs (N)"
set grid
set key top left
set logscale y
set ylabel "ms (log)"
set title "latency vs N"
plot "$OUT/scale.dat" using 1:3 with linespoints title "start -> first DM status (p50)", \
     "" using 1:2 with linespoints title "start -> Running (p50)", \
     "" using 1:5 with linespoints title "EnumerateInstances(Msvm_ComputerSystem) p50", \
     "" using 1:7 with linespoints title "/metrics scrape p50", \
     "" using 1:4 with linespoints title "GetInstance p50", \
     "" using 1:6 with linespoints title "empty unary gRPC (health) p50", \
     "" using 1:8 with linespoints title "balancer round (mean)"
unset logscale y
set ylabel "MiB"
set title "memory vs N"
set y2label "MiB (vmms)"
set y2tics
set ytics nomirror
plot "$OUT/scale.dat" using 1:9 with linespoints title "worker PSS p50", \
     "" using 1:10 with linespoints title "worker overhead (PSS - guest RAM) p50", \
     "" using 1:11 axes x1y2 with linespoints title "vmms PSS (right axis)"
unset multiplot
GP
echo "run.sh: wrote $OUT/results.md, $OUT/scale.png, $OUT/scale.dat"
