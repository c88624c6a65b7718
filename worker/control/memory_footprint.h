// Process-wide memory settings that keep an idle vmwp small (issue 6, goal:
// idle worker overhead <= 5 MiB PSS beyond guest RAM; measured by
// tests/bench/scale/idle_pss.sh, findings in docs/scale/README.md).
//
// Measured on one idle TCG worker (docs/vmwp.md): the Unicorn TCG code
// buffer is a 1 GiB reservation that QEMU madvises MADV_HUGEPAGE, so its
// first translated block made the kernel back it with a whole 2 MiB
// transparent huge page although the idle guest's code needs ~0.2 MiB; and
// glibc gave each of the ~17 threads (gRPC's included) its own malloc arena.
// Everything else private to a worker (libraries' relocated data, Unicorn's
// heap) is not under our control; see the docs.
//
// Both settings change the whole process, so only the vmwp process (not a
// library) calls this, once, before it builds the partition and before it
// starts any thread.
#ifndef HV_WORKER_CONTROL_MEMORY_FOOTPRINT_H_
#define HV_WORKER_CONTROL_MEMORY_FOOTPRINT_H_

#include "absl/status/status.h"
#include "hypervisor-shim/partition.h"

namespace hv::worker {

struct FootprintOptions {
  // With the TCG backend, turn transparent huge pages off for the process
  // (prctl PR_SET_THP_DISABLE, inherited by every thread), so the TCG code
  // buffer is backed by 4 KiB pages as code is translated. The KVM backend
  // keeps the host's THP policy (huge pages help its guest RAM).
  // Default true.
  bool tcg_without_huge_pages = true;
  // mallopt(M_ARENA_MAX): malloc arenas shared by all threads (per-thread
  // tcaches still serve most small allocations without the arena lock).
  // 0 keeps glibc's default (8 x cores). Default 1.
  int malloc_arena_max = 1;
};

// Applies `options` for a worker on `backend`. Internal naming the setting
// if the kernel or libc refuses one (the worker can run without it: the
// caller logs and continues). Not thread-safe: call before other threads
// exist.
absl::Status ReduceWorkerFootprint(hv::shim::BackendKind backend, const FootprintOptions& options);

}  // namespace hv::worker

#endif  // HV_WORKER_CONTROL_MEMORY_FOOTPRINT_H_
