// Process-wide glibc malloc settings for a process that serves /metrics.
//
// A 1,000-VM scrape builds about 1 MB of text in a growing buffer plus about
// 1.4 MB of metric families, all freed again at the end. With glibc's
// defaults those big blocks come from fresh mmaps and the heap is trimmed
// back after each scrape, so every scrape page-faults on some thousand new
// pages; in a virtual machine each fault can be an expensive exit.
// Measured by tests/bench/counters_scrape: CPU per 1,000-VM scrape drops
// from ~13 ms to ~5 ms with the defaults below (see counters/README.md).
//
// This changes the whole process (it is mallopt), so only a main() calls it,
// once, at start-up (vmms does, before MetricsServer::Start). Thread-safe as
// mallopt is, but meant to be called before threads start.
#ifndef HV_COUNTERS_MALLOC_TUNING_H_
#define HV_COUNTERS_MALLOC_TUNING_H_

#include <cstddef>

#include "absl/status/status.h"

namespace hv::counters {

struct MallocTuning {
  // Blocks at least this big are mmapped. Default 16 MiB (glibc's default is
  // 128 KiB, adjusted upwards at run time).
  size_t mmap_threshold = size_t{16} << 20;
  // Free memory at the top of the heap beyond this is returned to the
  // system. Default 32 MiB: that much may stay mapped after a scrape.
  size_t trim_threshold = size_t{32} << 20;
};

// Applies `tuning` with mallopt. Fails with kInvalidArgument naming the
// setting when a value does not fit mallopt's int or glibc refuses it;
// settings applied before the failure stay applied. Under ASan/TSan/MSan,
// whose allocators replace glibc's, it checks the values and does nothing.
absl::Status TuneMallocForScrapes(const MallocTuning& tuning = {});

}  // namespace hv::counters

#endif  // HV_COUNTERS_MALLOC_TUNING_H_
