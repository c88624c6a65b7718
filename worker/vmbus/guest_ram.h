// GuestRam: bounds-checked access to guest physical memory for the VMBus
// server and devices. Every GPA and length comes from the guest and is
// untrusted: an access that is not wholly inside guest RAM fails instead of
// touching host memory.
#ifndef HV_WORKER_VMBUS_GUEST_RAM_H_
#define HV_WORKER_VMBUS_GUEST_RAM_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"

namespace hv::worker {

class GuestRam {
 public:
  virtual ~GuestRam() = default;
  // Copies `len` bytes at `gpa` to `dst`. kOutOfRange if any byte is not
  // mapped guest RAM (nothing is copied then). Thread-safe.
  virtual absl::Status Read(uint64_t gpa, void* dst, size_t len) const = 0;
  // Copies `len` bytes from `src` to `gpa`. Same failure rule. Thread-safe.
  virtual absl::Status Write(uint64_t gpa, const void* src, size_t len) = 0;
  // True if [gpa, gpa+len) is wholly mapped guest RAM.
  virtual bool Contains(uint64_t gpa, uint64_t len) const = 0;
};

// GuestRam over one host buffer [base, base+size); for tests and fuzzers.
// Thread-compatible.
class BufferGuestRam : public GuestRam {
 public:
  BufferGuestRam(uint64_t base_gpa, size_t size);
  absl::Status Read(uint64_t gpa, void* dst, size_t len) const override;
  absl::Status Write(uint64_t gpa, const void* src, size_t len) override;
  bool Contains(uint64_t gpa, uint64_t len) const override;
  // Direct access for tests: the byte at `gpa` (must be Contained).
  uint8_t* At(uint64_t gpa) { return bytes_.data() + (gpa - base_); }

 private:
  uint64_t base_;
  std::vector<uint8_t> bytes_;
};

}  // namespace hv::worker

#endif  // HV_WORKER_VMBUS_GUEST_RAM_H_
