#!/usr/bin/env bash
# idle_pss.sh: memory overhead of idle workers (finding 4 of docs/scale/README.md,
# issue 6's "idle worker overhead as PSS"), two vmwp binaries side by side in
# one run.
# Usage: tests/bench/scale/idle_pss.sh VMWP_A VMWP_B [WORKERS_EACH=8] [SETTLE_SECONDS=20]
#   GUEST=<guest image> (default build/guest/hv_guest.bin).
#   KEEP=1 keeps the per-worker smaps copies (printed path) for inspection.
# Starts WORKERS_EACH workers of each binary (TCG, DM on, 128 MiB startup,
# 512 MiB maximum, started interleaved A,B,A,B so both see the same machine),
# waits SETTLE_SECONDS for the guests to boot and go idle, then reads
# /proc/PID/smaps of every worker at once and prints, per binary, the mean per
# worker in MiB of:
#   pss        PSS of the whole process (smaps "Pss" summed)
#   guest      PSS of the guest RAM reservation (the anonymous mapping of
#              exactly the partition's max_gpa, 640 MiB for a 512 MiB maximum)
#   overhead   pss - guest   (issue 6 / issue 10 goal: <= 5 MiB)
# and overhead split into:
#   tcg        the Unicorn TCG code buffer (the 1 GiB rwx anonymous mapping)
#   anon       every other anonymous page: heap, malloc arenas and mmapped
#              chunks, thread stacks
#   file_dirty private dirty file-backed pages: libraries' relocated data
#              (RELRO, .data, GOT) - per worker, does not shrink with N
#   file_clean PSS of clean file-backed pages (code, rodata of vmwp and its
#              libraries) - shared, 1/N of it per worker as N grows
#   thp        AnonHugePages (transparent huge pages) in the process
# then overhead B / A. No client is attached (no WatchStatus stream).
# Note: A and B are different executables, so each binary's own text is
# shared only among its WORKERS_EACH workers; the libraries are shared by all.
set -euo pipefail
A=$(readlink -f "$1"); B=$(readlink -f "$2"); N=${3:-8}; SETTLE=${4:-20}
cd "$(dirname "$0")/../../.."
GUEST=$(readlink -f "${GUEST:-build/guest/hv_guest.bin}")
MAX_MIB=512
# PartitionOptionsFor (worker/guest_loader.cc): max rounded up to 128 MiB, plus 128 MiB.
GUEST_KB=$(( ((MAX_MIB + 127) / 128 * 128 + 128) * 1024 ))
tmp=$(mktemp -d /tmp/idlepssXXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
declare -A side_of
for i in $(seq 1 "$N"); do
  for side in A B; do
    name=$side$i
    off=0; [ $side = B ] && off=1000
    cat >"$tmp/$name.txtpb" <<EOF
vm_id: "00000000-0000-4000-8000-$(printf '%012d' $((i + off)))"
vm_name: "$name"
memory { dynamic_memory_enabled: true startup_mib: 128 minimum_mib: 64 maximum_mib: $MAX_MIB buffer_percent: 20 weight: 5000 }
vcpu_count: 1
guest_image: "$GUEST"
backend: "tcg"
socket_path: "$tmp/$name.sock"
state_dir: "$tmp/$name.state"
EOF
    bin=$A; [ $side = B ] && bin=$B
    "$bin" --config="$tmp/$name.txtpb" >"$tmp/$name.log" 2>&1 &
    pids+=($!)
    side_of[$!]=$side
  done
done
sleep "$SETTLE"
# Snapshot every worker's smaps first, then parse (all at the same moment).
for p in "${pids[@]}"; do
  [ -e "/proc/$p/smaps" ] || { echo "worker $p (${side_of[$p]}) exited early" >&2; exit 1; }
  cp "/proc/$p/smaps" "$tmp/${side_of[$p]}.$p.smaps"
done
# One line per worker: side pss guest tcg anon file_dirty file_clean thp (kB).
breakdown() {
  awk -v side="$1" -v guest_kb="$GUEST_KB" '
    function flush() {
      if (!have) return
      if (anon && size == guest_kb && perm ~ /^rw/) { guest += pss; nguest++ }
      else if (anon && perm ~ /^rwx/ && size >= 1048576 - 4) { tcg += pss; ntcg++ }
      else if (anon) aother += pss
      else { fdirty += pdirty; fclean += pss - pdirty }
      total += pss; thp += ahp
    }
    /^[0-9a-f]+-[0-9a-f]+ / {
      flush(); have = 1; perm = $2; path = (NF >= 6) ? $6 : ""
      anon = (path == "" || path ~ /^\[(heap|stack|anon)/)
      size = pss = pdirty = ahp = 0; next
    }
    /^Size:/ { size = $2 } /^Pss:/ { pss = $2 } /^Private_Dirty:/ { pdirty = $2 }
    /^AnonHugePages:/ { ahp = $2 }
    END {
      flush()
      if (nguest != 1 || ntcg != 1) { printf "bad smaps: %d guest, %d tcg mappings\n", nguest, ntcg > "/dev/stderr"; exit 1 }
      print side, total, guest, tcg, aother, fdirty, fclean, thp
    }' "$2"
}
for f in "$tmp"/[AB].*.smaps; do breakdown "$(basename "$f" | cut -c1)" "$f"; done >"$tmp/all.txt"
awk -v n="$N" '
  { s = $1; c[s]++; for (i = 2; i <= 8; i++) v[s, i] += $i
    ov = $2 - $3; if (!(s in lo) || ov < lo[s]) lo[s] = ov; if (!(s in hi) || ov > hi[s]) hi[s] = ov }
  END {
    printf "%d workers each, MiB per worker (mean)\n", n
    printf "%-4s %7s %7s %9s %7s %7s %10s %10s %6s %15s\n", "bin", "pss", "guest", "overhead", "tcg", "anon", "file_dirty", "file_clean", "thp", "overhead min-max"
    for (k = 0; k < 2; k++) {
      s = k ? "B" : "A"; m = 1024 * c[s]
      ovh[s] = (v[s,2] - v[s,3]) / m
      printf "%-4s %7.2f %7.2f %9.2f %7.2f %7.2f %10.2f %10.2f %6.2f %7.2f-%-7.2f\n", s, v[s,2]/m, v[s,3]/m, ovh[s],
             v[s,4]/m, v[s,5]/m, v[s,6]/m, v[s,7]/m, v[s,8]/m, lo[s]/1024, hi[s]/1024
    }
    printf "overhead B/A: %.2f\n", ovh["B"] / ovh["A"]
    printf "file_clean share of pss: A %.0f%%, B %.0f%%\n", 100 * v["A",7] / v["A",2], 100 * v["B",7] / v["B",2]
  }' "$tmp/all.txt"
