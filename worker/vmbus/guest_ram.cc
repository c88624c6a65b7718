#include "worker/vmbus/guest_ram.h"

#include <cstring>

#include "absl/strings/str_format.h"

namespace hv::worker {

BufferGuestRam::BufferGuestRam(uint64_t base_gpa, size_t size) : base_(base_gpa), bytes_(size) {}

bool BufferGuestRam::Contains(uint64_t gpa, uint64_t len) const {
  if (gpa < base_) return false;
  const uint64_t off = gpa - base_;
  return off <= bytes_.size() && len <= bytes_.size() - off;
}

absl::Status BufferGuestRam::Read(uint64_t gpa, void* dst, size_t len) const {
  if (!Contains(gpa, len)) {
    return absl::OutOfRangeError(
        absl::StrFormat("guest ram: read of %u bytes at gpa 0x%x is outside RAM", len, gpa));
  }
  if (len != 0) std::memcpy(dst, bytes_.data() + (gpa - base_), len);
  return absl::OkStatus();
}

absl::Status BufferGuestRam::Write(uint64_t gpa, const void* src, size_t len) {
  if (!Contains(gpa, len)) {
    return absl::OutOfRangeError(
        absl::StrFormat("guest ram: write of %u bytes at gpa 0x%x is outside RAM", len, gpa));
  }
  if (len != 0) std::memcpy(bytes_.data() + (gpa - base_), src, len);
  return absl::OkStatus();
}

}  // namespace hv::worker
