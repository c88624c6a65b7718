#!/usr/bin/env bash
# wakeups.sh: wake-ups per second of one watched worker (per thread) and of
# vmms (per VM), and the CPU of all workers, with N DM VMs running under vmms.
# Usage: tests/bench/scale/wakeups.sh [N=20] [SECONDS=30]   (BUILD=<dir>, default build)
# Starts scale_bench at level N (it starts vmms and drives it over the public
# API; its observe phase enumerates the VMs once a second), waits for the VMs
# to settle, then reads voluntary+involuntary context switches
# (/proc/PID/task/TID/status) and utime+stime at the start and the end of the
# window (SETTLE=60 s after the start). A wake-up is a context switch of a thread.
set -euo pipefail
N=${1:-20}; SECS=${2:-30}
cd "$(dirname "$0")/../../.."
BUILD=${BUILD:-build}
out=$(mktemp -d /tmp/wakeupsXXXXXX)
HV_BINARY_DIR=$PWD/$BUILD "$BUILD/tests/bench/scale/scale_bench" --levels="$N" \
  --observe_s=$((SECS + ${SETTLE:-60} + 30)) --calls=50 --probe_runs=3 --scrapes=3 --enumerate_calls=3 \
  >"$out/bench.out" 2>"$out/bench.err" &
bench=$!
trap 'kill $bench 2>/dev/null || true; wait $bench 2>/dev/null || true; rm -rf "$out"' EXIT
sleep "${SETTLE:-60}"
worker=$(ps -o pid,etimes -C vmwp --no-headers | sort -k2 -n | tail -1 | awk '{print $1}')
vmms=$(pgrep -x vmms | head -1)
[ -n "$worker" ] && [ -n "$vmms" ] || { cat "$out/bench.err"; echo "wakeups.sh: no vmms/worker running" >&2; exit 1; }
threads() {
  for t in /proc/$1/task/*; do
    echo "$(basename "$t") $(cat "$t/comm" | tr ' ' _) $(awk '/ctxt_switches/ {s += $2} END {print s}' "$t/status") $(awk '{print $14 + $15}' "$t/stat")"
  done | sort
}
workers_cpu() { for p in $(pgrep -x vmwp); do awk '{print $14 + $15}' "/proc/$p/stat"; done | awk '{s += $1} END {print s}'; }
threads "$worker" >"$out/w0"; threads "$vmms" >"$out/v0"; c0=$(workers_cpu)
sleep "$SECS"
threads "$worker" >"$out/w1"; threads "$vmms" >"$out/v1"; c1=$(workers_cpu)
hz=$(getconf CLK_TCK)
echo "one worker (pid $worker), wake-ups/s by thread:"
join -j1 "$out/w0" "$out/w1" | awk -v s="$SECS" '{w = ($6 - $3) / s; t += w; if (w > 0.2) printf "  %-8s %-18s %5.1f\n", $1, $2, w}
  END {printf "  total %.1f\n", t}'
join -j1 "$out/v0" "$out/v1" | awk -v s="$SECS" -v n="$N" -v hz="$hz" '{t += ($6 - $3) / s; c += $7 - $4}
  END {printf "vmms: %.1f wake-ups/s (%.1f per VM), %.1f%% of a core\n", t, t / n, 100 * c / hz / s}'
echo "$N workers: $(echo "scale=3; 100 * ($c1 - $c0) / $hz / $SECS / $N" | bc)% of a core each"
