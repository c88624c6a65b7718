#!/usr/bin/env bash
# idle_cpu.sh: CPU cost of idle workers (finding 3 of docs/scale/README.md),
# two vmwp binaries side by side in one run.
# Usage: tests/bench/scale/idle_cpu.sh VMWP_A VMWP_B [WORKERS_EACH=5] [SECONDS=20]
#   GUEST=<guest image> (default build/guest/hv_guest.bin); GUEST_B=<image> gives
#   B's workers another guest (to compare guest changes; default GUEST).
# Starts WORKERS_EACH workers of each binary (TCG, DM on, 128 MiB startup,
# started interleaved A,B,A,B so both see the same machine), waits 15 s for
# the guests to boot and go idle, then reads utime+stime (/proc/PID/stat) of
# every worker at the start and the end of a SECONDS window. Prints CPU % of
# one core per worker (mean over the binary's workers) and the ratio B / A.
# No client is attached (no WatchStatus stream): the worker's own idle cost.
set -euo pipefail
A=$(readlink -f "$1"); B=$(readlink -f "$2"); N=${3:-5}; SECS=${4:-20}
cd "$(dirname "$0")/../../.."
GUEST=$(readlink -f "${GUEST:-build/guest/hv_guest.bin}")
GUEST_B=$(readlink -f "${GUEST_B:-$GUEST}")
tmp=$(mktemp -d /tmp/idlecpuXXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
declare -A bin_of
for i in $(seq 1 "$N"); do
  for side in A B; do
    name=$side$i
    off=0; [ $side = B ] && off=1000
    cat >"$tmp/$name.txtpb" <<EOF
vm_id: "00000000-0000-4000-8000-$(printf '%012d' $((i + off)))"
vm_name: "$name"
memory { dynamic_memory_enabled: true startup_mib: 128 minimum_mib: 64 maximum_mib: 512 buffer_percent: 20 weight: 5000 }
vcpu_count: 1
guest_image: "$([ $side = B ] && echo "$GUEST_B" || echo "$GUEST")"
backend: "tcg"
socket_path: "$tmp/$name.sock"
state_dir: "$tmp/$name.state"
EOF
    bin=$A; [ $side = B ] && bin=$B
    "$bin" --config="$tmp/$name.txtpb" >"$tmp/$name.log" 2>&1 &
    pids+=($!)
    bin_of[$!]=$side
  done
done
sleep 15
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A t0
for p in "${pids[@]}"; do t0[$p]=$(ticks "$p"); done
sleep "$SECS"
hz=$(getconf CLK_TCK)
sumA=0; sumB=0
for p in "${pids[@]}"; do
  [ -e "/proc/$p/stat" ] || { echo "worker $p (${bin_of[$p]}) exited early" >&2; exit 1; }
  d=$(( $(ticks "$p") - ${t0[$p]} ))
  if [ "${bin_of[$p]}" = A ]; then sumA=$((sumA + d)); else sumB=$((sumB + d)); fi
done
awk -v a="$sumA" -v b="$sumB" -v n="$N" -v s="$SECS" -v hz="$hz" 'BEGIN {
  pa = a / hz / s / n * 100; pb = b / hz / s / n * 100;
  printf "A: %.2f%% of a core per idle worker (%d ticks)\nB: %.2f%% of a core per idle worker (%d ticks)\nB/A: %.2f\n", pa, a, pb, b, (a > 0 ? b / a : 0) }'
