// The partition reference time (TLFS TIME_REF_COUNT): 100 ns units since the
// partition started, monotonic. Restorable: a snapshot records Now() and a
// restored partition continues from there.
#ifndef HV_HYPERVISOR_SHIM_REFERENCE_CLOCK_H_
#define HV_HYPERVISOR_SHIM_REFERENCE_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"

namespace hv::shim {

// Thread-safe.
class ReferenceClock {
 public:
  ReferenceClock();
  // 100 ns units since start (plus the restored base).
  uint64_t Now() const;
  // Makes Now() continue from `count` (snapshot restore).
  void Restore(uint64_t count);
  // Host wall time at which Now() reaches `count` (for condition-variable
  // deadlines); in the past when `count` already passed.
  absl::Time HostTimeOf(uint64_t count) const;

 private:
  int64_t start_ns_;  // steady clock at construction
  std::atomic<int64_t> base_{0};
};

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_REFERENCE_CLOCK_H_
