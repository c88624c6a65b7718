// PartitionDmMemory: applies DM results to a hypervisor-shim partition.
//  - ReleasePages unmaps the granule-aligned part of the range (2 MiB on TCG,
//    4 KiB on KVM: Partition::unmap_granularity) and so returns its host
//    memory (MADV_DONTNEED); pages of a partial granule stay mapped and are
//    counted in kept_mapped_pages (our guest balloons 2 MiB aligned chunks, so
//    this is rare).
//  - RestorePages maps back every unmapped granule touching the range.
//  - AddMemory maps a new block (the VSP chooses it above the current top).
// Thread-safe.
#ifndef HV_WORKER_DEVICES_DYNMEM_PARTITION_DM_MEMORY_H_
#define HV_WORKER_DEVICES_DYNMEM_PARTITION_DM_MEMORY_H_

#include <cstdint>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "hv/worker/v1/worker.pb.h"
#include "hypervisor-shim/partition.h"
#include "worker/devices/dynmem/dm_memory_control.h"

namespace hv::worker {

class PartitionDmMemory : public DmMemoryControl {
 public:
  // `partition` must outlive this object.
  explicit PartitionDmMemory(shim::Partition* partition);

  absl::Status ReleasePages(uint64_t pfn, uint64_t count) override;
  absl::Status RestorePages(uint64_t pfn, uint64_t count) override;
  absl::Status AddMemory(uint64_t pfn, uint64_t count) override;

  uint64_t unmapped_bytes() const;
  uint64_t kept_mapped_pages() const;

  // Save/restore (Quick Migration): which guest memory was given back. The
  // partition snapshot already leaves those ranges unmapped; Restore only
  // reinstates the bookkeeping so RestorePages can map them back later.
  hv::worker::v1::DmMemoryState Save() const;
  // InvalidArgument naming the range if one is empty, out of order,
  // overlapping, beyond the partition's max_gpa, or mapped in the partition
  // (the snapshot must have left it unmapped); nothing changes then.
  absl::Status Restore(const hv::worker::v1::DmMemoryState& saved);

 private:
  shim::Partition* const partition_;
  const uint64_t granule_;
  mutable absl::Mutex mu_;
  std::map<uint64_t, uint64_t> unmapped_ ABSL_GUARDED_BY(mu_);  // start gpa -> end gpa
  uint64_t unmapped_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t kept_mapped_pages_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hv::worker

#endif  // HV_WORKER_DEVICES_DYNMEM_PARTITION_DM_MEMORY_H_
