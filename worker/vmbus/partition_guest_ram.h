// PartitionGuestRam: GuestRam over a hypervisor-shim Partition's memory map.
// Every access is bounds-checked by the partition (OutOfRange for non-RAM,
// including pages the balloon unmapped). Thread-safe.
#ifndef HV_WORKER_VMBUS_PARTITION_GUEST_RAM_H_
#define HV_WORKER_VMBUS_PARTITION_GUEST_RAM_H_

#include "hypervisor-shim/partition.h"
#include "worker/vmbus/guest_ram.h"

namespace hv::worker {

class PartitionGuestRam : public GuestRam {
 public:
  // `partition` must outlive this object.
  explicit PartitionGuestRam(shim::Partition* partition) : partition_(partition) {}
  absl::Status Read(uint64_t gpa, void* dst, size_t len) const override;
  absl::Status Write(uint64_t gpa, const void* src, size_t len) override;
  bool Contains(uint64_t gpa, uint64_t len) const override;

 private:
  shim::Partition* partition_;
};

}  // namespace hv::worker

#endif  // HV_WORKER_VMBUS_PARTITION_GUEST_RAM_H_
