// Host-side accounting of the worker process: resident set size, CPU time,
// and proportional set size (PSS, shared pages split among their users).
// Worker overhead = RSS - guest RAM resident (the shim's mincore figure).
//
// Thread-safe (reads /proc and getrusage; no state).
#ifndef HV_WORKER_HOST_ACCOUNTING_H_
#define HV_WORKER_HOST_ACCOUNTING_H_

#include <sys/types.h>

#include <cstdint>

#include "absl/status/statusor.h"

namespace hv::worker {

// Resident set size of this process, bytes (/proc/self/statm field 2).
// Internal if /proc cannot be read.
absl::StatusOr<uint64_t> ProcessRssBytes();

// User + system CPU time of this process (all threads), microseconds.
uint64_t ProcessCpuTimeUs();

// "Pss:" of /proc/<pid>/smaps_rollup, bytes. NotFound if the process is gone,
// Internal if the file has no Pss line.
absl::StatusOr<uint64_t> ProcessPssBytes(pid_t pid);

// RSS minus guest-resident, clamped at 0 (the two are sampled at slightly
// different moments).
uint64_t WorkerOverheadBytes(uint64_t rss_bytes, uint64_t guest_resident_bytes);

}  // namespace hv::worker

#endif  // HV_WORKER_HOST_ACCOUNTING_H_
