#include "worker/vmbus/partition_guest_ram.h"

namespace hv::worker {

absl::Status PartitionGuestRam::Read(uint64_t gpa, void* dst, size_t len) const {
  return partition_->ReadGpa(gpa, dst, len);
}

absl::Status PartitionGuestRam::Write(uint64_t gpa, const void* src, size_t len) {
  return partition_->WriteGpa(gpa, src, len);
}

bool PartitionGuestRam::Contains(uint64_t gpa, uint64_t len) const {
  if (len == 0) return true;
  return partition_->HostPointer(gpa, len).ok();
}

}  // namespace hv::worker
