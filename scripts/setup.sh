#!/usr/bin/env bash
# setup.sh: install the Debian packages vmms needs, and nothing else.
#
# Usage: scripts/setup.sh [build|test|kvm|fuzz|prometheus|bench|all]...   (default: build)
#   build       compilers, CMake/Ninja and every library the build links
#   test        build + what the test suite runs (clang for libFuzzer, gdb-less,
#               the Prometheus server of tests/integration/prometheus)
#   kvm         the nested-KVM harness: qemu-system-x86, busybox-static, cpio
#   prometheus  a real Prometheus server for the scrape test
#   bench       the plot of tests/bench/scale/run.sh: gnuplot-nox
#
# Idempotent: when every package is present it prints one line and exits 0.
# On failure it names the missing packages or the apt step that failed, exits 1,
# and leaves dpkg consistent (it runs `dpkg --configure -a` before retrying).
set -euo pipefail

readonly BUILD_PKGS=(
  g++ cmake ninja-build pkg-config lld
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev prometheus-cpp-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev libunicorn-dev
)
readonly TEST_PKGS=(clang libclang-rt-14-dev sqlite3 procps)
readonly KVM_PKGS=(qemu-system-x86 busybox-static cpio)
readonly PROM_PKGS=(prometheus)
readonly BENCH_PKGS=(gnuplot-nox)

want=()
[ $# -eq 0 ] && set -- build
for group in "$@"; do
  case "$group" in
    build) want+=("${BUILD_PKGS[@]}") ;;
    test) want+=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${PROM_PKGS[@]}") ;;
    kvm) want+=("${KVM_PKGS[@]}") ;;
    prometheus) want+=("${PROM_PKGS[@]}") ;;
    bench) want+=("${BENCH_PKGS[@]}") ;;
    all) want+=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${KVM_PKGS[@]}" "${PROM_PKGS[@]}" "${BENCH_PKGS[@]}") ;;
    *) echo "setup: unknown package group '$group' (want build|test|kvm|prometheus|bench|all)" >&2; exit 2 ;;
  esac
done

# Which of the wanted packages are not installed (status "install ok installed").
missing=()
for p in $(printf '%s\n' "${want[@]}" | sort -u); do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$st" = "install ok installed" ] || missing+=("$p")
done

total=$(printf '%s\n' "${want[@]}" | sort -u | wc -l)
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all $total packages present ($*)"
  exit 0
fi

echo "setup: installing ${#missing[@]} missing package(s): ${missing[*]}"
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
    echo "setup: not root and no sudo; install these packages by hand: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
APT=("${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3 -y -q)

# A dpkg run that was interrupted earlier must be finished first, or apt refuses.
"${SUDO[@]}" dpkg --configure -a >/dev/null 2>&1 || true

if ! "${APT[@]}" update >/tmp/vmms-setup-update.log 2>&1; then
  echo "setup: 'apt-get update' failed; see /tmp/vmms-setup-update.log:" >&2
  tail -5 /tmp/vmms-setup-update.log >&2
  exit 1
fi
if ! "${APT[@]}" install --no-install-recommends "${missing[@]}" >/tmp/vmms-setup-install.log 2>&1; then
  echo "setup: 'apt-get install' failed for: ${missing[*]}; see /tmp/vmms-setup-install.log:" >&2
  grep -E '^(E:|Unable|Package)' /tmp/vmms-setup-install.log | tail -5 >&2 || tail -5 /tmp/vmms-setup-install.log >&2
  exit 1
fi
# Verify: a package apt said it installed but dpkg does not list is a failure.
still=()
for p in "${missing[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$st" = "install ok installed" ] || still+=("$p")
done
if [ ${#still[@]} -ne 0 ]; then
  echo "setup: still missing after install: ${still[*]}" >&2
  exit 1
fi
echo "setup: installed ${#missing[@]} package(s); all $total present"
