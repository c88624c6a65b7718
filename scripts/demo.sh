#!/usr/bin/env bash
# demo.sh BUILD_DIR: the last step of `./vmms.sh run`.
#
# Starts vmms on its embedded SQLite in ./var (unless one already runs there),
# defines and starts the demo VM "demo" with Dynamic Memory and a workload
# that ramps up and down (a sawtooth from 64 to 448 MiB in 48 MiB steps every 5 s), then
# prints the endpoints and shows, every 2 s, the guest's demand next to the
# memory the balancer assigns. vmms keeps running afterwards.
# DEMO_SECONDS (default 60; 20 when not on a terminal) bounds the display.
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
cd "$(dirname "$0")/.."
VMMS="$B/vmms/vmms"
VMCTL="$B/tools/vmctl"
STATE=var
mkdir -p "$STATE"
for f in "$VMMS" "$VMCTL" "$B/worker/vmwp" "$B/guest/hv_guest.bin"; do
  [ -x "$f" ] || [ -f "$f" ] || { echo "demo: $f is not built" >&2; exit 1; }
done

pid=$(cat "$STATE/vmms.pid" 2>/dev/null || true)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
  echo "demo: vmms already running (pid $pid)"
else
  : > "$STATE/vmms.log"
  setsid "$VMMS" --state_dir="$STATE" >>"$STATE/vmms.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$STATE/vmms.pid"
  for _ in $(seq 1 100); do
    grep -q "event=started" "$STATE/vmms.log" && break
    kill -0 "$pid" 2>/dev/null || { echo "demo: vmms exited:" >&2; tail -5 "$STATE/vmms.log" >&2; exit 1; }
    sleep 0.1
  done
  grep -q "event=started" "$STATE/vmms.log" || { echo "demo: vmms did not start" >&2; exit 1; }
fi

if ! "$VMCTL" Get-VM -Name demo >/dev/null 2>&1; then
  "$VMCTL" New-VM -Name demo -MemoryStartupBytes 512MB -GuestCommandLine "wl=sawtooth,64,448,5000"
  "$VMCTL" Set-VMMemory -VMName demo -DynamicMemoryEnabled '$true' -MinimumBytes 256MB \
    -MaximumBytes 2GB -Buffer 20 -Priority 50
fi
if ! "$VMCTL" Get-VM -Name demo | grep -q Running; then
  "$VMCTL" Start-VM -Name demo
fi

cat <<INFO

vmms is running (pid $pid) on its embedded SQLite database $STATE/vmms.db
  CIM over gRPC (hv.cim.v1):  127.0.0.1:5990 and unix:$STATE/vmms.sock
  Prometheus metrics:         http://127.0.0.1:9182/metrics
  logs:                       $STATE/vmms.log, $STATE/vms/<vm id>/vmwp.log
  try:   $VMCTL Get-VM      $VMCTL Get-VMMemory -VMName demo      $VMCTL Get-VMCounters
  stop:  $VMCTL Stop-VM -Name demo -TurnOff; kill \$(cat $STATE/vmms.pid)

The demo VM's workload ramps between 64 and 448 MiB; watch its memory follow it:
INFO
echo "(PhysicalMemory = assigned MB; demand = PhysicalMemory x CurrentPressure %)"
secs=${DEMO_SECONDS:-$([ -t 1 ] && echo 60 || echo 20)}
end=$((SECONDS + secs))
"$VMCTL" Get-VMCounters -VMName demo | head -1 || true
while [ $SECONDS -lt $end ]; do
  "$VMCTL" Get-VMCounters -VMName demo | sed -n 2p || true
  sleep 2
done
