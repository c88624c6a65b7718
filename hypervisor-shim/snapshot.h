// Partition snapshots: vCPU registers, synthetic registers, the reference
// clock and guest RAM (every mapped region, with its protection) to one file;
// restored into a fresh partition of the same backend or the other one.
//
// File format (little-endian): header {magic "HVSNAP01", vcpu_count,
// region_count, time_ref_count}, per vCPU {VcpuRegisters, n, n x (name, value)},
// per region {gpa, size, prot, size bytes}. Not a stable on-disk format yet.
#ifndef HV_HYPERVISOR_SHIM_SNAPSHOT_H_
#define HV_HYPERVISOR_SHIM_SNAPSHOT_H_

#include <string>

#include "absl/status/status.h"
#include "hypervisor-shim/partition.h"

namespace hv::shim {

// REQUIRES: no vCPU of `partition` is inside Run() (pause the runner first).
// Errors: the file cannot be written (Internal, with errno text).
absl::Status SaveSnapshot(Partition& partition, const std::string& path);

// `fresh` must be a new partition (only the boot area mapped) with the same
// vcpu_count and a max_gpa covering the snapshot: InvalidArgument otherwise,
// DataLoss for a truncated or corrupt file.
absl::Status RestoreSnapshot(Partition& fresh, const std::string& path);

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_SNAPSHOT_H_
